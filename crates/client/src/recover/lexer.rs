//! Where a line of a plain dump starts: at top level, or inside a literal or comment.
//!
//! Recovery reads a dump line by line and acts on a few line shapes (TOC headers, CREATE TABLE,
//! `COPY … FROM stdin;`). Any of these shapes can also sit inside a string literal whose text a
//! low-privileged role chose (a comment, a function body), so a line is taken for what it looks
//! like only when psql would read it as SQL: this follows psql's lexer across lines for the SQL
//! outside COPY data (COPY data is not fed here). It knows '…' (with `''`; backslashes too when
//! the dump set standard_conforming_strings off), E'…' with backslash escapes, "…" identifiers,
//! $tag$…$tag$, `--` comments, nesting /* */ comments and psql's backslash commands.

#[derive(Clone, Debug, PartialEq, Eq)]
enum State {
    Normal,
    /// '…' (standard_conforming_strings on: only `''` escapes a quote).
    Quoted,
    /// E'…', or '…' under standard_conforming_strings off.
    Escaped,
    /// "…".
    Ident,
    /// $tag$…$tag$; holds the whole delimiter.
    Dollar(Vec<u8>),
    /// /* … */, nesting depth.
    Block(u32),
}

#[derive(Debug)]
pub struct Lexer {
    state: State,
    /// No token of the current statement read yet (start of input, or after a top-level `;`).
    stmt_start: bool,
    /// standard_conforming_strings, as the dump's `SET` leaves it (pg_dump writes on).
    std_strings: bool,
}

impl Default for Lexer {
    fn default() -> Self {
        Lexer { state: State::Normal, stmt_start: true, std_strings: true }
    }
}

fn ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn ident_cont(b: u8) -> bool {
    ident_start(b) || b.is_ascii_digit() || b == b'$'
}

/// The length of a dollar-quote delimiter at the start of `s` (`$$`, `$tag$`), as PostgreSQL's
/// scanner reads one: the tag starts with a letter, `_` or a non-ASCII byte, and holds no `$`.
fn dollar_delimiter(s: &[u8]) -> Option<usize> {
    let mut i = 1;
    if s.get(i).copied().is_some_and(ident_start) {
        i += 1;
        while s.get(i).copied().is_some_and(|b| ident_cont(b) && b != b'$') {
            i += 1;
        }
    }
    (s.first() == Some(&b'$') && s.get(i) == Some(&b'$')).then_some(i + 1)
}

/// Reads a '…' string or "…" identifier from `i` on, where a doubled quote stands for one:
/// where the reading stopped, and whether the closing quote was found.
fn past_doubled(line: &[u8], mut i: usize, quote: u8) -> (usize, bool) {
    while let Some(p) = line[i..].iter().position(|&b| b == quote) {
        i += p + 1;
        if line.get(i) != Some(&quote) {
            return (i, true);
        }
        i += 1;
    }
    (line.len(), false)
}

impl Lexer {
    /// The next line starts outside any literal, quoted identifier or comment.
    pub fn at_top(&self) -> bool {
        self.state == State::Normal
    }

    /// The next line starts at top level and at the start of a statement.
    pub fn at_statement_start(&self) -> bool {
        self.at_top() && self.stmt_start
    }

