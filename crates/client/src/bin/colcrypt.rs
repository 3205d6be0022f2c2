//! `colcrypt`: client-side encryption from the shell. Values never leave the machine in clear.
//! Exit status: 0 success, 1 failure (wrong key, damaged input, unreadable key file), 2 usage.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use colcrypt_client::csv_columns::{self, Columns};
use colcrypt_client::format::{self, Format};
use colcrypt_client::{decrypt_value, encrypt_value, keyfile, Cipher, ClientError};
use indicatif::{ProgressBar, ProgressStyle};

#[derive(Parser)]
#[command(name = "colcrypt", version, about = "Client-side encryption for colcrypt: the server only ever sees envelopes")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
struct KeyArgs {
    /// Key file (64 hex digits, mode 0600), made by `colcrypt keygen`
    #[arg(long, short)]
    key: PathBuf,
    /// Context bound to the values; the same context is needed to decrypt
    #[arg(long)]
    context: Option<String>,
}

#[derive(clap::Args)]
struct Io {
    /// Read from this file instead of standard input
    #[arg(long, short)]
    input: Option<PathBuf>,
    /// Write to this file (only once everything succeeded) instead of standard output
    #[arg(long, short)]
    output: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new random key file
    Keygen { path: PathBuf },
    /// Encrypt one value from standard input
    Encrypt {
        #[command(flatten)]
        key: KeyArgs,
        #[command(flatten)]
        io: Io,
        #[arg(long = "in", value_enum, default_value = "raw")]
        input_format: Format,
        #[arg(long = "out", value_enum, default_value = "hex")]
        output_format: Format,
    },
    /// Decrypt one envelope from standard input
    Decrypt {
        #[command(flatten)]
        key: KeyArgs,
        #[command(flatten)]
        io: Io,
        #[arg(long = "in", value_enum, default_value = "hex")]
        input_format: Format,
        #[arg(long = "out", value_enum, default_value = "raw")]
        output_format: Format,
    },
    /// Encrypt chosen columns of a CSV file for COPY … FROM … (FORMAT csv) into bytea columns
    CsvEncrypt(CsvArgs),
    /// Decrypt chosen columns of a CSV file written by COPY … TO … (FORMAT csv)
    CsvDecrypt(CsvArgs),
}

#[derive(clap::Args)]
struct CsvArgs {
    #[command(flatten)]
    key: KeyArgs,
    #[command(flatten)]
    io: Io,
    /// Columns to encrypt or decrypt, 1-based, comma-separated
    #[arg(long, short, value_delimiter = ',', required = true)]
    columns: Vec<usize>,
    /// The first line is a header
    #[arg(long)]
    header: bool,
}

fn cipher(k: &KeyArgs) -> Result<Cipher, ClientError> {
    Ok(Cipher::new(&keyfile::read(&k.key)?))
}

fn open_input(io: &Io) -> Result<(Box<dyn Read>, Option<u64>), ClientError> {
    Ok(match &io.input {
        Some(p) => {
            let f = File::open(p).map_err(|e| ClientError::Io(std::io::Error::new(e.kind(), format!("{}: {e}", p.display()))))?;
            let len = f.metadata().ok().map(|m| m.len());
            (Box::new(BufReader::new(f)), len)
        }
        None => (Box::new(BufReader::new(std::io::stdin().lock())), None),
    })
}

/// Output appears only when the whole run succeeded: a file is written beside the target and
/// renamed; standard output is written at the end.
fn finish(io: &Io, bytes: &[u8]) -> Result<(), ClientError> {
    match &io.output {
        Some(target) => {
            let tmp = temp_path(target);
            let written = File::create(&tmp).and_then(|mut f| f.write_all(bytes).and_then(|_| f.sync_all()));
            if let Err(e) = written.and_then(|_| std::fs::rename(&tmp, target)) {
                let _ = std::fs::remove_file(&tmp);
                return Err(e.into());
            }
            Ok(())
        }
        None => {
            let mut out = BufWriter::new(std::io::stdout().lock());
            out.write_all(bytes)?;
            Ok(out.flush()?)
        }
    }
}

fn temp_path(target: &Path) -> PathBuf {
    let mut name = target.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".colcrypt-partial");
    target.with_file_name(name)
}

fn csv_run(key: &KeyArgs, io: &Io, columns: &[usize], header: bool, encrypt: bool) -> Result<(), ClientError> {
    let c = cipher(key)?;
    if columns.contains(&0) {
        return Err(ClientError::Csv { line: 0, what: "columns are numbered from 1".into() });
    }
    let cols = Columns { positions: columns.iter().map(|c| c - 1).collect(), header, context: key.context.clone() };
    let (input, len) = open_input(io)?;
    let bar = match len {
        Some(n) if n > 8 << 20 => ProgressBar::new(n).with_style(
            ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}").expect("valid template"),
        ),
        _ => ProgressBar::hidden(),
    };
    let mut out = Vec::new();
    let rows = if encrypt {
        csv_columns::encrypt(bar.wrap_read(input), &mut out, &c, &cols)?
    } else {
        csv_columns::decrypt(bar.wrap_read(input), &mut out, &c, &cols)?
    };
    bar.finish_and_clear();
    finish(io, &out)?;
    eprintln!("colcrypt: {rows} rows {}", if encrypt { "encrypted" } else { "decrypted" });
    Ok(())
}

/// Encrypts or decrypts one value read whole from the input.
fn one_value(key: &KeyArgs, io: &Io, input_format: Format, output_format: Format, encrypt: bool) -> Result<(), ClientError> {
    let c = cipher(key)?;
    // Either side may be plaintext: both are wiped when dropped.
    let mut raw = zeroize::Zeroizing::new(Vec::new());
    open_input(io)?.0.read_to_end(&mut raw)?;
    let input = zeroize::Zeroizing::new(format::decode(input_format, &raw)?);
    let output = zeroize::Zeroizing::new(if encrypt {
        encrypt_value(&c, &input, key.context.as_deref())?
    } else {
        decrypt_value(&c, &input, key.context.as_deref())?
    });
    finish(io, &format::encode(output_format, &output))
}

fn run(cli: Cli) -> Result<(), ClientError> {
    match cli.command {
        Command::Keygen { path } => {
            keyfile::generate(&path)?;
            eprintln!("colcrypt: new key written to {} (mode 0600); keep a copy: without it nothing it encrypted can be read", path.display());
            Ok(())
        }
        Command::Encrypt { key, io, input_format, output_format } => one_value(&key, &io, input_format, output_format, true),
        Command::Decrypt { key, io, input_format, output_format } => one_value(&key, &io, input_format, output_format, false),
        Command::CsvEncrypt(a) => csv_run(&a.key, &a.io, &a.columns, a.header, true),
        Command::CsvDecrypt(a) => csv_run(&a.key, &a.io, &a.columns, a.header, false),
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("colcrypt: {e}");
            ExitCode::from(1)
        }
    }
}
