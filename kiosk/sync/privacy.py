"""What a station keeps of the entries it pulls from the hub.

- A self-service kiosk can be set (at `init --from-hub … --receive names`) to receive no
  personal data beyond what its greeting needs: names, organization, title, category and
  registrations are kept; email, phone, notes and external ids are dropped from every
  attendee entry before it is stored, so they are never in the kiosk's files.
- A station without the badge signing key never stores another station's scanned badge
  codes (a stolen kiosk could print copies of valid badges from them): scans keep the
  badge id, which is all the projections need, and codes not in our format (a poster's
  URL) only.
"""

from __future__ import annotations

import dataclasses
import enum
from typing import Any

from kiosk.checkin.codes import PREFIX
from kiosk.models.records import LogEntry, LogKind
from kiosk.trust.split import PRIVATE_FIELDS, SALT


class Receive(enum.StrEnum):
    ALL = "all"
    NAMES = "names"


_PEOPLE_KINDS = (LogKind.WALK_IN, LogKind.EDIT)
_SCAN_KINDS = (LogKind.ENTRY, LogKind.EXIT)


def parse_receive(text: str | None) -> Receive:
    try:
        return Receive(text or Receive.ALL)
    except ValueError:
        return Receive.NAMES  # an unknown setting errs on the private side


def _fields(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if k not in PRIVATE_FIELDS}


def _import(data: dict[str, Any]) -> dict[str, Any]:
    """An import chunk without the private columns of its new records and changes."""
    out = dict(data)
    cols = list(data.get("cols", ()))
    keep = [i for i, c in enumerate(cols) if c not in PRIVATE_FIELDS]
    if "new" in data:
        out["cols"] = [cols[i] for i in keep]
        out["new"] = [[row[0], *(row[i + 1] for i in keep)] for row in data["new"]]
    if "changed" in data:
        out["changed"] = [[aid, _fields(dict(f))] for aid, f in data["changed"]]
    return out


def _names_only(entry: LogEntry, data: dict[str, Any]) -> dict[str, Any]:
    """Runs before the entry is verified, on whatever the hub sent: a payload no station
    writes (`fields` not an object, an import's rows not rows) loses the parts that could
    hold personal data instead of failing the round (it is kept aside as not genuine)."""
    if entry.kind in _PEOPLE_KINDS and "fields" in data:
        fields = data["fields"]
        return {**data, "fields": _fields(fields) if isinstance(fields, dict) else {}}
    if entry.kind == LogKind.IMPORT:
        try:
            return _import(data)
        except (TypeError, ValueError, IndexError, KeyError, AttributeError):
            return {k: v for k, v in data.items() if k not in ("cols", "new", "changed")}
    return data


def redact(entry: LogEntry, receive: Receive, can_sign: bool) -> LogEntry:
    """The entry as this station stores it (the same entry when nothing is left out)."""
    data = entry.data
    if receive is Receive.NAMES:
        data = _names_only(entry, data)
    if not can_sign and entry.kind in _SCAN_KINDS and str(data.get("code", "")).startswith(PREFIX):
        data = {k: v for k, v in data.items() if k != "code"}
    if data is not entry.data and SALT in data:
        data = {k: v for k, v in data.items() if k != SALT}  # it salted what was left out
    return entry if data is entry.data else dataclasses.replace(entry, data=data)
