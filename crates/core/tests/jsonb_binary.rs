//! The jsonb binary form against containers PostgreSQL 15 wrote (captured with pageinspect from
//! a table whose jsonb column is stored plain) and the text `jsonb_out` printed for each. The
//! in-server tier compares every container against the server's own `jsonb_out` again, over
//! generated documents (src/pg_tests.rs, jsonb_binary_text_is_jsonb_out).
use colcrypt_core::canonical::{equality_form, JSONB_TYPE};
use colcrypt_core::jsonb_binary::{is_binary, to_text, validate, PREFIX};

const VECTORS: &[(&str, &str)] = &[
    ("00000020", "{}"),
    ("00000040", "[]"),
    ("01000050080000902000000000800100", "1"),
    ("010000500100008073", "\"s\""),
    ("01000050000000c0", "null"),
    ("01000050000000b0", "true"),
    ("01000050000000a0", "false"),
    ("010000500a0000902800000000a101008813", "-1.50"),
    ("0100005006000090180000000080", "0"),
    ("0100005008000090200000007f820100", "0.0001"),
    ("01000050080000902000000019800100", "10000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"),
    ("0100005008000090200000007baa0100", "-0.00000000000000000001"),
    ("01000050180000906000000087800c00800dd21ed2042e163423800dd21e8813", "123456789012345678901234567890.5"),
    ("0800004008000090010000000000004000000030000000200d0000100a0000101200001020000000008001006100000028000000808001008813000020000000ffa10a0048000000828401002909851ad2042e162823", "[1, \"a\", null, true, false, 1.5, -0.001, 123456789.123456789]"),
    ("0200002001000080020000003300005010000000616161000100002001000080250000506200000002000040080000900e000050200000000080010001000020010000800100000063640a09225c20c3a92001201f20080c0d2f", "{\"a\": {\"b\": [1, {\"c\": \"d\"}]}, \"aa\": \"\\n\\t\\\"\\\\ é \\u0001 \\u001f \\b\\f\\r/\"}"),
    ("28000040060000900a000010080000100800001008000010080000100800001008000010080000100800001008000010080000100800001008000010080000100800001008000010080000100800001008000010080000100800001008000010080000100800001008000010080000100800001008000010080000100800001008000010080100900800001008000010080000100800001008000010080000100800001018000000008000002000000000800100200000000080020020000000008003002000000000800400200000000080050020000000008006002000000000800700200000000080080020000000008009002000000000800a002000000000800b002000000000800c002000000000800d002000000000800e002000000000800f0020000000008010002000000000801100200000000080120020000000008013002000000000801400200000000080150020000000008016002000000000801700200000000080180020000000008019002000000000801a002000000000801b002000000000801c002000000000801d002000000000801e002000000000801f0020000000008020002000000000802100200000000080220020000000008023002000000000802400200000000080250020000000008026002000000000802700", "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39]"),
    ("140000200300008003000000030000000300000003000000030000000300000003000000030000000300000003000000030000000300000003000000030000000300000003000000030000000300000003000000060000100c0000100a0000100a0000100a0000100a0000100a0000100a0000100a0000100a0000100a0000100a000010bc0000900a0000100a0000100a0000100a0000100a0000100a0000100a0000106b30306b30316b30326b30336b30346b30356b30366b30376b30386b30396b31306b31316b31326b31336b31346b31356b31366b31376b31386b313918000000808000002800000080800100881300002000000080800300280000008080040088130000200000008080060028000000808007008813000020000000808009002800000080800a00881300002000000080800c002800000080800d00881300002000000080800f002800000080801000881300002000000080801200280000008080130088130000200000008080150028000000808016008813000020000000808018002800000080801900881300002000000080801b002800000080801c008813", "{\"k00\": 0.0, \"k01\": 1.5, \"k02\": 3.0, \"k03\": 4.5, \"k04\": 6.0, \"k05\": 7.5, \"k06\": 9.0, \"k07\": 10.5, \"k08\": 12.0, \"k09\": 13.5, \"k10\": 15.0, \"k11\": 16.5, \"k12\": 18.0, \"k13\": 19.5, \"k14\": 21.0, \"k15\": 22.5, \"k16\": 24.0, \"k17\": 25.5, \"k18\": 27.0, \"k19\": 28.5}"),
    ("04000020000000800100000001000000020000000000000014000050040000500400005061626162010000400c0000d001000040040000d0000000400000004000000020", "{\"\": \"\", \"a\": [[[]]], \"b\": [], \"ab\": {}}"),
    ("030000400d0000d03b00005006000000010000200100008000000040780000000200004008000090240000502000000000800100020000400800009010000050200000000080020001000040080000902000000000800300e697a5e69cac", "[{\"x\": null}, [1, [2, [3]]], \"日本\"]"),
];

#[test]
fn prints_what_jsonb_out_printed() {
    for (hex_container, text) in VECTORS {
        let c = hex::decode(hex_container).unwrap();
        assert_eq!(String::from_utf8(to_text(&c).unwrap()).unwrap(), *text, "container {hex_container}");
        validate(&c).unwrap();
    }
}

#[test]
fn the_index_is_the_text_forms() {
    for (hex_container, text) in VECTORS {
        let mut sealed = PREFIX.to_vec();
        sealed.extend(hex::decode(hex_container).unwrap());
        assert!(is_binary(&sealed) && !is_binary(text.as_bytes()));
        assert_eq!(equality_form(JSONB_TYPE, &sealed).unwrap(), equality_form(JSONB_TYPE, text.as_bytes()).unwrap(), "{text}");
    }
}

