"""Signatures verified ahead on worker threads (kiosk.trust.ahead): a page received with its
signatures checked ahead ends exactly as one checked entry by entry; every forged entry is
still kept aside, whatever the order, whether the workers run or cannot start; no worker
outlives its page."""

from __future__ import annotations

import dataclasses
import threading
from concurrent.futures import Executor
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.models.records import LogEntry, LogKind
from kiosk.storage import log
from kiosk.storage import trust as tstore
from kiosk.storage.base import new_uuid
from kiosk.storage.store import Store
from kiosk.trust.ahead import Ahead
from kiosk.trust.certs import Cert
from kiosk.trust.keys import Signer, new_private, sign_entry
from kiosk.trust.roles import Refusal, Role
from kiosk.trust.verify import Verifier
from tests.helpers.trusted import Site, transfer
from tests.trust.test_trust_properties import _feed, _projections, _receiver, _world


def _verify_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("verify")]


def _no_thread(n: int) -> Executor:
    raise RuntimeError("can't start new thread")


def _feed_pages(s: Store, entries: list[LogEntry], page: int, threads: int | None) -> int:
    """As sync's pull: pages, each applied in short transactions, its signatures ahead.
    Returns how many signatures were verified ahead."""
    made = 0
    for p in range(0, len(entries), page):
        chunk = entries[p : p + page]
        with Ahead(chunk, threads=threads, pool=None if threads else _no_thread) as ahead:
            for i in range(0, len(chunk), 7):
                with s.write() as tx:
                    for e in chunk[i : i + 7]:
                        s.receive(tx, e, ahead=ahead)
        made += ahead.made
        assert _verify_threads() == []  # none outlives its page
    s.catch_up()
    return made


def _world_of(site: Site) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    if not hasattr(site, "_world"):
        site._world = _world(site)  # type: ignore[attr-defined]
        honest = _receiver(site._world[0])  # type: ignore[attr-defined]
        for name in ("desk", "a", "b", "k", "r", "e"):  # entry by entry, inline
            _feed(honest, [x for x, ok in site._world[1][name] if ok])  # type: ignore[attr-defined]
        assert list(tstore.held(honest.conn)) == []
        site._expected = _projections(honest)  # type: ignore[attr-defined]
        honest.close()
    return site._world[0], site._world[1], site._expected  # type: ignore[attr-defined]


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_forged_entries_in_pages_verified_ahead_are_held_never_applied(
    site: Site, data: st.DataObject
) -> None:
    seed, streams, want = _world_of(site)
    left = {k: list(v) for k, v in streams.items()}
    order: list[tuple[LogEntry, bool]] = []
    while any(left.values()):
        name = data.draw(st.sampled_from(sorted(k for k, v in left.items() if v)))
        order.append(left[name].pop(0))
    page = data.draw(st.sampled_from([3, 64, 2000]))
    threads = data.draw(st.sampled_from([2, 1, 0]))  # 0: no worker can start, all inline
    s = _receiver(seed)
    try:
        _feed_pages(s, [x for x, _ in order], page, threads)
        assert _projections(s) == want
        held = {e.uuid for e, _ in tstore.held(s.conn)}
        assert held == {x.uuid for x, ok in order if not ok}
    finally:
        s.close()


def test_streams_pulled_in_pages_are_verified_ahead_and_forgeries_held(site: Site) -> None:
    seed, streams, want = _world_of(site)
    entries = [x for v in streams.values() for x, _ in v]  # stream by stream, as sync pulls
    forged = {x.uuid for v in streams.values() for x, ok in v if not ok}
    s = _receiver(seed)
    try:
        made = _feed_pages(s, entries, 2000, 2)
        assert made > len(entries) // 2  # most signatures were verified on the workers
        assert _projections(s) == want
        assert {e.uuid for e, _ in tstore.held(s.conn)} == forged
    finally:
        s.close()


def _signed(n: int, signer: Signer, site: Site) -> list[LogEntry]:
    out = []
    for i in range(n):
        e = LogEntry(uuid=new_uuid(), kind=LogKind.PIN_ATTEMPT, at=site.clock.now(),
                     station_id="s1", station_seq=i + 1, station="S", data={"i": i})  # fmt: skip
        out.append(sign_entry(e, signer))
    return out


