//! The transparent column types (`colcrypt.encrypted_text` and friends): the input function
//! encrypts under the column's server-managed key, the output function decrypts, binary
//! send/receive carry the envelope. The SQL that declares them is generated into
//! sql/types.sql by sql/generate_types.py; this file holds the C-callable functions.
//!
//! The plaintext sealed for each type is canonical and independent of session settings: the
//! text of `text` (server encoding), `jsonb`'s binary container, and the binary send form of
//! the others (no DateStyle, TimeZone or float formatting involved). Each value's AAD names its type, so
//! an `encrypted_int8` never opens as an `encrypted_text`.

use std::ffi::{CStr, CString};

use colcrypt_core::binding::type_context;
use colcrypt_core::wrap::envelope_commitment;
use colcrypt_core::{Error as CoreError, BLIND_INDEX_LEN};
use pgrx::guc::{GucContext, GucFlags, GucRegistry, GucSetting};
use pgrx::pg_sys;
use pgrx::prelude::*;
use pgrx::Internal;

use crate::error::{ColcryptError, OrRaise, Result};
use crate::keyring;
use crate::log_redaction::note_plaintext;
use crate::server_keys::check_name;

/// colcrypt.ciphertext_io. `auto`, the default, is `on` in the sessions of the stock dump and
/// restore tools and `off` elsewhere, so that a dump holds no plaintext unless asked to (a dump is
/// a backup: the at-rest promise covers it) and restores without extra flags.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CiphertextIo {
    Off,
    On,
    Auto,
}

// SAFETY: from_ordinal accepts every value the table lists, and the table ends with a NULL name.
unsafe impl pgrx::guc::GucEnum for CiphertextIo {
    fn from_ordinal(ordinal: i32) -> Self {
        match ordinal {
            0 => CiphertextIo::Off,
            1 => CiphertextIo::On,
            _ => CiphertextIo::Auto,
        }
    }

    fn to_ordinal(&self) -> i32 {
        *self as i32
    }

    // The spellings a bool setting accepted stay valid (hidden), and SHOW prints on or off for them.
    const CONFIG_ENUM_ENTRY: *const pg_sys::config_enum_entry = [
        pg_sys::config_enum_entry { name: c"off".as_ptr(), val: 0, hidden: false },
        pg_sys::config_enum_entry { name: c"on".as_ptr(), val: 1, hidden: false },
        pg_sys::config_enum_entry { name: c"auto".as_ptr(), val: 2, hidden: false },
        pg_sys::config_enum_entry { name: c"true".as_ptr(), val: 1, hidden: true },
        pg_sys::config_enum_entry { name: c"false".as_ptr(), val: 0, hidden: true },
        pg_sys::config_enum_entry { name: c"yes".as_ptr(), val: 1, hidden: true },
        pg_sys::config_enum_entry { name: c"no".as_ptr(), val: 0, hidden: true },
        pg_sys::config_enum_entry { name: c"1".as_ptr(), val: 1, hidden: true },
        pg_sys::config_enum_entry { name: c"0".as_ptr(), val: 0, hidden: true },
        pg_sys::config_enum_entry { name: std::ptr::null(), val: 0, hidden: false },
    ]
    .as_ptr();
}

static CIPHERTEXT_IO: GucSetting<CiphertextIo> = GucSetting::<CiphertextIo>::new(CiphertextIo::Auto);

/// The names libpq gives the sessions of pg_dump, pg_dumpall and pg_restore
/// (fallback_application_name). A session that takes one of these names gets nothing it could
/// not get with `SET colcrypt.ciphertext_io = on`, which every role may set.
const DUMP_TOOLS: [&[u8]; 3] = [b"pg_dump", b"pg_dumpall", b"pg_restore"];

fn dump_tool_session() -> bool {
    // SAFETY: application_name is a GUC string PostgreSQL keeps set (possibly empty) in every backend.
    let name = unsafe {
        let p = pg_sys::application_name;
        if p.is_null() {
            return false;
        }
        CStr::from_ptr(p).to_bytes()
    };
    DUMP_TOOLS.contains(&name)
}

pub(crate) fn define_settings() {
    GucRegistry::define_enum_guc(
        c"colcrypt.ciphertext_io",
        c"Text input and output of encrypted column types carry the envelope (hex), not plaintext: on, off, or auto.",
        c"auto (the default) is on in sessions of pg_dump, pg_dumpall and pg_restore and off elsewhere, so that dumps \
          hold no plaintext and restore as they are; under auto, plaintext input that is an envelope's text form \
          is refused rather than sealed as data. on: envelopes in every session; off: plaintext in every session.",
        &CIPHERTEXT_IO,
        GucContext::Userset,
        GucFlags::default(),
    );
}

/// Whether text and binary I/O carry envelopes: under colcrypt.ciphertext_io (`on`, or `auto` in
/// a dump tool's session), and in logical replication, so values cross from publisher to
/// subscriber as ciphertext (a walsender also has no snapshot for the key lookups decrypting would
/// need; the subscriber's apply and table sync workers check each envelope as binary input under
/// ciphertext_io is checked).
pub(crate) fn ciphertext_io() -> bool {
    // SAFETY: reads of backend-global flags set at process start.
    explicitly_on()
        || (CIPHERTEXT_IO.get() == CiphertextIo::Auto && dump_tool_session())
        || unsafe { pg_sys::am_walsender }
        || crate::unguarded::is_logical_worker()
        || crate::citus::shard_copy_source()
}

/// `colcrypt.ciphertext_io = on`.
fn explicitly_on() -> bool {
    CIPHERTEXT_IO.get() == CiphertextIo::On
}

#[derive(Clone, Copy)]
enum Plain {
    /// text: its input string and its datum's bytes are already the plaintext, sealed where
    /// they lie (no fmgr call and no copy per row on the COPY and INSERT paths).
    Verbatim,
    /// Sealed as its binary send form.
    Binary,
    /// jsonb: sealed as its container, read back without parsing (colcrypt_core::jsonb_binary;
    /// values sealed as `jsonb_out` text before 0.2.0's binary form still read).
    Jsonb,
}

pub(crate) struct TypeSpec {
    name: &'static str,
    plain_oid: pg_sys::BuiltinOid,
    plain: Plain,
    /// `type_context(name)`, built on first use instead of once per row.
    context: std::sync::OnceLock<Vec<u8>>,
    /// The plaintext type's I/O functions, looked up once instead of once per row.
    fns: std::sync::OnceLock<PlainFns>,
}

/// Built-in function oids are the same in every backend, so one lookup serves the process.
struct PlainFns {
    input: pg_sys::Oid,
    ioparam: pg_sys::Oid,
    output: pg_sys::Oid,
    send: pg_sys::Oid,
    recv: pg_sys::Oid,
}

impl TypeSpec {
    fn context(&self) -> &[u8] {
        self.context.get_or_init(|| type_context(self.name))
    }

    fn fns(&self) -> &PlainFns {
        self.fns.get_or_init(|| {
            let oid = self.plain_oid.value();
            let mut f = PlainFns {
                input: pg_sys::InvalidOid,
                ioparam: pg_sys::InvalidOid,
                output: pg_sys::InvalidOid,
                send: pg_sys::InvalidOid,
                recv: pg_sys::InvalidOid,
            };
            let mut varlena = false;
            let mut recv_ioparam = pg_sys::InvalidOid;
            // SAFETY: catalog lookups for a built-in type; errors raise through pgrx's guards.
            unsafe {
                pg_sys::getTypeInputInfo(oid, &mut f.input, &mut f.ioparam);
                pg_sys::getTypeOutputInfo(oid, &mut f.output, &mut varlena);
                pg_sys::getTypeBinaryOutputInfo(oid, &mut f.send, &mut varlena);
                pg_sys::getTypeBinaryInputInfo(oid, &mut f.recv, &mut recv_ioparam);
            }
            f
        })
    }
}

/// Calls `f` with the plaintext of an input string (see the module comment).
fn with_input_plaintext<R>(spec: &TypeSpec, input: &CStr, f: impl FnOnce(&[u8]) -> R) -> R {
    if let Plain::Verbatim = spec.plain {
        return f(input.to_bytes());
    }
    with_datum_plaintext(spec, plain_input(spec, input), f)
}

