//! Text arguments and results of colcrypt's functions in any database encoding.
//!
//! Envelopes hold UTF-8 (docs/FORMAT.md, "Contexts"; the client library seals UTF-8), while a
//! database may be LATIN1 or SQL_ASCII. pgrx's `&str` would panic on non-ASCII text there, and a
//! Rust `String` result would be stored as UTF-8 bytes in a LATIN1 database (mojibake). So text
//! comes in as its raw bytes and is converted to UTF-8 here, and text results are converted from
//! UTF-8 to the database encoding; a character the database encoding cannot hold is an error,
//! never a substitute. Conversion errors are re-raised without the bytes PostgreSQL would quote
//! (they would be plaintext).

use std::borrow::Cow;

use pgrx::callconv::{Arg, ArgAbi, BoxRet, FcInfo};
use pgrx::datum::Datum;
use pgrx::nullable::Nullable;
use pgrx::pg_sys;
use pgrx::pgrx_sql_entity_graph::metadata::{
    ArgumentError, ReturnsError, ReturnsRef, SqlMappingRef, SqlTranslatable, TypeOrigin,
};
use pgrx::prelude::*;
use zeroize::Zeroizing;

use crate::error::{ColcryptError, Result};

/// A `text` argument: its bytes in the database encoding.
pub(crate) struct ServerText<'a>(&'a [u8]);

/// A `text` result given as UTF-8 (wiped when dropped: it is usually plaintext).
pub(crate) struct Utf8Text(pub(crate) Zeroizing<Vec<u8>>);

fn database_encoding() -> i32 {
    // SAFETY: a plain read of backend state.
    unsafe { pg_sys::GetDatabaseEncoding() }
}

/// Runs a PostgreSQL conversion; its errors (which quote the offending bytes) are raised as
/// `err` instead, as the plaintext type input errors are (types.rs).
fn converting<T>(err: ColcryptError, f: impl FnOnce() -> T) -> Result<T> {
    Ok(PgTryBuilder::new(std::panic::AssertUnwindSafe(f))
        .catch_others(|_| err.raise())
        .execute())
}

impl<'a> ServerText<'a> {
    /// The text as UTF-8: converted from the database encoding (validated in SQL_ASCII).
    pub(crate) fn utf8(&self) -> Result<Cow<'a, [u8]>> {
        let bytes = self.0;
        let encoding = database_encoding();
        if encoding == pg_sys::pg_enc::PG_UTF8 as i32 || bytes.is_ascii() {
            return Ok(Cow::Borrowed(bytes));
        }
        if encoding == pg_sys::pg_enc::PG_SQL_ASCII as i32 {
            // No conversion is defined from SQL_ASCII: the bytes must already be UTF-8.
            return std::str::from_utf8(bytes).map(|_| Cow::Borrowed(bytes)).map_err(|_| ColcryptError::TextNotUtf8);
        }
        let converted = converting(ColcryptError::TextNotUtf8, || {
            // SAFETY: converts `len` bytes; returns the input pointer when nothing changes,
            // otherwise a NUL-terminated palloc'd string.
            unsafe {
                let out = pg_sys::pg_server_to_any(bytes.as_ptr().cast(), bytes.len() as i32, pg_sys::pg_enc::PG_UTF8 as i32);
                if out.cast_const() == bytes.as_ptr().cast() {
                    bytes.to_vec()
                } else {
                    std::ffi::CStr::from_ptr(out).to_bytes().to_vec()
                }
            }
        })?;
        Ok(Cow::Owned(converted))
    }

    /// The text as a `&str`, for ASCII-only identifiers (key names): anything else is `err`.
    pub(crate) fn ascii(&self, err: ColcryptError) -> Result<&'a str> {
        if self.0.is_ascii() {
            std::str::from_utf8(self.0).map_err(|_| err)
        } else {
            Err(err)
        }
    }
}

