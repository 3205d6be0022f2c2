//! `#[pg_test]`s: what only runs inside a backend (the cache across calls, error raising, fork).
use pgrx::prelude::*;

#[pg_schema]
mod tests {
    use pgrx::prelude::*;

    fn bytea(sql: &str) -> Vec<u8> {
        Spi::get_one::<Vec<u8>>(sql).unwrap().unwrap()
    }

    #[pg_test]
    fn copy_context_is_withheld_from_the_quoted_field_on() {
        let ctx = b"PL/pgSQL function f()\nCOPY t, line 3, column ssn: \"123-45-6789\nsecond line of the field\"\nSQL statement \"x\"";
        let out = crate::log_redaction::redact_copy_context(ctx).unwrap();
        assert_eq!(out, b"PL/pgSQL function f()\nCOPY t, line 3, column ssn: (value withheld by colcrypt)".to_vec());
        assert!(crate::log_redaction::redact_copy_context(b"PL/pgSQL function f() line 3").is_none());
    }

    #[pg_test]
    fn audit_lines_cannot_be_forged_by_role_names() {
        use crate::key_audit::escape;
        assert_eq!(escape(b"alice"), "alice");
        assert_eq!(escape(b"a\"b"), "a\"\"b");
        assert_eq!(escape(b"x\nLOG:  colcrypt key management: y"), "x\\x0aLOG:  colcrypt key management: y");
        assert_eq!(escape(b"tab\there\r"), "tab\\x09here\\x0d");
        assert_eq!(escape(b"a\\x0ab"), "a\\\\x0ab");
        assert_eq!(escape("\u{202e}Jos\u{e9}".as_bytes()), "\\xe2\\x80\\xaeJos\\xc3\\xa9");
    }

    #[pg_test]
    fn sqlstate_class_unpacks_postgres_codes() {
        use crate::log_redaction::sqlstate_class;
        assert_eq!(sqlstate_class(pgrx::PgSqlErrorCode::ERRCODE_UNIQUE_VIOLATION as i32), *b"23");
        assert_eq!(sqlstate_class(pgrx::PgSqlErrorCode::ERRCODE_NOT_NULL_VIOLATION as i32), *b"23");
        assert_eq!(sqlstate_class(pgrx::PgSqlErrorCode::ERRCODE_INSUFFICIENT_PRIVILEGE as i32), *b"42");
    }

    #[pg_test]
    fn round_trip_through_spi() {
        let ok = Spi::get_one::<bool>(
            "WITH k AS (SELECT colcrypt.gen_key() AS k)
             SELECT colcrypt.decrypt_text(colcrypt.encrypt_text('héllo', k, 'c'), k, 'c') = 'héllo' FROM k",
        );
        assert_eq!(ok, Ok(Some(true)));
    }

    #[pg_test]
    fn alternating_keys_never_reuse_the_wrong_cached_cipher() {
        let a = bytea("SELECT decode(repeat('aa', 32), 'hex')");
        let b = bytea("SELECT decode(repeat('bb', 32), 'hex')");
        for round in 0..3 {
            let ca = crate::client_key_fns::encrypt(Some(b"x"), Some(&a), None).unwrap();
            let cb = crate::client_key_fns::encrypt(Some(b"x"), Some(&b), None).unwrap();
            assert_ne!(&ca[4..36], &cb[4..36], "round {round}: commitments must differ per key");
            assert_eq!(crate::client_key_fns::decrypt(Some(&ca), Some(&a), None).unwrap(), b"x");
            assert_eq!(crate::client_key_fns::decrypt(Some(&cb), Some(&b), None).unwrap(), b"x");
        }
    }

    #[pg_test(error = "cannot decrypt: wrong key or context, or the value is damaged or not a colcrypt envelope")]
    fn wrong_key_raises_the_generic_error() {
        Spi::run(
            "SELECT colcrypt.decrypt(colcrypt.encrypt('\\x01'::bytea, colcrypt.gen_key()), colcrypt.gen_key())",
        )
        .unwrap();
    }

    #[pg_test(error = "colcrypt keys must be exactly 32 bytes, got 3 bytes")]
    fn short_key_raises_key_length() {
        Spi::run("SELECT colcrypt.encrypt('\\x01'::bytea, '\\x010203'::bytea)").unwrap();
    }

    #[pg_test]
    fn null_in_null_out() {
        assert_eq!(Spi::get_one::<Vec<u8>>("SELECT colcrypt.encrypt(NULL, colcrypt.gen_key())"), Ok(None));
        assert_eq!(Spi::get_one::<Vec<u8>>("SELECT colcrypt.encrypt('\\x00'::bytea, NULL)"), Ok(None));
    }

