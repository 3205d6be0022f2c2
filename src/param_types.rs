//! Untyped parameters written into or compared with an encrypted column are typed as the
//! column's plaintext type, so that each value is sealed once, under the column's key, and a
//! lookup seals nothing (issue: one seal per value).
//!
//! A driver that leaves a parameter's type to the server (`INSERT INTO t (ssn) VALUES ($1)`:
//! psycopg, asyncpg, node-postgres, tokio-postgres) gets the column's type without its modifier,
//! `encrypted_text`. PostgreSQL then runs the type's input with modifier -1 at Bind, which seals
//! the value under `__transient`, and the cast to the column's modifier opens it and seals it
//! again under the column's key: three AES-GCM operations instead of one. Once parse analysis
//! is done, this hook gives such a parameter the plaintext type (`text`, `int4`, …) and turns
//! the cast into the assignment cast from it, which seals once, under the column's key: exactly
//! the query PostgreSQL builds for a parameter of the plaintext type, and the one it builds
//! again when it re-analyses the statement with the parameter types it now has. A parameter
//! compared for equality (`WHERE ssn = $1`) is retyped too, and the operator becomes colcrypt's
//! cross-type `=` with the plaintext type of the same btree family: the lookup computes the blind
//! index of the plaintext and seals nothing. So are a parameter compared with `<>`, the
//! parameters of `ssn IN ($1, $2)` and `NOT IN` of up to eight (a ScalarArrayOpExpr over an array
//! of parameters, which becomes an array of the plaintext type, as for `ssn = ANY(ARRAY[$1::text,
//! $2::text])`; longer lists and `= ANY($1)` keep the encrypted type: [`MAX_RETYPED_LIST`]). Re-analysed with
//! `text` parameters, an `IN` list is `ssn = $1 OR ssn = $2` (PostgreSQL finds no common type
//! for encrypted_text and text): the same cross-type `=`, answered by the same index.
//!
//! Only parameters whose every use is such a cast or such a comparison are changed (a parameter
//! also returned or passed to a function keeps its type, and so does every parameter of a list it
//! is in), only for statements whose parameter
//! types the server infers (the extended protocol's Parse and SQL `PREPARE`; a type the client
//! declared as the encrypted one is changed too: the bytes it sends mean the same), and not under
//! `colcrypt.ciphertext_io`, where a parameter may be an envelope. Drivers see the plaintext type in the statement's parameter description.
//!
//! What such a parameter loses by not going through colcrypt's input is given back by the
//! statement's entry in this backend (its text's hash, [`in_retyped_statement`]; entries are
//! never dropped, and past [`MAX_RETYPED`] statements keep their types): an envelope sent as its
//! value is refused as input refuses it (src/types.rs type_from_plain), and an error at Bind,
//! whose message PostgreSQL's input functions write with the value in it, is reworded
//! (src/log_redaction.rs, [`redact_bind_error`]).
//!
//! Literals are sealed under `__transient` by their input, which PostgreSQL runs while it
//! analyses the statement, before any hook; src/literals.rs retypes those of a client's statement
//! after this hook has run.

use std::cell::RefCell;
use std::collections::HashSet;
use std::ffi::CStr;
use std::hash::{Hash, Hasher};

use pgrx::pg_sys;

thread_local! {
    /// Hashes of the statement texts whose parameters this backend retyped, or which have
    /// parameters of encrypted array types, whose Bind errors are reworded too
    /// ([`in_retyped_statement`], [`redact_bind_error`]).
    static RETYPED: RefCell<HashSet<u64>> = RefCell::new(HashSet::new());
}

/// Statements a backend retypes, at most (entries are never dropped: a statement prepared long
/// ago may still run; beyond this, statements keep their types and colcrypt's input).
const MAX_RETYPED: usize = 16384;

