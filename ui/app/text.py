"""Showing user text in widgets: names, organizations, session titles come from data."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import QWidget

W = TypeVar("W", bound=QWidget)


def amp(text: str) -> str:
    """`text` for a widget that reads "&" as a mnemonic (buttons, check boxes, tabs, form
    labels, menu entries): "Green Finance & Climate" would show as "Green Finance _Climate"."""
    return text.replace("&", "&&")


PAIRED = "englishOfPair"  # a dynamic property: this label's Chinese is in the next label


def english_of_pair(widget: W) -> W:
    """Mark a label that shows English next to a label with the same in Chinese (the
    result panel's title, the kiosk's lines): bilingual by design, whatever the UI
    language. The zh_CN walk test skips what is marked, and only that."""
    widget.setProperty(PAIRED, True)
    return widget
