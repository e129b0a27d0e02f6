-- The customers' public portal (issue #11, part 3): abuse controls kept in the database so they hold
-- across reruns, tabs and server restarts. Contacts, client addresses and ticket codes are never
-- stored here in clear: key_hash is an HMAC-SHA256 under the secret below (see voc.portal.abuse).
CREATE TABLE portal_hits (
    bucket    VARCHAR NOT NULL,     -- voc.portal.abuse.Bucket: submission, lookup, failed_lookup
    key_hash  VARCHAR NOT NULL,     -- HMAC of (key kind, normalised value)
    hit_at    TIMESTAMP NOT NULL
);
CREATE INDEX portal_hits_key ON portal_hits (key_hash, bucket);

-- A key locked out of the status lookup after repeated failures. Rows are only added (no update
-- conflicts between concurrent sessions); a key is locked while its latest locked_until is ahead.
CREATE TABLE portal_locks (
    key_hash      VARCHAR NOT NULL,
    locked_at     TIMESTAMP NOT NULL,
    locked_until  TIMESTAMP NOT NULL
);
CREATE INDEX portal_locks_key ON portal_locks (key_hash);

INSERT INTO settings (key, value)
SELECT 'portal.key_secret', replace(gen_random_uuid()::VARCHAR || gen_random_uuid()::VARCHAR, '-', '')
WHERE NOT EXISTS (SELECT 1 FROM settings WHERE key = 'portal.key_secret');
