//! On Citus, a session whose login is denied a key's plaintext runs nothing on other nodes as a
//! role that is not denied it.
//!
//! colcrypt checks a denial against the current role and the session's login role, so `SET ROLE`
//! and SECURITY DEFINER functions do not escape it (keyring.rs, `check_plaintext_allowed`).
//! Citus connects to the other nodes as the *current* role, which is the session role there:
//! a denied login that switched to a role it belongs to was not seen as denied on the workers,
//! which decrypted for it (`note::text` pushed down, `COPY people TO STDOUT`,
//! `run_command_on_shards`, a shard move that copies rows as that role; found by attacker
//! reviews). Nothing tells a worker which login a coordinator's session has, so, in a database
//! with Citus, while the session's login is denied a key:
//! - a switch to a role that is not denied it is refused where the role changes: `SET ROLE`,
//!   `set_config('role', …)` and a function's `SET role` clause (the `role` setting's check,
//!   wrapped at load). A switch in the middle of a statement would otherwise come after the
//!   checks below (a CTE that calls `set_config` before Citus opens its connections);
//! - while the current role is such a role anyway (a SECURITY DEFINER function, or the role a
//!   session starts with, `options=-c role=…`), the node refuses (42501) what would run on
//!   other nodes as it: a plan that holds a Citus scan (distributed reads and writes, delegated
//!   function calls; the ExecutorRun hook, pg_compat.rs), any C function of Citus (fmgr hook,
//!   citus.rs: `run_command_on_*`, shard moves and splits, the rebalancer), and utility
//!   statements other than those that only set session state or run queries that are checked
//!   themselves (DDL that Citus sends to the workers computes there, `COPY` of a Citus table runs
//!   on the shards, `CALL` of a distributed procedure runs on a worker, and EXPLAIN is planned
//!   there);
//! - shard moves, copies and splits, which Citus runs partly as each table's owner on the target
//!   node, are refused for a login denied any key, switched or not ([`check_owner_function`]);
//!   so is anything that would make Citus copy a reference table to a node that lacks it
//!   ([`check_reference_tables`]).
//!
//! Whatever the statement touches: a worker's SQL can decrypt any column of the tables the role
//! may read, and which ones a statement will is not known before it runs. Sessions without a
//! role switch, switches to roles denied the same keys (the workers refuse those themselves), and
//! colcrypt's own work as the key tables' owner ([`exempt`]) are not affected; neither is a
//! database without Citus.

use std::cell::Cell;
use std::ffi::c_char;

use pgrx::pg_sys;

use crate::backend_local::BackendLocal;
use crate::error::{ColcryptError, OrRaise, Result};

/// Set while colcrypt runs its own statements as the key tables' owner, which include reading
/// the denials themselves (their statements come back through the hooks that call this).
static EXEMPT: BackendLocal<Cell<bool>> = BackendLocal::new(Cell::new(false));

/// Runs `f`, colcrypt's own work as the key tables' owner (privileged.rs), outside these checks:
/// its statements are fixed and read or write only colcrypt's tables and its key state on the
/// other nodes.
pub(crate) fn exempt<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            EXEMPT.with(|e| e.set(self.0));
        }
    }
    let _restore = Restore(EXEMPT.with(|e| e.replace(true)));
    f()
}

/// The key whose denial the other nodes would not see if `user` were the current role: its
/// plaintext is denied to the session's login role and not to `user`. `None` for the session
/// role itself, under [`exempt`], or without Citus and colcrypt in this database.
fn hidden_denial(user: pg_sys::Oid) -> Result<Option<String>> {
    let session = crate::unguarded::user_and_session().1;
    if user == session || user == pg_sys::InvalidOid || EXEMPT.with(Cell::get) || !in_citus_database() {
        return Ok(None);
    }
    denial_hidden_by(user, session)
}

