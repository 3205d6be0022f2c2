//! Recovery of synthetic dumps laid out as pg_dump writes them, with keys wrapped and values
//! sealed as the server does (suite 2 under a data key, the type's context, a bound index).

use super::*;
use colcrypt_core::binding::{indexed_context, type_context};
use colcrypt_core::wrap::wrap_data_key;
use colcrypt_core::Key;

fn master(b: u8) -> Cipher {
    Cipher::new(&Key::from_slice(&[b; 32]).unwrap())
}

struct Fixture {
    keys_copy: String,
    pii: DataKeyCipher,
    gone: DataKeyCipher,
}

fn copy_hex(b: &[u8]) -> String {
    format!("\\\\x{}", hex::encode(b))
}

fn fixture(m: &Cipher) -> Fixture {
    let pii_key = Key::from_slice(&[11; 32]).unwrap();
    let gone_key = Key::from_slice(&[12; 32]).unwrap();
    let pii = DataKeyCipher::new(&pii_key);
    let gone = DataKeyCipher::new(&gone_key);
    let keys_copy = format!(
        "--\n-- Data for Name: data_keys; Type: TABLE DATA; Schema: colcrypt; Owner: postgres\n--\n\n\
         COPY colcrypt.data_keys (key_id, name, version, state, fingerprint, wrapped, created_at, state_changed_at) FROM stdin;\n\
         1\tpii\t1\tactive\t{}\t{}\t2026-01-01 00:00:00+00\t2026-01-01 00:00:00+00\n\
         2\tgone\t1\tdestroyed\t{}\t\\N\t2026-01-01 00:00:00+00\t2026-01-01 00:00:00+00\n\\.\n",
        copy_hex(pii.cipher().commitment()),
        copy_hex(&wrap_data_key(m, &pii_key, 1, 1).unwrap()),
        copy_hex(gone.cipher().commitment()),
    );
    Fixture { keys_copy, pii, gone }
}

fn dump(f: &Fixture, rows: &[String], keys_first: bool) -> String {
    let table = "--\n-- Name: t; Type: TABLE; Schema: public; Owner: postgres\n--\n\nCREATE TABLE public.t (\n    id integer NOT NULL,\n    \"S s\" colcrypt.encrypted_text(pii, searchable),\n    n colcrypt.encrypted_int4(pii)\n);\n\n";
    let ext = "--\n-- Name: colcrypt; Type: EXTENSION; Schema: -; Owner: -\n--\n\nCREATE EXTENSION IF NOT EXISTS colcrypt WITH SCHEMA colcrypt;\n\n";
    let keys = format!("{}\n", f.keys_copy);
    let data = format!("--\n-- Data for Name: t; Type: TABLE DATA; Schema: public; Owner: postgres\n--\n\nCOPY public.t (id, \"S s\", n) FROM stdin;\n{}\\.\n\n", rows.concat());
    if keys_first { format!("{ext}{table}{keys}{data}") } else { format!("{ext}{table}{data}{keys}") }
}

/// The TOC entry pg_dump writes before each COPY block.
fn data_entry(name: &str) -> String {
    format!("--\n-- Data for Name: {name}; Type: TABLE DATA; Schema: public; Owner: postgres\n--\n\n")
}

fn searchable(c: &DataKeyCipher, text: &str) -> Vec<u8> {
    let idx = [5u8; 16];
    let env = c.seal(text.as_bytes(), &indexed_context(&type_context("encrypted_text"), &idx)).unwrap();
    [b"CB".as_slice(), &idx, &env].concat()
}

fn int4(c: &DataKeyCipher, v: i32) -> Vec<u8> {
    c.seal(&v.to_be_bytes(), &type_context("encrypted_int4")).unwrap()
}

fn run(input: &str, m: &Cipher, plaintext_types: bool) -> Result<(String, Report), ClientError> {
    let ring = read_keys(input.as_bytes(), m)?;
    let mut out = Vec::new();
    let report = recover(input.as_bytes(), &ring, &Options { plaintext_types }, Output::Sql(&mut out))?;
    Ok((String::from_utf8(out).unwrap(), report))
}

