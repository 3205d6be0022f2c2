//! The colcrypt envelope (docs/FORMAT.md) and its AEAD, with no PostgreSQL in sight so that every
//! byte of the format is testable with plain `cargo test`.
#![forbid(unsafe_code)]

mod aead;
pub mod ct;
mod envelope;
mod error;
mod key;
pub mod nonce;
mod reader;
pub mod binding;
pub mod canonical;
pub mod jsonb_binary;
pub mod pg_numeric;
pub mod wrap;

pub use envelope::{info, EnvelopeInfo, ENVELOPE_OVERHEAD, ENVELOPE_OVERHEAD_SUITE_2, HEADER_LEN, HEADER_LEN_SUITE_2, TAG_LEN};
pub use error::Error;
pub use key::{gen_key_bytes, Cipher, DataKeyCipher, Key, BLIND_INDEX_LEN, KEY_LEN, SUBKEY_BUDGET};

pub use aead::BACKEND as AEAD_BACKEND;

#[cfg(feature = "test-vectors")]
pub use aead::raw as aead_raw;
#[cfg(feature = "test-vectors")]
pub mod memscan;
