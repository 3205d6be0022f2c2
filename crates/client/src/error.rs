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
    /// `recover`: a dump that cannot be read as pg_dump writes one.
    #[error("dump line {line}: {what}")]
    Dump { line: u64, what: String },
    /// `recover`: the input stopped before pg_dump's closing line.
    #[error("the dump ends without pg_dump's closing line (\"-- PostgreSQL database dump complete\"): it was cut short (check the command that produced it; with a pipe, set -o pipefail), or is not a whole pg_dump or pg_restore output")]
    DumpCutShort,
    /// `recover`: no `colcrypt.data_keys` data in the dump, so no value can be opened.
    #[error("the dump holds no data of colcrypt.data_keys (the wrapped data keys): it is not a pg_dump of a database with colcrypt, or it was made with --inserts or --column-inserts (recover reads COPY data), or with options that leave extension data out (--table, --schema, --exclude-schema=colcrypt, --schema-only)")]
    NoKeyTable,
    /// `recover`: the key check failed before any value was tried.
    #[error("wrong master key: it has key id {given}, but the dump's data keys are wrapped by master key id {dump} (if the master key was rotated, use the key current when the dump was made)")]
    WrongMasterKey { given: String, dump: String },
    /// `recover`: `--master-key-command` failed or printed no key.
    #[error("master key command: {0}")]
    MasterKeyCommand(String),
    /// `recover` finished, but some values stayed closed (counted in the lines above).
    #[error("{count} value{} could not be opened (see above); they are NULL in the output", if *count == 1 { "" } else { "s" })]
    LeftClosed { count: u64 },
}

impl ClientError {
    pub(crate) fn usage(what: impl Into<String>) -> Self {
        ClientError::Usage(what.into())
    }
}
