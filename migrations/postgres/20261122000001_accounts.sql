CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL,
    email_normalized TEXT NOT NULL CONSTRAINT users_email_unique UNIQUE,
    name TEXT NOT NULL,
    hint TEXT,
    language TEXT NOT NULL,
    kdf_kind TEXT NOT NULL,
    kdf_iterations BIGINT NOT NULL,
    kdf_memory_kib BIGINT,
    kdf_parallelism BIGINT,
    auth_hash_argon2 TEXT NOT NULL,
    protected_user_key TEXT NOT NULL,
    public_key TEXT NOT NULL,
    protected_private_key TEXT NOT NULL,
    security_stamp TEXT NOT NULL,
    is_operator BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE login_throttle (
    scope TEXT NOT NULL,
    subject TEXT NOT NULL,
    failures BIGINT NOT NULL,
    window_started_at BIGINT NOT NULL,
    locked_until BIGINT,
    PRIMARY KEY (scope, subject)
);
