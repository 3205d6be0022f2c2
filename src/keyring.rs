//! Server-managed data keys: the per-backend cache of unwrapped keys and the queries on
//! `colcrypt.data_keys` behind it.
//!
//! The cache answers every row after the first from memory. Key management functions send a
//! relcache invalidation for the key table; PostgreSQL delivers it to every backend at commit,
//! and each backend accepts pending invalidations once per statement before using its cache,
//! so a rotation or destruction by another session is obeyed by the next statement.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use colcrypt_core::wrap::unwrap_data_key;
use colcrypt_core::{DataKeyCipher, Error as CoreError};
use pgrx::pg_sys;
use pgrx::prelude::*;

use crate::backend_local::BackendLocal;
use crate::error::{ColcryptError, Result};
use crate::master_key;
use crate::privileged::{self, read_key_tables};
pub(crate) use crate::privileged::write_key_tables;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyState {
    Active,
    DecryptOnly,
    Destroyed,
}

impl KeyState {
    fn parse(s: &str) -> Result<Self> {
        match s {
            "active" => Ok(KeyState::Active),
            "decrypt_only" => Ok(KeyState::DecryptOnly),
            "destroyed" => Ok(KeyState::Destroyed),
            other => Err(ColcryptError::Internal(format!("colcrypt key table holds an unknown state {other:?}"))),
        }
    }
}

pub(crate) struct DataKey {
    pub(crate) name: String,
    pub(crate) state: KeyState,
    /// `None` once destroyed.
    cipher: Option<DataKeyCipher>,
    access: Access,
    /// The envelope key id (commitment) of this version.
    pub(crate) fingerprint: [u8; 32],
}

/// Who may use a key at all (colcrypt.restrict_key_use, grant_key_use) and who may not read the
/// plaintext of its values (colcrypt.deny_plaintext), as stored in the key tables.
struct Access {
    /// Only superusers and members of `grantees` may use the key.
    restricted: bool,
    grantees: Vec<pg_sys::Oid>,
    /// Roles denied the plaintext of this key's values.
    denied: Vec<pg_sys::Oid>,
}

impl DataKey {
    /// Before any plaintext of this key, or anything computed from it (a blind index, a value
    /// re-sealed under another key), leaves colcrypt: refuse members of a denied role.
    pub(crate) fn check_plaintext_allowed(&self) -> Result<()> {
        if self.access.denied.is_empty() {
            return Ok(());
        }
        // Both the current role and the session's login role: a denied login must not get the
        // plaintext back by SET ROLE to a role it belongs to, nor through code running as
        // another role on its behalf.
        // SAFETY: role membership lookups through PostgreSQL's own caches.
        let (user, session) = unsafe { (pg_sys::GetUserId(), pg_sys::GetSessionUserId()) };
        if is_denied(&self.access.denied, user) || is_denied(&self.access.denied, session) { Err(ColcryptError::PlaintextDenied(self.name.clone())) } else { Ok(()) }
    }

    /// Before the key seals or opens anything: a restricted key serves only its grantees.
    fn check_use_allowed(&self) -> Result<()> {
        if !self.access.restricted {
            return Ok(());
        }
        // SAFETY: role lookups through PostgreSQL's own caches.
        let user = unsafe { pg_sys::GetUserId() };
        let allowed = unsafe { pg_sys::superuser_arg(user) }
            || crate::citus::acts_as_superuser()
            || self.access.grantees.iter().any(|&role| privileged::current_role_has_privs_of(role));
        if allowed { Ok(()) } else { Err(ColcryptError::KeyUseDenied(self.name.clone())) }
    }

    /// The key's cipher, for a role allowed to use the key. Every seal and open under a data key
    /// goes through here, so the use check covers every path (types, casts, operators, binary
    /// input, functions, re-encryption).
    pub(crate) fn cipher(&self) -> Result<&DataKeyCipher> {
        self.check_use_allowed()?;
        self.cipher.as_ref().ok_or_else(|| ColcryptError::KeyDestroyed(self.name.clone()))
    }
}

