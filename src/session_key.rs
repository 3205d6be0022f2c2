//! `colcrypt.session_key`: a client key for the whole connection, used by the one-argument
//! `encrypt`/`decrypt` forms, best passed in the connection's startup options so that no
//! statement text holds it.
//!
//! Who may use it: the session's own code. Not a SECURITY DEFINER function (code another role
//! wrote, running as that role) and not a security-restricted operation (a maintenance command
//! running a table owner's code); both may neither use the key nor set a new one, so another
//! role's function cannot decrypt under it or make the application seal under a key of its
//! choosing. (A plain trigger function runs as the user whose statement fired it, so colcrypt
//! cannot tell it from the session's own code: README, "Session keys".)
//!
//! Where it is never kept: `ALTER ROLE/DATABASE … SET`, function `SET` clauses and files are
//! refused (other roles can read them). `SET colcrypt.session_key = …` is a statement: the key
//! in its text is overwritten with `*` while it runs, before pg_stat_statements, pg_stat_activity
//! or an error report can keep it; a refused one is masked too. Statement logging that happens
//! before execution (`log_statement = all`) and errors in statements colcrypt never saw run (an
//! aborted transaction) are masked by the log hook (log_redaction.rs), as far as a key written
//! as 32 or more hex digits in a statement naming the setting.

use std::ffi::{c_char, CStr, CString};

use pgrx::guc::{GucContext, GucFlags, GucRegistry, GucSetting};
use pgrx::prelude::*;
use zeroize::Zeroizing;

use crate::error::{ColcryptError, Result};

const NAME: &CStr = c"colcrypt.session_key";

static SESSION_KEY: GucSetting<Option<CString>> = GucSetting::<Option<CString>>::new(None);

/// SHOW, pg_settings and current_setting() see this instead of the session key.
unsafe extern "C-unwind" fn show_session_key() -> *const c_char {
    if SESSION_KEY.get().is_some_and(|k| !k.as_bytes().is_empty()) {
        c"(set, hidden)".as_ptr()
    } else {
        c"".as_ptr()
    }
}

/// Whether the running code is the session's own (module comment).
fn in_sessions_own_code() -> bool {
    // SAFETY: plain reads of the backend's security context.
    unsafe { !pg_sys::InLocalUserIdChange() && !pg_sys::InSecurityRestrictedOperation() }
}

fn refuse(message: &CStr) -> bool {
    // SAFETY: the documented way for a check hook to set its error; the message is palloc'd.
    unsafe {
        pg_sys::GUC_check_errcode(PgSqlErrorCode::ERRCODE_INSUFFICIENT_PRIVILEGE as i32);
        pg_sys::GUC_check_errmsg_string = pg_sys::pstrdup(message.as_ptr());
    }
    false
}

/// Refuses a session key from every place that would store it where other roles can read it or
/// give it to other sessions — `ALTER ROLE/DATABASE … SET` and `CREATE FUNCTION … SET` (checked
/// with source PGC_S_TEST), values applied from pg_db_role_setting at login, configuration files,
/// the server command line — and from code that is not the session's own. The error names no
/// value (PostgreSQL's default message would quote it).
unsafe extern "C-unwind" fn check_session_key(
    newval: *mut *mut c_char,
    _extra: *mut *mut std::ffi::c_void,
    source: pg_sys::GucSource::Type,
) -> bool {
    use pg_sys::GucSource::*;
    // SAFETY: PostgreSQL passes a pointer to the proposed value, which may be NULL.
    let empty = unsafe { newval.is_null() || (*newval).is_null() || **newval == 0 };
    if empty {
        return true;
    }
    let stored = matches!(
        source,
        PGC_S_TEST | PGC_S_GLOBAL | PGC_S_DATABASE | PGC_S_USER | PGC_S_DATABASE_USER | PGC_S_FILE | PGC_S_ARGV | PGC_S_ENV_VAR
    );
    // The statement's text is masked whether the key is taken or refused: a refused statement's
    // error is logged with its text (ALTER ROLE … SET, CREATE FUNCTION … SET).
    // SAFETY: `newval` is a valid C string here (checked non-empty above).
    unsafe { crate::log_redaction::mask_statement_text(false, Some(CStr::from_ptr(*newval).to_bytes())) };
    if stored {
        return refuse(c"colcrypt.session_key cannot be stored in the catalog, a function or a configuration file, where other roles could read it: pass it in the connection's startup options");
    }
    if source == PGC_S_SESSION && !in_sessions_own_code() {
        return refuse(c"colcrypt.session_key cannot be set by a SECURITY DEFINER function or a maintenance operation: only the session's own code sets it");
    }
    true
}

pub(crate) fn define_settings() {
    // SAFETY: the check hook sets only its own error text; the show hook only reads the setting
    // and returns static strings.
    unsafe {
        GucRegistry::define_string_guc_with_hooks(
            NAME,
            c"A client key (64 hex digits) for this session, used when no key argument is given.",
            c"Pass it in the connection's startup options (PGOPTIONS or libpq options='-c colcrypt.session_key=...') so that it is in no statement text. Shown masked.",
            &SESSION_KEY,
            GucContext::Userset,
            GucFlags::NO_SHOW_ALL | GucFlags::DISALLOW_IN_FILE,
            Some(check_session_key),
            None,
            Some(show_session_key),
        );
    }
}

/// The session key's 32 bytes, for the session's own code.
pub(crate) fn session_key() -> Result<Zeroizing<Vec<u8>>> {
    // Checked first: other roles' code does not even learn whether a key is set.
    if !in_sessions_own_code() {
        return Err(ColcryptError::SessionKeyOutOfScope);
    }
    let Some(text) = SESSION_KEY.get().filter(|k| !k.as_bytes().is_empty()) else {
        return Err(ColcryptError::NoSessionKey);
    };
    let text = Zeroizing::new(text.into_bytes());
    let trimmed = text.trim_ascii();
    let mut raw = Zeroizing::new(vec![0u8; 32]);
    if trimmed.len() != 64 || hex::decode_to_slice(trimmed, raw.as_mut_slice()).is_err() {
        return Err(ColcryptError::SessionKeyFormat);
    }
    Ok(raw)
}
