-- Values without a column's key (untyped literals and parameters, which PostgreSQL passes through
-- a type's input without the column's type modifier) are sealed under colcrypt's own
-- __transient key and moved under the column's key by the cast: no read creates or needs the
-- default key, and default's state matters only to columns that use it. A column declared
-- without a key name is given default. Binary I/O is the plaintext type's binary form.
\set VERBOSITY sqlstate
SET client_min_messages = warning;
-- A fresh database: no key exists yet, and the operators' schema is on the search path.
CREATE DATABASE lit_fresh;
\c lit_fresh
SET client_min_messages = warning;
CREATE EXTENSION colcrypt;
SET search_path = public, colcrypt;
SELECT colcrypt.create_key('lit') > 0 AS created;
SELECT name FROM colcrypt.keys WHERE name LIKE '\_\_%' ORDER BY name;

-- 1. Reads with literals and parameters create no key and write nothing: default does not exist.
CREATE TABLE lit_t (id int PRIMARY KEY, ssn colcrypt.encrypted_text(lit, searchable) UNIQUE, n colcrypt.encrypted_int4(lit));
INSERT INTO lit_t VALUES (1, 'ssn-1', 10), (2, 'ssn-2', 20);
CREATE ROLE lit_admin IN ROLE colcrypt_key_admin;
CREATE ROLE lit_writer;
CREATE ROLE lit_reader;
GRANT SELECT, INSERT, UPDATE ON lit_t TO lit_writer;
GRANT SELECT ON lit_t TO lit_reader;
SELECT count(*) AS default_exists FROM colcrypt.keys WHERE name = 'default';
BEGIN READ ONLY;
SELECT id FROM lit_t WHERE ssn = 'ssn-2'::colcrypt.encrypted_text;
PREPARE lit_q(colcrypt.encrypted_text) AS SELECT id FROM lit_t WHERE ssn = $1;
EXECUTE lit_q('ssn-1');
SELECT 'a literal'::colcrypt.encrypted_text AS literal_round_trip;
COMMIT;
SELECT count(*) AS default_exists FROM colcrypt.keys WHERE name = 'default';
-- Parameters whose every use is a write into an encrypted_text column are typed text, so they
-- are sealed once, under the column's key (src/param_types.rs); an integer column's keeps its
-- type, and so does a parameter that is also returned.
PREPARE lit_ins AS INSERT INTO lit_t (id, ssn, n) VALUES ($1, $2, $3);
PREPARE lit_ret AS INSERT INTO lit_t (id, ssn) VALUES ($1, $2) RETURNING $2;
SELECT name, parameter_types FROM pg_prepared_statements WHERE name IN ('lit_ins', 'lit_ret') ORDER BY name;
EXECUTE lit_ins(3, 'ssn-3', 30);
SELECT ssn::text, n::int FROM lit_t WHERE id = 3;
DELETE FROM lit_t WHERE id = 3;
DEALLOCATE lit_ins;
DEALLOCATE lit_ret;
-- Every stored value is under the column's key, never under __transient.
SELECT count(*) AS under_lit FROM lit_t, colcrypt.envelope_info(colcrypt.envelope(n)) e, colcrypt.keys k
WHERE k.envelope_key_id = e.key_id AND k.name = 'lit';

