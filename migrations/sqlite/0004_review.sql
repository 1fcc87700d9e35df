-- Review UI: users, sessions, escalation, and the indexes the queue and search need.

-- People who log in. Passwords only as argon2id PHC strings.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,   -- PII (a login name)
    password_hash TEXT NOT NULL,                -- argon2id PHC string
    role TEXT NOT NULL CHECK (role IN ('researcher', 'coordinator', 'municipality')),
    municipality_code TEXT REFERENCES municipalities(code),
    created_at TEXT NOT NULL,
    disabled_at TEXT,
    CHECK ((role = 'municipality') = (municipality_code IS NOT NULL))
);

-- Logged-in sessions. Only the SHA-256 of the cookie value is stored, so a copy of the
-- database does not hand out sessions.
CREATE TABLE sessions (
    token_sha256 TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,                         -- synchronizer token for every form
    created_at TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    expires_at TEXT NOT NULL                    -- absolute end; idle end = last_seen + idle
);
CREATE INDEX sessions_user ON sessions(user_id);

-- A researcher can hand a flag to a coordinator; set until a coordinator decides.
ALTER TABLE flags ADD COLUMN escalated_at TEXT;

CREATE INDEX flags_strength ON flags(strength, id);
CREATE INDEX flags_first_seen ON flags(first_seen, id);
CREATE INDEX flags_rule ON flags(rule);
CREATE INDEX flags_ad ON flags(ad_id);
CREATE INDEX decisions_flag ON decisions(flag_id);
CREATE INDEX version_numbers_normalized ON version_numbers(normalized);
CREATE INDEX ad_versions_ad ON ad_versions(ad_id);
