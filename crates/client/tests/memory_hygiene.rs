//! Memory that held plaintext, seen from the allocator. Buffers that held plaintext are wiped
//! before their memory goes back, also when they grow ("every buffer that held the value,
//! including those left behind when the buffer grew"); a value is held once, not as its text form
//! and not twice while a buffer grows. This test binary installs an allocator that counts the
//! bytes allocated and, when armed, looks for a canary in every block freed. Its tests take a
//! lock, so only one runs at a time in the process.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use colcrypt_client::csv_columns::{decrypt, encrypt, Binding, Columns};
use colcrypt_client::format::{self, Format};
use colcrypt_client::{Cipher, Key};

const CANARY: &[u8; 16] = b"pLaInTeXt-CaNaRy";

static ARMED: AtomicBool = AtomicBool::new(false);
static FOUND: AtomicUsize = AtomicUsize::new(0);
static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

struct Watching;

unsafe impl GlobalAlloc for Watching {
    /// Every block starts zeroed, so what a freed block holds was written while it was in use
    /// (not left there by an earlier owner).
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
            PEAK.fetch_max(now, Ordering::SeqCst);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if ARMED.load(Ordering::SeqCst) && layout.size() >= CANARY.len() {
            // SAFETY: the block is still allocated, `layout.size()` bytes long, and initialised
            // or not, reading it as bytes is what a scan of freed memory does.
            let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            if block.windows(CANARY.len()).any(|w| w == CANARY) {
                FOUND.fetch_add(1, Ordering::SeqCst);
            }
        }
        CURRENT.fetch_sub(layout.size(), Ordering::SeqCst);
        unsafe { System.dealloc(ptr, layout) }
    }
    // realloc: the default moves the block with `alloc` and `dealloc` above, so a buffer that
    // grows without being wiped first is seen.
}

#[global_allocator]
static WATCHING: Watching = Watching;

/// Runs `f` armed and returns how many freed blocks held the canary.
fn freed_with_canary(f: impl FnOnce()) -> usize {
    FOUND.store(0, Ordering::SeqCst);
    ARMED.store(true, Ordering::SeqCst);
    f();
    ARMED.store(false, Ordering::SeqCst);
    FOUND.load(Ordering::SeqCst)
}

/// Runs `f` and returns the most bytes it had allocated at once (what it returns included).
fn peak_during(f: impl FnOnce()) -> usize {
    let base = CURRENT.load(Ordering::SeqCst);
    PEAK.store(base, Ordering::SeqCst);
    f();
    PEAK.load(Ordering::SeqCst) - base
}

/// Plaintext field values holding the canary, of sizes on both sides of every buffer's growth.
fn secret(len: usize) -> String {
    let unit = std::str::from_utf8(CANARY).unwrap();
    unit.repeat(len / CANARY.len() + 1)[..len.max(CANARY.len())].to_owned()
}

/// A writer with room for everything, so that its own buffer never moves; wiped by the caller.
fn sink(capacity: usize) -> Vec<u8> {
    Vec::with_capacity(capacity)
}

fn wipe(mut v: Vec<u8>) {
    v.iter_mut().for_each(|b| *b = 0);
    let cap = v.capacity();
    v.resize(cap, 0);
    v.iter_mut().for_each(|b| *b = 0);
}

