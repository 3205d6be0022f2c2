//! Keeps plaintext of encrypted columns out of error reports (server log and client alike).
//!
//! PostgreSQL builds some error details with a column type's output function — "Key (ssn)=(…)
//! already exists", "Failing row contains (…)" — and COPY's CONTEXT line repeats the input field
//! that failed ("COPY t, line 3, column ssn: \"…\""). For an encrypted column the output
//! function decrypts, so these would carry plaintext. colcrypt's type functions note each
//! statement in which they handled plaintext; an `emit_log_hook` then withholds, for errors
//! raised in such a statement, the DETAIL of integrity-constraint violations (SQLSTATE class
//! 23). The quoted field or line of COPY's CONTEXT is withheld always: a malformed line fails
//! before any column's input runs. The SQLSTATE and message stay as they were.
//!
//! On a Citus worker, an error in a statement that the coordinator sent is logged without its
//! STATEMENT line (it may hold plaintext: see `redact`).
//!
//! The hook also drops the source location of errors raised from Rust code (file paths of the
//! build machine) and never forwards a Rust backtrace (`_PG_init` clears RUST_BACKTRACE).

use std::cell::Cell;
use std::ffi::CStr;

use pgrx::pg_sys;

thread_local! {
    /// Start timestamp of the last statement in which colcrypt handled plaintext.
    static PLAINTEXT_STATEMENT: Cell<i64> = const { Cell::new(i64::MIN) };
}

static mut PREVIOUS_HOOK: pg_sys::emit_log_hook_type = None;

/// Called by the type functions whenever they seal or open a value: cheap (one read of a
/// backend global and one thread-local store).
#[inline]
pub(crate) fn note_plaintext() {
    let stmt = crate::keyring::statement_start();
    PLAINTEXT_STATEMENT.with(|s| s.set(stmt));
}

const WITHHELD_DETAIL: &CStr = c"Values of colcrypt-encrypted columns are withheld from error details.";

/// Installs the hook; called once per process from `_PG_init`.
pub(crate) fn install() {
    // SAFETY: hooks are installed from _PG_init, before any error can be reported through them.
    unsafe {
        PREVIOUS_HOOK = pg_sys::emit_log_hook;
        pg_sys::emit_log_hook = Some(redact);
    }
}

/// The SQLSTATE class (first two characters) of a packed error code.
pub(crate) fn sqlstate_class(code: i32) -> [u8; 2] {
    // PGSIXBIT packs each character in 6 bits, first character lowest.
    let ch = |i: u32| (((code >> (6 * i)) & 0x3F) as u8) + b'0';
    [ch(0), ch(1)]
}

/// COPY's context for a failing field or line ends in `: "…"`; everything from there on is
/// withheld, since a quoted CSV field may itself hold newlines (and so look like more lines).
pub(crate) fn redact_copy_context(context: &[u8]) -> Option<Vec<u8>> {
    let mut line_start = 0;
    for line in context.split(|&b| b == b'\n') {
        if line.starts_with(b"COPY ") {
            if let Some(pos) = line.windows(3).position(|w| w == b": \"") {
                let mut out = context[..line_start + pos].to_vec();
                out.extend_from_slice(b": (value withheld by colcrypt)");
                return Some(out);
            }
        }
        line_start += line.len() + 1;
    }
    None
}

/// The values PostgreSQL lists in an error context (`$1 = '…', $2 = …`, the same in every
/// language; a Bind error names one parameter so): everything after the first `$N = ` is
/// withheld, the parameter's number stays.
pub(crate) fn redact_parameter_values(context: &[u8]) -> Option<Vec<u8>> {
    let mut i = 0;
    while let Some(off) = context[i..].iter().position(|&b| b == b'$') {
        let start = i + off;
        let digits = context[start + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
        if digits > 0 && context[start + 1 + digits..].starts_with(b" = ") {
            let mut out = context[..start + 1 + digits + 3].to_vec();
            out.extend_from_slice(b"(parameter values withheld by colcrypt)");
            return Some(out);
        }
        i = start + 1;
    }
    None
}

/// A copy of `bytes` as a C string in ErrorContext, where the rest of the report lives.
unsafe fn error_string(bytes: &[u8]) -> *mut std::ffi::c_char {
    // SAFETY: (caller) inside error reporting, ErrorContext exists; the copy stays within
    // len + 1 bytes and ends with the only NUL (PostgreSQL strings hold none).
    unsafe {
        let dst = pg_sys::MemoryContextAlloc(pg_sys::ErrorContext, bytes.len() + 1).cast::<u8>();
        dst.copy_from_nonoverlapping(bytes.as_ptr(), bytes.len());
        *dst.add(bytes.len()) = 0;
        dst.cast()
    }
}

#[pgrx::pg_guard]
unsafe extern "C-unwind" fn redact(edata: *mut pg_sys::ErrorData) {
    // SAFETY: PostgreSQL passes the report being emitted; its strings are NUL-terminated.
    unsafe {
        if let Some(e) = edata.as_mut() {
            // colcrypt's own errors (raised from its Rust sources) never quote a value.
            let from_colcrypt = !e.filename.is_null() && CStr::from_ptr(e.filename).to_bytes().ends_with(b".rs");
            if from_colcrypt {
                e.filename = std::ptr::null();
                e.funcname = std::ptr::null();
                e.lineno = 0;
            }
            let stmt = pg_sys::GetCurrentStatementStartTimestamp();
            // Class 23 (integrity constraints) and 44 (WITH CHECK OPTION) quote the row.
            let quotes_row = matches!(&sqlstate_class(e.sqlerrcode), b"23" | b"44");
            if PLAINTEXT_STATEMENT.with(|s| s.get()) == stmt && quotes_row && !e.detail.is_null() {
                e.detail = error_string(WITHHELD_DETAIL.to_bytes());
                e.detail_log = std::ptr::null_mut();
            }
            // Citus sends a modification's constants and bind parameters to workers as plaintext
            // literals in the statement text, and a colcrypt value may hide behind a domain, a
            // composite or an array type, so no test of the text is complete: on a worker, a
            // statement from the coordinator is never logged with its error (the coordinator logs
            // the client's own statement, with parameters as placeholders).
            if crate::citus::internal_connection() {
                e.hide_stmt = true;
            }
            if let Some((message, hint, context)) = (!from_colcrypt).then(|| crate::param_types::redact_bind_error(e)).flatten() {
                e.message = error_string(message.to_bytes());
                e.hint = error_string(hint.to_bytes());
                if let Some(context) = context {
                    e.context = error_string(&context);
                }
            }
            // Under log_parameter_max_length_on_error (any role may set it), PostgreSQL adds the
            // statement's parameter values to the context ("… with parameters: $1 = '…'"):
            // withheld in statements where colcrypt handled plaintext.
            if !e.context.is_null()
                && (PLAINTEXT_STATEMENT.with(|s| s.get()) == stmt || crate::param_types::in_retyped_statement())
            {
                if let Some(ctx) = redact_parameter_values(CStr::from_ptr(e.context).to_bytes()) {
                    e.context = error_string(&ctx);
                }
            }
            // Always: a malformed line can fail before any column's input function has run
            // (extra or missing columns quote the whole line).
            if !e.context.is_null() {
                if let Some(ctx) = redact_copy_context(CStr::from_ptr(e.context).to_bytes()) {
                    e.context = error_string(&ctx);
                }
            }
        }
        if let Some(previous) = PREVIOUS_HOOK {
            previous(edata);
        }
    }
}
