//! One interface over the three AES-256-GCM backends issue 16 compares: RustCrypto's `aes-gcm`
//! (what colcrypt uses now), AWS-LC through `aws-lc-rs`, and OpenSSL's libcrypto through `openssl`.
//! Each keeps its key schedule for the life of a `Backend`, as colcrypt keeps a `Cipher` per key.

pub const NONCE_LEN: usize = 12;
pub const TAG_LEN: usize = 16;

pub trait Backend {
    fn name(&self) -> &'static str;
    /// Encrypts `buf` in place, returns the tag.
    fn seal(&self, nonce: &[u8; NONCE_LEN], aad: &[u8], buf: &mut [u8]) -> [u8; TAG_LEN];
    /// Decrypts `buf` in place; false (and `buf` unspecified) unless the tag verifies.
    fn open(&self, nonce: &[u8; NONCE_LEN], aad: &[u8], buf: &mut [u8], tag: &[u8; TAG_LEN]) -> bool;
}

pub const NAMES: [&str; 3] = ["aes-gcm", "aws-lc-rs", "openssl"];

pub fn backend(name: &str, key: &[u8; 32]) -> Box<dyn Backend> {
    match name {
        "aes-gcm" => Box::new(rustcrypto::RustCrypto::new(key)),
        "aws-lc-rs" => Box::new(awslc::AwsLc::new(key)),
        "openssl" => Box::new(ossl::OpenSsl::new(key)),
        other => panic!("unknown backend {other}"),
    }
}

mod rustcrypto {
    use aes_gcm::aead::{AeadInPlace, KeyInit};
    use aes_gcm::{Aes256Gcm, Nonce, Tag};

    pub struct RustCrypto(Aes256Gcm);

    impl RustCrypto {
        pub fn new(key: &[u8; 32]) -> Self {
            RustCrypto(Aes256Gcm::new(key.into()))
        }
    }

    impl super::Backend for RustCrypto {
        fn name(&self) -> &'static str {
            "aes-gcm"
        }
        fn seal(&self, nonce: &[u8; 12], aad: &[u8], buf: &mut [u8]) -> [u8; 16] {
            self.0.encrypt_in_place_detached(Nonce::from_slice(nonce), aad, buf).expect("length").into()
        }
        fn open(&self, nonce: &[u8; 12], aad: &[u8], buf: &mut [u8], tag: &[u8; 16]) -> bool {
            self.0.decrypt_in_place_detached(Nonce::from_slice(nonce), aad, buf, Tag::from_slice(tag)).is_ok()
        }
    }
}

mod awslc {
    use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};

    pub struct AwsLc(LessSafeKey);

    impl AwsLc {
        pub fn new(key: &[u8; 32]) -> Self {
            AwsLc(LessSafeKey::new(UnboundKey::new(&AES_256_GCM, key).expect("key length")))
        }
    }

    impl super::Backend for AwsLc {
        fn name(&self) -> &'static str {
            "aws-lc-rs"
        }
        fn seal(&self, nonce: &[u8; 12], aad: &[u8], buf: &mut [u8]) -> [u8; 16] {
            let tag = self.0.seal_in_place_separate_tag(Nonce::assume_unique_for_key(*nonce), Aad::from(aad), buf).expect("seal");
            tag.as_ref().try_into().expect("16-byte tag")
        }
        fn open(&self, nonce: &[u8; 12], aad: &[u8], buf: &mut [u8], tag: &[u8; 16]) -> bool {
            self.0.open_separate_gather(Nonce::assume_unique_for_key(*nonce), Aad::from(aad), &*buf.to_vec(), tag, buf).is_ok()
        }
    }
}

mod ossl {
    //! Straight over libcrypto's EVP interface: the `openssl` crate's safe wrappers want separate
    //! input and output buffers, and a copy per value would distort the comparison.
    use openssl_sys as ffi;
    use std::os::raw::c_int;
    use std::ptr;

