"""Enrolling stations (issue 18): the desk's side (`station enroll | list | revoke`) and the
new station's (`init --enrollment`).

1. The desk (the holder of the event key; its database becomes the desk at its first
   enrollment: an event key, its own station key and certificate, and a cut-off under which
   the unsigned entries it already holds stay valid) writes a `station_cert` entry for the new
   station: its id, name, role and expiry, and the public half of a one-time enrollment key.
   The enrollment file (0600) carries that certificate, the event's keys, the enrollment
   key's private half, and the hub's connection string with the station's OWN login.
2. `init --enrollment` on the new station's machine makes the station's own key pair there
   (the private key never leaves: a file beside the database, 0600), builds the database
   from the hub (every entry verified on the way in), and hands its public key over in a
   `station_key` entry signed with the enrollment key. The enrollment secret is then wiped
   from the file: a second use of it is refused (the first handover wins everywhere).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.models.clock import Clock
from kiosk.models.errors import KioskError
from kiosk.models.records import LogEntry, Station
from kiosk.storage import log, syncstate, upgrade
from kiosk.storage import trust as tstore
from kiosk.storage.atomic import write_private
from kiosk.storage.base import to_json
from kiosk.storage.store import Store
from kiosk.trust.certs import Cert, Rotation, cert_of
from kiosk.trust.keys import Signer, legacy_digest, sign_entry
from kiosk.trust.roles import STATION_KEY, Role, TrustKind

FORMAT = "forum-checkin-enrollment/1"
DEFAULT_DAYS = 14


class EnrollmentError(KioskError):
    """An enrollment file that cannot be used (not one, used already, another event)."""


def hub_file(db_path: Path | str) -> Path:
    """The enrolled station's own hub connection string (0600): `sync` needs no --server."""
    return Path(str(db_path) + ".hub")


#: (owner's connection string, station id, role, the desk, the certificate's expiry) ->
#: the station's own connection string
Login = Callable[[str, str, Role, Store, str], str]


def station_login(owner_dsn: str, station_id: str, role: Role, desk: Store, expires: str) -> str:
    """The hub's connection string with the station's own login (kiosk.sync.hubroles: a
    PostgreSQL role that writes only under this station's id, until its certificate
    `expires`). The desk's copy of the logins follows at once (a hub replaced before its
    next sync gets this login back)."""
    from psycopg.conninfo import make_conninfo

    from kiosk.sync import hubroles

    user, password = hubroles.create_station_login(owner_dsn, station_id, str(role), desk=desk,
                                                   valid_until=expires)  # fmt: skip
    return make_conninfo(owner_dsn, user=user, password=password)


def _revoke_login(owner_dsn: str, station_id: str, desk: Store) -> None:
    from kiosk.sync import hubroles

    hubroles.revoke_station_login(owner_dsn, station_id, desk=desk)


# -- the desk ----------------------------------------------------------------------------------
def become_desk(store: Store, at: datetime) -> bool:
    """Make `store` the event's desk (once): its event key, its own key and certificate, and
    the cut-off of the unsigned entries already in its log, in one transaction (a desk of
    the previous release became it already at its first open: kiosk.storage.upgrade).
    True when it became it now."""
    if syncstate.setting(store.conn, "event") is None:
        raise EnrollmentError(f"{store.path}: no event loaded (run `init` first)")
    with store.write() as tx:
        done = upgrade.become_desk(tx.conn, store.path, store.station, at)
    store.reload_station()
    return done


def _write(store: Store, c: Any, kind: str, at: datetime, data: dict[str, Any]) -> None:
    gate = store.gate
    if gate is None or gate.signer is None:
        raise EnrollmentError(f"{store.path}: this desk's station key is missing")
    entry = log.new_entry(c, store.station, at, kind, data=data, sign=gate.sign)
    gate.verifier.learn(entry)


@dataclass(frozen=True, slots=True)
class Enrolled:
    cert: Cert
    path: Path
    again: bool = False  # a station of the previous release, enrolled under its own id


