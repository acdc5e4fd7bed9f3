"""Qt translations: English source strings, Simplified Chinese from resources/i18n/*.ts.

The .qm is committed; when it is missing or older than its .ts, it is compiled at
start with pyside6-lrelease. Qt's own strings (the file dialog, a line edit's context
menu, standard buttons) come from Qt's base translations shipped with PySide6
(qtbase_zh_CN.qm). Switching language installs/removes the translators, which sends
LanguageChange to every widget (each view re-translates in changeEvent).
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from ui.app.paths import I18N

log = logging.getLogger(__name__)
CATALOG = "forum_checkin"
LANGS = ("en", "zh")


def qm_path(lang: str, part: str = "") -> Path:
    return I18N / f"{CATALOG}{part}_{'zh_CN' if lang == 'zh' else lang}.qm"


def ensure_compiled(lang: str, part: str = "") -> Path | None:
    qm = qm_path(lang, part)
    ts = qm.with_suffix(".ts")
    if ts.exists() and (not qm.exists() or qm.stat().st_mtime < ts.stat().st_mtime):
        tool = shutil.which("pyside6-lrelease") or str(
            Path(sys.executable).parent / "pyside6-lrelease"
        )
        try:
            subprocess.run(
                [tool, str(ts), "-qm", str(qm)], check=True, capture_output=True, timeout=60
            )
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("cannot compile %s (%s); using the existing catalogue", ts, exc)
    return qm if qm.exists() else None


class Translations:
    """Owns the installed QTranslator; `switch('zh'|'en')` at run time."""

    def __init__(self, app: QCoreApplication) -> None:
        self.app = app
        self.lang = "en"
        self._translator: QTranslator | None = None
        self._qt: QTranslator | None = None
        self._qt_extra: QTranslator | None = None

    def uninstall(self) -> None:
        """Remove the translators from the application (the shell shuts down)."""
        self.switch("en")

    def switch(self, lang: str) -> bool:
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r} (en or zh)")
        for t in (self._translator, self._qt, self._qt_extra):
            if t is not None:
                self.app.removeTranslator(t)
        self._translator = self._qt = self._qt_extra = None
        self.lang = lang
        if lang == "en":
            QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
            return True
        qm = ensure_compiled(lang)
        tr = QTranslator(self.app)
        if qm is None or not tr.load(str(qm)):
            log.warning("no translation catalogue for %s in %s", lang, I18N)
            return False
        qt = QTranslator(self.app)
        base = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if qt.load("qtbase_zh_CN", base):
            self.app.installTranslator(qt)
            self._qt = qt
        else:
            log.warning("no Qt base translations (qtbase_zh_CN.qm) in %s", base)
        extra = QTranslator(self.app)  # Qt's strings that qtbase_zh_CN lacks
        extra_qm = ensure_compiled(lang, "_qt")
        if extra_qm is not None and extra.load(str(extra_qm)):
            self.app.installTranslator(extra)
            self._qt_extra = extra
        self.app.installTranslator(tr)
        self._translator = tr
        QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        return True


def system_lang() -> str:
    return "zh" if QLocale.system().language() == QLocale.Language.Chinese else "en"
