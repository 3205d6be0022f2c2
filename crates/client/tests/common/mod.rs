//! What the client's test files share.

use std::path::{Path, PathBuf};

/// A fresh directory under the system's temporary one, removed with everything in it when
/// dropped (each `cargo test` run left twenty of them behind before).
pub struct TempDir(PathBuf);

impl TempDir {
    /// `<tmp>/colcrypt-<prefix>-<pid>-<name>`, emptied first.
    pub fn new(prefix: &str, name: &str) -> TempDir {
        let d = std::env::temp_dir().join(format!("colcrypt-{prefix}-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        TempDir(d)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl std::ops::Deref for TempDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for TempDir {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}
