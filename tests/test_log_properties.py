"""Properties of the log and its projections (hypothesis):

- the same set of entries, applied in any order, or split between two databases that are
  merged afterwards, gives identical projections;
- projections built entry by entry equal the projections rebuilt from the log alone;
- random check-ins, exits, undos and reprints never admit a revoked badge, and never admit
  anyone twice to a session they have not left.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.checkin.bootstrap import init_database
from kiosk.checkin.service import CheckinService
from kiosk.models.clock import ManualClock
from kiosk.models.event import load_event
from kiosk.models.outcomes import Method, Outcome
from kiosk.models.records import AttendeeInput, LogEntry, LogKind
from kiosk.storage.base import new_uuid
from kiosk.storage.store import Store, receive_run
from tests.helpers.clocks import at
from tests.helpers.reads import reads
from tests.helpers.tables import projection_tables

PEOPLE = [
    AttendeeInput(name="Ann Lee", email="ann@x.org", external_id="E1"),
    AttendeeInput(name_zh="王芳", email="wang.fang@y.cn", external_id="E2"),
    AttendeeInput(name="Bo Chen", name_zh="陈波", email="bo@z.org", sessions=("matchmaking",)),
    AttendeeInput(name="Dee Roy", email="dee@x.org"),
]
SESSIONS = ("opening", "energy-transition", "matchmaking")
OPS = st.lists(
    st.tuples(
        st.sampled_from(["in", "in", "in", "out", "undo", "reprint", "edit", "walk", "merge"]),
        st.integers(0, len(PEOPLE) - 1),
        st.sampled_from(SESSIONS),
        st.integers(1, 900),  # seconds the clock moves on
        st.booleans(),  # which station (A or B)
    ),
    min_size=1,
    max_size=40,
)
SETTINGS = settings(
    max_examples=60, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip


def event_with_one_no_reentry():  # type: ignore[no-untyped-def]
    ev = load_event()
    return replace(ev, sessions=tuple(
        replace(s, reentry=False) if s.id == "energy-transition" else s for s in ev.sessions
    ))  # fmt: skip


_TEMPLATE: list[Path] = []


def template(tmp: Path) -> Path:
    """The event, four attendees and their badges; built once, copied for each example."""
    if _TEMPLATE and _TEMPLATE[0].exists():
        return _TEMPLATE[0]
    path = tmp / "template.sqlite"
    _TEMPLATE[:] = [path]
    store = init_database(
        path, event_with_one_no_reentry(), key_seed=b"props", at=at("07:00").now()
    )
    svc = CheckinService(store, at("07:30"), rng=random.Random(1))
    svc.import_attendees(PEOPLE)
    svc.issue_all_badges()
    store.close()
    return path


def station_copy(src: Path, dst: Path) -> Store:
    """Another station: a copy of the template's file (its own station id)."""
    s = Store.open(src)
    s.conn.execute("VACUUM INTO ?", (str(dst),))
    s.close()
    return Store.open(dst)


def run_ops(
    ops: list[tuple[str, int, str, int, bool]], a: Store, b: Store, clock: ManualClock
) -> None:
    services = [CheckinService(x, clock, rng=random.Random(i)) for i, x in enumerate((a, b))]
    ids = [p.attendee_id for p in reads(a).people.everyone()]
    ids.sort()
    walk_ins = 0
    for kind, who, session, step, second in ops:
        clock.advance(step)
        svc = services[int(second)]
        aid = ids[who % len(ids)]
        if kind == "in":
            svc.manual_check_in(aid, session, method=Method.SEARCH)
        elif kind == "out":
            code = svc.badge_code(aid)
            svc.check_out(code, session)
        elif kind == "undo":
            last = [e for e in svc.recent(200) if e.outcome in (Outcome.ADMITTED, Outcome.EXITED)
                    and not e.annulled and e.station_id == svc.station.id]  # fmt: skip
            if last:
                svc.undo(last[0].uuid, "amy", "mistake")
        elif kind == "reprint":
            svc.reprint_badge(aid, "amy", "lost")
        elif kind == "edit":
            person = svc.attendee(aid)
            svc.edit_attendee(aid, AttendeeInput(name=person.name + " Jr", name_zh=person.name_zh,
                                                 email=person.email))  # fmt: skip
        elif kind == "walk":
            walk_ins += 1
            svc.walk_in(AttendeeInput(name=f"Walk {walk_ins}", email=f"w{walk_ins}@x.org"))
        elif kind == "merge":  # the person registered twice: one record merged into another
            other = ids[(who + 1) % len(ids)]
            if svc.attendee(aid).attendee_id != svc.attendee(other).attendee_id:
                svc.merge_attendees(aid, other, "amy")


def fresh(tmp: Path, name: str) -> Store:
    """A database that has seen nothing yet (not even the event): it learns all from entries."""
    return Store.open(tmp / name, create=True)


