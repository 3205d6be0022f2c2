//! Example application: patient records with client-side encrypted fields, over verified TLS.
//! The database stores envelopes and wrapped column keys; only holders of the client master key
//! read the data. Each value is bound to its column and row (`patient_records.diagnosis:7`), so
//! whoever can write to the table cannot move a value to another row or column, or swap two
//! patients' values, without the read failing.
//!
//!   cargo run -p colcrypt-client --features db --example patients -- \
//!     --host localhost --port 55432 --dbname colcrypt_demo --ca .demo/tls/ca.crt --master-key client-master.key
//!
//! (`make example` does exactly this against the `make demo` cluster.)

use std::path::PathBuf;

use clap::Parser;
use colcrypt_client::column_keys::db::column_cipher;
use colcrypt_client::{decrypt_value, encrypt_value, keyfile, row_context, Cipher};
use openssl::ssl::{SslConnector, SslMethod, SslVerifyMode};
use postgres_openssl::MakeTlsConnector;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value = "localhost")]
    host: String,
    #[arg(long, default_value_t = 55432)]
    port: u16,
    #[arg(long, default_value = "colcrypt_demo")]
    dbname: String,
    #[arg(long, default_value = "postgres")]
    user: String,
    /// CA certificate that signed the server's certificate (verify-full)
    #[arg(long)]
    ca: PathBuf,
    /// Client master key file; created if it does not exist
    #[arg(long)]
    master_key: PathBuf,
    /// Patient names to store (defaults to three examples)
    names: Vec<String>,
}

fn main() -> std::process::ExitCode {
    match run(Args::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("patients: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    if !args.master_key.exists() {
        keyfile::generate(&args.master_key)?;
        eprintln!("created client master key {}", args.master_key.display());
    }
    let master = Cipher::new(&keyfile::read(&args.master_key)?);

    let mut tls = SslConnector::builder(SslMethod::tls())?;
    tls.set_ca_file(&args.ca)?;
    tls.set_verify(SslVerifyMode::PEER); // and the host name, checked by postgres-openssl
    let conninfo = format!("host={} port={} dbname={} user={} sslmode=require", args.host, args.port, args.dbname, args.user);
    let mut db = postgres::Client::connect(&conninfo, MakeTlsConnector::new(tls.build()))?;

    db.batch_execute("CREATE TABLE IF NOT EXISTS patient_records (id serial PRIMARY KEY, name bytea NOT NULL, diagnosis bytea)")?;
    let name_key = column_cipher(&mut db, &master, "patient_records.name")?;
    let diagnosis_key = column_cipher(&mut db, &master, "patient_records.diagnosis")?;

    let names = if args.names.is_empty() { vec!["Ada Lovelace".into(), "Alan Turing".into(), "Grace Hopper".into()] } else { args.names };
    for (i, name) in names.iter().enumerate() {
        // The row's id first, so that each value's context can name its row.
        let id: i32 = db.query_one("SELECT nextval(pg_get_serial_sequence('patient_records', 'id'))::int4", &[])?.get(0);
        let enc_name = encrypt_value(&name_key, name.as_bytes(), Some(&row_context("patient_records", "name", id)))?;
        let diagnosis = format!("diagnosis #{i} for {name}");
        let enc_diag = encrypt_value(&diagnosis_key, diagnosis.as_bytes(), Some(&row_context("patient_records", "diagnosis", id)))?;
        db.execute("INSERT INTO patient_records (id, name, diagnosis) VALUES ($1, $2, $3)", &[&id, &enc_name, &enc_diag])?;
    }
    for row in db.query("SELECT id, name, diagnosis, octet_length(name) FROM patient_records ORDER BY id", &[])? {
        let (id, name, diagnosis, stored): (i32, Vec<u8>, Vec<u8>, i32) = (row.get(0), row.get(1), row.get(2), row.get(3));
        // A value that was moved here from another row or column does not open.
        let open = |cipher: &Cipher, column: &str, value: &[u8]| {
            decrypt_value(cipher, value, Some(&row_context("patient_records", column, id)))
                .map_err(|e| format!("patient_records row {id}, column {column}: {e}"))
        };
        let name = String::from_utf8(open(&name_key, "name", &name)?)?;
        let diagnosis = String::from_utf8(open(&diagnosis_key, "diagnosis", &diagnosis)?)?;
        println!("{id:>3}  {name:<16} {diagnosis:<40} (stored as {stored} bytes of ciphertext)");
    }
    Ok(())
}