/// [`hidden_denial`] once its conditions are known to hold.
fn denial_hidden_by(user: pg_sys::Oid, session: pg_sys::Oid) -> Result<Option<String>> {
    let denials = exempt(crate::keyring::plaintext_denials)?;
    Ok(denials
        .iter()
        .find(|(_, roles)| crate::keyring::is_denied(roles, session) && !crate::keyring::is_denied(roles, user))
        .map(|(key, _)| key.clone()))
}

/// Whether this database runs Citus and has colcrypt. Not while a parallel worker starts and
/// takes its leader's settings (no statement runs yet), nor while an extension's script runs
/// (colcrypt's own may not have made its tables yet).
fn in_citus_database() -> bool {
    // SAFETY: reads of backend globals; Citus' answer is cached; get_extension_oid scans
    // pg_extension, so it comes last.
    unsafe {
        crate::citus::loaded()
            && !pg_sys::InitializingParallelWorker
            && !pg_sys::creating_extension
            && crate::citus::active()
            && pg_sys::get_extension_oid(c"colcrypt".as_ptr(), true) != pg_sys::InvalidOid
    }
}

/// The role the `role` setting goes back to on RESET (the session's default, from its startup
/// options or `ALTER ROLE/DATABASE … SET role`): a RESET takes it without the setting's check,
/// also in the middle of a statement, so it counts as a role the session may act as.
fn reset_role() -> pg_sys::Oid {
    // SAFETY: PostgreSQL's record of the setting (found at load), whose reset value's extra is
    // NULL or the malloc'd struct check_role made, starting with the role's oid.
    unsafe {
        let setting = ROLE_SETTING;
        if setting.is_null() || (*setting).reset_extra.is_null() {
            return pg_sys::InvalidOid;
        }
        *(*setting).reset_extra.cast::<pg_sys::Oid>()
    }
}

/// The roles other nodes could see this session as, besides its own: the current role and the
/// `role` setting's reset value, when either differs from the session role.
fn other_roles() -> impl Iterator<Item = pg_sys::Oid> {
    let (user, session) = crate::unguarded::user_and_session();
    let reset = reset_role();
    [user, reset].into_iter().enumerate().filter(move |&(i, r)| r != session && r != pg_sys::InvalidOid && !(i == 1 && r == user)).map(|(_, r)| r)
}

/// `role`'s name, for a message.
fn role_name(role: pg_sys::Oid) -> String {
    // SAFETY: a catalog lookup by oid; the name is palloc'd, or NULL for a dropped role.
    unsafe { crate::citus::with_palloc_name(pg_sys::GetUserNameFromId(role, true), |n| n.to_string_lossy().into_owned()) }
        .unwrap_or_else(|| role.to_u32().to_string())
}

/// Refuses, when a role the session acts as (or may RESET to) has a denial the other nodes
/// would not see and `runs_elsewhere` says the work may run on them.
fn refuse_if_hidden_denial(runs_elsewhere: impl FnOnce() -> bool) {
    let roles: Vec<pg_sys::Oid> = other_roles().collect();
    if roles.is_empty() || EXEMPT.with(Cell::get) || !in_citus_database() || !runs_elsewhere() {
        return;
    }
    let session = crate::unguarded::user_and_session().1;
    for role in roles {
        if let Some(key) = denial_hidden_by(role, session).or_raise() {
            ColcryptError::CitusRoleSwitch(key, role_name(role)).raise();
        }
    }
}

/// The `role` setting's record, found at load.
static mut ROLE_SETTING: *mut pg_sys::config_string = std::ptr::null_mut();
/// PostgreSQL's check of the `role` setting, which the wrapper calls first.
static mut CHECK_ROLE: pg_sys::GucStringCheckHook = None;

/// Wraps the `role` setting's check; called once per process from `_PG_init`.
pub(crate) fn install() {
    // SAFETY: from _PG_init, before any statement runs: the setting's record is PostgreSQL's
    // own for the life of the process, and its check hook a plain function pointer.
    unsafe {
        let Some(role) = crate::pg_compat::string_setting(c"role") else { return };
        ROLE_SETTING = role;
        let check = (*role).check_hook;
        if check.is_some() {
            CHECK_ROLE = check;
            (*role).check_hook = Some(check_role);
        }
    }
}

