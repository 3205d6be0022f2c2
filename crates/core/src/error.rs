use thiserror::Error;

/// Everything that can go wrong in the core. Messages never contain key, plaintext or
/// ciphertext bytes; the extension maps each variant to one SQLSTATE in one place.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum Error {
    #[error("colcrypt keys must be exactly 32 bytes, got {got} bytes")]
    KeyLength { got: usize },

    /// One error for every reason a value does not open (wrong key, wrong context, any damage,
    /// not an envelope), so the error is no oracle.
    #[error("cannot decrypt: wrong key or context, or the value is damaged or not a colcrypt envelope")]
    CannotDecrypt,

    #[error("colcrypt envelope version {0} is not supported by this build (it reads version 1)")]
    UnsupportedVersion(u8),

    #[error("colcrypt envelope suite {0} is not supported by this build (version 1 has suites 1 and 2)")]
    UnsupportedSuite(u8),

    #[error("value is not a colcrypt envelope")]
    NotAnEnvelope,

    #[error("decrypted value is not valid UTF-8 text")]
    NotUtf8,

    #[error("the operating system's random number generator failed")]
    RandomSource,

    #[error("the master key must be 64 hexadecimal digits (32 bytes)")]
    MasterKeyFormat,

    /// A wrapped data key was sealed under a different master key (key-check value mismatch).
    #[error("the configured master key is not the one these data keys were wrapped with")]
    WrongMasterKey,
}
