-- Keys third parties use for the API on a member's behalf. Only an HMAC of the secret is kept.
CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL,
    hint         TEXT NOT NULL,                    -- the secret's first characters, to tell keys apart
    secret_hash  TEXT NOT NULL UNIQUE,             -- hex HMAC-SHA256 under API_KEY_SECRET
    scopes       TEXT NOT NULL,                    -- space-separated, e.g. 'profile:read catalog:read'
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    last_used_at TEXT,
    revoked_at   TEXT
) STRICT;

CREATE INDEX api_keys_by_user ON api_keys (user_id, created_at DESC);