#[derive(Default)]
struct Cache {
    by_fingerprint: HashMap<[u8; 32], Rc<DataKey>>,
    active_by_name: HashMap<String, Rc<DataKey>>,
    /// The last answers of `for_typmod` and `by_fingerprint`: a load or scan asks the same
    /// question for every row, and this saves two SipHash lookups per row (bench/profile.sh).
    last_typmod: Option<(i32, Rc<DataKey>)>,
    last_fingerprint: Option<Rc<DataKey>>,
    /// Every key's denied roles ([`plaintext_denials`]).
    denials: Option<Rc<Denials>>,
}

/// The roles denied each key's plaintext, by key name.
pub(crate) type Denials = Vec<(String, Vec<pg_sys::Oid>)>;

/// Created at first use (its maps' hashers are seeded then); dropped, and its keys wiped, when
/// invalidated and at backend exit.
static CACHE: BackendLocal<RefCell<Option<Cache>>> = BackendLocal::new(RefCell::new(None));
/// Set by the relcache callback, which may run in the middle of any query and so only flags.
static STALE: BackendLocal<Cell<bool>> = BackendLocal::new(Cell::new(false));
static LAST_STATEMENT: BackendLocal<Cell<i64>> = BackendLocal::new(Cell::new(i64::MIN));
/// The process that registered the callbacks below: a process forked from one that had
/// (the postmaster, were this ever called there) has lost them (on_exit_reset) and registers again.
static CALLBACKS_REGISTERED_BY: BackendLocal<Cell<i32>> = BackendLocal::new(Cell::new(0));

fn with_cache<R>(f: impl FnOnce(&mut Cache) -> R) -> R {
    CACHE.with(|c| f(c.borrow_mut().get_or_insert_with(Cache::default)))
}

/// Drops the cached keys (their ciphers wipe themselves) as the backend exits: a static, unlike
/// a thread-local, is never dropped.
unsafe extern "C-unwind" fn on_backend_exit(_code: i32, _arg: pg_sys::Datum) {
    // No closure over the cache calls into PostgreSQL, so no exit can happen inside a borrow.
    CACHE.with(|c| c.try_borrow_mut().map(|mut c| c.take()).ok());
}

unsafe extern "C-unwind" fn on_relcache_invalidation(_arg: pg_sys::Datum, relid: pg_sys::Oid) {
    if relid == pg_sys::InvalidOid || Some(relid) == privileged::cached_key_table() {
        STALE.with(|s| s.set(true));
    }
}

pub(crate) use crate::unguarded::statement_start;

/// Run before using the cache: once per statement, take in invalidations sent by others.
fn refresh() {
    // SAFETY: a read of the backend's pid, set at process start.
    let pid = unsafe { pg_sys::MyProcPid };
    if CALLBACKS_REGISTERED_BY.with(|c| c.replace(pid)) != pid {
        // SAFETY: registers plain functions for the life of the backend.
        unsafe {
            pg_sys::CacheRegisterRelcacheCallback(Some(on_relcache_invalidation), pg_sys::Datum::from(0));
            pg_sys::on_proc_exit(Some(on_backend_exit), pg_sys::Datum::from(0));
        }
    }
    let stmt = statement_start();
    if LAST_STATEMENT.with(|l| l.replace(stmt)) != stmt {
        // SAFETY: safe at any point where a lock could be taken, which includes here.
        unsafe { pg_sys::AcceptInvalidationMessages() };
    }
    if STALE.with(|s| s.replace(false)) {
        CACHE.with(|c| c.borrow_mut().take());
        privileged::forget_key_table();
    }
}

/// After a key change: tells every backend (this one included) to drop its cached keys, on this
/// node and, under Citus, on every node (src/citus.rs); delivered at commit.
pub(crate) fn invalidate_all() -> Result<()> {
    invalidate_local()?;
    crate::citus::propagate()
}

/// As [`invalidate_all`], for this node's backends only.
pub(crate) fn invalidate_local() -> Result<()> {
    let (oid, _) = privileged::key_table()?;
    // SAFETY: queues a transactional invalidation message for an existing relation.
    unsafe { pg_sys::CacheInvalidateRelcacheByRelid(oid) };
    STALE.with(|s| s.set(true));
    Ok(())
}

