"""The command line as a person types it, in the test's own process (click's runner)."""

from __future__ import annotations

from click.testing import CliRunner, Result

from kiosk.cli import load_commands

CLI = load_commands()


def run(*args: str, code: int = 0, env: dict[str, str] | None = None) -> Result:
    """Run one command; its exit code must be `code`, and no traceback is ever shown."""
    result = CliRunner().invoke(CLI, list(args), env=env)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result
