//! What the event triggers in sql/finalize.sql ask PostgreSQL that SQL cannot: whether a catalog
//! row was written by the running transaction.

use pgrx::pg_sys;
use pgrx::prelude::*;
use pgrx::Internal;

/// Whether `xmin` (an `xid`) is this transaction's or one of its subtransactions'. The triggers
/// judge what the command made or rebuilt by its catalog rows; `age(xmin) <= 0` also took rows a
/// later, concurrent transaction wrote, so another role's refused `CREATE INDEX CONCURRENTLY`
/// failed any DDL transaction running meanwhile (an attacker review).
#[pg_extern(sql = false)]
fn made_in_this_transaction(xmin: Internal) -> bool {
    let xid = pg_sys::TransactionId::from_inner(xmin.unwrap().expect("STRICT: not NULL").value() as u32);
    // SAFETY: a lookup in this backend's transaction state.
    unsafe { pg_sys::TransactionIdIsCurrentTransactionId(xid) }
}
