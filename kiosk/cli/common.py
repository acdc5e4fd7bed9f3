"""Shared pieces of the command line: the group, options, opening the store, errors."""

from __future__ import annotations

import functools
import json
import re
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from kiosk.models.clock import Clock, FixedClock, SystemClock, parse_instant

F = TypeVar("F", bound=Callable[..., Any])


class UserError(Exception):
    """An error the user can act on: printed as one line on stderr, exit code 1 or 2."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(package_name="forum-checkin", prog_name="forum-checkin")
def cli() -> None:
    """Forum Check-in: QR badge check-in for bilingual business forums.

    Run without a command (python main.py) to start the kiosk application.
    """


def db_option(f: F) -> F:
    return click.option(
        "--db",
        "db_path",
        required=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help="The event database (SQLite file).",
    )(f)


def now_option(f: F) -> F:
    return click.option(
        "--now",
        "now_text",
        default=None,
        metavar="ISO-8601",
        help="Fix the clock (e.g. 2024-11-04T09:05+08:00); without an offset, event time.",
    )(f)


def make_clock(now_text: str | None, tz: str | None = None) -> Clock:
    if not now_text:
        return SystemClock()
    try:
        return FixedClock(parse_instant(now_text, tz))
    except ValueError as exc:
        raise UserError(f"--now: {exc}", 2) from None


def log_unexpected(exc: BaseException) -> str:
    """Log a bug's traceback to the log file (never to the terminal); returns where."""
    import logging

    from kiosk.storage.paths import PrivateFileHandler, log_path

    logger = logging.getLogger("forum_checkin")
    where = "the log"
    if not logging.getLogger().handlers and not logger.handlers:
        try:
            path = log_path()
            handler: logging.Handler = PrivateFileHandler(path)
            where = str(path)
        except OSError:
            handler = logging.NullHandler()  # no writable log: say nothing rather than dump
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
    logger.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    return where


def handle_errors(f: F) -> F:
    """Turn domain errors into one clear line on stderr and a non-zero exit."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from kiosk.models.errors import KioskError

        try:
            return f(*args, **kwargs)
        except UserError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KioskError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        except OSError as exc:
            where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
            click.echo(f"error: {exc.strerror or exc}{where}", err=True)
            sys.exit(1)
        except (click.exceptions.Exit, click.ClickException, click.Abort, KeyboardInterrupt):
            raise
        except UnicodeEncodeError as exc:  # bytes that are not UTF-8 in an argument
            bad = exc.object[exc.start : exc.end] if isinstance(exc.object, str) else ""
            shown = bad.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            click.echo(f"error: an argument is not UTF-8 text ({shown!r})", err=True)
            sys.exit(2)
        except (sqlite3.Error, UnicodeDecodeError) as exc:  # a damaged file, a pulled drive
            from kiosk.storage.store import describe_db_error

            path = kwargs.get("db_path", "the database")
            click.echo(f"error: {describe_db_error(str(path), exc)}", err=True)
            sys.exit(1)
        except Exception as exc:  # never a traceback in front of a user
            where = log_unexpected(exc)
            text = f"{type(exc).__name__}: {exc}"[:300]
            click.echo(f"error: unexpected {text} (details in {where})", err=True)
            sys.exit(70)

    return wrapper  # type: ignore[return-value]


def station_option(f: F) -> F:
    return click.option(
        "--station",
        default=None,
        metavar="NAME",
        help="Name this station (kept with the database, shown in the log); "
        "default: the name it already has (at first, the computer's name).",
    )(f)


@contextmanager
def open_service(
    db_path: Path, now_text: str | None = None, *, readonly: bool = False,
    station: str | None = None,
) -> Iterator[Any]:  # fmt: skip
    """Open the store at `db_path` and yield a CheckinService on it (clock from --now).

    Read commands open read-only: they never change the file (a read-only folder is fine)."""
    from kiosk.checkin.service import CheckinService
    from kiosk.storage.store import Store

    store = Store.open(db_path, readonly=readonly)
    try:
        if station:
            store.set_station_name(station)
        event = store.event()
        clock = make_clock(now_text, event.timezone)
        yield CheckinService(store, clock)
    finally:
        store.close()


def echo_json(obj: object) -> None:
    """One JSON line; C1 controls (U+0080–U+009F: a terminal reads U+009B as an escape)
    escaped like the C0 ones json escapes already."""
    click.echo(_C1.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(obj, ensure_ascii=False)))


#: Control and direction characters: in a text another station wrote (its name, a refusal,
#: a held entry's station) they would rewrite the operator's terminal (an ANSI escape
#: erases a line and prints a forged one) or reorder what it shows.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_C1 = re.compile("[\x7f-\x9f]")


def shown(text: object) -> str:
    """A text from another station as a terminal line may show it (controls as U+FFFD)."""
    return _CONTROL.sub("\ufffd", str(text))
