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
  'envelope_info(ciphertext): version, algorithm and key id read from the envelope header (never key or plaintext bytes), also of a searchable value''s stored form (colcrypt.envelope(v)). It does not authenticate the value.';

CREATE FUNCTION @extschema@.deny_plaintext(key_name text, role regrole) RETURNS void
  AS 'MODULE_PATHNAME', 'deny_plaintext_wrapper' LANGUAGE C STRICT VOLATILE;
CREATE FUNCTION @extschema@.allow_plaintext(key_name text, role regrole) RETURNS void
  AS 'MODULE_PATHNAME', 'allow_plaintext_wrapper' LANGUAGE C STRICT VOLATILE;
COMMENT ON FUNCTION @extschema@.deny_plaintext(text, regrole) IS
  'deny_plaintext(key_name, role): members of role get a permission error instead of the plaintext of values under the key (columns, server_decrypt). Ciphertext (colcrypt.ciphertext_io) stays readable. Role colcrypt_key_admin.';
COMMENT ON FUNCTION @extschema@.allow_plaintext(text, regrole) IS
  'allow_plaintext(key_name, role): undoes deny_plaintext. Role colcrypt_key_admin.';

CREATE FUNCTION @extschema@.grant_key_use(key_name text, role regrole) RETURNS void
  AS 'MODULE_PATHNAME', 'grant_key_use_wrapper' LANGUAGE C STRICT VOLATILE;
CREATE FUNCTION @extschema@.revoke_key_use(key_name text, role regrole) RETURNS void
  AS 'MODULE_PATHNAME', 'revoke_key_use_wrapper' LANGUAGE C STRICT VOLATILE;
COMMENT ON FUNCTION @extschema@.grant_key_use(text, regrole) IS
  'grant_key_use(key_name, role): members of role may use the key once it is restricted (restrict_key_use). Role colcrypt_key_admin.';
COMMENT ON FUNCTION @extschema@.revoke_key_use(text, regrole) IS
  'revoke_key_use(key_name, role): undoes grant_key_use. Role colcrypt_key_admin.';
COMMENT ON FUNCTION @extschema@.restrict_key_use(text) IS
  'restrict_key_use(key_name): from now on only superusers and roles granted with grant_key_use may seal or open values under the key (types, casts, functions, binary input); others get SQLSTATE 42501. New keys are unrestricted. Role colcrypt_key_admin.';
COMMENT ON FUNCTION @extschema@.unrestrict_key_use(text) IS
  'unrestrict_key_use(key_name): every role may use the key again (the default). Role colcrypt_key_admin.';

-- Everyone may call the client-supplied-key functions; server-managed keys need a role.
GRANT USAGE ON SCHEMA @extschema@ TO PUBLIC;

