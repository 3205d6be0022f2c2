//! Whether this backend is running ANALYZE: a VACUUM or ANALYZE statement that analyses, from
//! its start to its end (src/literals.rs's utility hook calls [`enter`] and [`leave`]), or
//! autovacuum. types.rs refuses to compare values that are not searchable meanwhile.
//!
//! Not PostgreSQL's progress report: a subtransaction that aborts (an error a PL/pgSQL handler
//! caught, in a range type's subtype_diff or an index expression ANALYZE evaluates) ends the
//! report while ANALYZE goes on, and an attacker review compared the rest of a table's values by
//! their plaintexts that way.

use std::cell::{Cell, RefCell};

use pgrx::pg_sys;

use crate::backend_local::BackendLocal;

/// How many analysing VACUUM or ANALYZE statements are running (nested only through functions).
static DEPTH: BackendLocal<Cell<u32>> = BackendLocal::new(Cell::new(0));
/// DEPTH when each open subtransaction started, innermost last.
static AT_SUBXACT: BackendLocal<RefCell<Vec<u32>>> = BackendLocal::new(RefCell::new(Vec::new()));

/// Registers the callbacks that put the depth back when a subtransaction or transaction aborts
/// (an error skips [`leave`]); called once per process from `_PG_init`.
pub(crate) fn install() {
    // SAFETY: plain functions for the life of the process.
    unsafe {
        pg_sys::RegisterXactCallback(Some(on_xact), std::ptr::null_mut());
        pg_sys::RegisterSubXactCallback(Some(on_subxact), std::ptr::null_mut());
    }
}

/// Whether this backend is running ANALYZE.
pub(crate) fn running() -> bool {
    // SAFETY: a read of a process-global set at start. Autovacuum workers only vacuum and
    // analyse, and VACUUM compares no values.
    DEPTH.with(Cell::get) > 0 || unsafe { pg_sys::MyBackendType == pg_sys::BackendType::B_AUTOVAC_WORKER }
}

/// Before a utility statement runs: whether it analyses (ANALYZE, or VACUUM with ANALYZE), in
/// which case it is counted until [`leave`].
pub(crate) fn enter(pstmt: *mut pg_sys::PlannedStmt) -> bool {
    // SAFETY: PostgreSQL's statement; a VacuumStmt's option list holds DefElems.
    let analyses = unsafe {
        if pstmt.is_null() || !pgrx::is_a((*pstmt).utilityStmt, pg_sys::NodeTag::T_VacuumStmt) {
            return false;
        }
        let stmt = (*pstmt).utilityStmt.cast::<pg_sys::VacuumStmt>();
        !(*stmt).is_vacuumcmd
            || pgrx::PgList::<pg_sys::DefElem>::from_pg((*stmt).options)
                .iter_ptr()
                .any(|d| !(*d).defname.is_null() && std::ffi::CStr::from_ptr((*d).defname) == c"analyze")
    };
    if analyses {
        DEPTH.with(|d| d.set(d.get() + 1));
    }
    analyses
}

/// After the statement [`enter`] counted returns normally.
pub(crate) fn leave(analyses: bool) {
    if analyses {
        DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
    }
}

unsafe extern "C-unwind" fn on_xact(event: pg_sys::XactEvent::Type, _arg: *mut std::ffi::c_void) {
    // Not at commit: ANALYZE of several tables commits after each one, and goes on.
    if event == pg_sys::XactEvent::XACT_EVENT_ABORT {
        DEPTH.with(|d| d.set(0));
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
        pg_sys::SubXactEvent::SUBXACT_EVENT_START_SUB => AT_SUBXACT.with(|s| s.borrow_mut().push(DEPTH.with(Cell::get))),
        pg_sys::SubXactEvent::SUBXACT_EVENT_COMMIT_SUB => {
            AT_SUBXACT.with(|s| s.borrow_mut().pop());
        }
        pg_sys::SubXactEvent::SUBXACT_EVENT_ABORT_SUB => {
            // An ANALYZE a handler caught is over; one that was running when the subtransaction
            // began still is.
            if let Some(at_start) = AT_SUBXACT.with(|s| s.borrow_mut().pop()) {
                DEPTH.with(|d| d.set(at_start));
            }
        }
        _ => {}
    }
}
