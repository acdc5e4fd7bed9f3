"""The printer in the window: the status bar's printer line, the printer and label picker,
and the box that says a badge did not print (Retry, Another printer, Save as PDF).

`PrinterPanel` is built by the shell beside the status bar's other parts. Its line shows
the chosen printer and label with the printer's state (ready, printing, offline, out of
labels …) from the moment the app starts, then each print as it goes: "printing",
"printed" (CUPS said the job completed), "sent" (Qt without CUPS), or the problem. A print
that did not print opens `ProblemBox`. Text comes from ui.desk.print_texts, in the UI
language.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.badges.printstate import PrinterStatus, PrintProblem
from kiosk.badges.stocks import label_choices, parse_label
from kiosk.models.errors import ValidationError
from ui.desk.print_desk import DeskPrint, PrintDesk
from ui.desk.print_texts import lang, printer_text, word

log = logging.getLogger(__name__)
PICKER_KEY = "Ctrl+Shift+B"  # the printer and label picker, from anywhere in the window
SHOW_PRINT_S = 20.0
LINE_PX = 520  # the status bar's printer line at most (1366 px screens hold the rest)  # a finished print's line stays this long, then the printer's state
_TONES = {
    "ok": "color: #1E7B34;",
    "busy": "color: #0B5CAD;",
    "bad": "color: #B42318; font-weight: 600;",
    "muted": "color: #52606D;",
}


def state_text(status: PrinterStatus | None, language: str) -> str:
    if status is None:
        return word("asking", language)
    return status.message_zh if language == "zh" else status.message


def label_text(name: str, language: str) -> str:
    try:
        en, zh = parse_label(name).describe()
    except ValidationError:
        return name
    return zh if language == "zh" else en


class PrinterBar(QWidget):
    """The status bar's printer line and its "Printer…" button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PrinterBar")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(6)
        self.state = QLabel()
        self.state.setObjectName("PrinterState")
        self.button = QPushButton()
        self.button.setObjectName("PrinterButton")
        self.button.setFlat(True)
        self.button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        lay.addWidget(self.state)
        lay.addWidget(self.button)
        self.full = ""

    def show_line(self, text: str, tone: str) -> None:
        """`text` (elided to LINE_PX so that the window never outgrows a small screen; the
        whole line is the tooltip and `full`)."""
        self.full = text
        shown = self.state.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, LINE_PX)
        self.state.setText(shown)
        self.state.setToolTip(text)
        self.state.setProperty("tone", tone)
        self.state.setStyleSheet(_TONES.get(tone, ""))


