//! colcrypt on Citus: the key tables are kept identical on every node by the coordinator.
//!
//! Every key change on the coordinator (create, rotate, destroy, the access lists, master-key
//! rotation) ends in `keyring::invalidate_all`, which calls [`propagate`]: it sends the
//! coordinator's whole key state to every node with Citus metadata, as a bind parameter of
//! `colcrypt.citus_apply_keys($1)`, through Citus' own coordinated transaction
//! (`SendCommandToRemoteMetadataNodesParams`): the workers' changes commit or abort with the
//! coordinator's under two-phase commit. The worker side replaces its key rows and sends a local
//! cache invalidation, so every backend on every node obeys the change by its next statement.
//!
//! Key ids come from the coordinator's sequence alone: key management (and the implicit creation
//! of `default`, `__blind_index` and `__transient`) is refused on a worker, so no two nodes can
//! pick the same id or make different blind-index keys.
//!
//! Shard copies (moves, splits and the rebalancer, both transfer modes) carry the stored
//! envelopes, not plaintext: on the source, `worker_copy_table_to_node` and `worker_split_copy`
//! run with ciphertext I/O ([`shard_copy_source`], marked by an fmgr hook; a split's copy to a
//! new shard on the same node runs in that backend, so it loads envelopes too); on the target,
//! the COPY into a shard that has no placement on this node yet, or a split's new shard, takes
//! envelopes as input ([`shard_copy_target`]), checked as
//! under `colcrypt.ciphertext_io`. Neither marker gives a role anything `SET
//! colcrypt.ciphertext_io = on` would not. The logical-replication catch-up already carries
//! envelopes (walsenders and apply workers run with ciphertext I/O).
//!
//! colcrypt does not link Citus: the few Citus functions used are looked up in the running
//! process (PostgreSQL loads libraries with RTLD_GLOBAL) and only when the database has the
//! `citus` extension; without Citus every function here is a no-op.

use std::cell::{Cell, RefCell};
use std::ffi::{c_char, c_int, c_void, CStr, CString};

use pgrx::pg_sys;
use pgrx::prelude::*;

use crate::backend_local::BackendLocal;
use crate::error::{ColcryptError, OrRaise, Result};
use crate::keyring;
use crate::privileged;

/// A C symbol of the process by name.
fn symbol(name: &CStr) -> Option<*mut c_void> {
    // SAFETY: dlsym on the global namespace with a NUL-terminated name.
    let p = unsafe { libc::dlsym(libc::RTLD_DEFAULT, name.as_ptr()) };
    (!p.is_null()).then_some(p)
}

/// Citus' `CitusHasBeenLoaded`, if citus.so is loaded in this process (at server start, from
/// shared_preload_libraries: Citus refuses to load otherwise); looked up once per backend. Not
/// kept in the postmaster, which may ask while it loads the preloaded libraries, before Citus'
/// turn.
fn has_been_loaded() -> Option<*mut c_void> {
    static FOUND: std::sync::OnceLock<Option<usize>> = std::sync::OnceLock::new();
    if let Some(&found) = FOUND.get() {
        return found.map(|p| p as *mut c_void);
    }
    let found = symbol(c"CitusHasBeenLoaded");
    // SAFETY: a read of a backend global, set before any library is loaded.
    if unsafe { pg_sys::IsUnderPostmaster } {
        let _ = FOUND.set(found.map(|p| p as usize));
    }
    found
}

/// Whether citus.so is loaded in this process.
pub(crate) fn loaded() -> bool {
    has_been_loaded().is_some()
}

/// A Citus function by its C name, if citus.so is loaded in this process (without it, no lookup:
/// a Parse with parameters asks whether Citus is active).
pub(crate) fn citus_symbol(name: &CStr) -> Option<*mut c_void> {
    if loaded() { symbol(name) } else { None }
}

/// Whether this database runs Citus (citus.so loaded and the extension created here).
pub(crate) fn active() -> bool {
    let Some(p) = has_been_loaded() else { return false };
    // SAFETY: Citus' `bool CitusHasBeenLoaded(void)`; it may raise an ERROR, which the boundary
    // turns into a Rust panic that pgrx raises again.
    unsafe {
        let f: unsafe extern "C-unwind" fn() -> bool = std::mem::transmute(p);
        pg_sys::ffi::pg_guard_ffi_boundary(|| f())
    }
}

/// The attribute number of the distribution column of range-table entry `varno` of `query`, if
/// that entry is a Citus table distributed by a column.
pub(crate) unsafe fn distribution_column(varno: i32, query: *mut pg_sys::Query) -> Option<pg_sys::AttrNumber> {
    let (Some(is_citus), Some(key)) = (citus_symbol(c"IsCitusTable"), citus_symbol(c"DistPartitionKey")) else { return None };
    // SAFETY: `varno` is within the query's range table (the caller checked); Citus'
    // `bool IsCitusTable(Oid)` and `Var *DistPartitionKey(Oid)` (NULL for a table without a
    // distribution column), called once Citus is loaded in this database; their errors are
    // raised again by the boundary.
    unsafe {
        let rte = pg_sys::list_nth((*query).rtable, varno - 1).cast::<pg_sys::RangeTblEntry>();
        if (*rte).rtekind != pg_sys::RTEKind::RTE_RELATION {
            return None;
        }
        let relid = (*rte).relid;
        let is_citus: unsafe extern "C-unwind" fn(pg_sys::Oid) -> bool = std::mem::transmute(is_citus);
        let key: unsafe extern "C-unwind" fn(pg_sys::Oid) -> *mut pg_sys::Var = std::mem::transmute(key);
        pg_sys::ffi::pg_guard_ffi_boundary(|| {
            if !is_citus(relid) {
                return None;
            }
            let var = key(relid);
            (!var.is_null()).then(|| (*var).varattno)
        })
    }
}

/// Whether this node is a Citus worker (its group is not the coordinator's, group 0).
pub(crate) fn is_worker() -> bool {
    if !active() {
        return false;
    }
    let Some(p) = citus_symbol(c"GetLocalGroupId") else { return false };
    // SAFETY: Citus' `int32 GetLocalGroupId(void)`, called once Citus is loaded in this database.
    let group = unsafe {
        let f: unsafe extern "C-unwind" fn() -> i32 = std::mem::transmute(p);
        pg_sys::ffi::pg_guard_ffi_boundary(|| f())
    };
    group != 0
}