/// Unwraps with the current master key, or during a rotation with the previous one.
pub(crate) fn unwrap(wrapped: &[u8], key_id: i32, version: i32) -> Result<DataKeyCipher> {
    let current = master_key::current()?;
    let key = match unwrap_data_key(&current, wrapped, key_id, version) {
        Err(CoreError::WrongMasterKey) => match master_key::previous_if_loaded() {
            Some(previous) => unwrap_data_key(&previous, wrapped, key_id, version)?,
            None => return Err(CoreError::WrongMasterKey.into()),
        },
        other => other?,
    };
    Ok(DataKeyCipher::new(&key))
}

fn load_row(
    name: String,
    key_id: i32,
    version: i32,
    state: &str,
    wrapped: Option<Vec<u8>>,
    fingerprint: [u8; 32],
) -> Result<Rc<DataKey>> {
    let state = KeyState::parse(state)?;
    let cipher = match (state, wrapped) {
        (KeyState::Destroyed, _) | (_, None) => None,
        (_, Some(w)) => Some(unwrap(&w, key_id, version)?),
    };
    let access = load_access(&name)?;
    Ok(Rc::new(DataKey { name, state, cipher, access, fingerprint }))
}

/// The access lists of key `name`, read as the key tables' owner.
fn load_access(name: &str) -> Result<Access> {
    let roles = |client: &pgrx::spi::SpiClient<'_>, sql: &str| -> std::result::Result<Vec<pg_sys::Oid>, pgrx::spi::Error> {
        client
            .select(sql, None, &[name.into()])?
            .map(|row| row.get::<pg_sys::Oid>(1).map(|o| o.unwrap_or(pg_sys::InvalidOid)))
            .collect()
    };
    privileged::as_key_table_owner(|| {
        Ok(Spi::connect(|client| {
            // Between installing this library and ALTER EXTENSION colcrypt UPDATE, a database
            // still has 0.1.0's tables, which had no use grants: every key is unrestricted.
            let has_grants = client
                .select("SELECT pg_catalog.to_regclass('colcrypt.restricted_keys') IS NOT NULL", Some(1), &[])?
                .first()
                .get_one::<bool>()?
                .unwrap_or(false);
            let restricted = has_grants
                && !client
                    .select("SELECT 1 FROM colcrypt.restricted_keys WHERE key_name OPERATOR(pg_catalog.=) $1", Some(1), &[name.into()])?
                    .is_empty();
            Ok::<_, pgrx::spi::Error>(Access {
                restricted,
                grantees: if has_grants {
                    roles(client, "SELECT role::pg_catalog.oid FROM colcrypt.key_use_grants WHERE key_name OPERATOR(pg_catalog.=) $1")?
                } else {
                    Vec::new()
                },
                denied: roles(
                    client,
                    "SELECT role::pg_catalog.oid FROM colcrypt.plaintext_denials WHERE key_name OPERATOR(pg_catalog.=) $1",
                )?,
            })
        })?)
    })
}

/// One row of colcrypt.data_keys, as the cache needs it.
struct KeyRow {
    name: String,
    key_id: i32,
    version: i32,
    state: String,
    wrapped: Option<Vec<u8>>,
    fingerprint: Vec<u8>,
}

/// The first row of colcrypt.data_keys matching `condition` (with `$1` bound to `arg`),
/// read as the table's owner.
fn fetch_key_row(condition: &str, arg: pgrx::datum::DatumWithOid<'_>) -> Result<Option<KeyRow>> {
    let sql = format!(
        "SELECT name, key_id, version, state, wrapped, fingerprint FROM colcrypt.data_keys WHERE {condition} LIMIT 1"
    );
    read_key_tables(&sql, &[arg], |t| {
        Ok(KeyRow {
            name: t.get::<String>(1)?.unwrap_or_default(),
            key_id: t.get::<i32>(2)?.unwrap_or_default(),
            version: t.get::<i32>(3)?.unwrap_or_default(),
            state: t.get::<String>(4)?.unwrap_or_default(),
            wrapped: t.get::<Vec<u8>>(5)?,
            fingerprint: t.get::<Vec<u8>>(6)?.unwrap_or_default(),
        })
    })
}

