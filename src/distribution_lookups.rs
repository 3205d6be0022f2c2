//! On Citus, a lookup on a searchable distribution column by a value of the plaintext type
//! (`WHERE email = 'u5'::text`, `= $1` with `$1` declared `text` or `varchar`: pgJDBC
//! `setString`) compares the column with that value cast to the column's type.
//!
//! Citus finds the shard of such a lookup by converting the value to the column's type, and
//! cannot convert through colcrypt's cast, which is STABLE (its result depends on the keys). It
//! then decided the lookup could match no shard, and returned no rows (Citus 13.2.2: the fast-path
//! router planner, multi_router_planner.c TargetShardIntervalForFastPathQuery, and the router
//! planner for a lookup in a subquery). So, each time a statement is planned, before Citus' planner
//! sees it (colcrypt comes after Citus in `shared_preload_libraries`):
//! - a constant, or a parameter whose value the plan is made for (a custom plan), is cast to the
//!   column's type now, sealed under `__transient` (what an untyped literal is): the lookup goes to
//!   one shard, as `WHERE email = 'u5'` does; a value of a type a cross-type operator converts
//!   (an `int8` for an `encrypted_int4`) is converted as the operator would first;
//! - a parameter of a generic plan (made without its value) stays a parameter under the cast,
//!   which Citus cannot route: it builds such a plan with a prohibitive cost, so PostgreSQL keeps
//!   making custom plans, and refuses to run it (0A000, "could not create distributed plan"):
//!   under `plan_cache_mode = force_generic_plan`, and for a SQL function's parameter.
//!
//! At plan time, so that every query is reached: a client's, a cursor's, `CREATE TABLE AS`, a
//! materialized view's, a view's, a SQL or PL/pgSQL function's (an attacker review found a
//! post-parse rewrite missed those analysed inside utility statements and function bodies). The
//! stored queries themselves are not changed. Only operators in colcrypt's equality families
//! between a distribution column of a Citus table and a constant or an external parameter of the
//! plaintext type (or of one a cross-type operator converts), among the AND-ed conditions of a
//! WHERE or a join's ON, in the statement and the queries inside it; not under
//! `colcrypt.ciphertext_io`.

use pgrx::pg_sys;

use crate::param_types::{family_equality, kind_of, kinds, visit_expressions, Kind};

static mut PREVIOUS_PLANNER: pg_sys::planner_hook_type = None;

/// Installs the planner hook; called once per process from `_PG_init`.
pub(crate) fn install() {
    // SAFETY: hooks are installed from _PG_init, before any statement is planned.
    unsafe {
        PREVIOUS_PLANNER = pg_sys::planner_hook;
        pg_sys::planner_hook = Some(plan);
    }
}

mod ffi {
    unsafe extern "C-unwind" {
        pub(super) fn standard_planner(
            parse: *mut pgrx::pg_sys::Query,
            query_string: *const std::ffi::c_char,
            cursor_options: std::ffi::c_int,
            bound_params: pgrx::pg_sys::ParamListInfo,
        ) -> *mut pgrx::pg_sys::PlannedStmt;
    }
}

/// Rewrites the lookups (see the module), then plans with the next planner (Citus'). The next
/// planner is called without pgrx's guard, which would raise its errors again without their
/// context lines; an error passes through this frame, which holds nothing to drop, as through C.
unsafe extern "C-unwind" fn plan(
    parse: *mut pg_sys::Query,
    query_string: *const std::ffi::c_char,
    cursor_options: std::ffi::c_int,
    bound_params: pg_sys::ParamListInfo,
) -> *mut pg_sys::PlannedStmt {
    // SAFETY: PostgreSQL's arguments, passed on; the planner may change the query it is given.
    unsafe {
        cast_distribution_lookups(parse, bound_params);
        match PREVIOUS_PLANNER {
            Some(next) => next(parse, query_string, cursor_options, bound_params),
            None => ffi::standard_planner(parse, query_string, cursor_options, bound_params),
        }
    }
}

