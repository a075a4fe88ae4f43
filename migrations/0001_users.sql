-- Everyone who uses PingToPass: members (signed in with Google) and guests (practising without an
-- account, held by a session cookie, whose history moves into the account they sign in to).
-- Timestamps are RFC 3339 UTC text, as SQLite's strftime writes them.
CREATE TABLE users (
    id           TEXT PRIMARY KEY,                 -- opaque, random, URL-safe
    kind         TEXT NOT NULL CHECK (kind IN ('guest', 'member')),
    google_sub   TEXT UNIQUE,                      -- the provider's stable subject id
    email        TEXT UNIQUE COLLATE NOCASE,
    google_name  TEXT,                             -- the name Google gives
    display_name TEXT,                             -- the name the learner chose
    avatar_url   TEXT,
    role         TEXT NOT NULL DEFAULT 'learner' CHECK (role IN ('learner', 'admin')),
    target_exam  TEXT,                             -- exam code, e.g. SY0-701
    daily_goal   INTEGER NOT NULL DEFAULT 20 CHECK (daily_goal BETWEEN 1 AND 500),
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    last_seen_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    -- Members have a Google identity and an email, guests have neither.
    CHECK ((kind = 'member') = (google_sub IS NOT NULL)),
    CHECK ((kind = 'member') = (email IS NOT NULL))
) STRICT;

CREATE INDEX users_by_created ON users (created_at DESC);
