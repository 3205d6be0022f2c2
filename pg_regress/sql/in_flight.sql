-- In flight: how this session is connected, the transport rule, and the session key.
-- pg_regress connects over a Unix socket, which carries keys by default.
\set VERBOSITY sqlstate
SELECT transport, keys_allowed FROM colcrypt.connection_info();
SHOW colcrypt.require_secure_transport;
SHOW colcrypt.allow_unix_socket_keys;

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
