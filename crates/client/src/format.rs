//! How one value's bytes cross stdin/stdout: raw, hex, or base64, read and written in chunks so
//! that the text form is never held whole (a 1 GiB value would be 2 GiB of hex).

use std::io::{Read, Write};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use clap::ValueEnum;
use zeroize::Zeroizing;

use crate::error::ClientError;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Raw,
    Hex,
    Base64,
}

const CHUNK: usize = 48 * 1024; // a multiple of 3 (base64) and 2 (hex)

/// Encodes a whole value (hex and base64 end with a newline).
pub fn encode(format: Format, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    encode_to(format, bytes, &mut out).expect("writing to a Vec cannot fail");
    out
}

/// Writes a value in `format`, chunk by chunk.
pub fn encode_to(format: Format, bytes: &[u8], out: &mut impl Write) -> std::io::Result<()> {
    let mut buf = Zeroizing::new(vec![0u8; CHUNK * 2]);
    match format {
        Format::Raw => return out.write_all(bytes),
        Format::Hex => {
            for chunk in bytes.chunks(CHUNK) {
                let text = &mut buf[..chunk.len() * 2];
                hex::encode_to_slice(chunk, text).expect("the buffer fits twice the chunk");
                out.write_all(text)?;
            }
        }
        Format::Base64 => {
            for chunk in bytes.chunks(CHUNK) {
                let n = STANDARD.encode_slice(chunk, &mut buf[..]).expect("the buffer fits the encoded chunk");
                out.write_all(&buf[..n])?;
            }
        }
    }
    out.write_all(b"\n")
}

/// Decodes a whole value given in memory.
pub fn decode(format: Format, input: &[u8]) -> Result<Vec<u8>, ClientError> {
    Ok(std::mem::take(&mut *read_value(format, input, None, u64::MAX)?))
}

/// Reads one value in `format`, refusing one whose decoded length exceeds `limit` without
/// reading on. ASCII whitespace anywhere in hex or base64 text is ignored (wrapped lines), and
/// hex may start with PostgreSQL's `\x`. `size_hint` is the input's length if known. Every buffer
/// that held the value is wiped, including those left behind when the buffer grew.
pub fn read_value(format: Format, mut input: impl Read, size_hint: Option<u64>, limit: u64) -> Result<Zeroizing<Vec<u8>>, ClientError> {
    let too_large = ClientError::TooLarge { limit };
    let expected = size_hint.map(|n| match format {
        Format::Raw => n,
        Format::Hex => n / 2,
        Format::Base64 => n / 4 * 3,
    });
    if format == Format::Raw && expected.is_some_and(|n| n > limit) {
        return Err(too_large);
    }
    let mut value = Value::with_capacity(expected.unwrap_or(0).min(limit).min(usize::MAX as u64) as usize);
    let mut chunk = Zeroizing::new(vec![0u8; CHUNK]);
    // Hex or base64 text not yet decoded (an incomplete unit carried to the next chunk).
    let mut text = Zeroizing::new(Vec::with_capacity(CHUNK + 4));
    // Hex waits for its first two characters, to drop a `\x` prefix.
    let mut started = format != Format::Hex;
    loop {
        let n = match input.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        };
        if format == Format::Raw {
            value.push(&chunk[..n], limit).map_err(|_| ClientError::TooLarge { limit })?;
            continue;
        }
        text.extend(chunk[..n].iter().copied().filter(|b| !b.is_ascii_whitespace()));
        if !started && format == Format::Hex && text.len() >= 2 {
            if text.starts_with(b"\\x") {
                text.drain(..2);
            }
            started = true;
        }
        if !started {
            continue;
        }
        let unit = if format == Format::Hex { 2 } else { 4 };
        // Keep the last base64 unit back: only the final one may carry padding.
        let whole = text.len() / unit * unit;
        let take = if format == Format::Base64 && whole == text.len() { whole.saturating_sub(unit) } else { whole };
        decode_units(format, &text[..take], false, &mut value, limit)?;
        text.drain(..take);
    }
    if format == Format::Hex && !started && text.as_slice() == b"\\" {
        return Err(ClientError::Encoding("hex"));
    }
    if format != Format::Raw {
        let rest = if format == Format::Hex && !started && text.starts_with(b"\\x") { &text[2..] } else { &text[..] };
        decode_units(format, rest, true, &mut value, limit)?;
    }
    Ok(value.into_inner())
}

