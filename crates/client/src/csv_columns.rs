//! Encrypting chosen columns of a CSV file for `COPY … FROM … (FORMAT csv)` into bytea columns,
//! and decrypting them after `COPY … TO`, one record at a time: memory is bounded by the longest
//! record, never by the file.
//!
//! Fields follow PostgreSQL's CSV format: an unquoted empty field is NULL and stays NULL (a blank
//! line is a record of one NULL field); a quoted empty field `""` is an empty string, encrypted
//! like any other value and written back as `""`. Encrypted fields are bytea text (`\x` and hex).
//!
//! Contexts ([`Binding`]): one context for every value, or, with [`Binding::Row`], a context per
//! value that names its column and its row (`patients.ssn:42`), so that a value moved to another
//! column or row, or two values swapped, no longer open.

use std::fmt;
use std::io::{BufRead, Write};
use std::str::FromStr;

use colcrypt_core::Cipher;
use csv_core::{QuoteStyle, ReadFieldResult, WriteResult};
use zeroize::Zeroizing;

use crate::error::ClientError;

/// A column, as a 1-based position or a name from the header line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ColumnRef {
    Position(usize),
    Name(String),
}

impl FromStr for ColumnRef {
    type Err = String;

    /// Digits are a position (`0` is an error), anything else a header name.
    fn from_str(s: &str) -> Result<Self, String> {
        if s.is_empty() {
            return Err("a column is a number from 1 or a name from the header, not empty".into());
        }
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(ColumnRef::Name(s.to_owned()));
        }
        match s.parse::<usize>() {
            Ok(0) => Err("columns are numbered from 1".into()),
            Ok(n) => Ok(ColumnRef::Position(n)),
            Err(_) => Err(format!("column number {s} is too large")),
        }
    }
}

impl fmt::Display for ColumnRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ColumnRef::Position(n) => write!(f, "{n}"),
            ColumnRef::Name(s) => f.write_str(s),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Text(String),
    /// The name of the column whose value is sealed.
    Column,
    /// This row's value of a column.
    Field(ColumnRef),
}

/// A per-value context such as `patients.{column}:{id}`: `{column}` is the name of the column
/// whose value is sealed (its header name, or its number without a header), `{id}` (any header
/// name) or `{3}` (a position) is that column's value in the same row; `{{` and `}}` are braces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContextTemplate {
    parts: Vec<Part>,
}

impl ContextTemplate {
    pub fn parse(template: &str) -> Result<Self, ClientError> {
        let bad = |what: &str| ClientError::usage(format!("context template {template:?}: {what}"));
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut chars = template.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    text.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    text.push('}');
                }
                '}' => return Err(bad("a `}` without its `{` (write `}}` for a brace)")),
                '{' => {
                    let mut name = String::new();
                    loop {
                        match chars.next() {
                            Some('}') => break,
                            Some('{') | None => return Err(bad("a `{` without its `}` (write `{{` for a brace)")),
                            Some(c) => name.push(c),
                        }
                    }
                    if !text.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut text)));
                    }
                    parts.push(if name == "column" {
                        Part::Column
                    } else {
                        Part::Field(name.parse().map_err(|e: String| bad(&format!("{{{name}}}: {e}")))?)
                    });
                }
                c => text.push(c),
            }
        }
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        Ok(ContextTemplate { parts })
    }

    /// The context [`crate::row_context`] makes: `{prefix}.{column}:{key}`, or `{column}:{key}`
    /// without a prefix.
    pub fn row_key(prefix: Option<&str>, key: ColumnRef) -> Self {
        let mut parts = Vec::new();
        if let Some(p) = prefix {
            parts.push(Part::Text(format!("{p}.")));
        }
        parts.extend([Part::Column, Part::Text(":".into()), Part::Field(key)]);
        ContextTemplate { parts }
    }

    fn fields(&self) -> impl Iterator<Item = &ColumnRef> {
        self.parts.iter().filter_map(|p| match p {
            Part::Field(c) => Some(c),
            _ => None,
        })
    }
}

/// Which context each value is sealed with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Binding {
    /// The same context for every value (`None` is the empty context).
    Fixed(Option<String>),
    /// A context per value, naming its column and row.
    Row(ContextTemplate),
}

