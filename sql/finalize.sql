-- Runs last in CREATE EXTENSION colcrypt: documentation for every public function.

COMMENT ON SCHEMA @extschema@ IS 'colcrypt: column encryption (see the README for the modes and docs/FORMAT.md for the envelope)';

COMMENT ON FUNCTION @extschema@.gen_key() IS
  'Returns a new random 32-byte key from the operating system''s CSPRNG, for the client-supplied-key functions.';

COMMENT ON FUNCTION @extschema@.encrypt(bytea, bytea, text) IS
  'encrypt(data, key, context DEFAULT NULL): seals data into a colcrypt envelope (AES-256-GCM, key-committing) under a 32-byte client-supplied key; context, if given, must be given again to decrypt. NULL data or key gives NULL. Use at most 2^32 times per key.';

COMMENT ON FUNCTION @extschema@.decrypt(bytea, bytea, text) IS
  'decrypt(ciphertext, key, context DEFAULT NULL): opens a colcrypt envelope; a wrong key or context, or any damage, is SQLSTATE 22000 "cannot decrypt", never wrong plaintext.';

COMMENT ON FUNCTION @extschema@.encrypt_text(text, bytea, text) IS
  'encrypt_text(data, key, context DEFAULT NULL): encrypt() for text, sealing its UTF-8 bytes.';

COMMENT ON FUNCTION @extschema@.decrypt_text(bytea, bytea, text) IS
  'decrypt_text(ciphertext, key, context DEFAULT NULL): decrypt() returning text; a plaintext that is not valid UTF-8 is SQLSTATE 22021.';

COMMENT ON FUNCTION @extschema@.envelope_info(bytea) IS
  'envelope_info(ciphertext): version, algorithm and key id read from the envelope header (never key or plaintext bytes). It does not authenticate the value.';
