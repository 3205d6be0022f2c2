//! The tokio-postgres client of the driver tier (tests/integration/t_drivers.sh): every encrypted
//! type as a native Rust value through `colcrypt_client::pg_types::Encrypted`, over TLS with the
//! server's certificate and host name verified. Connection from PGHOST, PGPORT, PGUSER,
//! PGDATABASE and PGSSLROOTCERT.
use std::error::Error;

use colcrypt_client::pg_types::Encrypted;
use futures_util::{pin_mut, StreamExt};
use openssl::ssl::{SslConnector, SslMethod, SslVerifyMode};
use postgres_openssl::MakeTlsConnector;
use postgres_types::{Date, FromSql, IsNull, ToSql, Type};
use tokio_postgres::binary_copy::{BinaryCopyInWriter, BinaryCopyOutStream};

type Result<T> = std::result::Result<T, Box<dyn Error + Sync + Send>>;
type Timestamp = postgres_types::Timestamp<time::OffsetDateTime>;

/// A numeric as its decimal string (NaN and infinities included), in numeric's binary form: the
/// driver has no numeric type of its own, and Encrypted<T> works with any T that has one.
#[derive(Debug, Clone, PartialEq)]
struct Numeric(String);

const NAN: u16 = 0xC000;
const NEG: u16 = 0x4000;
const PINF: u16 = 0xD000;
const NINF: u16 = 0xF000;

impl ToSql for Numeric {
    fn to_sql(&self, _: &Type, out: &mut bytes::BytesMut) -> Result<IsNull> {
        let s = self.0.as_str();
        let (sign, body) = match s {
            "NaN" => (NAN, ""),
            "Infinity" => (PINF, ""),
            "-Infinity" => (NINF, ""),
            _ => match s.strip_prefix('-') { Some(b) => (NEG, b), None => (0, s) },
        };
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        let mut digits: Vec<i16> = Vec::new();
        let int_padded = format!("{}{int}", "0".repeat((4 - int.len() % 4) % 4));
        let frac_padded = format!("{frac}{}", "0".repeat((4 - frac.len() % 4) % 4));
        for c in int_padded.as_bytes().chunks(4).chain(frac_padded.as_bytes().chunks(4)) {
            digits.push(std::str::from_utf8(c)?.parse()?);
        }
        let mut weight = (int_padded.len() / 4) as i16 - 1;
        while digits.first() == Some(&0) { digits.remove(0); weight -= 1; }
        while digits.last() == Some(&0) { digits.pop(); }
        if digits.is_empty() { weight = 0; }
        for v in [digits.len() as i16, weight] { out.extend_from_slice(&v.to_be_bytes()); }
        for v in [sign, frac.len() as u16] { out.extend_from_slice(&v.to_be_bytes()); }
        for d in digits { out.extend_from_slice(&d.to_be_bytes()); }
        Ok(IsNull::No)
    }
    fn accepts(ty: &Type) -> bool { *ty == Type::NUMERIC }
    postgres_types::to_sql_checked!();
}

impl<'a> FromSql<'a> for Numeric {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self> {
        let word = |i: usize| i16::from_be_bytes([raw[2 * i], raw[2 * i + 1]]);
        let (n, weight, sign, dscale) = (word(0) as usize, word(1) as isize, word(2) as u16, word(3) as usize);
        match sign { NAN => return Ok(Numeric("NaN".into())), PINF => return Ok(Numeric("Infinity".into())),
                     NINF => return Ok(Numeric("-Infinity".into())), _ => {} }
        let digit = |pos: isize| -> i16 { let i = weight - pos; if i >= 0 && (i as usize) < n { word(4 + i as usize) } else { 0 } };
        let mut s = String::from(if sign == NEG { "-" } else { "" });
        if weight < 0 { s.push('0') } else {
            s += &digit(weight).to_string();
            for pos in (0..weight).rev() { s += &format!("{:04}", digit(pos)); }
        }
        if dscale > 0 {
            let mut frac = String::new();
            for pos in 1..=dscale.div_ceil(4) as isize { frac += &format!("{:04}", digit(-pos)); }
            s = format!("{s}.{}", &frac[..dscale]);
        }
        Ok(Numeric(s))
    }
    fn accepts(ty: &Type) -> bool { *ty == Type::NUMERIC }
}

/// One row of the table, every column an encrypted type.
#[derive(Debug, PartialEq)]
struct Row {
    id: i32,
    ssn: Encrypted<String>,
    t: Encrypted<String>,
    b: Option<Encrypted<Vec<u8>>>,
    j: Option<Encrypted<serde_json::Value>>,
    i4: Option<Encrypted<i32>>,
    i8: Option<Encrypted<i64>>,
    n: Option<Encrypted<Numeric>>,
    f: Option<Encrypted<f64>>,
    bo: Option<Encrypted<bool>>,
    d: Option<Encrypted<Date<time::Date>>>,
    ts: Option<Encrypted<Timestamp>>,
}

