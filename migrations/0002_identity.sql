-- The rest of DIGIT's user, sessions and lockout (issue: identity API).

ALTER TABLE users ADD COLUMN salutation TEXT;
ALTER TABLE users ADD COLUMN gender TEXT CHECK (gender IN ('MALE', 'FEMALE', 'TRANSGENDER', 'OTHERS'));
ALTER TABLE users ADD COLUMN alt_contact_number TEXT;
ALTER TABLE users ADD COLUMN pan TEXT;
ALTER TABLE users ADD COLUMN aadhaar_number TEXT;
ALTER TABLE users ADD COLUMN dob TEXT;                        -- dd/MM/yyyy, as DIGIT sends it
ALTER TABLE users ADD COLUMN father_or_husband_name TEXT;
ALTER TABLE users ADD COLUMN blood_group TEXT;
ALTER TABLE users ADD COLUMN permanent_address TEXT;
ALTER TABLE users ADD COLUMN permanent_city TEXT;
ALTER TABLE users ADD COLUMN permanent_pincode TEXT;
ALTER TABLE users ADD COLUMN correspondence_address TEXT;
ALTER TABLE users ADD COLUMN correspondence_city TEXT;
ALTER TABLE users ADD COLUMN correspondence_pincode TEXT;
ALTER TABLE users ADD COLUMN locale TEXT NOT NULL DEFAULT 'en_IN';
ALTER TABLE users ADD COLUMN pwd_expiry_date INTEGER;         -- epoch milliseconds
ALTER TABLE users ADD COLUMN locked_until INTEGER;            -- epoch seconds; the lock lifts by itself then
ALTER TABLE users ADD COLUMN created_by TEXT;                 -- uuid of the creator
ALTER TABLE users ADD COLUMN last_modified_by TEXT;

-- Access and refresh tokens: only their SHA-256 is stored. A refresh token names its access token's
-- session so that logout and a password change end both.
CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
    session_id  TEXT NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at  INTEGER NOT NULL,                             -- epoch seconds
    created_at  INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_session ON sessions (session_id);

-- Failed logins inside the lockout window (older rows are deleted as they are met).
CREATE TABLE login_failures (
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    at       INTEGER NOT NULL                                 -- epoch seconds
);
CREATE INDEX login_failures_user ON login_failures (user_id, at);

-- DIGIT roles carry a display name.
ALTER TABLE user_roles ADD COLUMN name TEXT;
