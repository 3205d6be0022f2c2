//! The canonical equality forms behind the blind index (docs/FORMAT.md, "Blind index"): two
//! send-form plaintexts have byte-equal forms iff PostgreSQL's `=` on the plaintext type says the
//! values are equal; already canonical values are left as they are; damaged send forms are errors.
//! Pure Rust: numeric send forms are built here from decimal strings, the way numeric_in and
//! numeric_send build them.

use std::borrow::Cow;

use colcrypt_core::canonical::{equality_form, float8_equality_form, numeric_equality_form, CANONICAL_FLOAT8_NAN};
use colcrypt_core::Error;
use proptest::prelude::*;

const NUMERIC: &str = "encrypted_numeric";
const FLOAT8: &str = "encrypted_float8";

// ---------------------------------------------------------------------------------------------
// numeric send forms from decimal strings

const POS: u16 = 0x0000;
const NEG: u16 = 0x4000;
const NAN: u16 = 0xC000;
const PINF: u16 = 0xD000;
const NINF: u16 = 0xF000;

/// `be16 ndigits ‖ be16 weight ‖ be16 sign ‖ be16 dscale ‖ digits`, exactly as given.
fn raw(weight: i16, sign: u16, dscale: u16, digits: &[u16]) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend_from_slice(&(digits.len() as u16).to_be_bytes());
    v.extend_from_slice(&weight.to_be_bytes());
    v.extend_from_slice(&sign.to_be_bytes());
    v.extend_from_slice(&dscale.to_be_bytes());
    for d in digits {
        v.extend_from_slice(&d.to_be_bytes());
    }
    v
}

/// A decimal literal split into sign, base-10000 digits (not stripped), weight and the dscale it
/// is written with (its number of fractional digits).
struct Parsed {
    negative: bool,
    weight: i16,
    dscale: u16,
    digits: Vec<u16>,
}

fn parse(s: &str) -> Parsed {
    let (negative, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    assert!(int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()), "{s}");
    let int = if int.is_empty() { "0" } else { int };
    let int_groups = int.len().div_ceil(4);
    let frac_groups = frac.len().div_ceil(4);
    let padded = format!("{:0>w$}{:0<f$}", int, frac, w = int_groups * 4, f = frac_groups * 4);
    let digits = padded.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).unwrap().parse().unwrap()).collect();
    Parsed { negative, weight: int_groups as i16 - 1, dscale: frac.len() as u16, digits }
}

/// numeric_send of the value of a decimal literal as numeric_in stores it: the literal's own
/// dscale, no leading or trailing zero digits, zero as ndigits 0 / weight 0 / positive.
/// "NaN", "Infinity" and "-Infinity" are the special values.
fn send(s: &str) -> Vec<u8> {
    match s {
        "NaN" => return raw(0, NAN, 0, &[]),
        "Infinity" => return raw(0, PINF, 0, &[]),
        "-Infinity" => return raw(0, NINF, 0, &[]),
        _ => {}
    }
    let p = parse(s);
    let Some(first) = p.digits.iter().position(|&d| d != 0) else { return raw(0, POS, p.dscale, &[]) };
    let last = p.digits.iter().rposition(|&d| d != 0).unwrap();
    raw(p.weight - first as i16, if p.negative { NEG } else { POS }, p.dscale, &p.digits[first..=last])
}

/// A non-canonical send form of the same value: `lead` extra zero digits in front, `trail` after,
/// `extra_scale` more decimal places of display scale, and (for zero) possibly a negative sign.
fn padded(s: &str, lead: usize, trail: usize, extra_scale: u16, negative_zero: bool) -> Vec<u8> {
    let p = parse(s);
    let is_zero = p.digits.iter().all(|&d| d == 0);
    let mut digits = vec![0u16; lead];
    digits.extend_from_slice(&p.digits);
    digits.extend(std::iter::repeat_n(0, trail));
    let sign = if p.negative || (is_zero && negative_zero) { NEG } else { POS };
    raw(p.weight + lead as i16, sign, p.dscale + extra_scale, &digits)
}

