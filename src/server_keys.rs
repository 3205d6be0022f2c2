//! Server-managed keys in SQL (the RDS / S3 SSE-KMS analogue): key management for the
//! colcrypt_key_admin role and explicit encrypt/decrypt under a named key for colcrypt_key_user.
//! Which role may call what is set by GRANTs in sql/finalize.sql.

use colcrypt_core::wrap::{envelope_commitment, new_data_key, unwrap_data_key, wrap_data_key};
use colcrypt_core::{Cipher, Error as CoreError};
use pgrx::pg_sys;
use pgrx::prelude::*;

use crate::client_key_fns::context_bytes;
use crate::server_text::{ServerText, Utf8Text};
use crate::error::{ColcryptError, OrRaise, Result};
use crate::keyring::{self, write_key_tables};
use crate::master_key;

/// Key names double as type modifiers (`encrypted_text(pii)`), so they are plain identifiers.
/// Names starting with `__` are colcrypt's own (the blind index key).
pub(crate) fn check_name(name: &str) -> Result<()> {
    let ok = (1..=63).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !name.as_bytes()[0].is_ascii_digit();
    if !ok {
        Err(ColcryptError::InvalidKeyName)
    } else if name.starts_with("__") {
        Err(ColcryptError::ReservedKeyName(name.to_owned()))
    } else {
        Ok(())
    }
}

/// A key name argument: names are ASCII (they double as type modifiers), in any database encoding.
fn ascii_key_name<'a>(name: &ServerText<'a>) -> Result<&'a str> {
    name.ascii(ColcryptError::InvalidKeyName)
}

/// Inserts version `version` of key `key_id`, a fresh random data key wrapped by the master key.
fn insert_version(client: &mut pgrx::spi::SpiClient<'_>, key_id: i32, name: &str, version: i32) -> Result<()> {
    let master = master_key::current()?;
    let (dek, wrapped) = new_data_key(&master, key_id, version)?;
    let fingerprint = Cipher::new(&dek).commitment().to_vec();
    client.update(
        "INSERT INTO colcrypt.data_keys (key_id, name, version, state, fingerprint, wrapped) VALUES ($1, $2, $3, 'active', $4, $5)",
        None,
        &[key_id.into(), name.into(), version.into(), fingerprint.into(), wrapped.into()],
    )?;
    Ok(())
}

/// The key-check: refuse to add keys under a master key that is not the one the existing keys
/// are wrapped with (or, mid-rotation, the previous one), so a wrong key file cannot split the
/// key table between two master keys.
fn check_master_matches(client: &pgrx::spi::SpiClient<'_>) -> Result<()> {
    let (current, previous) = loaded_commitments()?;
    let foreign = client.select(&format!("SELECT 1 {FOREIGN_WRAPPED}"), Some(1), &[current.into(), previous.into()])?.len();
    if foreign > 0 { Err(CoreError::WrongMasterKey.into()) } else { Ok(()) }
}

/// The data key versions wrapped with neither loaded master key: their wrapping starts with a
/// 4-byte header and the master key's commitment ($1 current, $2 previous or current again).
const FOREIGN_WRAPPED: &str = "FROM colcrypt.data_keys WHERE wrapped IS NOT NULL \
     AND pg_catalog.substr(wrapped, 5, 32) OPERATOR(pg_catalog.<>) $1 \
     AND pg_catalog.substr(wrapped, 5, 32) OPERATOR(pg_catalog.<>) $2";

/// The commitments of the current master key and of the previous one (the current one again when
/// there is no previous).
fn loaded_commitments() -> Result<(Vec<u8>, Vec<u8>)> {
    let current = master_key::current()?.commitment().to_vec();
    let previous = master_key::previous_if_loaded().map(|p| p.commitment().to_vec()).unwrap_or_else(|| current.clone());
    Ok((current, previous))
}

/// How many of this database's data key versions no loaded master key unwraps: a wrong key loads
/// like a right one (any 32 bytes are a key), and is found only here or at a data key's first use.
fn foreign_wrapped_count() -> Result<i64> {
    let (current, previous) = loaded_commitments()?;
    Ok(crate::privileged::read_key_tables(&format!("SELECT pg_catalog.count(*) {FOREIGN_WRAPPED}"), &[current.into(), previous.into()], |t| {
        t.get::<i64>(1)
    })?
    .flatten()
    .unwrap_or(0))
}

pub(crate) fn create_key_impl(name: &str) -> Result<i32> {
    check_name(name)?;
    let id = create_key_unchecked(name)?;
    // Searchable columns need the blind index key and untyped literals the transient key; a key
    // admin creates them here so that no other role ever has to (keyring::active_or_create).
    keyring::ensure_builtin_keys()?;
    Ok(id)
}

