//! `colcrypt recover`: every value of a ciphertext dump back, with the master key and no server.
//!
//! A dump made by pg_dump holds, in ciphertext mode (the default for the dump tools), each
//! encrypted value as `\x` and the hex of its stored form, and the data of `colcrypt.data_keys`:
//! every data key version wrapped by the master key. Recovery reads the key table first (a first
//! pass: pg_dump may write it after the tables that use it), unwraps each version exactly as the
//! server does (wrap.rs), then rewrites every COPY row: an encrypted field is opened with the key
//! its envelope names (by key commitment) and the context of the column's type, and printed as
//! the plaintext type prints it (plain.rs).
//!
//! A value that does not open is never skipped silently: it is counted per table, column and
//! reason, written as NULL (never as a guess, never as its envelope text, which a text column
//! would take for data), and the run ends with a non-zero exit status.

pub mod dump;
pub mod lexer;
pub mod plain;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use colcrypt_core::binding::{split_stored, stored_context};
use colcrypt_core::wrap::{envelope_commitment, unwrap_data_key};
use colcrypt_core::{Cipher, DataKeyCipher, Error as CoreError};
use zeroize::Zeroizing;

use crate::csv_columns::RecordWriter;
use crate::error::ClientError;
use crate::output::SafeOutput;
use plain::EncType;

/// One version of a data key as the dump holds it.
enum KeyVersion {
    Open(Box<DataKeyCipher>),
    Destroyed,
    /// Wrapped by another master key than the one given.
    OtherMaster,
    /// The wrapped key does not open, or opens to a key whose commitment is not its fingerprint.
    Damaged,
}

struct KeyEntry {
    name: String,
    version: i32,
    state: KeyVersion,
}

/// The data keys of a dump, by key commitment (what an envelope names).
pub struct KeyRing {
    keys: HashMap<[u8; 32], KeyEntry>,
}

/// What the key table held, for the summary line.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct KeySummary {
    pub opened: usize,
    pub destroyed: usize,
    pub other_master: usize,
    pub damaged: usize,
}

impl KeyRing {
    pub fn summary(&self) -> KeySummary {
        let mut s = KeySummary::default();
        for e in self.keys.values() {
            match e.state {
                KeyVersion::Open(_) => s.opened += 1,
                KeyVersion::Destroyed => s.destroyed += 1,
                KeyVersion::OtherMaster => s.other_master += 1,
                KeyVersion::Damaged => s.damaged += 1,
            }
        }
        s
    }
}

fn dump_error(line: u64, what: impl Into<String>) -> ClientError {
    ClientError::Dump { line, what: what.into() }
}

/// Reads lines (with their `\n`) and counts them.
struct Lines<R> {
    input: R,
    line: u64,
}

impl<R: BufRead> Lines<R> {
    fn next(&mut self, buf: &mut Vec<u8>) -> Result<bool, ClientError> {
        buf.clear();
        let n = self.input.read_until(b'\n', buf)?;
        self.line += 1;
        Ok(n > 0)
    }
}

fn text(line: &[u8]) -> std::borrow::Cow<'_, str> {
    // Identifiers in a dump of a non-UTF-8 database are in its encoding: read lossily, the same
    // way in CREATE TABLE and COPY, so that names still match and a COPY header is never missed.
    String::from_utf8_lossy(line)
}

fn fields(line: &[u8]) -> impl Iterator<Item = &[u8]> {
    line.strip_suffix(b"\n").unwrap_or(line).split(|&b| b == b'\t')
}

/// Where each line of the SQL outside COPY data starts, so that a line is taken for a TOC
/// header, CREATE TABLE or COPY header only where psql would read it as one: text inside a
/// literal (a comment any role may set, a function body) is never taken for dump structure.
#[derive(Default)]
struct Scan {
    lex: lexer::Lexer,
    /// The current TOC entry is `-- Data for Name: …; Type: TABLE DATA` and its COPY has not
    /// come yet: pg_dump writes one such entry before each COPY block, so a COPY header without
    /// one is not table data.
    data_entry: bool,
}