fn load(row: KeyRow) -> Result<Rc<DataKey>> {
    let fingerprint = <[u8; 32]>::try_from(row.fingerprint.as_slice())
        .map_err(|_| ColcryptError::Internal("colcrypt key table holds a bad fingerprint".into()))?;
    load_row(row.name, row.key_id, row.version, &row.state, row.wrapped, fingerprint)
}

/// Every key's denied roles (colcrypt.plaintext_denials), read once until a key change: for
/// the check a Citus node makes when the current role is not the session's (src/citus_role_switch.rs).
pub(crate) fn plaintext_denials() -> Result<Rc<Denials>> {
    refresh();
    if let Some(d) = with_cache(|c| c.denials.clone()) {
        return Ok(d);
    }
    let rows = privileged::as_key_table_owner(|| {
        Ok(Spi::connect(|client| {
            client
                .select("SELECT key_name, role::pg_catalog.oid FROM colcrypt.plaintext_denials ORDER BY key_name", None, &[])?
                .map(|row| Ok::<_, pgrx::spi::Error>((row.get::<String>(1)?.unwrap_or_default(), row.get::<pg_sys::Oid>(2)?.unwrap_or(pg_sys::InvalidOid))))
                .collect::<std::result::Result<Vec<_>, _>>()
        })?)
    })?;
    let mut denials: Denials = Vec::new();
    for (key, role) in rows {
        match denials.last_mut() {
            Some((k, roles)) if *k == key => roles.push(role),
            _ => denials.push((key, vec![role])),
        }
    }
    let denials = Rc::new(denials);
    with_cache(|c| c.denials = Some(Rc::clone(&denials)));
    Ok(denials)
}

/// Whether `who` is, or is a member of, one of `denied` (superuser status aside, as for
/// [`DataKey::check_plaintext_allowed`]).
pub(crate) fn is_denied(denied: &[pg_sys::Oid], who: pg_sys::Oid) -> bool {
    // SAFETY: role membership lookups through PostgreSQL's own caches.
    denied.iter().any(|&role| role == who || unsafe { pg_sys::is_member_of_role_nosuper(who, role) })
}

/// The key that sealed a value, found by the envelope's key commitment.
pub(crate) fn by_fingerprint(fp: &[u8; 32]) -> Result<Rc<DataKey>> {
    refresh();
    let hit = with_cache(|c| {
        if let Some(k) = c.last_fingerprint.as_ref().filter(|k| k.fingerprint == *fp) {
            return Some(Rc::clone(k));
        }
        let k = c.by_fingerprint.get(fp).cloned()?;
        c.last_fingerprint = Some(Rc::clone(&k));
        Some(k)
    });
    if let Some(k) = hit {
        return Ok(k);
    }
    let row = fetch_key_row("fingerprint OPERATOR(pg_catalog.=) $1", fp.to_vec().into())?;
    let key = load(row.ok_or(ColcryptError::NoKeyForValue)?)?;
    with_cache(|c| c.by_fingerprint.insert(*fp, Rc::clone(&key)));
    Ok(key)
}

/// The data key that sealed an envelope (found by its key commitment).
pub(crate) fn key_of(envelope: &[u8]) -> Result<Rc<DataKey>> {
    by_fingerprint(&colcrypt_core::wrap::envelope_commitment(envelope)?)
}

/// As [`key_of`], once the current role may read the plaintext of that key's values.
pub(crate) fn readable_key(envelope: &[u8]) -> Result<Rc<DataKey>> {
    let key = key_of(envelope)?;
    key.check_plaintext_allowed()?;
    Ok(key)
}