pub struct Columns {
    /// The columns to encrypt or decrypt.
    pub columns: Vec<ColumnRef>,
    /// The first line is a header, passed through unchanged.
    pub header: bool,
    pub binding: Binding,
}

impl Columns {
    /// What can be checked before reading any input; every failure is a usage error.
    pub fn check(&self) -> Result<(), ClientError> {
        if self.columns.is_empty() {
            return Err(ClientError::usage("no columns to encrypt or decrypt"));
        }
        let named = self.columns.iter().chain(self.row_fields()).find(|c| matches!(c, ColumnRef::Name(_)));
        if let (Some(c), false) = (named, self.header) {
            return Err(ClientError::usage(format!("column {c:?} is a name: names need --header (or give its number)")));
        }
        for (i, c) in self.columns.iter().enumerate() {
            if self.columns[..i].contains(c) {
                return Err(ClientError::usage(format!("column {c} is named twice")));
            }
        }
        if let Binding::Row(t) = &self.binding {
            if t.fields().next().is_none() {
                return Err(ClientError::usage("the context template names no column of the row: it would bind nothing to the row"));
            }
            if self.columns.len() > 1 && !t.parts.contains(&Part::Column) {
                return Err(ClientError::usage(
                    "the context template must contain {column} when several columns are encrypted, or values could move between them",
                ));
            }
        }
        Ok(())
    }

    fn row_fields(&self) -> impl Iterator<Item = &ColumnRef> {
        let t = match &self.binding {
            Binding::Row(t) => Some(t),
            Binding::Fixed(_) => None,
        };
        t.into_iter().flat_map(|t| t.fields())
    }
}

// ---- reading records ---------------------------------------------------------------------

/// One CSV record: field bytes, and for each field whether it is NULL (unquoted and empty).
struct Record {
    data: Zeroizing<Vec<u8>>,
    ends: Vec<usize>,
    null: Vec<bool>,
}

#[derive(Clone, Copy)]
struct Field<'a> {
    bytes: &'a [u8],
    null: bool,
}

impl Record {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn get(&self, i: usize) -> Option<Field<'_>> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        Some(Field { bytes: &self.data[start..end], null: self.null[i] })
    }
}

struct RecordReader<R> {
    core: csv_core::Reader,
    input: R,
    record: Record,
    /// Line numbers as a text editor counts them (a quoted field may span lines).
    line: u64,
    /// The line the current record starts on.
    record_line: u64,
    /// The last record ended with `\r`: a `\n` next completes its terminator.
    after_cr: bool,
    eof: bool,
}

impl<R: BufRead> RecordReader<R> {
    fn new(input: R) -> Self {
        RecordReader {
            core: csv_core::Reader::new(),
            input,
            record: Record { data: Zeroizing::new(Vec::new()), ends: Vec::new(), null: Vec::new() },
            line: 1,
            record_line: 1,
            after_cr: false,
            eof: false,
        }
    }

