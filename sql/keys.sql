-- Server-managed keys: roles, the data key table and its view. Runs first in CREATE EXTENSION.

-- Roles are cluster-wide, so a second database's CREATE EXTENSION finds them already there.
-- They are not part of the extension and stay after DROP EXTENSION.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'colcrypt_key_admin') THEN
    CREATE ROLE colcrypt_key_admin NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'colcrypt_key_user') THEN
    CREATE ROLE colcrypt_key_user NOLOGIN;
  END IF;
END $$;
COMMENT ON ROLE colcrypt_key_admin IS 'colcrypt: may create, rotate and destroy data keys and rotate the master key';
COMMENT ON ROLE colcrypt_key_user IS 'colcrypt: may encrypt and decrypt with server-managed data keys';

-- Data keys, stored only wrapped (encrypted) by the master key. No role but the owner can
-- read or write it; colcrypt's functions reach it as the owner.
CREATE TABLE @extschema@.data_keys (
    key_id           integer     NOT NULL,
    name             text        NOT NULL,
    version          integer     NOT NULL CHECK (version > 0),
    state            text        NOT NULL CHECK (state IN ('active', 'decrypt_only', 'destroyed')),
    fingerprint      bytea       NOT NULL UNIQUE CHECK (length(fingerprint) = 32),
    wrapped          bytea       CHECK ((state = 'destroyed') = (wrapped IS NULL)),
    created_at       timestamptz NOT NULL DEFAULT now(),
    state_changed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (key_id, version),
    UNIQUE (name, version)
);
CREATE UNIQUE INDEX data_keys_one_active_version ON @extschema@.data_keys (name) WHERE state = 'active';
CREATE SEQUENCE @extschema@.data_key_id_seq AS integer;
REVOKE ALL ON @extschema@.data_keys, @extschema@.data_key_id_seq FROM PUBLIC;

-- pg_dump includes the wrapped keys (useless without the master key), so a restore into a
-- database with the same master key decrypts everything.
SELECT pg_catalog.pg_extension_config_dump('@extschema@.data_keys', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.data_key_id_seq', '');

CREATE VIEW @extschema@.keys AS
SELECT name, key_id, version, state,
       pg_catalog.encode(pg_catalog.substr(fingerprint, 1, 8), 'hex') AS envelope_key_id,
       created_at, state_changed_at
FROM @extschema@.data_keys;
COMMENT ON VIEW @extschema@.keys IS
  'colcrypt data keys and their states (never key bytes); envelope_key_id matches colcrypt.envelope_info().key_id';

-- Which data key name each type modifier stands for (encrypted_text(pii) stores only a number).
-- Filled when a type modifier is first used or a key is created. Not dumped: a restore's CREATE
-- TABLE statements fill it again.
CREATE TABLE @extschema@.key_names (
    typmod integer PRIMARY KEY,
    name   text    NOT NULL UNIQUE
);
REVOKE ALL ON @extschema@.key_names FROM PUBLIC;

-- Roles that may not read the plaintext of a key's values (colcrypt.deny_plaintext): they get a
-- permission error instead. regrole, so pg_dump writes role names, not OIDs.
CREATE TABLE @extschema@.plaintext_denials (
    key_name text    NOT NULL,
    role     regrole NOT NULL,
    PRIMARY KEY (key_name, role)
);
REVOKE ALL ON @extschema@.plaintext_denials FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.plaintext_denials', '');

-- Column keys of the client-side mode, wrapped by a client master key the server never sees:
-- kept here so that clients can share them; useless to the server. Each row belongs to the role
-- that stored it: every role reads them (a wrapped key opens only with its client master key,
-- and a foreign one is reported), but names are per owner, so no role can take a name another
-- role's clients use, and only the owner or a colcrypt_key_admin replaces or deletes a row.
-- (quote_ident: to_regrole parses its argument as an identifier, so a role named "App" or
-- " app" must be quoted to name itself and not another role.)
CREATE TABLE @extschema@.client_column_keys (
    owner      regrole     NOT NULL DEFAULT pg_catalog.to_regrole(pg_catalog.quote_ident(CURRENT_USER)),
    name       text        NOT NULL,
    wrapped    bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (owner, name)
);
ALTER TABLE @extschema@.client_column_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_all ON @extschema@.client_column_keys FOR SELECT USING (true);
CREATE POLICY insert_own ON @extschema@.client_column_keys FOR INSERT
  WITH CHECK (owner OPERATOR(pg_catalog.=) pg_catalog.to_regrole(pg_catalog.quote_ident(CURRENT_USER)));
CREATE POLICY update_own ON @extschema@.client_column_keys FOR UPDATE
  USING (pg_catalog.pg_has_role(owner::pg_catalog.oid, 'USAGE') OR pg_catalog.pg_has_role('colcrypt_key_admin', 'USAGE'))
  WITH CHECK (pg_catalog.pg_has_role(owner::pg_catalog.oid, 'USAGE') OR pg_catalog.pg_has_role('colcrypt_key_admin', 'USAGE'));
CREATE POLICY delete_own ON @extschema@.client_column_keys FOR DELETE
  USING (pg_catalog.pg_has_role(owner::pg_catalog.oid, 'USAGE') OR pg_catalog.pg_has_role('colcrypt_key_admin', 'USAGE'));
GRANT SELECT, INSERT, UPDATE, DELETE ON @extschema@.client_column_keys TO PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.client_column_keys', '');

-- Who may use a key at all. A key not in restricted_keys may be used by every role (the
-- transparent, RDS-like default); once a key admin restricts it (colcrypt.restrict_key_use),
-- only superusers and members of the roles in key_use_grants may seal or open values under it.
CREATE TABLE @extschema@.restricted_keys (
    key_name text PRIMARY KEY
);
CREATE TABLE @extschema@.key_use_grants (
    key_name text    NOT NULL,
    role     regrole NOT NULL,
    PRIMARY KEY (key_name, role)
);
REVOKE ALL ON @extschema@.restricted_keys, @extschema@.key_use_grants FROM PUBLIC;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.restricted_keys', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.key_use_grants', '');
