//! How the transparent column types bind values (docs/FORMAT.md, "Contexts" and "Type
//! modifiers"): the reserved context naming a value's type, and the type modifier naming a
//! column's data key. Both are persisted (in envelopes, in catalogs), so they are part of the
//! format and must never change.

use sha2::{Digest, Sha256};

/// The AAD context of a transparent type's values: a value of one type never opens as another.
/// The leading 0x00 keeps it apart from every user context (PostgreSQL text has no NUL).
pub fn type_context(type_name: &str) -> Vec<u8> {
    let mut c = b"\0colcrypt type ".to_vec();
    c.extend_from_slice(type_name.as_bytes());
    c
}

/// The AAD context of a searchable value whose blind index is bound into its envelope (stored as
/// `"CB" ‖ index ‖ envelope`): the type context, a 0x00 byte, then the 16-byte index. Type names
/// hold no NUL, so this never equals any type context, and the index has a fixed length.
pub fn indexed_context(type_context: &[u8], index: &[u8; 16]) -> Vec<u8> {
    let mut c = Vec::with_capacity(type_context.len() + 1 + index.len());
    c.extend_from_slice(type_context);
    c.push(0);
    c.extend_from_slice(index);
    c
}

/// How a stored value of a searchable column carries its blind index (docs/FORMAT.md,
/// "Searchable values"): `"CB" ‖ index ‖ envelope` binds the index into the envelope's AAD;
/// `"CI" ‖ index ‖ envelope`, written before indexes were bound, does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoredIndex {
    None,
    /// Tag "CI", written before indexes were bound into the envelope: the server checks it
    /// against the plaintext on input, and `reencrypt` rewrites such values as `Bound`.
    Unbound([u8; 16]),
    /// Tag "CB": the index is part of the envelope's authenticated data, so a value whose index
    /// was replaced does not open.
    Bound([u8; 16]),
}

impl StoredIndex {
    /// The blind index, bound or not.
    pub fn value(self) -> Option<[u8; 16]> {
        match self {
            StoredIndex::None => None,
            StoredIndex::Unbound(i) | StoredIndex::Bound(i) => Some(i),
        }
    }
}

pub const UNBOUND_TAG: &[u8; 2] = b"CI";
pub const BOUND_TAG: &[u8; 2] = b"CB";
/// Tag and blind index ahead of a searchable value's envelope.
pub const INDEXED_PREFIX_LEN: usize = 2 + 16;

/// Splits a stored value (or its text form's bytes under `colcrypt.ciphertext_io`) into its
/// blind index and its envelope.
pub fn split_stored(value: &[u8]) -> (StoredIndex, &[u8]) {
    if value.len() >= INDEXED_PREFIX_LEN {
        let mut idx = [0u8; 16];
        idx.copy_from_slice(&value[2..INDEXED_PREFIX_LEN]);
        let rest = &value[INDEXED_PREFIX_LEN..];
        if value[..2] == BOUND_TAG[..] {
            return (StoredIndex::Bound(idx), rest);
        }
        if value[..2] == UNBOUND_TAG[..] {
            return (StoredIndex::Unbound(idx), rest);
        }
    }
    (StoredIndex::None, value)
}

/// The AAD context a stored value of type `type_name` was sealed with: the type context, and
/// for a bound index the index too.
pub fn stored_context(type_name: &str, index: StoredIndex) -> Vec<u8> {
    let ctx = type_context(type_name);
    match index {
        StoredIndex::Bound(idx) => indexed_context(&ctx, &idx),
        StoredIndex::None | StoredIndex::Unbound(_) => ctx,
    }
}

/// The type modifier for a data key name: 30 bits of SHA-256 of the name, shifted left by one.
/// Bit 0 is kept for per-column options. Computed from the name alone, so `CREATE TABLE … 
/// encrypted_text(pii)` needs no key table (a restore creates tables before it loads keys).
pub fn typmod_for_key_name(name: &str) -> i32 {
    let d = Sha256::digest(name.as_bytes());
    let v = u32::from_be_bytes([d[0], d[1], d[2], d[3]]) & 0x3FFF_FFFF;
    (v << 1) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typmods_are_non_negative_even_and_stable() {
        for name in ["pii", "default", "billing", "a", &"z".repeat(63)] {
            let t = typmod_for_key_name(name);
            assert!(t >= 0 && t % 2 == 0, "{name}: {t}");
            assert_eq!(t, typmod_for_key_name(name));
        }
        assert_ne!(typmod_for_key_name("pii"), typmod_for_key_name("pij"));
        // Pinned (computed independently with Python's hashlib): these values are stored in the
        // catalogs of existing databases.
        assert_eq!(typmod_for_key_name("pii"), 2062247872);
        assert_eq!(typmod_for_key_name("default"), 1867636098);
    }

    #[test]
    fn indexed_contexts_append_nul_and_index() {
        let ctx = indexed_context(&type_context("encrypted_text"), &[0xab; 16]);
        assert_eq!(ctx, [b"\0colcrypt type encrypted_text\0".as_slice(), &[0xab; 16]].concat());
        assert_ne!(indexed_context(&type_context("encrypted_text"), &[1; 16]), indexed_context(&type_context("encrypted_text"), &[2; 16]));
    }

    #[test]
    fn stored_values_split_on_their_tag_only() {
        let env = b"CC\x01\x02rest".to_vec();
        assert_eq!(split_stored(&env), (StoredIndex::None, env.as_slice()));
        let bound = [b"CB".as_slice(), &[7; 16], &env].concat();
        assert_eq!(split_stored(&bound), (StoredIndex::Bound([7; 16]), env.as_slice()));
        let unbound = [b"CI".as_slice(), &[8; 16], &env].concat();
        assert_eq!(split_stored(&unbound), (StoredIndex::Unbound([8; 16]), env.as_slice()));
        // Too short to carry an index: the whole value is the envelope.
        assert_eq!(split_stored(b"CB12"), (StoredIndex::None, b"CB12".as_slice()));
        assert_eq!(stored_context("encrypted_int4", StoredIndex::Unbound([1; 16])), type_context("encrypted_int4"));
        assert_eq!(stored_context("encrypted_int4", StoredIndex::Bound([1; 16])), indexed_context(&type_context("encrypted_int4"), &[1; 16]));
    }

    #[test]
    fn type_contexts_are_reserved_and_distinct() {
        assert_eq!(type_context("encrypted_int4")[0], 0);
        assert_ne!(type_context("encrypted_int4"), type_context("encrypted_int8"));
    }
}
