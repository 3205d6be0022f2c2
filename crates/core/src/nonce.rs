//! Nonces from a per-process ChaCha20 CSPRNG seeded by the operating system (docs/FORMAT.md,
//! "Nonces and the per-key budget"). A getrandom call per nonce would cost more than the AES.
//!
//! PostgreSQL forks each backend from the postmaster. A generator created before a fork would
//! hand every child the same stream, so the extension calls [`note_fork`] from a
//! `pthread_atfork` child handler; the next nonce in the child then reseeds from the OS.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

use rand_chacha::ChaCha20Rng;
use rand_core::{OsRng, RngCore, SeedableRng};

use crate::envelope::NONCE_LEN;
use crate::error::Error;

static FORK_EPOCH: AtomicU64 = AtomicU64::new(0);

thread_local! {
    static GENERATOR: RefCell<Option<(u64, ChaCha20Rng)>> = const { RefCell::new(None) };
}

/// Marks every existing generator stale. Async-signal-safe (one atomic add), as a fork handler
/// must be.
pub fn note_fork() {
    FORK_EPOCH.fetch_add(1, Ordering::SeqCst);
}

pub(crate) fn fork_epoch() -> u64 {
    FORK_EPOCH.load(Ordering::SeqCst)
}

pub(crate) fn next() -> Result<[u8; NONCE_LEN], Error> {
    let epoch = FORK_EPOCH.load(Ordering::SeqCst);
    GENERATOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        let fresh = matches!(&*slot, Some((e, _)) if *e == epoch);
        if !fresh {
            let rng = ChaCha20Rng::from_rng(OsRng).map_err(|_| Error::RandomSource)?;
            *slot = Some((epoch, rng));
        }
        let (_, rng) = slot.as_mut().expect("set above");
        let mut nonce = [0u8; NONCE_LEN];
        rng.fill_bytes(&mut nonce);
        Ok(nonce)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fork_reseeds_the_generator() {
        let _ = next().unwrap();
        // What a forked child would inherit: a copy of the parent's generator.
        let mut inherited = GENERATOR.with(|c| c.borrow().as_ref().unwrap().1.clone());
        let mut without_reseed = [0u8; NONCE_LEN];
        inherited.fill_bytes(&mut without_reseed);
        note_fork();
        assert_ne!(next().unwrap(), without_reseed, "after a fork the child must not continue the parent's stream");
    }

    #[test]
    fn nonces_do_not_repeat_in_one_process() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..100_000 {
            assert!(seen.insert(next().unwrap()));
        }
    }
}
