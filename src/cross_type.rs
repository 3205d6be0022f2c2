//! Equality between an encrypted column and a value of a plaintext type, as drivers send
//! parameters: `ssn = $1` with `$1` bound as text or varchar, `age = $1` with `$1` an int8. The
//! SQL (operators `=` and `<>` in pg_catalog, so they resolve under any search_path, and their
//! places in each type's btree and hash operator families) is generated into sql/types.sql by
//! sql/generate_types.py from the same list of pairs as the invocations at the end of this file.
//!
//! The plaintext side is turned into the value the encrypted type would seal (an int8 into an
//! int4, an integer into a numeric) and its blind index computed: the same canonical equality
//! form and key as a stored index, so `enc = plain` holds exactly when the plaintext type's own
//! `=` would. A value outside the encrypted type's range (an int8 above 2^31 against an
//! encrypted_int4) equals nothing and sorts above every blind index, a consistent place in the
//! btree order.
//!
//! Access is the policy of the same-type operators (SECURITY.md): the encrypted side goes through
//! `types::index_of`, which returns a searchable value's stored index and decrypts any other
//! value, with the key-use and plaintext checks. The plaintext side is the caller's own value:
//! its blind index needs no right beyond the statement itself, and is never returned.
//!
//! These are read paths: they work in read-only transactions and on standbys. `__blind_index` is
//! looked up, never created; if it does not exist no value can be searchable yet, and the
//! operators raise colcrypt's "key does not exist yet" error (42704).

use std::cmp::Ordering;

use colcrypt_core::BLIND_INDEX_LEN;
use pgrx::fcinfo::direct_function_call_as_datum;
use pgrx::pg_sys;
use pgrx::prelude::*;
use pgrx::Internal;

use crate::error::{ColcryptError, OrRaise, Result};
use crate::keyring;
use crate::log_redaction::note_plaintext;
use crate::types::{self, stored, TypeSpec};

/// How a parameter of the plaintext type becomes a datum of the type the column seals (`None`:
/// out of range, equal to no value of that type).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Conv {
    Same,
    Int2ToInt4,
    Int8ToInt4,
    Int2ToInt8,
    Int4ToInt8,
    Int2ToNumeric,
    Int4ToNumeric,
    Int8ToNumeric,
    /// float4 widens exactly to float8, as PostgreSQL's float48eq compares.
    Float4ToFloat8,
    /// A numeric equals an integer only when it is one (`5.0` does, `5.5` and NaN do not), as
    /// PostgreSQL's `int4 = numeric` compares after widening the integer (pgJDBC's
    /// `setBigDecimal`).
    NumericToInt4,
    NumericToInt8,
    /// The numeric PostgreSQL's own cast gives (`$1::numeric`: the float's 15 significant
    /// digits, so `0.1` is 0.1): a plaintext `numeric = float8` instead rounds the column to a
    /// float, which a blind index cannot do; the two differ only for numerics with more digits
    /// than a float holds (README).
    Float8ToNumeric,
    /// A timestamp equals a date when it is that date's midnight in the session's TimeZone, as
    /// PostgreSQL's `date = timestamptz` compares (a `timestamp` parameter reaches this through
    /// its implicit cast to timestamptz, which gives the same answer).
    TimestamptzToDate,
    /// A float equals an integer only when it is one within the type's range (`48.0` does, `48.5`,
    /// NaN and ±Infinity do not), as pgJDBC's `setDouble` and a Python float bind. PostgreSQL's
    /// `int8 = float8` instead rounds the integer to a float, so the two differ for integers
    /// past 2^53 (README).
    Float8ToInt4,
    Float8ToInt8,
}

/// The integer a numeric's text holds (`-12`, `12.000`), or `None` for any other numeric (a
/// fraction, NaN, ±Infinity, or one past 64 bits). numeric_out never writes an exponent.
fn integral(text: &str) -> Option<i64> {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    if !frac.bytes().all(|b| b == b'0') || !int.bytes().enumerate().all(|(i, b)| b.is_ascii_digit() || (i == 0 && b == b'-')) {
        return None;
    }
    int.parse().ok()
}

