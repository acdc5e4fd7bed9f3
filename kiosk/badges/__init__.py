"""Print-ready badges: the design (a display list), layouts, PDF sheets, and which badges.

For example:

data = select_badges(service, ["CTF24-00001"])         # codes issued where missing
BadgeRenderer(event, "a4-4up").write_pdf(data, Path("badges.pdf"), progress)
drawing = BadgeRenderer(event, "4x3in").drawing(data[0])  # for ui.desk.printing
"""

from kiosk.badges.design import BadgeData, BadgeDrawing, category_style, compose
from kiosk.badges.layouts import LAYOUTS, Layout, get_layout
from kiosk.badges.render import BadgeRenderer, SheetReport
from kiosk.badges.select import select_badges
from kiosk.storage.atomic import OutputError

__all__ = [
    "LAYOUTS",
    "BadgeData",
    "BadgeDrawing",
    "BadgeRenderer",
    "Layout",
    "OutputError",
    "SheetReport",
    "category_style",
    "compose",
    "get_layout",
    "select_badges",
]
