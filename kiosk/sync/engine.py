"""One sync round between an event database and the hub: reconcile, pull, push.

Positions (kiosk.storage.syncstate) are kept per hub identity: per station id, entries
1..pos are both here and on that hub. A round first applies what an interrupted sync
left received but unapplied (committed import chunks: whatever arrives, even with the
hub away), then reads the hub's identity and heads (one query), and

0. *meets* the hub: a hub it has not synced with (a new one, or another one at the same
   address) starts from no positions; a hub holding less of a stream than this database
   knew it held (restored from an older backup, emptied in place, a standby that missed
   a commit) has those positions moved back. Either way the hub is *refilled*: this
   database pushes every entry the hub lacks, its own and every other station's it
   holds, and says so (`RoundResult.refill`) until nothing is waiting;
1. *reconciles* every stream of which both sides hold entries past the position (a push
   whose acknowledgment was lost, a copied database, a restored backup, a hub refilled by
   another station): matching uuids move the position on; a different entry under the
   same number is a *fork*, repaired by moving this database's divergent entries to a
   fresh station id (see `_repair`);
2. *pulls* the hub's entries past each position, applies them through the projections
   (`Store.receive`, short write transactions) and records the hub's receive times, then
   applies committed import chunks (`Store.catch_up`);
3. *pushes* this database's entries past each position, in batches the hub stores all or
   nothing, idempotent by uuid.

Every step is one SQLite transaction or a read, so a station killed anywhere in a round is
whole again at its next round. No network call is ever made inside an SQLite write
transaction: a check-in at the desk waits for one short local transaction at most, never
for the hub.
"""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from kiosk.models.clock import Clock
from kiosk.models.records import LogEntry
from kiosk.storage import syncstate
from kiosk.storage import trust as tstore
from kiosk.storage.base import new_uuid, ts
from kiosk.storage.store import Store, receive_run
from kiosk.storage.tx import Tx
from kiosk.sync import hubroles
from kiosk.sync.arrivals import Arrival, arrival_of
from kiosk.sync.hub import (
    COPY_PREFIX,
    Beat,
    Hub,
    HubForbidden,
    HubLoginExpired,
    HubRefused,
    HubState,
)
from kiosk.sync.privacy import Receive, parse_receive, redact
from kiosk.trust.ahead import Ahead
from kiosk.trust.roles import Role

PULL_LIMIT = 2000  # entries per fetched page
PAGE_BUDGET = 4 << 20  # bytes of payload per page (import chunks are large)
PUSH_LIMIT = 500
RUN_LIMIT = 250  # pulled scans stored and folded together (kiosk.storage.store.receive_run)
APPLY_SLICE_S = 0.02  # longest local write transaction while applying pulled entries
ROUND_BUDGET_S = 1.0  # a round stops after about this long and says there is more
RECONCILE_PAGE = 10_000
HEARTBEAT_S = 5.0
LOGINS_S = 60.0  # how often the desk refreshes its copy of the hub's station logins
REPAIR_REASON = (
    "the hub holds other entries under these numbers (a database restored from an older "
    "backup, or a copied machine)"
)
#: What an enrolled station says (to the hub, for `hub status` and the desk) once a fork
#: repair gave it an id no certificate names; kiosk.sync.loop translates it.
COPY_REFUSAL = (
    COPY_PREFIX + " (restored from a backup or cloned) writes under new id {sid}…, which is "
    "not enrolled: its {n} entries are kept aside until it is enrolled again"
)


@dataclass(frozen=True, slots=True)
class RoundResult:
    hub_now: datetime
    skew_s: float  # the hub's clock minus this station's (positive: the station is behind)
    pulled: int  # entries received and applied
    pushed: int  # entries the hub stored from this database
    waiting: int  # entries this database holds that the hub does not (yet)
    behind: int  # entries not applied here yet: on the hub, or received and pending
    renumbered: int  # entries moved to a fresh station id (fork repair)
    more: bool  # the round stopped early: run another at once
    caught_up: int = 0  # received entries applied that an interrupted sync had left
    refill: tuple[int, int] | None = None  # refilling a hub: (entries it holds, of how many)
    refilled: bool = False  # this round ended a refill: the hub holds all this database does
    hub_id: str = ""
    arrivals: tuple[Arrival, ...] = ()  # VIPs and others to meet, admitted at a kiosk
    refused: str | None = None  # what the hub refused this station in this round
    # every station the hub refused entries of, as each last said: id -> (name, what)
    refusals: tuple[tuple[str, str, str], ...] = ()
    # this database is a copy (restored or cloned: a new id no certificate names) that must
    # be enrolled again: the name it was enrolled as, else ""
    copy_of: str = ""


