//! The text form of a recovered plaintext, as PostgreSQL's output function prints it for the
//! plaintext type (DateStyle ISO, TimeZone UTC, bytea_output hex), computed here because no
//! server runs. The transparent types seal `text` and `jsonb` as their text form and the others
//! as their binary send form (docs/FORMAT.md, "Plaintext forms"); the send forms are turned into
//! text by the rules of PostgreSQL's own output functions (int4out, float8out, numeric_out,
//! date_out, timestamptz_out, boolout, byteaout).

use std::fmt::Write as _;

/// A transparent column type, by its SQL name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EncType {
    Text,
    Bytea,
    Jsonb,
    Int4,
    Int8,
    Numeric,
    Float8,
    Bool,
    Date,
    Timestamptz,
}

impl EncType {
    pub const ALL: [EncType; 10] = [
        EncType::Text,
        EncType::Bytea,
        EncType::Jsonb,
        EncType::Int4,
        EncType::Int8,
        EncType::Numeric,
        EncType::Float8,
        EncType::Bool,
        EncType::Date,
        EncType::Timestamptz,
    ];

    /// The type's name in schema colcrypt, which is also what its values' AAD names.
    pub fn name(self) -> &'static str {
        match self {
            EncType::Text => "encrypted_text",
            EncType::Bytea => "encrypted_bytea",
            EncType::Jsonb => "encrypted_jsonb",
            EncType::Int4 => "encrypted_int4",
            EncType::Int8 => "encrypted_int8",
            EncType::Numeric => "encrypted_numeric",
            EncType::Float8 => "encrypted_float8",
            EncType::Bool => "encrypted_bool",
            EncType::Date => "encrypted_date",
            EncType::Timestamptz => "encrypted_timestamptz",
        }
    }

    pub fn from_name(name: &str) -> Option<EncType> {
        EncType::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The plaintext type, as pg_dump spells it in CREATE TABLE.
    pub fn plain_type(self) -> &'static str {
        match self {
            EncType::Text => "text",
            EncType::Bytea => "bytea",
            EncType::Jsonb => "jsonb",
            EncType::Int4 => "integer",
            EncType::Int8 => "bigint",
            EncType::Numeric => "numeric",
            EncType::Float8 => "double precision",
            EncType::Bool => "boolean",
            EncType::Date => "date",
            EncType::Timestamptz => "timestamp with time zone",
        }
    }
}

/// The plaintext is not a form this type seals (a damaged or foreign value that still opened,
/// which authentication makes all but impossible; never shown).
#[derive(Debug, PartialEq, Eq)]
pub struct BadForm;

/// The text form of `plaintext`, a plaintext sealed for type `t`.
pub fn text_form(t: EncType, plaintext: &[u8]) -> Result<Vec<u8>, BadForm> {
    let mut s = String::new();
    match t {
        // jsonb's binary form (a jsonb container), printed as jsonb_out prints it.
        EncType::Jsonb if colcrypt_core::jsonb_binary::is_binary(plaintext) => {
            let container = colcrypt_core::jsonb_binary::container_of(plaintext).expect("the binary form");
            return colcrypt_core::jsonb_binary::to_text(container).map_err(|_| BadForm);
        }
        // Text forms already; PostgreSQL text never holds NUL.
        EncType::Text | EncType::Jsonb => {
            return if plaintext.contains(&0) { Err(BadForm) } else { Ok(plaintext.to_vec()) };
        }
        EncType::Bytea => {
            let mut out = Vec::with_capacity(2 + 2 * plaintext.len());
            out.extend_from_slice(b"\\x");
            out.extend_from_slice(hex::encode(plaintext).as_bytes());
            return Ok(out);
        }
        EncType::Int4 => write!(s, "{}", i32::from_be_bytes(fixed(plaintext)?)).expect("to a String"),
        EncType::Int8 => write!(s, "{}", i64::from_be_bytes(fixed(plaintext)?)).expect("to a String"),
        EncType::Bool => match plaintext {
            [0] => s.push('f'),
            [_] => s.push('t'),
            _ => return Err(BadForm),
        },
        EncType::Float8 => float8(f64::from_bits(u64::from_be_bytes(fixed(plaintext)?)), &mut s),
        EncType::Numeric => numeric(plaintext, &mut s)?,
        EncType::Date => date(i32::from_be_bytes(fixed(plaintext)?), &mut s),
        EncType::Timestamptz => timestamptz(i64::from_be_bytes(fixed(plaintext)?), &mut s),
    }
    Ok(s.into_bytes())
}

fn fixed<const N: usize>(b: &[u8]) -> Result<[u8; N], BadForm> {
    b.try_into().map_err(|_| BadForm)
}

