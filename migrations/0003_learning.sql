-- The catalogue, the question bank, practice and mock sessions, answers, review cards, question
-- reports and daily aggregates. JSON columns hold small arrays written and read by the API only.

CREATE TABLE exams (
    code           TEXT PRIMARY KEY,              -- SY0-701
    vendor         TEXT NOT NULL,
    name           TEXT NOT NULL,
    version        TEXT NOT NULL,
    question_count INTEGER NOT NULL CHECK (question_count > 0),
    minutes        INTEGER NOT NULL CHECK (minutes > 0),
    score_min      INTEGER NOT NULL,
    score_max      INTEGER NOT NULL,
    passing_score  INTEGER NOT NULL,
    raw_cut        REAL NOT NULL CHECK (raw_cut > 0 AND raw_cut < 1),
    navigation     TEXT NOT NULL CHECK (navigation IN ('review_allowed', 'forward_only')),
    retired        INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
    updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK (score_min < passing_score AND passing_score < score_max)
) STRICT;

CREATE TABLE exam_domains (
    exam_code TEXT NOT NULL REFERENCES exams (code),
    code      TEXT NOT NULL,                      -- 2.0
    name      TEXT NOT NULL,
    weight    INTEGER NOT NULL CHECK (weight BETWEEN 1 AND 100),
    position  INTEGER NOT NULL,
    PRIMARY KEY (exam_code, code)
) STRICT;

CREATE TABLE questions (
    id          TEXT PRIMARY KEY,                 -- sy0-701-2.0-014
    exam_code   TEXT NOT NULL REFERENCES exams (code),
    domain_code TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('single', 'multi', 'ordering')),
    stem        TEXT NOT NULL,                    -- Markdown
    choices     TEXT NOT NULL,                    -- JSON ["text a", "text b", …], ids a, b, … by position
    answer_key  TEXT NOT NULL,                    -- JSON ["c"] / ["b","d"] / ["c","a","d","b"]
    explanation TEXT NOT NULL,                    -- Markdown
    refs        TEXT NOT NULL DEFAULT '[]',       -- JSON ["SY0-701 Objective 2.4 — …"]
    status      TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'retired')),
    source      TEXT NOT NULL CHECK (source IN ('authored', 'ai')),
    version     INTEGER NOT NULL DEFAULT 1,
    created_by  TEXT NOT NULL,                    -- 'seed' or a user id
    updated_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    FOREIGN KEY (exam_code, domain_code) REFERENCES exam_domains (exam_code, code)
) STRICT;

CREATE INDEX questions_by_exam ON questions (exam_code, status, domain_code);

-- A practice or mock session and the questions drawn for it, in order.
CREATE TABLE study_sessions (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    exam_code    TEXT NOT NULL REFERENCES exams (code),
    mode         TEXT NOT NULL CHECK (mode IN ('practice', 'mock')),
    filter       TEXT NOT NULL CHECK (filter IN ('all', 'unseen', 'missed', 'due')),
    navigation   TEXT NOT NULL CHECK (navigation IN ('review_allowed', 'forward_only')),
    minutes      INTEGER,                         -- mocks only
    started_at   TEXT NOT NULL,
    deadline_at  TEXT,                            -- mocks only, by the server's clock
    furthest     INTEGER,                         -- forward-only mocks: last position answered
    finished_at  TEXT,
    raw_score    REAL,
    scaled_score INTEGER,
    passed       INTEGER CHECK (passed IN (0, 1))
) STRICT;

CREATE INDEX study_sessions_by_user ON study_sessions (user_id, started_at DESC);

CREATE TABLE session_questions (
    session_id       TEXT NOT NULL REFERENCES study_sessions (id),
    position         INTEGER NOT NULL,
    question_id      TEXT NOT NULL REFERENCES questions (id),
    question_version INTEGER NOT NULL,
    domain_code      TEXT NOT NULL,
    flagged          INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1)),
    PRIMARY KEY (session_id, position),
    UNIQUE (session_id, question_id)
) STRICT;

-- The current answer to each answered question of a session (a mock's changed answer replaces it).
CREATE TABLE responses (
    session_id  TEXT NOT NULL REFERENCES study_sessions (id),
    question_id TEXT NOT NULL REFERENCES questions (id),
    user_id     TEXT NOT NULL REFERENCES users (id),
    exam_code   TEXT NOT NULL,
    domain_code TEXT NOT NULL,
    answer      TEXT NOT NULL,                    -- JSON ["b","d"]
    credit      REAL NOT NULL CHECK (credit BETWEEN 0 AND 1),
    correct     INTEGER NOT NULL CHECK (correct IN (0, 1)),
    elapsed_ms  INTEGER NOT NULL CHECK (elapsed_ms >= 0),
    answered_at TEXT NOT NULL,
    PRIMARY KEY (session_id, question_id)
) STRICT;

CREATE INDEX responses_by_user ON responses (user_id, exam_code, answered_at);

-- FSRS memory state of one learner for one question.
CREATE TABLE review_cards (
    user_id        TEXT NOT NULL REFERENCES users (id),
    question_id    TEXT NOT NULL REFERENCES questions (id),
    exam_code      TEXT NOT NULL,
    stability      REAL NOT NULL,
    difficulty     REAL NOT NULL,
    due_at         TEXT NOT NULL,
    last_review_at TEXT NOT NULL,
    reps           INTEGER NOT NULL,
    lapses         INTEGER NOT NULL,
    PRIMARY KEY (user_id, question_id)
) STRICT;

CREATE INDEX review_cards_due ON review_cards (user_id, exam_code, due_at);

CREATE TABLE question_reports (
    id               TEXT PRIMARY KEY,
    question_id      TEXT NOT NULL REFERENCES questions (id),
    question_version INTEGER NOT NULL,
    user_id          TEXT REFERENCES users (id),
    reason           TEXT NOT NULL CHECK (reason IN ('wrong_key', 'unclear', 'typo', 'outdated')),
    details          TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'dismissed')),
    resolution_note  TEXT,
    resolved_by      TEXT,
    created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    resolved_at      TEXT
) STRICT;

CREATE INDEX question_reports_open ON question_reports (status, created_at);

-- One row per day and exam, written by the daily rollup job.
CREATE TABLE daily_aggregates (
    day             TEXT NOT NULL,                -- YYYY-MM-DD (UTC)
    exam_code       TEXT NOT NULL,
    answers         INTEGER NOT NULL,
    active_learners INTEGER NOT NULL,
    mocks_taken     INTEGER NOT NULL,
    mocks_passed    INTEGER NOT NULL,
    PRIMARY KEY (day, exam_code)
) STRICT;