/// The plaintext type's input function on `input`. Its own error would quote the value
/// ("invalid input syntax for type integer: \"…\""), which for a bind parameter is in no
/// statement text, and under ciphertext_io = on is an envelope: it is replaced by one that does
/// not, with the same SQLSTATE. Input functions of built-in types hold no resources to release.
fn plain_input(spec: &TypeSpec, input: &CStr) -> pg_sys::Datum {
    let fns = spec.fns();
    PgTryBuilder::new(|| {
        // SAFETY: fmgr call of a built-in input function; errors raise through pgrx's guards.
        unsafe { pg_sys::OidInputFunctionCall(fns.input, input.as_ptr().cast_mut(), fns.ioparam, -1) }
    })
    .catch_others(|e| match e {
        pg_sys::panic::CaughtError::PostgresError(report) => {
            ColcryptError::InvalidPlaintext(spec.name, report.sql_error_code()).raise()
        }
        other => other.rethrow(),
    })
    .execute()
}

/// Calls `f` with the bytes sealed for a datum of the plaintext type (see the module comment),
/// read where PostgreSQL put them: no copy of the plaintext in Rust's heap.
pub(crate) fn with_datum_plaintext<R>(spec: &TypeSpec, datum: pg_sys::Datum, f: impl FnOnce(&[u8]) -> R) -> R {
    // SAFETY: `datum` is a valid datum of the plaintext type; fmgr calls on built-in types; the
    // slices live in the current memory context for the whole call of `f`.
    unsafe {
        match spec.plain {
            Plain::Verbatim => f(crate::unguarded::varlena_bytes(datum)),
            Plain::Binary => {
                f(pgrx::varlena::varlena_to_byte_slice(pg_sys::OidSendFunctionCall(spec.fns().send, datum).cast()))
            }
            // The container is written in the server's byte order; the binary form says
            // little-endian, so a big-endian server seals the text form instead.
            // A document nested deeper than the binary form's reader allows is sealed as text.
            Plain::Jsonb => {
                let container = crate::unguarded::varlena_bytes(datum);
                if cfg!(target_endian = "little") && colcrypt_core::jsonb_binary::sealable(container) {
                    let mut sealed = zeroize::Zeroizing::new(Vec::with_capacity(JSONB_PREFIX.len() + container.len()));
                    sealed.extend_from_slice(&JSONB_PREFIX);
                    sealed.extend_from_slice(container);
                    f(&sealed)
                } else {
                    f(CStr::from_ptr(pg_sys::OidOutputFunctionCall(spec.fns().output, datum)).to_bytes())
                }
            }
        }
    }
}

/// Seals plaintext bytes for a column with type modifier `typmod` (-1: a value not yet in a
/// column, under `__transient`, see keyring.rs).
fn seal_for_column(spec: &TypeSpec, typmod: i32, plaintext: &[u8]) -> pg_sys::Datum {
    let index = if searchable(typmod) { Some(blind_index(spec, plaintext).or_raise()) } else { None };
    seal_value_datum(spec, &keyring::for_typmod(typmod).or_raise(), plaintext, index).or_raise()
}

/// The cast from the plaintext type. It receives the column's type modifier, so a value from
/// `INSERT … SELECT plain_column` is sealed once, under the right key.
pub(crate) fn type_from_plain(spec: &TypeSpec, datum: pg_sys::Datum, typmod: i32) -> pg_sys::Datum {
    note_plaintext();
    with_datum_plaintext(spec, datum, |plaintext| {
        refuse_envelope_parameter(spec, envelope_like(spec, plaintext));
        seal_for_column(spec, typmod, plaintext)
    })
}

/// Whether `plaintext`, given as a value of the plaintext type, is what the encrypted type's input
/// takes as an envelope: for text, an envelope's text form; for binary forms (bytea), an envelope.
pub(crate) fn envelope_like(spec: &TypeSpec, plaintext: &[u8]) -> bool {
    match spec.plain {
        Plain::Verbatim => is_envelope_literal(plaintext),
        // Prefix first: ordinary values pay one comparison.
        Plain::Binary => [&b"CC"[..], b"CB", b"CI"].iter().any(|p| plaintext.starts_with(p)) && envelope_commitment(split(plaintext).1).is_ok(),
        Plain::Jsonb => false,
    }
}

/// A parameter that src/param_types.rs typed as the plaintext type (sent as, or declared as, the
/// encrypted type) keeps the checks the encrypted type's input has, wherever it is used: written
/// into a column (the cast above) or compared with one (src/cross_type.rs, which caches
/// `envelope_like` per parameter value and asks again here on every use, as the setting and the
/// statement may differ between uses). An envelope's text form is refused, not sealed as data,
/// unless ciphertext_io is off (also when the setting was turned on after the statement was
/// parsed: it cannot load the envelope then); an envelope as a binary value always. A cast from
/// text elsewhere is data, as always.
pub(crate) fn refuse_envelope_parameter(spec: &TypeSpec, envelope_like: bool) {
    if !envelope_like {
        return;
    }
    match spec.plain {
        Plain::Verbatim if CIPHERTEXT_IO.get() != CiphertextIo::Off && crate::param_types::in_retyped_statement() => {
            ColcryptError::EnvelopeAsPlaintext(spec.name).raise()
        }
        Plain::Binary if crate::param_types::in_retyped_statement() => ColcryptError::EnvelopeAsBinaryInput(spec.name).raise(),
        _ => {}
    }
}

/// A cast from a type the plaintext type takes by assignment (an int8 or a numeric into
/// encrypted_int4, varchar into encrypted_text, a timestamp into encrypted_date): the plaintext
/// type's own cast, with its rounding and range errors, then one seal under the column's key as
/// from the plaintext type. (Through the text form, as an I/O cast, the value would be sealed
/// under `__transient` first and a real into encrypted_float8 would not be the float8 that
/// `= real` looks up.)
pub(crate) fn type_from_other(spec: &TypeSpec, value: pg_sys::Datum, typmod: i32, fcinfo: pg_sys::FunctionCallInfo) -> pg_sys::Datum {
    // Before the plaintext type's cast, which can fail (out of range): its error must not carry
    // the statement's parameters (log_redaction).
    note_plaintext();
    // SAFETY: fcinfo is this call's; its flinfo names the cast expression's argument type.
    let source = unsafe { pg_sys::get_fn_expr_argtype((*fcinfo).flinfo, 0) };
    let plain = to_plain_type(spec, source, value);
    type_from_plain(spec, plain, typmod)
}

/// How a value of another type becomes a datum of the plaintext type (PostgreSQL's assignment
/// cast between them), resolved once per (source, plaintext type).
#[derive(Clone, Copy)]
enum Pathway {
    /// Binary-coercible (varchar to text).
    Relabel,
    /// A cast function taking the value alone, or also a type modifier and whether explicit.
    Function { func: pg_sys::Oid, with_typmod: bool },
    /// Through the text form: the source type's output function, then the plaintext type's input.
    ViaText { output: pg_sys::Oid },
    None,
}

thread_local! {
    /// The last (source, plaintext type) and its pathway: a COPY or INSERT … SELECT casts every
    /// row the same way, and each lookup is a catalog search.
    static LAST_PATHWAY: std::cell::Cell<Option<(pg_sys::Oid, pg_sys::Oid, Pathway)>> = const { std::cell::Cell::new(None) };
}

fn pathway(source: pg_sys::Oid, target: pg_sys::Oid) -> Pathway {
    use pg_sys::CoercionPathType::*;
    if let Some((_, _, p)) = LAST_PATHWAY.get().filter(|(s, t, _)| *s == source && *t == target) {
        return p;
    }
    let mut func = pg_sys::InvalidOid;
    // SAFETY: catalog lookups (pg_cast, pg_proc, pg_type); errors raise through pgrx's guards.
    let p = unsafe {
        match pg_sys::find_coercion_pathway(target, source, pg_sys::CoercionContext::COERCION_ASSIGNMENT, &mut func) {
            COERCION_PATH_RELABELTYPE => Pathway::Relabel,
            COERCION_PATH_FUNC => Pathway::Function { func, with_typmod: pg_sys::get_func_nargs(func) > 1 },
            COERCION_PATH_COERCEVIAIO => {
                let (mut output, mut varlena) = (pg_sys::InvalidOid, false);
                pg_sys::getTypeOutputInfo(source, &mut output, &mut varlena);
                Pathway::ViaText { output }
            }
            _ => Pathway::None,
        }
    };
    LAST_PATHWAY.set(Some((source, target, p)));
    p
}