class PrinterDialog(QDialog):
    """Choose the printer (the system's default first) and the label stock; Test print."""

    def __init__(self, printing: PrintDesk, parent: QWidget | None = None,
                 printer_only: bool = False) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("PrinterDialog")
        self.printing = printing
        self.printer_only = printer_only
        self.printer = QComboBox()
        self.printer.setObjectName("PrinterChoice")
        self.printer.setMinimumWidth(420)
        self.label = QComboBox()
        self.label.setObjectName("LabelChoice")
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.qr = QLabel()
        self.qr.setObjectName("Muted")
        self.test_btn = QPushButton()
        self.test_btn.setObjectName("TestPrint")
        self.refresh_btn = QPushButton()
        self.ok_btn = QPushButton()
        self.ok_btn.setObjectName("Primary")
        self.ok_btn.setDefault(True)
        self.cancel_btn = QPushButton()
        self.printer_caption = QLabel()
        self.label_caption = QLabel()
        self.form = QFormLayout()
        self.form.addRow(self.printer_caption, self.printer)
        self.form.addRow(self.label_caption, self.label)
        self.form.addRow(None, self.state)
        self.form.addRow(None, self.qr)
        for w in (self.label, self.label_caption, self.qr):
            w.setVisible(not printer_only)
        self.test_btn.setVisible(not printer_only)
        buttons = QHBoxLayout()
        buttons.addWidget(self.test_btn)
        buttons.addWidget(self.refresh_btn)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_btn)
        buttons.addWidget(self.ok_btn)
        lay = QVBoxLayout(self)
        lay.addLayout(self.form)
        lay.addLayout(buttons)
        self.test_btn.clicked.connect(self.test_print)
        self.refresh_btn.clicked.connect(printing.refresh)
        self.ok_btn.clicked.connect(self.accept)
        self.cancel_btn.clicked.connect(self.reject)
        self.printer.currentIndexChanged.connect(lambda _i: self._show_state())
        self.label.currentIndexChanged.connect(lambda _i: self._show_qr())
        printing.printers_changed.connect(self._fill_printers)
        self._fill_labels()
        self._fill_printers(printing.printers)
        self.retranslate()
        printing.refresh()

    # -- what is chosen ----------------------------------------------------------------------
    def chosen_printer(self) -> str:
        data = self.printer.currentData()
        return str(data) if data is not None else self.printing.printer

    def chosen_label(self) -> str:
        data = self.label.currentData()
        return str(data) if data is not None else self.printing.label

    def select_printer(self, name: str) -> None:
        i = self.printer.findData(name)
        if i >= 0:
            self.printer.setCurrentIndex(i)

    def select_label(self, name: str) -> None:
        i = self.label.findData(parse_label(name).name)
        if i >= 0:
            self.label.setCurrentIndex(i)

    def test_print(self) -> None:
        self.printing.test_print(self.chosen_printer(), self.chosen_label())

    # -- filling -------------------------------------------------------------------------------
    def _fill_labels(self) -> None:
        current = self.label.currentData() or self.printing.label
        language = lang()
        self.label.blockSignals(True)
        self.label.clear()
        names = [c.name for c in label_choices()]
        if current not in names:
            names.append(str(current))  # a size given with --label (54x101mm)
        for name in names:
            self.label.addItem(f"{name} — {label_text(name, language)}", name)
        self.label.setCurrentIndex(max(0, self.label.findData(current)))
        self.label.blockSignals(False)
        self._show_qr()

    def _fill_printers(self, found: Any) -> None:
        current = self.printer.currentData()
        if current is None:
            current = self.printing.printer
        language = lang()
        self.printer.blockSignals(True)
        self.printer.clear()
        self._statuses: dict[str, PrinterStatus] = {}
        default = ""
        if found is not None:
            for p in found.printers:
                self._statuses[p.name] = p
                if p.is_default:
                    default = p.name
        shown = default and word("default_mark", language, name=default)
        self.printer.addItem(f"{word('default', language)} ({shown or '—'})", "")
        for name in self._statuses:
            text = word("default_mark", language, name=name) if name == default else name
            self.printer.addItem(text, name)
        if current and self.printer.findData(current) < 0:
            self.printer.addItem(current, current)  # chosen, but not there now
        self.printer.setCurrentIndex(max(0, self.printer.findData(current)))
        self.printer.blockSignals(False)
        self._show_state()

    def _show_state(self) -> None:
        language = lang()
        found = self.printing.printers
        if found is None:
            self.state.setText(word("asking", language))
            return
        if not found.printers:
            down = PrinterStatus("", problem=PrintProblem.SERVER_DOWN)
            text = state_text(down, language) if found.server_down else word("none_found", language)
            self.state.setText(text)
            return
        name = self.chosen_printer()
        status = self._statuses.get(name) if name else next(
            (p for p in self._statuses.values() if p.is_default), None)  # fmt: skip
        if status is None:
            text = state_text(PrinterStatus(name, problem=PrintProblem.NOT_FOUND), language)
        else:
            text = state_text(status, language)
        if not found.cups:
            text += "\n" + word("no_cups", language)
        self.state.setText(text)

    def _show_qr(self) -> None:
        from kiosk.badges.design import MIN_MODULE_MM, LabelTooSmall
        from kiosk.badges.layouts import get_layout
        from kiosk.badges.render import BadgeRenderer

        event = self.printing.db.event
        language = lang()
        if event is None:
            self.qr.setText("")
            return
        try:
            mm = BadgeRenderer(event, get_layout(self.chosen_label())).module_mm()
        except (LabelTooSmall, ValidationError, ValueError):
            mm = 0.0
        if mm < MIN_MODULE_MM:
            small = PrintProblem.LABEL_TOO_SMALL
            from kiosk.badges.printstate import PROBLEM_TEXT

            self.qr.setText(PROBLEM_TEXT[small][1 if language == "zh" else 0])
            self.qr.setStyleSheet(_TONES["bad"])
        else:
            self.qr.setText(word("qr", language, mm=mm))
            self.qr.setStyleSheet("")

    # -- language ------------------------------------------------------------------------------
    def retranslate(self) -> None:
        language = lang()
        self.setWindowTitle(word("title", language))
        self.printer_caption.setText(word("printer", language))
        self.label_caption.setText(word("label", language))
        self.test_btn.setText(word("test_print", language))
        self.refresh_btn.setText(word("refresh", language))
        self.ok_btn.setText(word("ok", language))
        self.cancel_btn.setText(word("cancel", language))
        self._fill_labels()
        self._fill_printers(self.printing.printers)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class ProblemBox(QDialog):
    """A print that did not print: what is wrong, in both languages, and what to do."""

    def __init__(self, panel: PrinterPanel, item: DeskPrint, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("PrintProblem")
        self.panel = panel
        self.item = item
        self.text = QLabel()
        self.text.setObjectName("PrintProblemText")
        self.text.setWordWrap(True)
        self.text.setMinimumWidth(460)
        self.text.setStyleSheet("font-size: 12pt;")
        self.other = QLabel()
        self.other.setObjectName("Muted")
        self.other.setWordWrap(True)
        self.retry_btn = QPushButton()
        self.retry_btn.setObjectName("Primary")
        self.another_btn = QPushButton()
        self.save_btn = QPushButton()
        self.close_btn = QPushButton()
        self.said = QLabel()
        self.said.setWordWrap(True)
        row = QHBoxLayout()
        for b in (self.retry_btn, self.another_btn, self.save_btn):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.close_btn)
        lay = QVBoxLayout(self)
        lay.addWidget(self.text)
        lay.addWidget(self.other)
        lay.addWidget(self.said)
        lay.addLayout(row)
        too_small = item.problem is PrintProblem.LABEL_TOO_SMALL
        self.retry_btn.setVisible(not too_small)
        self.save_btn.setVisible(not too_small)
        self.another_btn.setVisible(not too_small)
        self.retry_btn.clicked.connect(self.retry)
        self.another_btn.clicked.connect(self.another)
        self.save_btn.clicked.connect(self.save)
        self.close_btn.clicked.connect(self.close)
        self.file_dialog: QFileDialog | None = None
        self.retranslate()

    def retranslate(self) -> None:
        language = lang()
        other = "en" if language == "zh" else "zh"
        self.setWindowTitle(word("problem_title", language))
        self.text.setText(self.item.text(language))
        self.other.setText(self.item.text(other))
        self.retry_btn.setText(word("retry", language))
        self.another_btn.setText(word("another", language))
        self.save_btn.setText(word("save_pdf", language))
        self.close_btn.setText(word("close", language))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retry(self) -> None:
        self.panel.printing.retry(self.item)
        self.close()

    def another(self) -> None:
        self.panel.drop_picker()
        dlg = PrinterDialog(self.panel.printing, self, printer_only=True)
        dlg.select_printer(self.item.printer)
        dlg.accepted.connect(lambda: self._another(dlg.chosen_printer()))
        self.panel.picker = dlg
        dlg.open()

    def _another(self, printer: str) -> None:
        printing = self.panel.printing
        if self.item.kind != "test":  # the badges after this one go there too
            printing.set_choice(printer, printing.label)
        printing.retry(self.item, printer)
        self.close()

    def save(self) -> None:
        """Ask where (a file dialog that does not block the desk), then write it 0600."""
        language = lang()
        start = self.panel.printing.out_dir / self.panel.printing.pdf_name(self.item)
        dlg = QFileDialog(self, word("save_pdf", language), str(start),
                          word("pdf_filter", language))  # fmt: skip
        dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dlg.setDefaultSuffix("pdf")
        dlg.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dlg.selectFile(str(start))
        dlg.fileSelected.connect(lambda path: self.save_to(Path(path)))
        self.file_dialog = dlg
        dlg.open()

    def save_to(self, path: Path) -> None:
        language = lang()
        try:
            saved = self.panel.printing.save_pdf(self.item, path)
        except (OSError, ValueError) as exc:
            why = getattr(exc, "strerror", None) or str(exc)
            self.said.setText(word("save_failed", language, path=path, why=why))
            return
        self.said.setText(word("saved", language, path=saved))
        self.panel.printing.notice.emit(
            f"{word('saved', 'en', path=saved)} · {word('saved', 'zh', path=saved)}"
        )