/// The integer a numeric datum is exactly, through its text (numeric_int8 would round `5.5`).
fn numeric_integral(d: pg_sys::Datum) -> Option<i64> {
    // SAFETY: `d` is a numeric datum (numeric_out detoasts it); the text is palloc'd.
    let text = unsafe {
        let out = direct_function_call_as_datum(pg_sys::numeric_out, &[Some(d)]).expect("numeric_out returns text");
        std::ffi::CStr::from_ptr(out.cast_mut_ptr::<std::ffi::c_char>())
    };
    integral(text.to_str().ok()?)
}

/// The date a timestamptz is the midnight of, in the session's TimeZone.
fn midnight_date(d: pg_sys::Datum) -> Option<pg_sys::Datum> {
    // SAFETY: `d` is a timestamptz; timestamptz_date raises nothing for one (every timestamptz
    // falls within date's range); date2timestamptz_opt_overflow reports overflow instead.
    unsafe {
        let date = direct_function_call_as_datum(pg_sys::timestamptz_date, &[Some(d)])?;
        let mut overflow: std::ffi::c_int = 0;
        let back = pg_sys::date2timestamptz_opt_overflow(date.value() as pg_sys::DateADT, &mut overflow);
        (overflow == 0 && back == d.value() as pg_sys::TimestampTz).then_some(date)
    }
}

/// The integer a float8 datum is exactly (`-0` is 0), or `None` for a fraction, NaN, ±Infinity,
/// or a float outside int8's range. Every float in that range with no fraction is an integer
/// the cast gives exactly.
fn float_integral(d: pg_sys::Datum) -> Option<i64> {
    let f = f64::from_bits(d.value() as u64);
    // -2^63 is a float; 2^63 is the first one past int8's range.
    (f.is_finite() && f.fract() == 0.0 && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f)).then_some(f as i64)
}

fn convert(conv: Conv, d: pg_sys::Datum) -> Option<pg_sys::Datum> {
    // Pass-by-value integers and floats sit in the low bits of the datum.
    let int2 = || d.value() as i16;
    let int4 = || d.value() as i32;
    let int8 = || d.value() as i64;
    // int8_numeric (through pgrx); the result is palloc'd in the current memory context.
    let numeric = |v: i64| pgrx::AnyNumeric::from(v).into_datum().expect("a numeric is never NULL");
    Some(match conv {
        Conv::Same => d,
        Conv::Int2ToInt4 => pg_sys::Datum::from(i32::from(int2())),
        Conv::Int8ToInt4 => pg_sys::Datum::from(i32::try_from(int8()).ok()?),
        Conv::Int2ToInt8 => pg_sys::Datum::from(i64::from(int2())),
        Conv::Int4ToInt8 => pg_sys::Datum::from(i64::from(int4())),
        Conv::Int2ToNumeric => numeric(i64::from(int2())),
        Conv::Int4ToNumeric => numeric(i64::from(int4())),
        Conv::Int8ToNumeric => numeric(int8()),
        Conv::Float4ToFloat8 => {
            let f = f32::from_bits(d.value() as u32);
            pg_sys::Datum::from(f64::from(f).to_bits() as usize)
        }
        Conv::NumericToInt4 => pg_sys::Datum::from(i32::try_from(numeric_integral(d)?).ok()?),
        Conv::NumericToInt8 => pg_sys::Datum::from(numeric_integral(d)?),
        // SAFETY: `d` is a float8; float8_numeric takes every float, NaN and infinities included.
        Conv::Float8ToNumeric => unsafe { direct_function_call_as_datum(pg_sys::float8_numeric, &[Some(d)])? },
        Conv::TimestamptzToDate => midnight_date(d)?,
        Conv::Float8ToInt4 => pg_sys::Datum::from(i32::try_from(float_integral(d)?).ok()?),
        Conv::Float8ToInt8 => pg_sys::Datum::from(float_integral(d)?),
    })
}

/// A value of type `from`, compared with an encrypted column whose plaintext type is `to` by
/// one of these operators, as the datum the column would seal: `None` when no operator here
/// converts between the two, `Some(None)` when the value is out of `to`'s range (it equals no
/// value of the column). For src/distribution_lookups.rs, which routes such lookups on Citus.
pub(crate) fn converted(from: pg_sys::Oid, to: pg_sys::Oid, d: pg_sys::Datum) -> Option<Option<pg_sys::Datum>> {
    Some(convert(conversion(from, to)?, d))
}

