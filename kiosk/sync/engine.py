"""One sync round between an event database and the hub: reconcile, pull, push.

Positions (kiosk.storage.syncstate): per station id, entries 1..pos are both here and on
the hub. A round reads the hub's heads (one query), then

1. *reconciles* every stream of which both sides hold entries past the position (a push
   whose acknowledgment was lost, a copied database, a restored backup): matching uuids
   move the position on; a different entry under the same number is a *fork*, repaired
   by moving this database's divergent entries to a fresh station id (see `_repair`);
2. *pulls* the hub's entries past each position, applies them through the projections
   (`Store.receive`, short write transactions) and records the hub's receive times;
3. *pushes* this database's entries past each position, in batches the hub stores all or
   nothing, idempotent by uuid.

No network call is ever made inside an SQLite write transaction: a check-in at the desk
waits for one short local transaction at most, never for the hub.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from kiosk.models.clock import Clock
from kiosk.models.records import LogEntry
from kiosk.storage import syncstate
from kiosk.storage.base import new_uuid
from kiosk.storage.store import Store
from kiosk.sync.hub import Hub, HubRefused
from kiosk.sync.privacy import Receive, parse_receive, redact

PULL_LIMIT = 2000  # entries per fetched page
PAGE_BUDGET = 4 << 20  # bytes of payload per page (import chunks are large)
PUSH_LIMIT = 500
APPLY_SLICE_S = 0.02  # longest local write transaction while applying pulled entries
ROUND_BUDGET_S = 1.0  # a round stops after about this long and says there is more
RECONCILE_PAGE = 10_000
HEARTBEAT_S = 5.0
REPAIR_REASON = (
    "the hub holds other entries under these numbers (a database restored from an older "
    "backup, or a copied machine)"
)


@dataclass(frozen=True, slots=True)
class RoundResult:
    hub_now: datetime
    skew_s: float  # the hub's clock minus this station's (positive: the station is behind)
    pulled: int  # entries received and applied
    pushed: int  # entries the hub stored from this database
    waiting: int  # entries this database holds that the hub does not (yet)
    behind: int  # entries the hub holds that this database does not (yet)
    renumbered: int  # entries moved to a fresh station id (fork repair)
    more: bool  # the round stopped early: run another at once


class SyncEngine:
    """Sync one Store with one Hub. Used by one thread (the Store's owner)."""

    def __init__(self, store: Store, hub: Hub, clock: Clock) -> None:
        self.store = store
        self.hub = hub
        self.clock = clock
        self._streams: set[str] | None = None
        self._checked = False
        self._last_beat = -1e18
        self._recheck: set[str] = set()

    @property
    def receive(self) -> Receive:
        return parse_receive(self.store.setting(syncstate.RECEIVE_KEY))

    @property
    def can_sign(self) -> bool:
        return self.store.setting("private_key") is not None

    # -- the round -------------------------------------------------------------------------
    def round(self, *, pull: bool = True, push: bool = True) -> RoundResult:
        """One round; HubError when the hub cannot be reached or refuses."""
        if not self.hub.connected:
            self._checked = False
        self.hub.connect()
        if not self._checked:
            self.hub.check_schema()
            self.check_event()
            self._checked = True
        start = time.monotonic()
        t0 = self.clock.now()
        hub_now, heads = self.hub.heads()
        t1 = self.clock.now()
        skew = (hub_now - (t0 + (t1 - t0) / 2)).total_seconds()
        c = self.store.conn
        pos = syncstate.positions(c)
        streams = self._known() | set(heads) | {self.store.station.id}
        renumbered = 0
        for sid, head in sorted(heads.items()):
            p = pos.get(sid, 0)
            if p > head:  # the hub holds less than it did: push those entries again
                with self.store.write() as w:
                    syncstate.reset_position(w, sid, head)
                pos[sid] = head
            elif (head > p and syncstate.local_head(c, sid) > p) or sid in self._recheck:
                renumbered += self._reconcile(sid, pos, min(head, syncstate.local_head(c, sid)))
        self._recheck.clear()
        if renumbered:
            streams = self._known() | set(heads) | {self.store.station.id}
        pulled = more = 0
        if pull:
            for sid, head in sorted(heads.items()):
                while pos.get(sid, 0) < head and not more:
                    n, ok = self._pull_page(sid, pos)
                    pulled += n
                    if not ok:
                        break
                    more = int(time.monotonic() - start > ROUND_BUDGET_S)
            if pulled:
                self.store.catch_up()
        pushed = 0
        if push:
            for sid in sorted(streams):
                while syncstate.local_head(c, sid) > pos.get(sid, 0) and not more:
                    n = self._push_batch(sid, pos)
                    if n == 0:
                        break
                    pushed += n
                    more = int(time.monotonic() - start > ROUND_BUDGET_S)
        waiting = sum(max(0, syncstate.local_head(c, s) - pos.get(s, 0)) for s in streams)
        behind = sum(max(0, h - pos.get(s, 0)) for s, h in heads.items())
        if pushed or pulled or self.clock.monotonic() - self._last_beat >= HEARTBEAT_S:
            held = sum(pos.values())  # entries both here and on the hub
            self.hub.heartbeat(self.store.station.id, self.store.station.name, t1,
                               round(skew * 1000), held, waiting, self.receive.value)  # fmt: skip
            self._last_beat = self.clock.monotonic()
        return RoundResult(hub_now, skew, pulled, pushed, waiting, behind, renumbered, bool(more))

    def check_event(self) -> None:
        """The hub serves this database's event, with the same verify key."""
        served = self.hub.event()
        shown = self.hub.server.shown
        if served is None:
            raise HubRefused(f"hub {shown}: serves no event yet (run `hub publish --db "
                             "DESK.sqlite` with the registration desk's database first)")  # fmt: skip
        if not self.store.has_event():
            return
        event_id = self.store.event().id
        if served[0] != event_id:
            raise HubRefused(f"hub {shown}: serves event {served[0]!r}; {self.store.path} "
                             f"holds event {event_id!r}")  # fmt: skip
        if served[1] != self.store.setting("public_key"):
            raise HubRefused(
                f"hub {shown}: serves {event_id!r} with another badge key than "
                f"{self.store.path} (made by a separate `init`); make stations with "
                "`init --from-hub`"
            )

    def _known(self) -> set[str]:
        if self._streams is None:
            self._streams = syncstate.streams_in_log(self.store.conn)
        return self._streams | set(syncstate.positions(self.store.conn))

    # -- reconcile and repair --------------------------------------------------------------
    def _reconcile(self, sid: str, pos: dict[str, int], upto: int) -> int:
        """Move `sid`'s position over entries both sides hold alike; repair a fork.
        Returns how many entries were renumbered."""
        p = pos.get(sid, 0)
        while p < upto:
            hi = min(upto, p + RECONCILE_PAGE)
            theirs = self.hub.stream_uuids(sid, p, hi)
            ours = syncstate.uuids_between(self.store.conn, sid, p, hi)
            n = p
            while n < hi and (n + 1) in theirs and theirs[n + 1] == ours.get(n + 1):
                n += 1
            if n > p:
                with self.store.write() as w:
                    syncstate.set_positions(w, {sid: n})
                pos[sid] = p = n
            if n < hi:
                if (n + 1) in theirs and (n + 1) in ours:
                    return self._repair(sid, n + 1)
                return 0  # this database lacks the entry: the pull fetches it
        return 0

    def _repair(self, sid: str, first: int) -> int:
        """The hub holds another entry than this database under `sid`'s number `first`.
        The hub's entries win the numbers: this database's entries of `sid` from `first`
        on that the hub does not hold move to a fresh station id (this station's new
        identity when `sid` is its own), recorded in `log_renumbered`; then the pull
        brings the hub's entries in. Nothing is lost, nothing is doubled."""
        tail = syncstate.entries_from(self.store.conn, sid, first)
        held: set[str] = set()
        for i in range(0, len(tail), 1000):
            held |= set(self.hub.holding([u for _, u in tail[i : i + 1000]]))
        moves = [(u, sid, seq) for seq, u in tail if u not in held]
        if not moves:
            return 0
        own = sid == self.store.station.id
        with self.store.write() as w:
            target = self.store.renew_station(w) if own else new_uuid()
            n = syncstate.renumber(w, moves, target, self.clock.now(), REPAIR_REASON)
        self.store.reload_station()
        if self._streams is not None:
            self._streams.add(target)
        return n

    # -- pull and push ---------------------------------------------------------------------
    def _pull_page(self, sid: str, pos: dict[str, int]) -> tuple[int, bool]:
        """Fetch and apply one page of `sid`; (entries applied, whether to go on)."""
        p = pos.get(sid, 0)
        page = self.hub.fetch(sid, p, PULL_LIMIT, PAGE_BUDGET)
        if not page:
            return 0, False
        receive, can_sign = self.receive, self.can_sign
        applied = i = 0
        stuck = False
        while i < len(page) and not stuck:
            t0 = time.monotonic()
            receipts: list[tuple[str, datetime]] = []
            with self.store.write() as c:
                while i < len(page) and (not receipts or time.monotonic() - t0 < APPLY_SLICE_S):
                    entry, received_at = page[i]
                    if entry.station_seq != p + 1:
                        stuck = True  # never past a gap
                        break
                    if self.store.receive(c, redact(entry, receive, can_sign)):
                        applied += 1
                    elif not syncstate.has_entry(c, entry.uuid):
                        stuck = True  # its number is taken here: reconciled next round
                        break
                    receipts.append((entry.uuid, received_at))
                    p = entry.station_seq
                    i += 1
                if receipts:
                    syncstate.record_receipts(c, receipts)
                    syncstate.set_positions(c, {sid: p})
            pos[sid] = p
        if stuck:
            self._recheck.add(sid)
        return applied, not stuck

    def _push_batch(self, sid: str, pos: dict[str, int]) -> int:
        p = pos.get(sid, 0)
        batch: list[LogEntry] = syncstate.outbox(self.store.conn, sid, p, PUSH_LIMIT, PAGE_BUDGET)
        if not batch or batch[0].station_seq != p + 1:
            return 0
        done = self.hub.push(batch)
        if done.conflict:
            self._recheck.add(sid)
            return 0
        with self.store.write() as c:
            syncstate.record_receipts(c, done.acknowledged.items())
            syncstate.set_positions(c, {sid: batch[-1].station_seq})
        pos[sid] = batch[-1].station_seq
        return len(batch)