/// Refuses `what` (a key change) on a Citus worker.
pub(crate) fn ensure_not_worker(what: &'static str) -> Result<()> {
    if is_worker() { Err(ColcryptError::CitusWorker(what)) } else { Ok(()) }
}

/// The key state as JSON: every row of the key tables in a fixed order, timestamps in UTC, so
/// equal states give equal text on every node (the digest compares it). `with_names` adds the
/// key-name registry, which a worker needs to accept the column types of shard DDL.
fn snapshot(with_names: bool) -> Result<String> {
    let names = if with_names {
        ", 'key_names', COALESCE((SELECT pg_catalog.jsonb_agg(n ORDER BY n.typmod) FROM colcrypt.key_names n), '[]'::pg_catalog.jsonb)"
    } else {
        ""
    };
    let sql = format!(
        "SELECT pg_catalog.jsonb_build_object(\
           'data_keys', COALESCE((SELECT pg_catalog.jsonb_agg(d ORDER BY d.key_id, d.version) FROM colcrypt.data_keys d), '[]'::pg_catalog.jsonb), \
           'plaintext_denials', COALESCE((SELECT pg_catalog.jsonb_agg(p ORDER BY p.key_name, p.role::pg_catalog.text) FROM colcrypt.plaintext_denials p), '[]'::pg_catalog.jsonb), \
           'restricted_keys', COALESCE((SELECT pg_catalog.jsonb_agg(r ORDER BY r.key_name) FROM colcrypt.restricted_keys r), '[]'::pg_catalog.jsonb), \
           'key_use_grants', COALESCE((SELECT pg_catalog.jsonb_agg(g ORDER BY g.key_name, g.role::pg_catalog.text) FROM colcrypt.key_use_grants g), '[]'::pg_catalog.jsonb)\
           {names})::pg_catalog.text"
    );
    privileged::as_key_table_owner(|| {
        Ok(Spi::connect(|client| {
            // Local to the privileged block: its GUC nest level undoes it on exit.
            client.select("SELECT pg_catalog.set_config('TimeZone', 'UTC', true)", None, &[])?;
            client.select(&sql, Some(1), &[])?.first().get_one::<String>()
        })?
        .unwrap_or_default())
    })
}

/// On a Citus coordinator, one key change at a time: taken before a transaction's first write to
/// the key tables and held to commit, this lock conflicts with itself and with other sessions'
/// writes there, so the state a change sends to the workers (read after it) includes every change
/// committed before, and the workers apply the changes in commit order.
pub(crate) fn lock_key_tables(client: &mut pgrx::spi::SpiClient<'_>) -> Result<()> {
    if !active() || is_worker() {
        return Ok(());
    }
    client.update(
        "LOCK TABLE colcrypt.data_keys, colcrypt.plaintext_denials, colcrypt.restricted_keys, \
         colcrypt.key_use_grants, colcrypt.key_names IN SHARE ROW EXCLUSIVE MODE",
        None,
        &[],
    )?;
    Ok(())
}

/// Sends the coordinator's key state to every node with Citus metadata, inside the current
/// (coordinated) transaction. A no-op without Citus and on a worker.
pub(crate) fn propagate() -> Result<()> {
    if !active() || is_worker() {
        return Ok(());
    }
    let Some(p) = citus_symbol(c"SendCommandToRemoteMetadataNodesParams") else {
        return Err(ColcryptError::Internal("colcrypt: this Citus lacks SendCommandToRemoteMetadataNodesParams".into()));
    };
    // The state sent must be the newest committed one plus this transaction's own changes: a
    // transaction snapshot taken before another session's destroy_key would bring the destroyed
    // version back on the workers.
    // SAFETY: reads backend-local transaction state.
    if unsafe { pg_sys::XactIsoLevel } >= pg_sys::XACT_REPEATABLE_READ as i32 {
        return Err(ColcryptError::CitusSnapshotTooOld);
    }
    // Taken by every key change already (privileged::write_key_tables); again for citus_sync_keys.
    keyring::write_key_tables(|_| Ok(()))?;
    let state = CString::new(snapshot(true)?).map_err(|_| ColcryptError::Internal("colcrypt key snapshot holds a NUL".into()))?;
    // The workers' key tables are written by the same role that owns them here (the superuser
    // that ran CREATE EXTENSION), which is also the only role citus_apply_keys accepts.
    let (_, owner) = privileged::key_table()?;
    // SAFETY: a catalog lookup of an existing role; palloc'd in the current context.
    let user = unsafe { pg_sys::GetUserNameFromId(owner, false) };
    let command = c"SELECT colcrypt.citus_apply_keys($1::pg_catalog.text)";
    let types = [pg_sys::TEXTOID];
    let values: [*const c_char; 1] = [state.as_ptr()];
    // SAFETY: Citus' `void SendCommandToRemoteMetadataNodesParams(const char *command,
    // const char *user, int parameterCount, const Oid *parameterTypes,
    // const char *const *parameterValues)`; the arrays outlive the call. The value travels as a
    // bind parameter, not in the statement text.
    unsafe {
        type Send = unsafe extern "C-unwind" fn(*const c_char, *const c_char, c_int, *const pg_sys::Oid, *const *const c_char);
        let f: Send = std::mem::transmute(p);
        pg_sys::ffi::pg_guard_ffi_boundary(|| f(command.as_ptr(), user, 1, types.as_ptr(), values.as_ptr()));
    }
    Ok(())
}

/// `count(*)` of rows `FROM {from}`, where `{coordinator}` in `from` stands for the coordinator's
/// `data_keys` rows in the JSON state (bound as `$1`, never in the statement text).
fn count_against_state(client: &mut pgrx::spi::SpiClient<'_>, from: &str, state: &str) -> Result<i64> {
    let coordinator = "pg_catalog.jsonb_populate_recordset(NULL::colcrypt.data_keys, \
                       $1::pg_catalog.jsonb OPERATOR(pg_catalog.->) 'data_keys')";
    let query = format!("SELECT pg_catalog.count(*) FROM {}", from.replace("{coordinator}", coordinator));
    Ok(client.select(&query, Some(1), &[state.into()])?.first().get_one::<i64>()?.unwrap_or_default())
}