fn text_hash(text: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

const BIND_MESSAGE: &CStr = c"invalid value for a parameter \
    (colcrypt repeats no parameter value of a statement on encrypted columns)";
const BIND_HINT: &CStr = c"Send a value of the plaintext type (text in the client encoding; in binary format, that type's \
    binary form), or an array of them for an array parameter. Envelopes are input only under colcrypt.ciphertext_io = on.";

/// Whether the statement in progress is one whose parameters this backend retyped. The statement
/// is the running portal's source (what EXECUTE of a SQL-prepared statement runs is the
/// PREPARE's text) or, at Bind, before the portal runs, the statement being bound.
pub(crate) fn in_retyped_statement() -> bool {
    // SAFETY: ActivePortal is NULL or the running portal; both strings are NULL or NUL-terminated
    // and live while the statement runs.
    let texts = unsafe {
        let portal = pg_sys::ActivePortal;
        let source = if portal.is_null() { std::ptr::null() } else { (*portal).sourceText };
        [source, pg_sys::debug_query_string]
    };
    RETYPED.with(|r| {
        let r = r.borrow();
        texts
            .iter()
            .filter(|t| !t.is_null())
            // SAFETY: as above.
            .any(|&t| r.contains(&text_hash(unsafe { CStr::from_ptr(t) }.to_bytes())))
    })
}

/// Where PostgreSQL's Bind error context line (postgres.c, bind_param_error_callback; in the
/// server's language) starts in `context`, and where it is cut: after the parameter's number,
/// before its value. A line is found by its translated format, not by a `$` (the Spanish one has
/// none); the last one found counts (Bind's is the outermost context, printed last). The portal
/// name and the value are the client's text and may imitate such a line (an attacker review
/// did): the caller then rewords whatever error it is, which hides nothing from anyone but that
/// client. Not the context an error gets while the statement runs under
/// log_parameter_max_length_on_error (`… with parameters: $1 = …`), unless its values imitate one.
fn bind_context(context: &[u8]) -> Option<(usize, usize)> {
    let find = |h: &[u8], n: &[u8]| h.windows(n.len()).position(|w| w == n);
    let unnamed = translated(c"unnamed portal parameter $%d").to_bytes();
    let unnamed = &unnamed[..find(unnamed, b"%d")?];
    let named = translated(c"portal \"%s\" parameter $%d").to_bytes();
    let (s, d) = (find(named, b"%s")?, find(named, b"%d")?);
    let (named_start, named_middle) = (&named[..s], named.get(s + 2..d)?);
    let mut found = None;
    for start in (0..context.len()).filter(|&i| i == 0 || context[i - 1] == b'\n') {
        let line = &context[start..];
        let number_at = if line.starts_with(unnamed) {
            Some(unnamed.len())
        } else if line.starts_with(named_start) {
            find(&line[named_start.len()..], named_middle).map(|p| named_start.len() + p + named_middle.len())
        } else {
            None
        };
        if let Some(at) = number_at {
            let digits = line[at..].iter().take_while(|b| b.is_ascii_digit()).count();
            found = Some((start, start + at + digits));
        }
    }
    found
}

/// The message in the server's language, as errcontext translates it.
fn translated(msgid: &CStr) -> &CStr {
    unsafe extern "C" {
        fn dgettext(domain: *const std::ffi::c_char, msgid: *const std::ffi::c_char) -> *mut std::ffi::c_char;
    }
    let domain = std::ffi::CString::new(format!("postgres-{}", pg_sys::PG_MAJORVERSION.to_str().unwrap_or_default())).unwrap_or_default();
    // SAFETY: gettext returns msgid itself or a string of its catalog, which lives for the
    // process; both NUL-terminated.
    unsafe { CStr::from_ptr(dgettext(domain.as_ptr(), msgid.as_ptr())) }
}

/// An error while a parameter of a statement with retyped parameters (or parameters of an
/// encrypted array type) is bound. The plaintext type's input or receive function (or array_in)
/// failed, and its message may quote the value ("invalid input syntax for type integer: …"),
/// which colcrypt's own input withholds, and so may its DETAIL and its context lines (jsonb's
/// "Token … is invalid." and "JSON data, line 1: …", found by an attacker review); `text`
/// refusing bytes invalid in the encoding (22021, 22P05) quotes them. Any parameter of such a
/// statement: which one failed is read from text the client controls ([`bind_context`]), so
/// nothing is decided by it. Returns the message that quotes nothing, with a hint, and the
/// context cut to Bind's own line up to the parameter's number; the detail is dropped. A value
/// of the wrong binary length, which PostgreSQL reports as a protocol violation, and bytes that
/// jsonb_recv rejects with a plain elog (XX000: "unsupported jsonb version number") become
/// invalid_binary_representation, as colcrypt's receive functions report them.
pub(crate) fn redact_bind_error(e: &mut pg_sys::ErrorData) -> Option<(&'static CStr, &'static CStr, Option<Vec<u8>>)> {
    use pgrx::PgSqlErrorCode::*;
    if !in_retyped_statement() {
        return None;
    }
    // SAFETY: the report's context is NULL or NUL-terminated.
    let context = (!e.context.is_null()).then(|| unsafe { CStr::from_ptr(e.context) }.to_bytes());
    let bind = context.and_then(bind_context);
    let encoding = e.sqlerrcode == ERRCODE_CHARACTER_NOT_IN_REPERTOIRE as i32 || e.sqlerrcode == ERRCODE_UNTRANSLATABLE_CHARACTER as i32;
    if bind.is_none() && !encoding {
        return None;
    }
    if bind.is_some() && (e.sqlerrcode == ERRCODE_PROTOCOL_VIOLATION as i32 || e.sqlerrcode == ERRCODE_INTERNAL_ERROR as i32) {
        e.sqlerrcode = ERRCODE_INVALID_BINARY_REPRESENTATION as i32;
    }
    e.detail = std::ptr::null_mut();
    e.detail_log = std::ptr::null_mut();
    let new_context = match (context, bind) {
        (Some(c), Some((start, end))) => Some(c[start..end].to_vec()),
        _ => None,
    };
    Some((BIND_MESSAGE, BIND_HINT, new_context))
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
    // SAFETY: PostgreSQL passes a valid ParseState and Query; see type_params_as_plain.
    unsafe {
        if let Some(prev) = PREVIOUS_HOOK {
            prev(pstate, query, jstate);
        }
        type_params_as_plain(pstate, explained(query));
        crate::literals::type_literals_as_plain(pstate, query);
        // A PREPARE naming the session key: its EXECUTEs carry the key as an argument in a text
        // that does not name the setting (log_redaction.rs).
        let q = &*query;
        if q.commandType == pg_sys::CmdType::CMD_UTILITY
            && !q.utilityStmt.is_null()
            && (*q.utilityStmt).type_ == pg_sys::NodeTag::T_PrepareStmt
            && !(*pstate).p_sourcetext.is_null()
            && crate::log_redaction::names_session_key(std::ffi::CStr::from_ptr((*pstate).p_sourcetext).to_bytes())
        {
            crate::log_redaction::note_session_key_prepared();
        }
    }
}

/// The query an `EXPLAIN` shows, analysed with the EXPLAIN's own parameters, so that its
/// parameters are typed (and the plan made) as they are for the statement itself: drivers EXPLAIN
/// with the parameters they send (a review found asyncpg's EXPLAIN asking for an `encrypted_int4`
/// where the statement takes an `int4`); any other query as it is.
unsafe fn explained(query: *mut pg_sys::Query) -> *mut pg_sys::Query {
    // SAFETY: a valid Query from the hook; an analysed EXPLAIN holds its analysed query.
    unsafe {
        let q = &*query;
        if q.commandType == pg_sys::CmdType::CMD_UTILITY && !q.utilityStmt.is_null() && (*q.utilityStmt).type_ == pg_sys::NodeTag::T_ExplainStmt {
            let inner = (*q.utilityStmt.cast::<pg_sys::ExplainStmt>()).query;
            if !inner.is_null() && (*inner).type_ == pg_sys::NodeTag::T_Query {
                return inner.cast();
            }
        }
        query
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

type CFn = unsafe extern "C-unwind" fn(pg_sys::FunctionCallInfo) -> pg_sys::Datum;

/// An encrypted type whose untyped parameters are retyped: its functions (to recognise it and its
/// casts and equality by their C entry points, not by names, which depend on the schema), its
/// plaintext type and whether that is collatable. (A driver that encodes objects for
/// `encrypted_jsonb` parameters is handed a `jsonb` one: colcrypt's asyncpg adapter registers
/// the same codec for `jsonb`.)
pub(crate) struct Kind {
    pub(crate) spec: &'static crate::types::TypeSpec,
    input: CFn,
    length_cast: CFn,
    from_plain: CFn,
    eq: CFn,
    pub(crate) plain: pg_sys::Oid,
    collatable: bool,
}

impl Kind {
    /// The collation of a value of the plaintext type: the default one for text, none otherwise.
    pub(crate) fn collation(&self) -> pg_sys::Oid {
        if self.collatable { pg_sys::DEFAULT_COLLATION_OID } else { pg_sys::InvalidOid }
    }

    /// Whether operator `opno` is colcrypt's `=` between two values of this encrypted type.
    pub(crate) unsafe fn is_equality(&self, opno: pg_sys::Oid) -> bool {
        // SAFETY: catalog lookups by oid.
        unsafe { is_function(pg_sys::get_opcode(opno), self.eq) }
    }
}

/// The encrypted types whose parameters are retyped.
pub(crate) fn kinds() -> [Kind; 10] {
    use crate::types as t;
    macro_rules! kind {
        ($spec:ident, $input:ident, $length_cast:ident, $from_plain:ident, $eq:ident, $plain:ident, $collatable:expr) => {
            Kind { spec: &t::$spec, input: t::$input, length_cast: t::$length_cast, from_plain: t::$from_plain, eq: t::$eq, plain: pg_sys::$plain, collatable: $collatable }
        };
    }
    [
        kind!(TEXT, encrypted_text_in_wrapper, encrypted_text_coerce_wrapper, encrypted_text_from_plain_wrapper, encrypted_text_eq_wrapper, TEXTOID, true),
        kind!(BYTEA, encrypted_bytea_in_wrapper, encrypted_bytea_coerce_wrapper, encrypted_bytea_from_plain_wrapper, encrypted_bytea_eq_wrapper, BYTEAOID, false),
        kind!(JSONB, encrypted_jsonb_in_wrapper, encrypted_jsonb_coerce_wrapper, encrypted_jsonb_from_plain_wrapper, encrypted_jsonb_eq_wrapper, JSONBOID, false),
        kind!(INT4, encrypted_int4_in_wrapper, encrypted_int4_coerce_wrapper, encrypted_int4_from_plain_wrapper, encrypted_int4_eq_wrapper, INT4OID, false),
        kind!(INT8, encrypted_int8_in_wrapper, encrypted_int8_coerce_wrapper, encrypted_int8_from_plain_wrapper, encrypted_int8_eq_wrapper, INT8OID, false),
        kind!(NUMERIC, encrypted_numeric_in_wrapper, encrypted_numeric_coerce_wrapper, encrypted_numeric_from_plain_wrapper, encrypted_numeric_eq_wrapper, NUMERICOID, false),
        kind!(FLOAT8, encrypted_float8_in_wrapper, encrypted_float8_coerce_wrapper, encrypted_float8_from_plain_wrapper, encrypted_float8_eq_wrapper, FLOAT8OID, false),
        kind!(BOOL, encrypted_bool_in_wrapper, encrypted_bool_coerce_wrapper, encrypted_bool_from_plain_wrapper, encrypted_bool_eq_wrapper, BOOLOID, false),
        kind!(DATE, encrypted_date_in_wrapper, encrypted_date_coerce_wrapper, encrypted_date_from_plain_wrapper, encrypted_date_eq_wrapper, DATEOID, false),
        kind!(TIMESTAMPTZ, encrypted_timestamptz_in_wrapper, encrypted_timestamptz_coerce_wrapper, encrypted_timestamptz_from_plain_wrapper, encrypted_timestamptz_eq_wrapper, TIMESTAMPTZOID, false),
    ]
}

/// What the walk found for one encrypted type: every external parameter of that type, the casts
/// to a column's modifier that take one as their value, the operators with one as an operand,
/// and the lists of them a value is compared with.
struct Found {
    ty: pg_sys::Oid,
    params: Vec<*mut pg_sys::Param>,
    casts: Vec<(*mut pg_sys::FuncExpr, *mut pg_sys::Param)>,
    /// Operators with a parameter as one operand (`ssn = $1`), and whether it is the left one.
    comparisons: Vec<(*mut pg_sys::OpExpr, *mut pg_sys::Param, bool)>,
    /// `ssn IN ($1, $2)`: the operator (the value on its left) and its list.
    lists: Vec<(*mut pg_sys::ScalarArrayOpExpr, List)>,
}

/// The right side of `IN ($1, $2)`: an array built of parameters of the encrypted type, and those
/// parameters.
struct List {
    array: *mut pg_sys::ArrayExpr,
    params: Vec<*mut pg_sys::Param>,
}

/// The longest `IN` list retyped. PostgreSQL hashes a list of 9 or more (its
/// MIN_ARRAY_SIZE_FOR_HASHED_SAOP) when the operator can be hashed: colcrypt's `=` between
/// encrypted values can, the cross-type one cannot (its two sides hash differently). Retyped, a
/// long list on a scan without an index was compared element by element on every row (an attacker
/// review timed a 400-element `NOT IN` over 20,000 rows at 23 s against 0.02 s), so a longer list
/// keeps the encrypted type. So does an array parameter (`= ANY($1)`), whose length Parse does
/// not know.
const MAX_RETYPED_LIST: i32 = 8;

unsafe fn type_params_as_plain(pstate: *mut pg_sys::ParseState, query: *mut pg_sys::Query) {
    // SAFETY: a valid ParseState and Query (from the hook); nodes are read and changed in place
    // in the memory PostgreSQL allocated them in.
    unsafe {
        if crate::types::ciphertext_io() {
            return;
        }
        let Some(types) = variable_params(pstate) else { return };
        let mut distinct: Vec<pg_sys::Oid> = types.to_vec();
        distinct.sort_unstable_by_key(|o| u32::from(*o));
        distinct.dedup();
        // What a retyped parameter no longer gets from colcrypt's input is given back by the
        // statement's entry here; with no room for another entry, a statement keeps its types.
        if (*pstate).p_sourcetext.is_null() {
            return;
        }
        let hash = text_hash(CStr::from_ptr((*pstate).p_sourcetext).to_bytes());
        if RETYPED.with(|r| r.borrow().len() >= MAX_RETYPED && !r.borrow().contains(&hash)) {
            return;
        }
        let kinds = kinds();
        // Citus finds the shard of a lookup on a distribution column only by a value of the
        // column's type: by one of the plaintext type its fast-path router planner found none, and
        // the lookup returned no rows (t_citus.sh). There, compared parameters keep their type.
        let comparisons = !crate::citus::active();
        let mut covered = false;
        for ty in distinct {
            if let Some(kind) = kind_of(ty, &kinds) {
                covered |= retype(query, types, ty, kind, comparisons);
            }
        }
        // A parameter of an encrypted type's array type (`= ANY($1)`, a list of nine or more) keeps
        // its type, but PostgreSQL's array_in parses it before any element reaches colcrypt's
        // input, and its errors quote the whole value ("malformed array literal: …"): its Bind
        // errors are reworded as a retyped parameter's are.
        covered |= types.iter().any(|&t| {
            u32::from(t) >= pg_sys::FirstNormalObjectId && {
                let element = pg_sys::get_element_type(t);
                element != pg_sys::InvalidOid && kind_of(element, &kinds).is_some()
            }
        });
        if covered {
            RETYPED.with(|r| r.borrow_mut().insert(hash));
        }
    }
}

/// Retypes the parameters of encrypted type `ty` whose every use is the cast to a column's
/// modifier or, with `comparisons`, colcrypt's equality (`=`, `<>`, a short `IN`); returns
/// whether it changed any.
unsafe fn retype(query: *mut pg_sys::Query, types: &mut [pg_sys::Oid], ty: pg_sys::Oid, kind: &Kind, comparisons: bool) -> bool {
    // SAFETY: as in type_params_as_plain.
    unsafe {
        let plain_array = pg_sys::get_array_type(kind.plain);
        let mut found = Found { ty, params: Vec::new(), casts: Vec::new(), comparisons: Vec::new(), lists: Vec::new() };
        visit_expressions(query, |node| find(node, &mut found));
        if !comparisons {
            // Such a parameter is then used otherwise than in a cast, and keeps its type.
            found.comparisons.clear();
            found.lists.clear();
        }
        let Some((length_cast, from_plain)) = casts_of(ty, kind) else { return false };
        // Equality with the parameter as one operand becomes colcrypt's cross-type equality with
        // the plaintext type (same btree family, so the same index answers): nothing is sealed.
        let equalities: Vec<(*mut pg_sys::OpExpr, *mut pg_sys::Param, pg_sys::Oid)> = found
            .comparisons
            .iter()
            .filter_map(|&(op, param, param_left)| plain_operator((*op).opno, ty, kind, param_left).map(|to| (op, param, to)))
            .collect();
        // So does the operator of `IN (…)`, applied to each element of its list: the list becomes
        // one of the plaintext type (what PostgreSQL builds for `= ANY(ARRAY[$1::text, $2::text])`).
        let lists: Vec<(*mut pg_sys::ScalarArrayOpExpr, &List, pg_sys::Oid)> = if plain_array == pg_sys::InvalidOid {
            Vec::new()
        } else {
            found.lists.iter().filter_map(|(op, list)| plain_operator((**op).opno, ty, kind, false).map(|to| (*op, list, to))).collect()
        };
        let elements = || lists.iter().flat_map(|(_, list, _)| list.params.iter());
        // A parameter is changed only if every one of its uses is the cast to a modifier or
        // such an equality (decided before anything changes).
        let uses = |id: i32| found.params.iter().filter(|p| (***p).paramid == id).count();
        let convertible = |id: i32| {
            found.casts.iter().filter(|(f, p)| (**p).paramid == id && (**f).funcid == length_cast).count()
                + equalities.iter().filter(|(_, p, _)| (**p).paramid == id).count()
                + elements().filter(|p| (***p).paramid == id).count()
        };
        let mut changed: Vec<i32> = found
            .casts
            .iter()
            .map(|(_, p)| (**p).paramid)
            .chain(equalities.iter().map(|(_, p, _)| (**p).paramid))
            .chain(elements().map(|p| (**p).paramid))
            .filter(|&id| id >= 1 && (id as usize) <= types.len() && types[(id - 1) as usize] == ty && uses(id) == convertible(id))
            .collect();
        changed.sort_unstable();
        changed.dedup();
        // The elements of one list change together (an array has one element type): a list with
        // an element that keeps its type keeps them all, and with them their other uses.
        loop {
            let kept: Vec<i32> = lists
                .iter()
                .filter(|(_, list, _)| list.params.iter().any(|p| !changed.contains(&(**p).paramid)))
                .flat_map(|(_, list, _)| list.params.iter().map(|p| (**p).paramid))
                .collect();
            let before = changed.len();
            changed.retain(|id| !kept.contains(id));
            if changed.len() == before {
                break;
            }
        }
        let collation = kind.collation();
        let retype_param = |param: *mut pg_sys::Param| {
            (*param).paramtype = kind.plain;
            (*param).paramtypmod = -1;
            (*param).paramcollid = collation;
        };
        for &(op, list, to) in &lists {
            if !list.params.iter().all(|p| changed.contains(&(**p).paramid)) {
                continue;
            }
            list.params.iter().for_each(|&p| retype_param(p));
            (*list.array).element_typeid = kind.plain;
            (*list.array).array_typeid = plain_array;
            (*list.array).array_collid = collation;
            (*op).opno = to;
            (*op).opfuncid = pg_sys::get_opcode(to);
            (*op).inputcollid = collation;
        }
        for &(op, param, to) in &equalities {
            if changed.contains(&(*param).paramid) {
                (*op).opno = to;
                (*op).opfuncid = pg_sys::get_opcode(to);
                (*op).inputcollid = collation;
                retype_param(param);
            }
        }
        for &(func, param) in &found.casts {
            if (*func).funcid == length_cast && changed.contains(&(*param).paramid) {
                (*func).funcid = from_plain;
                (*func).inputcollid = collation;
                retype_param(param);
            }
        }
        // The types Bind uses and the client is told.
        for &id in &changed {
            types[(id - 1) as usize] = kind.plain;
        }
        !changed.is_empty()
    }
}

/// The kind whose input function is `ty`'s, if `ty` is one of colcrypt's encrypted types (its
/// input function is looked up once, then compared with each kind's C entry point).
pub(crate) unsafe fn kind_of(ty: pg_sys::Oid, kinds: &[Kind]) -> Option<&Kind> {
    // A declared parameter type need not exist when the statement does not use the parameter
    // (PostgreSQL accepts such a Parse): a missing or shell type is not ours.
    // SAFETY: a syscache lookup that returns false for a missing type.
    if ty == pg_sys::InvalidOid || u32::from(ty) < pg_sys::FirstNormalObjectId || !unsafe { pg_sys::get_typisdefined(ty) } {
        return None;
    }
    // SAFETY: catalog lookups of a defined type and its input function.
    unsafe {
        let (mut f, mut ioparam) = (pg_sys::InvalidOid, pg_sys::InvalidOid);
        pg_sys::getTypeInputInfo(ty, &mut f, &mut ioparam);
        let mut info = pg_sys::FmgrInfo::default();
        pg_sys::fmgr_info(f, &mut info);
        let addr = info.fn_addr.map(|a| a as usize)?;
        kinds.iter().find(|k| k.input as usize == addr)
    }
}

/// Whether function `oid` is the C function `f` of this library.
unsafe fn is_function(oid: pg_sys::Oid, f: CFn) -> bool {
    // SAFETY: fmgr_info fills a stack FmgrInfo from the catalog.
    unsafe {
        let mut info = pg_sys::FmgrInfo::default();
        pg_sys::fmgr_info(oid, &mut info);
        info.fn_addr.map(|a| a as usize) == Some(f as usize)
    }
}

/// The cast of encrypted type `ty` to a column's modifier and the assignment cast from its
/// plaintext type, if both are colcrypt's own functions.
pub(crate) unsafe fn casts_of(ty: pg_sys::Oid, kind: &Kind) -> Option<(pg_sys::Oid, pg_sys::Oid)> {
    // SAFETY: catalog lookups by oid.
    unsafe {
        let mut length_cast = pg_sys::InvalidOid;
        let mut from_plain = pg_sys::InvalidOid;
        let length_ok = pg_sys::find_typmod_coercion_function(ty, &mut length_cast) == pg_sys::CoercionPathType::COERCION_PATH_FUNC
            && is_function(length_cast, kind.length_cast);
        let from_ok = pg_sys::find_coercion_pathway(ty, kind.plain, pg_sys::CoercionContext::COERCION_ASSIGNMENT, &mut from_plain)
            == pg_sys::CoercionPathType::COERCION_PATH_FUNC
            && is_function(from_plain, kind.from_plain);
        (length_ok && from_ok).then_some((length_cast, from_plain))
    }
}

/// For colcrypt's `=` on encrypted type `ty`, the cross-type `=` with the plaintext type on the
/// parameter's side, from the same btree operator family.
unsafe fn plain_equality(opno: pg_sys::Oid, ty: pg_sys::Oid, kind: &Kind, param_left: bool) -> Option<pg_sys::Oid> {
    // SAFETY: catalog lookups by oid.
    unsafe {
        if !kind.is_equality(opno) {
            return None;
        }
        let (left, right) = if param_left { (kind.plain, ty) } else { (ty, kind.plain) };
        family_equality(opno, left, right)
    }
}

/// The `=` between `left` and `right` in a btree operator family in which `opno` is an `=`.
pub(crate) unsafe fn family_equality(opno: pg_sys::Oid, left: pg_sys::Oid, right: pg_sys::Oid) -> Option<pg_sys::Oid> {
    // SAFETY: catalog lookups by oid; the list is palloc'd and read here only.
    unsafe {
        let families = pg_sys::get_mergejoin_opfamilies(opno);
        (0..pg_sys::list_length(families))
            .map(|i| pg_sys::list_nth_oid(families, i))
            .map(|family| pg_sys::get_opfamily_member(family, left, right, pg_sys::BTEqualStrategyNumber as i16))
            .find(|&op| op != pg_sys::InvalidOid)
    }
}

/// For colcrypt's `=` or `<>` on encrypted type `ty`, the cross-type operator with the plaintext
/// type on the parameter's side: `=` from the same btree operator family, `<>` its negator (as
/// each `<>` is the negator of an `=`, `NOT IN` of `IN`).
unsafe fn plain_operator(opno: pg_sys::Oid, ty: pg_sys::Oid, kind: &Kind, param_left: bool) -> Option<pg_sys::Oid> {
    // SAFETY: catalog lookups by oid.
    unsafe {
        if let Some(eq) = plain_equality(opno, ty, kind, param_left) {
            return Some(eq);
        }
        let negator = pg_sys::get_negator(opno);
        if negator == pg_sys::InvalidOid {
            return None;
        }
        let ne = pg_sys::get_negator(plain_equality(negator, ty, kind, param_left)?);
        (ne != pg_sys::InvalidOid).then_some(ne)
    }
}

unsafe fn extern_param(node: *mut pg_sys::Node, ty: pg_sys::Oid) -> Option<*mut pg_sys::Param> {
    // SAFETY: `node` is a valid node (or null).
    unsafe {
        if node.is_null() || (*node).type_ != pg_sys::NodeTag::T_Param {
            return None;
        }
        let p = node.cast::<pg_sys::Param>();
        ((*p).paramkind == pg_sys::ParamKind::PARAM_EXTERN && (*p).paramtype == ty && ty != pg_sys::InvalidOid).then_some(p)
    }
}

/// The right side of `IN (…)` if it is made of parameters only: an array of at most
/// [`MAX_RETYPED_LIST`] parameters of the encrypted type (one dimension).
unsafe fn parameter_list(node: *mut pg_sys::Node, found: &Found) -> Option<List> {
    // SAFETY: `node` is a valid node (or null); an ArrayExpr's elements are nodes.
    unsafe {
        if node.is_null() || (*node).type_ != pg_sys::NodeTag::T_ArrayExpr {
            return None;
        }
        let array = node.cast::<pg_sys::ArrayExpr>();
        let n = pg_sys::list_length((*array).elements);
        if (*array).multidims || (*array).element_typeid != found.ty || n == 0 || n > MAX_RETYPED_LIST {
            return None;
        }
        let params: Option<Vec<_>> = (0..n).map(|i| extern_param(pg_sys::list_nth((*array).elements, i).cast(), found.ty)).collect();
        Some(List { array, params: params? })
    }
}

/// Calls `visit` on every expression node of `query`, and on the queries inside it (subqueries,
/// CTEs, sublinks) and their expression nodes, children after their parent.
pub(crate) unsafe fn visit_expressions(query: *mut pg_sys::Query, mut visit: impl FnMut(*mut pg_sys::Node)) {
    let mut visit: &mut dyn FnMut(*mut pg_sys::Node) = &mut visit;
    // SAFETY: a valid Query; the walker gets the closure back through the context pointer, which
    // lives for the walk.
    unsafe { pg_sys::query_tree_walker(query, Some(visit_node), (&raw mut visit).cast(), 0) };
}

#[pgrx::pg_guard]
unsafe extern "C-unwind" fn visit_node(node: *mut pg_sys::Node, context: *mut std::ffi::c_void) -> bool {
    // SAFETY: PostgreSQL's walkers pass valid nodes and the context visit_expressions gave.
    unsafe {
        if node.is_null() {
            return false;
        }
        (*context.cast::<&mut dyn FnMut(*mut pg_sys::Node)>())(node);
        if (*node).type_ == pg_sys::NodeTag::T_Query {
            return pg_sys::query_tree_walker(node.cast(), Some(visit_node), context, 0);
        }
        pg_sys::expression_tree_walker(node, Some(visit_node), context)
    }
}

/// What [`retype`] looks for in one node.
unsafe fn find(node: *mut pg_sys::Node, found: &mut Found) {
    // SAFETY: a valid node from the walk.
    unsafe {
        match (*node).type_ {
            pg_sys::NodeTag::T_Param => {
                if let Some(p) = extern_param(node, found.ty) {
                    found.params.push(p);
                }
            }
            pg_sys::NodeTag::T_ScalarArrayOpExpr => {
                let op = node.cast::<pg_sys::ScalarArrayOpExpr>();
                if pg_sys::list_length((*op).args) == 2 {
                    let left = pg_sys::list_nth((*op).args, 0).cast::<pg_sys::Node>();
                    let right = pg_sys::list_nth((*op).args, 1).cast::<pg_sys::Node>();
                    // As for `=`: a parameter on the left leaves the operator to its other side.
                    if extern_param(left, found.ty).is_none() {
                        if let Some(list) = parameter_list(right, found) {
                            found.lists.push((op, list));
                        }
                    }
                }
            }
            pg_sys::NodeTag::T_OpExpr => {
                let op = node.cast::<pg_sys::OpExpr>();
                if pg_sys::list_length((*op).args) == 2 {
                    let left = pg_sys::list_nth((*op).args, 0).cast::<pg_sys::Node>();
                    let right = pg_sys::list_nth((*op).args, 1).cast::<pg_sys::Node>();
                    // Not two parameters: the other operand decides which operator is meant.
                    match (extern_param(left, found.ty), extern_param(right, found.ty)) {
                        (Some(p), None) => found.comparisons.push((op, p, true)),
                        (None, Some(p)) => found.comparisons.push((op, p, false)),
                        _ => {}
                    }
                }
            }
            pg_sys::NodeTag::T_FuncExpr => {
                let f = node.cast::<pg_sys::FuncExpr>();
                if (*f).funcresulttype == found.ty && pg_sys::list_length((*f).args) == 3 {
                    if let Some(p) = extern_param(pg_sys::list_nth((*f).args, 0).cast(), found.ty) {
                        found.casts.push((f, p));
                    }
                }
            }
            _ => {}
        }
    }
}
