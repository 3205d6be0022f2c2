//! Untyped parameters bound for an `encrypted_text` column are typed `text`, so that their
//! values are sealed once, under the column's key (issue: one seal per value).
//!
//! A driver that leaves a parameter's type to the server (`INSERT INTO t (ssn) VALUES ($1)`:
//! psycopg, asyncpg, node-postgres, tokio-postgres) gets the column's type without its modifier,
//! `encrypted_text`. PostgreSQL then runs the type's input with modifier -1 at Bind, which seals
//! the value under `__transient`, and the cast to the column's modifier opens it and seals it
//! again under the column's key: three AES-GCM operations instead of one. Once parse analysis
//! is done, this hook gives such a parameter the type `text` and turns the cast into the
//! assignment cast from `text`, which seals once, under the column's key — exactly the query
//! PostgreSQL builds for a `text`-typed parameter, and the one it builds again when it re-analyses
//! the statement with the parameter types it now has.
//!
//! A parameter compared for equality with an `encrypted_text` value (`WHERE ssn = $1`) is typed
//! `text` too, and the operator becomes colcrypt's cross-type `encrypted_text = text` of the same
//! btree family: the lookup computes the blind index of the text and seals nothing.
//!
//! Only parameters whose every use is such a cast or such an equality are changed (a parameter
//! also returned or passed to a function keeps its type), only for statements with parameter types the server
//! infers (the extended protocol's Parse and SQL `PREPARE`), and not under
//! `colcrypt.ciphertext_io`, where a parameter may be an envelope. Only `encrypted_text`:
//! `text` input cannot fail, while a failed `integer` or `jsonb` input would quote the value in
//! its error, which colcrypt's own input withholds (src/types.rs). The driver sees the parameter
//! described as `text`, which every driver binds from its string type (also one that declared
//! the parameter `encrypted_text`: the bytes it sends mean the same as `text`). What such a
//! parameter loses by not going through colcrypt's input is given back by name of the statement
//! (its text's hash, [`in_retyped_statement`]): an envelope's text form is refused as input
//! refuses it (src/types.rs type_from_plain), and an error that would quote a parameter's bytes
//! is reworded (src/log_redaction.rs).
//!
//! Literals are not changed: PostgreSQL runs a literal's input while it analyses the statement,
//! before any hook, and the result may be stored in a view, a default or a rule, so it must be
//! sealed (under `__transient`) from the start.

use std::cell::RefCell;
use std::collections::HashSet;
use std::ffi::CStr;
use std::hash::{Hash, Hasher};

use pgrx::pg_sys;

thread_local! {
    /// Hashes of the statement texts whose parameters this backend typed as text
    /// ([`in_retyped_statement`]).
    static RETYPED: RefCell<HashSet<u64>> = RefCell::new(HashSet::new());
}