    /// Reads the next record; false at the end of the input.
    fn read(&mut self) -> Result<bool, ClientError> {
        let io = |line: u64, e: std::io::Error| ClientError::Csv { line, what: format!("cannot read the input: {e}") };
        let rec = &mut self.record;
        rec.ends.clear();
        rec.null.clear();
        let mut len = 0;
        if self.eof {
            return Ok(false);
        }
        // A blank line is a record of one NULL field, as in PostgreSQL's CSV format (csv-core
        // would skip it, and a one-column file would lose its NULL rows).
        loop {
            let buf = self.input.fill_buf().map_err(|e| io(self.line, e))?;
            match buf.first() {
                Some(b'\n') if self.after_cr => {
                    self.after_cr = false;
                    self.input.consume(1);
                    self.line += 1;
                }
                Some(b'\n' | b'\r') => {
                    self.after_cr = buf[0] == b'\r';
                    self.record_line = self.line;
                    self.line += u64::from(buf[0] == b'\n');
                    self.input.consume(1);
                    rec.ends.push(0);
                    rec.null.push(true);
                    return Ok(true);
                }
                _ => break,
            }
        }
        self.after_cr = false;
        self.record_line = self.line;
        // Quote characters read in this record: an odd count at the end of the input means a
        // quoted field never closed, which csv-core ends silently (a review got the rest of a file
        // encrypted as one row's value, exit 0); PostgreSQL's COPY refuses it.
        let mut quotes: u64 = 0;
        let mut saw_quote = false;
        let mut field_start = 0;
        loop {
            if rec.data.len() - len < 256 {
                grow(&mut rec.data, len);
            }
            let buf = self.input.fill_buf().map_err(|e| io(self.line, e))?;
            let at_eof = buf.is_empty();
            let (res, nin, nout) = self.core.read_field(buf, &mut rec.data[len..]);
            let consumed = &buf[..nin];
            let q = consumed.iter().filter(|&&b| b == b'"').count() as u64;
            quotes += q;
            saw_quote |= q > 0;
            let ends_cr = consumed.last() == Some(&b'\r');
            self.line += consumed.iter().filter(|&&b| b == b'\n').count() as u64;
            self.input.consume(nin);
            len += nout;
            if at_eof && quotes % 2 == 1 {
                return Err(ClientError::Csv { line: self.record_line, what: "unterminated quoted field: the input ends inside quotes".into() });
            }
            match res {
                ReadFieldResult::InputEmpty if at_eof => {
                    self.eof = true;
                    return Ok(false);
                }
                ReadFieldResult::InputEmpty | ReadFieldResult::OutputFull => {}
                ReadFieldResult::Field { record_end } => {
                    rec.ends.push(len);
                    // An empty field is NULL unless it was quoted (`""`).
                    rec.null.push(len == field_start && !saw_quote);
                    saw_quote = false;
                    field_start = len;
                    if record_end {
                        self.after_cr = ends_cr;
                        return Ok(true);
                    }
                }
                ReadFieldResult::End => {
                    self.eof = true;
                    return Ok(false);
                }
            }
        }
    }
}

/// Doubles a buffer that may hold plaintext, wiping the old allocation.
fn grow(buf: &mut Zeroizing<Vec<u8>>, used: usize) {
    let new_len = (buf.len() * 2).max(4096);
    let mut bigger = Zeroizing::new(vec![0u8; new_len]);
    bigger[..used].copy_from_slice(&buf[..used]);
    *buf = bigger;
}

// ---- writing records ---------------------------------------------------------------------

pub(crate) struct RecordWriter {
    necessary: csv_core::Writer,
    always: csv_core::Writer,
    line: Zeroizing<Vec<u8>>,
}

impl RecordWriter {
    pub(crate) fn new() -> Self {
        let build = |style| csv_core::WriterBuilder::new().quote_style(style).build();
        RecordWriter { necessary: build(QuoteStyle::Necessary), always: build(QuoteStyle::Always), line: Zeroizing::new(Vec::new()) }
    }

    pub(crate) fn start(&mut self) {
        self.line.clear();
    }

    /// Room for `n` more bytes; a buffer that moves wipes the old one (it may hold plaintext).
    fn reserve(&mut self, n: usize) {
        let need = self.line.len() + n;
        if need > self.line.capacity() {
            let mut bigger = Zeroizing::new(Vec::with_capacity(need.max(self.line.capacity() * 2).max(4096)));
            bigger.extend_from_slice(&self.line);
            self.line = bigger;
        }
    }

    pub(crate) fn separator(&mut self, i: usize) {
        if i > 0 {
            self.reserve(1);
            self.line.push(b',');
        }
    }

    /// A field as csv-core quotes it; an empty string as `""`; `\.` quoted, because an unquoted
    /// `\.` alone on a line ends COPY's input.
    pub(crate) fn text(&mut self, value: &[u8]) {
        self.reserve(value.len() * 2 + 8);
        // A fresh writer per field: csv-core's `finish` leaves an unquoted field's state behind.
        let mut w = if value.is_empty() || value == b"\\." { self.always.clone() } else { self.necessary.clone() };
        let line = &mut self.line;
        let mut input = value;
        loop {
            let start = line.len();
            line.resize(start + input.len() * 2 + 4, 0);
            let (res, nin, nout) = w.field(input, &mut line[start..]);
            line.truncate(start + nout);
            input = &input[nin..];
            if res == WriteResult::InputEmpty {
                break;
            }
        }
        loop {
            let start = line.len();
            line.resize(start + 4, 0);
            let (res, nout) = w.finish(&mut line[start..]);
            line.truncate(start + nout);
            if res == WriteResult::InputEmpty {
                break;
            }
        }
    }

