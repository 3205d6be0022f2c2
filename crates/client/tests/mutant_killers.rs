//! Client promises the CLI tests did not pin down, found by mutation testing (`make mutants`,
//! scripts/mutants.sh): column keys stay bound to their column and readable across versions,
//! row counts are the number of data rows, and output files appear whole.

mod common;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use colcrypt_client::column_keys::{new_column_key, unwrap_column_key};
use colcrypt_client::{decrypt_value, encrypt_value, Cipher, ClientError, Key};
use colcrypt_core::Error;

fn cipher(b: u8) -> Cipher {
    Cipher::new(&Key::from_slice(&[b; 32]).unwrap())
}

fn same_key(a: &Key, b: &Key) -> bool {
    Cipher::new(a).commitment() == Cipher::new(b).commitment()
}

// ---------------------------------------------------------------------------------------------
// Column keys

/// Wrapped column keys live in `colcrypt.client_column_keys`: what an earlier version stored must
/// keep unwrapping. This one was written by the spec's independent implementation
/// (crates/core/tests/vectors/generate.py's `seal`): master key 00 01 … 1f, column key 32 × 0x5c,
/// context "\0colcrypt wrapped key client column patients.ssn", nonce cafebabefacedbaddecaf888.
const STORED_PATIENTS_SSN: &str = "434301012945945810241527334835ab166630e8eb99ef4a2b8e523ae6a7e7aa28d9e343\
    cafebabefacedbaddecaf8883dc4f9cbfca305ff9c883c86d1fd7ce4b2a5a385d5b2dfd714805cf0d5478deaf2a96a22f2c5bd84d\
    be4421dd770ece9";

#[test]
fn column_keys_stored_by_earlier_versions_still_unwrap() {
    let master = Cipher::new(&Key::from_slice(&std::array::from_fn::<u8, 32, _>(|i| i as u8)).unwrap());
    let stored = hex::decode(STORED_PATIENTS_SSN).unwrap();
    let key = unwrap_column_key(&master, "patients.ssn", &stored).unwrap();
    assert!(key.ct_eq_bytes(&[0x5c; 32]));
    for other in ["patients.dob", "patients.ssn ", "", "xyzzy"] {
        assert!(
            matches!(unwrap_column_key(&master, other, &stored), Err(ClientError::Crypto(Error::CannotDecrypt))),
            "the key of patients.ssn opened as column {other:?}"
        );
    }
}

#[test]
fn a_column_key_unwraps_only_for_its_column_under_its_master() {
    let (m1, m2) = (cipher(1), cipher(2));
    let (key, wrapped) = new_column_key(&m1, "patients.ssn").unwrap();
    assert!(same_key(&unwrap_column_key(&m1, "patients.ssn", &wrapped).unwrap(), &key));
    for other in ["patients.dob", "patients.ssn2", "", "xyzzy"] {
        assert!(
            matches!(unwrap_column_key(&m1, other, &wrapped), Err(ClientError::Crypto(Error::CannotDecrypt))),
            "column {other:?}"
        );
    }
    assert!(matches!(unwrap_column_key(&m2, "patients.ssn", &wrapped), Err(ClientError::Crypto(Error::WrongMasterKey))));
    let (key2, wrapped2) = new_column_key(&m1, "patients.ssn").unwrap();
    assert!(!same_key(&key, &key2), "every new column key is fresh");
    assert_ne!(wrapped, wrapped2);
    // What the server stores never contains the column key.
    let c = Cipher::new(&key);
    let probe = c.seal(b"x", b"").unwrap();
    assert!(unwrap_column_key(&m1, "patients.ssn", &probe).is_err());
}

// ---------------------------------------------------------------------------------------------
// Values

