//! Quoted literals written into an encrypted column are given the column's plaintext type once
//! parse analysis is done, as parameters are (src/param_types.rs), so that each execution seals
//! the value once, under the column's key.
//!
//! PostgreSQL runs a literal's input while it analyses the statement, with modifier -1, before
//! any hook: `INSERT INTO t (ssn) VALUES ('…')` has sealed the literal under `__transient` by the
//! time colcrypt sees the statement, and the cast to the column's modifier would open it and seal
//! it again under the column's key on every execution. Here the cast of such a value becomes the
//! assignment cast from its plaintext (`VALUES ('…'::text)`, the statement PostgreSQL builds for
//! a `text` literal). The `__transient` seal at input stays: it is what a literal is until
//! colcrypt knows where it goes, and all that is left of it where the rewrite does not apply.
//!
//! Literals compared with a column (`WHERE ssn = '…'`) keep the encrypted type: a lookup already
//! seals nothing as it runs (the literal's blind index is kept from one execution to the next,
//! types.rs index_of), while the cross-type operator would compute the plaintext's for every
//! execution of a prepared statement (16,000 more instructions each, measured).
//!
//! Only for statements a client sent (a simple Query, Parse, and a prepared statement's
//! re-analysis at Bind, also of one SQL `PREPARE` made: [`clients_statement`]). Not for queries
//! analysed while a statement runs: a view's (`CREATE VIEW` stores its query, and it must not
//! store the plaintext), SQL `PREPARE`'s own analysis, and SQL or PL/pgSQL function bodies,
//! which keep the `__transient` path. Not under
//! `colcrypt.ciphertext_io`, where a literal may be an envelope. A value that is not under
//! `__transient` (an envelope input under `ciphertext_io = on`) is left as it is.
//!
//! The plaintext this puts in the statement's tree is the literal the client wrote in its text;
//! the tree lives in this backend's memory (the plan cache) and nowhere else.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};

use pgrx::pg_sys;

use crate::backend_local::BackendLocal;
use crate::param_types::{casts_of, kind_of, kinds, visit_expressions, Kind};

/// How many utility statements are running in this backend ([`process_utility`]), counting
/// those an error ended until the transaction ends (a count that is too high only leaves
/// literals sealed as PostgreSQL made them).
static UTILITY_DEPTH: BackendLocal<Cell<u32>> = BackendLocal::new(Cell::new(0));
/// What runs the utility statement after [`process_utility`] has counted it: the hook installed
/// before colcrypt's (Citus'), or PostgreSQL's own, by its C symbol rather than pgrx's binding,
/// whose guard would catch an error and raise it again without its context lines and cursor
/// position (the regression tests' expected output has them).
static mut NEXT_UTILITY: pg_sys::ProcessUtility_hook_type = None;
/// Whether utility statements are counted; without the count no literal is rewritten.
static UTILITY_COUNTED: AtomicBool = AtomicBool::new(false);

/// Installs the utility hook and the callback that ends its count with the transaction; called
/// once per process from `_PG_init`.
pub(crate) fn install() {
    // SAFETY: hooks are installed from _PG_init, before any statement runs; the symbol is
    // standard_ProcessUtility, whose type is the hook's; the callback is a plain function for
    // the life of the process.
    unsafe {
        let next = pg_sys::ProcessUtility_hook.or_else(|| {
            let p = libc::dlsym(libc::RTLD_DEFAULT, c"standard_ProcessUtility".as_ptr());
            (!p.is_null()).then(|| std::mem::transmute::<*mut libc::c_void, _>(p))
        });
        NEXT_UTILITY = next;
        if next.is_some() {
            pg_sys::ProcessUtility_hook = Some(process_utility);
            UTILITY_COUNTED.store(true, Ordering::Relaxed);
        }
        pg_sys::RegisterXactCallback(Some(on_xact), std::ptr::null_mut());
    }
}

unsafe extern "C-unwind" fn on_xact(event: pg_sys::XactEvent::Type, _arg: *mut std::ffi::c_void) {
    if matches!(event, pg_sys::XactEvent::XACT_EVENT_ABORT | pg_sys::XactEvent::XACT_EVENT_COMMIT | pg_sys::XactEvent::XACT_EVENT_PREPARE) {
        UTILITY_DEPTH.with(|d| d.set(0));
    }
}