    fn bytea(&mut self, bytes: &[u8]) {
        self.reserve(bytes.len() * 2 + 2);
        let start = self.line.len() + 2;
        self.line.extend_from_slice(b"\\x");
        self.line.resize(start + bytes.len() * 2, 0);
        hex::encode_to_slice(bytes, &mut self.line[start..]).expect("sized for the hex");
    }

    pub(crate) fn end(&mut self, out: &mut impl Write) -> std::io::Result<()> {
        self.reserve(1);
        self.line.push(b'\n');
        out.write_all(&self.line)
    }
}

// ---- the transform -----------------------------------------------------------------------

/// The columns resolved against the header: positions and the names contexts use.
struct Plan {
    /// 0-based position and the column's name (for `{column}`) of each column to transform.
    targets: Vec<(usize, String)>,
    /// The template with every field resolved to a 0-based position and the name it was given.
    template: Option<Vec<Resolved>>,
}

enum Resolved {
    Text(String),
    Column,
    Field(usize, String),
}

fn resolve(cols: &Columns, header: Option<&Record>) -> Result<Plan, ClientError> {
    let position = |c: &ColumnRef| -> Result<usize, ClientError> {
        match (c, header) {
            (ColumnRef::Position(n), _) => Ok(n - 1),
            (ColumnRef::Name(name), Some(h)) => {
                let mut found = (0..h.len()).filter(|&i| h.get(i).is_some_and(|f| f.bytes == name.as_bytes()));
                match (found.next(), found.next()) {
                    (Some(i), None) => Ok(i),
                    (Some(_), Some(_)) => Err(ClientError::usage(format!("the header names column {name:?} twice; give its number"))),
                    (None, _) => Err(ClientError::usage(format!("the header has no column {name:?}"))),
                }
            }
            (ColumnRef::Name(name), None) => Err(ClientError::usage(format!("column {name:?} is a name: names need --header"))),
        }
    };
    let mut targets = Vec::new();
    for c in &cols.columns {
        let p = position(c)?;
        let name = match (c, header) {
            (ColumnRef::Name(n), _) => n.clone(),
            (ColumnRef::Position(n), Some(h)) => match h.get(p) {
                Some(f) => String::from_utf8(f.bytes.to_vec())
                    .map_err(|_| ClientError::usage(format!("the header's name of column {n} is not UTF-8")))?,
                None => return Err(ClientError::usage(format!("the header has {} columns, column {n} was asked for", h.len()))),
            },
            (ColumnRef::Position(n), None) => n.to_string(),
        };
        if targets.iter().any(|(q, _)| *q == p) {
            return Err(ClientError::usage(format!("column {c} is named twice")));
        }
        targets.push((p, name));
    }
    let template = match &cols.binding {
        Binding::Fixed(_) => None,
        Binding::Row(t) => {
            let mut parts = Vec::new();
            for part in &t.parts {
                parts.push(match part {
                    Part::Text(s) => Resolved::Text(s.clone()),
                    Part::Column => Resolved::Column,
                    Part::Field(c) => {
                        let p = position(c)?;
                        if targets.iter().any(|(q, _)| *q == p) {
                            return Err(ClientError::usage(format!(
                                "the context column {c} is also encrypted; bind to a column that stays in clear (the row's key)"
                            )));
                        }
                        Resolved::Field(p, c.to_string())
                    }
                });
            }
            Some(parts)
        }
    };
    Ok(Plan { targets, template })
}

/// Renders the context of the value in column `name` of `rec` into `out`.
fn render(parts: &[Resolved], name: &str, rec: &Record, out: &mut String) -> Result<(), String> {
    out.clear();
    for part in parts {
        match part {
            Resolved::Text(s) => out.push_str(s),
            Resolved::Column => out.push_str(name),
            Resolved::Field(p, shown) => {
                let f = rec.get(*p).ok_or_else(|| format!("has {} columns, the context column {shown} was asked for", rec.len()))?;
                if f.null {
                    return Err(format!("the context column {shown} is empty (NULL): a value cannot be bound to a row without its key"));
                }
                let s = std::str::from_utf8(f.bytes).map_err(|_| format!("the context column {shown} is not valid UTF-8"))?;
                if s.contains('\0') {
                    return Err(format!("the context column {shown} contains a NUL byte"));
                }
                out.push_str(s);
            }
        }
    }
    Ok(())
}

