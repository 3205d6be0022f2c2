-- colcrypt 0.1.0 -> 0.2.0, run by ALTER EXTENSION colcrypt UPDATE (after installing 0.2.0's
-- files and restarting the server: README, "Upgrading").
--
-- 0.1.0 is commit cf4833b (2026-11-29, "bench: results after the review pass"): the last commit
-- before the security-hardening work (fa3fccd onwards), and what users installed as 0.1.0. Its
-- Cargo.toml says 0.1.0, it pins pgrx 0.18.1 as this version does, and its sql/types.sql is what
-- its sql/generate_types.py writes. tests/upgrade.sh builds it from that commit, upgrades a
-- database it filled, and compares the result with a fresh 0.2.0 install, object by object.
--
-- Values written by 0.1.0 stay readable: envelopes name their key, and searchable values of
-- 0.1.0 (tag "CI") are read and compared as before. `CALL colcrypt.reencrypt('table', 'column')`
-- on each searchable column binds their blind indexes into the envelope (tag "CB", CHANGELOG).
--
-- The script runs as the superuser who runs the UPDATE, with search_path set to colcrypt's
-- schema; names are qualified anyway.

\echo Use "ALTER EXTENSION colcrypt UPDATE" to load this file. \quit

-- ---- Key tables (sql/keys.sql) ----

-- Rows of client_column_keys belong to the role that stored them. 0.1.0 recorded no owner: its
-- rows go to the role running this upgrade (a superuser), so every role still reads them and a
-- key admin can hand them to their role: UPDATE colcrypt.client_column_keys SET owner = 'app'.
ALTER TABLE @extschema@.client_column_keys
  ADD COLUMN owner regrole NOT NULL DEFAULT pg_catalog.to_regrole(pg_catalog.quote_ident(CURRENT_USER));
ALTER TABLE @extschema@.client_column_keys DROP CONSTRAINT client_column_keys_pkey;
ALTER TABLE @extschema@.client_column_keys ADD PRIMARY KEY (owner, name);
ALTER TABLE @extschema@.client_column_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON @extschema@.client_column_keys FOR SELECT USING (true);
CREATE POLICY insert_own ON @extschema@.client_column_keys FOR INSERT
  WITH CHECK (owner OPERATOR(pg_catalog.=) pg_catalog.to_regrole(pg_catalog.quote_ident(CURRENT_USER)));
CREATE POLICY update_own ON @extschema@.client_column_keys FOR UPDATE
  USING (pg_catalog.pg_has_role(owner::pg_catalog.oid, 'USAGE') OR pg_catalog.pg_has_role('colcrypt_key_admin', 'USAGE'))
  WITH CHECK (pg_catalog.pg_has_role(owner::pg_catalog.oid, 'USAGE') OR pg_catalog.pg_has_role('colcrypt_key_admin', 'USAGE'));
CREATE POLICY delete_own ON @extschema@.client_column_keys FOR DELETE
  USING (pg_catalog.pg_has_role(owner::pg_catalog.oid, 'USAGE') OR pg_catalog.pg_has_role('colcrypt_key_admin', 'USAGE'));

