"""Trusted stations (issue 18): what signing and verifying cost, side by side in one table.

- check-in p50/p99 at a desk without trust (entries unsigned) and with it (every entry
  signed with the station's Ed25519 key), one check-in at each in turn: goal, with
  signing at most 0.2 ms more at p99;
- one raw Ed25519 sign (cryptography, as stations sign) and one verify (kiosk.trust.keys.verify:
  libsodium, as receivers verify), next to it;
- receive+apply of signed entries with verification (what sync does with a downloaded
  page: `Store.receive` in short transactions, the page's signatures verified ahead on
  a worker thread), and without, entries/s: goal >= 5,000/s.
  (The hub's network part is measured by bench/sync_throughput.py.)

    .venv/bin/python bench/trust.py [--attendees 20000] [--scans 2000] [--entries 20000]
        [--repeat 1]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.checkin.bootstrap import init_database
from kiosk.checkin.service import CheckinService
from kiosk.demo import demo_attendees
from kiosk.models.clock import ManualClock, parse_instant
from kiosk.models.event import load_event
from kiosk.models.outcomes import Outcome
from kiosk.models.records import LogEntry, LogKind
from kiosk.storage import syncstate
from kiosk.storage import trust as tstore
from kiosk.storage.base import new_uuid
from kiosk.storage.store import Store
from kiosk.sync import enroll as enr
from kiosk.sync.engine import PULL_LIMIT as PAGE
from kiosk.trust.ahead import Ahead
from kiosk.trust.keys import Signer, new_private, sign_entry, verify
from kiosk.trust.roles import Role
from tests.helpers.reads import reads


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))]


def build(path: Path, n: int, sample: int, trusted: bool) -> list[str]:
    event = load_event()
    event = replace(event, sessions=tuple(replace(s, capacity=None) for s in event.sessions))
    store = init_database(path, event)
    clock = ManualClock(parse_instant("2024-11-04T08:30", "Asia/Shanghai"))
    service = CheckinService(store, clock, rng=random.Random(5))
    ids = service.import_attendees(demo_attendees(n, seed=11)).ids
    service.issue_all_badges()
    if trusted:
        enr.become_desk(store, clock.now())
    rng = random.Random(9)
    codes = [service.badge_code(ids[i]) for i in rng.sample(range(n), sample)]
    store.checkpoint()
    store.close()
    return codes


def checkins(plain: tuple[Path, list[str]], signed: tuple[Path, list[str]]
             ) -> tuple[list[float], list[float]]:  # fmt: skip
    """Check-ins at the unsigned and the signed desk in turn, one each, in one process: the
    machine's load (and the disk's flushes) fall on both alike, side by side."""
    stores = [Store.open(plain[0]), Store.open(signed[0])]
    clock = ManualClock(parse_instant("2024-11-04T09:05", "Asia/Shanghai"))
    services = [CheckinService(store, clock) for store in stores]
    out: tuple[list[float], list[float]] = ([], [])
    for pair in zip(plain[1], signed[1], strict=True):
        for code, service, times in zip(pair, services, out, strict=True):
            t0 = time.perf_counter()
            result = service.check_in(code, "opening")
            times.append((time.perf_counter() - t0) * 1e3)
            assert result.outcome is Outcome.ADMITTED, result.outcome
        clock.advance(0.5)
    for store, want in zip(stores, (0, len(plain[1])), strict=True):
        signed_n = store.conn.execute(
            "SELECT COUNT(*) FROM log WHERE kind = 'entry' AND sig IS NOT NULL"
        ).fetchone()[0]
        assert int(signed_n) == want, (store.path, signed_n, want)
        store.close()
    return out


def raw(n: int = 5000) -> tuple[list[float], list[float]]:
    s = Signer(new_private())
    msg = b"x" * 300
    signs, verifies = [], []
    for _ in range(n):
        t0 = time.perf_counter()
        sig = s.sign(msg)
        t1 = time.perf_counter()
        assert verify(s.public, sig, msg)
        t2 = time.perf_counter()
        signs.append((t1 - t0) * 1e3)
        verifies.append((t2 - t1) * 1e3)
    return signs, verifies


def receive_rate(tmp: Path, n: int, verified: bool) -> float:
    """n signed scans of one enrolled door, received and applied by another station."""
    clock = ManualClock(parse_instant("2024-11-04T09:05", "Asia/Shanghai"))
    desk = init_database(tmp / f"desk{verified}.sqlite", load_event(), at=clock.now())
    svc = CheckinService(desk, clock, rng=random.Random(1))
    svc.import_attendees(demo_attendees(2000, seed=3))
    enr.become_desk(desk, clock.now())
    out = tmp / f"door{verified}.enroll"
    enr.enroll(desk, "postgresql://o@h.invalid/e", Role.DOOR, "Door", out, clock.now(),
               login=lambda d, s, r, desk: d)  # fmt: skip
    data = enr.read_enrollment(out)
    door_id = str(data["station_id"])
    door_key = Signer(new_private())
    ids = [a.attendee_id for a in reads(desk).people.everyone()]
    entries = []
    for i in range(n):
        clock.advance(0.2)
        e = LogEntry(uuid=new_uuid(), kind=LogKind.ENTRY, at=clock.now(), station_id=door_id,
                     station_seq=i + 2, station="Door", session_id="opening",
                     attendee_id=ids[i % len(ids)], outcome=Outcome.ADMITTED,
                     data={"method": "camera"})  # fmt: skip
        entries.append(sign_entry(e, door_key))
    handover = sign_entry(
        LogEntry(uuid=new_uuid(), kind="station_key", at=clock.now() - timedelta(hours=1),
                 station_id=door_id, station_seq=1, station="Door",
                 data={"key": door_key.public.hex()}),
        Signer(bytes.fromhex(str(data["secret"]))),
    )  # fmt: skip
    rx = Store.open(tmp / f"rx{verified}.sqlite", create=True)
    if verified:
        with rx.write() as c:
            enr.prepare(c.conn, data)
        rx.reload_station()
    for sid in [str(r[0]) for r in desk.conn.execute("SELECT DISTINCT station_id FROM log")]:
        with rx.write() as c:
            for e in syncstate.outbox(desk.conn, sid, 0, 10**9, 10**12):
                rx.receive(c, e)
    rx.catch_up()
    with rx.write() as c:
        rx.receive(c, handover)
    t0 = time.perf_counter()
    for p in range(0, n, PAGE):  # the engine's pages, their signatures checked ahead
        page = entries[p : p + PAGE]
        with Ahead(page) as ahead:
            for i in range(0, len(page), 200):  # the engine's short transactions
                with rx.write() as c:
                    for e in page[i : i + 200]:
                        assert rx.receive(c, e, ahead=ahead)
    rate = n / (time.perf_counter() - t0)
    assert not list(tstore.held(rx.conn))
    rx.close()
    desk.close()
    return rate


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--attendees", type=int, default=20000)
    ap.add_argument("--scans", type=int, default=2000)
    ap.add_argument("--entries", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=1,
                    help="receive unverified and verified this many times, taking turns; "
                    "the best of each (a machine shared with others)")  # fmt: skip
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        plain_db, signed_db = tmp / "plain.sqlite", tmp / "signed.sqlite"
        plain, signed = checkins(
            (plain_db, build(plain_db, args.attendees, args.scans, False)),
            (signed_db, build(signed_db, args.attendees, args.scans, True)),
        )
        signs, verifies = raw()
        fast = checked = 0.0
        for r in range(args.repeat):
            (tmp / str(r)).mkdir()
            fast = max(fast, receive_rate(tmp / str(r), args.entries, False))
            checked = max(checked, receive_rate(tmp / str(r), args.entries, True))
    delta = pct(signed, 0.99) - pct(plain, 0.99)
    print(f"\nTrusted stations: {args.attendees:,} attendees, {args.scans:,} check-ins each, "
          f"{args.entries:,} entries received; one process\n")  # fmt: skip
    hdr = (f"{'check-in unsigned p50/p99 ms':>29} | {'signed p50/p99 ms':>18} | {'p99 +ms':>7} | "
           f"{'Ed25519 sign p50':>16} | {'verify p50':>10} | {'receive unverified/s':>20} | "
           f"{'verified/s':>10} | goals")  # fmt: skip
    print(hdr)
    print("-" * len(hdr))
    ok = "PASS" if delta <= 0.2 and checked >= 5000 else "FAIL"
    print(f"{statistics.median(plain):>15.3f} / {pct(plain, 0.99):>11.3f} | "
          f"{statistics.median(signed):>7.3f} / {pct(signed, 0.99):>8.3f} | {delta:>+7.3f} | "
          f"{statistics.median(signs):>16.3f} | {statistics.median(verifies):>10.3f} | "
          f"{fast:>20,.0f} | {checked:>10,.0f} | {ok}")  # fmt: skip
    print("\ngoals: signing adds <= 0.2 ms to the check-in p99; receive+verify+apply >= 5,000/s")


if __name__ == "__main__":
    main()
