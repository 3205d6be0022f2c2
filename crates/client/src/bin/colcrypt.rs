//! `colcrypt`: client-side encryption from the shell. Values never leave the machine in clear.
//! Exit status: 0 success; 1 failure (wrong key or context, damaged input, a bad key file, an
//! output file that cannot be written safely, a value over 1 GiB); 2 usage (bad options, or
//! options that do not fit the input, such as a column name the header lacks).

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, StdoutLock, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use colcrypt_client::csv_columns::{self, Binding, ColumnRef, Columns, ContextTemplate};
use colcrypt_client::format::{self, Format};
use colcrypt_client::output::{self, SafeOutput};
use colcrypt_client::{decrypt_value, encrypt_value, keyfile, Cipher, ClientError, MAX_ENVELOPE_OVERHEAD, MAX_VALUE_LEN};
use indicatif::{ProgressBar, ProgressStyle};
use zeroize::Zeroizing;

#[derive(Parser)]
#[command(name = "colcrypt", version, about = "Client-side encryption for colcrypt: the server only ever sees envelopes")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
struct KeyArgs {
    /// Key file (64 hex digits, mode 0600, owned by you), made by `colcrypt keygen`
    #[arg(long, short)]
    key: PathBuf,
    /// Context bound to the value; the same context is needed to decrypt
    #[arg(long)]
    context: Option<String>,
}

#[derive(clap::Args)]
struct Io {
    /// Read from this file instead of standard input (`-`)
    #[arg(long, short)]
    input: Option<PathBuf>,
    /// Write to this file instead of standard output (`-`). It appears, mode 0600, only once
    /// everything succeeded; symbolic links, FIFOs and devices are refused, not written through
    #[arg(long, short)]
    output: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new random key file
    Keygen { path: PathBuf },
    /// Encrypt one value (at most 1 GiB) from standard input
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
    /// Key file (64 hex digits, mode 0600, owned by you), made by `colcrypt keygen`
    #[arg(long, short)]
    key: PathBuf,
    #[command(flatten)]
    io: Io,
    /// Columns to encrypt or decrypt, comma-separated: numbers from 1, or header names (with --header)
    #[arg(long, short, value_delimiter = ',', required = true)]
    columns: Vec<ColumnRef>,
    /// The first line is a header
    #[arg(long)]
    header: bool,
    /// The context of every value; with --context-column, the first part of each value's context
    /// (usually the table name)
    #[arg(long)]
    context: Option<String>,
    /// Bind each value to its row: its context becomes `<context>.<column>:<value of this column>`,
    /// e.g. `patients.ssn:42`; a value moved to another row or column no longer decrypts
    #[arg(long, value_name = "COLUMN")]
    context_column: Option<ColumnRef>,
    /// Bind each value with a template, e.g. `patients.{column}:{id}`: {column} is the encrypted
    /// column's name, {NAME} or {N} that row's value of another column
    #[arg(long, value_name = "TEMPLATE", conflicts_with_all = ["context", "context_column"])]
    context_template: Option<String>,
}

fn cipher(path: &Path) -> Result<Cipher, ClientError> {
    Ok(Cipher::new(&keyfile::read(path)?))
}

fn named(path: &Option<PathBuf>) -> Option<&Path> {
    path.as_deref().filter(|p| p.as_os_str() != "-")
}

/// The input and its length when it is a regular file.
fn open_input(io: &Io) -> Result<(Box<dyn BufRead>, Option<u64>), ClientError> {
    Ok(match named(&io.input) {
        Some(p) => {
            let f = File::open(p).map_err(|e| ClientError::Io(std::io::Error::new(e.kind(), format!("{}: {e}", p.display()))))?;
            let len = f.metadata().ok().filter(|m| m.is_file()).map(|m| m.len());
            (Box::new(BufReader::with_capacity(64 * 1024, f)), len)
        }
        None => (Box::new(BufReader::with_capacity(64 * 1024, std::io::stdin().lock())), None),
    })
}

fn write_error(path: String, e: &std::io::Error) -> ClientError {
    ClientError::Output { path, what: format!("cannot write it: {e}") }
}

