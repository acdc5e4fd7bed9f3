"""Ed25519 keys and the signature of a log entry.

A station signs `signed_bytes(envelope, public part, sha256(private part))` (kiosk.trust.split):
a station or hub role that holds only the public part still verifies the entry.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import secrets
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from kiosk.models.records import LogEntry
from kiosk.trust.split import SALT, canonical, private_hash, signed_bytes, split


def new_private() -> bytes:
    """A fresh Ed25519 private key (32 raw bytes), made on this machine."""
    return Ed25519PrivateKey.generate().private_bytes_raw()


def public_of(private: bytes) -> bytes:
    pk = Ed25519PrivateKey.from_private_bytes(private).public_key()
    return pk.public_bytes(Encoding.Raw, PublicFormat.Raw)


class Signer:
    """Signs with one private key (kept in memory only while the station runs). Ed25519 is
    deterministic: libsodium, when PyNaCl is there, makes the very same signature as OpenSSL
    in about half its time (a signed check-in makes one)."""

    __slots__ = ("_key", "_sodium_key", "public")

    def __init__(self, private: bytes) -> None:
        self._key = Ed25519PrivateKey.from_private_bytes(private)
        self.public = self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self._sodium_key = None if _sodium_sign is None else _sodium_keypair(bytes(private))[1]

    def sign(self, message: bytes) -> bytes:
        if _sodium_sign is not None and self._sodium_key is not None:
            return _sodium_sign(message, self._sodium_key)[:64]  # (signature, then message)
        return self._key.sign(message)


_sodium_open: Callable[[bytes, bytes], bytes] | None
_sodium_sign: Callable[[bytes, bytes], bytes] | None
try:  # libsodium (PyNaCl): twice as fast as OpenSSL's Ed25519 verify, and stricter
    from nacl.bindings import crypto_sign as _sodium_sign
    from nacl.bindings import crypto_sign_open as _sodium_open
    from nacl.bindings import crypto_sign_seed_keypair as _sodium_keypair
    from nacl.exceptions import CryptoError as _SodiumError
except ImportError:  # an install without PyNaCl signs and verifies with OpenSSL (cryptography)
    _sodium_open = _sodium_sign = None


@lru_cache(maxsize=1024)
def _public(raw: bytes) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(raw)


def verify_openssl(public: bytes | Ed25519PublicKey, sig: bytes, message: bytes) -> bool:
    try:
        key = public if isinstance(public, Ed25519PublicKey) else _public(bytes(public))
        key.verify(bytes(sig), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def verify_sodium(public: bytes | Ed25519PublicKey, sig: bytes, message: bytes) -> bool:
    if type(public) is bytes:  # (the usual: a raw key; an ABC's isinstance is slow)
        raw = public
    else:
        raw = public.public_bytes_raw() if isinstance(public, Ed25519PublicKey) else bytes(public)
    sig = bytes(sig)
    if _sodium_open is None or len(raw) != 32 or len(sig) != 64:
        return False  # (libsodium would read a short signature's tail from the message)
    try:
        _sodium_open(sig + message, raw)
    except _SodiumError:
        return False
    return True


#: Whether `public` signed `message` with `sig`. libsodium when PyNaCl is there: it accepts
#: no signature that OpenSSL refuses, and also refuses small-order and non-canonical keys and
#: R points (tests/trust/test_verify_libs.py); both release the GIL (kiosk.trust.ahead).
verify = verify_openssl if _sodium_open is None else verify_sodium


def at_text(e: LogEntry) -> str:
    """An entry's time as signed (and compared with a certificate's expiry)."""
    return e.at.isoformat(timespec="microseconds")


def envelope(e: LogEntry, at: str | None = None) -> dict[str, Any]:
    """Everything of an entry but its payload (and its local arrival order); `at` is
    `at_text(e)` when the caller has it already."""
    return {
        "uuid": e.uuid, "station_id": e.station_id, "station_seq": e.station_seq,
        "station": e.station, "at": at_text(e) if at is None else at,
        "kind": str(e.kind), "session_id": e.session_id, "attendee_id": e.attendee_id,
        "badge_id": e.badge_id, "operator": e.operator,
        "outcome": e.outcome.value if e.outcome else None, "ref": e.ref, "batch": e.batch,
    }  # fmt: skip


_TAG = b"FC-ENTRY-1\n"  # kiosk.trust.split.signed_bytes's
_text = json.encoder.encode_basestring  # a string as canonical() writes it (not ASCII-escaped)


def _value(v: object) -> str:
    """An envelope's value as canonical() writes it: a text, a whole number or null."""
    if type(v) is str:
        return _text(v)
    if v is None:
        return "null"
    if type(v) is int:
        return int.__repr__(v)
    raise TypeError(type(v).__name__)