/// Whether one of these operators converts a value of type `from` for a column of plaintext
/// type `to` (asked before there is a value: a conversion reads its datum, a numeric's through
/// a pointer).
pub(crate) fn converts(from: pg_sys::Oid, to: pg_sys::Oid) -> bool {
    conversion(from, to).is_some()
}

fn conversion(from: pg_sys::Oid, to: pg_sys::Oid) -> Option<Conv> {
    use pg_sys::BuiltinOid as B;
    const PAIRS: [(B, B, Conv); 14] = [
        (B::INT2OID, B::INT4OID, Conv::Int2ToInt4),
        (B::INT8OID, B::INT4OID, Conv::Int8ToInt4),
        (B::INT2OID, B::INT8OID, Conv::Int2ToInt8),
        (B::INT4OID, B::INT8OID, Conv::Int4ToInt8),
        (B::INT2OID, B::NUMERICOID, Conv::Int2ToNumeric),
        (B::INT4OID, B::NUMERICOID, Conv::Int4ToNumeric),
        (B::INT8OID, B::NUMERICOID, Conv::Int8ToNumeric),
        (B::FLOAT4OID, B::FLOAT8OID, Conv::Float4ToFloat8),
        (B::NUMERICOID, B::INT4OID, Conv::NumericToInt4),
        (B::NUMERICOID, B::INT8OID, Conv::NumericToInt8),
        (B::FLOAT8OID, B::NUMERICOID, Conv::Float8ToNumeric),
        (B::TIMESTAMPTZOID, B::DATEOID, Conv::TimestamptzToDate),
        (B::FLOAT8OID, B::INT4OID, Conv::Float8ToInt4),
        (B::FLOAT8OID, B::INT8OID, Conv::Float8ToInt8),
    ];
    PAIRS.iter().find(|(f, t, _)| f.value() == from && t.value() == to).map(|&(_, _, conv)| conv)
}

/// `__blind_index`, which must already exist: this path only reads keys (no create-on-first-use,
/// which would write to the key table from a SELECT, and fail on a standby).
fn existing_blind_index_key() -> Result<std::rc::Rc<keyring::DataKey>> {
    match keyring::active(keyring::BLIND_INDEX_KEY) {
        Ok(k) => Ok(k),
        Err(ColcryptError::UnknownKey(_)) => Err(ColcryptError::BuiltinKeyMissing(keyring::BLIND_INDEX_KEY)),
        Err(e) => Err(e),
    }
}

/// A parameter's blind index within a statement (the blind index key cannot change within one,
/// and a new statement takes in key changes first), found by the column type and conversion and
/// the parameter's own bytes (a pass-by-value datum, or a varlena's contents), which are wiped
/// when the entry is dropped.
struct ParamIndex {
    spec: usize,
    conv: Conv,
    /// The session's TimeZone where the conversion depends on it ([`zone_of`]), else 0.
    zone: usize,
    bytes: zeroize::Zeroizing<Vec<u8>>,
    index: Option<[u8; BLIND_INDEX_LEN]>,
    /// Whether the value is an envelope's form ([`types::envelope_like`]): whether it must be
    /// refused depends on where it is used, so it is asked again on every hit.
    envelope_like: bool,
}

impl ParamIndex {
    fn is(&self, spec: usize, conv: Conv, zone: usize, bytes: &[u8]) -> bool {
        // Constant time, as a parameter of another role's (a SECURITY DEFINER function's, in the
        // same statement) may be cached.
        self.spec == spec && self.conv == conv && self.zone == zone && colcrypt_core::ct::ct_eq(&self.bytes, bytes)
    }
}

/// The parameters' blind indexes in the running statement. A scan compares every row with the
/// same parameters: one for `= $1` (the last one found is tried first), one per element for
/// `IN ($1, …)` and `= ANY($1)`, which PostgreSQL cannot hash with a cross-type operator (an
/// attacker review timed a 400-element `NOT IN` over 20,000 rows at 23 s while a one-entry cache
/// missed on every element). Only this statement's parameters are kept (emptied at the first
/// comparison of the next one), so a lookup compares with no other role's from earlier in the
/// session; at most [`MAX_PARAM_INDEXES`] entries of [`MAX_PARAM_INDEX_BYTES`] in all (the
/// memory stays with the backend until the next statement compares: an attacker review grew
/// one by 270 MB with 16,384 parameters of 16 KB).
#[derive(Default)]
struct ParamIndexes {
    statement: i64,
    hasher: std::hash::RandomState,
    last: Option<ParamIndex>,
    by_hash: std::collections::HashMap<u64, Vec<ParamIndex>>,
    len: usize,
    bytes: usize,
}

