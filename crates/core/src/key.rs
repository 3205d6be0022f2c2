//! Keys and the per-key derived state of suite 1 (docs/FORMAT.md).

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;

use hkdf::Hkdf;
use rand_core::{OsRng, RngCore};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, Zeroizing};

use crate::aead::{self, AeadKey};
use crate::envelope::{self, Envelope, COMMITMENT_LEN, HEADER_LEN, HEADER_LEN_SUITE_2, NONCE_LEN, SALT_LEN};
use crate::error::Error;
use crate::nonce;

pub const KEY_LEN: usize = 32;

const INFO_ENC: &[u8] = b"colcrypt v1 aes-256-gcm key";
const INFO_COMMIT: &[u8] = b"colcrypt v1 key commitment";
const INFO_SUBKEY: &[u8] = b"colcrypt v1 suite 2 subkey ";
const INFO_BLIND_INDEX: &[u8] = b"colcrypt v1 blind index";

/// Length of a blind index value (docs/FORMAT.md, "Blind index").
pub const BLIND_INDEX_LEN: usize = 16;

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
    aes: AeadKey,
    commitment: [u8; COMMITMENT_LEN],
    /// The key itself, kept to derive suite 2 subkeys.
    prk: Zeroizing<[u8; KEY_LEN]>,
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
        Cipher { aes: AeadKey::new(&enc), commitment, prk: key.0.clone() }
    }

    /// The suite 2 AES key for one salt (docs/FORMAT.md, "Suite 2").
    fn subkey(&self, salt: &[u8; SALT_LEN]) -> AeadKey {
        let hk = Hkdf::<Sha256>::from_prk(self.prk.as_slice()).expect("32 bytes is a valid SHA-256 PRK");
        let mut k = Zeroizing::new([0u8; 32]);
        hk.expand_multi_info(&[INFO_SUBKEY, salt], k.as_mut_slice()).expect("32 bytes is a valid HKDF output length");
        AeadKey::new(&k)
    }

    /// The 32-byte key commitment, also the full key id.
    pub fn commitment(&self) -> &[u8; COMMITMENT_LEN] {
        &self.commitment
    }

    /// Constant-time check that an envelope's commitment is this key's.
    pub fn matches_commitment(&self, commitment: &[u8; COMMITMENT_LEN]) -> bool {
        crate::ct::ct_eq(commitment, &self.commitment)
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
        self.seal_under(&self.aes, None, plaintext, context, nonce)
    }

    /// Writes an envelope of suite 1 (`salt` None) or suite 2 (`aes` being the salt's subkey).
    fn seal_under(
        &self,
        aes: &AeadKey,
        salt: Option<&[u8; SALT_LEN]>,
        plaintext: &[u8],
        context: &[u8],
        nonce: &[u8; NONCE_LEN],
    ) -> Vec<u8> {
        let mut out = Vec::new();
        self.seal_under_into(aes, salt, plaintext, context, nonce, &[], |n| {
            out.resize(n, 0);
            &mut out[..]
        });
        out
    }

    /// As [`Self::seal_under`], into the buffer `alloc` returns for `prefix ‖ envelope`'s length.
    #[allow(clippy::too_many_arguments)]
    fn seal_under_into<'o>(
        &self,
        aes: &AeadKey,
        salt: Option<&[u8; SALT_LEN]>,
        plaintext: &[u8],
        context: &[u8],
        nonce: &[u8; NONCE_LEN],
        prefix: &[u8],
        alloc: impl FnOnce(usize) -> &'o mut [u8],
    ) -> &'o mut [u8] {
        let header_len = if salt.is_some() { HEADER_LEN_SUITE_2 } else { HEADER_LEN };
        let total = prefix.len() + header_len + plaintext.len() + envelope::TAG_LEN;
        let out = alloc(total);
        assert_eq!(out.len(), total, "seal_into: the buffer must be the stored value's length");
        let (head, rest) = out.split_at_mut(prefix.len());
        head.copy_from_slice(prefix);
        let (header, rest) = rest.split_at_mut(header_len);
        envelope::write_header(header, &self.commitment, salt, nonce);
        let (body, tag_out) = rest.split_at_mut(plaintext.len());
        body.copy_from_slice(plaintext);
        let tag = with_aad(header, context, |aad| aead::seal_detached(aes, nonce, aad, body));
        tag_out.copy_from_slice(&tag);
        out
    }

    /// Opens an envelope of either suite; every failure but an unknown version or suite is
    /// `CannotDecrypt`.
    pub fn open(&self, envelope: &[u8], context: &[u8]) -> Result<Vec<u8>, Error> {
        self.open_using(envelope, context, None)
    }

    /// `cache` keeps suite 2 subkeys by salt, so a column written by a few backends derives a
    /// few subkeys rather than one per value.
    fn open_using(&self, envelope: &[u8], context: &[u8], cache: Option<&RefCell<SubkeyCache>>) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        self.open_using_into(envelope, context, cache, |n| {
            out.resize(n, 0);
            &mut out[..]
        })?;
        Ok(out)
    }

    /// As [`Cipher::open_using`], into the buffer `alloc` returns for the plaintext's length
    /// (wiped if the envelope does not open).
    fn open_using_into<'o>(
        &self,
        envelope: &[u8],
        context: &[u8],
        cache: Option<&RefCell<SubkeyCache>>,
        alloc: impl FnOnce(usize) -> &'o mut [u8],
    ) -> Result<&'o mut [u8], Error> {
        let env = match Envelope::parse(envelope) {
            Ok(env) => env,
            Err(e @ (Error::UnsupportedVersion(_) | Error::UnsupportedSuite(_))) => return Err(e),
            Err(_) => return Err(Error::CannotDecrypt),
        };
        if !self.matches_commitment(env.commitment) {
            return Err(Error::CannotDecrypt);
        }
        with_aad(env.header, context, |aad| match (env.salt, cache) {
            (None, _) => aead::open_into(&self.aes, env.nonce, aad, env.sealed, alloc),
            (Some(salt), None) => aead::open_into(&self.subkey(salt), env.nonce, aad, env.sealed, alloc),
            (Some(salt), Some(cache)) => {
                let mut cache = cache.borrow_mut();
                // Consecutive values mostly share a salt (one writer's): then no hashing at all.
                if let Some((last, aes)) = cache.last.as_ref().filter(|(last, _)| last == salt) {
                    debug_assert_eq!(last, salt);
                    let aes = Rc::clone(aes);
                    drop(cache);
                    return aead::open_into(&aes, env.nonce, aad, env.sealed, alloc);
                }
                if cache.by_salt.len() >= SUBKEY_CACHE_SIZE && !cache.by_salt.contains_key(salt) {
                    cache.by_salt.clear();
                }
                let aes = Rc::clone(cache.by_salt.entry(*salt).or_insert_with(|| Rc::new(self.subkey(salt))));
                cache.last = Some((*salt, Rc::clone(&aes)));
                drop(cache);
                aead::open_into(&aes, env.nonce, aad, env.sealed, alloc)
            }
        })
    }

    /// Opens an envelope whose plaintext must be UTF-8 text.
    pub fn open_text(&self, envelope: &[u8], context: &[u8]) -> Result<String, Error> {
        into_text(self.open(envelope, context)?)
    }
}