/// Damage of any one byte, and every truncation, is an error or another well-formed document:
/// never a panic, and never a read outside the container.
#[test]
fn damage_is_an_error_never_a_panic() {
    for (hex_container, _) in VECTORS {
        let c = hex::decode(hex_container).unwrap();
        for n in 0..c.len() {
            assert!(to_text(&c[..n]).is_err(), "truncated to {n}: {hex_container}");
        }
        for i in 0..c.len() {
            for v in [0x00, 0x01, 0x03, 0x7f, 0x80, 0xc0, 0xff, c[i] ^ 0x10, c[i] ^ 0x04] {
                let mut d = c.clone();
                d[i] = v;
                let _ = to_text(&d);
                assert_eq!(validate(&d).is_ok(), to_text(&d).is_ok());
            }
        }
        let mut longer = c.clone();
        longer.push(0);
        assert!(to_text(&longer).is_err(), "a trailing byte: {hex_container}");
    }
}

/// An object of two keys with null values, built by hand as PostgreSQL lays it out.
fn object(k1: &[u8], k2: &[u8]) -> Vec<u8> {
    let mut c = Vec::new();
    c.extend(0x2000_0002u32.to_le_bytes()); // an object of two pairs
    c.extend((0x8000_0000u32 | k1.len() as u32).to_le_bytes()); // key 1: its end offset
    c.extend((k2.len() as u32).to_le_bytes()); // key 2: its length
    c.extend(0x4000_0000u32.to_le_bytes()); // null
    c.extend(0x4000_0000u32.to_le_bytes()); // null
    c.extend(k1);
    c.extend(k2);
    c
}

/// Key order and uniqueness affect answers, not memory: not checked (PostgreSQL writes keys in
/// order); the text is printed as the container has it.
#[test]
fn keys_are_printed_as_they_are() {
    assert_eq!(to_text(&object(b"a", b"b")).unwrap(), b"{\"a\": null, \"b\": null}");
    assert_eq!(to_text(&object(b"b", b"a")).unwrap(), b"{\"b\": null, \"a\": null}");
    assert_eq!(to_text(&object(b"a\x00", b"b")).unwrap(), b"{\"a\\u0000\": null, \"b\": null}");
    // A key that is not a string is refused: the kind bits of key 2 made a number's.
    let mut c = object(b"a", b"b");
    c[8..12].copy_from_slice(&0x1000_0001u32.to_le_bytes());
    assert!(validate(&c).is_err());
}

/// The keys are checked in one pass on every read (src/jsonb_binary.rs): each damage alone is
/// refused, and so is a string value that runs backwards or past the data.
#[test]
fn damaged_keys_and_strings_are_refused() {
    let with = |at: usize, jentry: u32| {
        let mut c = object(b"a", b"bb");
        c[at..at + 4].copy_from_slice(&jentry.to_le_bytes());
        validate(&c)
    };
    assert!(with(8, 2).is_ok(), "the object as built");
    // Key 1 ends at 3, key 2 at 2, so key 2 would be -1 bytes long; value 2 made a string of one
    // byte so that the values alone end where the data does.
    let mut c = object(b"a", b"bb");
    for (at, jentry) in [(4, 0x8000_0003u32), (8, 0x8000_0002), (16, 1)] {
        c[at..at + 4].copy_from_slice(&jentry.to_le_bytes());
    }
    assert!(validate(&c).is_err(), "key 2 ends before key 1 does");
    assert!(with(8, 3).is_err(), "key 2 runs past the data");
    assert!(with(4, 0x8000_0004).is_err(), "key 1 runs past the data");
    assert!(with(8, 0x4000_0002).is_err(), "key 2 is a null");
    // Value 1 made a string of one byte: it runs past the data (the keys take all of it).
    assert!(with(12, 1).is_err(), "a string past the data");
    let mut c = object(b"a", b"bb");
    c[12..16].copy_from_slice(&0x8000_0002u32.to_le_bytes()); // value 1: a string ending at 2, inside key 2
    assert!(validate(&c).is_err(), "a string that runs backwards");
}

/// `levels` arrays, each holding the next, the innermost empty, laid out as PostgreSQL does.
fn nested(levels: usize) -> Vec<u8> {
    let mut c = 0x4000_0000u32.to_le_bytes().to_vec();
    for _ in 1..levels {
        let mut outer = 0x4000_0001u32.to_le_bytes().to_vec();
        outer.extend((0x8000_0000u32 | 0x5000_0000 | c.len() as u32).to_le_bytes());
        outer.extend(&c);
        c = outer;
    }
    c
}

/// The binary form holds at most MAX_DEPTH levels (the walk recurses once per level); the server
/// seals deeper documents as text (regress types_assign), so this bound refuses only forgeries.
#[test]
fn nesting_is_bounded() {
    use colcrypt_core::jsonb_binary::{sealable, MAX_DEPTH};
    let deepest = nested(MAX_DEPTH);
    assert_eq!(to_text(&deepest).unwrap(), format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH)).into_bytes());
    assert!(sealable(&deepest));
    assert!(validate(&nested(MAX_DEPTH + 1)).is_err() && !sealable(&nested(MAX_DEPTH + 1)));
}
