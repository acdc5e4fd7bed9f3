"""The store: the one owner of an event database's SQLite connection.

WAL with synchronous=FULL, so that a check-in is on disk when the call returns. Every
change is a log entry appended by `append` (or received by `receive`) inside a `write()`
transaction (BEGIN IMMEDIATE … COMMIT), which also updates the projections. A second
writer on the same file waits (busy timeout) instead of failing. A Store is used by one
thread at a time (the thread that owns it).

Opening is careful with files that are not event databases: only `create=True` (the
`init` and `demo` commands) makes one; a missing file, an empty file or another
application's SQLite file is refused untouched; `readonly=True` never writes (a read-only
folder or mount is fine); a damaged file fails `PRAGMA quick_check` and is refused.

Reads are not the Store's: `write()` and `snapshot()` yield a `Tx` (kiosk.storage.tx) whose
groups (`tx.people`, `tx.presence`, `tx.tickets`, `tx.meetings`, `tx.log`) read through the
transaction's connection and return domain types.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlite_utils import Database

from kiosk.models.clock import SystemClock
from kiosk.models.errors import (
    DatabaseMissing,
    DatabaseUnavailable,
    DatabaseUnwritable,
    NoEventError,
    StorageError,
    ValidationError,
)
from kiosk.models.event import Event, event_from_dict
from kiosk.models.records import AttendeeInput, LogEntry, LogKind, Station, UpsertReport
from kiosk.storage import imports, log, trust, upgrade
from kiosk.storage.base import from_json, new_uuid, to_json
from kiosk.storage.meetings import MeetingRows
from kiosk.storage.projections import drivers as projections
from kiosk.storage.schema import migrations
from kiosk.storage.station import clean_name, default_name, fingerprint
from kiosk.storage.tx import Tx
from kiosk.trust.ahead import Ahead

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 10.0


#: SQLite's primary result codes (sqlite3.Error.sqlite_errorcode & 0xFF) of a database that
#: can be read but not written now: read-only, busy or locked, full, an I/O error, no access.
SQLITE_UNWRITABLE = frozenset({3, 5, 6, 8, 10, 13})  # PERM BUSY LOCKED READONLY IOERR FULL

#: What reading a database can raise: SQLite's errors, and text in the file that is not
#: UTF-8 (only a damaged file holds it; sqlite3 raises it as it makes the str).
DB_ERRORS = (sqlite3.Error, UnicodeDecodeError)


def db_error(path: str, exc: sqlite3.Error | UnicodeDecodeError) -> StorageError:
    """The kind of StorageError an SQLite error is, with one clear line (by its result
    code: callers decide by the type, never by the words)."""
    code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
    kind = DatabaseUnwritable if code in SQLITE_UNWRITABLE else DatabaseUnavailable
    return kind(describe_db_error(path, exc))


def describe_db_error(path: str, exc: sqlite3.Error | UnicodeDecodeError) -> str:
    """One clear line for any SQLite error (never a traceback)."""
    if isinstance(exc, UnicodeDecodeError) or "decode to UTF-8" in str(exc):  # a row's text
        return (
            f"{path}: the database file is damaged (it holds text that is not UTF-8); nothing "
            "was recorded. Restore it from a backup or ask the organizers for a fresh copy"
        )
    text = str(exc)
    if isinstance(exc, sqlite3.OperationalError):
        if "locked" in text or "busy" in text:
            return f"{path}: the database is busy (another program holds it); nothing was recorded"
        if "readonly" in text or "read-only" in text:
            return f"{path}: the database is read-only here; nothing was recorded"
        if "disk" in text and "full" in text:
            return f"{path}: the disk is full; nothing was recorded"
    if isinstance(exc, sqlite3.DatabaseError) and (
        "malformed" in text or "not a database" in text or "corrupt" in text
    ):
        return (
            f"{path}: the database file is damaged ({text}); nothing was recorded. "
            "Restore it from a backup or ask the organizers for a fresh copy"
        )
    return f"{path}: database error ({text}); nothing was recorded"


class Store:
    """Opening, transactions (`write`, `snapshot`: each gives a `Tx`, the reads grouped per
    aggregate), the log (`append`, `receive`, `catch_up`, `rebuild_projections`), the event
    (its keys are read through a `Tx`), and this station's identity. Nothing else: reads go
    through a `Tx`."""

    def __init__(self, conn: sqlite3.Connection, path: str = ":memory:", readonly: bool = False):
        self.path = path
        self.conn = conn
        self.readonly = readonly
        self.conn.row_factory = sqlite3.Row
        self.db = Database(conn, execute_plugins=False)
        self._event: Event | None = None
        self._station: Station | None = None
        self._gate: tuple[int, trust.Gate | None] | None = None  # (data_version, gate)
        self._writing = False  # inside `write()`: nobody else can commit
        self._gate_sure = False  # `_gate` is current till this write transaction ends
        self.meeting_rows = MeetingRows()  # every meeting, kept while unchanged

    # -- opening -------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | Path, *, readonly: bool = False, create: bool = False) -> Store:
        p = Path(path)
        if p.is_dir():
            raise DatabaseUnavailable(f"{p}: is a folder, not a database file")
        folder = p.parent if str(p.parent) else Path(".")
        if not folder.is_dir():
            raise DatabaseMissing(f"{folder}: no such folder")
        if not p.exists():
            if not create:
                raise DatabaseMissing(f"{p}: no such database (create one with `init` or `demo`)")
            _create_private(p)
        _check_header(p, create)
        conn = _connect(p, readonly)
        try:
            blank = _identify(conn, p)
            if blank and not create:
                raise DatabaseUnavailable(f"{p}: an empty database, not an event database yet "
                                          "(create one with `init`)")  # fmt: skip
            _quick_check(conn, p)
            store = cls(conn, str(p), readonly)
            if readonly:
                if migrations.pending(store.db):
                    raise DatabaseUnavailable(
                        f"{p}: made by an older release; open it once with a command that "
                        "writes (for example `checkin` or the app) to convert it"
                    )
            else:
                store._prepare()
        except DB_ERRORS as exc:
            conn.close()
            raise db_error(str(p), exc) from None
        except BaseException:
            conn.close()
            raise
        return store

    @classmethod
    def memory(cls) -> Store:
        conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        store = cls(conn)
        store._migrate()
        _ = store.station
        return store

    def _prepare(self) -> None:
        c = self.conn
        try:
            c.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as exc:
            raise DatabaseUnwritable(
                f"{self.path}: cannot open for writing ({exc}); read commands (stats, "
                "export, search, report) still work"
            ) from None
        c.execute("PRAGMA synchronous=FULL")
        c.execute("PRAGMA cache_size=-65536")
        # Checkpoint every ~16 MB of WAL instead of 4 MB: a checkpoint (an fsync of the
        # database file) lands on one check-in in ~1,000, not one in ~250.
        c.execute("PRAGMA wal_autocheckpoint=4000")
        self._migrate()
        _make_private(Path(self.path))
        _ = self.station  # made now, never inside another write transaction
        if upgrade.pending(self.conn):  # the previous release's desk becomes the desk
            with self.write() as tx:
                upgrade.convert(tx.conn, self.path, self.station, SystemClock().now())
            self._gate = None

    def _migrate(self) -> None:
        if not migrations.pending(self.db):
            return
        with self.write():
            migrations.apply(self.db)

    def close(self) -> None:
        self.conn.close()

    # -- transactions --------------------------------------------------------------------
    @contextmanager
    def write(self, durable: bool = True) -> Iterator[Tx]:
        """One write transaction: a decision is read and written in it. Storage failures
        become StorageError, and nothing of the transaction is kept.

        `durable=False` skips the fsync at commit, for work that is not yet acknowledged
        to anyone and can be redone (an import's chunks before its commit entry, applying
        committed chunks): in WAL mode a lost tail of such transactions is lost whole, and
        the next durable commit syncs all of them."""
        if self.readonly:
            raise DatabaseUnwritable(f"{self.path}: opened read-only; nothing can be recorded")
        if not durable:
            self.conn.execute("PRAGMA synchronous=NORMAL")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            self._durable()
            raise db_error(self.path, exc) from None
        self._writing, self._gate_sure = True, False
        try:
            yield Tx(self.conn, self.event)
            self.conn.execute("COMMIT")
        except DB_ERRORS as exc:
            self._rollback()
            raise db_error(self.path, exc) from None
        except BaseException:
            self._rollback()
            raise
        finally:
            self._writing = self._gate_sure = False
            if not durable:
                self._durable()

    def _durable(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.execute("PRAGMA synchronous=FULL")

    @contextmanager
    def snapshot(self) -> Iterator[Tx]:
        """One read transaction: every query in it sees the same moment (inside a write
        transaction, that one)."""
        own = not self.conn.in_transaction
        if own:
            self.conn.execute("BEGIN")
        try:
            yield Tx(self.conn, self.event)
        finally:
            if own and self.conn.in_transaction:
                self.conn.execute("COMMIT")

    def _rollback(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")

    def probe_write(self) -> None:
        """Raise StorageError unless the database can be written now: a write in a
        transaction that is rolled back (nothing changes)."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                self.conn.execute(
                    "INSERT INTO settings(key, value) VALUES ('write-probe', '') "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value"
                )
            finally:
                self.conn.execute("ROLLBACK")
        except sqlite3.OperationalError as exc:
            raise DatabaseUnwritable(f"{self.path}: cannot write ({exc})") from None

    # -- the log -------------------------------------------------------------------------
    def append(
        self, tx: Tx | sqlite3.Connection, kind: LogKind, at: datetime, **kw: Any
    ) -> LogEntry:
        """Write an entry of this station, signed when trust is on, and fold it into the
        projections (in `tx`, a write transaction; storage's own modules may pass its
        connection)."""
        c = tx.conn if isinstance(tx, Tx) else tx
        gate = self.gate
        sign = None if gate is None else gate.sign
        entry = log.new_entry(c, self.station, at, kind, sign=sign, **kw)
        projections.apply(c, entry, fresh=True)
        if gate is not None:
            gate.verifier.learn(entry)
        return entry

    def receive(
        self, tx: Tx | sqlite3.Connection, entry: LogEntry, seen: datetime | None = None,
        ahead: Ahead | None = None,
    ) -> bool:  # fmt: skip
        """Verify, store and fold an entry written elsewhere; False when it was here already,
        or kept aside (kiosk.storage.trust: not genuine, or not this station's to write).
        `seen`: when it first reached the event (the hub's clock when it stored it): the
        writer's own time is not trusted for expiry, nor far ahead of this. `ahead`: the
        signatures of the page `entry` is part of, being verified on a worker thread
        (kiosk.trust.ahead); every check is made all the same."""
        c = tx.conn if isinstance(tx, Tx) else tx
        gate = self.gate
        if gate is not None and not gate.admit(c, entry, seen, ahead):
            return False
        if not log.insert(c, entry):
            return False
        projections.apply(c, entry)
        if entry.kind == LogKind.EVENT:
            self._event = None
        if gate is not None and (gate.verifier.learn(entry) or gate.waiting_on(c, entry)):
            for again in list(gate.released(c)):
                self.receive(c, again)
            if gate.quarantine(c, entry):
                projections.rebuild(c)
        return True

    @property
    def gate(self) -> trust.Gate | None:
        """This database's trust (None: off); read again when another connection wrote.
        Inside a `write()` transaction nobody else can commit: asked once there. The
        station's identity is read again with it (another process may have enrolled this
        database meanwhile: its entries are then written and signed as the new identity,
        never under the old one, unsigned)."""
        if self._gate is not None and self._gate_sure:
            return self._gate[1]
        version = int(self.conn.execute("PRAGMA data_version").fetchone()[0])
        if self._gate is None or self._gate[0] != version:
            if self._gate is not None:
                self._station = None
            self._gate = (version, trust.load_gate(self.conn, self.path, self.station.id))
        self._gate_sure = self._writing
        return self._gate[1]

    def catch_up(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Apply committed import chunks still pending, one transaction each (~1,000 rows:
        a desk's scan never waits long). Returns how many were applied."""
        return imports.catch_up(self, progress)

    def upsert_attendees(
        self,
        rows: Iterable[AttendeeInput],
        new_id: Callable[[], str],
        now: datetime,
        progress: Callable[[int, int], None] | None = None,
        source: str = "",
        total: int | None = None,
        keep_ids: bool = True,
    ) -> UpsertReport:
        """An import batch (kiosk.storage.imports): chunks of entries, taking effect with
        the final one."""
        return imports.import_batch(self, rows, new_id, now, progress, source, total, keep_ids)

    def rebuild_projections(self, progress: Callable[[int, int], None] | None = None) -> int:
        with self.write() as tx:
            trust.recheck_log(tx.conn)  # entries that are not genuine move to `held`
            n = projections.rebuild(tx.conn, progress)
        self._event = None
        self._gate = None
        return n

    # -- the station ---------------------------------------------------------------------
    @property
    def station(self) -> Station:
        if self._station is None:
            key = "station/" + fingerprint(self.path)
            raw = self._setting(key)
            if raw is None and not self.readonly:
                with self.write() as tx:  # INSERT OR IGNORE: another process may be first
                    new = {"id": new_uuid(), "name": default_name()}
                    tx.conn.execute(
                        "INSERT OR IGNORE INTO settings VALUES (?, ?)", (key, to_json(new))
                    )
                raw = self._setting(key)
            data = from_json(raw) if raw else {"id": "", "name": default_name()}
            self._station = Station(str(data["id"]), str(data["name"]))
        return self._station

    def renew_station(self, tx: Tx) -> str:
        """Give this database on this machine a fresh station id (same name), inside the
        caller's write transaction; returns it. Sync does this when the hub already holds
        other entries under this station's numbers (restored from an older backup, a
        cloned machine): new entries then never collide with those."""
        current = self.station
        new_id = new_uuid()
        tx.conn.execute(
            "INSERT OR REPLACE INTO settings VALUES (?, ?)",
            ("station/" + fingerprint(self.path), to_json({"id": new_id, "name": current.name})),
        )
        self._station = None  # read again after the transaction (committed or not)
        return new_id

    def reload_station(self) -> Station:
        """Read this station's identity and its trust again (another connection may have
        renewed them, or this one enrolled it)."""
        self._station = None
        self._gate = None
        return self.station

    def set_station_name(self, name: str) -> Station:
        try:
            clean = clean_name(name)
        except ValueError as exc:
            raise ValidationError(f"{self.path}: {exc}") from None
        current = self.station
        gate = self.gate
        cert = None if gate is None else gate.verifier.certs.get(current.id)
        if cert is not None and clean != cert.name:  # receivers check the name it signs
            raise ValidationError(f"this station is enrolled as '{cert.name}': to rename it, "
                                  "enroll it again at the desk under the new name")  # fmt: skip
        if clean != current.name:
            with self.write() as tx:
                tx.conn.execute(
                    "UPDATE settings SET value = ? WHERE key = ?",
                    (
                        to_json({"id": current.id, "name": clean}),
                        "station/" + fingerprint(self.path),
                    ),
                )
            self._station = Station(current.id, clean)
        return self.station

    # -- settings and the event ----------------------------------------------------------
    def _setting(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def event(self) -> Event:
        if self._event is None:
            raw = self._setting("event")
            if raw is None:
                raise NoEventError(f"{self.path}: no event loaded (run `init` or `demo` first)")
            self._event = event_from_dict(from_json(raw), f"{self.path}:event")
        return self._event

    def set_event(self, event: Event, private_key: bytes | None, public_key: bytes,
                  at: datetime) -> None:  # fmt: skip
        """The program and the verify key as an `event` entry; the signing key stays here."""
        if self._setting("event") is not None and self.event().id != event.id:
            raise DatabaseUnavailable(
                f"{self.path}: already holds event {self.event().id!r}; use a new database"
            )
        with self.write() as tx:
            self.append(tx, LogKind.EVENT, at,
                        data={"event": event.to_dict(), "public_key": public_key.hex()})  # fmt: skip
            if private_key is not None:
                tx.conn.execute("INSERT OR REPLACE INTO settings VALUES ('private_key', ?)",
                          (private_key.hex(),))  # fmt: skip
        self._event = None

    def forget_private_key(self) -> None:
        """Remove the signing key and every trace of it from the files (VACUUM rewrites the
        database without free pages; the checkpoint empties the WAL)."""
        with self.write() as tx:
            tx.conn.execute("DELETE FROM settings WHERE key = 'private_key'")
        try:
            self.conn.execute("VACUUM")
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error as exc:
            raise db_error(self.path, exc) from None

    def checkpoint(self) -> None:
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def receive_run(store: Store, tx: Tx, entries: Sequence[LogEntry]) -> int:
    """Store and fold the first of `entries` (written elsewhere) together, as
    `Store.receive` does one by one, where that is the same: trust off (nothing to verify,
    keep aside or learn), scans and undos (most of what a door pulls:
    `projections.scans_of`), none in the log yet. Returns how many were received: 0 when
    none can be, and the caller receives them one by one."""
    if store.gate is not None:
        return 0
    n = projections.scans_of(entries)
    if n == 0:
        return 0
    c, run = tx.conn, entries[:n]
    c.execute("SAVEPOINT receive_run")
    if log.insert_all(c, run) != n:  # one is here already: one by one, as `receive` says
        c.execute("ROLLBACK TO receive_run")
        n = 0
    else:
        projections.apply_scans(c, run)
    c.execute("RELEASE receive_run")
    return n


# -- opening helpers ---------------------------------------------------------------------------
def _create_private(p: Path) -> None:
    try:
        fd = os.open(p, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    except FileExistsError:
        pass
    except OSError as exc:
        raise DatabaseUnwritable(
            f"{p}: cannot create the database ({exc.strerror or exc})"
        ) from None


def _check_header(p: Path, create: bool) -> None:
    """Refuses an empty file (unless creating). Never opens the file itself: closing any
    descriptor of a database file drops every POSIX lock this process holds on it, and a
    connection whose locks are gone lets another process delete the WAL under it (its
    later commits then reach nobody). SQLite reads the header; `_has_sqlite_header` only
    runs once SQLite has refused the file."""
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise DatabaseUnavailable(f"{p}: cannot be read ({exc.strerror or exc})") from None
    if size == 0 and not create:
        raise DatabaseUnavailable(
            f"{p}: an empty file, not an event database (create one with `init`)"
        )


def _has_sqlite_header(p: Path) -> bool:
    """Whether the file starts like an SQLite database (a damaged one, if SQLite refused
    it). Only called when no connection of this process uses the file."""
    try:
        with p.open("rb") as f:
            return f.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def _connect(p: Path, readonly: bool) -> sqlite3.Connection:
    kw: dict[str, Any] = {"timeout": BUSY_TIMEOUT_S, "check_same_thread": False,
                          "isolation_level": None}  # fmt: skip
    try:
        if not readonly:
            conn: sqlite3.Connection = sqlite3.connect(str(p), **kw)
            return conn
        uri = "file:" + quote(str(p.resolve()))
        conn = sqlite3.connect(uri + "?mode=ro", uri=True, **kw)
        try:
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.OperationalError:
            # A WAL database in a read-only folder or mount: no -shm can be made there.
            conn.close()
            conn = sqlite3.connect(uri + "?immutable=1", uri=True, **kw)
            return conn
    except sqlite3.Error as exc:
        raise db_error(str(p), exc) from None


def _identify(conn: sqlite3.Connection, p: Path) -> bool:
    """True for a database with no tables at all; refuses another application's file."""
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )]  # fmt: skip
        if not tables:
            return True
        ours = (
            "_sqlite_migrations" in tables
            and conn.execute(
                "SELECT 1 FROM _sqlite_migrations WHERE migration_set = 'forum-checkin' LIMIT 1"
            ).fetchone()
        )
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        if "not a database" in str(exc) and not _has_sqlite_header(p):
            raise DatabaseUnavailable(f"{p}: not an SQLite database, so not an event database; "
                                      "nothing was changed") from None  # fmt: skip
        raise db_error(str(p), exc) from None
    if not ours:
        shown = ", ".join(sorted(tables)[:6]) + (" …" if len(tables) > 6 else "")
        raise DatabaseUnavailable(
            f"{p}: not a Forum Check-in event database (it holds other tables: {shown}); "
            "nothing was changed"
        )
    return False


def _quick_check(conn: sqlite3.Connection, p: Path) -> None:
    try:
        rows = [r[0] for r in conn.execute("PRAGMA quick_check(3)")]
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        raise db_error(str(p), exc) from None
    if rows != ["ok"]:
        problem = " ".join("; ".join(str(r) for r in rows).split())[:300]
        raise DatabaseUnavailable(
            f"{p}: the database file is damaged ({problem}); no check-in is decided from it. "
            "Restore it from a backup or ask the organizers for a fresh copy"
        )


def _make_private(p: Path) -> None:
    """Event databases hold personal data and the signing key: owner-only (0600)."""
    for f in (p, Path(f"{p}-wal"), Path(f"{p}-shm")):
        with contextlib.suppress(OSError):
            st = f.stat()
            if st.st_uid == os.getuid() and st.st_mode & 0o077:
                f.chmod(0o600)
