//! Master key text and wrapped data keys from anywhere (a key file, a KMS command, the key
//! table): parsing and unwrapping return an error or a key, never panic.
#![no_main]

use colcrypt_core::wrap::{parse_master_key, unwrap_data_key, unwrap_key};
use colcrypt_core::{Cipher, Key};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = parse_master_key(data);
    let master = Cipher::new(&Key::from_slice(&[7u8; 32]).expect("32 bytes"));
    let _ = unwrap_data_key(&master, data, 1, 1);
    let _ = unwrap_key(&master, data, "colcrypt column key");
});
