"""Every command is documented: `--help` works and each command and option has help text."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from kiosk.cli import load_commands

CLI = load_commands()
COMMANDS = sorted(CLI.commands)


def test_the_documented_commands_exist() -> None:
    expected = {
        "init", "demo", "import", "badge-code", "checkin", "undo", "search", "stats",
        "decode", "scan", "badges", "export", "report", "walk-in", "reprint",
        "hub", "sync", "conflicts", "merge",
    }  # fmt: skip
    assert expected <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help(name: str) -> None:
    command = CLI.commands[name]
    assert command.help and command.help.strip(), f"{name} has no help text"
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.help, f"{name} {param.opts[0]} has no help text"
    result = CliRunner().invoke(CLI, [name, "--help"])
    assert result.exit_code == 0
    assert command.help.split()[0] in result.output


def test_top_level_help_lists_commands() -> None:
    result = CliRunner().invoke(CLI, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output