fn into_text(bytes: Vec<u8>) -> Result<String, Error> {
    String::from_utf8(bytes).map_err(|e| {
        e.into_bytes().zeroize();
        Error::NotUtf8
    })
}

/// Suite 2 subkeys by salt, and the last one used (bounded by `SUBKEY_CACHE_SIZE`; a subkey
/// is wiped when its last holder drops it).
#[derive(Default)]
struct SubkeyCache {
    by_salt: HashMap<[u8; SALT_LEN], Rc<AeadKey>>,
    last: Option<([u8; SALT_LEN], Rc<AeadKey>)>,
}
const SUBKEY_CACHE_SIZE: usize = 256;

/// How many envelopes one salt's subkey seals before a new salt is drawn: half the 2^32
/// random-nonce budget of AES-GCM, counted in process memory (docs/FORMAT.md, "Suite 2").
pub const SUBKEY_BUDGET: u64 = 1 << 31;

struct Sealer {
    salt: [u8; SALT_LEN],
    aes: AeadKey,
    remaining: u64,
    epoch: u64,
}

/// A server-managed data key in one backend: seals with suite 2 under a salt drawn by this
/// process, so its nonce budget is enforced by a local counter with no shared state, and opens
/// both suites with a cache of subkeys.
pub struct DataKeyCipher {
    cipher: Cipher,
    sealer: RefCell<Option<Sealer>>,
    subkeys: RefCell<SubkeyCache>,
    budget: u64,
    blind_key: std::cell::OnceCell<Zeroizing<[u8; 32]>>,
}

