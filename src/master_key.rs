//! The master key (KEK) behind server-managed keys.
//!
//! Where it is loaded: the postmaster loads it when colcrypt is preloaded, so every backend
//! forked later inherits it and no SQL can reach it: the settings only name where it comes
//! from. On a configuration reload (SIGHUP) the postmaster loads it again from the settings'
//! assign hooks, so backends forked after the reload start with the new key; backends that
//! already run only note the reload in their own hooks and load again, themselves, the next
//! time a statement needs the key. A key command runs with a time limit
//! (colcrypt.master_key_command_timeout) and in its own process group, which is ended past the
//! limit: a key service that does not answer delays the postmaster by at most that long.
//! Problems are remembered, not raised, so the server still starts and a reload never fails;
//! every key operation then fails with the reason (error.rs names the settings).

use std::ffi::{CStr, CString};
use std::io::Read;
use std::os::fd::AsRawFd;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use colcrypt_core::wrap::parse_master_key;
use colcrypt_core::{Cipher, Key};
use pgrx::guc::{GucContext, GucFlags, GucRegistry, GucSetting};
use pgrx::{pg_guard, pg_sys, PgLogLevel};
use zeroize::Zeroizing;

use crate::error::{ColcryptError, Result};
use crate::log_redaction::log_without_statement;

static MASTER_KEY_FILE: GucSetting<Option<CString>> = GucSetting::<Option<CString>>::new(None);
static MASTER_KEY_COMMAND: GucSetting<Option<CString>> = GucSetting::<Option<CString>>::new(None);
static PREVIOUS_MASTER_KEY_FILE: GucSetting<Option<CString>> = GucSetting::<Option<CString>>::new(None);
static PREVIOUS_MASTER_KEY_COMMAND: GucSetting<Option<CString>> = GucSetting::<Option<CString>>::new(None);
static COMMAND_TIMEOUT_S: GucSetting<i32> = GucSetting::<i32>::new(30);

/// A key command prints 64 hex digits and a newline; anything much longer is not a key.
const MAX_COMMAND_OUTPUT: usize = 4096;

/// What loading a master key gave: the derived cipher, or why there is none.
type Fresh = std::result::Result<Cipher, String>;
/// The same, as kept: shared with callers, which hold it for one call, so a key a reload
/// replaced is dropped (its bytes zeroized) once the last of them is done with it.
type Loaded = std::result::Result<Arc<Cipher>, String>;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    Current,
    Previous,
}

struct State {
    /// Set once the library has done its first load; before that (the settings being defined
    /// in `_PG_init`) the assign hooks have nothing to do.
    initialised: bool,
    current: Option<Loaded>,
    /// `None` when no previous key is configured (the normal case outside a rotation).
    previous: Option<Loaded>,
    /// The settings (file, command) each key was loaded from.
    current_source: Source,
    previous_source: Source,
    /// Why loading a key again failed while the one loaded before stays (`load_and_store`).
    current_kept_because: Option<String>,
    previous_kept_because: Option<String>,
    /// In a backend: a reload changed (or may have changed) the key; load it at next use.
    stale_current: bool,
    stale_previous: bool,
}

/// A key's (file, command) settings.
type Source = (Option<String>, Option<String>);

// PostgreSQL processes are single-threaded; the lock only satisfies `static`.
static STATE: Mutex<State> = Mutex::new(State {
    initialised: false,
    current: None,
    previous: None,
    current_source: (None, None),
    previous_source: (None, None),
    current_kept_because: None,
    previous_kept_because: None,
    stale_current: false,
    stale_previous: false,
});

fn state() -> std::sync::MutexGuard<'static, State> {
    STATE.lock().unwrap_or_else(|e| e.into_inner())
}

