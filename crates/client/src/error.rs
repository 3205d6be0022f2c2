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
    #[error("{0}")]
    Io(#[from] std::io::Error),
}
