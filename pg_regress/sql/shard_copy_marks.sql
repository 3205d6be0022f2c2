-- colcrypt marks Citus' shard copy functions (pg_catalog.worker_copy_table_to_node and
-- worker_split_copy) through fmgr's hooks: while one runs for a superuser, output functions give
-- envelopes, and when it returns they give plaintext again. Citus is not installed here, so
-- functions of those names are made (only a superuser can make functions in pg_catalog). The
-- hook keeps its answers per function until pg_proc changes; a mark must end with its call even
-- when the function is dropped and made again during it (an attacker review left a mark behind
-- that way, and every later output in the session was an envelope).
\set VERBOSITY sqlstate
SET client_min_messages = warning;
SELECT colcrypt.create_key('copy_marks') > 0 AS created;
CREATE TABLE copy_marks (v colcrypt.encrypted_text(copy_marks));
INSERT INTO copy_marks VALUES ('marked value');
CREATE FUNCTION pg_catalog.worker_split_copy(i int) RETURNS text LANGUAGE plpgsql
  AS $$ BEGIN RETURN (SELECT format('%s', v) FROM public.copy_marks); END $$;
-- 1. Inside the copy function, an envelope; outside, before and after, the plaintext.
SELECT format('%s', v) AS before_copy FROM copy_marks;
SELECT left(pg_catalog.worker_split_copy(1), 6) AS inside_copy;
SELECT format('%s', v) AS after_copy FROM copy_marks;
-- 2. Renamed away and back: the mark follows the name, not a cached answer.
ALTER FUNCTION pg_catalog.worker_split_copy(int) RENAME TO not_a_copy;
SELECT pg_catalog.not_a_copy(1) AS renamed_plaintext;
ALTER FUNCTION pg_catalog.not_a_copy(int) RENAME TO worker_split_copy;
SELECT left(pg_catalog.worker_split_copy(1), 6) AS named_again;
-- 3. The copy function dropped and made again while a call of it runs: the mark still ends.
CREATE FUNCTION pg_catalog.worker_copy_table_to_node(i int) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  DROP FUNCTION pg_catalog.worker_split_copy(int);
  CREATE FUNCTION pg_catalog.worker_split_copy(i int) RETURNS text LANGUAGE plpgsql AS $b$ BEGIN RETURN 'x'; END $b$;
  PERFORM pg_catalog.worker_split_copy(1);
  RETURN 'done';
END $$;
CREATE OR REPLACE FUNCTION pg_catalog.worker_split_copy(i int) RETURNS text LANGUAGE plpgsql
  AS $$ BEGIN RETURN pg_catalog.worker_copy_table_to_node(i); END $$;
SELECT pg_catalog.worker_split_copy(1) AS nested;
SELECT format('%s', v) AS after_nested FROM copy_marks;
-- 4. An error inside the copy function ends its mark too.
CREATE OR REPLACE FUNCTION pg_catalog.worker_split_copy(i int) RETURNS text LANGUAGE plpgsql
  AS $$ BEGIN RETURN 1 / (i - i); END $$;
DO $$ BEGIN PERFORM pg_catalog.worker_split_copy(1); EXCEPTION WHEN division_by_zero THEN NULL; END $$;
SELECT format('%s', v) AS after_error FROM copy_marks;
DROP FUNCTION pg_catalog.worker_split_copy(int), pg_catalog.worker_copy_table_to_node(int);
DROP TABLE copy_marks;
