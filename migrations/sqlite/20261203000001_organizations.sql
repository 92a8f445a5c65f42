-- Organizations share items through collections (docs/ORGANIZATIONS.md). Names of organizations,
-- collections and groups are metadata the server reads by design; every item stays sealed.
CREATE TABLE organizations (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    billing_email TEXT NOT NULL,
    plan TEXT NOT NULL,
    seats BIGINT NOT NULL,
    enabled BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    revised_at BIGINT NOT NULL
);

-- A person is in an organization at most once: by address while invited, by account after.
-- `revoked` keeps the status a restore returns to. `sealed_org_key` is the organization key
-- sealed to the member's public key, set by the admin who confirms them.
CREATE TABLE org_members (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id TEXT REFERENCES users (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    email_normalized TEXT NOT NULL,
    role TEXT NOT NULL,
    status TEXT NOT NULL,
    revoked BIGINT NOT NULL DEFAULT 0,
    sealed_org_key TEXT,
    invited_by TEXT,
    created_at BIGINT NOT NULL,
    revised_at BIGINT NOT NULL,
    CONSTRAINT org_members_email_unique UNIQUE (org_id, email_normalized),
    CONSTRAINT org_members_user_unique UNIQUE (org_id, user_id)
);
CREATE INDEX org_members_user_id ON org_members (user_id);
CREATE INDEX org_members_email ON org_members (email_normalized);

-- Invitation links, stored by a hash of their token; one live link per member.
CREATE TABLE org_invitations (
    token_hash TEXT PRIMARY KEY NOT NULL,
    member_id TEXT NOT NULL REFERENCES org_members (id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL
);
CREATE INDEX org_invitations_member_id ON org_invitations (member_id);

CREATE TABLE collections (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revised_at BIGINT NOT NULL,
    CONSTRAINT collections_name_unique UNIQUE (org_id, name)
);

CREATE TABLE org_groups (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revised_at BIGINT NOT NULL,
    CONSTRAINT org_groups_name_unique UNIQUE (org_id, name)
);

CREATE TABLE group_members (
    group_id TEXT NOT NULL REFERENCES org_groups (id) ON DELETE CASCADE,
    member_id TEXT NOT NULL REFERENCES org_members (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, member_id)
);
CREATE INDEX group_members_member_id ON group_members (member_id);

-- Access to a collection, per member and per group: view | view_except_passwords | edit |
-- edit_except_passwords | manage.
CREATE TABLE collection_members (
    collection_id TEXT NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    member_id TEXT NOT NULL REFERENCES org_members (id) ON DELETE CASCADE,
    level TEXT NOT NULL,
    PRIMARY KEY (collection_id, member_id)
);
CREATE INDEX collection_members_member_id ON collection_members (member_id);

CREATE TABLE collection_groups (
    collection_id TEXT NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    group_id TEXT NOT NULL REFERENCES org_groups (id) ON DELETE CASCADE,
    level TEXT NOT NULL,
    PRIMARY KEY (collection_id, group_id)
);
CREATE INDEX collection_groups_group_id ON collection_groups (group_id);

-- Items an organization owns. `data` holds the ordinary fields, `secrets` the secret ones, each
-- sealed with the organization key apart, so a member whose access hides passwords is never sent
-- `secrets`.
CREATE TABLE org_items (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    item_type TEXT NOT NULL,
    data TEXT NOT NULL,
    secrets TEXT NOT NULL,
    size BIGINT NOT NULL,
    revision BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    revised_at BIGINT NOT NULL,
    deleted_at BIGINT
);
CREATE INDEX org_items_org_id_id ON org_items (org_id, id);

CREATE TABLE collection_items (
    collection_id TEXT NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    item_id TEXT NOT NULL REFERENCES org_items (id) ON DELETE CASCADE,
    PRIMARY KEY (collection_id, item_id)
);
CREATE INDEX collection_items_item_id ON collection_items (item_id);

-- Favorite and folder stay each member's own for shared items.
CREATE TABLE org_item_marks (
    item_id TEXT NOT NULL REFERENCES org_items (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    favorite BIGINT NOT NULL DEFAULT 0,
    folder_id TEXT REFERENCES folders (id) ON DELETE SET NULL,
    PRIMARY KEY (item_id, user_id)
);
CREATE INDEX org_item_marks_user_id ON org_item_marks (user_id);

-- The append-only event log: who (and through which provider), what, on what, from where.
CREATE TABLE events (
    id TEXT PRIMARY KEY NOT NULL,
    at BIGINT NOT NULL,
    org_id TEXT,
    provider_id TEXT,
    actor_id TEXT,
    kind TEXT NOT NULL,
    target_id TEXT,
    detail TEXT NOT NULL,
    client_addr TEXT NOT NULL
);
CREATE INDEX events_org_id_at ON events (org_id, at);