/// Enough for any list a client sends in one statement; past it, indexes are computed per call.
const MAX_PARAM_INDEXES: usize = 16_384;
const MAX_PARAM_INDEX_BYTES: usize = 1 << 20;

thread_local! {
    static PARAM_INDEXES: std::cell::RefCell<ParamIndexes> = std::cell::RefCell::new(ParamIndexes::default());
}

impl ParamIndexes {
    fn hash(&self, spec: usize, conv: Conv, zone: usize, bytes: &[u8]) -> u64 {
        use std::hash::BuildHasher;
        self.hasher.hash_one((spec, conv as u8, zone, bytes))
    }

    fn get(&mut self, statement: i64, spec: usize, conv: Conv, zone: usize, bytes: &[u8]) -> Option<(Option<[u8; BLIND_INDEX_LEN]>, bool)> {
        if self.statement != statement {
            self.last = None;
            self.by_hash = Default::default();
            self.len = 0;
            self.bytes = 0;
            self.statement = statement;
        }
        if let Some(e) = self.last.as_ref().filter(|e| e.is(spec, conv, zone, bytes)) {
            return Some((e.index, e.envelope_like));
        }
        let h = self.hash(spec, conv, zone, bytes);
        let found = self.by_hash.get(&h)?.iter().find(|e| e.is(spec, conv, zone, bytes))?;
        Some((found.index, found.envelope_like))
    }

    fn put(&mut self, spec: usize, conv: Conv, zone: usize, bytes: &[u8], index: Option<[u8; BLIND_INDEX_LEN]>, envelope_like: bool) {
        let entry = || ParamIndex { spec, conv, zone, bytes: zeroize::Zeroizing::new(bytes.to_vec()), index, envelope_like };
        self.last = Some(entry());
        if self.len < MAX_PARAM_INDEXES && self.bytes + bytes.len() <= MAX_PARAM_INDEX_BYTES {
            let h = self.hash(spec, conv, zone, bytes);
            self.by_hash.entry(h).or_default().push(entry());
            self.len += 1;
            self.bytes += bytes.len();
        }
    }
}

/// The session's TimeZone (PostgreSQL's pointer to it) for a conversion that depends on it, else
/// 0: one statement start covers every statement of a simple-query message and everything a
/// function runs, and `SET TimeZone` between two of them changes which timestamp is a date's
/// midnight (an attacker review got the first zone's answer in the second).
fn zone_of(conv: Conv) -> usize {
    // SAFETY: a read of a backend-global pointer.
    if conv == Conv::TimestamptzToDate { unsafe { pg_sys::session_timezone as usize } } else { 0 }
}

/// The blind index of a parameter as a value of the column's type would carry it; `None` when
/// no value of that type equals it.
fn plain_index(spec: &'static TypeSpec, conv: Conv, varlena: bool, datum: pg_sys::Datum) -> Option<[u8; BLIND_INDEX_LEN]> {
    note_plaintext();
    let statement = keyring::statement_start();
    let spec_id = spec as *const TypeSpec as usize;
    // SAFETY: a varlena parameter is a valid datum of its type; a detoasted copy lives in the
    // current memory context for the rest of this call.
    let raw: &[u8] = if varlena { unsafe { crate::unguarded::varlena_bytes(datum) } } else { &[] };
    let byval = datum.value().to_ne_bytes();
    let bytes = if varlena { raw } else { &byval[..] };
    let zone = zone_of(conv);
    if let Some((idx, envelope_like)) = PARAM_INDEXES.with(|c| c.borrow_mut().get(statement, spec_id, conv, zone, bytes)) {
        // The same bytes may have been compared first where they are data (a function with
        // ciphertext_io = off, run by this statement): the refusal is decided per use.
        types::refuse_envelope_parameter(spec, envelope_like);
        return idx;
    }
    existing_blind_index_key().or_raise();
    let mut envelope_like = false;
    let idx = convert(conv, datum).map(|value| {
        // The plaintext bytes are read where PostgreSQL put them (types::with_datum_plaintext);
        // the index is computed as for a stored value.
        types::with_datum_plaintext(spec, value, |plaintext| {
            envelope_like = types::envelope_like(spec, plaintext);
            types::refuse_envelope_parameter(spec, envelope_like);
            types::blind_index(spec, plaintext)
        })
        .or_raise()
    });
    PARAM_INDEXES.with(|c| c.borrow_mut().put(spec_id, conv, zone, bytes, idx, envelope_like));
    idx
}

