//! The transparent column types (`colcrypt.encrypted_text` and friends): the input function
//! encrypts under the column's server-managed key, the output function decrypts, binary
//! send/receive carry the envelope. The SQL that declares them is generated into
//! sql/types.sql by sql/generate_types.py; this file holds the C-callable functions.
//!
//! The plaintext sealed for each type is canonical and independent of session settings: the
//! text forms of `text` and `jsonb` (server encoding), and the binary send form of the others
//! (no DateStyle, TimeZone or float formatting involved). Each value's AAD names its type, so
//! an `encrypted_int8` never opens as an `encrypted_text`.

use std::ffi::{CStr, CString};

use colcrypt_core::binding::type_context;
use colcrypt_core::wrap::envelope_commitment;
use colcrypt_core::Error as CoreError;
use pgrx::guc::{GucContext, GucFlags, GucRegistry, GucSetting};
use pgrx::pg_sys;
use pgrx::prelude::*;
use pgrx::Internal;

use crate::error::{ColcryptError, OrRaise, Result};
use crate::keyring;
use crate::server_keys::check_name;

static CIPHERTEXT_IO: GucSetting<bool> = GucSetting::<bool>::new(false);

pub(crate) fn define_settings() {
    GucRegistry::define_bool_guc(
        c"colcrypt.ciphertext_io",
        c"Text input and output of encrypted column types carry the envelope (hex), not plaintext.",
        c"For dumps that hold no plaintext: pg_dump and pg_restore (or psql) with PGOPTIONS='-c colcrypt.ciphertext_io=on'. \
          Input then stores envelopes as given, without decrypting them.",
        &CIPHERTEXT_IO,
        GucContext::Userset,
        GucFlags::default(),
    );
}

#[derive(Clone, Copy)]
enum Plain {
    /// Sealed as its text form in the server encoding.
    Text,
    /// Sealed as its binary send form.
    Binary,
}

pub(crate) struct TypeSpec {
    name: &'static str,
    plain_oid: pg_sys::BuiltinOid,
    plain: Plain,
}

fn plain_in(spec: &TypeSpec, input: &CStr) -> Vec<u8> {
    let oid = spec.plain_oid.value();
    let (mut infn, mut ioparam) = (pg_sys::InvalidOid, pg_sys::InvalidOid);
    // SAFETY: fmgr calls on built-in types; errors raise through pgrx's guarded bindings.
    unsafe {
        pg_sys::getTypeInputInfo(oid, &mut infn, &mut ioparam);
        let datum = pg_sys::OidInputFunctionCall(infn, input.as_ptr().cast_mut(), ioparam, -1);
        match spec.plain {
            Plain::Text => {
                let (mut outfn, mut varlena) = (pg_sys::InvalidOid, false);
                pg_sys::getTypeOutputInfo(oid, &mut outfn, &mut varlena);
                CStr::from_ptr(pg_sys::OidOutputFunctionCall(outfn, datum)).to_bytes().to_vec()
            }
            Plain::Binary => {
                let (mut sendfn, mut varlena) = (pg_sys::InvalidOid, false);
                pg_sys::getTypeBinaryOutputInfo(oid, &mut sendfn, &mut varlena);
                let b = pg_sys::OidSendFunctionCall(sendfn, datum);
                pgrx::varlena::varlena_to_byte_slice(b.cast()).to_vec()
            }
        }
    }
}

fn plain_out(spec: &TypeSpec, plaintext: &[u8]) -> CString {
    match spec.plain {
        // Text forms were produced by the type's own output function; PostgreSQL text holds no NUL.
        Plain::Text => CString::new(plaintext).unwrap_or_else(|_| ColcryptError::Core(CoreError::CannotDecrypt).raise()),
        Plain::Binary => {
            let oid = spec.plain_oid.value();
            // SAFETY: as in plain_in; the StringInfo is palloc'd in the current context.
            unsafe {
                let (mut recvfn, mut ioparam) = (pg_sys::InvalidOid, pg_sys::InvalidOid);
                pg_sys::getTypeBinaryInputInfo(oid, &mut recvfn, &mut ioparam);
                let buf = pg_sys::makeStringInfo();
                pg_sys::appendBinaryStringInfo(buf, plaintext.as_ptr().cast(), plaintext.len() as i32);
                let datum = pg_sys::OidReceiveFunctionCall(recvfn, buf, ioparam, -1);
                let (mut outfn, mut varlena) = (pg_sys::InvalidOid, false);
                pg_sys::getTypeOutputInfo(oid, &mut outfn, &mut varlena);
                CStr::from_ptr(pg_sys::OidOutputFunctionCall(outfn, datum)).to_owned()
            }
        }
    }
}