def feed(store: Store, entries: list[LogEntry]) -> None:
    for e in entries:
        with store.write() as c:
            store.receive(c, e)
    store.catch_up()


def feed_pages(store: Store, entries: list[LogEntry], rng: random.Random) -> int:
    """As sync's pull applies a page (kiosk.sync.engine): in write transactions of a few
    entries, each run of scans and undos received together (receive_run), any other entry
    by itself. Returns how many entries came in runs of more than one."""
    together = i = 0
    while i < len(entries):
        page = entries[i : i + rng.randint(1, 12)]
        with store.write() as c:
            k = 0
            while k < len(page):
                n = receive_run(store, c, page[k : k + rng.randint(1, 6)])
                together += n if n > 1 else 0
                if n == 0:
                    store.receive(c, page[k])
                k += max(n, 1)
        i += len(page)
    store.catch_up()
    return together


def all_entries(*stores: Store) -> list[LogEntry]:
    seen: dict[str, LogEntry] = {}
    for s in stores:
        for e in reads(s).log.entries():
            seen.setdefault(e.uuid, e)
    return list(seen.values())


@SETTINGS
@given(ops=OPS, seed=st.integers(0, 2**31))
def test_any_order_and_any_split_give_the_same_projections(
    tmp_path_factory,
    ops,
    seed,  # type: ignore[no-untyped-def]
) -> None:
    tmp = tmp_path_factory.mktemp("props")
    src = template(tmp)
    a, b = station_copy(src, tmp / "a.sqlite"), station_copy(src, tmp / "b.sqlite")
    run_ops(ops, a, b, at("09:00"))
    entries = all_entries(a, b)
    rng = random.Random(seed)
    x = fresh(tmp, "x.sqlite")
    feed(x, rng.sample(entries, len(entries)))
    split = rng.randrange(len(entries) + 1)
    shuffled = rng.sample(entries, len(entries))
    y, z = fresh(tmp, "y.sqlite"), fresh(tmp, "z.sqlite")
    feed(y, shuffled[:split])
    feed(z, shuffled[split:])
    feed(y, [e for e in reads(z).log.entries()])  # the two halves meet
    px = projection_tables(x)
    assert px == projection_tables(y)
    x.rebuild_projections()
    assert projection_tables(x) == px
    for s in (a, b, x, y, z):
        s.close()


@SETTINGS
@given(ops=OPS)
def test_entry_by_entry_equals_a_rebuild_at_every_station(tmp_path_factory, ops) -> None:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("props")
    src = template(tmp)
    a, b = station_copy(src, tmp / "a.sqlite"), station_copy(src, tmp / "b.sqlite")
    run_ops(ops, a, b, at("09:00"))
    late = list(reads(b).log.entries())
    c = station_copy(src, tmp / "c.sqlite")  # C learns what A and B did by pages, as a pull
    feed_pages(c, [e for e in reads(a).log.entries()] + late, random.Random(len(late)))
    feed(a, late)  # A also learns what B did (late, in B's order)
    assert projection_tables(c) == projection_tables(a)
    for s in (a, b, c):
        before = projection_tables(s)
        s.rebuild_projections()
        assert projection_tables(s) == before
        s.close()


@SETTINGS
@given(ops=OPS)
def test_never_a_revoked_badge_and_never_twice_without_leaving(tmp_path_factory, ops) -> None:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("props")
    src = template(tmp)
    store = station_copy(src, tmp / "a.sqlite")
    clock = at("09:00")
    svc = CheckinService(store, clock, rng=random.Random(2))
    ids = sorted(p.attendee_id for p in reads(store).people.everyone())
    codes: dict[str, list[str]] = {aid: [svc.badge_code(aid)] for aid in ids}
    for kind, who, session, step, old_code in ops:
        clock.advance(step)
        aid = ids[who]
        if kind in ("in", "walk", "edit"):
            code = codes[aid][0] if old_code else codes[aid][-1]  # an old badge, sometimes
            r = svc.check_in(code, session)
            if r.outcome is Outcome.ADMITTED:
                assert code == codes[aid][-1], "a revoked badge was admitted"
        elif kind == "out":
            svc.check_out(codes[aid][-1], session)
        elif kind == "undo":
            last = [e for e in svc.recent(200)
                    if e.outcome in (Outcome.ADMITTED, Outcome.EXITED) and not e.annulled]  # fmt: skip
            if last:
                svc.undo(last[0].uuid, "amy", "mistake")
        else:
            codes[aid].append(svc.reprint_badge(aid, "amy", "lost"))
        # Nobody is admitted while already inside, nor again where re-entry is not allowed.
        assert store.conn.execute("SELECT COUNT(*) FROM duplicates").fetchone()[0] == 0
    no_reentry = store.conn.execute(
        "SELECT attendee_id, COUNT(*) FROM log l WHERE session_id = 'energy-transition' AND "
        "kind = 'entry' AND outcome = 'admitted' AND NOT EXISTS (SELECT 1 FROM log u WHERE "
        "u.ref = l.uuid AND u.kind = 'annul') GROUP BY attendee_id HAVING COUNT(*) > 1"
    ).fetchall()
    assert no_reentry == []
    store.close()


