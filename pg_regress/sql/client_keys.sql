-- The client-supplied-key SQL contract. Ciphertext is random, so it is never printed:
-- only lengths, round-trip booleans, envelope_info and SQLSTATEs.
\set VERBOSITY sqlstate
SET client_min_messages = warning;

-- Fixed test keys (never use fixed keys for real data).
CREATE TEMP TABLE k AS SELECT decode(repeat('11', 32), 'hex') AS k1, decode(repeat('22', 32), 'hex') AS k2;

-- Records the SQLSTATE (or 'ok') of a decrypt, so loops over damaged values can be summarised.
CREATE FUNCTION pg_temp.try_decrypt(ct bytea, key bytea, ctx text DEFAULT NULL) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM colcrypt.decrypt(ct, key, ctx);
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE;
END $$;

-- gen_key: 32 random bytes, different each time.
SELECT length(colcrypt.gen_key()) AS key_len;
SELECT colcrypt.gen_key() <> colcrypt.gen_key() AS keys_differ;

-- Round trips: bytea, empty, text, context, non-ASCII.
SELECT colcrypt.decrypt(colcrypt.encrypt('\x00ff10'::bytea, k1), k1) = '\x00ff10'::bytea AS bytea_round_trip FROM k;
SELECT colcrypt.decrypt(colcrypt.encrypt(''::bytea, k1), k1) = ''::bytea AS empty_round_trip FROM k;
SELECT length(colcrypt.encrypt(''::bytea, k1)) AS empty_envelope_len,
       length(colcrypt.encrypt('\x00'::bytea, k1)) AS one_byte_envelope_len,
       length(colcrypt.encrypt_text(repeat('x', 64), k1)) AS sixty_four_byte_envelope_len FROM k;
SELECT colcrypt.decrypt_text(colcrypt.encrypt_text('Zürich ✓ 日本', k1), k1) AS text_round_trip FROM k;
SELECT colcrypt.decrypt_text(colcrypt.encrypt_text('', k1), k1) = '' AS empty_text_round_trip FROM k;
SELECT colcrypt.decrypt_text(colcrypt.encrypt_text('ssn', k1, 'patients.ssn:42'), k1, 'patients.ssn:42') AS with_context FROM k;
SELECT colcrypt.decrypt(colcrypt.encrypt('\x01'::bytea, k1, NULL), k1) AS null_context_is_no_context FROM k;
SELECT colcrypt.decrypt(colcrypt.encrypt('\x01'::bytea, k1, ''), k1) AS empty_context_is_no_context FROM k;
SELECT length(colcrypt.decrypt_text(colcrypt.encrypt_text(repeat('a', 1048576), k1), k1)) AS one_mib FROM k;
-- Bytes and text interoperate: encrypt_text seals the UTF-8 bytes.
SELECT convert_from(colcrypt.decrypt(colcrypt.encrypt_text('é', k1), k1), 'UTF8') AS text_as_bytes FROM k;

-- Encryption is randomised: the same input twice gives different envelopes.
SELECT colcrypt.encrypt('\x01'::bytea, k1) <> colcrypt.encrypt('\x01'::bytea, k1) AS randomised FROM k;

-- NULL in, NULL out.
SELECT colcrypt.encrypt(NULL, k1) IS NULL AS null_data,
       colcrypt.encrypt('\x01'::bytea, NULL) IS NULL AS null_key,
       colcrypt.decrypt(NULL, k1) IS NULL AS null_ciphertext,
       colcrypt.decrypt_text(colcrypt.encrypt('\x01'::bytea, k1), NULL) IS NULL AS null_key_decrypt,
       colcrypt.encrypt_text(NULL, k1) IS NULL AS null_text,
       colcrypt.decrypt_text(NULL, k1) IS NULL AS null_text_ciphertext FROM k;
SELECT count(*) AS envelope_info_of_null FROM colcrypt.envelope_info(NULL);

-- envelope_info: version, algorithm, key id; the key id is stable per key and differs between keys.
SELECT version, algorithm, length(key_id) AS key_id_len FROM k, colcrypt.envelope_info(colcrypt.encrypt('\x01'::bytea, k1));
SELECT (SELECT key_id FROM colcrypt.envelope_info(colcrypt.encrypt('\x01'::bytea, k1)))
     = (SELECT key_id FROM colcrypt.envelope_info(colcrypt.encrypt('\x02'::bytea, k1))) AS same_key_same_id,
       (SELECT key_id FROM colcrypt.envelope_info(colcrypt.encrypt('\x01'::bytea, k1)))
     <> (SELECT key_id FROM colcrypt.envelope_info(colcrypt.encrypt('\x01'::bytea, k2))) AS other_key_other_id FROM k;
