//! An audit trail of key management: each call that changes a key or who may use it (create,
//! rotate, destroy, the master key's rotation, the deny and use lists, Citus key syncs) is
//! written to the server log at LOG level, with the role that made it, as its transaction
//! commits. PCI DSS (3.6, 10.2) and HIPAA's audit controls ask for a record of key-management
//! activity; a DBA's log pipeline (or pgaudit's readers) gets it without a table to protect.
//!
//! The line is written once the transaction's commit record is (XACT_EVENT_COMMIT, or
//! XACT_EVENT_PREPARE for a prepared transaction, which says so): an attacker review made a line
//! appear for a change that never committed while lines were written before the commit record.
//! A call whose transaction or savepoint rolls back is logged as it rolls back, saying so: the
//! change was in effect inside the transaction, and another review had a key admin denied a key
//! lift its own denial, read, and roll back without a trace. Each line names the transaction
//! id, which `pg_xact_status` answers for a prepared transaction later committed or rolled
//! back. A backend that dies in the middle of a transaction leaves no line. The lines name keys, versions and roles, never
//! key material: key names and roles are catalog data.

use std::cell::RefCell;

use pgrx::pg_sys;
use pgrx::prelude::*;

use crate::backend_local::BackendLocal;
use crate::log_redaction::log_without_statement;

/// Changes made in the current transaction, not yet logged, each with the subtransaction
/// nesting level it was made at (a savepoint's rollback drops its own).
static PENDING: BackendLocal<RefCell<Vec<(i32, String)>>> = BackendLocal::new(RefCell::new(Vec::new()));
/// Calls past this many in one transaction are counted, not queued one by one, except those that
/// lift a denial or a restriction: an attacker review hid a key admin's lift of its own denial
/// behind 1,000 other calls.
const MAX_PENDING: usize = 1000;
/// How many calls past [`MAX_PENDING`] the transaction made, per subtransaction level, so that a
/// savepoint's rollback logs its own count as rolled back.
static UNLISTED: BackendLocal<RefCell<Vec<(i32, u64)>>> = BackendLocal::new(RefCell::new(Vec::new()));
/// The transaction id, read before commit; 0 when the calls wrote no row.
static XID: BackendLocal<std::cell::Cell<u32>> = BackendLocal::new(std::cell::Cell::new(0));

/// Registers the transaction callbacks; called once per process from `_PG_init` (backends
/// forked from a preloading postmaster inherit them).
pub(crate) fn install() {
    // SAFETY: plain registrations of functions that live as long as the library.
    unsafe {
        pg_sys::RegisterXactCallback(Some(on_xact), std::ptr::null_mut());
        pg_sys::RegisterSubXactCallback(Some(on_subxact), std::ptr::null_mut());
    }
}

/// A role for the log: `role "name"`, the name's `"` doubled and control characters escaped
/// (a role may be named with a newline and text that would read as another audit line), or its
/// oid if it has no name (a role dropped meanwhile).
pub(crate) fn role_label(role: pg_sys::Oid) -> String {
    // SAFETY: a role cache lookup (noerr: NULL for no such role), palloc'd.
    unsafe { crate::citus::with_palloc_name(pg_sys::GetUserNameFromId(role, true), |name| format!("role \"{}\"", escape(name.to_bytes()))) }
        .unwrap_or_else(|| format!("role oid {}", role.to_u32()))
}

