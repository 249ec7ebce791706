-- No query reads bills by merchant and creation time (every read names the bill), yet every bill insert
-- and every status move (a non-HOT update) paid for an entry in it. A listing that needs it adds it back.
DROP INDEX IF EXISTS bill_merchant_idx;

-- An event is found by its id (the feed's cursor, redelivery); nothing looks one up by seq alone, which
-- only orders the feed and the outbox inside their own indexes. The id becomes the primary key in place of
-- its unique constraint, and each event written by a notification maintains one index fewer.
ALTER TABLE event DROP CONSTRAINT event_pkey, DROP CONSTRAINT event_id_key, ADD CONSTRAINT event_pkey PRIMARY KEY (id);