/// The worker side of [`propagate`]: makes this node's key tables the coordinator's.
fn apply_keys(state: &str) -> Result<()> {
    // The coordinator's state is the truth: only a worker takes it, and only from a superuser
    // (the coordinator's connection as the key tables' owner).
    // SAFETY: plain catalog check.
    if !unsafe { pg_sys::superuser() } || !is_worker() {
        return Err(ColcryptError::CitusApplyDenied);
    }
    const FROM: &str = "pg_catalog.jsonb_populate_recordset";
    keyring::write_key_tables(|client| {
        // A key version only this node has would be lost; its values with it.
        let missing = count_against_state(
            client,
            "colcrypt.data_keys d WHERE NOT EXISTS (SELECT 1 FROM {coordinator} s \
             WHERE s.fingerprint OPERATOR(pg_catalog.=) d.fingerprint)",
            state,
        )?;
        if missing > 0 {
            return Err(ColcryptError::CitusKeysDiverge(missing));
        }
        // Destruction is final here too, whatever the coordinator sends.
        let revived = count_against_state(
            client,
            "colcrypt.data_keys d JOIN {coordinator} s ON s.fingerprint OPERATOR(pg_catalog.=) d.fingerprint \
             WHERE d.state OPERATOR(pg_catalog.=) 'destroyed' AND (s.state OPERATOR(pg_catalog.<>) 'destroyed' OR s.wrapped IS NOT NULL)",
            state,
        )?;
        if revived > 0 {
            return Err(ColcryptError::CitusKeysRevive(revived));
        }
        for table in ["data_keys", "plaintext_denials", "restricted_keys", "key_use_grants"] {
            client.update(&format!("DELETE FROM colcrypt.{table}"), None, &[])?;
            client.update(
                &format!(
                    "INSERT INTO colcrypt.{table} SELECT * FROM {FROM}(NULL::colcrypt.{table}, \
                     $1::pg_catalog.jsonb OPERATOR(pg_catalog.->) '{table}')"
                ),
                None,
                &[state.into()],
            )?;
        }
        // Names are a hash of the key name, so the same on every node; a node may know more.
        client.update(
            &format!(
                "INSERT INTO colcrypt.key_names SELECT * FROM {FROM}(NULL::colcrypt.key_names, \
                 $1::pg_catalog.jsonb OPERATOR(pg_catalog.->) 'key_names') ON CONFLICT DO NOTHING"
            ),
            None,
            &[state.into()],
        )?;
        Ok(())
    })?;
    keyring::invalidate_local()
}

/// Called by the coordinator on every node (see [`propagate`]); superusers only.
#[pg_extern(volatile)]
fn citus_apply_keys(state: &str) {
    apply_keys(state).or_raise();
    crate::key_audit::record("citus_apply_keys() took the coordinator's key tables".into());
}

/// SHA-256 (hex) of this node's key state, without the name registry.
fn digest() -> Result<String> {
    let state = snapshot(false)?;
    Ok(Spi::connect(|client| {
        client
            .select(
                "SELECT pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to($1, 'UTF8')), 'hex')",
                Some(1),
                &[state.as_str().into()],
            )?
            .first()
            .get_one::<String>()
    })?
    .unwrap_or_default())
}

/// A digest of this node's key tables (no key bytes: a hash of wrapped keys and states), for
/// citus_keys_in_sync.
#[pg_extern(volatile)]
fn citus_key_digest() -> String {
    digest().or_raise()
}

/// Sends the coordinator's keys to every node now (after citus_add_node, or to repair a node).
/// Returns the number of worker nodes with metadata.
#[pg_extern(volatile)]
fn citus_sync_keys() -> i64 {
    sync_keys().or_raise()
}

fn sync_keys() -> Result<i64> {
    if !active() {
        return Err(ColcryptError::CitusMissing("citus_sync_keys"));
    }
    ensure_not_worker("sync keys")?;
    propagate()?;
    crate::key_audit::record("citus_sync_keys() sent this node's key tables to every worker".into());
    Ok(privileged::select_first(
        "SELECT pg_catalog.count(*) FROM pg_catalog.pg_dist_node WHERE hasmetadata AND isactive \
         AND noderole::pg_catalog.text OPERATOR(pg_catalog.=) 'primary' AND groupid OPERATOR(pg_catalog.<>) 0",
        &[],
        |t| t.get::<i64>(1),
    )?
    .flatten()
    .unwrap_or_default())
}

/// Every worker, and whether its key tables equal the coordinator's. A node that cannot be asked
/// (down, or colcrypt missing) is reported out of sync, with the reason.
#[pg_extern(volatile)]
fn citus_keys_in_sync() -> TableIterator<
    'static,
    (name!(node_name, String), name!(node_port, i32), name!(in_sync, bool), name!(problem, Option<String>)),
> {
    TableIterator::new(keys_in_sync().or_raise())
}

fn keys_in_sync() -> Result<Vec<(String, i32, bool, Option<String>)>> {
    if !active() {
        return Err(ColcryptError::CitusMissing("citus_keys_in_sync"));
    }
    ensure_not_worker("compare keys")?;
    let mine = digest()?;
    // With the caller's rights: Citus connects to each worker as the caller.
    Ok(Spi::connect(|client| {
        client
            .select(
                "SELECT nodename::pg_catalog.text, nodeport, success, result \
                 FROM pg_catalog.run_command_on_workers('SELECT colcrypt.citus_key_digest()') ORDER BY nodename, nodeport",
                None,
                &[],
            )?
            .map(|row| {
                let name = row.get::<String>(1)?.unwrap_or_default();
                let port = row.get::<i32>(2)?.unwrap_or_default();
                let ok = row.get::<bool>(3)?.unwrap_or(false);
                let result = row.get::<String>(4)?.unwrap_or_default();
                Ok(match (ok, result == mine) {
                    (true, true) => (name, port, true, None),
                    (true, false) => (name, port, false, Some("keys differ from the coordinator's".to_owned())),
                    (false, _) => (name, port, false, Some(result)),
                })
            })
            .collect::<std::result::Result<Vec<_>, pgrx::spi::Error>>()
    })?)
}