/// `value` of type `source` as a datum of the plaintext type, by PostgreSQL's assignment cast.
fn to_plain_type(spec: &TypeSpec, source: pg_sys::Oid, value: pg_sys::Datum) -> pg_sys::Datum {
    // SAFETY: fmgr calls of the cast function pg_cast names for these types, or of the source
    // type's output function; errors raise through pgrx's guards.
    unsafe {
        match pathway(source, spec.plain_oid.value()) {
            Pathway::Relabel => value,
            Pathway::Function { func, with_typmod: false } => pg_sys::OidFunctionCall1Coll(func, pg_sys::DEFAULT_COLLATION_OID, value),
            Pathway::Function { func, with_typmod: true } => {
                pg_sys::OidFunctionCall3Coll(func, pg_sys::DEFAULT_COLLATION_OID, value, pg_sys::Datum::from(-1i32), pg_sys::Datum::from(false))
            }
            Pathway::ViaText { output } => plain_input(spec, CStr::from_ptr(pg_sys::OidOutputFunctionCall(output, value))),
            Pathway::None => ColcryptError::NoPlainCast(spec.name).raise(),
        }
    }
}

/// The cast to the plaintext type: the decrypted value as a datum of that type, built from the
/// sealed form itself (no trip through the text form, which depends on DateStyle, TimeZone and
/// extra_float_digits and so could come back as another value).
pub(crate) fn type_to_plain(spec: &TypeSpec, value: &[u8]) -> pg_sys::Datum {
    note_plaintext();
    // Only under an explicit `on`: a restore under `auto` evaluates CHECK constraints, generated
    // columns, expression indexes and materialized views as any session would (on plaintext).
    if explicitly_on() {
        // In this mode the text form is the envelope; the cast keeps meaning "through the text
        // form" (an envelope for text, an input error for other types, which names no value).
        // SAFETY: type_out returns a palloc'd NUL-terminated string.
        return plain_input(spec, unsafe { CStr::from_ptr(type_out(spec, value).cast_mut_ptr::<std::ffi::c_char>()) });
    }
    plain_datum(spec, value).or_raise()
}

/// The plaintext of a value sealed under `__transient` and carrying no blind index (what input
/// makes of a literal, with modifier -1), as a datum of the plaintext type; `None` for any
/// other value, or one that does not open as this type's. For the rewrite of literals after
/// parse analysis (src/literals.rs). `__transient` can be neither denied nor restricted, and
/// whoever wrote the literal had its plaintext.
pub(crate) fn transient_plaintext(spec: &TypeSpec, value: &[u8]) -> Option<pg_sys::Datum> {
    let (index, envelope) = split(value);
    if index != Index::None || keyring::key_of(envelope).ok()?.name != keyring::TRANSIENT_KEY {
        return None;
    }
    note_plaintext();
    plain_datum(spec, value).ok()
}

/// The datum of the plaintext type for a stored value, built by that type's own input or
/// receive function, or for text in place.
fn plain_datum(spec: &TypeSpec, value: &[u8]) -> Result<pg_sys::Datum> {
    let fns = spec.fns();
    Ok(match spec.plain {
        Plain::Verbatim => pg_sys::Datum::from(open_varlena(spec, value, true)?),
        // SAFETY: fmgr call of a built-in receive function on the plaintext that was sealed for
        // this type; the result is palloc'd in the current memory context.
        Plain::Binary => unsafe { pg_sys::OidReceiveFunctionCall(fns.recv, open_stringinfo(spec, value)?, fns.ioparam, -1) },
        Plain::Jsonb => open_jsonb(spec, value)?,
    })
}

use colcrypt_core::jsonb_binary::PREFIX as JSONB_PREFIX;

/// An opened `encrypted_jsonb` value: a jsonb datum, or the text form of values sealed before
/// the binary one.
enum OpenedJsonb {
    Datum(pg_sys::Datum),
    Text(*mut std::ffi::c_char),
}

/// An `encrypted_jsonb` value as a jsonb datum in the current memory context.
fn open_jsonb(spec: &TypeSpec, value: &[u8]) -> Result<pg_sys::Datum> {
    Ok(match open_jsonb_form(spec, value)? {
        OpenedJsonb::Datum(d) => d,
        // jsonb's input, with an error that does not quote the document.
        // SAFETY: a NUL-terminated palloc'd text.
        OpenedJsonb::Text(text) => plain_input(spec, unsafe { CStr::from_ptr(text) }),
    })
}

/// Opens an `encrypted_jsonb` value. The binary form is opened so that its prefix lies where the
/// varlena header goes, and the header is written over it: no parse and no copy. The container
/// is checked first (PostgreSQL's jsonb code trusts what it reads).
fn open_jsonb_form(spec: &TypeSpec, value: &[u8]) -> Result<OpenedJsonb> {
    const BEFORE: usize = pg_sys::VARHDRSZ - JSONB_PREFIX.len();
    let (base, plaintext) = open_to_palloc(spec, value, BEFORE, 1)?;
    if let Some(container) = colcrypt_core::jsonb_binary::container_of(plaintext) {
        if let Err(e) = colcrypt_core::jsonb_binary::validate(container) {
            zeroize::Zeroize::zeroize(plaintext);
            return Err(e.into());
        }
        if cfg!(target_endian = "little") {
            // SAFETY: the allocation holds BEFORE bytes, then the plaintext (prefix and
            // container), so the header's four bytes end where the container starts.
            unsafe { pgrx::varlena::set_varsize_4b(base.cast(), (BEFORE + plaintext.len()) as i32) };
            return Ok(OpenedJsonb::Datum(pg_sys::Datum::from(base)));
        }
        let text = zeroize::Zeroizing::new(colcrypt_core::jsonb_binary::to_text(container)?);
        zeroize::Zeroize::zeroize(plaintext);
        return Ok(OpenedJsonb::Text(palloc_cstring(&text).as_ptr().cast_mut()));
    }
    refuse_nul(plaintext)?;
    // SAFETY: the allocation has one byte after the plaintext, which starts BEFORE bytes in.
    unsafe {
        *base.add(BEFORE + plaintext.len()) = 0;
        Ok(OpenedJsonb::Text(base.add(BEFORE).cast()))
    }
}

/// Opens a stored value straight into a palloc'd buffer with `before` spare bytes in front of the
/// plaintext and `after` behind it (a varlena header, a NUL): the current memory context is where
/// plaintext datums live anyway, so no copy is made, and none is left in Rust's heap to wipe. On
/// failure the buffer is wiped (core) and goes with its context. Returns the buffer's start.
fn open_to_palloc(spec: &TypeSpec, datum: &[u8], before: usize, after: usize) -> Result<(*mut u8, &'static mut [u8])> {
    let (index, envelope) = split(datum);
    let key = keyring::readable_key(envelope)?;
    let mut base = std::ptr::null_mut::<u8>();
    let plaintext = key.cipher()?.open_into(envelope, &context_for(spec, index), |n| {
        base = crate::unguarded::palloc(before + n + after);
        // SAFETY: the slice is the `n` bytes after the first `before` of the allocation, valid
        // until the current memory context is reset ('static here).
        unsafe { std::slice::from_raw_parts_mut(base.add(before), n) }
    })?;
    Ok((base, plaintext))
}

/// Text forms were produced by the type's own output function, and PostgreSQL text holds no
/// NUL: a plaintext with one did not come from this type (it is wiped and refused).
fn refuse_nul(plaintext: &mut [u8]) -> Result<()> {
    // The C library's memchr (vectorised), not the slice's word-at-a-time search: this runs for
    // every text value read, and took about 180 instructions of a 64-byte one (callgrind).
    // SAFETY: a search within the slice's own bytes.
    if !unsafe { libc::memchr(plaintext.as_ptr().cast(), 0, plaintext.len()) }.is_null() {
        zeroize::Zeroize::zeroize(plaintext);
        return Err(ColcryptError::Core(CoreError::CannotDecrypt));
    }
    Ok(())
}

