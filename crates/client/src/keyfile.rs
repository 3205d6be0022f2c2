//! Client key files: 64 hex digits and a newline, readable by their owner only.

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use colcrypt_core::wrap::parse_master_key;
use colcrypt_core::{gen_key_bytes, Key};
use zeroize::Zeroizing;

use crate::error::ClientError;

fn err(path: &Path, what: impl Into<String>) -> ClientError {
    ClientError::KeyFile { path: path.display().to_string(), what: what.into() }
}

/// Writes a new random key; refuses to overwrite an existing file.
pub fn generate(path: &Path) -> Result<(), ClientError> {
    let key = gen_key_bytes()?;
    let text = Zeroizing::new(format!("{}\n", hex::encode(key.as_slice())));
    let mut f = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| err(path, format!("cannot create key file: {e}")))?;
    f.write_all(text.as_bytes()).map_err(|e| err(path, format!("cannot write key file: {e}")))?;
    Ok(())
}

/// Reads a key file, refusing one that others may read.
pub fn read(path: &Path) -> Result<Key, ClientError> {
    let meta = std::fs::metadata(path).map_err(|e| err(path, format!("cannot read key file: {e}")))?;
    if meta.permissions().mode() & 0o077 != 0 {
        return Err(err(path, "key file is accessible by group or others; chmod 600 it"));
    }
    let text = Zeroizing::new(std::fs::read(path).map_err(|e| err(path, format!("cannot read key file: {e}")))?);
    parse_master_key(&text).map_err(|_| err(path, "not a colcrypt key file (64 hex digits expected)"))
}
