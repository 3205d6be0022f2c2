//! Client-side encryption for colcrypt (the AWS Encryption SDK analogue): values are sealed
//! before they leave the client, in the same envelope the server writes, so the server stores
//! bytes it cannot open, and `colcrypt.decrypt(ct, key)` opens them given the key.
#![forbid(unsafe_code)]

pub mod column_keys;
pub mod csv_columns;
pub mod error;
pub mod format;
pub mod keyfile;

pub use colcrypt_core::{Cipher, Key};
pub use error::ClientError;

/// Seals a value (envelope suite 1, docs/FORMAT.md).
pub fn encrypt_value(cipher: &Cipher, plaintext: &[u8], context: Option<&str>) -> Result<Vec<u8>, ClientError> {
    Ok(cipher.seal(plaintext, context.unwrap_or("").as_bytes())?)
}

/// Opens a value sealed here or by the server's client-supplied-key functions.
pub fn decrypt_value(cipher: &Cipher, envelope: &[u8], context: Option<&str>) -> Result<Vec<u8>, ClientError> {
    Ok(cipher.open(envelope, context.unwrap_or("").as_bytes())?)
}
