"""Signed, event-bound badge codes.

Text form: ``FC1:`` + Base45( tag(4) | badge id(6) | version(2) | Ed25519 signature(64) ).

- Ed25519 (not HMAC): stations verify with the public key alone, so a stolen
  self-service kiosk cannot mint badges.
- The tag binds a code to one event (a hash of the event id and its public key).
- Base45 keeps the QR code in alphanumeric mode: 118 characters, QR version 5-M.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from kiosk.trust.keys import verify

PREFIX = "FC1:"
_PREFIX = PREFIX.encode()
_B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_B45_INDEX = {c: i for i, c in enumerate(_B45)}
_BODY_LEN = 4 + 6 + 2
_SIG_LEN = 64
CODE_ALPHABET = frozenset(_B45)
# The text length of every badge code: the prefix and the Base45 of body and signature.
CODE_LENGTH = len(PREFIX) + 3 * ((_BODY_LEN + _SIG_LEN) // 2) + 2 * ((_BODY_LEN + _SIG_LEN) % 2)
MAX_BADGE_ID = 2**48 - 1


class TokenProblem(enum.Enum):
    NOT_OURS = "not_ours"  # not in Forum Check-in's format at all
    WRONG_EVENT = "wrong_event"
    FORGED = "forged"  # our format, but the signature does not verify


@dataclass(frozen=True, slots=True)
class BadgeRef:
    badge_id: int
    version: int


def b45encode(data: bytes) -> str:
    out = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        e, n = divmod(n, 45 * 45)
        d, c = divmod(n, 45)
        out += [_B45[c], _B45[d], _B45[e]]
    if len(data) % 2:
        d, c = divmod(data[-1], 45)
        out += [_B45[c], _B45[d]]
    return "".join(out)


_B45_TABLE = bytes(_B45_INDEX.get(chr(i), 255) for i in range(256))


def b45decode(text: str) -> bytes:
    """Base45 (RFC 9285) to bytes; ValueError for anything that is not Base45."""
    if not text.isascii():
        raise ValueError("not Base45")
    vals = text.encode("ascii").translate(_B45_TABLE)
    if 255 in vals or len(vals) % 3 == 1:
        raise ValueError("not Base45")
    out = bytearray()
    whole = len(vals) - len(vals) % 3
    for a, b, c in zip(vals[0:whole:3], vals[1:whole:3], vals[2:whole:3], strict=True):
        n = a + b * 45 + c * 2025
        if n > 0xFFFF:
            raise ValueError("not Base45")
        out += n.to_bytes(2, "big")
    if whole < len(vals):
        n = vals[whole] + vals[whole + 1] * 45
        if n > 0xFF:
            raise ValueError("not Base45")
        out.append(n)
    return bytes(out)


def event_tag(event_id: str, public_key: bytes) -> bytes:
    return hashlib.sha256(b"forum-checkin/1\0" + event_id.encode() + b"\0" + public_key).digest()[
        :4
    ]


def public_bytes(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


class BadgeVerifier:
    def __init__(self, event_id: str, public_key: bytes) -> None:
        Ed25519PublicKey.from_public_bytes(public_key)  # a malformed key is refused here
        self._public = bytes(public_key)
        self.tag = event_tag(event_id, public_key)

    def verify(self, text: str) -> BadgeRef | TokenProblem:
        """Check a scanned text. Never raises on any input."""
        if not text.startswith(PREFIX) or len(text) > 256:
            return TokenProblem.NOT_OURS
        try:
            raw = b45decode(text[len(PREFIX) :])
        except ValueError:
            return TokenProblem.NOT_OURS
        if len(raw) != _BODY_LEN + _SIG_LEN:
            return TokenProblem.NOT_OURS
        body, sig = raw[:_BODY_LEN], raw[_BODY_LEN:]
        if body[:4] != self.tag:
            return TokenProblem.WRONG_EVENT
        # The log's own Ed25519 check (kiosk.trust.keys.verify: libsodium when PyNaCl is there,
        # which accepts no signature OpenSSL refuses, in about two thirds of its time).
        if not verify(self._public, sig, _PREFIX + body):
            return TokenProblem.FORGED
        return BadgeRef(int.from_bytes(body[4:10], "big"), int.from_bytes(body[10:12], "big"))


class BadgeSigner:
    def __init__(self, event_id: str, private_key: bytes) -> None:
        self._key = Ed25519PrivateKey.from_private_bytes(private_key)
        self.public_key = public_bytes(self._key)
        self.tag = event_tag(event_id, self.public_key)

    def sign(self, ref: BadgeRef) -> str:
        if not 0 <= ref.badge_id <= MAX_BADGE_ID or not 0 <= ref.version <= 0xFFFF:
            raise ValueError(f"badge id/version out of range: {ref}")
        body = self.tag + ref.badge_id.to_bytes(6, "big") + ref.version.to_bytes(2, "big")
        sig = self._key.sign(PREFIX.encode() + body)
        return PREFIX + b45encode(body + sig)


def new_private_key(seed: bytes | None = None) -> bytes:
    """A fresh Ed25519 key; with `seed`, a deterministic one (demo databases only)."""
    if seed is not None:
        return hashlib.sha256(b"forum-checkin demo key\0" + seed).digest()
    from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

    return Ed25519PrivateKey.generate().private_bytes(
        Encoding.Raw, PrivateFormat.Raw, NoEncryption()
    )


def scanned_text(code: str) -> str:
    """A scanned or typed code as text that can be stored, hashed and shown, whatever
    bytes it came as: bytes that were not UTF-8 (lone surrogates, as Python gives them for
    a command line's bytes or a decoder's) become `\\xNN` escapes, so the scan is
    looked up, answered ("unknown code") and logged like any other."""
    try:
        code.encode("utf-8")
        return code
    except UnicodeEncodeError:
        pass
    try:
        raw = code.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that is no escaped byte
        raw = code.encode("utf-8", "surrogatepass")
    return raw.decode("utf-8", "backslashreplace")
