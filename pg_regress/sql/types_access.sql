-- Who reads plaintext, and moving values to a new key version.
\set VERBOSITY sqlstate
SET client_min_messages = warning;
SELECT colcrypt.create_key('hr') > 0 AS created, colcrypt.create_key('hr_copy') > 0 AS created_too;
CREATE TABLE staff (id int PRIMARY KEY, salary colcrypt.encrypted_numeric(hr), name text);
INSERT INTO staff SELECT i, 1000 * i, 'person ' || i FROM generate_series(1, 300) i;
CREATE ROLE cc_analyst LOGIN;
CREATE ROLE cc_auditors;
GRANT cc_auditors TO cc_analyst;
GRANT SELECT, INSERT ON staff TO cc_analyst;

-- By default anyone with SELECT reads plaintext (as with RDS encryption).
SET ROLE cc_analyst;
SELECT salary FROM staff WHERE id = 2;
RESET ROLE;

-- Deny plaintext of key hr to a role: its members get a permission error, never garbage.
SELECT colcrypt.deny_plaintext('hr', 'cc_auditors');
SET ROLE cc_analyst;
SELECT salary FROM staff WHERE id = 2;
SELECT salary::numeric + 1 FROM staff WHERE id = 2;
SELECT name FROM staff WHERE id = 2;
-- Ciphertext stays readable (e.g. for backups), and writing still works.
SET colcrypt.ciphertext_io = on;
SELECT left(salary::text, 2) AS envelope_prefix FROM staff WHERE id = 2;
RESET colcrypt.ciphertext_io;
INSERT INTO staff VALUES (1000, 5, 'new');
-- Copying values to a column under another key would leak them: refused.
CREATE TEMP TABLE copy_out (s colcrypt.encrypted_numeric(hr_copy));
INSERT INTO copy_out SELECT salary FROM staff WHERE id = 2;
RESET ROLE;
SELECT salary FROM staff WHERE id = 1000;
SELECT colcrypt.allow_plaintext('hr', 'cc_auditors');
SET ROLE cc_analyst;
SELECT salary FROM staff WHERE id = 2;
RESET ROLE;
SELECT colcrypt.deny_plaintext('no_such_key', 'cc_auditors');
SET ROLE cc_analyst;
SELECT colcrypt.deny_plaintext('hr', 'cc_analyst');
RESET ROLE;

-- Re-encryption after rotate_key: every value moves to the newest version, none lost.
SELECT colcrypt.rotate_key('hr') AS new_version;
SELECT k.version, count(*) FROM staff s, colcrypt.envelope_info(colcrypt.envelope(s.salary)) e
  JOIN colcrypt.keys k ON k.envelope_key_id = e.key_id GROUP BY 1 ORDER BY 1;
CALL colcrypt.reencrypt('staff', 'salary', 1);
SELECT k.version, count(*) FROM staff s, colcrypt.envelope_info(colcrypt.envelope(s.salary)) e
  JOIN colcrypt.keys k ON k.envelope_key_id = e.key_id GROUP BY 1 ORDER BY 1;
SELECT count(*) AS rows, sum(salary::numeric) AS total FROM staff;
-- Running it again finds nothing to do.
SELECT count(*) AS left_to_move FROM staff WHERE colcrypt.needs_reseal(salary);
CALL colcrypt.reencrypt('staff', 'salary', 0);

DROP TABLE staff;
DROP OWNED BY cc_analyst, cc_auditors;
DROP ROLE cc_analyst, cc_auditors;