/// Where output goes: standard output as it is produced, or a file that appears only on success.
enum Sink {
    Stdout(BufWriter<StdoutLock<'static>>),
    File(BufWriter<SafeOutput>, PathBuf),
}

impl Sink {
    fn open(io: &Io) -> Result<Sink, ClientError> {
        Ok(match named(&io.output) {
            Some(p) => Sink::File(BufWriter::with_capacity(256 * 1024, SafeOutput::create(p)?), p.to_path_buf()),
            None => Sink::Stdout(BufWriter::with_capacity(64 * 1024, std::io::stdout().lock())),
        })
    }

    fn name(&self) -> String {
        match self {
            Sink::Stdout(_) => "standard output".to_string(),
            Sink::File(_, p) => p.display().to_string(),
        }
    }

    /// An error writing the output, naming it.
    fn error(&self, e: std::io::Error) -> ClientError {
        write_error(self.name(), &e)
    }

    fn commit(self) -> Result<(), ClientError> {
        let name = self.name();
        match self {
            Sink::Stdout(mut w) => w.flush().map_err(|e| write_error(name, &e)),
            Sink::File(w, _) => w.into_inner().map_err(|e| write_error(name, e.error()))?.commit(),
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::Stdout(w) => w.write(buf),
            Sink::File(w, _) => w.write(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Stdout(w) => w.flush(),
            Sink::File(w, _) => w.flush(),
        }
    }
}

fn csv_run(a: &CsvArgs, encrypt: bool) -> Result<(), ClientError> {
    let binding = match (&a.context_template, &a.context_column) {
        (Some(t), _) => Binding::Row(ContextTemplate::parse(t)?),
        (None, Some(c)) => Binding::Row(ContextTemplate::row_key(a.context.as_deref(), c.clone())),
        (None, None) => Binding::Fixed(a.context.clone()),
    };
    let cols = Columns { columns: a.columns.clone(), header: a.header, binding };
    cols.check()?;
    let c = cipher(&a.key)?;
    let (input, len) = open_input(&a.io)?;
    let mut sink = Sink::open(&a.io)?;
    let bar = match len {
        Some(n) if n > 8 << 20 => ProgressBar::new(n).with_style(
            ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}").expect("valid template"),
        ),
        _ => ProgressBar::hidden(),
    };
    // Rows are read, transformed and written one at a time.
    let input = BufReader::with_capacity(64 * 1024, bar.wrap_read(input));
    let rows = if encrypt {
        csv_columns::encrypt(input, &mut sink, &c, &cols)
    } else {
        csv_columns::decrypt(input, &mut sink, &c, &cols)
    };
    bar.finish_and_clear();
    let rows = rows.map_err(|e| match e {
        ClientError::Io(e) => sink.error(e),
        e => e,
    })?;
    sink.commit()?;
    eprintln!("colcrypt: {rows} rows {}", if encrypt { "encrypted" } else { "decrypted" });
    Ok(())
}

/// Encrypts or decrypts one value, read whole (an envelope is opened only whole) and written in
/// chunks.
fn one_value(key: &KeyArgs, io: &Io, input_format: Format, output_format: Format, encrypt: bool) -> Result<(), ClientError> {
    let c = cipher(&key.key)?;
    let (input, len) = open_input(io)?;
    let mut sink = Sink::open(io)?;
    let limit = if encrypt { MAX_VALUE_LEN } else { MAX_VALUE_LEN + MAX_ENVELOPE_OVERHEAD };
    let value = format::read_value(input_format, input, len, limit).map_err(|e| match e {
        ClientError::TooLarge { .. } => ClientError::TooLarge { limit: MAX_VALUE_LEN },
        e => e,
    })?;
    // Either side may be plaintext: both are wiped when dropped.
    let result = Zeroizing::new(if encrypt {
        encrypt_value(&c, &value, key.context.as_deref())?
    } else {
        decrypt_value(&c, &value, key.context.as_deref())?
    });
    drop(value);
    format::encode_to(output_format, &result, &mut sink).map_err(|e| sink.error(e))?;
    sink.commit()
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
        Command::CsvEncrypt(a) => csv_run(&a, true),
        Command::CsvDecrypt(a) => csv_run(&a, false),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Without O_TMPFILE a partial output has a name until it is complete: remove it on a signal.
    if let Err(e) = output::remove_partial_output_on_signals() {
        eprintln!("colcrypt: cannot handle signals: {e}");
        return ExitCode::from(1);
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("colcrypt: {e}");
            ExitCode::from(if matches!(e, ClientError::Usage(_)) { 2 } else { 1 })
        }
    }
}