#[test]
fn no_context_and_the_empty_context_are_the_same_and_others_bind() {
    let c = cipher(3);
    for ctx in [None, Some("")] {
        let env = encrypt_value(&c, b"v", ctx).unwrap();
        assert_eq!(decrypt_value(&c, &env, None).unwrap(), b"v");
        assert_eq!(decrypt_value(&c, &env, Some("")).unwrap(), b"v");
        assert!(decrypt_value(&c, &env, Some("row:1")).is_err());
    }
    let env = encrypt_value(&c, b"v", Some("row:1")).unwrap();
    assert_eq!(c.open(&env, b"row:1").unwrap(), b"v", "the context is the AAD the core sees");
    assert!(decrypt_value(&c, &env, None).is_err());
    assert!(matches!(decrypt_value(&cipher(4), &env, Some("row:1")), Err(ClientError::Crypto(Error::CannotDecrypt))));
}

// ---------------------------------------------------------------------------------------------
// The CLI with files: output appears whole, or not at all.

fn tmpdir(name: &str) -> common::TempDir {
    common::TempDir::new("mk", name)
}

fn colcrypt(args: &[&str], stdin: &[u8]) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_colcrypt"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

#[test]
fn cli_reads_and_writes_files_and_leaves_no_partial_file() {
    let d = tmpdir("files");
    let key = d.join("k");
    let k = key.to_str().unwrap();
    assert!(colcrypt(&["keygen", k], b"").status.success());
    let path = |n: &str| d.join(n).to_str().unwrap().to_owned();

    std::fs::write(d.join("plain"), "Zürich ✓\n").unwrap();
    let enc = colcrypt(&["encrypt", "-k", k, "-i", &path("plain"), "-o", &path("sealed"), "--context", "c"], b"");
    assert!(enc.status.success(), "{}", String::from_utf8_lossy(&enc.stderr));
    assert!(enc.stdout.is_empty(), "with -o nothing goes to standard output");
    let dec = colcrypt(&["decrypt", "-k", k, "-i", &path("sealed"), "-o", &path("opened"), "--context", "c"], b"");
    assert!(dec.status.success(), "{}", String::from_utf8_lossy(&dec.stderr));
    assert_eq!(std::fs::read_to_string(d.join("opened")).unwrap(), "Zürich ✓\n");

    std::fs::write(d.join("in.csv"), "id,ssn\n1,123-45-6789\n2,\n3,987-65-4321\n").unwrap();
    let out = colcrypt(&["csv-encrypt", "-k", k, "--columns", "2", "--header", "-i", &path("in.csv"), "-o", &path("enc.csv")], b"");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("colcrypt: 3 rows encrypted"), "{}", String::from_utf8_lossy(&out.stderr));
    let out = colcrypt(&["csv-decrypt", "-k", k, "--columns", "2", "--header", "-i", &path("enc.csv"), "-o", &path("dec.csv")], b"");
    assert!(String::from_utf8_lossy(&out.stderr).contains("colcrypt: 3 rows decrypted"), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read(d.join("dec.csv")).unwrap(), std::fs::read(d.join("in.csv")).unwrap());

    // An input that cannot be read fails whole: exit 1, no output file.
    let out = colcrypt(&["csv-encrypt", "-k", k, "--columns", "2", "-i", d.to_str().unwrap(), "-o", &path("dir.csv")], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(!out.stderr.is_empty());
    assert!(!d.join("dir.csv").exists());
    let out = colcrypt(&["encrypt", "-k", k, "-i", &path("missing"), "-o", &path("never")], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing"));
    assert!(!d.join("never").exists());

    let leftovers: Vec<_> = std::fs::read_dir(&d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    std::fs::remove_dir_all(&d).unwrap();
}

/// A full disk on standard output is a failure that names standard output, for values and CSV.
#[test]
fn a_failing_standard_output_is_named() {
    let d = tmpdir("devfull");
    let key = d.join("k");
    let k = key.to_str().unwrap();
    assert!(colcrypt(&["keygen", k], b"").status.success());
    for (args, input) in [
        (vec!["encrypt", "-k", k], &b"secret"[..]),
        (vec!["csv-encrypt", "-k", k, "--columns", "1"], &b"secret\n"[..]),
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_colcrypt"))
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input).unwrap();
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("standard output: cannot write it"), "{args:?}: {err}");
    }
    std::fs::remove_dir_all(&d).unwrap();
}

