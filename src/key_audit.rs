//! An audit trail of key management: each call that changes a key or who may use it (create,
//! rotate, destroy, the master key's rotation, the deny and use lists, Citus key syncs) is
//! written to the server log at LOG level, with the role that made it, as its transaction
//! commits. PCI DSS (3.6, 10.2) and HIPAA's audit controls ask for a record of key-management
//! activity; a DBA's log pipeline (or pgaudit's readers) gets it without a table to protect.
//!
//! The line is written at commit (XACT_EVENT_PRE_COMMIT, or PRE_PREPARE for a prepared
//! transaction), so a call whose transaction or savepoint rolls back leaves no line, and one
//! that commits leaves one even when the caller's client never sees the result. The lines name
//! keys, versions and roles, never key material: key names and roles are catalog data.

use std::cell::RefCell;
use std::ffi::CStr;

use pgrx::pg_sys;
use pgrx::prelude::*;

use crate::backend_local::BackendLocal;

/// Changes made in the current transaction, not yet logged, each with the subtransaction
/// nesting level it was made at (a savepoint's rollback drops its own).
static PENDING: BackendLocal<RefCell<Vec<(i32, String)>>> = BackendLocal::new(RefCell::new(Vec::new()));

/// Registers the transaction callbacks; called once per process from `_PG_init` (backends
/// forked from a preloading postmaster inherit them).
pub(crate) fn install() {
    // SAFETY: plain registrations of functions that live as long as the library.
    unsafe {
        pg_sys::RegisterXactCallback(Some(on_xact), std::ptr::null_mut());
        pg_sys::RegisterSubXactCallback(Some(on_subxact), std::ptr::null_mut());
    }
}

/// A role's name for the log, or its oid if it has none (a role dropped meanwhile).
pub(crate) fn role_name(role: pg_sys::Oid) -> String {
    // SAFETY: a role cache lookup (noerr: NULL for no such role); the name is palloc'd and
    // copied out here.
    let name = unsafe { pg_sys::GetUserNameFromId(role, true) };
    if name.is_null() {
        return format!("oid {}", role.to_u32());
    }
    // SAFETY: a NUL-terminated string from the role cache lookup above.
    let s = unsafe { CStr::from_ptr(name) }.to_string_lossy().into_owned();
    // SAFETY: palloc'd by GetUserNameFromId and used no more.
    unsafe { pg_sys::pfree(name.cast()) };
    s
}

/// Notes a key-management change made by the current role (`what`, as in
/// `rotate_key('pii') made version 3`); logged when the transaction commits.
pub(crate) fn record(what: String) {
    // SAFETY: reads of the backend's current and session roles and transaction state.
    let (user, session, level) = unsafe { (pg_sys::GetUserId(), pg_sys::GetSessionUserId(), pg_sys::GetCurrentTransactionNestLevel()) };
    let by = if user == session {
        format!("role \"{}\"", role_name(user))
    } else {
        format!("role \"{}\" (session role \"{}\")", role_name(user), role_name(session))
    };
    PENDING.with(|p| p.borrow_mut().push((level, format!("{what} by {by}"))));
}

#[pg_guard]
unsafe extern "C-unwind" fn on_xact(event: pg_sys::XactEvent::Type, _arg: *mut std::ffi::c_void) {
    use pg_sys::XactEvent::*;
    match event {
        XACT_EVENT_PRE_COMMIT | XACT_EVENT_PARALLEL_PRE_COMMIT | XACT_EVENT_PRE_PREPARE => {
            let prepared = if event == XACT_EVENT_PRE_PREPARE { " (in a prepared transaction)" } else { "" };
            for (_, line) in PENDING.with(|p| std::mem::take(&mut *p.borrow_mut())) {
                ereport!(PgLogLevel::LOG, PgSqlErrorCode::ERRCODE_SUCCESSFUL_COMPLETION, format!("colcrypt key management: {line}{prepared}"));
            }
        }
        XACT_EVENT_ABORT | XACT_EVENT_PARALLEL_ABORT => PENDING.with(|p| p.borrow_mut().clear()),
        _ => {}
    }
}

#[pg_guard]
unsafe extern "C-unwind" fn on_subxact(
    event: pg_sys::SubXactEvent::Type,
    _sub: pg_sys::SubTransactionId,
    _parent: pg_sys::SubTransactionId,
    _arg: *mut std::ffi::c_void,
) {
    // SAFETY: transaction state of this backend; during these events it is the ending
    // subtransaction's level.
    let level = unsafe { pg_sys::GetCurrentTransactionNestLevel() };
    match event {
        pg_sys::SubXactEvent::SUBXACT_EVENT_ABORT_SUB => PENDING.with(|p| p.borrow_mut().retain(|&(l, _)| l < level)),
        // What a released savepoint did now belongs to its parent, whose rollback drops it.
        pg_sys::SubXactEvent::SUBXACT_EVENT_COMMIT_SUB => PENDING.with(|p| {
            for (l, _) in p.borrow_mut().iter_mut().filter(|(l, _)| *l >= level) {
                *l = level - 1;
            }
        }),
        _ => {}
    }
}