/// `colcrypt.=##=`: two floats equal as the numerics their casts give, as encrypted_numeric's
/// hash family hashes a float (Conv::Float8ToNumeric), where float8eq tells 0.1 from
/// 0.10000000000000002 (sql/generate_types.py, NUMERIC_FLOAT8_EQ).
#[pg_extern(sql = false)]
fn blind_family_eq_as_numeric(a: Internal, b: Internal) -> bool {
    let as_numeric = |v: Internal| convert(Conv::Float8ToNumeric, datum(v)).expect("every float casts to numeric");
    let (a, b) = (as_numeric(a), as_numeric(b));
    // SAFETY: two numeric datums; numeric_eq returns a bool datum.
    unsafe { direct_function_call_as_datum(pg_sys::numeric_eq, &[Some(a), Some(b)]) }.is_some_and(|d| d.value() != 0)
}

fn datum(v: Internal) -> pg_sys::Datum {
    v.unwrap().expect("STRICT: not NULL")
}

/// Blind-index order, with values out of the type's range above every index.
fn cmp_enc_plain(spec: &'static TypeSpec, conv: Conv, varlena: bool, enc: &[u8], plain: Internal) -> Ordering {
    match plain_index(spec, conv, varlena, datum(plain)) {
        None => Ordering::Less,
        Some(p) => types::index_of(spec, enc).cmp(&p),
    }
}

fn eq_enc_plain(spec: &'static TypeSpec, conv: Conv, varlena: bool, enc: &[u8], plain: Internal) -> bool {
    match plain_index(spec, conv, varlena, datum(plain)) {
        None => false,
        Some(p) => types::index_of(spec, enc) == p,
    }
}

/// The order of two parameters among the column's blind indexes: btree sorts the elements of
/// `= ANY($1)` with it.
fn cmp_plain_plain(spec: &'static TypeSpec, conv: Conv, varlena: bool, a: Internal, b: Internal) -> Ordering {
    let (a, b) = (plain_index(spec, conv, varlena, datum(a)), plain_index(spec, conv, varlena, datum(b)));
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(a), Some(b)) => a.cmp(&b),
    }
}

/// The hash of a parameter, as `types::hash_of` hashes a value equal to it: the first bytes of
/// its blind index. A value equal to nothing hashes as its own type hashes it: one constant for
/// all of them put every fraction, NaN and out-of-range value of a hashed `IN (SELECT …)` or
/// `NOT IN` in one bucket, quadratic in their number (an attacker review: 12.7 s for 40,000
/// fractional floats). The family's (plain, plain) operator is that type's own equality
/// (`colcrypt.=#=`), so equal values still hash alike, whichever family PostgreSQL takes the
/// hash function from (a (plain, plain) operator in several families is hashed by the first).
fn hash_plain(spec: &'static TypeSpec, conv: Conv, varlena: bool, a: Internal) -> i32 {
    let d = datum(a);
    match plain_index(spec, conv, varlena, d) {
        Some(i) => i32::from_be_bytes([i[0], i[1], i[2], i[3]]),
        None => own_hash(conv, d),
    }
}

