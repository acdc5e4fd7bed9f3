"""The dashboard's two views of a synced database, and its conflicts.

- the whole event: everything this database holds (after pulling from the hub, every
  station's entries): `kiosk.station.snapshot.collect`;
- this station only: the same figures counted from this station's own log entries
  (admissions, refusals, the latest scans, arrivals); who registered and who has not
  arrived anywhere stay the event's.

Either way the snapshot carries the event's conflicts (kiosk.storage.conflicts).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import datetime, timedelta

from kiosk.models.event import Event
from kiosk.models.outcomes import Outcome
from kiosk.station.snapshot import (
    BUCKET_MINUTES,
    RECENT_SCANS,
    DashboardSnapshot,
    _floor,
    collect,
    fill_buckets,
)
from kiosk.storage.base import from_ts
from kiosk.storage.store import Store
from kiosk.storage.tx import Tx


def collect_scoped(
    store: Store, event: Event, session_id: str, now: datetime, version: int, scope: str
) -> DashboardSnapshot:
    with store.snapshot() as tx:  # one moment: the event's figures, this station's, conflicts
        snap = collect(store, event, session_id, now, version)
        if scope == "station":
            snap = _own(tx, store.station.id, snap)
        return dataclasses.replace(snap, scope=scope, conflicts=tuple(tx.log.conflicts()))


def _own(tx: Tx, own: str, snap: DashboardSnapshot) -> DashboardSnapshot:
    activity = tx.log.station_activity(own)
    admissions, outcomes, inside = activity.admissions, activity.outcomes, activity.inside
    recent = tuple(tx.log.latest_scans(RECENT_SCANS, station_id=own))
    admitted = Counter(s for s, _a, _at in admissions)
    refused: dict[str, dict[Outcome, int]] = {}
    repeats: Counter[str] = Counter()
    for sid, value, n in outcomes:
        try:
            outcome = Outcome(value)
        except ValueError:  # an outcome of a newer release
            continue
        if outcome is Outcome.ALREADY_CHECKED_IN:
            repeats[sid] += int(n)
        elif outcome.refused:
            refused.setdefault(sid, {})[outcome] = int(n)
    stats = tuple(
        dataclasses.replace(
            s,
            admitted=admitted[s.session_id],
            inside=int(inside.get(s.session_id, 0)),
            refused=refused.get(s.session_id, {}),
            repeats=repeats[s.session_id],
        )
        for s in snap.stats
    )
    buckets: dict[str, Counter[datetime]] = {}
    for sid, _a, at in admissions:
        buckets.setdefault(sid, Counter())[_floor(from_ts(at), BUCKET_MINUTES)] += 1
    arrivals = {}
    step = timedelta(minutes=BUCKET_MINUTES)
    for sid, arr in snap.arrivals.items():
        first, last = arr.buckets[0][0], arr.buckets[-1][0]
        counts = sorted(buckets.get(sid, Counter()).items())
        arrivals[sid] = fill_buckets(sid, counts, first, last + step, BUCKET_MINUTES)
    return dataclasses.replace(snap, stats=stats, arrivals=arrivals, recent=recent)
