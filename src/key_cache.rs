//! Per-backend cache of the derived state for the last client-supplied key. Deriving a
//! `Cipher` costs two HMACs and an AES key expansion, more than sealing a short value; a
//! statement usually uses one key for every row.

use std::cell::RefCell;
use std::rc::Rc;

use colcrypt_core::{Cipher, Error, Key};

thread_local! {
    static LAST: RefCell<Option<(Key, Rc<Cipher>)>> = const { RefCell::new(None) };
}

/// The cipher for `key_bytes`, derived once and reused while the same key keeps coming.
pub(crate) fn cipher_for(key_bytes: &[u8]) -> Result<Rc<Cipher>, Error> {
    LAST.with(|slot| {
        let mut slot = slot.borrow_mut();
        if let Some((key, cipher)) = slot.as_ref() {
            if key.ct_eq_bytes(key_bytes) {
                return Ok(Rc::clone(cipher));
            }
        }
        let key = Key::from_slice(key_bytes)?;
        let cipher = Rc::new(Cipher::new(&key));
        *slot = Some((key, Rc::clone(&cipher)));
        Ok(cipher)
    })
}