def test_a_verdict_is_only_for_the_same_entry_and_the_same_key(site: Site) -> None:
    signer, other = Signer(new_private()), Signer(new_private())
    entries = _signed(150, signer, site)
    verifier = Verifier(other.public, keys={"s1": signer.public})
    with Ahead(entries, threads=2) as ahead:
        assert all(ahead.verdict(e, signer.public, verifier) for e in entries)
        copy = dataclasses.replace(entries[3])
        assert copy == entries[3] and ahead.verdict(copy, signer.public, verifier) is None
        assert ahead.verdict(entries[4], other.public, verifier) is None
        tampered = dataclasses.replace(entries[5], data={"i": 999})
        assert ahead.verdict(tampered, signer.public, verifier) is None
    with Ahead([tampered, entries[6]], threads=2) as ahead:
        assert ahead.verdict(tampered, signer.public, verifier) is False
        assert ahead.verdict(entries[6], signer.public, verifier) is True
    assert _verify_threads() == []


def test_a_forged_signature_in_a_page_checked_ahead_is_refused(site: Site) -> None:
    signer = Signer(new_private())
    entries = _signed(200, signer, site)
    forged = dataclasses.replace(entries[120], sig=bytes(64))
    retold = dataclasses.replace(entries[130], data={"i": -1})  # signature of other data
    page = [*entries[:120], forged, *entries[121:130], retold, *entries[131:]]
    verifier = Verifier(Signer(new_private()).public, keys={"s1": signer.public})
    verifier.certs["s1"] = _cert("s1", signer)
    for threads in (2, 0):
        with Ahead(page, threads=threads, pool=None if threads else _no_thread) as ahead:
            got = [verifier.check(e, None, ahead=ahead) for e in page]
        assert got[120] is Refusal.BAD_SIGNATURE and got[130] is Refusal.BAD_SIGNATURE
        assert [i for i, r in enumerate(got) if r is not None] == [120, 130]


def test_a_malformed_signature_is_refused_ahead_and_a_closed_ahead_checks_nothing(
    site: Site,
) -> None:
    signer = Signer(new_private())
    entries = _signed(10, signer, site)
    verifier = Verifier(Signer(new_private()).public, keys={"s1": signer.public})
    broken = [dataclasses.replace(entries[0], sig=b"not a signature" * 5)]
    with Ahead(broken, threads=1) as ahead:
        assert ahead.verdict(broken[0], signer.public, verifier) is False
    ahead = Ahead(entries, threads=1)
    ahead.close()  # closed before any job: verdicts are not made, the check does it
    assert ahead.verdict(entries[0], signer.public, verifier) is None


def _cert(sid: str, signer: Signer) -> Cert:
    return Cert(station_id=sid, name="S", role=Role.DESK, key=signer.public.hex(),
                enroll_key="", issued_at="2000-01-01T00:00:00.000000+00:00",
                expires="2999-01-01T00:00:00.000000+00:00", serial=1)  # fmt: skip


def test_a_rebuild_verifies_the_log_again_page_by_page(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entries slipped into a door's file behind its back, among genuine ones and across
    pages of the rebuild's recheck (signatures verified ahead): every forged one is found."""
    monkeypatch.setattr(tstore, "RECHECK_PAGE", 5)
    door = site.station("Door A", Role.DOOR)
    for _ in range(3):
        site.service(door).check_in(site.ann_code, site.session)
    transfer(door, site.desk)
    key = tstore.read_key(door.path)
    assert key is not None
    forged = []
    with site.desk.write() as tx:
        for i in range(12):
            e = LogEntry(uuid=new_uuid(), kind=LogKind.PIN_ATTEMPT, at=site.clock.now(),
                         station_id=door.station.id, station_seq=100 + i, station="Door A",
                         data={"i": i})  # fmt: skip
            e = sign_entry(e, Signer(key[1]))
            if i % 3 == 0:  # signed, then altered
                e = dataclasses.replace(e, data={"i": i, "x": 1})
                forged.append(e.uuid)
            elif i % 3 == 1:  # signed by another key
                e = sign_entry(e, Signer(new_private()))
                forged.append(e.uuid)
            log.insert(tx.conn, e)
    before = threading.active_count()
    site.desk.rebuild_projections()
    assert threading.active_count() == before
    assert {e.uuid: r for e, r in tstore.held(site.desk.conn)} == dict.fromkeys(
        forged, Refusal.BAD_SIGNATURE
    )
    door.close()
