//! Citus' intermediate results without plaintext.
//!
//! Citus stores the rows of some queries in files on the way between nodes: the results of
//! subqueries and CTEs it plans separately, the rows of an INSERT … SELECT it repartitions or
//! pulls to the coordinator for ON CONFLICT or RETURNING, a MERGE's source. It writes them in
//! binary COPY form, with each column's send function, under `base/pgsql_job_cache/` on every
//! node that reads them, for as long as the transaction lasts (after a crash, until restart).
//! An encrypted type's send function gives the plaintext's binary form (what drivers need), so
//! these files held plaintext.
//!
//! Here, while one of Citus' three receivers that serialize rows for those files (or for the
//! COPY an INSERT … SELECT sends to a shard) takes a row, an encrypted value's binary form is a
//! *frame* instead: the stored value, sealed under `__transient` with associated data naming
//! the value's type, the role and Citus' distributed transaction (docs/FORMAT.md). The receive
//! function opens a frame and takes the stored value inside as the column's input (moved under
//! the column's key when it is not already under it, with the role's rights to both keys
//! checked as for any cast).
//!
//! A frame opens only for the role, in the distributed transaction, that made it, on any node
//! (they share keys). There a role gets back the stored value it had in hand, which it could
//! have written with SQL anyway: a frame is not an envelope from outside, and loading it needs
//! none of the rights envelope input does. Anywhere else (another role that assigned itself the
//! transaction's id, a later transaction, another type) it does not open and is plaintext like
//! any input: an `encrypted_bytea` value may start like a frame, and workers send plaintext to
//! the coordinator in binary form, so refusing such input would make one row unreadable.
//!
//! The rows of a data-modifying subplan with RETURNING reach the receiver from the portal's
//! store, after the executor has run ([`sending_stored_rows`]).
//!
//! What is not covered (README "Citus"): intermediate results Citus writes in text form (a row
//! type, or a type without binary I/O, in the same result): the receivers also convert values
//! with output functions (CitusCopyDestReceiver's I/O coercions), so text output stays the
//! plaintext's. Nor a data-modifying query that a role passes to `worker_partition_query_result`
//! itself: that function's portal has query text, and Citus passes it only SELECTs.

use std::cell::Cell;
use std::ffi::{c_char, c_int, c_void};
use std::sync::OnceLock;

use pgrx::pg_sys;

use crate::backend_local::BackendLocal;
use crate::error::Result;
use crate::keyring;

/// The start of a frame: a NUL, which no text value's binary form holds, and a name.
const FRAME_MAGIC: &[u8; 16] = b"\0colcrypt:citus\0";
const FRAME_CONTEXT: &[u8] = b"colcrypt citus intermediate result v1\0";

/// Whether a receiver's call may be one that serializes for Citus: set on entry, cleared by
/// the first [`sending`] that finds no receiver running (an error may leave it set).
static MAYBE_SENDING: BackendLocal<Cell<bool>> = BackendLocal::new(Cell::new(false));

/// Whether the running send function serializes a row for one of Citus' receivers. The mark is
/// an entry on PostgreSQL's error context stack, which error recovery cuts back to where it
/// was: a receiver interrupted by an error leaves no mark behind.
pub(crate) fn sending() -> bool {
    marked() || sending_stored_rows()
}

/// Whether a wrapped receiver is taking a row and this send is its own: the receiver's mark is
/// the top entry of the error context stack. Code that runs inside a receiver for other
/// reasons (the triggers and constraints of a local COPY into a shard on this node) runs under
/// entries of its own (COPY's, PL/pgSQL's, SQL functions'), and gets the plaintext.
fn marked() -> bool {
    if !MAYBE_SENDING.with(Cell::get) {
        return false;
    }
    // SAFETY: the error context stack's top entry, a live frame's, or NULL.
    let top = unsafe { pg_sys::error_context_stack };
    // SAFETY: as above.
    if !top.is_null() && unsafe { (*top).arg } == marker() {
        return true;
    }
    // No receiver is running if no entry below is a mark either (error recovery cut them off).
    // SAFETY: the list of live frames' entries, walked as elog does.
    let mut entry = top;
    while !entry.is_null() {
        // SAFETY: as above.
        unsafe {
            if (*entry).arg == marker() {
                return false;
            }
            entry = (*entry).previous;
        }
    }
    MAYBE_SENDING.with(|m| m.set(false));
    false
}

