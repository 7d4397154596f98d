-- Bulk upload (issue: upload): the upload record, one-time passwords, the identity keys that keep two
-- concurrent uploads from creating the same person twice, per-tenant upload configuration, and the
-- outbox of welcome messages that the SMS sender drains.

-- A tenant's upload configuration (row limit, allowed lists) as JSON; no row means enrol-core's defaults.
CREATE TABLE tenant_upload_config (
    tenant_id   TEXT PRIMARY KEY NOT NULL REFERENCES tenants (id),
    config      TEXT NOT NULL,
    updated_at  INTEGER NOT NULL DEFAULT (unixepoch()),
    updated_by  TEXT
);

CREATE TABLE uploads (
    process_id       TEXT PRIMARY KEY NOT NULL,
    tenant_id        TEXT NOT NULL REFERENCES tenants (id),
    user_type        TEXT NOT NULL CHECK (user_type IN ('CITIZEN', 'EMPLOYEE')),
    status           TEXT NOT NULL CHECK (status IN ('COMPLETED', 'FAILED')),
    created_at       INTEGER NOT NULL,                        -- epoch milliseconds
    created_by       TEXT NOT NULL,                           -- uuid of the administrator
    file_name        TEXT NOT NULL,
    sha256           TEXT NOT NULL,
    -- Only a COMPLETED upload holds its key: the same key again answers with it; a FAILED one can be retried.
    idempotency_key  TEXT,
    rows             INTEGER NOT NULL,
    created          INTEGER NOT NULL,
    failed           INTEGER NOT NULL,
    -- The issues (enrol-core's, without messages: they are written in the reader's language), JSON.
    issues           TEXT NOT NULL DEFAULT '[]'
);
CREATE UNIQUE INDEX uploads_idempotency ON uploads (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX uploads_tenant_created ON uploads (tenant_id, created_at DESC);

-- A one-time password (given by an upload or re-issued): HMAC-SHA-256 with a secret pepper, not Argon2id,
-- because it is random, long and short-lived, and an upload makes thousands at once.
ALTER TABLE users ADD COLUMN otp_hash TEXT;
ALTER TABLE users ADD COLUMN otp_expires_at INTEGER;           -- epoch seconds
-- The upload that created the user, its data row (1-based), and the sheet's profile columns (JSON).
ALTER TABLE users ADD COLUMN upload_id TEXT;
ALTER TABLE users ADD COLUMN upload_row INTEGER;
ALTER TABLE users ADD COLUMN attributes TEXT;
CREATE INDEX users_upload ON users (upload_id, upload_row);
CREATE INDEX users_tenant_email ON users (tenant_id, email_id COLLATE NOCASE);

-- Each phone, email, userName and externalId of an uploaded user, as the validator compares them
-- (10 digits; text lowered). The primary key is what makes an overlapping concurrent upload fail whole.
CREATE TABLE identity_keys (
    tenant_id  TEXT NOT NULL,
    user_type  TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('phone', 'email', 'userName', 'externalId')),
    value      TEXT NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (tenant_id, user_type, kind, value)
) WITHOUT ROWID;

-- One message to one person. The credential waits here encrypted (AES-256-GCM) until a provider accepts
-- the message, then it is erased.
CREATE TABLE outbox (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id        INTEGER REFERENCES users (id) ON DELETE CASCADE,
    upload_id      TEXT,
    channel        TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
    kind           TEXT NOT NULL CHECK (kind IN ('welcome', 'code')),
    recipient      TEXT NOT NULL,
    locale         TEXT NOT NULL DEFAULT 'en_IN',
    -- The short code of the login link (/l/{code}); welcome messages only.
    link_code      TEXT UNIQUE,
    credential     TEXT,                                      -- base64(nonce || AES-256-GCM ciphertext)
    state          TEXT NOT NULL DEFAULT 'pending'
                   CHECK (state IN ('pending', 'sending', 'sent', 'delivered', 'failed')),
    attempts       INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT,
    provider_id    TEXT,
    created_at     INTEGER NOT NULL DEFAULT (unixepoch()),
    updated_at     INTEGER NOT NULL DEFAULT (unixepoch()),
    -- When the message may next be tried (epoch seconds): the cron sweep enqueues again what is overdue.
    due_at         INTEGER NOT NULL DEFAULT (unixepoch())
);
-- The `log` provider's sent messages (local runs only: it exists so a person trying `make run` can follow
-- the link; it is never used when deployed).
CREATE TABLE sms_log (
    outbox_id  INTEGER NOT NULL,
    channel    TEXT NOT NULL,
    recipient  TEXT NOT NULL,
    body       TEXT NOT NULL,
    at         INTEGER NOT NULL DEFAULT (unixepoch())
);
CREATE INDEX outbox_upload_state ON outbox (upload_id, state);
CREATE INDEX outbox_state_due ON outbox (state, due_at);
-- A person's latest welcome message (the upload's status shows it for every row).
CREATE INDEX outbox_user_kind ON outbox (user_id, kind);