class _Prefetch:
    """One page of a stream fetched ahead on a worker thread (the hub's connection is
    that thread's alone until the page is taken, or waited for at the end)."""

    def __init__(self, engine: SyncEngine) -> None:
        self._engine = engine
        self._pool: ThreadPoolExecutor | None = None
        self._next: tuple[tuple[str, int], Future[list[tuple[LogEntry, datetime]]]] | None = None

    def __enter__(self) -> _Prefetch:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        """Wait for a page fetched ahead that is not taken (the round ended first); its
        hub error is the round's, unless the round failed already."""
        pending, self._next = self._next, None
        try:
            if pending is not None and kind is None:
                pending[1].result()
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True)

    def _fetch_now(self, sid: str, after: int, private: bool) -> list[tuple[LogEntry, datetime]]:
        return self._engine.hub.fetch(sid, after, PULL_LIMIT, PAGE_BUDGET, private=private)

    def _private(self) -> bool:
        """Whether this station receives the private parts (read here, on the store's
        thread: the worker never touches the store)."""
        return self._engine.receive is Receive.ALL

    def fetch(self, sid: str, after: int) -> None:
        """Start fetching `sid`'s page after `after`."""
        if self._next is not None:
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="fetch")
        self._next = ((sid, after), self._pool.submit(self._fetch_now, sid, after, self._private()))

    def take(self, sid: str, after: int) -> list[tuple[LogEntry, datetime]]:
        """`sid`'s page after `after`: the one fetched ahead, else fetched now."""
        pending, self._next = self._next, None
        if pending is not None:
            got = pending[1].result()  # (a hub error is raised here, as fetching now would)
            if pending[0] == (sid, after):
                return got
        return self._fetch_now(sid, after, self._private())


@dataclass(slots=True)
class _Applying:
    """A fetched page being applied: the entries as fetched (with the hub's receive
    times), as kept here (kiosk.sync.privacy.redact), the next one's place, the stream's
    position."""

    page: list[tuple[LogEntry, datetime]]
    kept: list[LogEntry]
    p: int
    i: int = 0
    applied: int = 0
    stuck: bool = False
    _follow: list[int] = field(default_factory=list)

    def run(self) -> int:
        """How many entries from the next one on follow each other in the stream (at most
        RUN_LIMIT: they are received together)."""
        page, i = self.page, self.i
        if i >= len(page) or page[i][0].station_seq != self.p + 1:
            return 0
        if not self._follow:  # per entry, how many from it on follow each other (once)
            follow = [1] * len(page)
            for k in range(len(page) - 2, -1, -1):
                if page[k + 1][0].station_seq == page[k][0].station_seq + 1:
                    follow[k] = follow[k + 1] + 1
            self._follow = follow
        return min(self._follow[i], RUN_LIMIT)


@dataclass(slots=True)
class _Round:
    """One round's working state."""

    state: HubState
    pos: dict[str, int]
    start: float
    skew_s: float
    station_clock: datetime
    pulled: int = 0
    pushed: int = 0
    renumbered: int = 0
    caught_up: int = 0
    more: bool = False
    streams: set[str] = field(default_factory=set)
    arrivals: list[Arrival] = field(default_factory=list)
    refused: str | None = None
    copy_of: str = ""

    def spent(self) -> bool:
        self.more = self.more or time.monotonic() - self.start > ROUND_BUDGET_S
        return self.more


