-- "Sign out everywhere" moves a member's epoch on, and every session token carries the epoch it was
-- issued in and is refused once it differs. Strongly consistent and complete, unlike a list of
-- sessions kept in KV.
ALTER TABLE users ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0;
