-- colcrypt demo: what works today, with its output. Run by `make demo`.
\pset footer off
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
\echo 'Planned, not in this build yet: transparent encrypted column types with server-managed keys,'
\echo 'TLS enforcement for key-bearing calls, and the client-side library and CLI (see README, "Status").'