def enroll(store: Store, owner_dsn: str, role: Role, name: str, out: Path, at: datetime,
           days: int = DEFAULT_DAYS, login: Login = station_login) -> Enrolled:  # fmt: skip
    """Enroll a new station: its certificate in the log, its enrollment file at `out`
    (with the hub login `login` makes for it)."""
    become_desk(store, at)
    with store.write() as tx:
        c = tx.conn
        again = upgrade.unenrolled_id(c, name)  # a station of the previous release
        cert, secret = tstore.new_station_cert(c, name, role, at, days, again)
        desk = tstore.certs(c)[store.station.id]
        seqs = tstore.cutoff_seqs(c)
    dsn = login(owner_dsn, cert.station_id, role, store, cert.expires)
    body = {
        "format": FORMAT, "event_id": store.event().id,
        "event_key": tstore.setting(store.conn, tstore.EVENT_PUBLIC),
        "badge_key": syncstate.setting(store.conn, "public_key"), "station_id": cert.station_id,
        "name": name, "role": str(role), "secret": secret.hex(), "cert": cert.to_data(),
        "desk_cert": desk.to_data(), "cutoff": seqs, "hub": dsn,
        "receive": "names" if role is Role.KIOSK else "all",
    }  # fmt: skip
    write_private(out, json.dumps(body, ensure_ascii=False, indent=1).encode())
    with store.write() as tx:
        c = tx.conn
        _write(store, c, TrustKind.STATION_CERT, at, cert.to_data())
    return Enrolled(cert, out, again is not None)


def revoke(store: Store, name: str, at: datetime, owner_dsn: str | None = None) -> tuple[str, int]:
    """Revoke the station named `name`: entries it wrote after its last one here are
    refused everywhere. Returns (station id, cut-off number)."""
    gate = store.gate
    if gate is None:
        raise EnrollmentError(f"{store.path}: no station is enrolled here")
    if tstore.enrolls(store.conn) is not tstore.Enrolls.DESK:
        raise EnrollmentError(f"{store.path}: not the event's desk (only it revokes stations)")
    matches = [s for s in tstore.stations(store.conn, gate.verifier) if s.name == name]
    if not matches:
        raise EnrollmentError(f"{store.path}: no enrolled station named {name!r}")
    target = matches[-1]
    if target.station_id == store.station.id:
        raise EnrollmentError("the desk cannot revoke itself")
    cut = target.last_seq if target.revoked_after is None else target.revoked_after
    if target.revoked_after is None:  # once: running it again only drops the hub login
        with store.write() as tx:
            c = tx.conn
            _write(store, c, TrustKind.STATION_REVOKE, at,
                   {"station_id": target.station_id, "name": name, "after_seq": cut})  # fmt: skip
    if owner_dsn:
        try:
            _revoke_login(owner_dsn, target.station_id, store)
        except KioskError as exc:  # the hub: unreachable, or not the owner's string
            raise EnrollmentError(
                f"{name!r} is revoked (its entries after #{cut} are refused at every station), "
                f"but its hub login was not dropped: {exc}. Revoke it again when the hub "
                "answers"
            ) from None
    return target.station_id, cut


def rotate_key(store: Store, at: datetime, compromised: bool = False) -> Rotation:
    """Replace the event key (the desk only): a `key_rotation` entry signed with the current
    key naming the new one, and the desk's certificate under the new key. Every station
    takes it in at its next sync. Without `compromised` the certificates of the old key stay
    valid until they expire; with it, every other station must be enrolled again."""
    gate = store.gate
    if gate is None or tstore.setting(store.conn, tstore.EVENT_PRIVATE) is None:
        raise EnrollmentError(f"{store.path}: not the event's desk (only it rotates the key)")
    st = store.station
    with store.write() as tx:
        c = tx.conn
        rotation = tstore.rotate_event_key(c, at, compromised)
        _write(store, c, TrustKind.KEY_ROTATION, at, rotation.to_data())
        cert = tstore.desk_cert(c, store.path, st.id, st.name, at)
        _write(store, c, TrustKind.STATION_CERT, at, cert.to_data())
    return rotation


