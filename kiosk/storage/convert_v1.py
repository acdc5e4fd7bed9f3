"""Converting a release-0.1 database: its tables become log entries, nothing lost.

Release 0.1 kept attendees, badges and prints as mutable tables and logged only scans,
undos, walk-ins and reprints. Here every row becomes the entry that would have made it:
the program an `event` entry, attendees `import` entries at their creation time (and a
second one at their last update), walk-ins `walk_in` entries with every field, badges
`badge_issue` / `badge_revoke`, prints `badge_print`, scans and undos as they were (same
uuids). Each station name of the old log becomes a station id; rows that named no station
are written by a "release 0.1" station. Then the projections are rebuilt from the log, and
the counts are checked against the old tables before the old tables go (any difference
rolls the whole conversion back).
"""

from __future__ import annotations

import sqlite3
import uuid
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from kiosk.models.records import ATTENDEE_FIELDS, LogKind
from kiosk.storage.base import from_json, new_uuid, to_json, ts
from kiosk.storage.fold import DEFAULTS, PERSON_FIELDS
from kiosk.storage.log import COLUMNS

CHUNK = 1000
_OLD = ("log", "attendees", "badges", "prints")


def statements(script: str) -> Iterator[str]:
    """The statements of a SQL script, for running them inside a transaction
    (`executescript` would commit first)."""
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                yield buf
            buf = ""
    if buf.strip():
        yield buf


def convert_v1(c: sqlite3.Connection, schema_v2: str) -> None:
    c.row_factory = sqlite3.Row
    for name in _OLD:
        c.execute(f"ALTER TABLE {name} RENAME TO v1_{name}")
    for trigger in ("log_append_only_update", "log_append_only_delete"):
        c.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    c.execute("DROP VIEW IF EXISTS attendee_sessions")
    for table in ("presence", "session_counts", "sessions", "attendee_fts"):
        c.execute(f"DROP TABLE IF EXISTS {table}")
    for index in ("attendees_external_id", "attendees_email", "badges_attendee", "log_session",
                  "log_attendee", "log_annuls", "prints_attendee"):  # fmt: skip
        c.execute(f"DROP INDEX IF EXISTS {index}")
    for stmt in statements(schema_v2):
        c.execute(stmt)
    before = _counts(c, old=True)
    _Converter(c).run()
    from kiosk.storage.projections.drivers import rebuild

    rebuild(c)
    after = _counts(c, old=False)
    if before != after:
        raise sqlite3.DatabaseError(
            f"converting the release-0.1 tables changed what they hold ({before} -> {after})"
        )
    for name in _OLD:
        c.execute(f"DROP TABLE v1_{name}")


def _counts(c: sqlite3.Connection, old: bool) -> dict[str, int]:
    p = "v1_" if old else ""

    def n(sql: str) -> int:
        return int(c.execute(sql).fetchone()[0])

    return {
        "attendees": n(f"SELECT COUNT(*) FROM {p}attendees"),
        "badges": n(f"SELECT COUNT(*) FROM {p}badges"),
        "revoked": n(f"SELECT COUNT(*) FROM {p}badges WHERE revoked_at IS NOT NULL"),
        "prints": n(f"SELECT COUNT(*) FROM {p}prints"),
        "scans": n(f"SELECT COUNT(*) FROM {p}log WHERE kind IN ('entry', 'exit', 'annul')"),
        "admitted": n(
            "SELECT COUNT(*) FROM (SELECT DISTINCT l.session_id, l.attendee_id FROM v1_log l "
            "WHERE l.kind = 'entry' AND l.outcome = 'admitted' AND NOT EXISTS "
            "(SELECT 1 FROM v1_log u WHERE u.annuls = l.uuid))"
            if old
            else "SELECT COUNT(*) FROM presence"
        ),
    }


