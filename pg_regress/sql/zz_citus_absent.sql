-- Without Citus (no citus extension in the database) colcrypt's Citus functions do nothing and
-- say why; applying a key state is refused, so no call can replace this node's keys. Runs last
-- (zz_): it reads the keys the other tests made.
\set VERBOSITY sqlstate
CREATE TEMP TABLE keys_before AS SELECT * FROM colcrypt.keys;
SELECT colcrypt.citus_sync_keys();
SELECT * FROM colcrypt.citus_keys_in_sync();
SELECT colcrypt.citus_apply_keys('{}');
SELECT length(colcrypt.citus_key_digest()) AS digest_hex_length;
SELECT colcrypt.citus_key_digest() = colcrypt.citus_key_digest() AS digest_stable;
SELECT count(*) > 0 AS some_keys, NOT EXISTS (SELECT * FROM colcrypt.keys EXCEPT SELECT * FROM keys_before)
       AND NOT EXISTS (SELECT * FROM keys_before EXCEPT SELECT * FROM colcrypt.keys) AS keys_unchanged FROM keys_before;
