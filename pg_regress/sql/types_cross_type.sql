-- Equality from drivers: a parameter bound as a plaintext type (text, varchar, int8, numeric ...)
-- against an encrypted column, under the default search_path, through the blind index.
-- The operators = and <> live in pg_catalog, so no search_path setting is needed.
\set VERBOSITY sqlstate
SET client_min_messages = warning;
SET search_path = "$user", public;
SELECT colcrypt.create_key('xt') > 0 AS created;

-- 1. Where the operators are: = and <> in pg_catalog (same-type and cross-type), the order
-- operators of the btree classes in colcrypt.
SELECT o.oprnamespace::regnamespace AS schema, o.oprname, count(*)
FROM pg_operator o
WHERE o.oprleft IN (SELECT oid FROM pg_type WHERE typnamespace = 'colcrypt'::regnamespace)
   OR o.oprright IN (SELECT oid FROM pg_type WHERE typnamespace = 'colcrypt'::regnamespace)
GROUP BY 1, 2 ORDER BY 1, 2;
-- Every pair, both ways, is in its type's btree and hash families.
SELECT o.oprleft::regtype AS left, o.oprright::regtype AS right,
       string_agg(DISTINCT am.amname, ',' ORDER BY am.amname) AS families
FROM pg_operator o
JOIN pg_amop ao ON ao.amopopr = o.oid
JOIN pg_am am ON am.oid = ao.amopmethod
WHERE o.oprname = '=' AND o.oprnamespace = 'pg_catalog'::regnamespace
  AND (o.oprleft IN (SELECT oid FROM pg_type WHERE typnamespace = 'colcrypt'::regnamespace)
       OR o.oprright IN (SELECT oid FROM pg_type WHERE typnamespace = 'colcrypt'::regnamespace))
  AND o.oprleft <> o.oprright
GROUP BY 1, 2 ORDER BY 1::text, 2::text;

-- 2. Equality agrees with the plaintext type's own = for every pair, both ways, and <> with
-- <>, on searchable columns (stored blind index) and on columns that are not (decrypting):
-- NULLs, values out of the encrypted type's range, numeric scales, -0, NaN, infinities,
-- character's trailing spaces, timestamps in another zone.
SET TimeZone = 'Europe/Oslo';
CREATE TABLE xv (
  id int PRIMARY KEY,
  t text, b bytea, j jsonb, i4 int4, i8 int8, n numeric, f float8, bo bool, d date, ts timestamptz,
  s_t colcrypt.encrypted_text(xt, searchable), u_t colcrypt.encrypted_text(xt),
  s_b colcrypt.encrypted_bytea(xt, searchable), u_b colcrypt.encrypted_bytea(xt),
  s_j colcrypt.encrypted_jsonb(xt, searchable), u_j colcrypt.encrypted_jsonb(xt),
  s_i4 colcrypt.encrypted_int4(xt, searchable), u_i4 colcrypt.encrypted_int4(xt),
  s_i8 colcrypt.encrypted_int8(xt, searchable), u_i8 colcrypt.encrypted_int8(xt),
  s_n colcrypt.encrypted_numeric(xt, searchable), u_n colcrypt.encrypted_numeric(xt),
  s_f colcrypt.encrypted_float8(xt, searchable), u_f colcrypt.encrypted_float8(xt),
  s_bo colcrypt.encrypted_bool(xt, searchable), u_bo colcrypt.encrypted_bool(xt),
  s_d colcrypt.encrypted_date(xt, searchable), u_d colcrypt.encrypted_date(xt),
  s_ts colcrypt.encrypted_timestamptz(xt, searchable), u_ts colcrypt.encrypted_timestamptz(xt)
);
INSERT INTO xv (id, t, b, j, i4, i8, n, f, bo, d, ts)
SELECT i,
  (ARRAY['alpha', 'beta', '', 'ab  ', 'ab', 'Ærø', NULL])[i],
  (ARRAY['\x'::bytea, '\x00', '\xdeadbeef', NULL])[i],
  (ARRAY['{"a": 1}'::jsonb, '{"a": 1.0}', '{"a": 1.5, "b": [1, "x"]}', 'null', '"s"', '-0', NULL])[i],
  (ARRAY[0, 5, -5, 2147483647, -2147483648, 32767, NULL])[i],
  (ARRAY[0, 5, 2147483648, -9223372036854775808, 9223372036854775807, -32768, NULL])[i],
  (ARRAY[1.0, 1.00, 1, 0, -0.0, 'NaN', 'Infinity', '-Infinity', 123456789012345678901234567890.5, 5, NULL])[i],
  (ARRAY[0, '-0', 'NaN', 'Infinity', '-Infinity', 1.5, 0.1, 16777217, 3.4028234663852886e38, NULL])[i],
  (ARRAY[true, false, NULL])[i],
  (ARRAY['2024-01-01'::date, 'infinity', '1999-12-31', NULL])[i],
  (ARRAY['2024-01-01 00:00+00'::timestamptz, '2024-01-01 01:00+01', '2024-06-30 23:59:59.999999+02', '-infinity', NULL])[i]