fn transform<R: BufRead, W: Write>(
    input: R,
    mut output: W,
    cols: &Columns,
    mut value: impl FnMut(&[u8], &[u8], &mut RecordWriter) -> Result<(), ClientError>,
) -> Result<u64, ClientError> {
    cols.check()?;
    let mut reader = RecordReader::new(input);
    let mut writer = RecordWriter::new();
    let fixed = match &cols.binding {
        Binding::Fixed(c) => c.clone().unwrap_or_default(),
        Binding::Row(_) => String::new(),
    };
    let mut plan = None;
    let mut context = String::new();
    let mut rows = 0u64;
    while reader.read()? {
        let line = reader.record_line;
        let rec = &reader.record;
        let csv_err = |what: String| ClientError::Csv { line, what };
        if plan.is_none() {
            if cols.header {
                plan = Some(resolve(cols, Some(rec))?);
                writer.start();
                for i in 0..rec.len() {
                    writer.separator(i);
                    passthrough(&mut writer, rec.get(i).expect("in range"));
                }
                writer.end(&mut output)?;
                continue;
            }
            plan = Some(resolve(cols, None)?);
        }
        let plan = plan.as_ref().expect("resolved above");
        if let Some((p, _)) = plan.targets.iter().find(|(p, _)| *p >= rec.len()) {
            return Err(csv_err(format!("has {} columns, column {} was asked for", rec.len(), p + 1)));
        }
        writer.start();
        for i in 0..rec.len() {
            writer.separator(i);
            let field = rec.get(i).expect("in range");
            let Some((_, name)) = plan.targets.iter().find(|(p, _)| *p == i) else {
                passthrough(&mut writer, field);
                continue;
            };
            if field.null {
                continue; // NULL stays NULL
            }
            let ctx = match &plan.template {
                None => fixed.as_bytes(),
                Some(parts) => {
                    render(parts, name, rec, &mut context).map_err(csv_err)?;
                    context.as_bytes()
                }
            };
            value(field.bytes, ctx, &mut writer).map_err(|e| match e {
                e @ ClientError::Usage(_) => e,
                e => csv_err(format!("column {name}: {e}")),
            })?;
        }
        // A write error is an Io error: the caller names its output.
        writer.end(&mut output)?;
        rows += 1;
    }
    output.flush()?;
    Ok(rows)
}

fn passthrough(w: &mut RecordWriter, f: Field<'_>) {
    if !f.null {
        w.text(f.bytes);
    }
}

/// Seals the chosen columns; returns the number of data rows.
pub fn encrypt<R: BufRead, W: Write>(input: R, output: W, cipher: &Cipher, cols: &Columns) -> Result<u64, ClientError> {
    transform(input, output, cols, |v, ctx, w| {
        let env = cipher.seal(v, ctx)?;
        w.bytea(&env);
        Ok(())
    })
}

