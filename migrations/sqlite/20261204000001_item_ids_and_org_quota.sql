-- One id space for personal and shared items: ids are chosen in the browser (items are sealed
-- bound to them), and an id once given to an item is never given to another, whichever vault or
-- organization holds it. Moving an item into an organization keeps its id.
CREATE TABLE item_ids (
    id TEXT PRIMARY KEY NOT NULL
);
INSERT INTO item_ids (id) SELECT id FROM items UNION SELECT id FROM org_items;

-- An organization's quota (items and sealed bytes) is read under its row lock on every write
-- that adds: counted and summed along this index, not over the items' rows.
CREATE INDEX org_items_org_size ON org_items (org_id, size);

-- The event log keeps who acted and whom it was about by address, as they were when it happened:
-- after a member leaves or an account is deleted, their events still name them.
ALTER TABLE events ADD COLUMN actor_email TEXT;
ALTER TABLE events ADD COLUMN target_email TEXT;
UPDATE events SET actor_email = (SELECT u.email FROM users u WHERE u.id = events.actor_id);
UPDATE events SET target_email = (SELECT m.email FROM org_members m WHERE m.id = events.target_id);

-- The hourly purge deletes shared items too once they have been in the trash for 30 days.
CREATE INDEX org_items_deleted_at ON org_items (deleted_at);