/// The plaintext of a stored value as a NUL-terminated string in the current memory context.
fn open_cstring(spec: &TypeSpec, value: &[u8]) -> Result<*mut std::ffi::c_char> {
    let (base, plaintext) = open_to_palloc(spec, value, 0, 1)?;
    refuse_nul(plaintext)?;
    // SAFETY: the allocation has one byte after the plaintext.
    unsafe { *base.add(plaintext.len()) = 0 };
    Ok(base.cast())
}

/// The plaintext of a stored value as a varlena (text, bytea) in the current memory context;
/// `text`: refuse a NUL, as text cannot hold one.
fn open_varlena(spec: &TypeSpec, value: &[u8], text: bool) -> Result<*mut pg_sys::varlena> {
    let (base, plaintext) = open_to_palloc(spec, value, pg_sys::VARHDRSZ, 0)?;
    if text {
        refuse_nul(plaintext)?;
    }
    // SAFETY: the allocation starts with VARHDRSZ bytes for the header; PostgreSQL values stop at
    // 1 GiB, so the length fits.
    unsafe { pgrx::varlena::set_varsize_4b(base.cast(), (pg_sys::VARHDRSZ + plaintext.len()) as i32) };
    Ok(base.cast())
}

/// The plaintext of a stored value (a binary send form) as a StringInfo for the type's receive
/// function, over the decrypted bytes themselves (NUL-terminated, as a StringInfo's data is).
fn open_stringinfo(spec: &TypeSpec, value: &[u8]) -> Result<pg_sys::StringInfo> {
    let (base, plaintext) = open_to_palloc(spec, value, 0, 1)?;
    let len = plaintext.len() as i32;
    // SAFETY: the allocation has one byte after the plaintext; the StringInfo is palloc'd and
    // every field set (PostgreSQL 15 has no initReadOnlyStringInfo).
    unsafe {
        *base.add(plaintext.len()) = 0;
        let si = pg_sys::palloc(std::mem::size_of::<pg_sys::StringInfoData>()).cast::<pg_sys::StringInfoData>();
        si.write(pg_sys::StringInfoData { data: base.cast(), len, maxlen: len + 1, cursor: 0 });
        Ok(si)
    }
}

/// `bytes` (holding no NUL) as a NUL-terminated string in the current memory context. The
/// `'static` stands for "until that context is reset", which outlives the function call that
/// returns it.
fn palloc_cstring(bytes: &[u8]) -> &'static CStr {
    // SAFETY: palloc raises on failure; the copy stays within the allocation of len + 1 bytes
    // and ends with the only NUL.
    unsafe {
        let dst = pg_sys::palloc(bytes.len() + 1).cast::<u8>();
        dst.copy_from_nonoverlapping(bytes.as_ptr(), bytes.len());
        *dst.add(bytes.len()) = 0;
        CStr::from_ptr(dst.cast())
    }
}

// How a stored value carries its blind index (docs/FORMAT.md, "Searchable values"): the core's
// definition, shared with `colcrypt recover`.
use colcrypt_core::binding::{split_stored as split, StoredIndex as Index, BOUND_TAG, INDEXED_PREFIX_LEN};

/// The AEAD context a value was sealed with: its type's, and for a bound index the index too.
fn context_for(spec: &TypeSpec, index: Index) -> std::borrow::Cow<'_, [u8]> {
    match index {
        Index::Bound(idx) => std::borrow::Cow::Owned(colcrypt_core::binding::indexed_context(spec.context(), &idx)),
        Index::None | Index::Unbound(_) => std::borrow::Cow::Borrowed(spec.context()),
    }
}

/// Seals `plaintext` under `key` as a stored value, into the buffer `alloc` returns for its
/// length: the envelope alone, or with a blind index bound into it (`"CB" ‖ index ‖ envelope`).
fn seal_value_into<'o>(
    spec: &TypeSpec,
    key: &keyring::DataKey,
    plaintext: &[u8],
    index: Option<[u8; BLIND_INDEX_LEN]>,
    alloc: impl FnOnce(usize) -> &'o mut [u8],
) -> Result<&'o mut [u8]> {
    let cipher = key.cipher()?;
    let Some(idx) = index else {
        return Ok(cipher.seal_into(plaintext, spec.context(), &[], alloc)?);
    };
    let mut prefix = [0u8; INDEXED_PREFIX_LEN];
    prefix[..BOUND_TAG.len()].copy_from_slice(BOUND_TAG);
    prefix[BOUND_TAG.len()..].copy_from_slice(&idx);
    Ok(cipher.seal_into(plaintext, &context_for(spec, Index::Bound(idx)), &prefix, alloc)?)
}

/// [`seal_value_into`] the datum itself, a varlena in the current memory context: the write
/// paths (input, casts) then make no Rust allocation and no copy per value.
fn seal_value_datum(spec: &TypeSpec, key: &keyring::DataKey, plaintext: &[u8], index: Option<[u8; BLIND_INDEX_LEN]>) -> Result<pg_sys::Datum> {
    let mut base = std::ptr::null_mut::<u8>();
    let stored = seal_value_into(spec, key, plaintext, index, |n| {
        base = crate::unguarded::palloc(pg_sys::VARHDRSZ + n);
        // SAFETY: the `n` bytes after the header of the allocation just made, valid until the
        // current memory context is reset.
        unsafe { std::slice::from_raw_parts_mut(base.add(pg_sys::VARHDRSZ), n) }
    })?;
    // SAFETY: the allocation starts with VARHDRSZ bytes for the header. Its size passed palloc,
    // which refuses more than 1 GiB, so the length fits in the header's 30 bits.
    unsafe { pgrx::varlena::set_varsize_4b(base.cast(), (pg_sys::VARHDRSZ + stored.len()) as i32) };
    Ok(pg_sys::Datum::from(base))
}

/// The blind index of a plaintext: over its canonical equality form (docs/FORMAT.md, "Blind
/// index"), so that equality agrees with the plaintext type's own `=` (numeric 1.0 = 1.00,
/// float8 0 = -0, NaN = NaN).
pub(crate) fn blind_index(spec: &TypeSpec, plaintext: &[u8]) -> Result<[u8; BLIND_INDEX_LEN]> {
    let form = colcrypt_core::canonical::equality_form(spec.name, plaintext)?;
    let index = keyring::blind_index_key()?.cipher()?.blind_index(spec.context(), &form);
    // A canonical form that differs from the plaintext (numeric, float8, jsonb) is a copy of it.
    if let std::borrow::Cow::Owned(mut copy) = form {
        zeroize::Zeroize::zeroize(&mut copy);
    }
    Ok(index)
}

fn searchable(typmod: i32) -> bool {
    typmod >= 0 && typmod & keyring::SEARCHABLE != 0
}

/// The blind index of any value: stored in searchable columns, computed (by decrypting)
/// for others, so equality is the same relation whichever way a value was stored.
pub(crate) fn index_of(spec: &TypeSpec, datum: &[u8]) -> [u8; BLIND_INDEX_LEN] {
    let (index, envelope) = split(datum);
    if let Some(idx) = index.value() {
        return idx;
    }
    if analyzing() {
        ColcryptError::ComparedInAnalyze.raise();
    }
    // The rights to the key are checked on every call, cached or not: the cache outlives
    // statements and role changes, and an answer from it is as good as the plaintext's.
    let key = keyring::readable_key(envelope).or_raise();
    let cipher = key.cipher().or_raise();
    if let Some(idx) = crate::index_cache::get(envelope) {
        return idx;
    }
    // The key is checked and unwrapped above; open with it rather than looking it up again.
    let plaintext = zeroize::Zeroizing::new(cipher.open(envelope, &context_for(spec, index)).or_raise());
    let idx = blind_index(spec, &plaintext).or_raise();
    crate::index_cache::put(envelope, idx);
    idx
}

