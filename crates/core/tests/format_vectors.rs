//! The key and column vector files (v1-keys.json, v1-columns.json, v1-dump.sql), written from
//! docs/FORMAT.md by the independent Python implementation in tests/vectors/generate.py, against
//! crates/core. Where the core can make the same bytes (fixed salt and nonce under the
//! test-vectors feature) it does and they are compared; every vector is also opened.

use colcrypt_core::binding::{indexed_context, type_context, typmod_for_key_name};
use colcrypt_core::canonical::equality_form;
use colcrypt_core::wrap::{envelope_commitment, parse_master_key, unwrap_data_key, unwrap_key};
use colcrypt_core::{Cipher, DataKeyCipher, Error, Key, BLIND_INDEX_LEN};
use serde_json::Value;

fn file(name: &str) -> Value {
    let text = std::fs::read_to_string(format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn hex_of(v: &Value) -> Vec<u8> {
    hex::decode(v.as_str().unwrap_or_else(|| panic!("not a hex string: {v}"))).unwrap()
}

fn key(v: &Value) -> Key {
    Key::from_slice(&hex_of(v)).unwrap()
}

fn arr<const N: usize>(v: &Value) -> [u8; N] {
    hex_of(v).try_into().unwrap()
}

fn int(v: &Value) -> i32 {
    i32::try_from(v.as_i64().unwrap()).unwrap()
}

#[test]
fn master_key_text_is_parsed_as_the_spec_says() {
    let f = file("v1-keys.json");
    let cases = f["master_key_text"].as_array().unwrap();
    assert!(cases.iter().filter(|c| c["key"].is_null()).count() >= 10, "rejected forms are covered");
    assert!(cases.iter().filter(|c| !c["key"].is_null()).count() >= 5, "accepted forms are covered");
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let got = parse_master_key(&hex_of(&c["text"]));
        if c["key"].is_null() {
            assert_eq!(got.unwrap_err(), Error::MasterKeyFormat, "{name}: must be refused");
            continue;
        }
        let k = got.unwrap_or_else(|e| panic!("{name}: refused: {e}"));
        assert!(k.ct_eq_bytes(&hex_of(&c["key"])), "{name}: wrong key bytes");
        // The key check value is the master key's commitment; its first 8 bytes are the key id
        // colcrypt.master_key_info() shows.
        let m = Cipher::new(&k);
        assert_eq!(m.commitment().to_vec(), hex_of(&c["key_check_value"]), "{name}: key check value");
        assert_eq!(m.key_id(), c["key_id"].as_str().unwrap(), "{name}: key id");
    }
}

#[test]
fn wrapped_data_keys_match_and_unwrap_only_for_their_row_and_master() {
    let f = file("v1-keys.json");
    let vectors = f["wrapped_data_keys"].as_array().unwrap();
    assert!(vectors.len() >= 4);
    for v in vectors {
        let master = Cipher::new(&key(&v["master_key"]));
        let (id, version) = (int(&v["key_id"]), int(&v["version"]));
        let wrapped = hex_of(&v["wrapped"]);
        let context = hex_of(&v["context"]);
        assert_eq!(context, format!("\0colcrypt data key {id} v{version}").into_bytes());
        // Same bytes from the core given the nonce: suite 1 under the master key, that context.
        assert_eq!(master.seal_with_nonce(&hex_of(&v["data_key"]), &context, &arr(&v["nonce"])), wrapped);
        assert_eq!(wrapped.len(), 32 + colcrypt_core::ENVELOPE_OVERHEAD);
        assert_eq!(&wrapped[4..36], master.commitment(), "bytes 4..36 of a wrapped key are the key check value");
        // And the server's unwrap accepts it for its row only.
        let dek = unwrap_data_key(&master, &wrapped, id, version).unwrap();
        assert!(dek.ct_eq_bytes(&hex_of(&v["data_key"])));
        assert_eq!(Cipher::new(&dek).commitment().to_vec(), hex_of(&v["fingerprint"]), "fingerprint = the data key's commitment");
        assert_eq!(unwrap_data_key(&master, &wrapped, id, version.wrapping_add(1)).unwrap_err(), Error::CannotDecrypt);
        assert_eq!(unwrap_data_key(&master, &wrapped, id.wrapping_add(1), version).unwrap_err(), Error::CannotDecrypt);
        let other = Cipher::new(&Key::from_slice(&[0x5a; 32]).unwrap());
        assert_eq!(unwrap_data_key(&other, &wrapped, id, version).unwrap_err(), Error::WrongMasterKey);
    }
    // A master key rotation keeps the data key and its row, and changes only the wrapping.
    let rewrapped = vectors.iter().filter(|v| v["key_id"] == 7).collect::<Vec<_>>();
    assert_eq!(rewrapped.len(), 2);
    assert_eq!(rewrapped[0]["data_key"], rewrapped[1]["data_key"]);
    assert_ne!(rewrapped[0]["master_key"], rewrapped[1]["master_key"]);
}

#[test]
fn client_column_keys_unwrap_with_their_label() {
    let f = file("v1-keys.json");
    for v in f["client_column_keys"].as_array().unwrap() {
        let master = Cipher::new(&key(&v["client_master_key"]));
        let column = v["column"].as_str().unwrap();
        // crates/client/src/column_keys.rs labels a column's key "client column {column}", and
        // wrap::wrap_key makes the context "\0colcrypt wrapped key {label}".
        let label = format!("client column {column}");
        assert_eq!(hex_of(&v["context"]), format!("\0colcrypt wrapped key {label}").into_bytes());
        let wrapped = hex_of(&v["wrapped"]);
        assert_eq!(master.seal_with_nonce(&hex_of(&v["column_key"]), &hex_of(&v["context"]), &arr(&v["nonce"])), wrapped);
        assert!(unwrap_key(&master, &wrapped, &label).unwrap().ct_eq_bytes(&hex_of(&v["column_key"])));
        assert_eq!(unwrap_key(&master, &wrapped, "client column other.column").unwrap_err(), Error::CannotDecrypt);
    }
}

#[test]
fn type_contexts_and_modifiers() {
    let f = file("v1-columns.json");
    let contexts = f["type_contexts"].as_array().unwrap();
    assert_eq!(contexts.len(), 10, "all ten types");
    for c in contexts {
        assert_eq!(type_context(c["type"].as_str().unwrap()), hex_of(&c["context"]));
    }
    for m in f["type_modifiers"].as_array().unwrap() {
        let flag = i32::from(m["searchable"].as_bool().unwrap());
        assert_eq!(typmod_for_key_name(m["name"].as_str().unwrap()) | flag, int(&m["typmod"]), "{m}");
    }
}

fn blind_key(f: &Value) -> DataKeyCipher {
    DataKeyCipher::new(&key(&f["blind_index_key"]))
}

#[test]
fn blind_indexes_and_equality_forms() {
    let f = file("v1-columns.json");
    let b = blind_key(&f);
    let vectors = f["blind_indexes"].as_array().unwrap();
    assert!(vectors.len() >= 20);
    for v in vectors {
        let t = v["type"].as_str().unwrap();
        let pt = hex_of(&v["plaintext"]);
        let form = equality_form(t, &pt).unwrap_or_else(|e| panic!("{t} {}: {e}", v["shown"]));
        assert_eq!(form.as_ref(), hex_of(&v["equality_form"]).as_slice(), "{t} {}", v["shown"]);
        assert_eq!(b.blind_index(&type_context(t), &form).to_vec(), hex_of(&v["index"]), "{t} {}", v["shown"]);
    }
    for v in f["equality_form_edge_cases"].as_array().unwrap() {
        let pt = hex_of(&v["plaintext"]);
        let got = equality_form(v["type"].as_str().unwrap(), &pt);
        match &v["equality_form"] {
            Value::Null => assert_eq!(got.unwrap_err(), Error::CannotDecrypt, "{}", v["why"]),
            want => assert_eq!(got.unwrap().as_ref(), hex_of(want).as_slice(), "{}", v["why"]),
        }
    }
}

/// (tag, blind index, envelope) of a stored column value (FORMAT.md "Searchable values").
fn split(stored: &[u8]) -> (Option<&[u8]>, Option<[u8; BLIND_INDEX_LEN]>, &[u8]) {
    match stored {
        [b'C', t @ (b'B' | b'I'), rest @ ..] if rest.len() >= BLIND_INDEX_LEN => {
            let (bi, env) = rest.split_at(BLIND_INDEX_LEN);
            (Some(if *t == b'B' { b"CB" } else { b"CI" }), Some(bi.try_into().unwrap()), env)
        }
        _ => (None, None, stored),
    }
}

/// The context a stored value's envelope was sealed with.
fn value_context(type_name: &str, tag: Option<&[u8]>, bi: Option<[u8; BLIND_INDEX_LEN]>) -> Vec<u8> {
    match (tag, bi) {
        (Some(b"CB"), Some(bi)) => indexed_context(&type_context(type_name), &bi),
        _ => type_context(type_name),
    }
}

#[test]
fn stored_values_and_their_text_forms() {
    let f = file("v1-columns.json");
    let b = blind_key(&f);
    let vectors = f["stored_values"].as_array().unwrap();
    for tag in ["none", "CB", "CI"] {
        assert!(vectors.iter().filter(|v| v["tag"] == tag).count() >= 5, "tag {tag} covered");
    }
    for v in vectors {
        let t = v["type"].as_str().unwrap();
        let stored = hex_of(&v["stored"]);
        let pt = hex_of(&v["plaintext"]);
        let (tag, bi, env) = split(&stored);
        assert_eq!(tag.map(|t| std::str::from_utf8(t).unwrap()).unwrap_or("none"), v["tag"]);
        let ctx = value_context(t, tag, bi);
        assert_eq!(ctx, hex_of(&v["context"]));
        let d = DataKeyCipher::new(&key(&v["data_key"]));
        assert_eq!(d.seal_with(&pt, &ctx, &arr(&v["salt"]), &arr(&v["nonce"])), env, "{t}: same envelope from the core");
        assert_eq!(d.open(env, &ctx).unwrap(), pt);
        if let Some(bi) = bi {
            assert_eq!(b.blind_index(&type_context(t), &equality_form(t, &pt).unwrap()), bi, "{t}: index");
        }
        // A bound index is authenticated: the envelope does not open without it, nor with another.
        if tag == Some(b"CB") {
            assert_eq!(d.open(env, &type_context(t)).unwrap_err(), Error::CannotDecrypt);
            assert_eq!(d.open(env, &indexed_context(&type_context(t), &[0; 16])).unwrap_err(), Error::CannotDecrypt);
        }
        assert_eq!(v["text_form"].as_str().unwrap(), format!("\\x{}", hex::encode(&stored)));
        assert_eq!(v["copy_field"].as_str().unwrap(), format!("\\\\x{}", hex::encode(&stored)));
        let binary = if tag == Some(b"CI") { env } else { &stored[..] };
        assert_eq!(hex_of(&v["binary_form"]), binary);
    }
}

/// The rows of the `COPY table (…) FROM stdin;` block in a plain dump, fields split at tabs,
/// `\N` as None and `\\` unescaped (the only escapes these values need).
fn copy_rows(dump: &str, table: &str) -> Vec<Vec<Option<String>>> {
    let start = format!("COPY {table} (");
    let mut lines = dump.lines().skip_while(|l| !l.starts_with(&start));
    assert!(lines.next().is_some(), "no COPY block for {table}");
    lines
        .take_while(|l| *l != "\\.")
        .map(|l| l.split('\t').map(|f| (f != "\\N").then(|| f.replace("\\\\", "\\"))).collect())
        .collect()
}

fn bytea(field: &Option<String>) -> Option<Vec<u8>> {
    field.as_ref().map(|f| hex::decode(f.strip_prefix("\\x").expect("bytea text form")).unwrap())
}

/// FORMAT.md "Recovering values from a dump", step by step, with the master key alone.
#[test]
fn a_dump_opens_with_the_master_key_alone() {
    let f = file("v1-columns.json");
    let spec = &f["dump"];
    let dump = std::fs::read_to_string(format!("{}/tests/vectors/{}", env!("CARGO_MANIFEST_DIR"), spec["file"].as_str().unwrap())).unwrap();
    let master = Cipher::new(&parse_master_key(spec["master_key"].as_str().unwrap().as_bytes()).unwrap());

    // 1. The data keys: unwrap each row that is not destroyed; index them by fingerprint.
    let mut keys: Vec<([u8; 32], Option<DataKeyCipher>)> = Vec::new();
    for row in copy_rows(&dump, "colcrypt.data_keys") {
        let (id, version) = (row[0].as_ref().unwrap().parse().unwrap(), row[2].as_ref().unwrap().parse().unwrap());
        let state = row[3].as_deref().unwrap();
        let fingerprint: [u8; 32] = bytea(&row[4]).unwrap().try_into().unwrap();
        let wrapped = bytea(&row[5]);
        assert_eq!(state == "destroyed", wrapped.is_none(), "a destroyed version has no wrapped key");
        let cipher = wrapped.map(|w| {
            let dek = unwrap_data_key(&master, &w, id, version).unwrap();
            assert_eq!(Cipher::new(&dek).commitment(), &fingerprint);
            DataKeyCipher::new(&dek)
        });
        keys.push((fingerprint, cipher));
    }
    assert_eq!(keys.len(), 7);

    // 2. Each value: \x-hex, split off a blind index, find the key by the envelope's commitment.
    let rows = copy_rows(&dump, spec["table"].as_str().unwrap());
    let header = dump.lines().find(|l| l.starts_with("COPY public.patients (")).unwrap();
    let columns: Vec<&str> = header.split_once('(').unwrap().1.split_once(')').unwrap().0.split(", ").collect();
    let expected = spec["values"].as_array().unwrap();
    assert_eq!(expected.len(), rows.len() * (columns.len() - 1));
    let mut results = std::collections::BTreeMap::<&str, usize>::new();
    for e in expected {
        let t = e["type"].as_str().unwrap();
        let row = rows.iter().find(|r| r[0].as_deref() == Some(&e["row"].to_string())).unwrap();
        let col = columns.iter().position(|c| *c == e["column"].as_str().unwrap()).unwrap();
        let got = match bytea(&row[col]) {
            None => "null",
            Some(stored) => {
                let (tag, bi, env) = split(&stored);
                let fp = envelope_commitment(env).unwrap();
                match keys.iter().find(|(f, _)| *f == fp) {
                    None => "no_key",
                    Some((_, None)) => "destroyed_key",
                    Some((_, Some(d))) => match d.open(env, &value_context(t, tag, bi)) {
                        Ok(pt) => {
                            assert_eq!(pt, hex_of(&e["plaintext"]), "{e}");
                            "ok"
                        }
                        Err(Error::CannotDecrypt) => "damaged",
                        Err(other) => panic!("{e}: {other}"),
                    },
                }
            }
        };
        assert_eq!(got, e["result"].as_str().unwrap(), "{e}");
        *results.entry(got).or_default() += 1;
    }
    assert_eq!(results.get("ok"), Some(&8));
    assert_eq!(results.get("destroyed_key"), Some(&1));
    assert_eq!(results.get("damaged"), Some(&1));

    // 3. The client column keys the dump carries unwrap with the client master key (v1-keys.json).
    let keys_file = file("v1-keys.json");
    let ck = &keys_file["client_column_keys"][0];
    let row = &copy_rows(&dump, "colcrypt.client_column_keys")[0];
    let client_master = Cipher::new(&key(&ck["client_master_key"]));
    let label = format!("client column {}", row[1].as_deref().unwrap());
    assert!(unwrap_key(&client_master, &bytea(&row[2]).unwrap(), &label).unwrap().ct_eq_bytes(&hex_of(&ck["column_key"])));
}