/// Creates a key without the user name rules, for colcrypt's own keys.
pub(crate) fn create_key_unchecked(name: &str) -> Result<i32> {
    crate::citus::ensure_not_worker("create keys")?;
    master_key::current()?;
    let id = write_key_tables(|client| {
        check_master_matches(client)?;
        let exists = client
            .select("SELECT 1 FROM colcrypt.data_keys WHERE name OPERATOR(pg_catalog.=) $1", Some(1), &[name.into()])?
            .len()
            > 0;
        if exists {
            return Err(ColcryptError::KeyExists(name.to_owned()));
        }
        let id = client
            .update("SELECT pg_catalog.nextval('colcrypt.data_key_id_seq'::pg_catalog.regclass)::pg_catalog.int4", Some(1), &[])?
            .first()
            .get_one::<i32>()?
            .ok_or_else(|| ColcryptError::Internal("nextval returned NULL".into()))?;
        insert_version(client, id, name, 1)?;
        Ok(id)
    })?;
    keyring::record_key_name(name, false)?;
    keyring::invalidate_all()?;
    crate::key_audit::record(format!("create_key({}) made key id {id} version 1", quote_literal(name)));
    Ok(id)
}

#[pg_extern(volatile)]
fn create_key(name: ServerText) -> i32 {
    create_key_impl(ascii_key_name(&name).or_raise()).or_raise()
}

fn rotate_key_impl(name: &str) -> Result<i32> {
    crate::citus::ensure_not_worker("rotate keys")?;
    check_name(name)?;
    master_key::current()?;
    let version = write_key_tables(|client| {
        check_master_matches(client)?;
        let t = client.update(
            "SELECT key_id, version FROM colcrypt.data_keys \
             WHERE name OPERATOR(pg_catalog.=) $1 AND state OPERATOR(pg_catalog.=) 'active' FOR UPDATE",
            None,
            &[name.into()],
        )?;
        if t.is_empty() {
            return Err(missing_or_destroyed(client, name));
        }
        let (id, version) = t.first().get_two::<i32, i32>()?;
        let (id, version) = (id.unwrap_or_default(), version.unwrap_or_default());
        client.update(
            "UPDATE colcrypt.data_keys SET state = 'decrypt_only', state_changed_at = pg_catalog.now() \
             WHERE key_id OPERATOR(pg_catalog.=) $1 AND version OPERATOR(pg_catalog.=) $2",
            None,
            &[id.into(), version.into()],
        )?;
        insert_version(client, id, name, version + 1)?;
        Ok(version + 1)
    })?;
    keyring::invalidate_all()?;
    crate::key_audit::record(format!("rotate_key({}) made version {version}", quote_literal(name)));
    Ok(version)
}

fn missing_or_destroyed(client: &pgrx::spi::SpiClient<'_>, name: &str) -> ColcryptError {
    match client.select("SELECT 1 FROM colcrypt.data_keys WHERE name OPERATOR(pg_catalog.=) $1", Some(1), &[name.into()]) {
        Ok(t) if !t.is_empty() => ColcryptError::KeyDestroyed(name.to_owned()),
        Ok(_) => ColcryptError::UnknownKey(name.to_owned()),
        Err(e) => e.into(),
    }
}

#[pg_extern(volatile)]
fn rotate_key(name: ServerText) -> i32 {
    rotate_key_impl(ascii_key_name(&name).or_raise()).or_raise()
}

fn destroy_key_impl(name: &str) -> Result<i64> {
    crate::citus::ensure_not_worker("destroy keys")?;
    check_name(name)?;
    let n = write_key_tables(|client| {
        let t = client.update(
            "UPDATE colcrypt.data_keys SET state = 'destroyed', wrapped = NULL, state_changed_at = pg_catalog.now() \
             WHERE name OPERATOR(pg_catalog.=) $1 AND state OPERATOR(pg_catalog.<>) 'destroyed' RETURNING version",
            None,
            &[name.into()],
        )?;
        if t.is_empty() {
            return Err(missing_or_destroyed(client, name));
        }
        Ok(t.len() as i64)
    })?;
    keyring::invalidate_all()?;
    crate::key_audit::record(format!("destroy_key({}) destroyed {n} version(s)", quote_literal(name)));
    Ok(n)
}

#[pg_extern(volatile)]
fn destroy_key(name: ServerText) -> i64 {
    destroy_key_impl(ascii_key_name(&name).or_raise()).or_raise()
}

