//! Everything colcrypt runs with more rights than its caller, in one place (DESIGN.md,
//! "Privileged code"). The key tables belong to the role that ran `CREATE EXTENSION` (a
//! superuser); colcrypt reads and writes them as that owner so that roles which use keys never
//! need, or get, access to the wrapped keys.
//!
//! While the user is switched, `search_path` is pinned to `pg_catalog, pg_temp` (pg_temp last),
//! so no name in colcrypt's SQL can resolve to an object the caller planted in its temporary
//! schema; the SQL also names every type, function, operator and relation with its schema.
//! Both are restored on every exit path: on return here, and on error by the (sub)transaction
//! abort, as for a SECURITY DEFINER function; a guard restores them during unwinding too, in
//! case a Rust caller catches the error.

use std::cell::Cell;

use pgrx::pg_sys;
use pgrx::prelude::*;

use crate::error::{ColcryptError, Result};

/// What `search_path` is while colcrypt runs as the key table owner.
const PINNED_SEARCH_PATH: &std::ffi::CStr = c"pg_catalog, pg_temp";

thread_local! {
    /// (table oid, owner) of colcrypt.data_keys, looked up once per backend.
    static TABLE: Cell<Option<(pg_sys::Oid, pg_sys::Oid)>> = const { Cell::new(None) };
}

/// Forgets the cached key table oid (after an invalidation: the extension may have been
/// dropped and created again).
pub(crate) fn forget_key_table() {
    TABLE.with(|t| t.set(None));
}

/// The key table's oid once looked up in this backend, for the invalidation callback.
pub(crate) fn cached_key_table() -> Option<pg_sys::Oid> {
    TABLE.with(|t| t.get().map(|(oid, _)| oid))
}

