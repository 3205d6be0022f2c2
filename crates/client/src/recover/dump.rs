//! The parts of a plain-format pg_dump script that recovery reads: the table of contents
//! comments, CREATE TABLE column lists, COPY headers and COPY's text format. pg_dump writes
//! these in one fixed layout (one column per line, one row per line), which is all this
//! follows; everything else passes through untouched.

use super::plain::EncType;

/// One `-- Name: …; Type: …; Schema: …; Owner: …` (or `-- Data for Name: …`) header.
#[derive(Debug, PartialEq, Eq)]
pub struct Toc<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub schema: &'a str,
}

pub fn parse_toc(line: &str) -> Option<Toc<'_>> {
    let rest = line.strip_prefix("-- Name: ").or_else(|| line.strip_prefix("-- Data for Name: "))?;
    let (name, rest) = rest.split_once("; Type: ")?;
    let (kind, rest) = rest.split_once("; Schema: ")?;
    let schema = rest.split_once(';').map_or(rest, |(s, _)| s).trim_end();
    Some(Toc { name, kind, schema })
}

impl Toc<'_> {
    /// colcrypt's own objects: its schema, the extension and their comments, the data of its
    /// tables and sequences, grants on them. A plaintext dump meant for a server without
    /// colcrypt leaves them out.
    pub fn is_colcrypt(&self) -> bool {
        self.schema == "colcrypt" || matches!(self.name, "colcrypt" | "SCHEMA colcrypt" | "EXTENSION colcrypt")
    }
}

/// An identifier as pg_dump writes it (bare, or double-quoted with `""` for a quote) and the text
/// after it.
fn ident(s: &str) -> Option<(&str, &str)> {
    if let Some(q) = s.strip_prefix('"') {
        let bytes = q.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 2;
                    continue;
                }
                return Some((&s[..i + 2], &s[i + 2..]));
            }
            i += 1;
        }
        return None;
    }
    let end = s.find([' ', ',', '(', ')', '.', ';']).unwrap_or(s.len());
    (end > 0).then(|| (&s[..end], &s[end..]))
}

/// `schema.name` (or a bare name) and the text after it.
fn qualified(s: &str) -> Option<(&str, &str)> {
    let (_, rest) = ident(s)?;
    let rest = match rest.strip_prefix('.') {
        Some(r) => ident(r)?.1,
        None => rest,
    };
    Some((&s[..s.len() - rest.len()], rest))
}

/// The name an identifier stands for (`"Odd ""col"""` → `Odd "col"`).
pub fn unquote(raw: &str) -> String {
    match raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => raw.to_owned(),
    }
}

/// `schema.table` unquoted, for file names and messages.
pub fn unquote_qualified(raw: &str) -> String {
    match ident(raw) {
        Some((first, rest)) if rest.starts_with('.') => format!("{}.{}", unquote(first), unquote(&rest[1..])),
        _ => unquote(raw),
    }
}

/// `CREATE TABLE schema.t (` → `schema.t` as written.
pub fn create_table(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("CREATE TABLE ").or_else(|| line.strip_prefix("CREATE UNLOGGED TABLE "))?;
    let (name, after) = qualified(rest)?;
    (after.trim_end() == " (" || after.trim_end() == "(").then_some(name)
}

/// A column line of a CREATE TABLE.
#[derive(Debug, PartialEq, Eq)]
pub struct ColumnLine<'a> {
    /// The column's name as written.
    pub name: &'a str,
    /// Its encrypted type, and the byte range of the type (with its modifier) in the line.
    pub encrypted: Option<(EncType, std::ops::Range<usize>)>,
    /// An array, domain or other type over an encrypted type that recovery cannot open.
    pub unsupported: bool,
}

pub fn column_line(line: &str) -> Option<ColumnLine<'_>> {
    let body = line.strip_prefix("    ")?;
    let (name, rest) = ident(body)?;
    let ty = rest.strip_prefix(' ')?;
    let start = line.len() - ty.len();
    let Some(after_schema) = ty.strip_prefix("colcrypt.") else {
        return Some(ColumnLine { name, encrypted: None, unsupported: false });
    };
    let type_len = after_schema.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after_schema.len());
    let Some(t) = EncType::from_name(&after_schema[..type_len]) else {
        // A domain or type of colcrypt's other than the ten: not a column recovery reads.
        return Some(ColumnLine { name, encrypted: None, unsupported: false });
    };
    let mut end = start + "colcrypt.".len() + type_len;
    if line[end..].starts_with('(') {
        end += line[end..].find(')')? + 1;
    }
    let unsupported = line[end..].starts_with('[');
    Some(ColumnLine { name, encrypted: (!unsupported).then_some((t, start..end)), unsupported })
}

/// `COPY schema.t (a, "B") FROM stdin;` → (`schema.t`, [`a`, `"B"`]) as written.
pub fn copy_header(line: &str) -> Option<(&str, Vec<&str>)> {
    let rest = line.strip_prefix("COPY ")?;
    let (table, rest) = qualified(rest)?;
    let mut rest = rest.strip_prefix(" (")?;
    let mut cols = Vec::new();
    loop {
        let (c, r) = ident(rest)?;
        cols.push(c);
        if let Some(r) = r.strip_prefix(", ") {
            rest = r;
        } else {
            rest = r.strip_prefix(')')?;
            break;
        }
    }
    (rest.trim_end() == " FROM stdin;").then_some((table, cols))
}