impl Row {
    fn params(&self) -> [&(dyn ToSql + Sync); 12] {
        [&self.id, &self.ssn, &self.t, &self.b, &self.j, &self.i4, &self.i8, &self.n, &self.f, &self.bo, &self.d, &self.ts]
    }
    fn from_row(r: &tokio_postgres::Row) -> Self {
        Row { id: r.get(0), ssn: r.get(1), t: r.get(2), b: r.get(3), j: r.get(4), i4: r.get(5), i8: r.get(6), n: r.get(7),
              f: r.get(8), bo: r.get(9), d: r.get(10), ts: r.get(11) }
    }
    fn from_copy(r: &tokio_postgres::binary_copy::BinaryCopyOutRow) -> Self {
        Row { id: r.get(0), ssn: r.get(1), t: r.get(2), b: r.get(3), j: r.get(4), i4: r.get(5), i8: r.get(6), n: r.get(7),
              f: r.get(8), bo: r.get(9), d: r.get(10), ts: r.get(11) }
    }
}

fn rows() -> Vec<Row> {
    let e = |s: &str| Encrypted(s.to_owned());
    let big = format!("1 MB ü canary {}", "ü".repeat(512 * 1024));
    vec![
        Row { id: 1, ssn: e("ssn-canary-1"), t: e("Zürich ✓ 日本 canary"), b: Some(Encrypted(b"\x00\xff\x01canary".to_vec())),
              j: Some(Encrypted(serde_json::json!({"a": [1, "ü"], "b": null}))), i4: Some(Encrypted(i32::MIN)),
              i8: Some(Encrypted(i64::MIN)), n: Some(Encrypted(Numeric("NaN".into()))), f: Some(Encrypted(-1e300)),
              bo: Some(Encrypted(true)), d: Some(Encrypted(Date::Value(time::Date::from_calendar_date(2024, time::Month::February, 29).unwrap()))),
              ts: Some(Encrypted(Timestamp::PosInfinity)) },
        Row { id: 2, ssn: e("ssn-2"), t: e(""), b: Some(Encrypted(vec![])), j: Some(Encrypted(serde_json::json!([]))),
              i4: Some(Encrypted(i32::MAX)), i8: Some(Encrypted(i64::MAX)), n: Some(Encrypted(Numeric("12345.678900".into()))),
              f: Some(Encrypted(0.1)), bo: Some(Encrypted(false)), d: Some(Encrypted(Date::NegInfinity)),
              ts: Some(Encrypted(Timestamp::NegInfinity)) },
        Row { id: 3, ssn: e("ssn-3"), t: Encrypted(big), b: None, j: None, i4: None, i8: None,
              n: Some(Encrypted(Numeric("-0.000100".into()))), f: None, bo: None, d: None,
              ts: Some(Encrypted(Timestamp::Value(time::Date::from_calendar_date(2024, time::Month::January, 2).unwrap().with_hms_micro(3, 4, 5, 123456).unwrap().assume_utc()))) },
    ]
}

const DDL: &str = "(id int PRIMARY KEY, ssn colcrypt.encrypted_text(drv, searchable) UNIQUE, t colcrypt.encrypted_text(drv),
    b colcrypt.encrypted_bytea(drv), j colcrypt.encrypted_jsonb(drv), i4 colcrypt.encrypted_int4(drv), i8 colcrypt.encrypted_int8(drv),
    n colcrypt.encrypted_numeric(drv), f colcrypt.encrypted_float8(drv), bo colcrypt.encrypted_bool(drv), d colcrypt.encrypted_date(drv),
    ts colcrypt.encrypted_timestamptz(drv))";