fn seal(spec: &TypeSpec, typmod: i32, plaintext: &[u8]) -> Result<Vec<u8>> {
    let key = keyring::for_typmod(typmod)?;
    Ok(key.cipher()?.seal(plaintext, &type_context(spec.name))?)
}

fn open(spec: &TypeSpec, envelope: &[u8]) -> Result<Vec<u8>> {
    let key = keyring::by_fingerprint(&envelope_commitment(envelope)?)?;
    Ok(key.cipher()?.open(envelope, &type_context(spec.name))?)
}

/// `\x` + hex of the envelope: the text form under colcrypt.ciphertext_io.
fn envelope_literal(input: &CStr) -> Result<Vec<u8>> {
    let s = input.to_bytes();
    let hex_part = s.strip_prefix(b"\\x").ok_or(ColcryptError::Core(CoreError::NotAnEnvelope))?;
    let bytes = hex::decode(hex_part).map_err(|_| ColcryptError::Core(CoreError::NotAnEnvelope))?;
    // Structure only: stored as given and authenticated when read (a restore loads tables
    // before the key table, so the key may not be there yet).
    envelope_commitment(&bytes)?;
    Ok(bytes)
}

pub(crate) fn type_in(spec: &TypeSpec, input: &CStr, typmod: i32) -> Vec<u8> {
    if CIPHERTEXT_IO.get() {
        return envelope_literal(input).or_raise();
    }
    let plaintext = zeroize::Zeroizing::new(plain_in(spec, input));
    seal(spec, typmod, &plaintext).or_raise()
}

pub(crate) fn type_out(spec: &TypeSpec, value: &[u8]) -> CString {
    if CIPHERTEXT_IO.get() {
        return CString::new(format!("\\x{}", hex::encode(value))).expect("hex has no NUL");
    }
    let plaintext = zeroize::Zeroizing::new(open(spec, value).or_raise());
    plain_out(spec, &plaintext)
}

/// Binary input carries an envelope. It must open under its key as this type; under a column
/// type modifier naming another key it is re-sealed under that key.
pub(crate) fn type_recv(spec: &TypeSpec, mut buf: Internal, typmod: i32) -> Vec<u8> {
    // SAFETY: PostgreSQL passes a StringInfo to receive functions.
    let bytes = unsafe {
        let si = buf.get_mut::<pg_sys::StringInfoData>().expect("receive function called without a buffer");
        let all = std::slice::from_raw_parts(si.data.add(si.cursor as usize).cast::<u8>(), (si.len - si.cursor) as usize);
        si.cursor = si.len;
        all.to_vec()
    };
    coerce(spec, &bytes, typmod, true).or_raise()
}

pub(crate) fn type_send(value: &[u8]) -> Vec<u8> {
    value.to_vec()
}

/// Applies a column's type modifier to a value: a value already under that key is kept as it
/// is (one layer, no re-encryption); any other is opened and sealed under the column's key.
/// Without a modifier (-1) the value keeps its key. `verify` opens the value even when it is
/// kept, for bytes that came from outside (binary input).
fn coerce(spec: &TypeSpec, value: &[u8], typmod: i32, verify: bool) -> Result<Vec<u8>> {
    let current = keyring::by_fingerprint(&envelope_commitment(value)?)?;
    let target = match typmod {
        t if t < 0 => None,
        t => Some(keyring::key_name_for_typmod(t)?.ok_or(ColcryptError::UnknownTypmod(t))?),
    };
    let keep = target.as_deref().is_none_or(|name| name == current.name);
    if keep && !verify {
        return Ok(value.to_vec());
    }
    let plaintext = zeroize::Zeroizing::new(current.cipher()?.open(value, &type_context(spec.name))?);
    if keep {
        return Ok(value.to_vec());
    }
    seal(spec, typmod, &plaintext)
}

pub(crate) fn type_coerce(spec: &TypeSpec, value: &[u8], typmod: i32) -> Vec<u8> {
    coerce(spec, value, typmod, false).or_raise()
}

