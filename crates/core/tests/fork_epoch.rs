//! A forked backend must not continue its parent's suite 2 salt (docs/FORMAT.md, "Nonces"): the
//! parent's count of envelopes under that salt is not the child's, so after `note_fork` the next
//! seal draws a new salt. Its own test binary, because `note_fork` is process-wide and would
//! disturb the salt assertions of tests running beside it.

use colcrypt_core::nonce::note_fork;
use colcrypt_core::{DataKeyCipher, Key};

fn salt(env: &[u8]) -> &[u8] {
    &env[36..52]
}

#[test]
fn after_a_fork_the_next_seal_draws_a_new_salt() {
    let d = DataKeyCipher::new(&Key::from_slice(&[4; 32]).unwrap());
    let first = d.seal(b"parent 1", b"").unwrap();
    let second = d.seal(b"parent 2", b"").unwrap();
    assert_eq!(salt(&first), salt(&second), "one process keeps its salt");
    for round in 0..3 {
        note_fork();
        let child = d.seal(b"child 1", b"").unwrap();
        let child2 = d.seal(b"child 2", b"").unwrap();
        assert_ne!(salt(&child), salt(&first), "round {round}: the child reused the parent's salt");
        assert_ne!(salt(&child), salt(&second), "round {round}");
        assert_eq!(salt(&child), salt(&child2), "round {round}: the child keeps its own salt");
        for (env, pt) in [(&first, &b"parent 1"[..]), (&child, b"child 1"), (&child2, b"child 2")] {
            assert_eq!(d.open(env, b"").unwrap(), pt);
        }
    }
}
