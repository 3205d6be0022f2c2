//! In flight: colcrypt refuses to take client-supplied keys over a TCP connection without TLS
//! (as S3 refuses SSE-C over HTTP), and offers a session key that never appears in statement
//! text.

use std::cell::Cell;
use std::ffi::{c_char, CString};

use pgrx::guc::{GucContext, GucFlags, GucRegistry, GucSetting};
use pgrx::prelude::*;
use zeroize::Zeroizing;

use crate::error::{ColcryptError, Result};

static REQUIRE_SECURE_TRANSPORT: GucSetting<bool> = GucSetting::<bool>::new(true);
static ALLOW_UNIX_SOCKET_KEYS: GucSetting<bool> = GucSetting::<bool>::new(true);
static SESSION_KEY: GucSetting<Option<CString>> = GucSetting::<Option<CString>>::new(None);

/// SHOW, pg_settings and current_setting() see this instead of the session key.
unsafe extern "C-unwind" fn show_session_key() -> *const c_char {
    if SESSION_KEY.get().is_some_and(|k| !k.as_bytes().is_empty()) {
        c"(set, hidden)".as_ptr()
    } else {
        c"".as_ptr()
    }
}

/// Refuses a session key from every place that would store it where other roles can read it or
/// give it to other sessions: `ALTER ROLE/DATABASE … SET` and `CREATE FUNCTION … SET` (checked
/// with source PGC_S_TEST), values applied from pg_db_role_setting at login, and configuration
/// files or the server command line. The connection's startup options and SET stay allowed.
/// The error names no value (PostgreSQL's default message would quote it).
unsafe extern "C-unwind" fn check_session_key(
    newval: *mut *mut c_char,
    _extra: *mut *mut std::ffi::c_void,
    source: pg_sys::GucSource::Type,
) -> bool {
    use pg_sys::GucSource::*;
    // SAFETY: PostgreSQL passes a pointer to the proposed value, which may be NULL.
    let empty = unsafe { newval.is_null() || (*newval).is_null() || **newval == 0 };
    let stored = matches!(
        source,
        PGC_S_TEST | PGC_S_GLOBAL | PGC_S_DATABASE | PGC_S_USER | PGC_S_DATABASE_USER | PGC_S_FILE | PGC_S_ARGV | PGC_S_ENV_VAR
    );
    if empty || !stored {
        return true;
    }
    // SAFETY: the documented way for a check hook to set its error; the message is palloc'd.
    unsafe {
        pg_sys::GUC_check_errcode(PgSqlErrorCode::ERRCODE_INSUFFICIENT_PRIVILEGE as i32);
        pg_sys::GUC_check_errmsg_string = pg_sys::pstrdup(
            c"colcrypt.session_key cannot be stored in the catalog, a function or a configuration file, where other roles could read it: pass it in the connection's startup options".as_ptr(),
        );
    }
    false
}

pub(crate) fn define_settings() {
    GucRegistry::define_bool_guc(
        c"colcrypt.require_secure_transport",
        c"Refuse client-supplied keys on TCP connections without TLS.",
        c"Applies to every function that takes a key, gen_key and colcrypt.session_key.",
        &REQUIRE_SECURE_TRANSPORT,
        GucContext::Suset,
        GucFlags::default(),
    );
    GucRegistry::define_bool_guc(
        c"colcrypt.allow_unix_socket_keys",
        c"Accept client-supplied keys on local Unix-socket connections (they never cross a network).",
        c"Only consulted while colcrypt.require_secure_transport is on.",
        &ALLOW_UNIX_SOCKET_KEYS,
        GucContext::Suset,
        GucFlags::default(),
    );
    // SAFETY: the check hook sets only its own error text; the show hook only reads the setting
    // and returns static strings.
    unsafe {
        GucRegistry::define_string_guc_with_hooks(
            c"colcrypt.session_key",
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

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Transport {
    Tls,
    UnixSocket,
    PlainTcp,
    /// No client connection could be found (a background process).
    Unknown,
}

thread_local! {
    /// A connection's transport never changes, so it is looked up once per process.
    static TRANSPORT: Cell<Option<Transport>> = const { Cell::new(None) };
}

fn transport_of(entry: &pg_sys::PgBackendStatus) -> Transport {
    if entry.st_ssl {
        return Transport::Tls;
    }
    match i32::from(entry.st_clientaddr.addr.ss_family) {
        libc::AF_UNIX => Transport::UnixSocket,
        libc::AF_INET | libc::AF_INET6 => Transport::PlainTcp,
        _ => Transport::Unknown,
    }
}

/// How the client of this session is connected, from the backend status that pg_stat_activity
/// and pg_stat_ssl show. A parallel worker has no client of its own: it answers for its leader.
pub(crate) fn transport() -> Result<Transport> {
    if let Some(t) = TRANSPORT.with(|t| t.get()) {
        return Ok(t);
    }
    // SAFETY: reads of this process's PGPROC and of backend status entries in shared memory,
    // as pg_stat_get_activity does.
    let t = unsafe {
        if pg_sys::ParallelWorkerNumber >= 0 {
            let leader = pg_sys::MyProc.as_ref().and_then(|p| p.lockGroupLeader.as_ref()).map(|l| l.pid);
            let n = pg_sys::pgstat_fetch_stat_numbackends();
            (1..=n)
                .filter_map(|i| pg_sys::pgstat_fetch_stat_beentry(i).as_ref())
                .find(|e| Some(e.st_procpid) == leader)
                .map(transport_of)
                .unwrap_or(Transport::Unknown)
        } else {
            pg_sys::MyBEEntry.as_ref().map(transport_of).unwrap_or(Transport::Unknown)
        }
    };
    TRANSPORT.with(|c| c.set(Some(t)));
    Ok(t)
}

/// Called before any client-supplied key is used or handed out.
pub(crate) fn check_key_transport() -> Result<()> {
    if !REQUIRE_SECURE_TRANSPORT.get() {
        return Ok(());
    }
    match transport()? {
        Transport::Tls => Ok(()),
        Transport::UnixSocket if ALLOW_UNIX_SOCKET_KEYS.get() => Ok(()),
        Transport::UnixSocket => Err(ColcryptError::InsecureTransport(
            "a Unix-socket connection while colcrypt.allow_unix_socket_keys is off",
        )),
        Transport::PlainTcp => Err(ColcryptError::InsecureTransport("a TCP connection without TLS")),
        Transport::Unknown => Err(ColcryptError::InsecureTransport("a session whose connection cannot be determined")),
    }
}

/// The session key's 32 bytes.
pub(crate) fn session_key() -> Result<Zeroizing<Vec<u8>>> {
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

/// Wrapped by colcrypt.connection_info() (sql/finalize.sql), which adds the TLS details.
#[pg_extern(volatile)]
fn connection_transport() -> TableIterator<'static, (name!(transport, String), name!(keys_allowed, bool))> {
    let t = transport().unwrap_or_else(|e| e.raise());
    let name = match t {
        Transport::Tls => "tls",
        Transport::UnixSocket => "unix socket",
        Transport::PlainTcp => "tcp without tls",
        Transport::Unknown => "unknown",
    };
    TableIterator::once((name.to_owned(), check_key_transport().is_ok()))
}