fn rotate_master_key_impl() -> Result<i64> {
    crate::citus::ensure_not_worker("rotate the master key")?;
    let new = master_key::current()?;
    let old = master_key::previous()?;
    let n = write_key_tables(|client| {
        let rows: Vec<(i32, i32, Vec<u8>)> = client
            .update(
                "SELECT key_id, version, wrapped FROM colcrypt.data_keys WHERE wrapped IS NOT NULL ORDER BY key_id, version FOR UPDATE",
                None,
                &[],
            )?
            .map(|row| {
                Ok((
                    row.get::<i32>(1)?.unwrap_or_default(),
                    row.get::<i32>(2)?.unwrap_or_default(),
                    row.get::<Vec<u8>>(3)?.unwrap_or_default(),
                ))
            })
            .collect::<std::result::Result<_, pgrx::spi::Error>>()?;
        let mut rewrapped = 0i64;
        for (id, version, wrapped) in rows {
            // Already under the new key (a rotation run twice, or resumed): leave it.
            if new.matches_commitment(&envelope_commitment(&wrapped)?) {
                continue;
            }
            let dek = match unwrap_data_key(&old, &wrapped, id, version) {
                Err(CoreError::WrongMasterKey) => {
                    return Err(ColcryptError::NoPreviousMasterKey(format!(
                        "data key {id} version {version} is wrapped by neither the current nor the previous master key"
                    )))
                }
                other => other?,
            };
            client.update(
                "UPDATE colcrypt.data_keys SET wrapped = $3 WHERE key_id OPERATOR(pg_catalog.=) $1 AND version OPERATOR(pg_catalog.=) $2",
                None,
                &[id.into(), version.into(), wrap_data_key(&new, &dek, id, version)?.into()],
            )?;
            rewrapped += 1;
        }
        Ok(rewrapped)
    })?;
    keyring::invalidate_all()?;
    crate::key_audit::record(format!("rotate_master_key() re-wrapped {n} data key version(s) under master key id {}", new.key_id()));
    Ok(n)
}

#[pg_extern(volatile)]
fn rotate_master_key() -> i64 {
    rotate_master_key_impl().or_raise()
}

#[pg_extern(volatile)]
fn master_key_info() -> TableIterator<
    'static,
    (
        name!(which, String),
        name!(source, Option<String>),
        name!(loaded, bool),
        name!(key_id, Option<String>),
        name!(problem, Option<String>),
    ),
> {
    let mut rows = master_key::describe();
    // A loaded current key that is not this database's: say so here rather than at the first
    // read (a DBA review found the info clean and every read failing with 55000).
    if let Some(row) = rows.iter_mut().find(|r| r.0 == "current" && r.2 && r.4.is_none()) {
        let n = foreign_wrapped_count().or_raise();
        if n > 0 {
            row.4 = Some(format!(
                "not the master key that wrapped {n} of this database's data key versions (nor is the previous one): server-managed keys fail with 55000 here; load the right key and reload"
            ));
        }
    }
    TableIterator::new(rows)
}

fn server_encrypt_impl(name: &ServerText, data: &[u8], context: Option<&ServerText>) -> Result<Vec<u8>> {
    let key = keyring::active(ascii_key_name(name)?)?;
    Ok(key.cipher()?.seal(data, &context_bytes(context)?)?)
}


#[pg_extern(volatile, parallel_restricted)]
fn server_encrypt(key_name: Option<ServerText>, data: Option<&[u8]>, context: default!(Option<ServerText>, "NULL")) -> Option<Vec<u8>> {
    Some(server_encrypt_impl(&key_name?, data?, context.as_ref()).or_raise())
}

#[pg_extern(volatile, parallel_restricted)]
fn server_decrypt(ciphertext: Option<&[u8]>, context: default!(Option<ServerText>, "NULL")) -> Option<Vec<u8>> {
    let ciphertext = ciphertext?;
    let key = keyring::readable_key(ciphertext).or_raise();
    Some(key.cipher().or_raise().open(ciphertext, &context_bytes(context.as_ref()).or_raise()).or_raise())
}

#[pg_extern(volatile, parallel_restricted)]
fn server_encrypt_text(key_name: Option<ServerText>, data: Option<ServerText>, context: default!(Option<ServerText>, "NULL")) -> Option<Vec<u8>> {
    let plaintext = zeroize::Zeroizing::new(data?.utf8().or_raise().into_owned());
    Some(server_encrypt_impl(&key_name?, &plaintext, context.as_ref()).or_raise())
}

#[pg_extern(volatile, parallel_restricted)]
fn server_decrypt_text(ciphertext: Option<&[u8]>, context: default!(Option<ServerText>, "NULL")) -> Option<Utf8Text> {
    let ciphertext = ciphertext?;
    let key = keyring::readable_key(ciphertext).or_raise();
    let plaintext = key.cipher().or_raise().open(ciphertext, &context_bytes(context.as_ref()).or_raise()).or_raise();
    Some(Utf8Text(zeroize::Zeroizing::new(plaintext)))
}

