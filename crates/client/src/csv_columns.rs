//! Encrypting chosen columns of a CSV file for `COPY … FROM … (FORMAT csv)` into bytea columns,
//! and decrypting them after `COPY … TO`. Encrypted fields are written as bytea text (`\x` and
//! hex). An empty field stays empty (COPY reads it as NULL).

use std::io::{Read, Write};

use colcrypt_core::Cipher;

use crate::error::ClientError;

pub struct Columns {
    /// 0-based column positions to transform.
    pub positions: Vec<usize>,
    /// The first line is a header, passed through unchanged.
    pub header: bool,
    pub context: Option<String>,
}

fn csv_err(line: u64, what: impl Into<String>) -> ClientError {
    ClientError::Csv { line, what: what.into() }
}

fn transform<R: Read, W: Write>(
    input: R,
    output: W,
    cols: &Columns,
    mut field: impl FnMut(&[u8]) -> Result<Vec<u8>, ClientError>,
) -> Result<u64, ClientError> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(input);
    let mut writer = csv::WriterBuilder::new().from_writer(output);
    let mut rows = 0u64;
    let mut record = csv::ByteRecord::new();
    let mut first = true;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(reader.position().line(), |p| p.line());
                return Err(csv_err(line, format!("not valid CSV ({})", e.kind_description())));
            }
        }
        // The line the record starts on (a quoted field may span lines).
        let line = record.position().map_or(0, |p| p.line());
        if first && cols.header {
            first = false;
            writer.write_byte_record(&record).map_err(|e| csv_err(line, e.to_string()))?;
            continue;
        }
        first = false;
        let mut out: Vec<Vec<u8>> = record.iter().map(<[u8]>::to_vec).collect();
        for &p in &cols.positions {
            let Some(value) = out.get(p) else {
                return Err(csv_err(line, format!("has {} columns, column {} was asked for", out.len(), p + 1)));
            };
            if !value.is_empty() {
                out[p] = field(value).map_err(|e| csv_err(line, e.to_string()))?;
            }
        }
        writer.write_record(&out).map_err(|e| csv_err(line, e.to_string()))?;
        rows += 1;
    }
    writer.flush()?;
    Ok(rows)
}

trait KindDescription {
    fn kind_description(&self) -> String;
}

impl KindDescription for csv::Error {
    fn kind_description(&self) -> String {
        match self.kind() {
            csv::ErrorKind::Utf8 { .. } => "invalid UTF-8".into(),
            csv::ErrorKind::UnequalLengths { .. } => "unequal row lengths".into(),
            _ => "malformed".into(),
        }
    }
}

/// Seals the chosen columns; returns the number of data rows.
pub fn encrypt<R: Read, W: Write>(input: R, output: W, cipher: &Cipher, cols: &Columns) -> Result<u64, ClientError> {
    let ctx = cols.context.clone().unwrap_or_default();
    transform(input, output, cols, |v| {
        let env = cipher.seal(v, ctx.as_bytes())?;
        Ok(format!("\\x{}", hex::encode(env)).into_bytes())
    })
}

/// Opens the chosen columns. Stops at the first field that does not open.
pub fn decrypt<R: Read, W: Write>(input: R, output: W, cipher: &Cipher, cols: &Columns) -> Result<u64, ClientError> {
    let ctx = cols.context.clone().unwrap_or_default();
    transform(input, output, cols, |v| {
        let hex_part = v.strip_prefix(b"\\x").ok_or(ClientError::Encoding("bytea hex (\\x…)"))?;
        let env = hex::decode(hex_part).map_err(|_| ClientError::Encoding("bytea hex (\\x…)"))?;
        Ok(cipher.open(&env, ctx.as_bytes())?)
    })
}