// ---- Shard copies carry envelopes ----------------------------------------------------------

/// The Citus functions that copy a shard's rows from the node they run on (Citus 13):
/// `worker_copy_table_to_node` to another node, for citus_move_shard_placement,
/// citus_copy_shard_placement and the rebalancer (`block_writes`, and the initial copy of the
/// logical-replication mode); `worker_split_copy` into the new shards of a split
/// (citus_split_shard_by_split_points, isolate_tenant_to_new_shard,
/// create_distributed_table_concurrently), on this node or another. Both read the rows with a
/// scan and send them with binary (or text) COPY output functions; a split routes each row by
/// the hash of its distribution column, which for an encrypted column is its blind index.
const SHARD_COPY_FUNCTIONS: [&CStr; 2] = [c"worker_copy_table_to_node", c"worker_split_copy"];
/// C functions of citus.so that open no connection and that plain queries call: the filter that
/// hides shards from `pg_class` scans, visibility and version probes, hashing, and the partial
/// and combining aggregates of distributed aggregation. Every other C function of Citus is
/// [`CITUS_FUNCTION`], refused while a hidden denial stands.
const CITUS_LOCAL_FUNCTIONS: [&CStr; 14] = [
    c"relation_is_a_known_shard",
    c"citus_table_is_visible",
    c"worker_hash",
    c"citus_version",
    c"citus_is_coordinator",
    c"get_current_transaction_id",
    c"citus_backend_gpid",
    c"any_value_agg",
    c"worker_partial_agg_sfunc",
    c"worker_partial_agg_ffunc",
    c"coord_combine_agg_sfunc",
    c"coord_combine_agg_ffunc",
    c"citus_text_send_as_jsonb",
    c"citus_extradata_container",
];
/// Citus' C functions that move, copy or split shards (and the rebalancer and node drains that
/// call them): parts of them run on the target node as each table's *owner* (its post-load DDL,
/// the logical-replication catch-up), whoever calls them, so code the owner's members planted
/// there (an index expression) runs as the owner. Refused for a login denied any key
/// (src/citus_role_switch.rs), switched or not.
const OWNER_FUNCTIONS: [&CStr; 15] = [
    c"citus_move_shard_placement",
    c"master_move_shard_placement",
    c"citus_copy_shard_placement",
    c"master_copy_shard_placement",
    c"citus_split_shard_by_split_points",
    c"isolate_tenant_to_new_shard",
    c"create_distributed_table_concurrently",
    c"rebalance_table_shards",
    c"citus_rebalance_start",
    c"replicate_table_shards",
    c"replicate_reference_tables",
    c"citus_drain_node",
    c"master_drain_node",
    c"citus_schema_move",
    c"citus_promote_clone_and_rebalance",
];
/// [`watched_function`]'s answer for one of [`OWNER_FUNCTIONS`].
const CITUS_OWNER_FUNCTION: usize = CITUS_FUNCTION + 1;
/// Citus' C functions that distribute a table by a column, or change its distribution column.
const DISTRIBUTE_FUNCTIONS: [&CStr; 3] = [c"create_distributed_table", c"create_distributed_table_concurrently", c"alter_distributed_table"];
/// [`watched_function`]'s answer for one of [`DISTRIBUTE_FUNCTIONS`].
const CITUS_DISTRIBUTE_FUNCTION: usize = CITUS_FUNCTION + 2;
/// Citus' other C functions that add a table or a shard and so first copy any reference table
/// a node lacks (Citus' EnsureReferenceTablesExistOnAllNodes); the distribution functions do too.
const REPLICATING_FUNCTIONS: [&CStr; 4] =
    [c"create_reference_table", c"citus_add_local_table_to_metadata", c"master_create_empty_shard", c"citus_schema_distribute"];
/// [`watched_function`]'s answer for one of [`REPLICATING_FUNCTIONS`].
const CITUS_REPLICATING_FUNCTION: usize = CITUS_FUNCTION + 3;
/// The oids (overloads too) of the owner, distribution and replicating functions, with their
/// answer, once fmgr has asked about them; never emptied, so that a call through an FmgrInfo
/// made before a pg_proc change is still recognised.
static CLASSED_OIDS: BackendLocal<RefCell<Vec<(pg_sys::Oid, usize)>>> = BackendLocal::new(RefCell::new(Vec::new()));

/// The answer kept in [`CLASSED_OIDS`] for `oid`.
fn classed(oid: pg_sys::Oid) -> Option<usize> {
    CLASSED_OIDS.with(|c| c.borrow().iter().find(|&&(o, _)| o == oid).map(|&(_, class)| class))
}
/// The answer of [`watched_function`] for any other C function of citus.so: many of them open
/// connections to other nodes as the current role (`master_run_on_worker` behind
/// `run_command_on_*`, shard moves and splits, the rebalancer), which src/citus_role_switch.rs
/// checks before they start.
const CITUS_FUNCTION: usize = SHARD_COPY_FUNCTIONS.len();

static mut PREVIOUS_NEEDS_FMGR_HOOK: pg_sys::needs_fmgr_hook_type = None;
static mut PREVIOUS_FMGR_HOOK: pg_sys::fmgr_hook_type = None;

/// One entry per running call of the shard copy function in this backend (innermost last):
/// whether that call sends envelopes, with the function's oid: END pops the entry its START
/// pushed even if the function was dropped and made again in between (an attacker review left
/// an entry behind that way, and the backend's output stayed envelopes).
static SHARD_COPIES: BackendLocal<RefCell<Vec<(pg_sys::Oid, bool)>>> = BackendLocal::new(RefCell::new(Vec::new()));
/// The shard copy functions' oids, once fmgr has asked about them: fmgr_hook also runs for every
/// SECURITY DEFINER function and function with SET clauses, and compares only these.
static SHARD_COPY_OIDS: BackendLocal<Cell<[pg_sys::Oid; 2]>> = BackendLocal::new(Cell::new([pg_sys::InvalidOid; 2]));
/// Whether the running statement is a shard copy's COPY into this node, keyed by the
/// statement (start time and text pointer): worked out once per statement, not per value.
static COPY_TARGET: BackendLocal<Cell<Option<((i64, usize), bool)>>> = BackendLocal::new(Cell::new(None));
/// [`shard_transfer_apply_worker`]'s answer for a role, until a pg_authid change.
static APPLY_WORKER_ROLE: BackendLocal<Cell<Option<(pg_sys::Oid, bool)>>> = BackendLocal::new(Cell::new(None));
static ROLE_CALLBACK_REGISTERED: BackendLocal<Cell<bool>> = BackendLocal::new(Cell::new(false));