fn text_hash(text: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

const BIND_MESSAGE: &CStr = c"invalid byte sequence in a parameter of a statement that writes into an encrypted_text column \
    (colcrypt does not repeat the bytes)";
const BIND_HINT: &CStr = c"Such a parameter is typed text: send the plaintext as text in the client encoding (UTF-8 in binary \
    format). Envelopes are input only under colcrypt.ciphertext_io = on.";

/// Whether the statement in progress is one whose parameters this backend typed as text.
pub(crate) fn in_retyped_statement() -> bool {
    // SAFETY: debug_query_string is NULL or the NUL-terminated text of the statement in progress.
    let stmt = unsafe {
        let q = pg_sys::debug_query_string;
        if q.is_null() {
            return false;
        }
        CStr::from_ptr(q).to_bytes()
    };
    RETYPED.with(|r| r.borrow().contains(&text_hash(stmt)))
}

/// An error in a statement whose parameters this backend typed as text, where `text` input
/// refuses bytes that are not valid in the encoding (22021, 22P05: for example an envelope, or
/// plaintext in another encoding, sent as a binary parameter): PostgreSQL's message quotes the
/// offending bytes, which colcrypt's own input withheld, so the message is replaced by one that
/// does not (same SQLSTATE) and the hint says what to send.
pub(crate) fn redact_bind_error(e: &mut pg_sys::ErrorData) -> Option<(&'static CStr, &'static CStr)> {
    use pgrx::PgSqlErrorCode::{ERRCODE_CHARACTER_NOT_IN_REPERTOIRE, ERRCODE_UNTRANSLATABLE_CHARACTER};
    if e.sqlerrcode != ERRCODE_CHARACTER_NOT_IN_REPERTOIRE as i32 && e.sqlerrcode != ERRCODE_UNTRANSLATABLE_CHARACTER as i32 {
        return None;
    }
    in_retyped_statement().then_some((BIND_MESSAGE, BIND_HINT))
}

static mut PREVIOUS_HOOK: pg_sys::post_parse_analyze_hook_type = None;

/// Installs the hook; called once per process from `_PG_init`.
pub(crate) fn install() {
    // SAFETY: hooks are installed from _PG_init, before any statement is analysed.
    unsafe {
        PREVIOUS_HOOK = pg_sys::post_parse_analyze_hook;
        pg_sys::post_parse_analyze_hook = Some(after_parse_analysis);
    }
}

/// PostgreSQL's `VarParamState` (parser/parse_param.c, unchanged from 15 to 18): the parameter
/// types of a statement whose types the server infers, which Parse and PREPARE keep for Bind.
#[repr(C)]
struct VarParamState {
    param_types: *mut *mut pg_sys::Oid,
    num_params: *mut i32,
}

#[pgrx::pg_guard]
unsafe extern "C-unwind" fn after_parse_analysis(pstate: *mut pg_sys::ParseState, query: *mut pg_sys::Query, jstate: *mut pg_sys::JumbleState) {
    // SAFETY: PostgreSQL passes a valid ParseState and Query; see type_params_as_text.
    unsafe {
        if let Some(prev) = PREVIOUS_HOOK {
            prev(pstate, query, jstate);
        }
        type_params_as_text(pstate, query);
    }
}

/// Where the statement has variable parameters, their types. Only parse_param.c's variable
/// parameters set the coerce-parameter hook in core PostgreSQL (fixed parameters, SQL and
/// PL/pgSQL functions leave it unset, and the last two set column-reference hooks).
unsafe fn variable_params(pstate: *mut pg_sys::ParseState) -> Option<&'static mut [pg_sys::Oid]> {
    // SAFETY: the caller's ParseState is valid; the state is a VarParamState when the hooks
    // are parse_param.c's (see above), whose arrays outlive the analysis.
    unsafe {
        let p = &*pstate;
        if p.p_coerce_param_hook.is_none()
            || p.p_paramref_hook.is_none()
            || p.p_pre_columnref_hook.is_some()
            || p.p_post_columnref_hook.is_some()
            || p.p_ref_hook_state.is_null()
        {
            return None;
        }
        let state = &*p.p_ref_hook_state.cast::<VarParamState>();
        if state.param_types.is_null() || state.num_params.is_null() || (*state.param_types).is_null() || *state.num_params <= 0 {
            return None;
        }
        Some(std::slice::from_raw_parts_mut(*state.param_types, *state.num_params as usize))
    }
}

/// What the walk found: every external parameter of type `encrypted_text`, and the casts to
/// a column's modifier that take one as their value.
struct Found {
    encrypted_text: pg_sys::Oid,
    params: Vec<*mut pg_sys::Param>,
    casts: Vec<(*mut pg_sys::FuncExpr, *mut pg_sys::Param)>,
    /// Operators with a parameter as one operand (`ssn = $1`), and whether it is the left one.
    comparisons: Vec<(*mut pg_sys::OpExpr, *mut pg_sys::Param, bool)>,
}

