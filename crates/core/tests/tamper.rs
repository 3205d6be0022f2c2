//! Every-byte tamper, every truncation, trailing bytes, wrong keys and contexts, random input,
//! property round trips: each must be an error, never wrong plaintext, never a panic.

use colcrypt_core::{gen_key_bytes, info, Cipher, Error, Key, ENVELOPE_OVERHEAD};
use proptest::prelude::*;

fn new_cipher() -> Cipher {
    Cipher::new(&Key::from_slice(gen_key_bytes().unwrap().as_slice()).unwrap())
}

#[test]
fn every_single_bit_flip_is_rejected() {
    let c = new_cipher();
    let env = c.seal(b"a sixty-four byte value for the every-bit tamper test.........!", b"ctx").unwrap();
    for i in 0..env.len() {
        for bit in 0..8 {
            let mut bad = env.clone();
            bad[i] ^= 1 << bit;
            let err = c.open(&bad, b"ctx").unwrap_err();
            match i {
                2 => assert!(matches!(err, Error::UnsupportedVersion(_)), "byte {i}: {err:?}"),
                3 => assert!(matches!(err, Error::UnsupportedSuite(_)), "byte {i}: {err:?}"),
                _ => assert_eq!(err, Error::CannotDecrypt, "byte {i} bit {bit}"),
            }
        }
    }
}

#[test]
fn every_truncation_and_extension_is_rejected() {
    let c = new_cipher();
    let env = c.seal(b"truncate me", b"").unwrap();
    for len in 0..env.len() {
        let err = c.open(&env[..len], b"").unwrap_err();
        assert_eq!(err, Error::CannotDecrypt, "length {len}");
    }
    for extra in [&[0u8][..], &[0, 0, 0, 0][..], &env[..]] {
        let mut long = env.clone();
        long.extend_from_slice(extra);
        assert_eq!(c.open(&long, b"").unwrap_err(), Error::CannotDecrypt);
    }
}

#[test]
fn wrong_key_and_wrong_context_are_the_same_error() {
    let (a, b) = (new_cipher(), new_cipher());
    let env = a.seal(b"secret", b"row 1").unwrap();
    assert_eq!(b.open(&env, b"row 1").unwrap_err(), Error::CannotDecrypt);
    assert_eq!(a.open(&env, b"row 2").unwrap_err(), Error::CannotDecrypt);
    assert_eq!(a.open(&env, b"").unwrap_err(), Error::CannotDecrypt);
    assert_eq!(a.open(&env, b"row 1").unwrap(), b"secret");
}

#[test]
fn keys_must_be_32_bytes_and_never_print() {
    for n in [0usize, 1, 16, 31, 33, 64] {
        assert_eq!(Key::from_slice(&vec![7u8; n]).unwrap_err(), Error::KeyLength { got: n });
    }
    let k = Key::from_slice(&[0xAB; 32]).unwrap();
    let shown = format!("{k:?} {:?}", Cipher::new(&k));
    assert!(!shown.to_lowercase().contains("abab") && !shown.contains("171"), "{shown}");
    assert!(Error::KeyLength { got: 31 }.to_string().contains("32 bytes"));
}

#[test]
fn open_text_rejects_invalid_utf8() {
    let c = new_cipher();
    let env = c.seal(&[0xff, 0xfe, 0x00], b"").unwrap();
    assert_eq!(c.open_text(&env, b"").unwrap_err(), Error::NotUtf8);
    let env = c.seal("ok ✓".as_bytes(), b"").unwrap();
    assert_eq!(c.open_text(&env, b"").unwrap(), "ok ✓");
}

#[test]
fn one_plaintext_many_times_gives_distinct_envelopes() {
    let c = new_cipher();
    let mut seen = std::collections::HashSet::new();
    for _ in 0..10_000 {
        assert!(seen.insert(c.seal(b"same", b"").unwrap()));
    }
}