pub(crate) fn define_settings() {
    // SAFETY: the hooks are #[pg_guard]ed and only read their argument.
    unsafe {
        GucRegistry::define_string_guc_with_hooks(
            c"colcrypt.master_key_file",
            c"File holding colcrypt's master key (64 hex digits), outside the data directory, mode 0600.",
            c"Read at server start and again at every configuration reload. Set this or colcrypt.master_key_command, not both.",
            &MASTER_KEY_FILE,
            GucContext::Sighup,
            GucFlags::SUPERUSER_ONLY,
            None,
            Some(assign_file),
            None,
        );
        GucRegistry::define_string_guc_with_hooks(
            c"colcrypt.master_key_command",
            c"Shell command that prints colcrypt's master key (64 hex digits), e.g. a KMIP, KMS or Vault client.",
            c"Run by the postmaster at server start and at every configuration reload, and once by each running backend that uses a key after a reload; limited by colcrypt.master_key_command_timeout. Set this or colcrypt.master_key_file, not both.",
            &MASTER_KEY_COMMAND,
            GucContext::Sighup,
            GucFlags::SUPERUSER_ONLY,
            None,
            Some(assign_command),
            None,
        );
        GucRegistry::define_string_guc_with_hooks(
            c"colcrypt.previous_master_key_file",
            c"During a master key rotation: file holding the old master key.",
            c"colcrypt.rotate_master_key() re-wraps data keys from this key to the current one. Reloadable.",
            &PREVIOUS_MASTER_KEY_FILE,
            GucContext::Sighup,
            GucFlags::SUPERUSER_ONLY,
            None,
            Some(assign_previous_file),
            None,
        );
        GucRegistry::define_string_guc_with_hooks(
            c"colcrypt.previous_master_key_command",
            c"During a master key rotation: shell command that prints the old master key.",
            c"colcrypt.rotate_master_key() re-wraps data keys from this key to the current one. Reloadable.",
            &PREVIOUS_MASTER_KEY_COMMAND,
            GucContext::Sighup,
            GucFlags::SUPERUSER_ONLY,
            None,
            Some(assign_previous_command),
            None,
        );
    }
    GucRegistry::define_int_guc(
        c"colcrypt.master_key_command_timeout",
        c"Time limit for colcrypt.master_key_command and colcrypt.previous_master_key_command.",
        c"Past it the command's process group is killed and the server goes on without a master key (key operations fail until a reload loads one).",
        &COMMAND_TIMEOUT_S,
        1,
        3600,
        GucContext::Sighup,
        // Hidden like the key settings, so that no master key setting shows to other roles.
        GucFlags::UNIT_S | GucFlags::SUPERUSER_ONLY,
    );
}

macro_rules! assign_hook {
    ($name:ident, $which:expr, $is_file:expr) => {
        #[pg_guard]
        unsafe extern "C-unwind" fn $name(newval: *const std::ffi::c_char, _extra: *mut std::ffi::c_void) {
            on_assign($which, $is_file, newval);
        }
    };
}
assign_hook!(assign_file, Which::Current, true);
assign_hook!(assign_command, Which::Current, false);
assign_hook!(assign_previous_file, Which::Previous, true);
assign_hook!(assign_previous_command, Which::Previous, false);

/// PostgreSQL calls the assign hook of every setting in the configuration file at each reload,
/// changed or not, in the postmaster and in every backend, before storing the new value; so
/// the hook takes its own setting's value from `newval` and the other one of the pair as stored.
fn on_assign(which: Which, is_file: bool, newval: *const std::ffi::c_char) {
    let new = if newval.is_null() {
        None
    } else {
        // SAFETY: PostgreSQL passes a NUL-terminated string that lives for the call.
        Some(unsafe { CStr::from_ptr(newval) }.to_string_lossy().into_owned()).filter(|v| !v.trim().is_empty())
    };
    let (file, cmd) = pair(which);
    let (this_old, other) = if is_file { (setting(file), setting(cmd)) } else { (setting(cmd), setting(file)) };
    let mut st = state();
    if !st.initialised {
        return;
    }
    // A setting that was and stays empty changes nothing: only the other one of the pair can
    // name a key, and its own hook loads it. This keeps a reload from loading twice.
    if new.is_none() && this_old.is_none() {
        return;
    }
    // SAFETY: reading a PostgreSQL global flag on the main thread.
    if unsafe { pg_sys::IsUnderPostmaster } {
        // A running backend loads at the next statement that needs the key (`current()`).
        match which {
            Which::Current => st.stale_current = true,
            Which::Previous => st.stale_previous = true,
        }
        return;
    }
    drop(st);
    // The postmaster, inside its reload: load now, so that every backend forked from here on
    // starts with the key.
    let (f, c) = if is_file { (new, other) } else { (other, new) };
    load_and_store(which, (f, c), PgLogLevel::WARNING);
}

fn pair(which: Which) -> (&'static GucSetting<Option<CString>>, &'static GucSetting<Option<CString>>) {
    match which {
        Which::Current => (&MASTER_KEY_FILE, &MASTER_KEY_COMMAND),
        Which::Previous => (&PREVIOUS_MASTER_KEY_FILE, &PREVIOUS_MASTER_KEY_COMMAND),
    }
}

