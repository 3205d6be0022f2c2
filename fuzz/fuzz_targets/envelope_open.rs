//! Any bytes as an envelope (and a context): parsing, inspection and opening under both
//! suites' code paths must return an error or the plaintext, never panic. The seed corpus holds
//! the spec's valid envelopes under the key below, so the fuzzer starts from envelopes that open
//! and mutates every field; whatever opens must be consistent with its own header.
#![no_main]

use colcrypt_core::wrap::envelope_commitment;
use colcrypt_core::{info, Cipher, DataKeyCipher, Key, ENVELOPE_OVERHEAD, ENVELOPE_OVERHEAD_SUITE_2};
use libfuzzer_sys::fuzz_target;

/// K1 of crates/core/tests/vectors/generate.py (bytes 0..32), the key of the seed envelopes.
fn key() -> Key {
    Key::from_slice(&(0u8..32).collect::<Vec<_>>()).expect("32 bytes")
}

fuzz_target!(|data: &[u8]| {
    // First byte: context length (0 = none), then the context, then the envelope.
    let (ctx_len, rest) = match data.split_first() {
        Some((n, rest)) => ((*n as usize).min(rest.len()), rest),
        None => (0, data),
    };
    let (context, envelope) = rest.split_at(ctx_len);
    let parsed = info(envelope);
    let commitment = envelope_commitment(envelope);
    let key = key();
    let cipher = Cipher::new(&key);
    let data_key = DataKeyCipher::new(&key);
    let one = cipher.open(envelope, context);
    let two = data_key.open(envelope, context);
    // The two open paths (plain, and with the subkey cache) agree on every input.
    assert_eq!(one.as_ref().ok(), two.as_ref().ok(), "open paths disagree");
    assert_eq!(one.as_ref().err(), two.as_ref().err(), "open paths fail differently");
    if let Ok(plaintext) = one {
        let parsed = parsed.expect("an envelope that opens must parse");
        assert!(parsed.algorithm.is_some(), "an envelope that opens has a known suite");
        assert_eq!(commitment.expect("and have a commitment"), *cipher.commitment());
        // Byte 3 is the suite (docs/FORMAT.md).
        let overhead = if envelope[3] == 2 { ENVELOPE_OVERHEAD_SUITE_2 } else { ENVELOPE_OVERHEAD };
        assert_eq!(plaintext.len() + overhead, envelope.len(), "plaintext length matches the header");
        // And it opens again (no state left behind by a failure).
        assert_eq!(data_key.open(envelope, context).expect("opens twice"), plaintext);
    }
});
