-- Server-managed keys: the SQL contract. The cluster is started with colcrypt.master_key_file.
\set VERBOSITY sqlstate
SET client_min_messages = warning;

SELECT which, source, loaded, length(key_id) AS key_id_len, problem FROM colcrypt.master_key_info() ORDER BY which;

-- Create, use, and see keys (never key bytes).
SELECT colcrypt.create_key('pii') > 0 AS created;
SELECT colcrypt.create_key('billing') > 0 AS created;
SELECT name, version, state, length(envelope_key_id) AS id_len FROM colcrypt.keys ORDER BY name, version;
SELECT colcrypt.server_decrypt_text(colcrypt.server_encrypt_text('pii', '123-45-6789')) AS round_trip;
SELECT colcrypt.server_decrypt(colcrypt.server_encrypt('billing', '\x00ff'::bytea, 'inv:7'), 'inv:7') AS with_context;
SELECT colcrypt.server_decrypt(colcrypt.server_encrypt('billing', '\x00ff'::bytea, 'inv:7'), 'inv:8');
SELECT colcrypt.server_encrypt('pii', NULL) IS NULL AS null_in_null_out,
       colcrypt.server_encrypt(NULL, '\x01'::bytea) IS NULL AS null_key_name,
       colcrypt.server_decrypt(NULL) IS NULL AS null_ciphertext;

-- The envelope names its data key: envelope_info's key id is the key's envelope_key_id.
SELECT (SELECT key_id FROM colcrypt.envelope_info(colcrypt.server_encrypt_text('pii', 'x')))
     = (SELECT envelope_key_id FROM colcrypt.keys WHERE name = 'pii' AND state = 'active') AS envelope_names_its_key;

-- Server-managed keys write suite 2: a salt per backend and key version, 80 bytes of overhead.
SELECT length(colcrypt.server_encrypt('billing', '\x0102'::bytea)) AS server_envelope_len;
SELECT version, algorithm FROM colcrypt.envelope_info(colcrypt.server_encrypt('billing', '\x01'::bytea));

-- Bad names and duplicates.
SELECT colcrypt.create_key('pii');
SELECT colcrypt.create_key('Bad Name');
SELECT colcrypt.create_key('');
SELECT colcrypt.create_key('1abc');
SELECT colcrypt.server_encrypt_text('nope', 'x');
SELECT colcrypt.rotate_key('nope');
SELECT colcrypt.destroy_key('nope');

-- A client-key envelope is not a server-key value, and the other way round.
SELECT colcrypt.server_decrypt(colcrypt.encrypt('\x01'::bytea, decode(repeat('11', 32), 'hex')));
SELECT colcrypt.decrypt(colcrypt.server_encrypt('pii', '\x01'::bytea), decode(repeat('11', 32), 'hex'));
SELECT colcrypt.server_decrypt('\x00'::bytea);

-- Rotation: new values use the new version, old values stay readable.
CREATE TABLE vault (id int, v bytea);
INSERT INTO vault SELECT i, colcrypt.server_encrypt_text('pii', 'before ' || i) FROM generate_series(1, 100) i;
SELECT colcrypt.rotate_key('pii') AS new_version;
INSERT INTO vault SELECT i, colcrypt.server_encrypt_text('pii', 'after ' || i) FROM generate_series(101, 200) i;
SELECT name, version, state FROM colcrypt.keys WHERE name = 'pii' ORDER BY version;
SELECT count(*) FILTER (WHERE colcrypt.server_decrypt_text(v) = 'before ' || id) AS old_readable,
       count(*) FILTER (WHERE colcrypt.server_decrypt_text(v) = 'after ' || id) AS new_readable
FROM vault;
-- One backend, two key versions: one salt per version; every nonce distinct.
SELECT count(DISTINCT substr(v, 37, 16)) AS salts, count(DISTINCT substr(v, 53, 12)) AS distinct_nonces FROM vault;
SELECT k.version, count(*) FROM vault, colcrypt.envelope_info(v) e JOIN colcrypt.keys k ON k.envelope_key_id = e.key_id
GROUP BY k.version ORDER BY 1;

