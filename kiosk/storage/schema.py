"""The schema is code: sqlite-utils Migrations, applied in order at every writable open,
inside one BEGIN IMMEDIATE transaction (two processes opening a database at once cannot
both convert it)."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from kiosk.storage.tables import PROJECTIONS as TABLES

migrations = Migrations("forum-checkin")


@migrations()
def m001_initial(db: Database) -> None:
    """Release 0.1's schema (mutable tables beside a log of scans); m002 converts it."""
    from kiosk.storage.convert_v1 import statements

    script = """
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);

        CREATE TABLE sessions (
            session_id TEXT PRIMARY KEY,
            position INTEGER NOT NULL,
            title TEXT NOT NULL, title_zh TEXT NOT NULL,
            room TEXT NOT NULL, room_zh TEXT NOT NULL,
            start_at TEXT NOT NULL, end_at TEXT NOT NULL,
            capacity INTEGER, restricted INTEGER NOT NULL, reentry INTEGER NOT NULL
        );

        CREATE TABLE attendees (
            attendee_id TEXT PRIMARY KEY,
            external_id TEXT NOT NULL DEFAULT '',
            name TEXT NOT NULL DEFAULT '', name_zh TEXT NOT NULL DEFAULT '',
            organization TEXT NOT NULL DEFAULT '', organization_zh TEXT NOT NULL DEFAULT '',
            title TEXT NOT NULL DEFAULT '',
            email TEXT NOT NULL DEFAULT '', phone TEXT NOT NULL DEFAULT '',
            category TEXT NOT NULL DEFAULT 'delegate',
            delegation TEXT NOT NULL DEFAULT '', notes TEXT NOT NULL DEFAULT '',
            attention INTEGER NOT NULL DEFAULT 0, walk_in INTEGER NOT NULL DEFAULT 0,
            sessions TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL
        );
        CREATE INDEX attendees_external_id ON attendees(external_id) WHERE external_id != '';
        CREATE INDEX attendees_email ON attendees(email COLLATE NOCASE) WHERE email != '';

        -- Registrations: a JSON array per attendee (one write per attendee on import),
        -- seen relationally through a view.
        CREATE VIEW attendee_sessions (attendee_id, session_id) AS
            SELECT a.attendee_id, j.value FROM attendees a, json_each(a.sessions) j;

        CREATE VIRTUAL TABLE attendee_fts USING fts5(
            keys, tokenize = 'unicode61 remove_diacritics 2', columnsize = 0
        );

        CREATE TABLE badges (
            badge_id INTEGER PRIMARY KEY,
            attendee_id TEXT NOT NULL REFERENCES attendees(attendee_id),
            version INTEGER NOT NULL,
            code TEXT NOT NULL,
            issued_at TEXT NOT NULL,
            revoked_at TEXT, revoked_reason TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX badges_attendee ON badges(attendee_id, version);


        -- The append-only event log: never updated, never deleted.
        CREATE TABLE log (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            uuid TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            at TEXT NOT NULL,
            session_id TEXT NOT NULL DEFAULT '',
            station TEXT NOT NULL DEFAULT '', operator TEXT NOT NULL DEFAULT '',
            method TEXT, outcome TEXT,
            attendee_id TEXT, badge_id INTEGER,
            code TEXT NOT NULL DEFAULT '',
            annuls TEXT, reason TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX log_session ON log(session_id, kind, outcome);
        CREATE INDEX log_attendee ON log(attendee_id) WHERE attendee_id IS NOT NULL;
        CREATE INDEX log_annuls ON log(annuls) WHERE annuls IS NOT NULL;
        CREATE TRIGGER log_append_only_update BEFORE UPDATE ON log
            BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
        CREATE TRIGGER log_append_only_delete BEFORE DELETE ON log
            BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;

        -- Derived from the log in the same transaction (rebuildable): who is admitted where.
        CREATE TABLE presence (
            session_id TEXT NOT NULL, attendee_id TEXT NOT NULL,
            entry_uuid TEXT NOT NULL, first_at TEXT NOT NULL, station TEXT NOT NULL,
            inside INTEGER NOT NULL,
            PRIMARY KEY (session_id, attendee_id)
        ) WITHOUT ROWID;
        CREATE TABLE session_counts (
            session_id TEXT PRIMARY KEY,
            admitted INTEGER NOT NULL DEFAULT 0, inside INTEGER NOT NULL DEFAULT 0,
            exits INTEGER NOT NULL DEFAULT 0
        );

        CREATE TABLE prints (
            uuid TEXT PRIMARY KEY,
            attendee_id TEXT NOT NULL, badge_id INTEGER NOT NULL,
            at TEXT NOT NULL, station TEXT NOT NULL, operator TEXT NOT NULL,
            reason TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX prints_attendee ON prints(attendee_id);
        """
    for stmt in statements(script):  # in the migration's transaction (not executescript)
        db.conn.execute(stmt)


