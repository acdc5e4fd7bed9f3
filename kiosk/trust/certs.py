"""Station certificates: signed by the event key, carried in `station_cert` log entries.

A certificate names the station (id, name), its role, its public key (or, for a station
enrolled with a one-time file, the public half of the enrollment key: the station then
hands its own key over in a `station_key` entry signed with the enrollment key), when it
was issued and when it expires.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from kiosk.trust.keys import Signer, verify
from kiosk.trust.roles import Role
from kiosk.trust.split import canonical

_CERT_TAG = b"FC-CERT-1\n"


@dataclass(frozen=True, slots=True)
class Cert:
    station_id: str
    name: str
    role: Role
    key: str  # the station's public key (hex); "" until handed over
    enroll_key: str  # the one-time enrollment key's public half (hex); "" for none
    issued_at: str  # UTC ISO text
    expires: str  # UTC ISO text: entries written after it are refused
    serial: int
    sig: str = ""  # Ed25519 by the event key over everything else (hex)

    def body(self) -> bytes:
        d = asdict(self)
        d.pop("sig")
        d["role"] = str(self.role)
        return _CERT_TAG + canonical(d)

    def to_data(self) -> dict[str, Any]:
        d = asdict(self)
        d["role"] = str(self.role)
        return d

    def signed_by(self, event_key: bytes) -> bool:
        try:
            return verify(event_key, bytes.fromhex(self.sig), self.body())
        except ValueError:
            return False


def issue(event: Signer, **fields: Any) -> Cert:
    cert = Cert(**fields)
    return replace(cert, sig=event.sign(cert.body()).hex())


def cert_of(data: dict[str, Any]) -> Cert | None:
    """The certificate in an entry's payload; None when it is malformed."""
    try:
        return Cert(
            station_id=str(data["station_id"]), name=str(data["name"]), role=Role(data["role"]),
            key=str(data.get("key", "")), enroll_key=str(data.get("enroll_key", "")),
            issued_at=str(data["issued_at"]), expires=str(data["expires"]),
            serial=int(data["serial"]), sig=str(data["sig"]),
        )  # fmt: skip
    except (KeyError, ValueError, TypeError):
        return None


# -- rotation of the event key ---------------------------------------------------------------
_ROTATION_TAG = b"FC-ROTATE-1\n"


@dataclass(frozen=True, slots=True)
class Rotation:
    """The event key replaced: `previous` (hex) signs `key` (hex) as its successor. With
    `compromised`, the stations of certificates signed by `previous` are refused past their
    number in `cutoff` (each is enrolled again); without, they stay valid until they expire. Carried in a desk's
    `key_rotation` entry (kiosk.trust.verify checks it against the key pinned then)."""

    previous: str
    key: str
    compromised: bool
    issued_at: str
    # compromised: each station's highest number the desk held then; the stations of the
    # previous key's certificates are refused past it (as by a revocation)
    cutoff: dict[str, int] = field(default_factory=dict)
    sig: str = ""  # Ed25519 by the previous event key over everything else (hex)

    def body(self) -> bytes:
        d = asdict(self)
        d.pop("sig")
        return _ROTATION_TAG + canonical(d)

    def to_data(self) -> dict[str, Any]:
        return asdict(self)

    def signed_by(self, event_key: bytes) -> bool:
        try:
            return verify(event_key, bytes.fromhex(self.sig), self.body())
        except ValueError:
            return False


def rotate(current: Signer, new_public: bytes, compromised: bool, at: str,
           cutoff: dict[str, int] | None = None) -> Rotation:  # fmt: skip
    r = Rotation(current.public.hex(), new_public.hex(), compromised, at,
                 dict(cutoff or {}) if compromised else {})  # fmt: skip
    return replace(r, sig=current.sign(r.body()).hex())


def rotation_of(data: dict[str, Any]) -> Rotation | None:
    """The rotation in an entry's payload; None when it is malformed."""
    try:
        cut = {str(k): int(v) for k, v in dict(data.get("cutoff", {})).items()}
        r = Rotation(str(data["previous"]), str(data["key"]), bool(data["compromised"]),
                     str(data["issued_at"]), cut, str(data["sig"]))  # fmt: skip
        raw = bytes.fromhex(r.key)
    except (KeyError, ValueError, TypeError):
        return None
    return r if len(raw) == 32 and isinstance(data["compromised"], bool) else None


def local_time(utc_text: str, tz: tzinfo) -> str:
    """A certificate's time (UTC ISO text) in the event's local time, as shown to people
    (`station list`, the Stations… dialog), with its offset: "2024-11-18 08:30 UTC+8"
    (a zone's abbreviation can mislead: CST is China's and the U.S. Central's)."""
    try:
        at = datetime.fromisoformat(utc_text)
    except ValueError:
        return utc_text
    local = (at if at.tzinfo is not None else at.replace(tzinfo=UTC)).astimezone(tz)
    minutes = int((local.utcoffset() or timedelta()).total_seconds() // 60)
    hours, rest = divmod(abs(minutes), 60)
    offset = f"{'-' if minutes < 0 else '+'}{hours}" + (f":{rest:02d}" if rest else "")
    return f"{local:%Y-%m-%d %H:%M} UTC{offset}"
