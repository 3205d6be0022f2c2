//! The envelope vector files (written from the spec by an independent implementation,
//! tests/vectors/generate.py) against crates/core.

use colcrypt_core::{Cipher, DataKeyCipher, Error, Key};
use serde::Deserialize;

#[derive(Deserialize)]
struct Valid {
    key: String,
    salt: Option<String>,
    nonce: String,
    context: Option<String>,
    plaintext: String,
    envelope: String,
}

#[derive(Deserialize)]
struct Invalid {
    name: String,
    key: String,
    context: Option<String>,
    envelope: String,
    error: String,
}

fn cipher(hex_key: &str) -> Cipher {
    Cipher::new(&Key::from_slice(&hex::decode(hex_key).unwrap()).unwrap())
}

fn data_key(hex_key: &str) -> DataKeyCipher {
    DataKeyCipher::new(&Key::from_slice(&hex::decode(hex_key).unwrap()).unwrap())
}

fn ctx(c: &Option<String>) -> &[u8] {
    c.as_deref().unwrap_or("").as_bytes()
}

#[test]
fn valid_vectors_seal_and_open_exactly() {
    let vectors: Vec<Valid> = serde_json::from_str(include_str!("vectors/v1.json")).unwrap();
    assert!(vectors.len() >= 5);
    for v in &vectors {
        let c = cipher(&v.key);
        let nonce: [u8; 12] = hex::decode(&v.nonce).unwrap().try_into().unwrap();
        let pt = hex::decode(&v.plaintext).unwrap();
        let env = hex::decode(&v.envelope).unwrap();
        match &v.salt {
            None => {
                assert_eq!(c.seal_with_nonce(&pt, ctx(&v.context), &nonce), env, "seal of vector with key {}", v.key);
                assert_eq!(env.len(), pt.len() + colcrypt_core::ENVELOPE_OVERHEAD);
            }
            Some(salt) => {
                let salt: [u8; 16] = hex::decode(salt).unwrap().try_into().unwrap();
                let d = data_key(&v.key);
                assert_eq!(d.seal_with(&pt, ctx(&v.context), &salt, &nonce), env, "suite 2 seal, key {}", v.key);
                assert_eq!(d.open(&env, ctx(&v.context)).unwrap(), pt, "suite 2 open through the subkey cache");
                assert_eq!(env.len(), pt.len() + colcrypt_core::ENVELOPE_OVERHEAD_SUITE_2);
            }
        }
        assert_eq!(c.open(&env, ctx(&v.context)).unwrap(), pt);
    }
}

#[test]
fn invalid_vectors_fail_with_their_error() {
    let vectors: Vec<Invalid> = serde_json::from_str(include_str!("vectors/v1-invalid.json")).unwrap();
    assert!(vectors.len() >= 10);
    for v in &vectors {
        let env = hex::decode(&v.envelope).unwrap();
        let got = cipher(&v.key).open(&env, ctx(&v.context)).unwrap_err();
        assert_eq!(data_key(&v.key).open(&env, ctx(&v.context)).unwrap_err(), got, "{}: both open paths agree", v.name);
        let want = match v.error.as_str() {
            "cannot_decrypt" => matches!(got, Error::CannotDecrypt),
            // The error names the byte that was read (FORMAT.md "Opening").
            "unsupported_version" => got == Error::UnsupportedVersion(env[2]),
            "unsupported_suite" => got == Error::UnsupportedSuite(env[3]),
            other => panic!("unknown expected error {other}"),
        };
        assert!(want, "{}: got {:?}, want {}", v.name, got, v.error);
    }
}

#[test]
fn envelope_info_shows_version_algorithm_and_key_id_only() {
    let vectors: Vec<Valid> = serde_json::from_str(include_str!("vectors/v1.json")).unwrap();
    let v = &vectors[2];
    let info = colcrypt_core::info(&hex::decode(&v.envelope).unwrap()).unwrap();
    assert_eq!(info.version, 1);
    assert_eq!(info.algorithm, Some("aes-256-gcm+hkdf-sha256-commitment"));
    assert_eq!(info.key_id.as_deref(), Some(cipher(&v.key).key_id().as_str()));
    assert_eq!(info.key_id.unwrap().len(), 16);
    let s2 = colcrypt_core::info(&hex::decode(&vectors[8].envelope).unwrap()).unwrap();
    assert_eq!(s2.algorithm, Some("aes-256-gcm+hkdf-sha256-salted-subkey+commitment"));
}
