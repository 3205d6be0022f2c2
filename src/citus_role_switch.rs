//! On Citus, a session whose login is denied a key's plaintext runs nothing on other nodes as a
//! role that is not denied it.
//!
//! colcrypt checks a denial against the current role and the session's login role, so `SET ROLE`
//! and SECURITY DEFINER functions do not escape it (keyring.rs, `check_plaintext_allowed`).
//! Citus connects to the other nodes as the *current* role, which is the session role there:
//! a denied login that switched to a role it belongs to was not seen as denied on the workers,
//! which decrypted for it (`note::text` pushed down, `COPY people TO STDOUT`,
//! `run_command_on_shards`; found by an attacker review). Nothing tells a worker which login a
//! coordinator's session has, so the coordinator refuses (42501), while the session's login is
//! denied a key that the current role is not:
//! - running a plan that holds a Citus scan (distributed reads and writes, delegated function
//!   calls), from the ExecutorRun hook (pg_compat.rs);
//! - Citus' `master_run_on_worker`, behind `run_command_on_workers`, `_shards`, `_placements`,
//!   `_colocated_placements`, `_all_nodes` and `_coordinator` (fmgr hook, citus.rs);
//! - utility statements, except those that only set session state or run queries that are
//!   checked themselves: DDL that Citus sends to the workers computes there (`ALTER TABLE …
//!   USING`, an index or generated column on an expression), `COPY` of a Citus table runs on
//!   the shards, and `CALL` of a distributed procedure runs on a worker.
//!
//! Whatever the statement touches: a worker's SQL can decrypt any column of the tables the role
//! may read, and which ones a statement will is not known before it runs. Sessions without a
//! role switch, and switches whose role is denied the same keys (the workers refuse it then),
//! are not affected; neither is a database without Citus.

use std::cell::Cell;

use pgrx::pg_sys;

use crate::backend_local::BackendLocal;
use crate::error::{ColcryptError, OrRaise, Result};

/// Set while the denials are read (colcrypt's own queries, as the key tables' owner, whose
/// statements come back through the hooks that call this).
static READING: BackendLocal<Cell<bool>> = BackendLocal::new(Cell::new(false));

struct Reading;
impl Drop for Reading {
    fn drop(&mut self) {
        READING.with(|r| r.set(false));
    }
}

/// The key whose denial the other nodes would not see: its plaintext is denied to the session's
/// login role and not to the current role. `None` without a role switch or without Citus.
fn hidden_denial() -> Result<Option<(String, pg_sys::Oid)>> {
    // SAFETY: reads of backend state.
    let (user, session) = unsafe { (pg_sys::GetUserId(), pg_sys::GetSessionUserId()) };
    // A parallel worker runs part of its leader's plan, which was checked, and no Citus scan.
    // SAFETY: a read of a backend global.
    if user == session || READING.with(Cell::get) || !crate::citus::loaded() || unsafe { pg_sys::ParallelWorkerNumber } >= 0 {
        return Ok(None);
    }
    // Citus' answer is cached; get_extension_oid scans pg_extension.
    // SAFETY: a catalog lookup by name, missing_ok.
    if !crate::citus::active() || unsafe { pg_sys::get_extension_oid(c"colcrypt".as_ptr(), true) } == pg_sys::InvalidOid {
        return Ok(None);
    }
    READING.with(|r| r.set(true));
    let _reading = Reading;
    let denials = crate::keyring::plaintext_denials()?;
    Ok(denials
        .iter()
        .find(|(_, roles)| crate::keyring::is_denied(roles, session) && !crate::keyring::is_denied(roles, user))
        .map(|(key, _)| (key.clone(), user)))
}

/// Refuses, when the session has a denial the other nodes would not see and `runs_elsewhere`
/// says the statement may run on them.
fn refuse_if_hidden_denial(runs_elsewhere: impl FnOnce() -> bool) {
    if let Some((key, role)) = hidden_denial().or_raise().filter(|_| runs_elsewhere()) {
        // SAFETY: a catalog lookup by oid; the name is palloc'd, or NULL for a dropped role.
        let name = unsafe { crate::citus::with_palloc_name(pg_sys::GetUserNameFromId(role, true), |n| n.to_string_lossy().into_owned()) };
        ColcryptError::CitusRoleSwitch(key, name.unwrap_or_else(|| role.to_u32().to_string())).raise();
    }
}

/// From the ExecutorRun hook: refuses a plan that Citus runs on other nodes (see the module).
///
/// # Safety
/// `query` is the executor's valid QueryDesc.
#[pgrx::pg_guard]
pub(crate) unsafe extern "C-unwind" fn check_execution(query: *mut pg_sys::QueryDesc) {
    // SAFETY: reads of backend state; the cheap test first, for every statement.
    if unsafe { pg_sys::GetUserId() == pg_sys::GetSessionUserId() } {
        return;
    }
    // SAFETY: per the contract; the plan and its subplans are valid Plan nodes or NULL.
    refuse_if_hidden_denial(|| unsafe { runs_on_citus((*query).plannedstmt) });
}

