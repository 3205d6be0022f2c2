//! Canonical equality forms of plaintexts (docs/FORMAT.md, "Blind index").
//!
//! The blind index is an HMAC over plaintext bytes, so two values are found equal by it iff their
//! bytes are equal. For most transparent types the sealed plaintext (a binary send form) is
//! byte-equal exactly when PostgreSQL's `=` says the values are equal. Not for `numeric` (`1.0`
//! and `1.00` differ in display scale) nor `float8` (`0` and `-0` differ in the sign bit, and
//! there are many NaN bit patterns, all equal to each other under PostgreSQL's `=`). For those two
//! the index is computed over the canonical form defined here; the stored value keeps its exact
//! bytes.

use std::borrow::Cow;

use crate::Error;

/// The type names whose blind index is computed over a canonical form.
pub const NUMERIC_TYPE: &str = "encrypted_numeric";
pub const FLOAT8_TYPE: &str = "encrypted_float8";
/// The type name whose plaintext is `jsonb_out` text.
pub const JSONB_TYPE: &str = "encrypted_jsonb";

/// The one NaN of the canonical float8 form (the usual quiet NaN, which PostgreSQL itself returns).
pub const CANONICAL_FLOAT8_NAN: u64 = 0x7ff8_0000_0000_0000;

/// numeric_send sign words (PostgreSQL src/include/utils/numeric.h / numeric.c).
const NUMERIC_POS: u16 = 0x0000;
const NUMERIC_NEG: u16 = 0x4000;
const NUMERIC_NAN: u16 = 0xC000;
const NUMERIC_PINF: u16 = 0xD000;
const NUMERIC_NINF: u16 = 0xF000;
/// Largest display scale numeric_recv accepts.
const NUMERIC_DSCALE_MASK: u16 = 0x3FFF;
const NBASE: u16 = 10_000;
const NUMERIC_HEADER: usize = 8;

/// The bytes the blind index of a value of `type_name` is computed over: for
/// `encrypted_numeric` and `encrypted_float8` the canonical equality form of the send-form
/// `plaintext` (two plaintexts have byte-equal forms iff PostgreSQL's `=` on the plaintext type
/// says they are equal), for every other type the plaintext itself.
///
/// Borrows when the plaintext already is canonical (a numeric with its minimal display scale,
/// any float8 but `-0` and the non-canonical NaNs), so existing indexes of such values stay
/// valid. Malformed send forms are [`Error::CannotDecrypt`] (the value is damaged: PostgreSQL's
/// send functions never produce them).
pub fn equality_form<'a>(type_name: &str, plaintext: &'a [u8]) -> Result<Cow<'a, [u8]>, Error> {
    match type_name {
        NUMERIC_TYPE => numeric_equality_form(plaintext),
        FLOAT8_TYPE => float8_equality_form(plaintext),
        // The binary form's index is the text form's, so a value has one index in either form.
        JSONB_TYPE => match crate::jsonb_binary::container_of(plaintext) {
            Some(container) => {
                // The text is already the form unless a number needs trimming; the one copy not
                // returned is wiped.
                let mut text = crate::jsonb_binary::to_text(container)?;
                let trimmed = match jsonb_equality_form(&text) {
                    Cow::Owned(trimmed) => Some(trimmed),
                    Cow::Borrowed(_) => None,
                };
                Ok(Cow::Owned(match trimmed {
                    Some(trimmed) => {
                        zeroize::Zeroize::zeroize(&mut text);
                        trimmed
                    }
                    None => text,
                }))
            }
            None => Ok(jsonb_equality_form(plaintext)),
        },
        _ => Ok(Cow::Borrowed(plaintext)),
    }
}

/// `jsonb_out` text: jsonb `=` compares numbers by numeric value (`{"a": 1.0}` = `{"a": 1}`)
/// while everything else in jsonb's text form is already canonical (keys sorted and unique, one
/// spelling per string). Every number outside a string loses the trailing zeros of its fraction
/// (and the point when nothing is left); `-0` becomes `0`. `jsonb_out` writes no exponents; a
/// number with one is kept as it is.
pub fn jsonb_equality_form(text: &[u8]) -> Cow<'_, [u8]> {
    let mut out: Option<Vec<u8>> = None;
    let mut copied = 0;
    let (mut i, mut in_string, mut escaped) = (0, false, false);
    while i < text.len() {
        let b = text[i];
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        if b == b'"' {
            in_string = true;
            i += 1;
            continue;
        }
        if b == b'-' || b.is_ascii_digit() {
            // The loop takes the first character too: '-' and digits are in its set.
            let start = i;
            while i < text.len() && (text[i].is_ascii_digit() || matches!(text[i], b'.' | b'e' | b'E' | b'+' | b'-')) {
                i += 1;
            }
            let number = &text[start..i];
            let canonical = canonical_json_number(number);
            if canonical != number {
                let o = out.get_or_insert_with(|| Vec::with_capacity(text.len()));
                o.extend_from_slice(&text[copied..start]);
                o.extend_from_slice(canonical);
                copied = i;
            }
            continue;
        }
        i += 1;
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut o) => {
            o.extend_from_slice(&text[copied..]);
            Cow::Owned(o)
        }
    }
}