/// A portal of Citus' that stores its rows before sending them (see [`sending_stored_rows`]):
/// its address, the top of the error context stack when its executor ran, and whether that
/// executor is still running (an error leaves it so: such a record never matches again).
#[derive(Clone, Copy)]
struct StoredRows {
    portal: pg_sys::Portal,
    context: *mut pg_sys::ErrorContextCallback,
    running: bool,
}

/// The latest such portals, newest last (nested subplans run their own).
static STORED_ROWS: BackendLocal<std::cell::RefCell<Vec<StoredRows>>> = BackendLocal::new(std::cell::RefCell::new(Vec::new()));
const STORED_ROWS_KEPT: usize = 8;

/// Whether `portal` is one Citus made to run a plan into one of its receivers
/// (ExecutePlanIntoDestReceiver: hidden, without query text) and that stores its rows first
/// (a data-modifying statement with RETURNING).
///
/// # Safety
/// `portal` is NULL or a live portal.
unsafe fn citus_storing_portal(portal: pg_sys::Portal) -> bool {
    // SAFETY: per the contract.
    unsafe {
        if portal.is_null() || (*portal).visible || (*portal).strategy == pg_sys::PortalStrategy::PORTAL_ONE_SELECT {
            return false;
        }
        let text = (*portal).sourceText;
        !text.is_null() && *text == 0
    }
}

/// Whether this send serializes a row that a Citus subplan stored before sending it: a
/// data-modifying statement with RETURNING (`WITH d AS (DELETE … RETURNING …)`), which
/// PostgreSQL runs to its end into the portal's store and then hands to the receiver row by row,
/// outside any ExecutorRun, so no wrapper sees it. The portal is the active one, its executor
/// has run (through [`run`], which recorded it) and the error context stack is as it was then:
/// code that runs inside the receiver for other reasons (triggers of a local COPY) runs under
/// entries of its own.
fn sending_stored_rows() -> bool {
    // SAFETY: backend globals: the running portal (NULL or live) and the error context stack.
    let (portal, context) = unsafe { (pg_sys::ActivePortal, pg_sys::error_context_stack) };
    // SAFETY: as above.
    if !unsafe { citus_storing_portal(portal) } || unsafe { (*portal).holdStore.is_null() } {
        return false;
    }
    STORED_ROWS.with(|r| r.borrow().iter().rev().find(|s| s.portal == portal).is_some_and(|s| !s.running && s.context == context))
        && !crate::citus::in_shard_copy()
}

/// The mark's callback: it adds nothing to an error's context.
unsafe extern "C-unwind" fn mark(_arg: *mut c_void) {}

/// The mark's argument, which tells it from other entries: the address of a static, unique to
/// this library (function addresses need not be).
fn marker() -> *mut c_void {
    static MARKER: u8 = 0;
    std::ptr::addr_of!(MARKER).cast_mut().cast()
}

/// A Citus receiver wrapped for the length of one ExecutorRun.
#[repr(C)]
struct Wrapper {
    receiver: pg_sys::DestReceiver,
    inner: *mut pg_sys::DestReceiver,
}

unsafe extern "C-unwind" fn wrapped_receive(slot: *mut pg_sys::TupleTableSlot, this: *mut pg_sys::DestReceiver) -> bool {
    // SAFETY: `this` is a Wrapper made by `run`; the inner receiver's own function with its own
    // pointer. An error longjmps through this frame, which holds nothing to drop, and error
    // recovery restores the error context stack, taking the mark with it.
    unsafe {
        let inner = (*this.cast::<Wrapper>()).inner;
        let mut entry = pg_sys::ErrorContextCallback { previous: pg_sys::error_context_stack, callback: Some(mark), arg: marker() };
        pg_sys::error_context_stack = &mut entry;
        MAYBE_SENDING.with(|m| m.set(true));
        // Citus' receivers set all four functions; no panic may cross this C boundary.
        let kept = (*inner).receiveSlot.is_none_or(|f| f(slot, inner));
        pg_sys::error_context_stack = entry.previous;
        kept
    }
}

