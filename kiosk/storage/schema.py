"""The schema is code: sqlite-utils Migrations, applied in order at every open."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("forum-checkin")


@migrations()
def m001_initial(db: Database) -> None:
    db.executescript(
        """
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
    )


@migrations()
def m002_foreign_tickets(db: Database) -> None:
    """Tickets issued by another system (a pretix secret, an Eventbrite barcode), accepted
    as they are at the door: looked up by exact match on the primary key."""
    db.executescript(
        """
        CREATE TABLE foreign_tickets (
            code TEXT PRIMARY KEY,
            attendee_id TEXT NOT NULL REFERENCES attendees(attendee_id),
            imported_at TEXT NOT NULL,
            revoked_at TEXT, revoked_reason TEXT NOT NULL DEFAULT ''
        ) WITHOUT ROWID;
        CREATE INDEX foreign_tickets_attendee ON foreign_tickets(attendee_id);
        """
    )
