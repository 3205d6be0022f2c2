//! Client-supplied-key functions (the S3 SSE-C analogue): the caller sends the key with each
//! call and the server forgets it afterwards, apart from a one-entry per-backend cache.
//!
//! NULL data or key gives NULL (no encryption happens, nothing is stored); a NULL context is
//! the same as no context. The functions are not declared STRICT only so that `context` can
//! default to NULL.

use pgrx::prelude::*;

use crate::error::OrRaise;
use crate::key_cache::cipher_for;

fn context_bytes(context: Option<&str>) -> &[u8] {
    context.map(str::as_bytes).unwrap_or_default()
}

#[pg_extern(parallel_safe)]
pub(crate) fn gen_key() -> Vec<u8> {
    colcrypt_core::gen_key_bytes().or_raise().to_vec()
}

#[pg_extern(parallel_safe)]
pub(crate) fn encrypt(data: Option<&[u8]>, key: Option<&[u8]>, context: default!(Option<&str>, "NULL")) -> Option<Vec<u8>> {
    let (data, key) = (data?, key?);
    Some(cipher_for(key).or_raise().seal(data, context_bytes(context)).or_raise())
}

#[pg_extern(parallel_safe)]
pub(crate) fn decrypt(ciphertext: Option<&[u8]>, key: Option<&[u8]>, context: default!(Option<&str>, "NULL")) -> Option<Vec<u8>> {
    let (ciphertext, key) = (ciphertext?, key?);
    Some(cipher_for(key).or_raise().open(ciphertext, context_bytes(context)).or_raise())
}

#[pg_extern(parallel_safe)]
pub(crate) fn encrypt_text(data: Option<&str>, key: Option<&[u8]>, context: default!(Option<&str>, "NULL")) -> Option<Vec<u8>> {
    let (data, key) = (data?, key?);
    Some(cipher_for(key).or_raise().seal(data.as_bytes(), context_bytes(context)).or_raise())
}

#[pg_extern(parallel_safe)]
pub(crate) fn decrypt_text(ciphertext: Option<&[u8]>, key: Option<&[u8]>, context: default!(Option<&str>, "NULL")) -> Option<String> {
    let (ciphertext, key) = (ciphertext?, key?);
    Some(cipher_for(key).or_raise().open_text(ciphertext, context_bytes(context)).or_raise())
}

/// Version, algorithm and key id from the header, never secrets. Does not authenticate.
#[pg_extern(parallel_safe)]
pub(crate) fn envelope_info(
    ciphertext: &[u8],
) -> TableIterator<'static, (name!(version, i32), name!(algorithm, Option<String>), name!(key_id, Option<String>))> {
    let info = colcrypt_core::info(ciphertext).or_raise();
    TableIterator::once((i32::from(info.version), info.algorithm.map(str::to_owned), info.key_id))
}
