-- Opt-in equality search: encrypted_text(key, searchable) stores a keyed blind index in each
-- value, so =, UNIQUE, indexes, hash joins, GROUP BY and DISTINCT work on ciphertext.
\set VERBOSITY sqlstate
SET client_min_messages = warning;
-- The operators live in schema colcrypt; put it on the search path to write c = 'x'.
SET search_path = public, colcrypt;
SELECT colcrypt.create_key('people') > 0 AS created, colcrypt.create_key('places') > 0 AS created_too;

CREATE TABLE people (
  id    int PRIMARY KEY,
  email colcrypt.encrypted_text(people, searchable) UNIQUE,
  city  colcrypt.encrypted_text(people, searchable),
  note  colcrypt.encrypted_text(people)
);
CREATE INDEX people_city ON people (city);
\d people
INSERT INTO people
SELECT i, 'user' || i || '@example.com', (ARRAY['Oslo', 'Lima', 'Pune', 'Kyiv', 'Baku'])[i % 5 + 1], 'note ' || (i % 3)
FROM generate_series(1, 2000) i;
ANALYZE people;

-- A literal finds its row through the index.
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT id FROM people WHERE email = 'user42@example.com';
SELECT id FROM people WHERE email = 'user42@example.com';
SELECT count(*) AS in_oslo FROM people WHERE city = 'Oslo';
RESET enable_seqscan;
SELECT id FROM people WHERE email = 'nobody@example.com';
PREPARE by_email(text) AS SELECT id FROM people WHERE email = $1::colcrypt.encrypted_text;
EXECUTE by_email('user1999@example.com');

-- UNIQUE holds on the plaintext.
INSERT INTO people (id, email) VALUES (5000, 'user7@example.com');
INSERT INTO people (id, email) VALUES (5000, 'new@example.com');
SELECT count(*) AS rows FROM people;

-- GROUP BY, DISTINCT, hash join (with a column under another key).
SELECT city::text AS city, count(*) FROM people GROUP BY city ORDER BY 1;
SELECT count(DISTINCT city) AS cities, count(DISTINCT note) AS notes FROM people;
CREATE TABLE places (name colcrypt.encrypted_text(places, searchable), country text);
INSERT INTO places VALUES ('Oslo', 'NO'), ('Lima', 'PE'), ('Pune', 'IN'), ('Atlantis', '?');
ANALYZE places;
SET enable_mergejoin = off; SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT pl.country, count(*) FROM people p JOIN places pl ON p.city = pl.name GROUP BY pl.country;
SELECT pl.country, count(*) FROM people p JOIN places pl ON p.city = pl.name GROUP BY pl.country ORDER BY 1;
RESET enable_mergejoin; RESET enable_nestloop;
SET enable_hashjoin = off; SET enable_nestloop = off;
SELECT pl.country, count(*) AS merge_joined FROM people p JOIN places pl ON p.city = pl.name GROUP BY pl.country ORDER BY 1;
RESET enable_hashjoin; RESET enable_nestloop;

-- Equality also works on a column that is not searchable (it decrypts; no index is stored).
SELECT count(*) AS note_1 FROM people WHERE note = 'note 1';
SELECT count(*) <> 0 AS differ FROM people WHERE email <> 'user1@example.com';

-- A searchable value carries 18 more bytes: tag CB and the blind index, which is bound into the
-- envelope's authenticated data, so binary output carries it too.
SELECT pg_column_size(email) - pg_column_size(note) > 0 AS index_stored,
       length(colcrypt.envelope(email)) = octet_length(email::text) + 98 AS send_carries_index,
       substr(colcrypt.envelope(email), 1, 2) = 'CB'::bytea AS bound_tag
FROM people WHERE id = 1;

-- Making a column searchable re-indexes it in place (same key; each value is sealed again with
-- its index bound).
ALTER TABLE people ALTER COLUMN note TYPE colcrypt.encrypted_text(people, searchable);
CREATE INDEX people_note ON people (note);
SET enable_seqscan = off;
SELECT count(*) AS note_2 FROM people WHERE note = 'note 2';
RESET enable_seqscan;

-- Other types are searchable too.
CREATE TABLE ids (n colcrypt.encrypted_int8(people, searchable) PRIMARY KEY, d colcrypt.encrypted_date(people, searchable));
INSERT INTO ids SELECT i, date '2024-01-01' + (i % 7) FROM generate_series(1, 100) i;
SELECT count(*) AS found FROM ids WHERE n = 42::bigint::colcrypt.encrypted_int8;
SELECT count(DISTINCT d) AS days FROM ids;
INSERT INTO ids VALUES (42, '2024-01-01');

-- Lists and ORs of literals: each literal's blind index is computed once and kept while each
-- row's value passes through (src/index_cache.rs, 16 entries). More distinct values than that,
-- on a searchable column and on one that is not, give the plaintext's answers (10 rows each).
CREATE TABLE lists (i int, s colcrypt.encrypted_text(people, searchable), n colcrypt.encrypted_text(people));
INSERT INTO lists SELECT i, 'v' || (i % 40), 'v' || (i % 40) FROM generate_series(1, 400) i;
SELECT (SELECT count(*) FROM lists WHERE s IN ('v1', 'v2', 'v39')) AS s_in,
       (SELECT count(*) FROM lists WHERE n IN ('v1', 'v2', 'v39', 'nothing')) AS n_in,
       (SELECT count(*) FROM lists WHERE n = 'v3' OR n = 'v4' OR s = 'v5') AS ors,
       (SELECT count(*) FROM lists WHERE n NOT IN ('v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7', 'v8')) AS not_in,
       (SELECT count(*) FROM lists WHERE n IN ('v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7', 'v8', 'v9', 'v10', 'v11')) AS hashed_in,
       (SELECT count(*) FROM lists l JOIN lists m ON l.n = m.n WHERE l.i <= 20) AS self_join;
DROP TABLE lists;

-- Bad modifiers.
CREATE TABLE bad (v colcrypt.encrypted_text(people, fast));
CREATE TABLE bad (v colcrypt.encrypted_text(searchable, people));

-- envelope_info reads a searchable value's stored form (blind index ahead of the envelope) too;
-- its key id is the column key's.
SELECT e.version, e.algorithm, e.key_id = (SELECT envelope_key_id FROM colcrypt.keys WHERE name = 'people' AND state = 'active') AS column_key
FROM (SELECT n FROM ids LIMIT 1) i, colcrypt.envelope_info(colcrypt.envelope(i.n)) e;

DROP TABLE people, places, ids;
RESET search_path;