REVOKE EXECUTE ON FUNCTION @extschema@.create_key(text), @extschema@.rotate_key(text), @extschema@.destroy_key(text),
  @extschema@.rotate_master_key(), @extschema@.master_key_info(),
  @extschema@.deny_plaintext(text, regrole), @extschema@.allow_plaintext(text, regrole),
  @extschema@.grant_key_use(text, regrole), @extschema@.revoke_key_use(text, regrole),
  @extschema@.restrict_key_use(text), @extschema@.unrestrict_key_use(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.create_key(text), @extschema@.rotate_key(text), @extschema@.destroy_key(text),
  @extschema@.rotate_master_key(), @extschema@.master_key_info(),
  @extschema@.deny_plaintext(text, regrole), @extschema@.allow_plaintext(text, regrole),
  @extschema@.grant_key_use(text, regrole), @extschema@.revoke_key_use(text, regrole),
  @extschema@.restrict_key_use(text), @extschema@.unrestrict_key_use(text) TO colcrypt_key_admin;

REVOKE EXECUTE ON FUNCTION @extschema@.server_encrypt(text, bytea, text), @extschema@.server_decrypt(bytea, text),
  @extschema@.server_encrypt_text(text, text, text), @extschema@.server_decrypt_text(bytea, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.server_encrypt(text, bytea, text), @extschema@.server_decrypt(bytea, text),
  @extschema@.server_encrypt_text(text, text, text), @extschema@.server_decrypt_text(bytea, text) TO colcrypt_key_user;

-- Citus (src/citus.rs): the coordinator applies key changes to every node; only a superuser (the
-- coordinator's connection as the key tables' owner) may apply a key state, and key admins sync
-- and compare nodes.
REVOKE EXECUTE ON FUNCTION @extschema@.citus_apply_keys(text), @extschema@.citus_key_digest(),
  @extschema@.citus_sync_keys(), @extschema@.citus_keys_in_sync() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.citus_key_digest(), @extschema@.citus_sync_keys(),
  @extschema@.citus_keys_in_sync() TO colcrypt_key_admin;
COMMENT ON FUNCTION @extschema@.citus_apply_keys(text) IS
  'citus_apply_keys(state): internal; run by the Citus coordinator on every node to make its key tables the coordinator''s. Superusers only.';
COMMENT ON FUNCTION @extschema@.citus_key_digest() IS
  'citus_key_digest(): SHA-256 of this node''s key tables (wrapped keys, states, access lists; never key bytes), compared by citus_keys_in_sync. Role colcrypt_key_admin.';
COMMENT ON FUNCTION @extschema@.citus_sync_keys() IS
  'citus_sync_keys(): on the Citus coordinator, sends its keys to every node with metadata in this transaction (after citus_add_node); returns the number of worker nodes. Role colcrypt_key_admin.';
COMMENT ON FUNCTION @extschema@.citus_keys_in_sync() IS
  'citus_keys_in_sync(): on the Citus coordinator, one row per worker: whether its keys equal the coordinator''s, and why not. Role colcrypt_key_admin.';

REVOKE ALL ON @extschema@.keys FROM PUBLIC;
GRANT SELECT ON @extschema@.keys TO colcrypt_key_admin, colcrypt_key_user;

COMMENT ON FUNCTION @extschema@.create_key(text) IS
  'create_key(name): creates a server-managed data key (random 256-bit, stored wrapped by the master key); returns its id. Role colcrypt_key_admin.';
COMMENT ON FUNCTION @extschema@.rotate_key(text) IS
  'rotate_key(name): adds a new version that new values use; older versions become decrypt_only and stay readable. Returns the new version.';
COMMENT ON FUNCTION @extschema@.destroy_key(text) IS
  'destroy_key(name): crypto-shreds every version of the key; its values can never be decrypted again. Returns the number of versions destroyed. Run VACUUM colcrypt.data_keys afterwards.';
COMMENT ON FUNCTION @extschema@.rotate_master_key() IS
  'rotate_master_key(): re-wraps every data key from colcrypt.previous_master_key_* to colcrypt.master_key_* in one transaction; returns how many were re-wrapped. Safe to run again.';
COMMENT ON FUNCTION @extschema@.master_key_info() IS
  'master_key_info(): whether the current and previous master keys are configured and loaded, their key ids and any problem (never key bytes).';
COMMENT ON FUNCTION @extschema@.server_encrypt(text, bytea, text) IS
  'server_encrypt(key_name, data, context DEFAULT NULL): seals data under the active version of a server-managed key. Role colcrypt_key_user.';
COMMENT ON FUNCTION @extschema@.server_decrypt(bytea, text) IS
  'server_decrypt(ciphertext, context DEFAULT NULL): opens a value sealed by server_encrypt, finding its key by the id in the envelope. Role colcrypt_key_user.';
COMMENT ON FUNCTION @extschema@.server_encrypt_text(text, text, text) IS
  'server_encrypt_text(key_name, data, context DEFAULT NULL): server_encrypt() of text.';
COMMENT ON FUNCTION @extschema@.server_decrypt_text(bytea, text) IS
  'server_decrypt_text(ciphertext, context DEFAULT NULL): server_decrypt() returning text.';

COMMENT ON FUNCTION @extschema@.encrypt(bytea) IS
  'encrypt(data): encrypt() under the session key (colcrypt.session_key, set in the connection''s startup options).';
COMMENT ON FUNCTION @extschema@.decrypt(bytea) IS
  'decrypt(ciphertext): decrypt() under the session key (colcrypt.session_key).';
COMMENT ON FUNCTION @extschema@.encrypt_text(text) IS
  'encrypt_text(data): encrypt_text() under the session key (colcrypt.session_key).';
COMMENT ON FUNCTION @extschema@.decrypt_text(bytea) IS
  'decrypt_text(ciphertext): decrypt_text() under the session key (colcrypt.session_key).';
CREATE FUNCTION @extschema@.connection_info(
  OUT transport text, OUT keys_allowed boolean, OUT tls_version text, OUT cipher text, OUT client_certificate boolean,
  OUT caveat text)
LANGUAGE sql VOLATILE AS $$
  SELECT t.transport, t.keys_allowed, s.version, s.cipher, s.client_dn IS NOT NULL, t.caveat
  FROM @extschema@.connection_transport() t
  LEFT JOIN pg_catalog.pg_stat_ssl s ON s.pid OPERATOR(pg_catalog.=) pg_catalog.pg_backend_pid()
$$;
COMMENT ON FUNCTION @extschema@.connection_transport() IS
  'connection_transport(): the transport part of connection_info().';
COMMENT ON FUNCTION @extschema@.connection_info() IS
  'connection_info(): how this session''s client is connected (tls, tls from loopback, unix socket, tcp without tls), whether colcrypt accepts client-supplied keys on it, the TLS protocol version, cipher and whether the client presented a certificate, and what colcrypt cannot know about the connection (caveat).';

-- Whether a catalog row (its xmin) was written by the running transaction or one of its
-- subtransactions, for the event triggers below (age(xmin) <= 0 also took a concurrent, later
-- transaction's rows).
CREATE FUNCTION @extschema@.made_in_this_transaction(pg_catalog.xid) RETURNS boolean
  AS 'MODULE_PATHNAME', 'made_in_this_transaction_wrapper' LANGUAGE C STRICT STABLE;
COMMENT ON FUNCTION @extschema@.made_in_this_transaction(pg_catalog.xid) IS
  'Event trigger helper: whether a row with this xmin was written by the running transaction (or a subtransaction of it).';
-- The types a value of type t (modifier m) is or holds, with their modifiers: a domain's base, an
-- array's elements, a row type's fields, a range's bounds (modifier unknown: -1), at any depth.
-- Shared by the event triggers below.
CREATE FUNCTION @extschema@.held_types(t pg_catalog.oid, m pg_catalog.int4) RETURNS TABLE (typ pg_catalog.oid, typmod pg_catalog.int4)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
  WITH RECURSIVE held(typ, typmod) AS (
    SELECT t, m
    UNION
    SELECT n.typ, n.typmod
    FROM held h JOIN pg_catalog.pg_type ty ON ty.oid OPERATOR(pg_catalog.=) h.typ,
    LATERAL (SELECT ty.typbasetype, ty.typtypmod WHERE ty.typtype OPERATOR(pg_catalog.=) 'd'
             UNION ALL
             SELECT ty.typelem, h.typmod WHERE ty.typtype OPERATOR(pg_catalog.<>) 'd' AND ty.typelem OPERATOR(pg_catalog.<>) 0
               AND ty.typlen OPERATOR(pg_catalog.=) -1
             UNION ALL
             SELECT a.atttypid, a.atttypmod FROM pg_catalog.pg_attribute a
             WHERE ty.typrelid OPERATOR(pg_catalog.<>) 0 AND a.attrelid OPERATOR(pg_catalog.=) ty.typrelid
               AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped
             UNION ALL
             SELECT rg.rngsubtype, -1 FROM pg_catalog.pg_range rg WHERE rg.rngtypid OPERATOR(pg_catalog.=) ty.oid
             UNION ALL
             SELECT rg.rngsubtype, -1 FROM pg_catalog.pg_range rg WHERE rg.rngmultitypid OPERATOR(pg_catalog.=) ty.oid) n(typ, typmod))
  SELECT held.typ, held.typmod FROM held
$$;
COMMENT ON FUNCTION @extschema@.held_types(pg_catalog.oid, pg_catalog.int4) IS
  'Event trigger helper: the types a value of a type is or holds (domain bases, array elements, row type fields, range bounds), with their type modifiers.';
-- The row types the running DDL command changed (made or altered, or a relation's whose columns it
-- changed), and every type that holds one: its array, a domain or range over it (types that
-- depend on it), a row type with a field of it; found through pg_depend, so a command costs what
-- it changed. Both event triggers below use it to find what a row type gaining a field changes
-- without writing its rows. Callable only from an event trigger.
CREATE FUNCTION @extschema@.changed_row_types() RETURNS SETOF pg_catalog.oid
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
  WITH RECURSIVE cmd AS (
    SELECT c.classid, c.objid FROM pg_catalog.pg_event_trigger_ddl_commands() c),
  changed(typ) AS (
    SELECT objid FROM cmd WHERE classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_type'::pg_catalog.regclass
    UNION
    SELECT cl.reltype FROM cmd JOIN pg_catalog.pg_class cl ON cl.oid OPERATOR(pg_catalog.=) cmd.objid
    WHERE cmd.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass AND cl.reltype OPERATOR(pg_catalog.<>) 0
    UNION
    SELECT n.typ FROM changed h, LATERAL (
      SELECT t.typarray FROM pg_catalog.pg_type t WHERE t.oid OPERATOR(pg_catalog.=) h.typ AND t.typarray OPERATOR(pg_catalog.<>) 0
      UNION ALL
      SELECT d.objid FROM pg_catalog.pg_depend d
      WHERE d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_type'::pg_catalog.regclass AND d.refobjid OPERATOR(pg_catalog.=) h.typ
        AND d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_type'::pg_catalog.regclass
      UNION ALL
      SELECT cl.reltype FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class cl ON cl.oid OPERATOR(pg_catalog.=) d.objid
      WHERE d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_type'::pg_catalog.regclass AND d.refobjid OPERATOR(pg_catalog.=) h.typ
        AND d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid OPERATOR(pg_catalog.>) 0
        AND cl.reltype OPERATOR(pg_catalog.<>) 0) n(typ))
  SELECT typ FROM changed
$$;
COMMENT ON FUNCTION @extschema@.changed_row_types() IS
  'Event trigger helper: the row types the running DDL command changed, and every type holding one (arrays, domains, ranges, row types with such a field).';
-- The relations with a column of a row type the running DDL command changed (changed_row_types),
-- and whether an owner of what the command names (its relations and types) owns each: another
-- role's relation is for that role to change, and both event triggers below leave it alone (two
-- reviews blocked an owner's every ALTER TABLE, a superuser's too, with a table of its row type
-- made for the purpose). Callable only from an event trigger.
CREATE FUNCTION @extschema@.changed_row_type_users() RETURNS TABLE (rel pg_catalog.oid, commands_owner boolean)
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
  WITH cmd AS (
    SELECT c.classid, c.objid FROM pg_catalog.pg_event_trigger_ddl_commands() c),
  owners(owner) AS (
    SELECT cl.relowner FROM cmd JOIN pg_catalog.pg_class cl ON cl.oid OPERATOR(pg_catalog.=) cmd.objid
    WHERE cmd.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
    UNION
    SELECT t.typowner FROM cmd JOIN pg_catalog.pg_type t ON t.oid OPERATOR(pg_catalog.=) cmd.objid
    WHERE cmd.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_type'::pg_catalog.regclass)
  SELECT DISTINCT d.objid, cl.relowner IN (SELECT owner FROM owners)
  FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class cl ON cl.oid OPERATOR(pg_catalog.=) d.objid
  WHERE d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_type'::pg_catalog.regclass
    AND d.refobjid IN (SELECT @extschema@.changed_row_types())
    AND d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid OPERATOR(pg_catalog.>) 0
$$;
COMMENT ON FUNCTION @extschema@.changed_row_type_users() IS
  'Event trigger helper: the relations with a column of a row type the running DDL command changed, and whether an owner of what the command names owns each.';
-- Indexes, partition keys and exclusion constraints order or group rows by their keys. For a
-- searchable column that is its stored blind index (equality leakage documented in the README).
-- For any other encrypted value the order or hash is computed from the plaintext by whoever writes
-- the row, and the structure then answers equality without the reader's right to the plaintext
-- being checked: an index scan returns equal values next to each other without comparing them (an
-- attacker review read the groups of a btree index as a denied role), a probe that finds no
-- candidate never decrypts, and a row's partition shows in its tableoid. So they are refused on
-- encrypted values that are not searchable, also inside arrays, composites and domains.
CREATE FUNCTION @extschema@.refuse_unsearchable_index() RETURNS event_trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  -- A session's planner switches (enable_seqscan = off …) would make these catalog queries take
  -- seconds per DDL command; so would JIT (0.4 s per command: the estimates of the recursive
  -- query pass jit_above_cost).
  SET jit = off SET enable_seqscan = on SET enable_hashagg = on SET enable_hashjoin = on SET enable_nestloop = on
  SET enable_mergejoin = on SET enable_indexscan = on SET enable_bitmapscan = on SET enable_sort = on AS $$
DECLARE
  offending text;
BEGIN
  -- The indexes and partition keys this transaction made or rebuilt, which are its own catalog
  -- rows, whatever the command named: a column type change also rebuilds the indexes of the
  -- table's children and of a composite type's typed tables (an attacker review kept such indexes
  -- through ALTER TABLE on a parent and ALTER TYPE … CASCADE), and an unrelated change to a table
  -- is not refused for an index it left as it was. Also the valid indexes, partition keys and
  -- extended statistics of tables with a column of a row type this command changed (or of a type
  -- holding one): a command can add fields to a row type without writing their rows (ALTER TYPE
  -- … ADD ATTRIBUTE, a column added to a table whose row type is used, CREATE OR REPLACE VIEW);
  -- and the indexes of the tables it changed whose expression or condition reads a whole row.
  -- Found from the change through pg_depend, so a command costs what it changed, not the size of
  -- the catalog (a review timed 3.8 s per command over 3,000 tables when every key over a row
  -- type was judged each time). Not an invalid index, which a refused CREATE INDEX CONCURRENTLY
  -- leaves and which would otherwise block every later command.
  WITH RECURSIVE cmd AS (
    SELECT c.classid, c.objid FROM pg_catalog.pg_event_trigger_ddl_commands() c),
  -- Only relations an owner of what the command names owns (changed_row_type_users): the
  -- planner never uses another role's indexes over values that are not searchable
  -- (src/unsearchable_indexes.rs).
  uses AS (
    SELECT u.rel FROM @extschema@.changed_row_type_users() u WHERE u.commands_owner),
  ix AS (
    SELECT i.* FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) i.indexrelid
    WHERE @extschema@.made_in_this_transaction(i.xmin) OR @extschema@.made_in_this_transaction(c.xmin)
       OR i.indisvalid AND i.indrelid IN (SELECT rel FROM uses)
       OR i.indisvalid AND i.indrelid IN (SELECT objid FROM cmd WHERE classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass)
          AND (i.indexprs::pg_catalog.text OPERATOR(pg_catalog.~) ':varattno 0 ' OR i.indpred::pg_catalog.text OPERATOR(pg_catalog.~) ':varattno 0 ')),
  -- Also the key of a table gaining a partition: a row type may have gained a field in a
  -- transaction whose snapshot did not see the table (REPEATABLE READ; an attacker review
  -- partitioned values that are not searchable that way), and rows are placed only once
  -- partitions exist.
  pt AS (
    SELECT p.* FROM pg_catalog.pg_partitioned_table p
    WHERE @extschema@.made_in_this_transaction(p.xmin) OR p.partrelid IN (SELECT rel FROM uses)
       OR p.partrelid IN (SELECT inh.inhparent FROM pg_catalog.pg_inherits inh WHERE @extschema@.made_in_this_transaction(inh.xmin))),
  st AS (
    SELECT s.* FROM pg_catalog.pg_statistic_ext s
    WHERE @extschema@.made_in_this_transaction(s.xmin) OR s.stxrelid IN (SELECT rel FROM uses)),
  -- The keys of those indexes (not INCLUDE columns): a column's type and modifier; an
  -- expression's as the index stores it and its operator class's input type (a hash index stores
  -- a hash, array_ops takes anyarray); partition key columns. And, as if no encrypted value in
  -- them were searchable (`anyenc`): the columns a partition expression reads (its value places
  -- the row: a range of plain(s) showed each row's plaintext range by its partition); the
  -- columns an index expression or a partial index's predicate reads (other than to test for
  -- NULL), whose index would hold or select by values computed from the plaintext (an IMMUTABLE
  -- wrapper of the cast to text put every plaintext in an index, returned by index-only scans to
  -- a role denied it); the columns a stored generated column is computed from; and the columns
  -- and expressions of extended statistics, which ANALYZE (and autovacuum, as the table's owner)
  -- would summarise, keeping plaintext in pg_statistic_ext_data (another review read every value
  -- from pg_stats_ext_exprs). Functions that read a table themselves are not seen: SECURITY.md,
  -- "Limits".
  keys AS (
    SELECT ix.indexrelid::pg_catalog.regclass::pg_catalog.text AS rel, t.typ, t.typmod, false AS anyenc
    FROM ix CROSS JOIN LATERAL pg_catalog.generate_series(0, ix.indnkeyatts OPERATOR(pg_catalog.-) 1) k
    JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) ix.indexrelid AND a.attnum OPERATOR(pg_catalog.=) (k OPERATOR(pg_catalog.+) 1)
    JOIN pg_catalog.pg_opclass oc ON oc.oid OPERATOR(pg_catalog.=) ix.indclass[k]
    LEFT JOIN pg_catalog.pg_attribute c ON c.attrelid OPERATOR(pg_catalog.=) ix.indrelid AND c.attnum OPERATOR(pg_catalog.=) ix.indkey[k]
    CROSS JOIN LATERAL (SELECT c.atttypid, c.atttypmod WHERE ix.indkey[k] OPERATOR(pg_catalog.<>) 0
                        UNION ALL SELECT a.atttypid, a.atttypmod WHERE ix.indkey[k] OPERATOR(pg_catalog.=) 0
                        UNION ALL SELECT oc.opcintype, -1 WHERE ix.indkey[k] OPERATOR(pg_catalog.=) 0) t(typ, typmod)
    UNION ALL
    SELECT ix.indexrelid::pg_catalog.regclass::pg_catalog.text, v[1]::pg_catalog.oid, -1, true
    FROM ix, pg_catalog.regexp_matches(ix.indexprs::pg_catalog.text, ':vartype (\d+) :vartypmod (-?\d+)', 'g') v
    UNION ALL
    SELECT ix.indexrelid::pg_catalog.regclass::pg_catalog.text, v[1]::pg_catalog.oid, -1, true
    FROM ix, pg_catalog.regexp_matches(
      pg_catalog.regexp_replace(ix.indpred::pg_catalog.text, '\{NULLTEST :arg \{VAR [^{}]*\}', '', 'g'),
      ':vartype (\d+) :vartypmod (-?\d+)', 'g') v
    UNION ALL
    SELECT pt.partrelid::pg_catalog.regclass::pg_catalog.text, a.atttypid, a.atttypmod, false
    FROM pt JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) pt.partrelid
      AND a.attnum OPERATOR(pg_catalog.=) ANY (pt.partattrs::pg_catalog.int2[])
    UNION ALL
    SELECT pt.partrelid::pg_catalog.regclass::pg_catalog.text, v[1]::pg_catalog.oid, -1, true
    FROM pt, pg_catalog.regexp_matches(pt.partexprs::pg_catalog.text, ':vartype (\d+) :vartypmod (-?\d+)', 'g') v
    UNION ALL
    -- A stored generated column computed from an encrypted value keeps that computation in the
    -- heap (a review stored plaintext that way through an IMMUTABLE wrapper of the cast).
    SELECT 'generated column ' OPERATOR(pg_catalog.||) d.adrelid::pg_catalog.regclass::pg_catalog.text OPERATOR(pg_catalog.||) '.'
           OPERATOR(pg_catalog.||) pg_catalog.quote_ident(a.attname), v[1]::pg_catalog.oid, -1, true
    FROM pg_catalog.pg_attrdef d JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) d.adrelid AND a.attnum OPERATOR(pg_catalog.=) d.adnum,
      pg_catalog.regexp_matches(d.adbin::pg_catalog.text, ':vartype (\d+) :vartypmod (-?\d+)', 'g') v
    WHERE a.attgenerated OPERATOR(pg_catalog.=) 's'
      AND (@extschema@.made_in_this_transaction(d.xmin) OR d.adbin::pg_catalog.text OPERATOR(pg_catalog.~) ':varattno 0 ')
    UNION ALL
    SELECT 'statistics ' OPERATOR(pg_catalog.||) pg_catalog.quote_ident(st.stxname), v[1]::pg_catalog.oid, -1, true
    FROM st, pg_catalog.regexp_matches(st.stxexprs::pg_catalog.text, ':vartype (\d+) :vartypmod (-?\d+)', 'g') v
    UNION ALL
    SELECT 'statistics ' OPERATOR(pg_catalog.||) pg_catalog.quote_ident(st.stxname), a.atttypid, -1, true
    FROM st JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) st.stxrelid
      AND a.attnum OPERATOR(pg_catalog.=) ANY (st.stxkeys::pg_catalog.int2[]))
  -- What each key holds (held_types), judged.
  SELECT pg_catalog.string_agg(DISTINCT keys.rel, ', ') INTO offending
  FROM keys CROSS JOIN LATERAL @extschema@.held_types(keys.typ, keys.typmod) held
  JOIN pg_catalog.pg_type et ON et.oid OPERATOR(pg_catalog.=) held.typ
  WHERE et.typnamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace
    AND et.typinput::pg_catalog.text OPERATOR(pg_catalog.~~) '%.encrypted\_%\_in'
    AND (keys.anyenc OR held.typmod OPERATOR(pg_catalog.<) 0 OR (held.typmod OPERATOR(pg_catalog.&) 1) OPERATOR(pg_catalog.=) 0);
  IF offending IS NOT NULL THEN
    RAISE EXCEPTION 'colcrypt: % would order or group encrypted values that are not searchable, or hold values computed from encrypted ones', offending
      USING ERRCODE = '0A000',
            HINT = 'An index or partition key shows which values are equal, as a searchable column does: make the column searchable (encrypted_text(key, searchable)), or leave it without one. An index expression, a partial index''s condition or extended statistics over encrypted values would keep values computed from their plaintext. A refused CREATE INDEX CONCURRENTLY leaves an invalid index behind, as any failed one does: DROP INDEX it.';
  END IF;