/// The parameter type's own hash of a value that converts to nothing.
fn own_hash(conv: Conv, d: pg_sys::Datum) -> i32 {
    let f = match conv {
        Conv::Int8ToInt4 => pg_sys::hashint8,
        Conv::NumericToInt4 | Conv::NumericToInt8 => pg_sys::hash_numeric,
        Conv::Float8ToInt4 | Conv::Float8ToInt8 => pg_sys::hashfloat8,
        Conv::TimestamptzToDate => pg_sys::timestamp_hash,
        // These convert every value.
        Conv::Same | Conv::Int2ToInt4 | Conv::Int2ToInt8 | Conv::Int4ToInt8 | Conv::Int2ToNumeric | Conv::Int4ToNumeric
        | Conv::Int8ToNumeric | Conv::Float4ToFloat8 | Conv::Float8ToNumeric => return 0,
    };
    // SAFETY: `d` is a datum of the function's argument type (the pair's parameter type); the
    // built-in hash functions return an int4 datum and raise nothing for a valid value.
    unsafe { direct_function_call_as_datum(f, &[Some(d)]) }.map_or(0, |h| h.value() as i32)
}

macro_rules! cross_type {
    ($spec:path, $conv:expr, $varlena:expr,
     [$eq:ident, $ne:ident, $req:ident, $rne:ident, $cmp:ident, $rcmp:ident, $pcmp:ident, $phash:ident]) => {
        // The parameter's datum comes through untouched as Internal; sql/types.sql declares its type.
        #[pg_extern(sql = false)]
        fn $eq(a: Internal, b: Internal) -> bool { eq_enc_plain(&$spec, $conv, $varlena, stored(a), b) }
        #[pg_extern(sql = false)]
        fn $ne(a: Internal, b: Internal) -> bool { !eq_enc_plain(&$spec, $conv, $varlena, stored(a), b) }
        #[pg_extern(sql = false)]
        fn $req(a: Internal, b: Internal) -> bool { eq_enc_plain(&$spec, $conv, $varlena, stored(b), a) }
        #[pg_extern(sql = false)]
        fn $rne(a: Internal, b: Internal) -> bool { !eq_enc_plain(&$spec, $conv, $varlena, stored(b), a) }
        #[pg_extern(sql = false)]
        fn $cmp(a: Internal, b: Internal) -> i32 { cmp_enc_plain(&$spec, $conv, $varlena, stored(a), b) as i32 }
        #[pg_extern(sql = false)]
        fn $rcmp(a: Internal, b: Internal) -> i32 { cmp_enc_plain(&$spec, $conv, $varlena, stored(b), a).reverse() as i32 }
        #[pg_extern(sql = false)]
        fn $pcmp(a: Internal, b: Internal) -> i32 { cmp_plain_plain(&$spec, $conv, $varlena, a, b) as i32 }
        #[pg_extern(sql = false)]
        fn $phash(a: Internal) -> i32 { hash_plain(&$spec, $conv, $varlena, a) }
    };
}

// The pairs of sql/generate_types.py's CROSS_TYPES, in the same order.
cross_type!(types::TEXT, Conv::Same, true,
    [encrypted_text_eq_text, encrypted_text_ne_text, encrypted_text_rev_eq_text, encrypted_text_rev_ne_text, encrypted_text_cmp_text, encrypted_text_rev_cmp_text, encrypted_text_blind_cmp_text, encrypted_text_blind_hash_text]);
cross_type!(types::BYTEA, Conv::Same, true,
    [encrypted_bytea_eq_bytea, encrypted_bytea_ne_bytea, encrypted_bytea_rev_eq_bytea, encrypted_bytea_rev_ne_bytea, encrypted_bytea_cmp_bytea, encrypted_bytea_rev_cmp_bytea, encrypted_bytea_blind_cmp_bytea, encrypted_bytea_blind_hash_bytea]);
cross_type!(types::JSONB, Conv::Same, true,
    [encrypted_jsonb_eq_jsonb, encrypted_jsonb_ne_jsonb, encrypted_jsonb_rev_eq_jsonb, encrypted_jsonb_rev_ne_jsonb, encrypted_jsonb_cmp_jsonb, encrypted_jsonb_rev_cmp_jsonb, encrypted_jsonb_blind_cmp_jsonb, encrypted_jsonb_blind_hash_jsonb]);
cross_type!(types::INT4, Conv::Int2ToInt4, false,
    [encrypted_int4_eq_int2, encrypted_int4_ne_int2, encrypted_int4_rev_eq_int2, encrypted_int4_rev_ne_int2, encrypted_int4_cmp_int2, encrypted_int4_rev_cmp_int2, encrypted_int4_blind_cmp_int2, encrypted_int4_blind_hash_int2]);
