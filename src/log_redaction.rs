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
//!
//! colcrypt's own log lines (key management audit, master key loading) go through
//! [`log_without_statement`], which keeps the running statement's text out of the log.

use std::cell::Cell;
use std::ffi::CStr;

use pgrx::pg_sys;

/// Start timestamp of the last statement in which colcrypt handled plaintext (set for every row).
static PLAINTEXT_STATEMENT: crate::backend_local::BackendLocal<Cell<i64>> = crate::backend_local::BackendLocal::new(Cell::new(i64::MIN));

thread_local! {
    /// Whether this session prepared (SQL PREPARE) a statement naming colcrypt.session_key: its
    /// EXECUTE statements are then masked as if they named it. Never cleared (DEALLOCATE and a
    /// re-PREPARE are not followed): at worst long hex runs of other EXECUTEs are masked too.
    static SESSION_KEY_PREPARED: Cell<bool> = const { Cell::new(false) };
}

pub(crate) fn note_session_key_prepared() {
    SESSION_KEY_PREPARED.with(|s| s.set(true));
}

/// Whether `text` names the EXECUTE statement (any case).
fn names_execute(text: &[u8]) -> bool {
    text.windows(7).any(|w| w.eq_ignore_ascii_case(b"execute"))
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

/// Whether `text` names the session key setting (any case, any quoting around the name).
pub(crate) fn names_session_key(text: &[u8]) -> bool {
    const NAME: &[u8] = b"session_key";
    text.windows(NAME.len()).any(|w| w.eq_ignore_ascii_case(NAME))
}

/// Overwrites with `*` every run of 32 or more hex digits (a session key is 64): what a key
/// written into a statement looks like. Returns whether anything changed.
pub(crate) fn mask_hex_runs(text: &mut [u8]) -> bool {
    const MIN_RUN: usize = 32;
    let mut changed = false;
    let mut i = 0;
    while i < text.len() {
        let run = text[i..].iter().take_while(|b| b.is_ascii_hexdigit()).count();
        if run >= MIN_RUN {
            text[i..i + run].fill(b'*');
            changed = true;
        }
        i += run.max(1);
    }
    changed
}

/// A statement that names colcrypt.session_key may hold a key that the setting's check hook
/// never saw: one refused before the value is applied (`ALTER ROLE … SET`, `ALTER SYSTEM`), one
/// sent in an aborted transaction, a `set_config` call in a statement that fails before the call
/// runs. So in reports about such a statement (and in any report that names the setting), long
/// hex runs are masked: in the message and detail (`log_statement`'s "statement: …" lines and
/// their parameters), and, for an error, in the statement text its STATEMENT line prints.
unsafe fn mask_session_keys(e: &mut pg_sys::ErrorData) {
    // SAFETY: (caller) e is the report being emitted; its strings and debug_query_string, when
    // set, are NUL-terminated.
    unsafe {
        let query = pg_sys::debug_query_string;
        let in_statement = !query.is_null() && {
            let text = CStr::from_ptr(query).to_bytes();
            names_session_key(text) || (SESSION_KEY_PREPARED.with(|s| s.get()) && names_execute(text))
        };
        let fields = [&mut e.message, &mut e.detail, &mut e.detail_log, &mut e.context];
        // One field may name the setting and another hold the value (`EXECUTE p('…')` logged with
        // `DETAIL: prepare: PREPARE p … set_config('colcrypt.session_key', $1 …)`).
        if !in_statement && !fields.iter().any(|f| !f.is_null() && names_session_key(CStr::from_ptr(**f).to_bytes())) {
            return;
        }
        for field in fields {
            if field.is_null() {
                continue;
            }
            let mut text = CStr::from_ptr(*field).to_bytes().to_vec();
            if mask_hex_runs(&mut text) {
                *field = error_string(&text);
            }
        }
        if in_statement {
            if e.elevel >= pg_sys::PGERROR as i32 {
                // The statement is being abandoned: its text (the protocol message's buffer, or
                // a cached plan's copy, which no later step parses again) is masked where it lies,
                // as session_key's check hook does while it runs.
                mask_statement_text(true, None);
            } else {
                // A warning or notice while the statement still runs: leave its text alone.
                e.hide_stmt = true;
            }
        }
    }
}

/// Masks the text of the statement being run (debug_query_string) in place, at the same length:
/// every run of 32 or more hex digits if `hex_runs` or the text names the setting, and every
/// occurrence (any case) of `value` if it has 8 bytes or more. pg_stat_activity, which holds its
/// own copy (an idle or aborted session shows it until its next statement), gets the masked
/// text. The parse tree holds its own copies of the values, so only what is kept or shown
/// afterwards changes: pg_stat_statements and an error's STATEMENT line read this same buffer
/// (the simple protocol's message, or the cached plan's copy, which no later step parses again).
///
/// # Safety
/// Inside statement execution or error reporting: debug_query_string, when set, points at a
/// writable NUL-terminated buffer that outlives the call.
pub(crate) unsafe fn mask_statement_text(hex_runs: bool, value: Option<&[u8]>) {
    // SAFETY: per the contract.
    unsafe {
        let text = pg_sys::debug_query_string;
        if text.is_null() {
            return;
        }
        let len = CStr::from_ptr(text).to_bytes().len();
        let buf = std::slice::from_raw_parts_mut(text.cast_mut().cast::<u8>(), len);
        // A value spelled otherwise in the text (E'\n…' escapes, a literal split by `||`) is not
        // found by its bytes: long hex runs in a statement naming the setting are masked as well.
        let mut changed = (hex_runs || names_session_key(buf)) && mask_hex_runs(buf);
        if let Some(value) = value.filter(|v| v.len() >= 8) {
            let mut i = 0;
            while i + value.len() <= buf.len() {
                if buf[i..i + value.len()].eq_ignore_ascii_case(value) {
                    buf[i..i + value.len()].fill(b'*');
                    changed = true;
                    i += value.len();
                } else {
                    i += 1;
                }
            }
        }
        if changed {
            pg_sys::pgstat_report_activity(pg_sys::BackendState::STATE_RUNNING, text);
        }
    }
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
            mask_session_keys(e);
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

/// Writes `message` to the server log at `level` (LOG or WARNING, which return) with no STATEMENT
/// line, no CONTEXT and no cursor position: PostgreSQL adds the statement to messages at or above
/// log_min_error_statement (LOG ranks above ERROR there), and the statement running when a key
/// loads or a key change commits could be any the client sent, its plaintext literals and
/// client-supplied keys included (a DBA review found a successful INSERT's literal in the log
/// after a master key load). The error context stack is set aside for the call: a key loaded
/// while a literal is parsed would otherwise get the literal's position from the parser's
/// callback. Interrupts are held meanwhile: errfinish checks for a cancel after a LOG line, and a
/// key being loaded (or a command's run reported) is logged before it is stored, so a cancel
/// there threw the loaded key away and had the next statement run the key command again (an
/// attacker review); a pending cancel is served at the next check instead.
pub(crate) fn log_without_statement(level: u32, message: &str) {
    unsafe extern "C-unwind" {
        fn errstart(elevel: std::ffi::c_int, domain: *const std::ffi::c_char) -> bool;
        fn errmsg_internal(fmt: *const std::ffi::c_char, ...) -> std::ffi::c_int;
        fn errhidestmt(hide: bool) -> std::ffi::c_int;
        fn errhidecontext(hide: bool) -> std::ffi::c_int;
        fn errfinish(filename: *const std::ffi::c_char, lineno: std::ffi::c_int, funcname: *const std::ffi::c_char);
    }
    debug_assert!(level == pg_sys::LOG || level == pg_sys::WARNING, "only levels that return");
    // Key names are checked ASCII and role names escaped: no NUL can be in the line.
    let Ok(message) = std::ffi::CString::new(message) else { return };
    // SAFETY: the ereport sequence at a level that returns from errfinish; "%s" takes the one
    // string argument, copied by errmsg_internal. Inside pgrx's guard, so that an error raised on
    // the way (out of memory) unwinds the Rust frames instead of jumping over them. The context
    // stack and the interrupt holdoff are put back before anything else runs (the guard
    // re-raises an error only after).
    unsafe {
        let context = pg_sys::error_context_stack;
        pg_sys::error_context_stack = std::ptr::null_mut();
        pg_sys::InterruptHoldoffCount += 1;
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            pg_sys::submodules::ffi::pg_guard_ffi_boundary(|| {
                if errstart(level as std::ffi::c_int, std::ptr::null()) {
                    errmsg_internal(c"%s".as_ptr(), message.as_ptr());
                    errhidestmt(true);
                    errhidecontext(true);
                    errfinish(std::ptr::null(), 0, std::ptr::null());
                }
            })
        }));
        // An error raised inside has reset the count to 0 already (errfinish at ERROR).
        pg_sys::InterruptHoldoffCount = pg_sys::InterruptHoldoffCount.saturating_sub(1);
        pg_sys::error_context_stack = context;
        if let Err(e) = result {
            std::panic::resume_unwind(e);
        }
    }
}
