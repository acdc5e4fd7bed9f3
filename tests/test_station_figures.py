"""Each station's own figures (the dashboard's "this station only") are a projection of the
log like every other: folded entry by entry, equal to a rebuild, and built for a database
of an earlier release by its migration (m005_fold_station_figures)."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from kiosk.checkin.service import CheckinService
from kiosk.models.outcomes import Method
from kiosk.storage.store import Store
from tests.helpers.clocks import at
from tests.helpers.reads import reads
from tests.helpers.tables import projection_tables


def _figures(store: Store) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    c = store.conn
    return (sorted(tuple(r) for r in c.execute("SELECT * FROM station_admissions")),
            sorted(tuple(r) for r in c.execute("SELECT * FROM station_outcomes")))  # fmt: skip


def test_admissions_refusals_and_undos_of_one_station(demo_db: Path) -> None:
    store = Store.open(demo_db)
    clock = at("09:05")
    svc = CheckinService(store, clock, rng=random.Random(3))
    people = [p.attendee_id for p in reads(store).people.everyone()][:4]
    first = svc.manual_check_in(people[0], "opening", method=Method.SEARCH)
    clock.advance(60)
    svc.manual_check_in(people[1], "opening", method=Method.SEARCH)
    clock.advance(60)
    svc.check_in("not a badge", "opening")
    svc.check_in("not a badge either", "opening")
    clock.advance(60)
    svc.undo(first.log_uuid, "amy", "wrong person")
    admissions, outcomes = _figures(store)
    own = store.station.id
    assert [(s, a) for s_id, s, a, _at in admissions if s_id == own] == [("opening", people[1])]
    assert [(s, o, n) for s_id, s, o, n in outcomes if s_id == own] == [
        ("opening", "unknown_code", 2)
    ]
    before = projection_tables(store)
    store.rebuild_projections()
    assert projection_tables(store) == before
    store.close()


def test_a_database_of_the_release_before_gets_its_station_figures(demo_db: Path) -> None:
    store = Store.open(demo_db)
    clock = at("09:05")
    svc = CheckinService(store, clock, rng=random.Random(3))
    for aid in [p.attendee_id for p in reads(store).people.everyone()][:3]:
        svc.manual_check_in(aid, "opening", method=Method.SEARCH)
        clock.advance(30)
    svc.check_in("not a badge", "opening")
    expected = _figures(store)
    assert expected[0] and expected[1]
    store.close()
    c = sqlite3.connect(demo_db)  # as the release before left it: no such tables
    c.execute("DROP TABLE station_admissions")
    c.execute("DROP TABLE station_outcomes")
    c.execute("DELETE FROM _sqlite_migrations WHERE name = 'm005_fold_station_figures'")
    c.commit()
    c.close()
    store = Store.open(demo_db)
    assert _figures(store) == expected
    store.close()
