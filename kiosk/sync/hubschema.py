"""The hub's schema, as portable SQL: PostgreSQL, CockroachDB and YugabyteDB run it as is.

Rules (checked by tests/sync/test_sync_hub_sql.py on every statement the hub code sends):
tables keyed by uuid or by the station's own id; no sequences, serial or identity
columns; no triggers, LISTEN/NOTIFY or advisory locks; every insert is idempotent
(`ON CONFLICT DO NOTHING`, or an upsert on the primary key).

Versions are steps in order; `hub_meta` holds the version reached. Each step only
creates what is missing (IF NOT EXISTS), so two `hub init` at once, or one stopped half
way, end in the same schema.

A hub has an identity (`hub_meta` key `hub_id`, a uuid made by the `hub init` that
reaches version 2, before that version is written): stations keep their positions per
identity, so a hub they do not know (new, or a different one at the same address) is
refilled from them. A backup restored keeps its identity, and a hub emptied in place
keeps it too: stations see that the hub holds less than they know it held, and push it
again.
"""

from __future__ import annotations

VERSION_KEY = "schema_version"
EVENT_KEY = "event_id"
PUBLIC_KEY = "public_key"
IDENTITY_KEY = "hub_id"
IDENTITY_STEP = 2  # the identity is made before this version is recorded

STEPS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE IF NOT EXISTS hub_meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )""",
        # Every log entry of every station, as the station wrote it. `station_id` and
        # `station_seq` are the pull cursor: each station's own numbers, no global counter.
        """CREATE TABLE IF NOT EXISTS hub_entries (
            uuid UUID PRIMARY KEY,
            station_id TEXT NOT NULL,
            station_seq BIGINT NOT NULL,
            station TEXT NOT NULL,
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            session_id TEXT NOT NULL,
            attendee_id TEXT,
            badge_id BIGINT,
            operator TEXT NOT NULL,
            outcome TEXT,
            ref TEXT,
            batch TEXT,
            data TEXT NOT NULL,
            received_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
            UNIQUE (station_id, station_seq)
        )""",
        # Per station id: the highest number the hub holds (1..head, no gaps), written in
        # the transaction that stores the entries. An idle round reads only this table.
        """CREATE TABLE IF NOT EXISTS hub_streams (
            station_id TEXT PRIMARY KEY,
            head BIGINT NOT NULL
        )""",
        # What each station said at its last contact (for `hub status`).
        """CREATE TABLE IF NOT EXISTS hub_stations (
            station_id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            last_seen TIMESTAMPTZ NOT NULL,
            station_clock TIMESTAMPTZ NOT NULL,
            skew_ms BIGINT,
            held BIGINT NOT NULL,
            waiting BIGINT NOT NULL,
            receive TEXT NOT NULL,
            release TEXT NOT NULL
        )""",
    ),
    (
        # The ids a station had before a fork repair gave it a new one (JSON list): their
        # streams are shown under the station's one row.
        "ALTER TABLE hub_stations ADD COLUMN IF NOT EXISTS former TEXT NOT NULL DEFAULT '[]'",
        # While a station refills a hub that lacked its entries: how many of its entries
        # the hub holds, of how many it holds (NULL when it is not refilling).
        "ALTER TABLE hub_stations ADD COLUMN IF NOT EXISTS refill_done BIGINT",
        "ALTER TABLE hub_stations ADD COLUMN IF NOT EXISTS refill_total BIGINT",
        # Stations the organizers removed from `hub status` (`hub forget`); one seen again
        # after that shows again. Its entries stay: they are the record.
        """CREATE TABLE IF NOT EXISTS hub_forgotten (
            station_id TEXT PRIMARY KEY,
            forgotten_at TIMESTAMPTZ NOT NULL
        )""",
    ),
)
LATEST = len(STEPS)
