//! Issue 16's secrets rule, checked by looking rather than by reading docs: after an AES key is
//! dropped, its expanded schedule must be gone from memory. A child process (this test binary
//! again, so nothing else in it ever held the key) expands the FIPS-197 example key through the
//! backend colcrypt is built with and counts that key's round keys in its own memory before,
//! during and after the key's life (colcrypt_core::memscan).
use std::process::Command;

use colcrypt_core::aead_raw::Key;
use colcrypt_core::memscan::{count_in_writable_memory, FIPS_197_KEY, FIPS_197_ROUND_KEYS};
use colcrypt_core::AEAD_BACKEND;

#[test]
fn child() {
    if std::env::var_os("KEY_SCHEDULE_CHILD").is_none() {
        return;
    }
    let (s0, o0) = count_in_writable_memory(&FIPS_197_ROUND_KEYS);
    let key = Key::new(&FIPS_197_KEY);
    let sealed = key.seal(&[0; 12], b"aad", &[1; 64]);
    assert_eq!(sealed.len(), 80);
    let (s1, o1) = count_in_writable_memory(&FIPS_197_ROUND_KEYS);
    drop(key);
    let (s2, o2) = count_in_writable_memory(&FIPS_197_ROUND_KEYS);
    println!("SCHEDULE before={} live={} heap_after={o2} stack_after={s2}", s0 + o0, s1 + o1);
}

#[test]
fn dropped_key_schedule_leaves_no_round_key_in_memory() {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["child", "--exact", "--nocapture", "--test-threads=1"])
        .env("KEY_SCHEDULE_CHILD", "1")
        .output()
        .expect("the child runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find_map(|l| l.find("SCHEDULE ").map(|i| &l[i..])).unwrap_or_else(|| panic!("no result: {text}"));
    let n = |k: &str| -> usize { line.split_whitespace().find_map(|w| w.strip_prefix(k)).expect(k).parse().unwrap() };
    eprintln!("{AEAD_BACKEND}: {line}");
    assert_eq!(n("before="), 0, "round keys of the example key in memory before it was expanded");
    assert!(n("live=") > 0, "the scan does not see the live schedule, so it would prove nothing");
    if AEAD_BACKEND == "aes-gcm" {
        // The pure-Rust backend builds its schedule by value and moves it: copies stay behind
        // (docs in src/aead.rs). Reported, not failed: it is the opt-in fallback.
        eprintln!("aes-gcm leaves {} copies in memory after drop", n("heap_after=") + n("stack_after="));
        return;
    }
    assert_eq!(n("heap_after=") + n("stack_after="), 0, "{AEAD_BACKEND} left round keys in memory after drop: {line}");
}
