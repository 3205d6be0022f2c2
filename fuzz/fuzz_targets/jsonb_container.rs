//! Any bytes as a jsonb container (`encrypted_jsonb`'s binary form, after its prefix): the
//! reader the server runs before PostgreSQL sees a container, and `colcrypt recover`'s printer,
//! must return an error or text, never panic, and agree on which inputs are well-formed. The
//! seed corpus holds the containers PostgreSQL wrote in crates/core/tests/jsonb_binary.rs.
#![no_main]

use colcrypt_core::jsonb_binary::{to_text, validate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = to_text(data);
    assert_eq!(validate(data).is_ok(), text.is_ok());
    if let Ok(t) = text {
        // jsonb_out text holds no NUL, and a well-formed container prints something ("0" at least).
        assert!(!t.is_empty() && !t.contains(&0));
    }
});