/// Whether a plan, or one of its subplans, holds a Citus scan (Citus' own test, `IsCitusPlan`).
unsafe fn runs_on_citus(stmt: *mut pg_sys::PlannedStmt) -> bool {
    let Some(p) = crate::citus::citus_symbol(c"IsCitusPlan") else { return false };
    // SAFETY: Citus' `bool IsCitusPlan(Plan *)`, which walks the tree; the statement and its
    // subplans list are the planner's; errors are raised again by the boundary.
    unsafe {
        if stmt.is_null() {
            return false;
        }
        let is_citus_plan: unsafe extern "C-unwind" fn(*mut pg_sys::Plan) -> bool = std::mem::transmute(p);
        pg_sys::ffi::pg_guard_ffi_boundary(|| {
            let subplans = (*stmt).subplans;
            is_citus_plan((*stmt).planTree) || (0..pg_sys::list_length(subplans)).any(|i| is_citus_plan(pg_sys::list_nth(subplans, i).cast()))
        })
    }
}

/// From the fmgr hook, before Citus' `master_run_on_worker` runs.
pub(crate) fn check_remote_command() {
    refuse_if_hidden_denial(|| true);
}

/// From the utility hook: refuses a utility statement that may run on other nodes (see the
/// module).
///
/// # Safety
/// `stmt` is the valid PlannedStmt of a utility statement.
#[pgrx::pg_guard]
pub(crate) unsafe extern "C-unwind" fn check_utility(stmt: *mut pg_sys::PlannedStmt) {
    // SAFETY: reads of backend state; the cheap test first, for every statement.
    if unsafe { pg_sys::GetUserId() == pg_sys::GetSessionUserId() } {
        return;
    }
    // SAFETY: per the contract.
    refuse_if_hidden_denial(|| unsafe { !stays_here((*stmt).utilityStmt) });
}

/// Whether a utility statement runs nothing on other nodes by itself: it sets session state, or
/// the queries it runs are planned and checked when they run.
unsafe fn stays_here(node: *mut pg_sys::Node) -> bool {
    use pg_sys::NodeTag as T;
    if node.is_null() {
        return true;
    }
    // SAFETY: a valid utility statement node, read by its tag.
    unsafe {
        match (*node).type_ {
            T::T_TransactionStmt | T::T_VariableSetStmt | T::T_VariableShowStmt | T::T_DiscardStmt | T::T_PrepareStmt
            | T::T_ExecuteStmt | T::T_DeallocateStmt | T::T_DeclareCursorStmt | T::T_FetchStmt | T::T_ClosePortalStmt
            | T::T_ExplainStmt | T::T_DoStmt | T::T_ListenStmt | T::T_NotifyStmt | T::T_UnlistenStmt
            | T::T_CreateTableAsStmt | T::T_RefreshMatViewStmt | T::T_ConstraintsSetStmt | T::T_CheckPointStmt => true,
            T::T_CopyStmt => {
                let copy = node.cast::<pg_sys::CopyStmt>();
                // COPY (query) runs its query through the executor.
                (*copy).relation.is_null() || !is_citus_table(pg_sys::RangeVarGetRelidExtended((*copy).relation, pg_sys::NoLock as i32, pg_sys::RVROption::RVR_MISSING_OK, None, std::ptr::null_mut()))
            }
            T::T_CallStmt => {
                let call = node.cast::<pg_sys::CallStmt>();
                let func = (*call).funcexpr;
                func.is_null() || !is_distributed_function((*func).funcid)
            }
            _ => false,
        }
    }
}

/// Whether `relid` is a Citus table (distributed, reference, or a local table Citus manages).
fn is_citus_table(relid: pg_sys::Oid) -> bool {
    let Some(p) = crate::citus::citus_symbol(c"IsCitusTable") else { return false };
    if relid == pg_sys::InvalidOid {
        return false;
    }
    // SAFETY: Citus' `bool IsCitusTable(Oid)`; its errors are raised again by the boundary.
    unsafe {
        let f: unsafe extern "C-unwind" fn(pg_sys::Oid) -> bool = std::mem::transmute(p);
        pg_sys::ffi::pg_guard_ffi_boundary(|| f(relid))
    }
}

/// Citus' `DistObjectCacheEntry` (metadata_cache.h, Citus 13).
#[repr(C)]
struct DistObjectCacheEntry {
    classid: pg_sys::Oid,
    objid: pg_sys::Oid,
    objsubid: i32,
    is_valid: bool,
    is_distributed: bool,
    distribution_arg_index: i32,
    colocation_id: i32,
    force_delegation: bool,
}

/// Whether Citus may delegate a `CALL` of this procedure to a worker: it is distributed with a
/// co-location group (call.c, CallDistributedProcedureRemotely). Citus distributes every
/// function it propagates, without a group unless `create_distributed_function` gave one.
fn is_distributed_function(funcid: pg_sys::Oid) -> bool {
    let Some(p) = crate::citus::citus_symbol(c"LookupDistObjectCacheEntry") else { return true };
    // SAFETY: Citus' `DistObjectCacheEntry *LookupDistObjectCacheEntry(Oid classid, Oid objid,
    // int32 objsubid)`, NULL for an object Citus does not distribute; errors raised again.
    unsafe {
        let f: unsafe extern "C-unwind" fn(pg_sys::Oid, pg_sys::Oid, i32) -> *const DistObjectCacheEntry = std::mem::transmute(p);
        let entry = pg_sys::ffi::pg_guard_ffi_boundary(|| f(pg_sys::ProcedureRelationId, funcid, 0));
        entry.as_ref().is_some_and(|e| e.is_distributed && e.colocation_id != 0)
    }
}
