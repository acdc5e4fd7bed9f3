"""The Chinese catalogue is complete and the compiled .qm matches its .ts source."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from PySide6.QtCore import QTranslator

from ui.app.i18n import qm_path


def test_every_interface_string_has_a_chinese_translation(qapp: Any) -> None:
    ts = qm_path("zh").with_suffix(".ts")
    messages = ET.parse(ts).getroot().iter("message")
    tr = QTranslator()
    assert tr.load(str(qm_path("zh")))
    count = 0
    for m in messages:
        source = m.findtext("source") or ""
        translation = m.find("translation")
        assert translation is not None and translation.get("type") is None, source
        forms = [f.text or "" for f in translation.iter("numerusform")] or [translation.text or ""]
        for text in forms:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in text), source
        count += 1
    assert count >= 40
    # The compiled catalogue answers for a context and string of the source.
    assert tr.translate("StaffView", "Check in (Enter)") == "签到（Enter）"
    assert tr.translate("MainWindow", "Staff desk") == "服务台"
