//! Keys and the per-key derived state of suite 1 (docs/FORMAT.md).

use std::borrow::Cow;
use std::fmt;

use aes_gcm::aead::KeyInit;
use aes_gcm::Aes256Gcm;
use hkdf::Hkdf;
use rand_core::{OsRng, RngCore};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, Zeroizing};

use crate::aead;
use crate::envelope::{self, Envelope, COMMITMENT_LEN, HEADER_LEN, NONCE_LEN};
use crate::error::Error;
use crate::nonce;

pub const KEY_LEN: usize = 32;

const INFO_ENC: &[u8] = b"colcrypt v1 aes-256-gcm key";
const INFO_COMMIT: &[u8] = b"colcrypt v1 key commitment";

/// A 32-byte key. Zeroized on drop; its bytes never appear in Debug output.
#[derive(Clone)]
pub struct Key(Zeroizing<[u8; KEY_LEN]>);

impl Key {
    pub fn from_slice(bytes: &[u8]) -> Result<Self, Error> {
        let arr: [u8; KEY_LEN] = bytes.try_into().map_err(|_| Error::KeyLength { got: bytes.len() })?;
        Ok(Key(Zeroizing::new(arr)))
    }

    /// The key bytes, for wrapping under a master key only.
    pub(crate) fn expose(&self) -> &[u8] {
        self.0.as_slice()
    }

    /// Constant-time equality, for caches that must not leak how much of a key matched.
    pub fn ct_eq_bytes(&self, other: &[u8]) -> bool {
        other.len() == KEY_LEN && bool::from(self.0.as_slice().ct_eq(other))
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key(<redacted>)")
    }
}

/// 32 bytes straight from the operating system, for new keys.
pub fn gen_key_bytes() -> Result<Zeroizing<[u8; KEY_LEN]>, Error> {
    let mut out = Zeroizing::new([0u8; KEY_LEN]);
    OsRng.try_fill_bytes(out.as_mut_slice()).map_err(|_| Error::RandomSource)?;
    Ok(out)
}

/// What suite 1 derives from a key: the AES-256-GCM key schedule and the key commitment.
/// Deriving costs two HMACs and a key expansion, so callers keep a `Cipher` per key.
pub struct Cipher {
    aes: Aes256Gcm,
    commitment: [u8; COMMITMENT_LEN],
}

impl fmt::Debug for Cipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cipher").field("key_id", &self.key_id()).finish_non_exhaustive()
    }
}

impl Cipher {
    pub fn new(key: &Key) -> Self {
        let hk = Hkdf::<Sha256>::from_prk(key.0.as_slice()).expect("32 bytes is a valid SHA-256 PRK");
        let mut enc = Zeroizing::new([0u8; 32]);
        hk.expand(INFO_ENC, enc.as_mut_slice()).expect("32 bytes is a valid HKDF output length");
        let mut commitment = [0u8; COMMITMENT_LEN];
        hk.expand(INFO_COMMIT, &mut commitment).expect("32 bytes is a valid HKDF output length");
        Cipher { aes: Aes256Gcm::new(enc.as_slice().into()), commitment }
    }

    /// The 32-byte key commitment, also the full key id.
    pub fn commitment(&self) -> &[u8; COMMITMENT_LEN] {
        &self.commitment
    }

    /// Constant-time check that an envelope's commitment is this key's.
    pub fn matches_commitment(&self, commitment: &[u8; COMMITMENT_LEN]) -> bool {
        bool::from(commitment.ct_eq(&self.commitment))
    }

    /// The short key id users see (docs/FORMAT.md, "Key id").
    pub fn key_id(&self) -> String {
        envelope::key_id_hex(&self.commitment)
    }

    /// Seals `plaintext` under a fresh random nonce.
    pub fn seal(&self, plaintext: &[u8], context: &[u8]) -> Result<Vec<u8>, Error> {
        let nonce = nonce::next()?;
        Ok(self.seal_with_nonce_inner(plaintext, context, &nonce))
    }

    /// Sealing with a chosen nonce, for known-answer vectors only: a repeated nonce under one key
    /// destroys confidentiality and integrity.
    #[cfg(feature = "test-vectors")]
    pub fn seal_with_nonce(&self, plaintext: &[u8], context: &[u8], nonce: &[u8; NONCE_LEN]) -> Vec<u8> {
        self.seal_with_nonce_inner(plaintext, context, nonce)
    }

    fn seal_with_nonce_inner(&self, plaintext: &[u8], context: &[u8], nonce: &[u8; NONCE_LEN]) -> Vec<u8> {
        let mut out = Vec::with_capacity(plaintext.len() + envelope::ENVELOPE_OVERHEAD);
        envelope::write_header(&mut out, &self.commitment, nonce);
        out.extend_from_slice(plaintext);
        let (header, body) = out.split_at_mut(HEADER_LEN);
        let tag = aead::seal_detached(&self.aes, nonce, &aad(header, context), body);
        out.extend_from_slice(&tag);
        out
    }

    /// Opens an envelope; every failure but an unknown version or suite is `CannotDecrypt`.
    pub fn open(&self, envelope: &[u8], context: &[u8]) -> Result<Vec<u8>, Error> {
        let env = match Envelope::parse(envelope) {
            Ok(env) => env,
            Err(e @ (Error::UnsupportedVersion(_) | Error::UnsupportedSuite(_))) => return Err(e),
            Err(_) => return Err(Error::CannotDecrypt),
        };
        if !self.matches_commitment(&env.commitment) {
            return Err(Error::CannotDecrypt);
        }
        aead::open(&self.aes, &env.nonce, &aad(env.header, context), env.sealed)
    }

    /// Opens an envelope whose plaintext must be UTF-8 text.
    pub fn open_text(&self, envelope: &[u8], context: &[u8]) -> Result<String, Error> {
        let mut bytes = self.open(envelope, context)?;
        match String::from_utf8(std::mem::take(&mut bytes)) {
            Ok(s) => Ok(s),
            Err(e) => {
                e.into_bytes().zeroize();
                Err(Error::NotUtf8)
            }
        }
    }
}

/// AAD = header ‖ context; without a context the header is used as it is, with no copy.
fn aad<'a>(header: &'a [u8], context: &[u8]) -> Cow<'a, [u8]> {
    if context.is_empty() {
        Cow::Borrowed(header)
    } else {
        Cow::Owned([header, context].concat())
    }
}
