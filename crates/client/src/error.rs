use thiserror::Error;

/// What the client library and CLI report. Never holds key or plaintext bytes.
#[derive(Debug, Error)]
pub enum ClientError {
    #[error(transparent)]
    Crypto(#[from] colcrypt_core::Error),
    #[error("{path}: {what}")]
    KeyFile { path: String, what: String },
    #[error("input is not valid {0}")]
    Encoding(&'static str),
    #[error("CSV line {line}: {what}")]
    Csv { line: u64, what: String },
    /// An output file that cannot be written safely, or whose writing failed; names the file.
    #[error("{path}: {what}")]
    Output { path: String, what: String },
    /// Options that cannot work together or do not fit the input (the CLI exits 2).
    #[error("{0}")]
    Usage(String),
    /// A single value over the size this build holds in memory (`crate::MAX_VALUE_LEN`).
    #[error("the value is larger than {limit} bytes (1 GiB), the most one envelope holds here: an envelope is one AES-GCM message that is opened only whole, so a value is held in memory (PostgreSQL stores at most 1 GB per field anyway)")]
    TooLarge { limit: u64 },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl ClientError {
    pub(crate) fn usage(what: impl Into<String>) -> Self {
        ClientError::Usage(what.into())
    }
}