# -- every kind of entry, in any order ---------------------------------------------------------
KINDS = [*LogKind, "a_kind_from_a_newer_release"]
EVERY_KIND = st.lists(
    st.tuples(
        st.sampled_from(KINDS),
        st.integers(0, 6),  # whom (an attendee of the template, a new one, or nobody known)
        st.integers(0, 6),  # which (session, badge, ticket, meeting, earlier entry...)
        st.integers(-3600, 3600),  # its clock, around 09:00 (stations' clocks differ)
        st.booleans(),  # a variant (which batch, which outcome, which mark...)
    ),
    min_size=20,
    max_size=80,
)
OUTCOMES = {
    LogKind.ENTRY: [Outcome.ADMITTED, Outcome.ADMITTED, Outcome.ALREADY_CHECKED_IN,
                    Outcome.REVOKED_BADGE, Outcome.UNKNOWN_CODE],
    LogKind.EXIT: [Outcome.EXITED, Outcome.EXITED, Outcome.NOT_INSIDE],
}  # fmt: skip


class Writer:
    """Log entries of every kind, written by two stations whose clocks differ, about the
    template's attendees, badges and sessions and about new ones."""

    def __init__(self, template_log: list[LogEntry]) -> None:
        self.ids = sorted({e.attendee_id for e in template_log if e.attendee_id}) or sorted(
            {r[0] for e in template_log if e.kind == LogKind.IMPORT for r in e.data["new"]}
        )
        self.people = [*self.ids, "walk-1", "walk-2", "nobody"]
        self.event = next(e for e in template_log if e.kind == LogKind.EVENT)
        self.badges = [(b[0], b[1]) for e in template_log if e.kind == LogKind.BADGE_ISSUE
                       for b in e.data["badges"]] or [(1, "nobody")]  # fmt: skip
        self.seq = {"S1": 0, "S2": 0}
        self.scans: list[str] = []
        self.issued: set[int] = set()

    def entry(self, op: tuple[str, int, int, int, bool]) -> LogEntry:
        kind, who, which, secs, variant = op
        station = "S1" if variant else "S2"
        self.seq[station] += 1
        base = LogEntry(uuid=new_uuid(), kind=kind, at=at("09:00").now() + timedelta(seconds=secs),
                        station_id=station, station_seq=self.seq[station], station=station,
                        operator="amy", attendee_id=self.people[who % len(self.people)])  # fmt: skip
        return replace(base, **self.fields(str(kind), who, which, variant))

    def fields(self, kind: str, who: int, which: int, variant: bool) -> dict[str, Any]:
        aid = self.people[who % len(self.people)]
        other = self.people[(who + 1 + which) % len(self.people)]
        session = SESSIONS[which % len(SESSIONS)]
        meeting = f"M{which % 3}"
        ticket = f"ticket-{which % 2}"
        if kind in ("entry", "exit"):
            outcome = OUTCOMES[LogKind(kind)][which % len(OUTCOMES[LogKind(kind)])]
            return {"session_id": session, "outcome": outcome, "badge_id": which,
                    "data": {"method": "camera"}}  # fmt: skip
        if kind == "annul":
            ref = self.scans[which % len(self.scans)] if self.scans else new_uuid()
            return {"ref": ref, "session_id": session, "data": {"reason": "mistake"}}
        if kind == "event":  # a program update: re-entry to the sessions changes
            ev = event_with_one_no_reentry()
            ev = replace(ev, sessions=tuple(replace(s, reentry=(s.id == session) == variant)
                                            for s in ev.sessions))  # fmt: skip
            return {"attendee_id": None,
                    "data": {"event": ev.to_dict(), "public_key": self.event.data["public_key"]}}  # fmt: skip
        if kind == "import":
            cols = ["name", "email", "ticket", "sessions"]
            row = [aid, f"Name {which}", f"p{which}@x.org", ticket if variant else "", [session]]
            data = {"cols": cols, "new": [row]} if which % 2 else {
                "changed": [[aid, {"organization": f"Org {which}", "ticket": ticket}]]}  # fmt: skip
            return {"attendee_id": None, "batch": f"batch-{which % 3}" if which else None,
                    "data": data}  # fmt: skip
        if kind == "import_commit":
            return {"attendee_id": None, "batch": f"batch-{which % 2}", "data": {"rows": 1}}
        if kind in ("walk_in", "edit"):
            fields = {"name": f"Person {which}", "email": f"w{which}@x.org"}
            if variant:
                fields["ticket"] = ticket
            return {"data": {"fields": fields}}
        if kind == "merge":
            return {"data": {"into": other}}
        owner = self.people[which % 2]  # of new badge 100 + which % 2
        if kind == "badge_issue":  # a badge id is issued once (ids are random, 48 bits)
            badge = 100 + which % 2 if 100 + which % 2 not in self.issued else 200 + who
            badge = badge if badge not in self.issued else 300 + len(self.issued)
            self.issued.add(badge)
            return {"attendee_id": None, "data": {"badges": [[badge, owner, 1 + who]]}}
        if kind in ("badge_revoke", "badge_print"):
            if variant:  # a new badge (its revocation may arrive before it)
                return {"attendee_id": owner, "badge_id": 100 + which % 2,
                        "data": {"reason": f"r{who}"}}  # fmt: skip
            badge, holder = self.badges[which % len(self.badges)]  # one of the template's
            return {"attendee_id": holder, "badge_id": badge, "data": {"reason": f"r{who}"}}
        if kind == "ticket_revoke":
            return {"data": {"ticket": ticket, "reason": f"r{who}"}}
        return self.meeting_fields(kind, aid, other, meeting, which, variant)

    def meeting_fields(
        self, kind: str, aid: str, other: str, meeting: str, which: int, variant: bool
    ) -> dict[str, Any]:
        start = f"2024-11-04T0{2 + which % 3}:00:00.000000+00:00"
        fields = {"id": meeting, "start": start, "end": start.replace(":00:00.", ":30:00."),
                  "table": f"T{which}", "slot": None, "parties": [[aid, "Co", "公司"],
                  [other, "", ""]], "interpreter": ["", "Li"], "languages": "en/zh",
                  "source": "s.csv"}  # fmt: skip
        batch = {"batch": f"batch-{which % 3}"} if variant and which else {}
        if kind == "meeting_schedule":
            return {"attendee_id": None, "data": {"meetings": [fields]}, **batch}
        if kind == "meeting_cancel":
            return {"attendee_id": None, "data": {"meetings": [meeting], "reason": "ill"}, **batch}
        if kind == "meeting_mark":
            return {"attendee_id": None,
                    "data": {"meeting": meeting, "mark": "held" if variant else None}}  # fmt: skip
        if kind == "meeting_rematch":
            new = dict(fields, id=f"{meeting}-R{which}")
            return {"attendee_id": None, "data": {"meeting": new, "from": meeting}}
        return {"data": {"pin_ok": variant}}  # a PIN attempt, or a kind this release does not know


