-- colcrypt's functions are PARALLEL SAFE: check that parallel workers really run them, give
-- the same answers as the leader, and draw their own nonces.
\set VERBOSITY sqlstate
CREATE TABLE par AS
SELECT i, colcrypt.encrypt_text('row ' || i, decode(repeat('33', 32), 'hex')) AS ct
FROM generate_series(1, 20000) AS i;
ANALYZE par;

SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;

-- The plan puts decrypt inside the parallel scan.
EXPLAIN (COSTS OFF)
SELECT count(*) FROM par WHERE colcrypt.decrypt_text(ct, decode(repeat('33', 32), 'hex')) = 'row ' || i;

SELECT count(*) AS decrypted_in_workers FROM par
WHERE colcrypt.decrypt_text(ct, decode(repeat('33', 32), 'hex')) = 'row ' || i;

-- Encryption inside workers: every envelope opens and every nonce (bytes 37..48) is distinct.
EXPLAIN (COSTS OFF, VERBOSE) CREATE TABLE par2 AS
SELECT i, colcrypt.encrypt_text('again ' || i, decode(repeat('33', 32), 'hex')) AS ct FROM par;
CREATE TABLE par2 AS
SELECT i, colcrypt.encrypt_text('again ' || i, decode(repeat('33', 32), 'hex')) AS ct FROM par;
SELECT count(*) AS rows_total, count(DISTINCT substr(ct, 37, 12)) AS distinct_nonces FROM par2;
SELECT count(*) AS all_open FROM par2
WHERE colcrypt.decrypt_text(ct, decode(repeat('33', 32), 'hex')) = 'again ' || i;

-- PostgreSQL 16 renamed force_parallel_mode to debug_parallel_query.
SELECT CASE WHEN current_setting('server_version_num')::int >= 160000 THEN 'debug_parallel_query'
  ELSE 'force_parallel_mode' END AS force_parallel \gset
SET :force_parallel = on;
SELECT count(*) AS decrypted_forced_parallel FROM par
WHERE colcrypt.decrypt_text(ct, decode(repeat('33', 32), 'hex')) = 'row ' || i;
RESET :force_parallel;

SET max_parallel_workers_per_gather = 0;
SELECT count(*) AS decrypted_serially FROM par
WHERE colcrypt.decrypt_text(ct, decode(repeat('33', 32), 'hex')) = 'row ' || i;

DROP TABLE par, par2;
