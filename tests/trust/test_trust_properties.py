"""Property: whatever the interleaving of honest entries and forged ones (bad signature,
wrong role, wrong station, expired certificate, after revocation), a receiver's projections
are exactly those of a receiver that got the honest entries only; every forged entry is
kept aside, no honest one is."""

from __future__ import annotations

import dataclasses
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.models.outcomes import Outcome
from kiosk.models.records import AttendeeInput, LogEntry, LogKind
from kiosk.storage import log, syncstate
from kiosk.storage import trust as tstore
from kiosk.storage.base import new_uuid
from kiosk.storage.store import Store
from kiosk.sync import enroll as enr
from kiosk.trust.keys import Signer, sign_entry
from kiosk.trust.roles import Role
from tests.helpers.trusted import OWNER_DSN, Site, no_hub_login, transfer

Streams = dict[str, list[tuple[LogEntry, bool]]]  # name -> [(entry, honest)]


def _stream(s: Store, sid: str) -> list[LogEntry]:
    return syncstate.outbox(s.conn, sid, 0, 10**9, 10**12)


def _signed_as(s: Store, e: LogEntry) -> LogEntry:
    key = tstore.read_key(s.path)
    assert key is not None
    return sign_entry(e, Signer(key[1]))


def _world(site: Site) -> tuple[dict[str, Any], Streams]:
    svc = site.desk_service
    codes = [site.ann_code] + [svc.walk_in(AttendeeInput(name=n)).code for n in ("Bo", "Cy")]
    a = site.station("Door A", Role.DOOR)
    b = site.station("Door B", Role.DOOR)
    kiosk = site.station("Kiosk", Role.KIOSK)
    r = site.station("Door R", Role.DOOR)
    file = site.tmp / "e.enroll"
    enr.enroll(
        site.desk,
        OWNER_DSN,
        Role.DOOR,
        "Door E",
        file,
        site.clock.now(),
        days=1,
        login=no_hub_login,
    )
    e = site.build("Door E", file)
    for i, code in enumerate(codes):
        site.service(a if i % 2 else b).check_in(code, site.session)
    site.service(r).check_in(codes[0], site.session)
    site.service(e).check_in(codes[1], site.session)
    transfer(r, site.desk)
    enr.revoke(site.desk, "Door R", site.clock.now())
    honest_r = len(_stream(r, r.station.id))
    site.clock.advance(2 * 86400)  # Door E's certificate has expired
    honest_e = len(_stream(e, e.station.id))
    site.service(r).check_in(codes[2], site.session)
    site.service(e).check_in(codes[2], site.session)
    site.service(a).check_in(codes[0], site.session)  # honest: A again
    victim = site.ann_id
    with kiosk.write() as tx:
        c = tx.conn
        base = dict(at=site.clock.now(), station=kiosk.station.name)
        seq = log.next_seq(c, kiosk.station.id)
    forged_kiosk = [
        _signed_as(kiosk, LogEntry(uuid=new_uuid(), kind=LogKind.EDIT, station_id=kiosk.station.id,
                   station_seq=seq, attendee_id=victim, data={"fields": {"name": "HACKED"}},
                   **base)),  # wrong role
        _signed_as(kiosk, LogEntry(uuid=new_uuid(), kind=LogKind.ENTRY, station_id=a.station.id,
                   station_seq=999, session_id=site.session, attendee_id=victim,
                   outcome=Outcome.ADMITTED, **base)),  # wrong station
    ]  # fmt: skip
    a_entries = _stream(a, a.station.id)
    scan = next(x for x in a_entries if x.kind == LogKind.ENTRY)
    bad_sig = dataclasses.replace(scan, uuid=new_uuid(), attendee_id=victim,
                                  station_seq=scan.station_seq + 500)  # fmt: skip
    streams: Streams = {
        "desk": [(x, True) for x in _stream(site.desk, site.desk.station.id)],
        "a": [(x, True) for x in a_entries] + [(bad_sig, False)],
        "b": [(x, True) for x in _stream(b, b.station.id)],
        "k": [(x, True) for x in _stream(kiosk, kiosk.station.id)]
        + [(x, False) for x in forged_kiosk],
        "r": [(x, i < honest_r) for i, x in enumerate(_stream(r, r.station.id))],
        "e": [(x, i < honest_e) for i, x in enumerate(_stream(e, e.station.id))],
    }
    seed = {"event_key": tstore.setting(site.desk.conn, tstore.EVENT_PUBLIC),
            "desk_cert": tstore.certs(site.desk.conn)[site.desk.station.id].to_data()}  # fmt: skip
    for s in (a, b, kiosk, r, e):
        s.close()
    return seed, streams


def _receiver(seed: dict[str, Any]) -> Store:
    s = Store.memory()
    with s.write() as tx:
        c = tx.conn
        c.execute("INSERT INTO settings VALUES (?, ?)", (tstore.EVENT_PUBLIC, seed["event_key"]))
        c.execute("INSERT INTO settings VALUES ('trust_seed', ?)",
                  (__import__("json").dumps({"certs": [seed["desk_cert"]], "cutoff": {}}),))  # fmt: skip
    s.reload_station()
    return s


def _feed(s: Store, entries: list[LogEntry]) -> None:
    for e in entries:
        with s.write() as tx:
            c = tx.conn
            s.receive(c, e)
    s.catch_up()


def _projections(s: Store) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for table in ("attendees", "presence", "badges", "duplicates"):
        cols = [str(r[1]) for r in s.conn.execute(f"PRAGMA table_info({table})")]
        keep = [c for c in cols if c not in ("rowid",)]
        rows = s.conn.execute(f"SELECT {', '.join(keep)} FROM {table}").fetchall()
        out[table] = sorted(tuple(r) for r in rows)
    out["log"] = sorted(str(r[0]) for r in s.conn.execute("SELECT uuid FROM log"))
    return out


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_forged_entries_never_change_the_honest_projections(
    site: Site, data: st.DataObject
) -> None:
    if not hasattr(site, "_world"):
        site._world = _world(site)  # type: ignore[attr-defined]
        honest = _receiver(site._world[0])  # type: ignore[attr-defined]
        for name in ("desk", "a", "b", "k", "r", "e"):
            _feed(honest, [x for x, ok in site._world[1][name] if ok])  # type: ignore[attr-defined]
        assert list(tstore.held(honest.conn)) == []
        site._expected = _projections(honest)  # type: ignore[attr-defined]
        honest.close()
    seed, streams = site._world  # type: ignore[attr-defined]
    left = {k: list(v) for k, v in streams.items()}
    order: list[tuple[LogEntry, bool]] = []
    while any(left.values()):
        name = data.draw(st.sampled_from(sorted(k for k, v in left.items() if v)))
        order.append(left[name].pop(0))
    s = _receiver(seed)
    try:
        _feed(s, [x for x, _ in order])
        got = _projections(s)
        want = site._expected  # type: ignore[attr-defined]
        kinds = {x.uuid: (x.kind, x.station, ok) for x, ok in order}
        missing = [kinds.get(u) for u in set(want["log"]) ^ set(got["log"])]
        why = [(kinds.get(e.uuid), r) for e, r in tstore.held(s.conn)]
        assert got == want, (missing, why)
        held = {e.uuid for e, _ in tstore.held(s.conn)}
        assert held == {x.uuid for x, ok in order if not ok}
    finally:
        s.close()