/// A field of COPY's text format, its backslash escapes undone.
pub fn unescape(field: &[u8], out: &mut Vec<u8>) {
    out.clear();
    let mut i = 0;
    while i < field.len() {
        let b = field[i];
        i += 1;
        if b != b'\\' || i == field.len() {
            out.push(b);
            continue;
        }
        let c = field[i];
        i += 1;
        match c {
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(11),
            b'0'..=b'7' => {
                let mut v = (c - b'0') as u32;
                for _ in 0..2 {
                    match field.get(i) {
                        Some(d @ b'0'..=b'7') => {
                            v = v * 8 + (d - b'0') as u32;
                            i += 1;
                        }
                        _ => break,
                    }
                }
                out.push(v as u8);
            }
            b'x' if field.get(i).is_some_and(u8::is_ascii_hexdigit) => {
                let mut v = 0u32;
                for _ in 0..2 {
                    match field.get(i).and_then(|d| (*d as char).to_digit(16)) {
                        Some(d) => {
                            v = v * 16 + d;
                            i += 1;
                        }
                        None => break,
                    }
                }
                out.push(v as u8);
            }
            other => out.push(other),
        }
    }
}

/// Appends `value` in COPY's text format (the escapes PostgreSQL's COPY TO writes).
pub fn escape(value: &[u8], out: &mut Vec<u8>) {
    for &b in value {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            8 => out.extend_from_slice(b"\\b"),
            12 => out.extend_from_slice(b"\\f"),
            11 => out.extend_from_slice(b"\\v"),
            _ => out.push(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toc_headers() {
        let t = parse_toc("-- Data for Name: data_keys; Type: TABLE DATA; Schema: colcrypt; Owner: postgres").unwrap();
        assert_eq!(t, Toc { name: "data_keys", kind: "TABLE DATA", schema: "colcrypt" });
        assert!(t.is_colcrypt());
        let e = parse_toc("-- Name: EXTENSION colcrypt; Type: COMMENT; Schema: -; Owner: ").unwrap();
        assert!(e.is_colcrypt());
        assert!(!parse_toc("-- Name: t; Type: TABLE; Schema: public; Owner: postgres").unwrap().is_colcrypt());
        assert!(parse_toc("-- PostgreSQL database dump").is_none());
    }

    #[test]
    fn create_table_columns() {
        assert_eq!(create_table("CREATE TABLE public.t (\n"), Some("public.t"));
        assert_eq!(create_table("CREATE TABLE \"My s\".\"T (x\" (\n"), Some("\"My s\".\"T (x\""));
        assert_eq!(create_table("CREATE TABLE public.t OF public.ty;\n"), None);
        let l = "    \"Odd col\" colcrypt.encrypted_text(pii, searchable) NOT NULL,";
        let c = column_line(l).unwrap();
        assert_eq!(c.name, "\"Odd col\"");
        let (t, r) = c.encrypted.unwrap();
        assert_eq!((t, &l[r]), (EncType::Text, "colcrypt.encrypted_text(pii, searchable)"));
        let c = column_line("    b colcrypt.encrypted_int4(\"default\"),").unwrap();
        assert_eq!(c.encrypted.unwrap().0, EncType::Int4);
        let c = column_line("    ts colcrypt.encrypted_timestamptz").unwrap();
        assert_eq!(c.encrypted.unwrap().0, EncType::Timestamptz);
        let c = column_line("    arr colcrypt.encrypted_text(pii)[],").unwrap();
        assert!(c.unsupported && c.encrypted.is_none());
        let c = column_line("    id integer NOT NULL,").unwrap();
        assert!(c.encrypted.is_none() && !c.unsupported);
    }

    #[test]
    fn copy_headers_and_names() {
        let (t, cols) = copy_header("COPY public.t (id, a, \"Odd, col\") FROM stdin;\n").unwrap();
        assert_eq!((t, cols), ("public.t", vec!["id", "a", "\"Odd, col\""]));
        assert!(copy_header("COPY public.t (id) TO stdout;\n").is_none());
        assert_eq!(unquote("\"a \"\"b\"\"\""), "a \"b\"");
        assert_eq!(unquote_qualified("\"S x\".\"T\""), "S x.T");
        assert_eq!(unquote_qualified("public.t"), "public.t");
    }

    #[test]
    fn copy_text_escapes_round_trip() {
        let mut out = Vec::new();
        unescape(b"a\\tb\\nc\\\\d\\101\\x41\\.", &mut out);
        assert_eq!(out, b"a\tb\nc\\dAA.");
        let mut esc = Vec::new();
        escape(b"x\t\\\n\r\x08\x0b\x0cy", &mut esc);
        assert_eq!(esc, b"x\\t\\\\\\n\\r\\b\\v\\fy");
        unescape(&esc, &mut out);
        assert_eq!(out, b"x\t\\\n\r\x08\x0b\x0cy");
    }
}