-- Destroy: crypto-shredding. Every version is gone for good, with a clear error.
SELECT colcrypt.destroy_key('pii') AS versions_destroyed;
SELECT name, version, state FROM colcrypt.keys WHERE name = 'pii' ORDER BY version;
SELECT colcrypt.server_decrypt_text(v) FROM vault WHERE id = 1;
SELECT colcrypt.server_decrypt_text(v) FROM vault WHERE id = 150;
SELECT colcrypt.server_encrypt_text('pii', 'new');
SELECT colcrypt.rotate_key('pii');
SELECT colcrypt.destroy_key('pii');
\set VERBOSITY terse
SELECT colcrypt.server_decrypt_text(v) FROM vault WHERE id = 1;
SELECT colcrypt.create_key('Bad Name');
\set VERBOSITY sqlstate
-- Other keys are untouched.
SELECT colcrypt.server_decrypt_text(colcrypt.server_encrypt_text('billing', 'still fine')) AS other_key;

-- rotate_master_key needs the previous master key configured.
SELECT colcrypt.rotate_master_key();

-- Privileges: roles from the extension; nobody else may use or manage keys, and no user
-- reads the key table.
CREATE ROLE cc_app LOGIN;
CREATE ROLE cc_admin LOGIN;
CREATE ROLE cc_nobody LOGIN;
GRANT colcrypt_key_user TO cc_app;
GRANT colcrypt_key_admin TO cc_admin;
CREATE TABLE shared_vault AS SELECT colcrypt.server_encrypt_text('billing', 'for the app') AS v;
GRANT SELECT ON shared_vault TO cc_app, cc_admin, cc_nobody;

SET ROLE cc_app;
SELECT colcrypt.server_decrypt_text(v) AS app_reads FROM shared_vault;
SELECT length(colcrypt.server_encrypt_text('billing', 'x')) > 64 AS app_writes;
SELECT colcrypt.create_key('app_made');
SELECT count(*) FROM colcrypt.data_keys;
SELECT count(*) > 0 AS app_sees_key_list FROM colcrypt.keys;
RESET ROLE;

SET ROLE cc_admin;
SELECT colcrypt.create_key('admin_made') > 0 AS admin_creates;
SELECT colcrypt.rotate_key('admin_made') AS admin_rotates;
SELECT colcrypt.server_decrypt_text(v) FROM shared_vault;
SELECT count(*) FROM colcrypt.data_keys;
UPDATE colcrypt.data_keys SET state = 'active';
RESET ROLE;

SET ROLE cc_nobody;
-- Where the master key comes from is for superusers only; the key itself is never in SQL.
SHOW colcrypt.master_key_file;
SELECT count(*) AS visible_master_key_settings FROM pg_settings WHERE name LIKE 'colcrypt.%master_key%';
SELECT colcrypt.master_key_info();
SELECT colcrypt.server_decrypt_text(v) FROM shared_vault;
SELECT colcrypt.server_encrypt_text('billing', 'x');
SELECT colcrypt.create_key('nobody_made');
SELECT count(*) FROM colcrypt.keys;
SELECT count(*) FROM colcrypt.data_keys;
-- The client-supplied-key functions stay open to everyone.
SELECT colcrypt.decrypt_text(colcrypt.encrypt_text('open', k), k) AS client_keys_for_all FROM (SELECT colcrypt.gen_key() AS k) s;
RESET ROLE;

DROP TABLE vault, shared_vault;
DROP OWNED BY cc_app, cc_admin, cc_nobody;
DROP ROLE cc_app, cc_admin, cc_nobody;

-- Reading keys is read-only: a fresh backend that decrypts assigns no transaction id (a hot
-- standby could not give it one), and changing keys in a read-only transaction is 25006.
SELECT colcrypt.create_key('ro_key') > 0 AS created;
CREATE TABLE ro_vault AS SELECT colcrypt.server_encrypt_text('ro_key', 'read me') AS v;
\c
BEGIN;
SELECT colcrypt.server_decrypt_text(v) AS fresh_backend_reads FROM ro_vault;
SELECT pg_current_xact_id_if_assigned() IS NULL AS no_xid_assigned;
COMMIT;
BEGIN READ ONLY;
SELECT colcrypt.create_key('in_read_only');
ROLLBACK;
BEGIN READ ONLY;
SELECT colcrypt.rotate_key('ro_key');
ROLLBACK;
DROP TABLE ro_vault;
SELECT colcrypt.destroy_key('ro_key');