/// Counts the utility statements running: every query PostgreSQL stores (a view's, a rule's, a
/// SQL function's body, a default) is analysed inside one. An error passes through this frame,
/// which holds nothing to drop, as it would through C, and leaves the count up until the
/// transaction ends.
unsafe extern "C-unwind" fn process_utility(
    pstmt: *mut pg_sys::PlannedStmt,
    query_string: *const std::ffi::c_char,
    read_only_tree: bool,
    context: pg_sys::ProcessUtilityContext::Type,
    params: pg_sys::ParamListInfo,
    query_env: *mut pg_sys::QueryEnvironment,
    dest: *mut pg_sys::DestReceiver,
    qc: *mut pg_sys::QueryCompletion,
) {
    // SAFETY: PostgreSQL's statement. Before the count: a refusal leaves it as it was.
    unsafe { crate::citus_role_switch::check_utility(pstmt) };
    // Saturating: errors caught in subtransactions leave their levels behind, and a count that
    // wrapped would read 0 inside a utility statement (an attacker review built one).
    UTILITY_DEPTH.with(|d| d.set(d.get().saturating_add(1)));
    let analyses = crate::in_analyze::enter(pstmt);
    // SAFETY: PostgreSQL's arguments, passed on unchanged; the hook is installed only with a
    // next handler.
    unsafe {
        if let Some(next) = NEXT_UTILITY {
            next(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
        }
    }
    crate::in_analyze::leave(analyses);
    UTILITY_DEPTH.with(|d| d.set(d.get().saturating_sub(1)));
}

/// Whether the statement being analysed is the one the client sent: no utility statement and no
/// portal is running (a view's query is analysed while `CREATE VIEW` runs), and the text analysed
/// is the client's text itself, not a copy (SPI, function bodies). Two attacker reviews stored a
/// view's plaintext without the first check: PL/pgSQL ran `CREATE VIEW` when no portal was
/// running (a deferred trigger at commit, a function evaluated while a query is planned, a domain
/// check at Bind), and a domain check at Bind that deallocated the statement being bound got the
/// view's text allocated at the address of the client's.
unsafe fn clients_statement(pstate: *mut pg_sys::ParseState, query: *mut pg_sys::Query) -> bool {
    // SAFETY: valid ParseState and Query from the hook; the globals are read only.
    unsafe {
        UTILITY_COUNTED.load(Ordering::Relaxed)
            && UTILITY_DEPTH.with(|d| d.get()) == 0
            && pg_sys::ActivePortal.is_null()
            && (*query).commandType != pg_sys::CmdType::CMD_UTILITY
            && !(*pstate).p_sourcetext.is_null()
            && std::ptr::eq((*pstate).p_sourcetext, pg_sys::debug_query_string)
    }
}

/// Rewrites the literals of a client's statement, after parse analysis.
pub(crate) unsafe fn type_literals_as_plain(pstate: *mut pg_sys::ParseState, query: *mut pg_sys::Query) {
    // SAFETY: a valid ParseState and Query (from the hook); nodes are read and changed in place
    // in the memory PostgreSQL allocated them in, and new ones are palloc'd there too.
    unsafe {
        if crate::types::ciphertext_io() || !clients_statement(pstate, query) {
            return;
        }
        // Casts whose value is a literal of an encrypted type (its function is checked below).
        let mut casts: Vec<(*mut pg_sys::FuncExpr, *mut pg_sys::Const)> = Vec::new();
        visit_expressions(query, |node| {
            if (*node).type_ == pg_sys::NodeTag::T_FuncExpr {
                let f = node.cast::<pg_sys::FuncExpr>();
                if pg_sys::list_length((*f).args) == 3 {
                    if let Some(c) = encrypted_const(pg_sys::list_nth((*f).args, 0).cast()) {
                        if (*c).consttype == (*f).funcresulttype {
                            casts.push((f, c));
                        }
                    }
                }
            }
        });
        if casts.is_empty() {
            return;
        }
        let kinds = kinds();
        for (func, constant) in casts {
            let ty = (*constant).consttype;
            let Some(kind) = kind_of(ty, &kinds) else { continue };
            let Some((length_cast, from_plain)) = casts_of(ty, kind) else { continue };
            if (*func).funcid != length_cast {
                continue;
            }
            let Some(plain) = plain_const(kind, constant) else { continue };
            // SAFETY: the cast's argument list has three cells.
            (*(*(*func).args).elements).ptr_value = plain.cast();
            (*func).funcid = from_plain;
            (*func).inputcollid = kind.collation();
        }
    }
}

/// The literal as a constant of the plaintext type, if it is a value under `__transient`.
unsafe fn plain_const(kind: &Kind, constant: *mut pg_sys::Const) -> Option<*mut pg_sys::Const> {
    // SAFETY: a valid Const of the encrypted type (not null: checked by the walk), whose datum
    // is a varlena; the new Const is palloc'd in the current (the query's) memory context.
    unsafe {
        let bytes = crate::unguarded::varlena_bytes((*constant).constvalue);
        let value = crate::types::transient_plaintext(kind.spec, bytes)?;
        let (mut len, mut byval) = (0i16, false);
        pg_sys::get_typlenbyval(kind.plain, &mut len, &mut byval);
        let plain = pg_sys::makeConst(kind.plain, -1, kind.collation(), len as i32, value, false, byval);
        (*plain).location = (*constant).location;
        Some(plain)
    }
}

/// A non-null constant of an encrypted type (one of colcrypt's, by its input function: checked
/// later, once per constant found).
unsafe fn encrypted_const(node: *mut pg_sys::Node) -> Option<*mut pg_sys::Const> {
    // SAFETY: `node` is a valid node (or null).
    unsafe {
        if node.is_null() || (*node).type_ != pg_sys::NodeTag::T_Const {
            return None;
        }
        let c = node.cast::<pg_sys::Const>();
        (!(*c).constisnull && u32::from((*c).consttype) >= pg_sys::FirstNormalObjectId && (*c).constlen == -1).then_some(c)
    }
}
