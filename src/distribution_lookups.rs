//! On Citus, a lookup on a searchable distribution column by a value of the plaintext type
//! (`WHERE email = 'u5'::text`, `= $1` with `$1` declared `text` or `varchar`: pgJDBC
//! `setString`) compares the column with that value cast to the column's type.
//!
//! Citus' fast-path router planner finds the shard of such a lookup by converting the value to
//! the column's type, and cannot convert through colcrypt's cast, which is STABLE (its result
//! depends on the keys). It then decided the lookup could match no shard, and returned no rows
//! (Citus 13.2.2, multi_router_planner.c TargetShardIntervalForFastPathQuery). With the value
//! cast to the column's type here:
//! - a constant is sealed now, under `__transient` (what an untyped literal is): the lookup is a
//!   one-shard router query, as `WHERE email = 'u5'` is;
//! - a parameter is cast as the statement runs: Citus searches every shard (it does not evaluate
//!   a STABLE function to find one), each of which seals the value once per row it compares
//!   unless an index answers. Correct, and slower; an untyped parameter, which colcrypt leaves of
//!   the column's type on Citus (src/param_types.rs), is routed to one shard.
//!
//! Only operators in colcrypt's equality families between a distribution column of a Citus
//! table and a constant or an external parameter, among the AND-ed conditions of a WHERE or a
//! join's ON (where Citus looks for the shard; its router planner also returned no rows for such
//! a lookup in a subquery), in the statement and the queries inside it; not under
//! `colcrypt.ciphertext_io`.

use pgrx::pg_sys;

use crate::param_types::{kind_of, kinds, visit_expressions, Kind};

/// Casts the values compared with a Citus distribution column to its type (see the module), in
/// `query` and the queries inside it.
pub(crate) unsafe fn cast_distribution_lookups(query: *mut pg_sys::Query) {
    if crate::types::ciphertext_io() {
        return;
    }
    let kinds = kinds();
    let mut candidates = Vec::new();
    // SAFETY: a valid Query from the post-parse hook, and the queries inside it.
    unsafe {
        find_in_query(query, &kinds, &mut candidates);
        visit_expressions(query, |node| {
            if (*node).type_ == pg_sys::NodeTag::T_Query {
                find_in_query(node.cast(), &kinds, &mut candidates);
            }
        });
    }
    if candidates.is_empty() || !crate::citus::active() {
        return;
    }
    for (query, c) in candidates {
        // SAFETY: nodes of the analysed statement, changed in place in the memory PostgreSQL
        // allocated them in; `varno` was checked against the query's range table.
        unsafe {
            if crate::citus::distribution_column((*c.var).varno, query) == Some((*c.var).varattno) {
                cast_to_column_type(c);
            }
        }
    }
}

/// The candidates among the AND-ed conditions of a query's WHERE and its joins' ON.
unsafe fn find_in_query(query: *mut pg_sys::Query, kinds: &[Kind], found: &mut Vec<(*mut pg_sys::Query, Candidate)>) {
    // SAFETY: a valid Query; its join tree's nodes are FromExpr, JoinExpr and RangeTblRef.
    unsafe {
        let q = &*query;
        if !matches!(q.commandType, pg_sys::CmdType::CMD_SELECT | pg_sys::CmdType::CMD_UPDATE | pg_sys::CmdType::CMD_DELETE) || q.jointree.is_null() {
            return;
        }
        let mut quals = Vec::new();
        join_quals(q.jointree.cast(), &mut quals);
        for qual in quals {
            conjuncts(qual, &mut |op| {
                if let Some(c) = candidate(query, op, kinds) {
                    found.push((query, c));
                }
            });
        }
    }
}

/// The conditions of a join tree: its FromExpr's WHERE and each JoinExpr's ON.
unsafe fn join_quals(node: *mut pg_sys::Node, quals: &mut Vec<*mut pg_sys::Node>) {
    // SAFETY: a valid join-tree node.
    unsafe {
        if node.is_null() {
            return;
        }
        match (*node).type_ {
            pg_sys::NodeTag::T_FromExpr => {
                let from = node.cast::<pg_sys::FromExpr>();
                for i in 0..pg_sys::list_length((*from).fromlist) {
                    join_quals(pg_sys::list_nth((*from).fromlist, i).cast(), quals);
                }
                quals.push((*from).quals);
            }
            pg_sys::NodeTag::T_JoinExpr => {
                let join = node.cast::<pg_sys::JoinExpr>();
                join_quals((*join).larg, quals);
                join_quals((*join).rarg, quals);
                quals.push((*join).quals);
            }
            _ => {}
        }
    }
}

/// An equality between an encrypted column and a value of another type.
struct Candidate {
    op: *mut pg_sys::OpExpr,
    var: *mut pg_sys::Var,
    /// The index of the value among the operator's arguments.
    value_at: i32,
    /// colcrypt's `=` between two values of the column's type.
    same_type_eq: pg_sys::Oid,
}

