"""The hub's connection string: where it comes from, and that its password is never shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.cli import load_commands
from kiosk.sync.hub import Hub, HubError, HubRefused, HubUnavailable
from kiosk.sync.server import ServerConfig, ServerConfigError, redact, resolve, scrub
from tests.helpers.pgcluster import Cluster, free_port

SECRET = "Pa55-w0rd-xyz"


def private_file(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text)
    path.chmod(mode)
    return path


def test_the_first_source_given_wins(tmp_path: Path) -> None:
    f = private_file(tmp_path / "hub", "# the hub\n\nhost=from-file dbname=x\n")
    g = private_file(tmp_path / "hub2", "host=from-env-file dbname=x\n")
    env = {"FORUM_CHECKIN_HUB": "host=from-env dbname=x", "FORUM_CHECKIN_HUB_FILE": str(g),
           "XDG_CONFIG_HOME": str(tmp_path / "none")}  # fmt: skip
    assert resolve("host=from-flag dbname=x", f, env).dsn == "host=from-flag dbname=x"
    assert resolve(None, f, env).dsn == "host=from-file dbname=x"
    assert resolve(None, None, env).source == "$FORUM_CHECKIN_HUB"
    del env["FORUM_CHECKIN_HUB"]
    assert resolve(None, None, env).dsn == "host=from-env-file dbname=x"
    del env["FORUM_CHECKIN_HUB_FILE"]
    with pytest.raises(ServerConfigError, match="no hub given"):
        resolve(None, None, env)
    (tmp_path / "cfg" / "forum-checkin").mkdir(parents=True)
    private_file(tmp_path / "cfg" / "forum-checkin" / "hub", "host=default dbname=x")
    assert resolve(None, None, {"XDG_CONFIG_HOME": str(tmp_path / "cfg")}).dsn.startswith(
        "host=default"
    )


def test_a_file_others_can_read_is_refused(tmp_path: Path) -> None:
    f = private_file(tmp_path / "hub", f"host=h password={SECRET}", 0o644)
    with pytest.raises(ServerConfigError, match="chmod 600") as info:
        resolve(None, f, {})
    assert SECRET not in str(info.value)
    empty = private_file(tmp_path / "empty", "# nothing\n")
    with pytest.raises(ServerConfigError, match="no connection string"):
        resolve(None, empty, {})
    with pytest.raises(ServerConfigError, match="cannot read"):
        resolve(None, tmp_path / "missing", {})


@pytest.mark.parametrize("dsn", [
    f"postgresql://checkin:{SECRET}@hub.example.org:5433/forum?sslmode=verify-full"
    "&sslrootcert=/etc/ca.pem",
    f"host=hub.example.org port=5433 user=checkin password={SECRET} dbname=forum "
    "sslmode=verify-full sslrootcert=/etc/ca.pem",
])  # fmt: skip
def test_the_password_is_never_shown(dsn: str) -> None:
    shown = redact(dsn)
    assert SECRET not in shown
    assert shown.startswith("postgresql://checkin@hub.example.org:5433/forum?")
    assert "sslmode=verify-full" in shown and "sslrootcert=/etc/ca.pem" in shown
    config = ServerConfig(dsn, "--server")
    assert SECRET not in repr(config) and SECRET not in str(config)
    assert SECRET not in scrub(f"failed for {dsn} (password {SECRET})", dsn)


def test_a_string_with_several_hosts_is_shown_host_by_host() -> None:
    multi = (f"postgresql://checkin:{SECRET}@hub-a.example.org:5432,hub-b.example.org:5433/"
             "forum?target_session_attrs=read-write&connect_timeout=2")  # fmt: skip
    assert redact(multi) == ("postgresql://checkin@hub-a.example.org:5432,hub-b.example.org:"
                             "5433/forum?connect_timeout=2&target_session_attrs=read-write")  # fmt: skip
    assert redact("host=a,b port=6000 dbname=x") == "postgresql://a:6000,b:6000/x"
    assert redact("host=a,b dbname=x") == "postgresql://a,b/x"


def test_a_dead_server_is_one_clear_line_without_the_password(tmp_path: Path) -> None:
    port = free_port()
    dsn = f"postgresql://kiosk:{SECRET}@127.0.0.1:{port}/hub"
    with pytest.raises(HubUnavailable) as info:
        Hub(ServerConfig(dsn, "test")).connect()
    assert SECRET not in str(info.value) and "\n" not in str(info.value)
    assert f"127.0.0.1:{port}" in str(info.value)
    desk = tmp_path / "d.sqlite"
    runner = CliRunner()
    assert (
        runner.invoke(load_commands(), ["demo", "--db", str(desk), "--attendees", "2"]).exit_code
        == 0
    )
    for args in (["sync", "--db", str(desk), "--server", dsn, "--once"],
                 ["hub", "status", "--server", dsn], ["hub", "init", "--server", dsn]):  # fmt: skip
        result = runner.invoke(load_commands(), args)
        assert result.exit_code == 1, result.output
        assert SECRET not in result.output and "Traceback" not in result.output
        assert result.output.strip().count("\n") <= 1 and "error: " in result.output


def test_tls_options_reach_the_driver(pg_cluster: Cluster) -> None:
    """sslmode=require against a server without TLS: the driver's own refusal, so the
    option went through."""
    with pytest.raises(HubError, match="SSL"):
        Hub(ServerConfig(pg_cluster.dsn(sslmode="require"), "test")).connect()


def test_a_refusing_server_says_so(pg_cluster: Cluster) -> None:
    with pytest.raises(HubRefused, match="does not exist"):
        Hub(ServerConfig(pg_cluster.dsn("no_such_hub"), "test")).connect()
