"""Where the hub is: the connection string, from `--server`, a file readable only by its
owner (`--server-file`, `$FORUM_CHECKIN_HUB_FILE`, or ~/.config/forum-checkin/hub), or
`$FORUM_CHECKIN_HUB`. It is never printed or logged with its password: `shown` is what
messages use, and `scrub` takes the password out of any text (a driver's error message).

The string is libpq's (a `postgresql://` URL or `key=value` pairs), passed to psycopg as
it is; a hub with a standby is named by every host it may be on, the writable one wanted
(`postgresql://u@h1:5432,h2:5432/hub?target_session_attrs=read-write&connect_timeout=2`): TLS options (sslmode=verify-full, sslrootcert, sslcert, sslkey …) and every other
libpq option work unchanged, and so do libpq's own sources (PGPASSWORD, ~/.pgpass).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.models.errors import KioskError

ENV_URL = "FORUM_CHECKIN_HUB"
ENV_FILE = "FORUM_CHECKIN_HUB_FILE"


class ServerConfigError(KioskError):
    """No usable connection string: names where it was looked for and what is wrong."""


@dataclass(frozen=True, slots=True)
class ServerConfig:
    dsn: str = field(repr=False)
    source: str  # where it came from: "--server", "$FORUM_CHECKIN_HUB", "file PATH"

    @property
    def shown(self) -> str:
        return redact(self.dsn)

    def scrub(self, text: str) -> str:
        return scrub(text, self.dsn)

    def __str__(self) -> str:
        return self.shown


def default_file(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "forum-checkin" / "hub"


def resolve(
    server: str | None = None, server_file: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> ServerConfig:  # fmt: skip
    """The connection string, from the first of: --server, --server-file,
    $FORUM_CHECKIN_HUB, $FORUM_CHECKIN_HUB_FILE, the default file (if it exists)."""
    env = os.environ if env is None else env
    if server and server.strip():
        return ServerConfig(server.strip(), "--server")
    if server_file is not None:
        return ServerConfig(read_file(server_file), f"file {server_file}")
    if env.get(ENV_URL, "").strip():
        return ServerConfig(env[ENV_URL].strip(), f"${ENV_URL}")
    if env.get(ENV_FILE, "").strip():
        path = Path(env[ENV_FILE].strip())
        return ServerConfig(read_file(path), f"file {path}")
    path = default_file(env)
    if path.exists():
        return ServerConfig(read_file(path), f"file {path}")
    raise ServerConfigError(
        f"no hub given: use --server URL, --server-file PATH, ${ENV_URL} or a file "
        f"{path} readable only by you"
    )


def read_file(path: Path) -> str:
    """The first line of a connection file that is not blank or a # comment. The file
    must belong to this user and be readable by no one else (chmod 600)."""
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            raise ServerConfigError(f"{path}: not a file")
        if st.st_uid != os.getuid():
            raise ServerConfigError(f"{path}: belongs to another user; refusing to use it")
        if st.st_mode & 0o077:
            raise ServerConfigError(
                f"{path}: readable by others (mode {stat.S_IMODE(st.st_mode):o}); "
                f"it holds the hub's password: run `chmod 600 {path}`"
            )
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ServerConfigError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ServerConfigError(f"{path}: not a text file") from None
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return line.strip()
    raise ServerConfigError(f"{path}: holds no connection string")


def _parse(dsn: str) -> dict[str, str] | None:
    try:
        from psycopg.conninfo import conninfo_to_dict

        return {k: str(v) for k, v in conninfo_to_dict(dsn).items() if v is not None}
    except Exception:  # any parse problem: shown as unparsable, never as it is
        return None


def redact(dsn: str) -> str:
    """The connection string as messages may show it: no password, no key passphrase."""
    parts = _parse(dsn)
    if parts is None:
        return "(a connection string that cannot be read)"
    hosts = (parts.pop("host", "") or "localhost").split(",")
    ports = parts.pop("port", "").split(",")
    if len(ports) == 1:  # one port for every host, or none
        ports = ports * len(hosts)
    user = parts.pop("user", "")
    dbname = parts.pop("dbname", "")
    for secret in ("password", "sslpassword"):
        parts.pop(secret, None)
    where = ",".join(f"{h or 'localhost'}{':' + p if p else ''}"
                     for h, p in zip(hosts, ports + [""] * len(hosts), strict=False))  # fmt: skip
    where = f"{user + '@' if user else ''}{where}/{dbname}"
    extra = "&".join(f"{k}={v}" for k, v in sorted(parts.items()))
    return f"postgresql://{where}{'?' + extra if extra else ''}"


def secrets(dsn: str) -> list[str]:
    parts = _parse(dsn) or {}
    found = [parts[k] for k in ("password", "sslpassword") if parts.get(k)]
    if os.environ.get("PGPASSWORD"):
        found.append(os.environ["PGPASSWORD"])
    return found


def scrub(text: str, dsn: str) -> str:
    """`text` with every password of `dsn` (and the whole string) replaced by ***."""
    out = text.replace(dsn, redact(dsn)) if dsn else text
    for s in secrets(dsn):
        out = out.replace(s, "***")
    return out
