"""The two Ed25519 verifiers (kiosk.trust.keys): libsodium (PyNaCl, used when installed) and
OpenSSL (cryptography, without PyNaCl). Both accept what a station signs and refuse what is
altered; libsodium accepts nothing OpenSSL refuses, and refuses besides the small-order key
with which one "signature" verifies any message."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kiosk.trust import keys
from kiosk.trust.keys import Signer, new_private

Verify = Callable[[bytes, bytes, bytes], bool]
BOTH = [keys.verify_sodium, keys.verify_openssl]
L = 2**252 + 27742317777372353535851937790883648493  # the group's order
IDENTITY = bytes([1]) + bytes(31)  # the neutral point: a key of order 1


def test_libsodium_is_the_one_used_here() -> None:
    assert keys.verify is keys.verify_sodium  # PyNaCl is a dependency


def _flip(b: bytes, i: int) -> bytes:
    return b[:i] + bytes([b[i] ^ 1]) + b[i + 1 :]


@pytest.mark.parametrize("verify", BOTH)
def test_genuine_verifies_and_anything_altered_does_not(verify: Verify) -> None:
    s, other = Signer(new_private()), Signer(new_private())
    msg = b"FC-ENTRY-1\n" + "入场 entry".encode() * 20
    sig = s.sign(msg)
    assert verify(s.public, sig, msg)
    assert verify(keys._public(s.public), sig, msg)  # type: ignore[arg-type]  # a parsed key
    assert not verify(other.public, sig, msg)
    assert not verify(s.public, sig, msg + b" ")
    assert not verify(s.public, _flip(sig, 3), msg)  # R
    assert not verify(s.public, _flip(sig, 40), msg)  # S
    assert not verify(_flip(s.public, 7), sig, msg)
    big_s = (int.from_bytes(sig[32:], "little") + L).to_bytes(32, "little")
    assert not verify(s.public, sig[:32] + big_s, msg)  # the same S, not reduced
    for bad in (b"", sig[:63], sig + b"\0", bytes(64)):
        assert not verify(s.public, bad, msg)
    assert not verify(s.public, sig[:63], sig[63:] + msg)  # a signature's tail in the message
    assert not verify(s.public[:31], sig, msg)
    assert not verify(b"", sig, msg)


def test_libsodium_refuses_a_small_order_key_that_verifies_anything() -> None:
    forged = IDENTITY + bytes(32)  # R = neutral point, S = 0: "verifies" with the neutral key
    assert not keys.verify_sodium(IDENTITY, forged, b"any entry at all")
    assert not keys.verify_sodium(IDENTITY, forged, b"another one")


def test_libsodium_signs_the_very_bytes_openssl_signs() -> None:
    """Ed25519 is deterministic: the Signer's libsodium signature is OpenSSL's, byte for byte."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    for n in (0, 1, 64, 500):
        private = new_private()
        msg = ("入场 entry" * n).encode()
        assert Signer(private).sign(msg) == Ed25519PrivateKey.from_private_bytes(private).sign(msg)