/// Whether this backend is running ANALYZE (a statement's, or autovacuum's: src/in_analyze.rs).
/// ANALYZE runs as the table's owner and publishes what its comparisons find in pg_stats:
/// comparing values that are not searchable would show, to readers denied the plaintext, how
/// many distinct values a column of a row type or an array holds and how often each comes.
/// Statistics targets of 0 (sql/finalize.sql) keep ANALYZE off such columns, but not those of
/// another role's table whose row type gained an encrypted field (an attacker review), so such a
/// comparison is refused, with the command that fixes the column. Refused rather than answered
/// some other way: reviews showed that code ANALYZE calls (an index expression's function, the
/// domain checks and triggers of what it writes) cannot be told apart from ANALYZE's own
/// comparisons, and a wrong answer there persisted (a duplicate past a uniqueness trigger, a
/// value past a domain check).
fn analyzing() -> bool {
    crate::in_analyze::running()
}

/// `\x` + hex of the envelope: the text form under colcrypt.ciphertext_io. The value is
/// checked as binary input is (authenticated, its blind index verified, moved to the column's
/// key). One exception keeps restores working: a restore may load tables before the key table,
/// so for a superuser a value whose key is not (yet) in the database is stored as given after a
/// structural check, and authenticated when it is read.
fn envelope_literal(spec: &TypeSpec, input: &CStr, typmod: i32) -> Result<pg_sys::Datum> {
    check_envelope_input_allowed()?;
    let s = input.to_bytes();
    let hex_part = s.strip_prefix(b"\\x").ok_or(ColcryptError::Core(CoreError::NotAnEnvelope))?;
    let bytes = hex::decode(hex_part).map_err(|_| ColcryptError::Core(CoreError::NotAnEnvelope))?;
    envelope_input(spec, bytes, typmod)
}

/// An envelope given as input (text or binary), checked as envelope_literal describes.
fn envelope_input(spec: &TypeSpec, bytes: Vec<u8>, typmod: i32) -> Result<pg_sys::Datum> {
    check_envelope_input_allowed()?;
    envelope_commitment(split(&bytes).1)?;
    match coerce(spec, &bytes, typmod, true).map(|c| c.into_datum(&bytes)) {
        // Also a value whose key does not unwrap yet: a restore into a server with another master
        // key loads the keys as they were wrapped, and rotate_master_key re-wraps them afterwards.
        // And a value of a destroyed key: a dump of a table holding crypto-shredded values must
        // restore; such a value never opens, so there is nothing to authenticate or protect.
        Err(ColcryptError::NoKeyForValue | ColcryptError::KeyDestroyed(_) | ColcryptError::Core(CoreError::WrongMasterKey))
            if crate::citus::acts_as_superuser() =>
        {
            Ok(palloc_bytea(&bytes))
        }
        other => other,
    }
}

/// Loading envelopes is a restore: envelopes are not bound to a table, so a role that could load
/// them could read, in a table of its own, values copied from a dump or the files of tables it may
/// not read. Superusers (pg_restore, the logical replication workers) and key admins may.
fn check_envelope_input_allowed() -> Result<()> {
    if crate::citus::acts_as_superuser() || crate::privileged::current_role_is_key_admin() {
        Ok(())
    } else {
        Err(ColcryptError::EnvelopeInputDenied)
    }
}

/// Whether plaintext input is the text form of a stored value (`\x` + hex of an envelope, bare
/// or with a blind index): a cheap prefix test first, since bytea input always starts with `\x`.
fn is_envelope_literal(s: &[u8]) -> bool {
    const MIN_HEX: usize = 2 * 64; // a 48-byte header and a 16-byte tag
    let Some(hex_part) = s.strip_prefix(b"\\x") else { return false };
    let starts_like_one = [&b"4343"[..], b"4342", b"4349"].iter().any(|p| hex_part.len() >= 4 && hex_part[..4].eq_ignore_ascii_case(p));
    if hex_part.len() < MIN_HEX || !starts_like_one {
        return false;
    }
    match hex::decode(hex_part) {
        Ok(bytes) => envelope_commitment(split(&bytes).1).is_ok(),
        Err(_) => false,
    }
}

pub(crate) fn type_in(spec: &TypeSpec, input: &CStr, typmod: i32) -> pg_sys::Datum {
    note_plaintext();
    if ciphertext_io() {
        return envelope_literal(spec, input, typmod).or_raise();
    }
    if CIPHERTEXT_IO.get() == CiphertextIo::Auto && is_envelope_literal(input.to_bytes()) {
        if crate::citus::shard_copy_target() {
            return envelope_literal(spec, input, typmod).or_raise();
        }
        // A ciphertext dump restored without the setting (psql -f of a plain-format dump, or
        // PGAPPNAME set): sealing the envelope's text as data would store it as the value of
        // text and bytea columns. Explicit `off` stores such text as data.
        ColcryptError::EnvelopeAsPlaintext(spec.name).raise();
    }
    with_input_plaintext(spec, input, |plaintext| seal_for_column(spec, typmod, plaintext))
}

/// The text form, as a C string datum in the current memory context, decrypted in place there.
pub(crate) fn type_out(spec: &TypeSpec, value: &[u8]) -> pg_sys::Datum {
    note_plaintext();
    if ciphertext_io() {
        return pg_sys::Datum::from(palloc_cstring(format!("\\x{}", hex::encode(value)).as_bytes()).as_ptr());
    }
    match spec.plain {
        Plain::Verbatim => pg_sys::Datum::from(open_cstring(spec, value).or_raise()),
        Plain::Binary => {
            let f = spec.fns();
            // SAFETY: fmgr calls of the built-in receive and output functions; results palloc'd.
            unsafe {
                let datum = pg_sys::OidReceiveFunctionCall(f.recv, open_stringinfo(spec, value).or_raise(), f.ioparam, -1);
                pg_sys::Datum::from(pg_sys::OidOutputFunctionCall(f.output, datum))
            }
        }
        Plain::Jsonb => match open_jsonb_form(spec, value).or_raise() {
            // SAFETY: fmgr call of jsonb's output function on a jsonb datum.
            OpenedJsonb::Datum(d) => unsafe { pg_sys::Datum::from(pg_sys::OidOutputFunctionCall(spec.fns().output, d)) },
            // The text form is jsonb_out's text already.
            OpenedJsonb::Text(text) => pg_sys::Datum::from(text),
        },
    }
}

/// Binary input is the plaintext type's binary form (what drivers send for an int4, a jsonb, a
/// bytea …), sealed like text input; under colcrypt.ciphertext_io it is the envelope, checked as
/// an envelope literal is. An envelope sent as plaintext is refused with what to do instead,
/// rather than sealed as data.
pub(crate) fn type_recv(spec: &TypeSpec, mut buf: Internal, typmod: i32) -> pg_sys::Datum {
    note_plaintext();
    // SAFETY: PostgreSQL passes a StringInfo to receive functions.
    let si = unsafe { buf.get_mut::<pg_sys::StringInfoData>().expect("receive function called without a buffer") };
    // SAFETY: the unread part of the message buffer, valid while `si` is.
    let unread = unsafe { std::slice::from_raw_parts(si.data.add(si.cursor as usize).cast::<u8>(), (si.len - si.cursor) as usize) };
    if let Some(stored) = crate::citus_intermediate::open_frame(spec.context(), unread) {
        si.cursor = si.len;
        return coerce(spec, &stored, typmod, false).map(|c| c.into_datum(&stored)).or_raise();
    }
    if ciphertext_io() || (envelope_commitment(split(unread).1).is_ok() && crate::citus::shard_copy_target()) {
        let bytes = unread.to_vec();
        si.cursor = si.len;
        // The catch-up of a Citus shard move or split replays the source shard's rows: stored
        // as they are, without opening them (no key use: see citus::shard_transfer_apply_worker).
        if crate::citus::shard_transfer_apply_worker() {
            envelope_commitment(split(&bytes).1).or_raise();
            return palloc_bytea(&bytes);
        }
        return envelope_input(spec, bytes, typmod).or_raise();
    }
    if envelope_commitment(split(unread).1).is_ok() {
        ColcryptError::EnvelopeAsBinaryInput(spec.name).raise();
    }
    let fns = spec.fns();
    let si_ptr: *mut pg_sys::StringInfoData = si;
    // As for text input, the plaintext type's own error is replaced by one that does not quote
    // the value, with its SQLSTATE. The receive function consumes the buffer; what it leaves
    // unread PostgreSQL reports as a wrong binary format.
    let datum = PgTryBuilder::new(|| {
        // SAFETY: fmgr call of a built-in receive function on the message buffer.
        unsafe { pg_sys::OidReceiveFunctionCall(fns.recv, si_ptr, fns.ioparam, -1) }
    })
    .catch_others(|e| match e {
        // Receive functions report a short or long value as a protocol violation (08P01), and some
        // reject bytes with a plain elog (XX000: jsonb_recv's "unsupported jsonb version number");
        // for a value that is the wrong shape, invalid_binary_representation says what happened.
        pg_sys::panic::CaughtError::PostgresError(report) => {
            let code = match report.sql_error_code() {
                PgSqlErrorCode::ERRCODE_PROTOCOL_VIOLATION | PgSqlErrorCode::ERRCODE_INTERNAL_ERROR => {
                    PgSqlErrorCode::ERRCODE_INVALID_BINARY_REPRESENTATION
                }
                other => other,
            };
            ColcryptError::InvalidBinaryInput(spec.name, code).raise()
        }
        other => other.rethrow(),
    })
    .execute();
    // A wider value than the type's (an int8 for an encrypted_int4) leaves bytes unread, which
    // PostgreSQL would report without saying what to send.
    // SAFETY: `si_ptr` is the StringInfo PostgreSQL passed in, still valid.
    if unsafe { (*si_ptr).cursor != (*si_ptr).len } {
        ColcryptError::InvalidBinaryInput(spec.name, PgSqlErrorCode::ERRCODE_INVALID_BINARY_REPRESENTATION).raise();
    }
    with_datum_plaintext(spec, datum, |plaintext| seal_for_column(spec, typmod, plaintext))
}