/// Casts the values compared with a Citus distribution column to its type (see the module), in
/// `query` and the queries inside it.
#[pgrx::pg_guard]
unsafe extern "C-unwind" fn cast_distribution_lookups(query: *mut pg_sys::Query, bound: pg_sys::ParamListInfo) {
    // Citus is loaded at server start or not at all: without it, nothing is looked at.
    if query.is_null() || !crate::citus::loaded() || crate::types::ciphertext_io() {
        return;
    }
    let kinds = kinds();
    let mut candidates = Vec::new();
    // SAFETY: a valid Query from the planner, and the queries inside it.
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
        // SAFETY: nodes of the query being planned, changed in place in the memory PostgreSQL
        // allocated them in; `varno` was checked against the query's range table.
        unsafe {
            if crate::citus::distribution_column((*c.var).varno, query) == Some((*c.var).varattno) {
                cast_to_column_type(c, bound);
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
    /// The column's plaintext type.
    plain: pg_sys::Oid,
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
        // Of the plaintext type (or `varchar` for `text`), or of a type a cross-type operator
        // converts (an `int8` for an `encrypted_int4`, src/cross_type.rs): that value is
        // converted first, as the operator would, since a cast could fail where the comparison
        // is merely false. Left alone, Citus found no shard for a parameter of such a type and
        // the lookup returned no rows.
        let value_type = pg_sys::exprType(value);
        if !pg_sys::IsBinaryCoercible(value_type, kind.plain) && !crate::cross_type::converts(value_type, kind.plain) {
            return None;
        }
        // The operator is an `=` of a btree family whose `=` for the column's type is colcrypt's.
        let same_type_eq = family_equality((*op).opno, ty, ty).filter(|&eq| kind.is_equality(eq))?;
        Some(Candidate { op, var, value_at, same_type_eq, plain: kind.plain })
    }
}

/// `column = value` becomes `column = value::column_type` (modifier -1: `__transient`), a
/// constant or a bound parameter's value evaluated now.
unsafe fn cast_to_column_type(c: Candidate, bound: pg_sys::ParamListInfo) {
    // SAFETY: as in cast_distribution_lookups; coerce_to_target_type and evaluate_expr build new
    // nodes in the current memory context, the planner's.
    unsafe {
        let cell = pg_sys::list_nth_cell((*c.op).args, c.value_at);
        let value = (*cell).ptr_value.cast::<pg_sys::Node>();
        let bare = pg_sys::strip_implicit_coercions(value);
        let value_type = pg_sys::exprType(value);
        if !pg_sys::IsBinaryCoercible(value_type, c.plain) {
            return convert_and_cast(c, cell, value, bound, value_type);
        }
        let known = match (*bare).type_ {
            pg_sys::NodeTag::T_Const => true,
            _ => match bound_value(bare.cast(), bound) {
                // In the parameter's place, under the implicit casts that make it the operand
                // (`text(name)`: there is no cast from `name` to the column's type).
                Some(v) => replace_under_coercions(cell, bare, v.cast()),
                None => false,
            },
        };
        install_cast(&c, cell, (*cell).ptr_value.cast(), known);
    }
}

/// Puts `operand` cast to the column's type (evaluated now when its value is `known`) in the
/// place `cell` holds, and makes the operator colcrypt's `=` between two values of that type.
unsafe fn install_cast(c: &Candidate, cell: *mut pg_sys::ListCell, operand: *mut pg_sys::Node, known: bool) {
    // SAFETY: as in cast_to_column_type.
    unsafe {
        let ty = (*c.var).vartype;
        let mut cast = pg_sys::coerce_to_target_type(
            std::ptr::null_mut(),
            operand,
            pg_sys::exprType(operand),
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
        if known {
            cast = pg_sys::evaluate_expr(cast.cast(), ty, -1, pg_sys::exprCollation(c.var.cast())).cast();
        }
        (*cell).ptr_value = cast.cast();
        (*c.op).opno = c.same_type_eq;
        (*c.op).opfuncid = pg_sys::get_opcode(c.same_type_eq);
        (*c.op).inputcollid = pg_sys::exprCollation(c.var.cast());
    }
}

/// [`cast_to_column_type`] for a value of a type a cross-type operator converts (see
/// [`candidate`]). A known value is converted as the operator would; one out of the column's
/// range equals nothing, and is left as it is (Citus then finds no shard, the right answer). A
/// parameter of a generic plan is cast under the assignment cast, which Citus cannot route, as
/// a same-type parameter is.
unsafe fn convert_and_cast(c: Candidate, cell: *mut pg_sys::ListCell, value: *mut pg_sys::Node, bound: pg_sys::ParamListInfo, value_type: pg_sys::Oid) {
    // SAFETY: as in cast_to_column_type.
    unsafe {
        let known = match (*value).type_ {
            pg_sys::NodeTag::T_Const => Some(value.cast::<pg_sys::Const>()),
            pg_sys::NodeTag::T_Param => bound_value(value.cast(), bound),
            _ => None,
        };
        let operand: *mut pg_sys::Node = match known {
            Some(k) => {
                let Some(Some(d)) = crate::cross_type::converted(value_type, c.plain, (*k).constvalue) else { return };
                let (mut len, mut byval) = (0i16, false);
                pg_sys::get_typlenbyval(c.plain, &mut len, &mut byval);
                pg_sys::makeConst(c.plain, -1, pg_sys::InvalidOid, len.into(), d, false, byval).cast()
            }
            None => value,
        };
        install_cast(&c, cell, operand, known.is_some());
    }
}

/// Puts `new` in the place of `old` in the operand held by `cell`: the operand itself or the
/// argument under its implicit casts, as strip_implicit_coercions follows them (a relabelling,
/// an I/O conversion or a cast function's first argument). Returns whether it found `old`.
unsafe fn replace_under_coercions(cell: *mut pg_sys::ListCell, old: *mut pg_sys::Node, new: *mut pg_sys::Node) -> bool {
    // SAFETY: `cell` holds a valid expression of the query being planned; the nodes followed are
    // those strip_implicit_coercions followed to `old`.
    unsafe {
        let mut slot: *mut *mut pg_sys::Node = (&raw mut (*cell).ptr_value).cast();
        loop {
            let node = *slot;
            if node == old {
                *slot = new;
                return true;
            }
            slot = match (*node).type_ {
                pg_sys::NodeTag::T_RelabelType => (&raw mut (*node.cast::<pg_sys::RelabelType>()).arg).cast(),
                pg_sys::NodeTag::T_CoerceViaIO => (&raw mut (*node.cast::<pg_sys::CoerceViaIO>()).arg).cast(),
                pg_sys::NodeTag::T_FuncExpr if pg_sys::list_length((*node.cast::<pg_sys::FuncExpr>()).args) > 0 => {
                    (&raw mut (*pg_sys::list_nth_cell((*node.cast::<pg_sys::FuncExpr>()).args, 0)).ptr_value).cast()
                }
                _ => return false,
            };
        }
    }
}

/// The value a custom plan is made for of external parameter `param`, as a constant, if it is
/// one PostgreSQL would fold into the plan itself (eval_const_expressions: PARAM_FLAG_CONST, of
/// the parameter's type) and not NULL (a NULL finds no row either way).
unsafe fn bound_value(param: *mut pg_sys::Param, bound: pg_sys::ParamListInfo) -> Option<*mut pg_sys::Const> {
    // SAFETY: a valid Param; `bound` is NULL or the plan's parameter list, whose fetch hook
    // returns an entry of it or fills the workspace.
    unsafe {
        if bound.is_null() || (*param).paramkind != pg_sys::ParamKind::PARAM_EXTERN || (*param).paramid < 1 || (*param).paramid > (*bound).numParams {
            return None;
        }
        let mut workspace = pg_sys::ParamExternData::default();
        let prm = match (*bound).paramFetch {
            Some(fetch) => fetch(bound, (*param).paramid, true, &mut workspace),
            None => (*bound).params.as_mut_ptr().add(((*param).paramid - 1) as usize),
        };
        if prm.is_null()
            || (*prm).ptype != (*param).paramtype
            || (*prm).isnull
            || u32::from((*prm).pflags) & pg_sys::PARAM_FLAG_CONST == 0
        {
            return None;
        }
        let (mut len, mut byval) = (0i16, false);
        pg_sys::get_typlenbyval((*param).paramtype, &mut len, &mut byval);
        Some(pg_sys::makeConst(
            (*param).paramtype,
            (*param).paramtypmod,
            (*param).paramcollid,
            len.into(),
            // Not copied: the constant is only evaluate_expr's input, whose result is its own.
            (*prm).value,
            false,
            byval,
        ))
    }
}