cross_type!(types::INT4, Conv::Same, false,
    [encrypted_int4_eq_int4, encrypted_int4_ne_int4, encrypted_int4_rev_eq_int4, encrypted_int4_rev_ne_int4, encrypted_int4_cmp_int4, encrypted_int4_rev_cmp_int4, encrypted_int4_blind_cmp_int4, encrypted_int4_blind_hash_int4]);
cross_type!(types::INT4, Conv::Int8ToInt4, false,
    [encrypted_int4_eq_int8, encrypted_int4_ne_int8, encrypted_int4_rev_eq_int8, encrypted_int4_rev_ne_int8, encrypted_int4_cmp_int8, encrypted_int4_rev_cmp_int8, encrypted_int4_blind_cmp_int8, encrypted_int4_blind_hash_int8]);
cross_type!(types::INT4, Conv::NumericToInt4, true,
    [encrypted_int4_eq_numeric, encrypted_int4_ne_numeric, encrypted_int4_rev_eq_numeric, encrypted_int4_rev_ne_numeric, encrypted_int4_cmp_numeric, encrypted_int4_rev_cmp_numeric, encrypted_int4_blind_cmp_numeric, encrypted_int4_blind_hash_numeric]);
cross_type!(types::INT4, Conv::Float8ToInt4, false,
    [encrypted_int4_eq_float8, encrypted_int4_ne_float8, encrypted_int4_rev_eq_float8, encrypted_int4_rev_ne_float8, encrypted_int4_cmp_float8, encrypted_int4_rev_cmp_float8, encrypted_int4_blind_cmp_float8, encrypted_int4_blind_hash_float8]);
cross_type!(types::INT8, Conv::Int2ToInt8, false,
    [encrypted_int8_eq_int2, encrypted_int8_ne_int2, encrypted_int8_rev_eq_int2, encrypted_int8_rev_ne_int2, encrypted_int8_cmp_int2, encrypted_int8_rev_cmp_int2, encrypted_int8_blind_cmp_int2, encrypted_int8_blind_hash_int2]);
cross_type!(types::INT8, Conv::Int4ToInt8, false,
    [encrypted_int8_eq_int4, encrypted_int8_ne_int4, encrypted_int8_rev_eq_int4, encrypted_int8_rev_ne_int4, encrypted_int8_cmp_int4, encrypted_int8_rev_cmp_int4, encrypted_int8_blind_cmp_int4, encrypted_int8_blind_hash_int4]);
cross_type!(types::INT8, Conv::Same, false,
    [encrypted_int8_eq_int8, encrypted_int8_ne_int8, encrypted_int8_rev_eq_int8, encrypted_int8_rev_ne_int8, encrypted_int8_cmp_int8, encrypted_int8_rev_cmp_int8, encrypted_int8_blind_cmp_int8, encrypted_int8_blind_hash_int8]);
cross_type!(types::INT8, Conv::NumericToInt8, true,
    [encrypted_int8_eq_numeric, encrypted_int8_ne_numeric, encrypted_int8_rev_eq_numeric, encrypted_int8_rev_ne_numeric, encrypted_int8_cmp_numeric, encrypted_int8_rev_cmp_numeric, encrypted_int8_blind_cmp_numeric, encrypted_int8_blind_hash_numeric]);
cross_type!(types::INT8, Conv::Float8ToInt8, false,
    [encrypted_int8_eq_float8, encrypted_int8_ne_float8, encrypted_int8_rev_eq_float8, encrypted_int8_rev_ne_float8, encrypted_int8_cmp_float8, encrypted_int8_rev_cmp_float8, encrypted_int8_blind_cmp_float8, encrypted_int8_blind_hash_float8]);
cross_type!(types::NUMERIC, Conv::Int2ToNumeric, false,
    [encrypted_numeric_eq_int2, encrypted_numeric_ne_int2, encrypted_numeric_rev_eq_int2, encrypted_numeric_rev_ne_int2, encrypted_numeric_cmp_int2, encrypted_numeric_rev_cmp_int2, encrypted_numeric_blind_cmp_int2, encrypted_numeric_blind_hash_int2]);
