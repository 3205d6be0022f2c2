'use strict';
// node-postgres through clients/node/colcrypt-pg.js over TLS (verify-full: the CA from
// PGSSLROOTCERT, the host name checked by Node), COPY through pg-copy-streams.
const fs = require('fs');
const path = require('path');
const assert = require('assert');
const { pipeline } = require('stream/promises');
const { Readable } = require('stream');
const { Client } = require('pg');
const { from: copyFrom, to: copyTo } = require('pg-copy-streams');
const colcrypt = require(path.join(__dirname, '../../../clients/node/colcrypt-pg.js'));

const COLS = ['ssn', 't', 'b', 'j', 'i4', 'i8', 'n', 'f', 'bo', 'd', 'ts'];
const TYPES = ['encrypted_text', 'encrypted_text', 'encrypted_bytea', 'encrypted_jsonb', 'encrypted_int4', 'encrypted_int8',
  'encrypted_numeric', 'encrypted_float8', 'encrypted_bool', 'encrypted_date', 'encrypted_timestamptz'];
const BIG = '1 MB ü canary ' + 'ü'.repeat(512 * 1024);

async function main() {
  const client = new Client({ ssl: { ca: fs.readFileSync(process.env.PGSSLROOTCERT), rejectUnauthorized: true } });
  await client.connect();
  await client.query("SET TimeZone = 'UTC'");
  assert.strictEqual((await client.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')).rows[0].ssl, true);
  const oids = await colcrypt.register(client);
  assert.strictEqual(Object.keys(oids).length, 10);
  const ddl = (t) => `CREATE TABLE ${t} (id int PRIMARY KEY, ${COLS.map((c, i) =>
    `${c} colcrypt.${TYPES[i]}(drv${c === 'ssn' ? ', searchable' : ''})`).join(', ')}, UNIQUE (ssn))`;
  await client.query(ddl('node'));
  // Buffers are sent in binary format (colcrypt 0.1.0 took them as envelopes).
  const bytes = Buffer.from([0, 255, 1]);
  const rows = [
    [1, 'ssn-canary-1', 'Zürich ✓ 日本 canary', bytes, JSON.stringify({ a: [1, 'ü'], b: null }), -2147483648,
      '-9223372036854775808', 'NaN', -1e300, true, '2024-02-29', 'infinity'],
    [2, 'ssn-2', '', Buffer.alloc(0), '[]', 2147483647, '9223372036854775807', '12345.678900', 0.1,
      false, '0001-01-01', '-infinity'],
    [3, 'ssn-3', BIG, null, null, null, null, null, null, null, null, new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 123))],
  ];
  const ph = Array.from({ length: 12 }, (_, i) => `$${i + 1}`).join(', ');
  for (const r of rows) await client.query({ name: 'ins', text: `INSERT INTO node VALUES (${ph})`, values: r });
  const check = (what, got) => {
    assert.strictEqual(got.length, 3, what);
    const [a, b, c] = got;
    assert.deepStrictEqual([a.ssn, a.t, a.b, a.j, a.i4, a.i8, a.n, a.f, a.bo, a.ts],
      ['ssn-canary-1', 'Zürich ✓ 日本 canary', Buffer.from([0, 255, 1]), { a: [1, 'ü'], b: null }, -2147483648,
        '-9223372036854775808', 'NaN', -1e300, true, Infinity], what);
    assert.ok(a.d instanceof Date && a.d.getFullYear() === 2024 && a.d.getMonth() === 1 && a.d.getDate() === 29, what);
    assert.deepStrictEqual([b.t, b.b, b.j, b.i4, b.i8, b.n, b.f, b.bo, b.ts],
      ['', Buffer.alloc(0), [], 2147483647, '9223372036854775807', '12345.678900', 0.1, false, -Infinity], what);
    assert.strictEqual(c.t, BIG, what);
    assert.deepStrictEqual([c.b, c.j, c.i4, c.i8, c.n, c.f, c.bo, c.d], [null, null, null, null, null, null, null, null], what);
    assert.strictEqual(c.ts.toISOString(), '2024-01-02T03:04:05.123Z', what);
  };
  check('select', (await client.query('SELECT * FROM node ORDER BY id')).rows);

  // A typed parameter ($1::text) for the searchable column, through its index.
  const eq = 'ssn = $1::text';
  assert.deepStrictEqual((await client.query(`SELECT id, t FROM node WHERE ${eq}`, ['ssn-2'])).rows, [{ id: 2, t: '' }]);
  await client.query('SET enable_seqscan = off');
  const plan = (await client.query(`EXPLAIN SELECT id FROM node WHERE ${eq}`, ['ssn-2'])).rows.map((r) => r['QUERY PLAN']).join('\n');
  assert.ok(plan.includes('node_ssn_key') && !plan.includes('Seq Scan'), plan);
  await client.query('RESET enable_seqscan');

  await client.query('UPDATE node SET t = $1, i8 = $2, j = $3 WHERE id = $4', ['updated ✓', -7, { u: 1 }, 2]);
  assert.deepStrictEqual((await client.query('SELECT t, i8, j FROM node WHERE id = 2')).rows, [{ t: 'updated ✓', i8: '-7', j: { u: 1 } }]);
  for (const [id, t] of [[4, 'inserted'], [5, 'upserted']]) {
    await client.query('INSERT INTO node (id, ssn, t) VALUES ($1, $2, $3) ON CONFLICT (ssn) DO UPDATE SET t = EXCLUDED.t', [id, 'ssn-upsert', t]);
  }
  assert.deepStrictEqual((await client.query('SELECT id, t FROM node WHERE id >= 4')).rows, [{ id: 4, t: 'upserted' }]);

  // COPY (text format) out of one table and into another, with pg-copy-streams.
  await client.query(ddl('node_copy'));
  const chunks = [];
  const out = client.query(copyTo('COPY (SELECT * FROM node WHERE id <= 3 ORDER BY id) TO STDOUT'));
  for await (const chunk of out) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString();
  assert.ok(text.startsWith('1\tssn-canary-1\tZürich ✓ 日本 canary\t\\\\x00ff01\t'), text.slice(0, 80));
  await pipeline(Readable.from([text]), client.query(copyFrom('COPY node_copy FROM STDIN')));
  const copied = (await client.query('SELECT * FROM node_copy ORDER BY id')).rows;
  assert.strictEqual(copied.length, 3);
  assert.strictEqual(copied[2].t, BIG);
  assert.deepStrictEqual(copied[0].b, Buffer.from([0, 255, 1]));
  assert.strictEqual((await client.query(`SELECT count(*)::int AS n FROM node_copy c JOIN node n ON n.id = c.id AND n.ssn = c.ssn`)).rows[0].n, 3);
  await client.end();
  console.log('node-postgres: all ten types, lookup, update, upsert, COPY text');
}

main().catch((e) => { console.error(e); process.exit(1); });
