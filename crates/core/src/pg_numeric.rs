//! PostgreSQL's `numeric_out` for a finite numeric given as its parts (sign, weight, display
//! scale, base-10000 digits), shared by the jsonb container reader and `colcrypt recover`'s
//! reading of `numeric_send` forms.

use std::fmt::Write as _;

use crate::Error;

/// numeric's largest display scale (NUMERIC_DSCALE_MASK).
pub const MAX_DSCALE: usize = 0x3FFF;

/// Appends the text `numeric_out` prints. Any digit of 10000 or more, or a display scale above
/// numeric's limit, is [`Error::CannotDecrypt`] (a damaged value: PostgreSQL writes neither).
pub fn write_text(negative: bool, weight: i32, dscale: usize, digits: &[u16], s: &mut String) -> Result<(), Error> {
    // Every digit, printed or not: the checks are the same as the jsonb reader's without printing.
    if dscale > MAX_DSCALE || digits.iter().any(|&d| d >= 10_000) {
        return Err(Error::CannotDecrypt);
    }
    let digit = |d: i32| if d >= 0 && (d as usize) < digits.len() { digits[d as usize] } else { 0 };
    if negative {
        s.push('-');
    }
    if weight < 0 {
        s.push('0');
    } else {
        for d in 0..=weight {
            if d == 0 {
                let _ = write!(s, "{}", digit(d));
            } else {
                let _ = write!(s, "{:04}", digit(d));
            }
        }
    }
    if dscale > 0 {
        s.push('.');
        let start = s.len();
        let mut d = weight + 1;
        while s.len() - start < dscale {
            let _ = write!(s, "{:04}", digit(d));
            d += 1;
        }
        s.truncate(start + dscale);
    }
    Ok(())
}
