-- Databases that are not UTF-8: text given to and returned by colcrypt's functions is converted
-- between the database encoding and UTF-8 (what envelopes hold), so a value sealed by a UTF-8
-- client decrypts to the same characters, or fails with a clear error; never mojibake, never an
-- internal error.
\set VERBOSITY sqlstate
SET client_min_messages = warning;
-- Sealed in this UTF-8 database (as a UTF-8 client would).
SELECT '\x' || repeat('ab', 32) AS k \gset
SELECT colcrypt.encrypt_text('café', :'k'::bytea, 'contéxt') AS cafe,
       colcrypt.encrypt_text('5 €', :'k'::bytea) AS euro,
       colcrypt.encrypt('\xe9'::bytea, :'k'::bytea) AS not_utf8 \gset

CREATE DATABASE enc_latin1 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
CREATE DATABASE enc_ascii ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;

\c enc_latin1
SET client_encoding = 'UTF8';
SET client_min_messages = warning;
CREATE EXTENSION colcrypt;
SHOW server_encoding;
-- The UTF-8 client's values come out as the same characters.
SELECT colcrypt.decrypt_text(:'cafe'::bytea, :'k'::bytea, 'contéxt') AS cafe;
-- Round trips, and interoperability: a value sealed here opens in UTF-8 form elsewhere.
SELECT colcrypt.decrypt_text(colcrypt.encrypt_text('naïve', :'k'::bytea, 'ç'), :'k'::bytea, 'ç') AS naive;
SELECT convert_from(colcrypt.decrypt(colcrypt.encrypt_text('é', :'k'::bytea), :'k'::bytea), 'UTF8') AS sealed_as_utf8,
       colcrypt.decrypt(colcrypt.encrypt_text('é', :'k'::bytea), :'k'::bytea) AS utf8_bytes;
-- A character LATIN1 cannot hold: a clear error (22P05), not a substitute.
SELECT colcrypt.decrypt_text(:'euro'::bytea, :'k'::bytea);
-- Plaintext that is not UTF-8 at all: 22021.
SELECT colcrypt.decrypt_text(:'not_utf8'::bytea, :'k'::bytea);
-- A wrong context in another spelling does not open.
SELECT colcrypt.decrypt_text(:'cafe'::bytea, :'k'::bytea, 'context');
-- Key names: ASCII only, a clear error otherwise.
SELECT colcrypt.create_key('clé');
SELECT colcrypt.create_key('latin') > 0 AS created;
SELECT colcrypt.server_decrypt_text(colcrypt.server_encrypt_text('latin', 'Zoë', 'ctx ß'), 'ctx ß') AS server_round_trip;
-- The transparent types seal text in the database encoding and read it back unchanged.
CREATE TABLE t (v colcrypt.encrypted_text(latin, searchable));
INSERT INTO t VALUES ('Ærø'), ('Ærø'), ('other');
SELECT v::text AS v, count(*) FROM t GROUP BY v ORDER BY 1;
SELECT count(*) AS found FROM t WHERE v OPERATOR(pg_catalog.=) 'Ærø';
-- The session key path too.
SET colcrypt.session_key = 'abababababababababababababababababababababababababababababababab';
SELECT colcrypt.decrypt_text(colcrypt.encrypt_text('façade')) AS session_round_trip;
SELECT colcrypt.decrypt_text(:'euro'::bytea);
RESET colcrypt.session_key;

\c enc_ascii
SET client_encoding = 'UTF8';
SET client_min_messages = warning;
CREATE EXTENSION colcrypt;
SHOW server_encoding;
-- SQL_ASCII has no conversions: UTF-8 bytes pass as they are, anything else is refused.
SELECT colcrypt.decrypt_text(:'cafe'::bytea, :'k'::bytea, 'contéxt') AS cafe;
SELECT colcrypt.decrypt_text(:'euro'::bytea, :'k'::bytea) AS euro;
SELECT colcrypt.encrypt_text(convert_from('\xe9'::bytea, 'SQL_ASCII'), :'k'::bytea);
SELECT colcrypt.decrypt_text(:'not_utf8'::bytea, :'k'::bytea);

\c colcrypt_regress
DROP DATABASE enc_latin1;
DROP DATABASE enc_ascii;