END $$;
CREATE EVENT TRIGGER colcrypt_refuse_unsearchable_index ON ddl_command_end
  WHEN TAG IN ('CREATE INDEX', 'CREATE TABLE', 'ALTER TABLE', 'ALTER INDEX', 'CREATE SCHEMA', 'ALTER TYPE',
               'CREATE VIEW', 'CREATE STATISTICS', 'ALTER STATISTICS', 'ALTER FOREIGN TABLE', 'ALTER DOMAIN')
  EXECUTE FUNCTION @extschema@.refuse_unsearchable_index();
-- Also under session_replication_role = replica, which a role may be granted SET on (a review
-- made every structure above that way).
ALTER EVENT TRIGGER colcrypt_refuse_unsearchable_index ENABLE ALWAYS;
COMMENT ON FUNCTION @extschema@.refuse_unsearchable_index() IS
  'Event trigger: refuses indexes, partition keys and exclusion constraints over encrypted values that are not searchable (their order or hash would show which values are equal to roles denied the plaintext and to readers of the files), and index expressions, partial index conditions and extended statistics over any encrypted values (they would keep values computed from the plaintext).';

-- The encrypted type a column or bound is of, or NULL: its own type, or the element type of an
-- array of one. The event triggers below share it; plain SQL so the planner inlines it.
CREATE FUNCTION @extschema@.encrypted_type_name(t pg_catalog.oid) RETURNS pg_catalog.name
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT et.typname FROM pg_catalog.pg_type at
  JOIN pg_catalog.pg_type et ON et.oid OPERATOR(pg_catalog.=)
    (CASE WHEN at.typelem OPERATOR(pg_catalog.<>) 0 AND at.typlen OPERATOR(pg_catalog.=) -1 THEN at.typelem ELSE at.oid END)
  WHERE at.oid OPERATOR(pg_catalog.=) t
    AND et.typnamespace OPERATOR(pg_catalog.=) '@extschema@'::pg_catalog.regnamespace
    AND et.typinput::pg_catalog.text OPERATOR(pg_catalog.~~) '%.encrypted\_%\_in'