FROM generate_series(1, 11) i;
UPDATE xv SET s_t = t, u_t = t, s_b = b, u_b = b, s_j = j, u_j = j, s_i4 = i4, u_i4 = i4,
  s_i8 = i8, u_i8 = i8, s_n = n, u_n = n, s_f = f, u_f = f, s_bo = bo, u_bo = bo,
  s_d = d, u_d = d, s_ts = ts, u_ts = ts;
-- The parameters: every stored value and more, of each type drivers bind.
CREATE TABLE xp (p_text text, p_varchar varchar, p_bpchar char(4), p_bytea bytea, p_jsonb jsonb,
  p_int2 int2, p_int4 int4, p_int8 int8, p_numeric numeric, p_float4 float4, p_float8 float8,
  p_bool bool, p_date date, p_timestamptz timestamptz, p_timestamp timestamp);
INSERT INTO xp
SELECT (ARRAY['alpha', 'beta', '', 'ab  ', 'ab', 'Ærø', 'ALPHA', 'alpha ', NULL])[i],
  (ARRAY['alpha', 'beta', '', 'ab  ', 'ab', 'gamma', NULL])[i],
  (ARRAY['ab', 'ab  ', '', 'beta', 'x', NULL])[i],
  (ARRAY['\x'::bytea, '\x00', '\x0000', '\xdeadbeef', NULL])[i],
  (ARRAY['{"a": 1.00}'::jsonb, '{"a": 1}', '{"b": [1, "x"], "a": 1.50}', 'null', '"s"', '0', '[]', NULL])[i],
  (ARRAY[0, 5, -5, 32767, -32768, 7, NULL])[i],
  (ARRAY[0, 5, -5, 2147483647, -2147483648, 32767, 6, NULL])[i],
  (ARRAY[0, 5, -5, 2147483647, 2147483648, -2147483649, -9223372036854775808, 9223372036854775807, -32768, NULL])[i],
  (ARRAY[1, 1.000, 0, -0, 'NaN', 'Infinity', '-Infinity', 123456789012345678901234567890.50, 5.0, 0.1, 1.5, 16777217, NULL])[i],
  (ARRAY[0, '-0', 'NaN', 'Infinity', 1.5, 0.1, 16777217, 3.4028235e38, NULL])[i],
  (ARRAY[0, '-0', 'NaN', '-Infinity', 1.5, 0.1, 16777217, 3.4028234663852886e38, 0.1::float4, NULL])[i],
  (ARRAY[true, false, NULL])[i],
  (ARRAY['2024-01-01'::date, 'infinity', '-infinity', '2000-01-01', NULL])[i],
  (ARRAY['2024-01-01 02:00+02'::timestamptz, '2024-06-30 21:59:59.999999+00', 'infinity', '-infinity', NULL,
         '2024-01-01 00:00+01', '1999-12-31 00:00:00.000001+01'])[i],
  (ARRAY['2024-01-01 01:00'::timestamp, '2024-07-01 00:59:59.999999', '2024-01-01 00:00', NULL])[i]
