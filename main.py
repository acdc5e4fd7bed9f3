"""Forum Check-in entry point.

`python main.py [--mode staff|kiosk|dashboard] [...]` starts the application;
`python main.py COMMAND ...` runs the command line (see `python main.py --help`).
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    from kiosk.cli import load_commands

    commands = load_commands().commands
    if argv and (argv[0] in commands or argv[0] in ("-h", "--help", "--version")):
        from kiosk.cli import main as cli_main

        cli_main(argv)
        return 0
    from ui.app import run_app

    return run_app(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
