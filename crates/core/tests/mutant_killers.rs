//! Promises the other test files did not pin down, found by mutation testing (`make mutants`,
//! scripts/mutants.sh): each test here fails when the code behind the promise is replaced by a
//! plausible bug (a constant result, a flipped comparison, a dropped `!`). They are written
//! against the specification (docs/FORMAT.md) and the public API, not against the code's shape.

use colcrypt_core::wrap::envelope_commitment;
use colcrypt_core::{aead_raw, info, Cipher, DataKeyCipher, Error, Key, HEADER_LEN, HEADER_LEN_SUITE_2, TAG_LEN};
use hmac::{Mac, SimpleHmac};
use sha2::Sha256;

/// HKDF-Expand-SHA256 for L = 32 (one block, RFC 5869): T(1) = HMAC(PRK, info ‖ 0x01). Written
/// out here so the tests do not trust the crate's own derivation.
fn hkdf_expand_32(prk: &[u8; 32], info: &[&[u8]]) -> [u8; 32] {
    let mut mac = <SimpleHmac<Sha256> as Mac>::new_from_slice(prk).unwrap();
    for part in info {
        mac.update(part);
    }
    mac.update(&[1]);
    mac.finalize().into_bytes().into()
}

fn key(raw: &[u8; 32]) -> Key {
    Key::from_slice(raw).unwrap()
}

fn counting() -> [u8; 32] {
    std::array::from_fn(|i| i as u8)
}

const INFO_COMMIT: &[u8] = b"colcrypt v1 key commitment";
const INFO_ENC: &[u8] = b"colcrypt v1 aes-256-gcm key";
const INFO_SUBKEY: &[u8] = b"colcrypt v1 suite 2 subkey ";

/// Where the parts of an envelope sit (docs/FORMAT.md, "Byte layout").
const COMMITMENT: std::ops::Range<usize> = 4..36;
const SALT: std::ops::Range<usize> = 36..52;

// ---------------------------------------------------------------------------------------------
// The key commitment and the key id: what the server looks data keys up by, and what users see.

#[test]
fn the_commitment_is_the_specs_hkdf_value() {
    // Pinned with Python's hmac/hashlib (crates/core/tests/vectors/generate.py, hkdf_expand_32).
    for (raw, pinned) in [
        (counting(), "2945945810241527334835ab166630e8eb99ef4a2b8e523ae6a7e7aa28d9e343"),
        ([1u8; 32], "92eeb104637733b763af514e7a25152b498f608ac975192b016890b0c0e077ee"),
        ([2u8; 32], "14021669268a3419c0d54f79de8c4cf7c9a6c0643318a956282d69c0a934ce8e"),
    ] {
        let c = Cipher::new(&key(&raw));
        assert_eq!(hex::encode(c.commitment()), pinned);
        assert_eq!(c.commitment(), &hkdf_expand_32(&raw, &[INFO_COMMIT]));
    }
    for b in 0..=255u8 {
        let raw: [u8; 32] = std::array::from_fn(|i| b.wrapping_mul(31).wrapping_add(i as u8));
        assert_eq!(Cipher::new(&key(&raw)).commitment(), &hkdf_expand_32(&raw, &[INFO_COMMIT]));
    }
}

#[test]
fn envelopes_carry_the_commitment_that_envelope_commitment_reads() {
    for raw in [counting(), [1u8; 32], [2u8; 32]] {
        let c = Cipher::new(&key(&raw));
        let d = DataKeyCipher::new(&key(&raw));
        let want = hkdf_expand_32(&raw, &[INFO_COMMIT]);
        for env in [c.seal(b"value", b"ctx").unwrap(), d.seal(b"value", b"ctx").unwrap()] {
            assert_eq!(env[COMMITMENT], want);
            assert_eq!(envelope_commitment(&env).unwrap(), want);
            assert_eq!(&envelope_commitment(&env).unwrap(), c.commitment());
            assert_eq!(&envelope_commitment(&env).unwrap(), d.cipher().commitment());
        }
    }
    let (a, b) = (Cipher::new(&key(&[1; 32])), Cipher::new(&key(&[2; 32])));
    assert_ne!(
        envelope_commitment(&a.seal(b"x", b"").unwrap()).unwrap(),
        envelope_commitment(&b.seal(b"x", b"").unwrap()).unwrap(),
        "two keys' envelopes never name the same key"
    );
}