/// Whatever `encrypt` writes, `decrypt` reads: the largest value encrypt accepts is 1 GiB, its
/// envelope 1 GiB + 64 bytes (suite 1), and decrypt must not refuse that size; an input larger
/// than any envelope is refused before it is read. Sparse files, so no disk is used; the first
/// case reads 1 GiB of zeros (not an envelope) into memory once.
#[test]
fn decrypt_accepts_every_envelope_size_encrypt_makes_and_refuses_larger_unread() {
    let d = tmpdir("limits");
    let key = d.join("k");
    let k = key.to_str().unwrap();
    assert!(colcrypt(&["keygen", k], b"").status.success());
    let largest_envelope = (1u64 << 30) + colcrypt_core::ENVELOPE_OVERHEAD as u64;
    let fits = d.join("fits");
    std::fs::File::create(&fits).unwrap().set_len(largest_envelope).unwrap();
    let out = colcrypt(&["decrypt", "-k", k, "--in", "raw", "-i", fits.to_str().unwrap()], b"");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("cannot decrypt"), "an envelope-sized input is read and opened, not refused: {err}");

    let over = d.join("over");
    std::fs::File::create(&over).unwrap().set_len((1u64 << 30) + colcrypt_client::MAX_ENVELOPE_OVERHEAD + 1).unwrap();
    let out = colcrypt(&["decrypt", "-k", k, "--in", "raw", "-i", over.to_str().unwrap()], b"");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("larger than 1073741824 bytes"), "{err}");
    std::fs::remove_dir_all(&d).unwrap();
}

// ---------------------------------------------------------------------------------------------
// CSV: records, NULLs and line numbers as PostgreSQL's CSV format and a text editor count them.

mod csv {
    use colcrypt_client::csv_columns::{decrypt, encrypt, Binding, ColumnRef, Columns, ContextTemplate};
    use colcrypt_client::{Cipher, ClientError, Key};

    fn cipher() -> Cipher {
        Cipher::new(&Key::from_slice(&[8; 32]).unwrap())
    }

    fn cols(columns: &[&str], header: bool, binding: Binding) -> Columns {
        Columns { columns: columns.iter().map(|c| c.parse().unwrap()).collect(), header, binding }
    }

    fn enc(input: &str, c: &Columns) -> Result<(String, u64), ClientError> {
        let mut out = Vec::new();
        let rows = encrypt(input.as_bytes(), &mut out, &cipher(), c)?;
        Ok((String::from_utf8(out).unwrap(), rows))
    }

    fn dec(input: &str, c: &Columns) -> Result<(String, u64), ClientError> {
        let mut out = Vec::new();
        let rows = decrypt(input.as_bytes(), &mut out, &cipher(), c)?;
        Ok((String::from_utf8(out).unwrap(), rows))
    }

