//! Client-side encryption for colcrypt (the AWS Encryption SDK analogue): values are sealed
//! before they leave the client, in the same envelope the server writes, so the server stores
//! bytes it cannot open, and `colcrypt.decrypt(ct, key)` opens them given the key.
#![forbid(unsafe_code)]

pub mod column_keys;
pub mod csv_columns;
pub mod error;
pub mod format;
pub mod keyfile;
pub mod output;
pub mod recover;
#[cfg(feature = "pg-types")]
pub mod pg_types;

pub use colcrypt_core::{Cipher, Key};
pub use error::ClientError;

/// The largest single value the CLI encrypts (1 GiB of plaintext). An envelope is one AES-GCM
/// message whose tag is checked only at its end, so a value is read whole and held in memory
/// (about twice its size while it is sealed or opened); PostgreSQL stores at most 1 GB per field.
pub const MAX_VALUE_LEN: u64 = 1 << 30;

/// The most an envelope adds to its plaintext (suite 2's header and the tag are 80 bytes).
pub const MAX_ENVELOPE_OVERHEAD: u64 = 128;

/// Seals a value (envelope suite 1, docs/FORMAT.md).
pub fn encrypt_value(cipher: &Cipher, plaintext: &[u8], context: Option<&str>) -> Result<Vec<u8>, ClientError> {
    Ok(cipher.seal(plaintext, context.unwrap_or("").as_bytes())?)
}

/// Opens a value sealed here or by the server's client-supplied-key functions.
pub fn decrypt_value(cipher: &Cipher, envelope: &[u8], context: Option<&str>) -> Result<Vec<u8>, ClientError> {
    Ok(cipher.open(envelope, context.unwrap_or("").as_bytes())?)
}

/// The context that binds a value to one column of one row: `"{table}.{column}:{row}"`, for
/// example `patients.ssn:42`. Sealed with it, a value moved to another row or column, or swapped
/// with another, does not open; the server builds the same string to open it
/// (`colcrypt.decrypt(ssn, key, 'patients.ssn:' || id)`). The row is the row's key, which must
/// not change while the value is stored (changing it means re-encrypting the row's values).
/// `csv-encrypt --context patients --context-column id` makes the same contexts.
pub fn row_context(table: &str, column: &str, row: impl std::fmt::Display) -> String {
    format!("{table}.{column}:{row}")
}