#[test]
fn every_value_opens_whichever_comes_first_keys_or_data() {
    let m = master(1);
    let f = fixture(&m);
    let rows = vec![
        format!("1\t{}\t{}\n", copy_hex(&searchable(&f.pii, "tab\there \\ Zürich")), copy_hex(&int4(&f.pii, -7))),
        "2\t\\N\t\\N\n".to_string(),
    ];
    for keys_first in [true, false] {
        let (out, report) = run(&dump(&f, &rows, keys_first), &m, false).unwrap();
        assert!(out.contains("1\ttab\\there \\\\ Zürich\t-7\n2\t\\N\t\\N\n"), "{out}");
        assert_eq!((report.opened, report.rows, report.closed_count()), (2, 2, 0));
        // Kept as they were: the types and colcrypt's key table.
        assert!(out.contains("colcrypt.encrypted_int4(pii)") && out.contains("COPY colcrypt.data_keys"));
    }
}

#[test]
fn plaintext_types_leave_colcrypt_out() {
    let m = master(1);
    let f = fixture(&m);
    let rows = vec![format!("1\t{}\t{}\n", copy_hex(&searchable(&f.pii, "x")), copy_hex(&int4(&f.pii, 1)))];
    let (out, report) = run(&dump(&f, &rows, true), &m, true).unwrap();
    assert!(out.contains("    \"S s\" text,\n    n integer\n"), "{out}");
    assert!(!out.contains("colcrypt"), "{out}");
    assert!(report.still_colcrypt.is_empty());
}

#[test]
fn closed_values_are_counted_by_reason_and_written_as_null() {
    let m = master(1);
    let f = fixture(&m);
    let mut damaged = int4(&f.pii, 5);
    *damaged.last_mut().unwrap() ^= 1;
    let stranger = DataKeyCipher::new(&Key::from_slice(&[13; 32]).unwrap());
    // An int4 envelope in the text column: its type context differs, so it does not open.
    let rows = vec![
        format!("1\t{}\t{}\n", copy_hex(&int4(&f.pii, 3)), copy_hex(&int4(&f.gone, 4))),
        format!("2\tplain words\t{}\n", copy_hex(&damaged)),
        format!("3\t\\N\t{}\n", copy_hex(&int4(&stranger, 6))),
    ];
    let (out, report) = run(&dump(&f, &rows, true), &m, false).unwrap();
    assert!(out.contains("1\t\\N\t\\N\n2\t\\N\t\\N\n3\t\\N\t\\N\n"), "{out}");
    let reasons: Vec<_> = report.closed.iter().map(|((t, c, r), n)| (t.as_str(), c.as_str(), r.clone(), *n)).collect();
    let stranger_id = hex::encode(&stranger.cipher().commitment()[..8]);
    assert_eq!(
        reasons,
        vec![
            ("public.t", "S s", Closed::NotAnEnvelope, 1),
            ("public.t", "S s", Closed::Damaged, 1),
            ("public.t", "n", Closed::NoKey(stranger_id), 1),
            ("public.t", "n", Closed::Destroyed("gone".into(), 1), 1),
            ("public.t", "n", Closed::Damaged, 1),
        ]
    );
    assert_eq!(report.opened, 0);
    // No message carries a value's bytes.
    for (_, _, r) in report.closed.keys() {
        assert!(!r.to_string().contains("plain words"));
    }
}

#[test]
fn a_wrong_master_key_is_refused_before_any_value() {
    let f = fixture(&master(1));
    let d = dump(&f, &[], true);
    match read_keys(d.as_bytes(), &master(2)) {
        Err(ClientError::WrongMasterKey { given, dump }) => {
            assert_eq!(given, master(2).key_id());
            assert_eq!(dump, master(1).key_id());
        }
        other => panic!("expected WrongMasterKey, got {:?}", other.map(|r| r.summary())),
    }
    assert!(matches!(read_keys("SET x = 1;\n".as_bytes(), &master(1)), Err(ClientError::NoKeyTable)));
}

#[test]
fn truncated_or_malformed_dumps_are_errors() {
    let m = master(1);
    let f = fixture(&m);
    let d = dump(&f, &["1\t\\N\t\\N\n".into()], true);
    let cut = &d[..d.find("1\t\\N").unwrap() + 3];
    assert!(matches!(run(cut, &m, false), Err(ClientError::Dump { .. })));
    let short = dump(&f, &["1\t\\N\n".into()], true);
    assert!(matches!(run(&short, &m, false), Err(ClientError::Dump { .. })));
    let long = dump(&f, &["1\t\\N\t\\N\t\\N\n".into()], true);
    assert!(matches!(run(&long, &m, false), Err(ClientError::Dump { .. })));
}

