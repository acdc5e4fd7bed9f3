"""The public and private parts of an entry's payload, and the bytes that are signed.

Private: the personal fields (PRIVATE_FIELDS below) of walk_in / edit / import
entries, and a scanned badge code in our own format (a stolen kiosk could print copies of
valid badges from them). The signature covers the public part and the SHA-256 of the private
part, so a station (or a hub role) that never holds the private part still verifies:
`split(redact(x)).public == split(x).public`.

A private part is salted (`SALT`: 16 random bytes, added where the entry is signed), so
that its hash, which any station login may read at the hub, cannot confirm a guessed
e-mail or phone number. The salt belongs to the private part: a copy without it holds no
salt either (a salt alone is no private part).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from kiosk.models.records import LogKind

#: Attendee fields that are private (a names-only station never receives them).
PRIVATE_FIELDS = frozenset({"email", "phone", "notes", "external_id"})
#: Badge codes in our own format start so (kiosk.checkin.codes.PREFIX).
PREFIX = "FC1:"
#: The key of a payload's salt (kept with the private part).
SALT = "_salt"

_PEOPLE = (LogKind.WALK_IN, LogKind.EDIT)
_SCANS = (LogKind.ENTRY, LogKind.EXIT)

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode
_EMPTY_HASH = hashlib.sha256(b"{}").digest()


def canonical(value: Any) -> bytes:
    """JSON with sorted keys, no spaces, UTF-8 (not ASCII-escaped)."""
    return _encode(value).encode("utf-8")


def private_hash(private: dict[str, Any]) -> bytes:
    if not private:
        return _EMPTY_HASH  # most entries: nothing private
    return hashlib.sha256(canonical(private)).digest()


def _split_fields(fields: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    pub = {k: v for k, v in fields.items() if k not in PRIVATE_FIELDS}
    priv = {k: v for k, v in fields.items() if k in PRIVATE_FIELDS}
    return pub, priv


def _split_new(data: dict[str, Any], pub: dict[str, Any], priv: dict[str, Any]) -> None:
    cols = list(data.get("cols", ()))
    hidden = [i for i, c in enumerate(cols) if c in PRIVATE_FIELDS]
    if not hidden:
        return
    keep = [i for i, c in enumerate(cols) if c not in PRIVATE_FIELDS]
    pub["cols"] = [cols[i] for i in keep]
    pub["new"] = [[row[0], *(row[i + 1] for i in keep)] for row in data["new"]]
    priv["cols"] = cols
    priv["new"] = [[row[i + 1] for i in hidden] for row in data["new"]]


def _split_import(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    pub = dict(data)
    priv: dict[str, Any] = {}
    if "new" in data:
        _split_new(data, pub, priv)
    if "changed" in data:
        pairs = [(aid, _split_fields(dict(f))) for aid, f in data["changed"]]
        pub["changed"] = [[aid, p] for aid, (p, _) in pairs]
        hidden_changes = [[i, q] for i, (_, (_, q)) in enumerate(pairs) if q]
        if hidden_changes:
            priv["changed"] = hidden_changes
    return pub, priv


def split(kind: str, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(public, private) parts of an entry's payload (private is {} for most entries)."""
    if SALT not in data:
        return _split(kind, data)
    public, private = _split(kind, {k: v for k, v in data.items() if k != SALT})
    return public, ({**private, SALT: data[SALT]} if private else {})


def _split(kind: str, data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    if kind in _PEOPLE and isinstance(data.get("fields"), dict):
        pub, priv = _split_fields(data["fields"])
        return {**data, "fields": pub}, ({"fields": priv} if priv else {})
    if kind == LogKind.IMPORT:
        return _split_import(data)
    if kind in _SCANS and str(data.get("code", "")).startswith(PREFIX):
        return {k: v for k, v in data.items() if k != "code"}, {"code": data["code"]}
    return data, {}


def _join_row(row: list[Any], secret: list[Any], cols: list[str]) -> list[Any]:
    full: list[Any] = [None] * len(cols)
    keep = [i for i, c in enumerate(cols) if c not in PRIVATE_FIELDS]
    hidden = [i for i, c in enumerate(cols) if c in PRIVATE_FIELDS]
    for pos, val in zip(keep, row[1:], strict=True):
        full[pos] = val
    for pos, val in zip(hidden, secret, strict=True):
        full[pos] = val
    return [row[0], *full]


def _join_import(public: dict[str, Any], private: dict[str, Any]) -> dict[str, Any]:
    out = dict(public)
    if "new" in private:
        cols = list(private["cols"])
        out["cols"] = cols
        out["new"] = [_join_row(row, secret, cols)
                      for row, secret in zip(public["new"], private["new"], strict=True)]  # fmt: skip
    if "changed" in private:
        changed = [[aid, dict(f)] for aid, f in public["changed"]]
        for i, fields in private["changed"]:
            changed[i][1].update(fields)
        out["changed"] = changed
    return out


def join(kind: str, public: dict[str, Any], private: dict[str, Any]) -> dict[str, Any]:
    """The whole payload again (`public` alone when the private part is not held)."""
    if not private:
        return public
    salt = {SALT: private[SALT]} if SALT in private else {}
    if kind in _PEOPLE:
        fields = {**public.get("fields", {}), **private.get("fields", {})}
        return {**public, "fields": fields, **salt}
    if kind == LogKind.IMPORT:
        return {**_join_import(public, private), **salt}
    return {**public, **private}


def signed_bytes(envelope: dict[str, Any], public: dict[str, Any], phash: bytes) -> bytes:
    """What a station signs: a domain tag, the entry's envelope with its public payload, and
    the hash of its private part."""
    return b"FC-ENTRY-1\n" + canonical({**envelope, "data": public}) + phash
