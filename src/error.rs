//! The one place where core errors become PostgreSQL errors: one SQLSTATE per variant.
//! Messages come from `colcrypt_core::Error` and never hold key, plaintext or ciphertext bytes.

use colcrypt_core::Error;
use pgrx::{ereport, PgLogLevel, PgSqlErrorCode};

pub(crate) fn sqlstate(e: &Error) -> PgSqlErrorCode {
    use PgSqlErrorCode::*;
    match e {
        Error::KeyLength { .. } => ERRCODE_INVALID_PARAMETER_VALUE,       // 22023
        Error::CannotDecrypt | Error::NotAnEnvelope => ERRCODE_DATA_EXCEPTION, // 22000
        Error::UnsupportedVersion(_) | Error::UnsupportedSuite(_) => ERRCODE_FEATURE_NOT_SUPPORTED, // 0A000
        Error::NotUtf8 => ERRCODE_CHARACTER_NOT_IN_REPERTOIRE,             // 22021
        Error::RandomSource => ERRCODE_SYSTEM_ERROR,                       // 58000
    }
}

/// Raises `e` as an ERROR; does not return.
pub(crate) fn raise(e: Error) -> ! {
    ereport!(PgLogLevel::ERROR, sqlstate(&e), e.to_string());
    unreachable!("ereport(ERROR) does not return")
}

/// `?` for pg_externs: the value, or the error raised.
pub(crate) trait OrRaise<T> {
    fn or_raise(self) -> T;
}

impl<T> OrRaise<T> for Result<T, Error> {
    fn or_raise(self) -> T {
        self.unwrap_or_else(|e| raise(e))
    }
}