#[test]
fn envelope_commitment_refuses_what_is_not_a_v1_envelope() {
    let env = Cipher::new(&key(&[1; 32])).seal(b"value", b"").unwrap();
    for len in [0, 1, 3, 4, 35, HEADER_LEN, HEADER_LEN + TAG_LEN - 1] {
        assert_eq!(envelope_commitment(&env[..len]), Err(Error::CannotDecrypt), "length {len}");
    }
    let mut v2 = env.clone();
    v2[2] = 2;
    assert_eq!(envelope_commitment(&v2), Err(Error::UnsupportedVersion(2)));
    let mut s9 = env.clone();
    s9[3] = 9;
    assert_eq!(envelope_commitment(&s9), Err(Error::UnsupportedSuite(9)));
    let mut magic = env;
    magic[0] = b'X';
    assert_eq!(envelope_commitment(&magic), Err(Error::CannotDecrypt));
}

#[test]
fn the_key_id_is_the_first_8_bytes_of_the_commitment_in_hex() {
    for raw in [counting(), [1u8; 32], [2u8; 32]] {
        let c = Cipher::new(&key(&raw));
        let want = hex::encode(&hkdf_expand_32(&raw, &[INFO_COMMIT])[..8]);
        assert_eq!(c.key_id(), want);
        let shown = info(&c.seal(b"", b"").unwrap()).unwrap().key_id.unwrap();
        assert_eq!(shown, want);
        let shown = info(&DataKeyCipher::new(&key(&raw)).seal(b"", b"").unwrap()).unwrap().key_id.unwrap();
        assert_eq!(shown, want);
    }
    assert_eq!(Cipher::new(&key(&counting())).key_id(), "2945945810241527");
}

// ---------------------------------------------------------------------------------------------
// Key commitment: an envelope that names another key is refused even when its tag verifies.

/// Rewrites `env`'s commitment to `commitment` and recomputes its tag under `aes_key` with the
/// AAD the spec gives (header ‖ context), as an attacker who knows the key could.
fn forge(env: &[u8], header_len: usize, commitment: &[u8; 32], aes_key: &[u8; 32], nonce_at: usize, context: &[u8]) -> Vec<u8> {
    let nonce: [u8; 12] = env[nonce_at..nonce_at + 12].try_into().unwrap();
    let mut header = env[..header_len].to_vec();
    header[COMMITMENT].copy_from_slice(commitment);
    let plaintext = aead_raw::open(aes_key, &nonce, &[&env[..header_len], context].concat(), &env[header_len..]).unwrap();
    let sealed = aead_raw::seal(aes_key, &nonce, &[&header[..], context].concat(), &plaintext);
    let forged = [header, sealed].concat();
    // The forgery is a valid AES-GCM message under the right key: only the commitment check
    // stands between it and a successful open.
    let aad = [&forged[..header_len], context].concat();
    assert_eq!(aead_raw::open(aes_key, &nonce, &aad, &forged[header_len..]).unwrap(), plaintext);
    forged
}

#[test]
fn another_keys_commitment_with_a_valid_tag_is_refused_suite_1() {
    let (ka, kb) = ([0xA1u8; 32], [0xB2u8; 32]);
    let (a, b) = (Cipher::new(&key(&ka)), Cipher::new(&key(&kb)));
    let env = a.seal(b"transfer 100", b"ctx").unwrap();
    assert_eq!(a.open(&env, b"ctx").unwrap(), b"transfer 100");
    let forged = forge(&env, HEADER_LEN, b.commitment(), &hkdf_expand_32(&ka, &[INFO_ENC]), 36, b"ctx");
    assert_eq!(a.open(&forged, b"ctx"), Err(Error::CannotDecrypt), "the right key must refuse another key's commitment");
    assert_eq!(a.open_text(&forged, b"ctx"), Err(Error::CannotDecrypt));
    assert_eq!(b.open(&forged, b"ctx"), Err(Error::CannotDecrypt));
    assert_eq!(DataKeyCipher::new(&key(&ka)).open(&forged, b"ctx"), Err(Error::CannotDecrypt));
}

#[test]
fn another_keys_commitment_with_a_valid_tag_is_refused_suite_2() {
    let (ka, kb) = ([0xA1u8; 32], [0xB2u8; 32]);
    let a = DataKeyCipher::new(&key(&ka));
    let b = Cipher::new(&key(&kb));
    let env = a.seal(b"transfer 100", b"ctx").unwrap();
    let subkey = hkdf_expand_32(&ka, &[INFO_SUBKEY, &env[SALT]]);
    let forged = forge(&env, HEADER_LEN_SUITE_2, b.commitment(), &subkey, 52, b"ctx");
    assert_eq!(a.open(&forged, b"ctx"), Err(Error::CannotDecrypt), "through the subkey cache");
    assert_eq!(a.open_text(&forged, b"ctx"), Err(Error::CannotDecrypt));
    assert_eq!(a.cipher().open(&forged, b"ctx"), Err(Error::CannotDecrypt), "without the cache");
    assert_eq!(DataKeyCipher::new(&key(&kb)).open(&forged, b"ctx"), Err(Error::CannotDecrypt));
}