/// Binary output is the plaintext type's binary form, decrypted as text output is; under
/// colcrypt.ciphertext_io it is the stored envelope ([`stored_envelope`]).
pub(crate) fn type_send(spec: &TypeSpec, value: &[u8]) -> pg_sys::Datum {
    note_plaintext();
    if crate::citus_intermediate::sending() {
        return palloc_bytea(&crate::citus_intermediate::frame(spec.context(), value).or_raise());
    }
    if ciphertext_io() {
        return palloc_bytea(&stored_envelope(value));
    }
    match spec.plain {
        // The sealed bytes are the type's binary form already.
        Plain::Binary => pg_sys::Datum::from(open_varlena(spec, value, false).or_raise()),
        // SAFETY: fmgr call of the built-in send function on a datum of its type.
        Plain::Verbatim | Plain::Jsonb => unsafe {
            pg_sys::Datum::from(pg_sys::OidSendFunctionCall(spec.fns().send, plain_datum(spec, value).or_raise()))
        },
    }
}

/// What a value is stored as, for `colcrypt.envelope()` and binary output under ciphertext_io:
/// the envelope, with a bound blind index in front (`"CB" ‖ index ‖ envelope`, as it is part of
/// what the envelope authenticates); an unbound index (`"CI"`) is left out.
pub(crate) fn stored_envelope(value: &[u8]) -> Vec<u8> {
    match split(value) {
        (Index::Bound(_), _) => value.to_vec(),
        (_, envelope) => envelope.to_vec(),
    }
}

/// A stored value's bytes, from the datum PostgreSQL passes (its functions are STRICT). Taken
/// as a raw datum rather than `&[u8]`: pgrx detoasts every argument through its guarded call (a
/// sigsetjmp), and a value stored in line, which nearly every encrypted value is, needs none.
pub(crate) fn stored(value: Internal) -> &'static [u8] {
    // SAFETY: a datum of an encrypted type is a bytea-like varlena; the bytes live until the
    // current memory context is reset ('static here, as for the other per-call buffers).
    unsafe { crate::unguarded::varlena_bytes(value.unwrap().expect("STRICT: not NULL")) }
}

/// `bytes` as a bytea datum in the current memory context (no copy left in Rust's heap).
fn palloc_bytea(bytes: &[u8]) -> pg_sys::Datum {
    pg_sys::Datum::from(pgrx::varlena::rust_byte_slice_to_bytea(bytes).into_pg())
}

/// Applies a column's type modifier to a value: a value already under that key keeps its
/// envelope (one layer, no re-encryption); any other is opened and sealed under the column's
/// key. A searchable column's values carry a blind index, others none. Without a modifier (-1)
/// the value is kept as it is. `verify` is for bytes that came from outside (binary input, an
/// envelope literal): the value is opened even when it is kept, and a blind index it carries
/// must be the one its plaintext has.
///
/// Opening only to authenticate needs the right to use the key; computing anything from the
/// plaintext (a blind index, a seal under another key) needs the right to the plaintext too:
/// otherwise a denied role would get an equality oracle from a cast to a searchable type.
/// What [`coerce`] makes of a value: its bytes as they are, its envelope without the index it
/// carried, or a value sealed afresh (already a datum: no Rust copy on the way).
enum Coerced {
    Whole,
    Envelope,
    Sealed(pg_sys::Datum),
}

impl Coerced {
    /// A kept value, without the index it carries when `drop_index`. A value that carries none
    /// is kept whole, so that it can come back as the datum it came in as.
    fn kept(index: Index, drop_index: bool) -> Coerced {
        if drop_index && index != Index::None { Coerced::Envelope } else { Coerced::Whole }
    }

    /// The result as a datum in the current memory context, for a value whose bytes are `datum`.
    fn into_datum(self, datum: &[u8]) -> pg_sys::Datum {
        match self {
            Coerced::Whole => palloc_bytea(datum),
            Coerced::Envelope => palloc_bytea(split(datum).1),
            Coerced::Sealed(d) => d,
        }
    }
}

fn coerce(spec: &TypeSpec, datum: &[u8], typmod: i32, verify: bool) -> Result<Coerced> {
    let (index, envelope) = split(datum);
    let current = keyring::key_of(envelope)?;
    let same_key = if typmod < 0 {
        true
    } else {
        let target = keyring::key_name_for_typmod(typmod)?.ok_or(ColcryptError::UnknownTypmod(typmod))?;
        *target == *current.name
    };
    // Without a modifier a value keeps what it carries; with one, it carries an index if and
    // only if the column is searchable.
    let wants_index = if typmod < 0 { index != Index::None } else { searchable(typmod) };
    if same_key && !verify && wants_index == (index != Index::None) {
        return Ok(Coerced::kept(index, typmod >= 0 && !wants_index));
    }
    if wants_index || !same_key {
        current.check_plaintext_allowed()?;
    }
    let plaintext = zeroize::Zeroizing::new(current.cipher()?.open(envelope, &context_for(spec, index))?);
    let computed = if wants_index { Some(blind_index(spec, &plaintext)?) } else { None };
    if let (true, Index::Unbound(given), Some(computed)) = (verify, index, computed) {
        if !bool::from(subtle::ConstantTimeEq::ct_eq(&given[..], &computed[..])) {
            return Err(ColcryptError::BlindIndexMismatch);
        }
    }
    // Keep the envelope when its key and what it binds stay the same; otherwise seal afresh
    // under the active version of the target key.
    let keep = same_key
        && match (computed, index) {
            (None, Index::None) => true,
            (Some(c), Index::Bound(b)) => c == b,
            _ => false,
        };
    if keep {
        return Ok(Coerced::kept(index, computed.is_none()));
    }
    let target = if same_key { keyring::active(&current.name)? } else { keyring::for_typmod(typmod)? };
    seal_value_datum(spec, &target, &plaintext, computed).map(Coerced::Sealed)
}

/// The cast to a column's modifier (and `ALTER TYPE`).
pub(crate) fn type_coerce(spec: &TypeSpec, value: Internal, typmod: i32) -> pg_sys::Datum {
    note_plaintext();
    coerced_result(value, |bytes| coerce(spec, bytes, typmod, false))
}

/// Shared by all types: `encrypted_text(pii)` → the key name's type modifier.
#[pg_extern(sql = false)]
fn encrypted_typmod_in(mods: pgrx::Array<&CStr>) -> i32 {
    let mods: Vec<&str> = mods.iter().map(|m| m.and_then(|c| c.to_str().ok()).unwrap_or("")).collect();
    let (name, flags) = match mods.as_slice() {
        [name] => (*name, 0),
        [name, "searchable"] => (*name, keyring::SEARCHABLE),
        _ => {
            ereport!(PgLogLevel::ERROR, PgSqlErrorCode::ERRCODE_INVALID_PARAMETER_VALUE,
                "colcrypt encrypted types take a data key name and optionally searchable, as in encrypted_text(pii) or encrypted_text(pii, searchable)");
            unreachable!()
        }
    };
    check_name(name).or_raise();
    keyring::register_key_name(name).or_raise() | flags
}