unsafe fn type_params_as_text(pstate: *mut pg_sys::ParseState, query: *mut pg_sys::Query) {
    // SAFETY: a valid ParseState and Query (from the hook); nodes are read and changed in place
    // in the memory PostgreSQL allocated them in.
    unsafe {
        if crate::types::ciphertext_io() {
            return;
        }
        let Some(types) = variable_params(pstate) else { return };
        let Some(encrypted_text) = types.iter().copied().find(|t| is_encrypted_text(*t)) else { return };
        let mut found = Found { encrypted_text, params: Vec::new(), casts: Vec::new(), comparisons: Vec::new() };
        pg_sys::query_tree_walker(query, Some(walk), (&raw mut found).cast(), 0);
        let (Some(length_cast), Some(from_text)) = casts_of(encrypted_text) else { return };
        // Equality with the parameter as one operand becomes colcrypt's cross-type equality with
        // text (same btree family, so the same index answers): the value is never sealed.
        let equalities: Vec<(*mut pg_sys::OpExpr, *mut pg_sys::Param, pg_sys::Oid)> = found
            .comparisons
            .iter()
            .filter_map(|&(op, param, param_left)| text_equality((*op).opno, encrypted_text, param_left).map(|to| (op, param, to)))
            .collect();
        // A parameter is changed only if every one of its uses is the cast to a modifier or
        // such an equality (decided before anything changes).
        let uses = |id: i32| found.params.iter().filter(|p| (***p).paramid == id).count();
        let convertible = |id: i32| {
            found.casts.iter().filter(|(f, p)| (**p).paramid == id && (**f).funcid == length_cast).count()
                + equalities.iter().filter(|(_, p, _)| (**p).paramid == id).count()
        };
        let mut changed: Vec<i32> = found
            .casts
            .iter()
            .map(|(_, p)| (**p).paramid)
            .chain(equalities.iter().map(|(_, p, _)| (**p).paramid))
            .filter(|&id| id >= 1 && (id as usize) <= types.len() && types[(id - 1) as usize] == encrypted_text && uses(id) == convertible(id))
            .collect();
        changed.sort_unstable();
        changed.dedup();
        for &(op, param, to) in &equalities {
            if !changed.contains(&(*param).paramid) {
                continue;
            }
            (*op).opno = to;
            (*op).opfuncid = pg_sys::get_opcode(to);
            (*op).inputcollid = pg_sys::DEFAULT_COLLATION_OID;
            (*param).paramtype = pg_sys::TEXTOID;
            (*param).paramtypmod = -1;
            (*param).paramcollid = pg_sys::DEFAULT_COLLATION_OID;
        }
        for &(func, param) in &found.casts {
            if (*func).funcid != length_cast || !changed.contains(&(*param).paramid) {
                continue;
            }
            (*func).funcid = from_text;
            (*func).inputcollid = pg_sys::DEFAULT_COLLATION_OID;
            (*param).paramtype = pg_sys::TEXTOID;
            (*param).paramtypmod = -1;
            (*param).paramcollid = pg_sys::DEFAULT_COLLATION_OID;
        }
        if changed.is_empty() {
            return;
        }
        if !(*pstate).p_sourcetext.is_null() {
            let hash = text_hash(CStr::from_ptr((*pstate).p_sourcetext).to_bytes());
            RETYPED.with(|r| {
                let mut r = r.borrow_mut();
                // A bound on memory; a forgotten statement only loses the hint.
                if r.len() >= 4096 {
                    r.clear();
                }
                r.insert(hash);
            });
        }
        // The types Bind uses and the client is told.
        for id in changed {
            types[(id - 1) as usize] = pg_sys::TEXTOID;
        }
    }
}

/// Whether `ty` is colcrypt's `encrypted_text` (by its input function, not its name, which
/// depends on the schema colcrypt is installed in).
unsafe fn is_encrypted_text(ty: pg_sys::Oid) -> bool {
    // A declared parameter type need not exist when the statement does not use the parameter
    // (PostgreSQL accepts such a Parse): a missing or shell type is not ours.
    // SAFETY: a syscache lookup that returns false for a missing type.
    if ty == pg_sys::InvalidOid || u32::from(ty) < pg_sys::FirstNormalObjectId || !unsafe { pg_sys::get_typisdefined(ty) } {
        return false;
    }
    // SAFETY: a catalog lookup of a type a parameter has (never a shell type).
    unsafe {
        let (mut input, mut ioparam) = (pg_sys::InvalidOid, pg_sys::InvalidOid);
        pg_sys::getTypeInputInfo(ty, &mut input, &mut ioparam);
        is_function(input, crate::types::encrypted_text_in_wrapper)
    }
}

/// Whether function `oid` is the C function `f` of this library.
unsafe fn is_function(oid: pg_sys::Oid, f: unsafe extern "C-unwind" fn(pg_sys::FunctionCallInfo) -> pg_sys::Datum) -> bool {
    // SAFETY: fmgr_info fills a stack FmgrInfo from the catalog.
    unsafe {
        let mut info = pg_sys::FmgrInfo::default();
        pg_sys::fmgr_info(oid, &mut info);
        info.fn_addr.map(|a| a as usize) == Some(f as usize)
    }
}

