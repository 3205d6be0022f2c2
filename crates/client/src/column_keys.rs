//! Envelope encryption on the client: a client master key (a key file that never leaves the
//! client) wraps one key per column. Wrapped column keys can be kept in the database
//! (`colcrypt.client_column_keys`) so that several clients share them; the server stores bytes
//! it cannot unwrap.

use colcrypt_core::wrap::{unwrap_key, wrap_key};
use colcrypt_core::{gen_key_bytes, Cipher, Key};

use crate::error::ClientError;

fn label(column: &str) -> String {
    format!("client column {column}")
}

/// A new random column key and its wrapping under the client master key.
pub fn new_column_key(master: &Cipher, column: &str) -> Result<(Key, Vec<u8>), ClientError> {
    let key = Key::from_slice(gen_key_bytes()?.as_slice())?;
    let wrapped = wrap_key(master, &key, &label(column))?;
    Ok((key, wrapped))
}

/// Unwraps a column key; another master key or another column's key is an error.
pub fn unwrap_column_key(master: &Cipher, column: &str, wrapped: &[u8]) -> Result<Key, ClientError> {
    Ok(unwrap_key(master, wrapped, &label(column))?)
}

#[cfg(feature = "db")]
pub mod db {
    //! Keeping wrapped column keys in `colcrypt.client_column_keys`.
    use super::*;

    /// The column's key: fetched and unwrapped, or created, wrapped and stored on first use.
    /// Two clients creating the same column at once: the second reads the first one's key.
    /// Rows are per database role (the table's `owner`), so clients that share column keys
    /// connect as the same role, and another role cannot plant a key under this role's names.
    pub fn column_cipher(db: &mut postgres::Client, master: &Cipher, column: &str) -> Result<Cipher, ClientError> {
        let (key, wrapped) = new_column_key(master, column)?;
        db.execute(
            "INSERT INTO colcrypt.client_column_keys (name, wrapped) VALUES ($1, $2) ON CONFLICT (owner, name) DO NOTHING",
            &[&column, &wrapped],
        )
        .map_err(db_err)?;
        let row = db
            .query_one(
                "SELECT wrapped FROM colcrypt.client_column_keys \
                 WHERE owner OPERATOR(pg_catalog.=) pg_catalog.to_regrole(pg_catalog.quote_ident(CURRENT_USER)) \
                 AND name OPERATOR(pg_catalog.=) $1",
                &[&column],
            )
            .map_err(db_err)?;
        let stored: Vec<u8> = row.get(0);
        let key = if stored == wrapped { key } else { unwrap_column_key(master, column, &stored)? };
        Ok(Cipher::new(&key))
    }

    fn db_err(e: postgres::Error) -> ClientError {
        ClientError::Io(std::io::Error::other(format!("database: {e}")))
    }
}
