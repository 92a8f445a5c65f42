-- The Members section pages on the server in three orders (by address, by role, by status), each
-- read along an index so a page costs the same wherever it falls.
CREATE INDEX org_members_org_role ON org_members (org_id, role, email_normalized);
CREATE INDEX org_members_org_status ON org_members (org_id, revoked, status, email_normalized);
