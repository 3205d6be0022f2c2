#!/usr/bin/env python3
"""Writes v1.json and v1-invalid.json from docs/FORMAT.md, using Python's `cryptography`
package: an implementation independent of crates/core, so the Rust tests that read these files
check the Rust code against the spec rather than against itself.

Run: python3 crates/core/tests/vectors/generate.py   (needs `pip install cryptography`)
"""
import hashlib
import hmac
import json
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

HERE = os.path.dirname(os.path.abspath(__file__))


def hkdf_expand_32(prk: bytes, info: bytes) -> bytes:
    # RFC 5869 HKDF-Expand for L = 32 (one block): T(1) = HMAC(PRK, info || 0x01)
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()


def seal(key: bytes, nonce: bytes, context, plaintext: bytes, salt=None) -> bytes:
    commitment = hkdf_expand_32(key, b"colcrypt v1 key commitment")
    if salt is None:  # suite 1
        enc = hkdf_expand_32(key, b"colcrypt v1 aes-256-gcm key")
        header = b"CC" + bytes([1, 1]) + commitment + nonce
    else:  # suite 2: the AES key is derived per salt
        enc = hkdf_expand_32(key, b"colcrypt v1 suite 2 subkey " + salt)
        header = b"CC" + bytes([1, 2]) + commitment + salt + nonce
    aad = header + (context.encode("utf-8") if context else b"")
    return header + AESGCM(enc).encrypt(nonce, plaintext, aad)


def vector(key, nonce, context, plaintext, salt=None):
    return {
        "key": key.hex(),
        "salt": salt.hex() if salt else None,
        "nonce": nonce.hex(),
        "context": context,
        "plaintext": plaintext.hex(),
        "envelope": seal(key, nonce, context, plaintext, salt).hex(),
    }


K1 = bytes(range(32))
K2 = bytes([0xFF] * 32)
K3 = hashlib.sha256(b"colcrypt test key 3").digest()
N1 = bytes(range(12))
N2 = bytes.fromhex("cafebabefacedbaddecaf888")

valid = [
    vector(K1, N1, None, b""),
    vector(K1, N1, None, b"hello, colcrypt"),
    vector(K1, N2, "patients.ssn:42", b"123-45-6789"),
    vector(K2, N1, "", b"\x00\x01\x02\xff"),
    vector(K2, N2, "Zürich ✓ 日本", "naïve café ☕".encode("utf-8")),
    vector(K3, N1, None, bytes(i % 251 for i in range(1024))),
    vector(K3, N2, "x" * 300, b"A" * 64),
    # suite 2 (salted subkeys), as server-managed data keys write it
    vector(K1, N1, None, b"", salt=bytes(range(16))),
    vector(K1, N2, "patients.ssn:42", b"123-45-6789", salt=bytes([0xA5] * 16)),
    vector(K3, N1, "\u00e9t\u00e9", bytes(i % 253 for i in range(300)), salt=bytes(range(100, 116))),
]

base = bytes.fromhex(valid[2]["envelope"])
base2 = bytes.fromhex(valid[8]["envelope"])  # suite 2, key K1, context patients.ssn:42


def invalid(name, envelope: bytes, key=K1, context="patients.ssn:42", error="cannot_decrypt"):
    return {"name": name, "key": key.hex(), "context": context, "envelope": envelope.hex(), "error": error}


def flip(b: bytes, i: int) -> bytes:
    return b[:i] + bytes([b[i] ^ 0x01]) + b[i + 1:]


bad = [
    invalid("empty", b""),
    invalid("magic only", b"CC"),
    invalid("wrong magic", b"XX" + base[2:]),
    invalid("unknown version", base[:2] + b"\x02" + base[3:], error="unsupported_version"),
    invalid("unknown suite", base[:3] + b"\x07" + base[4:], error="unsupported_suite"),
    invalid("header only", base[:48]),
    invalid("truncated tag", base[:-1]),
    invalid("trailing byte", base + b"\x00"),
    invalid("flipped commitment bit", flip(base, 10)),
    invalid("flipped nonce bit", flip(base, 40)),
    invalid("flipped ciphertext bit", flip(base, 50)),
    invalid("flipped tag bit", flip(base, len(base) - 1)),
    invalid("wrong key", base, key=K2),
    invalid("wrong context", base, context="patients.ssn:43"),
    invalid("missing context", base, context=None),
    invalid("suite 2: flipped salt bit", flip(base2, 40)),
    invalid("suite 2: flipped nonce bit", flip(base2, 56)),
    invalid("suite 2: truncated to the suite 1 header length", base2[:64]),
    invalid("suite 2: relabelled as suite 1", base2[:3] + b"\x01" + base2[4:]),
    invalid("suite 2: wrong key", base2, key=K2),
    invalid("suite 2: wrong context", base2, context="patients.ssn:43"),
]

with open(os.path.join(HERE, "v1.json"), "w") as f:
    json.dump(valid, f, indent=1, ensure_ascii=False)
    f.write("\n")
with open(os.path.join(HERE, "v1-invalid.json"), "w") as f:
    json.dump(bad, f, indent=1, ensure_ascii=False)
    f.write("\n")
