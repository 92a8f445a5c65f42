CREATE TABLE folders (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revised_at BIGINT NOT NULL
);
CREATE INDEX folders_user_id ON folders (user_id);

CREATE TABLE items (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    item_type TEXT NOT NULL,
    folder_id TEXT REFERENCES folders (id) ON DELETE SET NULL,
    favorite BIGINT NOT NULL DEFAULT 0,
    data TEXT NOT NULL,
    revision BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    revised_at BIGINT NOT NULL,
    deleted_at BIGINT
);
CREATE INDEX items_user_id ON items (user_id);
CREATE INDEX items_folder_id ON items (folder_id);
CREATE INDEX items_deleted_at ON items (deleted_at);