fn names(which: Which) -> (&'static str, &'static str) {
    match which {
        Which::Current => ("colcrypt.master_key_file", "colcrypt.master_key_command"),
        Which::Previous => ("colcrypt.previous_master_key_file", "colcrypt.previous_master_key_command"),
    }
}

/// Loads the key `source` names and keeps it, reporting at `level` what went wrong.
///
/// A key that was loaded from the same settings stays when loading it again fails: every reload
/// re-reads the file or re-runs the command, also a reload for an unrelated setting, and a DBA
/// review found that a reload during a key service's outage (or after a `chmod` of the key file)
/// took the key from every new session. The key in memory is no less safe for that; the failure
/// is reported, and `master_key_info()` still shows the key in use. Settings that name another
/// source, or none, take effect as they are (emptying both is how a key is unloaded).
fn load_and_store(which: Which, source: Source, level: PgLogLevel) {
    let loaded = load_pair(which, source.0.clone(), source.1.clone());
    let mut st = state();
    let (slot, loaded_from) = match which {
        Which::Current => (&st.current, &st.current_source),
        Which::Previous => (&st.previous, &st.previous_source),
    };
    if let (Some(Err(why)), Some(Ok(kept))) = (&loaded, slot) {
        if *loaded_from == source {
            let what = match which {
                Which::Current => "master key",
                Which::Previous => "previous master key",
            };
            let message = format!(
                "colcrypt: loading the {what} again failed: {why}; the one loaded before from the same setting (key id {}) stays in use until a reload loads it",
                kept.key_id()
            );
            let because = Some(format!("loading it again failed: {why}; the key loaded before stays in use"));
            match which {
                Which::Current => (st.stale_current, st.current_kept_because) = (false, because),
                Which::Previous => (st.stale_previous, st.previous_kept_because) = (false, because),
            }
            drop(st);
            log_without_statement(log_level(level), &message);
            return;
        }
    }
    drop(st);
    if let Some(l) = &loaded {
        report(which, l, level);
    }
    let mut st = state();
    match which {
        Which::Current => (st.current_source, st.current_kept_because) = (source, None),
        Which::Previous => (st.previous_source, st.previous_kept_because) = (source, None),
    }
    store(&mut st, which, loaded);
}

fn store(st: &mut State, which: Which, loaded: Option<Fresh>) {
    let loaded = loaded.map(|l| l.map(Arc::new));
    match which {
        Which::Current => {
            st.current = Some(loaded.unwrap_or_else(|| {
                Err("neither colcrypt.master_key_file nor colcrypt.master_key_command is set".to_owned())
            }));
            st.stale_current = false;
        }
        Which::Previous => {
            st.previous = loaded;
            st.stale_previous = false;
        }
    }
}

/// Called from `_PG_init`. Loads in the postmaster only; a library loaded later by a backend
/// (not preloaded) records why it has no key.
pub(crate) fn load_at_startup() {
    // SAFETY: reading a PostgreSQL global flag on the main thread.
    let preloading = unsafe { pg_sys::process_shared_preload_libraries_in_progress };
    if !preloading {
        let why = "colcrypt is not in shared_preload_libraries, so no master key was loaded".to_owned();
        let mut st = state();
        st.current = Some(Err(why));
        st.previous = None;
        return;
    }
    for which in [Which::Current, Which::Previous] {
        let (file, cmd) = pair(which);
        load_and_store(which, (setting(file), setting(cmd)), PgLogLevel::WARNING);
    }
    state().initialised = true;
}

/// In a backend, before using a key: the load a reload asked for.
fn refresh(which: Which) {
    let stale = {
        let st = state();
        match which {
            Which::Current => st.stale_current,
            Which::Previous => st.stale_previous,
        }
    };
    if stale {
        let (file, cmd) = pair(which);
        // LOG, not WARNING: a backend's warning would reach its client, whose statement gets
        // the reason as its error anyway.
        load_and_store(which, (setting(file), setting(cmd)), PgLogLevel::LOG);
    }
}

/// The elevel of a key-loading report: WARNING at server start (the postmaster), LOG in a backend.
fn log_level(level: PgLogLevel) -> u32 {
    if level == PgLogLevel::WARNING { pg_sys::WARNING } else { pg_sys::LOG }
}