class _Converter:
    def __init__(self, c: sqlite3.Connection) -> None:
        self.c = c
        self.rows: list[dict[str, Any]] = []
        self.stations: dict[str, str] = {}  # old station name -> new station id

    def station(self, name: str) -> tuple[str, str]:
        name = name or "release 0.1"
        if name not in self.stations:
            self.stations[name] = str(uuid.uuid4())
        return self.stations[name], name

    def add(self, at: str, kind: LogKind, station: str = "", **kw: Any) -> None:
        sid, sname = self.station(station)
        row: dict[str, Any] = {"uuid": kw.pop("uuid", None) or new_uuid(), "station_id": sid, "station": sname,
               "at": at, "kind": str(kind), "session_id": "", "attendee_id": None,
               "badge_id": None, "operator": "", "outcome": None, "ref": None, "batch": None,
               "data": {}}  # fmt: skip
        row.update(kw)
        self.rows.append(row)

    def run(self) -> None:
        c = self.c
        first = c.execute(
            "SELECT MIN(t) FROM (SELECT MIN(created_at) AS t FROM v1_attendees "
            "UNION ALL SELECT MIN(at) FROM v1_log UNION ALL SELECT MIN(issued_at) FROM v1_badges)"
        ).fetchone()[0]
        settings = {r[0]: r[1] for r in c.execute("SELECT key, value FROM settings")}
        if "event" in settings:
            self.add(first or ts_now(), LogKind.EVENT,
                     data={"event": from_json(settings["event"]),
                           "public_key": settings.get("public_key", "")})  # fmt: skip
        self._attendees()
        self._badges()
        self._log()
        for p in c.execute("SELECT * FROM v1_prints"):
            self.add(p["at"], LogKind.BADGE_PRINT, p["station"], uuid=p["uuid"],
                     attendee_id=p["attendee_id"], badge_id=p["badge_id"],
                     operator=p["operator"], data={"reason": p["reason"]})  # fmt: skip
        self._write()

    def _fields(self, r: sqlite3.Row) -> dict[str, Any]:
        out: dict[str, Any] = {f: r[f] for f in ATTENDEE_FIELDS if r[f] not in ("", None, 0)}
        if "attention" in out:
            out["attention"] = bool(out["attention"])
        sessions = from_json(r["sessions"]) or []
        if sessions:
            out["sessions"] = sessions
        return out

    def _attendees(self) -> None:
        walk_ins = {
            r["attendee_id"]: r
            for r in self.c.execute("SELECT * FROM v1_log WHERE kind = 'walk_in'")
        }
        groups: dict[str, list[list[Any]]] = defaultdict(list)
        for r in self.c.execute("SELECT * FROM v1_attendees ORDER BY rowid"):
            fields = self._fields(r)
            w = walk_ins.get(r["attendee_id"])
            if w is not None:
                self.add(w["at"], LogKind.WALK_IN, w["station"], uuid=w["uuid"],
                         attendee_id=r["attendee_id"], badge_id=w["badge_id"],
                         operator=w["operator"], data={"fields": fields})  # fmt: skip
                continue
            groups[r["created_at"]].append([r["attendee_id"], True, fields])
            if r["updated_at"] != r["created_at"]:
                groups[r["updated_at"]].append([r["attendee_id"], False, fields])
        for at, rows in sorted(groups.items()):
            batch = new_uuid()
            for i in range(0, len(rows), CHUNK):
                part = rows[i : i + CHUNK]
                data: dict[str, Any] = {}
                new = [[aid, *(f.get(k, DEFAULTS[k]) for k in PERSON_FIELDS)]
                       for aid, full, f in part if full]  # fmt: skip
                if new:
                    data.update(cols=list(PERSON_FIELDS), new=new)
                changed = [[aid, f] for aid, full, f in part if not full]
                if changed:
                    data["changed"] = changed
                self.add(at, LogKind.IMPORT, batch=batch, data=data)
            self.add(at, LogKind.IMPORT_COMMIT, batch=batch,
                     data={"rows": len(rows), "source": "release 0.1"})  # fmt: skip

    def _badges(self) -> None:
        reprints = {
            (r["attendee_id"], r["at"]): r
            for r in self.c.execute("SELECT * FROM v1_log WHERE kind = 'reprint'")
        }
        issued: dict[str, list[list[Any]]] = defaultdict(list)
        for b in self.c.execute("SELECT * FROM v1_badges ORDER BY issued_at, badge_id"):
            issued[b["issued_at"]].append([b["badge_id"], b["attendee_id"], b["version"]])
            if b["revoked_at"]:
                rp = reprints.pop((b["attendee_id"], b["revoked_at"]), None)
                self.add(b["revoked_at"], LogKind.BADGE_REVOKE, rp["station"] if rp else "",
                         uuid=rp["uuid"] if rp else None, attendee_id=b["attendee_id"],
                         badge_id=b["badge_id"], operator=rp["operator"] if rp else "",
                         data={"reason": b["revoked_reason"]})  # fmt: skip
        for at, rows in sorted(issued.items()):
            for i in range(0, len(rows), CHUNK):
                self.add(at, LogKind.BADGE_ISSUE, data={"badges": rows[i : i + CHUNK]})

    def _log(self) -> None:
        for r in self.c.execute(
            "SELECT * FROM v1_log WHERE kind IN ('entry', 'exit', 'annul') ORDER BY seq"
        ):
            data: dict[str, Any] = {}
            if r["method"]:
                data["method"] = r["method"]
            if r["code"] and r["badge_id"] is None:  # a badge's code is a credential
                data["code"] = r["code"]
            if r["reason"]:
                data["reason"] = r["reason"]
            self.add(r["at"], LogKind(r["kind"]), r["station"], uuid=r["uuid"],
                     session_id=r["session_id"], attendee_id=r["attendee_id"],
                     badge_id=r["badge_id"], operator=r["operator"], outcome=r["outcome"],
                     ref=r["annuls"], data=data)  # fmt: skip

    def _write(self) -> None:
        seqs: dict[str, int] = defaultdict(int)
        out = []
        for r in sorted(self.rows, key=lambda r: (r["at"], r["uuid"])):
            seqs[r["station_id"]] += 1
            out.append((r["uuid"], r["station_id"], seqs[r["station_id"]], r["station"], r["at"],
                        r["kind"], r["session_id"], r["attendee_id"], r["badge_id"],
                        r["operator"], r["outcome"], r["ref"], r["batch"],
                        to_json(r["data"])))  # fmt: skip
        marks = ", ".join("?" * 14)
        self.c.executemany(f"INSERT INTO log ({COLUMNS}) VALUES ({marks})", out)


def ts_now() -> str:
    from datetime import UTC, datetime

    return ts(datetime.now(UTC))
