-- What running the product costs, one row per UTC day, written by the daily cost job
-- (api/src/jobs.rs) from the usage the platforms report (api/src/usage/), priced with the one
-- price table (domain/src/costs/prices.rs). Running a day again replaces its row.
CREATE TABLE daily_costs (
    day               TEXT PRIMARY KEY,                 -- 'YYYY-MM-DD', UTC
    usage             TEXT NOT NULL,                    -- JSON object: meter -> units that day
    openrouter_usd    REAL NOT NULL DEFAULT 0 CHECK (openrouter_usd >= 0),
    cost_usd          REAL NOT NULL CHECK (cost_usd >= 0), -- what the day added to the bill
    month_to_date_usd REAL NOT NULL CHECK (month_to_date_usd >= 0),
    gaps              TEXT NOT NULL DEFAULT '[]',       -- JSON array: sources not read, and why
    computed_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

-- Every call to a model through OpenRouter with what OpenRouter charged for it: the cost
-- tracker's AI spend (the AI features write these rows).
CREATE TABLE ai_calls (
    id                INTEGER PRIMARY KEY,
    called_at         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    purpose           TEXT NOT NULL,                    -- e.g. 'draft', 'explain', 'trends'
    model             TEXT NOT NULL,
    prompt_tokens     INTEGER NOT NULL CHECK (prompt_tokens >= 0),
    completion_tokens INTEGER NOT NULL CHECK (completion_tokens >= 0),
    cost_usd          REAL NOT NULL CHECK (cost_usd >= 0)
) STRICT;

CREATE INDEX ai_calls_by_time ON ai_calls (called_at);
