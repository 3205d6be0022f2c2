//! The master key (KEK) behind server-managed keys. Loaded once in the postmaster when colcrypt
//! is preloaded, so every backend inherits it through fork and no SQL can reach it: the
//! settings only name where it comes from. Problems are remembered, not raised, so the server
//! still starts; every key operation then fails with the reason (error.rs names the settings).

use std::ffi::CString;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use colcrypt_core::wrap::parse_master_key;
use colcrypt_core::{Cipher, Key};
use pgrx::guc::{GucContext, GucFlags, GucRegistry, GucSetting};
use pgrx::{ereport, pg_sys, PgLogLevel, PgSqlErrorCode};

use crate::error::{ColcryptError, Result};

static MASTER_KEY_FILE: GucSetting<Option<CString>> = GucSetting::<Option<CString>>::new(None);
static MASTER_KEY_COMMAND: GucSetting<Option<CString>> = GucSetting::<Option<CString>>::new(None);
static PREVIOUS_MASTER_KEY_FILE: GucSetting<Option<CString>> = GucSetting::<Option<CString>>::new(None);
static PREVIOUS_MASTER_KEY_COMMAND: GucSetting<Option<CString>> = GucSetting::<Option<CString>>::new(None);

/// What loading a master key gave: the derived cipher, or why there is none.
type Loaded = std::result::Result<Cipher, String>;

static CURRENT: OnceLock<Loaded> = OnceLock::new();
/// `None` when no previous key is configured (the normal case outside a rotation).
static PREVIOUS: OnceLock<Option<Loaded>> = OnceLock::new();

pub(crate) fn define_settings() {
    GucRegistry::define_string_guc(
        c"colcrypt.master_key_file",
        c"File holding colcrypt's master key (64 hex digits), outside the data directory, mode 0600.",
        c"Read once at server start. Set this or colcrypt.master_key_command, not both.",
        &MASTER_KEY_FILE,
        GucContext::Postmaster,
        GucFlags::SUPERUSER_ONLY,
    );
    GucRegistry::define_string_guc(
        c"colcrypt.master_key_command",
        c"Shell command that prints colcrypt's master key (64 hex digits), e.g. a KMS or Vault client.",
        c"Run once at server start by the postmaster. Set this or colcrypt.master_key_file, not both.",
        &MASTER_KEY_COMMAND,
        GucContext::Postmaster,
        GucFlags::SUPERUSER_ONLY,
    );
    GucRegistry::define_string_guc(
        c"colcrypt.previous_master_key_file",
        c"During a master key rotation: file holding the old master key.",
        c"Read once at server start; colcrypt.rotate_master_key() re-wraps data keys from this key to the current one.",
        &PREVIOUS_MASTER_KEY_FILE,
        GucContext::Postmaster,
        GucFlags::SUPERUSER_ONLY,
    );
    GucRegistry::define_string_guc(
        c"colcrypt.previous_master_key_command",
        c"During a master key rotation: shell command that prints the old master key.",
        c"Run once at server start; colcrypt.rotate_master_key() re-wraps data keys from this key to the current one.",
        &PREVIOUS_MASTER_KEY_COMMAND,
        GucContext::Postmaster,
        GucFlags::SUPERUSER_ONLY,
    );
}

/// Called from `_PG_init`. Loads in the postmaster only; a library loaded later by a backend
/// (not preloaded) records why it has no key.
pub(crate) fn load_at_startup() {
    // SAFETY: reading a PostgreSQL global flag on the main thread.
    let preloading = unsafe { pg_sys::process_shared_preload_libraries_in_progress };
    if !preloading {
        let why = "colcrypt is not in shared_preload_libraries, so no master key was loaded".to_owned();
        let _ = CURRENT.set(Err(why));
        let _ = PREVIOUS.set(None);
        return;
    }
    let current = load("colcrypt.master_key_file", &MASTER_KEY_FILE, "colcrypt.master_key_command", &MASTER_KEY_COMMAND)
        .unwrap_or_else(|| Err("neither colcrypt.master_key_file nor colcrypt.master_key_command is set".to_owned()));
    report("master key", &current);
    let _ = CURRENT.set(current);
    let previous = load(
        "colcrypt.previous_master_key_file",
        &PREVIOUS_MASTER_KEY_FILE,
        "colcrypt.previous_master_key_command",
        &PREVIOUS_MASTER_KEY_COMMAND,
    );
    if let Some(p) = &previous {
        report("previous master key", p);
    }
    let _ = PREVIOUS.set(previous);
}

fn report(what: &str, loaded: &Loaded) {
    match loaded {
        Ok(cipher) => ereport!(PgLogLevel::LOG, PgSqlErrorCode::ERRCODE_SUCCESSFUL_COMPLETION,
            format!("colcrypt: {what} loaded (key id {})", cipher.key_id())),
        Err(why) => ereport!(PgLogLevel::WARNING, PgSqlErrorCode::ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE,
            format!("colcrypt: no {what}: {why}; server-managed keys will refuse to work until this is fixed")),
    }
}

fn setting(s: &GucSetting<Option<CString>>) -> Option<String> {
    s.get().map(|c| c.to_string_lossy().into_owned()).filter(|v| !v.trim().is_empty())
}