unsafe extern "C-unwind" fn wrapped_startup(this: *mut pg_sys::DestReceiver, operation: c_int, desc: pg_sys::TupleDesc) {
    // SAFETY: as in wrapped_receive.
    unsafe {
        let inner = (*this.cast::<Wrapper>()).inner;
        if let Some(f) = (*inner).rStartup {
            f(inner, operation, desc)
        }
    }
}

unsafe extern "C-unwind" fn wrapped_shutdown(this: *mut pg_sys::DestReceiver) {
    // SAFETY: as in wrapped_receive.
    unsafe {
        let inner = (*this.cast::<Wrapper>()).inner;
        if let Some(f) = (*inner).rShutdown {
            f(inner)
        }
    }
}

unsafe extern "C-unwind" fn wrapped_destroy(this: *mut pg_sys::DestReceiver) {
    // SAFETY: as in wrapped_receive.
    unsafe {
        let inner = (*this.cast::<Wrapper>()).inner;
        if let Some(f) = (*inner).rDestroy {
            f(inner)
        }
    }
}

/// Runs `run` (the executor) with the query's receiver wrapped when it is one of Citus' (see
/// the module), and restores it afterwards. An error passes through, as through C.
///
/// # Safety
/// `query` is the QueryDesc PostgreSQL passes to ExecutorRun.
pub(crate) unsafe fn run(query: *mut pg_sys::QueryDesc, run: impl FnOnce()) {
    // SAFETY: per the contract.
    let dest = unsafe { (*query).dest };
    // SAFETY: PostgreSQL's receiver (NULL in none of its calls), a read of its fields.
    let mydest = unsafe { dest.as_ref() }.map(|d| d.mydest);
    if mydest == Some(pg_sys::CommandDest::DestTuplestore) {
        // SAFETY: backend globals, read; the portal is NULL or live.
        let (portal, context) = unsafe { (pg_sys::ActivePortal, pg_sys::error_context_stack) };
        // SAFETY: as above.
        if unsafe { citus_storing_portal(portal) } {
            // A record of an earlier portal at this address goes, whether or not this one is kept.
            STORED_ROWS.with(|r| r.borrow_mut().retain(|s| s.portal != portal));
            if records_stored_rows() {
                STORED_ROWS.with(|r| {
                    let mut r = r.borrow_mut();
                    if r.len() == STORED_ROWS_KEPT {
                        r.remove(0);
                    }
                    r.push(StoredRows { portal, context, running: true });
                });
                run();
                STORED_ROWS.with(|r| r.borrow_mut().iter_mut().filter(|s| s.portal == portal).for_each(|s| s.running = false));
                return;
            }
        }
    }
    if mydest != Some(pg_sys::CommandDest::DestCopyOut) || !is_citus_receiver(dest) {
        return run();
    }
    // SAFETY: a palloc'd Wrapper in the executor's memory context, which outlives the run; the
    // query's receiver is put back once the run returns.
    unsafe {
        let wrapper = crate::unguarded::palloc(std::mem::size_of::<Wrapper>()).cast::<Wrapper>();
        wrapper.write(Wrapper {
            receiver: pg_sys::DestReceiver {
                receiveSlot: Some(wrapped_receive),
                rStartup: Some(wrapped_startup),
                rShutdown: Some(wrapped_shutdown),
                rDestroy: Some(wrapped_destroy),
                mydest: (*dest).mydest,
            },
            inner: dest,
        });
        (*query).dest = wrapper.cast();
        run();
        (*query).dest = dest;
    }
}

/// Whether a Citus portal that stores its rows is to be recorded ([`sending_stored_rows`]).
#[pgrx::pg_guard]
unsafe extern "C-unwind" fn records_stored_rows() -> bool {
    crate::citus::active() && !crate::citus::in_shard_copy()
}