fn decode_units(format: Format, text: &[u8], last: bool, value: &mut Value, limit: u64) -> Result<(), ClientError> {
    // Padding ends base64: a `=` before the last unit is an error, not the end of one of two values.
    if format == Format::Base64 && !last && text.contains(&b'=') {
        return Err(ClientError::Encoding("base64"));
    }
    let mut buf = Zeroizing::new(vec![0u8; text.len()]);
    let n = match format {
        Format::Raw => unreachable!("raw input is not decoded"),
        Format::Hex => {
            let n = text.len() / 2;
            hex::decode_to_slice(text, &mut buf[..n]).map_err(|_| ClientError::Encoding("hex"))?;
            n
        }
        Format::Base64 => STANDARD.decode_slice(text, &mut buf[..]).map_err(|_| ClientError::Encoding("base64"))?,
    };
    value.push(&buf[..n], limit).map_err(|_| ClientError::TooLarge { limit })
}

/// A growing buffer that wipes the old allocation whenever it moves to a larger one.
struct Value(Zeroizing<Vec<u8>>);

impl Value {
    fn with_capacity(n: usize) -> Self {
        // One byte more than expected, so that reaching the end does not grow the buffer.
        Value(Zeroizing::new(Vec::with_capacity(n.saturating_add(1))))
    }

    fn push(&mut self, bytes: &[u8], limit: u64) -> Result<(), ()> {
        let len = self.0.len() + bytes.len();
        if len as u64 > limit {
            return Err(());
        }
        if len > self.0.capacity() {
            let cap = len.max(self.0.capacity().saturating_mul(2)).max(4096).min(limit.min(usize::MAX as u64) as usize);
            let mut bigger = Zeroizing::new(Vec::with_capacity(cap));
            bigger.extend_from_slice(&self.0);
            self.0 = bigger; // the old buffer is wiped as it drops
        }
        self.0.extend_from_slice(bytes);
        Ok(())
    }

    fn into_inner(self) -> Zeroizing<Vec<u8>> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_across_chunk_boundaries() {
        for len in [0, 1, 2, 3, 4, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 7] {
            let data: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
            for f in [Format::Raw, Format::Hex, Format::Base64] {
                let text = encode(f, &data);
                // Read back one byte at a time too, so every split of a unit is exercised.
                let back = read_value(f, &text[..], Some(text.len() as u64), u64::MAX).unwrap();
                assert_eq!(*back, data, "{f:?} {len}");
                if len < 50 {
                    let bytewise = read_value(f, OneByte(&text[..]), None, u64::MAX).unwrap();
                    assert_eq!(*bytewise, data, "{f:?} {len} bytewise");
                }
            }
        }
    }

    struct OneByte<'a>(&'a [u8]);
    impl Read for OneByte<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0.is_empty() || buf.is_empty() {
                return Ok(0);
            }
            buf[0] = self.0[0];
            self.0 = &self.0[1..];
            Ok(1)
        }
    }

    #[test]
    fn text_forms_accept_prefix_and_wrapping_and_refuse_garbage() {
        assert_eq!(decode(Format::Hex, b"\\x0aff\n").unwrap(), [0x0a, 0xff]);
        assert_eq!(decode(Format::Hex, b"  0a\nff  \n").unwrap(), [0x0a, 0xff]);
        assert_eq!(decode(Format::Base64, b"aGVs\nbG8=\n").unwrap(), b"hello");
        assert_eq!(decode(Format::Hex, b"").unwrap(), b"");
        assert_eq!(decode(Format::Hex, b"\\x").unwrap(), b"");
        for bad in [&b"zz"[..], b"abc", b"\\", b"0a\\x", b"x0a"] {
            assert!(matches!(decode(Format::Hex, bad), Err(ClientError::Encoding("hex"))), "{bad:?}");
        }
        for bad in [&b"aGVsbG8"[..], b"aGV=bG8=", b"!!!!"] {
            assert!(matches!(decode(Format::Base64, bad), Err(ClientError::Encoding("base64"))), "{bad:?}");
        }
    }

    #[test]
    fn values_over_the_limit_are_refused() {
        assert!(matches!(read_value(Format::Raw, &[0u8; 11][..], None, 10), Err(ClientError::TooLarge { limit: 10 })));
        assert!(matches!(read_value(Format::Raw, &[0u8; 11][..], Some(11), 10), Err(ClientError::TooLarge { .. })));
        assert!(matches!(read_value(Format::Hex, &b"00".repeat(11)[..], None, 10), Err(ClientError::TooLarge { .. })));
        assert_eq!(read_value(Format::Raw, &[0u8; 10][..], None, 10).unwrap().len(), 10);
    }
}