def message(e: LogEntry, public: dict[str, Any], phash: bytes, at: str | None = None) -> bytes:
    """`signed_bytes(envelope(e, at), public, phash)`, written with the envelope's keys in
    their sorted order instead of a dict sorted by the JSON encoder (a quarter of its time
    at each signed check-in); an envelope of other types is left to signed_bytes."""
    try:
        head = (
            f'{{"at":{_value(at_text(e) if at is None else at)},'
            f'"attendee_id":{_value(e.attendee_id)},"badge_id":{_value(e.badge_id)},'
            f'"batch":{_value(e.batch)},"data":'
        )
        tail = (
            f',"kind":{_value(str(e.kind))},"operator":{_value(e.operator)},'
            f'"outcome":{_value(e.outcome.value if e.outcome else None)},'
            f'"ref":{_value(e.ref)},"session_id":{_value(e.session_id)},'
            f'"station":{_value(e.station)},"station_id":{_value(e.station_id)},'
            f'"station_seq":{_value(e.station_seq)},"uuid":{_value(e.uuid)}}}'
        )
    except TypeError:
        return signed_bytes(envelope(e, at), public, phash)
    return b"".join((_TAG, head.encode(), canonical(public), tail.encode(), phash))


def sign_entry(e: LogEntry, signer: Signer) -> LogEntry:
    """The entry with its private hash and signature (a private part is salted first)."""
    public, private = split(str(e.kind), e.data)
    data = e.data
    if private and SALT not in private:
        data = {**data, SALT: secrets.token_hex(16)}
        private = {**private, SALT: data[SALT]}
    ph = private_hash(private)
    sig = signer.sign(message(e, public, ph))  # (the envelope and public part: not e.data)
    return _with_signature(e, ph, sig, data)


_FIELDS = tuple(f.name for f in dataclasses.fields(LogEntry))
_set = object.__setattr__


def _with_signature(e: LogEntry, ph: bytes, sig: bytes, data: dict[str, Any]) -> LogEntry:
    """`dataclasses.replace(e, private_hash=ph, sig=sig, data=data)` in a third of its time
    (no __init__ run again over every field: a signed check-in makes one, salted or not)."""
    out = object.__new__(LogEntry)
    for name in _FIELDS:
        _set(out, name, getattr(e, name))
    _set(out, "data", data)
    _set(out, "private_hash", ph)
    _set(out, "sig", sig)
    return out


def legacy_digest(e: LogEntry) -> bytes:
    """SHA-256 of what a signature would cover, for an unsigned entry of the previous
    release that its own station vouches for when enrolled again (kiosk.trust.verify). A
    copy without its private part (a names-only station) uses the hash the hub gave."""
    public, private = split(str(e.kind), e.data)
    ph = private_hash(private) if private or e.private_hash is None else e.private_hash
    return hashlib.sha256(signed_bytes(envelope(e), public, ph)).digest()


def signed_message(e: LogEntry, at: str | None = None) -> bytes | None:
    """What `e`'s signature must verify over; None when it cannot verify at all (no
    signature, or the private part held is not the one signed over)."""
    if e.sig is None or e.private_hash is None:
        return None
    public, private = split(str(e.kind), e.data)
    if private and private_hash(private) != e.private_hash:
        return None
    return message(e, public, e.private_hash, at)


def entry_verifies(e: LogEntry, key: bytes | Ed25519PublicKey, at: str | None = None) -> bool:
    """The signature verifies with `key`, and the private part held (if any) is the
    one signed over. A copy without its private part (a names-only station) verifies too."""
    msg = signed_message(e, at)
    return msg is not None and e.sig is not None and verify(key, e.sig, msg)