/// Shared by all types: `encrypted_text(pii)` → the key name's type modifier.
#[pg_extern(sql = false)]
fn encrypted_typmod_in(mods: pgrx::Array<&CStr>) -> i32 {
    let names: Vec<Option<&CStr>> = mods.iter().collect();
    let [Some(name)] = names.as_slice() else {
        ereport!(PgLogLevel::ERROR, PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
            "colcrypt encrypted types take one type modifier: the data key name, as in encrypted_text(pii)");
        unreachable!()
    };
    let name = name.to_str().unwrap_or_default();
    check_name(name).or_raise();
    keyring::register_key_name(name).or_raise()
}

#[pg_extern(sql = false)]
fn encrypted_typmod_out(typmod: i32) -> CString {
    let name = keyring::key_name_for_typmod(typmod).or_raise().unwrap_or_else(|| typmod.to_string());
    CString::new(format!("({name})")).expect("key names have no NUL")
}

macro_rules! encrypted_type {
    ($name:literal, $plain:ident, $family:ident, $spec:ident, $in:ident, $out:ident, $recv:ident, $send:ident, $coerce:ident) => {
        static $spec: TypeSpec = TypeSpec { name: $name, plain_oid: pg_sys::BuiltinOid::$plain, plain: Plain::$family };

        #[pg_extern(sql = false)]
        fn $in(input: &CStr, _oid: pg_sys::Oid, typmod: i32) -> Vec<u8> {
            type_in(&$spec, input, typmod)
        }

        #[pg_extern(sql = false)]
        fn $out(value: &[u8]) -> CString {
            type_out(&$spec, value)
        }

        #[pg_extern(sql = false)]
        fn $recv(buf: Internal, _oid: pg_sys::Oid, typmod: i32) -> Vec<u8> {
            type_recv(&$spec, buf, typmod)
        }

        #[pg_extern(sql = false)]
        fn $send(value: &[u8]) -> Vec<u8> {
            type_send(value)
        }

        #[pg_extern(sql = false)]
        fn $coerce(value: &[u8], typmod: i32, _explicit: bool) -> Vec<u8> {
            type_coerce(&$spec, value, typmod)
        }
    };
}

encrypted_type!("encrypted_text", TEXTOID, Text, TEXT, encrypted_text_in, encrypted_text_out, encrypted_text_recv, encrypted_text_send, encrypted_text_coerce);
encrypted_type!("encrypted_bytea", BYTEAOID, Binary, BYTEA, encrypted_bytea_in, encrypted_bytea_out, encrypted_bytea_recv, encrypted_bytea_send, encrypted_bytea_coerce);
encrypted_type!("encrypted_jsonb", JSONBOID, Text, JSONB, encrypted_jsonb_in, encrypted_jsonb_out, encrypted_jsonb_recv, encrypted_jsonb_send, encrypted_jsonb_coerce);
encrypted_type!("encrypted_int4", INT4OID, Binary, INT4, encrypted_int4_in, encrypted_int4_out, encrypted_int4_recv, encrypted_int4_send, encrypted_int4_coerce);
encrypted_type!("encrypted_int8", INT8OID, Binary, INT8, encrypted_int8_in, encrypted_int8_out, encrypted_int8_recv, encrypted_int8_send, encrypted_int8_coerce);
encrypted_type!("encrypted_numeric", NUMERICOID, Binary, NUMERIC, encrypted_numeric_in, encrypted_numeric_out, encrypted_numeric_recv, encrypted_numeric_send, encrypted_numeric_coerce);
encrypted_type!("encrypted_float8", FLOAT8OID, Binary, FLOAT8, encrypted_float8_in, encrypted_float8_out, encrypted_float8_recv, encrypted_float8_send, encrypted_float8_coerce);
encrypted_type!("encrypted_bool", BOOLOID, Binary, BOOL, encrypted_bool_in, encrypted_bool_out, encrypted_bool_recv, encrypted_bool_send, encrypted_bool_coerce);
encrypted_type!("encrypted_date", DATEOID, Binary, DATE, encrypted_date_in, encrypted_date_out, encrypted_date_recv, encrypted_date_send, encrypted_date_coerce);
encrypted_type!("encrypted_timestamptz", TIMESTAMPTZOID, Binary, TIMESTAMPTZ, encrypted_timestamptz_in, encrypted_timestamptz_out, encrypted_timestamptz_recv, encrypted_timestamptz_send, encrypted_timestamptz_coerce);