/// How a line of SQL starts.
#[derive(Clone, Copy)]
struct Start {
    /// Outside any literal, quoted identifier or comment: may be a TOC header.
    top: bool,
    /// Also at the start of a statement: may be CREATE TABLE.
    statement: bool,
}

impl Scan {
    /// Reads one line of SQL (never a COPY data line) and says where it started.
    fn line(&mut self, line: &[u8], line_text: &str) -> Start {
        let start = Start { top: self.lex.at_top(), statement: self.lex.at_statement_start() };
        self.lex.feed(line);
        if start.top {
            if let Some(toc) = dump::parse_toc(line_text.trim_end()) {
                self.data_entry = toc.kind == "TABLE DATA";
            }
        }
        start
    }

    /// A COPY header of table data: at a statement start, in a TABLE DATA entry (once). One
    /// at a statement start without that entry is refused, not passed through: its rows would
    /// be read as SQL and its values left closed without a word.
    fn copy_header<'a>(&mut self, start: Start, line_text: &'a str, line: u64) -> Result<Option<(&'a str, Vec<&'a str>)>, ClientError> {
        if !start.statement {
            return Ok(None);
        }
        let Some(h) = dump::copy_header(line_text) else { return Ok(None) };
        if !self.data_entry {
            return Err(dump_error(line, "a COPY block without the \"Data for Name: …; Type: TABLE DATA\" comment pg_dump writes before each (not a plain pg_dump script?)"));
        }
        self.data_entry = false;
        Ok(Some(h))
    }

    /// The input must not end inside a literal or comment: the dump is cut short, or its quoting
    /// is not what this reader follows, and nothing read from it can be trusted.
    fn finish(&self, line: u64) -> Result<(), ClientError> {
        match self.lex.open_construct() {
            None => Ok(()),
            Some(what) => Err(dump_error(line, format!("the dump ends inside {what} (truncated, or not a plain pg_dump script?)"))),
        }
    }
}

/// Copy-text bytea (`\x` + hex, escaped in COPY as `\\x`) to bytes.
fn copy_bytea(field: &[u8], scratch: &mut Vec<u8>) -> Option<Vec<u8>> {
    dump::unescape(field, scratch);
    hex::decode(scratch.strip_prefix(b"\\x")?).ok()
}

