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

use crate::error::{ColcryptError, Result};
use crate::master_key;

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
    /// Roles denied the plaintext of this key's values (colcrypt.deny_plaintext).
    denied: Vec<pg_sys::Oid>,
    /// The envelope key id (commitment) of this version.
    pub(crate) fingerprint: [u8; 32],
}

impl DataKey {
    /// Before any plaintext of this key leaves colcrypt: refuse members of a denied role.
    pub(crate) fn check_plaintext_allowed(&self) -> Result<()> {
        if self.denied.is_empty() {
            return Ok(());
        }
        // SAFETY: role membership lookups through PostgreSQL's own caches.
        let user = unsafe { pg_sys::GetUserId() };
        let denied = self.denied.iter().any(|&role| role == user || unsafe { pg_sys::is_member_of_role_nosuper(user, role) });
        if denied { Err(ColcryptError::PlaintextDenied(self.name.clone())) } else { Ok(()) }
    }

    pub(crate) fn cipher(&self) -> Result<&DataKeyCipher> {
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
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
    /// Set by the relcache callback, which may run in the middle of any query and so only flags.
    static STALE: Cell<bool> = const { Cell::new(false) };
    static LAST_STATEMENT: Cell<i64> = const { Cell::new(i64::MIN) };
    static CALLBACK_REGISTERED: Cell<bool> = const { Cell::new(false) };
    /// (table oid, owner) of colcrypt.data_keys, looked up once per backend.
    static TABLE: Cell<Option<(pg_sys::Oid, pg_sys::Oid)>> = const { Cell::new(None) };
}

unsafe extern "C-unwind" fn on_relcache_invalidation(_arg: pg_sys::Datum, relid: pg_sys::Oid) {
    let ours = TABLE.with(|t| t.get().map(|(oid, _)| oid));
    if relid == pg_sys::InvalidOid || Some(relid) == ours {
        STALE.with(|s| s.set(true));
    }
}

/// Run before using the cache: once per statement, take in invalidations sent by others.
fn refresh() {
    if !CALLBACK_REGISTERED.with(|c| c.replace(true)) {
        // SAFETY: registers a plain function for the life of the backend.
        unsafe { pg_sys::CacheRegisterRelcacheCallback(Some(on_relcache_invalidation), pg_sys::Datum::from(0)) };
    }
    // SAFETY: plain reads of backend-local transaction state.
    let stmt = unsafe { pg_sys::GetCurrentStatementStartTimestamp() };
    if LAST_STATEMENT.with(|l| l.replace(stmt)) != stmt {
        // SAFETY: safe at any point where a lock could be taken, which includes here.
        unsafe { pg_sys::AcceptInvalidationMessages() };
    }
    if STALE.with(|s| s.replace(false)) {
        CACHE.with(|c| *c.borrow_mut() = Cache::default());
        TABLE.with(|t| t.set(None));
    }
}

/// Tells every backend (this one included) to drop its cached keys; delivered at commit.
pub(crate) fn invalidate_all() -> Result<()> {
    let (oid, _) = table()?;
    // SAFETY: queues a transactional invalidation message for an existing relation.
    unsafe { pg_sys::CacheInvalidateRelcacheByRelid(oid) };
    STALE.with(|s| s.set(true));
    Ok(())
}

/// The first row of a read-only query, read by `row`; `None` when there is none. Read-only SPI:
/// `Spi::get_*` run as updates and assign a transaction id, which fails on a hot standby and
/// would make every first read of a key write WAL.
fn select_first<T>(
    sql: &str,
    args: &[pgrx::datum::DatumWithOid<'_>],
    row: impl FnOnce(&pgrx::spi::SpiTupleTable<'_>) -> std::result::Result<T, pgrx::spi::Error>,
) -> Result<Option<T>> {
    Ok(Spi::connect(|client| {
        let t = client.select(sql, Some(1), args)?;
        if t.is_empty() {
            return Ok::<_, pgrx::spi::Error>(None);
        }
        row(&t.first()).map(Some)
    })?)
}

fn table() -> Result<(pg_sys::Oid, pg_sys::Oid)> {
    if let Some(t) = TABLE.with(|t| t.get()) {
        return Ok(t);
    }
    let (oid, owner) = select_first(
        "SELECT c.oid, c.relowner FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace \
         WHERE n.nspname OPERATOR(pg_catalog.=) 'colcrypt' AND c.relname OPERATOR(pg_catalog.=) 'data_keys'",
        &[],
        |t| Ok((t.get::<pg_sys::Oid>(1)?, t.get::<pg_sys::Oid>(2)?)),
    )?
    .unwrap_or((None, None));
    let t = (
        oid.ok_or_else(|| ColcryptError::Internal("colcrypt.data_keys is missing; recreate the extension".into()))?,
        owner.unwrap_or(pg_sys::InvalidOid),
    );
    TABLE.with(|c| c.set(Some(t)));
    Ok(t)
}

/// Runs `f` as the owner of the key table, so that roles which may use keys never need (or
/// get) access to the wrapped keys themselves. PostgreSQL restores the user on error.
pub(crate) fn as_key_table_owner<R>(f: impl FnOnce() -> Result<R>) -> Result<R> {
    let (_, owner) = table()?;
    let (mut saved_user, mut saved_ctx) = (pg_sys::InvalidOid, 0i32);
    // SAFETY: standard save/switch/restore of the current user id, as PostgreSQL does for
    // SECURITY DEFINER functions; abort processing restores it if `f` raises.
    unsafe {
        pg_sys::GetUserIdAndSecContext(&mut saved_user, &mut saved_ctx);
        pg_sys::SetUserIdAndSecContext(
            owner,
            saved_ctx | pg_sys::SECURITY_LOCAL_USERID_CHANGE as i32 | pg_sys::SECURITY_RESTRICTED_OPERATION as i32,
        );
    }
    let out = f();
    // SAFETY: restores what was saved above.
    unsafe { pg_sys::SetUserIdAndSecContext(saved_user, saved_ctx) };
    out
}

/// Runs `f` with a read-write SPI connection as the key table's owner, once the transaction may
/// write: on a hot standby (or in a read-only transaction) key management fails with 25006
/// instead of an internal error from deep inside SPI.
pub(crate) fn write_key_tables<R>(f: impl FnOnce(&mut pgrx::spi::SpiClient<'_>) -> Result<R>) -> Result<R> {
    // SAFETY: plain read of a backend global.
    if unsafe { pg_sys::XactReadOnly } {
        return Err(ColcryptError::ReadOnly);
    }
    as_key_table_owner(|| Spi::connect_mut(f))
}

/// Unwraps with the current master key, or during a rotation with the previous one.
pub(crate) fn unwrap(wrapped: &[u8], key_id: i32, version: i32) -> Result<DataKeyCipher> {
    let current = master_key::current()?;
    let key = match unwrap_data_key(current, wrapped, key_id, version) {
        Err(CoreError::WrongMasterKey) => match master_key::previous_if_loaded() {
            Some(previous) => unwrap_data_key(previous, wrapped, key_id, version)?,
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
    let denied = as_key_table_owner(|| {
        Ok(Spi::connect(|client| {
            client
                .select(
                    "SELECT role::oid FROM colcrypt.plaintext_denials WHERE key_name OPERATOR(pg_catalog.=) $1",
                    None,
                    &[name.as_str().into()],
                )?
                .map(|row| row.get::<pg_sys::Oid>(1).map(|o| o.unwrap_or(pg_sys::InvalidOid)))
                .collect::<std::result::Result<Vec<_>, _>>()
        })?)
    })?;
    Ok(Rc::new(DataKey { name, state, cipher, denied, fingerprint }))
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
    as_key_table_owner(|| {
        select_first(&sql, &[arg], |t| {
            Ok(KeyRow {
                name: t.get::<String>(1)?.unwrap_or_default(),
                key_id: t.get::<i32>(2)?.unwrap_or_default(),
                version: t.get::<i32>(3)?.unwrap_or_default(),
                state: t.get::<String>(4)?.unwrap_or_default(),
                wrapped: t.get::<Vec<u8>>(5)?,
                fingerprint: t.get::<Vec<u8>>(6)?.unwrap_or_default(),
            })
        })
    })
}

fn load(row: KeyRow) -> Result<Rc<DataKey>> {
    let fingerprint = <[u8; 32]>::try_from(row.fingerprint.as_slice())
        .map_err(|_| ColcryptError::Internal("colcrypt key table holds a bad fingerprint".into()))?;
    load_row(row.name, row.key_id, row.version, &row.state, row.wrapped, fingerprint)
}

/// The key that sealed a value, found by the envelope's key commitment.
pub(crate) fn by_fingerprint(fp: &[u8; 32]) -> Result<Rc<DataKey>> {
    refresh();
    let hit = CACHE.with(|c| {
        let mut c = c.borrow_mut();
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
    CACHE.with(|c| c.borrow_mut().by_fingerprint.insert(*fp, Rc::clone(&key)));
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
    if let Some(k) = CACHE.with(|c| c.borrow().active_by_name.get(name).cloned()) {
        return Ok(k);
    }
    let row = fetch_key_row("name OPERATOR(pg_catalog.=) $1 ORDER BY version DESC", name.into())?;
    let key = load(row.ok_or_else(|| ColcryptError::UnknownKey(name.to_owned()))?)?;
    if key.state != KeyState::Active {
        return Err(ColcryptError::KeyDestroyed(name.to_owned()));
    }
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        c.by_fingerprint.insert(key.fingerprint, Rc::clone(&key));
        c.active_by_name.insert(name.to_owned(), Rc::clone(&key));
    });
    Ok(key)
}

/// The data key a column without a type modifier uses; created on first use.
pub(crate) const DEFAULT_KEY: &str = "default";
/// The key behind every blind index in the database (one key, so equality is consistent
/// across columns and joins); created on first use, never rotated.
pub(crate) const BLIND_INDEX_KEY: &str = "__blind_index";

/// Bit 0 of a type modifier: the column stores a blind index (`encrypted_text(pii, searchable)`).
pub(crate) const SEARCHABLE: i32 = 1;

pub(crate) fn blind_index_key() -> Result<Rc<DataKey>> {
    active_or_create(BLIND_INDEX_KEY)
}

/// colcrypt's own keys come into being on first use.
fn active_or_create(name: &str) -> Result<Rc<DataKey>> {
    match active(name) {
        Err(ColcryptError::UnknownKey(_)) => {
            crate::server_keys::create_key_unchecked(name)?;
            refresh();
            active(name)
        }
        other => other,
    }
}

thread_local! {
    /// typmod → key name, from colcrypt.key_names. Entries are only ever added.
    static KEY_NAMES: RefCell<HashMap<i32, Rc<str>>> = RefCell::new(HashMap::new());
}

/// Records `name` as the key behind its type modifier (called by the types' typmod input),
/// refusing a name whose modifier another name already holds.
pub(crate) fn register_key_name(name: &str) -> Result<i32> {
    let typmod = colcrypt_core::binding::typmod_for_key_name(name);
    match key_name_for_typmod(typmod)? {
        Some(existing) if *existing == *name => return Ok(typmod),
        Some(existing) => return Err(ColcryptError::KeyNameCollision(name.to_owned(), existing.to_string())),
        None => {}
    }
    write_key_tables(|client| {
        client.update(
            "INSERT INTO colcrypt.key_names (typmod, name) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            None,
            &[typmod.into(), name.into()],
        )?;
        Ok::<_, ColcryptError>(())
    })?;
    KEY_NAMES.with(|m| m.borrow_mut().insert(typmod, Rc::from(name)));
    Ok(typmod)
}

pub(crate) fn key_name_for_typmod(typmod: i32) -> Result<Option<Rc<str>>> {
    let typmod = typmod & !SEARCHABLE;
    if let Some(n) = KEY_NAMES.with(|m| m.borrow().get(&typmod).cloned()) {
        return Ok(Some(n));
    }
    let name = as_key_table_owner(|| {
        select_first("SELECT name FROM colcrypt.key_names WHERE typmod OPERATOR(pg_catalog.=) $1", &[typmod.into()], |t| {
            t.get::<String>(1)
        })
    })?
    .flatten();
    let name: Option<Rc<str>> = name.map(Rc::from);
    if let Some(n) = &name {
        KEY_NAMES.with(|m| m.borrow_mut().insert(typmod, Rc::clone(n)));
    }
    Ok(name)
}

/// The data key for a column's type modifier: the named key, or for -1 the default key,
/// created on first use so that a column without a modifier never means plaintext.
pub(crate) fn for_typmod(typmod: i32) -> Result<Rc<DataKey>> {
    refresh();
    if let Some(k) = CACHE.with(|c| c.borrow().last_typmod.as_ref().filter(|(t, _)| *t == typmod).map(|(_, k)| Rc::clone(k))) {
        return Ok(k);
    }
    let key = if typmod < 0 {
        active_or_create(DEFAULT_KEY)?
    } else {
        let name = key_name_for_typmod(typmod)?.ok_or(ColcryptError::UnknownTypmod(typmod))?;
        active(&name)?
    };
    CACHE.with(|c| c.borrow_mut().last_typmod = Some((typmod, Rc::clone(&key))));
    Ok(key)
}
