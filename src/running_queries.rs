//! How many executors are open in this backend. ANALYZE's own comparisons run with none open,
//! while every query that code it calls runs (an index expression's function, the triggers and
//! foreign-key checks of what that query writes) runs in one: types.rs compares values by
//! ciphertext for the first only.

use std::cell::Cell;

use pgrx::pg_sys;

use crate::backend_local::BackendLocal;

static OPEN: BackendLocal<Cell<u32>> = BackendLocal::new(Cell::new(0));
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
    }
}

/// Whether no executor is open: no query is running in this backend.
pub(crate) fn none_open() -> bool {
    OPEN.with(|n| n.get() == 0)
}

/// Counted before the executor starts: one an error ends is never ended, and keeps the count up
/// until the transaction ends, which only makes ANALYZE compare as any query does.
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
    }
}