/// The first pass: the rows of `colcrypt.data_keys`, each version unwrapped with `master`.
/// Fails when the dump holds no key table, or when the master key wrapped none of its keys
/// (the key check: a wrong master key is reported before any value is tried).
pub fn read_keys<R: BufRead>(input: R, master: &Cipher) -> Result<KeyRing, ClientError> {
    let mut lines = Lines { input, line: 0 };
    let mut buf = Vec::new();
    let mut scratch = Vec::new();
    let mut found = false;
    let mut keys = HashMap::new();
    let mut foreign_ids = std::collections::BTreeSet::new();
    let mut scan = Scan::default();
    while lines.next(&mut buf)? {
        let line_text = text(&buf);
        let start = scan.line(&buf, &line_text);
        let Some((table, cols)) = scan.copy_header(start, &line_text, lines.line)? else { continue };
        let is_keys = table == "colcrypt.data_keys";
        let col = |name: &str| cols.iter().position(|c| *c == name);
        let idx = if is_keys {
            found = true;
            let need = ["key_id", "name", "version", "state", "fingerprint", "wrapped"].map(col);
            if need.iter().any(Option::is_none) {
                return Err(dump_error(lines.line, "colcrypt.data_keys lacks one of key_id, name, version, state, fingerprint, wrapped"));
            }
            need.map(|i| i.unwrap_or_default())
        } else {
            [0; 6]
        };
        let ncols = cols.len();
        loop {
            if !lines.next(&mut buf)? {
                return Err(dump_error(lines.line, "the dump ends inside a COPY block (truncated?)"));
            }
            if buf == b"\\.\n" || buf == b"\\." {
                break;
            }
            if !is_keys {
                continue;
            }
            let f: Vec<&[u8]> = fields(&buf).collect();
            if f.len() != ncols {
                return Err(dump_error(lines.line, "a colcrypt.data_keys row has the wrong number of fields"));
            }
            let bad = || dump_error(lines.line, "a colcrypt.data_keys row cannot be read");
            let int = |b: &[u8]| text(b).parse::<i32>().map_err(|_| bad());
            let (key_id, version) = (int(f[idx[0]])?, int(f[idx[2]])?);
            dump::unescape(f[idx[1]], &mut scratch);
            let name = String::from_utf8_lossy(&scratch).into_owned();
            let state = text(f[idx[3]]).into_owned();
            let fingerprint: [u8; 32] =
                copy_bytea(f[idx[4]], &mut scratch).and_then(|v| v.try_into().ok()).ok_or_else(bad)?;
            let wrapped = match f[idx[5]] {
                b"\\N" => None,
                w => Some(copy_bytea(w, &mut scratch).ok_or_else(bad)?),
            };
            let state = match wrapped {
                _ if state == "destroyed" => KeyVersion::Destroyed,
                None => KeyVersion::Destroyed,
                Some(w) => match unwrap_data_key(master, &w, key_id, version) {
                    Ok(k) => {
                        let c = DataKeyCipher::new(&k);
                        if c.cipher().matches_commitment(&fingerprint) { KeyVersion::Open(Box::new(c)) } else { KeyVersion::Damaged }
                    }
                    Err(CoreError::WrongMasterKey) => {
                        if let Ok(c) = envelope_commitment(&w) {
                            foreign_ids.insert(hex::encode(&c[..8]));
                        }
                        KeyVersion::OtherMaster
                    }
                    Err(_) => KeyVersion::Damaged,
                },
            };
            keys.insert(fingerprint, KeyEntry { name, version, state });
        }
    }
    scan.finish(lines.line)?;
    if !found {
        return Err(ClientError::NoKeyTable);
    }
    let ring = KeyRing { keys };
    let s = ring.summary();
    if s.opened == 0 && s.other_master > 0 {
        return Err(ClientError::WrongMasterKey { given: master.key_id(), dump: foreign_ids.into_iter().collect::<Vec<_>>().join(", ") });
    }
    Ok(ring)
}

/// Why a value stayed closed. Never holds any byte of the value.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Closed {
    /// The field is not `\x` and the hex of a stored value.
    NotAnEnvelope,
    /// An envelope version or suite this build does not read.
    Unsupported,
    /// No data key in the dump has the value's key id.
    NoKey(String),
    /// The key version was destroyed (crypto-shredded): the value is gone for good.
    Destroyed(String, i32),
    /// The key version is wrapped by another master key than the one given.
    OtherMaster(String, i32),
    /// The value is damaged, or was moved from a column of another type.
    Damaged,
    /// The key version's row in colcrypt.data_keys is damaged (its wrapped key does not open
    /// under the master key that opens the others, or opens to another key than its fingerprint).
    KeyDamaged(String, i32),
    /// The table's CREATE TABLE is not in the dump, so its column types are unknown: its fields
    /// are copied as they are (they may be envelopes, or data).
    TypeUnknown,
    /// An array or other type over an encrypted type: not opened, written as it is.
    OtherType,
}

impl fmt::Display for Closed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Closed::NotAnEnvelope => f.write_str("not the text form of an encrypted value (not a ciphertext dump? make it with pg_dump, which writes ciphertext); written as NULL"),
            Closed::Unsupported => f.write_str("an envelope version or suite this build does not read (use a newer colcrypt); written as NULL"),
            Closed::NoKey(id) => write!(f, "no data key in the dump has key id {id}; written as NULL"),
            Closed::Destroyed(n, v) => write!(f, "key {n} version {v} was destroyed: these values are gone for good; written as NULL"),
            Closed::OtherMaster(n, v) => write!(f, "key {n} version {v} is wrapped by another master key than the one given; written as NULL"),
            Closed::Damaged => f.write_str("damaged (or moved from a column of another type): does not authenticate; written as NULL"),
            Closed::KeyDamaged(n, v) => write!(f, "the wrapped key of key {n} version {v} in colcrypt.data_keys is damaged; written as NULL"),
            Closed::TypeUnknown => f.write_str("column type unknown (no CREATE TABLE for this table in the dump); values copied as they are, not opened"),
            Closed::OtherType => f.write_str("an array or other type over an encrypted type, which recover does not open; values copied as they are"),
        }
    }
}