/// The value of a decimal literal, normalised: no leading zeros before the point, no trailing zeros
/// after it, no point without fraction, no sign on zero. Equal strings iff equal numbers.
fn normalised(s: &str) -> String {
    let (negative, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let mut out = String::new();
    if negative && (int != "0" || !frac.is_empty()) {
        out.push('-');
    }
    out.push_str(int);
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// Decimal text of a numeric send form printed with its own dscale (as numeric_out prints it).
fn decode(b: &[u8]) -> String {
    let w = |i: usize| u16::from_be_bytes([b[i], b[i + 1]]);
    let (n, weight, sign, dscale) = (w(0) as usize, w(2) as i16 as i32, w(4), w(6) as usize);
    match sign {
        NAN => return "NaN".into(),
        PINF => return "Infinity".into(),
        NINF => return "-Infinity".into(),
        _ => {}
    }
    let digit_at = |pos: i32| -> u16 {
        // base-10000 digit of weight `pos`
        let i = weight - pos;
        if i >= 0 && (i as usize) < n {
            w(8 + 2 * i as usize)
        } else {
            0
        }
    };
    let mut int = String::new();
    for pos in (0..=weight.max(0)).rev() {
        int.push_str(&format!("{:04}", digit_at(pos)));
    }
    let int = int.trim_start_matches('0');
    let mut frac = String::new();
    let mut pos = -1;
    while frac.len() < dscale {
        frac.push_str(&format!("{:04}", digit_at(pos)));
        pos -= 1;
    }
    frac.truncate(dscale);
    let mut out = String::new();
    if sign == NEG {
        out.push('-');
    }
    out.push_str(if int.is_empty() { "0" } else { int });
    if dscale > 0 {
        out.push('.');
        out.push_str(&frac);
    }
    out
}

fn canon(b: &[u8]) -> Vec<u8> {
    numeric_equality_form(b).unwrap().into_owned()
}

#[allow(clippy::ptr_arg)] // the point is to look at the Cow variant
fn is_borrowed(c: &Cow<'_, [u8]>) -> bool {
    matches!(c, Cow::Borrowed(_))
}

// ---------------------------------------------------------------------------------------------
// numeric: readable cases

#[test]
fn helper_matches_numeric_send() {
    // numeric_send(1.50): ndigits 2, weight 0, sign +, dscale 2, digits 1, 5000
    assert_eq!(hex::encode(send("1.50")), "000200000000000200011388");
    // numeric_send(-0.001): ndigits 1, weight -1, sign -, dscale 3, digit 10
    assert_eq!(hex::encode(send("-0.001")), "0001ffff40000003000a");
    // numeric_send(10000): one digit 1 of weight 1
    assert_eq!(hex::encode(send("10000")), "00010001000000000001");
    assert_eq!(hex::encode(send("0.00")), "0000000000000002");
    assert_eq!(hex::encode(send("NaN")), "00000000c0000000");
}

#[test]
fn pinned_canonical_forms() {
    // Values an independent implementation must reproduce byte for byte (docs/FORMAT.md).
    for (input, canonical) in [
        ("1.50", "000200000000000100011388"),
        ("1.5", "000200000000000100011388"),
        ("-0.00100", "0001ffff40000003000a"),
        ("12345678.9", "000300010000000104d2162e2328"),
        ("100.000", "00010000000000000064"),
        ("0.000", "0000000000000000"),
        ("-0", "0000000000000000"),
        ("NaN", "00000000c0000000"),
        ("Infinity", "00000000d0000000"),
        ("-Infinity", "00000000f0000000"),
    ] {
        assert_eq!(hex::encode(canon(&send(input))), canonical, "{input}");
    }
}

#[test]
fn same_value_different_scale_is_equal() {
    for (a, b) in [
        ("1.0", "1.00"),
        ("1", "1.0000000"),
        ("1.5", "1.50"),
        ("-2.25", "-2.250000"),
        ("0", "0.0"),
        ("0", "-0.000"),
        ("10000", "10000.0000"),
        ("0.0001", "0.000100000"),
        ("123456789.123456789", "0123456789.1234567890000"),
    ] {
        assert_eq!(canon(&send(a)), canon(&send(b)), "{a} vs {b}");
        assert_eq!(equality_form(NUMERIC, &send(a)).unwrap(), equality_form(NUMERIC, &send(b)).unwrap());
    }
}

#[test]
fn different_values_never_collide() {
    let values = [
        "1.5", "1.05", "15", "0.15", "150", "1.005", "1", "-1", "0", "0.0001", "-0.0001", "10000", "1000",
        "9999.9999", "0.00000001", "NaN", "Infinity", "-Infinity", "100000000", "1.00000001",
    ];
    for (i, a) in values.iter().enumerate() {
        for b in &values[i + 1..] {
            assert_ne!(canon(&send(a)), canon(&send(b)), "{a} vs {b}");
        }
    }
}

#[test]
fn natural_scale_values_are_already_canonical() {
    // Indexes of values written before canonicalisation stay valid when written with their
    // minimal scale: the form borrows the input unchanged.
    for s in ["1.5", "-1.05", "15", "0", "10000", "0.0001", "123456789.987654321", "NaN", "Infinity", "-Infinity"] {
        let b = send(s);
        let c = numeric_equality_form(&b).unwrap();
        assert!(is_borrowed(&c), "{s}");
        assert_eq!(&*c, &b[..]);
    }
    // Non-minimal scales are not.
    for s in ["1.50", "0.0", "100.00"] {
        let b = send(s);
        let c = numeric_equality_form(&b).unwrap();
        assert!(!is_borrowed(&c), "{s}");
        assert_ne!(&*c, &b[..]);
    }
}

#[test]
fn specials_with_stray_fields_are_canonical_specials() {
    // numeric_recv accepts specials with digits, weight and dscale and ignores them.
    assert_eq!(canon(&raw(3, NAN, 7, &[1, 2])), send("NaN"));
    assert_eq!(canon(&raw(-1, PINF, 0, &[])), send("Infinity"));
    assert_eq!(canon(&raw(0, NINF, 2, &[0])), send("-Infinity"));
}

#[test]
fn damaged_numeric_send_forms_are_rejected() {
    let one = send("1.5");
    let mut cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", vec![]),
        ("short header", vec![0, 0, 0, 0, 0, 0, 0]),
        ("missing digit", one[..one.len() - 2].to_vec()),
        ("odd trailing byte", [&one[..], &[0u8][..]].concat()),
        ("extra digit", [&one[..], &[0u8, 1][..]].concat()),
        ("digit 10000", raw(0, POS, 0, &[10000])),
        ("digit 0xffff", raw(0, POS, 0, &[0xffff])),
        ("sign 0x8000", raw(0, 0x8000, 0, &[1])),
        ("sign 0x1000", raw(0, 0x1000, 0, &[1])),
        ("sign 0xe000", raw(0, 0xe000, 0, &[])),
        ("dscale 0x4000", raw(0, POS, 0x4000, &[1])),
        ("dscale hides digits", raw(0, POS, 0, &[1, 5000])),
        ("dscale hides a digit", raw(-1, POS, 3, &[1])),
        ("weight underflow, hiding digits", raw(i16::MIN, POS, 0x3FFF, &[0, 1])),
        ("NaN with digit 10000", raw(0, NAN, 0, &[10000])),
    ];
    // ndigits says more than there is
    let mut lying = one.clone();
    lying[1] = 3;
    cases.push(("ndigits too large", lying));
    for (what, bytes) in cases {
        assert_eq!(numeric_equality_form(&bytes).unwrap_err(), Error::CannotDecrypt, "{what}");
        assert_eq!(equality_form(NUMERIC, &bytes).unwrap_err(), Error::CannotDecrypt, "{what}");
    }
    // The largest display scale is fine, and a dscale exactly covering the digits is fine.
    assert!(numeric_equality_form(&raw(0, POS, 0x3FFF, &[1])).is_ok());
    assert_eq!(hex::encode(canon(&raw(-1, POS, 4, &[1]))), "0001ffff000000040001");
}

// ---------------------------------------------------------------------------------------------
// other types

#[test]
fn other_types_are_borrowed_unchanged() {
    // (Not 0x00 0x01 first: for encrypted_jsonb that is the binary form, tests/jsonb_binary.rs.)
    let bytes = b"\x00\x02\x03 not a numeric";
    for t in [
        "encrypted_text", "encrypted_bytea", "encrypted_jsonb", "encrypted_int4", "encrypted_int8",
        "encrypted_bool", "encrypted_date", "encrypted_timestamptz", "numeric", "float8", "",
    ] {
        let c = equality_form(t, bytes).unwrap();
        assert!(is_borrowed(&c), "{t}");
        assert_eq!(&*c, &bytes[..]);
    }
    // Negative zero in an int8 is no special case (int8 has none): bytes pass through.
    let neg_zero = (-0.0f64).to_be_bytes();
    assert_eq!(&*equality_form("encrypted_int8", &neg_zero).unwrap(), &neg_zero[..]);
}

// ---------------------------------------------------------------------------------------------
// float8: readable cases

fn f8(bits: u64) -> Vec<u8> {
    float8_equality_form(&bits.to_be_bytes()).unwrap().into_owned()
}

#[test]
fn float8_zero_and_nan() {
    assert_eq!(f8((-0.0f64).to_bits()), f8(0.0f64.to_bits()));
    assert_eq!(f8((-0.0f64).to_bits()), 0u64.to_be_bytes());
    for nan in [CANONICAL_FLOAT8_NAN, 0x7ff0_0000_0000_0001, 0xfff8_0000_0000_0000, 0x7fff_ffff_ffff_ffff, 0xffff_ffff_ffff_ffff, f64::NAN.to_bits(), (-f64::NAN).to_bits()] {
        assert_eq!(f8(nan), CANONICAL_FLOAT8_NAN.to_be_bytes(), "{nan:#x}");
        assert_eq!(equality_form(FLOAT8, &nan.to_be_bytes()).unwrap().as_ref(), CANONICAL_FLOAT8_NAN.to_be_bytes());
    }
    let inf = f8(f64::INFINITY.to_bits());
    let ninf = f8(f64::NEG_INFINITY.to_bits());
    assert_eq!(inf, f64::INFINITY.to_bits().to_be_bytes());
    assert_ne!(inf, ninf);
    assert_ne!(inf, f8(f64::NAN.to_bits()));
    assert_ne!(ninf, f8(f64::NAN.to_bits()));
    assert_ne!(f8(0), f8(f64::NAN.to_bits()));
    assert_ne!(f8(1.0f64.to_bits()), f8((-1.0f64).to_bits()));
    // Smallest subnormals are not zero.
    assert_ne!(f8(1), f8(0));
    assert_ne!(f8(0x8000_0000_0000_0001), f8(0));
}

#[test]
fn float8_ordinary_values_are_borrowed() {
    for v in [1.0f64, -1.0, 0.0, 1e300, -5e-324, f64::INFINITY, f64::NEG_INFINITY, f64::MAX] {
        let b = v.to_be_bytes();
        assert!(is_borrowed(&float8_equality_form(&b).unwrap()), "{v}");
    }
    let c = CANONICAL_FLOAT8_NAN.to_be_bytes();
    assert!(is_borrowed(&float8_equality_form(&c).unwrap()));
    assert!(!is_borrowed(&float8_equality_form(&(-0.0f64).to_be_bytes()).unwrap()));
}

#[test]
fn float8_wrong_lengths_are_rejected() {
    for len in [0usize, 1, 4, 7, 9, 16] {
        let bytes = vec![0u8; len];
        assert_eq!(float8_equality_form(&bytes).unwrap_err(), Error::CannotDecrypt, "{len}");
        assert_eq!(equality_form(FLOAT8, &bytes).unwrap_err(), Error::CannotDecrypt, "{len}");
    }
}

// ---------------------------------------------------------------------------------------------
// properties

/// Decimal literals: optional sign, integer and fraction parts with many zeros so that values
/// often coincide in value while differing in spelling.
fn decimal() -> impl Strategy<Value = String> {
    (any::<bool>(), "[0015]{0,9}", proptest::option::of("[0059]{0,10}")).prop_map(|(neg, int, frac)| {
        let mut s = String::new();
        if neg {
            s.push('-');
        }
        s.push_str(&int);
        if let Some(f) = frac {
            s.push('.');
            s.push_str(&f);
        }
        s
    })
}

/// Any well-formed numeric send form: finite values in any spelling, or a special.
fn any_numeric_send() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        8 => (decimal(), 0usize..4, 0usize..4, 0u16..12, any::<bool>())
            .prop_map(|(s, lead, trail, extra, nz)| padded(&s, lead, trail, extra, nz)),
        1 => prop_oneof![Just(NAN), Just(PINF), Just(NINF)].prop_map(|sign| raw(0, sign, 0, &[])),
    ]
}