-- Per-key use grants (restrict_key_use, grant_key_use).
CREATE TABLE @extschema@.restricted_keys (
    key_name text PRIMARY KEY
);
CREATE TABLE @extschema@.key_use_grants (
    key_name text    NOT NULL,
    role     regrole NOT NULL,
    PRIMARY KEY (key_name, role)
);
SELECT pg_catalog.pg_extension_config_dump('@extschema@.restricted_keys', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.key_use_grants', '');

GRANT SELECT, INSERT, UPDATE, DELETE ON @extschema@.client_column_keys TO PUBLIC;
REVOKE ALL ON @extschema@.restricted_keys, @extschema@.key_use_grants FROM PUBLIC;

-- ---- Types, casts, operators and functions (sql/types.sql, sql/finalize.sql, #[pg_extern]s) ----
-- Unchanged objects are left alone; changed functions are replaced in place (same OIDs).
CREATE FUNCTION @extschema@.encrypted_typanalyze(internal) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_typanalyze_wrapper' LANGUAGE C STRICT VOLATILE;
CREATE OR REPLACE FUNCTION @extschema@.encrypted_text_send(@extschema@.encrypted_text) RETURNS bytea
  AS 'MODULE_PATHNAME', 'encrypted_text_send_wrapper' LANGUAGE C STRICT STABLE PARALLEL SAFE;
ALTER TYPE @extschema@.encrypted_text SET (ANALYZE = @extschema@.encrypted_typanalyze);
CREATE FUNCTION @extschema@.envelope(@extschema@.encrypted_text) RETURNS bytea
  AS 'MODULE_PATHNAME', 'encrypted_text_envelope_wrapper' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.envelope(@extschema@.encrypted_text) IS 'envelope(value): the value as stored (its envelope, after a bound blind index), for envelope_info and backups; never plaintext';
CREATE FUNCTION @extschema@.encrypted_text_to_plain(@extschema@.encrypted_text) RETURNS text
  AS 'MODULE_PATHNAME', 'encrypted_text_to_plain_wrapper' LANGUAGE C STRICT STABLE PARALLEL SAFE;
-- The casts to the plaintext types were I/O casts; they become function casts. Nothing
-- depends on an I/O cast (views hold the output call), so they are dropped and created.
DROP CAST (@extschema@.encrypted_text AS text);
CREATE CAST (@extschema@.encrypted_text AS text) WITH FUNCTION @extschema@.encrypted_text_to_plain(@extschema@.encrypted_text);
-- = and <> move to pg_catalog. Moved, not recreated: the views, constraints and operator
-- classes that use them keep them.
ALTER OPERATOR @extschema@.= (@extschema@.encrypted_text, @extschema@.encrypted_text) SET SCHEMA pg_catalog;
ALTER OPERATOR @extschema@.<> (@extschema@.encrypted_text, @extschema@.encrypted_text) SET SCHEMA pg_catalog;
CREATE OR REPLACE FUNCTION @extschema@.encrypted_bytea_send(@extschema@.encrypted_bytea) RETURNS bytea
  AS 'MODULE_PATHNAME', 'encrypted_bytea_send_wrapper' LANGUAGE C STRICT STABLE PARALLEL SAFE;
ALTER TYPE @extschema@.encrypted_bytea SET (ANALYZE = @extschema@.encrypted_typanalyze);
CREATE FUNCTION @extschema@.envelope(@extschema@.encrypted_bytea) RETURNS bytea
  AS 'MODULE_PATHNAME', 'encrypted_bytea_envelope_wrapper' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.envelope(@extschema@.encrypted_bytea) IS 'envelope(value): the value as stored (its envelope, after a bound blind index), for envelope_info and backups; never plaintext';
CREATE FUNCTION @extschema@.encrypted_bytea_to_plain(@extschema@.encrypted_bytea) RETURNS bytea
  AS 'MODULE_PATHNAME', 'encrypted_bytea_to_plain_wrapper' LANGUAGE C STRICT STABLE PARALLEL SAFE;
DROP CAST (@extschema@.encrypted_bytea AS bytea);
CREATE CAST (@extschema@.encrypted_bytea AS bytea) WITH FUNCTION @extschema@.encrypted_bytea_to_plain(@extschema@.encrypted_bytea);
ALTER OPERATOR @extschema@.= (@extschema@.encrypted_bytea, @extschema@.encrypted_bytea) SET SCHEMA pg_catalog;
ALTER OPERATOR @extschema@.<> (@extschema@.encrypted_bytea, @extschema@.encrypted_bytea) SET SCHEMA pg_catalog;
CREATE OR REPLACE FUNCTION @extschema@.encrypted_jsonb_send(@extschema@.encrypted_jsonb) RETURNS bytea
  AS 'MODULE_PATHNAME', 'encrypted_jsonb_send_wrapper' LANGUAGE C STRICT STABLE PARALLEL SAFE;
ALTER TYPE @extschema@.encrypted_jsonb SET (ANALYZE = @extschema@.encrypted_typanalyze);
CREATE FUNCTION @extschema@.envelope(@extschema@.encrypted_jsonb) RETURNS bytea
  AS 'MODULE_PATHNAME', 'encrypted_jsonb_envelope_wrapper' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.envelope(@extschema@.encrypted_jsonb) IS 'envelope(value): the value as stored (its envelope, after a bound blind index), for envelope_info and backups; never plaintext';
CREATE FUNCTION @extschema@.encrypted_jsonb_to_plain(@extschema@.encrypted_jsonb) RETURNS jsonb
  AS 'MODULE_PATHNAME', 'encrypted_jsonb_to_plain_wrapper' LANGUAGE C STRICT STABLE PARALLEL SAFE;
DROP CAST (@extschema@.encrypted_jsonb AS jsonb);
CREATE CAST (@extschema@.encrypted_jsonb AS jsonb) WITH FUNCTION @extschema@.encrypted_jsonb_to_plain(@extschema@.encrypted_jsonb);
ALTER OPERATOR @extschema@.= (@extschema@.encrypted_jsonb, @extschema@.encrypted_jsonb) SET SCHEMA pg_catalog;
ALTER OPERATOR @extschema@.<> (@extschema@.encrypted_jsonb, @extschema@.encrypted_jsonb) SET SCHEMA pg_catalog;
CREATE OR REPLACE FUNCTION @extschema@.encrypted_int4_send(@extschema@.encrypted_int4) RETURNS bytea
  AS 'MODULE_PATHNAME', 'encrypted_int4_send_wrapper' LANGUAGE C STRICT STABLE PARALLEL SAFE;
ALTER TYPE @extschema@.encrypted_int4 SET (ANALYZE = @extschema@.encrypted_typanalyze);
CREATE FUNCTION @extschema@.envelope(@extschema@.encrypted_int4) RETURNS bytea
  AS 'MODULE_PATHNAME', 'encrypted_int4_envelope_wrapper' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.envelope(@extschema@.encrypted_int4) IS 'envelope(value): the value as stored (its envelope, after a bound blind index), for envelope_info and backups; never plaintext';
CREATE FUNCTION @extschema@.encrypted_int4_to_plain(@extschema@.encrypted_int4) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int4_to_plain_wrapper' LANGUAGE C STRICT STABLE PARALLEL SAFE;
DROP CAST (@extschema@.encrypted_int4 AS integer);
CREATE CAST (@extschema@.encrypted_int4 AS integer) WITH FUNCTION @extschema@.encrypted_int4_to_plain(@extschema@.encrypted_int4);
ALTER OPERATOR @extschema@.= (@extschema@.encrypted_int4, @extschema@.encrypted_int4) SET SCHEMA pg_catalog;
ALTER OPERATOR @extschema@.<> (@extschema@.encrypted_int4, @extschema@.encrypted_int4) SET SCHEMA pg_catalog;
CREATE OR REPLACE FUNCTION @extschema@.encrypted_int8_send(@extschema@.encrypted_int8) RETURNS bytea
  AS 'MODULE_PATHNAME', 'encrypted_int8_send_wrapper' LANGUAGE C STRICT STABLE PARALLEL SAFE;
ALTER TYPE @extschema@.encrypted_int8 SET (ANALYZE = @extschema@.encrypted_typanalyze);
CREATE FUNCTION @extschema@.envelope(@extschema@.encrypted_int8) RETURNS bytea
  AS 'MODULE_PATHNAME', 'encrypted_int8_envelope_wrapper' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.envelope(@extschema@.encrypted_int8) IS 'envelope(value): the value as stored (its envelope, after a bound blind index), for envelope_info and backups; never plaintext';
CREATE FUNCTION @extschema@.encrypted_int8_to_plain(@extschema@.encrypted_int8) RETURNS bigint
  AS 'MODULE_PATHNAME', 'encrypted_int8_to_plain_wrapper' LANGUAGE C STRICT STABLE PARALLEL SAFE;
DROP CAST (@extschema@.encrypted_int8 AS bigint);
CREATE CAST (@extschema@.encrypted_int8 AS bigint) WITH FUNCTION @extschema@.encrypted_int8_to_plain(@extschema@.encrypted_int8);
ALTER OPERATOR @extschema@.= (@extschema@.encrypted_int8, @extschema@.encrypted_int8) SET SCHEMA pg_catalog;
ALTER OPERATOR @extschema@.<> (@extschema@.encrypted_int8, @extschema@.encrypted_int8) SET SCHEMA pg_catalog;
CREATE OR REPLACE FUNCTION @extschema@.encrypted_numeric_send(@extschema@.encrypted_numeric) RETURNS bytea
  AS 'MODULE_PATHNAME', 'encrypted_numeric_send_wrapper' LANGUAGE C STRICT STABLE PARALLEL SAFE;
ALTER TYPE @extschema@.encrypted_numeric SET (ANALYZE = @extschema@.encrypted_typanalyze);
CREATE FUNCTION @extschema@.envelope(@extschema@.encrypted_numeric) RETURNS bytea
  AS 'MODULE_PATHNAME', 'encrypted_numeric_envelope_wrapper' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.envelope(@extschema@.encrypted_numeric) IS 'envelope(value): the value as stored (its envelope, after a bound blind index), for envelope_info and backups; never plaintext';
CREATE FUNCTION @extschema@.encrypted_numeric_to_plain(@extschema@.encrypted_numeric) RETURNS numeric
  AS 'MODULE_PATHNAME', 'encrypted_numeric_to_plain_wrapper' LANGUAGE C STRICT STABLE PARALLEL SAFE;
DROP CAST (@extschema@.encrypted_numeric AS numeric);
CREATE CAST (@extschema@.encrypted_numeric AS numeric) WITH FUNCTION @extschema@.encrypted_numeric_to_plain(@extschema@.encrypted_numeric);
ALTER OPERATOR @extschema@.= (@extschema@.encrypted_numeric, @extschema@.encrypted_numeric) SET SCHEMA pg_catalog;
ALTER OPERATOR @extschema@.<> (@extschema@.encrypted_numeric, @extschema@.encrypted_numeric) SET SCHEMA pg_catalog;
CREATE OR REPLACE FUNCTION @extschema@.encrypted_float8_send(@extschema@.encrypted_float8) RETURNS bytea
  AS 'MODULE_PATHNAME', 'encrypted_float8_send_wrapper' LANGUAGE C STRICT STABLE PARALLEL SAFE;
ALTER TYPE @extschema@.encrypted_float8 SET (ANALYZE = @extschema@.encrypted_typanalyze);
CREATE FUNCTION @extschema@.envelope(@extschema@.encrypted_float8) RETURNS bytea
  AS 'MODULE_PATHNAME', 'encrypted_float8_envelope_wrapper' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.envelope(@extschema@.encrypted_float8) IS 'envelope(value): the value as stored (its envelope, after a bound blind index), for envelope_info and backups; never plaintext';
CREATE FUNCTION @extschema@.encrypted_float8_to_plain(@extschema@.encrypted_float8) RETURNS double precision
  AS 'MODULE_PATHNAME', 'encrypted_float8_to_plain_wrapper' LANGUAGE C STRICT STABLE PARALLEL SAFE;
DROP CAST (@extschema@.encrypted_float8 AS double precision);
CREATE CAST (@extschema@.encrypted_float8 AS double precision) WITH FUNCTION @extschema@.encrypted_float8_to_plain(@extschema@.encrypted_float8);
ALTER OPERATOR @extschema@.= (@extschema@.encrypted_float8, @extschema@.encrypted_float8) SET SCHEMA pg_catalog;
ALTER OPERATOR @extschema@.<> (@extschema@.encrypted_float8, @extschema@.encrypted_float8) SET SCHEMA pg_catalog;
CREATE OR REPLACE FUNCTION @extschema@.encrypted_bool_send(@extschema@.encrypted_bool) RETURNS bytea
  AS 'MODULE_PATHNAME', 'encrypted_bool_send_wrapper' LANGUAGE C STRICT STABLE PARALLEL SAFE;
ALTER TYPE @extschema@.encrypted_bool SET (ANALYZE = @extschema@.encrypted_typanalyze);
CREATE FUNCTION @extschema@.envelope(@extschema@.encrypted_bool) RETURNS bytea
  AS 'MODULE_PATHNAME', 'encrypted_bool_envelope_wrapper' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.envelope(@extschema@.encrypted_bool) IS 'envelope(value): the value as stored (its envelope, after a bound blind index), for envelope_info and backups; never plaintext';
CREATE FUNCTION @extschema@.encrypted_bool_to_plain(@extschema@.encrypted_bool) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_bool_to_plain_wrapper' LANGUAGE C STRICT STABLE PARALLEL SAFE;
DROP CAST (@extschema@.encrypted_bool AS boolean);
CREATE CAST (@extschema@.encrypted_bool AS boolean) WITH FUNCTION @extschema@.encrypted_bool_to_plain(@extschema@.encrypted_bool);
ALTER OPERATOR @extschema@.= (@extschema@.encrypted_bool, @extschema@.encrypted_bool) SET SCHEMA pg_catalog;
ALTER OPERATOR @extschema@.<> (@extschema@.encrypted_bool, @extschema@.encrypted_bool) SET SCHEMA pg_catalog;
CREATE OR REPLACE FUNCTION @extschema@.encrypted_date_send(@extschema@.encrypted_date) RETURNS bytea
  AS 'MODULE_PATHNAME', 'encrypted_date_send_wrapper' LANGUAGE C STRICT STABLE PARALLEL SAFE;
ALTER TYPE @extschema@.encrypted_date SET (ANALYZE = @extschema@.encrypted_typanalyze);
CREATE FUNCTION @extschema@.envelope(@extschema@.encrypted_date) RETURNS bytea
  AS 'MODULE_PATHNAME', 'encrypted_date_envelope_wrapper' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.envelope(@extschema@.encrypted_date) IS 'envelope(value): the value as stored (its envelope, after a bound blind index), for envelope_info and backups; never plaintext';
CREATE FUNCTION @extschema@.encrypted_date_to_plain(@extschema@.encrypted_date) RETURNS date
  AS 'MODULE_PATHNAME', 'encrypted_date_to_plain_wrapper' LANGUAGE C STRICT STABLE PARALLEL SAFE;
DROP CAST (@extschema@.encrypted_date AS date);
CREATE CAST (@extschema@.encrypted_date AS date) WITH FUNCTION @extschema@.encrypted_date_to_plain(@extschema@.encrypted_date);
ALTER OPERATOR @extschema@.= (@extschema@.encrypted_date, @extschema@.encrypted_date) SET SCHEMA pg_catalog;
ALTER OPERATOR @extschema@.<> (@extschema@.encrypted_date, @extschema@.encrypted_date) SET SCHEMA pg_catalog;
CREATE OR REPLACE FUNCTION @extschema@.encrypted_timestamptz_send(@extschema@.encrypted_timestamptz) RETURNS bytea
  AS 'MODULE_PATHNAME', 'encrypted_timestamptz_send_wrapper' LANGUAGE C STRICT STABLE PARALLEL SAFE;
ALTER TYPE @extschema@.encrypted_timestamptz SET (ANALYZE = @extschema@.encrypted_typanalyze);
CREATE FUNCTION @extschema@.envelope(@extschema@.encrypted_timestamptz) RETURNS bytea
  AS 'MODULE_PATHNAME', 'encrypted_timestamptz_envelope_wrapper' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.envelope(@extschema@.encrypted_timestamptz) IS 'envelope(value): the value as stored (its envelope, after a bound blind index), for envelope_info and backups; never plaintext';
CREATE FUNCTION @extschema@.encrypted_timestamptz_to_plain(@extschema@.encrypted_timestamptz) RETURNS timestamp with time zone
  AS 'MODULE_PATHNAME', 'encrypted_timestamptz_to_plain_wrapper' LANGUAGE C STRICT STABLE PARALLEL SAFE;
DROP CAST (@extschema@.encrypted_timestamptz AS timestamp with time zone);
CREATE CAST (@extschema@.encrypted_timestamptz AS timestamp with time zone) WITH FUNCTION @extschema@.encrypted_timestamptz_to_plain(@extschema@.encrypted_timestamptz);
ALTER OPERATOR @extschema@.= (@extschema@.encrypted_timestamptz, @extschema@.encrypted_timestamptz) SET SCHEMA pg_catalog;
ALTER OPERATOR @extschema@.<> (@extschema@.encrypted_timestamptz, @extschema@.encrypted_timestamptz) SET SCHEMA pg_catalog;
-- (plain, plain) equality of the hash families (sql/generate_types.py, PLAIN_EQ).
CREATE FUNCTION @extschema@.blind_family_eq(text, text) RETURNS boolean
  AS 'byteaeq' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.=#= (LEFTARG = text, RIGHTARG = text, FUNCTION = @extschema@.blind_family_eq,
  COMMUTATOR = OPERATOR(@extschema@.=#=));
COMMENT ON FUNCTION @extschema@.blind_family_eq(text, text) IS
  'Equality of two text values as colcrypt''s hash operator families hash them (operator colcrypt.=#=): what makes the values of IN (SELECT …) distinct when compared with an encrypted column.';
CREATE FUNCTION @extschema@.blind_family_eq(bytea, bytea) RETURNS boolean
  AS 'byteaeq' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.=#= (LEFTARG = bytea, RIGHTARG = bytea, FUNCTION = @extschema@.blind_family_eq,
  COMMUTATOR = OPERATOR(@extschema@.=#=));
COMMENT ON FUNCTION @extschema@.blind_family_eq(bytea, bytea) IS
  'Equality of two bytea values as colcrypt''s hash operator families hash them (operator colcrypt.=#=): what makes the values of IN (SELECT …) distinct when compared with an encrypted column.';
CREATE FUNCTION @extschema@.blind_family_eq(jsonb, jsonb) RETURNS boolean
  AS 'jsonb_eq' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.=#= (LEFTARG = jsonb, RIGHTARG = jsonb, FUNCTION = @extschema@.blind_family_eq,
  COMMUTATOR = OPERATOR(@extschema@.=#=));
COMMENT ON FUNCTION @extschema@.blind_family_eq(jsonb, jsonb) IS
  'Equality of two jsonb values as colcrypt''s hash operator families hash them (operator colcrypt.=#=): what makes the values of IN (SELECT …) distinct when compared with an encrypted column.';
CREATE FUNCTION @extschema@.blind_family_eq(smallint, smallint) RETURNS boolean
  AS 'int2eq' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.=#= (LEFTARG = smallint, RIGHTARG = smallint, FUNCTION = @extschema@.blind_family_eq,
  COMMUTATOR = OPERATOR(@extschema@.=#=));
COMMENT ON FUNCTION @extschema@.blind_family_eq(smallint, smallint) IS
  'Equality of two smallint values as colcrypt''s hash operator families hash them (operator colcrypt.=#=): what makes the values of IN (SELECT …) distinct when compared with an encrypted column.';
CREATE FUNCTION @extschema@.blind_family_eq(integer, integer) RETURNS boolean
  AS 'int4eq' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.=#= (LEFTARG = integer, RIGHTARG = integer, FUNCTION = @extschema@.blind_family_eq,
  COMMUTATOR = OPERATOR(@extschema@.=#=));
COMMENT ON FUNCTION @extschema@.blind_family_eq(integer, integer) IS
  'Equality of two integer values as colcrypt''s hash operator families hash them (operator colcrypt.=#=): what makes the values of IN (SELECT …) distinct when compared with an encrypted column.';
CREATE FUNCTION @extschema@.blind_family_eq(bigint, bigint) RETURNS boolean
  AS 'int8eq' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.=#= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = @extschema@.blind_family_eq,
  COMMUTATOR = OPERATOR(@extschema@.=#=));
COMMENT ON FUNCTION @extschema@.blind_family_eq(bigint, bigint) IS
  'Equality of two bigint values as colcrypt''s hash operator families hash them (operator colcrypt.=#=): what makes the values of IN (SELECT …) distinct when compared with an encrypted column.';
CREATE FUNCTION @extschema@.blind_family_eq(numeric, numeric) RETURNS boolean
  AS 'numeric_eq' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.=#= (LEFTARG = numeric, RIGHTARG = numeric, FUNCTION = @extschema@.blind_family_eq,
  COMMUTATOR = OPERATOR(@extschema@.=#=));
COMMENT ON FUNCTION @extschema@.blind_family_eq(numeric, numeric) IS
  'Equality of two numeric values as colcrypt''s hash operator families hash them (operator colcrypt.=#=): what makes the values of IN (SELECT …) distinct when compared with an encrypted column.';
CREATE FUNCTION @extschema@.blind_family_eq(real, real) RETURNS boolean
  AS 'float4eq' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.=#= (LEFTARG = real, RIGHTARG = real, FUNCTION = @extschema@.blind_family_eq,
  COMMUTATOR = OPERATOR(@extschema@.=#=));
COMMENT ON FUNCTION @extschema@.blind_family_eq(real, real) IS
  'Equality of two real values as colcrypt''s hash operator families hash them (operator colcrypt.=#=): what makes the values of IN (SELECT …) distinct when compared with an encrypted column.';
CREATE FUNCTION @extschema@.blind_family_eq(double precision, double precision) RETURNS boolean
  AS 'float8eq' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.=#= (LEFTARG = double precision, RIGHTARG = double precision, FUNCTION = @extschema@.blind_family_eq,
  COMMUTATOR = OPERATOR(@extschema@.=#=));
COMMENT ON FUNCTION @extschema@.blind_family_eq(double precision, double precision) IS
  'Equality of two double precision values as colcrypt''s hash operator families hash them (operator colcrypt.=#=): what makes the values of IN (SELECT …) distinct when compared with an encrypted column.';
CREATE FUNCTION @extschema@.blind_family_eq(boolean, boolean) RETURNS boolean
  AS 'booleq' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.=#= (LEFTARG = boolean, RIGHTARG = boolean, FUNCTION = @extschema@.blind_family_eq,
  COMMUTATOR = OPERATOR(@extschema@.=#=));
COMMENT ON FUNCTION @extschema@.blind_family_eq(boolean, boolean) IS
  'Equality of two boolean values as colcrypt''s hash operator families hash them (operator colcrypt.=#=): what makes the values of IN (SELECT …) distinct when compared with an encrypted column.';
CREATE FUNCTION @extschema@.blind_family_eq(date, date) RETURNS boolean
  AS 'date_eq' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.=#= (LEFTARG = date, RIGHTARG = date, FUNCTION = @extschema@.blind_family_eq,
  COMMUTATOR = OPERATOR(@extschema@.=#=));
COMMENT ON FUNCTION @extschema@.blind_family_eq(date, date) IS
  'Equality of two date values as colcrypt''s hash operator families hash them (operator colcrypt.=#=): what makes the values of IN (SELECT …) distinct when compared with an encrypted column.';
CREATE FUNCTION @extschema@.blind_family_eq(timestamp with time zone, timestamp with time zone) RETURNS boolean
  AS 'timestamp_eq' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.=#= (LEFTARG = timestamp with time zone, RIGHTARG = timestamp with time zone, FUNCTION = @extschema@.blind_family_eq,
  COMMUTATOR = OPERATOR(@extschema@.=#=));
COMMENT ON FUNCTION @extschema@.blind_family_eq(timestamp with time zone, timestamp with time zone) IS
  'Equality of two timestamp with time zone values as colcrypt''s hash operator families hash them (operator colcrypt.=#=): what makes the values of IN (SELECT …) distinct when compared with an encrypted column.';
CREATE FUNCTION @extschema@.blind_family_eq_as_numeric(double precision, double precision) RETURNS boolean
  AS 'MODULE_PATHNAME', 'blind_family_eq_as_numeric_wrapper' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR @extschema@.=##= (LEFTARG = double precision, RIGHTARG = double precision,
  FUNCTION = @extschema@.blind_family_eq_as_numeric, COMMUTATOR = OPERATOR(@extschema@.=##=));
COMMENT ON FUNCTION @extschema@.blind_family_eq_as_numeric(double precision, double precision) IS
  'Equality of two floats as the numerics their casts give (operator colcrypt.=##=), as encrypted_numeric''s hash operator family hashes them: what makes the values of IN (SELECT …) distinct when compared with an encrypted_numeric column.';
CREATE FUNCTION @extschema@.encrypted_text_eq_text(@extschema@.encrypted_text, text) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_text_eq_text_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_text_ne_text(@extschema@.encrypted_text, text) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_text_ne_text_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_text_rev_eq_text(text, @extschema@.encrypted_text) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_text_rev_eq_text_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_text_rev_ne_text(text, @extschema@.encrypted_text) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_text_rev_ne_text_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_text_cmp_text(@extschema@.encrypted_text, text) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_text_cmp_text_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_text_rev_cmp_text(text, @extschema@.encrypted_text) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_text_rev_cmp_text_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_text_blind_cmp_text(text, text) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_text_blind_cmp_text_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_text_blind_hash_text(text) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_text_blind_hash_text_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE OPERATOR pg_catalog.= (LEFTARG = @extschema@.encrypted_text, RIGHTARG = text, FUNCTION = @extschema@.encrypted_text_eq_text,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = @extschema@.encrypted_text, RIGHTARG = text, FUNCTION = @extschema@.encrypted_text_ne_text,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR pg_catalog.= (LEFTARG = text, RIGHTARG = @extschema@.encrypted_text, FUNCTION = @extschema@.encrypted_text_rev_eq_text,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = text, RIGHTARG = @extschema@.encrypted_text, FUNCTION = @extschema@.encrypted_text_rev_ne_text,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
ALTER OPERATOR FAMILY @extschema@.encrypted_text_blind_ops USING btree ADD
  OPERATOR 3 pg_catalog.= (@extschema@.encrypted_text, text), OPERATOR 3 pg_catalog.= (text, @extschema@.encrypted_text),
  FUNCTION 1 (@extschema@.encrypted_text, text) @extschema@.encrypted_text_cmp_text(@extschema@.encrypted_text, text),
  FUNCTION 1 (text, @extschema@.encrypted_text) @extschema@.encrypted_text_rev_cmp_text(text, @extschema@.encrypted_text),
  FUNCTION 1 (text, text) @extschema@.encrypted_text_blind_cmp_text(text, text);
ALTER OPERATOR FAMILY @extschema@.encrypted_text_blind_hash_ops USING hash ADD
  OPERATOR 1 pg_catalog.= (@extschema@.encrypted_text, text), OPERATOR 1 pg_catalog.= (text, @extschema@.encrypted_text),
  FUNCTION 1 (text) @extschema@.encrypted_text_blind_hash_text(text);
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_text_blind_cmp_text(text, text), @extschema@.encrypted_text_blind_hash_text(text) FROM PUBLIC;
CREATE FUNCTION @extschema@.encrypted_bytea_eq_bytea(@extschema@.encrypted_bytea, bytea) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_bytea_eq_bytea_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_bytea_ne_bytea(@extschema@.encrypted_bytea, bytea) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_bytea_ne_bytea_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_bytea_rev_eq_bytea(bytea, @extschema@.encrypted_bytea) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_bytea_rev_eq_bytea_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_bytea_rev_ne_bytea(bytea, @extschema@.encrypted_bytea) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_bytea_rev_ne_bytea_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_bytea_cmp_bytea(@extschema@.encrypted_bytea, bytea) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_bytea_cmp_bytea_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_bytea_rev_cmp_bytea(bytea, @extschema@.encrypted_bytea) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_bytea_rev_cmp_bytea_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_bytea_blind_cmp_bytea(bytea, bytea) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_bytea_blind_cmp_bytea_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_bytea_blind_hash_bytea(bytea) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_bytea_blind_hash_bytea_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE OPERATOR pg_catalog.= (LEFTARG = @extschema@.encrypted_bytea, RIGHTARG = bytea, FUNCTION = @extschema@.encrypted_bytea_eq_bytea,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = @extschema@.encrypted_bytea, RIGHTARG = bytea, FUNCTION = @extschema@.encrypted_bytea_ne_bytea,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR pg_catalog.= (LEFTARG = bytea, RIGHTARG = @extschema@.encrypted_bytea, FUNCTION = @extschema@.encrypted_bytea_rev_eq_bytea,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = bytea, RIGHTARG = @extschema@.encrypted_bytea, FUNCTION = @extschema@.encrypted_bytea_rev_ne_bytea,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
ALTER OPERATOR FAMILY @extschema@.encrypted_bytea_blind_ops USING btree ADD
  OPERATOR 3 pg_catalog.= (@extschema@.encrypted_bytea, bytea), OPERATOR 3 pg_catalog.= (bytea, @extschema@.encrypted_bytea),
  FUNCTION 1 (@extschema@.encrypted_bytea, bytea) @extschema@.encrypted_bytea_cmp_bytea(@extschema@.encrypted_bytea, bytea),
  FUNCTION 1 (bytea, @extschema@.encrypted_bytea) @extschema@.encrypted_bytea_rev_cmp_bytea(bytea, @extschema@.encrypted_bytea),
  FUNCTION 1 (bytea, bytea) @extschema@.encrypted_bytea_blind_cmp_bytea(bytea, bytea);
ALTER OPERATOR FAMILY @extschema@.encrypted_bytea_blind_hash_ops USING hash ADD
  OPERATOR 1 pg_catalog.= (@extschema@.encrypted_bytea, bytea), OPERATOR 1 pg_catalog.= (bytea, @extschema@.encrypted_bytea),
  FUNCTION 1 (bytea) @extschema@.encrypted_bytea_blind_hash_bytea(bytea);
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_bytea_blind_cmp_bytea(bytea, bytea), @extschema@.encrypted_bytea_blind_hash_bytea(bytea) FROM PUBLIC;
CREATE FUNCTION @extschema@.encrypted_jsonb_eq_jsonb(@extschema@.encrypted_jsonb, jsonb) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_jsonb_eq_jsonb_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_jsonb_ne_jsonb(@extschema@.encrypted_jsonb, jsonb) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_jsonb_ne_jsonb_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_jsonb_rev_eq_jsonb(jsonb, @extschema@.encrypted_jsonb) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_jsonb_rev_eq_jsonb_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_jsonb_rev_ne_jsonb(jsonb, @extschema@.encrypted_jsonb) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_jsonb_rev_ne_jsonb_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_jsonb_cmp_jsonb(@extschema@.encrypted_jsonb, jsonb) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_jsonb_cmp_jsonb_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_jsonb_rev_cmp_jsonb(jsonb, @extschema@.encrypted_jsonb) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_jsonb_rev_cmp_jsonb_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_jsonb_blind_cmp_jsonb(jsonb, jsonb) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_jsonb_blind_cmp_jsonb_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_jsonb_blind_hash_jsonb(jsonb) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_jsonb_blind_hash_jsonb_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE OPERATOR pg_catalog.= (LEFTARG = @extschema@.encrypted_jsonb, RIGHTARG = jsonb, FUNCTION = @extschema@.encrypted_jsonb_eq_jsonb,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = @extschema@.encrypted_jsonb, RIGHTARG = jsonb, FUNCTION = @extschema@.encrypted_jsonb_ne_jsonb,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR pg_catalog.= (LEFTARG = jsonb, RIGHTARG = @extschema@.encrypted_jsonb, FUNCTION = @extschema@.encrypted_jsonb_rev_eq_jsonb,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = jsonb, RIGHTARG = @extschema@.encrypted_jsonb, FUNCTION = @extschema@.encrypted_jsonb_rev_ne_jsonb,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
ALTER OPERATOR FAMILY @extschema@.encrypted_jsonb_blind_ops USING btree ADD
  OPERATOR 3 pg_catalog.= (@extschema@.encrypted_jsonb, jsonb), OPERATOR 3 pg_catalog.= (jsonb, @extschema@.encrypted_jsonb),
  FUNCTION 1 (@extschema@.encrypted_jsonb, jsonb) @extschema@.encrypted_jsonb_cmp_jsonb(@extschema@.encrypted_jsonb, jsonb),
  FUNCTION 1 (jsonb, @extschema@.encrypted_jsonb) @extschema@.encrypted_jsonb_rev_cmp_jsonb(jsonb, @extschema@.encrypted_jsonb),
  FUNCTION 1 (jsonb, jsonb) @extschema@.encrypted_jsonb_blind_cmp_jsonb(jsonb, jsonb);
ALTER OPERATOR FAMILY @extschema@.encrypted_jsonb_blind_hash_ops USING hash ADD
  OPERATOR 1 pg_catalog.= (@extschema@.encrypted_jsonb, jsonb), OPERATOR 1 pg_catalog.= (jsonb, @extschema@.encrypted_jsonb),
  FUNCTION 1 (jsonb) @extschema@.encrypted_jsonb_blind_hash_jsonb(jsonb);
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_jsonb_blind_cmp_jsonb(jsonb, jsonb), @extschema@.encrypted_jsonb_blind_hash_jsonb(jsonb) FROM PUBLIC;
CREATE FUNCTION @extschema@.encrypted_int4_eq_int2(@extschema@.encrypted_int4, smallint) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int4_eq_int2_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int4_ne_int2(@extschema@.encrypted_int4, smallint) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int4_ne_int2_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int4_rev_eq_int2(smallint, @extschema@.encrypted_int4) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int4_rev_eq_int2_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int4_rev_ne_int2(smallint, @extschema@.encrypted_int4) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int4_rev_ne_int2_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int4_cmp_int2(@extschema@.encrypted_int4, smallint) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int4_cmp_int2_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int4_rev_cmp_int2(smallint, @extschema@.encrypted_int4) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int4_rev_cmp_int2_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int4_blind_cmp_int2(smallint, smallint) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int4_blind_cmp_int2_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int4_blind_hash_int2(smallint) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int4_blind_hash_int2_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE OPERATOR pg_catalog.= (LEFTARG = @extschema@.encrypted_int4, RIGHTARG = smallint, FUNCTION = @extschema@.encrypted_int4_eq_int2,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = @extschema@.encrypted_int4, RIGHTARG = smallint, FUNCTION = @extschema@.encrypted_int4_ne_int2,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR pg_catalog.= (LEFTARG = smallint, RIGHTARG = @extschema@.encrypted_int4, FUNCTION = @extschema@.encrypted_int4_rev_eq_int2,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = smallint, RIGHTARG = @extschema@.encrypted_int4, FUNCTION = @extschema@.encrypted_int4_rev_ne_int2,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
ALTER OPERATOR FAMILY @extschema@.encrypted_int4_blind_ops USING btree ADD
  OPERATOR 3 pg_catalog.= (@extschema@.encrypted_int4, smallint), OPERATOR 3 pg_catalog.= (smallint, @extschema@.encrypted_int4),
  FUNCTION 1 (@extschema@.encrypted_int4, smallint) @extschema@.encrypted_int4_cmp_int2(@extschema@.encrypted_int4, smallint),
  FUNCTION 1 (smallint, @extschema@.encrypted_int4) @extschema@.encrypted_int4_rev_cmp_int2(smallint, @extschema@.encrypted_int4),
  FUNCTION 1 (smallint, smallint) @extschema@.encrypted_int4_blind_cmp_int2(smallint, smallint);
ALTER OPERATOR FAMILY @extschema@.encrypted_int4_blind_hash_ops USING hash ADD
  OPERATOR 1 pg_catalog.= (@extschema@.encrypted_int4, smallint), OPERATOR 1 pg_catalog.= (smallint, @extschema@.encrypted_int4),
  FUNCTION 1 (smallint) @extschema@.encrypted_int4_blind_hash_int2(smallint);
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_int4_blind_cmp_int2(smallint, smallint), @extschema@.encrypted_int4_blind_hash_int2(smallint) FROM PUBLIC;
CREATE FUNCTION @extschema@.encrypted_int4_eq_int4(@extschema@.encrypted_int4, integer) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int4_eq_int4_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int4_ne_int4(@extschema@.encrypted_int4, integer) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int4_ne_int4_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int4_rev_eq_int4(integer, @extschema@.encrypted_int4) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int4_rev_eq_int4_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int4_rev_ne_int4(integer, @extschema@.encrypted_int4) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int4_rev_ne_int4_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int4_cmp_int4(@extschema@.encrypted_int4, integer) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int4_cmp_int4_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int4_rev_cmp_int4(integer, @extschema@.encrypted_int4) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int4_rev_cmp_int4_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int4_blind_cmp_int4(integer, integer) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int4_blind_cmp_int4_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int4_blind_hash_int4(integer) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int4_blind_hash_int4_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE OPERATOR pg_catalog.= (LEFTARG = @extschema@.encrypted_int4, RIGHTARG = integer, FUNCTION = @extschema@.encrypted_int4_eq_int4,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = @extschema@.encrypted_int4, RIGHTARG = integer, FUNCTION = @extschema@.encrypted_int4_ne_int4,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR pg_catalog.= (LEFTARG = integer, RIGHTARG = @extschema@.encrypted_int4, FUNCTION = @extschema@.encrypted_int4_rev_eq_int4,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = integer, RIGHTARG = @extschema@.encrypted_int4, FUNCTION = @extschema@.encrypted_int4_rev_ne_int4,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
ALTER OPERATOR FAMILY @extschema@.encrypted_int4_blind_ops USING btree ADD
  OPERATOR 3 pg_catalog.= (@extschema@.encrypted_int4, integer), OPERATOR 3 pg_catalog.= (integer, @extschema@.encrypted_int4),
  FUNCTION 1 (@extschema@.encrypted_int4, integer) @extschema@.encrypted_int4_cmp_int4(@extschema@.encrypted_int4, integer),
  FUNCTION 1 (integer, @extschema@.encrypted_int4) @extschema@.encrypted_int4_rev_cmp_int4(integer, @extschema@.encrypted_int4),
  FUNCTION 1 (integer, integer) @extschema@.encrypted_int4_blind_cmp_int4(integer, integer);
ALTER OPERATOR FAMILY @extschema@.encrypted_int4_blind_hash_ops USING hash ADD
  OPERATOR 1 pg_catalog.= (@extschema@.encrypted_int4, integer), OPERATOR 1 pg_catalog.= (integer, @extschema@.encrypted_int4),
  FUNCTION 1 (integer) @extschema@.encrypted_int4_blind_hash_int4(integer);
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_int4_blind_cmp_int4(integer, integer), @extschema@.encrypted_int4_blind_hash_int4(integer) FROM PUBLIC;
CREATE FUNCTION @extschema@.encrypted_int4_eq_int8(@extschema@.encrypted_int4, bigint) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int4_eq_int8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int4_ne_int8(@extschema@.encrypted_int4, bigint) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int4_ne_int8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int4_rev_eq_int8(bigint, @extschema@.encrypted_int4) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int4_rev_eq_int8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int4_rev_ne_int8(bigint, @extschema@.encrypted_int4) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int4_rev_ne_int8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int4_cmp_int8(@extschema@.encrypted_int4, bigint) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int4_cmp_int8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int4_rev_cmp_int8(bigint, @extschema@.encrypted_int4) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int4_rev_cmp_int8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int4_blind_cmp_int8(bigint, bigint) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int4_blind_cmp_int8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int4_blind_hash_int8(bigint) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int4_blind_hash_int8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE OPERATOR pg_catalog.= (LEFTARG = @extschema@.encrypted_int4, RIGHTARG = bigint, FUNCTION = @extschema@.encrypted_int4_eq_int8,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = @extschema@.encrypted_int4, RIGHTARG = bigint, FUNCTION = @extschema@.encrypted_int4_ne_int8,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR pg_catalog.= (LEFTARG = bigint, RIGHTARG = @extschema@.encrypted_int4, FUNCTION = @extschema@.encrypted_int4_rev_eq_int8,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = bigint, RIGHTARG = @extschema@.encrypted_int4, FUNCTION = @extschema@.encrypted_int4_rev_ne_int8,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
ALTER OPERATOR FAMILY @extschema@.encrypted_int4_blind_ops USING btree ADD
  OPERATOR 3 pg_catalog.= (@extschema@.encrypted_int4, bigint), OPERATOR 3 pg_catalog.= (bigint, @extschema@.encrypted_int4),
  FUNCTION 1 (@extschema@.encrypted_int4, bigint) @extschema@.encrypted_int4_cmp_int8(@extschema@.encrypted_int4, bigint),
  FUNCTION 1 (bigint, @extschema@.encrypted_int4) @extschema@.encrypted_int4_rev_cmp_int8(bigint, @extschema@.encrypted_int4),
  FUNCTION 1 (bigint, bigint) @extschema@.encrypted_int4_blind_cmp_int8(bigint, bigint);
ALTER OPERATOR FAMILY @extschema@.encrypted_int4_blind_hash_ops USING hash ADD
  OPERATOR 1 pg_catalog.= (@extschema@.encrypted_int4, bigint), OPERATOR 1 pg_catalog.= (bigint, @extschema@.encrypted_int4),
  FUNCTION 1 (bigint) @extschema@.encrypted_int4_blind_hash_int8(bigint);
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_int4_blind_cmp_int8(bigint, bigint), @extschema@.encrypted_int4_blind_hash_int8(bigint) FROM PUBLIC;
CREATE FUNCTION @extschema@.encrypted_int8_eq_int2(@extschema@.encrypted_int8, smallint) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int8_eq_int2_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int8_ne_int2(@extschema@.encrypted_int8, smallint) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int8_ne_int2_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int8_rev_eq_int2(smallint, @extschema@.encrypted_int8) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int8_rev_eq_int2_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int8_rev_ne_int2(smallint, @extschema@.encrypted_int8) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int8_rev_ne_int2_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int8_cmp_int2(@extschema@.encrypted_int8, smallint) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int8_cmp_int2_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int8_rev_cmp_int2(smallint, @extschema@.encrypted_int8) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int8_rev_cmp_int2_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int8_blind_cmp_int2(smallint, smallint) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int8_blind_cmp_int2_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int8_blind_hash_int2(smallint) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int8_blind_hash_int2_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE OPERATOR pg_catalog.= (LEFTARG = @extschema@.encrypted_int8, RIGHTARG = smallint, FUNCTION = @extschema@.encrypted_int8_eq_int2,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = @extschema@.encrypted_int8, RIGHTARG = smallint, FUNCTION = @extschema@.encrypted_int8_ne_int2,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR pg_catalog.= (LEFTARG = smallint, RIGHTARG = @extschema@.encrypted_int8, FUNCTION = @extschema@.encrypted_int8_rev_eq_int2,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = smallint, RIGHTARG = @extschema@.encrypted_int8, FUNCTION = @extschema@.encrypted_int8_rev_ne_int2,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
ALTER OPERATOR FAMILY @extschema@.encrypted_int8_blind_ops USING btree ADD
  OPERATOR 3 pg_catalog.= (@extschema@.encrypted_int8, smallint), OPERATOR 3 pg_catalog.= (smallint, @extschema@.encrypted_int8),
  FUNCTION 1 (@extschema@.encrypted_int8, smallint) @extschema@.encrypted_int8_cmp_int2(@extschema@.encrypted_int8, smallint),
  FUNCTION 1 (smallint, @extschema@.encrypted_int8) @extschema@.encrypted_int8_rev_cmp_int2(smallint, @extschema@.encrypted_int8),
  FUNCTION 1 (smallint, smallint) @extschema@.encrypted_int8_blind_cmp_int2(smallint, smallint);
ALTER OPERATOR FAMILY @extschema@.encrypted_int8_blind_hash_ops USING hash ADD
  OPERATOR 1 pg_catalog.= (@extschema@.encrypted_int8, smallint), OPERATOR 1 pg_catalog.= (smallint, @extschema@.encrypted_int8),
  FUNCTION 1 (smallint) @extschema@.encrypted_int8_blind_hash_int2(smallint);
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_int8_blind_cmp_int2(smallint, smallint), @extschema@.encrypted_int8_blind_hash_int2(smallint) FROM PUBLIC;
CREATE FUNCTION @extschema@.encrypted_int8_eq_int4(@extschema@.encrypted_int8, integer) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int8_eq_int4_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int8_ne_int4(@extschema@.encrypted_int8, integer) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int8_ne_int4_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int8_rev_eq_int4(integer, @extschema@.encrypted_int8) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int8_rev_eq_int4_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int8_rev_ne_int4(integer, @extschema@.encrypted_int8) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int8_rev_ne_int4_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int8_cmp_int4(@extschema@.encrypted_int8, integer) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int8_cmp_int4_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int8_rev_cmp_int4(integer, @extschema@.encrypted_int8) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int8_rev_cmp_int4_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int8_blind_cmp_int4(integer, integer) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int8_blind_cmp_int4_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int8_blind_hash_int4(integer) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int8_blind_hash_int4_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE OPERATOR pg_catalog.= (LEFTARG = @extschema@.encrypted_int8, RIGHTARG = integer, FUNCTION = @extschema@.encrypted_int8_eq_int4,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = @extschema@.encrypted_int8, RIGHTARG = integer, FUNCTION = @extschema@.encrypted_int8_ne_int4,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR pg_catalog.= (LEFTARG = integer, RIGHTARG = @extschema@.encrypted_int8, FUNCTION = @extschema@.encrypted_int8_rev_eq_int4,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = integer, RIGHTARG = @extschema@.encrypted_int8, FUNCTION = @extschema@.encrypted_int8_rev_ne_int4,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
ALTER OPERATOR FAMILY @extschema@.encrypted_int8_blind_ops USING btree ADD
  OPERATOR 3 pg_catalog.= (@extschema@.encrypted_int8, integer), OPERATOR 3 pg_catalog.= (integer, @extschema@.encrypted_int8),
  FUNCTION 1 (@extschema@.encrypted_int8, integer) @extschema@.encrypted_int8_cmp_int4(@extschema@.encrypted_int8, integer),
  FUNCTION 1 (integer, @extschema@.encrypted_int8) @extschema@.encrypted_int8_rev_cmp_int4(integer, @extschema@.encrypted_int8),
  FUNCTION 1 (integer, integer) @extschema@.encrypted_int8_blind_cmp_int4(integer, integer);
ALTER OPERATOR FAMILY @extschema@.encrypted_int8_blind_hash_ops USING hash ADD
  OPERATOR 1 pg_catalog.= (@extschema@.encrypted_int8, integer), OPERATOR 1 pg_catalog.= (integer, @extschema@.encrypted_int8),
  FUNCTION 1 (integer) @extschema@.encrypted_int8_blind_hash_int4(integer);
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_int8_blind_cmp_int4(integer, integer), @extschema@.encrypted_int8_blind_hash_int4(integer) FROM PUBLIC;
CREATE FUNCTION @extschema@.encrypted_int8_eq_int8(@extschema@.encrypted_int8, bigint) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int8_eq_int8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int8_ne_int8(@extschema@.encrypted_int8, bigint) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int8_ne_int8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int8_rev_eq_int8(bigint, @extschema@.encrypted_int8) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int8_rev_eq_int8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int8_rev_ne_int8(bigint, @extschema@.encrypted_int8) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int8_rev_ne_int8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int8_cmp_int8(@extschema@.encrypted_int8, bigint) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int8_cmp_int8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int8_rev_cmp_int8(bigint, @extschema@.encrypted_int8) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int8_rev_cmp_int8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int8_blind_cmp_int8(bigint, bigint) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int8_blind_cmp_int8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int8_blind_hash_int8(bigint) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int8_blind_hash_int8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE OPERATOR pg_catalog.= (LEFTARG = @extschema@.encrypted_int8, RIGHTARG = bigint, FUNCTION = @extschema@.encrypted_int8_eq_int8,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = @extschema@.encrypted_int8, RIGHTARG = bigint, FUNCTION = @extschema@.encrypted_int8_ne_int8,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR pg_catalog.= (LEFTARG = bigint, RIGHTARG = @extschema@.encrypted_int8, FUNCTION = @extschema@.encrypted_int8_rev_eq_int8,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = bigint, RIGHTARG = @extschema@.encrypted_int8, FUNCTION = @extschema@.encrypted_int8_rev_ne_int8,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
ALTER OPERATOR FAMILY @extschema@.encrypted_int8_blind_ops USING btree ADD
  OPERATOR 3 pg_catalog.= (@extschema@.encrypted_int8, bigint), OPERATOR 3 pg_catalog.= (bigint, @extschema@.encrypted_int8),
  FUNCTION 1 (@extschema@.encrypted_int8, bigint) @extschema@.encrypted_int8_cmp_int8(@extschema@.encrypted_int8, bigint),
  FUNCTION 1 (bigint, @extschema@.encrypted_int8) @extschema@.encrypted_int8_rev_cmp_int8(bigint, @extschema@.encrypted_int8),
  FUNCTION 1 (bigint, bigint) @extschema@.encrypted_int8_blind_cmp_int8(bigint, bigint);
ALTER OPERATOR FAMILY @extschema@.encrypted_int8_blind_hash_ops USING hash ADD
  OPERATOR 1 pg_catalog.= (@extschema@.encrypted_int8, bigint), OPERATOR 1 pg_catalog.= (bigint, @extschema@.encrypted_int8),
  FUNCTION 1 (bigint) @extschema@.encrypted_int8_blind_hash_int8(bigint);
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_int8_blind_cmp_int8(bigint, bigint), @extschema@.encrypted_int8_blind_hash_int8(bigint) FROM PUBLIC;
CREATE FUNCTION @extschema@.encrypted_numeric_eq_int2(@extschema@.encrypted_numeric, smallint) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_numeric_eq_int2_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_numeric_ne_int2(@extschema@.encrypted_numeric, smallint) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_numeric_ne_int2_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_numeric_rev_eq_int2(smallint, @extschema@.encrypted_numeric) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_numeric_rev_eq_int2_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_numeric_rev_ne_int2(smallint, @extschema@.encrypted_numeric) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_numeric_rev_ne_int2_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_numeric_cmp_int2(@extschema@.encrypted_numeric, smallint) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_numeric_cmp_int2_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_numeric_rev_cmp_int2(smallint, @extschema@.encrypted_numeric) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_numeric_rev_cmp_int2_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_numeric_blind_cmp_int2(smallint, smallint) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_numeric_blind_cmp_int2_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_numeric_blind_hash_int2(smallint) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_numeric_blind_hash_int2_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE OPERATOR pg_catalog.= (LEFTARG = @extschema@.encrypted_numeric, RIGHTARG = smallint, FUNCTION = @extschema@.encrypted_numeric_eq_int2,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = @extschema@.encrypted_numeric, RIGHTARG = smallint, FUNCTION = @extschema@.encrypted_numeric_ne_int2,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR pg_catalog.= (LEFTARG = smallint, RIGHTARG = @extschema@.encrypted_numeric, FUNCTION = @extschema@.encrypted_numeric_rev_eq_int2,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = smallint, RIGHTARG = @extschema@.encrypted_numeric, FUNCTION = @extschema@.encrypted_numeric_rev_ne_int2,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
ALTER OPERATOR FAMILY @extschema@.encrypted_numeric_blind_ops USING btree ADD
  OPERATOR 3 pg_catalog.= (@extschema@.encrypted_numeric, smallint), OPERATOR 3 pg_catalog.= (smallint, @extschema@.encrypted_numeric),
  FUNCTION 1 (@extschema@.encrypted_numeric, smallint) @extschema@.encrypted_numeric_cmp_int2(@extschema@.encrypted_numeric, smallint),
  FUNCTION 1 (smallint, @extschema@.encrypted_numeric) @extschema@.encrypted_numeric_rev_cmp_int2(smallint, @extschema@.encrypted_numeric),
  FUNCTION 1 (smallint, smallint) @extschema@.encrypted_numeric_blind_cmp_int2(smallint, smallint);
ALTER OPERATOR FAMILY @extschema@.encrypted_numeric_blind_hash_ops USING hash ADD
  OPERATOR 1 pg_catalog.= (@extschema@.encrypted_numeric, smallint), OPERATOR 1 pg_catalog.= (smallint, @extschema@.encrypted_numeric),
  FUNCTION 1 (smallint) @extschema@.encrypted_numeric_blind_hash_int2(smallint);
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_numeric_blind_cmp_int2(smallint, smallint), @extschema@.encrypted_numeric_blind_hash_int2(smallint) FROM PUBLIC;
CREATE FUNCTION @extschema@.encrypted_numeric_eq_int4(@extschema@.encrypted_numeric, integer) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_numeric_eq_int4_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_numeric_ne_int4(@extschema@.encrypted_numeric, integer) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_numeric_ne_int4_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_numeric_rev_eq_int4(integer, @extschema@.encrypted_numeric) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_numeric_rev_eq_int4_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_numeric_rev_ne_int4(integer, @extschema@.encrypted_numeric) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_numeric_rev_ne_int4_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_numeric_cmp_int4(@extschema@.encrypted_numeric, integer) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_numeric_cmp_int4_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_numeric_rev_cmp_int4(integer, @extschema@.encrypted_numeric) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_numeric_rev_cmp_int4_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_numeric_blind_cmp_int4(integer, integer) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_numeric_blind_cmp_int4_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_numeric_blind_hash_int4(integer) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_numeric_blind_hash_int4_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE OPERATOR pg_catalog.= (LEFTARG = @extschema@.encrypted_numeric, RIGHTARG = integer, FUNCTION = @extschema@.encrypted_numeric_eq_int4,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = @extschema@.encrypted_numeric, RIGHTARG = integer, FUNCTION = @extschema@.encrypted_numeric_ne_int4,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR pg_catalog.= (LEFTARG = integer, RIGHTARG = @extschema@.encrypted_numeric, FUNCTION = @extschema@.encrypted_numeric_rev_eq_int4,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = integer, RIGHTARG = @extschema@.encrypted_numeric, FUNCTION = @extschema@.encrypted_numeric_rev_ne_int4,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
ALTER OPERATOR FAMILY @extschema@.encrypted_numeric_blind_ops USING btree ADD
  OPERATOR 3 pg_catalog.= (@extschema@.encrypted_numeric, integer), OPERATOR 3 pg_catalog.= (integer, @extschema@.encrypted_numeric),
  FUNCTION 1 (@extschema@.encrypted_numeric, integer) @extschema@.encrypted_numeric_cmp_int4(@extschema@.encrypted_numeric, integer),
  FUNCTION 1 (integer, @extschema@.encrypted_numeric) @extschema@.encrypted_numeric_rev_cmp_int4(integer, @extschema@.encrypted_numeric),
  FUNCTION 1 (integer, integer) @extschema@.encrypted_numeric_blind_cmp_int4(integer, integer);
ALTER OPERATOR FAMILY @extschema@.encrypted_numeric_blind_hash_ops USING hash ADD
  OPERATOR 1 pg_catalog.= (@extschema@.encrypted_numeric, integer), OPERATOR 1 pg_catalog.= (integer, @extschema@.encrypted_numeric),
  FUNCTION 1 (integer) @extschema@.encrypted_numeric_blind_hash_int4(integer);
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_numeric_blind_cmp_int4(integer, integer), @extschema@.encrypted_numeric_blind_hash_int4(integer) FROM PUBLIC;
CREATE FUNCTION @extschema@.encrypted_numeric_eq_int8(@extschema@.encrypted_numeric, bigint) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_numeric_eq_int8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_numeric_ne_int8(@extschema@.encrypted_numeric, bigint) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_numeric_ne_int8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_numeric_rev_eq_int8(bigint, @extschema@.encrypted_numeric) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_numeric_rev_eq_int8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_numeric_rev_ne_int8(bigint, @extschema@.encrypted_numeric) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_numeric_rev_ne_int8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_numeric_cmp_int8(@extschema@.encrypted_numeric, bigint) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_numeric_cmp_int8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_numeric_rev_cmp_int8(bigint, @extschema@.encrypted_numeric) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_numeric_rev_cmp_int8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_numeric_blind_cmp_int8(bigint, bigint) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_numeric_blind_cmp_int8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_numeric_blind_hash_int8(bigint) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_numeric_blind_hash_int8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE OPERATOR pg_catalog.= (LEFTARG = @extschema@.encrypted_numeric, RIGHTARG = bigint, FUNCTION = @extschema@.encrypted_numeric_eq_int8,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = @extschema@.encrypted_numeric, RIGHTARG = bigint, FUNCTION = @extschema@.encrypted_numeric_ne_int8,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR pg_catalog.= (LEFTARG = bigint, RIGHTARG = @extschema@.encrypted_numeric, FUNCTION = @extschema@.encrypted_numeric_rev_eq_int8,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = bigint, RIGHTARG = @extschema@.encrypted_numeric, FUNCTION = @extschema@.encrypted_numeric_rev_ne_int8,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
ALTER OPERATOR FAMILY @extschema@.encrypted_numeric_blind_ops USING btree ADD
  OPERATOR 3 pg_catalog.= (@extschema@.encrypted_numeric, bigint), OPERATOR 3 pg_catalog.= (bigint, @extschema@.encrypted_numeric),
  FUNCTION 1 (@extschema@.encrypted_numeric, bigint) @extschema@.encrypted_numeric_cmp_int8(@extschema@.encrypted_numeric, bigint),
  FUNCTION 1 (bigint, @extschema@.encrypted_numeric) @extschema@.encrypted_numeric_rev_cmp_int8(bigint, @extschema@.encrypted_numeric),
  FUNCTION 1 (bigint, bigint) @extschema@.encrypted_numeric_blind_cmp_int8(bigint, bigint);
ALTER OPERATOR FAMILY @extschema@.encrypted_numeric_blind_hash_ops USING hash ADD
  OPERATOR 1 pg_catalog.= (@extschema@.encrypted_numeric, bigint), OPERATOR 1 pg_catalog.= (bigint, @extschema@.encrypted_numeric),
  FUNCTION 1 (bigint) @extschema@.encrypted_numeric_blind_hash_int8(bigint);
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_numeric_blind_cmp_int8(bigint, bigint), @extschema@.encrypted_numeric_blind_hash_int8(bigint) FROM PUBLIC;
CREATE FUNCTION @extschema@.encrypted_numeric_eq_numeric(@extschema@.encrypted_numeric, numeric) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_numeric_eq_numeric_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_numeric_ne_numeric(@extschema@.encrypted_numeric, numeric) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_numeric_ne_numeric_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_numeric_rev_eq_numeric(numeric, @extschema@.encrypted_numeric) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_numeric_rev_eq_numeric_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_numeric_rev_ne_numeric(numeric, @extschema@.encrypted_numeric) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_numeric_rev_ne_numeric_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_numeric_cmp_numeric(@extschema@.encrypted_numeric, numeric) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_numeric_cmp_numeric_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_numeric_rev_cmp_numeric(numeric, @extschema@.encrypted_numeric) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_numeric_rev_cmp_numeric_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_numeric_blind_cmp_numeric(numeric, numeric) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_numeric_blind_cmp_numeric_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_numeric_blind_hash_numeric(numeric) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_numeric_blind_hash_numeric_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE OPERATOR pg_catalog.= (LEFTARG = @extschema@.encrypted_numeric, RIGHTARG = numeric, FUNCTION = @extschema@.encrypted_numeric_eq_numeric,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = @extschema@.encrypted_numeric, RIGHTARG = numeric, FUNCTION = @extschema@.encrypted_numeric_ne_numeric,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR pg_catalog.= (LEFTARG = numeric, RIGHTARG = @extschema@.encrypted_numeric, FUNCTION = @extschema@.encrypted_numeric_rev_eq_numeric,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = numeric, RIGHTARG = @extschema@.encrypted_numeric, FUNCTION = @extschema@.encrypted_numeric_rev_ne_numeric,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
ALTER OPERATOR FAMILY @extschema@.encrypted_numeric_blind_ops USING btree ADD
  OPERATOR 3 pg_catalog.= (@extschema@.encrypted_numeric, numeric), OPERATOR 3 pg_catalog.= (numeric, @extschema@.encrypted_numeric),
  FUNCTION 1 (@extschema@.encrypted_numeric, numeric) @extschema@.encrypted_numeric_cmp_numeric(@extschema@.encrypted_numeric, numeric),
  FUNCTION 1 (numeric, @extschema@.encrypted_numeric) @extschema@.encrypted_numeric_rev_cmp_numeric(numeric, @extschema@.encrypted_numeric),
  FUNCTION 1 (numeric, numeric) @extschema@.encrypted_numeric_blind_cmp_numeric(numeric, numeric);
ALTER OPERATOR FAMILY @extschema@.encrypted_numeric_blind_hash_ops USING hash ADD
  OPERATOR 1 pg_catalog.= (@extschema@.encrypted_numeric, numeric), OPERATOR 1 pg_catalog.= (numeric, @extschema@.encrypted_numeric),
  FUNCTION 1 (numeric) @extschema@.encrypted_numeric_blind_hash_numeric(numeric);
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_numeric_blind_cmp_numeric(numeric, numeric), @extschema@.encrypted_numeric_blind_hash_numeric(numeric) FROM PUBLIC;
CREATE FUNCTION @extschema@.encrypted_float8_eq_float4(@extschema@.encrypted_float8, real) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_float8_eq_float4_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_float8_ne_float4(@extschema@.encrypted_float8, real) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_float8_ne_float4_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_float8_rev_eq_float4(real, @extschema@.encrypted_float8) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_float8_rev_eq_float4_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_float8_rev_ne_float4(real, @extschema@.encrypted_float8) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_float8_rev_ne_float4_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_float8_cmp_float4(@extschema@.encrypted_float8, real) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_float8_cmp_float4_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_float8_rev_cmp_float4(real, @extschema@.encrypted_float8) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_float8_rev_cmp_float4_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_float8_blind_cmp_float4(real, real) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_float8_blind_cmp_float4_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_float8_blind_hash_float4(real) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_float8_blind_hash_float4_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE OPERATOR pg_catalog.= (LEFTARG = @extschema@.encrypted_float8, RIGHTARG = real, FUNCTION = @extschema@.encrypted_float8_eq_float4,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = @extschema@.encrypted_float8, RIGHTARG = real, FUNCTION = @extschema@.encrypted_float8_ne_float4,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR pg_catalog.= (LEFTARG = real, RIGHTARG = @extschema@.encrypted_float8, FUNCTION = @extschema@.encrypted_float8_rev_eq_float4,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = real, RIGHTARG = @extschema@.encrypted_float8, FUNCTION = @extschema@.encrypted_float8_rev_ne_float4,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
ALTER OPERATOR FAMILY @extschema@.encrypted_float8_blind_ops USING btree ADD
  OPERATOR 3 pg_catalog.= (@extschema@.encrypted_float8, real), OPERATOR 3 pg_catalog.= (real, @extschema@.encrypted_float8),
  FUNCTION 1 (@extschema@.encrypted_float8, real) @extschema@.encrypted_float8_cmp_float4(@extschema@.encrypted_float8, real),
  FUNCTION 1 (real, @extschema@.encrypted_float8) @extschema@.encrypted_float8_rev_cmp_float4(real, @extschema@.encrypted_float8),
  FUNCTION 1 (real, real) @extschema@.encrypted_float8_blind_cmp_float4(real, real);
ALTER OPERATOR FAMILY @extschema@.encrypted_float8_blind_hash_ops USING hash ADD
  OPERATOR 1 pg_catalog.= (@extschema@.encrypted_float8, real), OPERATOR 1 pg_catalog.= (real, @extschema@.encrypted_float8),
  FUNCTION 1 (real) @extschema@.encrypted_float8_blind_hash_float4(real);
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_float8_blind_cmp_float4(real, real), @extschema@.encrypted_float8_blind_hash_float4(real) FROM PUBLIC;
CREATE FUNCTION @extschema@.encrypted_float8_eq_float8(@extschema@.encrypted_float8, double precision) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_float8_eq_float8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_float8_ne_float8(@extschema@.encrypted_float8, double precision) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_float8_ne_float8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_float8_rev_eq_float8(double precision, @extschema@.encrypted_float8) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_float8_rev_eq_float8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_float8_rev_ne_float8(double precision, @extschema@.encrypted_float8) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_float8_rev_ne_float8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_float8_cmp_float8(@extschema@.encrypted_float8, double precision) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_float8_cmp_float8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_float8_rev_cmp_float8(double precision, @extschema@.encrypted_float8) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_float8_rev_cmp_float8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_float8_blind_cmp_float8(double precision, double precision) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_float8_blind_cmp_float8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_float8_blind_hash_float8(double precision) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_float8_blind_hash_float8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE OPERATOR pg_catalog.= (LEFTARG = @extschema@.encrypted_float8, RIGHTARG = double precision, FUNCTION = @extschema@.encrypted_float8_eq_float8,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = @extschema@.encrypted_float8, RIGHTARG = double precision, FUNCTION = @extschema@.encrypted_float8_ne_float8,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR pg_catalog.= (LEFTARG = double precision, RIGHTARG = @extschema@.encrypted_float8, FUNCTION = @extschema@.encrypted_float8_rev_eq_float8,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = double precision, RIGHTARG = @extschema@.encrypted_float8, FUNCTION = @extschema@.encrypted_float8_rev_ne_float8,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
ALTER OPERATOR FAMILY @extschema@.encrypted_float8_blind_ops USING btree ADD
  OPERATOR 3 pg_catalog.= (@extschema@.encrypted_float8, double precision), OPERATOR 3 pg_catalog.= (double precision, @extschema@.encrypted_float8),
  FUNCTION 1 (@extschema@.encrypted_float8, double precision) @extschema@.encrypted_float8_cmp_float8(@extschema@.encrypted_float8, double precision),
  FUNCTION 1 (double precision, @extschema@.encrypted_float8) @extschema@.encrypted_float8_rev_cmp_float8(double precision, @extschema@.encrypted_float8),
  FUNCTION 1 (double precision, double precision) @extschema@.encrypted_float8_blind_cmp_float8(double precision, double precision);
ALTER OPERATOR FAMILY @extschema@.encrypted_float8_blind_hash_ops USING hash ADD
  OPERATOR 1 pg_catalog.= (@extschema@.encrypted_float8, double precision), OPERATOR 1 pg_catalog.= (double precision, @extschema@.encrypted_float8),
  FUNCTION 1 (double precision) @extschema@.encrypted_float8_blind_hash_float8(double precision);
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_float8_blind_cmp_float8(double precision, double precision), @extschema@.encrypted_float8_blind_hash_float8(double precision) FROM PUBLIC;
CREATE FUNCTION @extschema@.encrypted_bool_eq_bool(@extschema@.encrypted_bool, boolean) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_bool_eq_bool_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_bool_ne_bool(@extschema@.encrypted_bool, boolean) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_bool_ne_bool_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_bool_rev_eq_bool(boolean, @extschema@.encrypted_bool) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_bool_rev_eq_bool_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_bool_rev_ne_bool(boolean, @extschema@.encrypted_bool) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_bool_rev_ne_bool_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_bool_cmp_bool(@extschema@.encrypted_bool, boolean) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_bool_cmp_bool_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_bool_rev_cmp_bool(boolean, @extschema@.encrypted_bool) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_bool_rev_cmp_bool_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_bool_blind_cmp_bool(boolean, boolean) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_bool_blind_cmp_bool_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_bool_blind_hash_bool(boolean) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_bool_blind_hash_bool_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE OPERATOR pg_catalog.= (LEFTARG = @extschema@.encrypted_bool, RIGHTARG = boolean, FUNCTION = @extschema@.encrypted_bool_eq_bool,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = @extschema@.encrypted_bool, RIGHTARG = boolean, FUNCTION = @extschema@.encrypted_bool_ne_bool,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR pg_catalog.= (LEFTARG = boolean, RIGHTARG = @extschema@.encrypted_bool, FUNCTION = @extschema@.encrypted_bool_rev_eq_bool,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = boolean, RIGHTARG = @extschema@.encrypted_bool, FUNCTION = @extschema@.encrypted_bool_rev_ne_bool,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
ALTER OPERATOR FAMILY @extschema@.encrypted_bool_blind_ops USING btree ADD
  OPERATOR 3 pg_catalog.= (@extschema@.encrypted_bool, boolean), OPERATOR 3 pg_catalog.= (boolean, @extschema@.encrypted_bool),
  FUNCTION 1 (@extschema@.encrypted_bool, boolean) @extschema@.encrypted_bool_cmp_bool(@extschema@.encrypted_bool, boolean),
  FUNCTION 1 (boolean, @extschema@.encrypted_bool) @extschema@.encrypted_bool_rev_cmp_bool(boolean, @extschema@.encrypted_bool),
  FUNCTION 1 (boolean, boolean) @extschema@.encrypted_bool_blind_cmp_bool(boolean, boolean);
ALTER OPERATOR FAMILY @extschema@.encrypted_bool_blind_hash_ops USING hash ADD
  OPERATOR 1 pg_catalog.= (@extschema@.encrypted_bool, boolean), OPERATOR 1 pg_catalog.= (boolean, @extschema@.encrypted_bool),
  FUNCTION 1 (boolean) @extschema@.encrypted_bool_blind_hash_bool(boolean);
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_bool_blind_cmp_bool(boolean, boolean), @extschema@.encrypted_bool_blind_hash_bool(boolean) FROM PUBLIC;
CREATE FUNCTION @extschema@.encrypted_date_eq_date(@extschema@.encrypted_date, date) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_date_eq_date_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_date_ne_date(@extschema@.encrypted_date, date) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_date_ne_date_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_date_rev_eq_date(date, @extschema@.encrypted_date) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_date_rev_eq_date_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_date_rev_ne_date(date, @extschema@.encrypted_date) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_date_rev_ne_date_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_date_cmp_date(@extschema@.encrypted_date, date) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_date_cmp_date_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_date_rev_cmp_date(date, @extschema@.encrypted_date) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_date_rev_cmp_date_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_date_blind_cmp_date(date, date) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_date_blind_cmp_date_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_date_blind_hash_date(date) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_date_blind_hash_date_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE OPERATOR pg_catalog.= (LEFTARG = @extschema@.encrypted_date, RIGHTARG = date, FUNCTION = @extschema@.encrypted_date_eq_date,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = @extschema@.encrypted_date, RIGHTARG = date, FUNCTION = @extschema@.encrypted_date_ne_date,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR pg_catalog.= (LEFTARG = date, RIGHTARG = @extschema@.encrypted_date, FUNCTION = @extschema@.encrypted_date_rev_eq_date,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = date, RIGHTARG = @extschema@.encrypted_date, FUNCTION = @extschema@.encrypted_date_rev_ne_date,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
ALTER OPERATOR FAMILY @extschema@.encrypted_date_blind_ops USING btree ADD
  OPERATOR 3 pg_catalog.= (@extschema@.encrypted_date, date), OPERATOR 3 pg_catalog.= (date, @extschema@.encrypted_date),
  FUNCTION 1 (@extschema@.encrypted_date, date) @extschema@.encrypted_date_cmp_date(@extschema@.encrypted_date, date),
  FUNCTION 1 (date, @extschema@.encrypted_date) @extschema@.encrypted_date_rev_cmp_date(date, @extschema@.encrypted_date),
  FUNCTION 1 (date, date) @extschema@.encrypted_date_blind_cmp_date(date, date);
ALTER OPERATOR FAMILY @extschema@.encrypted_date_blind_hash_ops USING hash ADD
  OPERATOR 1 pg_catalog.= (@extschema@.encrypted_date, date), OPERATOR 1 pg_catalog.= (date, @extschema@.encrypted_date),
  FUNCTION 1 (date) @extschema@.encrypted_date_blind_hash_date(date);
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_date_blind_cmp_date(date, date), @extschema@.encrypted_date_blind_hash_date(date) FROM PUBLIC;
CREATE FUNCTION @extschema@.encrypted_timestamptz_eq_timestamptz(@extschema@.encrypted_timestamptz, timestamp with time zone) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_timestamptz_eq_timestamptz_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_timestamptz_ne_timestamptz(@extschema@.encrypted_timestamptz, timestamp with time zone) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_timestamptz_ne_timestamptz_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_timestamptz_rev_eq_timestamptz(timestamp with time zone, @extschema@.encrypted_timestamptz) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_timestamptz_rev_eq_timestamptz_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_timestamptz_rev_ne_timestamptz(timestamp with time zone, @extschema@.encrypted_timestamptz) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_timestamptz_rev_ne_timestamptz_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_timestamptz_cmp_timestamptz(@extschema@.encrypted_timestamptz, timestamp with time zone) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_timestamptz_cmp_timestamptz_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_timestamptz_rev_cmp_timestamptz(timestamp with time zone, @extschema@.encrypted_timestamptz) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_timestamptz_rev_cmp_timestamptz_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_timestamptz_blind_cmp_timestamptz(timestamp with time zone, timestamp with time zone) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_timestamptz_blind_cmp_timestamptz_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_timestamptz_blind_hash_timestamptz(timestamp with time zone) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_timestamptz_blind_hash_timestamptz_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE OPERATOR pg_catalog.= (LEFTARG = @extschema@.encrypted_timestamptz, RIGHTARG = timestamp with time zone, FUNCTION = @extschema@.encrypted_timestamptz_eq_timestamptz,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = @extschema@.encrypted_timestamptz, RIGHTARG = timestamp with time zone, FUNCTION = @extschema@.encrypted_timestamptz_ne_timestamptz,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR pg_catalog.= (LEFTARG = timestamp with time zone, RIGHTARG = @extschema@.encrypted_timestamptz, FUNCTION = @extschema@.encrypted_timestamptz_rev_eq_timestamptz,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = timestamp with time zone, RIGHTARG = @extschema@.encrypted_timestamptz, FUNCTION = @extschema@.encrypted_timestamptz_rev_ne_timestamptz,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
ALTER OPERATOR FAMILY @extschema@.encrypted_timestamptz_blind_ops USING btree ADD
  OPERATOR 3 pg_catalog.= (@extschema@.encrypted_timestamptz, timestamp with time zone), OPERATOR 3 pg_catalog.= (timestamp with time zone, @extschema@.encrypted_timestamptz),
  FUNCTION 1 (@extschema@.encrypted_timestamptz, timestamp with time zone) @extschema@.encrypted_timestamptz_cmp_timestamptz(@extschema@.encrypted_timestamptz, timestamp with time zone),
  FUNCTION 1 (timestamp with time zone, @extschema@.encrypted_timestamptz) @extschema@.encrypted_timestamptz_rev_cmp_timestamptz(timestamp with time zone, @extschema@.encrypted_timestamptz),
  FUNCTION 1 (timestamp with time zone, timestamp with time zone) @extschema@.encrypted_timestamptz_blind_cmp_timestamptz(timestamp with time zone, timestamp with time zone);
ALTER OPERATOR FAMILY @extschema@.encrypted_timestamptz_blind_hash_ops USING hash ADD
  OPERATOR 1 pg_catalog.= (@extschema@.encrypted_timestamptz, timestamp with time zone), OPERATOR 1 pg_catalog.= (timestamp with time zone, @extschema@.encrypted_timestamptz),
  FUNCTION 1 (timestamp with time zone) @extschema@.encrypted_timestamptz_blind_hash_timestamptz(timestamp with time zone);
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_timestamptz_blind_cmp_timestamptz(timestamp with time zone, timestamp with time zone), @extschema@.encrypted_timestamptz_blind_hash_timestamptz(timestamp with time zone) FROM PUBLIC;
-- Equality with the parameter types pgJDBC's setBigDecimal, Python floats and timestamps send
-- (new in 0.2.0 after the driver review, as the pairs above).
CREATE FUNCTION @extschema@.encrypted_int4_eq_numeric(@extschema@.encrypted_int4, numeric) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int4_eq_numeric_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int4_ne_numeric(@extschema@.encrypted_int4, numeric) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int4_ne_numeric_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int4_rev_eq_numeric(numeric, @extschema@.encrypted_int4) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int4_rev_eq_numeric_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int4_rev_ne_numeric(numeric, @extschema@.encrypted_int4) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int4_rev_ne_numeric_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int4_cmp_numeric(@extschema@.encrypted_int4, numeric) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int4_cmp_numeric_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int4_rev_cmp_numeric(numeric, @extschema@.encrypted_int4) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int4_rev_cmp_numeric_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int4_blind_cmp_numeric(numeric, numeric) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int4_blind_cmp_numeric_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int4_blind_hash_numeric(numeric) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int4_blind_hash_numeric_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE OPERATOR pg_catalog.= (LEFTARG = @extschema@.encrypted_int4, RIGHTARG = numeric, FUNCTION = @extschema@.encrypted_int4_eq_numeric,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = @extschema@.encrypted_int4, RIGHTARG = numeric, FUNCTION = @extschema@.encrypted_int4_ne_numeric,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR pg_catalog.= (LEFTARG = numeric, RIGHTARG = @extschema@.encrypted_int4, FUNCTION = @extschema@.encrypted_int4_rev_eq_numeric,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = numeric, RIGHTARG = @extschema@.encrypted_int4, FUNCTION = @extschema@.encrypted_int4_rev_ne_numeric,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
-- (numeric, numeric) has no operator here, only the comparison btree needs to sort the elements
-- of = ANY(array) parameters.
ALTER OPERATOR FAMILY @extschema@.encrypted_int4_blind_ops USING btree ADD
  OPERATOR 3 pg_catalog.= (@extschema@.encrypted_int4, numeric), OPERATOR 3 pg_catalog.= (numeric, @extschema@.encrypted_int4),
  FUNCTION 1 (@extschema@.encrypted_int4, numeric) @extschema@.encrypted_int4_cmp_numeric(@extschema@.encrypted_int4, numeric),
  FUNCTION 1 (numeric, @extschema@.encrypted_int4) @extschema@.encrypted_int4_rev_cmp_numeric(numeric, @extschema@.encrypted_int4),
  FUNCTION 1 (numeric, numeric) @extschema@.encrypted_int4_blind_cmp_numeric(numeric, numeric);
ALTER OPERATOR FAMILY @extschema@.encrypted_int4_blind_hash_ops USING hash ADD
  OPERATOR 1 pg_catalog.= (@extschema@.encrypted_int4, numeric), OPERATOR 1 pg_catalog.= (numeric, @extschema@.encrypted_int4),
  OPERATOR 1 @extschema@.=#= (numeric, numeric),
  FUNCTION 1 (numeric) @extschema@.encrypted_int4_blind_hash_numeric(numeric);
-- Called directly, these two give a value's blind index (order and hash) with no right to any key:
-- an offline guessing aid against the indexes in dumps and files. Index scans and hash joins call
-- them without an EXECUTE check, so nobody else needs to.
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_int4_blind_cmp_numeric(numeric, numeric), @extschema@.encrypted_int4_blind_hash_numeric(numeric) FROM PUBLIC;
CREATE FUNCTION @extschema@.encrypted_int8_eq_numeric(@extschema@.encrypted_int8, numeric) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int8_eq_numeric_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int8_ne_numeric(@extschema@.encrypted_int8, numeric) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int8_ne_numeric_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int8_rev_eq_numeric(numeric, @extschema@.encrypted_int8) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int8_rev_eq_numeric_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int8_rev_ne_numeric(numeric, @extschema@.encrypted_int8) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int8_rev_ne_numeric_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int8_cmp_numeric(@extschema@.encrypted_int8, numeric) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int8_cmp_numeric_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int8_rev_cmp_numeric(numeric, @extschema@.encrypted_int8) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int8_rev_cmp_numeric_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int8_blind_cmp_numeric(numeric, numeric) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int8_blind_cmp_numeric_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int8_blind_hash_numeric(numeric) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int8_blind_hash_numeric_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE OPERATOR pg_catalog.= (LEFTARG = @extschema@.encrypted_int8, RIGHTARG = numeric, FUNCTION = @extschema@.encrypted_int8_eq_numeric,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = @extschema@.encrypted_int8, RIGHTARG = numeric, FUNCTION = @extschema@.encrypted_int8_ne_numeric,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR pg_catalog.= (LEFTARG = numeric, RIGHTARG = @extschema@.encrypted_int8, FUNCTION = @extschema@.encrypted_int8_rev_eq_numeric,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = numeric, RIGHTARG = @extschema@.encrypted_int8, FUNCTION = @extschema@.encrypted_int8_rev_ne_numeric,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
-- (numeric, numeric) has no operator here, only the comparison btree needs to sort the elements
-- of = ANY(array) parameters.
ALTER OPERATOR FAMILY @extschema@.encrypted_int8_blind_ops USING btree ADD
  OPERATOR 3 pg_catalog.= (@extschema@.encrypted_int8, numeric), OPERATOR 3 pg_catalog.= (numeric, @extschema@.encrypted_int8),
  FUNCTION 1 (@extschema@.encrypted_int8, numeric) @extschema@.encrypted_int8_cmp_numeric(@extschema@.encrypted_int8, numeric),
  FUNCTION 1 (numeric, @extschema@.encrypted_int8) @extschema@.encrypted_int8_rev_cmp_numeric(numeric, @extschema@.encrypted_int8),
  FUNCTION 1 (numeric, numeric) @extschema@.encrypted_int8_blind_cmp_numeric(numeric, numeric);
ALTER OPERATOR FAMILY @extschema@.encrypted_int8_blind_hash_ops USING hash ADD
  OPERATOR 1 pg_catalog.= (@extschema@.encrypted_int8, numeric), OPERATOR 1 pg_catalog.= (numeric, @extschema@.encrypted_int8),
  OPERATOR 1 @extschema@.=#= (numeric, numeric),
  FUNCTION 1 (numeric) @extschema@.encrypted_int8_blind_hash_numeric(numeric);
-- Called directly, these two give a value's blind index (order and hash) with no right to any key:
-- an offline guessing aid against the indexes in dumps and files. Index scans and hash joins call
-- them without an EXECUTE check, so nobody else needs to.
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_int8_blind_cmp_numeric(numeric, numeric), @extschema@.encrypted_int8_blind_hash_numeric(numeric) FROM PUBLIC;
CREATE FUNCTION @extschema@.encrypted_numeric_eq_float8(@extschema@.encrypted_numeric, double precision) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_numeric_eq_float8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_numeric_ne_float8(@extschema@.encrypted_numeric, double precision) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_numeric_ne_float8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_numeric_rev_eq_float8(double precision, @extschema@.encrypted_numeric) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_numeric_rev_eq_float8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_numeric_rev_ne_float8(double precision, @extschema@.encrypted_numeric) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_numeric_rev_ne_float8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_numeric_cmp_float8(@extschema@.encrypted_numeric, double precision) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_numeric_cmp_float8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_numeric_rev_cmp_float8(double precision, @extschema@.encrypted_numeric) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_numeric_rev_cmp_float8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_numeric_blind_cmp_float8(double precision, double precision) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_numeric_blind_cmp_float8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_numeric_blind_hash_float8(double precision) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_numeric_blind_hash_float8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE OPERATOR pg_catalog.= (LEFTARG = @extschema@.encrypted_numeric, RIGHTARG = double precision, FUNCTION = @extschema@.encrypted_numeric_eq_float8,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = @extschema@.encrypted_numeric, RIGHTARG = double precision, FUNCTION = @extschema@.encrypted_numeric_ne_float8,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR pg_catalog.= (LEFTARG = double precision, RIGHTARG = @extschema@.encrypted_numeric, FUNCTION = @extschema@.encrypted_numeric_rev_eq_float8,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = double precision, RIGHTARG = @extschema@.encrypted_numeric, FUNCTION = @extschema@.encrypted_numeric_rev_ne_float8,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
-- (double precision, double precision) has no operator here, only the comparison btree needs to sort the elements
-- of = ANY(array) parameters.
ALTER OPERATOR FAMILY @extschema@.encrypted_numeric_blind_ops USING btree ADD
  OPERATOR 3 pg_catalog.= (@extschema@.encrypted_numeric, double precision), OPERATOR 3 pg_catalog.= (double precision, @extschema@.encrypted_numeric),
  FUNCTION 1 (@extschema@.encrypted_numeric, double precision) @extschema@.encrypted_numeric_cmp_float8(@extschema@.encrypted_numeric, double precision),
  FUNCTION 1 (double precision, @extschema@.encrypted_numeric) @extschema@.encrypted_numeric_rev_cmp_float8(double precision, @extschema@.encrypted_numeric),
  FUNCTION 1 (double precision, double precision) @extschema@.encrypted_numeric_blind_cmp_float8(double precision, double precision);
ALTER OPERATOR FAMILY @extschema@.encrypted_numeric_blind_hash_ops USING hash ADD
  OPERATOR 1 pg_catalog.= (@extschema@.encrypted_numeric, double precision), OPERATOR 1 pg_catalog.= (double precision, @extschema@.encrypted_numeric),
  OPERATOR 1 @extschema@.=##= (double precision, double precision),
  FUNCTION 1 (double precision) @extschema@.encrypted_numeric_blind_hash_float8(double precision);
-- Called directly, these two give a value's blind index (order and hash) with no right to any key:
-- an offline guessing aid against the indexes in dumps and files. Index scans and hash joins call
-- them without an EXECUTE check, so nobody else needs to.
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_numeric_blind_cmp_float8(double precision, double precision), @extschema@.encrypted_numeric_blind_hash_float8(double precision) FROM PUBLIC;
CREATE FUNCTION @extschema@.encrypted_date_eq_timestamptz(@extschema@.encrypted_date, timestamp with time zone) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_date_eq_timestamptz_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_date_ne_timestamptz(@extschema@.encrypted_date, timestamp with time zone) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_date_ne_timestamptz_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_date_rev_eq_timestamptz(timestamp with time zone, @extschema@.encrypted_date) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_date_rev_eq_timestamptz_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_date_rev_ne_timestamptz(timestamp with time zone, @extschema@.encrypted_date) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_date_rev_ne_timestamptz_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_date_cmp_timestamptz(@extschema@.encrypted_date, timestamp with time zone) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_date_cmp_timestamptz_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_date_rev_cmp_timestamptz(timestamp with time zone, @extschema@.encrypted_date) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_date_rev_cmp_timestamptz_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_date_blind_cmp_timestamptz(timestamp with time zone, timestamp with time zone) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_date_blind_cmp_timestamptz_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_date_blind_hash_timestamptz(timestamp with time zone) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_date_blind_hash_timestamptz_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE OPERATOR pg_catalog.= (LEFTARG = @extschema@.encrypted_date, RIGHTARG = timestamp with time zone, FUNCTION = @extschema@.encrypted_date_eq_timestamptz,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = @extschema@.encrypted_date, RIGHTARG = timestamp with time zone, FUNCTION = @extschema@.encrypted_date_ne_timestamptz,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR pg_catalog.= (LEFTARG = timestamp with time zone, RIGHTARG = @extschema@.encrypted_date, FUNCTION = @extschema@.encrypted_date_rev_eq_timestamptz,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = timestamp with time zone, RIGHTARG = @extschema@.encrypted_date, FUNCTION = @extschema@.encrypted_date_rev_ne_timestamptz,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
-- (timestamp with time zone, timestamp with time zone) has no operator here, only the comparison btree needs to sort the elements
-- of = ANY(array) parameters.
ALTER OPERATOR FAMILY @extschema@.encrypted_date_blind_ops USING btree ADD
  OPERATOR 3 pg_catalog.= (@extschema@.encrypted_date, timestamp with time zone), OPERATOR 3 pg_catalog.= (timestamp with time zone, @extschema@.encrypted_date),
  FUNCTION 1 (@extschema@.encrypted_date, timestamp with time zone) @extschema@.encrypted_date_cmp_timestamptz(@extschema@.encrypted_date, timestamp with time zone),
  FUNCTION 1 (timestamp with time zone, @extschema@.encrypted_date) @extschema@.encrypted_date_rev_cmp_timestamptz(timestamp with time zone, @extschema@.encrypted_date),
  FUNCTION 1 (timestamp with time zone, timestamp with time zone) @extschema@.encrypted_date_blind_cmp_timestamptz(timestamp with time zone, timestamp with time zone);
ALTER OPERATOR FAMILY @extschema@.encrypted_date_blind_hash_ops USING hash ADD
  OPERATOR 1 pg_catalog.= (@extschema@.encrypted_date, timestamp with time zone), OPERATOR 1 pg_catalog.= (timestamp with time zone, @extschema@.encrypted_date),
  OPERATOR 1 @extschema@.=#= (timestamp with time zone, timestamp with time zone),
  FUNCTION 1 (timestamp with time zone) @extschema@.encrypted_date_blind_hash_timestamptz(timestamp with time zone);
-- Called directly, these two give a value's blind index (order and hash) with no right to any key:
-- an offline guessing aid against the indexes in dumps and files. Index scans and hash joins call
-- them without an EXECUTE check, so nobody else needs to.
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_date_blind_cmp_timestamptz(timestamp with time zone, timestamp with time zone), @extschema@.encrypted_date_blind_hash_timestamptz(timestamp with time zone) FROM PUBLIC;
-- Equality with the floats pgJDBC's setDouble and a Python float send, for integer columns (new
-- in 0.2.0, as the pairs above).
CREATE FUNCTION @extschema@.encrypted_int4_eq_float8(@extschema@.encrypted_int4, double precision) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int4_eq_float8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int4_ne_float8(@extschema@.encrypted_int4, double precision) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int4_ne_float8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int4_rev_eq_float8(double precision, @extschema@.encrypted_int4) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int4_rev_eq_float8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int4_rev_ne_float8(double precision, @extschema@.encrypted_int4) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int4_rev_ne_float8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int4_cmp_float8(@extschema@.encrypted_int4, double precision) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int4_cmp_float8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int4_rev_cmp_float8(double precision, @extschema@.encrypted_int4) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int4_rev_cmp_float8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int4_blind_cmp_float8(double precision, double precision) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int4_blind_cmp_float8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int4_blind_hash_float8(double precision) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int4_blind_hash_float8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE OPERATOR pg_catalog.= (LEFTARG = @extschema@.encrypted_int4, RIGHTARG = double precision, FUNCTION = @extschema@.encrypted_int4_eq_float8,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = @extschema@.encrypted_int4, RIGHTARG = double precision, FUNCTION = @extschema@.encrypted_int4_ne_float8,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR pg_catalog.= (LEFTARG = double precision, RIGHTARG = @extschema@.encrypted_int4, FUNCTION = @extschema@.encrypted_int4_rev_eq_float8,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = double precision, RIGHTARG = @extschema@.encrypted_int4, FUNCTION = @extschema@.encrypted_int4_rev_ne_float8,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
-- (double precision, double precision) has no operator here, only the comparison btree needs to sort the elements
-- of = ANY(array) parameters.
ALTER OPERATOR FAMILY @extschema@.encrypted_int4_blind_ops USING btree ADD
  OPERATOR 3 pg_catalog.= (@extschema@.encrypted_int4, double precision), OPERATOR 3 pg_catalog.= (double precision, @extschema@.encrypted_int4),
  FUNCTION 1 (@extschema@.encrypted_int4, double precision) @extschema@.encrypted_int4_cmp_float8(@extschema@.encrypted_int4, double precision),
  FUNCTION 1 (double precision, @extschema@.encrypted_int4) @extschema@.encrypted_int4_rev_cmp_float8(double precision, @extschema@.encrypted_int4),
  FUNCTION 1 (double precision, double precision) @extschema@.encrypted_int4_blind_cmp_float8(double precision, double precision);
ALTER OPERATOR FAMILY @extschema@.encrypted_int4_blind_hash_ops USING hash ADD
  OPERATOR 1 pg_catalog.= (@extschema@.encrypted_int4, double precision), OPERATOR 1 pg_catalog.= (double precision, @extschema@.encrypted_int4),
  OPERATOR 1 @extschema@.=#= (double precision, double precision),
  FUNCTION 1 (double precision) @extschema@.encrypted_int4_blind_hash_float8(double precision);
-- Called directly, these two give a value's blind index (order and hash) with no right to any key:
-- an offline guessing aid against the indexes in dumps and files. Index scans and hash joins call
-- them without an EXECUTE check, so nobody else needs to.
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_int4_blind_cmp_float8(double precision, double precision), @extschema@.encrypted_int4_blind_hash_float8(double precision) FROM PUBLIC;
CREATE FUNCTION @extschema@.encrypted_int8_eq_float8(@extschema@.encrypted_int8, double precision) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int8_eq_float8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int8_ne_float8(@extschema@.encrypted_int8, double precision) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int8_ne_float8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int8_rev_eq_float8(double precision, @extschema@.encrypted_int8) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int8_rev_eq_float8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int8_rev_ne_float8(double precision, @extschema@.encrypted_int8) RETURNS boolean
  AS 'MODULE_PATHNAME', 'encrypted_int8_rev_ne_float8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int8_cmp_float8(@extschema@.encrypted_int8, double precision) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int8_cmp_float8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int8_rev_cmp_float8(double precision, @extschema@.encrypted_int8) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int8_rev_cmp_float8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int8_blind_cmp_float8(double precision, double precision) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int8_blind_cmp_float8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE FUNCTION @extschema@.encrypted_int8_blind_hash_float8(double precision) RETURNS integer
  AS 'MODULE_PATHNAME', 'encrypted_int8_blind_hash_float8_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE OPERATOR pg_catalog.= (LEFTARG = @extschema@.encrypted_int8, RIGHTARG = double precision, FUNCTION = @extschema@.encrypted_int8_eq_float8,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = @extschema@.encrypted_int8, RIGHTARG = double precision, FUNCTION = @extschema@.encrypted_int8_ne_float8,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR pg_catalog.= (LEFTARG = double precision, RIGHTARG = @extschema@.encrypted_int8, FUNCTION = @extschema@.encrypted_int8_rev_eq_float8,
  COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES);
CREATE OPERATOR pg_catalog.<> (LEFTARG = double precision, RIGHTARG = @extschema@.encrypted_int8, FUNCTION = @extschema@.encrypted_int8_rev_ne_float8,
  COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel);
-- (double precision, double precision) has no operator here, only the comparison btree needs to sort the elements
-- of = ANY(array) parameters.
ALTER OPERATOR FAMILY @extschema@.encrypted_int8_blind_ops USING btree ADD
  OPERATOR 3 pg_catalog.= (@extschema@.encrypted_int8, double precision), OPERATOR 3 pg_catalog.= (double precision, @extschema@.encrypted_int8),
  FUNCTION 1 (@extschema@.encrypted_int8, double precision) @extschema@.encrypted_int8_cmp_float8(@extschema@.encrypted_int8, double precision),
  FUNCTION 1 (double precision, @extschema@.encrypted_int8) @extschema@.encrypted_int8_rev_cmp_float8(double precision, @extschema@.encrypted_int8),
  FUNCTION 1 (double precision, double precision) @extschema@.encrypted_int8_blind_cmp_float8(double precision, double precision);
ALTER OPERATOR FAMILY @extschema@.encrypted_int8_blind_hash_ops USING hash ADD
  OPERATOR 1 pg_catalog.= (@extschema@.encrypted_int8, double precision), OPERATOR 1 pg_catalog.= (double precision, @extschema@.encrypted_int8),
  OPERATOR 1 @extschema@.=#= (double precision, double precision),
  FUNCTION 1 (double precision) @extschema@.encrypted_int8_blind_hash_float8(double precision);
-- Called directly, these two give a value's blind index (order and hash) with no right to any key:
-- an offline guessing aid against the indexes in dumps and files. Index scans and hash joins call
-- them without an EXECUTE check, so nobody else needs to.
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_int8_blind_cmp_float8(double precision, double precision), @extschema@.encrypted_int8_blind_hash_float8(double precision) FROM PUBLIC;
-- The pairs above, as 0.1.0 made them, gain the (plain, plain) operator of their hash family.
ALTER OPERATOR FAMILY @extschema@.encrypted_text_blind_hash_ops USING hash ADD OPERATOR 1 @extschema@.=#= (text, text);
ALTER OPERATOR FAMILY @extschema@.encrypted_bytea_blind_hash_ops USING hash ADD OPERATOR 1 @extschema@.=#= (bytea, bytea);
ALTER OPERATOR FAMILY @extschema@.encrypted_jsonb_blind_hash_ops USING hash ADD OPERATOR 1 @extschema@.=#= (jsonb, jsonb);
ALTER OPERATOR FAMILY @extschema@.encrypted_int4_blind_hash_ops USING hash ADD OPERATOR 1 @extschema@.=#= (smallint, smallint);
ALTER OPERATOR FAMILY @extschema@.encrypted_int4_blind_hash_ops USING hash ADD OPERATOR 1 @extschema@.=#= (integer, integer);
ALTER OPERATOR FAMILY @extschema@.encrypted_int4_blind_hash_ops USING hash ADD OPERATOR 1 @extschema@.=#= (bigint, bigint);
ALTER OPERATOR FAMILY @extschema@.encrypted_int8_blind_hash_ops USING hash ADD OPERATOR 1 @extschema@.=#= (smallint, smallint);
ALTER OPERATOR FAMILY @extschema@.encrypted_int8_blind_hash_ops USING hash ADD OPERATOR 1 @extschema@.=#= (integer, integer);
ALTER OPERATOR FAMILY @extschema@.encrypted_int8_blind_hash_ops USING hash ADD OPERATOR 1 @extschema@.=#= (bigint, bigint);
ALTER OPERATOR FAMILY @extschema@.encrypted_numeric_blind_hash_ops USING hash ADD OPERATOR 1 @extschema@.=#= (smallint, smallint);
ALTER OPERATOR FAMILY @extschema@.encrypted_numeric_blind_hash_ops USING hash ADD OPERATOR 1 @extschema@.=#= (integer, integer);
ALTER OPERATOR FAMILY @extschema@.encrypted_numeric_blind_hash_ops USING hash ADD OPERATOR 1 @extschema@.=#= (bigint, bigint);
ALTER OPERATOR FAMILY @extschema@.encrypted_numeric_blind_hash_ops USING hash ADD OPERATOR 1 @extschema@.=#= (numeric, numeric);
ALTER OPERATOR FAMILY @extschema@.encrypted_float8_blind_hash_ops USING hash ADD OPERATOR 1 @extschema@.=#= (real, real);
ALTER OPERATOR FAMILY @extschema@.encrypted_float8_blind_hash_ops USING hash ADD OPERATOR 1 @extschema@.=#= (double precision, double precision);
ALTER OPERATOR FAMILY @extschema@.encrypted_bool_blind_hash_ops USING hash ADD OPERATOR 1 @extschema@.=#= (boolean, boolean);
ALTER OPERATOR FAMILY @extschema@.encrypted_date_blind_hash_ops USING hash ADD OPERATOR 1 @extschema@.=#= (date, date);
ALTER OPERATOR FAMILY @extschema@.encrypted_timestamptz_blind_hash_ops USING hash ADD OPERATOR 1 @extschema@.=#= (timestamp with time zone, timestamp with time zone);
-- reencrypt runs as the table owner, only for the owner (shared-server review).
CREATE OR REPLACE PROCEDURE @extschema@.reencrypt(tbl regclass, col name, blocks_per_batch integer DEFAULT 64)
LANGUAGE plpgsql AS $$
DECLARE
  -- Types qualified too: plpgsql resolves them with the caller's search_path when it compiles.
  caller pg_catalog.name := CURRENT_USER;
  owner pg_catalog.name;
  nblocks pg_catalog.int8;
  total pg_catalog.int8;
  done pg_catalog.int8 := 0;
  n pg_catalog.int8;
  b pg_catalog.int8 := 0;
  citus_method pg_catalog.text;
  shard_row record;
  shards_ok pg_catalog.int8 := 0;
  shards_failed pg_catalog.int8 := 0;
  first_error pg_catalog.text;
BEGIN
  PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
  IF blocks_per_batch OPERATOR(pg_catalog.<) 1 THEN
    RAISE EXCEPTION 'blocks_per_batch must be at least 1' USING ERRCODE = '22023';
  END IF;
  SELECT r.rolname INTO owner FROM pg_catalog.pg_class c JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) c.relowner
   WHERE c.oid OPERATOR(pg_catalog.=) tbl;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid OPERATOR(pg_catalog.=) a.atttypid
                  WHERE a.attrelid OPERATOR(pg_catalog.=) tbl AND a.attname OPERATOR(pg_catalog.=) col AND NOT a.attisdropped
                    AND t.typnamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace) THEN
    RAISE EXCEPTION 'colcrypt.reencrypt: column % of table % is not of a colcrypt encrypted type', col, tbl
      USING ERRCODE = '42804';
  END IF;
  IF NOT pg_catalog.pg_has_role(owner, 'MEMBER') THEN
    RAISE EXCEPTION 'colcrypt.reencrypt must be run by the owner of table % (or a member of its owner role)', tbl
      USING ERRCODE = '42501';
  END IF;
  EXECUTE pg_catalog.format('SET LOCAL ROLE %I', owner);
  -- A Citus table keeps its rows in shards on the workers and none in the coordinator's table,
  -- where the loop below would move nothing. Each shard is re-encrypted where it lives, by this
  -- procedure run on the shard (its batches commit there, so a stopped run resumes), and values
  -- still under an older version afterwards are an error, never a silent success.
  IF pg_catalog.to_regclass('pg_catalog.pg_dist_partition') IS NOT NULL THEN
    EXECUTE 'SELECT partmethod::pg_catalog.text FROM pg_catalog.pg_dist_partition WHERE logicalrelid OPERATOR(pg_catalog.=) $1'
      INTO citus_method USING tbl;
  END IF;
  IF citus_method IS NOT NULL THEN
    IF citus_method OPERATOR(pg_catalog.<>) 'h' THEN
      RAISE EXCEPTION 'colcrypt.reencrypt: % is a Citus reference or local table; only hash-distributed tables are re-encrypted (per shard)', tbl
        USING ERRCODE = '0A000';
    END IF;
    EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM %s WHERE @extschema@.needs_reseal(%I)', tbl, col) INTO total;
    RAISE NOTICE 'colcrypt.reencrypt %.%: % values to move to the newest key version, in each shard', tbl, col, total;
    FOR shard_row IN EXECUTE 'SELECT shardid, success, result FROM pg_catalog.run_command_on_shards($1, $2) ORDER BY shardid'
        USING tbl, pg_catalog.format('CALL @extschema@.reencrypt(''%%s'', %L, %s)', col, blocks_per_batch) LOOP
      IF shard_row.success THEN
        shards_ok := shards_ok OPERATOR(pg_catalog.+) 1;
      ELSE
        shards_failed := shards_failed OPERATOR(pg_catalog.+) 1;
        first_error := COALESCE(first_error, 'shard ' OPERATOR(pg_catalog.||) shard_row.shardid OPERATOR(pg_catalog.||) ': ' OPERATOR(pg_catalog.||) shard_row.result);
      END IF;
    END LOOP;
    EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM %s WHERE @extschema@.needs_reseal(%I)', tbl, col) INTO n;
    RAISE NOTICE 'colcrypt.reencrypt %.%: % of % shards done, % values left', tbl, col, shards_ok,
      shards_ok OPERATOR(pg_catalog.+) shards_failed, n;
    IF shards_failed OPERATOR(pg_catalog.>) 0 OR n OPERATOR(pg_catalog.>) 0 THEN
      RAISE EXCEPTION 'colcrypt.reencrypt %.%: % values are still under older key versions (% shards failed; first: %); run it again',
        tbl, col, n, shards_failed, COALESCE(first_error, 'none') USING ERRCODE = '55000';
    END IF;
    EXECUTE pg_catalog.format('SET LOCAL ROLE %I', caller);
    RETURN;
  END IF;
  nblocks := pg_catalog.pg_relation_size(tbl) OPERATOR(pg_catalog./) pg_catalog.current_setting('block_size')::pg_catalog.int8;
  EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM %s WHERE @extschema@.needs_reseal(%I)', tbl, col) INTO total;
  RAISE NOTICE 'colcrypt.reencrypt %.%: % values to move to the newest key version', tbl, col, total;
  WHILE b OPERATOR(pg_catalog.<) nblocks LOOP
    EXECUTE pg_catalog.format(
      'UPDATE %s SET %I = @extschema@.reseal(%I) WHERE ctid OPERATOR(pg_catalog.>=) ''(%s,0)''::pg_catalog.tid '
      'AND ctid OPERATOR(pg_catalog.<) ''(%s,0)''::pg_catalog.tid AND @extschema@.needs_reseal(%I)',
      tbl, col, col, b, b OPERATOR(pg_catalog.+) blocks_per_batch, col);
    GET DIAGNOSTICS n = ROW_COUNT;
    done := done OPERATOR(pg_catalog.+) n;
    b := b OPERATOR(pg_catalog.+) blocks_per_batch;
    RAISE NOTICE 'colcrypt.reencrypt %.%: % / % values done (block % of %)', tbl, col, done, total,
      LEAST(b, nblocks), nblocks;
    COMMIT;
    -- COMMIT ends SET LOCAL: switch to the owner and pin search_path again for the next batch.
    PERFORM pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true);
    EXECUTE pg_catalog.format('SET LOCAL ROLE %I', owner);
  END LOOP;
  EXECUTE pg_catalog.format('SET LOCAL ROLE %I', caller);
END $$;
COMMENT ON PROCEDURE @extschema@.reencrypt(regclass, name, integer) IS
  'CALL colcrypt.reencrypt(table, column, blocks_per_batch DEFAULT 64): moves the column''s values to the newest version of their key after rotate_key, committing each batch; resumable, progress as NOTICEs. A Citus distributed table is re-encrypted shard by shard on its workers, and values left under an older version are an error. Run by the table''s owner (or a member of its owner role); the updates run as the owner.';
-- connection_transport gains a caveat column (connection_info below).
DROP FUNCTION @extschema@.connection_transport();
CREATE FUNCTION @extschema@.connection_transport() RETURNS TABLE (
	"transport" TEXT,  /* String */
	"keys_allowed" bool,  /* bool */
	"caveat" TEXT  /* Option < String > */
)
STRICT VOLATILE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'connection_transport_wrapper';
CREATE FUNCTION @extschema@."restrict_key_use"(
	"key_name" text /* ServerText */
) RETURNS void
STRICT VOLATILE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'restrict_key_use_wrapper';
CREATE FUNCTION @extschema@."unrestrict_key_use"(
	"key_name" text /* ServerText */
) RETURNS void
STRICT VOLATILE
LANGUAGE c /* Rust */
AS 'MODULE_PATHNAME', 'unrestrict_key_use_wrapper';
CREATE FUNCTION @extschema@.grant_key_use(key_name text, role regrole) RETURNS void
  AS 'MODULE_PATHNAME', 'grant_key_use_wrapper' LANGUAGE C STRICT VOLATILE;
CREATE FUNCTION @extschema@.revoke_key_use(key_name text, role regrole) RETURNS void
  AS 'MODULE_PATHNAME', 'revoke_key_use_wrapper' LANGUAGE C STRICT VOLATILE;
COMMENT ON FUNCTION @extschema@.grant_key_use(text, regrole) IS
  'grant_key_use(key_name, role): members of role may use the key once it is restricted (restrict_key_use). Role colcrypt_key_admin.';
COMMENT ON FUNCTION @extschema@.revoke_key_use(text, regrole) IS
  'revoke_key_use(key_name, role): undoes grant_key_use. Role colcrypt_key_admin.';
COMMENT ON FUNCTION @extschema@.restrict_key_use(text) IS
  'restrict_key_use(key_name): from now on only superusers and roles granted with grant_key_use may seal or open values under the key (types, casts, functions, binary input); others get SQLSTATE 42501. New keys are unrestricted. Role colcrypt_key_admin.';
COMMENT ON FUNCTION @extschema@.unrestrict_key_use(text) IS
  'unrestrict_key_use(key_name): every role may use the key again (the default). Role colcrypt_key_admin.';
REVOKE EXECUTE ON FUNCTION @extschema@.create_key(text), @extschema@.rotate_key(text), @extschema@.destroy_key(text),
  @extschema@.rotate_master_key(), @extschema@.master_key_info(),
  @extschema@.deny_plaintext(text, regrole), @extschema@.allow_plaintext(text, regrole),
  @extschema@.grant_key_use(text, regrole), @extschema@.revoke_key_use(text, regrole),
  @extschema@.restrict_key_use(text), @extschema@.unrestrict_key_use(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.create_key(text), @extschema@.rotate_key(text), @extschema@.destroy_key(text),
  @extschema@.rotate_master_key(), @extschema@.master_key_info(),
  @extschema@.deny_plaintext(text, regrole), @extschema@.allow_plaintext(text, regrole),
  @extschema@.grant_key_use(text, regrole), @extschema@.revoke_key_use(text, regrole),
  @extschema@.restrict_key_use(text), @extschema@.unrestrict_key_use(text) TO colcrypt_key_admin;
-- connection_info gains a caveat column: a new return type, so drop and create.
DROP FUNCTION @extschema@.connection_info();
CREATE FUNCTION @extschema@.connection_info(
  OUT transport text, OUT keys_allowed boolean, OUT tls_version text, OUT cipher text, OUT client_certificate boolean,
  OUT caveat text)
LANGUAGE sql VOLATILE AS $$
  SELECT t.transport, t.keys_allowed, s.version, s.cipher, s.client_dn IS NOT NULL, t.caveat
  FROM @extschema@.connection_transport() t
  LEFT JOIN pg_catalog.pg_stat_ssl s ON s.pid OPERATOR(pg_catalog.=) pg_catalog.pg_backend_pid()
$$;
COMMENT ON FUNCTION @extschema@.connection_transport() IS
  'connection_transport(): the transport part of connection_info().';
COMMENT ON FUNCTION @extschema@.connection_info() IS
  'connection_info(): how this session''s client is connected (tls, tls from loopback, unix socket, tcp without tls), whether colcrypt accepts client-supplied keys on it, the TLS protocol version, cipher and whether the client presented a certificate, and what colcrypt cannot know about the connection (caveat).';
-- Whether a catalog row (its xmin) was written by the running transaction or one of its
-- subtransactions, for the event triggers below (age(xmin) <= 0 also took a concurrent, later
-- transaction's rows).
CREATE FUNCTION @extschema@.made_in_this_transaction(pg_catalog.xid) RETURNS boolean
  AS 'MODULE_PATHNAME', 'made_in_this_transaction_wrapper' LANGUAGE C STRICT STABLE;
COMMENT ON FUNCTION @extschema@.made_in_this_transaction(pg_catalog.xid) IS
  'Event trigger helper: whether a row with this xmin was written by the running transaction (or a subtransaction of it).';
-- The types a value of type t (modifier m) is or holds, with their modifiers: a domain's base, an
-- array's elements, a row type's fields, a range's bounds (modifier unknown: -1), at any depth.
-- Shared by the event triggers below.
CREATE FUNCTION @extschema@.held_types(t pg_catalog.oid, m pg_catalog.int4) RETURNS TABLE (typ pg_catalog.oid, typmod pg_catalog.int4)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
  WITH RECURSIVE held(typ, typmod) AS (
    SELECT t, m
    UNION
    SELECT n.typ, n.typmod
    FROM held h JOIN pg_catalog.pg_type ty ON ty.oid OPERATOR(pg_catalog.=) h.typ,
    LATERAL (SELECT ty.typbasetype, ty.typtypmod WHERE ty.typtype OPERATOR(pg_catalog.=) 'd'
             UNION ALL
             SELECT ty.typelem, h.typmod WHERE ty.typtype OPERATOR(pg_catalog.<>) 'd' AND ty.typelem OPERATOR(pg_catalog.<>) 0
               AND ty.typlen OPERATOR(pg_catalog.=) -1
             UNION ALL
             SELECT a.atttypid, a.atttypmod FROM pg_catalog.pg_attribute a
             WHERE ty.typrelid OPERATOR(pg_catalog.<>) 0 AND a.attrelid OPERATOR(pg_catalog.=) ty.typrelid
               AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped
             UNION ALL
             SELECT rg.rngsubtype, -1 FROM pg_catalog.pg_range rg WHERE rg.rngtypid OPERATOR(pg_catalog.=) ty.oid
             UNION ALL
             SELECT rg.rngsubtype, -1 FROM pg_catalog.pg_range rg WHERE rg.rngmultitypid OPERATOR(pg_catalog.=) ty.oid) n(typ, typmod))
  SELECT held.typ, held.typmod FROM held
$$;
COMMENT ON FUNCTION @extschema@.held_types(pg_catalog.oid, pg_catalog.int4) IS
  'Event trigger helper: the types a value of a type is or holds (domain bases, array elements, row type fields, range bounds), with their type modifiers.';
-- The row types the running DDL command changed (made or altered, or a relation's whose columns it
-- changed), and every type that holds one: its array, a domain or range over it (types that
-- depend on it), a row type with a field of it; found through pg_depend, so a command costs what
-- it changed. Both event triggers below use it to find what a row type gaining a field changes
-- without writing its rows. Callable only from an event trigger.
CREATE FUNCTION @extschema@.changed_row_types() RETURNS SETOF pg_catalog.oid
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
  WITH RECURSIVE cmd AS (
    SELECT c.classid, c.objid FROM pg_catalog.pg_event_trigger_ddl_commands() c),
  changed(typ) AS (
    SELECT objid FROM cmd WHERE classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_type'::pg_catalog.regclass
    UNION
    SELECT cl.reltype FROM cmd JOIN pg_catalog.pg_class cl ON cl.oid OPERATOR(pg_catalog.=) cmd.objid
    WHERE cmd.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass AND cl.reltype OPERATOR(pg_catalog.<>) 0
    UNION
    SELECT n.typ FROM changed h, LATERAL (
      SELECT t.typarray FROM pg_catalog.pg_type t WHERE t.oid OPERATOR(pg_catalog.=) h.typ AND t.typarray OPERATOR(pg_catalog.<>) 0
      UNION ALL
      SELECT d.objid FROM pg_catalog.pg_depend d
      WHERE d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_type'::pg_catalog.regclass AND d.refobjid OPERATOR(pg_catalog.=) h.typ
        AND d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_type'::pg_catalog.regclass
      UNION ALL
      SELECT cl.reltype FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class cl ON cl.oid OPERATOR(pg_catalog.=) d.objid
      WHERE d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_type'::pg_catalog.regclass AND d.refobjid OPERATOR(pg_catalog.=) h.typ
        AND d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid OPERATOR(pg_catalog.>) 0
        AND cl.reltype OPERATOR(pg_catalog.<>) 0) n(typ))
  SELECT typ FROM changed
$$;
COMMENT ON FUNCTION @extschema@.changed_row_types() IS
  'Event trigger helper: the row types the running DDL command changed, and every type holding one (arrays, domains, ranges, row types with such a field).';
-- The relations with a column of a row type the running DDL command changed (changed_row_types),
-- and whether an owner of what the command names (its relations and types) owns each: another
-- role's relation is for that role to change, and both event triggers below leave it alone (two
-- reviews blocked an owner's every ALTER TABLE, a superuser's too, with a table of its row type
-- made for the purpose). Callable only from an event trigger.
CREATE FUNCTION @extschema@.changed_row_type_users() RETURNS TABLE (rel pg_catalog.oid, commands_owner boolean)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
  WITH cmd AS (
    SELECT c.classid, c.objid FROM pg_catalog.pg_event_trigger_ddl_commands() c),
  owners(owner) AS (
    SELECT cl.relowner FROM cmd JOIN pg_catalog.pg_class cl ON cl.oid OPERATOR(pg_catalog.=) cmd.objid
    WHERE cmd.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
    UNION
    SELECT t.typowner FROM cmd JOIN pg_catalog.pg_type t ON t.oid OPERATOR(pg_catalog.=) cmd.objid
    WHERE cmd.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_type'::pg_catalog.regclass)
  SELECT DISTINCT d.objid, cl.relowner IN (SELECT owner FROM owners)
  FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class cl ON cl.oid OPERATOR(pg_catalog.=) d.objid
  WHERE d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_type'::pg_catalog.regclass
    AND d.refobjid IN (SELECT @extschema@.changed_row_types())
    AND d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid OPERATOR(pg_catalog.>) 0
$$;
COMMENT ON FUNCTION @extschema@.changed_row_type_users() IS
  'Event trigger helper: the relations with a column of a row type the running DDL command changed, and whether an owner of what the command names owns each.';
CREATE FUNCTION @extschema@.refuse_unsearchable_index() RETURNS event_trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  -- A session's planner switches (enable_seqscan = off …) would make these catalog queries take
  -- seconds per DDL command; so would JIT (0.4 s per command: the estimates of the recursive
  -- query pass jit_above_cost).
  SET jit = off SET enable_seqscan = on SET enable_hashagg = on SET enable_hashjoin = on SET enable_nestloop = on
  SET enable_mergejoin = on SET enable_indexscan = on SET enable_bitmapscan = on SET enable_sort = on AS $$
DECLARE
  offending text;
BEGIN
  -- The indexes and partition keys this transaction made or rebuilt, which are its own catalog
  -- rows, whatever the command named: a column type change also rebuilds the indexes of the
  -- table's children and of a composite type's typed tables (an attacker review kept such indexes
  -- through ALTER TABLE on a parent and ALTER TYPE … CASCADE), and an unrelated change to a table
  -- is not refused for an index it left as it was. Also the valid indexes, partition keys and
  -- extended statistics of tables with a column of a row type this command changed (or of a type
  -- holding one): a command can add fields to a row type without writing their rows (ALTER TYPE
  -- … ADD ATTRIBUTE, a column added to a table whose row type is used, CREATE OR REPLACE VIEW);
  -- and the indexes of the tables it changed whose expression or condition reads a whole row.
  -- Found from the change through pg_depend, so a command costs what it changed, not the size of
  -- the catalog (a review timed 3.8 s per command over 3,000 tables when every key over a row
  -- type was judged each time). Not an invalid index, which a refused CREATE INDEX CONCURRENTLY
  -- leaves and which would otherwise block every later command.
  WITH RECURSIVE cmd AS (
    SELECT c.classid, c.objid FROM pg_catalog.pg_event_trigger_ddl_commands() c),
  -- Only relations an owner of what the command names owns (changed_row_type_users): the
  -- planner never uses another role's indexes over values that are not searchable
  -- (src/unsearchable_indexes.rs).
  uses AS (
    SELECT u.rel FROM @extschema@.changed_row_type_users() u WHERE u.commands_owner),
  ix AS (
    SELECT i.* FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) i.indexrelid
    WHERE @extschema@.made_in_this_transaction(i.xmin) OR @extschema@.made_in_this_transaction(c.xmin)
       OR i.indisvalid AND i.indrelid IN (SELECT rel FROM uses)
       OR i.indisvalid AND i.indrelid IN (SELECT objid FROM cmd WHERE classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass)
          AND (i.indexprs::pg_catalog.text OPERATOR(pg_catalog.~) ':varattno 0 ' OR i.indpred::pg_catalog.text OPERATOR(pg_catalog.~) ':varattno 0 ')),
  -- Also the key of a table gaining a partition: a row type may have gained a field in a
  -- transaction whose snapshot did not see the table (REPEATABLE READ; an attacker review
  -- partitioned values that are not searchable that way), and rows are placed only once
  -- partitions exist.
  pt AS (
    SELECT p.* FROM pg_catalog.pg_partitioned_table p
    WHERE @extschema@.made_in_this_transaction(p.xmin) OR p.partrelid IN (SELECT rel FROM uses)
       OR p.partrelid IN (SELECT inh.inhparent FROM pg_catalog.pg_inherits inh WHERE @extschema@.made_in_this_transaction(inh.xmin))),
  st AS (
    SELECT s.* FROM pg_catalog.pg_statistic_ext s
    WHERE @extschema@.made_in_this_transaction(s.xmin) OR s.stxrelid IN (SELECT rel FROM uses)),
  -- The keys of those indexes (not INCLUDE columns): a column's type and modifier; an
  -- expression's as the index stores it and its operator class's input type (a hash index stores
  -- a hash, array_ops takes anyarray); partition key columns. And, as if no encrypted value in
  -- them were searchable (`anyenc`): the columns a partition expression reads (its value places
  -- the row: a range of plain(s) showed each row's plaintext range by its partition); the
  -- columns an index expression or a partial index's predicate reads (other than to test for
  -- NULL), whose index would hold or select by values computed from the plaintext (an IMMUTABLE
  -- wrapper of the cast to text put every plaintext in an index, returned by index-only scans to
  -- a role denied it); the columns a stored generated column is computed from; and the columns
  -- and expressions of extended statistics, which ANALYZE (and autovacuum, as the table's owner)
  -- would summarise, keeping plaintext in pg_statistic_ext_data (another review read every value
  -- from pg_stats_ext_exprs). Functions that read a table themselves are not seen: SECURITY.md,
  -- "Limits".
  keys AS (
    SELECT ix.indexrelid::pg_catalog.regclass::pg_catalog.text AS rel, t.typ, t.typmod, false AS anyenc
    FROM ix CROSS JOIN LATERAL pg_catalog.generate_series(0, ix.indnkeyatts OPERATOR(pg_catalog.-) 1) k
    JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) ix.indexrelid AND a.attnum OPERATOR(pg_catalog.=) (k OPERATOR(pg_catalog.+) 1)
    JOIN pg_catalog.pg_opclass oc ON oc.oid OPERATOR(pg_catalog.=) ix.indclass[k]
    LEFT JOIN pg_catalog.pg_attribute c ON c.attrelid OPERATOR(pg_catalog.=) ix.indrelid AND c.attnum OPERATOR(pg_catalog.=) ix.indkey[k]
    CROSS JOIN LATERAL (SELECT c.atttypid, c.atttypmod WHERE ix.indkey[k] OPERATOR(pg_catalog.<>) 0
                        UNION ALL SELECT a.atttypid, a.atttypmod WHERE ix.indkey[k] OPERATOR(pg_catalog.=) 0
                        UNION ALL SELECT oc.opcintype, -1 WHERE ix.indkey[k] OPERATOR(pg_catalog.=) 0) t(typ, typmod)
    UNION ALL
    SELECT ix.indexrelid::pg_catalog.regclass::pg_catalog.text, v[1]::pg_catalog.oid, -1, true
    FROM ix, pg_catalog.regexp_matches(ix.indexprs::pg_catalog.text, ':vartype (\d+) :vartypmod (-?\d+)', 'g') v
    UNION ALL
    SELECT ix.indexrelid::pg_catalog.regclass::pg_catalog.text, v[1]::pg_catalog.oid, -1, true
    FROM ix, pg_catalog.regexp_matches(
      pg_catalog.regexp_replace(ix.indpred::pg_catalog.text, '\{NULLTEST :arg \{VAR [^{}]*\}', '', 'g'),
      ':vartype (\d+) :vartypmod (-?\d+)', 'g') v
    UNION ALL
    SELECT pt.partrelid::pg_catalog.regclass::pg_catalog.text, a.atttypid, a.atttypmod, false
    FROM pt JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) pt.partrelid
      AND a.attnum OPERATOR(pg_catalog.=) ANY (pt.partattrs::pg_catalog.int2[])
    UNION ALL
    SELECT pt.partrelid::pg_catalog.regclass::pg_catalog.text, v[1]::pg_catalog.oid, -1, true
    FROM pt, pg_catalog.regexp_matches(pt.partexprs::pg_catalog.text, ':vartype (\d+) :vartypmod (-?\d+)', 'g') v
    UNION ALL
    -- A stored generated column computed from an encrypted value keeps that computation in the
    -- heap (a review stored plaintext that way through an IMMUTABLE wrapper of the cast).
    SELECT 'generated column ' OPERATOR(pg_catalog.||) d.adrelid::pg_catalog.regclass::pg_catalog.text OPERATOR(pg_catalog.||) '.'
           OPERATOR(pg_catalog.||) pg_catalog.quote_ident(a.attname), v[1]::pg_catalog.oid, -1, true
    FROM pg_catalog.pg_attrdef d JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) d.adrelid AND a.attnum OPERATOR(pg_catalog.=) d.adnum,
      pg_catalog.regexp_matches(d.adbin::pg_catalog.text, ':vartype (\d+) :vartypmod (-?\d+)', 'g') v
    WHERE a.attgenerated OPERATOR(pg_catalog.=) 's'
      AND (@extschema@.made_in_this_transaction(d.xmin) OR d.adbin::pg_catalog.text OPERATOR(pg_catalog.~) ':varattno 0 ')
    UNION ALL
    SELECT 'statistics ' OPERATOR(pg_catalog.||) pg_catalog.quote_ident(st.stxname), v[1]::pg_catalog.oid, -1, true
    FROM st, pg_catalog.regexp_matches(st.stxexprs::pg_catalog.text, ':vartype (\d+) :vartypmod (-?\d+)', 'g') v
    UNION ALL
    SELECT 'statistics ' OPERATOR(pg_catalog.||) pg_catalog.quote_ident(st.stxname), a.atttypid, -1, true
    FROM st JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) st.stxrelid
      AND a.attnum OPERATOR(pg_catalog.=) ANY (st.stxkeys::pg_catalog.int2[]))
  -- What each key holds (held_types), judged.
  SELECT pg_catalog.string_agg(DISTINCT keys.rel, ', ') INTO offending
  FROM keys CROSS JOIN LATERAL @extschema@.held_types(keys.typ, keys.typmod) held
  JOIN pg_catalog.pg_type et ON et.oid OPERATOR(pg_catalog.=) held.typ
  WHERE et.typnamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace
    AND et.typinput::pg_catalog.text OPERATOR(pg_catalog.~~) '%.encrypted\_%\_in'
    AND (keys.anyenc OR held.typmod OPERATOR(pg_catalog.<) 0 OR (held.typmod OPERATOR(pg_catalog.&) 1) OPERATOR(pg_catalog.=) 0);
  IF offending IS NOT NULL THEN
    RAISE EXCEPTION 'colcrypt: % would order or group encrypted values that are not searchable, or hold values computed from encrypted ones', offending
      USING ERRCODE = '0A000',
            HINT = 'An index or partition key shows which values are equal, as a searchable column does: make the column searchable (encrypted_text(key, searchable)), or leave it without one. An index expression, a partial index''s condition or extended statistics over encrypted values would keep values computed from their plaintext. A refused CREATE INDEX CONCURRENTLY leaves an invalid index behind, as any failed one does: DROP INDEX it.';
  END IF;
END $$;
CREATE EVENT TRIGGER colcrypt_refuse_unsearchable_index ON ddl_command_end
  WHEN TAG IN ('CREATE INDEX', 'CREATE TABLE', 'ALTER TABLE', 'ALTER INDEX', 'CREATE SCHEMA', 'ALTER TYPE',
               'CREATE VIEW', 'CREATE STATISTICS', 'ALTER STATISTICS', 'ALTER FOREIGN TABLE', 'ALTER DOMAIN')
  EXECUTE FUNCTION @extschema@.refuse_unsearchable_index();
-- Also under session_replication_role = replica, which a role may be granted SET on (a review
-- made every structure above that way).
ALTER EVENT TRIGGER colcrypt_refuse_unsearchable_index ENABLE ALWAYS;
COMMENT ON FUNCTION @extschema@.refuse_unsearchable_index() IS
  'Event trigger: refuses indexes, partition keys and exclusion constraints over encrypted values that are not searchable (their order or hash would show which values are equal to roles denied the plaintext and to readers of the files), and index expressions, partial index conditions and extended statistics over any encrypted values (they would keep values computed from the plaintext).';
-- The encrypted type a column or bound is of, or NULL: its own type, or the element type of an
-- array of one. The event triggers below share it; plain SQL so the planner inlines it.
CREATE FUNCTION @extschema@.encrypted_type_name(t pg_catalog.oid) RETURNS pg_catalog.name
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT et.typname FROM pg_catalog.pg_type at
  JOIN pg_catalog.pg_type et ON et.oid OPERATOR(pg_catalog.=)
    (CASE WHEN at.typelem OPERATOR(pg_catalog.<>) 0 AND at.typlen OPERATOR(pg_catalog.=) -1 THEN at.typelem ELSE at.oid END)
  WHERE at.oid OPERATOR(pg_catalog.=) t
    AND et.typnamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace
    AND et.typinput::pg_catalog.text OPERATOR(pg_catalog.~~) '%.encrypted\_%\_in'
$$;
COMMENT ON FUNCTION @extschema@.encrypted_type_name(pg_catalog.oid) IS
  'The colcrypt encrypted type a type is (or is an array of), or NULL; used by colcrypt''s event triggers.';

CREATE FUNCTION @extschema@.name_default_key() RETURNS event_trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  -- A session's planner switches (enable_seqscan = off …) would make these catalog queries take
  -- seconds per DDL command.
  SET enable_seqscan = on SET enable_hashagg = on SET enable_hashjoin = on SET enable_nestloop = on
  SET enable_mergejoin = on SET enable_indexscan = on SET enable_bitmapscan = on SET enable_sort = on AS $$
DECLARE
  r record;
  -- The relations the command made or changed, and those of the composite types it did; the
  -- checks below look at them.
  rels pg_catalog.oid[] := ARRAY(
    SELECT c.objid FROM pg_catalog.pg_event_trigger_ddl_commands() c
    WHERE c.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
    UNION
    SELECT t.typrelid FROM pg_catalog.pg_event_trigger_ddl_commands() c
    JOIN pg_catalog.pg_type t ON t.oid OPERATOR(pg_catalog.=) c.objid
    WHERE c.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_type'::pg_catalog.regclass
      AND t.typrelid OPERATOR(pg_catalog.<>) 0);
BEGIN
  FOR r IN
    WITH cmd AS (SELECT pg_catalog.unnest(rels) AS rel)
    SELECT * FROM (
      SELECT cl.oid::pg_catalog.regclass AS rel, cl.relkind, a.attname, @extschema@.encrypted_type_name(at.oid) AS typname,
             at.typelem OPERATOR(pg_catalog.<>) 0 AND at.typlen OPERATOR(pg_catalog.=) -1 AS is_array
      FROM cmd
      JOIN pg_catalog.pg_class cl ON cl.oid OPERATOR(pg_catalog.=) cmd.rel
      JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) cl.oid
      JOIN pg_catalog.pg_type at ON at.oid OPERATOR(pg_catalog.=) a.atttypid
      WHERE a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped AND a.atttypmod OPERATOR(pg_catalog.<) 0
        AND a.attinhcount OPERATOR(pg_catalog.=) 0
          AND cl.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p', 'm', 'c', 'f']::pg_catalog.char[])) cols
    WHERE cols.typname IS NOT NULL
  LOOP
    IF r.relkind OPERATOR(pg_catalog.=) 'm' THEN
      RAISE EXCEPTION 'colcrypt: column % of materialized view % names no key', r.attname, r.rel
        USING ERRCODE = '42P16',
              HINT = pg_catalog.format('Cast it to a type that names its key in the view''s query, as in ::@extschema@.%s(default).', r.typname);
    END IF;
    EXECUTE pg_catalog.format('ALTER %s %s ALTER %s %I TYPE @extschema@.%I(''default'')%s',
      CASE r.relkind WHEN 'c' THEN 'TYPE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
      CASE r.relkind WHEN 'c' THEN (SELECT t.oid::pg_catalog.regtype::pg_catalog.text FROM pg_catalog.pg_type t
                                    WHERE t.typrelid OPERATOR(pg_catalog.=) r.rel::pg_catalog.oid)
                     ELSE r.rel::pg_catalog.text END,
      CASE r.relkind WHEN 'c' THEN 'ATTRIBUTE' ELSE 'COLUMN' END,
      r.attname, r.typname, CASE WHEN r.is_array THEN '[]' ELSE '' END)
      -- A composite type may already have typed tables (ALTER TYPE … ADD ATTRIBUTE … CASCADE).
      OPERATOR(pg_catalog.||) CASE r.relkind WHEN 'c' THEN ' CASCADE' ELSE '' END;
  END LOOP;
  -- ANALYZE computes the statistics of a column of a row type or an array that holds an encrypted
  -- value with that type's equality, which decrypts (as the table's owner, in autovacuum): how
  -- many distinct values there are and how often each comes (an attacker review read them from
  -- pg_stats as a role denied the plaintext). Such columns are given a statistics target of 0,
  -- which ANALYZE skips; encrypted columns themselves keep none (encrypted_typanalyze). For the
  -- relations the command made or changed, and those with a column of a row type it changed.
  FOR r IN
    WITH target(rel, commands_owner) AS (
      SELECT pg_catalog.unnest(rels), true
      UNION
      SELECT u.rel, u.commands_owner FROM @extschema@.changed_row_type_users() u),
    -- Ranges and multiranges too: ANALYZE sorts their bounds (a review found a range over a row
    -- type that holds an encrypted field skipped).
    cols AS (
      SELECT cl.oid AS rel, cl.relkind, a.attname, a.atttypid AS typ,
             COALESCE(a.attstattarget::pg_catalog.int4, -1) OPERATOR(pg_catalog.>) 0 AS was_set,
             -- Another role's relation is for its owner to change (changed_row_type_users):
             -- altering it failed the command, or waited for a lock its owner held; so is another
             -- session's temporary table.
             target.commands_owner
               AND (cl.relpersistence OPERATOR(pg_catalog.<>) 't' OR cl.relnamespace OPERATOR(pg_catalog.=) pg_catalog.pg_my_temp_schema()) AS may_alter
      FROM target JOIN pg_catalog.pg_class cl ON cl.oid OPERATOR(pg_catalog.=) target.rel
      JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) cl.oid
      JOIN pg_catalog.pg_type t ON t.oid OPERATOR(pg_catalog.=) a.atttypid
      WHERE cl.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p', 'm', 'f']::pg_catalog.char[])
        AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped
        AND COALESCE(a.attstattarget::pg_catalog.int4, -1) OPERATOR(pg_catalog.<>) 0
        AND (t.typtype OPERATOR(pg_catalog.=) ANY (ARRAY['c', 'd', 'r', 'm']::pg_catalog.char[]) OR t.typelem OPERATOR(pg_catalog.<>) 0))
    SELECT DISTINCT cols.rel::pg_catalog.regclass AS rel, cols.relkind, cols.attname, cols.was_set, cols.may_alter
    FROM cols CROSS JOIN LATERAL @extschema@.held_types(cols.typ, -1) held
    WHERE @extschema@.encrypted_type_name(held.typ) IS NOT NULL
  LOOP
    IF NOT r.may_alter THEN
      RAISE WARNING 'colcrypt: column % of % now holds encrypted values, and its statistics target is not 0', r.attname, r.rel
        USING HINT = 'Its owner should run ALTER TABLE … ALTER COLUMN … SET STATISTICS 0: until then colcrypt refuses to ANALYZE the table, which would publish how often each value comes in pg_stats.';
      CONTINUE;
    END IF;
    EXECUTE pg_catalog.format('ALTER %s %s ALTER COLUMN %I SET STATISTICS 0',
      CASE r.relkind WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, r.rel, r.attname);
    -- A target someone set (ALTER … SET STATISTICS 500) is not overridden in silence.
    IF r.was_set THEN
      RAISE WARNING 'colcrypt: statistics target of column % of % set back to 0', r.attname, r.rel
        USING DETAIL = 'Its values hold encrypted values: ANALYZE would compare them decrypted and publish how often each comes in pg_stats.';
    END IF;
  END LOOP;
  -- A column (or a composite's field) of a row type that holds an encrypted field without a key
  -- name, at any depth: a view's row type can (an attacker review stored values under
  -- __transient in a column of one), and its field cannot be given a key.
  FOR r IN
    WITH cmd AS (SELECT pg_catalog.unnest(rels) AS rel),
    cols AS (
      SELECT a.attrelid::pg_catalog.regclass AS rel, a.attname, a.atttypid AS typ
      FROM cmd JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) cmd.rel
      JOIN pg_catalog.pg_type t ON t.oid OPERATOR(pg_catalog.=) a.atttypid
      WHERE a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped
        AND (t.typtype OPERATOR(pg_catalog.=) ANY (ARRAY['c', 'd']::pg_catalog.char[]) OR t.typelem OPERATOR(pg_catalog.<>) 0))
    SELECT DISTINCT cols.rel, cols.attname, ft.oid::pg_catalog.regtype AS rowtype, fa.attname AS field
    FROM cols CROSS JOIN LATERAL @extschema@.held_types(cols.typ, -1) held
    JOIN pg_catalog.pg_type ft ON ft.oid OPERATOR(pg_catalog.=) held.typ AND ft.typrelid OPERATOR(pg_catalog.<>) 0
    JOIN pg_catalog.pg_attribute fa ON fa.attrelid OPERATOR(pg_catalog.=) ft.typrelid
    WHERE fa.attnum OPERATOR(pg_catalog.>) 0 AND NOT fa.attisdropped AND fa.atttypmod OPERATOR(pg_catalog.<) 0
      AND @extschema@.encrypted_type_name(fa.atttypid) IS NOT NULL
  LOOP
    RAISE EXCEPTION 'colcrypt: column % of % is of row type %, whose field % is an encrypted type that names no key', r.attname, r.rel, r.rowtype, r.field
      USING ERRCODE = '42P16',
            HINT = 'Name the key where the row type is defined (a view''s query: ::@extschema@.encrypted_text(default)), or use a composite type (CREATE TYPE), whose fields are given the default key.';
  END LOOP;
  -- A view whose column names no key, once its row type is a column's type (CREATE OR REPLACE
  -- VIEW can add such a column to a view already used so: another review stored values under
  -- __transient that way).
  FOR r IN
    SELECT cl.oid::pg_catalog.regclass AS v, a.attname
    FROM pg_catalog.pg_event_trigger_ddl_commands() c
    JOIN pg_catalog.pg_class cl ON cl.oid OPERATOR(pg_catalog.=) c.objid AND cl.relkind OPERATOR(pg_catalog.=) 'v'
    JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) cl.oid
    WHERE c.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
      AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped AND a.atttypmod OPERATOR(pg_catalog.<) 0
      AND @extschema@.encrypted_type_name(a.atttypid) IS NOT NULL
      AND EXISTS (SELECT FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_type vt ON vt.oid OPERATOR(pg_catalog.=) cl.reltype
                  WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
                    AND d.objsubid OPERATOR(pg_catalog.>) 0
                    AND d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_type'::pg_catalog.regclass
                    AND d.refobjid OPERATOR(pg_catalog.=) ANY (ARRAY[vt.oid, vt.typarray]))
  LOOP
    RAISE EXCEPTION 'colcrypt: column % of view % names no key, and the view''s row type is a column''s type', r.attname, r.v
      USING ERRCODE = '42P16', HINT = 'Name the key in the view''s query, as in ::@extschema@.encrypted_text(default).';
  END LOOP;
  FOR r IN
    SELECT d.oid::pg_catalog.regtype AS dom FROM pg_catalog.pg_event_trigger_ddl_commands() c
    JOIN pg_catalog.pg_type d ON d.oid OPERATOR(pg_catalog.=) c.objid
    WHERE c.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_type'::pg_catalog.regclass AND d.typtype OPERATOR(pg_catalog.=) 'd'
      AND d.typtypmod OPERATOR(pg_catalog.<) 0
      AND @extschema@.encrypted_type_name(d.typbasetype) IS NOT NULL
  LOOP
    RAISE EXCEPTION 'colcrypt: domain % is over an encrypted type that names no key', r.dom
      USING ERRCODE = '42P16', HINT = 'Name the key in the domain''s base type, as in colcrypt.encrypted_text(default).';
  END LOOP;
  -- A range's bounds go through the element type's input without a type modifier (so under
  -- __transient, which no one can deny or destroy) and are ordered by blind index, not value.
  FOR r IN
    SELECT rg.rngtypid::pg_catalog.regtype AS rng FROM pg_catalog.pg_event_trigger_ddl_commands() c
    JOIN pg_catalog.pg_range rg ON rg.rngtypid OPERATOR(pg_catalog.=) c.objid
    WHERE c.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_type'::pg_catalog.regclass
      AND @extschema@.encrypted_type_name(rg.rngsubtype) IS NOT NULL
  LOOP
    RAISE EXCEPTION 'colcrypt: range type % is over an encrypted type', r.rng
      USING ERRCODE = '42P16', HINT = 'Keep the bounds in encrypted columns of their own, or use a range of the plaintext type.';
  END LOOP;
END $$;
CREATE EVENT TRIGGER colcrypt_name_default_key ON ddl_command_end
  WHEN TAG IN ('CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO', 'ALTER TABLE', 'CREATE MATERIALIZED VIEW', 'ALTER MATERIALIZED VIEW',
               'CREATE TYPE', 'ALTER TYPE', 'CREATE DOMAIN', 'CREATE FOREIGN TABLE', 'ALTER FOREIGN TABLE',
               'CREATE SCHEMA', 'IMPORT FOREIGN SCHEMA', 'CREATE VIEW')
  EXECUTE FUNCTION @extschema@.name_default_key();
ALTER EVENT TRIGGER colcrypt_name_default_key ENABLE ALWAYS;
COMMENT ON FUNCTION @extschema@.name_default_key() IS
  'Event trigger: gives an encrypted column declared without a key name the key default (encrypted_text becomes encrypted_text(default)); refuses such materialized view columns and domains, and range types over encrypted types.';

-- envelope_info also reads a searchable value's stored form (colcrypt.envelope(v)).
COMMENT ON FUNCTION @extschema@.envelope_info(bytea) IS
  'envelope_info(ciphertext): version, algorithm and key id read from the envelope header (never key or plaintext bytes), also of a searchable value''s stored form (colcrypt.envelope(v)). It does not authenticate the value.';


-- Casts from the types each plaintext type takes by assignment. 0.1.0's were I/O casts (each
-- value sealed first as input with no key modifier, then opened and sealed again under the
-- column's key), and some were missing (int8 or numeric into encrypted_int4, timestamp into
-- encrypted_date): they become the plaintext type's cast and one seal (src/types.rs
-- type_from_other). Nothing depends on an I/O cast, so those are dropped and created.
CREATE FUNCTION @extschema@.encrypted_text(character varying, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_text
  AS 'MODULE_PATHNAME', 'encrypted_text_from_other_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
DROP CAST IF EXISTS (character varying AS @extschema@.encrypted_text);
CREATE CAST (character varying AS @extschema@.encrypted_text) WITH FUNCTION @extschema@.encrypted_text(character varying, integer, boolean) AS ASSIGNMENT;
CREATE FUNCTION @extschema@.encrypted_text(character, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_text
  AS 'MODULE_PATHNAME', 'encrypted_text_from_other_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
DROP CAST IF EXISTS (character AS @extschema@.encrypted_text);
CREATE CAST (character AS @extschema@.encrypted_text) WITH FUNCTION @extschema@.encrypted_text(character, integer, boolean) AS ASSIGNMENT;
CREATE FUNCTION @extschema@.encrypted_jsonb(json, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_jsonb
  AS 'MODULE_PATHNAME', 'encrypted_jsonb_from_other_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
DROP CAST IF EXISTS (json AS @extschema@.encrypted_jsonb);
CREATE CAST (json AS @extschema@.encrypted_jsonb) WITH FUNCTION @extschema@.encrypted_jsonb(json, integer, boolean) AS ASSIGNMENT;
CREATE FUNCTION @extschema@.encrypted_int4(smallint, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_int4
  AS 'MODULE_PATHNAME', 'encrypted_int4_from_other_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
DROP CAST IF EXISTS (smallint AS @extschema@.encrypted_int4);
CREATE CAST (smallint AS @extschema@.encrypted_int4) WITH FUNCTION @extschema@.encrypted_int4(smallint, integer, boolean) AS ASSIGNMENT;
CREATE FUNCTION @extschema@.encrypted_int4(bigint, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_int4
  AS 'MODULE_PATHNAME', 'encrypted_int4_from_other_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
DROP CAST IF EXISTS (bigint AS @extschema@.encrypted_int4);
CREATE CAST (bigint AS @extschema@.encrypted_int4) WITH FUNCTION @extschema@.encrypted_int4(bigint, integer, boolean) AS ASSIGNMENT;
CREATE FUNCTION @extschema@.encrypted_int4(numeric, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_int4
  AS 'MODULE_PATHNAME', 'encrypted_int4_from_other_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
DROP CAST IF EXISTS (numeric AS @extschema@.encrypted_int4);
CREATE CAST (numeric AS @extschema@.encrypted_int4) WITH FUNCTION @extschema@.encrypted_int4(numeric, integer, boolean) AS ASSIGNMENT;
CREATE FUNCTION @extschema@.encrypted_int4(real, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_int4
  AS 'MODULE_PATHNAME', 'encrypted_int4_from_other_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
DROP CAST IF EXISTS (real AS @extschema@.encrypted_int4);
CREATE CAST (real AS @extschema@.encrypted_int4) WITH FUNCTION @extschema@.encrypted_int4(real, integer, boolean) AS ASSIGNMENT;
CREATE FUNCTION @extschema@.encrypted_int4(double precision, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_int4
  AS 'MODULE_PATHNAME', 'encrypted_int4_from_other_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
DROP CAST IF EXISTS (double precision AS @extschema@.encrypted_int4);
CREATE CAST (double precision AS @extschema@.encrypted_int4) WITH FUNCTION @extschema@.encrypted_int4(double precision, integer, boolean) AS ASSIGNMENT;
CREATE FUNCTION @extschema@.encrypted_int8(smallint, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_int8
  AS 'MODULE_PATHNAME', 'encrypted_int8_from_other_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
DROP CAST IF EXISTS (smallint AS @extschema@.encrypted_int8);
CREATE CAST (smallint AS @extschema@.encrypted_int8) WITH FUNCTION @extschema@.encrypted_int8(smallint, integer, boolean) AS ASSIGNMENT;
CREATE FUNCTION @extschema@.encrypted_int8(integer, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_int8
  AS 'MODULE_PATHNAME', 'encrypted_int8_from_other_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
DROP CAST IF EXISTS (integer AS @extschema@.encrypted_int8);
CREATE CAST (integer AS @extschema@.encrypted_int8) WITH FUNCTION @extschema@.encrypted_int8(integer, integer, boolean) AS ASSIGNMENT;
CREATE FUNCTION @extschema@.encrypted_int8(numeric, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_int8
  AS 'MODULE_PATHNAME', 'encrypted_int8_from_other_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
DROP CAST IF EXISTS (numeric AS @extschema@.encrypted_int8);
CREATE CAST (numeric AS @extschema@.encrypted_int8) WITH FUNCTION @extschema@.encrypted_int8(numeric, integer, boolean) AS ASSIGNMENT;
CREATE FUNCTION @extschema@.encrypted_int8(real, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_int8
  AS 'MODULE_PATHNAME', 'encrypted_int8_from_other_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
DROP CAST IF EXISTS (real AS @extschema@.encrypted_int8);
CREATE CAST (real AS @extschema@.encrypted_int8) WITH FUNCTION @extschema@.encrypted_int8(real, integer, boolean) AS ASSIGNMENT;
CREATE FUNCTION @extschema@.encrypted_int8(double precision, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_int8
  AS 'MODULE_PATHNAME', 'encrypted_int8_from_other_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
DROP CAST IF EXISTS (double precision AS @extschema@.encrypted_int8);
CREATE CAST (double precision AS @extschema@.encrypted_int8) WITH FUNCTION @extschema@.encrypted_int8(double precision, integer, boolean) AS ASSIGNMENT;
CREATE FUNCTION @extschema@.encrypted_numeric(smallint, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_numeric
  AS 'MODULE_PATHNAME', 'encrypted_numeric_from_other_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
DROP CAST IF EXISTS (smallint AS @extschema@.encrypted_numeric);
CREATE CAST (smallint AS @extschema@.encrypted_numeric) WITH FUNCTION @extschema@.encrypted_numeric(smallint, integer, boolean) AS ASSIGNMENT;
CREATE FUNCTION @extschema@.encrypted_numeric(integer, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_numeric
  AS 'MODULE_PATHNAME', 'encrypted_numeric_from_other_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
DROP CAST IF EXISTS (integer AS @extschema@.encrypted_numeric);
CREATE CAST (integer AS @extschema@.encrypted_numeric) WITH FUNCTION @extschema@.encrypted_numeric(integer, integer, boolean) AS ASSIGNMENT;
CREATE FUNCTION @extschema@.encrypted_numeric(bigint, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_numeric
  AS 'MODULE_PATHNAME', 'encrypted_numeric_from_other_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
DROP CAST IF EXISTS (bigint AS @extschema@.encrypted_numeric);
CREATE CAST (bigint AS @extschema@.encrypted_numeric) WITH FUNCTION @extschema@.encrypted_numeric(bigint, integer, boolean) AS ASSIGNMENT;
CREATE FUNCTION @extschema@.encrypted_numeric(real, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_numeric
  AS 'MODULE_PATHNAME', 'encrypted_numeric_from_other_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
DROP CAST IF EXISTS (real AS @extschema@.encrypted_numeric);
CREATE CAST (real AS @extschema@.encrypted_numeric) WITH FUNCTION @extschema@.encrypted_numeric(real, integer, boolean) AS ASSIGNMENT;
CREATE FUNCTION @extschema@.encrypted_numeric(double precision, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_numeric
  AS 'MODULE_PATHNAME', 'encrypted_numeric_from_other_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
DROP CAST IF EXISTS (double precision AS @extschema@.encrypted_numeric);
CREATE CAST (double precision AS @extschema@.encrypted_numeric) WITH FUNCTION @extschema@.encrypted_numeric(double precision, integer, boolean) AS ASSIGNMENT;
CREATE FUNCTION @extschema@.encrypted_float8(smallint, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_float8
  AS 'MODULE_PATHNAME', 'encrypted_float8_from_other_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
DROP CAST IF EXISTS (smallint AS @extschema@.encrypted_float8);
CREATE CAST (smallint AS @extschema@.encrypted_float8) WITH FUNCTION @extschema@.encrypted_float8(smallint, integer, boolean) AS ASSIGNMENT;
CREATE FUNCTION @extschema@.encrypted_float8(integer, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_float8
  AS 'MODULE_PATHNAME', 'encrypted_float8_from_other_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
DROP CAST IF EXISTS (integer AS @extschema@.encrypted_float8);
CREATE CAST (integer AS @extschema@.encrypted_float8) WITH FUNCTION @extschema@.encrypted_float8(integer, integer, boolean) AS ASSIGNMENT;
CREATE FUNCTION @extschema@.encrypted_float8(bigint, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_float8
  AS 'MODULE_PATHNAME', 'encrypted_float8_from_other_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
DROP CAST IF EXISTS (bigint AS @extschema@.encrypted_float8);
CREATE CAST (bigint AS @extschema@.encrypted_float8) WITH FUNCTION @extschema@.encrypted_float8(bigint, integer, boolean) AS ASSIGNMENT;
CREATE FUNCTION @extschema@.encrypted_float8(real, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_float8
  AS 'MODULE_PATHNAME', 'encrypted_float8_from_other_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
DROP CAST IF EXISTS (real AS @extschema@.encrypted_float8);
CREATE CAST (real AS @extschema@.encrypted_float8) WITH FUNCTION @extschema@.encrypted_float8(real, integer, boolean) AS ASSIGNMENT;
CREATE FUNCTION @extschema@.encrypted_float8(numeric, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_float8
  AS 'MODULE_PATHNAME', 'encrypted_float8_from_other_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
DROP CAST IF EXISTS (numeric AS @extschema@.encrypted_float8);
CREATE CAST (numeric AS @extschema@.encrypted_float8) WITH FUNCTION @extschema@.encrypted_float8(numeric, integer, boolean) AS ASSIGNMENT;
CREATE FUNCTION @extschema@.encrypted_date(timestamp without time zone, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_date
  AS 'MODULE_PATHNAME', 'encrypted_date_from_other_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
DROP CAST IF EXISTS (timestamp without time zone AS @extschema@.encrypted_date);
CREATE CAST (timestamp without time zone AS @extschema@.encrypted_date) WITH FUNCTION @extschema@.encrypted_date(timestamp without time zone, integer, boolean) AS ASSIGNMENT;
CREATE FUNCTION @extschema@.encrypted_date(timestamp with time zone, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_date
  AS 'MODULE_PATHNAME', 'encrypted_date_from_other_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
DROP CAST IF EXISTS (timestamp with time zone AS @extschema@.encrypted_date);
CREATE CAST (timestamp with time zone AS @extschema@.encrypted_date) WITH FUNCTION @extschema@.encrypted_date(timestamp with time zone, integer, boolean) AS ASSIGNMENT;
CREATE FUNCTION @extschema@.encrypted_timestamptz(timestamp without time zone, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_timestamptz
  AS 'MODULE_PATHNAME', 'encrypted_timestamptz_from_other_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
DROP CAST IF EXISTS (timestamp without time zone AS @extschema@.encrypted_timestamptz);
CREATE CAST (timestamp without time zone AS @extschema@.encrypted_timestamptz) WITH FUNCTION @extschema@.encrypted_timestamptz(timestamp without time zone, integer, boolean) AS ASSIGNMENT;
CREATE FUNCTION @extschema@.encrypted_timestamptz(date, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_timestamptz
  AS 'MODULE_PATHNAME', 'encrypted_timestamptz_from_other_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
DROP CAST IF EXISTS (date AS @extschema@.encrypted_timestamptz);
CREATE CAST (date AS @extschema@.encrypted_timestamptz) WITH FUNCTION @extschema@.encrypted_timestamptz(date, integer, boolean) AS ASSIGNMENT;

-- ---- Citus (src/citus.rs) ----
CREATE FUNCTION @extschema@.citus_apply_keys(state text) RETURNS void
  AS 'MODULE_PATHNAME', 'citus_apply_keys_wrapper' LANGUAGE C STRICT VOLATILE;
CREATE FUNCTION @extschema@.citus_key_digest() RETURNS text
  AS 'MODULE_PATHNAME', 'citus_key_digest_wrapper' LANGUAGE C STRICT VOLATILE;
CREATE FUNCTION @extschema@.citus_keys_in_sync() RETURNS TABLE (node_name text, node_port int, in_sync bool, problem text)
  AS 'MODULE_PATHNAME', 'citus_keys_in_sync_wrapper' LANGUAGE C STRICT VOLATILE;
CREATE FUNCTION @extschema@.citus_sync_keys() RETURNS bigint
  AS 'MODULE_PATHNAME', 'citus_sync_keys_wrapper' LANGUAGE C STRICT VOLATILE;
-- Citus (src/citus.rs): the coordinator applies key changes to every node; only a superuser (the
-- coordinator's connection as the key tables' owner) may apply a key state, and key admins sync
-- and compare nodes.
REVOKE EXECUTE ON FUNCTION @extschema@.citus_apply_keys(text), @extschema@.citus_key_digest(),
  @extschema@.citus_sync_keys(), @extschema@.citus_keys_in_sync() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.citus_key_digest(), @extschema@.citus_sync_keys(),
  @extschema@.citus_keys_in_sync() TO colcrypt_key_admin;
COMMENT ON FUNCTION @extschema@.citus_apply_keys(text) IS
  'citus_apply_keys(state): internal; run by the Citus coordinator on every node to make its key tables the coordinator''s. Superusers only.';
COMMENT ON FUNCTION @extschema@.citus_key_digest() IS
  'citus_key_digest(): SHA-256 of this node''s key tables (wrapped keys, states, access lists; never key bytes), compared by citus_keys_in_sync. Role colcrypt_key_admin.';
COMMENT ON FUNCTION @extschema@.citus_sync_keys() IS
  'citus_sync_keys(): on the Citus coordinator, sends its keys to every node with metadata in this transaction (after citus_add_node); returns the number of worker nodes. Role colcrypt_key_admin.';
COMMENT ON FUNCTION @extschema@.citus_keys_in_sync() IS
  'citus_keys_in_sync(): on the Citus coordinator, one row per worker: whether its keys equal the coordinator''s, and why not. Role colcrypt_key_admin.';


-- ---- Columns that name no key ----
-- In 0.1.0 a column declared without a key name (encrypted_text) kept its values under the key
-- default. 0.2.0 gives such columns default explicitly (event trigger colcrypt_name_default_key),
-- because values arriving without a type modifier are sealed under __transient until a column's
-- key takes them. Their values are already under default, so only the type modifier changes:
-- set in the catalog, with no table rewrite and no lock beyond this transaction's, and with the
-- columns' views and indexes left in place (ALTER TABLE … TYPE would rewrite every table and
-- fail on any column a view uses). The same for composite types' attributes and domains.
-- Materialized view columns keep no modifier: REFRESH writes what their query computes.
DO $$
DECLARE
  default_typmod pg_catalog.int4 := @extschema@.encrypted_typmod_in(ARRAY['default']::pg_catalog.cstring[]);
  enc pg_catalog.oid[];
  n pg_catalog.int8;
BEGIN
  -- The encrypted types and their array types.
  WITH base AS (
    SELECT t.oid FROM pg_catalog.pg_type t JOIN pg_catalog.pg_proc p ON p.oid OPERATOR(pg_catalog.=) t.typinput
    WHERE t.typnamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace
      AND p.pronamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace
      AND p.proname OPERATOR(pg_catalog.~~) 'encrypted\_%\_in')
  SELECT pg_catalog.array_agg(t.oid) INTO enc FROM pg_catalog.pg_type t
  WHERE t.oid IN (SELECT oid FROM base) OR t.typelem IN (SELECT oid FROM base);
  -- Table, foreign table and composite type columns, and the index columns over them.
  UPDATE pg_catalog.pg_attribute a SET atttypmod = default_typmod
  FROM pg_catalog.pg_class c
  WHERE c.oid OPERATOR(pg_catalog.=) a.attrelid
    AND c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p', 'f', 'c', 'i', 'I']::pg_catalog."char"[])
    AND a.atttypid OPERATOR(pg_catalog.=) ANY (enc) AND a.atttypmod OPERATOR(pg_catalog.<) 0
    AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped
    AND c.relnamespace OPERATOR(pg_catalog.<>) '@extschema@'::pg_catalog.regnamespace;
  GET DIAGNOSTICS n = ROW_COUNT;
  IF n OPERATOR(pg_catalog.>) 0 THEN
    RAISE NOTICE 'colcrypt: % columns without a key name now name the key default, which holds their values', n;
  END IF;
  UPDATE pg_catalog.pg_type d SET typtypmod = default_typmod
  WHERE d.typtype OPERATOR(pg_catalog.=) 'd' AND d.typbasetype OPERATOR(pg_catalog.=) ANY (enc)
    AND d.typtypmod OPERATOR(pg_catalog.<) 0;
END $$;

-- The casts from plaintext types take a one-argument call: Citus builds one for INSERT … SELECT
-- with a plaintext select list, which failed with "not enough default arguments". The type
-- modifier defaults to -1, as for any value not yet in a column; each value then reaches its
-- shard through the column's input or assignment, under the column's key (t_citus.sh).
CREATE OR REPLACE FUNCTION @extschema@.encrypted_text(text, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_text
  AS 'MODULE_PATHNAME', 'encrypted_text_from_plain_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE OR REPLACE FUNCTION @extschema@.encrypted_bytea(bytea, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_bytea
  AS 'MODULE_PATHNAME', 'encrypted_bytea_from_plain_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE OR REPLACE FUNCTION @extschema@.encrypted_jsonb(jsonb, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_jsonb
  AS 'MODULE_PATHNAME', 'encrypted_jsonb_from_plain_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE OR REPLACE FUNCTION @extschema@.encrypted_int4(integer, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_int4
  AS 'MODULE_PATHNAME', 'encrypted_int4_from_plain_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE OR REPLACE FUNCTION @extschema@.encrypted_int8(bigint, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_int8
  AS 'MODULE_PATHNAME', 'encrypted_int8_from_plain_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE OR REPLACE FUNCTION @extschema@.encrypted_numeric(numeric, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_numeric
  AS 'MODULE_PATHNAME', 'encrypted_numeric_from_plain_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE OR REPLACE FUNCTION @extschema@.encrypted_float8(double precision, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_float8
  AS 'MODULE_PATHNAME', 'encrypted_float8_from_plain_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE OR REPLACE FUNCTION @extschema@.encrypted_bool(boolean, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_bool
  AS 'MODULE_PATHNAME', 'encrypted_bool_from_plain_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE OR REPLACE FUNCTION @extschema@.encrypted_date(date, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_date
  AS 'MODULE_PATHNAME', 'encrypted_date_from_plain_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;
CREATE OR REPLACE FUNCTION @extschema@.encrypted_timestamptz(timestamp with time zone, integer DEFAULT -1, boolean DEFAULT false) RETURNS @extschema@.encrypted_timestamptz
  AS 'MODULE_PATHNAME', 'encrypted_timestamptz_from_plain_wrapper' LANGUAGE C STRICT STABLE PARALLEL RESTRICTED;

-- 0.1.0 allowed indexes over encrypted columns that are not searchable; 0.2.0 refuses new ones
-- and never plans these (their order shows which values are equal). They are kept, not dropped
-- here: say which, and what to do.
DO $$
DECLARE
  found text;
  r record;
BEGIN
  SELECT pg_catalog.string_agg(DISTINCT i.indexrelid::pg_catalog.regclass::pg_catalog.text, ', ') INTO found
  FROM pg_catalog.pg_index i JOIN pg_catalog.pg_attribute a
    ON a.attrelid OPERATOR(pg_catalog.=) i.indrelid AND a.attnum OPERATOR(pg_catalog.=) ANY (i.indkey::pg_catalog.int2[])
  JOIN pg_catalog.pg_type at ON at.oid OPERATOR(pg_catalog.=) a.atttypid
  JOIN pg_catalog.pg_type et ON et.oid OPERATOR(pg_catalog.=)
    (CASE WHEN at.typelem OPERATOR(pg_catalog.<>) 0 AND at.typlen OPERATOR(pg_catalog.=) -1 THEN at.typelem ELSE at.oid END)
  -- (encrypted_type_name reads typinput's text, which is not schema-qualified under this
  -- script's search_path.)
  WHERE et.typnamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace
    AND et.typname OPERATOR(pg_catalog.~~) 'encrypted\_%'
    AND (a.atttypmod OPERATOR(pg_catalog.<) 0 OR (a.atttypmod OPERATOR(pg_catalog.&) 1) OPERATOR(pg_catalog.=) 0);
  -- Columns of arrays and row types that hold encrypted values: ANALYZE would summarise them
  -- with a decrypting equality (0.2.0 gives new ones a statistics target of 0 too).
  FOR r IN
    SELECT a.attrelid::pg_catalog.regclass AS rel, cl.relkind, a.attname
    FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class cl ON cl.oid OPERATOR(pg_catalog.=) a.attrelid
    JOIN pg_catalog.pg_type t ON t.oid OPERATOR(pg_catalog.=) a.atttypid
    WHERE cl.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p', 'm', 'f']::pg_catalog.char[])
      AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped AND a.attstattarget OPERATOR(pg_catalog.<>) 0
      AND EXISTS (SELECT FROM pg_catalog.pg_type e
                  WHERE e.typnamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace
                    AND e.typname OPERATOR(pg_catalog.~~) 'encrypted\_%'
                    AND (e.oid OPERATOR(pg_catalog.=) t.typelem
                         OR e.oid IN (SELECT f.atttypid FROM pg_catalog.pg_attribute f
                                      WHERE f.attrelid OPERATOR(pg_catalog.=) t.typrelid AND t.typrelid OPERATOR(pg_catalog.<>) 0
                                        AND f.attnum OPERATOR(pg_catalog.>) 0 AND NOT f.attisdropped)))
  LOOP
    EXECUTE pg_catalog.format('ALTER %s %s ALTER COLUMN %I SET STATISTICS 0',
      CASE r.relkind WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, r.rel, r.attname);
  END LOOP;
  IF found IS NOT NULL THEN
    RAISE WARNING 'colcrypt: indexes over encrypted columns that are not searchable: %', found
      USING HINT = 'They are no longer used by queries and a dump will not restore them: drop each, or make its column searchable (ALTER TABLE t ALTER c TYPE colcrypt.encrypted_text(key, searchable)).';
  END IF;
END $$;

-- Round 15 of the attacker reviews: applied to a literal, each type's own hash and btree comparison,
-- and the cross-type comparisons, gave a guess's blind index (its first 32 bits, its order) with
-- no right to any key. Index scans, sorts and joins call them without an EXECUTE check.
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_text_hash(@extschema@.encrypted_text), @extschema@.encrypted_text_cmp(@extschema@.encrypted_text, @extschema@.encrypted_text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_bytea_hash(@extschema@.encrypted_bytea), @extschema@.encrypted_bytea_cmp(@extschema@.encrypted_bytea, @extschema@.encrypted_bytea) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_jsonb_hash(@extschema@.encrypted_jsonb), @extschema@.encrypted_jsonb_cmp(@extschema@.encrypted_jsonb, @extschema@.encrypted_jsonb) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_int4_hash(@extschema@.encrypted_int4), @extschema@.encrypted_int4_cmp(@extschema@.encrypted_int4, @extschema@.encrypted_int4) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_int8_hash(@extschema@.encrypted_int8), @extschema@.encrypted_int8_cmp(@extschema@.encrypted_int8, @extschema@.encrypted_int8) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_numeric_hash(@extschema@.encrypted_numeric), @extschema@.encrypted_numeric_cmp(@extschema@.encrypted_numeric, @extschema@.encrypted_numeric) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_float8_hash(@extschema@.encrypted_float8), @extschema@.encrypted_float8_cmp(@extschema@.encrypted_float8, @extschema@.encrypted_float8) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_bool_hash(@extschema@.encrypted_bool), @extschema@.encrypted_bool_cmp(@extschema@.encrypted_bool, @extschema@.encrypted_bool) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_date_hash(@extschema@.encrypted_date), @extschema@.encrypted_date_cmp(@extschema@.encrypted_date, @extschema@.encrypted_date) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_timestamptz_hash(@extschema@.encrypted_timestamptz), @extschema@.encrypted_timestamptz_cmp(@extschema@.encrypted_timestamptz, @extschema@.encrypted_timestamptz) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_text_cmp_text(@extschema@.encrypted_text, text), @extschema@.encrypted_text_rev_cmp_text(text, @extschema@.encrypted_text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_bytea_cmp_bytea(@extschema@.encrypted_bytea, bytea), @extschema@.encrypted_bytea_rev_cmp_bytea(bytea, @extschema@.encrypted_bytea) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_jsonb_cmp_jsonb(@extschema@.encrypted_jsonb, jsonb), @extschema@.encrypted_jsonb_rev_cmp_jsonb(jsonb, @extschema@.encrypted_jsonb) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_int4_cmp_int2(@extschema@.encrypted_int4, smallint), @extschema@.encrypted_int4_rev_cmp_int2(smallint, @extschema@.encrypted_int4) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_int4_cmp_int4(@extschema@.encrypted_int4, integer), @extschema@.encrypted_int4_rev_cmp_int4(integer, @extschema@.encrypted_int4) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_int4_cmp_int8(@extschema@.encrypted_int4, bigint), @extschema@.encrypted_int4_rev_cmp_int8(bigint, @extschema@.encrypted_int4) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_int4_cmp_numeric(@extschema@.encrypted_int4, numeric), @extschema@.encrypted_int4_rev_cmp_numeric(numeric, @extschema@.encrypted_int4) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_int4_cmp_float8(@extschema@.encrypted_int4, double precision), @extschema@.encrypted_int4_rev_cmp_float8(double precision, @extschema@.encrypted_int4) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_int8_cmp_int2(@extschema@.encrypted_int8, smallint), @extschema@.encrypted_int8_rev_cmp_int2(smallint, @extschema@.encrypted_int8) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_int8_cmp_int4(@extschema@.encrypted_int8, integer), @extschema@.encrypted_int8_rev_cmp_int4(integer, @extschema@.encrypted_int8) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_int8_cmp_int8(@extschema@.encrypted_int8, bigint), @extschema@.encrypted_int8_rev_cmp_int8(bigint, @extschema@.encrypted_int8) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_int8_cmp_numeric(@extschema@.encrypted_int8, numeric), @extschema@.encrypted_int8_rev_cmp_numeric(numeric, @extschema@.encrypted_int8) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_int8_cmp_float8(@extschema@.encrypted_int8, double precision), @extschema@.encrypted_int8_rev_cmp_float8(double precision, @extschema@.encrypted_int8) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_numeric_cmp_int2(@extschema@.encrypted_numeric, smallint), @extschema@.encrypted_numeric_rev_cmp_int2(smallint, @extschema@.encrypted_numeric) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_numeric_cmp_int4(@extschema@.encrypted_numeric, integer), @extschema@.encrypted_numeric_rev_cmp_int4(integer, @extschema@.encrypted_numeric) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_numeric_cmp_int8(@extschema@.encrypted_numeric, bigint), @extschema@.encrypted_numeric_rev_cmp_int8(bigint, @extschema@.encrypted_numeric) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_numeric_cmp_numeric(@extschema@.encrypted_numeric, numeric), @extschema@.encrypted_numeric_rev_cmp_numeric(numeric, @extschema@.encrypted_numeric) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_numeric_cmp_float8(@extschema@.encrypted_numeric, double precision), @extschema@.encrypted_numeric_rev_cmp_float8(double precision, @extschema@.encrypted_numeric) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_float8_cmp_float4(@extschema@.encrypted_float8, real), @extschema@.encrypted_float8_rev_cmp_float4(real, @extschema@.encrypted_float8) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_float8_cmp_float8(@extschema@.encrypted_float8, double precision), @extschema@.encrypted_float8_rev_cmp_float8(double precision, @extschema@.encrypted_float8) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_bool_cmp_bool(@extschema@.encrypted_bool, boolean), @extschema@.encrypted_bool_rev_cmp_bool(boolean, @extschema@.encrypted_bool) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_date_cmp_date(@extschema@.encrypted_date, date), @extschema@.encrypted_date_rev_cmp_date(date, @extschema@.encrypted_date) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_date_cmp_timestamptz(@extschema@.encrypted_date, timestamp with time zone), @extschema@.encrypted_date_rev_cmp_timestamptz(timestamp with time zone, @extschema@.encrypted_date) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.encrypted_timestamptz_cmp_timestamptz(@extschema@.encrypted_timestamptz, timestamp with time zone), @extschema@.encrypted_timestamptz_rev_cmp_timestamptz(timestamp with time zone, @extschema@.encrypted_timestamptz) FROM PUBLIC;