#[test]
fn no_freed_buffer_holds_plaintext() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let cipher = Cipher::new(&Key::from_slice(&[3; 32]).unwrap());
    // Two columns: a small secret first, then values large enough that the record buffers grow
    // (4096 bytes to start with, doubling) after the small one is in them.
    let cols = Columns { columns: vec!["1".parse().unwrap(), "2".parse().unwrap()], header: false, binding: Binding::Fixed(None) };
    let mut plain = String::new();
    for big in [10, 3000, 5000, 20_000, 70_000] {
        plain.push_str(&format!("{},{}\n", secret(40), secret(big)));
    }
    let mut sealed = sink(1 << 20);
    encrypt(plain.as_bytes(), &mut sealed, &cipher, &cols).unwrap();
    assert!(!sealed.windows(CANARY.len()).any(|w| w == CANARY));

    // Decrypting: every plaintext buffer but the caller's output is wiped before it is freed.
    let mut opened = sink(1 << 20);
    let found = freed_with_canary(|| {
        decrypt(&sealed[..], &mut opened, &cipher, &cols).unwrap();
    });
    assert_eq!(opened, plain.as_bytes());
    assert_eq!(found, 0, "csv decrypt freed {found} buffer(s) still holding plaintext");
    wipe(opened);

    // Encrypting: the input is the caller's; the record buffers that copy it are wiped.
    let mut again = sink(1 << 20);
    let found = freed_with_canary(|| {
        encrypt(plain.as_bytes(), &mut again, &cipher, &cols).unwrap();
    });
    assert_eq!(found, 0, "csv encrypt freed {found} buffer(s) still holding plaintext");

    // One value read in every text form, from a reader that does not tell its length, so the
    // value buffer grows many times.
    for f in [Format::Raw, Format::Hex, Format::Base64] {
        let value = secret(300_000);
        let text = format::encode(f, value.as_bytes());
        let found = freed_with_canary(|| {
            let back = format::read_value(f, &text[..], None, u64::MAX).unwrap();
            assert_eq!(&back[..], value.as_bytes());
        });
        assert_eq!(found, 0, "{f:?}: reading a value freed {found} buffer(s) still holding it");
        wipe(text);
    }
    wipe(sealed);
    wipe(again);
}

/// A value read from its text form is held once: not the whole text, not a second copy while a
/// buffer grows. The allowance covers the 48 KiB read chunk and the text and decode buffers.
#[test]
fn a_value_is_held_once_while_it_is_read() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let n = 3 << 21; // 6 MiB, a multiple of 3 so that base64 has no padding to estimate
    let value: Vec<u8> = (0..n).map(|i| (i % 251) as u8).collect();
    let allowance = 512 << 10;
    for f in [Format::Raw, Format::Hex, Format::Base64] {
        let text = format::encode(f, &value);
        let peak = peak_during(|| {
            let back = format::read_value(f, &text[..], Some(text.len() as u64), u64::MAX).unwrap();
            assert_eq!(back.len(), n);
        });
        assert!(peak <= n + allowance, "{f:?}: {} KiB allocated at once to read a {} KiB value", peak >> 10, n >> 10);
    }
}

/// CSV memory is bounded by the record, never by the file (csv_columns), and by a small multiple
/// of it: a 1 MiB value is 2 MiB of bytea hex, read into a buffer that doubles as it fills, and
/// written into a line buffer sized for the field.
#[test]
fn a_csv_record_is_held_in_memory_proportional_to_it() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let cipher = Cipher::new(&Key::from_slice(&[3; 32]).unwrap());
    for fields in [1usize, 3] {
        let cols = Columns { columns: (1..=fields).map(|i| i.to_string().parse().unwrap()).collect(), header: false, binding: Binding::Fixed(None) };
        let plain = vec!["x".repeat(1 << 20); fields].join(",") + "\n";
        let bound = 10 * plain.len() + (1 << 20);
        let mut sealed = sink(16 << 20);
        let peak = peak_during(|| {
            encrypt(plain.as_bytes(), &mut sealed, &cipher, &cols).unwrap();
        });
        assert!(peak <= bound, "encrypting {fields} × 1 MiB held {} KiB at once", peak >> 10);
        let mut opened = sink(16 << 20);
        let peak = peak_during(|| {
            decrypt(&sealed[..], &mut opened, &cipher, &cols).unwrap();
        });
        assert!(peak <= bound, "decrypting {fields} × 1 MiB held {} KiB at once", peak >> 10);
        assert_eq!(opened, plain.as_bytes());
    }
}
