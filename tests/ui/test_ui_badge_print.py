"""The desk's badge printing: print once, no printer is ordinary, reprint revokes."""

from __future__ import annotations

from pathlib import Path

from kiosk.badges.printing import BadgeDesk
from kiosk.checkin.service import CheckinService
from kiosk.models.outcomes import Outcome
from kiosk.storage.store import Store
from tests.helpers.clocks import at
from tests.helpers.reads import reads
from ui.desk.badge_print import ALREADY_PRINTED, print_one


def test_print_once_and_no_printer(demo_db: Path, tmp_path: Path, qapp: object) -> None:
    store = Store.open(demo_db)
    service = CheckinService(store, at("09:05"))
    desk = BadgeDesk(service)
    aid = next(reads(store).people.everyone()).attendee_id

    def print_it(reason: str) -> str:
        job = desk.prepare(aid, operator="amy", reason=reason)
        return print_one(job, desk.renderer, lambda j: desk.record(j, "amy"), tmp_path)

    # No printer here: the PDF is saved, nothing is logged, so the desk can try again.
    msg = print_it("walk-in")
    assert "No printer" in msg and "无打印机" in msg
    assert list(tmp_path.glob(f"badge-{aid}-v*.pdf"))
    assert reads(store).people.prints(aid) == []
    assert "No printer" in print_it("walk-in")

    # Once a print reached a printer, printing the same badge again is refused.
    job = desk.prepare(aid)
    assert job is not None
    desk.record(job, "amy")
    assert print_it("again") == ALREADY_PRINTED

    # A reprint issues a new code (the old one is refused at the door) and may print.
    old = service.badge_code(aid)
    new = service.reprint_badge(aid, "amy", "lost badge")
    assert "No printer" in print_it("reprint")
    assert service.check_in(old, "opening").outcome is Outcome.REVOKED_BADGE
    assert service.check_in(new, "opening").outcome is Outcome.ADMITTED
    store.close()