/// ANALYZE skips encrypted columns (see sql/types.sql): no statistics computed from plaintext.
#[pg_extern(sql = false)]
fn encrypted_typanalyze(_stats: Internal) -> bool {
    false
}

#[pg_extern(sql = false)]
fn encrypted_typmod_out(typmod: i32) -> CString {
    let name = keyring::key_name_for_typmod(typmod).or_raise().unwrap_or_else(|| (typmod & !keyring::SEARCHABLE).to_string().into());
    let flags = if searchable(typmod) { ", searchable" } else { "" };
    // Quoted where SQL needs it (`default` is a reserved word), so that pg_dump's CREATE TABLE,
    // which prints the type with this, parses again.
    let name = CString::new(name.as_bytes()).expect("key names have no NUL");
    // SAFETY: quote_identifier reads a NUL-terminated string and returns it or a palloc'd copy.
    let quoted = unsafe { CStr::from_ptr(pg_sys::quote_identifier(name.as_ptr())) }.to_string_lossy().into_owned();
    CString::new(format!("({quoted}{flags})")).expect("key names have no NUL")
}

/// The value's key and, if that is not its name's active version, the active version: what
/// colcrypt.reencrypt moves values to. Values under destroyed keys cannot move.
fn newer_version(envelope: &[u8]) -> Result<(std::rc::Rc<keyring::DataKey>, Option<std::rc::Rc<keyring::DataKey>>)> {
    let current = keyring::key_of(envelope)?;
    if current.state == keyring::KeyState::Destroyed {
        return Ok((current, None));
    }
    let active = keyring::active(&current.name)?;
    let newer = (active.fingerprint != current.fingerprint).then_some(active);
    Ok((current, newer))
}

/// Whether `reencrypt` has work for a value: an older key version, or a blind index written
/// before indexes were bound into the envelope (and possibly before canonical equality forms).
fn needs_reseal(datum: &[u8]) -> Result<bool> {
    let (index, envelope) = split(datum);
    let (current, newer) = newer_version(envelope)?;
    Ok(newer.is_some() || (matches!(index, Index::Unbound(_)) && current.state != keyring::KeyState::Destroyed))
}

/// The value sealed under the active version of its own key; a blind index it carries is
/// recomputed and bound. Only ciphertext leaves: a role denied the plaintext may run it.
fn reseal(spec: &TypeSpec, datum: &[u8]) -> Result<Coerced> {
    if !needs_reseal(datum)? {
        return Ok(Coerced::Whole);
    }
    let (index, envelope) = split(datum);
    let current = keyring::key_of(envelope)?;
    let active = keyring::active(&current.name)?;
    let mut plaintext = zeroize::Zeroizing::new(current.cipher()?.open(envelope, &context_for(spec, index))?);
    // A document sealed as text before the binary form moves to it (read without parsing).
    if matches!(spec.plain, Plain::Jsonb) && cfg!(target_endian = "little") && !colcrypt_core::jsonb_binary::is_binary(&plaintext) {
        refuse_nul(&mut plaintext)?;
        plaintext = with_input_plaintext(spec, palloc_cstring(&plaintext), |binary| zeroize::Zeroizing::new(binary.to_vec()));
    }
    let computed = if index == Index::None { None } else { Some(blind_index(spec, &plaintext)?) };
    seal_value_datum(spec, &active, &plaintext, computed).map(Coerced::Sealed)
}

/// A value as [`coerce`] or [`reseal`] leave it, as the function's result: a value that stays
/// as it is comes back as the datum it came in as, when that is in line (a stored value
/// PostgreSQL detoasted for the call is copied, as the detoasted form lives only for the call).
fn coerced_result(input: Internal, f: impl FnOnce(&[u8]) -> Result<Coerced>) -> pg_sys::Datum {
    let input = input.unwrap().expect("STRICT: not NULL");
    // SAFETY: a datum of an encrypted type is a varlena.
    let bytes = unsafe { crate::unguarded::varlena_bytes(input) };
    match f(bytes).or_raise() {
        // SAFETY: as above.
        Coerced::Whole if unsafe { crate::unguarded::is_in_line(input) } => input,
        other => other.into_datum(bytes),
    }
}

fn compare(spec: &TypeSpec, a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    index_of(spec, a).cmp(&index_of(spec, b))
}

/// The blind index is already uniformly random: its first bytes serve as the hash.
fn hash_of(spec: &TypeSpec, a: &[u8]) -> i32 {
    let i = index_of(spec, a);
    i32::from_be_bytes([i[0], i[1], i[2], i[3]])
}

macro_rules! encrypted_type {
    ($name:literal, $plain:ident, $family:ident, $spec:ident,
     [$in:ident, $out:ident, $recv:ident, $send:ident, $coerce:ident,
      $eq:ident, $ne:ident, $lt:ident, $le:ident, $gt:ident, $ge:ident, $cmp:ident, $hash:ident,
      $needs_reseal:ident, $reseal:ident, $from_plain:ident, $to_plain:ident, $envelope:ident, $from_other:ident]) => {
        pub(crate) static $spec: TypeSpec = TypeSpec {
            name: $name,
            plain_oid: pg_sys::BuiltinOid::$plain,
            plain: Plain::$family,
            context: std::sync::OnceLock::new(),
            fns: std::sync::OnceLock::new(),
        };

        #[pg_extern(sql = false)]
        // Returns the encrypted type's datum, built in place (as do the other write paths).
        fn $in(input: &CStr, _oid: pg_sys::Oid, typmod: i32) -> Internal {
            Internal::from(Some(type_in(&$spec, input, typmod)))
        }

        #[pg_extern(sql = false)]
        // Declared in SQL as returning cstring (sql/types.sql); the datum is built in place.
        fn $out(value: Internal) -> Internal {
            Internal::from(Some(type_out(&$spec, stored(value))))
        }

        #[pg_extern(sql = false)]
        fn $recv(buf: Internal, _oid: pg_sys::Oid, typmod: i32) -> Internal {
            Internal::from(Some(type_recv(&$spec, buf, typmod)))
        }

        #[pg_extern(sql = false)]
        // Declared in SQL as returning bytea (sql/types.sql).
        fn $send(value: Internal) -> Internal {
            Internal::from(Some(type_send(&$spec, stored(value))))
        }

        #[pg_extern(sql = false)]
        fn $envelope(value: Internal) -> Vec<u8> {
            stored_envelope(stored(value))
        }

        #[pg_extern(sql = false)]
        // Declared in SQL as returning the encrypted type (sql/types.sql).
        fn $coerce(value: Internal, typmod: i32, _explicit: bool) -> Internal {
            Internal::from(Some(type_coerce(&$spec, value, typmod)))
        }

        // Equality and a consistent (not plaintext) order through blind indexes.
        #[pg_extern(sql = false)]
        fn $eq(a: Internal, b: Internal) -> bool { compare(&$spec, stored(a), stored(b)).is_eq() }
        #[pg_extern(sql = false)]
        fn $ne(a: Internal, b: Internal) -> bool { compare(&$spec, stored(a), stored(b)).is_ne() }
        #[pg_extern(sql = false)]
        fn $lt(a: Internal, b: Internal) -> bool { compare(&$spec, stored(a), stored(b)).is_lt() }
        #[pg_extern(sql = false)]
        fn $le(a: Internal, b: Internal) -> bool { compare(&$spec, stored(a), stored(b)).is_le() }
        #[pg_extern(sql = false)]
        fn $gt(a: Internal, b: Internal) -> bool { compare(&$spec, stored(a), stored(b)).is_gt() }
        #[pg_extern(sql = false)]
        fn $ge(a: Internal, b: Internal) -> bool { compare(&$spec, stored(a), stored(b)).is_ge() }
        #[pg_extern(sql = false)]
        fn $cmp(a: Internal, b: Internal) -> i32 { compare(&$spec, stored(a), stored(b)) as i32 }
        #[pg_extern(sql = false)]
        fn $hash(a: Internal) -> i32 { hash_of(&$spec, stored(a)) }

        #[pg_extern(sql = false)]
        fn $needs_reseal(a: Internal) -> bool { needs_reseal(stored(a)).or_raise() }
        #[pg_extern(sql = false)]
        // Declared in SQL as returning the encrypted type (sql/types.sql).
        fn $reseal(a: Internal) -> Internal { Internal::from(Some(coerced_result(a, |bytes| reseal(&$spec, bytes)))) }
        #[pg_extern(sql = false)]
        // The plaintext type varies per type; its datum comes through untouched as Internal.
        fn $from_plain(value: Internal, typmod: i32, _explicit: bool) -> Internal {
            Internal::from(Some(type_from_plain(&$spec, value.unwrap().expect("STRICT: not NULL"), typmod)))
        }
        #[pg_extern(sql = false)]
        // One symbol for every other source type (sql/types.sql); the cast's own expression
        // says which.
        fn $from_other(value: Internal, typmod: i32, _explicit: bool, fcinfo: pg_sys::FunctionCallInfo) -> Internal {
            Internal::from(Some(type_from_other(&$spec, value.unwrap().expect("STRICT: not NULL"), typmod, fcinfo)))
        }
        #[pg_extern(sql = false)]
        // Declared in SQL as returning the plaintext type (sql/types.sql).
        fn $to_plain(value: Internal) -> Internal {
            Internal::from(Some(type_to_plain(&$spec, stored(value))))
        }
    };
}

