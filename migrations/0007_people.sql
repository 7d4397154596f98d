-- The day after the upload (issue 17): who got in (first login, own password), and an append-only record of
-- what every administrator did and of the security events (the audit log).

-- When the person first logged in, and when they first set a password of their own (epoch seconds; NULL: not
-- yet). Written by the login and by the password routes; the People view and the funnel read them.
ALTER TABLE users ADD COLUMN first_login_at INTEGER;
ALTER TABLE users ADD COLUMN own_password_at INTEGER;

-- The People view pages a tenant's people newest first by id (a cursor, never OFFSET) and filters them: by
-- tenant and creation time (not logged in after N days), by name (prefix, any case).
CREATE INDEX users_tenant_id ON users (tenant_id, id);
CREATE INDEX users_tenant_created ON users (tenant_id, created_at);
CREATE INDEX users_tenant_name ON users (tenant_id, name COLLATE NOCASE);
CREATE INDEX uploads_tenant_file ON uploads (tenant_id, file_name);

-- One row per administrator action or security event, written in the same D1 batch as what it records.
-- Never a password, code, token or key: `detail` is a small JSON object of names and counts.
CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    at            INTEGER NOT NULL DEFAULT (unixepoch()),         -- epoch seconds
    actor_uuid    TEXT,                                           -- NULL: the system (an automatic lockout)
    actor_name    TEXT,                                           -- the actor's user name then
    tenant_id     TEXT,                                           -- the tenant acted on
    subject_uuid  TEXT,                                           -- the person acted on, if one
    action        TEXT NOT NULL,
    outcome       TEXT NOT NULL CHECK (outcome IN ('ok', 'refused', 'failed')),
    client        TEXT,                                           -- the client address (CF-Connecting-IP)
    detail        TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail) AND length(detail) <= 2000)
);
CREATE INDEX audit_log_tenant ON audit_log (tenant_id, id);
CREATE INDEX audit_log_subject ON audit_log (subject_uuid, action, at);
CREATE INDEX audit_log_actor ON audit_log (actor_uuid, id);
CREATE INDEX audit_log_at ON audit_log (at);

-- Append-only: no entry changes, and none goes before the shortest retention (a year) has passed; the cron
-- sweep removes what is older than AUDIT_RETENTION_DAYS (730 by default, never less than 365).
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_early_delete BEFORE DELETE ON audit_log WHEN old.at > unixepoch() - 365 * 86400
BEGIN
    SELECT RAISE(ABORT, 'audit_log entries are kept at least a year');
END;
