"""The command line: `python main.py CMD …` or `forum-checkin CMD …`.

Each area registers its commands in its own module; all are imported by `main()`.
"""

from __future__ import annotations

import click

from kiosk.cli.common import cli


def load_commands() -> click.Group:
    # Imported for their side effect: each module adds its commands to `cli`.
    from kiosk.cli import (  # noqa: F401
        core,
        datacmd,
        meetingcmd,
        printcmd,
        scancmd,
        stationcmd,
        synccmd,
    )

    return cli


def main(argv: list[str] | None = None) -> None:
    load_commands().main(args=argv, prog_name="forum-checkin")
