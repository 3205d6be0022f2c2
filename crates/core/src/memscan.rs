//! For tests only (feature `test-vectors`): whether secret-derived bytes are still in this
//! process's memory. Reads the process's own writable anonymous mappings (heap, C allocators'
//! arenas, thread stacks) through /proc/self/mem; Linux only.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};

/// Round keys 2 and 3 (w[8..16]) of the FIPS-197 Appendix A.3 example AES-256 key: bytes that
/// exist only inside an expanded key schedule of `FIPS_197_KEY`, never in a caller's copy of
/// the key.
pub const FIPS_197_KEY: [u8; 32] = [
    0x60, 0x3d, 0xeb, 0x10, 0x15, 0xca, 0x71, 0xbe, 0x2b, 0x73, 0xae, 0xf0, 0x85, 0x7d, 0x77, 0x81, //
    0x1f, 0x35, 0x2c, 0x07, 0x3b, 0x61, 0x08, 0xd7, 0x2d, 0x98, 0x10, 0xa3, 0x09, 0x14, 0xdf, 0xf4,
];
pub const FIPS_197_ROUND_KEYS: [[u8; 16]; 2] = [
    [0x9b, 0xa3, 0x54, 0x11, 0x8e, 0x69, 0x25, 0xaf, 0xa5, 0x1a, 0x8b, 0x5f, 0x20, 0x67, 0xfc, 0xde],
    [0xa8, 0xb0, 0x9c, 0x1a, 0x93, 0xd1, 0x94, 0xcd, 0xbe, 0x49, 0x84, 0x6e, 0xb7, 0x5d, 0x5b, 0x9a],
];

/// Occurrences of any needle: (on the calling thread's stack, everywhere else).
#[inline(never)]
pub fn count_in_writable_memory(needles: &[[u8; 16]]) -> (usize, usize) {
    let marker = 0u8;
    let here = std::hint::black_box(&marker) as *const u8 as u64;
    let maps = std::fs::read_to_string("/proc/self/maps").expect("/proc/self/maps");
    let mut mem = File::open("/proc/self/mem").expect("/proc/self/mem");
    let (mut stack, mut other) = (0, 0);
    for line in maps.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        let anonymous = f.len() < 6 || f[5] == "[heap]" || f[5] == "[stack]";
        if !f[1].starts_with("rw") || !anonymous {
            continue;
        }
        let Some((lo, hi)) = f[0].split_once('-') else { continue };
        let (Ok(lo), Ok(hi)) = (u64::from_str_radix(lo, 16), u64::from_str_radix(hi, 16)) else { continue };
        // Wiped after use: a copy of memory holding a schedule must not be found by the next scan.
        let mut buf = zeroize::Zeroizing::new(vec![0u8; (hi - lo) as usize]);
        if mem.seek(SeekFrom::Start(lo)).is_err() || mem.read_exact(&mut buf).is_err() {
            continue;
        }
        let n: usize = needles.iter().map(|nd| buf.windows(16).filter(|w| w == nd).count()).sum();
        if (lo..hi).contains(&here) {
            stack += n;
        } else {
            other += n;
        }
    }
    (stack, other)
}
