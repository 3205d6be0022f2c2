//! `cargo run --release -p colcrypt-aead-compare [ITERATIONS_64B]`: seal and open with each
//! backend at the sizes colcrypt sees (64 B values, 1 KiB, an 8 KiB page-sized value, 64 KiB
//! TOASTed values), interleaved in rounds so the machine's noise falls on all alike; median of
//! the rounds, as a markdown table with ratios to aes-gcm (what colcrypt uses today).
use std::hint::black_box;

use colcrypt_aead_compare::{backend, Backend, NAMES};

const SIZES: [usize; 4] = [64, 1024, 8192, 65536];
const ROUNDS: usize = 7;

/// This thread's CPU time in ns (CLOCK_THREAD_CPUTIME_ID): waiting for a core on a busy
/// machine does not count, as it would in wall time.
fn cpu_ns() -> u64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes one timespec, which lives on this stack frame.
    let r = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(r, 0, "clock_gettime");
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

fn time_ns(b: &dyn Backend, size: usize, iters: usize) -> (f64, f64) {
    let mut buf = vec![0x5au8; size];
    let aad = [7u8; 40];
    let mut nonce = [0u8; 12];
    let mut tags = Vec::with_capacity(iters);
    let t = cpu_ns();
    for i in 0..iters {
        nonce[..8].copy_from_slice(&(i as u64).to_le_bytes());
        tags.push(b.seal(&nonce, &aad, black_box(&mut buf)));
    }
    let seal = (cpu_ns() - t) as f64 / iters as f64;
    // Open what the last seal made, iters times (the nonce and tag of that seal).
    let sealed = buf.clone();
    let tag = *tags.last().expect("one seal");
    let t = cpu_ns();
    for _ in 0..iters {
        buf.copy_from_slice(&sealed);
        assert!(b.open(&nonce, &aad, black_box(&mut buf), &tag));
    }
    let open_and_copy = (cpu_ns() - t) as f64 / iters as f64;
    let t = cpu_ns();
    for _ in 0..iters {
        buf.copy_from_slice(black_box(&sealed));
    }
    let copy = (cpu_ns() - t) as f64 / iters as f64;
    let open = open_and_copy - copy;
    (seal, open)
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
    v[v.len() / 2]
}

fn main() {
    let base: usize = std::env::args().nth(1).map(|s| s.parse().expect("iterations")).unwrap_or(400_000);
    let key = [0x42u8; 32];
    let backends: Vec<Box<dyn Backend>> = NAMES.iter().map(|n| backend(n, &key)).collect();
    // Every backend must agree byte for byte before its speed means anything.
    for size in SIZES {
        let mut reference = None;
        for b in &backends {
            let mut buf = vec![0x33u8; size];
            let tag = b.seal(&[9; 12], b"aad", &mut buf);
            let got = (buf, tag);
            match &reference {
                None => reference = Some(got),
                Some(r) => assert!(r == &got, "{} disagrees with aes-gcm at {size} bytes", b.name()),
            }
        }
    }
    println!("# AES-256-GCM backends, one run (bench/aead-compare, {ROUNDS} interleaved rounds, median of this thread's CPU time)\n");
    println!("| size | backend | seal ns | open ns | seal MB/s | open MB/s | seal ÷ aes-gcm | open ÷ aes-gcm |");
    println!("|---|---|---|---|---|---|---|---|");
    for size in SIZES {
        let iters = (base * 64 / size).max(2_000);
        let mut samples: Vec<(Vec<f64>, Vec<f64>)> = vec![(vec![], vec![]); backends.len()];
        for _ in 0..ROUNDS {
            for (i, b) in backends.iter().enumerate() {
                let (s, o) = time_ns(b.as_ref(), size, iters);
                samples[i].0.push(s);
                samples[i].1.push(o);
            }
        }
        let med: Vec<(f64, f64)> = samples.iter_mut().map(|(s, o)| (median(s), median(o))).collect();
        for (i, b) in backends.iter().enumerate() {
            let (s, o) = med[i];
            println!(
                "| {size} B | {} | {s:.0} | {o:.0} | {:.0} | {:.0} | {:.2} | {:.2} |",
                b.name(),
                size as f64 / s * 1e3,
                size as f64 / o * 1e3,
                s / med[0].0,
                o / med[0].1
            );
        }
    }
}