#[test]
fn round_trip_at_the_size_limits_of_interest() {
    let c = new_cipher();
    for len in [0usize, 1, 15, 16, 17, 64, 1024, 8192, 1 << 20] {
        let pt: Vec<u8> = (0..len).map(|i| (i * 31 % 256) as u8).collect();
        let env = c.seal(&pt, b"size").unwrap();
        assert_eq!(env.len(), len + ENVELOPE_OVERHEAD);
        assert_eq!(c.open(&env, b"size").unwrap(), pt);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn round_trip(pt in proptest::collection::vec(any::<u8>(), 0..4096), ctx in "\\PC{0,40}") {
        let c = new_cipher();
        let env = c.seal(&pt, ctx.as_bytes()).unwrap();
        prop_assert_eq!(c.open(&env, ctx.as_bytes()).unwrap(), pt);
    }

    #[test]
    fn arbitrary_bytes_never_open_or_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let c = new_cipher();
        prop_assert!(c.open(&bytes, b"").is_err());
        let _ = info(&bytes);
    }

    #[test]
    fn arbitrary_bytes_behind_a_valid_header_never_open(tail in proptest::collection::vec(any::<u8>(), 0..256)) {
        let c = new_cipher();
        let mut env = c.seal(b"", b"").unwrap();
        env.truncate(48);
        env.extend_from_slice(&tail);
        prop_assert_eq!(c.open(&env, b"").unwrap_err(), Error::CannotDecrypt);
    }
}

mod suite2 {
    use colcrypt_core::{gen_key_bytes, DataKeyCipher, Error, Key, ENVELOPE_OVERHEAD_SUITE_2};

    fn new_data_key() -> DataKeyCipher {
        DataKeyCipher::new(&Key::from_slice(gen_key_bytes().unwrap().as_slice()).unwrap())
    }

    fn salt(env: &[u8]) -> &[u8] {
        &env[36..52]
    }

    #[test]
    fn every_bit_flip_and_truncation_is_rejected_by_both_open_paths() {
        let d = new_data_key();
        let env = d.seal(b"suite two value", b"ctx").unwrap();
        assert_eq!(env.len(), 15 + ENVELOPE_OVERHEAD_SUITE_2);
        for i in 0..env.len() {
            for bit in 0..8 {
                let mut bad = env.clone();
                bad[i] ^= 1 << bit;
                for err in [d.open(&bad, b"ctx").unwrap_err(), d.cipher().open(&bad, b"ctx").unwrap_err()] {
                    match i {
                        2 => assert!(matches!(err, Error::UnsupportedVersion(_))),
                        3 => assert!(matches!(err, Error::UnsupportedSuite(_))),
                        _ => assert_eq!(err, Error::CannotDecrypt, "byte {i} bit {bit}"),
                    }
                }
            }
        }
        for len in 0..env.len() {
            assert_eq!(d.open(&env[..len], b"ctx").unwrap_err(), Error::CannotDecrypt, "length {len}");
        }
        assert_eq!(d.open(&env, b"ctx").unwrap(), b"suite two value");
    }

    #[test]
    fn one_backend_keeps_its_salt_until_the_budget_is_spent() {
        let d = new_data_key().with_budget(3);
        let envs: Vec<Vec<u8>> = (0..7u8).map(|i| d.seal(&[i], b"").unwrap()).collect();
        assert_eq!(salt(&envs[0]), salt(&envs[2]));
        assert_ne!(salt(&envs[2]), salt(&envs[3]), "a new salt once 3 envelopes used the old one");
        assert_eq!(salt(&envs[3]), salt(&envs[5]));
        assert_ne!(salt(&envs[5]), salt(&envs[6]));
        for (i, env) in envs.iter().enumerate() {
            assert_eq!(d.open(env, b"").unwrap(), [i as u8]);
        }
    }

    #[test]
    fn separate_instances_draw_separate_salts_and_read_each_other() {
        let raw = gen_key_bytes().unwrap();
        let a = DataKeyCipher::new(&Key::from_slice(raw.as_slice()).unwrap());
        let b = DataKeyCipher::new(&Key::from_slice(raw.as_slice()).unwrap());
        let (ea, eb) = (a.seal(b"a", b"").unwrap(), b.seal(b"b", b"").unwrap());
        assert_ne!(salt(&ea), salt(&eb));
        assert_eq!(b.open(&ea, b"").unwrap(), b"a");
        assert_eq!(a.open(&eb, b"").unwrap(), b"b");
    }

