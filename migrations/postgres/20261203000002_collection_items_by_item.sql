-- Organizations at scale (docs/BENCHMARKS.md): an item's collections read from the index alone.
-- Every shared list checks, for each item it passes, whether one of the item's collections is
-- granted to the member, and reads the grants of a page's items by item; with only the item id
-- in the index, each of those lookups went on to the table row for the collection id. The new
-- index starts with the item id, so it serves every lookup the old one did.
CREATE INDEX collection_items_item_id_collection_id ON collection_items (item_id, collection_id);
DROP INDEX collection_items_item_id;