    /// Damages the envelope on 1-based line `n` (flips the last hex digit of its tag).
    fn damage(text: &str, n: usize) -> String {
        let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_owned).collect();
        let l = &mut lines[n - 1];
        let end = l.trim_end().len();
        assert!(l.starts_with("\\x"), "line {n} holds no envelope: {l:?}");
        let flipped = if l.as_bytes()[end - 1] == b'0' { "1" } else { "0" };
        l.replace_range(end - 1..end, flipped);
        lines.concat()
    }

    #[test]
    fn blank_lines_are_null_records_however_many_and_whatever_the_line_ends() {
        let c = cols(&["1"], false, Binding::Fixed(None));
        for input in ["a\n\n\nb\n", "a\n\n\n\nb\n\n", "\n\na\n"] {
            let (e, rows) = enc(input, &c).unwrap();
            assert_eq!(rows, input.matches('\n').count() as u64, "{input:?} → {e:?}");
            assert_eq!(e.matches('\n').count(), input.matches('\n').count(), "{input:?} → {e:?}");
            assert_eq!(dec(&e, &c).unwrap(), (input.to_owned(), rows), "{input:?}");
        }
        // CRLF input: the same records (written back with LF).
        let (e, rows) = enc("a\r\n\r\n\r\nb\r\n", &c).unwrap();
        assert_eq!(rows, 4, "{e:?}");
        assert_eq!(dec(&e, &c).unwrap().0, "a\n\n\nb\n");
    }

    #[test]
    fn errors_name_the_line_after_blank_lines_and_crlf() {
        let c = cols(&["1"], false, Binding::Fixed(None));
        for (input, line) in [
            ("a\nb\nc\n", 3),
            ("a\n\n\nc\n", 4),
            ("\n\n\n\nc\n", 5),
            ("a\r\nb\r\nc\r\n", 3),
            ("a\r\n\r\n\r\nc\r\n", 4),
            ("a\r\n\n\r\nb\nc\r\n", 5),
        ] {
            let (sealed, _) = enc(input, &c).unwrap();
            // The sealed file gets the input's line ends back, so the reader meets them again.
            let ends: Vec<&str> = input.split_inclusive('\n').map(|l| if l.ends_with("\r\n") { "\r\n" } else { "\n" }).collect();
            let sealed: String = sealed.lines().zip(&ends).map(|(l, end)| format!("{l}{end}")).collect();
            assert_eq!(dec(&sealed, &c).unwrap().0.replace('\r', ""), input.replace('\r', ""));
            let err = dec(&damage(&sealed, line), &c).unwrap_err().to_string();
            assert!(err.contains(&format!("CSV line {line}:")), "{input:?}: {err}");
        }
    }

    #[test]
    fn column_references_print_as_given() {
        assert_eq!(ColumnRef::Position(3).to_string(), "3");
        assert_eq!(ColumnRef::Name("ssn".into()).to_string(), "ssn");
        let twice = cols(&["2", "2"], false, Binding::Fixed(None)).check().unwrap_err();
        assert!(matches!(&twice, ClientError::Usage(m) if m.contains("column 2 is named twice")), "{twice}");
        let t = ContextTemplate::row_key(Some("patients"), "id".parse().unwrap());
        let e = enc("id,ssn\n,123\n", &cols(&["ssn"], true, Binding::Row(t))).unwrap_err().to_string();
        assert!(e.contains("the context column id is empty"), "{e}");
    }

    /// Wide records work, in memory proportional to the record: three 1 MiB fields in one row.
    #[test]
    fn a_record_of_several_large_fields_round_trips() {
        let c = cols(&["1", "2", "3"], false, Binding::Fixed(None));
        let field = |b: u8| String::from_utf8(vec![b; 1 << 20]).unwrap();
        let input = format!("{},{},{}\n", field(b'a'), field(b'b'), field(b'c'));
        let (e, rows) = enc(&input, &c).unwrap();
        assert_eq!(rows, 1);
        assert!(e.len() > 6 << 20 && e.len() < 7 << 20, "{} bytes of bytea hex", e.len());
        assert_eq!(dec(&e, &c).unwrap(), (input, 1));
    }

    /// A context template that names a row column by name needs the header, and that is known
    /// before any input is read: even an empty input is a usage error.
    #[test]
    fn names_in_the_context_template_need_a_header_before_any_input() {
        for binding in [
            Binding::Row(ContextTemplate::row_key(Some("t"), "id".parse().unwrap())),
            Binding::Row(ContextTemplate::parse("t.{column}:{id}").unwrap()),
        ] {
            let c = cols(&["2"], false, binding);
            let err = c.check().unwrap_err();
            assert!(matches!(&err, ClientError::Usage(m) if m.contains("names need --header")), "{err}");
            assert!(matches!(enc("", &c), Err(ClientError::Usage(_))));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Reading one value (`encrypt`/`decrypt` input): text forms, limits, and interrupted reads.

mod read_value {
    use std::io::{ErrorKind, Read};

    use colcrypt_client::format::{decode, encode, read_value, Format};
    use colcrypt_client::ClientError;

    /// Hands out its input one byte per read, so every split of a prefix or unit is met.
    struct OneByte<'a>(&'a [u8]);
    impl Read for OneByte<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            match (self.0.split_first(), buf.is_empty()) {
                (Some((b, rest)), false) => {
                    buf[0] = *b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    #[test]
    fn the_hex_prefix_is_dropped_however_the_input_arrives() {
        for text in [&b"\\x0aff"[..], b"\\x0aff\n", b"\\x\n0a\nff", b" \\x0aff"] {
            assert_eq!(*read_value(Format::Hex, OneByte(text), None, u64::MAX).unwrap(), [0x0a, 0xff], "{text:?}");
            assert_eq!(*read_value(Format::Hex, text, None, u64::MAX).unwrap(), [0x0a, 0xff], "{text:?}");
        }
        let long = [&b"\\x"[..], &encode(Format::Hex, &[0x5a; 100_000])].concat();
        assert_eq!(*read_value(Format::Hex, OneByte(&long), None, u64::MAX).unwrap(), [0x5a; 100_000]);
    }

    /// Only the very start may carry `\x`: a second one inside the value is not hex, however the
    /// input arrives (not a separator between two values).
    #[test]
    fn a_hex_prefix_inside_the_value_is_an_error() {
        for text in [&b"\\x41\\x42"[..], b"41\\x42", b"\\x\\x41"] {
            assert!(matches!(read_value(Format::Hex, OneByte(text), None, u64::MAX), Err(ClientError::Encoding("hex"))), "{text:?}");
            assert!(matches!(read_value(Format::Hex, text, None, u64::MAX), Err(ClientError::Encoding("hex"))), "{text:?}");
        }
    }

    /// Padding ends base64: two padded values run together are not one value.
    #[test]
    fn base64_padding_before_the_end_is_an_error() {
        assert_eq!(decode(Format::Base64, b"aGU=").unwrap(), b"he");
        for bad in [&b"aGU=aGU="[..], b"aGU=\naGVsbG8=", b"aA==aGVs"] {
            assert!(matches!(decode(Format::Base64, bad), Err(ClientError::Encoding("base64"))), "{bad:?}");
            assert!(matches!(read_value(Format::Base64, OneByte(bad), None, u64::MAX), Err(ClientError::Encoding("base64"))));
        }
    }

    /// A read interrupted by a signal is retried; any other read error ends the run.
    #[test]
    fn interrupted_reads_are_retried_and_other_errors_reported() {
        struct Flaky<'a> {
            data: &'a [u8],
            errors: Vec<ErrorKind>,
        }
        impl Read for Flaky<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                if let Some(kind) = self.errors.pop() {
                    return Err(std::io::Error::new(kind, "injected"));
                }
                self.data.read(buf)
            }
        }
        for f in [Format::Raw, Format::Hex, Format::Base64] {
            let text = encode(f, b"value");
            let r = Flaky { data: &text, errors: vec![ErrorKind::Interrupted, ErrorKind::Interrupted] };
            assert_eq!(*read_value(f, r, None, u64::MAX).unwrap(), b"value", "{f:?}");
            let r = Flaky { data: &text, errors: vec![ErrorKind::Other; 1000] };
            assert!(matches!(read_value(f, r, None, u64::MAX), Err(ClientError::Io(e)) if e.kind() == ErrorKind::Other), "{f:?}");
        }
    }

    /// Raw input whose known length is over the limit is refused before any of it is read; a
    /// value of exactly the limit is read.
    #[test]
    fn raw_input_over_the_limit_is_refused_unread_and_the_limit_itself_fits() {
        struct MustNotRead;
        impl Read for MustNotRead {
            fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
                panic!("read although the length was known to be over the limit");
            }
        }
        assert!(matches!(read_value(Format::Raw, MustNotRead, Some(11), 10), Err(ClientError::TooLarge { limit: 10 })));
        assert_eq!(read_value(Format::Raw, &[7u8; 10][..], Some(10), 10).unwrap().len(), 10);
        assert_eq!(read_value(Format::Raw, &[7u8; 9][..], Some(9), 10).unwrap().len(), 9);
        assert!(matches!(read_value(Format::Raw, &[7u8; 11][..], Some(11), 10), Err(ClientError::TooLarge { .. })));
    }
}

