-- Issue 16 §2: the headings an administrator of a tenant confirmed, remembered and proposed first next time
-- (served with the upload configuration), and how an upload's headings were placed.
CREATE TABLE tenant_mappings (
    tenant_id   TEXT NOT NULL REFERENCES tenants (id),
    heading     TEXT NOT NULL,                          -- normalised: enrol_core::mapping::normalise
    field       TEXT,                                   -- a column of the sheet; NULL: the column is left out
    updated_by  TEXT NOT NULL,                          -- uuid of the administrator
    updated_at  INTEGER NOT NULL DEFAULT (unixepoch()),
    PRIMARY KEY (tenant_id, heading)
);

-- JSON [{"heading","field","basis"}]; NULL for a file with the template's headings and no mapping sent.
ALTER TABLE uploads ADD COLUMN mapping TEXT;