impl DataKeyCipher {
    pub fn new(key: &Key) -> Self {
        DataKeyCipher {
            cipher: Cipher::new(key),
            sealer: RefCell::new(None),
            subkeys: RefCell::default(),
            budget: SUBKEY_BUDGET,
            blind_key: std::cell::OnceCell::new(),
        }
    }

    /// A smaller per-salt budget, to test the switch to a new salt.
    #[cfg(feature = "test-vectors")]
    pub fn with_budget(mut self, budget: u64) -> Self {
        self.budget = budget;
        self
    }

    pub fn cipher(&self) -> &Cipher {
        &self.cipher
    }

    pub fn seal(&self, plaintext: &[u8], context: &[u8]) -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        self.seal_into(plaintext, context, &[], |n| {
            out.resize(n, 0);
            &mut out[..]
        })?;
        Ok(out)
    }

    /// Seals into the buffer `alloc` returns for `prefix ‖ envelope`'s length, so the caller
    /// decides where the stored value is built (the extension: the palloc'd datum itself, with
    /// no copy). `prefix` is what the stored form puts before the envelope (a blind index).
    pub fn seal_into<'o>(&self, plaintext: &[u8], context: &[u8], prefix: &[u8], alloc: impl FnOnce(usize) -> &'o mut [u8]) -> Result<&'o mut [u8], Error> {
        let nonce = nonce::next()?;
        {
            let mut slot = self.sealer.borrow_mut();
            // After a fork the child draws its own salt: the parent's count is not the child's.
            let epoch = nonce::fork_epoch();
            if slot.as_ref().is_none_or(|s| s.remaining == 0 || s.epoch != epoch) {
                let mut salt = [0u8; SALT_LEN];
                OsRng.try_fill_bytes(&mut salt).map_err(|_| Error::RandomSource)?;
                *slot = Some(Sealer { salt, aes: self.cipher.subkey(&salt), remaining: self.budget, epoch });
            }
            slot.as_mut().expect("set above").remaining -= 1;
        }
        // The caller's allocation runs with no borrow held: in the extension it is PostgreSQL's
        // palloc, which could leave this function by an error (a longjmp) rather than return.
        let out = alloc(prefix.len() + HEADER_LEN_SUITE_2 + plaintext.len() + envelope::TAG_LEN);
        let slot = self.sealer.borrow();
        let sealer = slot.as_ref().expect("set above");
        Ok(self.cipher.seal_under_into(&sealer.aes, Some(&sealer.salt), plaintext, context, &nonce, prefix, |_| out))
    }

    /// Suite 2 with a chosen salt and nonce, for known-answer vectors only.
    #[cfg(feature = "test-vectors")]
    pub fn seal_with(&self, plaintext: &[u8], context: &[u8], salt: &[u8; SALT_LEN], nonce: &[u8; NONCE_LEN]) -> Vec<u8> {
        self.cipher.seal_under(&self.cipher.subkey(salt), Some(salt), plaintext, context, nonce)
    }

    pub fn open(&self, envelope: &[u8], context: &[u8]) -> Result<Vec<u8>, Error> {
        self.cipher.open_using(envelope, context, Some(&self.subkeys))
    }

    /// Opens into the buffer `alloc` returns for the plaintext's length, so the caller decides
    /// where the plaintext lives (the extension: a palloc'd datum, with no copy in Rust's heap
    /// to wipe). The buffer is wiped if the envelope does not open.
    pub fn open_into<'o>(&self, envelope: &[u8], context: &[u8], alloc: impl FnOnce(usize) -> &'o mut [u8]) -> Result<&'o mut [u8], Error> {
        self.cipher.open_using_into(envelope, context, Some(&self.subkeys), alloc)
    }

    pub fn open_text(&self, envelope: &[u8], context: &[u8]) -> Result<String, Error> {
        into_text(self.open(envelope, context)?)
    }

    /// Keyed blind index of a plaintext: equal (context, plaintext) pairs give equal values and
    /// nothing else is learned without the key (docs/FORMAT.md, "Blind index").
    pub fn blind_index(&self, context: &[u8], plaintext: &[u8]) -> [u8; BLIND_INDEX_LEN] {
        use hmac::{Mac, SimpleHmac};
        let key = self.blind_key.get_or_init(|| {
            let hk = Hkdf::<Sha256>::from_prk(self.cipher.prk.as_slice()).expect("32 bytes is a valid SHA-256 PRK");
            let mut k = Zeroizing::new([0u8; 32]);
            hk.expand(INFO_BLIND_INDEX, k.as_mut_slice()).expect("32 bytes is a valid HKDF output length");
            k
        });
        let mut mac = <SimpleHmac<Sha256> as Mac>::new_from_slice(key.as_slice()).expect("HMAC takes any key length");
        // Length-prefix the context so (context, plaintext) splits are unambiguous.
        mac.update(&(context.len() as u64).to_be_bytes());
        mac.update(context);
        mac.update(plaintext);
        let full = mac.finalize().into_bytes();
        let mut out = [0u8; BLIND_INDEX_LEN];
        out.copy_from_slice(&full[..BLIND_INDEX_LEN]);
        out
    }
}

