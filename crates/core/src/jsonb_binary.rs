//! `encrypted_jsonb`'s binary plaintext form (docs/FORMAT.md, "Plaintext forms"): `0x00 0x01`
//! followed by PostgreSQL's jsonb container as a jsonb datum holds it after its varlena header,
//! little-endian. Reading it back is a copy, where the older text form (`jsonb_out`'s text, still
//! read) had to be parsed on every read.
//!
//! This module checks a container before the server hands it to PostgreSQL's jsonb code, which
//! trusts what it reads, and prints one as `jsonb_out` does, for blind indexes (computed over the
//! text form, so a value has the same index in either form) and for `colcrypt recover`.
//! Layouts: PostgreSQL's src/include/utils/jsonb.h and src/backend/utils/adt/numeric.c (stable
//! on disk since 9.4, as pg_upgrade keeps jsonb and numeric files as they are).

use crate::Error;

/// What a binary form starts with. No text form does: `jsonb_out` text starts with `{`, `[`, `"`,
/// a digit, `-`, `t`, `f` or `n`, and never holds NUL.
pub const PREFIX: [u8; 2] = [0x00, 0x01];

/// Whether a sealed `encrypted_jsonb` plaintext is the binary form.
pub fn is_binary(plaintext: &[u8]) -> bool {
    plaintext.starts_with(&PREFIX)
}

/// The container of a sealed `encrypted_jsonb` plaintext in the binary form (None: the text form).
pub fn container_of(plaintext: &[u8]) -> Option<&[u8]> {
    plaintext.strip_prefix(&PREFIX[..])
}

const JB_CMASK: u32 = 0x0FFF_FFFF;
const JB_FSCALAR: u32 = 0x1000_0000;
const JB_FOBJECT: u32 = 0x2000_0000;
const JB_FARRAY: u32 = 0x4000_0000;
const JENTRY_OFFLENMASK: u32 = 0x0FFF_FFFF;
const JENTRY_TYPEMASK: u32 = 0x7000_0000;
const JENTRY_HAS_OFF: u32 = 0x8000_0000;
const JENTRY_ISSTRING: u32 = 0x0000_0000;
const JENTRY_ISNUMERIC: u32 = 0x1000_0000;
const JENTRY_ISBOOL_FALSE: u32 = 0x2000_0000;
const JENTRY_ISBOOL_TRUE: u32 = 0x3000_0000;
const JENTRY_ISNULL: u32 = 0x4000_0000;
const JENTRY_ISCONTAINER: u32 = 0x5000_0000;

/// How many levels of containers a binary form holds. The walk recurses once per level, so this bounds its
/// stack (well under 1 MiB). PostgreSQL takes deeper documents (about 14,000 levels with the
/// default max_stack_depth, more if it is raised): the server seals those as text instead
/// ([`sealable`]), so a document that was written can always be read.
pub const MAX_DEPTH: usize = 1_000;

/// Checks what PostgreSQL's jsonb code relies on to stay inside a container: the header's flags
/// and count, every JEntry's kind, offset and length, the object keys being strings, every child
/// container (nesting at most [`MAX_DEPTH`] deep) and every numeric's header and length, with nothing
/// after the last child. Damage is [`Error::CannotDecrypt`], as for other malformed plaintext
/// forms. Not checked, as they affect answers but not memory: keys in jsonb's order, unique,
/// and strings without NUL (which [`to_text`] prints as `\u0000`); PostgreSQL writes neither.
pub fn validate(container: &[u8]) -> Result<(), Error> {
    walk::<false>(container, 0, &mut Vec::new(), true)
}

/// Whether a container PostgreSQL built may be sealed in the binary form: it passes [`validate`],
/// so no deeper than [`MAX_DEPTH`]; otherwise the text form is sealed.
pub fn sealable(container: &[u8]) -> bool {
    validate(container).is_ok()
}

/// `jsonb_out`'s text for a container (`{"a": 1, "b": [true, null]}`), after the same checks
/// as [`validate`].
pub fn to_text(container: &[u8]) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(container.len() + container.len() / 4);
    walk::<true>(container, 0, &mut out, true)?;
    Ok(out)
}

fn bad() -> Error {
    Error::CannotDecrypt
}

fn u32_at(b: &[u8], at: usize) -> Result<u32, Error> {
    let bytes = b.get(at..at.checked_add(4).ok_or_else(bad)?).ok_or_else(bad)?;
    Ok(u32::from_le_bytes(bytes.try_into().expect("four bytes")))
}

