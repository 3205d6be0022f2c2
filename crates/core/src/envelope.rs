//! Envelope v1 byte layout (docs/FORMAT.md, "Byte layout"): encode and a total parser.

use crate::error::Error;
use crate::reader::Reader;

pub(crate) const MAGIC: [u8; 2] = *b"CC";
pub(crate) const VERSION_1: u8 = 1;
/// Suite 1: AES-256-GCM under a key derived from the key, with a key commitment.
pub(crate) const SUITE_1: u8 = 1;
/// Suite 2: as suite 1, but each envelope names a random salt from which its AES key is
/// derived, so the 2^32 random-nonce budget applies per salt, not per key (FORMAT.md).
pub(crate) const SUITE_2_SALTED: u8 = 2;
pub(crate) const COMMITMENT_LEN: usize = 32;
pub(crate) const SALT_LEN: usize = 16;
pub(crate) const NONCE_LEN: usize = 12;
pub const TAG_LEN: usize = 16;
/// Magic, version, suite, commitment, nonce: the bytes before the ciphertext (suite 1).
pub const HEADER_LEN: usize = 2 + 1 + 1 + COMMITMENT_LEN + NONCE_LEN;
/// Suite 2 adds the salt before the nonce.
pub const HEADER_LEN_SUITE_2: usize = HEADER_LEN + SALT_LEN;
/// How many bytes an envelope adds to its plaintext (suite 1; suite 2 adds 16 more).
pub const ENVELOPE_OVERHEAD: usize = HEADER_LEN + TAG_LEN;
pub const ENVELOPE_OVERHEAD_SUITE_2: usize = HEADER_LEN_SUITE_2 + TAG_LEN;
/// Length of the key id shown to users, in bytes of the commitment.
const KEY_ID_LEN: usize = 8;

/// A parsed v1 envelope, borrowing the input (every field: it is parsed for each value read, and
/// copies of its arrays showed in the read path's profile).
pub(crate) struct Envelope<'a> {
    pub(crate) header: &'a [u8],
    pub(crate) commitment: &'a [u8; COMMITMENT_LEN],
    /// Present in suite 2 only.
    pub(crate) salt: Option<&'a [u8; SALT_LEN]>,
    pub(crate) nonce: &'a [u8; NONCE_LEN],
    /// Ciphertext followed by the tag.
    pub(crate) sealed: &'a [u8],
}

/// Version and suite, checked in the order FORMAT.md gives ("Opening").
fn version_and_suite(r: &mut Reader<'_>) -> Result<u8, Error> {
    if r.array::<2>() != Some(MAGIC) {
        return Err(Error::NotAnEnvelope);
    }
    let version = r.u8().ok_or(Error::NotAnEnvelope)?;
    if version != VERSION_1 {
        return Err(Error::UnsupportedVersion(version));
    }
    let suite = r.u8().ok_or(Error::NotAnEnvelope)?;
    if suite != SUITE_1 && suite != SUITE_2_SALTED {
        return Err(Error::UnsupportedSuite(suite));
    }
    Ok(suite)
}

impl<'a> Envelope<'a> {
    /// Parses without authenticating. Too short or wrong magic is `NotAnEnvelope`; callers that
    /// decrypt report it as `CannotDecrypt`.
    pub(crate) fn parse(bytes: &'a [u8]) -> Result<Self, Error> {
        let mut r = Reader::new(bytes);
        let suite = version_and_suite(&mut r)?;
        let commitment = r.array_ref::<COMMITMENT_LEN>().ok_or(Error::NotAnEnvelope)?;
        let salt = match suite {
            SUITE_2_SALTED => Some(r.array_ref::<SALT_LEN>().ok_or(Error::NotAnEnvelope)?),
            _ => None,
        };
        let nonce = r.array_ref::<NONCE_LEN>().ok_or(Error::NotAnEnvelope)?;
        let sealed = r.rest();
        if sealed.len() < TAG_LEN {
            return Err(Error::NotAnEnvelope);
        }
        let header_len = if salt.is_some() { HEADER_LEN_SUITE_2 } else { HEADER_LEN };
        Ok(Envelope { header: &bytes[..header_len], commitment, salt, nonce, sealed })
    }
}

/// Writes the header into `out`, which is exactly the header's length.
pub(crate) fn write_header(out: &mut [u8], commitment: &[u8; COMMITMENT_LEN], salt: Option<&[u8; SALT_LEN]>, nonce: &[u8; NONCE_LEN]) {
    let suite = if salt.is_some() { SUITE_2_SALTED } else { SUITE_1 };
    let parts: [&[u8]; 6] = [&MAGIC, &[VERSION_1], &[suite], commitment, salt.map_or(&[][..], |s| &s[..]), nonce];
    let mut at = 0;
    for part in parts {
        out[at..at + part.len()].copy_from_slice(part);
        at += part.len();
    }
    assert_eq!(at, out.len(), "write_header: the buffer must be the header's length");
}

/// What `colcrypt.envelope_info` shows: never key or plaintext bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvelopeInfo {
    pub version: u8,
    /// `None` for a version this build cannot read.
    pub algorithm: Option<&'static str>,
    /// Lowercase hex of the first 8 bytes of the key commitment.
    pub key_id: Option<String>,
}

pub(crate) fn key_id_hex(commitment: &[u8; COMMITMENT_LEN]) -> String {
    hex::encode(&commitment[..KEY_ID_LEN])
}

/// Describes an envelope from its header alone. It does not authenticate: a damaged value can
/// still show a plausible header.
pub fn info(bytes: &[u8]) -> Result<EnvelopeInfo, Error> {
    match Envelope::parse(bytes) {
        Ok(env) => Ok(EnvelopeInfo {
            version: VERSION_1,
            algorithm: Some(if env.salt.is_some() {
                "aes-256-gcm+hkdf-sha256-salted-subkey+commitment"
            } else {
                "aes-256-gcm+hkdf-sha256-commitment"
            }),
            key_id: Some(key_id_hex(env.commitment)),
        }),
        Err(Error::UnsupportedVersion(v)) => Ok(EnvelopeInfo { version: v, algorithm: None, key_id: None }),
        Err(Error::UnsupportedSuite(_)) => Ok(EnvelopeInfo { version: VERSION_1, algorithm: None, key_id: None }),
        Err(e) => Err(e),
    }
}