/// float8 bit patterns with zeros, infinities and NaNs of every payload well represented.
fn any_float8_bits() -> impl Strategy<Value = u64> {
    prop_oneof![
        4 => any::<u64>(),
        1 => Just(0u64),
        1 => Just(0x8000_0000_0000_0000u64),
        1 => Just(f64::INFINITY.to_bits()),
        1 => Just(f64::NEG_INFINITY.to_bits()),
        1 => Just(1.0f64.to_bits()),
        3 => (any::<bool>(), 1u64..(1 << 52)).prop_map(|(neg, payload)| ((neg as u64) << 63) | 0x7ff0_0000_0000_0000 | payload),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Extra scale, extra zero digits and a negative zero never change the form.
    #[test]
    fn numeric_spellings_of_one_value_are_equal(
        s in decimal(), lead in 0usize..5, trail in 0usize..5, extra in 0u16..40, nz in any::<bool>(),
    ) {
        let plain = canon(&send(&s));
        prop_assert_eq!(canon(&padded(&s, lead, trail, extra, nz)), plain.clone());
        prop_assert_eq!(canon(&padded(&s, 0, 0, 0, false)), plain);
    }

    /// Forms are equal iff the numbers are equal, and the form reads back as the number written
    /// with its minimal scale.
    #[test]
    fn numeric_forms_equal_iff_values_equal(a in decimal(), b in decimal()) {
        let (ca, cb) = (canon(&send(&a)), canon(&send(&b)));
        prop_assert_eq!(decode(&ca), normalised(&a));
        prop_assert_eq!(decode(&cb), normalised(&b));
        prop_assert_eq!(ca == cb, normalised(&a) == normalised(&b), "{} vs {}", a, b);
    }

    #[test]
    fn numeric_form_is_idempotent(b in any_numeric_send()) {
        let c = canon(&b);
        let again = numeric_equality_form(&c).unwrap();
        prop_assert!(is_borrowed(&again));
        prop_assert_eq!(&*again, &c[..]);
    }

    /// Specials equal only themselves, never a finite value.
    #[test]
    fn numeric_specials_never_equal_finite_values(s in decimal(), sign in prop_oneof![Just(NAN), Just(PINF), Just(NINF)]) {
        prop_assert_ne!(canon(&send(&s)), canon(&raw(0, sign, 0, &[])));
    }

    /// Arbitrary bytes: an error or a canonical form, never a panic.
    #[test]
    fn numeric_arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
        if let Ok(c) = numeric_equality_form(&bytes) {
            let c = c.into_owned();
            prop_assert_eq!(canon(&c), c);
        }
    }

    /// Arbitrary headers over a few digits (so that the length is often right).
    #[test]
    fn numeric_arbitrary_fields_never_panic(
        weight in any::<i16>(), sign in any::<u16>(), dscale in any::<u16>(),
        digits in proptest::collection::vec(prop_oneof![0u16..3, 9998u16..10001, any::<u16>()], 0..6),
    ) {
        let b = raw(weight, sign, dscale, &digits);
        match numeric_equality_form(&b) {
            Ok(c) => {
                let c = c.into_owned();
                prop_assert_eq!(canon(&c), c);
            }
            Err(e) => prop_assert_eq!(e, Error::CannotDecrypt),
        }
    }

    /// PostgreSQL's float8 `=`: IEEE equality, except that every NaN equals every NaN.
    #[test]
    fn float8_forms_equal_iff_postgres_equal(a in any_float8_bits(), b in any_float8_bits()) {
        let (fa, fb) = (f64::from_bits(a), f64::from_bits(b));
        let pg_equal = fa == fb || (fa.is_nan() && fb.is_nan());
        prop_assert_eq!(f8(a) == f8(b), pg_equal, "{:#x} vs {:#x}", a, b);
    }

    #[test]
    fn float8_form_is_idempotent_and_keeps_the_value(a in any_float8_bits()) {
        let c = f8(a);
        let again = float8_equality_form(&c).unwrap();
        prop_assert!(is_borrowed(&again));
        prop_assert_eq!(&*again, &c[..]);
        let v = f64::from_be_bytes(c.try_into().unwrap());
        let orig = f64::from_bits(a);
        prop_assert!(v == orig || (v.is_nan() && orig.is_nan()));
    }
}