$$;
COMMENT ON FUNCTION @extschema@.encrypted_type_name(pg_catalog.oid) IS
  'The colcrypt encrypted type a type is (or is an array of), or NULL; used by colcrypt''s event triggers.';

-- A column of an encrypted type that names no key would keep values as its input made them, and
-- PostgreSQL runs input without a type modifier for untyped literals and parameters: under
-- __transient, the key of values on their way to a column, which no key admin can restrict, deny
-- or destroy. So such a column is given the key default, which is what no key name meant in 0.1.0:
-- encrypted_text becomes encrypted_text(default) at the end of the command that made it (rows
-- that CREATE TABLE AS wrote by then are re-sealed under default by the ALTER; they never held
-- plaintext). A materialized view cannot change a column's type and a domain has no column: both
-- are refused, with the fix in the hint.
CREATE FUNCTION @extschema@.name_default_key() RETURNS event_trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
  -- A session's planner switches (enable_seqscan = off …) would make these catalog queries take
  -- seconds per DDL command.
  SET enable_seqscan = on SET enable_hashagg = on SET enable_hashjoin = on SET enable_nestloop = on
  SET enable_mergejoin = on SET enable_indexscan = on SET enable_bitmapscan = on SET enable_sort = on AS $$
DECLARE
  r record;
  -- The relations the command made or changed, and those of the composite types it did; the
  -- checks below look at them.
  rels pg_catalog.oid[] := ARRAY(
    SELECT c.objid FROM pg_catalog.pg_event_trigger_ddl_commands() c
    WHERE c.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
    UNION
    SELECT t.typrelid FROM pg_catalog.pg_event_trigger_ddl_commands() c
    JOIN pg_catalog.pg_type t ON t.oid OPERATOR(pg_catalog.=) c.objid
    WHERE c.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_type'::pg_catalog.regclass
      AND t.typrelid OPERATOR(pg_catalog.<>) 0);