/// INTALIGN, relative to the start of the children's data (itself 4-aligned).
fn int_align(n: usize) -> usize {
    (n + 3) & !3
}

/// Walks one container; `out` receives its text when `PRINT` (a constant, so the check every
/// read makes compiles without any of the printing). `top`: the root, the only place a scalar
/// container (a bare value) may be. Nothing is allocated: a child's range is computed from the
/// JEntries as they are walked (an object's keys once to check them, then again beside the
/// values, which follow all the keys).
fn walk<const PRINT: bool>(c: &[u8], depth: usize, out: &mut Vec<u8>, top: bool) -> Result<(), Error> {
    if depth >= MAX_DEPTH {
        return Err(bad());
    }
    let header = u32_at(c, 0)?;
    let count = (header & JB_CMASK) as usize;
    let (object, scalar) = match header & (JB_FOBJECT | JB_FARRAY | JB_FSCALAR) {
        JB_FOBJECT => (true, false),
        JB_FARRAY => (false, false),
        h if h == JB_FARRAY | JB_FSCALAR && top && count == 1 => (false, true),
        _ => return Err(bad()),
    };
    let nchildren = if object { count.checked_mul(2).ok_or_else(bad)? } else { count };
    let data_start = nchildren.checked_mul(4).and_then(|n| n.checked_add(4)).ok_or_else(bad)?;
    if data_start > c.len() {
        return Err(bad());
    }
    let (jentries, data) = c[4..].split_at(data_start - 4);
    let jentry = |i: usize| u32::from_le_bytes(jentries[4 * i..4 * i + 4].try_into().expect("four bytes"));
    // Child `i`, which starts at `offset` (where the previous child ended): its kind and its end.
    let child = |i: usize, offset: usize| -> Result<(u32, usize), Error> {
        let je = jentry(i);
        let end = end_of(je, offset);
        if end < offset || end > data.len() {
            return Err(bad());
        }
        Ok((je & JENTRY_TYPEMASK, end))
    };
    if scalar {
        let (t, end) = child(0, 0)?;
        if end != data.len() {
            return Err(bad());
        }
        return scalar_or_container::<PRINT>(t, data, 0, depth, out);
    }
    // Where the values start: after the keys, each a string. Checked without a branch per key
    // (this runs on every read): the ends only grow, so only the last needs bounding, which the
    // first value's own check does.
    let mut values_start = 0;
    if object {
        let mut damaged = false;
        for i in 0..count {
            let je = jentry(i);
            let end = end_of(je, values_start);
            damaged |= (end < values_start) | (je & JENTRY_TYPEMASK != JENTRY_ISSTRING);
            values_start = end;
        }
        if damaged {
            return Err(bad());
        }
    }
    if PRINT {
        out.push(if object { b'{' } else { b'[' });
    }
    let (mut key_offset, mut offset) = (0, values_start);
    for i in 0..count {
        if PRINT {
            if i > 0 {
                out.extend_from_slice(b", ");
            }
            if object {
                let (_, key_end) = child(i, key_offset)?;
                string::<PRINT>(&data[key_offset..key_end], out);
                out.extend_from_slice(b": ");
                key_offset = key_end;
            }
        }
        let (t, end) = child(if object { count + i } else { i }, offset)?;
        // A string is any bytes: nothing more to check.
        if PRINT || t != JENTRY_ISSTRING {
            scalar_or_container::<PRINT>(t, &data[..end], offset, depth, out)?;
        }
        offset = end;
    }
    // The last child ends where the container does (PostgreSQL builds it to the byte).
    if offset != data.len() {
        return Err(bad());
    }
    if PRINT {
        out.push(if object { b'}' } else { b']' });
    }
    Ok(())
}

/// Where a child whose JEntry is `je` ends, if it starts at `offset`: a JEntry holds either the
/// child's end or its length (PostgreSQL stores the end every 32 children). A sum of lengths
/// saturates rather than wraps (2^28 children of up to 2^28 bytes pass 32 bits), and a
/// saturated end is out of bounds, so it is refused.
#[inline]
fn end_of(je: u32, offset: usize) -> usize {
    let field = (je & JENTRY_OFFLENMASK) as usize;
    if je & JENTRY_HAS_OFF != 0 {
        field
    } else {
        offset.saturating_add(field)
    }
}

