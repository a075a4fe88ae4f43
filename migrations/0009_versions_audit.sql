-- Every version of every question, kept by triggers whoever writes it (the seed, a report's
-- correction, the console): answers point at (question, version), so what a learner answered
-- stays readable after the question changes.
CREATE TABLE question_versions (
    question_id TEXT NOT NULL REFERENCES questions (id),
    version     INTEGER NOT NULL CHECK (version >= 1),
    domain_code TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('single', 'multi', 'ordering')),
    stem        TEXT NOT NULL,
    choices     TEXT NOT NULL,
    answer_key  TEXT NOT NULL,
    explanation TEXT NOT NULL,
    refs        TEXT NOT NULL,
    changed_by  TEXT NOT NULL,                    -- 'seed' or a user id
    changed_at  TEXT NOT NULL,
    PRIMARY KEY (question_id, version)
) STRICT;

-- The versions stored so far: only the current one of each question still exists.
INSERT INTO question_versions (question_id, version, domain_code, kind, stem, choices, answer_key,
                               explanation, refs, changed_by, changed_at)
SELECT id, version, domain_code, kind, stem, choices, answer_key, explanation, refs, updated_by,
       updated_at
FROM questions;

CREATE TRIGGER questions_version_on_insert AFTER INSERT ON questions
BEGIN
    INSERT INTO question_versions (question_id, version, domain_code, kind, stem, choices,
                                   answer_key, explanation, refs, changed_by, changed_at)
    VALUES (NEW.id, NEW.version, NEW.domain_code, NEW.kind, NEW.stem, NEW.choices, NEW.answer_key,
            NEW.explanation, NEW.refs, NEW.updated_by, NEW.updated_at);
END;

CREATE TRIGGER questions_version_on_update AFTER UPDATE OF version ON questions
BEGIN
    INSERT INTO question_versions (question_id, version, domain_code, kind, stem, choices,
                                   answer_key, explanation, refs, changed_by, changed_at)
    VALUES (NEW.id, NEW.version, NEW.domain_code, NEW.kind, NEW.stem, NEW.choices, NEW.answer_key,
            NEW.explanation, NEW.refs, NEW.updated_by, NEW.updated_at);
END;

-- A change of content without a new version would leave the history saying the answered text
-- was something else: refused, whoever writes it.
CREATE TRIGGER questions_content_changes_make_a_version BEFORE UPDATE OF domain_code, kind, stem,
    choices, answer_key, explanation, refs ON questions
WHEN NEW.version = OLD.version AND (NEW.domain_code IS NOT OLD.domain_code OR NEW.kind IS NOT OLD.kind
    OR NEW.stem IS NOT OLD.stem OR NEW.choices IS NOT OLD.choices
    OR NEW.answer_key IS NOT OLD.answer_key OR NEW.explanation IS NOT OLD.explanation
    OR NEW.refs IS NOT OLD.refs)
BEGIN
    SELECT RAISE(ABORT, 'a change of a question''s content must make a new version');
END;

-- What admins did, append-only: who, when, to what, and the change field by field
-- (`diff`: JSON object, field -> [before, after]).
CREATE TABLE audit_log (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    actor  TEXT NOT NULL,                         -- a user id, or 'cli' for `cargo xtask`
    action TEXT NOT NULL CHECK (action IN ('question_create', 'question_edit', 'question_publish',
        'question_retire', 'question_restore', 'report_resolve', 'report_dismiss', 'import',
        'role_grant')),
    target TEXT NOT NULL,                         -- 'question:<id>', 'report:<id>', 'user:<id>'
    diff   TEXT NOT NULL DEFAULT '{}'
) STRICT;

CREATE INDEX audit_log_by_target ON audit_log (target, id);

CREATE TRIGGER audit_log_is_append_only_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_is_append_only_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
