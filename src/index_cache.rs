//! Blind indexes of envelopes that have no stored index (values of columns that are not
//! searchable, and literals, which are sealed under `__transient`), kept so that comparing many
//! rows with the same few values decrypts each of those values once.
//!
//! A scan compares every row with each literal of `= '…'`, of an `IN ('…', '…')` list (PostgreSQL
//! compares a list of up to eight one element at a time) or of ORed equalities, while the row
//! side changes on every call. A one-entry cache missed on every element of a two-element list
//! (100,000 rows: 273 ms against 45 ms for `=`), and, on a column that is not searchable, on the
//! literal after each row's value had replaced it. So the entries are kept by the CLOCK policy:
//! an entry found again is passed over once before it is replaced, and the values that recur
//! stay while each row's passes through.
//!
//! Only ciphertext and blind indexes are kept (neither is secret), and only for the backend's
//! database, whose blind index key never changes. Whoever asks must have the right to the value's
//! key, which the caller checks before every lookup: an answer from here is as good as the
//! plaintext's.

use std::cell::RefCell;

use colcrypt_core::BLIND_INDEX_LEN;

use crate::backend_local::BackendLocal;

/// More than a linear `IN` list has (PostgreSQL hashes lists of nine or more), and few enough that
/// a miss (a row's own value) costs little against the decryption that follows it.
const SLOTS: usize = 16;
/// Longer envelopes are not kept, so the cache holds at most 1 MiB: for such values the
/// decryption of each row's own value costs more than the literal's does.
const MAX_ENVELOPE: usize = 64 << 10;

struct Entry {
    envelope: Vec<u8>,
    tail: u64,
    index: [u8; BLIND_INDEX_LEN],
    /// Found again since the hand last passed: passed over once more.
    referenced: bool,
}

struct Cache {
    entries: Vec<Entry>,
    hand: usize,
}

static CACHE: BackendLocal<RefCell<Cache>> = BackendLocal::new(RefCell::new(Cache { entries: Vec::new(), hand: 0 }));

/// The blind index of `envelope` if it was computed lately.
pub(crate) fn get(envelope: &[u8]) -> Option<[u8; BLIND_INDEX_LEN]> {
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        // The tag at the end differs between any two envelopes: compared first, it rejects a
        // different value without reading the header and commitment that all values of one key
        // share.
        let last = tail(envelope);
        let e = c.entries.iter_mut().find(|e| e.tail == last && e.envelope == envelope)?;
        e.referenced = true;
        Some(e.index)
    })
}

/// Remembers the blind index of `envelope`, in place of one not found again lately.
pub(crate) fn put(envelope: &[u8], index: [u8; BLIND_INDEX_LEN]) {
    if envelope.len() > MAX_ENVELOPE {
        return;
    }
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        let entry = Entry { envelope: envelope.to_vec(), tail: tail(envelope), index, referenced: false };
        if c.entries.len() < SLOTS {
            c.entries.push(entry);
            return;
        }
        loop {
            let hand = c.hand;
            c.hand = (hand + 1) % SLOTS;
            let slot = &mut c.entries[hand];
            if !std::mem::replace(&mut slot.referenced, false) {
                *slot = entry;
                return;
            }
        }
    })
}

/// The last 8 bytes (part of the tag) as one word, or 0 for a shorter value.
fn tail(envelope: &[u8]) -> u64 {
    envelope.last_chunk::<8>().map_or(0, |b| u64::from_ne_bytes(*b))
}
