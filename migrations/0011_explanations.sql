-- "Why was my answer wrong?": a model's explanation of one wrong answer to one version of a
-- question, kept so the next learner with the same mistake is answered from here at no cost.
-- `answer` is the chosen choice ids as the responses table stores them (JSON, in the order
-- the question's key compares them).
CREATE TABLE mistake_explanations (
    question_id      TEXT NOT NULL REFERENCES questions (id),
    question_version INTEGER NOT NULL,
    answer           TEXT NOT NULL,
    body             TEXT NOT NULL,                 -- plain text from the model, never HTML
    model            TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    PRIMARY KEY (question_id, question_version, answer)
) STRICT;

-- Each explanation a learner was given, once per mistake and UTC day: the daily allowance
-- counts these rows (asking again for the same mistake the same day costs nothing).
CREATE TABLE mistake_explanation_uses (
    user_id          TEXT NOT NULL REFERENCES users (id),
    day              TEXT NOT NULL,                 -- 'YYYY-MM-DD', UTC
    question_id      TEXT NOT NULL,
    question_version INTEGER NOT NULL,
    answer           TEXT NOT NULL,
    cached           INTEGER NOT NULL CHECK (cached IN (0, 1)),
    used_at          TEXT NOT NULL,
    PRIMARY KEY (user_id, day, question_id, question_version, answer)
) STRICT;

-- What each model call was for, so a call can be traced to the learner or job that made it.
ALTER TABLE ai_calls ADD COLUMN outcome TEXT NOT NULL DEFAULT 'ok'
    CHECK (outcome IN ('ok', 'malformed', 'refused', 'failed'));
