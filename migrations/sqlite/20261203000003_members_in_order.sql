-- The Members section pages on the server in three orders (by address, by role, by status), each
-- read along an index of its own instead of sorting the organization's members for every page.
CREATE INDEX org_members_org_role ON org_members (org_id, role, email_normalized);
CREATE INDEX org_members_org_status ON org_members (org_id, revoked, status, email_normalized);