/// Room for header ‖ context on the stack: a suite 2 header and any type binding context fit,
/// so the per-value path makes no heap allocation for the AAD.
const AAD_STACK: usize = 192;

/// Calls `f` with AAD = header ‖ context (the header alone, uncopied, without a context).
fn with_aad<R>(header: &[u8], context: &[u8], f: impl FnOnce(&[u8]) -> R) -> R {
    let len = header.len() + context.len();
    if context.is_empty() {
        f(header)
    } else if len <= AAD_STACK {
        let mut buf = [0u8; AAD_STACK];
        buf[..header.len()].copy_from_slice(header);
        buf[header.len()..len].copy_from_slice(context);
        f(&buf[..len])
    } else {
        f(&[header, context].concat())
    }
}

#[cfg(test)]
mod subkey_cache_tests {
    use super::*;

    /// Readers keep every salt they meet up to the bound (a column written by a few backends
    /// derives a few subkeys, not one per value), and a full cache evicts rather than grows.
    #[test]
    fn the_subkey_cache_keeps_salts_up_to_its_bound_and_never_grows_past_it() {
        let raw = [7u8; KEY_LEN];
        let reader = DataKeyCipher::new(&Key::from_slice(&raw).unwrap());
        let envs: Vec<Vec<u8>> = (0..SUBKEY_CACHE_SIZE + 40)
            .map(|i| DataKeyCipher::new(&Key::from_slice(&raw).unwrap()).seal(&i.to_le_bytes(), b"").unwrap())
            .collect();
        for (i, env) in envs.iter().enumerate() {
            assert_eq!(reader.open(env, b"").unwrap(), i.to_le_bytes());
            let held = reader.subkeys.borrow().by_salt.len();
            assert!(held <= SUBKEY_CACHE_SIZE, "{held} subkeys cached after {} salts", i + 1);
            if i < SUBKEY_CACHE_SIZE {
                assert_eq!(held, i + 1, "a salt met below the bound stays cached");
            }
            // Opening a salt it holds again neither evicts nor adds.
            assert_eq!(reader.open(env, b"").unwrap(), i.to_le_bytes());
            assert_eq!(reader.subkeys.borrow().by_salt.len(), held);
        }
    }
}

#[cfg(test)]
mod open_into_tests {
    use super::*;

    /// `open_into` writes the plaintext into the caller's buffer, of exactly its length, for
    /// both suites; a tampered envelope fails and leaves that buffer wiped, not half-decrypted.
    #[test]
    fn opens_into_the_callers_buffer_and_wipes_it_on_failure() {
        let key = Key::from_slice(&[9u8; KEY_LEN]).unwrap();
        let dk = DataKeyCipher::new(&key);
        let plaintext = b"into a buffer the caller owns, 40 bytes.";
        for env in [dk.seal(plaintext, b"ctx").unwrap(), dk.cipher().seal(plaintext, b"ctx").unwrap()] {
            let mut buf = Vec::new();
            let out = dk.open_into(&env, b"ctx", |n| {
                buf = vec![0xAA; n];
                &mut buf[..]
            });
            assert_eq!(out.unwrap(), plaintext);
            // Twice: the second open of a suite 2 value takes the last-salt path.
            let mut again = [0u8; 40];
            assert_eq!(dk.open_into(&env, b"ctx", |_| &mut again[..]).unwrap(), plaintext);

            let mut bad = env.clone();
            *bad.last_mut().unwrap() ^= 1;
            let mut buf = vec![0xAAu8; plaintext.len()];
            assert_eq!(dk.open_into(&bad, b"ctx", |_| &mut buf[..]).err(), Some(Error::CannotDecrypt));
            assert!(buf.iter().all(|&b| b == 0), "a failed open leaves the buffer wiped");
            // The wrong context fails the same way.
            let mut buf = vec![0xAAu8; plaintext.len()];
            assert!(dk.open_into(&env, b"other", |_| &mut buf[..]).is_err());
            assert!(buf.iter().all(|&b| b == 0));
        }
    }
}