/// The version of `name` that new values are sealed under.
pub(crate) fn active(name: &str) -> Result<Rc<DataKey>> {
    refresh();
    if let Some(k) = with_cache(|c| c.active_by_name.get(name).cloned()) {
        return Ok(k);
    }
    let row = fetch_key_row("name OPERATOR(pg_catalog.=) $1 ORDER BY version DESC", name.into())?;
    let key = load(row.ok_or_else(|| ColcryptError::UnknownKey(name.to_owned()))?)?;
    if key.state != KeyState::Active {
        return Err(ColcryptError::KeyDestroyed(name.to_owned()));
    }
    with_cache(|c| {
        c.by_fingerprint.insert(key.fingerprint, Rc::clone(&key));
        c.active_by_name.insert(name.to_owned(), Rc::clone(&key));
    });
    Ok(key)
}

/// The data key of a column declared without a key name (an event trigger in sql/finalize.sql
/// makes `encrypted_text` `encrypted_text(default)`); created on first use by a key admin.
pub(crate) const DEFAULT_KEY: &str = "default";
/// The key of values on their way to a column: PostgreSQL runs a type's input with type modifier
/// -1 for untyped literals and parameters and applies the column's modifier afterwards, so the
/// value is sealed under this key first and moved under the column's key by the cast. Its own
/// key rather than `default`, so that `default`'s state (absent, denied, destroyed) matters only
/// to columns that use it; users cannot deny, restrict or destroy it (`__` names are colcrypt's).
pub(crate) const TRANSIENT_KEY: &str = "__transient";
/// The key behind every blind index in the database (one key, so equality is consistent
/// across columns and joins); created on first use, never rotated.
pub(crate) const BLIND_INDEX_KEY: &str = "__blind_index";

/// Bit 0 of a type modifier: the column stores a blind index (`encrypted_text(pii, searchable)`).
pub(crate) const SEARCHABLE: i32 = 1;

pub(crate) fn blind_index_key() -> Result<Rc<DataKey>> {
    active_or_create(BLIND_INDEX_KEY)
}

/// colcrypt's own keys (and `default`) come into being together on first use by a key admin (or
/// superuser), or with the first `create_key`, so a database that has any key has them all and
/// reads never create one. Not by other roles: creating one holds a lock on the key table until the
/// creating transaction ends, so a login role that left such a transaction open would block
/// every other session's first use.
fn active_or_create(name: &'static str) -> Result<Rc<DataKey>> {
    match active(name) {
        // On a Citus worker the coordinator sends every key; one made here would differ from
        // the other nodes' (a blind index that finds nothing elsewhere).
        Err(ColcryptError::UnknownKey(_)) if crate::citus::is_worker() => Err(ColcryptError::CitusWorker("create colcrypt's own keys")),
        Err(ColcryptError::UnknownKey(_)) if privileged::current_role_is_key_admin() => {
            crate::server_keys::create_key_unchecked(name)?;
            refresh();
            ensure_builtin_keys()?;
            active(name)
        }
        Err(ColcryptError::UnknownKey(_)) => Err(ColcryptError::BuiltinKeyMissing(name)),
        other => other,
    }
}

/// Creates colcrypt's own keys that do not exist yet (called by `create_key`, a key admin's).
pub(crate) fn ensure_builtin_keys() -> Result<()> {
    for name in [BLIND_INDEX_KEY, TRANSIENT_KEY] {
        active_or_create(name)?;
    }
    Ok(())
}

thread_local! {
    /// typmod → key name, from colcrypt.key_names. Entries are only ever added.
    static KEY_NAMES: RefCell<HashMap<i32, Rc<str>>> = RefCell::new(HashMap::new());
}

/// The type modifier of key name `name` (called by the types' typmod input). A name not yet
/// registered is registered only for a key admin (or superuser): other roles cannot grow the
/// table or take a name, and so cannot make another role's writes fail.
pub(crate) fn register_key_name(name: &str) -> Result<i32> {
    record_key_name(name, true)
}

