"""The app's printing options: --printer, --label (the stocks' names, checked) and
--print-at-checkin (--print-on-checkin still works), as the command line parses them."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner

from ui.app import app as app_module
from ui.app.appcli import app_group
from ui.app.args import AppArgs


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[AppArgs]:
    """The options the app would start with (the window itself is not opened)."""
    got: list[AppArgs] = []

    def run_app(args: AppArgs) -> int:
        got.append(args)
        return 0

    monkeypatch.setattr(app_module, "run_app", run_app)
    return got


def run(*argv: str) -> Any:
    return CliRunner().invoke(app_group(), list(argv))


def test_printer_label_and_print_at_checkin(started: list[AppArgs]) -> None:
    r = run("--printer", "QL-820NWB", "--label", "62X100MM-landscape", "--print-at-checkin")
    assert r.exit_code == 0, r.output
    args = started[0]
    assert (args.printer, args.label, args.print_on_checkin) == (
        "QL-820NWB", "62x100mm-landscape", True,
    )  # fmt: skip
    assert run("--print-on-checkin").exit_code == 0 and started[1].print_on_checkin
    assert (started[1].printer, started[1].label) == (None, None)  # the station's choice


def test_an_unknown_label_is_refused_with_the_stocks(started: list[AppArgs]) -> None:
    r = run("--label", "5x5in-sideways")
    assert r.exit_code == 2 and not started
    assert "unknown label" in r.output and "62x100mm" in r.output
