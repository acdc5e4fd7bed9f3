"""Forum Check-in entry point.

`python main.py [OPTIONS]` starts the application (the default command);
`python main.py COMMAND ...` runs the command line (`python main.py --help` lists both);
`python main.py screenshots --out DIR` renders every mode to PNG files.
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    if argv and argv[0] == "screenshots":
        from tools.screenshots.run import run_screenshots

        return run_screenshots(argv[1:])
    from ui.app.appcli import main as cli_main

    cli_main(argv)  # click exits with the status of the app or the command
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