FROM generate_series(1, 13) i;
-- For each pair: how many (row, parameter) combinations are equal in plaintext, and how many
-- of the encrypted comparisons (searchable and not, enc = p, p = enc, enc <> p, p <> enc)
-- disagree with the plaintext ones.
CREATE FUNCTION xt_agree(plain_col text, enc text, param text) RETURNS TABLE (equal bigint, disagree bigint)
LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY EXECUTE format(
    'SELECT count(*) FILTER (WHERE v.%1$I = p.%3$I),
            count(*) FILTER (WHERE (v.%1$I = p.%3$I) IS DISTINCT FROM (v.%2$I = p.%3$I)
                               OR (v.%1$I = p.%3$I) IS DISTINCT FROM (p.%3$I = v.%2$I)
                               OR (v.%1$I <> p.%3$I) IS DISTINCT FROM (v.%2$I <> p.%3$I)
                               OR (v.%1$I <> p.%3$I) IS DISTINCT FROM (p.%3$I <> v.%2$I)
                               OR (v.%1$I = p.%3$I) IS DISTINCT FROM (v.%4$I = p.%3$I)
                               OR (v.%1$I = p.%3$I) IS DISTINCT FROM (p.%3$I = v.%4$I)
                               OR (v.%1$I <> p.%3$I) IS DISTINCT FROM (v.%4$I <> p.%3$I))
     FROM xv v, xp p', plain_col, 's_' || enc, param, 'u_' || enc);
END $$;
SELECT pair, (xt_agree(c, e, p)).* FROM (VALUES
  ('encrypted_text = text', 't', 't', 'p_text'),
  ('encrypted_text = varchar', 't', 't', 'p_varchar'),
  ('encrypted_text = character', 't', 't', 'p_bpchar'),
  ('encrypted_bytea = bytea', 'b', 'b', 'p_bytea'),
  ('encrypted_jsonb = jsonb', 'j', 'j', 'p_jsonb'),
  ('encrypted_int4 = int2', 'i4', 'i4', 'p_int2'),
  ('encrypted_int4 = int4', 'i4', 'i4', 'p_int4'),
  ('encrypted_int4 = int8', 'i4', 'i4', 'p_int8'),
  ('encrypted_int4 = numeric', 'i4', 'i4', 'p_numeric'),
  ('encrypted_int4 = float8', 'i4', 'i4', 'p_float8'),
  ('encrypted_int4 = float4', 'i4', 'i4', 'p_float4'),
  ('encrypted_int8 = int2', 'i8', 'i8', 'p_int2'),
  ('encrypted_int8 = int4', 'i8', 'i8', 'p_int4'),
  ('encrypted_int8 = int8', 'i8', 'i8', 'p_int8'),
  ('encrypted_int8 = numeric', 'i8', 'i8', 'p_numeric'),
  ('encrypted_int8 = float8', 'i8', 'i8', 'p_float8'),
  ('encrypted_int8 = float4', 'i8', 'i8', 'p_float4'),
  ('encrypted_numeric = int2', 'n', 'n', 'p_int2'),
  ('encrypted_numeric = int4', 'n', 'n', 'p_int4'),
  ('encrypted_numeric = int8', 'n', 'n', 'p_int8'),
  ('encrypted_numeric = numeric', 'n', 'n', 'p_numeric'),
  ('encrypted_numeric = float8', 'n', 'n', 'p_float8'),
  ('encrypted_numeric = float4', 'n', 'n', 'p_float4'),
  ('encrypted_float8 = float4', 'f', 'f', 'p_float4'),
  ('encrypted_float8 = float8', 'f', 'f', 'p_float8'),
  ('encrypted_float8 = int8', 'f', 'f', 'p_int8'),
  ('encrypted_float8 = numeric', 'f', 'f', 'p_numeric'),
  ('encrypted_bool = bool', 'bo', 'bo', 'p_bool'),
  ('encrypted_date = date', 'd', 'd', 'p_date'),
  ('encrypted_date = timestamptz', 'd', 'd', 'p_timestamptz'),
  ('encrypted_date = timestamp', 'd', 'd', 'p_timestamp'),
  ('encrypted_timestamptz = timestamptz', 'ts', 'ts', 'p_timestamptz'),
  ('encrypted_timestamptz = timestamp', 'ts', 'ts', 'p_timestamp'),
  ('encrypted_timestamptz = date', 'ts', 'ts', 'p_date')
) AS x(pair, c, e, p);
-- The canonical forms, one by one: numeric scales, float8 zero signs and NaNs, an int8 out of
-- int4's range, a float4 widened exactly.
SELECT (SELECT count(*) FROM xv WHERE s_n = 1.00::numeric) AS n_one_scales,
       (SELECT count(*) FROM xv WHERE u_n = 1::int2) AS n_one_int2,
       (SELECT count(*) FROM xv WHERE s_n = 'NaN'::numeric) AS n_nan,
       (SELECT count(*) FROM xv WHERE s_n = 0::int8) AS n_zero_signs,
       (SELECT count(*) FROM xv WHERE s_f = '-0'::float8) AS f_zero_signs,
       (SELECT count(*) FROM xv WHERE s_f = 'NaN'::float4) AS f_nan_float4,
       (SELECT count(*) FROM xv WHERE s_f = 0.1::float4) AS f_float4_point_one,
       (SELECT count(*) FROM xv WHERE s_i4 = 2147483648::int8) AS i4_out_of_range,
       (SELECT count(*) FROM xv WHERE s_i4 <> 2147483648::int8) AS i4_out_of_range_ne,
       (SELECT count(*) FROM xv WHERE s_t = 'ab  '::char(4)) AS t_char_trims;
-- A numeric is an integer column's value only when it is an integer; a timestamp is a date's
-- only at its midnight in the session's TimeZone (another zone's midnight is not).
SELECT (SELECT count(*) FROM xv WHERE s_i4 = 5.000::numeric) AS i4_numeric_scale,
       (SELECT count(*) FROM xv WHERE s_i4 = 5.5::numeric) AS i4_numeric_fraction,
       (SELECT count(*) FROM xv WHERE s_i8 = 9223372036854775808::numeric) AS i8_numeric_out_of_range,
       (SELECT count(*) FROM xv WHERE u_i8 = -9223372036854775808.0::numeric) AS i8_numeric_min,
       (SELECT count(*) FROM xv WHERE s_d = '2024-01-01 00:00+01'::timestamptz) AS d_oslo_midnight,
       (SELECT count(*) FROM xv WHERE s_d = '2024-01-01 00:00+00'::timestamptz) AS d_utc_midnight,
       (SELECT count(*) FROM xv WHERE u_d = 'infinity'::timestamp) AS d_infinity;
