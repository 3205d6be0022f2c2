//! Client-supplied-key functions (the S3 SSE-C analogue): the caller sends the key with each
//! call, or once per connection as colcrypt.session_key, and the server forgets it afterwards,
//! apart from a one-entry per-backend cache.
//!
//! NULL data or key gives NULL (no encryption happens, nothing is stored); a NULL context is
//! the same as no context. The three-argument functions are not declared STRICT only so that
//! `context` can default to NULL. Every key use first checks the connection's transport.

use std::rc::Rc;

use colcrypt_core::{Cipher, Error as CoreError};
use pgrx::prelude::*;

use std::borrow::Cow;

use crate::error::{OrRaise, Result};
use crate::server_text::{ServerText, Utf8Text};
use crate::key_cache::cipher_for;
use crate::session_key::session_key;
use crate::transport::check_key_transport;

/// A NULL context is the same as none (docs/FORMAT.md, "Contexts"); contexts are UTF-8
/// whatever the database encoding.
pub(crate) fn context_bytes<'a>(context: Option<&ServerText<'a>>) -> Result<Cow<'a, [u8]>> {
    match context {
        Some(c) => c.utf8(),
        None => Ok(Cow::Borrowed(&[])),
    }
}

/// The cipher for a key argument, after the transport check (the key is not used otherwise).
fn cipher(key: &[u8]) -> Result<Rc<Cipher>> {
    // The key and the data may be bind parameters: an error in this statement withholds their
    // values (log_redaction.rs).
    crate::log_redaction::note_plaintext();
    check_key_transport()?;
    Ok(cipher_for(key)?)
}

fn session_cipher() -> Result<Rc<Cipher>> {
    crate::log_redaction::note_plaintext();
    check_key_transport()?;
    Ok(cipher_for(&session_key()?)?)
}

#[pg_extern(parallel_safe)]
pub(crate) fn gen_key() -> Vec<u8> {
    // A new key is on its way to the client: the same rule as for keys coming in.
    check_key_transport().or_raise();
    colcrypt_core::gen_key_bytes().or_raise().to_vec()
}

#[pg_extern(parallel_safe)]
pub(crate) fn encrypt(data: Option<&[u8]>, key: Option<&[u8]>, context: default!(Option<ServerText>, "NULL")) -> Option<Vec<u8>> {
    let (data, key) = (data?, key?);
    Some(cipher(key).or_raise().seal(data, &context_bytes(context.as_ref()).or_raise()).or_raise())
}

#[pg_extern(parallel_safe)]
pub(crate) fn decrypt(ciphertext: Option<&[u8]>, key: Option<&[u8]>, context: default!(Option<ServerText>, "NULL")) -> Option<Vec<u8>> {
    let (ciphertext, key) = (ciphertext?, key?);
    Some(cipher(key).or_raise().open(ciphertext, &context_bytes(context.as_ref()).or_raise()).or_raise())
}

#[pg_extern(parallel_safe)]
pub(crate) fn encrypt_text(data: Option<ServerText>, key: Option<&[u8]>, context: default!(Option<ServerText>, "NULL")) -> Option<Vec<u8>> {
    let (data, key) = (data?, key?);
    let plaintext = zeroize::Zeroizing::new(data.utf8().or_raise().into_owned());
    Some(cipher(key).or_raise().seal(&plaintext, &context_bytes(context.as_ref()).or_raise()).or_raise())
}

#[pg_extern(parallel_safe)]
pub(crate) fn decrypt_text(ciphertext: Option<&[u8]>, key: Option<&[u8]>, context: default!(Option<ServerText>, "NULL")) -> Option<Utf8Text> {
    let (ciphertext, key) = (ciphertext?, key?);
    let plaintext = cipher(key).or_raise().open(ciphertext, &context_bytes(context.as_ref()).or_raise()).or_raise();
    Some(Utf8Text(zeroize::Zeroizing::new(plaintext)))
}

// With no key argument: the session key (colcrypt.session_key).

#[pg_extern(parallel_safe, strict, name = "encrypt")]
fn encrypt_session(data: &[u8]) -> Vec<u8> {
    session_cipher().or_raise().seal(data, b"").or_raise()
}

#[pg_extern(parallel_safe, strict, name = "decrypt")]
fn decrypt_session(ciphertext: &[u8]) -> Vec<u8> {
    session_cipher().or_raise().open(ciphertext, b"").or_raise()
}

#[pg_extern(parallel_safe, strict, name = "encrypt_text")]
fn encrypt_text_session(data: ServerText) -> Vec<u8> {
    let plaintext = zeroize::Zeroizing::new(data.utf8().or_raise().into_owned());
    session_cipher().or_raise().seal(&plaintext, b"").or_raise()
}

#[pg_extern(parallel_safe, strict, name = "decrypt_text")]
fn decrypt_text_session(ciphertext: &[u8]) -> Utf8Text {
    Utf8Text(zeroize::Zeroizing::new(session_cipher().or_raise().open(ciphertext, b"").or_raise()))
}

/// Version, algorithm and key id from the header, never secrets. Does not authenticate.
#[pg_extern(parallel_safe)]
pub(crate) fn envelope_info(
    ciphertext: &[u8],
) -> TableIterator<'static, (name!(version, i32), name!(algorithm, Option<String>), name!(key_id, Option<String>))> {
    // A searchable value's stored form (colcrypt.envelope(v)) carries its blind index ahead of the
    // envelope; the header is read after it.
    let (_, envelope) = colcrypt_core::binding::split_stored(ciphertext);
    let info = colcrypt_core::info(envelope).map_err(CoreError::from).or_raise();
    TableIterator::once((i32::from(info.version), info.algorithm.map(str::to_owned), info.key_id))
}
