-- The admin console writes questions: review, versions pinned to the sessions that drew them,
-- and a log that names every kind of action.

-- In review: a draft an admin has submitted for publication. Kept beside the draft rather than
-- as a fourth `questions.status`: SQLite changes a CHECK only by rebuilding the table, and every
-- session, answer and report references `questions`.
CREATE TABLE question_reviews (
    question_id  TEXT PRIMARY KEY REFERENCES questions (id),
    submitted_by TEXT NOT NULL,
    submitted_at TEXT NOT NULL
) STRICT;

CREATE TRIGGER question_reviews_only_of_drafts BEFORE INSERT ON question_reviews
WHEN (SELECT status FROM questions WHERE id = NEW.question_id) IS NOT 'draft'
BEGIN
    SELECT RAISE(ABORT, 'only a draft can be in review');
END;

CREATE TRIGGER questions_leave_review AFTER UPDATE OF status ON questions
WHEN NEW.status <> 'draft'
BEGIN
    DELETE FROM question_reviews WHERE question_id = NEW.id;
END;

-- Each version keeps its rendering too, so a session shows and grades the version it drew even
-- after the question changes.
ALTER TABLE question_versions ADD COLUMN stem_html TEXT;
ALTER TABLE question_versions ADD COLUMN choices_html TEXT;
ALTER TABLE question_versions ADD COLUMN explanation_html TEXT;
ALTER TABLE question_versions ADD COLUMN refs_html TEXT;

UPDATE question_versions SET
    stem_html = (SELECT q.stem_html FROM questions q WHERE q.id = question_id AND q.version = question_versions.version),
    choices_html = (SELECT q.choices_html FROM questions q WHERE q.id = question_id AND q.version = question_versions.version),
    explanation_html = (SELECT q.explanation_html FROM questions q WHERE q.id = question_id AND q.version = question_versions.version),
    refs_html = (SELECT q.refs_html FROM questions q WHERE q.id = question_id AND q.version = question_versions.version);

DROP TRIGGER questions_version_on_insert;
DROP TRIGGER questions_version_on_update;

CREATE TRIGGER questions_version_on_insert AFTER INSERT ON questions
BEGIN
    INSERT INTO question_versions (question_id, version, domain_code, kind, stem, choices,
                                   answer_key, explanation, refs, changed_by, changed_at,
                                   stem_html, choices_html, explanation_html, refs_html)
    VALUES (NEW.id, NEW.version, NEW.domain_code, NEW.kind, NEW.stem, NEW.choices, NEW.answer_key,
            NEW.explanation, NEW.refs, NEW.updated_by, NEW.updated_at, NEW.stem_html,
            NEW.choices_html, NEW.explanation_html, NEW.refs_html);
END;

CREATE TRIGGER questions_version_on_update AFTER UPDATE OF version ON questions
BEGIN
    INSERT INTO question_versions (question_id, version, domain_code, kind, stem, choices,
                                   answer_key, explanation, refs, changed_by, changed_at,
                                   stem_html, choices_html, explanation_html, refs_html)
    VALUES (NEW.id, NEW.version, NEW.domain_code, NEW.kind, NEW.stem, NEW.choices, NEW.answer_key,
            NEW.explanation, NEW.refs, NEW.updated_by, NEW.updated_at, NEW.stem_html,
            NEW.choices_html, NEW.explanation_html, NEW.refs_html);
END;

-- The seed writes a changed question's rendering in a second statement, and a new renderer
-- re-renders without a new version: the current version's copy follows.
CREATE TRIGGER questions_rendering_follows AFTER UPDATE OF stem_html, choices_html,
    explanation_html, refs_html ON questions
BEGIN
    UPDATE question_versions SET stem_html = NEW.stem_html, choices_html = NEW.choices_html,
        explanation_html = NEW.explanation_html, refs_html = NEW.refs_html
    WHERE question_id = NEW.id AND version = NEW.version;
END;

-- A question as one of its versions: what a session drew.
CREATE VIEW question_editions AS
SELECT v.question_id AS id, q.exam_code, v.domain_code, v.kind, v.stem, v.choices, v.answer_key,
       v.explanation, v.refs, v.version, v.stem_html, v.choices_html, v.explanation_html,
       v.refs_html
FROM question_versions v JOIN questions q ON q.id = v.question_id;

-- A report closed as the duplicate of an earlier one (its status is `dismissed`).
ALTER TABLE question_reports ADD COLUMN duplicate_of TEXT REFERENCES question_reports (id);

CREATE INDEX question_reports_by_user ON question_reports (user_id, created_at);

-- The log names every action of the console. Nothing references it, so it is rebuilt for the
-- wider CHECK (a dropped table fires none of its triggers, which are made again below).
CREATE TABLE audit_log_v2 (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    actor  TEXT NOT NULL,                         -- a user id, or 'cli' for `cargo xtask`
    action TEXT NOT NULL CHECK (action IN ('question_create', 'question_edit', 'question_submit',
        'question_return', 'question_publish', 'question_retire', 'question_restore',
        'report_resolve', 'report_dismiss', 'report_duplicate', 'import', 'role_grant')),
    target TEXT NOT NULL,                         -- 'question:<id>', 'report:<id>', 'user:<id>'
    diff   TEXT NOT NULL DEFAULT '{}'
) STRICT;

INSERT INTO audit_log_v2 (id, at, actor, action, target, diff)
SELECT id, at, actor, action, target, diff FROM audit_log;

DROP TABLE audit_log;

ALTER TABLE audit_log_v2 RENAME TO audit_log;

CREATE INDEX audit_log_by_target ON audit_log (target, id);

CREATE TRIGGER audit_log_is_append_only_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_is_append_only_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- Each question version's item analysis from learners' first attempts, replaced exam by exam by
-- the daily rollup (never computed on a page view).
CREATE TABLE item_stats (
    question_id    TEXT NOT NULL REFERENCES questions (id),
    version        INTEGER NOT NULL,
    exam_code      TEXT NOT NULL,
    responses      INTEGER NOT NULL CHECK (responses > 0),
    facility       REAL NOT NULL CHECK (facility BETWEEN 0 AND 1),
    discrimination REAL CHECK (discrimination BETWEEN -1 AND 1),
    choice_shares  TEXT NOT NULL,                 -- JSON [0.3, 0.4, ...] by choice position
    median_ms      INTEGER NOT NULL,
    flags          TEXT NOT NULL,                 -- JSON ["too_easy", "unused_distractor:d"]
    computed_at    TEXT NOT NULL,
    PRIMARY KEY (question_id, version)
) STRICT;

CREATE INDEX item_stats_by_exam ON item_stats (exam_code);
