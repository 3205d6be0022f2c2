'use strict';
// node-postgres: colcrypt's encrypted types parse as their plaintext types.
//
//   const { Client } = require('pg');
//   const colcrypt = require('./colcrypt-pg');
//   const client = new Client({ ssl: { ca: fs.readFileSync('ca.crt') } });
//   await client.connect();
//   await colcrypt.register(client);        // once per connection (oids differ per database)
//
// Results: encrypted_int4 → number, encrypted_int8 → string (as int8), encrypted_numeric →
// string, encrypted_jsonb → parsed JSON, encrypted_bytea → Buffer, encrypted_date and
// encrypted_timestamptz → Date, … — whatever pg's parser for the plaintext type returns, including
// parsers the application set (types.setTypeParser, client.setTypeParser) before registering. Parameters need
// nothing: strings, numbers and Buffers go in as they do for the plaintext types.
// For a pg.Pool: pool.on('connect', (client) => colcrypt.register(client)) — register returns a
// promise; await it in the first query's path or use pool.connect() and await there.

const TYPES = {
  encrypted_text: 'text', encrypted_bytea: 'bytea', encrypted_jsonb: 'jsonb', encrypted_int4: 'int4',
  encrypted_int8: 'int8', encrypted_numeric: 'numeric', encrypted_float8: 'float8', encrypted_bool: 'bool',
  encrypted_date: 'date', encrypted_timestamptz: 'timestamptz',
};
// The plaintext types' fixed oids (pg_type.dat).
const PLAIN_OIDS = {
  text: 25, bytea: 17, jsonb: 3802, int4: 23, int8: 20, numeric: 1700, float8: 701, bool: 16, date: 1082,
  timestamptz: 1184,
};

const OID_QUERY = `SELECT t.typname::text AS name, t.oid::int4 AS oid
  FROM pg_catalog.pg_type t
  JOIN pg_catalog.pg_extension e ON e.extname = 'colcrypt' AND t.typnamespace = e.extnamespace
  WHERE t.typname::text = ANY ($1::text[])`;

async function register(client) {
  const { rows } = await client.query(OID_QUERY, [Object.keys(TYPES)]);
  if (rows.length === 0) {
    throw new Error("colcrypt's types are not in this database: run CREATE EXTENSION colcrypt there first");
  }
  const oids = {};
  for (const { name, oid } of rows) {
    const plain = PLAIN_OIDS[TYPES[name]];
    for (const format of ['text', 'binary']) {
      // The client's own parser for the plaintext type: its overrides, else pg's global one.
      const parse = client.getTypeParser(plain, format);
      client.setTypeParser(oid, format, parse);
    }
    oids[name] = oid;
  }
  return oids;
}

module.exports = { register, TYPES, PLAIN_OIDS };
