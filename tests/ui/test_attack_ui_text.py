"""Red team (issue 18): texts another station wrote reach the desk's status bar (a
refusal's name and reason, from that station's own row on the hub). Qt renders a label's
or tooltip's text as HTML when it looks like HTML: a stolen kiosk's refusal reason must
show as the text it is, never as markup (a forged "all is well", a huge image, a link)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtGui import Qt

from kiosk.station.syncproto import SyncUpdate
from kiosk.sync.loop import Link, SyncStatus
from tests.helpers.clocks import at
from ui.sync.status import SyncLabel, describe

HOSTILE = '<h1 style="color:green">All stations OK</h1><img src="/dev/zero">'


def test_attack_a_refusal_reason_from_a_kiosk_is_never_markup(qtbot: object) -> None:
    status = SyncStatus(Link.ONLINE, 0, at("09:00").now(), 0.0,
                        refusals=(("kiosk-id", "Kiosk 1<b>", HOSTILE),))  # fmt: skip
    update = SyncUpdate(7, status, True, "postgresql://hub/x")
    text, tip, _ = describe(update, True, ZoneInfo("UTC"))
    assert not Qt.mightBeRichText(tip) and not Qt.mightBeRichText(text)
    assert "All stations OK" in tip  # shown, as text
    label = SyncLabel()
    label.set_configured(True)
    label.show_update(update)
    assert label.textFormat() == Qt.TextFormat.PlainText
