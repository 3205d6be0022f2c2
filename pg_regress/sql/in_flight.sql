-- In flight: how this session is connected, the transport rule, and the session key.
-- pg_regress connects over a Unix socket. Sockets carry no keys by default (a forwarder or
-- pooler on the host may relay network clients through them); the test cluster turns it on.
\set VERBOSITY sqlstate
SELECT transport, keys_allowed, caveat FROM colcrypt.connection_info();
SHOW colcrypt.require_secure_transport;
SHOW colcrypt.allow_unix_socket_keys;
SELECT name, boot_val FROM pg_settings
 WHERE name IN ('colcrypt.allow_unix_socket_keys', 'colcrypt.allow_loopback_keys', 'colcrypt.require_secure_transport') ORDER BY 1;

-- The session key: used when no key argument is given; never shown.
SELECT colcrypt.encrypt('\x01'::bytea);
SHOW colcrypt.session_key;
-- (The regression test sets it with SET for brevity; the documented way is the connection's
-- startup options, which no statement log or pg_stat_statements records.)
SET colcrypt.session_key = 'not hex';
SELECT colcrypt.encrypt('\x01'::bytea);
SET colcrypt.session_key = '5555555555555555555555555555555555555555555555555555555555555555';
SHOW colcrypt.session_key;
SELECT current_setting('colcrypt.session_key') AS current_setting;
SELECT count(*) AS in_pg_settings FROM pg_settings WHERE name = 'colcrypt.session_key';
SELECT colcrypt.decrypt(colcrypt.encrypt('\x00ff'::bytea)) AS bytea_round_trip;
SELECT colcrypt.decrypt_text(colcrypt.encrypt_text('under the session key')) AS text_round_trip;
-- Interchangeable with passing the same key explicitly.
SELECT colcrypt.decrypt_text(colcrypt.encrypt_text('same key', decode(repeat('55', 32), 'hex'))) AS explicit_then_session;
SELECT colcrypt.decrypt_text(colcrypt.encrypt_text('same key'), decode(repeat('55', 32), 'hex')) AS session_then_explicit;
SELECT colcrypt.decrypt(colcrypt.encrypt('\x01'::bytea, decode(repeat('66', 32), 'hex')));
RESET colcrypt.session_key;
SELECT colcrypt.encrypt('\x01'::bytea);

-- The transport rule, switched for Unix sockets (superuser only).
SET colcrypt.allow_unix_socket_keys = off;
SELECT transport, keys_allowed FROM colcrypt.connection_info();
SELECT colcrypt.gen_key();
SELECT colcrypt.encrypt('\x01'::bytea, decode(repeat('11', 32), 'hex'));
SELECT colcrypt.encrypt(NULL, decode(repeat('11', 32), 'hex')) IS NULL AS null_still_null;
SET colcrypt.require_secure_transport = off;
SELECT length(colcrypt.gen_key()) AS allowed_when_not_required;
RESET colcrypt.require_secure_transport;
RESET colcrypt.allow_unix_socket_keys;
CREATE ROLE cc_plain LOGIN;
SET ROLE cc_plain;
SET colcrypt.require_secure_transport = off;
SET colcrypt.allow_unix_socket_keys = off;
RESET ROLE;
DROP ROLE cc_plain;

-- The session key belongs to the session's own code: a SECURITY DEFINER function owned by
-- another role can neither use it nor replace it (which would make the application seal under
-- a key of that role's choosing).
CREATE ROLE cc_other;
CREATE FUNCTION definer_reads(ct bytea) RETURNS bytea LANGUAGE sql SECURITY DEFINER
  AS 'SELECT colcrypt.decrypt(ct)';
CREATE FUNCTION definer_sets() RETURNS text LANGUAGE sql SECURITY DEFINER
  AS $$SELECT set_config('colcrypt.session_key', repeat('77', 32), false)$$;
ALTER FUNCTION definer_reads(bytea) OWNER TO cc_other;
ALTER FUNCTION definer_sets() OWNER TO cc_other;
SET colcrypt.session_key = '5555555555555555555555555555555555555555555555555555555555555555';
SELECT colcrypt.encrypt('\x01'::bytea) AS ct \gset
SELECT definer_reads(:'ct'::bytea);
SELECT definer_sets();
SELECT colcrypt.decrypt(:'ct'::bytea) AS still_the_sessions_key;
-- The session's own SET and set_config work, and SET LOCAL rolls back.
BEGIN;
SET LOCAL colcrypt.session_key = '6666666666666666666666666666666666666666666666666666666666666666';
SELECT colcrypt.decrypt(:'ct'::bytea);
ROLLBACK;
SELECT colcrypt.decrypt(:'ct'::bytea) AS after_rollback;
-- (That SET's text is masked in pg_stat_activity, pg_stat_statements and error reports is
-- tested with a second session in tests/integration/t_session_key_text.sh.)
RESET colcrypt.session_key;
DROP FUNCTION definer_reads(bytea), definer_sets();
DROP ROLE cc_other;