# -- version 2: the log is the record ------------------------------------------------------
# Every change is a log entry (uuid, station id, the station's own sequence number, the
# station's clock, a payload); the other tables are projections of it, kept in the same
# transaction and rebuildable from the log alone (kiosk.storage.projections).
SCHEMA_V2 = """
CREATE TABLE log (
    seq INTEGER PRIMARY KEY,            -- arrival order in this database only
    uuid TEXT NOT NULL UNIQUE,
    station_id TEXT NOT NULL,
    station_seq INTEGER NOT NULL,
    station TEXT NOT NULL DEFAULT '',   -- the station's name when it wrote the entry
    at TEXT NOT NULL,                   -- the station's clock, fixed-width UTC text
    kind TEXT NOT NULL,
    session_id TEXT NOT NULL DEFAULT '',
    attendee_id TEXT,
    badge_id INTEGER,
    operator TEXT NOT NULL DEFAULT '',
    outcome TEXT,
    ref TEXT,                           -- the entry this one is about (annul: the undone one)
    batch TEXT,                         -- an import batch: applied once committed
    data TEXT NOT NULL DEFAULT '{}',    -- the payload (JSON)
    UNIQUE (station_id, station_seq)
);
CREATE INDEX log_time ON log(at, uuid);
CREATE INDEX log_person ON log(attendee_id, session_id) WHERE attendee_id IS NOT NULL;
CREATE INDEX log_ref ON log(ref) WHERE ref IS NOT NULL;
CREATE INDEX log_batch ON log(batch) WHERE batch IS NOT NULL;
CREATE TRIGGER log_append_only_update BEFORE UPDATE ON log
    BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
CREATE TRIGGER log_append_only_delete BEFORE DELETE ON log
    BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;

-- Entries stored but not (yet) applied to the projections: chunks of an import batch
-- whose commit entry has not arrived, or that are still being applied after it.
CREATE TABLE pending (uuid TEXT PRIMARY KEY, batch TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX pending_batch ON pending(batch);

-- Projections ---------------------------------------------------------------------------
CREATE TABLE sessions (
    session_id TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    title TEXT NOT NULL, title_zh TEXT NOT NULL,
    room TEXT NOT NULL, room_zh TEXT NOT NULL,
    start_at TEXT NOT NULL, end_at TEXT NOT NULL,
    capacity INTEGER, restricted INTEGER NOT NULL, reentry INTEGER NOT NULL
);

CREATE TABLE attendees (
    attendee_id TEXT NOT NULL UNIQUE,
    external_id TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL DEFAULT '', name_zh TEXT NOT NULL DEFAULT '',
    organization TEXT NOT NULL DEFAULT '', organization_zh TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '', phone TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT 'delegate',
    delegation TEXT NOT NULL DEFAULT '', notes TEXT NOT NULL DEFAULT '',
    attention INTEGER NOT NULL DEFAULT 0, walk_in INTEGER NOT NULL DEFAULT 0,
    sessions TEXT NOT NULL DEFAULT '[]',
    ticket TEXT NOT NULL DEFAULT '',    -- a foreign ticket's key (kiosk.storage.tickets)
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    ver TEXT NOT NULL,                  -- version (at|uuid) of the entry that created it
    fver TEXT NOT NULL DEFAULT '{}',    -- field -> version of its latest change after that
    merged_into TEXT                    -- set when merged into another record
);
CREATE INDEX attendees_external_id ON attendees(external_id) WHERE external_id != '';
CREATE INDEX attendees_email ON attendees(email COLLATE NOCASE) WHERE email != '';
CREATE INDEX attendees_ticket ON attendees(ticket) WHERE ticket != '';
CREATE INDEX attendees_merged ON attendees(merged_into) WHERE merged_into IS NOT NULL;
CREATE VIEW attendee_sessions (attendee_id, session_id) AS
    SELECT a.attendee_id, j.value FROM attendees a, json_each(a.sessions) j
    WHERE a.merged_into IS NULL;
CREATE VIRTUAL TABLE attendee_fts USING fts5(
    keys, tokenize = 'unicode61 remove_diacritics 2', columnsize = 0
);

-- Badges hold no codes: a station with the signing key derives a code from (badge id,
-- version) (Ed25519 signatures are deterministic); a verify-only copy cannot.
CREATE TABLE badges (
    badge_id INTEGER PRIMARY KEY,
    attendee_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    issued_at TEXT NOT NULL,
    revoked_at TEXT, revoked_reason TEXT NOT NULL DEFAULT '',
    revoked_ver TEXT                    -- version of the revocation that counts (the first)
);
CREATE INDEX badges_attendee ON badges(attendee_id, version);

-- Every foreign ticket ever given to an attendee (its first version counts), and its
-- revocation (the first counts). Valid while it is the attendee's current `ticket`.
CREATE TABLE foreign_tickets (
    code TEXT PRIMARY KEY,              -- the ticket's key (a hash), never the ticket
    attendee_id TEXT NOT NULL,
    first_ver TEXT NOT NULL, first_at TEXT NOT NULL,
    revoked_at TEXT, revoked_reason TEXT NOT NULL DEFAULT '', revoked_ver TEXT
) WITHOUT ROWID;
CREATE INDEX foreign_tickets_attendee ON foreign_tickets(attendee_id);

CREATE TABLE presence (
    session_id TEXT NOT NULL, attendee_id TEXT NOT NULL,
    entry_uuid TEXT NOT NULL, first_at TEXT NOT NULL,
    station_id TEXT NOT NULL, station TEXT NOT NULL,
    inside INTEGER NOT NULL,
    exits INTEGER NOT NULL DEFAULT 0,   -- exits folded in (re-entries make several)
    last_ver TEXT NOT NULL,             -- version of the last entry/exit folded in
    PRIMARY KEY (session_id, attendee_id)
) WITHOUT ROWID;
CREATE TABLE session_counts (
    session_id TEXT PRIMARY KEY,
    admitted INTEGER NOT NULL DEFAULT 0, inside INTEGER NOT NULL DEFAULT 0,
    exits INTEGER NOT NULL DEFAULT 0
);
-- Entries recorded by the stations that the projection did not count: an admission of
-- someone already admitted (two stations apart), kept and reported, never rejected.
CREATE TABLE duplicates (
    uuid TEXT PRIMARY KEY, session_id TEXT NOT NULL, attendee_id TEXT NOT NULL,
    at TEXT NOT NULL, station_id TEXT NOT NULL, station TEXT NOT NULL,
    first_uuid TEXT NOT NULL
) WITHOUT ROWID;
-- Scans that admitted nobody, per session and outcome (refused, already checked in).
CREATE TABLE scan_counts (
    session_id TEXT NOT NULL, kind TEXT NOT NULL, outcome TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (session_id, kind, outcome)
) WITHOUT ROWID;

CREATE TABLE prints (
    uuid TEXT PRIMARY KEY,
    attendee_id TEXT NOT NULL, badge_id INTEGER NOT NULL,
    at TEXT NOT NULL, station_id TEXT NOT NULL, station TEXT NOT NULL,
    operator TEXT NOT NULL, reason TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX prints_attendee ON prints(attendee_id);

-- Matchmaking meetings ---------------------------------------------------------------------
-- The projection of the meeting_* entries (kiosk.storage.meetings). Each attribute keeps the
-- version of the entry it came from: the latest schedule gives the fields, the latest of
-- schedule and cancel decides `cancelled`, the latest mark counts, the latest re-match of a
-- meeting names its successor. A row can exist before its schedule arrives (a mark or a
-- cancel synced first): its `ver` is then ''.


CREATE TABLE meetings (
    meeting_id TEXT PRIMARY KEY,
    start_at TEXT NOT NULL DEFAULT '', end_at TEXT NOT NULL DEFAULT '',
    table_name TEXT NOT NULL DEFAULT '',
    party_ids TEXT NOT NULL DEFAULT '',    -- the parties' attendee ids, 0x1F between them
    slot INTEGER,
    interpreter_name TEXT NOT NULL DEFAULT '',
    languages TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    rematch_of TEXT,
    ver TEXT NOT NULL DEFAULT '',          -- version of the entry the fields came from
    life_ver TEXT NOT NULL DEFAULT '',     -- version of the latest schedule or cancel
    cancelled INTEGER NOT NULL DEFAULT 0,
    cancel_reason TEXT NOT NULL DEFAULT '',
    mark TEXT, mark_at TEXT, mark_by TEXT NOT NULL DEFAULT '',
    mark_ver TEXT NOT NULL DEFAULT '',
    rematched_to TEXT,
    rematched_ver TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
-- The parties of each meeting (role 'party'), and its interpreter when an attendee.
CREATE TABLE meeting_parties (
    meeting_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    attendee_id TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT 'party',
    company TEXT NOT NULL DEFAULT '', company_zh TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (meeting_id, position)
) WITHOUT ROWID;
CREATE INDEX meeting_parties_attendee ON meeting_parties(attendee_id);
"""

