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
use colcrypt_client::{decrypt_value, encrypt_value, keyfile, recover, Cipher, ClientError, Key, MAX_ENVELOPE_OVERHEAD, MAX_VALUE_LEN};
use colcrypt_core::wrap::parse_master_key;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
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
    /// Get every value of a ciphertext dump (pg_dump) back with the master key, with no server:
    /// a plaintext SQL dump or one CSV file per table
    Recover(RecoverArgs),
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum RecoverFormat {
    Sql,
    Csv,
}

#[derive(clap::Args)]
struct RecoverArgs {
    /// The server's master key file (64 hex digits; mode 0600 and owned by you, so use a copy)
    #[arg(long, value_name = "FILE", required_unless_present = "master_key_command", conflicts_with = "master_key_command")]
    master_key_file: Option<PathBuf>,
    /// A shell command that prints the master key, as colcrypt.master_key_command does
    #[arg(long, value_name = "CMD")]
    master_key_command: Option<String>,
    /// The ciphertext dump: a plain-format pg_dump, or `pg_restore -f -` of a custom or directory
    /// one; standard input when absent or `-`
    #[arg(long, short)]
    input: Option<PathBuf>,
    /// sql: the dump with every encrypted value replaced by its plaintext; csv: one file per table
    #[arg(long, value_enum, default_value = "sql")]
    format: RecoverFormat,
    /// With --format sql: write to this file (mode 0600, appears only when complete) instead of
    /// standard output
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// With --format csv: the directory for the files, `schema.table.csv` (created mode 0700)
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    /// With --format sql: encrypted columns become their plaintext types (encrypted_int4 →
    /// integer …) and colcrypt's own objects and key tables are left out, so the dump loads into
    /// a PostgreSQL without colcrypt
    #[arg(long)]
    plaintext_types: bool,
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

/// The master key from a command: its standard output (at most 4 KiB read), as the server
/// reads colcrypt.master_key_command's. Its standard error goes to ours.
fn master_key_from_command(cmd: &str) -> Result<Key, ClientError> {
    use std::io::Read;
    use std::process::{Command as Process, Stdio};
    let fail = |what: String| ClientError::MasterKeyCommand(what);
    let mut child = Process::new("/bin/sh")
        .arg("-c")
        .arg(cmd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| fail(format!("cannot run it: {e}")))?;
    // Sized once: a buffer that grew would leave a copy of the key behind.
    let mut out = Zeroizing::new(Vec::with_capacity(8192));
    let stdout = child.stdout.take().expect("piped");
    stdout.take(4096).read_to_end(&mut out).map_err(|e| fail(format!("cannot read its output: {e}")))?;
    let status = child.wait().map_err(|e| fail(format!("cannot wait for it: {e}")))?;
    if !status.success() {
        return Err(fail(format!("it failed ({status})")));
    }
    parse_master_key(&out).map_err(|_| fail("it printed no master key (64 hex digits and a newline expected)".into()))
}

/// The dump as a file that can be read twice: the named file, or standard input copied to an
/// unnamed temporary file (the dump is ciphertext; the copy disappears with the process).
fn dump_file(input: Option<&Path>) -> Result<File, ClientError> {
    if let Some(p) = input {
        return File::open(p).map_err(|e| ClientError::Io(std::io::Error::new(e.kind(), format!("{}: {e}", p.display()))));
    }
    let dir = std::env::temp_dir();
    let mut f = match rustix::fs::open(&dir, rustix::fs::OFlags::TMPFILE | rustix::fs::OFlags::RDWR | rustix::fs::OFlags::CLOEXEC, rustix::fs::Mode::from_raw_mode(0o600)) {
        Ok(fd) => File::from(fd),
        Err(_) => {
            let path = dir.join(format!("colcrypt-recover-{}-{}", std::process::id(), hex::encode(colcrypt_core::gen_key_bytes()?.as_slice())));
            let f = std::fs::OpenOptions::new().read(true).write(true).create_new(true).mode(0o600).open(&path)?;
            std::fs::remove_file(&path)?;
            f
        }
    };
    std::io::copy(&mut std::io::stdin().lock(), &mut f)?;
    Ok(f)
}

fn recover_run(a: &RecoverArgs) -> Result<(), ClientError> {
    use std::io::{Seek, SeekFrom};
    let csv = a.format == RecoverFormat::Csv;
    if csv && a.out_dir.is_none() {
        return Err(ClientError::Usage("--format csv needs --out-dir DIR".into()));
    }
    if csv && (a.output.is_some() || a.plaintext_types) {
        return Err(ClientError::Usage("--output and --plaintext-types are for --format sql; --format csv writes to --out-dir".into()));
    }
    if !csv && a.out_dir.is_some() {
        return Err(ClientError::Usage("--out-dir is for --format csv".into()));
    }
    let master = Cipher::new(&match (&a.master_key_file, &a.master_key_command) {
        (Some(f), _) => keyfile::read(f)?,
        (None, Some(c)) => master_key_from_command(c)?,
        (None, None) => return Err(ClientError::Usage("give --master-key-file or --master-key-command".into())),
    });
    let mut file = dump_file(named(&a.input))?;
    file.seek(SeekFrom::Start(0))?;
    let ring = recover::read_keys(BufReader::with_capacity(256 * 1024, &file), &master)?;
    let k = ring.summary();
    eprintln!(
        "colcrypt: data key versions in the dump: {} opened, {} destroyed, {} wrapped by another master key, {} damaged",
        k.opened, k.destroyed, k.other_master, k.damaged
    );
    let len = file.seek(SeekFrom::End(0))?;
    file.seek(SeekFrom::Start(0))?;
    let bar = if len > 8 << 20 {
        ProgressBar::new(len).with_style(
            ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}").expect("valid template"),
        )
    } else {
        ProgressBar::hidden()
    };
    let input = BufReader::with_capacity(256 * 1024, bar.wrap_read(&file));
    let opts = recover::Options { plaintext_types: a.plaintext_types };
    let report = if csv {
        let dir = a.out_dir.as_deref().expect("checked above");
        if !dir.exists() {
            std::fs::DirBuilder::new().mode(0o700).create(dir).map_err(|e| ClientError::Output { path: dir.display().to_string(), what: format!("cannot create it: {e}") })?;
        }
        recover::recover(input, &ring, &opts, recover::Output::Csv(dir))
    } else {
        let io = Io { input: None, output: a.output.clone() };
        let mut sink = Sink::open(&io)?;
        let r = recover::recover(input, &ring, &opts, recover::Output::Sql(&mut sink)).map_err(|e| match e {
            ClientError::Io(e) => sink.error(e),
            e => e,
        });
        // A cut-short dump leaves no output file (standard output has had its rows).
        if r.as_ref().is_ok_and(|r| r.complete) {
            sink.commit()?;
        }
        r
    };
    bar.finish_and_clear();
    let report = report?;
    if !report.complete {
        return Err(ClientError::DumpCutShort);
    }
    eprintln!(
        "colcrypt: {} opened in {} of {}",
        counted(report.opened, "value"),
        counted(report.rows, "row"),
        counted(report.tables, "table")
    );
    for f in &report.files {
        eprintln!("colcrypt: wrote {}", f.display());
    }
    for ((table, column, reason), n) in &report.closed {
        eprintln!("colcrypt: {table}.{column}: {} not opened: {reason}", counted(*n, "value"));
    }
    if !report.still_colcrypt.is_empty() {
        eprintln!(
            "colcrypt: warning: these statements still name colcrypt and will fail on a server without it; edit or drop them before loading: {}",
            report.still_colcrypt.join("; ")
        );
    }
    match report.closed_count() {
        0 => Ok(()),
        count => Err(ClientError::LeftClosed { count }),
    }
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
        Command::Recover(a) => recover_run(&a),
    }
}

fn main() -> ExitCode {
    // The process holds keys and plaintext: no core file of it, and no ptrace or /proc/PID/mem
    // reads by other processes of the same user (an attacker review found the raw key in a core
    // dump, which systemd-coredump would keep on disk).
    #[cfg(target_os = "linux")]
    if let Err(e) = rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable) {
        eprintln!("colcrypt: cannot turn off core dumps for this process: {e}");
        return ExitCode::from(1);
    }
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

/// "1 value", "2 values".
fn counted(n: impl Into<u64>, noun: &str) -> String {
    let n = n.into();
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}