impl Utf8Text {
    /// The text in the database encoding, as a new `text` datum.
    fn to_server_datum(&self) -> Result<pg_sys::Datum> {
        let utf8 = self.0.as_slice();
        let encoding = database_encoding();
        if std::str::from_utf8(utf8).is_err() {
            return Err(ColcryptError::Core(colcrypt_core::Error::NotUtf8));
        }
        let server: Cow<[u8]> = if encoding == pg_sys::pg_enc::PG_UTF8 as i32
            || encoding == pg_sys::pg_enc::PG_SQL_ASCII as i32
            || utf8.is_ascii()
        {
            Cow::Borrowed(utf8)
        } else {
            Cow::Owned(converting(ColcryptError::TextNotInDatabaseEncoding, || {
                // SAFETY: as in ServerText::utf8, in the other direction.
                unsafe {
                    let out = pg_sys::pg_any_to_server(utf8.as_ptr().cast(), utf8.len() as i32, pg_sys::pg_enc::PG_UTF8 as i32);
                    if out.cast_const() == utf8.as_ptr().cast() {
                        utf8.to_vec()
                    } else {
                        std::ffi::CStr::from_ptr(out).to_bytes().to_vec()
                    }
                }
            })?)
        };
        // SAFETY: copies len bytes into a new palloc'd text varlena.
        let text = unsafe { pg_sys::cstring_to_text_with_len(server.as_ptr().cast(), server.len() as i32) };
        if let Cow::Owned(mut v) = server {
            zeroize::Zeroize::zeroize(&mut v);
        }
        Ok(pg_sys::Datum::from(text))
    }
}

impl<'a> FromDatum for ServerText<'a> {
    unsafe fn from_polymorphic_datum(datum: pg_sys::Datum, is_null: bool, typoid: pg_sys::Oid) -> Option<Self> {
        // SAFETY: a text datum is a varlena, read as its bytes (detoasted by pgrx).
        unsafe { <&'a [u8]>::from_polymorphic_datum(datum, is_null, typoid).map(ServerText) }
    }
}

unsafe impl<'fcx> ArgAbi<'fcx> for ServerText<'fcx> {
    unsafe fn unbox_arg_unchecked(arg: Arg<'_, 'fcx>) -> Self {
        let index = arg.index();
        // SAFETY: declared as text in SQL (SqlTranslatable below).
        unsafe { arg.unbox_arg_using_from_datum().unwrap_or_else(|| panic!("argument {index} must not be null")) }
    }

    unsafe fn unbox_nullable_arg(arg: Arg<'_, 'fcx>) -> Nullable<Self> {
        // SAFETY: as above.
        unsafe { arg.unbox_arg_using_from_datum().into() }
    }
}

unsafe impl BoxRet for Utf8Text {
    unsafe fn box_into<'fcx>(self, fcinfo: &mut FcInfo<'fcx>) -> Datum<'fcx> {
        match self.to_server_datum() {
            // SAFETY: a valid text datum in the current memory context.
            Ok(datum) => unsafe { fcinfo.return_raw_datum(datum) },
            Err(e) => e.raise(),
        }
    }
}

unsafe impl SqlTranslatable for ServerText<'_> {
    const TYPE_IDENT: &'static str = pgrx::pgrx_resolved_type!(ServerText<'static>);
    const TYPE_ORIGIN: TypeOrigin = TypeOrigin::External;
    const ARGUMENT_SQL: std::result::Result<SqlMappingRef, ArgumentError> = Ok(SqlMappingRef::literal("text"));
    const RETURN_SQL: std::result::Result<ReturnsRef, ReturnsError> = Ok(ReturnsRef::One(SqlMappingRef::literal("text")));
}

unsafe impl SqlTranslatable for Utf8Text {
    const TYPE_IDENT: &'static str = pgrx::pgrx_resolved_type!(Utf8Text);
    const TYPE_ORIGIN: TypeOrigin = TypeOrigin::External;
    const ARGUMENT_SQL: std::result::Result<SqlMappingRef, ArgumentError> = Ok(SqlMappingRef::literal("text"));
    const RETURN_SQL: std::result::Result<ReturnsRef, ReturnsError> = Ok(ReturnsRef::One(SqlMappingRef::literal("text")));
}
