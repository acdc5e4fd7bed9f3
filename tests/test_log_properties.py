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
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.checkin.bootstrap import init_database
from kiosk.checkin.service import CheckinService
from kiosk.models.clock import ManualClock
from kiosk.models.event import load_event
from kiosk.models.outcomes import Method, Outcome
from kiosk.models.records import AttendeeInput, LogEntry
from kiosk.storage.store import Store
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
    feed(a, list(reads(b).log.entries()))  # A also learns what B did (late, in B's order)
    for s in (a, b):
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