/// One child: `data` ends where the child ends, and the child starts at `start` (before the
/// alignment padding that numerics and containers have).
#[inline]
fn scalar_or_container<const PRINT: bool>(t: u32, data: &[u8], start: usize, depth: usize, out: &mut Vec<u8>) -> Result<(), Error> {
    let aligned = || data.get(int_align(start)..).ok_or_else(bad);
    match t {
        JENTRY_ISSTRING => {
            string::<PRINT>(&data[start..], out);
            Ok(())
        }
        JENTRY_ISNUMERIC => numeric::<PRINT>(aligned()?, out),
        JENTRY_ISCONTAINER => walk::<PRINT>(aligned()?, depth + 1, out, false),
        JENTRY_ISNULL | JENTRY_ISBOOL_FALSE | JENTRY_ISBOOL_TRUE => {
            if data.len() != start {
                return Err(bad());
            }
            if PRINT {
                out.extend_from_slice(match t {
                    JENTRY_ISNULL => b"null",
                    JENTRY_ISBOOL_TRUE => b"true",
                    _ => b"false",
                });
            }
            Ok(())
        }
        _ => Err(bad()),
    }
}

/// A string as `escape_json` writes it (any bytes are a string to check).
#[inline]
fn string<const PRINT: bool>(s: &[u8], o: &mut Vec<u8>) {
    if !PRINT {
        return;
    }
    o.push(b'"');
    for &b in s {
        match b {
            0x08 => o.extend_from_slice(b"\\b"),
            0x0C => o.extend_from_slice(b"\\f"),
            b'\n' => o.extend_from_slice(b"\\n"),
            b'\r' => o.extend_from_slice(b"\\r"),
            b'\t' => o.extend_from_slice(b"\\t"),
            b'"' => o.extend_from_slice(b"\\\""),
            b'\\' => o.extend_from_slice(b"\\\\"),
            b if b < b' ' => o.extend_from_slice(format!("\\u{:04x}", b).as_bytes()),
            b => o.push(b),
        }
    }
    o.push(b'"');
}

/// A numeric datum inside a container (`data` starts with its varlena header, 1 or 4 bytes, and
/// may run on past it), as `numeric_out` prints it.
fn numeric<const PRINT: bool>(data: &[u8], o: &mut Vec<u8>) -> Result<(), Error> {
    let first = *data.first().ok_or_else(bad)?;
    let (hdr, size) = if first & 0x01 == 0x01 {
        // A short (1-byte) header; 0x01 alone would be a TOAST pointer, never inside a container.
        (1, (first >> 1) as usize)
    } else if first & 0x03 == 0x00 {
        (4, (u32_at(data, 0)? >> 2) as usize)
    } else {
        return Err(bad());
    };
    // The numeric ends where its child does: a jsonb container pads only in front.
    if size < hdr + 2 || size != data.len() {
        return Err(bad());
    }
    let body = &data[hdr..size];
    let word = |i: usize| u16::from_le_bytes([body[i], body[i + 1]]);
    let n_header = word(0);
    let (sign, weight, dscale, digits_at) = match n_header & 0xC000 {
        0xC000 => {
            // NaN, +Infinity, -Infinity: the header word alone.
            let text: &[u8] = match n_header & 0xF000 {
                0xC000 => b"NaN",
                0xD000 => b"Infinity",
                0xF000 => b"-Infinity",
                _ => return Err(bad()),
            };
            if body.len() != 2 {
                return Err(bad());
            }
            if PRINT {
                o.extend_from_slice(text);
            }
            return Ok(());
        }
        0x8000 => {
            let negative = n_header & 0x2000 != 0;
            let dscale = ((n_header & 0x1F80) >> 7) as usize;
            let w = (n_header & 0x003F) as i32;
            let weight = if n_header & 0x0040 != 0 { w - 64 } else { w };
            (negative, weight, dscale, 2)
        }
        flags => {
            if body.len() < 4 {
                return Err(bad());
            }
            (flags == 0x4000, word(2) as i16 as i32, (n_header & 0x3FFF) as usize, 4)
        }
    };
    if !(body.len() - digits_at).is_multiple_of(2) {
        return Err(bad());
    }
    let digits = body[digits_at..].chunks_exact(2).map(|d| u16::from_le_bytes([d[0], d[1]]));
    if !PRINT {
        // Checking alone (every read): what printing would refuse, without allocating.
        return if dscale > crate::pg_numeric::MAX_DSCALE || digits.into_iter().any(|d| d >= 10_000) { Err(bad()) } else { Ok(()) };
    }
    let digits: Vec<u16> = digits.collect();
    let mut text = String::new();
    crate::pg_numeric::write_text(sign, weight, dscale, &digits, &mut text)?;
    o.extend_from_slice(text.as_bytes());
    Ok(())
}