cross_type!(types::NUMERIC, Conv::Int4ToNumeric, false,
    [encrypted_numeric_eq_int4, encrypted_numeric_ne_int4, encrypted_numeric_rev_eq_int4, encrypted_numeric_rev_ne_int4, encrypted_numeric_cmp_int4, encrypted_numeric_rev_cmp_int4, encrypted_numeric_blind_cmp_int4, encrypted_numeric_blind_hash_int4]);
cross_type!(types::NUMERIC, Conv::Int8ToNumeric, false,
    [encrypted_numeric_eq_int8, encrypted_numeric_ne_int8, encrypted_numeric_rev_eq_int8, encrypted_numeric_rev_ne_int8, encrypted_numeric_cmp_int8, encrypted_numeric_rev_cmp_int8, encrypted_numeric_blind_cmp_int8, encrypted_numeric_blind_hash_int8]);
cross_type!(types::NUMERIC, Conv::Same, true,
    [encrypted_numeric_eq_numeric, encrypted_numeric_ne_numeric, encrypted_numeric_rev_eq_numeric, encrypted_numeric_rev_ne_numeric, encrypted_numeric_cmp_numeric, encrypted_numeric_rev_cmp_numeric, encrypted_numeric_blind_cmp_numeric, encrypted_numeric_blind_hash_numeric]);
cross_type!(types::NUMERIC, Conv::Float8ToNumeric, false,
    [encrypted_numeric_eq_float8, encrypted_numeric_ne_float8, encrypted_numeric_rev_eq_float8, encrypted_numeric_rev_ne_float8, encrypted_numeric_cmp_float8, encrypted_numeric_rev_cmp_float8, encrypted_numeric_blind_cmp_float8, encrypted_numeric_blind_hash_float8]);
cross_type!(types::FLOAT8, Conv::Float4ToFloat8, false,
    [encrypted_float8_eq_float4, encrypted_float8_ne_float4, encrypted_float8_rev_eq_float4, encrypted_float8_rev_ne_float4, encrypted_float8_cmp_float4, encrypted_float8_rev_cmp_float4, encrypted_float8_blind_cmp_float4, encrypted_float8_blind_hash_float4]);
cross_type!(types::FLOAT8, Conv::Same, false,
    [encrypted_float8_eq_float8, encrypted_float8_ne_float8, encrypted_float8_rev_eq_float8, encrypted_float8_rev_ne_float8, encrypted_float8_cmp_float8, encrypted_float8_rev_cmp_float8, encrypted_float8_blind_cmp_float8, encrypted_float8_blind_hash_float8]);
cross_type!(types::BOOL, Conv::Same, false,
    [encrypted_bool_eq_bool, encrypted_bool_ne_bool, encrypted_bool_rev_eq_bool, encrypted_bool_rev_ne_bool, encrypted_bool_cmp_bool, encrypted_bool_rev_cmp_bool, encrypted_bool_blind_cmp_bool, encrypted_bool_blind_hash_bool]);
cross_type!(types::DATE, Conv::Same, false,
    [encrypted_date_eq_date, encrypted_date_ne_date, encrypted_date_rev_eq_date, encrypted_date_rev_ne_date, encrypted_date_cmp_date, encrypted_date_rev_cmp_date, encrypted_date_blind_cmp_date, encrypted_date_blind_hash_date]);
cross_type!(types::DATE, Conv::TimestamptzToDate, false,
    [encrypted_date_eq_timestamptz, encrypted_date_ne_timestamptz, encrypted_date_rev_eq_timestamptz, encrypted_date_rev_ne_timestamptz, encrypted_date_cmp_timestamptz, encrypted_date_rev_cmp_timestamptz, encrypted_date_blind_cmp_timestamptz, encrypted_date_blind_hash_timestamptz]);
cross_type!(types::TIMESTAMPTZ, Conv::Same, false,
    [encrypted_timestamptz_eq_timestamptz, encrypted_timestamptz_ne_timestamptz, encrypted_timestamptz_rev_eq_timestamptz, encrypted_timestamptz_rev_ne_timestamptz, encrypted_timestamptz_cmp_timestamptz, encrypted_timestamptz_rev_cmp_timestamptz, encrypted_timestamptz_blind_cmp_timestamptz, encrypted_timestamptz_blind_hash_timestamptz]);