    /// A child forked from this backend must not continue the parent's nonce stream. Without the
    /// fork handler registered in `_PG_init`, the child's next nonce equals the parent's.
    #[pg_test]
    fn forked_child_draws_different_nonces_than_its_parent() {
        use colcrypt_core::{Cipher, Key};
        let cipher = Cipher::new(&Key::from_slice(&[7u8; 32]).unwrap());
        let nonce_of = |env: Vec<u8>| env[36..48].to_vec();
        let _ = cipher.seal(b"", b"").unwrap(); // make sure this process has a generator

        let mut fds = [0i32; 2];
        // SAFETY: plain pipe/fork; the child only seals (pure Rust), writes 12 bytes and _exits
        // without touching PostgreSQL state.
        unsafe {
            assert_eq!(libc::pipe(fds.as_mut_ptr()), 0);
            let pid = libc::fork();
            assert!(pid >= 0);
            if pid == 0 {
                let n = nonce_of(cipher.seal(b"", b"").unwrap_or_default());
                libc::write(fds[1], n.as_ptr().cast(), n.len());
                libc::_exit(0);
            }
            let parent = nonce_of(cipher.seal(b"", b"").unwrap());
            let mut child = [0u8; 12];
            let got = libc::read(fds[0], child.as_mut_ptr().cast(), child.len());
            libc::waitpid(pid, std::ptr::null_mut(), 0);
            libc::close(fds[0]);
            libc::close(fds[1]);
            assert_eq!(got, 12);
            assert_ne!(parent, child.to_vec(), "child repeated the parent's nonce");
        }
    }

    /// jsonb's binary form is printed by colcrypt_core exactly as the server's jsonb_out prints
    /// it (the blind index of a value is computed over that text, so it must not differ by a
    /// byte), over generated documents: every kind of value, numerics of both header forms and
    /// any scale, escapes, non-ASCII text, nesting, and objects and arrays past 32 children
    /// (where jsonb starts storing offsets).
    #[pg_test]
    fn jsonb_binary_text_is_jsonb_out() {
        Spi::run("SELECT setseed(0.25)").unwrap();
        let docs = Spi::get_one::<Vec<String>>(
            r#"SELECT array_agg(d::text) FROM (
                 SELECT jsonb_build_object(
                   'n' || i, round((random() * 1e6)::numeric, i % 9),
                   's', chr(1 + (i * 7) % 126) || md5(i::text) || chr(19968 + i) || E'\\"/\t\n\b\f\r' || chr(31),
                   'a', (SELECT coalesce(jsonb_agg(x * (i % 3) - 1.5), '[]') FROM generate_series(1, i % 70) x),
                   'o', jsonb_build_object('deep', jsonb_build_array(i % 2 = 0, NULL, i::numeric / 7, -i::numeric * 1e30,
                        'x' || repeat('y', i % 50), 10::numeric ^ (i % 200 - 100), (i::numeric / 3)::numeric(1000, 80))),
                   'k' || repeat('z', i % 40), i, '', jsonb_build_object(), 'many', (SELECT jsonb_object_agg('key' || x, x) FROM generate_series(1, i % 45) x)
                 ) AS d FROM generate_series(1, 300) i
                 UNION ALL SELECT v::jsonb FROM unnest(ARRAY['1', '-0', '0.000', '"s"', 'null', 'true', 'false', '[]', '{}', '[[[[[]]]]]',
                   '1e-30', '-123456789012345678901234567890.123456789', '99999999999999999999', '0.00000001', '1.10', '[0.5, -0.5, 1e3]',
                   '"\u00e9\u65e5\u672c\ud83d\ude00"', '{"a": {"a": {"a": {"a": 1}}}}']) v
               ) s"#,
        )
        .unwrap()
        .unwrap();
        assert!(docs.len() > 300);
        // SAFETY: fmgr calls of jsonb's input and output functions on the generated texts; the
        // datums are palloc'd in the test's memory context.
        unsafe {
            let (mut input, mut ioparam, mut output, mut varlena) = (pg_sys::InvalidOid, pg_sys::InvalidOid, pg_sys::InvalidOid, false);
            pg_sys::getTypeInputInfo(pg_sys::JSONBOID, &mut input, &mut ioparam);
            pg_sys::getTypeOutputInfo(pg_sys::JSONBOID, &mut output, &mut varlena);
            for doc in &docs {
                let c = std::ffi::CString::new(doc.as_str()).unwrap();
                let datum = pg_sys::OidInputFunctionCall(input, c.as_ptr().cast_mut(), ioparam, -1);
                let container = pgrx::varlena::varlena_to_byte_slice(datum.cast_mut_ptr());
                let ours = colcrypt_core::jsonb_binary::to_text(container).unwrap();
                let theirs = std::ffi::CStr::from_ptr(pg_sys::OidOutputFunctionCall(output, datum)).to_bytes();
                assert_eq!(String::from_utf8_lossy(&ours), String::from_utf8_lossy(theirs));
            }
        }
    }

    /// The test client connects over TCP without TLS: with the rule on, keys are refused.
    #[pg_test(error = "colcrypt refuses client-supplied keys on a TCP connection without TLS: connect with sslmode=verify-full (colcrypt.require_secure_transport)")]
    fn plain_tcp_refuses_client_keys() {
        Spi::run("SET colcrypt.require_secure_transport = on").unwrap();
        Spi::run("SELECT colcrypt.gen_key()").unwrap();
    }
}