/// The first row of a read-only query, read by `row`; `None` when there is none. Read-only SPI:
/// `Spi::get_*` run as updates and assign a transaction id, which fails on a hot standby and
/// would make every first read of a key write WAL.
pub(crate) fn select_first<T>(
    sql: &str,
    args: &[pgrx::datum::DatumWithOid<'_>],
    row: impl FnOnce(&pgrx::spi::SpiTupleTable<'_>) -> std::result::Result<T, pgrx::spi::Error>,
) -> Result<Option<T>> {
    Ok(Spi::connect(|client| {
        let t = client.select(sql, Some(1), args)?;
        if t.is_empty() {
            return Ok::<_, pgrx::spi::Error>(None);
        }
        row(&t.first()).map(Some)
    })?)
}

/// (oid, owner) of colcrypt.data_keys. Runs with the caller's rights (a catalog read with
/// every name qualified), so it needs no pinning.
pub(crate) fn key_table() -> Result<(pg_sys::Oid, pg_sys::Oid)> {
    if let Some(t) = TABLE.with(|t| t.get()) {
        return Ok(t);
    }
    let (oid, owner) = select_first(
        "SELECT c.oid, c.relowner FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace \
         WHERE n.nspname OPERATOR(pg_catalog.=) 'colcrypt'::pg_catalog.name AND c.relname OPERATOR(pg_catalog.=) 'data_keys'::pg_catalog.name",
        &[],
        |t| Ok((t.get::<pg_sys::Oid>(1)?, t.get::<pg_sys::Oid>(2)?)),
    )?
    .unwrap_or((None, None));
    let t = (
        oid.ok_or_else(|| ColcryptError::Internal("colcrypt.data_keys is missing; recreate the extension".into()))?,
        owner.unwrap_or(pg_sys::InvalidOid),
    );
    TABLE.with(|c| c.set(Some(t)));
    Ok(t)
}

/// Restores the caller's user and settings when dropped: on return and during unwinding.
struct Switched {
    user: pg_sys::Oid,
    sec_context: i32,
    guc_nest_level: i32,
}

impl Drop for Switched {
    fn drop(&mut self) {
        // SAFETY: undoes exactly what `as_key_table_owner` did, in reverse order, as
        // fmgr_security_definer does. AtEOXact_GUC pops only this nest level's settings.
        unsafe {
            pg_sys::AtEOXact_GUC(true, self.guc_nest_level);
            pg_sys::SetUserIdAndSecContext(self.user, self.sec_context);
        }
    }
}

/// The one entry point of privileged execution: runs `f` as the owner of the key table, in a
/// security-restricted operation, with `search_path` pinned to `pg_catalog, pg_temp`.
/// Every caller must have checked the caller's right to the operation before.
pub(crate) fn as_key_table_owner<R>(f: impl FnOnce() -> Result<R>) -> Result<R> {
    let (_, owner) = key_table()?;
    let (mut user, mut sec_context) = (pg_sys::InvalidOid, 0i32);
    // SAFETY: the save/switch/pin sequence of fmgr_security_definer; `Switched` undoes it.
    let _restore = unsafe {
        pg_sys::GetUserIdAndSecContext(&mut user, &mut sec_context);
        pg_sys::SetUserIdAndSecContext(
            owner,
            sec_context | pg_sys::SECURITY_LOCAL_USERID_CHANGE as i32 | pg_sys::SECURITY_RESTRICTED_OPERATION as i32,
        );
        let guard = Switched { user, sec_context, guc_nest_level: pg_sys::NewGUCNestLevel() };
        pg_sys::set_config_option(
            c"search_path".as_ptr(),
            PINNED_SEARCH_PATH.as_ptr(),
            pg_sys::GucContext::PGC_USERSET,
            pg_sys::GucSource::PGC_S_SESSION,
            pg_sys::GucAction::GUC_ACTION_SAVE,
            true,
            0,
            false,
        );
        guard
    };
    // colcrypt's own statements, on its own tables: not work a switched role does for a denied
    // login on other Citus nodes (src/citus_role_switch.rs).
    crate::citus_role_switch::exempt(f)
}

/// Runs `f` with a read-write SPI connection as the key table's owner, once the transaction may
/// write: on a hot standby (or in a read-only transaction) key management fails with 25006
/// instead of an internal error from deep inside SPI.
pub(crate) fn write_key_tables<R>(f: impl FnOnce(&mut pgrx::spi::SpiClient<'_>) -> Result<R>) -> Result<R> {
    // SAFETY: plain read of a backend global.
    if unsafe { pg_sys::XactReadOnly } {
        return Err(ColcryptError::ReadOnly);
    }
    as_key_table_owner(|| {
        Spi::connect_mut(|client| {
            crate::citus::lock_key_tables(client)?;
            f(client)
        })
    })
}

/// A read-only query on the key tables, as their owner (see `select_first`).
pub(crate) fn read_key_tables<T>(
    sql: &str,
    args: &[pgrx::datum::DatumWithOid<'_>],
    row: impl FnOnce(&pgrx::spi::SpiTupleTable<'_>) -> std::result::Result<T, pgrx::spi::Error>,
) -> Result<Option<T>> {
    as_key_table_owner(|| select_first(sql, args, row))
}

/// Whether the current role has the privileges of `role` (superusers have every role's).
pub(crate) fn current_role_has_privs_of(role: pg_sys::Oid) -> bool {
    // SAFETY: role membership lookups through PostgreSQL's own caches.
    unsafe { pg_sys::has_privs_of_role(pg_sys::GetUserId(), role) }
}

/// Whether the current role may manage keys: a member of colcrypt_key_admin, or a superuser.
pub(crate) fn current_role_is_key_admin() -> bool {
    // SAFETY: a catalog lookup by name; missing_ok.
    let admin = unsafe { pg_sys::get_role_oid(c"colcrypt_key_admin".as_ptr(), true) };
    // SAFETY: plain catalog check.
    let superuser = unsafe { pg_sys::superuser() };
    superuser || (admin != pg_sys::InvalidOid && current_role_has_privs_of(admin))
}