-- A float is an integer column's value only when it is an integer within the column's range
-- (pgJDBC's setDouble, a Python float). PostgreSQL's int8 = float8 rounds the integer to a float
-- instead, so past 2^53 the two differ (README).
SELECT (SELECT count(*) FROM xv WHERE s_i4 = 5.0::float8) AS i4_float_five,
       (SELECT count(*) FROM xv WHERE u_i4 = '-0'::float8) AS i4_float_zero_sign,
       (SELECT count(*) FROM xv WHERE s_i4 = 5.5::float8) AS i4_float_fraction,
       (SELECT count(*) FROM xv WHERE s_i4 = 'NaN'::float8) AS i4_float_nan,
       (SELECT count(*) FROM xv WHERE s_i4 = 2147483648::float8) AS i4_float_out_of_range,
       (SELECT count(*) FROM xv WHERE s_i4 <> 2147483648::float8) AS i4_float_out_of_range_ne,
       (SELECT count(*) FROM xv WHERE u_i8 = -9223372036854775808::float8) AS i8_float_min,
       (SELECT count(*) FROM xv WHERE s_i8 = 9223372036854775807::float8) AS i8_float_past_max,
       (SELECT count(*) FROM xv WHERE s_i8 = 'Infinity'::float8) AS i8_float_infinity;
SELECT 9007199254740993::int8 = 9007199254740992::float8 AS plaintext_past_2_53,
       9007199254740993::colcrypt.encrypted_int8(xt) = 9007199254740992::float8 AS encrypted_past_2_53,
       9007199254740992::colcrypt.encrypted_int8(xt) = 9007199254740992::float8 AS encrypted_2_53;
-- A TimeZone changed within one statement changes the answer there too (a parameter's index is
-- kept per statement, and per zone for this conversion).
SELECT (SELECT count(*) FROM xv WHERE s_d = '2024-01-01 00:00+01'::timestamptz) AS oslo,
       set_config('TimeZone', 'Asia/Tokyo', true) IS NOT NULL AS switched,
       (SELECT count(*) FROM xv WHERE s_d = '2024-01-01 00:00+01'::timestamptz) AS tokyo;
SET TimeZone = 'Europe/Oslo';
-- float8 against encrypted_numeric compares with the numeric the float casts to (15 significant
-- digits), where PostgreSQL rounds the plaintext column to a float: a numeric with more digits
-- than a float holds differs (README).
SELECT 0.10000000000000001::numeric = 0.1::float8 AS plaintext,
       0.10000000000000001::colcrypt.encrypted_numeric(xt) = 0.1::float8 AS encrypted,
       0.1::colcrypt.encrypted_numeric(xt) = 0.1::float8 AS encrypted_short,
       (SELECT count(*) FROM xv WHERE s_n = 1::float8) AS enc_one,
       (SELECT count(*) FROM xv WHERE s_n = 'Infinity'::float8) AS enc_infinity;
-- NULL on either side is NULL, as for the plaintext types.
SELECT (s_t = NULL::text) IS NULL AS enc_null, (NULL::int8 = s_i4) IS NULL AS null_enc,
       (u_t <> NULL::varchar) IS NULL AS ne_null
FROM xv WHERE id = 1;

-- 3. Drivers' prepared statements: typed parameters find rows through the column's index,
-- in custom and generic plans (the plan drivers get after five executions).
CREATE TABLE xi (
  id int PRIMARY KEY,
  s colcrypt.encrypted_text(xt, searchable) UNIQUE,
  n4 colcrypt.encrypted_int4(xt, searchable),
  h colcrypt.encrypted_text(xt, searchable)
);
CREATE INDEX xi_n4 ON xi (n4);
CREATE INDEX xi_h ON xi USING hash (h);
INSERT INTO xi SELECT i, 'v' || i, i, 'h' || (i % 10) FROM generate_series(1, 300) i;
SET enable_seqscan = off;
SET enable_bitmapscan = off;
SET plan_cache_mode = force_generic_plan;
PREPARE q_text(text) AS SELECT id FROM xi WHERE s = $1;
EXPLAIN (COSTS OFF) EXECUTE q_text('v42');
EXECUTE q_text('v42');
EXECUTE q_text('nope');
PREPARE q_varchar(varchar) AS SELECT id FROM xi WHERE s = $1;
EXPLAIN (COSTS OFF) EXECUTE q_varchar('v42');
EXECUTE q_varchar('v43');
PREPARE q_bpchar(char(5)) AS SELECT id FROM xi WHERE s = $1;
EXECUTE q_bpchar('v44');
PREPARE q_left(text) AS SELECT id FROM xi WHERE $1 = s;
EXPLAIN (COSTS OFF) EXECUTE q_left('v45');
EXECUTE q_left('v45');
PREPARE q_int8(int8) AS SELECT id FROM xi WHERE n4 = $1;
EXPLAIN (COSTS OFF) EXECUTE q_int8(46);
EXECUTE q_int8(46);
EXECUTE q_int8(4294967342);
EXECUTE q_int8(-4294967296);
PREPARE q_int2(int2) AS SELECT id FROM xi WHERE n4 = $1;
EXECUTE q_int2(47);
-- pgJDBC's setBigDecimal binds numeric.
PREPARE q_numeric(numeric) AS SELECT id FROM xi WHERE n4 = $1;
EXPLAIN (COSTS OFF) EXECUTE q_numeric(48);
EXECUTE q_numeric(48.00);
EXECUTE q_numeric(48.5);
EXECUTE q_numeric('NaN');
-- pgJDBC's setDouble binds float8.
PREPARE q_float8(float8) AS SELECT id FROM xi WHERE n4 = $1;
EXPLAIN (COSTS OFF) EXECUTE q_float8(49);
EXECUTE q_float8(49.0);
EXECUTE q_float8(49.5);
EXECUTE q_float8('-Infinity');
PREPARE q_hash(text) AS SELECT count(*) FROM xi WHERE h = $1;
EXPLAIN (COSTS OFF) EXECUTE q_hash('h3');
EXECUTE q_hash('h3');
-- = ANY(array), as drivers send IN lists: btree sorts the elements in blind-index order;
-- out-of-range elements sort last and match nothing.
PREPARE q_any(text[]) AS SELECT id FROM xi WHERE s = ANY($1) ORDER BY id;
EXPLAIN (COSTS OFF) EXECUTE q_any('{v1,v2}');
EXECUTE q_any('{v9,v2,nope,v9,v300}');
PREPARE q_any8(int8[]) AS SELECT id FROM xi WHERE n4 = ANY($1) ORDER BY id;
EXECUTE q_any8('{3, 5000000000, 1, -5000000000, 3, 2}');
SELECT count(*) AS varchar_any FROM xi WHERE s = ANY(ARRAY['v1', 'v2', 'v3']::varchar[]);
RESET plan_cache_mode;
EXECUTE q_text('v42');
RESET enable_bitmapscan;
RESET enable_seqscan;
-- IN (SELECT …) of plaintext values: the planner makes them distinct with the hash family's
-- (plain, plain) operator, =#= (it failed with XX000 "could not find compatible hash operator").
SET enable_hashagg = on;
SELECT count(*) AS in_select_text FROM xi WHERE s IN (SELECT 'v' || i FROM generate_series(1, 5) i, generate_series(1, 3) dup);
SELECT count(*) AS in_select_int8 FROM xi WHERE n4 IN (SELECT i::int8 FROM generate_series(1, 4) i UNION ALL SELECT 5000000000);
SELECT count(*) AS in_select_numeric FROM xi WHERE n4 IN (VALUES (7.0::numeric), (7), (8.5));
SELECT count(*) AS in_select_float8 FROM xi WHERE n4 IN (VALUES (7.0::float8), ('-0'), (0), (7), (8.5), ('NaN'), ('NaN'), (1e300));
SELECT count(*) AS in_select_date FROM xv WHERE s_d IN (SELECT '2024-01-01 00:00+01'::timestamptz UNION ALL SELECT 'infinity');
SELECT 'ab'::text OPERATOR(colcrypt.=#=) 'ab' AS same, 5.0::numeric OPERATOR(colcrypt.=#=) 5 AS numeric_scale;
-- Floats against encrypted_numeric are made distinct as the numerics they cast to, as that
-- family hashes them: one row, not one per float (a review got a row three times).
CREATE TABLE xfl (f float8);
INSERT INTO xfl VALUES (1.5), (1.5000000000000002), (1.4999999999999998);
SELECT count(*) AS in_select_float8 FROM xv WHERE s_f IN (SELECT f FROM xfl);
CREATE TABLE xnum (id int, n colcrypt.encrypted_numeric(xt, searchable));
INSERT INTO xnum SELECT i, i / 10.0 FROM generate_series(1, 2000) i;
CREATE INDEX xnum_n ON xnum (n);
ANALYZE xfl, xnum;
SET enable_seqscan = off;
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SELECT id AS in_select_float8_numeric FROM xnum WHERE n IN (SELECT f FROM xfl);
RESET enable_seqscan;
RESET enable_hashjoin;
RESET enable_mergejoin;
DROP TABLE xnum;
SELECT 0.1::float8 OPERATOR(colcrypt.=##=) 0.10000000000000002 AS as_numeric, 0.1::float8 OPERATOR(colcrypt.=#=) 0.10000000000000002 AS as_float;
-- Values that equal nothing in the column's type (a fraction, an int8 past int4's range, a
-- timestamp that is no date's midnight) hash as their own type does, not to one constant: a
-- hashed IN (SELECT …) or NOT IN of many of them was quadratic (an attacker review). A (plain,
-- plain) operator in several families is hashed with the first family's function, so
-- encrypted_float8's and encrypted_numeric's lookups use these too.
SELECT count(DISTINCT colcrypt.encrypted_int4_blind_hash_float8(g + 0.5)) AS float8_fractions,
       count(DISTINCT colcrypt.encrypted_int8_blind_hash_float8(g * 1e19)) AS float8_past_int8,
       count(DISTINCT colcrypt.encrypted_int4_blind_hash_numeric(g + 0.5)) AS numeric_fractions,
       count(DISTINCT colcrypt.encrypted_int4_blind_hash_int8(g + 2147483648)) AS int8_past_int4,
       count(DISTINCT colcrypt.encrypted_date_blind_hash_timestamptz('2024-01-01 00:00:01+00'::timestamptz + g * interval '1 day')) AS not_midnight
FROM generate_series(1, 100) g;
-- Equal values still hash alike: -0 and 0, NaNs, numeric scales.
SELECT colcrypt.encrypted_int4_blind_hash_float8('-0.5') = colcrypt.encrypted_int4_blind_hash_float8('-0.5'::float8 * 1) AS same_fraction,
       colcrypt.encrypted_int4_blind_hash_float8('NaN') = colcrypt.encrypted_int4_blind_hash_float8('-NaN') AS nans,
       colcrypt.encrypted_int4_blind_hash_numeric(2.50) = colcrypt.encrypted_int4_blind_hash_numeric(2.5) AS numeric_scales,
       colcrypt.encrypted_int4_blind_hash_float8('-0') = colcrypt.encrypted_int4_blind_hash_float8(0) AS zero_signs;
DROP TABLE xfl;
-- A read-only transaction: nothing is written by these operators.
BEGIN READ ONLY;
SELECT id FROM xi WHERE s = 'v50'::text;
SELECT count(*) AS read_only_decrypting FROM xv WHERE u_t = 'beta'::varchar;
COMMIT;
-- A colcrypt schema on the search_path changes nothing: one operator per signature.
SET search_path = public, colcrypt;
SELECT id FROM xi WHERE s = 'v51'::varchar;
SELECT count(*) AS same_type_literal FROM xi WHERE s = 'v51';
SET search_path = colcrypt, pg_catalog, public;
SELECT id FROM xi WHERE s = 'v52'::text;
SET search_path = "$user", public;

-- 4. UNIQUE and ON CONFLICT on a searchable column with typed parameters.
PREPARE ins(int, text) AS INSERT INTO xi (id, s) VALUES ($1, $2);
EXECUTE ins(1001, 'v42');
PREPARE ins_vc(int, varchar) AS INSERT INTO xi (id, s) VALUES ($1, $2)
  ON CONFLICT (s) DO UPDATE SET h = 'conflicted' RETURNING id;
EXECUTE ins_vc(1002, 'v60');
EXECUTE ins_vc(1003, 'v-new');
PREPARE ins_nothing(int, text) AS INSERT INTO xi (id, s) VALUES ($1, $2) ON CONFLICT (s) DO NOTHING RETURNING id;
EXECUTE ins_nothing(1004, 'v61');
SELECT id FROM xi WHERE h = 'conflicted'::text;
SELECT id FROM xi WHERE s = 'v-new'::varchar;

-- 5. Joins and grouping with plaintext columns: hash join (the plaintext side hashed by its
-- blind index), nested loop through the index, GROUP BY on the encrypted side.
CREATE TABLE xplain (name text, code int8, label varchar);
INSERT INTO xplain SELECT 'v' || i, i, 'h' || (i % 4) FROM generate_series(1, 40) i;
INSERT INTO xplain VALUES ('absent', 9999999999, 'absent');
ANALYZE xplain;
SET enable_mergejoin = off; SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM xi JOIN xplain p ON xi.s = p.name;
SELECT count(*) AS hash_joined_text FROM xi JOIN xplain p ON xi.s = p.name;
SELECT count(*) AS hash_joined_int8 FROM xi JOIN xplain p ON p.code = xi.n4;
SELECT p.label, count(*) FROM xi JOIN xplain p ON xi.h = p.label GROUP BY p.label ORDER BY 1;
SELECT xi.h::text AS h, count(*) FROM xi JOIN xplain p ON xi.s = p.name GROUP BY xi.h ORDER BY 1;
RESET enable_mergejoin; RESET enable_nestloop;
SET enable_hashjoin = off; SET enable_mergejoin = off; SET enable_seqscan = off;
-- PostgreSQL 18 marks the seq scan of xplain (it has no index) "Disabled: true"; 15 does not.
CREATE FUNCTION pg_temp.plan_without_disabled(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE l text;
BEGIN
  FOR l IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
    CONTINUE WHEN l ~ '^ *Disabled: true$';
    RETURN NEXT l;
  END LOOP;
END $$;
SELECT * FROM pg_temp.plan_without_disabled('SELECT count(*) FROM xplain p JOIN xi ON xi.s = p.name') AS "QUERY PLAN";
SELECT count(*) AS index_joined FROM xplain p JOIN xi ON xi.s = p.name;
RESET enable_hashjoin; RESET enable_mergejoin; RESET enable_seqscan;

-- 6. The attacker's side. A role denied plaintext keeps exactly what it had: searchable
-- columns compare stored blind indexes (the same answers as same-type literals); columns that
-- are not searchable would be decrypted: 42501, whichever side the parameter is on.
CREATE ROLE xt_denied LOGIN;
CREATE ROLE xt_nogrant LOGIN;
GRANT SELECT ON xi, xv TO xt_denied, xt_nogrant;
SELECT colcrypt.deny_plaintext('xt', 'xt_denied');
SET ROLE xt_denied;
SELECT count(*) AS same_type FROM xi WHERE s = 'v42';
SELECT count(*) AS text_param FROM xi WHERE s = 'v42'::text;
SELECT count(*) AS varchar_param FROM xi WHERE 'v42'::varchar = s;
SELECT count(*) AS int8_param FROM xi WHERE n4 = 42::int8;
EXECUTE q_text('v42');
SELECT count(*) FROM xv WHERE u_t = 'canary-cross-type'::text;
SELECT count(*) FROM xv WHERE 'canary-cross-type'::varchar = u_t;
SELECT count(*) FROM xv WHERE u_i4 = 5::int8;
SELECT count(*) FROM xv WHERE u_n <> 1::numeric;
SELECT count(*) FROM xv v JOIN xp p ON v.u_t = p.p_text;
SELECT s_t::text FROM xv WHERE s_t = 'alpha'::text;
RESET ROLE;
SELECT colcrypt.allow_plaintext('xt', 'xt_denied');
-- A role with no grant on a restricted key: searchable columns still compare (SECURITY.md,
-- "Equality for denied and unrestricted readers"); decrypting comparisons are refused.
SELECT colcrypt.restrict_key_use('xt');
SET ROLE xt_nogrant;
SELECT count(*) AS same_type FROM xi WHERE s = 'v42';
SELECT count(*) AS text_param FROM xi WHERE s = 'v42'::text;
SELECT count(*) FROM xv WHERE u_t = 'canary-cross-type'::text;
SELECT count(*) FROM xv WHERE u_d = '2024-01-01'::date;
SELECT s FROM xi WHERE s = 'v42'::text;
RESET ROLE;
SELECT colcrypt.unrestrict_key_use('xt');
SET ROLE xt_nogrant;
SELECT count(*) AS unrestricted_again FROM xv WHERE u_t = 'alpha'::text;
RESET ROLE;

-- 6b. A parameter's blind index is kept for the rest of its statement (a btree descent compares
-- the same parameter a dozen times): a new parameter in the same statement, one that differs
-- from the last only in its final bytes (after the compare's 8-byte words), and one stored
-- compressed (read by detoasting, the others in place) each find their own rows, never the
-- previous parameter's.
INSERT INTO xi VALUES (1001, 'long-probe-value-0000000001', 1001, 'h1'), (1002, 'long-probe-value-0000000002', 1002, 'h2');
SET enable_seqscan = off;
SET enable_bitmapscan = off;
SELECT p, (SELECT id FROM xi WHERE s = p) AS found
FROM unnest(ARRAY['v1', 'v2', 'v2', 'v1', 'nope', 'v300', 'v30', 'v3',
                  'long-probe-value-0000000001', 'long-probe-value-0000000002', 'long-probe-value-0000000003',
                  'long-probe-value-0000000002']::text[]) WITH ORDINALITY AS u(p, o) ORDER BY o;
SELECT p, (SELECT id FROM xi WHERE p::varchar = s) AS found
FROM unnest(ARRAY['v7', 'v8', 'v7']::text[]) WITH ORDINALITY AS u(p, o) ORDER BY o;
SELECT p, (SELECT id FROM xi WHERE n4 = p) AS found
FROM unnest(ARRAY[7, 8, 7, 5000000000, 9, 1001]::int8[]) WITH ORDINALITY AS u(p, o) ORDER BY o;
SELECT p, (SELECT count(*) FROM xi WHERE h = p) AS found
FROM unnest(ARRAY['h1', 'h2', 'h1', 'hx']::text[]) WITH ORDINALITY AS u(p, o) ORDER BY o;
-- Across statements of one session, and one prepared statement executed with new parameters.
SELECT id FROM xi WHERE s = 'long-probe-value-0000000001'::text;
SELECT id FROM xi WHERE s = 'long-probe-value-0000000002'::text;
EXECUTE q_text('long-probe-value-0000000001');
EXECUTE q_text('long-probe-value-0000000002');
EXECUTE q_text('long-probe-value-0000000003');
RESET enable_bitmapscan;
RESET enable_seqscan;
-- Compressed parameters, compared with every row of a table (a sequential scan).
CREATE TABLE xbig (id int, s colcrypt.encrypted_text(xt, searchable));
INSERT INTO xbig VALUES (1, repeat('z', 6000) || 'a'), (2, repeat('z', 6000) || 'b'), (3, 'short');
CREATE TABLE xprobe (o int, p text);
INSERT INTO xprobe VALUES (1, repeat('z', 6000) || 'b'), (2, repeat('z', 6000) || 'a'), (3, repeat('z', 6000) || 'c'), (4, 'short');
SELECT o, pg_column_size(p) < octet_length(p) AS compressed,
       (SELECT array_agg(b.id ORDER BY b.id) FROM xbig b WHERE b.s = x.p) AS found
FROM xprobe x ORDER BY o;
DROP TABLE xbig, xprobe;
DELETE FROM xi WHERE id > 1000;

-- 7. A database without __blind_index (a restore that has loaded values but not yet the key
-- table): the operators do not create the key (a read path; it would fail on a standby or in a
-- read-only transaction): 42704, nothing written. DROP EXTENSION removes the pg_catalog
-- operators with everything else.
SET colcrypt.ciphertext_io = on;
SELECT s_t::text AS env FROM xv WHERE id = 1 \gset
RESET colcrypt.ciphertext_io;
SELECT current_database() AS regress_db \gset
CREATE DATABASE xt_fresh;
\c xt_fresh
\set VERBOSITY sqlstate
SET client_min_messages = warning;
SELECT count(*) AS operators_before FROM pg_operator \gset
CREATE EXTENSION colcrypt;
-- The envelope is taken as given (a superuser's restore, before the keys are loaded).
SET colcrypt.ciphertext_io = on;
SELECT :'env'::colcrypt.encrypted_text = 'alpha'::text;
BEGIN READ ONLY;
SELECT 'alpha'::varchar = :'env'::colcrypt.encrypted_text;
ROLLBACK;
RESET colcrypt.ciphertext_io;
SELECT count(*) AS keys_created FROM colcrypt.data_keys;
DROP EXTENSION colcrypt;
SELECT count(*) = :operators_before AS operators_all_dropped FROM pg_operator;
CREATE EXTENSION colcrypt;
SELECT count(*) > :operators_before AS recreated FROM pg_operator;
\c :regress_db
\set VERBOSITY sqlstate
SET client_min_messages = warning;
DROP DATABASE xt_fresh;
DROP TABLE xv, xp, xi, xplain;
DROP FUNCTION xt_agree(text, text, text);
DROP ROLE xt_denied, xt_nogrant;