# The projection tables, in the order a rebuild empties them (kiosk.storage.tables).
PROJECTIONS = TABLES


@migrations()
def m002_log_is_the_record(db: Database) -> None:
    """Release 0.1's tables become log entries (nothing lost), then the projections are
    rebuilt from the log alone (kiosk.storage.convert_v1)."""
    from kiosk.storage.convert_v1 import convert_v1

    convert_v1(db.conn, SCHEMA_V2)


# -- version 3: sync state (kiosk.storage.syncstate) ----------------------------------------
SCHEMA_V3 = """
-- Per station id: entries 1..hub_pos of that station are both here and on the hub. One
-- position serves both ways: pull fetches what the hub holds after it, push sends what
-- this database holds after it.
CREATE TABLE sync_streams (
    station_id TEXT PRIMARY KEY,
    hub_pos INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
-- The hub's clock when it stored an entry (beside the station's own clock, `log.at`).
CREATE TABLE hub_receipts (
    uuid TEXT PRIMARY KEY,
    received_at TEXT NOT NULL
) WITHOUT ROWID;
-- Entries moved to a fresh station id because the hub already held other entries under
-- their numbers (a database restored from an older backup, a cloned machine). The one
-- change the log allows: (station_id, station_seq) of an entry named here, nothing else.
CREATE TABLE log_renumbered (
    station_id TEXT NOT NULL, station_seq INTEGER NOT NULL,
    uuid TEXT NOT NULL,
    from_station_id TEXT NOT NULL, from_seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (station_id, station_seq)
);
CREATE INDEX log_renumbered_uuid ON log_renumbered(uuid);
CREATE TRIGGER log_renumbered_append_only_update BEFORE UPDATE ON log_renumbered
    BEGIN SELECT RAISE(ABORT, 'the renumbering record is append-only'); END;
CREATE TRIGGER log_renumbered_append_only_delete BEFORE DELETE ON log_renumbered
    BEGIN SELECT RAISE(ABORT, 'the renumbering record is append-only'); END;
DROP TRIGGER log_append_only_update;
CREATE TRIGGER log_append_only_update BEFORE UPDATE ON log
    WHEN NOT (
        NEW.seq IS OLD.seq AND NEW.uuid IS OLD.uuid AND NEW.station IS OLD.station
        AND NEW.at IS OLD.at AND NEW.kind IS OLD.kind AND NEW.session_id IS OLD.session_id
        AND NEW.attendee_id IS OLD.attendee_id AND NEW.badge_id IS OLD.badge_id
        AND NEW.operator IS OLD.operator AND NEW.outcome IS OLD.outcome
        AND NEW.ref IS OLD.ref AND NEW.batch IS OLD.batch AND NEW.data IS OLD.data
        AND EXISTS (SELECT 1 FROM log_renumbered r WHERE r.uuid = OLD.uuid
                    AND r.from_station_id = OLD.station_id AND r.from_seq = OLD.station_seq
                    AND r.station_id = NEW.station_id AND r.station_seq = NEW.station_seq)
    )
    BEGIN SELECT RAISE(ABORT, 'the log is append-only'); END;
"""