/// needs_fmgr_hook's answers by function oid: fmgr asks on every lookup of a function that is
/// not built in, which is every statement's output and cast functions (a prepared SELECT of an
/// encrypted column asked once per execution, a syscache lookup behind pgrx's sigsetjmp). Emptied
/// when pg_proc changes, as an oid can be dropped and used again. A short list searched in order
/// (a statement uses a handful of functions), emptied when full.
static FUNCTION_ANSWERS: BackendLocal<RefCell<Vec<(pg_sys::Oid, Option<usize>)>>> = BackendLocal::new(RefCell::new(Vec::new()));
const FUNCTION_ANSWERS_KEPT: usize = 64;
/// Counts pg_proc invalidations, so that an answer looked up while one arrived is not kept.
static FUNCTION_GENERATION: BackendLocal<Cell<u64>> = BackendLocal::new(Cell::new(0));

/// Installs the fmgr hooks that mark the shard copy functions and check `master_run_on_worker`;
/// called once per process from `_PG_init`. The hooks chain to any installed before.
pub(crate) fn install_hooks() {
    // SAFETY: hooks are installed from _PG_init, before any function is looked up through them.
    unsafe {
        PREVIOUS_NEEDS_FMGR_HOOK = pg_sys::needs_fmgr_hook;
        PREVIOUS_FMGR_HOOK = pg_sys::fmgr_hook;
        pg_sys::needs_fmgr_hook = Some(needs_fmgr_hook);
        pg_sys::fmgr_hook = Some(fmgr_hook);
        // A plain registration for the life of the process (once, from _PG_init).
        pg_sys::CacheRegisterSyscacheCallback(pg_sys::SysCacheIdentifier::PROCOID as i32, Some(on_function_change), pg_sys::Datum::from(0));
    }
}

#[pg_guard]
unsafe extern "C-unwind" fn on_function_change(_arg: pg_sys::Datum, _cache_id: i32, _hash: u32) {
    FUNCTION_ANSWERS.with(|a| a.borrow_mut().clear());
    FUNCTION_GENERATION.with(|g| g.set(g.get().wrapping_add(1)));
}

/// [`watched_function`], looked up once per oid until pg_proc changes.
fn watched_function_cached(oid: pg_sys::Oid) -> Option<usize> {
    if let Some(answer) = FUNCTION_ANSWERS.with(|a| a.borrow().iter().find(|(o, _)| *o == oid).map(|&(_, answer)| answer)) {
        return answer;
    }
    // The lookup runs outside any borrow: it can take in invalidations, which empty the list,
    // and an answer read across one is used this once but not kept.
    let generation = FUNCTION_GENERATION.with(Cell::get);
    let answer = watched_function(oid);
    if FUNCTION_GENERATION.with(Cell::get) != generation {
        return answer;
    }
    FUNCTION_ANSWERS.with(|a| {
        let mut a = a.borrow_mut();
        if a.len() == FUNCTION_ANSWERS_KEPT {
            a.clear();
        }
        a.push((oid, answer));
    });
    answer
}

/// Which of [`SHARD_COPY_FUNCTIONS`] `oid` is, in pg_catalog (where only a superuser can create
/// functions), or [`CITUS_FUNCTION`] for another C function of citus.so. Called by fmgr for
/// non-built-in functions only, once per lookup (not per call), inside a transaction.
fn watched_function(oid: pg_sys::Oid) -> Option<usize> {
    // SAFETY: syscache lookups of a function fmgr has just looked up; the name is palloc'd, the
    // cache entry released, and `probin` copied out of it first.
    unsafe {
        if pg_sys::get_func_namespace(oid) == pg_sys::Oid::from(pg_sys::PG_CATALOG_NAMESPACE) {
            let known = with_palloc_name(pg_sys::get_func_name(oid), |name| {
                let class = if OWNER_FUNCTIONS.contains(&name) {
                    Some(CITUS_OWNER_FUNCTION)
                } else if DISTRIBUTE_FUNCTIONS.contains(&name) {
                    Some(CITUS_DISTRIBUTE_FUNCTION)
                } else if REPLICATING_FUNCTIONS.contains(&name) {
                    Some(CITUS_REPLICATING_FUNCTION)
                } else {
                    None
                };
                (SHARD_COPY_FUNCTIONS.iter().position(|&f| name == f), CITUS_LOCAL_FUNCTIONS.contains(&name), class)
            });
            match known {
                Some((Some(i), _, _)) => return Some(i),
                Some((None, true, _)) => return None,
                Some((None, false, Some(class))) if is_citus_function(oid) => return Some(class),
                _ => {}
            }
            // Citus' metadata-cache invalidation triggers, which it fires as its extension's
            // owner when a statement of the session's own records a distributed object.
            if with_palloc_name(pg_sys::get_func_name(oid), |name| name.to_bytes().ends_with(b"_cache_invalidate")) == Some(true) {
                return None;
            }
        }
        is_citus_function(oid).then_some(CITUS_FUNCTION)
    }
}

