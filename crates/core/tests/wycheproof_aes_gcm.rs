//! Wycheproof AES-GCM vectors through the AEAD layer that suite 1 uses (256-bit keys, 96-bit
//! nonces, 128-bit tags: the only parameters colcrypt uses).

use colcrypt_core::aead_raw;
use wycheproof::aead::{TestName, TestSet};
use wycheproof::TestResult;

#[test]
fn wycheproof_aes_256_gcm() {
    let set = TestSet::load(TestName::AesGcm).unwrap();
    let (mut valid, mut invalid) = (0, 0);
    for group in set.test_groups {
        if group.key_size != 256 || group.nonce_size != 96 || group.tag_size != 128 {
            continue;
        }
        for t in group.tests {
            let key: [u8; 32] = t.key.as_slice().try_into().unwrap();
            let nonce: [u8; 12] = t.nonce.as_slice().try_into().unwrap();
            let mut sealed = t.ct.to_vec();
            sealed.extend_from_slice(&t.tag);
            let opened = aead_raw::open(&key, &nonce, &t.aad, &sealed);
            match t.result {
                TestResult::Valid | TestResult::Acceptable => {
                    assert_eq!(aead_raw::seal(&key, &nonce, &t.aad, &t.pt), sealed, "tc {}", t.tc_id);
                    assert_eq!(opened.unwrap(), t.pt.to_vec(), "tc {}", t.tc_id);
                    valid += 1;
                }
                TestResult::Invalid => {
                    assert!(opened.is_err(), "tc {} must not open", t.tc_id);
                    invalid += 1;
                }
            }
        }
    }
    assert!(valid > 20 && invalid > 5, "expected Wycheproof cases to run: {valid} valid, {invalid} invalid");
}
