//! Calls into PostgreSQL that the read and write paths make for every value, made without pgrx's
//! guard. pgrx wraps each binding in a sigsetjmp so that an error raised inside becomes a Rust
//! panic; these calls are chosen, or made, so that they cannot raise one.

use pgrx::pg_sys;

mod ffi {
    unsafe extern "C" {
        pub(super) fn GetCurrentStatementStartTimestamp() -> i64;
        pub(super) fn palloc_extended(size: usize, flags: std::ffi::c_int) -> *mut std::ffi::c_void;
        pub(super) fn IsLogicalWorker() -> bool;
        pub(super) fn GetUserId() -> pgrx::pg_sys::Oid;
        pub(super) fn GetSessionUserId() -> pgrx::pg_sys::Oid;
    }
}

/// The current role and the session's login role, asked before and after every statement's
/// run (src/citus_role_switch.rs).
pub(crate) fn user_and_session() -> (pg_sys::Oid, pg_sys::Oid) {
    // SAFETY: plain reads of backend globals (PostgreSQL asserts they are set, which they are
    // once a session runs statements); neither raises.
    unsafe { (ffi::GetUserId(), ffi::GetSessionUserId()) }
}

/// When the current statement started: what per-statement caches key on.
pub(crate) fn statement_start() -> i64 {
    // SAFETY: a plain read of backend-local transaction state; it never raises an error.
    unsafe { ffi::GetCurrentStatementStartTimestamp() }
}

/// Whether this process is a logical replication worker (asked for every value output or input).
pub(crate) fn is_logical_worker() -> bool {
    // SAFETY: a plain test of a backend global (`MyLogicalRepWorker != NULL`); it never raises.
    unsafe { ffi::IsLogicalWorker() }
}

/// PostgreSQL's MaxAllocSize (utils/memutils.h, a macro the bindings lack).
const MAX_ALLOC_SIZE: usize = 0x3fff_ffff;

/// `palloc(size)` in the current memory context. With MCXT_ALLOC_NO_OOM and a valid size
/// palloc_extended reports failure by returning NULL rather than raising (PostgreSQL 15 to 18);
/// only then is the guarded call made, to raise PostgreSQL's own out-of-memory error. The one
/// allocator that raises for a valid size, a slab context's (a fixed chunk size), is internal to
/// logical decoding and never the current context when a type's input, output or cast runs.
pub(crate) fn palloc(size: usize) -> *mut u8 {
    if size <= MAX_ALLOC_SIZE {
        // SAFETY: a size palloc accepts, and the flag that turns its only other error into NULL.
        let p = unsafe { ffi::palloc_extended(size, pg_sys::MCXT_ALLOC_NO_OOM as std::ffi::c_int) };
        if !p.is_null() {
            return p.cast();
        }
    }
    // SAFETY: the guarded binding; an error becomes a Rust panic, which pgrx reports.
    unsafe { pg_sys::palloc(size).cast() }
}

/// A varlena's bytes, detoasted only when it has to be (compressed, or stored out of line): a
/// btree descent compares the same plain parameter a dozen or more times, and each call of
/// PostgreSQL's detoast through pgrx's guard costs a sigsetjmp.
///
/// # Safety
/// `datum` is a valid varlena datum; the bytes live as long as it (or the current memory context).
pub(crate) unsafe fn varlena_bytes<'a>(datum: pg_sys::Datum) -> &'a [u8] {
    let p = datum.cast_mut_ptr::<pg_sys::varlena>();
    // SAFETY: the caller's.
    unsafe { pgrx::varlena::varlena_to_byte_slice(if is_in_line(datum) { p } else { pg_sys::pg_detoast_datum_packed(p) }) }
}

/// Whether a varlena datum holds its bytes in line, neither compressed nor stored elsewhere.
///
/// # Safety
/// `datum` is a valid varlena datum.
pub(crate) unsafe fn is_in_line(datum: pg_sys::Datum) -> bool {
    use pgrx::varlena::{varatt_is_1b, varatt_is_1b_e, varatt_is_4b_u};
    let p = datum.cast_mut_ptr::<pg_sys::varlena>();
    // SAFETY: the caller's; the header tests are what PostgreSQL's pg_detoast_datum_packed makes.
    unsafe { varatt_is_4b_u(p) || (varatt_is_1b(p) && !varatt_is_1b_e(p)) }
}
