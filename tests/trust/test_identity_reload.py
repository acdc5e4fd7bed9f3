"""A database whose identity changes under an open Store (another process enrolls it): the
open Store's next entry is written under the new identity and signed with its key, never
under the old one, unsigned (refused everywhere). Two Stores on one file, by hand."""

from __future__ import annotations

from kiosk.storage import trust as tstore
from kiosk.storage.store import Store
from kiosk.sync import enroll as enr
from kiosk.sync.privacy import Receive
from kiosk.trust.roles import Role
from tests.helpers.trusted import OWNER_DSN, Site, no_hub_login, transfer


def test_an_open_store_writes_as_the_identity_enrolled_meanwhile(site: Site) -> None:
    file = site.tmp / "door.enroll"
    enr.enroll(site.desk, OWNER_DSN, Role.DOOR, "Door A", file, site.clock.now(),
               login=no_hub_login)  # fmt: skip
    data = enr.read_enrollment(file)
    path = site.tmp / "door.sqlite"
    s = Store.open(path, create=True)
    with s.write() as tx:
        enr.prepare(tx.conn, data)
    s.reload_station()
    transfer(site.desk, s, Receive(data["receive"]))
    s.close()
    app = Store.open(path)  # the app, open before the enrollment
    try:
        before = app.station.id
        assert app.gate is not None and app.gate.signer is None  # no key here yet
        enrolled = enr.adopt(path, data, file, site.clock)  # another connection enrolls it
        enrolled.close()
        assert before != data["station_id"]
        site.service(app).manual_check_in(site.ann_id, site.session, operator="app")
        (sid, sig, name) = app.conn.execute(
            "SELECT station_id, sig, station FROM log WHERE operator = 'app'"
        ).fetchone()
        assert sid == data["station_id"] and sig is not None and name == "Door A"
        assert transfer(app, site.desk) > 0
        assert list(tstore.held(site.desk.conn)) == []
    finally:
        app.close()