mod safe_output {
    use super::*;
    use colcrypt_client::output::SafeOutput;

    /// The refusal names what the target is, here a socket.
    #[test]
    fn a_socket_target_is_named() {
        let d = tmpdir("socket");
        let p = d.join("s");
        let _listener = std::os::unix::net::UnixListener::bind(&p).unwrap();
        let e = SafeOutput::create(&p).err().expect("a socket is not an output file");
        assert!(e.to_string().contains("a socket"), "{e}");
    }

    /// `dir/name/` names a directory even when nothing is there yet: no file `name` is made.
    #[test]
    fn a_target_ending_in_a_slash_is_refused() {
        let d = tmpdir("slash");
        let p = PathBuf::from(format!("{}/absent/", d.display()));
        let e = SafeOutput::create(&p).err().expect("a path ending in / is not a file");
        assert!(e.to_string().contains("names a directory"), "{e}");
        assert!(!d.join("absent").exists());
    }

    /// A bare file name is written in the working directory.
    #[test]
    fn a_bare_file_name_is_written_in_the_working_directory() {
        let d = tmpdir("bare");
        let key = d.join("k");
        let out = Command::new(env!("CARGO_BIN_EXE_colcrypt")).args(["keygen", key.to_str().unwrap()]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let mut child = Command::new(env!("CARGO_BIN_EXE_colcrypt"))
            .current_dir(&d)
            .args(["encrypt", "-k", key.to_str().unwrap(), "-o", "sealed"])
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(b"value").unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(d.join("sealed").metadata().unwrap().len() > 5);
    }

    /// A target that became a symbolic link while the output was written is refused at the end,
    /// and the link is left as it is.
    #[test]
    fn a_target_that_became_a_link_during_the_run_is_refused() {
        let d = tmpdir("became-link");
        let key = d.join("k");
        let out = Command::new(env!("CARGO_BIN_EXE_colcrypt")).args(["keygen", key.to_str().unwrap()]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let target = d.join("sealed");
        let mut child = Command::new(env!("CARGO_BIN_EXE_colcrypt"))
            .args(["encrypt", "-k", key.to_str().unwrap(), "-o", target.to_str().unwrap()])
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"value").unwrap();
        stdin.flush().unwrap();
        // Once the CLI holds its temporary output (a descriptor into `d`), plant the link where
        // the output will go.
        let fds = format!("/proc/{}/fd", child.id());
        let holds_output = || {
            std::fs::read_dir(&fds).into_iter().flatten().flatten().any(|e| {
                std::fs::read_link(e.path()).is_ok_and(|l| l.starts_with(&d) && !l.ends_with("k"))
            })
        };
        for _ in 0..1000 {
            if holds_output() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert!(holds_output(), "the CLI never opened its output");
        std::os::unix::fs::symlink(d.join("elsewhere"), &target).unwrap();
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        assert!(!out.status.success(), "the link was replaced");
        assert!(String::from_utf8_lossy(&out.stderr).contains("became a symbolic link"), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(target.symlink_metadata().unwrap().file_type().is_symlink());
    }
}
