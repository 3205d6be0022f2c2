//! Per-backend state without thread-local storage. A shared library's `thread_local!` costs a
//! call to `__tls_get_addr` on every access, and the read path touches such state several times
//! per row (bench/profile.sh). A PostgreSQL backend runs colcrypt on one thread only, so a plain
//! static serves as well.

use std::cell::UnsafeCell;

/// A value each backend process has one of, accessed as `thread_local!`'s `LocalKey` is.
pub(crate) struct BackendLocal<T>(UnsafeCell<T>);

// SAFETY: PostgreSQL backends are single-threaded processes, and colcrypt starts no threads:
// every access happens on the backend's one thread (pgrx refuses calls into PostgreSQL from any
// other). A forked child gets its own copy.
unsafe impl<T> Sync for BackendLocal<T> {}

impl<T> BackendLocal<T> {
    pub(crate) const fn new(value: T) -> Self {
        BackendLocal(UnsafeCell::new(value))
    }

    /// Calls `f` with the value. Only shared references are handed out, so interior mutability
    /// (`Cell`, `RefCell`) does the rest, as with `LocalKey::with`.
    pub(crate) fn with<R>(&'static self, f: impl FnOnce(&T) -> R) -> R {
        // SAFETY: one thread (above); no `&mut T` is ever created.
        f(unsafe { &*self.0.get() })
    }
}