/// Whether `dest` is one of Citus' receivers that serialize rows for intermediate results.
#[pgrx::pg_guard]
unsafe extern "C-unwind" fn is_citus_receiver(dest: *mut pg_sys::DestReceiver) -> bool {
    // A split's copy sends its rows to the new shards through a PartitionedResultDestReceiver
    // too, over a connection outside the transaction: its rows are the shard copy's (citus.rs).
    if !crate::citus::active() || crate::citus::in_shard_copy() {
        return false;
    }
    // SAFETY: a receiver's function pointer, compared, never called here.
    let receive = unsafe { (*dest).receiveSlot }.map(|f| f as usize);
    citus_receivers().iter().any(|r| Some(*r) == receive)
}

/// The receiveSlot functions of Citus' RemoteFileDestReceiver (subplan results),
/// CitusCopyDestReceiver (INSERT … SELECT and MERGE through the coordinator) and
/// PartitionedResultDestReceiver (repartitioned INSERT … SELECT, on the workers). They are
/// static in citus.so, so each is read from a receiver made by its exported constructor, which
/// only allocates and fills the struct; once per process (citus.so stays where it is loaded).
fn citus_receivers() -> &'static [usize] {
    static FOUND: OnceLock<Vec<usize>> = OnceLock::new();
    FOUND.get_or_init(|| {
        let mut found = Vec::with_capacity(3);
        let sym = |name: &std::ffi::CStr| crate::citus::citus_symbol(name);
        // SAFETY: Citus 13's constructors, called with arguments they only store; the receivers
        // are palloc'd and freed here, unused.
        unsafe {
            let keep = |found: &mut Vec<usize>, d: *mut pg_sys::DestReceiver| {
                if !d.is_null() {
                    if let Some(f) = (*d).receiveSlot {
                        found.push(f as usize);
                    }
                    pg_sys::pfree(d.cast());
                }
            };
            if let Some(p) = sym(c"CreateRemoteFileDestReceiver") {
                let f: unsafe extern "C-unwind" fn(*const c_char, *mut pg_sys::EState, *mut pg_sys::List, bool) -> *mut pg_sys::DestReceiver =
                    std::mem::transmute(p);
                keep(&mut found, pg_sys::ffi::pg_guard_ffi_boundary(|| f(c"colcrypt".as_ptr(), std::ptr::null_mut(), std::ptr::null_mut(), false)));
            }
            if let Some(p) = sym(c"CreateCitusCopyDestReceiver") {
                let f: unsafe extern "C-unwind" fn(pg_sys::Oid, *mut pg_sys::List, c_int, *mut pg_sys::EState, *mut c_char, bool, bool) -> *mut pg_sys::DestReceiver =
                    std::mem::transmute(p);
                keep(&mut found, pg_sys::ffi::pg_guard_ffi_boundary(|| f(pg_sys::InvalidOid, std::ptr::null_mut(), 0, std::ptr::null_mut(), std::ptr::null_mut(), false, false)));
            }
            if let Some(p) = sym(c"CreatePartitionedResultDestReceiver") {
                let f: unsafe extern "C-unwind" fn(c_int, c_int, *mut c_void, *mut *mut pg_sys::DestReceiver, bool, bool) -> *mut pg_sys::DestReceiver =
                    std::mem::transmute(p);
                keep(&mut found, pg_sys::ffi::pg_guard_ffi_boundary(|| f(0, 0, std::ptr::null_mut(), std::ptr::null_mut(), false, false)));
            }
        }
        found
    })
}

/// Citus 13's DistributedTransactionId (transaction_identifier.h).
#[repr(C)]
struct DistributedTransactionId {
    initiator_node_identifier: c_int,
    transaction_originator: bool,
    transaction_number: u64,
    timestamp: pg_sys::TimestampTz,
}

