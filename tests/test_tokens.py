from __future__ import annotations

import qrcode
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.checkin.codes import (
    PREFIX,
    BadgeRef,
    BadgeSigner,
    BadgeVerifier,
    TokenProblem,
    b45decode,
    b45encode,
    new_private_key,
)

KEY = new_private_key(b"k1")
SIGNER = BadgeSigner("forum", KEY)
VERIFIER = BadgeVerifier("forum", SIGNER.public_key)
CODE = SIGNER.sign(BadgeRef(123_456_789_012, 3))


def test_round_trip() -> None:
    assert VERIFIER.verify(CODE) == BadgeRef(123_456_789_012, 3)


def test_code_is_short_alphanumeric_qr_version_5() -> None:
    assert CODE.startswith(PREFIX) and len(CODE) == 118
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(CODE)
    qr.make(fit=True)
    assert qr.version == 5


def test_other_event_and_other_key() -> None:
    other_event = BadgeSigner("another-forum", KEY).sign(BadgeRef(1, 1))
    assert VERIFIER.verify(other_event) is TokenProblem.WRONG_EVENT
    # Same event id, attacker's own key: the tag differs too (it hashes the public key).
    attacker = BadgeSigner("forum", new_private_key(b"attacker")).sign(BadgeRef(1, 1))
    assert VERIFIER.verify(attacker) is TokenProblem.WRONG_EVENT


def test_verifier_without_private_key_cannot_sign() -> None:
    assert not hasattr(VERIFIER, "sign")


@given(st.binary(min_size=0, max_size=120))
def test_b45_round_trip(data: bytes) -> None:
    assert b45decode(b45encode(data)) == data


@settings(max_examples=300)
@given(st.text(max_size=200))
def test_random_text_is_never_valid(text: str) -> None:
    assert isinstance(VERIFIER.verify(text), TokenProblem)


@settings(max_examples=300)
@given(st.integers(min_value=0, max_value=len(CODE) - 1), st.integers(min_value=0, max_value=43))
def test_changed_character_is_never_valid(pos: int, shift: int) -> None:
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
    c = CODE[pos]
    if pos < len(PREFIX):
        new = "X" if c != "X" else "Y"
    else:
        new = alphabet[(alphabet.index(c) + 1 + shift) % 45]
    tampered = CODE[:pos] + new + CODE[pos + 1 :]
    assert isinstance(VERIFIER.verify(tampered), TokenProblem)


@settings(max_examples=200)
@given(st.integers(min_value=0, max_value=75 * 8 - 1))
def test_flipped_bit_is_never_valid(bit: int) -> None:
    raw = bytearray(b45decode(CODE[len(PREFIX) :]))
    raw[bit // 8] ^= 1 << (bit % 8)
    assert isinstance(VERIFIER.verify(PREFIX + b45encode(bytes(raw))), TokenProblem)


@given(st.integers(min_value=0, max_value=len(CODE) - 1))
def test_truncated_code_is_never_valid(n: int) -> None:
    assert isinstance(VERIFIER.verify(CODE[:n]), TokenProblem)