/// float8out with extra_float_digits > 0 (the default): the shortest text that reads back as
/// the same double, fixed-point for decimal exponents -4 to 14, otherwise `1.5e-07` style
/// (PostgreSQL's src/common/d2s.c).
fn float8(v: f64, s: &mut String) {
    if v.is_nan() {
        s.push_str("NaN");
        return;
    }
    if v.is_infinite() {
        s.push_str(if v > 0.0 { "Infinity" } else { "-Infinity" });
        return;
    }
    if v.is_sign_negative() {
        s.push('-');
    }
    // Rust's `{:e}` is also the shortest round-trip form: split it into digits and exponent.
    let sci = format!("{:e}", v.abs());
    let (mantissa, exp) = sci.split_once('e').expect("{:e} has an exponent");
    let exp: i32 = exp.parse().expect("{:e} exponent is an integer");
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if (-4..15).contains(&exp) {
        if exp < 0 {
            s.push_str("0.");
            s.extend(std::iter::repeat_n('0', (-exp - 1) as usize));
            s.push_str(&digits);
        } else {
            let int_len = exp as usize + 1;
            if digits.len() <= int_len {
                s.push_str(&digits);
                s.extend(std::iter::repeat_n('0', int_len - digits.len()));
            } else {
                s.push_str(&digits[..int_len]);
                s.push('.');
                s.push_str(&digits[int_len..]);
            }
        }
    } else {
        s.push_str(&digits[..1]);
        if digits.len() > 1 {
            s.push('.');
            s.push_str(&digits[1..]);
        }
        let _ = write!(s, "e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.unsigned_abs());
    }
}

/// numeric_out of a numeric_send form: ndigits, weight, sign, dscale (16 bits each, big-endian),
/// then ndigits base-10000 digits.
fn numeric(b: &[u8], s: &mut String) -> Result<(), BadForm> {
    if b.len() < 8 {
        return Err(BadForm);
    }
    let word = |i: usize| u16::from_be_bytes([b[i], b[i + 1]]);
    let (ndigits, weight, sign, dscale) = (word(0) as usize, word(2) as i16 as i32, word(4), word(6) as usize);
    if b.len() != 8 + 2 * ndigits {
        return Err(BadForm);
    }
    let negative = match sign {
        0xC000 => {
            s.push_str("NaN");
            return Ok(());
        }
        0xD000 => {
            s.push_str("Infinity");
            return Ok(());
        }
        0xF000 => {
            s.push_str("-Infinity");
            return Ok(());
        }
        0x0000 => false,
        0x4000 => true,
        _ => return Err(BadForm),
    };
    let digits: Vec<u16> = (0..ndigits).map(|d| word(8 + 2 * d)).collect();
    colcrypt_core::pg_numeric::write_text(negative, weight, dscale, &digits, s).map_err(|_| BadForm)
}

/// Days from 2000-01-01 (PostgreSQL's epoch) to the Julian day number.
const POSTGRES_EPOCH_JDATE: i64 = 2_451_545;
const USECS_PER_DAY: i64 = 86_400_000_000;

/// PostgreSQL's j2date (src/backend/utils/adt/datetime.c), in its unsigned arithmetic.
fn j2date(jd: i64) -> (i64, u32, u32) {
    let mut julian = (jd + 32044) as u64;
    let mut quad = julian / 146_097;
    let extra = (julian - quad * 146_097) * 4 + 3;
    julian += 60 + quad * 3 + extra / 146_097;
    quad = julian / 1461;
    julian -= quad * 1461;
    let mut y = julian * 4 / 1461;
    julian = if y != 0 { (julian + 305) % 365 } else { (julian + 306) % 366 } + 123;
    y += quad * 4;
    let year = y as i64 - 4800;
    let q = julian * 2141 / 65536;
    let day = (julian - 7834 * q / 256) as u32;
    let month = ((q + 10) % 12 + 1) as u32;
    (year, month, day)
}

/// `YYYY-MM-DD`, years before 1 as `YYYY-MM-DD BC` (returned separately: a timestamp puts it last).
fn ymd(jd: i64, s: &mut String) -> bool {
    let (year, month, day) = j2date(jd);
    let bc = year <= 0;
    let y = if bc { 1 - year } else { year };
    let _ = write!(s, "{y:04}-{month:02}-{day:02}");
    bc
}

fn date(days: i32, s: &mut String) {
    match days {
        i32::MIN => s.push_str("-infinity"),
        i32::MAX => s.push_str("infinity"),
        _ => {
            if ymd(days as i64 + POSTGRES_EPOCH_JDATE, s) {
                s.push_str(" BC");
            }
        }
    }
}

/// timestamptz_out under DateStyle ISO and TimeZone UTC: fractional seconds without trailing
/// zeros, offset `+00`.
fn timestamptz(us: i64, s: &mut String) {
    match us {
        i64::MIN => s.push_str("-infinity"),
        i64::MAX => s.push_str("infinity"),
        _ => {
            let days = us.div_euclid(USECS_PER_DAY);
            let mut rest = us.rem_euclid(USECS_PER_DAY);
            let bc = ymd(days + POSTGRES_EPOCH_JDATE, s);
            let frac = rest % 1_000_000;
            rest /= 1_000_000;
            let _ = write!(s, " {:02}:{:02}:{:02}", rest / 3600, rest / 60 % 60, rest % 60);
            if frac != 0 {
                let f = format!("{frac:06}");
                s.push('.');
                s.push_str(f.trim_end_matches('0'));
            }
            s.push_str("+00");
            if bc {
                s.push_str(" BC");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(ty: EncType, b: &[u8]) -> String {
        String::from_utf8(text_form(ty, b).unwrap()).unwrap()
    }

    #[test]
    fn integers_and_bools() {
        assert_eq!(t(EncType::Int4, &i32::MIN.to_be_bytes()), "-2147483648");
        assert_eq!(t(EncType::Int8, &i64::MAX.to_be_bytes()), "9223372036854775807");
        assert_eq!(t(EncType::Bool, &[1]), "t");
        assert_eq!(t(EncType::Bool, &[0]), "f");
        assert_eq!(text_form(EncType::Int4, &[0; 3]), Err(BadForm));
        assert_eq!(text_form(EncType::Bool, &[]), Err(BadForm));
    }

    #[test]
    fn floats_print_as_float8out_does() {
        let f = |v: f64| t(EncType::Float8, &v.to_bits().to_be_bytes());
        for (v, want) in [
            (1.5e-7, "1.5e-07"),
            (1e20, "1e+20"),
            (1e15, "1e+15"),
            (123456789012345.0, "123456789012345"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.0, "1"),
            (-0.0, "-0"),
            (0.0, "0"),
            (2.71, "2.71"),
            (-2.5e300, "-2.5e+300"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
            (5e-324, "5e-324"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
            (f64::NAN, "NaN"),
            (100.25, "100.25"),
        ] {
            assert_eq!(f(v), want, "{v:e}");
        }
    }

    fn num(ndigits: u16, weight: i16, sign: u16, dscale: u16, digits: &[u16]) -> Vec<u8> {
        let mut b = Vec::new();
        for w in [ndigits, weight as u16, sign, dscale].iter().chain(digits) {
            b.extend_from_slice(&w.to_be_bytes());
        }
        b
    }

    #[test]
    fn numerics_print_as_numeric_out_does() {
        assert_eq!(t(EncType::Numeric, &num(2, 0, 0, 4, &[123, 4500])), "123.4500");
        assert_eq!(t(EncType::Numeric, &num(1, -2, 0x4000, 8, &[1234])), "-0.00001234");
        assert_eq!(t(EncType::Numeric, &num(0, 0, 0, 0, &[])), "0");
        assert_eq!(t(EncType::Numeric, &num(0, 0, 0, 2, &[])), "0.00");
        assert_eq!(t(EncType::Numeric, &num(1, 2, 0, 0, &[5])), "500000000");
        assert_eq!(t(EncType::Numeric, &num(2, 1, 0, 0, &[1, 2])), "10002");
        assert_eq!(t(EncType::Numeric, &num(0, 0, 0xC000, 0, &[])), "NaN");
        assert_eq!(t(EncType::Numeric, &num(0, 0, 0xD000, 0, &[])), "Infinity");
        assert_eq!(t(EncType::Numeric, &num(0, 0, 0xF000, 0, &[])), "-Infinity");
        assert_eq!(text_form(EncType::Numeric, &num(1, 0, 0, 0, &[10_000])), Err(BadForm));
        assert_eq!(text_form(EncType::Numeric, &num(2, 0, 0, 0, &[1])), Err(BadForm));
    }

    #[test]
    fn dates_and_timestamps_print_in_iso_utc() {
        let d = |v: i32| t(EncType::Date, &v.to_be_bytes());
        assert_eq!(d(0), "2000-01-01");
        assert_eq!(d(8825), "2024-02-29");
        assert_eq!(d(-730_119), "0001-01-01");
        assert_eq!(d(-730_120), "0001-12-31 BC");
        assert_eq!(d(-2_451_545), "4714-11-24 BC");
        assert_eq!(d(i32::MAX), "infinity");
        assert_eq!(d(i32::MIN), "-infinity");
        let ts = |v: i64| t(EncType::Timestamptz, &v.to_be_bytes());
        assert_eq!(ts(0), "2000-01-01 00:00:00+00");
        assert_eq!(ts(-1), "1999-12-31 23:59:59.999999+00");
        assert_eq!(ts(1_500_000), "2000-01-01 00:00:01.5+00");
        assert_eq!(ts(-730_120 * USECS_PER_DAY), "0001-12-31 00:00:00+00 BC");
        assert_eq!(ts(i64::MAX), "infinity");
        assert_eq!(ts(i64::MIN), "-infinity");
    }

    #[test]
    fn text_is_verbatim_and_bytea_is_hex() {
        assert_eq!(t(EncType::Text, "Zürich\t\\".as_bytes()), "Zürich\t\\");
        assert_eq!(text_form(EncType::Text, b"a\0b"), Err(BadForm));
        assert_eq!(t(EncType::Bytea, &[0, 0xff]), "\\x00ff");
        assert_eq!(t(EncType::Bytea, &[]), "\\x");
    }
}
