-- Codes by SMS (issue 11): forgot password, citizen self-registration and citizen login by a 6-digit code.

-- The live code of one mobile number for one purpose, in one state (egov-otp keys its codes by the number and
-- the state tenant, the first segment of the tenant id). A new send replaces the row: one code at a time.
-- The code is stored as HMAC-SHA-256 with the secret pepper (credentials::Keys::otp_hash, context
-- `otp:{state}:{mobile}:{purpose}`), never in clear.
CREATE TABLE otp_codes (
    state       TEXT NOT NULL,
    mobile      TEXT NOT NULL,
    purpose     TEXT NOT NULL CHECK (purpose IN ('register', 'login', 'passwordreset')),
    code_hash   TEXT NOT NULL,
    expires_at  INTEGER NOT NULL,                               -- epoch seconds
    -- Tries so far (each is counted before it is compared, so concurrent guesses cannot exceed the limit).
    attempts    INTEGER NOT NULL DEFAULT 0,
    used_at     INTEGER,                                        -- epoch seconds; a used code is kept to say so
    created_at  INTEGER NOT NULL DEFAULT (unixepoch()),
    PRIMARY KEY (state, mobile, purpose)
) WITHOUT ROWID;

-- Every accepted send (whatever the number: an unknown one counts alike), for the throttles per number and per
-- client address. Rows older than an hour are deleted as new sends come.
CREATE TABLE otp_sends (
    mobile  TEXT NOT NULL,
    ip      TEXT NOT NULL,
    at      INTEGER NOT NULL                                    -- epoch seconds
);
CREATE INDEX otp_sends_mobile ON otp_sends (mobile, at);
CREATE INDEX otp_sends_ip ON otp_sends (ip, at);
CREATE INDEX otp_sends_at ON otp_sends (at);