/// Whether `oid` is a C function of citus.so (by its `probin`), once Citus is loaded.
fn is_citus_function(oid: pg_sys::Oid) -> bool {
    if !loaded() {
        return false;
    }
    // SAFETY: a syscache lookup by oid; the entry is released, and `probin` copied out of it
    // first.
    unsafe {
        let tuple = pg_sys::SearchSysCache1(pg_sys::SysCacheIdentifier::PROCOID as i32, pg_sys::Datum::from(oid));
        if tuple.is_null() {
            return false;
        }
        let mut is_null = false;
        let probin = pg_sys::SysCacheGetAttr(pg_sys::SysCacheIdentifier::PROCOID as i32, tuple, pg_sys::Anum_pg_proc_probin as i16, &mut is_null);
        // Citus' SQL names its library both ways (`MODULE_PATHNAME`, and `'citus'` in places).
        let citus = !is_null
            && with_palloc_name(pg_sys::text_to_cstring(probin.cast_mut_ptr()), |bin| {
                let bin = bin.to_bytes();
                bin.strip_prefix(b"$libdir/").unwrap_or(bin) == b"citus"
            })
            .unwrap_or(false);
        pg_sys::ReleaseSysCache(tuple);
        citus
    }
}

/// Runs `f` on a name a catalog lookup palloc'd (None when it found nothing), then frees it.
///
/// # Safety
/// `name` is NULL or a palloc'd NUL-terminated string nothing else frees.
pub(crate) unsafe fn with_palloc_name<R>(name: *mut std::ffi::c_char, f: impl FnOnce(&CStr) -> R) -> Option<R> {
    if name.is_null() {
        return None;
    }
    // SAFETY: per the contract, a NUL-terminated string owned here.
    let result = f(unsafe { CStr::from_ptr(name) });
    // SAFETY: as above; `f` has returned, so nothing borrows it any more.
    unsafe { pg_sys::pfree(name.cast()) };
    Some(result)
}

#[pg_guard]
unsafe extern "C-unwind" fn needs_fmgr_hook(oid: pg_sys::Oid) -> bool {
    // SAFETY: the previous hook, if any, was installed by another library for this process.
    if let Some(previous) = unsafe { PREVIOUS_NEEDS_FMGR_HOOK } {
        if unsafe { previous(oid) } {
            return true;
        }
    }
    let Some(i) = watched_function_cached(oid) else { return false };
    if i > CITUS_FUNCTION && classed(oid).is_none() {
        CLASSED_OIDS.with(|c| c.borrow_mut().push((oid, i)));
    }
    if i >= CITUS_FUNCTION {
        return true;
    }
    SHARD_COPY_OIDS.with(|c| {
        let mut oids = c.get();
        oids[i] = oid;
        c.set(oids);
    });
    true
}

#[pg_guard]
unsafe extern "C-unwind" fn fmgr_hook(event: pg_sys::FmgrHookEventType::Type, flinfo: *mut pg_sys::FmgrInfo, arg: *mut pg_sys::Datum) {
    // SAFETY: fmgr passes the FmgrInfo of the function being called.
    let oid = unsafe { (*flinfo).fn_oid };
    // `arg` belongs to the whole hook chain, so the state lives in SHARD_COPIES. Calls nest, and
    // fmgr reports END or ABORT (also when the function raises an error) innermost first.
    if oid != pg_sys::InvalidOid {
        match event {
            pg_sys::FmgrHookEventType::FHET_START => {
                // Raised before the call, which then never starts (no END or ABORT follows), and
                // before a shard copy is counted as running.
                crate::citus_role_switch::check_citus_function(|| watched_function_cached(oid).is_some());
                match classed(oid) {
                    Some(CITUS_OWNER_FUNCTION) => crate::citus_role_switch::check_owner_function(),
                    // Only these: midway through a DROP of a reference table, Citus' drop trigger
                    // functions see a node lacking it (a review found such DROPs refused).
                    Some(CITUS_DISTRIBUTE_FUNCTION | CITUS_REPLICATING_FUNCTION) => crate::citus_role_switch::check_reference_tables(),
                    _ => {}
                }
                if SHARD_COPY_OIDS.with(Cell::get).contains(&oid) {
                    let envelopes = sends_envelopes();
                    SHARD_COPIES.with(|s| s.borrow_mut().push((oid, envelopes)));
                }
            }
            _ => {
                SHARD_COPIES.with(|s| {
                    let mut s = s.borrow_mut();
                    if s.last().is_some_and(|&(o, _)| o == oid) {
                        s.pop();
                    }
                });
                // Once a distribution function has returned (END, not ABORT): raised here, the
                // error undoes the distribution with the transaction.
                if event == pg_sys::FmgrHookEventType::FHET_END && classed(oid) == Some(CITUS_DISTRIBUTE_FUNCTION) {
                    refuse_unsearchable_distribution().or_raise();
                }
            }
        }
    }
    // SAFETY: as above.
    if let Some(previous) = unsafe { PREVIOUS_FMGR_HOOK } {
        unsafe { previous(event, flinfo, arg) }
    }
}

/// Refuses a table distributed by hash of an encrypted column that is not searchable, as the
/// event trigger `colcrypt_refuse_unsearchable_index` refuses partitioning and indexes
/// on one: Citus places each row by the hash of its value, which for colcrypt's types is a hash
/// of the plaintext's blind index, so the shards group equal plaintexts, and
/// `get_shard_id_for_distribution_column` (or a pruned EXPLAIN) tells any role which shard a
/// guess would be in (an attacker review used that as an equality oracle against a role denied
/// the plaintext). Distribution functions are calls, not DDL, so the trigger never saw them.
fn refuse_unsearchable_distribution() -> Result<()> {
    // colcrypt's own query (its column_to_column_name is a function of Citus').
    let offending = crate::citus_role_switch::exempt(|| privileged::select_first(
        "SELECT pg_catalog.string_agg(p.logicalrelid::pg_catalog.regclass::pg_catalog.text, ', ') \
         FROM pg_catalog.pg_dist_partition p \
         JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) p.logicalrelid \
           AND a.attname OPERATOR(pg_catalog.=) pg_catalog.column_to_column_name(p.logicalrelid, p.partkey) \
         JOIN pg_catalog.pg_type t ON t.oid OPERATOR(pg_catalog.=) a.atttypid \
         WHERE p.partmethod OPERATOR(pg_catalog.=) 'h' \
           AND colcrypt.encrypted_type_name(CASE WHEN t.typtype OPERATOR(pg_catalog.=) 'd' THEN t.typbasetype ELSE a.atttypid END) IS NOT NULL \
           AND ((CASE WHEN t.typtype OPERATOR(pg_catalog.=) 'd' THEN t.typtypmod ELSE a.atttypmod END) OPERATOR(pg_catalog.&) 1) OPERATOR(pg_catalog.=) 0",
        &[],
        |t| t.get::<String>(1),
    ))?
    .flatten();
    match offending {
        Some(tables) => Err(ColcryptError::CitusUnsearchableDistribution(tables)),
        None => Ok(()),
    }
}

