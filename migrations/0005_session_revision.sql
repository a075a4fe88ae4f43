-- Every recorded answer bumps its session's revision, and a finish stores its score only if the
-- revision is still the one it scored, so an answer racing the finish can never leave a stored
-- score that differs from the answers kept.
ALTER TABLE study_sessions ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