/// The cast of `encrypted_text` to a column's modifier and the assignment cast from `text`, if
/// both are colcrypt's own functions.
unsafe fn casts_of(encrypted_text: pg_sys::Oid) -> (Option<pg_sys::Oid>, Option<pg_sys::Oid>) {
    // SAFETY: catalog lookups by oid; fmgr_info fills a stack FmgrInfo.
    unsafe {
        let is = |oid, f| is_function(oid, f);
        let mut length_cast = pg_sys::InvalidOid;
        let mut from_text = pg_sys::InvalidOid;
        let length_ok = pg_sys::find_typmod_coercion_function(encrypted_text, &mut length_cast) == pg_sys::CoercionPathType::COERCION_PATH_FUNC
            && is(length_cast, crate::types::encrypted_text_coerce_wrapper);
        let from_ok = pg_sys::find_coercion_pathway(encrypted_text, pg_sys::TEXTOID, pg_sys::CoercionContext::COERCION_ASSIGNMENT, &mut from_text)
            == pg_sys::CoercionPathType::COERCION_PATH_FUNC
            && is(from_text, crate::types::encrypted_text_from_plain_wrapper);
        (length_ok.then_some(length_cast), from_ok.then_some(from_text))
    }
}

/// For colcrypt's `encrypted_text = encrypted_text`, the cross-type `=` with `text` on the
/// parameter's side, from the same btree operator family.
unsafe fn text_equality(opno: pg_sys::Oid, encrypted_text: pg_sys::Oid, param_left: bool) -> Option<pg_sys::Oid> {
    // SAFETY: catalog lookups by oid; the list is palloc'd and read here only.
    unsafe {
        if !is_function(pg_sys::get_opcode(opno), crate::types::encrypted_text_eq_wrapper) {
            return None;
        }
        let families = pg_sys::get_mergejoin_opfamilies(opno);
        let (left, right) = if param_left { (pg_sys::TEXTOID, encrypted_text) } else { (encrypted_text, pg_sys::TEXTOID) };
        (0..pg_sys::list_length(families))
            .map(|i| pg_sys::list_nth_oid(families, i))
            .map(|family| pg_sys::get_opfamily_member(family, left, right, pg_sys::BTEqualStrategyNumber as i16))
            .find(|&op| op != pg_sys::InvalidOid)
    }
}

unsafe fn extern_param(node: *mut pg_sys::Node, ty: pg_sys::Oid) -> Option<*mut pg_sys::Param> {
    // SAFETY: `node` is a valid node (or null).
    unsafe {
        if node.is_null() || (*node).type_ != pg_sys::NodeTag::T_Param {
            return None;
        }
        let p = node.cast::<pg_sys::Param>();
        ((*p).paramkind == pg_sys::ParamKind::PARAM_EXTERN && (*p).paramtype == ty).then_some(p)
    }
}

#[pgrx::pg_guard]
unsafe extern "C-unwind" fn walk(node: *mut pg_sys::Node, context: *mut std::ffi::c_void) -> bool {
    // SAFETY: PostgreSQL's walkers pass valid nodes and our context.
    unsafe {
        if node.is_null() {
            return false;
        }
        let found = &mut *context.cast::<Found>();
        match (*node).type_ {
            pg_sys::NodeTag::T_Query => return pg_sys::query_tree_walker(node.cast(), Some(walk), context, 0),
            pg_sys::NodeTag::T_Param => {
                if let Some(p) = extern_param(node, found.encrypted_text) {
                    found.params.push(p);
                }
            }
            pg_sys::NodeTag::T_OpExpr => {
                let op = node.cast::<pg_sys::OpExpr>();
                if pg_sys::list_length((*op).args) == 2 {
                    let left = pg_sys::list_nth((*op).args, 0).cast::<pg_sys::Node>();
                    let right = pg_sys::list_nth((*op).args, 1).cast::<pg_sys::Node>();
                    // Not two parameters: the other operand decides which operator is meant.
                    match (extern_param(left, found.encrypted_text), extern_param(right, found.encrypted_text)) {
                        (Some(p), None) => found.comparisons.push((op, p, true)),
                        (None, Some(p)) => found.comparisons.push((op, p, false)),
                        _ => {}
                    }
                }
            }
            pg_sys::NodeTag::T_FuncExpr => {
                let f = node.cast::<pg_sys::FuncExpr>();
                if (*f).funcresulttype == found.encrypted_text && pg_sys::list_length((*f).args) == 3 {
                    if let Some(p) = extern_param(pg_sys::list_nth((*f).args, 0).cast(), found.encrypted_text) {
                        found.casts.push((f, p));
                    }
                }
            }
            _ => {}
        }
        pg_sys::expression_tree_walker(node, Some(walk), context)
    }
}
