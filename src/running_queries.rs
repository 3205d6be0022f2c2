//! How many executors are open in this backend. ANALYZE's own comparisons run with as many open
//! as when it started (none in autovacuum; a cursor or the query calling a function that runs
//! ANALYZE may be open), while every query that code it calls runs (an index expression's
//! function, the triggers and foreign-key checks of what that query writes) opens one more:
//! types.rs compares values by ciphertext for the first only. The count is exact: a
//! subtransaction that aborts takes the executors it started with it, and so does the count.

use std::cell::{Cell, RefCell};

use pgrx::pg_sys;

use crate::backend_local::BackendLocal;

static OPEN: BackendLocal<Cell<u32>> = BackendLocal::new(Cell::new(0));
/// OPEN when the running VACUUM or ANALYZE statement started (0 for autovacuum's).
static AT_ANALYZE: BackendLocal<Cell<u32>> = BackendLocal::new(Cell::new(0));
/// OPEN when each open subtransaction started, innermost last.
static AT_SUBXACT: BackendLocal<RefCell<Vec<u32>>> = BackendLocal::new(RefCell::new(Vec::new()));
static mut NEXT_START: pg_sys::ExecutorStart_hook_type = None;
static mut NEXT_END: pg_sys::ExecutorEnd_hook_type = None;

mod ffi {
    // Unguarded, as pg_compat's ExecutorRun: the executor's errors pass through these frames,
    // which hold nothing to drop, with their context lines.
    unsafe extern "C-unwind" {
        pub(super) fn standard_ExecutorStart(q: *mut pgrx::pg_sys::QueryDesc, eflags: std::ffi::c_int);
        pub(super) fn standard_ExecutorEnd(q: *mut pgrx::pg_sys::QueryDesc);
    }
}

/// Installs the hooks and the callback that clears the count with the transaction; called once
/// per process from `_PG_init`. They chain to any hook installed before.
pub(crate) fn install() {
    // SAFETY: hooks are installed from _PG_init, before any query runs; the callback is a plain
    // function for the life of the process.
    unsafe {
        NEXT_START = pg_sys::ExecutorStart_hook;
        pg_sys::ExecutorStart_hook = Some(start);
        NEXT_END = pg_sys::ExecutorEnd_hook;
        pg_sys::ExecutorEnd_hook = Some(end);
        pg_sys::RegisterXactCallback(Some(on_xact), std::ptr::null_mut());
        pg_sys::RegisterSubXactCallback(Some(on_subxact), std::ptr::null_mut());
    }
}

/// Called as a utility statement starts (src/literals.rs): VACUUM and ANALYZE note how many
/// executors are open beneath them.
pub(crate) fn utility_starts(pstmt: *mut pg_sys::PlannedStmt) {
    // SAFETY: PostgreSQL's statement.
    let vacuum = unsafe { !pstmt.is_null() && pgrx::is_a((*pstmt).utilityStmt, pg_sys::NodeTag::T_VacuumStmt) };
    if vacuum {
        AT_ANALYZE.with(|a| a.set(OPEN.with(Cell::get)));
    }
}

/// Whether no executor was opened since the running ANALYZE started: its own comparison, not
/// one of a query that code it calls runs.
pub(crate) fn analyze_itself() -> bool {
    OPEN.with(Cell::get) == AT_ANALYZE.with(Cell::get)
}

/// Counted before the executor starts: one an error ends is never ended, and is taken off when
/// its subtransaction aborts (or the transaction ends).
unsafe extern "C-unwind" fn start(q: *mut pg_sys::QueryDesc, eflags: std::ffi::c_int) {
    OPEN.with(|n| n.set(n.get().saturating_add(1)));
    // SAFETY: PostgreSQL's arguments, passed on.
    unsafe {
        match NEXT_START {
            Some(next) => next(q, eflags),
            None => ffi::standard_ExecutorStart(q, eflags),
        }
    }
}

unsafe extern "C-unwind" fn end(q: *mut pg_sys::QueryDesc) {
    // SAFETY: PostgreSQL's argument, passed on.
    unsafe {
        match NEXT_END {
            Some(next) => next(q),
            None => ffi::standard_ExecutorEnd(q),
        }
    }
    OPEN.with(|n| n.set(n.get().saturating_sub(1)));
}

unsafe extern "C-unwind" fn on_xact(event: pg_sys::XactEvent::Type, _arg: *mut std::ffi::c_void) {
    if matches!(event, pg_sys::XactEvent::XACT_EVENT_ABORT | pg_sys::XactEvent::XACT_EVENT_COMMIT | pg_sys::XactEvent::XACT_EVENT_PREPARE) {
        OPEN.with(|n| n.set(0));
        AT_ANALYZE.with(|a| a.set(0));
        AT_SUBXACT.with(|s| s.borrow_mut().clear());
    }
}

unsafe extern "C-unwind" fn on_subxact(
    event: pg_sys::SubXactEvent::Type,
    _sub: pg_sys::SubTransactionId,
    _parent: pg_sys::SubTransactionId,
    _arg: *mut std::ffi::c_void,
) {
    match event {
        pg_sys::SubXactEvent::SUBXACT_EVENT_START_SUB => AT_SUBXACT.with(|s| s.borrow_mut().push(OPEN.with(Cell::get))),
        pg_sys::SubXactEvent::SUBXACT_EVENT_COMMIT_SUB => {
            AT_SUBXACT.with(|s| s.borrow_mut().pop());
        }
        pg_sys::SubXactEvent::SUBXACT_EVENT_ABORT_SUB => {
            // A caught error left its executors unended (a review kept ANALYZE comparing plaintexts
            // for the rest of the transaction that way).
            if let Some(at_start) = AT_SUBXACT.with(|s| s.borrow_mut().pop()) {
                OPEN.with(|n| n.set(at_start));
            }
        }
        _ => {}
    }
}