-- An unknown version is reported, not parsed.
SELECT * FROM colcrypt.envelope_info('\x4343090100'::bytea);
SELECT * FROM colcrypt.envelope_info('\x00'::bytea);

-- Keys must be 32 bytes: 22023.
SELECT colcrypt.encrypt('\x01'::bytea, '\x0102'::bytea);
SELECT colcrypt.encrypt('\x01'::bytea, ''::bytea);
SELECT colcrypt.decrypt('\x01'::bytea, decode(repeat('ab', 33), 'hex'));
SELECT colcrypt.encrypt_text('x', decode(repeat('ab', 31), 'hex'));

-- Everything that is not "this key, this context, these bytes" is one error, 22000.
SELECT colcrypt.decrypt(colcrypt.encrypt('\x01'::bytea, k1), k2) FROM k;
SELECT colcrypt.decrypt(colcrypt.encrypt('\x01'::bytea, k1, 'a'), k1, 'b') FROM k;
SELECT colcrypt.decrypt(colcrypt.encrypt('\x01'::bytea, k1, 'a'), k1) FROM k;
SELECT colcrypt.decrypt(colcrypt.encrypt('\x01'::bytea, k1), k1, 'a') FROM k;
SELECT colcrypt.decrypt(''::bytea, k1) FROM k;
SELECT colcrypt.decrypt(colcrypt.encrypt('\x01'::bytea, k1) || '\x00'::bytea, k1) FROM k;
SELECT colcrypt.decrypt(colcrypt.gen_key() || colcrypt.gen_key() || colcrypt.gen_key(), k1) FROM k;

-- Every single-byte change and every truncation of one envelope fails; nothing opens.
CREATE TEMP TABLE one AS SELECT colcrypt.encrypt_text('a value of sixteen', k1, 'ctx') AS ct FROM k;
SELECT pg_temp.try_decrypt(set_byte(ct, i, get_byte(ct, i) # 1), k1, 'ctx') AS outcome, count(*) AS flipped_bytes
FROM one, k, generate_series(0, length((SELECT ct FROM one)) - 1) AS i GROUP BY 1 ORDER BY 1;
SELECT pg_temp.try_decrypt(substr(ct, 1, n), k1, 'ctx') AS outcome, count(*) AS truncations
FROM one, k, generate_series(0, length((SELECT ct FROM one)) - 1) AS n GROUP BY 1 ORDER BY 1;
SELECT pg_temp.try_decrypt(ct, k1, 'ctx') AS untouched FROM one, k;

-- Unknown version and unknown suite have their own error: 0A000.
SELECT colcrypt.decrypt(set_byte(ct, 2, 2), k1, 'ctx') FROM one, k;
SELECT colcrypt.decrypt(set_byte(ct, 3, 9), k1, 'ctx') FROM one, k;

-- decrypt_text of a plaintext that is not UTF-8: 22021.
SELECT colcrypt.decrypt_text(colcrypt.encrypt('\xfffe'::bytea, k1), k1) FROM k;

-- Errors leave the session usable and the data unchanged.
SELECT colcrypt.decrypt_text(ct, k1, 'ctx') AS still_readable FROM one, k;

-- The messages users see (terse: message only). None holds key, plaintext or ciphertext bytes.
\set VERBOSITY terse
SELECT colcrypt.encrypt('\x01'::bytea, '\x0102'::bytea);
SELECT colcrypt.decrypt(colcrypt.encrypt_text('secret plaintext', k1), k2) FROM k;
SELECT colcrypt.decrypt(set_byte(ct, 2, 7), k1, 'ctx') FROM one, k;
SELECT colcrypt.decrypt(set_byte(ct, 3, 7), k1, 'ctx') FROM one, k;
SELECT colcrypt.decrypt_text(colcrypt.encrypt('\xfffe'::bytea, k1), k1) FROM k;
SELECT * FROM colcrypt.envelope_info('\x00'::bytea);