encrypted_type!("encrypted_text", TEXTOID, Verbatim, TEXT,
    [encrypted_text_in, encrypted_text_out, encrypted_text_recv, encrypted_text_send, encrypted_text_coerce, encrypted_text_eq, encrypted_text_ne, encrypted_text_lt, encrypted_text_le, encrypted_text_gt, encrypted_text_ge, encrypted_text_cmp, encrypted_text_hash,
     encrypted_text_needs_reseal, encrypted_text_reseal, encrypted_text_from_plain, encrypted_text_to_plain, encrypted_text_envelope, encrypted_text_from_other]);
encrypted_type!("encrypted_bytea", BYTEAOID, Binary, BYTEA,
    [encrypted_bytea_in, encrypted_bytea_out, encrypted_bytea_recv, encrypted_bytea_send, encrypted_bytea_coerce, encrypted_bytea_eq, encrypted_bytea_ne, encrypted_bytea_lt, encrypted_bytea_le, encrypted_bytea_gt, encrypted_bytea_ge, encrypted_bytea_cmp, encrypted_bytea_hash,
     encrypted_bytea_needs_reseal, encrypted_bytea_reseal, encrypted_bytea_from_plain, encrypted_bytea_to_plain, encrypted_bytea_envelope, encrypted_bytea_from_other]);
encrypted_type!("encrypted_jsonb", JSONBOID, Jsonb, JSONB,
    [encrypted_jsonb_in, encrypted_jsonb_out, encrypted_jsonb_recv, encrypted_jsonb_send, encrypted_jsonb_coerce, encrypted_jsonb_eq, encrypted_jsonb_ne, encrypted_jsonb_lt, encrypted_jsonb_le, encrypted_jsonb_gt, encrypted_jsonb_ge, encrypted_jsonb_cmp, encrypted_jsonb_hash,
     encrypted_jsonb_needs_reseal, encrypted_jsonb_reseal, encrypted_jsonb_from_plain, encrypted_jsonb_to_plain, encrypted_jsonb_envelope, encrypted_jsonb_from_other]);
encrypted_type!("encrypted_int4", INT4OID, Binary, INT4,
    [encrypted_int4_in, encrypted_int4_out, encrypted_int4_recv, encrypted_int4_send, encrypted_int4_coerce, encrypted_int4_eq, encrypted_int4_ne, encrypted_int4_lt, encrypted_int4_le, encrypted_int4_gt, encrypted_int4_ge, encrypted_int4_cmp, encrypted_int4_hash,
     encrypted_int4_needs_reseal, encrypted_int4_reseal, encrypted_int4_from_plain, encrypted_int4_to_plain, encrypted_int4_envelope, encrypted_int4_from_other]);
encrypted_type!("encrypted_int8", INT8OID, Binary, INT8,
    [encrypted_int8_in, encrypted_int8_out, encrypted_int8_recv, encrypted_int8_send, encrypted_int8_coerce, encrypted_int8_eq, encrypted_int8_ne, encrypted_int8_lt, encrypted_int8_le, encrypted_int8_gt, encrypted_int8_ge, encrypted_int8_cmp, encrypted_int8_hash,
     encrypted_int8_needs_reseal, encrypted_int8_reseal, encrypted_int8_from_plain, encrypted_int8_to_plain, encrypted_int8_envelope, encrypted_int8_from_other]);
encrypted_type!("encrypted_numeric", NUMERICOID, Binary, NUMERIC,
    [encrypted_numeric_in, encrypted_numeric_out, encrypted_numeric_recv, encrypted_numeric_send, encrypted_numeric_coerce, encrypted_numeric_eq, encrypted_numeric_ne, encrypted_numeric_lt, encrypted_numeric_le, encrypted_numeric_gt, encrypted_numeric_ge, encrypted_numeric_cmp, encrypted_numeric_hash,
     encrypted_numeric_needs_reseal, encrypted_numeric_reseal, encrypted_numeric_from_plain, encrypted_numeric_to_plain, encrypted_numeric_envelope, encrypted_numeric_from_other]);
encrypted_type!("encrypted_float8", FLOAT8OID, Binary, FLOAT8,
    [encrypted_float8_in, encrypted_float8_out, encrypted_float8_recv, encrypted_float8_send, encrypted_float8_coerce, encrypted_float8_eq, encrypted_float8_ne, encrypted_float8_lt, encrypted_float8_le, encrypted_float8_gt, encrypted_float8_ge, encrypted_float8_cmp, encrypted_float8_hash,
     encrypted_float8_needs_reseal, encrypted_float8_reseal, encrypted_float8_from_plain, encrypted_float8_to_plain, encrypted_float8_envelope, encrypted_float8_from_other]);
encrypted_type!("encrypted_bool", BOOLOID, Binary, BOOL,
    [encrypted_bool_in, encrypted_bool_out, encrypted_bool_recv, encrypted_bool_send, encrypted_bool_coerce, encrypted_bool_eq, encrypted_bool_ne, encrypted_bool_lt, encrypted_bool_le, encrypted_bool_gt, encrypted_bool_ge, encrypted_bool_cmp, encrypted_bool_hash,
     encrypted_bool_needs_reseal, encrypted_bool_reseal, encrypted_bool_from_plain, encrypted_bool_to_plain, encrypted_bool_envelope, encrypted_bool_from_other]);
encrypted_type!("encrypted_date", DATEOID, Binary, DATE,
    [encrypted_date_in, encrypted_date_out, encrypted_date_recv, encrypted_date_send, encrypted_date_coerce, encrypted_date_eq, encrypted_date_ne, encrypted_date_lt, encrypted_date_le, encrypted_date_gt, encrypted_date_ge, encrypted_date_cmp, encrypted_date_hash,
     encrypted_date_needs_reseal, encrypted_date_reseal, encrypted_date_from_plain, encrypted_date_to_plain, encrypted_date_envelope, encrypted_date_from_other]);
encrypted_type!("encrypted_timestamptz", TIMESTAMPTZOID, Binary, TIMESTAMPTZ,
    [encrypted_timestamptz_in, encrypted_timestamptz_out, encrypted_timestamptz_recv, encrypted_timestamptz_send, encrypted_timestamptz_coerce, encrypted_timestamptz_eq, encrypted_timestamptz_ne, encrypted_timestamptz_lt, encrypted_timestamptz_le, encrypted_timestamptz_gt, encrypted_timestamptz_ge, encrypted_timestamptz_cmp, encrypted_timestamptz_hash,
     encrypted_timestamptz_needs_reseal, encrypted_timestamptz_reseal, encrypted_timestamptz_from_plain, encrypted_timestamptz_to_plain, encrypted_timestamptz_envelope, encrypted_timestamptz_from_other]);
