-- Writes of the other types each plaintext type takes by assignment, as drivers bind them
-- (pgJDBC setLong into an int column, setString as varchar; psycopg's smallest integer type; a
-- float; a timestamp into a date): the plaintext type's own cast, with its rounding and range
-- errors, then one seal under the column's key (src/types.rs type_from_other). A plain column
-- beside each encrypted one takes the same value: they must agree.
\set VERBOSITY sqlstate
SET client_min_messages = warning;
SELECT colcrypt.create_key('asg') > 0 AS created;
CREATE TABLE asg (
  id int PRIMARY KEY,
  i4 colcrypt.encrypted_int4(asg, searchable), p4 int4,
  i8 colcrypt.encrypted_int8(asg), p8 int8,
  n colcrypt.encrypted_numeric(asg), pn numeric,
  f colcrypt.encrypted_float8(asg, searchable), pf float8,
  d colcrypt.encrypted_date(asg), pd date,
  ts colcrypt.encrypted_timestamptz(asg), pts timestamptz,
  t colcrypt.encrypted_text(asg, searchable), pt text,
  j colcrypt.encrypted_jsonb(asg), pj jsonb);

-- 1. Every cast, typed as drivers send them; literals of a numeric type too.
INSERT INTO asg (id, i4, p4, i8, p8, n, pn, f, pf, d, pd, ts, pts, t, pt, j, pj) VALUES
  (1, 7::int2, 7::int2, 7::int2, 7::int2, 7::int2, 7::int2, 7::int2, 7::int2,
   '2024-02-29'::date, '2024-02-29'::date, '2024-02-29'::date, '2024-02-29'::date,
   'varchar'::varchar, 'varchar'::varchar, '{"b": 1, "a": [true]}'::json, '{"b": 1, "a": [true]}'::json),
  (2, 2147483647::int8, 2147483647::int8, 40000::int4, 40000::int4, 9223372036854775807::int8, 9223372036854775807::int8,
   9223372036854775807::int8, 9223372036854775807::int8,
   '2024-02-29 23:59:59'::timestamp, '2024-02-29 23:59:59'::timestamp, '2024-02-29 23:59:59'::timestamp, '2024-02-29 23:59:59'::timestamp,
   'padded  '::char(10), 'padded  '::char(10), '"\u00e9t\u00e9"'::json, '"\u00e9t\u00e9"'::json),
  (3, 2.5::numeric, 2.5::numeric, 2.5::numeric, 2.5::numeric, 0.1::real, 0.1::real, 0.1::real, 0.1::real,
   'infinity'::timestamp, 'infinity'::timestamp, '-infinity'::timestamp, '-infinity'::timestamp, NULL::varchar, NULL::varchar, NULL::json, NULL::json),
  (4, -2.5::float8, -2.5::float8, 1e18::float8, 1e18::float8, 'NaN'::float8, 'NaN'::float8, 'NaN'::numeric, 'NaN'::numeric,
   NULL, NULL, NULL, NULL, ''::varchar, ''::varchar, 'null'::json, 'null'::json),
  (5, 7.6, 7.6, 5000000000, 5000000000, 1e-3::float4, 1e-3::float4, 2.25, 2.25, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (6, NULL, NULL, NULL, NULL, '-infinity'::float8, '-infinity'::float8, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
SELECT id, i4::int4 AS i4, i8::int8 AS i8, n::numeric AS n, f::float8 AS f, d::date AS d, t::text AS t, j::jsonb AS j FROM asg ORDER BY id;
SELECT id,
       i4::int4 IS NOT DISTINCT FROM p4 AS i4, i8::int8 IS NOT DISTINCT FROM p8 AS i8,
       n::numeric IS NOT DISTINCT FROM pn AS n, f::float8 IS NOT DISTINCT FROM pf AS f,
       d::date IS NOT DISTINCT FROM pd AS d, ts::timestamptz IS NOT DISTINCT FROM pts AS ts,
       t::text IS NOT DISTINCT FROM pt AS t, j::jsonb IS NOT DISTINCT FROM pj AS j
FROM asg ORDER BY id;
-- A timestamptz into a date is the date in the session's TimeZone, as for a date column.
SET TimeZone = 'Asia/Tokyo';
INSERT INTO asg (id, d, pd) VALUES (7, '2024-03-01 01:00:00+09'::timestamptz, '2024-03-01 01:00:00+09'::timestamptz);
RESET TimeZone;
SELECT d::date AS d, d::date = pd AS agrees FROM asg WHERE id = 7;

-- 2. Lookups find what was written: a real written into a float8 is the float8 that
-- float8 = real compares with (through its text form it would have been 0.1 exactly, found by
-- neither); char(n) is written and compared without its padding.
SELECT count(*) AS real_found, count(*) FILTER (WHERE pf = 0.1::real) AS plain_found FROM asg WHERE f = 0.1::real;
SELECT id FROM asg WHERE t = 'padded'::text;
SELECT id FROM asg WHERE i4 = 3 ORDER BY id;

-- 3. Out of range, or no value of the plaintext type: the plaintext type's error, nothing stored.
INSERT INTO asg (id, i4) VALUES (10, 2147483648::int8);
INSERT INTO asg (id, i4) VALUES (10, 5000000000);
INSERT INTO asg (id, i4) VALUES (10, 'NaN'::numeric);
INSERT INTO asg (id, i8) VALUES (10, 1e19::float8);
INSERT INTO asg (id, i8) VALUES (10, 'NaN'::float8);
INSERT INTO asg (id, j) VALUES (10, '"\u0000"'::json);
SELECT count(*) AS stored FROM asg WHERE id = 10;
-- The messages are the plaintext types' own and hold no value.
\set VERBOSITY default
INSERT INTO asg (id, i4) VALUES (10, 98765432109::int8);
INSERT INTO asg (id, j) VALUES (10, '{"canary": "\u0000"}'::json);
\set VERBOSITY sqlstate

-- 4. A document nested deeper than the binary form's reader takes (1,000 levels) is sealed as
-- text and reads back, also when searchable; one at the limit is sealed binary.
CREATE TABLE asg_deep (id int, j colcrypt.encrypted_jsonb(asg), s colcrypt.encrypted_jsonb(asg, searchable));
INSERT INTO asg_deep SELECT n, d, d FROM (VALUES (999), (1000), (1001), (5000)) v(n),
  LATERAL (SELECT (repeat('[', n) || '1' || repeat(']', n))::jsonb AS d) x;
SELECT id, j::jsonb = (repeat('[', id) || '1' || repeat(']', id))::jsonb AS reads_back,
       octet_length(colcrypt.envelope(j)) - 80 AS sealed_bytes,
       (SELECT count(*) FROM asg_deep b WHERE b.s = a.s) AS found
FROM asg_deep a ORDER BY id;
DROP TABLE asg_deep;

-- 5. The cast function called directly, without a column's type modifier; with one argument too
-- (Citus builds such a call for INSERT … SELECT): the value is not yet under a column's key, and
-- a column it is written into gets it under that column's key.
SELECT colcrypt.encrypted_int4(5::int8, -1, false)::int4 AS direct_call;
SELECT colcrypt.encrypted_int4(5::int8)::int4 AS one_argument, colcrypt.encrypted_text('five'::text)::text AS one_argument_text;
INSERT INTO asg (id, t, i4) VALUES (50, colcrypt.encrypted_text('fifty'::text), colcrypt.encrypted_int4(50::int8));
SELECT k.name, count(*) FROM asg a,
  LATERAL (VALUES (colcrypt.envelope(a.t)), (colcrypt.envelope(a.i4))) v(env),
  LATERAL colcrypt.envelope_info(v.env) e JOIN colcrypt.keys k ON k.envelope_key_id = e.key_id
WHERE a.id = 50 GROUP BY 1;
DELETE FROM asg WHERE id = 50;

-- 6. Assignment only: these casts take no part in choosing an operator, so comparing with json
-- still has no operator (floats, numerics and the other types drivers bind for these columns
-- have their own, src/cross_type.rs).
SELECT count(*) FROM asg WHERE j = '{"b": 1, "a": [true]}'::json;

DROP TABLE asg;
