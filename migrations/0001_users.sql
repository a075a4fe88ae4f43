-- Everyone who uses PingToPass: learners and admins, signed in with Google (OpenID Connect).
-- Timestamps are RFC 3339 UTC text, as SQLite's strftime writes them.
CREATE TABLE users (
    id           TEXT PRIMARY KEY,                 -- opaque, random, URL-safe
    google_sub   TEXT NOT NULL UNIQUE,             -- the provider's stable subject id
    email        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name         TEXT NOT NULL,
    avatar_url   TEXT,
    role         TEXT NOT NULL DEFAULT 'learner' CHECK (role IN ('learner', 'admin')),
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    last_seen_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) STRICT;
