-- Without Citus (no citus extension in the database) colcrypt's Citus functions do nothing and
-- say why; applying a key state is refused, so no call can replace this node's keys.
\set VERBOSITY sqlstate
SELECT colcrypt.create_key('citus_absent') > 0 AS created;
SELECT colcrypt.citus_sync_keys();
SELECT * FROM colcrypt.citus_keys_in_sync();
SELECT colcrypt.citus_apply_keys('{}');
SELECT length(colcrypt.citus_key_digest()) AS digest_hex_length;
SELECT colcrypt.citus_key_digest() = colcrypt.citus_key_digest() AS digest_stable;
SELECT count(*) > 0 AS keys_kept FROM colcrypt.keys WHERE name = 'citus_absent';
