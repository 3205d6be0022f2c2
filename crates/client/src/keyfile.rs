//! Client key files: 64 hex digits and a newline, readable by their owner only.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

use colcrypt_core::wrap::parse_master_key;
use colcrypt_core::{gen_key_bytes, Key};
use rustix::fs::{Mode, OFlags};
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

/// The most a key file is read: 64 hex digits and a newline, with room for a CRLF or spaces.
const MAX_KEY_FILE: u64 = 4096;

/// Reads a key file, refusing one that is not a regular file, that others may read or write
/// (group or other permission bits), or that another user owns (they could replace the key, and
/// so read everything sealed under it). The checks are made on the opened file, not the name.
pub fn read(path: &Path) -> Result<Key, ClientError> {
    // Non-blocking, so that a FIFO is refused below instead of waiting for a writer.
    let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
    let f = File::from(
        rustix::fs::open(path, flags, Mode::empty())
            .map_err(|e| err(path, format!("cannot read key file: {}", std::io::Error::from(e))))?,
    );
    let meta = f.metadata().map_err(|e| err(path, format!("cannot read key file: {e}")))?;
    if !meta.file_type().is_file() {
        return Err(err(path, "not a regular file; a key file is made by `colcrypt keygen`"));
    }
    if meta.permissions().mode() & 0o077 != 0 {
        return Err(err(path, "key file is accessible by group or others; chmod 600 it"));
    }
    let me = rustix::process::geteuid().as_raw();
    if meta.uid() != me {
        return Err(err(
            path,
            format!("key file is owned by user id {}, not by this user ({me}); whoever owns it can replace the key", meta.uid()),
        ));
    }
    // Sized once: a buffer that grew would leave a copy of the key behind.
    let mut text = Zeroizing::new(Vec::with_capacity(MAX_KEY_FILE as usize + 1));
    f.take(MAX_KEY_FILE + 1).read_to_end(&mut text).map_err(|e| err(path, format!("cannot read key file: {e}")))?;
    parse_master_key(&text).map_err(|_| err(path, "not a colcrypt key file (64 hex digits expected)"))
}
