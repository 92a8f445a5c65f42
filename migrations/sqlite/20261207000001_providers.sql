-- Providers (docs/PROVIDERS.md): managed service providers and resellers who administer client
-- organizations. Created by an operator `pending`, made `active` by their first provider admin's
-- setup (which brings the provider key, sealed in the browser). `enabled` is the operator's switch.
CREATE TABLE providers (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    billing_email TEXT,
    provider_type TEXT NOT NULL,
    status TEXT NOT NULL,
    enabled BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    revised_at BIGINT NOT NULL
);
CREATE INDEX providers_name ON providers (name);

-- A person is in a provider at most once, by address while invited, by account after (as in
-- org_members). `sealed_provider_key` is the provider key sealed to the member's public key, set
-- by the provider admin who confirms them (by the first admin themself at setup).
CREATE TABLE provider_members (
    id TEXT PRIMARY KEY NOT NULL,
    provider_id TEXT NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
    user_id TEXT REFERENCES users (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    email_normalized TEXT NOT NULL,
    role TEXT NOT NULL,
    status TEXT NOT NULL,
    revoked BIGINT NOT NULL DEFAULT 0,
    sealed_provider_key TEXT,
    created_at BIGINT NOT NULL,
    revised_at BIGINT NOT NULL,
    CONSTRAINT provider_members_email_unique UNIQUE (provider_id, email_normalized),
    CONSTRAINT provider_members_user_unique UNIQUE (provider_id, user_id)
);
CREATE INDEX provider_members_user_id ON provider_members (user_id);
CREATE INDEX provider_members_email ON provider_members (email_normalized);
CREATE INDEX provider_members_provider_status ON provider_members (provider_id, revoked, status, email_normalized);

-- Invitation links into a provider, stored by a hash of their token; one live link per member.
CREATE TABLE provider_invitations (
    token_hash TEXT PRIMARY KEY NOT NULL,
    member_id TEXT NOT NULL REFERENCES provider_members (id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL
);
CREATE INDEX provider_invitations_member_id ON provider_invitations (member_id);

-- The link between a provider and a client organization. An organization belongs to at most one
-- provider: the unique constraint on org_id decides it, under any concurrency. `org_key` is the
-- organization key encrypted under the provider key (bound to both ids), made in the browser.
CREATE TABLE provider_clients (
    provider_id TEXT NOT NULL REFERENCES providers (id) ON DELETE RESTRICT,
    org_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    org_key TEXT NOT NULL,
    seats BIGINT NOT NULL,
    linked_at BIGINT NOT NULL,
    CONSTRAINT provider_clients_org_unique UNIQUE (org_id),
    PRIMARY KEY (provider_id, org_id)
);
CREATE INDEX provider_clients_provider_linked ON provider_clients (provider_id, linked_at);

-- The provider's event log reads by provider and time.
CREATE INDEX events_provider_id_at ON events (provider_id, at);
