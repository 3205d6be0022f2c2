//! Native values for colcrypt's encrypted column types in the `postgres` and `tokio-postgres`
//! crates (feature `pg-types`).
//!
//! The server's binary form of every encrypted type is its plaintext type's binary form
//! (`encrypted_int8` travels as `int8`, `encrypted_jsonb` as `jsonb`, …), so [`Encrypted<T>`]
//! hands the value to `T`'s own `ToSql`/`FromSql` as if the column had the plaintext type:
//!
//! ```no_run
//! # fn main() -> Result<(), postgres::Error> {
//! use colcrypt_client::pg_types::Encrypted;
//! # let mut client = postgres::Client::connect("host=localhost", postgres::NoTls)?;
//! client.execute("INSERT INTO patients (id, ssn, born) VALUES ($1, $2, $3)", &[&1i32, &Encrypted("123-45-6789"), &Encrypted(42i64)])?;
//! let row = client.query_one("SELECT ssn FROM patients WHERE ssn = $1", &[&Encrypted("123-45-6789")])?;
//! let ssn: Encrypted<String> = row.get(0);
//! # Ok(()) }
//! ```
//!
//! A parameter the server types as the plaintext type (through an assignment cast or one of
//! colcrypt's cross-type operators) is taken as that type, so `Encrypted(x)` is right wherever a
//! value meets an encrypted column. Types are recognised by schema and name: the oids differ per
//! database and the driver looks them up itself.
use std::error::Error;

use bytes::BytesMut;
use postgres_types::{FromSql, IsNull, Kind, ToSql, Type};

/// The schema colcrypt's types live in.
pub const SCHEMA: &str = "colcrypt";

/// Each encrypted type's name and its plaintext type.
pub const TYPES: [(&str, Type); 10] = [
    ("encrypted_text", Type::TEXT),
    ("encrypted_bytea", Type::BYTEA),
    ("encrypted_jsonb", Type::JSONB),
    ("encrypted_int4", Type::INT4),
    ("encrypted_int8", Type::INT8),
    ("encrypted_numeric", Type::NUMERIC),
    ("encrypted_float8", Type::FLOAT8),
    ("encrypted_bool", Type::BOOL),
    ("encrypted_date", Type::DATE),
    ("encrypted_timestamptz", Type::TIMESTAMPTZ),
];

/// The plaintext type of a colcrypt type, `None` for any other type.
pub fn plain_type(ty: &Type) -> Option<Type> {
    if ty.schema() != SCHEMA || !matches!(ty.kind(), Kind::Simple) {
        return None;
    }
    TYPES.iter().find(|(name, _)| *name == ty.name()).map(|(_, plain)| plain.clone())
}

/// The type `T` should see: the plaintext type for a colcrypt type, otherwise the type itself.
fn as_plain(ty: &Type) -> std::borrow::Cow<'_, Type> {
    match plain_type(ty) {
        Some(plain) => std::borrow::Cow::Owned(plain),
        None => std::borrow::Cow::Borrowed(ty),
    }
}

/// A value of an encrypted column, sent and received as its plaintext type `T`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Encrypted<T>(pub T);

impl<T> Encrypted<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Encrypted<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: ToSql> ToSql for Encrypted<T> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        self.0.to_sql(&as_plain(ty), out)
    }

    fn accepts(ty: &Type) -> bool {
        T::accepts(&as_plain(ty))
    }

    // Not to_sql_checked!(): it checks T's acceptance against the encrypted type itself.
    fn to_sql_checked(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        if !<Self as ToSql>::accepts(ty) {
            let wanted = match plain_type(ty) {
                Some(plain) => format!("{ty} is sent as its plaintext type {plain}: wrap a Rust value that converts to {plain}"),
                None => format!("the parameter is of type {ty}"),
            };
            return Err(format!("cannot send Encrypted<{}>: {wanted}", std::any::type_name::<T>()).into());
        }
        self.to_sql(ty, out)
    }
}

impl<'a, T: FromSql<'a>> FromSql<'a> for Encrypted<T> {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn Error + Sync + Send>> {
        T::from_sql(&as_plain(ty), raw).map(Encrypted)
    }

    fn from_sql_null(ty: &Type) -> Result<Self, Box<dyn Error + Sync + Send>> {
        T::from_sql_null(&as_plain(ty)).map(Encrypted)
    }

    fn accepts(ty: &Type) -> bool {
        T::accepts(&as_plain(ty))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn colcrypt(name: &str, oid: u32) -> Type {
        Type::new(name.to_owned(), oid, Kind::Simple, SCHEMA.to_owned())
    }

    #[test]
    fn maps_each_colcrypt_type_to_its_plaintext_type() {
        for (i, (name, plain)) in TYPES.iter().enumerate() {
            assert_eq!(plain_type(&colcrypt(name, 90000 + i as u32)).as_ref(), Some(plain));
        }
        // Another schema's type of the same name, or a builtin, is not colcrypt's.
        assert_eq!(plain_type(&Type::new("encrypted_text".into(), 1, Kind::Simple, "public".into())), None);
        assert_eq!(plain_type(&Type::TEXT), None);
        assert_eq!(plain_type(&colcrypt("encrypted_uuid", 90100)), None);
    }

    #[test]
    fn binary_form_is_the_plaintext_types() {
        let ty = colcrypt("encrypted_int8", 90001);
        let mut buf = BytesMut::new();
        Encrypted(-2i64).to_sql_checked(&ty, &mut buf).unwrap();
        assert_eq!(&buf[..], &(-2i64).to_be_bytes());
        assert_eq!(Encrypted::<i64>::from_sql(&ty, &buf).unwrap(), Encrypted(-2));
        // The plaintext type itself (a cross-type operator's parameter) is accepted too.
        assert!(<Encrypted<i64> as ToSql>::accepts(&Type::INT8));
        let text = colcrypt("encrypted_text", 90002);
        assert!(<Encrypted<&str> as ToSql>::accepts(&text));
        assert!(!<Encrypted<i64> as ToSql>::accepts(&text));
        let Err(err) = Encrypted(1i64).to_sql_checked(&text, &mut BytesMut::new()) else { panic!("an i64 for encrypted_text was accepted") };
        assert_eq!(err.to_string(), "cannot send Encrypted<i64>: colcrypt.encrypted_text is sent as its plaintext type text: wrap a Rust value that converts to text");
        assert_eq!(Encrypted::<Option<String>>::from_sql_null(&text).unwrap(), Encrypted(None));
        assert!(Encrypted::<String>::from_sql_null(&text).is_err());
    }
}