fn report(which: Which, loaded: &Fresh, level: PgLogLevel) {
    let what = match which {
        Which::Current => "master key",
        Which::Previous => "previous master key",
    };
    // Without the statement: a backend loads a key when a statement first needs it, and that
    // statement's text (its plaintext literals) would follow the line into the log.
    match loaded {
        Ok(cipher) => log_without_statement(pg_sys::LOG, &format!("colcrypt: {what} loaded (key id {})", cipher.key_id())),
        Err(why) => log_without_statement(
            log_level(level),
            &format!("colcrypt: no {what}: {why}; server-managed keys will refuse to work until this is fixed"),
        ),
    }
}

fn setting(s: &GucSetting<Option<CString>>) -> Option<String> {
    s.get().map(|c| c.to_string_lossy().into_owned()).filter(|v| !v.trim().is_empty())
}

/// `None` when neither setting is given.
fn load_pair(which: Which, file: Option<String>, command: Option<String>) -> Option<Fresh> {
    let (file_name, cmd_name) = names(which);
    let key = match (file, command) {
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
    let s = unsafe { CStr::from_ptr(dir) }.to_string_lossy().into_owned();
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
    let text = Zeroizing::new(std::fs::read(&real).map_err(|e| format!("{name} ({shown}) cannot be read: {}", e.kind()))?);
    parse_master_key(&text).map_err(|e| format!("{name} ({shown}): {e}"))
}

/// How a key command ended.
enum Ending {
    Exited(std::process::ExitStatus),
    TimedOut,
    TooLong,
}

fn key_from_command(name: &str, command: &str) -> std::result::Result<Key, String> {
    let limit = Duration::from_secs(COMMAND_TIMEOUT_S.get().max(1) as u64);
    let started = Instant::now();
    let (ending, stdout, stderr_len) = run_limited(name, command, limit)?;
    let ms = started.elapsed().as_millis();
    // The command line may hold credentials, so it is never echoed in messages. A key tool's
    // diagnostics could carry the key or its credentials, and the server log is not the place
    // for either: only their size is reported. Run the command by hand to see them.
    let status = match &ending {
        Ending::Exited(s) => match (s.code(), s.signal()) {
            (Some(code), _) => format!("exit status {code}"),
            (None, Some(sig)) => format!("killed by signal {sig}"),
            _ => "unknown exit".to_owned(),
        },
        Ending::TimedOut => "timed out, process group killed".to_owned(),
        Ending::TooLong => format!("printed more than {MAX_COMMAND_OUTPUT} bytes, process group killed"),
    };
    log_without_statement(
        pg_sys::LOG,
        &format!("colcrypt: {name} finished in {ms} ms ({status}; {stderr_len} bytes on its stderr, not logged)"),
    );
    match ending {
        Ending::TimedOut => Err(format!(
            "{name} did not finish within colcrypt.master_key_command_timeout ({} s); its process group was killed",
            limit.as_secs()
        )),
        Ending::TooLong => Err(format!("{name} printed more than {MAX_COMMAND_OUTPUT} bytes, which is not a master key")),
        Ending::Exited(s) if !s.success() => Err(format!("{name} failed ({status}; {stderr_len} bytes on its stderr, not logged)")),
        Ending::Exited(_) => parse_master_key(&stdout).map_err(|e| format!("{name} printed no usable key: {e}")),
    }
}

/// Runs `command` through /bin/sh in a process group of its own, collecting at most
/// MAX_COMMAND_OUTPUT bytes of stdout and counting (not keeping) stderr, for at most `limit`;
/// the group is killed when the limit is hit or the output is too long. poll(2) instead of
/// threads: the postmaster runs this, inside its reload, and must stay single-threaded.
fn run_limited(name: &str, command: &str, limit: Duration) -> std::result::Result<(Ending, Zeroizing<Vec<u8>>, usize), String> {
    let deadline = Instant::now() + limit;
    let mut child = Command::new("/bin/sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(|e| format!("{name} could not be started: {}", e.kind()))?;
    let pgid = child.id() as libc::pid_t;
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let mut out = Zeroizing::new(Vec::with_capacity(MAX_COMMAND_OUTPUT + 1));
    let mut err_len = 0usize;
    let mut buf = Zeroizing::new([0u8; 1024]);
    let mut ending = None;
    while stdout.is_some() || stderr.is_some() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            ending = Some(Ending::TimedOut);
            break;
        }
        let mut fds: Vec<libc::pollfd> = [stdout.as_ref().map(|p| p.as_raw_fd()), stderr.as_ref().map(|p| p.as_raw_fd())]
            .into_iter()
            .map(|fd| libc::pollfd { fd: fd.unwrap_or(-1), events: libc::POLLIN, revents: 0 })
            .collect();
        let ms = left.as_millis().min(1000) as libc::c_int;
        // SAFETY: `fds` is a valid array of two pollfd; a negative fd is ignored by poll.
        let rc = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ms.max(1)) };
        if rc < 0 {
            if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            ending = Some(Ending::TimedOut);
            break;
        }
        if fds[0].revents != 0 {
            let n = stdout.as_mut().map_or(Ok(0), |p| p.read(&mut buf[..])).unwrap_or(0);
            if n == 0 {
                stdout = None;
            } else {
                out.extend_from_slice(&buf[..n]);
                if out.len() > MAX_COMMAND_OUTPUT {
                    ending = Some(Ending::TooLong);
                    break;
                }
            }
        }
        if fds[1].revents != 0 {
            let n = stderr.as_mut().map_or(Ok(0), |p| p.read(&mut buf[..])).unwrap_or(0);
            if n == 0 {
                stderr = None;
            } else {
                err_len += n;
            }
        }
    }
    if ending.is_none() {
        // Both pipes closed: the shell is exiting. Wait for it, still within the limit.
        loop {
            match child.try_wait() {
                Ok(Some(status)) => return Ok((Ending::Exited(status), out, err_len)),
                Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
                Ok(None) => {
                    ending = Some(Ending::TimedOut);
                    break;
                }
                Err(e) => return Err(format!("{name} could not be waited for: {}", e.kind())),
            }
        }
    }
    // Kill the whole group (the shell and whatever it started) before reaping the shell, so the
    // group id cannot have been reused.
    // SAFETY: kill(2) on our own child's process group.
    unsafe { libc::kill(-pgid, libc::SIGKILL) };
    let _ = child.wait();
    Ok((ending.unwrap_or(Ending::TimedOut), out, err_len))
}