BEGIN
  FOR r IN
    WITH cmd AS (SELECT pg_catalog.unnest(rels) AS rel)
    SELECT * FROM (
      SELECT cl.oid::pg_catalog.regclass AS rel, cl.relkind, a.attname, @extschema@.encrypted_type_name(at.oid) AS typname,
             at.typelem OPERATOR(pg_catalog.<>) 0 AND at.typlen OPERATOR(pg_catalog.=) -1 AS is_array
      FROM cmd
      JOIN pg_catalog.pg_class cl ON cl.oid OPERATOR(pg_catalog.=) cmd.rel
      JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) cl.oid
      JOIN pg_catalog.pg_type at ON at.oid OPERATOR(pg_catalog.=) a.atttypid
      WHERE a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped AND a.atttypmod OPERATOR(pg_catalog.<) 0
        AND a.attinhcount OPERATOR(pg_catalog.=) 0
          AND cl.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p', 'm', 'c', 'f']::pg_catalog.char[])) cols
    WHERE cols.typname IS NOT NULL
  LOOP
    IF r.relkind OPERATOR(pg_catalog.=) 'm' THEN
      RAISE EXCEPTION 'colcrypt: column % of materialized view % names no key', r.attname, r.rel
        USING ERRCODE = '42P16',
              HINT = pg_catalog.format('Cast it to a type that names its key in the view''s query, as in ::@extschema@.%s(default).', r.typname);
    END IF;
    EXECUTE pg_catalog.format('ALTER %s %s ALTER %s %I TYPE @extschema@.%I(''default'')%s',
      CASE r.relkind WHEN 'c' THEN 'TYPE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
      CASE r.relkind WHEN 'c' THEN (SELECT t.oid::pg_catalog.regtype::pg_catalog.text FROM pg_catalog.pg_type t
                                    WHERE t.typrelid OPERATOR(pg_catalog.=) r.rel::pg_catalog.oid)
                     ELSE r.rel::pg_catalog.text END,
      CASE r.relkind WHEN 'c' THEN 'ATTRIBUTE' ELSE 'COLUMN' END,
      r.attname, r.typname, CASE WHEN r.is_array THEN '[]' ELSE '' END)
      -- A composite type may already have typed tables (ALTER TYPE … ADD ATTRIBUTE … CASCADE).
      OPERATOR(pg_catalog.||) CASE r.relkind WHEN 'c' THEN ' CASCADE' ELSE '' END;
  END LOOP;
  -- ANALYZE computes the statistics of a column of a row type or an array that holds an encrypted
  -- value with that type's equality, which decrypts (as the table's owner, in autovacuum): how
  -- many distinct values there are and how often each comes (an attacker review read them from
  -- pg_stats as a role denied the plaintext). Such columns are given a statistics target of 0,
  -- which ANALYZE skips; encrypted columns themselves keep none (encrypted_typanalyze). For the
  -- relations the command made or changed, and those with a column of a row type it changed.
  FOR r IN
    WITH target(rel, commands_owner) AS (
      SELECT pg_catalog.unnest(rels), true
      UNION
      SELECT u.rel, u.commands_owner FROM @extschema@.changed_row_type_users() u),
    -- Ranges and multiranges too: ANALYZE sorts their bounds (a review found a range over a row
    -- type that holds an encrypted field skipped).
    cols AS (
      SELECT cl.oid AS rel, cl.relkind, a.attname, a.atttypid AS typ,
             COALESCE(a.attstattarget::pg_catalog.int4, -1) OPERATOR(pg_catalog.>) 0 AS was_set,
             -- Another role's relation is for its owner to change (changed_row_type_users):
             -- altering it failed the command, or waited for a lock its owner held; so is another
             -- session's temporary table.
             target.commands_owner
               AND (cl.relpersistence OPERATOR(pg_catalog.<>) 't' OR cl.relnamespace OPERATOR(pg_catalog.=) pg_catalog.pg_my_temp_schema()) AS may_alter
      FROM target JOIN pg_catalog.pg_class cl ON cl.oid OPERATOR(pg_catalog.=) target.rel
      JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) cl.oid
      JOIN pg_catalog.pg_type t ON t.oid OPERATOR(pg_catalog.=) a.atttypid
      WHERE cl.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p', 'm', 'f']::pg_catalog.char[])
        AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped
        AND COALESCE(a.attstattarget::pg_catalog.int4, -1) OPERATOR(pg_catalog.<>) 0
        AND (t.typtype OPERATOR(pg_catalog.=) ANY (ARRAY['c', 'd', 'r', 'm']::pg_catalog.char[]) OR t.typelem OPERATOR(pg_catalog.<>) 0))
    SELECT DISTINCT cols.rel::pg_catalog.regclass AS rel, cols.relkind, cols.attname, cols.was_set, cols.may_alter
    FROM cols CROSS JOIN LATERAL @extschema@.held_types(cols.typ, -1) held
    WHERE @extschema@.encrypted_type_name(held.typ) IS NOT NULL
  LOOP
    IF NOT r.may_alter THEN
      RAISE WARNING 'colcrypt: column % of % now holds encrypted values, and its statistics target is not 0', r.attname, r.rel
        USING HINT = 'Its owner should run ALTER TABLE … ALTER COLUMN … SET STATISTICS 0: until then colcrypt refuses to ANALYZE the table, which would publish how often each value comes in pg_stats.';
      CONTINUE;
    END IF;
    EXECUTE pg_catalog.format('ALTER %s %s ALTER COLUMN %I SET STATISTICS 0',
      CASE r.relkind WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END, r.rel, r.attname);
    -- A target someone set (ALTER … SET STATISTICS 500) is not overridden in silence.
    IF r.was_set THEN
      RAISE WARNING 'colcrypt: statistics target of column % of % set back to 0', r.attname, r.rel
        USING DETAIL = 'Its values hold encrypted values: ANALYZE would compare them decrypted and publish how often each comes in pg_stats.';
    END IF;
  END LOOP;
  -- A column (or a composite's field) of a row type that holds an encrypted field without a key
  -- name, at any depth: a view's row type can (an attacker review stored values under
  -- __transient in a column of one), and its field cannot be given a key.
  FOR r IN
    WITH cmd AS (SELECT pg_catalog.unnest(rels) AS rel),
    cols AS (
      SELECT a.attrelid::pg_catalog.regclass AS rel, a.attname, a.atttypid AS typ
      FROM cmd JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) cmd.rel
      JOIN pg_catalog.pg_type t ON t.oid OPERATOR(pg_catalog.=) a.atttypid
      WHERE a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped
        AND (t.typtype OPERATOR(pg_catalog.=) ANY (ARRAY['c', 'd']::pg_catalog.char[]) OR t.typelem OPERATOR(pg_catalog.<>) 0))
    SELECT DISTINCT cols.rel, cols.attname, ft.oid::pg_catalog.regtype AS rowtype, fa.attname AS field
    FROM cols CROSS JOIN LATERAL @extschema@.held_types(cols.typ, -1) held
    JOIN pg_catalog.pg_type ft ON ft.oid OPERATOR(pg_catalog.=) held.typ AND ft.typrelid OPERATOR(pg_catalog.<>) 0
    JOIN pg_catalog.pg_attribute fa ON fa.attrelid OPERATOR(pg_catalog.=) ft.typrelid
    WHERE fa.attnum OPERATOR(pg_catalog.>) 0 AND NOT fa.attisdropped AND fa.atttypmod OPERATOR(pg_catalog.<) 0
      AND @extschema@.encrypted_type_name(fa.atttypid) IS NOT NULL
  LOOP
    RAISE EXCEPTION 'colcrypt: column % of % is of row type %, whose field % is an encrypted type that names no key', r.attname, r.rel, r.rowtype, r.field
      USING ERRCODE = '42P16',
            HINT = 'Name the key where the row type is defined (a view''s query: ::@extschema@.encrypted_text(default)), or use a composite type (CREATE TYPE), whose fields are given the default key.';
  END LOOP;
  -- A view whose column names no key, once its row type is a column's type (CREATE OR REPLACE
  -- VIEW can add such a column to a view already used so: another review stored values under
  -- __transient that way).
  FOR r IN
    SELECT cl.oid::pg_catalog.regclass AS v, a.attname
    FROM pg_catalog.pg_event_trigger_ddl_commands() c
    JOIN pg_catalog.pg_class cl ON cl.oid OPERATOR(pg_catalog.=) c.objid AND cl.relkind OPERATOR(pg_catalog.=) 'v'
    JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) cl.oid
    WHERE c.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
      AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped AND a.atttypmod OPERATOR(pg_catalog.<) 0
      AND @extschema@.encrypted_type_name(a.atttypid) IS NOT NULL
      AND EXISTS (SELECT FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_type vt ON vt.oid OPERATOR(pg_catalog.=) cl.reltype
                  WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
                    AND d.objsubid OPERATOR(pg_catalog.>) 0
                    AND d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_type'::pg_catalog.regclass
                    AND d.refobjid OPERATOR(pg_catalog.=) ANY (ARRAY[vt.oid, vt.typarray]))
  LOOP
    RAISE EXCEPTION 'colcrypt: column % of view % names no key, and the view''s row type is a column''s type', r.attname, r.v
      USING ERRCODE = '42P16', HINT = 'Name the key in the view''s query, as in ::@extschema@.encrypted_text(default).';
  END LOOP;
  FOR r IN
    SELECT d.oid::pg_catalog.regtype AS dom FROM pg_catalog.pg_event_trigger_ddl_commands() c
    JOIN pg_catalog.pg_type d ON d.oid OPERATOR(pg_catalog.=) c.objid
    WHERE c.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_type'::pg_catalog.regclass AND d.typtype OPERATOR(pg_catalog.=) 'd'
      AND d.typtypmod OPERATOR(pg_catalog.<) 0
      AND @extschema@.encrypted_type_name(d.typbasetype) IS NOT NULL
  LOOP
    RAISE EXCEPTION 'colcrypt: domain % is over an encrypted type that names no key', r.dom
      USING ERRCODE = '42P16', HINT = 'Name the key in the domain''s base type, as in colcrypt.encrypted_text(default).';
  END LOOP;
  -- A range's bounds go through the element type's input without a type modifier (so under
  -- __transient, which no one can deny or destroy) and are ordered by blind index, not value.
  FOR r IN
    SELECT rg.rngtypid::pg_catalog.regtype AS rng FROM pg_catalog.pg_event_trigger_ddl_commands() c
    JOIN pg_catalog.pg_range rg ON rg.rngtypid OPERATOR(pg_catalog.=) c.objid
    WHERE c.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_type'::pg_catalog.regclass
      AND @extschema@.encrypted_type_name(rg.rngsubtype) IS NOT NULL
  LOOP
    RAISE EXCEPTION 'colcrypt: range type % is over an encrypted type', r.rng
      USING ERRCODE = '42P16', HINT = 'Keep the bounds in encrypted columns of their own, or use a range of the plaintext type.';
  END LOOP;
END $$;
CREATE EVENT TRIGGER colcrypt_name_default_key ON ddl_command_end
  WHEN TAG IN ('CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO', 'ALTER TABLE', 'CREATE MATERIALIZED VIEW', 'ALTER MATERIALIZED VIEW',
               'CREATE TYPE', 'ALTER TYPE', 'CREATE DOMAIN', 'CREATE FOREIGN TABLE', 'ALTER FOREIGN TABLE',
               'CREATE SCHEMA', 'IMPORT FOREIGN SCHEMA', 'CREATE VIEW')
  EXECUTE FUNCTION @extschema@.name_default_key();
ALTER EVENT TRIGGER colcrypt_name_default_key ENABLE ALWAYS;
COMMENT ON FUNCTION @extschema@.name_default_key() IS
  'Event trigger: gives an encrypted column declared without a key name the key default (encrypted_text becomes encrypted_text(default)); refuses such materialized view columns and domains, and range types over encrypted types.';
