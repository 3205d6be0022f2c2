//! The AES-256-GCM layer under suites 1 and 2, kept apart so it can be checked against
//! Wycheproof vectors on its own. Two backends, chosen at build time, produce the same bytes:
//! - AWS-LC through `aws-lc-rs` (default): 3–4× faster than `aes-gcm` on values of 1 KiB and
//!   more, as fast on 64-byte values, and it wipes its key schedules when a key is dropped
//!   (bench/aead-compare: timings in one run, and a test that looks for round keys left in
//!   memory after drop);
//! - RustCrypto's `aes-gcm` (feature `rustcrypto`, without default features): pure Rust, no C
//!   toolchain; its key schedule is moved by value while it is built, and copies stay behind
//!   in memory after drop even with its zeroize features on (the same test shows them).

use crate::envelope::{NONCE_LEN, TAG_LEN};
use crate::error::Error;

#[cfg(not(any(feature = "aws-lc", feature = "rustcrypto")))]
compile_error!("colcrypt-core needs an AEAD backend: feature \"aws-lc\" (default) or \"rustcrypto\"");

/// An AES-256-GCM key, expanded once.
pub(crate) struct AeadKey(backend::Key);

impl AeadKey {
    pub(crate) fn new(key: &[u8; 32]) -> Self {
        AeadKey(backend::Key::new(key))
    }
}

/// Encrypts `body` in place and returns the tag.
pub(crate) fn seal_detached(key: &AeadKey, nonce: &[u8; NONCE_LEN], aad: &[u8], body: &mut [u8]) -> [u8; TAG_LEN] {
    key.0.seal(nonce, aad, body)
}

/// Decrypts ciphertext‖tag; nothing is returned unless the tag verifies.
#[cfg(feature = "test-vectors")]
pub(crate) fn open(key: &AeadKey, nonce: &[u8; NONCE_LEN], aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    open_into(key, nonce, aad, sealed, |n| {
        out.resize(n, 0);
        &mut out[..]
    })?;
    Ok(out)
}

/// Decrypts ciphertext‖tag into the buffer `alloc` returns for the plaintext's length (the
/// caller chooses where plaintext may live: a PostgreSQL memory context, a zeroizing Vec). On a
/// failed tag the buffer is wiped: some backends decrypt before they check.
pub(crate) fn open_into<'o>(
    key: &AeadKey,
    nonce: &[u8; NONCE_LEN],
    aad: &[u8],
    sealed: &[u8],
    alloc: impl FnOnce(usize) -> &'o mut [u8],
) -> Result<&'o mut [u8], Error> {
    let split = sealed.len().checked_sub(TAG_LEN).ok_or(Error::CannotDecrypt)?;
    let (ct, tag) = sealed.split_at(split);
    let out = alloc(ct.len());
    assert_eq!(out.len(), ct.len(), "open_into: the buffer must be the plaintext's length");
    match key.0.open(nonce, aad, ct, tag.try_into().expect("TAG_LEN bytes"), out) {
        Ok(()) => Ok(out),
        Err(e) => {
            zeroize::Zeroize::zeroize(&mut *out);
            Err(e)
        }
    }
}