/// A shard copy sends envelopes only when the role running it (the same role connects to the
/// target) may load them there (types::check_envelope_input_allowed): a superuser or a key
/// admin. Others keep sending plaintext, which moves every value a role may read, as before.
fn sends_envelopes() -> bool {
    acts_as_superuser() || privileged::current_role_is_key_admin()
}

/// Whether this backend is running a shard copy function (for any role). Its rows go to a shard
/// table over its own connection, not to intermediate result files (citus_intermediate).
pub(crate) fn in_shard_copy() -> bool {
    SHARD_COPIES.with(|s| !s.borrow().is_empty())
}

/// Whether this backend is running the shard copy function for a role that sends envelopes:
/// its output functions then give the stored envelope, as under `colcrypt.ciphertext_io = on`.
pub(crate) fn shard_copy_source() -> bool {
    SHARD_COPIES.with(|s| s.borrow().iter().any(|&(_, e)| e))
}

/// A superuser, or a role that may SET ROLE to the bootstrap superuser (so can do all it can;
/// only a superuser can grant that membership). Citus runs the logical-replication catch-up of
/// a shard move or split as such a role when the bootstrap superuser owns the table: the
/// subscription's owner is created a superuser in the table owner's role, then demoted. For
/// other owners see [`shard_transfer_apply_worker`].
pub(crate) fn acts_as_superuser() -> bool {
    let bootstrap = pg_sys::Oid::from(pg_sys::BOOTSTRAP_SUPERUSERID);
    // SAFETY: plain catalog checks of the current role, through PostgreSQL's role caches.
    unsafe { pg_sys::superuser() || crate::pg_compat::can_set_role(pg_sys::GetUserId(), bootstrap) }
}

/// The owners Citus 13 gives the subscriptions of shard moves and splits
/// (multi_logical_replication.c, `subscriptionRolePrefix`).
const SUBSCRIPTION_ROLE_PREFIXES: [&[u8]; 2] = [b"citus_shard_move_subscription_role_", b"citus_shard_split_subscription_role_"];

/// Whether this process is the apply worker of a subscription Citus made for a shard move or
/// split (of a table owned by another role than the bootstrap superuser). It replays rows the
/// source shard stores, as envelopes, and must store them as they are, whatever the keys' state
/// (types::type_recv). That is all it is trusted with: binary input, which only the worker's
/// own tuple decoding reaches (receive functions take `internal`, so no SQL calls them). The
/// table owner's code runs in the same process (CHECK constraints, triggers, index expressions)
/// and gets nothing from it: no envelope text input, no key use, no plaintext (an attacker
/// review decrypted a restricted key's values that way when this counted as a superuser).
/// Only where every subscription is a superuser's doing: before PostgreSQL 16 only a superuser
/// can create a subscription or give one to another owner, and a role with one of these names
/// can own one only if a superuser made it so. From 16, a member of pg_create_subscription can
/// create subscriptions, and the name proves nothing.
pub(crate) fn shard_transfer_apply_worker() -> bool {
    // SAFETY: a process-global flag set at worker start.
    if !crate::pg_compat::only_superusers_make_subscriptions() || !unsafe { pg_sys::IsLogicalWorker() } {
        return false;
    }
    // Asked for every value the worker receives: the answer is kept per role until a role
    // changes (a rename could give or take the name), not looked up again.
    // SAFETY: a backend global of this process.
    let role = unsafe { pg_sys::GetUserId() };
    if let Some((r, answer)) = APPLY_WORKER_ROLE.with(Cell::get) {
        if r == role {
            return answer;
        }
    }
    if !ROLE_CALLBACK_REGISTERED.with(|c| c.replace(true)) {
        // SAFETY: registers a plain function for the life of the process.
        unsafe { pg_sys::CacheRegisterSyscacheCallback(pg_sys::SysCacheIdentifier::AUTHOID as i32, Some(on_role_change), pg_sys::Datum::from(0)) };
    }
    // SAFETY: a role cache lookup of the current user (noerr: NULL for a dropped role), palloc'd.
    let answer = unsafe {
        with_palloc_name(pg_sys::GetUserNameFromId(role, true), |name| {
            SUBSCRIPTION_ROLE_PREFIXES.iter().any(|p| name.to_bytes().starts_with(p))
        })
    }
    .unwrap_or(false);
    APPLY_WORKER_ROLE.with(|c| c.set(Some((role, answer))));
    answer
}

#[pg_guard]
unsafe extern "C-unwind" fn on_role_change(_arg: pg_sys::Datum, _cache_id: i32, _hash: u32) {
    APPLY_WORKER_ROLE.with(|c| c.set(None));
}

/// Whether the running statement is the COPY a shard copy sends to its target: exactly Citus'
/// `COPY schema.shard (columns) FROM STDIN [WITH (format binary)];`, into a table that is a
/// known shard (name and schema match Citus' metadata) with no placement on this node yet (a
/// placement is added after its rows are copied), or a split's new shard ([`split_child`]),
/// over one of Citus' own connections ([`internal_connection`]).
/// A user's COPY into a distributed table reaches
/// the shards placed here, so it never matches. Asked only for input that is an envelope.
pub(crate) fn shard_copy_target() -> bool {
    // SAFETY: reads of backend globals set for the running statement.
    let key = unsafe { (pg_sys::GetCurrentStatementStartTimestamp(), pg_sys::debug_query_string as usize) };
    if let Some((k, answer)) = COPY_TARGET.with(Cell::get) {
        if k == key {
            return answer;
        }
    }
    let answer = copy_into_unplaced_shard().or_raise();
    COPY_TARGET.with(|c| c.set(Some((key, answer))));
    answer
}