#[test]
fn a_table_without_create_table_is_reported_not_skipped() {
    let m = master(1);
    let f = fixture(&m);
    let d = format!("{}{}COPY public.u (v) FROM stdin;\n{}\n\\.\n", f.keys_copy, data_entry("u"), copy_hex(&int4(&f.pii, 1)));
    let (out, report) = run(&d, &m, false).unwrap();
    assert!(out.contains(&copy_hex(&int4(&f.pii, 1))[..20]));
    assert_eq!(report.closed.keys().map(|k| k.2.clone()).collect::<Vec<_>>(), vec![Closed::TypeUnknown]);
}

#[test]
fn csv_files_hold_one_table_each_with_a_header() {
    let m = master(1);
    let f = fixture(&m);
    let rows = vec![format!("1\t{}\t{}\n", copy_hex(&searchable(&f.pii, "a,\"b\"")), copy_hex(&int4(&f.pii, 9))), "2\t\\N\t\\N\n".into()];
    let d = dump(&f, &rows, false);
    let dir = std::env::temp_dir().join(format!("colcrypt-recover-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ring = read_keys(d.as_bytes(), &m).unwrap();
    let report = recover(d.as_bytes(), &ring, &Options { plaintext_types: false }, Output::Csv(&dir)).unwrap();
    let file = dir.join("public.t.csv");
    assert_eq!(report.files, vec![file.clone()]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "id,S s,n\n1,\"a,\"\"b\"\"\",9\n2,,\n");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o077, 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn names_in_a_non_utf8_encoding_still_match() {
    let m = master(1);
    let f = fixture(&m);
    // LATIN1 "Zürich" as a column name: not UTF-8.
    let name = b"\"Z\xfcrich\"";
    let mut d = f.keys_copy.clone().into_bytes();
    d.extend_from_slice(b"CREATE TABLE public.t (\n    ");
    d.extend_from_slice(name);
    d.extend_from_slice(format!(" colcrypt.encrypted_int4(pii)\n);\n\n{}COPY public.t (", data_entry("t")).as_bytes());
    d.extend_from_slice(name);
    d.extend_from_slice(format!(") FROM stdin;\n{}\n\\.\n", copy_hex(&int4(&f.pii, 77))).as_bytes());
    let ring = read_keys(d.as_slice(), &m).unwrap();
    let mut out = Vec::new();
    let report = recover(d.as_slice(), &ring, &Options { plaintext_types: true }, Output::Sql(&mut out)).unwrap();
    assert_eq!(report.opened, 1);
    let want = [b"    ".as_slice(), name, b" integer\n"].concat();
    assert!(out.windows(want.len()).any(|w| w == want.as_slice()), "{}", String::from_utf8_lossy(&out));
    assert!(out.windows(4).any(|w| w == b"\n77\n"));
}

#[test]
fn a_damaged_key_row_closes_its_values_and_says_which_key() {
    let m = master(1);
    let f = fixture(&m);
    let bad_key = Key::from_slice(&[14; 32]).unwrap();
    let bad = DataKeyCipher::new(&bad_key);
    let mut wrapped = wrap_data_key(&m, &bad_key, 3, 2).unwrap();
    *wrapped.last_mut().unwrap() ^= 1;
    let row = format!("3\tbroken\t2\tactive\t{}\t{}\tx\tx\n\\.\n", copy_hex(bad.cipher().commitment()), copy_hex(&wrapped));
    let keys = f.keys_copy.replace("\\.\n", &row);
    let d = format!("{keys}CREATE TABLE public.t (\n    n colcrypt.encrypted_int4(broken)\n);\n{}COPY public.t (n) FROM stdin;\n{}\n\\.\n", data_entry("t"), copy_hex(&int4(&bad, 1)));
    let ring = read_keys(d.as_bytes(), &m).unwrap();
    assert_eq!(ring.summary(), KeySummary { opened: 1, destroyed: 1, other_master: 0, damaged: 1 });
    let mut out = Vec::new();
    let report = recover(d.as_bytes(), &ring, &Options { plaintext_types: false }, Output::Sql(&mut out)).unwrap();
    assert_eq!(report.closed.keys().map(|k| k.2.clone()).collect::<Vec<_>>(), vec![Closed::KeyDamaged("broken".into(), 2)]);
}

/// SQL a role with no grants would like a superuser to run when loading the recovered dump.
const EVIL: &str = "'; CREATE TABLE public.pwned AS SELECT current_user; SELECT '";

/// A comment any login role can set on its own large object, holding what looks like a TOC
/// entry and a COPY block of public.t whose value is `EVIL` sealed under the real key.
fn planted_comment(f: &Fixture) -> String {
    format!(
        "--\n-- Name: LARGE OBJECT 17283; Type: COMMENT; Schema: -; Owner: mallory\n--\n\n\
         COMMENT ON LARGE OBJECT 17283 IS 'x\n\
         -- Data for Name: t; Type: TABLE DATA; Schema: public; Owner: postgres\n\
         COPY public.t (id, \"S s\", n) FROM stdin;\n\
         9\t{}\t\\N\n\\.\ny';\n\n",
        copy_hex(&searchable(&f.pii, EVIL))
    )
}

/// The real table's values, and what they must come out as.
fn real_rows(f: &Fixture) -> (Vec<String>, &'static str) {
    (vec![format!("1\t{}\t{}\n", copy_hex(&searchable(&f.pii, "real")), copy_hex(&int4(&f.pii, 5)))], "1\treal\t5\n")
}

#[test]
fn a_copy_block_inside_a_literal_is_text_not_data() {
    // F1: before, the fake row was opened and EVIL written inside the comment's literal,
    // closing it: loading the output ran CREATE TABLE public.pwned.
    let m = master(1);
    let f = fixture(&m);
    let (rows, want) = real_rows(&f);
    let base = dump(&f, &rows, true);
    let planted = planted_comment(&f);
    // Before and after the real data, and before the key table (read_keys sees it too).
    for d in [format!("{planted}{base}"), base.replacen("--\n-- Data for Name: t;", &format!("{planted}--\n-- Data for Name: t;"), 1)] {
        let (out, report) = run(&d, &m, false).unwrap();
        assert!(out.contains(&planted), "the comment must come out unchanged:\n{out}");
        assert!(!out.contains("pwned"), "{out}");
        assert!(out.contains(want), "{out}");
        assert_eq!((report.opened, report.rows, report.closed_count()), (2, 1, 0));
    }
}

#[test]
fn a_colcrypt_toc_header_inside_a_literal_drops_nothing() {
    // F2: with --plaintext-types a header naming colcrypt's schema started dropping lines,
    // the closing quote among them, and the literal's text then ran as SQL.
    let m = master(1);
    let f = fixture(&m);
    let (rows, want) = real_rows(&f);
    let comment = "COMMENT ON LARGE OBJECT 17284 IS 'x\n--\n-- Name: k; Type: TABLE; Schema: colcrypt; Owner: x\n--\ny';\n\
                   COMMENT ON LARGE OBJECT 17285 IS '; CREATE TABLE public.pwned2 AS SELECT 1; -- ';\n\n";
    let d = format!("--\n-- Name: LARGE OBJECT 17284; Type: COMMENT; Schema: -; Owner: mallory\n--\n\n{comment}{}", dump(&f, &rows, true));
    let (out, report) = run(&d, &m, true).unwrap();
    assert!(out.contains(comment), "{out}");
    assert!(out.contains(want) && report.closed_count() == 0, "{out}");
    // colcrypt's real entries are still left out.
    assert!(!out.contains("CREATE EXTENSION") && !out.contains("COPY colcrypt.data_keys"), "{out}");
}

#[test]
fn a_create_table_inside_a_literal_changes_no_column_type() {
    // F3: a fake CREATE TABLE made the encrypted columns plain: ciphertext out, exit 0.
    let m = master(1);
    let f = fixture(&m);
    let (rows, want) = real_rows(&f);
    let fake = "--\n-- Name: LARGE OBJECT 17286; Type: COMMENT; Schema: -; Owner: mallory\n--\n\nCOMMENT ON LARGE OBJECT 17286 IS 'x\nCREATE TABLE public.t (\n    id integer,\n    \"S s\" text,\n    n integer\n);\ny';\n\n";
    let d = dump(&f, &rows, true).replacen("--\n-- Data for Name: t;", &format!("{fake}--\n-- Data for Name: t;"), 1);
    let (out, report) = run(&d, &m, true).unwrap();
    assert!(out.contains(fake), "{out}");
    assert!(out.contains(want), "{out}");
    assert_eq!((report.opened, report.closed_count()), (2, 0));
    // The real column types are still rewritten to plaintext types.
    assert!(out.matches("    n integer\n);\n").count() == 2 && !out.contains("colcrypt.encrypted_int4"), "{out}");
}

#[test]
fn dollar_quoted_bodies_and_e_strings_hide_dump_structure() {
    let m = master(1);
    let f = fixture(&m);
    let (rows, want) = real_rows(&f);
    let fake_copy = format!("-- Data for Name: t; Type: TABLE DATA; Schema: public; Owner: postgres\nCOPY public.t (id, \"S s\", n) FROM stdin;\n9\t{}\t\\N\n\\.\n", copy_hex(&searchable(&f.pii, EVIL)));
    let func = format!("CREATE FUNCTION public.f() RETURNS text\n    LANGUAGE sql\n    AS $_$SELECT $x$ $_ $__$ $$\n{fake_copy}'$_$;\n\n");
    // `\'` does not end an E'' string; `''` does not either.
    let e_str = format!("SELECT E'a\\'b''\n{fake_copy}';\n\n");
    for extra in [func, e_str] {
        let d = format!("{extra}{}", dump(&f, &rows, true));
        let (out, report) = run(&d, &m, false).unwrap();
        assert!(out.contains(&extra) && !out.contains("pwned"), "{out}");
        assert!(out.contains(want), "{out}");
        assert_eq!((report.opened, report.closed_count()), (2, 0));
    }
}

#[test]
fn a_dump_that_ends_inside_a_literal_writes_nothing() {
    let m = master(1);
    let f = fixture(&m);
    let (rows, _) = real_rows(&f);
    for tail in ["COMMENT ON LARGE OBJECT 1 IS 'x\n", "SELECT $q$\n", "SELECT E'\\'\n", "/* /* */\n"] {
        let d = format!("{}{tail}", dump(&f, &rows, true));
        // Both passes refuse it: read_keys before any value is opened.
        assert!(matches!(read_keys(d.as_bytes(), &m), Err(ClientError::Dump { .. })), "{tail}");
        let ring = read_keys(dump(&f, &rows, true).as_bytes(), &m).unwrap();
        let mut out = Vec::new();
        match recover(d.as_bytes(), &ring, &Options { plaintext_types: false }, Output::Sql(&mut out)) {
            Err(ClientError::Dump { what, .. }) => assert!(what.contains("ends inside"), "{what}"),
            other => panic!("expected a dump error for {tail:?}, got {:?}", other.map(|r| r.opened)),
        }
    }
}

#[test]
fn a_copy_block_without_its_toc_entry_is_refused() {
    let m = master(1);
    let f = fixture(&m);
    let (rows, _) = real_rows(&f);
    let d = dump(&f, &rows, true).replace("-- Data for Name: t; Type: TABLE DATA;", "-- Name: t; Type: TABLE;");
    assert!(matches!(run(&d, &m, false), Err(ClientError::Dump { .. })));
}

#[test]
fn csv_refuses_a_shared_out_dir_and_two_tables_in_one_file() {
    use std::os::unix::fs::PermissionsExt;
    let m = master(1);
    let f = fixture(&m);
    let (rows, _) = real_rows(&f);
    let d = dump(&f, &rows, true);
    let ring = read_keys(d.as_bytes(), &m).unwrap();
    let dir = std::env::temp_dir().join(format!("colcrypt-recover-dir-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let csv = |input: &str, dir: &Path| recover(input.as_bytes(), &ring, &Options { plaintext_types: false }, Output::Csv(dir));
    // Group- or world-writable: refused before any file is written.
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    assert!(matches!(csv(&d, &dir), Err(ClientError::Output { what, .. }) if what.contains("writable by group or others")));
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
    // A symbolic link to a directory is not followed.
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    let link = dir.with_extension("link");
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(&dir, &link).unwrap();
    assert!(matches!(csv(&d, &link), Err(ClientError::Output { .. })));
    std::fs::remove_file(&link).unwrap();
    // Another user's directory (testable where the tests run as root, as they do here).
    if rustix::process::geteuid().is_root() {
        std::os::unix::fs::chown(&dir, Some(65534), None).unwrap();
        assert!(matches!(csv(&d, &dir), Err(ClientError::Output { what, .. }) if what.contains("owned by user id 65534")));
        std::os::unix::fs::chown(&dir, Some(0), None).unwrap();
    }
    // `public.a/b` and `public.a_b` map to one file name: refused, naming both tables.
    let two = d.replace("public.t", "public.\"a/b\"").replace("Name: t;", "Name: a/b;")
        + &data_entry("a_b") + "COPY public.a_b (v) FROM stdin;\n1\n\\.\n";
    match csv(&two, &dir) {
        Err(ClientError::Output { what, .. }) => assert!(what.contains("public.a/b and public.a_b"), "{what}"),
        other => panic!("expected a refusal, got {:?}", other.map(|r| r.files)),
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