@migrations()
def m003_sync_state(db: Database) -> None:
    """Sync positions, hub receipts, and the one narrow exception to the append-only log
    (renumbering entries whose numbers the hub already holds)."""
    from kiosk.storage.convert_v1 import statements

    for stmt in statements(SCHEMA_V3):
        db.conn.execute(stmt)


# -- version 4: sync positions per hub identity (kiosk.storage.syncstate) -------------------
@migrations()
def m004_positions_per_hub(db: Database) -> None:
    """A station keeps its positions per hub identity: a hub it does not know is refilled."""
    from kiosk.storage.syncstate import migrate_v4

    migrate_v4(db.conn)


# -- trusted stations (issue 18): signatures in the log, entries kept aside ------------------
@migrations()
def m005_trust_signed_log(db: Database) -> None:
    """Each entry's signature and the hash of its private part; the `held` entries."""
    from kiosk.storage.trust import migrate

    migrate(db.conn)


# -- per-station figures, folded like every projection (kiosk.storage.projections.stations) --
@migrations()
def m005_fold_station_figures(db: Database) -> None:
    """What each station itself recorded (the dashboard's "this station only"), as a
    projection of the log instead of a count over it at every read; filled by a rebuild."""
    from kiosk.storage.projections.drivers import rebuild

    db.conn.execute(
        "CREATE TABLE station_admissions (station_id TEXT NOT NULL, session_id TEXT NOT NULL, "
        "attendee_id TEXT NOT NULL, first_at TEXT NOT NULL, "
        "PRIMARY KEY (station_id, session_id, attendee_id)) WITHOUT ROWID"
    )
    db.conn.execute(
        "CREATE TABLE station_outcomes (station_id TEXT NOT NULL, session_id TEXT NOT NULL, "
        "outcome TEXT NOT NULL, n INTEGER NOT NULL, "
        "PRIMARY KEY (station_id, session_id, outcome)) WITHOUT ROWID"
    )
    if db.conn.execute("SELECT 1 FROM log LIMIT 1").fetchone() is not None:
        rebuild(db.conn)


# -- the upgrade to trusted stations (issue 18 §4) -------------------------------------------
@migrations()
def m006_trust_upgrade(db: Database) -> None:
    """The previous release's desk is marked: it becomes the event's desk right after the
    migrations of this open (kiosk.storage.upgrade)."""
    from kiosk.storage.upgrade import mark

    mark(db.conn)


@migrations()
def m007_held_seen(db: Database) -> None:
    """When an entry kept aside first reached the event (judged again with it later)."""
    from kiosk.storage.trust import add_seen

    add_seen(db.conn)