# -- the new station ------------------------------------------------------------------------------
MAX_FILE = 1 << 20  # an enrollment file is a few kilobytes
_TEXTS = ("event_id", "station_id", "name", "role", "hub")
_KEYS = ("event_key", "secret")  # 32 bytes each, hex


def read_enrollment(path: Path) -> dict[str, Any]:
    """The enrollment file's fields, every one checked (a hostile or damaged file gets a
    clear message naming it, never a traceback)."""
    try:
        if path.stat().st_size > MAX_FILE:
            raise EnrollmentError(f"{path}: not an enrollment file (too large)")
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EnrollmentError(f"{path}: no such enrollment file") from None
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        why = "too deeply nested" if isinstance(exc, RecursionError) else str(exc)
        raise EnrollmentError(f"{path}: not an enrollment file ({why})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise EnrollmentError(f"{path}: not an enrollment file of this release")
    if not data.get("secret"):
        raise EnrollmentError(
            f"{path}: this enrollment was used already (enroll again at the desk)"
        )
    bad = _malformed(data)
    if bad:
        raise EnrollmentError(f"{path}: not an enrollment file ({bad} missing or malformed)")
    return data


def _malformed(data: dict[str, Any]) -> str | None:
    """The first field of an enrollment that is missing or of the wrong shape, or None."""
    checks: list[tuple[str, Callable[[Any], bool]]] = [
        *((name, _text) for name in _TEXTS),
        *((name, _key_hex) for name in _KEYS),
        ("cert", _cert), ("desk_cert", _cert), ("role", _role),
    ]  # fmt: skip
    for name, ok in checks:
        if not ok(data.get(name)):
            return name
    return None if _cutoff(data.get("cutoff", {})) else "cutoff"


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


def _key_hex(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 64 and _hex(value) is not None


def _cert(value: Any) -> bool:
    return isinstance(value, dict) and cert_of(value) is not None


def _role(value: Any) -> bool:
    return isinstance(value, str) and value in {str(r) for r in Role}


def _cutoff(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and type(v) is int and v >= 0 for k, v in value.items()
    )


def _hex(value: str) -> bytes | None:
    try:
        return bytes.fromhex(value)
    except ValueError:
        return None


def seed_of(data: dict[str, Any]) -> dict[str, Any]:
    """What the enrollment file tells before the log arrives. After a rotation of the event
    key, the certificates it carries are signed by the new key and are learned only from the
    log, in its order (rotation first), like every other station learned them."""
    return {"certs": [data["desk_cert"], data["cert"]], "cutoff": data.get("cutoff", {})}


def prepare(c: sqlite3.Connection, data: dict[str, Any]) -> None:
    """Trust on in a database being built from the hub: every pulled entry is verified."""
    for key, value in ((tstore.EVENT_PUBLIC, data["event_key"]),
                       ("trust_seed", to_json(seed_of(data)))):  # fmt: skip
        syncstate.set_setting(c, key, str(value))


def adopt(path: Path, data: dict[str, Any], enrollment: Path, clock: Clock) -> Store:
    """The database at `path` becomes the enrolled station: its identity, its own key made
    here, and the handover of the key signed with the enrollment key. Wipes the secret."""
    store = Store.open(path)
    try:
        _hand_over(store, data, enrollment, clock, {})
    except BaseException:
        store.close()
        raise
    return store


def rejoin(path: Path, data: dict[str, Any], enrollment: Path, clock: Clock) -> tuple[Store, int]:
    """A station of the previous release (`init --from-hub`) enrolled again, keeping its
    database, its log and its entries not synced yet: trust on here, its key made here, and
    the handover vouching for its own unsigned entries past the desk's cut-off (so they stay
    valid everywhere). One write transaction: the app running on this database meanwhile
    writes before it (vouched for) or after it (signed, with the key made here). Entries
    here that no longer verify move to `held`. Returns the store and how many of its own
    entries it vouched for."""
    store = Store.open(path)
    try:
        _may_rejoin(store, data, enrollment)
        sid, name = str(data["station_id"]), str(data["name"])
        with store.write() as tx:  # all of it or nothing: the file can be used again
            c = tx.conn
            mine = _vouched_for(store, c, data)
            legacy = {str(e.station_seq): legacy_digest(e).hex() for e in mine}
            prepare(c, data)
            tstore.adopt_identity(c, store.path, sid, name)
            public = tstore.make_key(store.path, sid)
            _handover(c, Station(sid, name), data, public, clock, legacy)
        store.reload_station()
        _done(store, data, enrollment)
        store.rebuild_projections()  # what no longer verifies here moves to `held`
    except BaseException:
        store.close()
        raise
    return store, len(mine)


def _may_rejoin(store: Store, data: dict[str, Any], enrollment: Path) -> None:
    if store.event().id != data.get("event_id"):
        raise EnrollmentError(f"{store.path}: holds another event than {enrollment}")
    receive = syncstate.setting(store.conn, "sync/receive")
    if data.get("receive") == "names" and receive != "names":
        raise EnrollmentError(
            f"{store.path}: holds personal fields a kiosk may not keep; make the kiosk a new "
            f"database: `init --db NEW.sqlite --enrollment {enrollment}`"
        )


def _vouched_for(store: Store, c: sqlite3.Connection, data: dict[str, Any]) -> list[LogEntry]:
    """Inside the write transaction: this station's own unsigned entries past the cut-off."""
    if tstore.setting(c, tstore.EVENT_PUBLIC) is not None:
        raise EnrollmentError(f"{store.path}: this database is enrolled already (or is the desk)")
    own = store.station.id
    mine = upgrade.own_unsigned(c, own, int(dict(data.get("cutoff", {})).get(own, 0)))
    if str(data["station_id"]) != own and mine:
        raise EnrollmentError(
            f"{store.path}: {len(mine)} entries of this station are not at the desk yet: sync "
            "it once with the hub, then enroll it at the desk again under the name "
            f"{store.station.name!r} (its entries then stay valid)"
        )
    return mine


def _hand_over(store: Store, data: dict[str, Any], enrollment: Path, clock: Clock,
               legacy: dict[str, str]) -> None:  # fmt: skip
    sid = str(data["station_id"])
    with store.write() as tx:
        tstore.adopt_identity(tx.conn, store.path, sid, str(data["name"]))
    store.reload_station()
    public = tstore.make_key(store.path, sid)
    with store.write() as tx:
        e = _handover(tx.conn, store.station, data, public, clock, legacy)
    store.reload_station()
    gate = store.gate
    if gate is not None:
        gate.verifier.learn(e)
    _done(store, data, enrollment)


#: Digests per handover entry: about 75 bytes each in its JSON, so a part stays well under
#: the hub's bound on one entry of a station login (kiosk.sync.hubschema.MAX_DATA, 64 KiB).
LEGACY_PART = 500


def _handover(c: sqlite3.Connection, station: Station, data: dict[str, Any], public: bytes,
              clock: Clock, legacy: dict[str, str]) -> LogEntry:  # fmt: skip
    """The `station_key` entry: this station's own public key (and, enrolled again, the
    digests of its own unsigned entries it vouches for), signed with the enrollment key.
    More digests than one entry may carry follow in further `station_key` entries with the
    same key, in the same transaction (kiosk.trust.verify learns them as parts of it).
    Returns the first."""
    enroll_signer = Signer(bytes.fromhex(str(data["secret"])))
    items = list(legacy.items())
    parts = [dict(items[i : i + LEGACY_PART]) for i in range(0, len(items), LEGACY_PART)]
    entries = []
    for part in parts or [{}]:
        body: dict[str, Any] = {"key": public.hex()}
        if part:
            body["legacy"] = part
        entries.append(log.new_entry(c, station, clock.now(), STATION_KEY, data=body,
                                     sign=lambda e: sign_entry(e, enroll_signer)))  # fmt: skip
    return entries[0]


def _done(store: Store, data: dict[str, Any], enrollment: Path) -> None:
    """The station's own hub login kept beside its database; the secret wiped from the file."""
    write_private(hub_file(store.path), str(data["hub"]).encode())
    used = {k: v for k, v in data.items() if k != "secret"}
    with contextlib.suppress(OSError):
        write_private(enrollment, json.dumps(used, ensure_ascii=False, indent=1).encode())
