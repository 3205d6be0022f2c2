//! Server-managed keys: the master key (KEK) as configured, and data keys (DEKs) wrapped by it.
//!
//! A wrapped data key is an ordinary v1 envelope sealed under the master key with a reserved
//! context (first byte 0x00, docs/FORMAT.md "Contexts") naming the data key's id and version,
//! so a wrapped key cannot be swapped onto another key row. Its commitment is the master key's
//! commitment, which doubles as the key-check value: a wrong master key is detected before any
//! decryption and reported as such, never as garbage.

use zeroize::Zeroizing;

use crate::envelope::Envelope;
use crate::error::Error;
use crate::key::{gen_key_bytes, Cipher, Key, KEY_LEN};

/// Parses a master key as the key file or key command gives it: 64 hex digits, surrounding
/// whitespace ignored. The error never echoes the input.
pub fn parse_master_key(text: &[u8]) -> Result<Key, Error> {
    let trimmed = text.trim_ascii();
    let mut raw = Zeroizing::new([0u8; KEY_LEN]);
    if trimmed.len() != 2 * KEY_LEN || hex::decode_to_slice(trimmed, raw.as_mut_slice()).is_err() {
        return Err(Error::MasterKeyFormat);
    }
    Key::from_slice(raw.as_slice())
}

fn wrap_context(key_id: i32, version: i32) -> Vec<u8> {
    format!("\0colcrypt data key {key_id} v{version}").into_bytes()
}

/// A new random data key, and its wrapping under `master`.
pub fn new_data_key(master: &Cipher, key_id: i32, version: i32) -> Result<(Key, Vec<u8>), Error> {
    let dek = Key::from_slice(gen_key_bytes()?.as_slice())?;
    let wrapped = wrap_data_key(master, &dek, key_id, version)?;
    Ok((dek, wrapped))
}

pub fn wrap_data_key(master: &Cipher, dek: &Key, key_id: i32, version: i32) -> Result<Vec<u8>, Error> {
    master.seal(dek.expose(), &wrap_context(key_id, version))
}

/// Wraps any key under `master`, bound to a label (it unwraps only with the same label).
pub fn wrap_key(master: &Cipher, key: &Key, label: &str) -> Result<Vec<u8>, Error> {
    master.seal(key.expose(), &label_context(label))
}

/// Unwraps a key from [`wrap_key`]; `WrongMasterKey` when another master key wrapped it.
pub fn unwrap_key(master: &Cipher, wrapped: &[u8], label: &str) -> Result<Key, Error> {
    unwrap_with_context(master, wrapped, &label_context(label))
}

fn label_context(label: &str) -> Vec<u8> {
    format!("\0colcrypt wrapped key {label}").into_bytes()
}

/// Unwraps a data key. `WrongMasterKey` when the envelope was sealed under another master key
/// (its commitment differs); `CannotDecrypt` when it is damaged or belongs to another key row.
pub fn unwrap_data_key(master: &Cipher, wrapped: &[u8], key_id: i32, version: i32) -> Result<Key, Error> {
    unwrap_with_context(master, wrapped, &wrap_context(key_id, version))
}

fn unwrap_with_context(master: &Cipher, wrapped: &[u8], context: &[u8]) -> Result<Key, Error> {
    let env = Envelope::parse(wrapped).map_err(|_| Error::CannotDecrypt)?;
    if !master.matches_commitment(env.commitment) {
        return Err(Error::WrongMasterKey);
    }
    let bytes = Zeroizing::new(master.open(wrapped, context)?);
    Key::from_slice(&bytes).map_err(|_| Error::CannotDecrypt)
}

/// The key commitment an envelope was sealed under, if it parses: how the server finds the
/// data key for a value.
pub fn envelope_commitment(envelope: &[u8]) -> Result<[u8; 32], Error> {
    match Envelope::parse(envelope) {
        Ok(env) => Ok(*env.commitment),
        Err(e @ (Error::UnsupportedVersion(_) | Error::UnsupportedSuite(_))) => Err(e),
        Err(_) => Err(Error::CannotDecrypt),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn master(b: u8) -> Cipher {
        Cipher::new(&Key::from_slice(&[b; 32]).unwrap())
    }

    #[test]
    fn master_key_text_is_64_hex_digits() {
        let hex64 = "ab".repeat(32);
        assert!(parse_master_key(hex64.as_bytes()).is_ok());
        assert!(parse_master_key(format!("  {hex64}\n").as_bytes()).is_ok());
        for bad in ["", "ab", &"ab".repeat(31), &"zz".repeat(32), &"ab".repeat(33)] {
            assert_eq!(parse_master_key(bad.as_bytes()).unwrap_err(), Error::MasterKeyFormat);
        }
    }

    #[test]
    fn wrapped_keys_unwrap_only_with_their_master_and_row() {
        let (m1, m2) = (master(1), master(2));
        let (dek, wrapped) = new_data_key(&m1, 7, 1).unwrap();
        assert_eq!(unwrap_data_key(&m1, &wrapped, 7, 1).unwrap().expose(), dek.expose());
        assert_eq!(unwrap_data_key(&m2, &wrapped, 7, 1).unwrap_err(), Error::WrongMasterKey);
        assert_eq!(unwrap_data_key(&m1, &wrapped, 7, 2).unwrap_err(), Error::CannotDecrypt);
        assert_eq!(unwrap_data_key(&m1, &wrapped, 8, 1).unwrap_err(), Error::CannotDecrypt);
        let mut bad = wrapped.clone();
        *bad.last_mut().unwrap() ^= 1;
        assert_eq!(unwrap_data_key(&m1, &bad, 7, 1).unwrap_err(), Error::CannotDecrypt);
    }

    #[test]
    fn labelled_keys_unwrap_only_with_their_label_and_master() {
        let (m1, m2) = (master(1), master(2));
        let k = Key::from_slice(&[9; 32]).unwrap();
        let w = wrap_key(&m1, &k, "patients.ssn").unwrap();
        assert_eq!(unwrap_key(&m1, &w, "patients.ssn").unwrap().expose(), k.expose());
        assert_eq!(unwrap_key(&m1, &w, "patients.dob").unwrap_err(), Error::CannotDecrypt);
        assert_eq!(unwrap_key(&m2, &w, "patients.ssn").unwrap_err(), Error::WrongMasterKey);
    }

    #[test]
    fn rewrapping_under_a_new_master_keeps_the_data_key() {
        let (m1, m2) = (master(1), master(2));
        let (dek, w1) = new_data_key(&m1, 3, 4).unwrap();
        let w2 = wrap_data_key(&m2, &unwrap_data_key(&m1, &w1, 3, 4).unwrap(), 3, 4).unwrap();
        assert_eq!(unwrap_data_key(&m2, &w2, 3, 4).unwrap().expose(), dek.expose());
    }
}
