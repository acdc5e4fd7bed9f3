"""What each enrolled station's role may write to the log.

- `desk` (the holder of the event key): everything.
- `door`: entry and exit scans, undo (annul) of its OWN scans, meeting marks, PIN attempts;
  walk-ins with their badges (walk_in, badge_issue, badge_print) only when the event allows
  walk-ins at doors.
- `kiosk`: self check-in scans (entries) and PIN attempts only.

Nobody but the desk writes `event`, `station_cert`, `station_revoke` or `key_rotation`
entries (and those are also signed by the event key itself, checked in kiosk.trust.verify).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from kiosk.models.records import LogEntry, LogKind


class Role(enum.StrEnum):
    DESK = "desk"
    DOOR = "door"
    KIOSK = "kiosk"


def parse_role(text: str) -> Role | None:
    try:
        return Role(text)
    except ValueError:
        return None


class TrustKind(enum.StrEnum):
    """Log kinds of the trust layer (written by the desk, signed by the event key)."""

    STATION_CERT = "station_cert"  # a station enrolled: id, name, role, public key, expiry
    STATION_REVOKE = "station_revoke"  # a station revoked after its `after_seq`-th entry
    KEY_ROTATION = "key_rotation"  # the event key replaced (signed by the current one)
    TRUST_CUTOFF = "trust_cutoff"  # upgrade: unsigned entries up to these seqs stay valid


class Refusal(enum.StrEnum):
    """Why an entry was kept aside and not applied (mapped to bilingual text in ui/present)."""

    UNSIGNED = "unsigned"  # no signature (and not from before the upgrade)
    BAD_SIGNATURE = "bad_signature"  # the signature does not verify with the station's key
    UNKNOWN_STATION = "unknown_station"  # no certificate (yet) for the claimed station
    BAD_CERT = "bad_cert"  # a certificate not signed by the event key
    EXPIRED = "expired"  # written (or first handed in) after the station's certificate expired
    AHEAD = "ahead"  # dated far ahead of the hub's clock when it first arrived
    NAME = "name"  # written under another name than the station's certificate's
    REVOKED = "revoked"  # written after the station's revocation cut-off
    ROLE = "role"  # the station's role may not write this kind of entry
    NOT_OWN = "not_own"  # an undo of another station's entry
    KEY_CHANGE = "key_change"  # an entry that would change the event's verify key
    ENROLLMENT = "enrollment"  # an enrollment used a second time, or malformed
    BAD_ROTATION = "bad_rotation"  # a key rotation not signed by the event key pinned then


#: A station hands its own public key over (signed with its one-time enrollment key).
STATION_KEY = "station_key"

#: Kinds only the desk writes.
DESK_ONLY = frozenset({LogKind.EVENT, *(str(k) for k in TrustKind)})
_DOOR = frozenset({LogKind.ENTRY, LogKind.EXIT, LogKind.MEETING_MARK, LogKind.PIN_ATTEMPT})
_DOOR_WALK_IN = frozenset({LogKind.WALK_IN, LogKind.BADGE_ISSUE, LogKind.BADGE_PRINT})
_KIOSK = frozenset({LogKind.ENTRY, LogKind.PIN_ATTEMPT})


@dataclass(frozen=True, slots=True)
class Policy:
    """The event's settings that widen a role (from the desk's signed `event` entries)."""

    walk_ins_at_doors: bool = False


def may_write(
    role: Role, kind: str, entry: LogEntry, event: Policy, ref_station: str | None = None
) -> Refusal | None:
    """None when a station of `role` may write `entry` (of `kind`); else why not.
    `ref_station` is the station id that wrote the entry an annul undoes (None: unknown)."""
    if role is Role.DESK:
        return None
    if kind == LogKind.ANNUL and role is Role.DOOR:
        return None if ref_station == entry.station_id else Refusal.NOT_OWN
    allowed = _DOOR if role is Role.DOOR else _KIOSK
    if kind in allowed:
        return None
    if role is Role.DOOR and event.walk_ins_at_doors and kind in _DOOR_WALK_IN:
        return None
    return Refusal.ROLE
