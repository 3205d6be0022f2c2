//! Constant-time equality of byte strings, a word at a time. `subtle`'s slice `ct_eq` passes every
//! byte through an optimisation barrier, which on the read path (a 32-byte key commitment per
//! value opened, a parameter's bytes per cross-type comparison) cost more than the compare
//! itself: here the bytes are folded with XOR and OR, with no branch on their contents, and one
//! barrier is applied to the result.

use subtle::ConstantTimeEq;

/// Whether `a` and `b` are equal, in time that depends on their lengths only (lengths are not
/// secret to the callers: a commitment is 32 bytes, a parameter's length is its datum's).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut diff = 0u64;
    let (wa, wb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ta, tb) = (wa.remainder(), wb.remainder());
    for (x, y) in wa.zip(wb) {
        diff |= u64::from_ne_bytes(x.try_into().expect("8 bytes")) ^ u64::from_ne_bytes(y.try_into().expect("8 bytes"));
    }
    for (x, y) in ta.iter().zip(tb) {
        diff |= u64::from(x ^ y);
    }
    bool::from(diff.ct_eq(&0))
}

#[cfg(test)]
mod tests {
    use super::ct_eq;

    /// Every length around the word size, and a difference in every byte position (in the
    /// words and in the tail), is told apart; equal strings are equal.
    #[test]
    fn equal_only_when_every_byte_and_the_length_match() {
        for len in 0..40usize {
            let a: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
            assert!(ct_eq(&a, &a.clone()), "len {len}");
            for i in 0..len {
                for bit in [0x01u8, 0x80] {
                    let mut b = a.clone();
                    b[i] ^= bit;
                    assert!(!ct_eq(&a, &b), "len {len}, byte {i}, bit {bit:#x}");
                }
            }
            let mut longer = a.clone();
            longer.push(0);
            assert!(!ct_eq(&a, &longer), "a prefix is not equal (len {len})");
            assert!(!ct_eq(&longer, &a));
        }
    }
}
