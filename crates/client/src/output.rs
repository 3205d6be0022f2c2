//! Output files written the way careful tools write them, because they may hold plaintext.
//!
//! - The data goes to an anonymous file (`O_TMPFILE`) in the target's directory, which has no
//!   name until it is complete: a run that is killed, even with SIGKILL, leaves nothing behind.
//!   Where the filesystem has no `O_TMPFILE`, a file with an unpredictable name is created with
//!   `O_CREAT | O_EXCL | O_NOFOLLOW` instead (never opening one someone else made), and SIGINT,
//!   SIGTERM and SIGHUP remove it ([`remove_partial_output_on_signals`]).
//! - Mode 0600, or the existing target's mode where that is stricter (further narrowed by the umask).
//! - The target is never followed or replaced when it is a symbolic link, FIFO, device, socket or
//!   directory: the run is refused with a message naming the file. Standard output is `-`.
//! - The data is flushed to disk (`fsync`), then linked under the target name (a new file) or
//!   renamed over it (an existing one), atomically, and the directory is synced: readers see the
//!   old file or the whole new one, and nothing at all when the run fails.

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::{self, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rustix::fs::{self as rfs, AtFlags, FileType, Mode, OFlags, CWD};
use rustix::io::Errno;

use crate::error::ClientError;

/// Named partial outputs (the fallback without `O_TMPFILE`, and an anonymous file for the moment
/// between being linked under a temporary name and renamed over the target). The signal thread
/// removes them; it holds the lock while the process dies, so no rename can race it.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn pending() -> MutexGuard<'static, Vec<PathBuf>> {
    PENDING.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Test hook: behave as on a filesystem without `O_TMPFILE`, so the fallback can be tested.
const NO_TMPFILE_ENV: &str = "COLCRYPT_TEST_NO_O_TMPFILE";

/// Removes named partial outputs when SIGINT, SIGTERM or SIGHUP arrives, then dies of the signal
/// as it would have without this. Call once, before creating outputs. (Anonymous partial outputs
/// need no help: the kernel frees them with the process.)
pub fn remove_partial_output_on_signals() -> io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::Builder::new().name("colcrypt-signals".into()).spawn(move || {
        if let Some(sig) = signals.forever().next() {
            let held = pending();
            for p in held.iter() {
                let _ = std::fs::remove_file(p);
            }
            let _ = signal_hook::low_level::emulate_default_handler(sig);
            // Not reached for these signals; exit as a shell reports a signal death.
            std::process::exit(128 + sig);
        }
    })?;
    Ok(())
}

enum Temp {
    /// `O_TMPFILE`: no name until [`SafeOutput::commit`].
    Anonymous,
    /// The fallback: created under this name (in `dir`) with `O_EXCL`.
    Named(OsString),
}

/// A file being written for `target`; it appears there only through [`SafeOutput::commit`].
/// Dropped without committing, it leaves nothing.
pub struct SafeOutput {
    file: File,
    dir: OwnedFd,
    dir_path: PathBuf,
    target: PathBuf,
    name: OsString,
    temp: Temp,
    /// The target did not exist when the run started.
    target_was_absent: bool,
}

fn io_err(e: Errno) -> io::Error {
    io::Error::from(e)
}

fn random_name() -> Result<OsString, ClientError> {
    let mut bytes = [0u8; 12];
    rustix::rand::getrandom(&mut bytes, rustix::rand::GetRandomFlags::empty())
        .map_err(|e| ClientError::Io(io::Error::other(format!("the random number generator failed: {}", io_err(e)))))?;
    Ok(format!(".colcrypt-{}.partial", hex::encode(bytes)).into())
}

fn kind_name(t: FileType) -> &'static str {
    match t {
        FileType::Symlink => "a symbolic link",
        FileType::Fifo => "a FIFO",
        FileType::CharacterDevice | FileType::BlockDevice => "a device",
        FileType::Socket => "a socket",
        FileType::Directory => "a directory",
        _ => "not a regular file",
    }
}

impl SafeOutput {
    /// Checks the target and opens the partial output beside it.
    pub fn create(target: &Path) -> Result<SafeOutput, ClientError> {
        let err = |what: String| ClientError::Output { path: target.display().to_string(), what };
        let name = match target.file_name() {
            Some(n) if !target.as_os_str().as_encoded_bytes().ends_with(b"/") => n.to_os_string(),
            _ => return Err(err("names a directory, not a file".into())),
        };
        let dir_path = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let dir = rfs::open(&dir_path, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC, Mode::empty())
            .map_err(|e| err(format!("cannot open its directory: {}", io_err(e))))?;

        let (mode, target_was_absent) = match rfs::statat(&dir, &name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(st) => match FileType::from_raw_mode(st.st_mode) {
                FileType::RegularFile => (Mode::from_raw_mode(st.st_mode) & Mode::from_raw_mode(0o600), false),
                other => {
                    return Err(err(format!(
                        "is {}; colcrypt writes only regular files and never writes through or replaces links, \
                         FIFOs or devices (name the real file, or use `-o -` for standard output)",
                        kind_name(other)
                    )))
                }
            },
            Err(Errno::NOENT) => (Mode::from_raw_mode(0o600), true),
            Err(e) => return Err(err(format!("cannot check it: {}", io_err(e)))),
        };

        let anonymous = if std::env::var_os(NO_TMPFILE_ENV).is_some() {
            Err(Errno::OPNOTSUPP)
        } else {
            rfs::openat(&dir, ".", OFlags::WRONLY | OFlags::TMPFILE | OFlags::CLOEXEC, mode)
        };
        let (fd, temp) = match anonymous {
            Ok(fd) => (fd, Temp::Anonymous),
            // No O_TMPFILE in this kernel or filesystem.
            Err(Errno::OPNOTSUPP | Errno::ISDIR | Errno::NOENT | Errno::INVAL) => Self::create_named(&dir, &dir_path, mode, &err)?,
            Err(e) => return Err(err(format!("cannot create a file in its directory: {}", io_err(e)))),
        };
        Ok(SafeOutput { file: File::from(fd), dir, dir_path, target: target.to_path_buf(), name, temp, target_was_absent })
    }

