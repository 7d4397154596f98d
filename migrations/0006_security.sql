-- The security review (issues 15 and 19): codes that a stranger can neither cancel nor exhaust, failed logins
-- of unknown user names counted like real ones, refresh-token reuse detection, and a message kind that tells
-- a registering person that they already have an account.

-- Codes: one row per send (a stranger's send no longer replaces the owner's code). Every live code of a
-- number and purpose works until it expires, is used, or runs out of tries; using one ends them all. Tries
-- are counted in two budgets: from the address (bucket) that asked for the code, and from all others.
-- The pending codes of the old table live at most OTP_SECONDS; they are not carried over.
DROP TABLE otp_codes;
CREATE TABLE otp_codes (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    state             TEXT NOT NULL,
    mobile            TEXT NOT NULL,
    purpose           TEXT NOT NULL CHECK (purpose IN ('register', 'login', 'passwordreset')),
    code_hash         TEXT NOT NULL,                            -- HMAC-SHA-256 with the pepper, never the code
    expires_at        INTEGER NOT NULL,                         -- epoch seconds
    asker             TEXT NOT NULL,                            -- the client address bucket that asked for it
    attempts          INTEGER NOT NULL DEFAULT 0,               -- tries from `asker`
    foreign_attempts  INTEGER NOT NULL DEFAULT 0,               -- tries from every other address
    used_at           INTEGER,                                  -- epoch seconds
    created_at        INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX otp_codes_number ON otp_codes (state, mobile, purpose, expires_at);

-- Failed logins of user names that do not exist, keyed by tenant and lower-cased name, so that the fifth one
-- answers "Account locked" as a real account's does.
CREATE TABLE login_failures_unknown (
    name_key  TEXT NOT NULL,
    at        INTEGER NOT NULL                                  -- epoch seconds
);
CREATE INDEX login_failures_unknown_key ON login_failures_unknown (name_key, at);
CREATE INDEX login_failures_unknown_at ON login_failures_unknown (at);

-- Refresh-token reuse detection (OAuth 2.0 Security BCP §4.14): a session descends from the login that began
-- its family; a used refresh token is remembered with its family until it would have expired, and presenting it
-- again ends every session of the family.
ALTER TABLE sessions ADD COLUMN family TEXT;
CREATE INDEX sessions_family ON sessions (family);
CREATE TABLE refresh_used (
    token_hash  TEXT PRIMARY KEY NOT NULL,
    family      TEXT NOT NULL,
    expires_at  INTEGER NOT NULL                                -- epoch seconds
) WITHOUT ROWID;

-- The outbox takes a third kind: 'notice' (no credential), for a `register` code asked for a number that
-- already has an account. SQLite cannot change a CHECK constraint in place: the table is rebuilt.
PRAGMA defer_foreign_keys = true;
CREATE TABLE outbox_new (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id        INTEGER REFERENCES users (id) ON DELETE CASCADE,
    upload_id      TEXT,
    channel        TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
    kind           TEXT NOT NULL CHECK (kind IN ('welcome', 'code', 'notice')),
    recipient      TEXT NOT NULL,
    locale         TEXT NOT NULL DEFAULT 'en_IN',
    link_code      TEXT UNIQUE,
    credential     TEXT,
    state          TEXT NOT NULL DEFAULT 'pending'
                   CHECK (state IN ('pending', 'sending', 'sent', 'delivered', 'failed')),
    attempts       INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT,
    provider_id    TEXT,
    created_at     INTEGER NOT NULL DEFAULT (unixepoch()),
    updated_at     INTEGER NOT NULL DEFAULT (unixepoch()),
    due_at         INTEGER NOT NULL DEFAULT (unixepoch())
);
INSERT INTO outbox_new SELECT id, user_id, upload_id, channel, kind, recipient, locale, link_code, credential, state,
    attempts, last_error, provider_id, created_at, updated_at, due_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_upload_state ON outbox (upload_id, state);
CREATE INDEX outbox_state_due ON outbox (state, due_at);
CREATE INDEX outbox_user_kind ON outbox (user_id, kind);
