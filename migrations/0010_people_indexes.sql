-- Issue 17's benchmark: a page of the People view's rare states walks only the people in that state, newest
-- first (crates/api/src/people.rs, filter_clause), never the whole tenant.
CREATE INDEX users_locked ON users (id) WHERE account_locked = 1;
CREATE INDEX users_inactive ON users (id) WHERE active = 0;
CREATE INDEX users_no_own_password ON users (id) WHERE first_login_at IS NOT NULL AND own_password_at IS NULL;
-- The funnel reads a tenant's people from this index alone (their onboarding's times), not their rows.
CREATE INDEX users_funnel ON users (tenant_id, upload_id, first_login_at, own_password_at, created_at);