/// `None` when neither setting is given.
fn load(
    file_name: &str,
    file: &GucSetting<Option<CString>>,
    cmd_name: &str,
    cmd: &GucSetting<Option<CString>>,
) -> Option<Loaded> {
    let key = match (setting(file), setting(cmd)) {
        (None, None) => return None,
        (Some(_), Some(_)) => Err(format!("{file_name} and {cmd_name} are both set; set only one")),
        (Some(path), None) => key_from_file(file_name, Path::new(&path)),
        (None, Some(command)) => key_from_command(cmd_name, &command),
    };
    Some(key.map(|k| Cipher::new(&k)))
}

fn data_directory() -> Option<PathBuf> {
    // SAFETY: DataDir is set before shared_preload_libraries are loaded and never freed.
    let dir = unsafe { pg_sys::DataDir };
    if dir.is_null() {
        return None;
    }
    // SAFETY: a NUL-terminated C string owned by PostgreSQL.
    let s = unsafe { std::ffi::CStr::from_ptr(dir) }.to_string_lossy().into_owned();
    std::fs::canonicalize(s).ok()
}

fn key_from_file(name: &str, path: &Path) -> std::result::Result<Key, String> {
    let shown = path.display();
    if !path.is_absolute() {
        return Err(format!("{name} must be an absolute path"));
    }
    let real = std::fs::canonicalize(path).map_err(|e| format!("{name} ({shown}) cannot be read: {}", e.kind()))?;
    if let Some(data_dir) = data_directory() {
        if real.starts_with(&data_dir) {
            return Err(format!(
                "{name} ({shown}) is inside the data directory; keep the master key outside it so backups do not carry it"
            ));
        }
    }
    let meta = std::fs::metadata(&real).map_err(|e| format!("{name} ({shown}) cannot be read: {}", e.kind()))?;
    if !meta.is_file() {
        return Err(format!("{name} ({shown}) is not a regular file"));
    }
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(format!("{name} ({shown}) is accessible by group or others (mode {mode:04o}); chmod 600 it"));
    }
    let text = zeroize::Zeroizing::new(
        std::fs::read(&real).map_err(|e| format!("{name} ({shown}) cannot be read: {}", e.kind()))?,
    );
    parse_master_key(&text).map_err(|e| format!("{name} ({shown}): {e}"))
}

fn key_from_command(name: &str, command: &str) -> std::result::Result<Key, String> {
    // The command line may hold credentials, so it is never echoed in messages.
    let out = Command::new("/bin/sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("{name} could not be started: {}", e.kind()))?;
    let stdout = zeroize::Zeroizing::new(out.stdout);
    // A key tool's diagnostics could carry the key or its credentials, and the server log is
    // not the place for either: only their size is reported. Run the command by hand to see them.
    let stderr = zeroize::Zeroizing::new(out.stderr);
    if !out.status.success() {
        return Err(format!("{name} failed ({}; {} bytes on its stderr, not logged)", out.status, stderr.len()));
    }
    parse_master_key(&stdout).map_err(|e| format!("{name} printed no usable key: {e}"))
}

/// The current master key, or the error that says why there is none.
pub(crate) fn current() -> Result<&'static Cipher> {
    match CURRENT.get() {
        Some(Ok(c)) => Ok(c),
        Some(Err(why)) => Err(ColcryptError::NoMasterKey(why.clone())),
        None => Err(ColcryptError::NoMasterKey("colcrypt was not initialised".to_owned())),
    }
}

/// The previous master key during a rotation.
pub(crate) fn previous() -> Result<&'static Cipher> {
    match PREVIOUS.get() {
        Some(Some(Ok(c))) => Ok(c),
        Some(Some(Err(why))) => Err(ColcryptError::NoPreviousMasterKey(why.clone())),
        _ => Err(ColcryptError::NoPreviousMasterKey("no previous master key is configured".to_owned())),
    }
}

/// Whether a previous key is loaded, for unwrapping keys not yet re-wrapped mid-rotation.
pub(crate) fn previous_if_loaded() -> Option<&'static Cipher> {
    previous().ok()
}

/// (which, source, loaded, key id, problem) rows for `colcrypt.master_key_info()`.
pub(crate) fn describe() -> Vec<(String, Option<String>, bool, Option<String>, Option<String>)> {
    let source = |file: &GucSetting<Option<CString>>, cmd: &GucSetting<Option<CString>>| match (setting(file), setting(cmd)) {
        (Some(_), Some(_)) => Some("file and command".to_owned()),
        (Some(_), None) => Some("file".to_owned()),
        (None, Some(_)) => Some("command".to_owned()),
        (None, None) => None,
    };
    let row = |which: &str, src: Option<String>, loaded: Option<&Loaded>| match loaded {
        Some(Ok(c)) => (which.to_owned(), src, true, Some(c.key_id()), None),
        Some(Err(why)) => (which.to_owned(), src, false, None, Some(why.clone())),
        None => (which.to_owned(), src, false, None, None),
    };
    vec![
        row("current", source(&MASTER_KEY_FILE, &MASTER_KEY_COMMAND), CURRENT.get()),
        row("previous", source(&PREVIOUS_MASTER_KEY_FILE, &PREVIOUS_MASTER_KEY_COMMAND), PREVIOUS.get().and_then(|p| p.as_ref())),
    ]
}
