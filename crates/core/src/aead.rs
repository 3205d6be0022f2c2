//! The AES-256-GCM layer under suite 1. Kept apart so it can be checked against Wycheproof
//! vectors on its own.

use aes_gcm::aead::AeadInPlace;
use aes_gcm::{Aes256Gcm, Nonce, Tag};

use crate::envelope::{NONCE_LEN, TAG_LEN};
use crate::error::Error;

/// Encrypts `body` in place and returns the tag.
pub(crate) fn seal_detached(cipher: &Aes256Gcm, nonce: &[u8; NONCE_LEN], aad: &[u8], body: &mut [u8]) -> [u8; TAG_LEN] {
    cipher
        .encrypt_in_place_detached(Nonce::from_slice(nonce), aad, body)
        // aes-gcm refuses only plaintexts over 64 GiB; PostgreSQL values stop at 1 GiB.
        .expect("plaintext within the AES-GCM length limit")
        .into()
}

/// Decrypts ciphertext‖tag; nothing is returned unless the tag verifies.
pub(crate) fn open(cipher: &Aes256Gcm, nonce: &[u8; NONCE_LEN], aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, Error> {
    let split = sealed.len().checked_sub(TAG_LEN).ok_or(Error::CannotDecrypt)?;
    let (ct, tag) = sealed.split_at(split);
    let mut buf = ct.to_vec();
    match cipher.decrypt_in_place_detached(Nonce::from_slice(nonce), aad, &mut buf, Tag::from_slice(tag)) {
        Ok(()) => Ok(buf),
        Err(_) => Err(Error::CannotDecrypt),
    }
}

/// Plain AES-256-GCM with a 96-bit nonce and a 128-bit tag, for known-answer tests only.
#[cfg(feature = "test-vectors")]
pub mod raw {
    use aes_gcm::aead::KeyInit;

    use super::*;

    pub fn seal(key: &[u8; 32], nonce: &[u8; NONCE_LEN], aad: &[u8], pt: &[u8]) -> Vec<u8> {
        let mut buf = pt.to_vec();
        let tag = seal_detached(&Aes256Gcm::new(key.into()), nonce, aad, &mut buf);
        buf.extend_from_slice(&tag);
        buf
    }

    pub fn open(key: &[u8; 32], nonce: &[u8; NONCE_LEN], aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, Error> {
        super::open(&Aes256Gcm::new(key.into()), nonce, aad, sealed)
    }
}