/// `"` doubled, `\` doubled, and every byte outside printable ASCII as `\xNN`: a control
/// character could start a line of its own, and a bidirectional override could make a name
/// display as another.
pub(crate) fn escape(name: &[u8]) -> String {
    let mut out = String::with_capacity(name.len());
    for &b in name {
        match b {
            b'"' => out.push_str("\"\""),
            b'\\' => out.push_str("\\\\"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out
}

/// Notes a key-management change made by the current role (`what`, as in
/// `rotate_key('pii') made version 3`); logged when the transaction commits.
pub(crate) fn record(what: String) {
    record_change(what, false);
}

/// [`record`] for a change that lifts a denial or a restriction: listed however many calls came
/// before it.
pub(crate) fn record_lift(what: String) {
    record_change(what, true);
}

fn record_change(what: String, lifts: bool) {
    // SAFETY: reads of the backend's current and session roles and transaction state.
    let (user, session, level) = unsafe { (pg_sys::GetUserId(), pg_sys::GetSessionUserId(), pg_sys::GetCurrentTransactionNestLevel()) };
    let by = if user == session {
        role_label(user)
    } else {
        format!("{} (session {})", role_label(user), role_label(session))
    };
    PENDING.with(|p| {
        let mut p = p.borrow_mut();
        if p.len() < MAX_PENDING || lifts {
            p.push((level, format!("{what} by {by}")));
        } else {
            UNLISTED.with(|u| {
                let mut u = u.borrow_mut();
                match u.last_mut() {
                    Some((l, n)) if *l == level => *n += 1,
                    _ => u.push((level, 1)),
                }
            });
        }
    });
}

fn clear() {
    PENDING.with(|p| p.borrow_mut().clear());
    UNLISTED.with(|u| u.borrow_mut().clear());
}

/// The entries made at subtransaction `level` and deeper, taken out of `entries`.
fn take_level<T>(entries: &mut Vec<(i32, T)>, level: i32) -> Vec<T> {
    let (taken, kept): (Vec<_>, Vec<_>) = std::mem::take(entries).into_iter().partition(|&(l, _)| l >= level);
    *entries = kept;
    taken.into_iter().map(|(_, t)| t).collect()
}

/// The calls counted (not listed) at `level` and deeper, taken out of the count.
fn take_unlisted(level: i32) -> u64 {
    UNLISTED.with(|u| take_level(&mut u.borrow_mut(), level).into_iter().sum())
}

#[pg_guard]
unsafe extern "C-unwind" fn on_xact(event: pg_sys::XactEvent::Type, _arg: *mut std::ffi::c_void) {
    use pg_sys::XactEvent::*;
    match event {
        // The last point where the transaction id can be read; nothing is written yet.
        XACT_EVENT_PRE_COMMIT | XACT_EVENT_PRE_PREPARE => {
            // SAFETY: a read of this backend's transaction state.
            XID.with(|x| x.set(unsafe { pg_sys::GetTopTransactionIdIfAny() }.into_inner()));
        }
        // After the commit (or prepare) record, with interrupts held: the change is durable.
        XACT_EVENT_COMMIT | XACT_EVENT_PREPARE => {
            let lines = PENDING.with(|p| std::mem::take(&mut *p.borrow_mut()));
            let unlisted = take_unlisted(0);
            if lines.is_empty() {
                return;
            }
            let xid = XID.with(|x| x.get());
            // No transaction id: the calls wrote no row (a deny that was already there, a
            // revoke of a grant that was not), so the line says they changed nothing.
            let when = if xid == 0 {
                "changed no row".to_owned()
            } else if event == XACT_EVENT_PREPARE {
                format!("prepared transaction {xid}: in effect only if COMMIT PREPARED follows")
            } else {
                format!("transaction {xid}")
            };
            for (_, line) in lines {
                log_without_statement(pg_sys::LOG, &format!("colcrypt key management: {line} ({when})"));
            }
            if unlisted > 0 {
                log_without_statement(pg_sys::LOG, &format!("colcrypt key management: and up to {unlisted} more such calls, not listed one by one ({when})"));
            }
        }
        XACT_EVENT_ABORT => {
            // SAFETY: a read of this backend's transaction state, still set while it aborts.
            let xid = unsafe { pg_sys::GetTopTransactionIdIfAny() }.into_inner();
            let lines = PENDING.with(|p| std::mem::take(&mut *p.borrow_mut()));
            log_rolled_back(lines.into_iter().map(|(_, l)| l), take_unlisted(0), xid, false);
        }
        XACT_EVENT_PARALLEL_ABORT => clear(),
        _ => {}
    }
}

/// Logs calls whose transaction (`savepoint` false) or savepoint rolled back: they were in
/// effect inside it until then.
fn log_rolled_back(lines: impl Iterator<Item = String>, unlisted: u64, xid: u32, savepoint: bool) {
    let txn = if xid == 0 { "its transaction".to_owned() } else { format!("transaction {xid}") };
    let when = if savepoint {
        format!("rolled back to a savepoint in {txn}; in effect until then")
    } else {
        format!("rolled back with {txn}; in effect inside it until then")
    };
    for line in lines {
        log_without_statement(pg_sys::LOG, &format!("colcrypt key management: {line} ({when})"));
    }
    if unlisted > 0 {
        log_without_statement(pg_sys::LOG, &format!("colcrypt key management: and up to {unlisted} more such calls, not listed one by one ({when})"));
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
        pg_sys::SubXactEvent::SUBXACT_EVENT_ABORT_SUB => {
            let undone = PENDING.with(|p| take_level(&mut p.borrow_mut(), level));
            // SAFETY: a read of this backend's transaction state.
            let xid = unsafe { pg_sys::GetTopTransactionIdIfAny() }.into_inner();
            log_rolled_back(undone.into_iter(), take_unlisted(level), xid, true);
        }
        // What a released savepoint did now belongs to its parent, whose rollback drops it.
        pg_sys::SubXactEvent::SUBXACT_EVENT_COMMIT_SUB => {
            PENDING.with(|p| {
                for (l, _) in p.borrow_mut().iter_mut().filter(|(l, _)| *l >= level) {
                    *l = level - 1;
                }
            });
            let n = take_unlisted(level);
            if n > 0 {
                UNLISTED.with(|u| u.borrow_mut().push((level - 1, n)));
            }
        }
        _ => {}
    }
}