#[cfg(feature = "aws-lc")]
mod backend {
    use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};

    use super::{NONCE_LEN, TAG_LEN};
    use crate::error::Error;

    /// `LessSafeKey` only in name: colcrypt chooses each nonce itself (nonce.rs), which is what
    /// the type's name warns about.
    pub(super) struct Key(LessSafeKey);

    impl Key {
        pub(super) fn new(key: &[u8; 32]) -> Self {
            Key(LessSafeKey::new(UnboundKey::new(&AES_256_GCM, key).expect("a 32-byte AES-256 key")))
        }

        pub(super) fn seal(&self, nonce: &[u8; NONCE_LEN], aad: &[u8], body: &mut [u8]) -> [u8; TAG_LEN] {
            let tag = self
                .0
                .seal_in_place_separate_tag(Nonce::assume_unique_for_key(*nonce), Aad::from(aad), body)
                // AES-GCM refuses only plaintexts over 64 GiB; PostgreSQL values stop at 1 GiB.
                .expect("plaintext within the AES-GCM length limit");
            tag.as_ref().try_into().expect("a 16-byte tag")
        }

        /// Decrypts `ct` into `out` (of the same length); the caller wipes `out` on failure
        /// (AWS-LC may have decrypted before the tag check failed).
        pub(super) fn open(&self, nonce: &[u8; NONCE_LEN], aad: &[u8], ct: &[u8], tag: &[u8; TAG_LEN], out: &mut [u8]) -> Result<(), Error> {
            self.0
                .open_separate_gather(Nonce::assume_unique_for_key(*nonce), Aad::from(aad), ct, tag, out)
                .map_err(|_| Error::CannotDecrypt)
        }
    }
}

#[cfg(all(feature = "rustcrypto", not(feature = "aws-lc")))]
mod backend {
    use aes_gcm::aead::{AeadInPlace, KeyInit};
    use aes_gcm::{Aes256Gcm, Nonce, Tag};

    use super::{NONCE_LEN, TAG_LEN};
    use crate::error::Error;

    pub(super) struct Key(Aes256Gcm);

    impl Key {
        pub(super) fn new(key: &[u8; 32]) -> Self {
            Key(Aes256Gcm::new(key.into()))
        }

        pub(super) fn seal(&self, nonce: &[u8; NONCE_LEN], aad: &[u8], body: &mut [u8]) -> [u8; TAG_LEN] {
            self.0
                .encrypt_in_place_detached(Nonce::from_slice(nonce), aad, body)
                // aes-gcm refuses only plaintexts over 64 GiB; PostgreSQL values stop at 1 GiB.
                .expect("plaintext within the AES-GCM length limit")
                .into()
        }

        /// Decrypts `ct` into `out` (of the same length); aes-gcm checks the tag before it
        /// decrypts, so on failure `out` holds ciphertext.
        pub(super) fn open(&self, nonce: &[u8; NONCE_LEN], aad: &[u8], ct: &[u8], tag: &[u8; TAG_LEN], out: &mut [u8]) -> Result<(), Error> {
            out.copy_from_slice(ct);
            self.0
                .decrypt_in_place_detached(Nonce::from_slice(nonce), aad, out, Tag::from_slice(tag))
                .map_err(|_| Error::CannotDecrypt)
        }
    }
}

/// Plain AES-256-GCM with a 96-bit nonce and a 128-bit tag, for known-answer tests only.
#[cfg(feature = "test-vectors")]
pub mod raw {
    use super::*;

    pub fn seal(key: &[u8; 32], nonce: &[u8; NONCE_LEN], aad: &[u8], pt: &[u8]) -> Vec<u8> {
        let mut buf = pt.to_vec();
        let tag = seal_detached(&AeadKey::new(key), nonce, aad, &mut buf);
        buf.extend_from_slice(&tag);
        buf
    }

    pub fn open(key: &[u8; 32], nonce: &[u8; NONCE_LEN], aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, Error> {
        super::open(&AeadKey::new(key), nonce, aad, sealed)
    }

    /// An expanded key that outlives one call, to check what dropping it leaves in memory.
    pub struct Key(AeadKey);

    impl Key {
        pub fn new(key: &[u8; 32]) -> Self {
            Key(AeadKey::new(key))
        }

        pub fn seal(&self, nonce: &[u8; NONCE_LEN], aad: &[u8], pt: &[u8]) -> Vec<u8> {
            let mut buf = pt.to_vec();
            let tag = seal_detached(&self.0, nonce, aad, &mut buf);
            buf.extend_from_slice(&tag);
            buf
        }
    }
}

/// Which backend this build uses, for test output.
pub const BACKEND: &str = if cfg!(feature = "aws-lc") { "aws-lc-rs" } else { "aes-gcm" };