    /// A context per direction with the key expanded once; each call only sets the nonce.
    /// EVP_CIPHER_CTX_free cleanses the key schedule (checked by tests/zeroize.rs).
    pub struct OpenSsl {
        enc: *mut ffi::EVP_CIPHER_CTX,
        dec: *mut ffi::EVP_CIPHER_CTX,
    }

    fn ok(r: c_int) {
        assert_eq!(r, 1, "libcrypto call failed");
    }

    impl OpenSsl {
        pub fn new(key: &[u8; 32]) -> Self {
            openssl::init();
            // SAFETY: plain EVP calls on contexts this struct owns; the key is read, not kept.
            unsafe {
                let enc = ffi::EVP_CIPHER_CTX_new();
                let dec = ffi::EVP_CIPHER_CTX_new();
                assert!(!enc.is_null() && !dec.is_null());
                ok(ffi::EVP_EncryptInit_ex(enc, ffi::EVP_aes_256_gcm(), ptr::null_mut(), key.as_ptr(), ptr::null()));
                ok(ffi::EVP_DecryptInit_ex(dec, ffi::EVP_aes_256_gcm(), ptr::null_mut(), key.as_ptr(), ptr::null()));
                OpenSsl { enc, dec }
            }
        }
    }

    impl Drop for OpenSsl {
        fn drop(&mut self) {
            // SAFETY: the contexts are owned here and freed once.
            unsafe {
                ffi::EVP_CIPHER_CTX_free(self.enc);
                ffi::EVP_CIPHER_CTX_free(self.dec);
            }
        }
    }

    impl super::Backend for OpenSsl {
        fn name(&self) -> &'static str {
            "openssl"
        }
        fn seal(&self, nonce: &[u8; 12], aad: &[u8], buf: &mut [u8]) -> [u8; 16] {
            let mut tag = [0u8; 16];
            let mut outl: c_int = 0;
            // SAFETY: GCM's EVP_CipherUpdate allows exactly overlapping input and output.
            unsafe {
                ok(ffi::EVP_EncryptInit_ex(self.enc, ptr::null(), ptr::null_mut(), ptr::null(), nonce.as_ptr()));
                ok(ffi::EVP_EncryptUpdate(self.enc, ptr::null_mut(), &mut outl, aad.as_ptr(), aad.len() as c_int));
                let p = buf.as_mut_ptr();
                ok(ffi::EVP_EncryptUpdate(self.enc, p, &mut outl, p, buf.len() as c_int));
                ok(ffi::EVP_EncryptFinal_ex(self.enc, p.add(buf.len()), &mut outl));
                ok(ffi::EVP_CIPHER_CTX_ctrl(self.enc, ffi::EVP_CTRL_GCM_GET_TAG, 16, tag.as_mut_ptr().cast()));
            }
            tag
        }
        fn open(&self, nonce: &[u8; 12], aad: &[u8], buf: &mut [u8], tag: &[u8; 16]) -> bool {
            let mut outl: c_int = 0;
            // SAFETY: as in seal; the tag is copied by libcrypto before the final check.
            unsafe {
                ok(ffi::EVP_DecryptInit_ex(self.dec, ptr::null(), ptr::null_mut(), ptr::null(), nonce.as_ptr()));
                ok(ffi::EVP_DecryptUpdate(self.dec, ptr::null_mut(), &mut outl, aad.as_ptr(), aad.len() as c_int));
                let p = buf.as_mut_ptr();
                ok(ffi::EVP_DecryptUpdate(self.dec, p, &mut outl, p, buf.len() as c_int));
                ok(ffi::EVP_CIPHER_CTX_ctrl(self.dec, ffi::EVP_CTRL_GCM_SET_TAG, 16, tag.as_ptr() as *mut _));
                ffi::EVP_DecryptFinal_ex(self.dec, p.add(buf.len()), &mut outl) == 1
            }
        }
    }
}