    /// What the input is still inside of, if anything: for the error at the end of the input.
    pub fn open_construct(&self) -> Option<&'static str> {
        match self.state {
            State::Normal => None,
            State::Quoted | State::Escaped => Some("a quoted string"),
            State::Ident => Some("a quoted identifier"),
            State::Dollar(_) => Some("a dollar-quoted string"),
            State::Block(_) => Some("a /* */ comment"),
        }
    }

    /// Reads one line of SQL (with its `\n`, if any).
    pub fn feed(&mut self, line: &[u8]) {
        if self.at_statement_start() {
            self.note_set(line);
        }
        let mut i = 0;
        while i < line.len() {
            match &mut self.state {
                State::Normal => {
                    let b = line[i];
                    let next = line.get(i + 1).copied();
                    match b {
                        // A `--` comment and a psql backslash command both end with the line.
                        b'-' if next == Some(b'-') => return,
                        b'\\' => return,
                        b'/' if next == Some(b'*') => {
                            self.state = State::Block(1);
                            i += 2;
                        }
                        b'\'' => {
                            self.state = if self.std_strings { State::Quoted } else { State::Escaped };
                            self.stmt_start = false;
                            i += 1;
                        }
                        b'"' => {
                            self.state = State::Ident;
                            self.stmt_start = false;
                            i += 1;
                        }
                        b'$' => {
                            self.stmt_start = false;
                            match dollar_delimiter(&line[i..]) {
                                Some(n) => {
                                    self.state = State::Dollar(line[i..i + n].to_vec());
                                    i += n;
                                }
                                None => i += 1,
                            }
                        }
                        b';' => {
                            self.stmt_start = true;
                            i += 1;
                        }
                        b if ident_start(b) => {
                            // A whole identifier (it may hold `$`: `a$b$` opens no quote);
                            // E'…' only when the E is a token of its own.
                            let start = i;
                            while line.get(i).copied().is_some_and(ident_cont) {
                                i += 1;
                            }
                            self.stmt_start = false;
                            if matches!(&line[start..i], b"E" | b"e") && line.get(i) == Some(&b'\'') {
                                self.state = State::Escaped;
                                i += 1;
                            }
                        }
                        b if b.is_ascii_digit() => {
                            // A number, and any identifier run on to it: `1$a$` is `1`, `$a$`.
                            while line.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'.' || *c == b'_') {
                                i += 1;
                            }
                            self.stmt_start = false;
                        }
                        b if b.is_ascii_whitespace() => i += 1,
                        _ => {
                            self.stmt_start = false;
                            i += 1;
                        }
                    }
                }
                State::Quoted => {
                    let (next, closed) = past_doubled(line, i, b'\'');
                    i = next;
                    if closed {
                        self.state = State::Normal;
                    }
                }
                State::Escaped => match line[i..].iter().position(|&b| b == b'\'' || b == b'\\') {
                    None => i = line.len(),
                    Some(p) => {
                        i += p;
                        if line[i] == b'\\' {
                            // The escaped byte may be the `\n`: the string goes on.
                            i += 2;
                        } else if line.get(i + 1) == Some(&b'\'') {
                            i += 2;
                        } else {
                            i += 1;
                            self.state = State::Normal;
                        }
                    }
                },
                State::Ident => {
                    let (next, closed) = past_doubled(line, i, b'"');
                    i = next;
                    if closed {
                        self.state = State::Normal;
                    }
                }
                State::Dollar(tag) => match line[i..].windows(tag.len()).position(|w| w == tag.as_slice()) {
                    None => i = line.len(),
                    Some(p) => {
                        i += p + tag.len();
                        self.state = State::Normal;
                    }
                },
                State::Block(depth) => {
                    if line[i..].starts_with(b"/*") {
                        *depth += 1;
                        i += 2;
                    } else if line[i..].starts_with(b"*/") {
                        *depth -= 1;
                        i += 2;
                        if *depth == 0 {
                            self.state = State::Normal;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
        }
    }

    /// `SET standard_conforming_strings = off;` changes how '…' reads from here on.
    fn note_set(&mut self, line: &[u8]) {
        let t = String::from_utf8_lossy(line).to_ascii_lowercase();
        let Some(v) = t.trim_end().strip_prefix("set standard_conforming_strings = ") else { return };
        match v.trim_end_matches(';').trim_matches('\'') {
            "on" => self.std_strings = true,
            "off" => self.std_strings = false,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `text` line by line and returns, for each line, whether it started at a statement
    /// start, and the final lexer.
    fn lines(text: &str) -> (Vec<bool>, Lexer) {
        let mut lx = Lexer::default();
        let mut starts = Vec::new();
        for l in text.split_inclusive('\n') {
            starts.push(lx.at_statement_start());
            lx.feed(l.as_bytes());
        }
        (starts, lx)
    }

    #[test]
    fn standard_strings_double_quotes_only() {
        let (s, lx) = lines("COMMENT ON TABLE t IS 'it''s\nCOPY x (a) FROM stdin;\n\\';\nCOPY x (a) FROM stdin;\n");
        assert_eq!(s, [true, false, false, true]);
        assert!(lx.at_top());
    }

    #[test]
    fn e_strings_take_backslash_escapes() {
        // \' does not end an E'' string; '' does not either; a backslash before the newline
        // carries the string on.
        let (s, lx) = lines("SELECT E'a\\'\nCOPY x (a) FROM stdin;\n''\\\n';\nCOPY y (a) FROM stdin;\n");
        assert_eq!(s, [true, false, false, false, true]);
        assert!(lx.at_top());
        // `e'` only as a token of its own: `name'` is an identifier then a standard string.
        let (s, _) = lines("SELECT xe'a\\';\nB;\n");
        assert_eq!(s, [true, true]);
        // standard_conforming_strings off: '…' takes backslashes as E'…' does.
        let (s, _) = lines("SET standard_conforming_strings = off;\nSELECT 'a\\';\nB';\nC;\n");
        assert_eq!(s, [true, true, false, true]);
    }

    #[test]
    fn dollar_quotes_follow_the_tag_rules() {
        let (s, lx) = lines("CREATE FUNCTION f() AS $fn$\n$x$ ' \"\n$fn$;\nCOPY x (a) FROM stdin;\n");
        assert_eq!(s, [true, false, false, true]);
        assert!(lx.at_top());
        // A near-miss tag does not close it; an identifier's `$` opens nothing; `$1` is a param.
        let (s, _) = lines("SELECT $a$ $ab$ $A$\n$a$, a$b$, $1 '\n';\nX;\n");
        assert_eq!(s, [true, false, false, true]);
        let (s, _) = lines("SELECT $$\n;\n$$;\nX;\n");
        assert_eq!(s, [true, false, false, true]);
        // `$1a$` is no delimiter (a tag cannot start with a digit).
        let (s, _) = lines("SELECT $1a$;\nX;\n");
        assert_eq!(s, [true, true]);
    }

    #[test]
    fn identifiers_and_comments() {
        let (s, _) = lines("CREATE TABLE \"a\"\"\n;\n\" (x int);\nX;\n");
        assert_eq!(s, [true, false, false, true]);
        let (s, _) = lines("/* a /* nested */\n'still comment */ SELECT 1;\nX;\n");
        assert_eq!(s, [true, false, true]);
        // A quote in a -- comment or a psql backslash command opens nothing.
        let (s, lx) = lines("-- it's\n\\connect -reuse-previous=on \"dbname='x\n;\nX;\n");
        assert_eq!(s, [true, true, true, true]);
        assert!(lx.at_top());
    }

    #[test]
    fn the_end_inside_a_literal_is_reported() {
        for (text, what) in [
            ("SELECT 'a\n", "a quoted string"),
            ("SELECT E'a\\'\n", "a quoted string"),
            ("SELECT \"a\n", "a quoted identifier"),
            ("SELECT $q$ $q\n", "a dollar-quoted string"),
            ("/* /* */\n", "a /* */ comment"),
        ] {
            assert_eq!(lines(text).1.open_construct(), Some(what), "{text}");
        }
        assert_eq!(lines("SELECT 'a''b', $$x$$, E'\\'' /* */;\n").1.open_construct(), None);
    }
}
