"""Showing user text in widgets: names, organizations, session titles come from data."""

from __future__ import annotations


def amp(text: str) -> str:
    """`text` for a widget that reads "&" as a mnemonic (buttons, check boxes, tabs, form
    labels, menu entries): "Green Finance & Climate" would show as "Green Finance _Climate"."""
    return text.replace("&", "&&")