/// Calls `f` on each operator among the AND-ed conditions of `quals`.
unsafe fn conjuncts(node: *mut pg_sys::Node, f: &mut dyn FnMut(*mut pg_sys::OpExpr)) {
    // SAFETY: a valid expression node (or null); a BoolExpr's arguments are nodes.
    unsafe {
        if node.is_null() {
            return;
        }
        match (*node).type_ {
            pg_sys::NodeTag::T_OpExpr => f(node.cast()),
            pg_sys::NodeTag::T_BoolExpr if (*node.cast::<pg_sys::BoolExpr>()).boolop == pg_sys::BoolExprType::AND_EXPR => {
                let args = (*node.cast::<pg_sys::BoolExpr>()).args;
                for i in 0..pg_sys::list_length(args) {
                    conjuncts(pg_sys::list_nth(args, i).cast(), f);
                }
            }
            _ => {}
        }
    }
}

unsafe fn candidate(query: *mut pg_sys::Query, op: *mut pg_sys::OpExpr, kinds: &[Kind]) -> Option<Candidate> {
    // SAFETY: a valid OpExpr of `query`'s quals; catalog lookups by oid.
    unsafe {
        if pg_sys::list_length((*op).args) != 2 {
            return None;
        }
        let arg = |i| pg_sys::list_nth((*op).args, i).cast::<pg_sys::Node>();
        let var_at = (0..2).find(|&i| (*arg(i)).type_ == pg_sys::NodeTag::T_Var)?;
        let value_at = 1 - var_at;
        let var = arg(var_at).cast::<pg_sys::Var>();
        let value = arg(value_at);
        // A `varchar` value is compared by the `text` operator, under an implicit relabelling.
        let bare = pg_sys::strip_implicit_coercions(value);
        let plain_value = match (*bare).type_ {
            pg_sys::NodeTag::T_Const => !(*bare.cast::<pg_sys::Const>()).constisnull,
            pg_sys::NodeTag::T_Param => (*bare.cast::<pg_sys::Param>()).paramkind == pg_sys::ParamKind::PARAM_EXTERN,
            _ => false,
        };
        let ty = (*var).vartype;
        if !plain_value || (*var).varlevelsup != 0 || (*var).varno < 1 || (*var).varno as i32 > pg_sys::list_length((*query).rtable) {
            return None;
        }
        let kind = kind_of(ty, kinds)?;
        // Of the plaintext type (or `varchar` for `text`): a cast from another (an `int8` for an
        // `encrypted_int4`) could fail where the comparison is merely false.
        if !pg_sys::IsBinaryCoercible(pg_sys::exprType(value), kind.plain) {
            return None;
        }
        // The operator is an `=` of a btree family that has colcrypt's `=` for the column's type.
        let families = pg_sys::get_mergejoin_opfamilies((*op).opno);
        let same_type_eq = (0..pg_sys::list_length(families))
            .map(|i| pg_sys::get_opfamily_member(pg_sys::list_nth_oid(families, i), ty, ty, pg_sys::BTEqualStrategyNumber as i16))
            .find(|&eq| eq != pg_sys::InvalidOid && kind.is_equality(eq))?;
        Some(Candidate { op, var, value_at, same_type_eq })
    }
}

/// `column = value` becomes `column = value::column_type` (modifier -1: `__transient`), a
/// constant evaluated now.
unsafe fn cast_to_column_type(c: Candidate) {
    // SAFETY: as in cast_distribution_lookups; coerce_to_target_type and evaluate_expr build new
    // nodes in the current memory context, the query's.
    unsafe {
        let ty = (*c.var).vartype;
        let cell = pg_sys::list_nth_cell((*c.op).args, c.value_at);
        let value = (*cell).ptr_value.cast::<pg_sys::Node>();
        let mut cast = pg_sys::coerce_to_target_type(
            std::ptr::null_mut(),
            value,
            pg_sys::exprType(value),
            ty,
            -1,
            pg_sys::CoercionContext::COERCION_ASSIGNMENT,
            // Explicit: Citus strips an implicit cast from an operand and would take the value
            // under it for the column's again.
            pg_sys::CoercionForm::COERCE_EXPLICIT_CAST,
            -1,
        );
        if cast.is_null() {
            return;
        }
        if (*pg_sys::strip_implicit_coercions(value)).type_ == pg_sys::NodeTag::T_Const {
            cast = pg_sys::evaluate_expr(cast.cast(), ty, -1, pg_sys::exprCollation(c.var.cast())).cast();
        }
        (*cell).ptr_value = cast.cast();
        (*c.op).opno = c.same_type_eq;
        (*c.op).opfuncid = pg_sys::get_opcode(c.same_type_eq);
        (*c.op).inputcollid = pg_sys::exprCollation(c.var.cast());
    }
}
