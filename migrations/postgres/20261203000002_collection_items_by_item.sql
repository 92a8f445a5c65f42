-- Organizations at scale (docs/BENCHMARKS.md): an item's collections read from the index alone.
-- Every write to shared items loads the grants of its items by item id, and the Admin Console
-- lists each item's collections; with only the item id in the index, each lookup went on to the
-- table row for the collection id. The new index starts with the item id, so it serves every
-- lookup the old one did.
CREATE INDEX collection_items_item_id_collection_id ON collection_items (item_id, collection_id);
DROP INDEX collection_items_item_id;
