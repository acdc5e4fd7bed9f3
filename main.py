"""Forum Check-in entry point.

`python main.py [--mode staff|kiosk|dashboard] [...]` starts the application;
`python main.py COMMAND ...` runs the command line (see `python main.py --help`);
`python main.py screenshots --out DIR` renders every mode to PNG files.
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    if argv and argv[0] == "screenshots":
        from ui.screenshots import run_screenshots

        return run_screenshots(argv[1:])
    if argv and argv[0] == "--help-app":
        from ui.app import build_parser

        build_parser().print_help()
        return 0
    if argv and (not argv[0].startswith("-") or argv[0] in ("-h", "--help", "--version")):
        from kiosk.cli import main as cli_main

        cli_main(argv)  # click exits with the command's status
        return 0
    from ui.app import run_app

    return run_app(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