-- 2. A column without a key name is given default, whichever command made it.
-- (default is created by a key admin's create_key or first write.)
SELECT colcrypt.create_key('default') > 0 AS default_created;
CREATE TABLE lit_plain (v colcrypt.encrypted_text, a colcrypt.encrypted_int8[], k colcrypt.encrypted_text(lit));
ALTER TABLE lit_plain ADD COLUMN w colcrypt.encrypted_date;
CREATE TABLE lit_ctas AS SELECT 'from a literal'::colcrypt.encrypted_text AS v, ssn FROM lit_t WHERE id = 1;
SELECT 'into'::colcrypt.encrypted_text AS v INTO lit_into;
CREATE TYPE lit_pair AS (a colcrypt.encrypted_text, b int);
CREATE TEMP TABLE lit_temp (v colcrypt.encrypted_bool);
SELECT c.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
WHERE c.relname IN ('lit_plain', 'lit_ctas', 'lit_into', 'lit_pair', 'lit_temp') AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY c.relname, a.attnum;
-- The rows CREATE TABLE AS wrote are under default now.
SELECT v, k.name FROM lit_ctas, colcrypt.envelope_info(colcrypt.envelope(v)) e JOIN colcrypt.keys k ON k.envelope_key_id = e.key_id;
-- Refused: a materialized view or a domain without a key name (with the fix in the hint).
CREATE MATERIALIZED VIEW lit_mv AS SELECT 'x'::colcrypt.encrypted_text AS v;
CREATE MATERIALIZED VIEW lit_mv AS SELECT 'x'::colcrypt.encrypted_text('default') AS v;
SELECT v FROM lit_mv;
CREATE DOMAIN lit_dom AS colcrypt.encrypted_text;
CREATE DOMAIN lit_dom AS colcrypt.encrypted_text(lit);
CREATE TABLE lit_dom_t (v lit_dom);
INSERT INTO lit_dom_t VALUES ('through a domain');
SELECT v, k.name FROM lit_dom_t, colcrypt.envelope_info(colcrypt.envelope(v)) e JOIN colcrypt.keys k ON k.envelope_key_id = e.key_id;

-- 3. Constants stored in the catalog (defaults, views, CHECK constraints) keep working in other
-- sessions: they are sealed, not held in this session's memory.
CREATE TABLE lit_def (id int, v colcrypt.encrypted_text(lit) DEFAULT 'a default', CHECK (v <> 'forbidden'));
CREATE VIEW lit_view AS SELECT id FROM lit_t WHERE ssn = 'ssn-1';
\c lit_fresh
SET client_min_messages = warning;
SET search_path = public, colcrypt;
INSERT INTO lit_def (id) VALUES (1);
INSERT INTO lit_def VALUES (2, 'forbidden');
SELECT id, v FROM lit_def;
SELECT id FROM lit_view;

-- character(n) goes in without its padding, as into text, so a lookup with the same character(n)
-- parameter (compared as text) finds it.
CREATE TABLE lit_char (v colcrypt.encrypted_text(lit, searchable));
INSERT INTO lit_char SELECT 'ab'::character(4);
INSERT INTO lit_char VALUES ('cd'::character(6));
SELECT v::text AS v, octet_length(v::text) AS bytes FROM lit_char ORDER BY v::text;
PREPARE lit_c(character(4)) AS SELECT count(*) FROM lit_char WHERE v = $1;
EXECUTE lit_c('ab');
DROP TABLE lit_char;

-- 4. Binary output is the plaintext type's binary form, decrypted like text output.
SELECT colcrypt.encrypted_int4_send(n) = int4send(n::int4) AS int4_binary,
       colcrypt.encrypted_text_send(ssn) = textsend(ssn::text) AS text_binary
FROM lit_t WHERE id = 1;
CREATE TABLE lit_types AS SELECT '{"a": [1, "ü"]}'::colcrypt.encrypted_jsonb('lit') AS j, '\x00ff'::colcrypt.encrypted_bytea('lit') AS b,
  '12.50'::colcrypt.encrypted_numeric('lit') AS num;
SELECT colcrypt.encrypted_jsonb_send(j) = jsonb_send(j::jsonb) AS jsonb_binary,
       colcrypt.encrypted_bytea_send(b) = '\x00ff'::bytea AS bytea_binary,
       colcrypt.encrypted_numeric_send(num) = numeric_send(12.50) AS numeric_binary FROM lit_types;
-- Under ciphertext_io it is the envelope, as text output is.
SET colcrypt.ciphertext_io = on;
SELECT colcrypt.encrypted_text_send(ssn) = colcrypt.envelope(ssn) AS envelope_binary FROM lit_t WHERE id = 1;
RESET colcrypt.ciphertext_io;
-- A role denied the plaintext gets no binary plaintext either.
SET ROLE lit_admin;
SELECT colcrypt.deny_plaintext('lit', 'lit_reader');
RESET ROLE;
SET ROLE lit_reader;
SELECT colcrypt.encrypted_int4_send(n) FROM lit_t WHERE id = 1;
SELECT length(colcrypt.envelope(n)) > 40 AS envelope_still_readable FROM lit_t WHERE id = 1;
RESET ROLE;

-- 5. default's state matters only to columns that use it.
SET ROLE lit_admin;
SELECT colcrypt.deny_plaintext('default', 'lit_writer');
RESET ROLE;
SET ROLE lit_writer;
INSERT INTO lit_t VALUES (3, 'ssn-3', 30);
UPDATE lit_t SET n = '31' WHERE id = 3;
INSERT INTO lit_t VALUES (3, 'ssn-3', 32) ON CONFLICT (ssn) DO UPDATE SET n = excluded.n;
SELECT id, n FROM lit_t WHERE ssn = 'ssn-3';
RESET ROLE;
SELECT colcrypt.destroy_key('default') AS default_versions_destroyed;
INSERT INTO lit_t VALUES (4, 'ssn-4', 40);
SELECT id, ssn, n FROM lit_t ORDER BY id;
-- colcrypt's own keys cannot be denied, restricted or destroyed.
SET ROLE lit_admin;
SELECT colcrypt.deny_plaintext('__transient', 'lit_writer');
SELECT colcrypt.restrict_key_use('__transient');
SELECT colcrypt.destroy_key('__transient');
\set VERBOSITY default
SELECT colcrypt.deny_plaintext('__blind_index', 'lit_writer');
\set VERBOSITY sqlstate
RESET ROLE;
-- __transient seals no column: a type modifier naming it is refused.
CREATE TABLE lit_bad (v colcrypt.encrypted_text(__transient));

-- 4. Why a quoted literal is sealed under __transient and moved when the statement runs, not
-- sealed under a column's key while the statement is parsed: a statement parsed once and run
-- many times (PL/pgSQL, PREPARE, a driver's prepared statement) stores a fresh envelope each
-- time. Sealed once at parse time, every row would hold the same envelope, and whoever reads the
-- files could see which rows are equal, as in no other column.
CREATE TABLE lit_rep (v colcrypt.encrypted_text(lit));
DO $$ BEGIN FOR i IN 1..3 LOOP INSERT INTO lit_rep VALUES ('the same literal'); END LOOP; END $$;
PREPARE lit_rep_ins AS INSERT INTO lit_rep VALUES ('the same literal');
EXECUTE lit_rep_ins;
EXECUTE lit_rep_ins;
SELECT count(*) AS rows, count(DISTINCT colcrypt.envelope(v)) AS envelopes, min(v::text) = max(v::text) AS one_value FROM lit_rep;
DEALLOCATE lit_rep_ins;

\c colcrypt_regress
DROP DATABASE lit_fresh;
DROP ROLE lit_admin, lit_writer, lit_reader;