def test_the_every_kind_strategy_writes_every_kind() -> None:
    assert {str(k) for k in LogKind} <= {str(k) for k in KINDS}
    w = Writer([LogEntry(uuid="e", kind=LogKind.EVENT, at=at("07:00").now(),
                         data={"event": {}, "public_key": "00"})])  # fmt: skip
    for k in KINDS:
        if k != LogKind.EVENT:
            e = w.entry((k, 1, 1, 0, True))
            assert str(e.kind) == str(k)


@SETTINGS
@given(ops=EVERY_KIND, seed=st.integers(0, 2**31))
def test_incremental_equals_rebuild_over_every_kind_in_any_order(
    tmp_path_factory,
    ops,
    seed,  # type: ignore[no-untyped-def]
) -> None:
    """Entries of every kind (new records, changes, merges, badges, tickets, prints, scans
    of every outcome, undos, program updates, import and meeting batches committed or not,
    meetings, a kind of a newer release) arrive at two databases in two random orders: both
    fold the same tables entry by entry, and a rebuild from the log gives them again."""
    tmp = tmp_path_factory.mktemp("kinds")
    src = Store.open(template(tmp))
    base = list(reads(src).log.entries())
    src.close()
    writer = Writer(base)
    written = []
    for op in ops:
        e = writer.entry(op)
        if e.kind in (LogKind.ENTRY, LogKind.EXIT):
            writer.scans.append(e.uuid)
        written.append(e)
    rng = random.Random(seed)
    entries = base + written
    x, y, z = fresh(tmp, "x.sqlite"), fresh(tmp, "y.sqlite"), fresh(tmp, "z.sqlite")
    feed(x, rng.sample(entries, len(entries)))
    feed(y, base + rng.sample(written, len(written)))  # the usual case: the program first
    feed_pages(z, base + rng.sample(written, len(written)), rng)  # as sync's pull
    px = projection_tables(x)
    assert px == projection_tables(y)
    assert px == projection_tables(z)
    for s in (x, y, z):
        s.rebuild_projections()
        assert projection_tables(s) == px
        s.close()