/// Opens the chosen columns. Stops at the first field that does not open.
pub fn decrypt<R: BufRead, W: Write>(input: R, output: W, cipher: &Cipher, cols: &Columns) -> Result<u64, ClientError> {
    let mut env = Vec::new();
    transform(input, output, cols, |v, ctx, w| {
        let hex_part = v.strip_prefix(b"\\x").ok_or(ClientError::Encoding("bytea hex (\\x…)"))?;
        env.clear();
        env.resize(hex_part.len() / 2, 0);
        hex::decode_to_slice(hex_part, &mut env).map_err(|_| ClientError::Encoding("bytea hex (\\x…)"))?;
        let plain = Zeroizing::new(cipher.open(&env, ctx)?);
        w.text(&plain);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use colcrypt_core::Key;

    fn cipher() -> Cipher {
        Cipher::new(&Key::from_slice(&[7u8; 32]).unwrap())
    }

    fn cols(columns: &[&str], header: bool, binding: Binding) -> Columns {
        Columns { columns: columns.iter().map(|c| c.parse().unwrap()).collect(), header, binding }
    }

    fn enc(input: &str, c: &Columns) -> Result<String, ClientError> {
        let mut out = Vec::new();
        encrypt(input.as_bytes(), &mut out, &cipher(), c)?;
        Ok(String::from_utf8(out).unwrap())
    }

    fn dec(input: &str, c: &Columns) -> Result<String, ClientError> {
        let mut out = Vec::new();
        decrypt(input.as_bytes(), &mut out, &cipher(), c)?;
        Ok(String::from_utf8(out).unwrap())
    }

    #[test]
    fn null_and_empty_string_stay_apart() {
        let c = cols(&["2", "3"], false, Binding::Fixed(None));
        // Field 2: NULL, "" (empty string), value; field 3 passes "" through in the last row.
        let input = "1,,x\n2,\"\",y\n3,v,\"\"\n";
        let e = enc(input, &c).unwrap();
        let lines: Vec<&str> = e.lines().collect();
        assert!(lines[0].starts_with("1,,\\x"), "{e}");
        assert!(lines[1].starts_with("2,\\x"), "an empty string is encrypted, not NULL: {e}");
        assert_eq!(dec(&e, &c).unwrap(), input);
        // Passed-through columns keep "" apart from NULL too.
        let p = cols(&["1"], false, Binding::Fixed(None));
        let e = enc("a,\"\",\n", &p).unwrap();
        assert!(e.ends_with(",\"\",\n"), "{e}");
        assert_eq!(dec(&e, &p).unwrap(), "a,\"\",\n");
    }

    #[test]
    fn blank_lines_are_null_records_and_crlf_is_read() {
        let c = cols(&["1"], false, Binding::Fixed(None));
        let e = enc("a\n\nb\n", &c).unwrap();
        assert_eq!(e.lines().nth(1), Some(""), "{e}");
        assert_eq!(dec(&e, &c).unwrap(), "a\n\nb\n");
        let e = enc("a,1\r\nb,2\r\n", &cols(&["2"], false, Binding::Fixed(None))).unwrap();
        assert_eq!(e.lines().count(), 2, "{e}");
        assert!(e.starts_with("a,\\x") && e.contains("\nb,\\x"), "{e}");
    }

    #[test]
    fn a_quote_that_never_closes_is_an_error_with_its_line() {
        let c = cols(&["2"], false, Binding::Fixed(None));
        for input in ["1,\"abc\n2,def\n", "1,x\n2,\"ab\"\"c\n", "1,\"a\nb"] {
            match enc(input, &c) {
                Err(ClientError::Csv { line, what }) => assert!(what.contains("unterminated quoted field") && line >= 1, "{input:?}: {what}"),
                other => panic!("{input:?} gave {other:?}"),
            }
            assert!(matches!(dec(input, &c), Err(ClientError::Csv { .. })), "{input:?}");
        }
        // Quotes that close, doubled quotes and quotes within a field stay fine.
        let ok = "1,\"a\"\"b\"\n2,\"x\ny\"\n3,\"\"\n";
        assert_eq!(dec(&enc(ok, &c).unwrap(), &c).unwrap(), ok);
    }

    #[test]
    fn copy_end_marker_is_quoted() {
        let c = cols(&["2"], false, Binding::Fixed(None));
        let e = enc("\\.,x\n", &c).unwrap();
        assert!(e.starts_with("\"\\.\","), "{e}");
    }

    #[test]
    fn row_binding_names_column_and_row() {
        let t = ContextTemplate::row_key(Some("patients"), "id".parse().unwrap());
        let c = cols(&["ssn", "diagnosis"], true, Binding::Row(t));
        let input = "id,ssn,diagnosis\n1,111,flu\n2,222,cold\n";
        let e = enc(input, &c).unwrap();
        assert_eq!(dec(&e, &c).unwrap(), input);
        // Each value opens under exactly the context row_context names.
        let row2: Vec<&str> = e.lines().nth(2).unwrap().split(',').collect();
        let env = hex::decode(&row2[2][2..]).unwrap();
        assert_eq!(cipher().open(&env, crate::row_context("patients", "diagnosis", 2).as_bytes()).unwrap(), b"cold");

        let lines: Vec<Vec<&str>> = e.lines().map(|l| l.split(',').collect()).collect();
        let rebuild = |rows: &[Vec<&str>]| rows.iter().map(|r| r.join(",") + "\n").collect::<String>();
        // Swap the two diagnoses.
        let mut swapped = lines.clone();
        (swapped[1][2], swapped[2][2]) = (lines[2][2], lines[1][2]);
        let err = dec(&rebuild(&swapped), &c).unwrap_err().to_string();
        assert!(err.contains("CSV line 2") && err.contains("column diagnosis") && err.contains("cannot decrypt"), "{err}");
        // Move a diagnosis into the SSN field of the same row.
        let mut moved = lines.clone();
        moved[1][1] = lines[1][2];
        assert!(dec(&rebuild(&moved), &c).unwrap_err().to_string().contains("column ssn"));
        // Change the row's key.
        let mut rekeyed = lines.clone();
        rekeyed[1][0] = "3";
        assert!(dec(&rebuild(&rekeyed), &c).is_err());
        // Without binding, the same file does not open (the contexts differ).
        assert!(dec(&e, &cols(&["ssn", "diagnosis"], true, Binding::Fixed(None))).is_err());
    }

    #[test]
    fn templates_parse_and_refuse_what_binds_nothing() {
        let t = ContextTemplate::parse("app.{column}:{{{id}}}/{3}").unwrap();
        assert_eq!(
            t.parts,
            vec![
                Part::Text("app.".into()),
                Part::Column,
                Part::Text(":{".into()),
                Part::Field(ColumnRef::Name("id".into())),
                Part::Text("}/".into()),
                Part::Field(ColumnRef::Position(3)),
            ]
        );
        for bad in ["{", "}", "{id", "a}b", "{}", "{0}"] {
            assert!(matches!(ContextTemplate::parse(bad), Err(ClientError::Usage(_))), "{bad}");
        }
        let usage = |c: Columns| matches!(c.check(), Err(ClientError::Usage(_)));
        let t = |s: &str| Binding::Row(ContextTemplate::parse(s).unwrap());
        assert!(usage(cols(&["2"], false, t("fixed"))), "no row field");
        assert!(usage(cols(&["2", "3"], false, t("t:{1}"))), "no {{column}} with two columns");
        assert!(usage(cols(&["ssn"], false, Binding::Fixed(None))), "names without a header");
        assert!(usage(cols(&["2", "2"], false, Binding::Fixed(None))), "twice");
        assert!(!usage(cols(&["2"], false, t("t.ssn:{1}"))));
        // Found only once the header is read: still usage errors.
        assert!(matches!(enc("id,ssn\n1,x\n", &cols(&["nope"], true, Binding::Fixed(None))), Err(ClientError::Usage(_))));
        assert!(matches!(enc("id,ssn\n1,x\n", &cols(&["ssn"], true, t("{column}:{ssn}"))), Err(ClientError::Usage(_))));
        assert!(matches!(enc("id,ssn\n1,x\n", &cols(&["ssn"], true, t("{column}:{idd}"))), Err(ClientError::Usage(_))));
        // A row without its key is a data error with its line.
        let err = enc("id,ssn\n1,x\n,y\n", &cols(&["ssn"], true, t("{column}:{id}"))).unwrap_err().to_string();
        assert!(err.contains("CSV line 3") && err.contains("NULL"), "{err}");
    }

    #[test]
    fn long_records_and_fields_split_across_reads() {
        fn same(a: &str, b: &str) {
            let at = a.bytes().zip(b.bytes()).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()));
            assert!(a == b, "differ at byte {at} (lengths {} and {}): {:?} / {:?}", a.len(), b.len(), &a[at.saturating_sub(20)..(at + 20).min(a.len())], &b[at.saturating_sub(20)..(at + 20).min(b.len())]);
        }
        let big = "x".repeat(100_000);
        let input = format!("1,\"{big}\",\"a\"\"b\"\n2,{big},\n");
        let c = cols(&["2"], false, Binding::Fixed(None));
        let e = enc(&input, &c).unwrap();
        let back = dec(&e, &c).unwrap();
        same(&back, &format!("1,{big},\"a\"\"b\"\n2,{big},\n"));
        // A reader that hands over one byte at a time.
        let mut out = Vec::new();
        decrypt(std::io::BufReader::with_capacity(1, e.as_bytes()), &mut out, &cipher(), &c).unwrap();
        same(&String::from_utf8(out).unwrap(), &back);
    }
}