/// The associated data of a frame of `type_context`'s values made by `role`: the type, the role
/// and the distributed
/// transaction (initiator, number and start, the same on every node it reaches; the originator
/// flag is not). Outside one (number 0), this backend's transaction: its process and start.
fn frame_context(type_context: &[u8], role: pg_sys::Oid) -> Vec<u8> {
    let mut aad = Vec::with_capacity(FRAME_CONTEXT.len() + type_context.len() + 112);
    aad.extend_from_slice(FRAME_CONTEXT);
    aad.extend_from_slice(&(type_context.len() as u32).to_le_bytes());
    aad.extend_from_slice(type_context);
    // The role, by name (the same on every node; oids differ), so that a frame replayed by
    // another role (whoever learns a transaction's id can assign it to its own with
    // assign_distributed_transaction_id) does not open.
    // SAFETY: the role's name, palloc'd, or NULL for a dropped role.
    let role = unsafe { crate::citus::with_palloc_name(pg_sys::GetUserNameFromId(role, true), |n| n.to_bytes().to_vec()) }.unwrap_or_default();
    aad.extend_from_slice(&(role.len() as u32).to_le_bytes());
    aad.extend_from_slice(&role);
    // Looked up once per process: a dlsym per value cost more than sealing it.
    static CURRENT_ID: OnceLock<Option<usize>> = OnceLock::new();
    let id = CURRENT_ID.get_or_init(|| crate::citus::citus_symbol(c"GetCurrentDistributedTransactionId").map(|p| p as usize)).map(|p| {
        // SAFETY: Citus 13's `DistributedTransactionId *GetCurrentDistributedTransactionId(void)`,
        // a palloc'd copy of this backend's, read and freed here.
        unsafe {
            let f: unsafe extern "C-unwind" fn() -> *mut DistributedTransactionId = std::mem::transmute(p as *mut c_void);
            let id = pg_sys::ffi::pg_guard_ffi_boundary(|| f());
            let read = ((*id).initiator_node_identifier, (*id).transaction_number, (*id).timestamp);
            pg_sys::pfree(id.cast());
            read
        }
    });
    match id {
        Some((initiator, number, start)) if number != 0 => {
            aad.push(1);
            aad.extend_from_slice(&initiator.to_le_bytes());
            aad.extend_from_slice(&number.to_le_bytes());
            aad.extend_from_slice(&start.to_le_bytes());
        }
        _ => {
            aad.push(0);
            // SAFETY: backend globals.
            let (pid, start) = unsafe { (pg_sys::MyProcPid, pg_sys::GetCurrentTransactionStartTimestamp()) };
            aad.extend_from_slice(&pid.to_le_bytes());
            aad.extend_from_slice(&start.to_le_bytes());
        }
    }
    aad
}

/// The frame of a stored value (its datum's bytes) of the type whose context is `type_context`.
pub(crate) fn frame(type_context: &[u8], stored: &[u8]) -> Result<Vec<u8>> {
    let key = keyring::for_typmod(-1)?;
    // SAFETY: a backend global.
    let sealed = key.cipher()?.seal(stored, &frame_context(type_context, unsafe { pg_sys::GetUserId() }))?;
    let mut out = Vec::with_capacity(FRAME_MAGIC.len() + sealed.len());
    out.extend_from_slice(FRAME_MAGIC);
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// The stored value inside binary input that is a frame made for this type by this role in this
/// (distributed) transaction; None for any other input (plaintext), also input that only starts
/// like a frame: an `encrypted_bytea` value may, and a worker sends its plaintext to the
/// coordinator in binary form. Only where citus.so is loaded (nowhere else is a frame made).
pub(crate) fn open_frame(type_context: &[u8], input: &[u8]) -> Option<Vec<u8>> {
    let sealed = input.strip_prefix(FRAME_MAGIC.as_slice())?;
    if !crate::citus::loaded() {
        return None;
    }
    let key = keyring::key_of(sealed).ok()?;
    if key.name != keyring::TRANSIENT_KEY {
        return None;
    }
    let cipher = key.cipher().ok()?;
    // Made by the current role (local execution, a worker's repartitioned rows), or by the role
    // this session logged in as: Citus picks its connection to a node by the current role's name
    // and logs in as that role, and `SET ROLE` propagated into that connection
    // (citus.propagate_set_commands = local) changes the worker's current role, not its session
    // role. Either is a role this session acts as already.
    // SAFETY: backend globals.
    let (current, session) = unsafe { (pg_sys::GetUserId(), pg_sys::GetSessionUserId()) };
    cipher.open(sealed, &frame_context(type_context, current)).ok().or_else(|| {
        (session != current).then(|| cipher.open(sealed, &frame_context(type_context, session)).ok()).flatten()
    })
}