async fn run() -> Result<()> {
    let env = |k: &str| std::env::var(k).map_err(|_| format!("{k} is not set"));
    let mut ssl = SslConnector::builder(SslMethod::tls())?;
    ssl.set_ca_file(env("PGSSLROOTCERT")?)?;
    ssl.set_verify(SslVerifyMode::PEER); // and postgres-openssl checks the host name: verify-full
    let config = format!("host={} port={} user={} dbname={} sslmode=require", env("PGHOST")?, env("PGPORT")?, env("PGUSER")?, env("PGDATABASE")?);
    let (client, connection) = tokio_postgres::connect(&config, MakeTlsConnector::new(ssl.build())).await?;
    tokio::spawn(async move {
        if let Err(e) = connection.await { eprintln!("connection: {e}"); }
    });

    let tls: bool = client.query_one("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[]).await?.get(0);
    assert!(tls, "connected over TLS");
    client.batch_execute(&format!("CREATE TABLE tokio {DDL}")).await?;
    let want = rows();
    let insert = client.prepare("INSERT INTO tokio VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)").await?;
    for r in &want { client.execute(&insert, &r.params()).await?; }
    let got: Vec<Row> = client.query("SELECT * FROM tokio ORDER BY id", &[]).await?.iter().map(Row::from_row).collect();
    assert_eq!(got, want);

    let eq = "ssn = $1";
    let found = client.query_one(&format!("SELECT id, t FROM tokio WHERE {eq}"), &[&Encrypted("ssn-2")]).await?;
    assert_eq!((found.get::<_, i32>(0), found.get::<_, Encrypted<String>>(1)), (2, Encrypted(String::new())));
    {
        // A parameter typed as the plaintext type takes a plain Rust value (cross-type `=`); an
        // untyped one next to an encrypted column is inferred as the encrypted type and takes
        // Encrypted<T>.
        let r = client.query("SELECT id FROM tokio WHERE ssn = $1::text OR i8 = $2::int8 ORDER BY id", &[&"ssn-3", &i64::MIN]).await?;
        assert_eq!(r.iter().map(|r| r.get::<_, i32>(0)).collect::<Vec<_>>(), vec![1, 3]);
    }
    client.batch_execute("SET enable_seqscan = off").await?;
    let plan: Vec<String> = client.query(&format!("EXPLAIN SELECT id FROM tokio WHERE {eq}"), &[&Encrypted("ssn-2")]).await?
        .iter().map(|r| r.get(0)).collect();
    let plan = plan.join("\n");
    assert!(plan.contains("tokio_ssn_key") && !plan.contains("Seq Scan"), "{plan}");
    client.batch_execute("RESET enable_seqscan").await?;

    client.execute("UPDATE tokio SET t = $1, i8 = $2, j = $3 WHERE id = $4",
        &[&Encrypted("updated ✓"), &Encrypted(-7i64), &Encrypted(serde_json::json!({"u": 1})), &2i32]).await?;
    let r = client.query_one("SELECT t, i8, j FROM tokio WHERE id = 2", &[]).await?;
    assert_eq!((r.get::<_, Encrypted<String>>(0).0, r.get::<_, Encrypted<i64>>(1).0, r.get::<_, Encrypted<serde_json::Value>>(2).0),
               ("updated ✓".to_owned(), -7, serde_json::json!({"u": 1})));
    for (id, t) in [(4i32, "inserted"), (5, "upserted")] {
        client.execute("INSERT INTO tokio (id, ssn, t) VALUES ($1, $2, $3) ON CONFLICT (ssn) DO UPDATE SET t = EXCLUDED.t",
            &[&id, &Encrypted("ssn-upsert"), &Encrypted(t)]).await?;
    }
    let r = client.query("SELECT id, t FROM tokio WHERE id >= 4", &[]).await?;
    assert_eq!(r.iter().map(|r| (r.get::<_, i32>(0), r.get::<_, Encrypted<String>>(1).0)).collect::<Vec<_>>(), vec![(4, "upserted".to_owned())]);

    // Binary COPY in and out, with the column types as the server describes them.
    client.batch_execute(&format!("CREATE TABLE tokio_copy {DDL}")).await?;
    let types: Vec<Type> = client.prepare("SELECT * FROM tokio_copy").await?.columns().iter().map(|c| c.type_().clone()).collect();
    assert_eq!(types[1].name(), "encrypted_text");
    let sink = client.copy_in("COPY tokio_copy FROM STDIN (FORMAT BINARY)").await?;
    let writer = BinaryCopyInWriter::new(sink, &types);
    pin_mut!(writer);
    for r in &want { writer.as_mut().write(&r.params()).await?; }
    writer.finish().await?;
    let stream = client.copy_out("COPY (SELECT * FROM tokio_copy ORDER BY id) TO STDOUT (FORMAT BINARY)").await?;
    let stream = BinaryCopyOutStream::new(stream, &types);
    pin_mut!(stream);
    let mut copied = Vec::new();
    while let Some(row) = stream.next().await { copied.push(Row::from_copy(&row?)); }
    assert_eq!(copied, want);
    println!("tokio-postgres: all ten types, lookup, update, upsert, binary COPY");
    Ok(())
}

fn main() -> Result<()> {
    tokio::runtime::Builder::new_current_thread().enable_all().build()?.block_on(run())
}
