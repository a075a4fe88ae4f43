-- An admin's request for AI-drafted questions, worked off TASK_QUEUE (task `drafts:<id>`).
CREATE TABLE draft_requests (
    id           TEXT PRIMARY KEY,
    requested_by TEXT NOT NULL REFERENCES users (id),
    exam_code    TEXT NOT NULL,
    domain_code  TEXT NOT NULL,
    objective    TEXT,
    kind         TEXT CHECK (kind IN ('single', 'multi', 'ordering')),
    count        INTEGER NOT NULL CHECK (count BETWEEN 1 AND 10),
    status       TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'done', 'failed', 'dead')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    detail       TEXT NOT NULL DEFAULT '',          -- why it failed, for the admin
    requested_at TEXT NOT NULL,
    finished_at  TEXT,
    FOREIGN KEY (exam_code, domain_code) REFERENCES exam_domains (exam_code, code)
) STRICT;

CREATE INDEX draft_requests_by_admin ON draft_requests (requested_by, requested_at);

-- Each drafted question with its automated QA report. One that passed is a question in review
-- (`question_id`, source 'ai'), while one refused by the content rules or failed by the blind answer
-- is kept here only, with the reason.
CREATE TABLE question_drafts (
    id          TEXT PRIMARY KEY,
    request_id  TEXT NOT NULL REFERENCES draft_requests (id),
    position    INTEGER NOT NULL,
    outcome     TEXT NOT NULL CHECK (outcome IN ('in_review', 'refused', 'failed')),
    question_id TEXT REFERENCES questions (id),
    draft       TEXT NOT NULL,                      -- JSON: the fields as the model gave them
    report      TEXT NOT NULL,                      -- JSON: the checks and what they found
    model       TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (request_id, position),
    CHECK ((outcome = 'in_review') = (question_id IS NOT NULL))
) STRICT;