fn copy_into_unplaced_shard() -> Result<bool> {
    // Only over Citus' own connections: a table owner could otherwise create a table named like a
    // shard that is not placed here (or a split's new one) and have a superuser's COPY load
    // stolen envelopes into it (attacker reviews did, both ways).
    if key_is_null_statement() || !active() || !internal_connection() {
        return Ok(false);
    }
    // SAFETY: the text of the running statement, NUL-terminated, kept for the statement.
    let query = unsafe { CStr::from_ptr(pg_sys::debug_query_string) };
    let text = query.to_bytes();
    // The prefilter keeps every other statement away from the parser.
    if !text.starts_with(b"COPY ") || !(text.ends_with(b" FROM STDIN WITH (format binary);") || text.ends_with(b" FROM STDIN;")) {
        return Ok(false);
    }
    // SAFETY: the running statement parsed already, so raw_parser returns its statements; the
    // nodes are palloc'd in the current context.
    let relid = unsafe {
        let list = pg_sys::raw_parser(query.as_ptr(), pg_sys::RawParseMode::RAW_PARSE_DEFAULT);
        if list.is_null() || (*list).length != 1 {
            return Ok(false);
        }
        let raw = (*(*list).elements).ptr_value.cast::<pg_sys::RawStmt>();
        if !pgrx::is_a((*raw).stmt, pg_sys::NodeTag::T_CopyStmt) {
            return Ok(false);
        }
        let copy = (*raw).stmt.cast::<pg_sys::CopyStmt>();
        let c = &*copy;
        if !c.is_from || c.is_program || !c.filename.is_null() || !c.query.is_null() || !c.whereClause.is_null()
            || c.relation.is_null() || (*c.relation).schemaname.is_null()
        {
            return Ok(false);
        }
        // COPY holds its lock on the table already.
        pg_sys::RangeVarGetRelidExtended(c.relation, pg_sys::NoLock as i32, pg_sys::RVROption::RVR_MISSING_OK, None, std::ptr::null_mut())
    };
    if relid == pg_sys::InvalidOid {
        return Ok(false);
    }
    let (Some(known), Some(extract), Some(placement), Some(group)) = (
        citus_symbol(c"RelationIsAKnownShard"),
        citus_symbol(c"ExtractShardIdFromTableName"),
        citus_symbol(c"ActiveShardPlacementOnGroup"),
        citus_symbol(c"GetLocalGroupId"),
    ) else {
        return Ok(false);
    };
    // SAFETY: Citus 13's `bool RelationIsAKnownShard(Oid)`, `uint64
    // ExtractShardIdFromTableName(const char *, bool missingOk)`, `int32 GetLocalGroupId(void)`
    // and `ShardPlacement *ActiveShardPlacementOnGroup(int32, uint64)` (NULL when none); their
    // errors come back as PostgreSQL errors through the boundary.
    unsafe {
        let name = pg_sys::get_rel_name(relid);
        if name.is_null() {
            return Ok(false);
        }
        let extract: unsafe extern "C-unwind" fn(*const c_char, bool) -> u64 = std::mem::transmute(extract);
        let shard = pg_sys::ffi::pg_guard_ffi_boundary(|| extract(name, true));
        if shard == 0 {
            return Ok(false);
        }
        let known: unsafe extern "C-unwind" fn(pg_sys::Oid) -> bool = std::mem::transmute(known);
        if !pg_sys::ffi::pg_guard_ffi_boundary(|| known(relid)) {
            return Ok(split_child(relid, CStr::from_ptr(name), shard));
        }
        let group: unsafe extern "C-unwind" fn() -> i32 = std::mem::transmute(group);
        let local = pg_sys::ffi::pg_guard_ffi_boundary(|| group());
        let placement: unsafe extern "C-unwind" fn(i32, u64) -> *mut c_void = std::mem::transmute(placement);
        Ok(pg_sys::ffi::pg_guard_ffi_boundary(|| placement(local, shard)).is_null())
    }
}

/// Whether `relid` (named `name`, whose suffix is shard id `shard`) is a new shard of a split:
/// named after a distributed table in the same schema, with a shard id that Citus' metadata
/// does not hold yet (a split adds its new shards after their rows are copied). A distributed
/// table whose shard names Citus shortens (names near 63 bytes) is not recognised: its split
/// copy fails as before.
unsafe fn split_child(relid: pg_sys::Oid, name: &CStr, shard: u64) -> bool {
    let (Some(lookup), Some(is_citus)) = (citus_symbol(c"LookupShardRelationFromCatalog"), citus_symbol(c"IsCitusTable")) else {
        return false;
    };
    let Some(table) = name.to_bytes().strip_suffix(format!("_{shard}").as_bytes()) else { return false };
    let Ok(table) = CString::new(table) else { return false };
    // SAFETY: Citus 13's `Oid LookupShardRelationFromCatalog(int64 shardId, bool missingOk)` and
    // `bool IsCitusTable(Oid)`; catalog lookups by name and oid; errors come back as PostgreSQL
    // errors through the boundary.
    unsafe {
        let lookup: unsafe extern "C-unwind" fn(i64, bool) -> pg_sys::Oid = std::mem::transmute(lookup);
        if pg_sys::ffi::pg_guard_ffi_boundary(|| lookup(shard as i64, true)) != pg_sys::InvalidOid {
            return false;
        }
        let parent = pg_sys::get_relname_relid(table.as_ptr(), pg_sys::get_rel_namespace(relid));
        let is_citus: unsafe extern "C-unwind" fn(pg_sys::Oid) -> bool = std::mem::transmute(is_citus);
        parent != pg_sys::InvalidOid && pg_sys::ffi::pg_guard_ffi_boundary(|| is_citus(parent))
    }
}

/// Whether this backend serves one of Citus' own connections between nodes (Citus names them
/// so; a client can too, which gives it nothing here but what it could do as itself).
pub(crate) fn internal_connection() -> bool {
    // SAFETY: a GUC string of this backend, NULL or NUL-terminated.
    unsafe {
        let name = pg_sys::application_name;
        !name.is_null() && CStr::from_ptr(name).to_bytes().starts_with(b"citus_internal gpid=")
    }
}

/// No statement text (a background process, or between statements).
fn key_is_null_statement() -> bool {
    // SAFETY: a backend global.
    unsafe { pg_sys::debug_query_string.is_null() }
}
