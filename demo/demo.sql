-- colcrypt demo: what works today, with its output. Run by `make demo`.
\pset footer off
\echo
\echo '== Mode: in flight (TLS) =='
\echo '-- This session came in over TCP with TLS, the server certificate verified (sslmode=verify-full):'
SELECT transport, keys_allowed FROM colcrypt.connection_info();
SELECT version AS tls_version, cipher FROM pg_stat_ssl WHERE pid = pg_backend_pid();
\echo '-- Without TLS, colcrypt refuses every call that carries a client key (colcrypt.require_secure_transport).'
\echo
\echo '== Mode: server-side encryption with a client-supplied key (like S3 SSE-C) =='
\echo '-- A 32-byte key the client keeps; the server uses it for this call only.'
SELECT length(colcrypt.gen_key()) AS key_bytes;

CREATE TEMP TABLE patients (id int PRIMARY KEY, ssn_enc bytea);
\echo '-- Encrypt on insert, binding each value to its row with a context:'
WITH k AS (SELECT decode(repeat('4b', 32), 'hex') AS key)
INSERT INTO patients
SELECT id, colcrypt.encrypt_text(ssn, k.key, 'patients.ssn:' || id)
FROM k, (VALUES (1, '123-45-6789'), (2, '987-65-4321')) AS v(id, ssn);

\echo '-- What the table holds: an envelope 64 bytes longer than the plaintext, no plaintext:'
SELECT id, length(ssn_enc) AS stored_bytes, encode(substr(ssn_enc, 1, 12), 'hex') || '…' AS stored_prefix FROM patients ORDER BY id;

\echo '-- envelope_info reads the header: version, algorithm, key id (never key bytes):'
SELECT p.id, i.* FROM patients p, colcrypt.envelope_info(p.ssn_enc) i ORDER BY p.id;

\echo '-- Decrypt with the key and the same context:'
WITH k AS (SELECT decode(repeat('4b', 32), 'hex') AS key)
SELECT id, colcrypt.decrypt_text(ssn_enc, k.key, 'patients.ssn:' || id) AS ssn FROM patients, k ORDER BY id;

\echo '-- A wrong key, or a value moved to another row, is an error, never wrong plaintext:'
\set ON_ERROR_STOP 0
SELECT colcrypt.decrypt_text(ssn_enc, colcrypt.gen_key(), 'patients.ssn:1') FROM patients WHERE id = 1;
SELECT colcrypt.decrypt_text(ssn_enc, decode(repeat('4b', 32), 'hex'), 'patients.ssn:2') FROM patients WHERE id = 1;
\set ON_ERROR_STOP 1

\echo
\echo '== Mode: server-managed keys (like RDS encryption / S3 SSE-KMS) =='
\echo '-- The master key was loaded at server start from colcrypt.master_key_file; SQL sees only its id:'
SELECT which, source, loaded, key_id, problem FROM colcrypt.master_key_info();
\echo '-- A data key, stored only wrapped by the master key:'
SELECT colcrypt.create_key('phi') AS key_id;
CREATE TEMP TABLE visits (id int, diagnosis bytea);
INSERT INTO visits VALUES (1, colcrypt.server_encrypt_text('phi', 'J45.909 asthma')),
                          (2, colcrypt.server_encrypt_text('phi', 'E11.9 type 2 diabetes'));
\echo '-- Rotate: new values use version 2, old ones stay readable:'
SELECT colcrypt.rotate_key('phi') AS new_version;
INSERT INTO visits VALUES (3, colcrypt.server_encrypt_text('phi', 'I10 hypertension'));
SELECT name, version, state, envelope_key_id FROM colcrypt.keys ORDER BY version;
SELECT v.id, length(v.diagnosis) AS stored_bytes, i.key_id AS sealed_under, colcrypt.server_decrypt_text(v.diagnosis) AS diagnosis
FROM visits v, colcrypt.envelope_info(v.diagnosis) i ORDER BY v.id;
\echo '-- Destroy (crypto-shredding): every version is gone for good:'
SELECT colcrypt.destroy_key('phi') AS versions_destroyed;
\set ON_ERROR_STOP 0
SELECT colcrypt.server_decrypt_text(diagnosis) FROM visits WHERE id = 1;
\set ON_ERROR_STOP 1

\echo
\echo
\echo '== Mode: transparent column encryption (server-managed keys) =='
SELECT colcrypt.create_key('pii') AS key_id;
CREATE TEMP TABLE records (id int PRIMARY KEY, ssn colcrypt.encrypted_text(pii, searchable) UNIQUE, born colcrypt.encrypted_date(pii));
INSERT INTO records VALUES (1, '123-45-6789', '1980-04-01'), (2, '987-65-4321', '1975-12-24');
\echo '-- Reads and writes are plain SQL:'
SELECT * FROM records ORDER BY id;
\echo '-- Equality search on ciphertext through the blind index (the column is searchable):'
SET search_path = pg_temp, public, colcrypt;
SELECT id FROM records WHERE ssn = '987-65-4321';
\echo '-- What is stored: envelopes only (colcrypt.ciphertext_io shows them as a ciphertext dump holds them):'
SET colcrypt.ciphertext_io = on;
SELECT id, left(ssn::text, 40) || '…' AS stored FROM records ORDER BY id;
RESET colcrypt.ciphertext_io;

\echo
\echo '== Mode: client-side encryption (the server never sees the plaintext) =='
\echo '-- The colcrypt CLI and the colcrypt-client library seal values before they are sent, in the'
\echo '-- same envelope as above. Against this cluster, the example application (patient records'
\echo '-- over verified TLS, each value bound to its row and column):'
\echo '--   make example'
\echo '-- The CLI: cargo build --release -p colcrypt-client, then target/release/colcrypt --help'
\echo '-- (README, "Client-side encryption: the colcrypt CLI").'
