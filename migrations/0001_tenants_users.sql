-- Tenants form a tree by id prefix: 'pb' (a state) holds 'pb.demo' (a village water board).
CREATE TABLE tenants (
    id          TEXT PRIMARY KEY NOT NULL CHECK (length(id) BETWEEN 2 AND 64),
    name        TEXT NOT NULL,
    parent_id   TEXT REFERENCES tenants (id),
    created_at  INTEGER NOT NULL DEFAULT (unixepoch())
);

-- A DIGIT egov-user user. `id` is DIGIT's numeric id, `uuid` the stable public one.
CREATE TABLE users (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid              TEXT NOT NULL UNIQUE,
    tenant_id         TEXT NOT NULL REFERENCES tenants (id),
    user_name         TEXT NOT NULL,
    type              TEXT NOT NULL CHECK (type IN ('CITIZEN', 'EMPLOYEE', 'SYSTEM')),
    name              TEXT NOT NULL,
    mobile_number     TEXT,
    email_id          TEXT,
    password_hash     TEXT,
    active            INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    account_locked    INTEGER NOT NULL DEFAULT 0 CHECK (account_locked IN (0, 1)),
    default_pwd_chgd  INTEGER NOT NULL DEFAULT 0 CHECK (default_pwd_chgd IN (0, 1)),
    created_at        INTEGER NOT NULL DEFAULT (unixepoch()),
    updated_at        INTEGER NOT NULL DEFAULT (unixepoch())
);
-- userName is unique per tenant and type, case-insensitively (DIGIT).
CREATE UNIQUE INDEX users_tenant_type_user_name ON users (tenant_id, type, user_name COLLATE NOCASE);
CREATE INDEX users_tenant_mobile ON users (tenant_id, mobile_number);

CREATE TABLE user_roles (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code       TEXT NOT NULL,
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    PRIMARY KEY (user_id, code, tenant_id)
);