class SyncEngine:
    """Sync one Store with one Hub. Used by one thread (the Store's owner).

    `beats=False` keeps this database out of `hub status` (a station being made by
    `init --from-hub`, under a temporary file and identity)."""

    def __init__(self, store: Store, hub: Hub, clock: Clock, *, beats: bool = True) -> None:
        self.store = store
        self.hub = hub
        self.clock = clock
        self.beats = beats
        self._streams: set[str] | None = None
        self._checked = False
        self._last_beat = -1e18
        self._recheck: set[str] = set()
        self.caught_up = 0  # entries the last round applied before it reached the hub
        self._said_refused: str | None = None  # the refusal the hub was last told
        self._logins_kept = -1e18

    @property
    def receive(self) -> Receive:
        return parse_receive(syncstate.setting(self.store.conn, syncstate.RECEIVE_KEY))

    @property
    def can_sign(self) -> bool:
        return syncstate.setting(self.store.conn, "private_key") is not None

    # -- the round -------------------------------------------------------------------------
    def round(self, *, pull: bool = True, push: bool = True) -> RoundResult:
        """One round; HubError when the hub cannot be reached or refuses (what an
        interrupted sync left unapplied is applied first, whether or not it can)."""
        self.caught_up = 0
        self.caught_up = self.catch_up()  # said even if the hub then fails
        self._connect()
        r = self._begin()
        r.caught_up = self.caught_up
        r.renumbered = self._reconcile_all(r)
        r.streams = self._known(r.pos) | set(r.state.heads) | {self.store.station.id}
        if pull:
            self._pull_all(r)
            r.caught_up += self.catch_up()
        r.copy_of = self.copy_of()
        if push:
            self._push_all(r)
            self._keep_logins()
        return self._finish(r, push)

    def copy_of(self) -> str:
        """The name this station was enrolled as, when this database is a copy of it
        (restored from a backup or cloned) with an id no certificate names: a fork repair
        (`_repair`) or the copy's new machine or path gave it a new id, its key file and
        hub login are the original's, so all it writes is kept aside everywhere until it
        is enrolled again. "" otherwise (a station without trust and the owner's login
        just goes on under its new id)."""
        own = self.store.station.id
        gate = self.store.gate
        if gate is not None:
            if gate.signer is not None:
                return ""
            try:
                key = tstore.read_key(self.store.path)
            except tstore.TrustError:
                key = None
            if key is None or key[0] == own:
                return ""
            cert = gate.verifier.certs.get(key[0])
            return cert.name if cert is not None else self.store.station.name
        member = self.hub.member()
        if (member is None or member.role is Role.DESK or member.station_id == own
                or not syncstate.former_ids(self.store.conn, own)):  # fmt: skip
            return ""
        return self.store.station.name

    def _keep_logins(self) -> None:
        """The desk (the hub owner's connection, the signing key) keeps its copy of the
        hub's station logins fresh, to recreate them on a new hub (kiosk.sync.hubroles)."""
        if not self.can_sign or self.clock.monotonic() - self._logins_kept < LOGINS_S:
            return
        self._logins_kept = self.clock.monotonic()
        if self.hub.member() is None:
            hubroles.keep_logins(self.store, self.hub)

    def catch_up(self) -> int:
        """Apply received entries left pending although their batch is committed (a sync
        killed between receiving an import's commit and applying its chunks)."""
        if syncstate.pending_committed(self.store.conn) == 0:
            return 0
        return self.store.catch_up()

    def _connect(self) -> None:
        if not self.hub.connected:
            self._checked = False
        self.hub.connect()
        if not self._checked:
            self.hub.check_schema()
            self.check_event()
            self._checked = True

    def _begin(self) -> _Round:
        """Read the hub's identity and heads, and meet it (see the module's step 0)."""
        t0 = self.clock.now()
        state = self.hub.state()
        t1 = self.clock.now()
        if state.expired is not None:  # before anything is read: it would read as empty
            raise HubLoginExpired(
                f"hub {self.hub.server.shown}: this station's login expired with its "
                f"certificate ({ts(state.expired)[:16].replace('T', ' ')} UTC): nothing it "
                "sends is taken and nothing is sent to it; its entries stay here"
            )
        skew = (state.now - (t0 + (t1 - t0) / 2)).total_seconds()
        return _Round(state, self._meet(state), time.monotonic(), skew, t1)

    def _meet(self, state: HubState) -> dict[str, int]:
        """This database's positions for this hub, moved back where the hub lost entries;
        a refill is recorded when the hub is new to this database or lost entries."""
        c = self.store.conn
        hub_id = state.identity
        if syncstate.setting(self.store.conn, syncstate.HUB_ID_KEY) != hub_id:
            known = syncstate.known_hubs(c)
            replaced = hub_id not in known and bool(known)  # not the first hub it meets
            with self.store.write() as w:
                syncstate.set_setting(w.conn, syncstate.HUB_ID_KEY, hub_id)
                if replaced:
                    syncstate.set_setting(w.conn, syncstate.REFILL_KEY, hub_id)
        pos = syncstate.positions(c, hub_id)
        lost = {s: state.heads.get(s, 0) for s, p in pos.items() if p > state.heads.get(s, 0)}
        if lost:
            with self.store.write() as w:
                syncstate.reset_positions(w.conn, hub_id, lost)
                syncstate.set_setting(w.conn, syncstate.REFILL_KEY, hub_id)
            pos.update(lost)
        return pos

    def _reconcile_all(self, r: _Round) -> int:
        c = self.store.conn
        renumbered = 0
        for sid, head in sorted(r.state.heads.items()):
            p = r.pos.get(sid, 0)
            mine = syncstate.local_head(c, sid)
            if (head > p and mine > p) or sid in self._recheck:
                renumbered += self._reconcile(sid, r, min(head, mine))
        self._recheck.clear()
        return renumbered

    def _pull_all(self, r: _Round) -> None:
        """Pull every stream the hub holds more of, page by page: the next page of a stream
        is fetched on a worker thread while this one applies the page before (the hub is
        not used here meanwhile; every page is applied here, and no write transaction ever
        waits for the hub)."""
        with _Prefetch(self) as ahead:
            for sid, head in sorted(r.state.heads.items()):
                while r.pos.get(sid, 0) < head and not r.more:
                    n, ok = self._pull_page(sid, r, ahead, head)
                    r.pulled += n
                    if not ok:
                        break
                    r.spent()

    def _push_all(self, r: _Round) -> None:
        """Push every stream this login may write (a station's own login: its own stream
        only; the desk and the hub owner relay every station's)."""
        c = self.store.conn
        own = self.store.station.id
        for sid in sorted(r.streams):
            left = syncstate.local_head(c, sid) - r.pos.get(sid, 0)
            if sid == own and r.copy_of:  # a copied database, a fork repair's new id
                r.refused = COPY_REFUSAL.format(sid=sid[:8], n=syncstate.local_head(c, sid))
            if not self.hub.may_push(sid):
                if sid == own and left > 0 and not r.copy_of:
                    r.refused = refusal_text(sid, left, "this station's hub login writes "
                                             "under another station id")  # fmt: skip
                continue
            while syncstate.local_head(c, sid) > r.pos.get(sid, 0) and not r.more:
                try:
                    n = self._push_batch(sid, r)
                except HubForbidden as exc:
                    r.refused = refusal_text(sid, syncstate.local_head(c, sid) - r.pos.get(sid, 0),
                                             str(exc))  # fmt: skip
                    break
                if n == 0:
                    break
                r.pushed += n
                r.spent()

    def _finish(self, r: _Round, push: bool) -> RoundResult:
        """Count what is left both ways, end a finished refill, tell the hub."""
        c = self.store.conn
        hub_id = r.state.identity
        waiting = sum(max(0, syncstate.local_head(c, s) - r.pos.get(s, 0)) for s in r.streams)
        behind = sum(max(0, h - r.pos.get(s, 0)) for s, h in r.state.heads.items())
        behind += syncstate.pending_committed(c)
        held = sum(r.pos.values())  # entries both here and on the hub
        refill, refilled = None, False
        if syncstate.setting(self.store.conn, syncstate.REFILL_KEY) == hub_id:
            if push and waiting == 0:
                with self.store.write() as w:
                    syncstate.delete_setting(w.conn, syncstate.REFILL_KEY)
                refilled = True
            else:
                refill = (held, held + waiting)
        moved = r.pushed or r.pulled or r.renumbered
        if self.beats and (moved or r.refused != self._said_refused
                           or self.clock.monotonic() - self._last_beat >= HEARTBEAT_S):  # fmt: skip
            self._beat(r, held, waiting, refill)
        refusals = tuple(sorted((sid, self._cert_name(sid, name), what) for sid, (name, what)
                                in r.state.refused.items()))  # fmt: skip
        return RoundResult(r.state.now, r.skew_s, r.pulled, r.pushed, waiting, behind,
                           r.renumbered, r.more, r.caught_up, refill, refilled,
                           hub_id, tuple(r.arrivals), r.refused, refusals, r.copy_of)  # fmt: skip

    def _beat(self, r: _Round, held: int, waiting: int, refill: tuple[int, int] | None) -> None:
        """Tell the hub how this station is, in the row its login may write (a station
        login's own station id; the desk's and the owner's: this database's)."""
        station = self.store.station
        member = self.hub.member()
        beat_id = station.id if member is None or member.role is Role.DESK else member.station_id
        name = r.copy_of or station.name  # a copy beats under the name it was enrolled as
        # never its own row's id (a copy beating under its login's id: the row would fold
        # itself away in `hub status`)
        # itself away in `hub status`), and none for a copy: it does not continue the
        # station it was copied from, whose row stays its own
        former = (
            ()
            if r.copy_of
            else tuple(f for f in syncstate.former_ids(self.store.conn, station.id) if f != beat_id)
        )
        try:
            self.hub.heartbeat(Beat(
                beat_id, name, r.station_clock, round(r.skew_s * 1000), held, waiting,
                self.receive.value, former, refill, r.refused,
            ))  # fmt: skip
            self._said_refused = r.refused
        except HubForbidden as exc:  # not this login's row: say it here at least
            r.refused = r.refused or f"the hub refused this station's status: {exc}"
        self._last_beat = self.clock.monotonic()

    def check_event(self) -> None:
        """The hub serves this database's event, with the same verify key."""
        served = self.hub.event()
        shown = self.hub.server.shown
        if served is None:
            raise HubRefused(f"hub {shown}: serves no event yet (run `hub publish --db "
                             "DESK.sqlite` with the registration desk's database first)")  # fmt: skip
        if syncstate.setting(self.store.conn, "event") is None:
            return
        event_id = self.store.event().id
        if served[0] != event_id:
            raise HubRefused(f"hub {shown}: serves event {served[0]!r}; {self.store.path} "
                             f"holds event {event_id!r}")  # fmt: skip
        if served[1] != syncstate.setting(self.store.conn, "public_key"):
            raise HubRefused(
                f"hub {shown}: serves {event_id!r} with another badge key than "
                f"{self.store.path} (made by a separate `init`); make stations with "
                "`init --from-hub`"
            )

    def _cert_name(self, station_id: str, said: str) -> str:
        """A station's name as its certificate gives it (its status row on the hub is its
        own word: a kiosk could raise an alert in a door's name); else what it said."""
        gate = self.store.gate
        cert = gate.verifier.certs.get(station_id) if gate is not None else None
        return cert.name if cert is not None else said

    def _known(self, pos: dict[str, int]) -> set[str]:
        if self._streams is None:
            self._streams = syncstate.streams_in_log(self.store.conn)
        return self._streams | set(pos)

    # -- reconcile and repair --------------------------------------------------------------
    def _reconcile(self, sid: str, r: _Round, upto: int) -> int:
        """Move `sid`'s position over entries both sides hold alike; repair a fork.
        Returns how many entries were renumbered."""
        pos = r.pos
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
                    syncstate.set_positions(w.conn, r.state.identity, {sid: n})
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
            n = syncstate.renumber(w.conn, moves, target, self.clock.now(), REPAIR_REASON)
        self.store.reload_station()
        if self._streams is not None:
            self._streams.add(target)
        return n

    # -- pull and push ---------------------------------------------------------------------
    def _pull_page(self, sid: str, r: _Round, ahead_: _Prefetch, head: int) -> tuple[int, bool]:
        """Fetch (or take the page fetched ahead) and apply one page of `sid`; (entries
        applied, whether to go on). The next page is fetched meanwhile, when the stream
        has more."""
        pos = r.pos
        page = ahead_.take(sid, pos.get(sid, 0))
        if not page:
            return 0, False
        if page[-1][0].station_seq < head and self.store.gate is None:
            # (with trust on, the other core verifies signatures: kiosk.trust.ahead)
            ahead_.fetch(sid, page[-1][0].station_seq)
        receive, can_sign = self.receive, self.can_sign
        a = _Applying(page, [redact(entry, receive, can_sign) for entry, _ in page],
                      pos.get(sid, 0))  # fmt: skip
        with Ahead(a.kept) as ahead:  # signatures verified on a worker thread meanwhile
            while a.i < len(page) and not a.stuck:
                with self.store.write() as c:
                    receipts = self._apply_slice(c, a, r, ahead)
                    if receipts:
                        syncstate.record_receipts(c.conn, receipts)
                        syncstate.set_positions(c.conn, r.state.identity, {sid: a.p})
                pos[sid] = a.p
        if a.stuck:
            self._recheck.add(sid)
        return a.applied, not a.stuck

    def _apply_slice(
        self, c: Tx, a: _Applying, r: _Round, ahead: Ahead
    ) -> list[tuple[str, datetime]]:
        """Apply the page's next entries in one short write transaction (APPLY_SLICE_S):
        runs of scans together where they can be (kiosk.storage.store.receive_run), any
        other entry by itself; never past a gap. Returns the receipts to record."""
        t0 = time.monotonic()
        receipts: list[tuple[str, datetime]] = []
        page = a.page
        together = self.store.gate is None  # (trust on: each entry is verified by itself)
        while a.i < len(page) and (not receipts or time.monotonic() - t0 < APPLY_SLICE_S):
            run = a.run() if together else 0
            n = receive_run(self.store, c, a.kept[a.i : a.i + run]) if run > 1 else 0
            if n == 0:
                entry, received_at = page[a.i]
                if entry.station_seq != a.p + 1:
                    a.stuck = True  # never past a gap
                    break
                if not self.store.receive(c, a.kept[a.i], received_at, ahead):
                    if not syncstate.has_entry(c.conn, entry.uuid):
                        a.stuck = True  # its number is taken here: reconciled next round
                        break
                    n = -1  # here already
                else:
                    n = 1
            for entry, received_at in page[a.i : a.i + abs(n)]:
                if n > 0:
                    self._arrived(c, entry, r)
                receipts.append((entry.uuid, received_at))
            a.applied += max(n, 0)
            a.i += abs(n)
            a.p = page[a.i - 1][0].station_seq
        return receipts

    @staticmethod
    def _arrived(c: Tx, entry: LogEntry, r: _Round) -> None:
        arrival = arrival_of(c, entry)
        if arrival is not None:
            r.arrivals.append(arrival)

    def _push_batch(self, sid: str, r: _Round) -> int:
        pos = r.pos
        p = pos.get(sid, 0)
        batch: list[LogEntry] = syncstate.outbox(self.store.conn, sid, p, PUSH_LIMIT, PAGE_BUDGET)
        if not batch or batch[0].station_seq != p + 1:
            return 0
        first = None  # what others wrote (the desk refilling a hub): when it first reached one
        if sid != self.store.station.id:
            first = syncstate.receipts_of(self.store.conn, [e.uuid for e in batch])
        done = self.hub.push(batch, first)
        if done.conflict:
            self._recheck.add(sid)
            return 0
        with self.store.write() as c:
            syncstate.record_receipts(c.conn, done.acknowledged.items())
            syncstate.set_positions(c.conn, r.state.identity, {sid: batch[-1].station_seq})
        pos[sid] = batch[-1].station_seq
        return len(batch)


def refusal_text(station_id: str, count: int, error: str) -> str:
    """One line for `hub status` and the desk: how many entries of which stream the hub
    refused, and why (the hub's own words, without its address)."""
    why = error.split(": ", 1)[-1] if error.startswith("hub ") else error
    return f"{count} entries under station id {station_id[:8]}… refused: {why}"