/// The `role` setting's check: PostgreSQL's, then a refusal of a role with a hidden denial. Not
/// while a session starts (no statements can run yet; the checks above then apply), in a
/// parallel worker taking its leader's settings, or when a value is only validated
/// (`ALTER ROLE … SET role`).
#[pgrx::pg_guard]
unsafe extern "C-unwind" fn check_role(newval: *mut *mut c_char, extra: *mut *mut std::ffi::c_void, source: pg_sys::GucSource::Type) -> bool {
    // SAFETY: the arguments PostgreSQL passes a string check; PostgreSQL's check leaves in
    // `extra` a malloc'd struct that starts with the role's oid (InvalidOid for NONE).
    unsafe {
        let Some(check) = CHECK_ROLE else { return true };
        if !check(newval, extra, source) {
            return false;
        }
        let normal = pg_sys::Mode == pg_sys::ProcessingMode::NormalProcessing && pg_sys::IsTransactionState();
        if !normal || source == pg_sys::GucSource::PGC_S_TEST || (*extra).is_null() {
            return true;
        }
        let role = *(*extra).cast::<pg_sys::Oid>();
        let Some(key) = hidden_denial(role).or_raise() else { return true };
        libc::free(*extra);
        *extra = std::ptr::null_mut();
        pg_sys::GUC_check_errcode(pgrx::PgSqlErrorCode::ERRCODE_INSUFFICIENT_PRIVILEGE as i32);
        // Key and role names hold no NUL (the key's is checked ASCII; a role's is a C string).
        let message = std::ffi::CString::new(ColcryptError::CitusRoleSwitch(key, role_name(role)).message()).unwrap_or_default();
        pg_sys::GUC_check_errmsg_string = pg_sys::pstrdup(message.as_ptr());
        false
    }
}

/// Whether the session acts as (or may RESET to) a role other than its own: the only case the
/// checks here have anything to do. Asked for every statement's run, so without a call through
/// pgrx's guard.
pub(crate) fn acts_as_another_role() -> bool {
    other_roles().next().is_some()
}

/// From the ExecutorRun hook, when [`acts_as_another_role`]: refuses a plan that Citus runs on
/// other nodes (see the module).
///
/// # Safety
/// `query` is the executor's valid QueryDesc.
#[pgrx::pg_guard]
pub(crate) unsafe extern "C-unwind" fn check_execution(query: *mut pg_sys::QueryDesc) {
    // SAFETY: per the contract; the plan and its subplans are valid Plan nodes or NULL.
    refuse_if_hidden_denial(|| unsafe { runs_on_citus((*query).plannedstmt) });
}

