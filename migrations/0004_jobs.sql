-- Background tasks (TASK_QUEUE) that have run to the end, so a message delivered twice does its
-- work once. `outcome` 'dead' marks a task that exhausted its retries (it went to the
-- dead-letter queue) and needs an operator.
CREATE TABLE task_runs (
    id          TEXT PRIMARY KEY,                  -- e.g. 'rollup:2026-11-25'
    kind        TEXT NOT NULL,
    outcome     TEXT NOT NULL CHECK (outcome IN ('done', 'dead')),
    detail      TEXT NOT NULL DEFAULT '',
    finished_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;

CREATE INDEX task_runs_by_age ON task_runs (finished_at);

-- The weekly cleanup finds idle guests by when they were last seen.
CREATE INDEX users_idle_guests ON users (kind, last_seen_at);