#[test]
fn a_wrapped_key_under_another_masters_commitment_is_refused() {
    use colcrypt_core::wrap::{unwrap_data_key, wrap_data_key};
    let (ma, mb) = ([0x11u8; 32], [0x22u8; 32]);
    let (a, b) = (Cipher::new(&key(&ma)), Cipher::new(&key(&mb)));
    let dek = key(&[0x33; 32]);
    let wrapped = wrap_data_key(&a, &dek, 5, 1).unwrap();
    let ctx = b"\0colcrypt data key 5 v1";
    let forged = forge(&wrapped, HEADER_LEN, b.commitment(), &hkdf_expand_32(&ma, &[INFO_ENC]), 36, ctx);
    assert!(unwrap_data_key(&a, &forged, 5, 1).is_err(), "master A must not unwrap what names master B");
    assert!(unwrap_data_key(&b, &forged, 5, 1).is_err());
    assert!(unwrap_data_key(&a, &wrapped, 5, 1).unwrap().ct_eq_bytes(&[0x33; 32]));
}

// ---------------------------------------------------------------------------------------------
// The AAD is header ‖ context, byte for byte, at every context length.

#[test]
fn the_aad_is_the_header_then_the_context_at_every_length() {
    let raw = [0x5Au8; 32];
    let c = Cipher::new(&key(&raw));
    let d = DataKeyCipher::new(&key(&raw));
    let enc = hkdf_expand_32(&raw, &[INFO_ENC]);
    for len in 0..=300usize {
        let ctx: Vec<u8> = (0..len).map(|i| (i * 7 % 256) as u8).collect();
        let env = c.seal(b"aad check", &ctx).unwrap();
        let nonce: [u8; 12] = env[36..48].try_into().unwrap();
        let aad = [&env[..HEADER_LEN], &ctx[..]].concat();
        assert_eq!(aead_raw::open(&enc, &nonce, &aad, &env[HEADER_LEN..]).unwrap(), b"aad check", "suite 1, context of {len} bytes");

        let env = d.seal(b"aad check", &ctx).unwrap();
        let subkey = hkdf_expand_32(&raw, &[INFO_SUBKEY, &env[SALT]]);
        let nonce: [u8; 12] = env[52..64].try_into().unwrap();
        let aad = [&env[..HEADER_LEN_SUITE_2], &ctx[..]].concat();
        assert_eq!(
            aead_raw::open(&subkey, &nonce, &aad, &env[HEADER_LEN_SUITE_2..]).unwrap(),
            b"aad check",
            "suite 2, context of {len} bytes"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Key comparison for caches: two different keys never share an entry.

#[test]
fn a_key_equals_only_its_own_bytes() {
    let raw = counting();
    let k = key(&raw);
    assert!(k.ct_eq_bytes(&raw));
    assert!(k.clone().ct_eq_bytes(&raw));
    for i in 0..32 {
        for bit in [0x01u8, 0x80] {
            let mut other = raw;
            other[i] ^= bit;
            assert!(!k.ct_eq_bytes(&other), "byte {i} differs");
            assert!(!key(&other).ct_eq_bytes(&raw));
        }
    }
    assert!(!k.ct_eq_bytes(&[]));
    assert!(!k.ct_eq_bytes(&raw[..31]), "a prefix is not the key");
    assert!(!k.ct_eq_bytes(&[&raw[..], &[0]].concat()), "the key plus a byte is not the key");
    assert!(!k.ct_eq_bytes(&[0u8; 32]));
    assert!(key(&[0u8; 32]).ct_eq_bytes(&[0u8; 32]));
}

// ---------------------------------------------------------------------------------------------
// Debug output: key bytes never, and a reader can tell the value was redacted.

#[test]
fn debug_output_is_redacted_and_never_holds_key_bytes() {
    for raw in [[0xABu8; 32], counting(), [0x00; 32]] {
        let k = key(&raw);
        let c = Cipher::new(&k);
        let secret_forms = [
            hex::encode(raw),
            hex::encode_upper(raw),
            format!("{:?}", raw),
            format!("{:?}", &raw[..8]),
            hex::encode(hkdf_expand_32(&raw, &[INFO_ENC])),
            format!("{:?}", hkdf_expand_32(&raw, &[INFO_ENC])),
        ];
        for shown in [format!("{k:?}"), format!("{k:#?}"), format!("{c:?}"), format!("{c:#?}")] {
            for secret in &secret_forms {
                assert!(!shown.contains(secret.as_str()), "{shown} shows key bytes");
            }
        }
        assert!(format!("{k:?}").contains("redacted"), "{k:?}");
        assert!(format!("{k:#?}").starts_with("Key"), "{k:#?}");
        let shown = format!("{c:?}");
        assert!(shown.starts_with("Cipher") && shown.contains(&c.key_id()), "a Cipher shows its type and public key id: {shown}");
    }
}

// ---------------------------------------------------------------------------------------------
// Text: what was sealed is what opens; bytes that are not UTF-8 are an error, never text.

#[test]
fn open_text_returns_exactly_the_sealed_text() {
    let d = DataKeyCipher::new(&key(&[9; 32]));
    let c = d.cipher();
    for text in ["", "a", "xyzzy", "Zürich ✓ 日本", "line\nbreak\0nul", &"long ".repeat(2000)] {
        let env = d.seal(text.as_bytes(), b"t").unwrap();
        assert_eq!(d.open_text(&env, b"t").unwrap(), text);
        assert_eq!(c.open_text(&env, b"t").unwrap(), text);
        let env = c.seal(text.as_bytes(), b"t").unwrap();
        assert_eq!(d.open_text(&env, b"t").unwrap(), text);
        assert_eq!(c.open_text(&env, b"t").unwrap(), text);
        assert_eq!(d.open_text(&env, b"u"), Err(Error::CannotDecrypt), "the context still binds");
    }
    for bytes in [&[0xffu8][..], &[0xc3], &[b'a', 0x80], &[0xed, 0xa0, 0x80]] {
        let env = d.seal(bytes, b"").unwrap();
        assert_eq!(d.open_text(&env, b""), Err(Error::NotUtf8), "{bytes:?}");
        assert_eq!(c.open_text(&env, b""), Err(Error::NotUtf8), "{bytes:?}");
        assert_eq!(d.open(&env, b"").unwrap(), bytes, "the bytes themselves still open");
    }
}

// ---------------------------------------------------------------------------------------------
// Binding contexts of the transparent types: persisted in every envelope, so fixed by the spec
// (docs/FORMAT.md, "Type binding" and "Searchable values").

#[test]
fn binding_contexts_are_the_specs_bytes() {
    use colcrypt_core::binding::{indexed_context, type_context};
    assert_eq!(type_context("encrypted_text"), b"\0colcrypt type encrypted_text");
    let index: [u8; 16] = std::array::from_fn(|i| 0xA0 + i as u8);
    let ctx = type_context("encrypted_int8");
    let bound = indexed_context(&ctx, &index);
    assert_eq!(bound, [&b"\0colcrypt type encrypted_int8\0"[..], &index].concat(), "ctx ‖ 0x00 ‖ bi");
    assert_ne!(bound, indexed_context(&ctx, &[0xA0; 16]), "the index is bound");
    assert_ne!(bound, indexed_context(&type_context("encrypted_int4"), &index), "the type is bound");
    // A value sealed under the searchable context opens only with the same index.
    let d = DataKeyCipher::new(&key(&[6; 32]));
    let env = d.seal(b"42", &bound).unwrap();
    assert_eq!(d.open(&env, &bound).unwrap(), b"42");
    assert_eq!(d.open(&env, &ctx), Err(Error::CannotDecrypt));
    assert_eq!(d.open(&env, &indexed_context(&ctx, &[0; 16])), Err(Error::CannotDecrypt));
}

// ---------------------------------------------------------------------------------------------
// The jsonb equality form (docs/FORMAT.md, "Blind index"): numbers equal by value have one form
// wherever they stand; strings are text.

#[test]
fn jsonb_numbers_after_escaped_strings_and_at_the_end_of_the_text_are_canonical() {
    use colcrypt_core::canonical::{equality_form, JSONB_TYPE};
    let form = |s: &str| String::from_utf8(equality_form(JSONB_TYPE, s.as_bytes()).unwrap().into_owned()).unwrap();
    // A string with escapes ends at its closing quote: what follows is JSON again.
    assert_eq!(form(r#"{"k\"": 1.50}"#), r#"{"k\"": 1.5}"#);
    assert_eq!(form(r#"{"a\\": 2.0, "b\\\"c": [3.10, "4.0"]}"#), r#"{"a\\": 2, "b\\\"c": [3.1, "4.0"]}"#);
    assert_eq!(form(r#"["\u0022", 5.0]"#), r#"["\u0022", 5]"#);
    // A scalar number is the whole text (jsonb_out of '1.50'::jsonb is 1.50).
    for (text, want) in [("1.50", "1.5"), ("-0.0", "0"), ("-0", "0"), ("12", "12"), ("7", "7"), ("100.000", "100"), ("0.10", "0.1")] {
        assert_eq!(form(text), want, "{text}");
    }
    // jsonb_out writes no exponents; a number with one is kept as it is.
    for text in ["1.0e10", "1.50E10", "[2.50E3]", r#"{"a": 1.00e-2}"#] {
        assert_eq!(form(text), text);
    }
}