/// From the ExecutorRun hook once a run returns, when the current role changed during it (a
/// setting restored by a rollback inside a function, which skips the setting's check): a change
/// to `user`, a role with a hidden denial, ends the statement before anything after the run,
/// such as Citus' main query once its subplans have run, can use it.
#[pgrx::pg_guard]
pub(crate) unsafe extern "C-unwind" fn check_execution_end(user: pg_sys::Oid) {
    if EXEMPT.with(Cell::get) {
        return;
    }
    if let Some(key) = hidden_denial(user).or_raise() {
        ColcryptError::CitusRoleSwitch(key, role_name(user)).raise();
    }
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

/// From the fmgr hook, before a function fmgr calls through it starts: refuses a C function of
/// Citus (`is_citus` tells) while the current role has a hidden denial. The cheap test first, as
/// the hook runs for every SECURITY DEFINER function.
pub(crate) fn check_citus_function(is_citus: impl FnOnce() -> bool) {
    refuse_if_hidden_denial(is_citus);
}

/// The key the session's login is denied, if any (in a database with Citus and colcrypt, outside
/// colcrypt's own work).
fn login_denial() -> Option<String> {
    if EXEMPT.with(Cell::get) || !in_citus_database() {
        return None;
    }
    let session = crate::unguarded::user_and_session().1;
    let denials = exempt(crate::keyring::plaintext_denials).or_raise();
    denials.iter().find(|(_, roles)| crate::keyring::is_denied(roles, session)).map(|(key, _)| key.clone())
}

/// From the fmgr hook, before a Citus function that runs parts of its work as each table's
/// owner starts (citus.rs, `OWNER_FUNCTIONS`: shard moves, copies and splits): refused for a
/// login denied any key, whatever its current role (an attacker review had an index expression
/// its login planted run as the owner on a move's target, where it read every value).
pub(crate) fn check_owner_function() {
    if let Some(key) = login_denial() {
        ColcryptError::CitusOwnerWork(key).raise();
    }
}

/// Before a Citus function that adds a table or a shard (citus.rs: the distribution and
/// replicating functions), or a utility statement, of a login denied any key: Citus copies a
/// reference table to a node that lacks it (added since) when a table is distributed or added
/// to its metadata, also implicitly (a foreign key to a reference table, a table in a
/// distributed schema), as a shard copy whose target builds the table's indexes as its owner.
/// An attacker review had such a login set that off on demand and read every value through an
/// index expression it had planted. Refused while any node lacks a reference table (Citus'
/// `HasNodesWithMissingReferenceTables`); `SELECT replicate_reference_tables()` by an
/// administrator after adding a node ends it.
pub(crate) fn check_reference_tables() {
    let Some(key) = login_denial() else { return };
    let Some(p) = crate::citus::citus_symbol(c"HasNodesWithMissingReferenceTables") else { return };
    // SAFETY: Citus' `bool HasNodesWithMissingReferenceTables(List **)`, with no list wanted;
    // it reads Citus' metadata and takes a share lock on the reference tables' co-location
    // group; errors are raised again by the boundary.
    let missing = unsafe {
        let f: unsafe extern "C-unwind" fn(*mut *mut pg_sys::List) -> bool = std::mem::transmute(p);
        pg_sys::ffi::pg_guard_ffi_boundary(|| f(std::ptr::null_mut()))
    };
    if missing {
        ColcryptError::CitusReferenceTablesMissing(key).raise();
    }
}

/// From the utility hook: refuses a utility statement that may run on other nodes (see the
/// module).
///
/// # Safety
/// `stmt` is the valid PlannedStmt of a utility statement.
#[pgrx::pg_guard]
pub(crate) unsafe extern "C-unwind" fn check_utility(stmt: *mut pg_sys::PlannedStmt) {
    // SAFETY: per the contract.
    let stays = unsafe { stays_here((*stmt).utilityStmt) };
    refuse_if_hidden_denial(|| !stays);
    if !stays {
        check_reference_tables();
    }
}

/// Whether a utility statement runs nothing on other nodes by itself: it sets session state, or
/// the queries it runs are planned and checked when they run. Not EXPLAIN: Citus sends the
/// workers an EXPLAIN of each task, which they plan as the current role, folding its immutable
/// functions (a review read every value from the plan's output that way).
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
            | T::T_DoStmt | T::T_ListenStmt | T::T_NotifyStmt | T::T_UnlistenStmt
            | T::T_CreateTableAsStmt | T::T_RefreshMatViewStmt | T::T_ConstraintsSetStmt | T::T_CheckPointStmt => true,
            T::T_CopyStmt => {
                let copy = node.cast::<pg_sys::CopyStmt>();
                // COPY (query) runs its query through the executor. A name that is no relation
                // may be an intermediate result of Citus' (`WITH (format result)`), which Citus
                // serves from its files.
                if (*copy).relation.is_null() {
                    return true;
                }
                let relid = pg_sys::RangeVarGetRelidExtended((*copy).relation, pg_sys::NoLock as i32, pg_sys::RVROption::RVR_MISSING_OK, None, std::ptr::null_mut());
                relid != pg_sys::InvalidOid && !is_citus_table(relid)
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