/// Changes one of key `key_name`'s access lists with `sql` (`$1` the key name, `$2` the role if
/// any), as the key tables' owner, and tells every backend. Callable by key admins only (the
/// functions' EXECUTE grants in sql/finalize.sql).
fn change_key_access(call: &str, key_name: &str, sql: &str, role: Option<pg_sys::Oid>) -> Result<()> {
    crate::citus::ensure_not_worker("change key access")?;
    check_name(key_name)?;
    write_key_tables(|client| {
        if client.select("SELECT 1 FROM colcrypt.data_keys WHERE name OPERATOR(pg_catalog.=) $1", Some(1), &[key_name.into()])?.is_empty() {
            return Err(ColcryptError::UnknownKey(key_name.to_owned()));
        }
        match role {
            Some(role) => client.update(sql, None, &[key_name.into(), role.into()])?,
            None => client.update(sql, None, &[key_name.into()])?,
        };
        Ok(())
    })?;
    keyring::invalidate_all()?;
    let role = role.map(|r| format!(", {}", crate::key_audit::role_label(r))).unwrap_or_default();
    let line = format!("{call}({}{role})", quote_literal(key_name));
    if matches!(call, "allow_plaintext" | "grant_key_use" | "unrestrict_key_use") {
        crate::key_audit::record_lift(line);
    } else {
        crate::key_audit::record(line);
    }
    Ok(())
}

/// Declared in sql/finalize.sql as deny_plaintext(key_name text, role regrole).
#[pg_extern(sql = false)]
fn deny_plaintext(name: ServerText, role: pg_sys::Oid) {
    change_key_access(
        "deny_plaintext",
        ascii_key_name(&name).or_raise(),
        "INSERT INTO colcrypt.plaintext_denials (key_name, role) VALUES ($1, $2::pg_catalog.oid::pg_catalog.regrole) ON CONFLICT DO NOTHING",
        Some(role),
    )
    .or_raise()
}

/// Declared in sql/finalize.sql as allow_plaintext(key_name text, role regrole).
#[pg_extern(sql = false)]
fn allow_plaintext(name: ServerText, role: pg_sys::Oid) {
    change_key_access(
        "allow_plaintext",
        ascii_key_name(&name).or_raise(),
        "DELETE FROM colcrypt.plaintext_denials WHERE key_name OPERATOR(pg_catalog.=) $1 AND role::pg_catalog.oid OPERATOR(pg_catalog.=) $2",
        Some(role),
    )
    .or_raise()
}

/// Declared in sql/finalize.sql as grant_key_use(key_name text, role regrole).
#[pg_extern(sql = false)]
fn grant_key_use(name: ServerText, role: pg_sys::Oid) {
    change_key_access(
        "grant_key_use",
        ascii_key_name(&name).or_raise(),
        "INSERT INTO colcrypt.key_use_grants (key_name, role) VALUES ($1, $2::pg_catalog.oid::pg_catalog.regrole) ON CONFLICT DO NOTHING",
        Some(role),
    )
    .or_raise()
}

/// Declared in sql/finalize.sql as revoke_key_use(key_name text, role regrole).
#[pg_extern(sql = false)]
fn revoke_key_use(name: ServerText, role: pg_sys::Oid) {
    change_key_access(
        "revoke_key_use",
        ascii_key_name(&name).or_raise(),
        "DELETE FROM colcrypt.key_use_grants WHERE key_name OPERATOR(pg_catalog.=) $1 AND role::pg_catalog.oid OPERATOR(pg_catalog.=) $2",
        Some(role),
    )
    .or_raise()
}

/// Only superusers and the roles granted with grant_key_use may use the key from now on.
#[pg_extern(volatile)]
fn restrict_key_use(key_name: ServerText) {
    change_key_access("restrict_key_use", ascii_key_name(&key_name).or_raise(), "INSERT INTO colcrypt.restricted_keys (key_name) VALUES ($1) ON CONFLICT DO NOTHING", None).or_raise()
}

/// Every role may use the key again (the default for a new key).
#[pg_extern(volatile)]
fn unrestrict_key_use(key_name: ServerText) {
    change_key_access("unrestrict_key_use", ascii_key_name(&key_name).or_raise(), "DELETE FROM colcrypt.restricted_keys WHERE key_name OPERATOR(pg_catalog.=) $1", None).or_raise()
}

/// A key name as a SQL literal, for the audit log (names are ASCII, checked by check_name).
fn quote_literal(name: &str) -> String {
    format!("'{}'", name.replace('\'', "''"))
}
