-- What the hourly trends job made of each exam's last 24 hours of posts on X: a card, or why
-- there is none. One row per exam and hour, so running an hour again changes nothing.
CREATE TABLE exam_trends (
    exam_code    TEXT NOT NULL REFERENCES exams (code),
    hour         TEXT NOT NULL,                    -- 'YYYY-MM-DDTHH', UTC
    outcome      TEXT NOT NULL CHECK (outcome IN ('card', 'too_few_posts', 'unusable')),
    post_count   INTEGER NOT NULL CHECK (post_count >= 0),
    card         TEXT,                             -- JSON {summary, topics, tips, changes, posts}
    detail       TEXT NOT NULL DEFAULT '',         -- why there is no card
    model        TEXT,
    generated_at TEXT NOT NULL,
    PRIMARY KEY (exam_code, hour),
    CHECK ((outcome = 'card') = (card IS NOT NULL))
) STRICT;
