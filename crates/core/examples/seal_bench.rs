//! Core seal/open cost per value, for `make bench` (scenario 1). Prints one line per case:
//! `suite size seal_ns_median seal_ns_min seal_ns_max open_ns_median open_ns_min open_ns_max`.
//! Times are this thread's CPU time, not wall time. The first line names the AEAD backend.
//!   cargo run --release -p colcrypt-core --example seal_bench [iterations]

use std::hint::black_box;

use colcrypt_core::{Cipher, DataKeyCipher, Key, AEAD_BACKEND};

/// This thread's CPU time in ns (CLOCK_THREAD_CPUTIME_ID): waiting for a core on a busy
/// machine does not count, as it would in wall time.
fn cpu_ns() -> u64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes one timespec, which lives on this stack frame.
    let r = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(r, 0, "clock_gettime");
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

fn per_value(iterations: u32, mut f: impl FnMut()) -> f64 {
    let t = cpu_ns();
    for _ in 0..iterations {
        f();
    }
    (cpu_ns() - t) as f64 / f64::from(iterations)
}

fn stats(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(|a, b| a.total_cmp(b));
    (v[v.len() / 2], v[0], v[v.len() - 1])
}

fn main() {
    let iterations: u32 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(200_000);
    println!("backend {AEAD_BACKEND}");
    let key = Key::from_slice(&[7u8; 32]).unwrap();
    let suite1 = Cipher::new(&key);
    let suite2 = DataKeyCipher::new(&key);
    for size in [16usize, 64, 1024, 8192, 65536] {
        let pt = vec![0xA5u8; size];
        let iters = (iterations as usize * 64 / size.max(64)).max(1000) as u32;
        for suite in [1, 2] {
            let env = if suite == 1 { suite1.seal(&pt, b"").unwrap() } else { suite2.seal(&pt, b"").unwrap() };
            let (mut seal, mut open) = (Vec::new(), Vec::new());
            for _ in 0..5 {
                seal.push(per_value(iters, || {
                    black_box(if suite == 1 { suite1.seal(black_box(&pt), b"") } else { suite2.seal(black_box(&pt), b"") }.unwrap());
                }));
                open.push(per_value(iters, || {
                    black_box(if suite == 1 { suite1.open(black_box(&env), b"") } else { suite2.open(black_box(&env), b"") }.unwrap());
                }));
            }
            let (s, o) = (stats(seal), stats(open));
            println!("{suite} {size} {:.0} {:.0} {:.0} {:.0} {:.0} {:.0}", s.0, s.1, s.2, o.0, o.1, o.2);
        }
    }
}
