-- A login deletes the user's expired sessions: with only (user_id) indexed, that read every session the
-- user had, and a busy account's logins slowed as sessions piled up. (user_id, expires_at) finds just the
-- expired ones, and still serves every lookup by user_id.
CREATE INDEX sessions_user_expiry ON sessions (user_id, expires_at);
DROP INDEX sessions_user;