/// As [`register_key_name`]; `require_admin` is false only for colcrypt's own keys, created on
/// first use by whichever role needs them.
pub(crate) fn record_key_name(name: &str, require_admin: bool) -> Result<i32> {
    use colcrypt_core::binding::typmod_for_key_name;
    let typmod = typmod_for_key_name(name);
    // `default` needs no row: every database knows its modifier (key_name_for_typmod), so a
    // column without a key name (given `default` by sql/finalize.sql's event trigger) is open
    // to every role, as before, without a write.
    if name == DEFAULT_KEY {
        return Ok(typmod);
    }
    match key_name_for_typmod(typmod)? {
        Some(existing) if *existing == *name => return Ok(typmod),
        Some(existing) => return Err(ColcryptError::KeyNameCollision(name.to_owned(), existing.to_string())),
        None => {}
    }
    // colcrypt's own names keep their modifiers even before their keys exist.
    if let Some(reserved) = [DEFAULT_KEY, BLIND_INDEX_KEY, TRANSIENT_KEY].into_iter().find(|r| *r != name && typmod_for_key_name(r) == typmod) {
        return Err(ColcryptError::KeyNameCollision(name.to_owned(), reserved.to_owned()));
    }
    if require_admin && !privileged::current_role_is_key_admin() {
        return Err(ColcryptError::KeyNameNotRegistered(name.to_owned()));
    }
    let holder = write_key_tables(|client| {
        client.update(
            "INSERT INTO colcrypt.key_names (typmod, name) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            None,
            &[typmod.into(), name.into()],
        )?;
        // Another session may have taken the modifier (or the name) first.
        Ok::<_, ColcryptError>(
            client
                .select("SELECT name FROM colcrypt.key_names WHERE typmod OPERATOR(pg_catalog.=) $1", Some(1), &[typmod.into()])?
                .first()
                .get_one::<String>()?,
        )
    })?;
    match holder {
        Some(h) if h == name => {}
        Some(h) => return Err(ColcryptError::KeyNameCollision(name.to_owned(), h)),
        None => return Err(ColcryptError::Internal("colcrypt could not register a key name".into())),
    }
    KEY_NAMES.with(|m| m.borrow_mut().insert(typmod, Rc::from(name)));
    Ok(typmod)
}

pub(crate) fn key_name_for_typmod(typmod: i32) -> Result<Option<Rc<str>>> {
    let typmod = typmod & !SEARCHABLE;
    if typmod == colcrypt_core::binding::typmod_for_key_name(DEFAULT_KEY) {
        return Ok(Some(Rc::from(DEFAULT_KEY)));
    }
    if let Some(n) = KEY_NAMES.with(|m| m.borrow().get(&typmod).cloned()) {
        return Ok(Some(n));
    }
    let name = read_key_tables("SELECT name FROM colcrypt.key_names WHERE typmod OPERATOR(pg_catalog.=) $1", &[typmod.into()], |t| {
        t.get::<String>(1)
    })?
    .flatten();
    let name: Option<Rc<str>> = name.map(Rc::from);
    if let Some(n) = &name {
        KEY_NAMES.with(|m| m.borrow_mut().insert(typmod, Rc::clone(n)));
    }
    Ok(name)
}

/// The data key for a type modifier: the named key, or for -1 (a value not yet in a column)
/// `__transient`, so that no modifier never means plaintext.
pub(crate) fn for_typmod(typmod: i32) -> Result<Rc<DataKey>> {
    refresh();
    if let Some(k) = with_cache(|c| c.last_typmod.as_ref().filter(|(t, _)| *t == typmod).map(|(_, k)| Rc::clone(k))) {
        return Ok(k);
    }
    let key = if typmod < 0 {
        active_or_create(TRANSIENT_KEY)?
    } else {
        let name = key_name_for_typmod(typmod)?.ok_or(ColcryptError::UnknownTypmod(typmod))?;
        // colcrypt's own keys (`__blind_index`) seal no values, whatever type modifier a
        // caller passes to an input function directly.
        if name.starts_with("__") {
            return Err(ColcryptError::ReservedKeyName(name.to_string()));
        }
        if *name == *DEFAULT_KEY {
            active_or_create(DEFAULT_KEY)?
        } else {
            active(&name)?
        }
    };
    with_cache(|c| c.last_typmod = Some((typmod, Rc::clone(&key))));
    Ok(key)
}
