//! Indexes over encrypted values that are not searchable are left out of every plan.
//!
//! colcrypt's event trigger refuses such indexes (sql/finalize.sql, `refuse_unsearchable_index`):
//! their order or hash is computed from the plaintext, and an index scan returns equal values side
//! by side without a comparison that would check the reader's right to them. Some still exist: an
//! attacker review made one with `CREATE INDEX CONCURRENTLY` (PostgreSQL leaves the index of a
//! refused concurrent build in place, invalid) and `REINDEX` (which fires no event trigger on
//! PostgreSQL 15), 0.1.0 allowed them, and a restore or an owner with the trigger disabled can
//! make one. So the planner is not shown them: queries scan the table and compare through
//! colcrypt's operators, which check the reader's rights. Constraints they enforce still hold.

use pgrx::pg_sys;

static mut PREVIOUS: pg_sys::get_relation_info_hook_type = None;

/// Installs the hook; called once per process from `_PG_init`.
pub(crate) fn install() {
    // SAFETY: hooks are installed from _PG_init, before any statement is planned.
    unsafe {
        PREVIOUS = pg_sys::get_relation_info_hook;
        pg_sys::get_relation_info_hook = Some(relation_info);
    }
}

#[pgrx::pg_guard]
unsafe extern "C-unwind" fn relation_info(root: *mut pg_sys::PlannerInfo, relid: pg_sys::Oid, inhparent: bool, rel: *mut pg_sys::RelOptInfo) {
    // SAFETY: the planner's arguments; its index list holds IndexOptInfo nodes it palloc'd.
    unsafe {
        if let Some(previous) = PREVIOUS {
            previous(root, relid, inhparent, rel);
        }
        let indexes = (*rel).indexlist;
        if indexes.is_null() || !(0..pg_sys::list_length(indexes)).any(|i| may_hold_encrypted(pg_sys::list_nth(indexes, i).cast())) {
            return;
        }
        let mut kept: *mut pg_sys::List = std::ptr::null_mut();
        for i in 0..pg_sys::list_length(indexes) {
            let index: *mut pg_sys::IndexOptInfo = pg_sys::list_nth(indexes, i).cast();
            if !orders_unsearchable(relid, index) {
                kept = pg_sys::lappend(kept, index.cast());
            }
        }
        (*rel).indexlist = kept;
    }
}

/// Whether any key column's operator class takes a type that is or may hold an encrypted one: a
/// type of an extension, an array or a record. Built-in scalar classes (`int4_ops`, …) are
/// passed over without a catalog lookup: this runs for every relation a query plans.
unsafe fn may_hold_encrypted(index: *const pg_sys::IndexOptInfo) -> bool {
    // SAFETY: opcintype has nkeycolumns entries.
    unsafe {
        let ix = &*index;
        (0..ix.nkeycolumns as usize).any(|c| {
            let t = *ix.opcintype.add(c);
            u32::from(t) >= pg_sys::FirstNormalObjectId
                || [pg_sys::ANYARRAYOID, pg_sys::RECORDOID, pg_sys::ANYRANGEOID, pg_sys::ANYMULTIRANGEOID].contains(&t)
        }) || !ix.indexprs.is_null()
    }
}

/// Whether a key column of the index holds an encrypted value that is not searchable, or an
/// expression of it reads any encrypted value.
unsafe fn orders_unsearchable(relid: pg_sys::Oid, index: *const pg_sys::IndexOptInfo) -> bool {
    // SAFETY: the IndexOptInfo's arrays have ncolumns (opcintype: nkeycolumns) entries, and its
    // indexprs one expression per key or included column whose indexkeys entry is 0, in order.
    unsafe {
        let ix = &*index;
        let kinds = crate::param_types::kinds();
        let mut expressions = 0;
        for c in 0..ix.nkeycolumns as usize {
            let attnum = *ix.indexkeys.add(c);
            let (ty, typmod) = if attnum != 0 {
                let (mut ty, mut typmod, mut collation) = (pg_sys::InvalidOid, -1, pg_sys::InvalidOid);
                pg_sys::get_atttypetypmodcoll(relid, attnum as pg_sys::AttrNumber, &mut ty, &mut typmod, &mut collation);
                (ty, typmod)
            } else {
                let expr: *mut pg_sys::Node = pg_sys::list_nth(ix.indexprs, expressions).cast();
                expressions += 1;
                (pg_sys::exprType(expr), pg_sys::exprTypmod(expr))
            };
            if holds_unsearchable(ty, typmod, false, &kinds, &mut Vec::new()) {
                return true;
            }
        }
        // An expression that reads an encrypted value, searchable or not, holds values computed
        // from its plaintext (an IMMUTABLE wrapper of the cast to text put every plaintext in an
        // index, which index-only scans returned to a role denied it).
        if !ix.indexprs.is_null() {
            let vars = pg_sys::pull_var_clause(ix.indexprs.cast(), 0);
            for i in 0..pg_sys::list_length(vars) {
                let var: *mut pg_sys::Var = pg_sys::list_nth(vars, i).cast();
                if holds_unsearchable((*var).vartype, (*var).vartypmod, true, &kinds, &mut Vec::new()) {
                    return true;
                }
            }
        }
        false
    }
}