mod jsonb {
    use colcrypt_core::canonical::{equality_form, jsonb_equality_form, JSONB_TYPE};

    fn form(s: &str) -> Vec<u8> {
        jsonb_equality_form(s.as_bytes()).into_owned()
    }

    #[test]
    fn numbers_equal_by_value_have_one_form() {
        assert_eq!(form(r#"{"a": 1}"#), form(r#"{"a": 1.0}"#));
        assert_eq!(form(r#"{"a": 1}"#), form(r#"{"a": 1.00}"#));
        assert_eq!(form(r#"[0, 2.50]"#), form(r#"[-0.000, 2.5]"#));
        assert_eq!(form(r#"{"a": [1.10, {"b": -3.0}]}"#), form(r#"{"a": [1.1, {"b": -3}]}"#));
        assert_eq!(equality_form(JSONB_TYPE, br#"{"a": 1.0}"#).unwrap().as_ref(), br#"{"a": 1}"#);
    }

    #[test]
    fn different_values_and_strings_stay_apart() {
        assert_ne!(form(r#"{"a": 1.5}"#), form(r#"{"a": 15}"#));
        assert_ne!(form(r#"{"a": 10}"#), form(r#"{"a": 1}"#));
        assert_ne!(form(r#"{"a": 100}"#), form(r#"{"a": 1}"#));
        assert_ne!(form(r#"{"a": 1}"#), form(r#"{"a": -1}"#));
        assert_ne!(form(r#"{"a": "1.0"}"#), form(r#"{"a": "1"}"#));
        // Numbers inside strings, escaped quotes included, are text.
        assert_eq!(form(r#"{"k\"1.0": "x 2.00"}"#), br#"{"k\"1.0": "x 2.00"}"#.to_vec());
    }

    #[test]
    fn canonical_text_is_borrowed_and_idempotent() {
        let t = br#"{"a": [1, 2.5, true, null, "0.10"]}"#;
        assert!(matches!(jsonb_equality_form(t), std::borrow::Cow::Borrowed(_)));
        let once = form(r#"{"a": 1.50, "b": [0.0]}"#);
        assert_eq!(jsonb_equality_form(&once).into_owned(), once);
    }
}
