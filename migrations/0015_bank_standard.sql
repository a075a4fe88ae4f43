-- Issue 16: the bank measured against the vendor's blueprint.
-- Each question's vendor objective and declared difficulty (1 easy … 3 hard), NULL for questions
-- written before, or imported without them. Item statistics may later replace the declared value.
ALTER TABLE questions ADD COLUMN objective TEXT CHECK (objective IS NULL OR length(objective) BETWEEN 1 AND 16);
ALTER TABLE questions ADD COLUMN difficulty INTEGER CHECK (difficulty IS NULL OR difficulty BETWEEN 1 AND 3);
-- The kinds of item the real exam has (a JSON array): a mock draws only these, practice all.
ALTER TABLE exams ADD COLUMN mock_kinds TEXT NOT NULL DEFAULT '["single","multi","ordering"]'
    CHECK (json_valid(mock_kinds) AND json_type(mock_kinds) = 'array');