/// Where the plaintext goes.
pub enum Output<'a> {
    /// The dump itself with every encrypted value replaced by its plaintext.
    Sql(&'a mut dyn Write),
    /// One CSV file per table (`schema.table.csv`, with a header line) in this directory.
    Csv(&'a Path),
}

pub struct Options {
    /// Rewrite encrypted column types to their plaintext types and leave colcrypt's own objects
    /// out, so that the SQL loads into a PostgreSQL without colcrypt.
    pub plaintext_types: bool,
}

/// What a run did.
#[derive(Debug, Default)]
pub struct Report {
    pub opened: u64,
    pub rows: u64,
    pub tables: u64,
    /// (table, column, reason) → values.
    pub closed: BTreeMap<(String, String, Closed), u64>,
    /// Statements kept in a plaintext-types dump that still name colcrypt (TOC entry names).
    pub still_colcrypt: Vec<String>,
    /// CSV files written.
    pub files: Vec<PathBuf>,
    /// Whether the dump ended with pg_dump's closing line: without it the input was cut short (a
    /// `pg_restore -f - … |` that died part-way), and tables after the cut are missing.
    pub complete: bool,
}

/// The last line pg_dump and pg_restore write.
const DUMP_COMPLETE: &str = "-- PostgreSQL database dump complete";

impl Report {
    /// Values that did not open (fields copied unopened included).
    pub fn closed_count(&self) -> u64 {
        self.closed.values().sum()
    }
}

/// One field on its way out.
enum Value<'a> {
    Null,
    /// The field as the dump has it (COPY text).
    AsIs(&'a [u8]),
    /// An opened value's text form.
    Opened(&'a [u8]),
}

/// How one COPY column is read.
#[derive(Clone, Copy)]
enum Col {
    Plain,
    Encrypted(EncType),
    /// Counted as closed and copied as it is.
    Unopened,
}

struct Table {
    /// Raw column name → type, from CREATE TABLE.
    columns: HashMap<String, Option<Result<EncType, ()>>>,
}

/// The second pass: rewrites the dump to `out`, opening every encrypted value with `ring`.
pub fn recover<R: BufRead>(input: R, ring: &KeyRing, opts: &Options, out: Output<'_>) -> Result<Report, ClientError> {
    let mut lines = Lines { input, line: 0 };
    let mut report = Report::default();
    let mut buf = Vec::new();
    let mut tables: HashMap<String, Table> = HashMap::new();
    // Type contexts, built once per type.
    let contexts: HashMap<EncType, Vec<u8>> = EncType::ALL.iter().map(|t| (*t, colcrypt_core::binding::type_context(t.name()))).collect();
    let (mut sql, csv_dir) = match out {
        Output::Sql(w) => (Some(w), None),
        Output::Csv(d) => (None, Some(d)),
    };
    if let Some(dir) = csv_dir {
        check_out_dir(dir)?;
    }
    // CSV file name → the table written to it: two tables must not share one file.
    let mut csv_names: HashMap<String, String> = HashMap::new();
    let mut dropping = false;
    let mut entry_name = String::new();
    let mut entry_noted = false;
    let mut line_out: Zeroizing<Vec<u8>> = Zeroizing::new(Vec::new());
    // Envelope text and bytes: ciphertext, no need to wipe.
    let mut value_bufs = (Vec::new(), Vec::new());
    let mut plain_field: Zeroizing<Vec<u8>> = Zeroizing::new(Vec::new());
    let mut scan = Scan::default();
    while lines.next(&mut buf)? {
        let line_text = text(&buf).into_owned();
        let t = line_text.as_str();
        let start = scan.line(&buf, t);
        if let Some(toc) = dump::parse_toc(t.trim_end()).filter(|_| start.top) {
            dropping = opts.plaintext_types && toc.is_colcrypt();
            entry_name = format!("{} ({})", toc.name, toc.kind);
            entry_noted = false;
        }
        if let Some(table) = dump::create_table(t).filter(|_| start.statement) {
            let table = table.to_owned();
            if let Some(w) = sql.as_deref_mut() {
                w.write_all(&buf)?;
            }
            let mut columns = HashMap::new();
            loop {
                if !lines.next(&mut buf)? {
                    return Err(dump_error(lines.line, "the dump ends inside a CREATE TABLE"));
                }
                let l = text(&buf).into_owned();
                let l = l.as_str();
                // A line that starts inside a literal (a default's text) is no column and no end.
                if !scan.line(&buf, l).top {
                    if let Some(w) = sql.as_deref_mut() {
                        w.write_all(&buf)?;
                    }
                    continue;
                }
                if l.starts_with(')') || !l.starts_with("    ") {
                    if let Some(w) = sql.as_deref_mut() {
                        w.write_all(&buf)?;
                    }
                    break;
                }
                let Some(c) = dump::column_line(l) else {
                    if let Some(w) = sql.as_deref_mut() {
                        w.write_all(&buf)?;
                    }
                    continue;
                };
                let kind = if c.unsupported { Some(Err(())) } else { c.encrypted.as_ref().map(|(t, _)| Ok(*t)) };
                columns.insert(c.name.to_owned(), kind);
                if let Some(w) = sql.as_deref_mut() {
                    match (&c.encrypted, opts.plaintext_types) {
                        (Some((t, range)), true) => {
                            // Offsets from the line's end: a name before the type that is not
                            // UTF-8 has another length in `l` than in `buf`.
                            let (start, end) = (buf.len() - (l.len() - range.start), buf.len() - (l.len() - range.end));
                            w.write_all(&buf[..start])?;
                            w.write_all(t.plain_type().as_bytes())?;
                            w.write_all(&buf[end..])?;
                        }
                        _ => w.write_all(&buf)?,
                    }
                }
            }
            tables.insert(table, Table { columns });
            continue;
        }
        if let Some((table, cols)) = scan.copy_header(start, t, lines.line)? {
            let own = table.starts_with("colcrypt.");
            let known = tables.get(table);
            let plan: Vec<Col> = cols
                .iter()
                .map(|c| match known.map(|k| k.columns.get(*c)) {
                    _ if own => Col::Plain,
                    None | Some(None) => Col::Unopened,
                    Some(Some(None)) => Col::Plain,
                    Some(Some(Some(Ok(t)))) => Col::Encrypted(*t),
                    Some(Some(Some(Err(())))) => Col::Unopened,
                })
                .collect();
            let reason_unopened = |c: &str| match known.and_then(|k| k.columns.get(c)) {
                Some(Some(Err(()))) => Closed::OtherType,
                _ => Closed::TypeUnknown,
            };
            let table_name = dump::unquote_qualified(table);
            let col_names: Vec<String> = cols.iter().map(|c| dump::unquote(c)).collect();
            let unopened_reasons: Vec<Closed> = cols.iter().map(|c| reason_unopened(c)).collect();
            let write_sql = sql.is_some() && !(dropping);
            if let Some(w) = sql.as_deref_mut().filter(|_| write_sql) {
                w.write_all(&buf)?;
            }
            // CSV: one file per table outside colcrypt's schema.
            let mut csv = match csv_dir {
                Some(dir) if !own => {
                    let file_name = format!("{}.csv", safe_file_name(&table_name));
                    let path = dir.join(&file_name);
                    if let Some(first) = csv_names.insert(file_name, table_name.clone()) {
                        return Err(ClientError::Output {
                            path: path.display().to_string(),
                            what: format!("the dump has data for {first} and {table_name} (or one table's data twice), which would both be written to this file; recover it with --format sql"),
                        });
                    }
                    let mut w = RecordWriter::new();
                    let mut file = std::io::BufWriter::with_capacity(256 * 1024, SafeOutput::create(&path)?);
                    w.start();
                    for (i, n) in col_names.iter().enumerate() {
                        w.separator(i);
                        w.text(n.as_bytes());
                    }
                    w.end(&mut file)?;
                    Some((w, file, path))
                }
                _ => None,
            };
            report.tables += u64::from(!own);
            loop {
                if !lines.next(&mut buf)? {
                    return Err(dump_error(lines.line, "the dump ends inside a COPY block (truncated?)"));
                }
                if *buf == *b"\\.\n" || *buf == *b"\\." {
                    if let Some(w) = sql.as_deref_mut().filter(|_| write_sql) {
                        w.write_all(&buf)?;
                    }
                    break;
                }
                if own {
                    if let Some(w) = sql.as_deref_mut().filter(|_| write_sql) {
                        w.write_all(&buf)?;
                    }
                    continue;
                }
                report.rows += 1;
                line_out.clear();
                if let Some((w, _, _)) = csv.as_mut() {
                    w.start();
                }
                let mut n = 0;
                for (i, field) in fields(&buf).enumerate() {
                    n += 1;
                    let Some(col) = plan.get(i) else {
                        return Err(dump_error(lines.line, format!("a row of {table_name} has more fields than its COPY header")));
                    };
                    // What goes out: NULL, the field as the dump has it, or an opened value.
                    let opened: Zeroizing<Vec<u8>>;
                    let value = match (*col, field) {
                        (_, b"\\N") => Value::Null,
                        (Col::Encrypted(t), f) => match open_value(ring, t, &contexts[&t], f, &mut value_bufs) {
                            Ok(v) => {
                                report.opened += 1;
                                opened = v;
                                Value::Opened(&opened)
                            }
                            Err(reason) => {
                                *report.closed.entry((table_name.clone(), col_names[i].clone(), reason)).or_default() += 1;
                                Value::Null
                            }
                        },
                        (Col::Unopened, f) => {
                            *report.closed.entry((table_name.clone(), col_names[i].clone(), unopened_reasons[i].clone())).or_default() += 1;
                            Value::AsIs(f)
                        }
                        (Col::Plain, f) => Value::AsIs(f),
                    };
                    if let Some((w, _, _)) = csv.as_mut() {
                        w.separator(i);
                        match value {
                            Value::Null => {}
                            Value::AsIs(f) => {
                                dump::unescape(f, &mut plain_field);
                                w.text(&plain_field);
                            }
                            Value::Opened(v) => w.text(v),
                        }
                    } else {
                        if i > 0 {
                            line_out.push(b'\t');
                        }
                        match value {
                            Value::Null => line_out.extend_from_slice(b"\\N"),
                            Value::AsIs(f) => line_out.extend_from_slice(f),
                            Value::Opened(v) => dump::escape(v, &mut line_out),
                        }
                    }
                }
                if n != plan.len() {
                    return Err(dump_error(lines.line, format!("a row of {table_name} has fewer fields than its COPY header")));
                }
                if let Some((w, file, _)) = csv.as_mut() {
                    w.end(file)?;
                } else if let Some(w) = sql.as_deref_mut().filter(|_| write_sql) {
                    line_out.push(b'\n');
                    w.write_all(&line_out)?;
                }
            }
            if let Some((_, file, path)) = csv {
                let name = path.display().to_string();
                file.into_inner()
                    .map_err(|e| ClientError::Output { path: name, what: format!("cannot write it: {}", e.error()) })?
                    .commit()?;
                report.files.push(path);
            }
            continue;
        }
        if start.top && t.trim_end() == DUMP_COMPLETE {
            report.complete = true;
        }
        if let Some(w) = sql.as_deref_mut() {
            if dropping {
                continue;
            }
            if opts.plaintext_types && !entry_noted && t.contains("colcrypt.") {
                report.still_colcrypt.push(entry_name.clone());
                entry_noted = true;
            }
            w.write_all(&buf)?;
        }
    }
    scan.finish(lines.line)?;
    Ok(report)
}

/// An --out-dir that exists must be this user's and writable by no one else: whoever else can
/// write in it can swap the plaintext files for links or read them as they appear.
fn check_out_dir(dir: &Path) -> Result<(), ClientError> {
    use std::os::unix::fs::MetadataExt;
    let err = |what: String| ClientError::Output { path: dir.display().to_string(), what };
    let meta = std::fs::symlink_metadata(dir).map_err(|e| err(format!("cannot check it: {e}")))?;
    if !meta.is_dir() {
        return Err(err("is not a directory (a symbolic link is not followed); name a directory of your own".into()));
    }
    let me = rustix::process::geteuid().as_raw();
    if meta.uid() != me {
        return Err(err(format!("is owned by user id {}, not by this user ({me}); name a directory of your own", meta.uid())));
    }
    if meta.mode() & 0o022 != 0 {
        return Err(err("is writable by group or others; chmod go-w it or name another directory".into()));
    }
    Ok(())
}

/// A table name as a file name: `/` and NUL cannot be in one, and a leading `.` would hide it.
fn safe_file_name(name: &str) -> String {
    let s: String = name.chars().map(|c| if c == '/' || c == '\0' { '_' } else { c }).collect();
    if s.starts_with('.') { format!("_{s}") } else { s }
}

/// Opens one encrypted field and returns its plaintext in the plaintext type's text form.
fn open_value(ring: &KeyRing, t: EncType, type_ctx: &[u8], field: &[u8], bufs: &mut (Vec<u8>, Vec<u8>)) -> Result<Zeroizing<Vec<u8>>, Closed> {
    let (scratch, stored) = bufs;
    // pg_dump writes `\\x` and hex digits: read them in place (COPY escapes undone only when
    // there are others), and decode into a buffer reused from value to value.
    let hex_part = match field.strip_prefix(b"\\\\x") {
        Some(rest) if !rest.contains(&b'\\') => rest,
        _ => {
            dump::unescape(field, scratch);
            scratch.strip_prefix(b"\\x").ok_or(Closed::NotAnEnvelope)?
        }
    };
    if hex_part.len() % 2 != 0 {
        return Err(Closed::NotAnEnvelope);
    }
    stored.resize(hex_part.len() / 2, 0);
    hex::decode_to_slice(hex_part, stored).map_err(|_| Closed::NotAnEnvelope)?;
    let (index, envelope) = split_stored(stored);
    let commitment = envelope_commitment(envelope).map_err(|e| match e {
        CoreError::UnsupportedVersion(_) | CoreError::UnsupportedSuite(_) => Closed::Unsupported,
        _ => Closed::NotAnEnvelope,
    })?;
    let entry = ring.keys.get(&commitment).ok_or_else(|| Closed::NoKey(hex::encode(&commitment[..8])))?;
    let cipher = match &entry.state {
        KeyVersion::Open(c) => c,
        KeyVersion::Destroyed => return Err(Closed::Destroyed(entry.name.clone(), entry.version)),
        KeyVersion::OtherMaster => return Err(Closed::OtherMaster(entry.name.clone(), entry.version)),
        KeyVersion::Damaged => return Err(Closed::KeyDamaged(entry.name.clone(), entry.version)),
    };
    let opened = match index {
        colcrypt_core::binding::StoredIndex::Bound(_) => cipher.open(envelope, &stored_context(t.name(), index)),
        _ => cipher.open(envelope, type_ctx),
    };
    let plaintext = Zeroizing::new(opened.map_err(|_| Closed::Damaged)?);
    plain::text_form(t, &plaintext).map(Zeroizing::new).map_err(|_| Closed::Damaged)
}

#[cfg(test)]
mod tests;