    fn create_named(
        dir: &OwnedFd,
        dir_path: &Path,
        mode: Mode,
        err: &dyn Fn(String) -> ClientError,
    ) -> Result<(OwnedFd, Temp), ClientError> {
        for _ in 0..16 {
            let temp = random_name()?;
            // Registered under the lock, so a signal either sees the file or comes before it.
            let mut held = pending();
            let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
            match rfs::openat(dir, &temp, flags, mode) {
                Ok(fd) => {
                    held.push(dir_path.join(&temp));
                    return Ok((fd, Temp::Named(temp)));
                }
                Err(Errno::EXIST) => continue,
                Err(e) => return Err(err(format!("cannot create a file in its directory: {}", io_err(e)))),
            }
        }
        Err(err("cannot create a file with an unused name in its directory".into()))
    }

    fn err(&self, what: String) -> ClientError {
        ClientError::Output { path: self.target.display().to_string(), what }
    }

    /// Syncs the data and puts it under the target name atomically.
    pub fn commit(mut self) -> Result<(), ClientError> {
        self.file.flush()?;
        self.file.sync_all().map_err(|e| self.err(format!("cannot write it: {e}")))?;
        // The target may have changed kind during the run: still refuse links, FIFOs and devices.
        match rfs::statat(&self.dir, &self.name, AtFlags::SYMLINK_NOFOLLOW) {
            Ok(st) if FileType::from_raw_mode(st.st_mode) != FileType::RegularFile => {
                return Err(self.err(format!(
                    "became {} during the run; nothing was written",
                    kind_name(FileType::from_raw_mode(st.st_mode))
                )))
            }
            _ => {}
        }
        let temp = match &self.temp {
            Temp::Named(n) => n.clone(),
            Temp::Anonymous => {
                // A new file: give the anonymous file the target's name directly (fails if one
                // appeared meanwhile, which is then replaced below like any existing target).
                if self.target_was_absent {
                    match self.link_anonymous(&self.name.clone()) {
                        Ok(()) => return self.sync_dir(),
                        Err(Errno::EXIST) => {}
                        Err(e) => return Err(self.err(format!("cannot create it: {}", io_err(e)))),
                    }
                }
                self.link_anonymous_to_temp()?
            }
        };
        let held = pending();
        let renamed = rfs::renameat(&self.dir, &temp, &self.dir, &self.name);
        if let Err(e) = renamed {
            drop(held);
            return Err(self.err(format!(
                "cannot rename {} to it: {}",
                self.dir_path.join(&temp).display(),
                io_err(e)
            )));
        }
        // The temporary name is gone: nothing left to remove (and Drop does nothing).
        let mut held = held;
        let full = self.dir_path.join(&temp);
        held.retain(|p| p != &full);
        drop(held);
        self.temp = Temp::Anonymous;
        self.sync_dir()
    }

    fn link_anonymous(&self, name: &OsStr) -> Result<(), Errno> {
        // AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH on older kernels; /proc/self/fd works for all.
        match rfs::linkat(&self.file, "", &self.dir, name, AtFlags::EMPTY_PATH) {
            Err(Errno::NOENT | Errno::PERM | Errno::ACCESS | Errno::INVAL) => {
                let proc_path = format!("/proc/self/fd/{}", self.file.as_raw_fd());
                rfs::linkat(CWD, proc_path.as_str(), &self.dir, name, AtFlags::SYMLINK_FOLLOW)
            }
            other => other,
        }
    }

    /// Links the anonymous file under an unused random name, registered for removal on a signal.
    fn link_anonymous_to_temp(&mut self) -> Result<OsString, ClientError> {
        for _ in 0..16 {
            let temp = random_name()?;
            let mut held = pending();
            match self.link_anonymous(&temp) {
                Ok(()) => {
                    held.push(self.dir_path.join(&temp));
                    drop(held);
                    self.temp = Temp::Named(temp.clone());
                    return Ok(temp);
                }
                Err(Errno::EXIST) => continue,
                Err(e) => return Err(self.err(format!("cannot create a file in its directory: {}", io_err(e)))),
            }
        }
        Err(self.err("cannot link the output under an unused name in its directory".into()))
    }

    fn sync_dir(&self) -> Result<(), ClientError> {
        rfs::fsync(&self.dir).map_err(|e| self.err(format!("written, but its directory could not be synced: {}", io_err(e))))
    }
}

impl Write for SafeOutput {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl Drop for SafeOutput {
    fn drop(&mut self) {
        if let Temp::Named(temp) = &self.temp {
            let mut held = pending();
            let _ = rfs::unlinkat(&self.dir, temp, AtFlags::empty());
            let full = self.dir_path.join(temp);
            held.retain(|p| p != &full);
        }
    }
}
