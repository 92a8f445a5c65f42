-- Sessions are found by a hash of their id (db/sessions.rs); the previous store kept the ids
-- themselves. Its sessions are dropped: everyone signs in once more.
CREATE TABLE user_sessions (
    key TEXT PRIMARY KEY NOT NULL,
    user_id TEXT REFERENCES users (id) ON DELETE CASCADE,
    data TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX user_sessions_user_id ON user_sessions (user_id);
CREATE INDEX user_sessions_expires_at ON user_sessions (expires_at);

-- Secrets of this instance, made once at first start and shared by every server process.
CREATE TABLE instance_secrets (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
DROP SCHEMA IF EXISTS tower_sessions CASCADE;

-- Links mailed to verify an address before its account is created (KEYHAVEN_REQUIRE_EMAIL_VERIFICATION),
-- stored by a hash of their token.
CREATE TABLE email_verifications (
    token_hash TEXT PRIMARY KEY NOT NULL,
    email_normalized TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX email_verifications_expires_at ON email_verifications (expires_at);

-- The sealed bytes of each item, so the vault's quota is summed from an index instead of reading
-- every item; and the vault list pages through a vault in id order.
ALTER TABLE items ADD COLUMN size BIGINT NOT NULL DEFAULT 0;
UPDATE items SET size = LENGTH(data);
CREATE INDEX items_user_id_size ON items (user_id, size);
CREATE INDEX items_user_id_id ON items (user_id, id);