/// A key that reaches more distinct types than this counts as holding such a value (an attacker
/// review hid one 20 composites down when a depth limit counted as not).
const MAX_TYPES: usize = 2048;

/// Whether a value of type `ty` (modifier `typmod`) is, or holds in an array, a composite, a
/// domain or a range, an encrypted value that is not searchable (no modifier, or one without bit 0), or with
/// `any`, any encrypted value.
/// `seen`: the types on the way here and those already found not to: each is looked at once (a
/// review made planning take hours with composites of 40 composites of 40 …).
unsafe fn holds_unsearchable(ty: pg_sys::Oid, typmod: i32, any: bool, kinds: &[crate::param_types::Kind], seen: &mut Vec<(pg_sys::Oid, i32)>) -> bool {
    if ty == pg_sys::InvalidOid || seen.contains(&(ty, typmod)) {
        return false;
    }
    if seen.len() >= MAX_TYPES {
        return true;
    }
    seen.push((ty, typmod));
    pgrx::check_for_interrupts!();
    // SAFETY: catalog lookups of existing types; the syscache entry is released after use.
    unsafe {
        if crate::param_types::kind_of(ty, kinds).is_some() {
            return any || typmod < 0 || typmod & crate::keyring::SEARCHABLE == 0;
        }
        let mut base_typmod = typmod;
        let base = pg_sys::getBaseTypeAndTypmod(ty, &mut base_typmod);
        if base != ty {
            return holds_unsearchable(base, base_typmod, any, kinds, seen);
        }
        let element = pg_sys::get_element_type(ty);
        if element != pg_sys::InvalidOid {
            return holds_unsearchable(element, typmod, any, kinds, seen);
        }
        // A range's bounds, and a multirange's ranges (a review indexed a range over a row type
        // holding an encrypted value).
        let subtype = pg_sys::get_range_subtype(ty);
        if subtype != pg_sys::InvalidOid {
            return holds_unsearchable(subtype, -1, any, kinds, seen);
        }
        let range = pg_sys::get_multirange_range(ty);
        if range != pg_sys::InvalidOid {
            return holds_unsearchable(range, -1, any, kinds, seen);
        }
        let relid = pg_sys::get_typ_typrelid(ty);
        if relid == pg_sys::InvalidOid {
            return false;
        }
        // A composite's fields, by attribute number (a dropped one has no type): no tuple
        // descriptor, whose layout PostgreSQL 18 changed.
        let class = pg_sys::SysCacheIdentifier::RELOID as i32;
        let tuple = pg_sys::SearchSysCache1(class, pg_sys::Datum::from(relid));
        if tuple.is_null() {
            return false;
        }
        let mut is_null = false;
        let natts = pg_sys::SysCacheGetAttr(class, tuple, pg_sys::Anum_pg_class_relnatts as i16, &mut is_null);
        pg_sys::ReleaseSysCache(tuple);
        let natts = if is_null { 0 } else { natts.value() as i16 };
        (1..=natts).any(|attnum| {
            let (mut field, mut field_typmod, mut collation) = (pg_sys::InvalidOid, -1, pg_sys::InvalidOid);
            pg_sys::get_atttypetypmodcoll(relid, attnum, &mut field, &mut field_typmod, &mut collation);
            holds_unsearchable(field, field_typmod, any, kinds, seen)
        })
    }
}