/// The current master key, or the error that says why there is none.
pub(crate) fn current() -> Result<Arc<Cipher>> {
    refresh(Which::Current);
    match &state().current {
        Some(Ok(c)) => Ok(Arc::clone(c)),
        Some(Err(why)) => Err(ColcryptError::NoMasterKey(why.clone())),
        None => Err(ColcryptError::NoMasterKey("colcrypt was not initialised".to_owned())),
    }
}

/// The previous master key during a rotation.
pub(crate) fn previous() -> Result<Arc<Cipher>> {
    refresh(Which::Previous);
    match &state().previous {
        Some(Ok(c)) => Ok(Arc::clone(c)),
        Some(Err(why)) => Err(ColcryptError::NoPreviousMasterKey(why.clone())),
        None => Err(ColcryptError::NoPreviousMasterKey("no previous master key is configured".to_owned())),
    }
}

/// Whether a previous key is loaded, for unwrapping keys not yet re-wrapped mid-rotation.
pub(crate) fn previous_if_loaded() -> Option<Arc<Cipher>> {
    previous().ok()
}

/// (which, source, loaded, key id, problem) rows for `colcrypt.master_key_info()`.
pub(crate) fn describe() -> Vec<(String, Option<String>, bool, Option<String>, Option<String>)> {
    refresh(Which::Current);
    refresh(Which::Previous);
    let source = |which: Which| {
        let (file, cmd) = pair(which);
        match (setting(file), setting(cmd)) {
            (Some(_), Some(_)) => Some("file and command".to_owned()),
            (Some(_), None) => Some("file".to_owned()),
            (None, Some(_)) => Some("command".to_owned()),
            (None, None) => None,
        }
    };
    let row = |which: &str, src: Option<String>, loaded: Option<&Loaded>, kept_because: &Option<String>| match loaded {
        Some(Ok(c)) => (which.to_owned(), src, true, Some(c.key_id()), kept_because.clone()),
        Some(Err(why)) => (which.to_owned(), src, false, None, Some(why.clone())),
        None => (which.to_owned(), src, false, None, None),
    };
    let st = state();
    vec![
        row("current", source(Which::Current), st.current.as_ref(), &st.current_kept_because),
        row("previous", source(Which::Previous), st.previous.as_ref(), &st.previous_kept_because),
    ]
}