fn canonical_json_number(n: &[u8]) -> &[u8] {
    if n.iter().any(|&c| c == b'e' || c == b'E') {
        return n;
    }
    let mut trimmed = n;
    if n.contains(&b'.') {
        while let Some(rest) = trimmed.strip_suffix(b"0") {
            trimmed = rest;
        }
        trimmed = trimmed.strip_suffix(b".").unwrap_or(trimmed);
    }
    if trimmed == b"-0" { b"0" } else { trimmed }
}

/// float8send form (8 bytes, big-endian IEEE 754 binary64): `-0` becomes `+0` and every NaN
/// becomes [`CANONICAL_FLOAT8_NAN`]; all other bit patterns are kept.
pub fn float8_equality_form(send: &[u8]) -> Result<Cow<'_, [u8]>, Error> {
    let bytes: [u8; 8] = send.try_into().map_err(|_| Error::CannotDecrypt)?;
    let bits = u64::from_be_bytes(bytes);
    let canonical = if f64::from_bits(bits).is_nan() {
        CANONICAL_FLOAT8_NAN
    } else if bits == 0x8000_0000_0000_0000 {
        0
    } else {
        bits
    };
    Ok(if canonical == bits { Cow::Borrowed(send) } else { Cow::Owned(canonical.to_be_bytes().to_vec()) })
}

/// numeric_send form (`be16 ndigits ‖ be16 weight ‖ be16 sign ‖ be16 dscale ‖ ndigits × be16
/// base-10000 digit`) to its canonical form:
///
/// - NaN, +Infinity, -Infinity: `ndigits = 0, weight = 0, sign word, dscale = 0`, no digits.
/// - Finite: leading and trailing zero digits removed (`weight` lowered by one per leading zero),
///   `dscale` set to the minimal number of decimal places the remaining digits need; zero (of
///   either sign) is `ndigits = 0, weight = 0, sign = 0x0000, dscale = 0`.
///
/// Rejected as damaged, as numeric_recv would reject them or as numeric_send never writes them:
/// a length other than `8 + 2 × ndigits`, a digit ≥ 10000, an unknown sign word, a dscale above
/// 0x3FFF, a dscale that hides non-zero digits, a canonical weight outside int16.
pub fn numeric_equality_form(send: &[u8]) -> Result<Cow<'_, [u8]>, Error> {
    if send.len() < NUMERIC_HEADER {
        return Err(Error::CannotDecrypt);
    }
    let word = |i: usize| u16::from_be_bytes([send[i], send[i + 1]]);
    let ndigits = usize::from(word(0));
    let weight = i32::from(word(2) as i16);
    let sign = word(4);
    let dscale = word(6);
    if send.len() != NUMERIC_HEADER + 2 * ndigits || dscale & NUMERIC_DSCALE_MASK != dscale {
        return Err(Error::CannotDecrypt);
    }
    let digits: Vec<u16> = (0..ndigits).map(|i| word(NUMERIC_HEADER + 2 * i)).collect();
    if digits.iter().any(|&d| d >= NBASE) {
        return Err(Error::CannotDecrypt);
    }

    let (ndigits, weight, sign, dscale, first) = match sign {
        NUMERIC_NAN | NUMERIC_PINF | NUMERIC_NINF => (0, 0, sign, 0, 0),
        NUMERIC_POS | NUMERIC_NEG => match (digits.iter().position(|&d| d != 0), digits.iter().rposition(|&d| d != 0)) {
            (Some(first), Some(last)) => {
                // Display scale the last non-zero digit needs: it stands for decimal places
                // 4·(-w) - 3 … 4·(-w), of which its own trailing decimal zeros are not needed.
                let last_weight = weight - last as i32;
                let needed = if last_weight >= 0 { 0 } else { -4 * last_weight - trailing_decimal_zeros(digits[last]) };
                if needed > i32::from(dscale) {
                    return Err(Error::CannotDecrypt);
                }
                let canonical_weight = i16::try_from(weight - first as i32).map_err(|_| Error::CannotDecrypt)?;
                (last + 1 - first, canonical_weight, sign, needed as u16, first)
            }
            _ => (0, 0, NUMERIC_POS, 0, 0),
        },
        _ => return Err(Error::CannotDecrypt),
    };

    let mut out = Vec::with_capacity(NUMERIC_HEADER + 2 * ndigits);
    out.extend_from_slice(&(ndigits as u16).to_be_bytes());
    out.extend_from_slice(&weight.to_be_bytes());
    out.extend_from_slice(&sign.to_be_bytes());
    out.extend_from_slice(&dscale.to_be_bytes());
    for d in &digits[first..first + ndigits] {
        out.extend_from_slice(&d.to_be_bytes());
    }
    Ok(if out == send { Cow::Borrowed(send) } else { Cow::Owned(out) })
}

/// Decimal zeros at the end of a non-zero base-10000 digit (0 … 3).
fn trailing_decimal_zeros(mut d: u16) -> i32 {
    debug_assert!(d != 0 && d < NBASE);
    let mut n = 0;
    while n < 3 && d.is_multiple_of(10) {
        d /= 10;
        n += 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_zeros_of_digits() {
        assert_eq!(trailing_decimal_zeros(1), 0);
        assert_eq!(trailing_decimal_zeros(10), 1);
        assert_eq!(trailing_decimal_zeros(5000), 3);
        assert_eq!(trailing_decimal_zeros(9990), 1);
        assert_eq!(trailing_decimal_zeros(1200), 2);
    }
}