    #[test]
    fn the_subkey_cache_stays_bounded_and_correct() {
        let raw = gen_key_bytes().unwrap();
        let reader = DataKeyCipher::new(&Key::from_slice(raw.as_slice()).unwrap());
        // 600 writers, each with its own salt: more salts than the cache holds.
        let envs: Vec<Vec<u8>> = (0..600u32)
            .map(|i| DataKeyCipher::new(&Key::from_slice(raw.as_slice()).unwrap()).seal(&i.to_le_bytes(), b"").unwrap())
            .collect();
        for _ in 0..2 {
            for (i, env) in envs.iter().enumerate() {
                assert_eq!(reader.open(env, b"").unwrap(), (i as u32).to_le_bytes());
            }
        }
    }
}

mod blind_index {
    use colcrypt_core::{DataKeyCipher, Key};

    fn dk(b: u8) -> DataKeyCipher {
        DataKeyCipher::new(&Key::from_slice(&[b; 32]).unwrap())
    }

    #[test]
    fn equal_inputs_equal_index_and_nothing_else() {
        let k = dk(1);
        assert_eq!(k.blind_index(b"t", b"alice"), dk(1).blind_index(b"t", b"alice"));
        assert_ne!(k.blind_index(b"t", b"alice"), k.blind_index(b"t", b"alicf"));
        assert_ne!(k.blind_index(b"t", b"alice"), k.blind_index(b"u", b"alice"), "the type is bound");
        assert_ne!(k.blind_index(b"ab", b"c"), k.blind_index(b"a", b"bc"), "context and plaintext do not run together");
        assert_ne!(k.blind_index(b"t", b"alice"), dk(2).blind_index(b"t", b"alice"), "keyed");
        assert!(!k.blind_index(b"t", b"alice").windows(5).any(|w| w == b"alice"));
    }

    #[test]
    fn pinned_value() {
        // HMAC-SHA256(HKDF-Expand(K, "colcrypt v1 blind index", 32), be64(len ctx) || ctx || pt)[..16],
        // computed with Python's hmac/hashlib for K = 32 bytes of 0x01.
        assert_eq!(hex::encode(dk(1).blind_index(b"t", b"alice")), "3c96590f1361a39d6eb1d0974787f6d8");
    }
}

/// The AAD is built on the stack up to a size and on the heap past it: every context length
/// across that edge must round-trip and bind (a change in its last byte fails).
#[test]
fn contexts_of_every_length_bind() {
    let c = new_cipher();
    for len in 0..=300usize {
        let ctx: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        let env = c.seal(b"value", &ctx).unwrap();
        assert_eq!(c.open(&env, &ctx).unwrap(), b"value", "context of {len} bytes");
        if let Some((last, rest)) = ctx.split_last() {
            let other = [rest, &[last ^ 1]].concat();
            assert_eq!(c.open(&env, &other).unwrap_err(), Error::CannotDecrypt, "context of {len} bytes");
        }
    }
}

/// `seal_into` builds `prefix ‖ envelope` in the caller's buffer: the prefix is kept as given,
/// the envelope after it opens like one from `seal`, and the buffer is exactly that long.
#[test]
fn seal_into_writes_prefix_then_an_envelope_that_opens() {
    let key = Key::from_slice(gen_key_bytes().unwrap().as_slice()).unwrap();
    let dk = colcrypt_core::DataKeyCipher::new(&key);
    for (plaintext, prefix) in [(&b""[..], &b""[..]), (b"value", b"CB0123456789abcdef"), (&[7u8; 1000][..], b"P")] {
        let mut buf = Vec::new();
        let stored = dk
            .seal_into(plaintext, b"ctx", prefix, |n| {
                buf.resize(n + 3, 0xAA);
                &mut buf[..n]
            })
            .unwrap()
            .to_vec();
        assert_eq!(&buf[stored.len()..], &[0xAA; 3], "nothing written past the stored value");
        assert_eq!(&stored[..prefix.len()], prefix);
        let envelope = &stored[prefix.len()..];
        assert_eq!(envelope.len(), dk.seal(plaintext, b"ctx").unwrap().len());
        assert_eq!(dk.open(envelope, b"ctx").unwrap(), plaintext);
        assert_eq!(dk.open(envelope, b"other").unwrap_err(), Error::CannotDecrypt);
    }
}
