-- Each question's Markdown rendered to sanitized HTML when it is written (seed loader, admin
-- corrections), so neither the SPA nor a request renders it. NULL: written before this
-- migration, and the Worker renders such a row as it reads it, until the row is next written.
ALTER TABLE questions ADD COLUMN stem_html TEXT;
ALTER TABLE questions ADD COLUMN choices_html TEXT;       -- JSON ["html a", …], as `choices`
ALTER TABLE questions ADD COLUMN explanation_html TEXT;
ALTER TABLE questions ADD COLUMN refs_html TEXT;          -- JSON, as `refs`