class PrinterPanel(QObject):
    """The shell's printer part: the status bar line, the picker, the problem box."""

    def __init__(self, printing: PrintDesk, window: QWidget) -> None:
        super().__init__(window)
        self.printing = printing
        self.window = window
        self.bar = PrinterBar()
        self.picker: PrinterDialog | None = None
        self.problem: ProblemBox | None = None
        self.current: DeskPrint | None = None
        self._until = QTimer(self)
        self._until.setSingleShot(True)
        self._until.timeout.connect(self._show_printer)
        status = window.status  # type: ignore[attr-defined]
        status.addPermanentWidget(self.bar)
        self.bar.button.clicked.connect(self.choose)
        self.shortcut = QShortcut(QKeySequence(PICKER_KEY), window)
        self.shortcut.activated.connect(self.choose)
        printing.printers_changed.connect(lambda _f: self._show_printer())
        printing.choice_changed.connect(lambda _p, _l: self._show_printer())
        printing.changed.connect(self._print_changed)
        self.bar.installEventFilter(self)
        self.retranslate()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.bar and event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return False

    def retranslate(self) -> None:
        language = lang()
        self.bar.button.setText(word("choose", language))
        self.bar.button.setToolTip(f"{word('choose_tip', language)} ({PICKER_KEY})")
        if self.current is not None and (not self.current.done or self._until.isActive()):
            self._show_print(self.current)
        else:
            self._show_printer()

    def choose(self) -> None:
        """Open the picker (one at a time)."""
        if self.picker is not None and self.picker.isVisible():
            self.picker.raise_()
            return
        self.drop_picker()
        dlg = PrinterDialog(self.printing, self.window)
        dlg.accepted.connect(lambda: self.printing.set_choice(dlg.chosen_printer(),
                                                              dlg.chosen_label()))  # fmt: skip
        self.picker = dlg
        dlg.open()

    def drop_picker(self) -> None:
        """The last picker, closed, goes (it listens to the printers' state)."""
        old, self.picker = self.picker, None
        if old is not None:
            with contextlib.suppress(RuntimeError):  # gone with the box that opened it
                old.printing.printers_changed.disconnect(old._fill_printers)
                old.deleteLater()

    # -- the line ------------------------------------------------------------------------------
    def _show_printer(self) -> None:
        if self.current is not None and (not self.current.done or self._until.isActive()):
            return  # a print is being followed, or has just ended: its line stays
        language = lang()
        status = self.printing.chosen_status()
        found = self.printing.printers
        name = self.printing.printer or (status.name if status is not None else "")
        if found is not None and found.server_down:
            down = PrinterStatus(name, problem=PrintProblem.SERVER_DOWN)
            state, tone = state_text(down, language), "bad"
        elif found is not None and not found.printers:
            state, tone = word("none_found", language), "bad"
        elif found is not None and status is None:
            missing = PrinterStatus(name, problem=PrintProblem.NOT_FOUND)
            state, tone = state_text(missing, language), "bad"
        else:
            state = state_text(status, language)
            tone = "muted" if status is None else ("ok" if status.ready else "bad")
        if status is not None:  # its state names it
            text = word("bar_known", language, label=self.printing.label, state=state)
        else:
            text = word("bar", language, printer=printer_text(name, language),
                        label=self.printing.label, state=state)  # fmt: skip
        self.bar.show_line(text[:1].upper() + text[1:], tone)

    def _show_print(self, item: DeskPrint) -> None:
        tone = "busy" if not item.done else ("ok" if item.ok else "bad")
        self.bar.show_line(item.text(lang()), tone)

    def _print_changed(self, item: DeskPrint) -> None:
        self.current = item
        self._show_print(item)
        if not item.done:
            return
        self._until.start(int(SHOW_PRINT_S * 1000))
        if not item.ok and not item.saved:
            self._open_problem(item)

    def _open_problem(self, item: DeskPrint) -> None:
        if item.status.value == "cancelled" and item.kind != "badge":
            return
        old = self.problem
        if old is not None:
            old.close()
            old.deleteLater()
        box = ProblemBox(self, item, self.window)
        self.problem = box
        box.show()
