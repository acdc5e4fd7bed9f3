"""`python -m tools.screenshots.grab OUT.png`: the whole X screen ($DISPLAY) as a PNG, where
ImageMagick's `import` is not installed (a Qt application of its own grabs the root window)."""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication(sys.argv[:1])
    screen = app.primaryScreen()
    ok = screen is not None and screen.grabWindow(0).save(argv[0])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
