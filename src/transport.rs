//! In flight: colcrypt refuses to take client-supplied keys over a TCP connection without TLS
//! (as S3 refuses SSE-C over HTTP). The session key itself is in session_key.rs.

use std::cell::Cell;

use pgrx::guc::{GucContext, GucFlags, GucRegistry, GucSetting};
use pgrx::prelude::*;

use crate::error::{ColcryptError, Result};

static REQUIRE_SECURE_TRANSPORT: GucSetting<bool> = GucSetting::<bool>::new(true);
// Off by default: a Unix socket says nothing about where the client is. A pooler or any
// TCP-to-socket forwarder on the database host relays network clients through it, and
// dblink/postgres_fdw can loop a session back through it.
static ALLOW_UNIX_SOCKET_KEYS: GucSetting<bool> = GucSetting::<bool>::new(false);
// TLS from a loopback address may likewise be a relay on this host (dblink or postgres_fdw with
// sslmode=require, a TLS-terminating pooler); off refuses keys on such connections.
static ALLOW_LOOPBACK_KEYS: GucSetting<bool> = GucSetting::<bool>::new(true);

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
        c"Accept client-supplied keys on Unix-socket connections (off by default: a forwarder or pooler on this host may relay a network client through the socket).",
        c"Only consulted while colcrypt.require_secure_transport is on. Turn on only where no process on the database host relays network connections to the socket.",
        &ALLOW_UNIX_SOCKET_KEYS,
        GucContext::Suset,
        GucFlags::default(),
    );
    GucRegistry::define_bool_guc(
        c"colcrypt.allow_loopback_keys",
        c"Accept client-supplied keys on TLS connections from a loopback address (127.0.0.0/8, ::1).",
        c"Turn off where dblink, postgres_fdw or a TLS-terminating pooler on the database host could relay a client whose own connection was not protected.",
        &ALLOW_LOOPBACK_KEYS,
        GucContext::Suset,
        GucFlags::default(),
    );
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Transport {
    Tls,
    /// TLS from a loopback address: possibly a relay on the database host.
    LoopbackTls,
    UnixSocket,
    PlainTcp,
    /// No client connection could be found (a background process).
    Unknown,
}

thread_local! {
    /// A connection's transport never changes, so it is looked up once per process.
    static TRANSPORT: Cell<Option<Transport>> = const { Cell::new(None) };
}

fn is_loopback(addr: &pg_sys::SockAddr) -> bool {
    let family = i32::from(addr.addr.ss_family);
    // SAFETY: the storage holds a sockaddr of the family it names.
    unsafe {
        let ptr = std::ptr::addr_of!(addr.addr);
        match family {
            libc::AF_INET => (*ptr.cast::<libc::sockaddr_in>()).sin_addr.s_addr.to_ne_bytes()[0] == 127,
            libc::AF_INET6 => (*ptr.cast::<libc::sockaddr_in6>()).sin6_addr.s6_addr == std::net::Ipv6Addr::LOCALHOST.octets(),
            _ => false,
        }
    }
}

fn transport_of(entry: &pg_sys::PgBackendStatus) -> Transport {
    if entry.st_ssl {
        return if is_loopback(&entry.st_clientaddr) { Transport::LoopbackTls } else { Transport::Tls };
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
                .filter_map(|i| crate::pg_compat::backend_status_by_index(i))
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
        Transport::LoopbackTls if ALLOW_LOOPBACK_KEYS.get() => Ok(()),
        // Already over TLS: what fixes it is the address (or the setting), not sslmode.
        Transport::LoopbackTls => Err(ColcryptError::InsecureTransport(
            "a TLS connection from a loopback address while colcrypt.allow_loopback_keys is off",
            "connect to the server's network address rather than a loopback one, or have an administrator set colcrypt.allow_loopback_keys = on",
        )),
        Transport::UnixSocket if ALLOW_UNIX_SOCKET_KEYS.get() => Ok(()),
        Transport::UnixSocket => Err(ColcryptError::InsecureTransport(
            "a Unix-socket connection while colcrypt.allow_unix_socket_keys is off",
            "connect over TCP with sslmode=verify-full, or have an administrator set colcrypt.allow_unix_socket_keys = on",
        )),
        Transport::PlainTcp => Err(ColcryptError::InsecureTransport("a TCP connection without TLS", "connect with sslmode=verify-full")),
        Transport::Unknown => {
            Err(ColcryptError::InsecureTransport("a session whose connection cannot be determined", "connect with sslmode=verify-full"))
        }
    }
}

/// Wrapped by colcrypt.connection_info() (sql/finalize.sql), which adds the TLS details.
/// `caveat` says what colcrypt cannot know about the connection.
#[pg_extern(volatile)]
fn connection_transport(
) -> TableIterator<'static, (name!(transport, String), name!(keys_allowed, bool), name!(caveat, Option<String>))> {
    let t = transport().unwrap_or_else(|e| e.raise());
    let (name, caveat) = match t {
        Transport::Tls => ("tls", None),
        Transport::LoopbackTls => (
            "tls from loopback",
            Some("a process on the database host (dblink, postgres_fdw, a pooler) may relay a client whose own connection colcrypt cannot see"),
        ),
        Transport::UnixSocket => (
            "unix socket",
            Some("a local socket: colcrypt cannot see whether a forwarder or pooler on the database host relays a network client through it"),
        ),
        Transport::PlainTcp => ("tcp without tls", None),
        Transport::Unknown => ("unknown", None),
    };
    TableIterator::once((name.to_owned(), check_key_transport().is_ok(), caveat.map(str::to_owned)))
}
