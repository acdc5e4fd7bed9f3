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

Version 3 locks the door (issue 18): each station has its own login (kiosk.sync.hubroles)
and row-level security lets it write only under its own station id; only the hub owner
(who bypasses it) updates or deletes. Upgrading a hub of version 2 moves the private part
of the entries it holds into `hub_private` (all of it kept: the station joins it again).
"""

from __future__ import annotations

VERSION_KEY = "schema_version"
EVENT_KEY = "event_id"
PUBLIC_KEY = "public_key"
IDENTITY_KEY = "hub_id"
IDENTITY_STEP = 2  # the identity is made before this version is recorded
SPLIT_STEP = 3  # existing entries' private parts are moved to hub_private before this

# Row-level security (the hub owner bypasses it; station logins are kiosk.sync.hubroles'):
# a login may write under a station id when hub_members names it for that id, or names it
# a desk (the desk relays every station's entries).
_MINE = "(SELECT m.station_id FROM hub_members m WHERE m.role_name = current_user)"
_MINE_OR_DESK = (
    "(EXISTS (SELECT 1 FROM hub_members m WHERE m.role_name = current_user "
    "AND (m.station_id = {table}.station_id OR m.role = 'desk')))"
)
#: The kinds of entries each role may store (the hub's own copy of kiosk.trust.roles, with
#: walk-ins at doors allowed: the event's setting is checked by every receiver). A door's
#: undo (`annul`) only of an entry of its own stream.
#: Both also hand their own public key over once (`station_key`, kiosk.sync.enroll).
DOOR_KINDS = ("entry", "exit", "meeting_mark", "pin_attempt", "walk_in", "badge_issue",
              "badge_print", "station_key")  # fmt: skip
KIOSK_KINDS = ("entry", "pin_attempt", "station_key")


def _kinds(kinds: tuple[str, ...]) -> str:
    return "hub_entries.kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")"


#: What a station login (a door's or a kiosk's, not a desk's) may store at most: a stolen
#: login must not fill the hub, nor every station that pulls from it (a page holds at
#: least one entry, whatever its size), nor make a stream no receiver gets past.
MAX_DATA = 65_536  # an entry's public or private part (JSON, bytes)
MAX_TEXT = 4_096  # its other text columns together (bytes)
_DESK_LOGIN = ("(EXISTS (SELECT 1 FROM hub_members m WHERE m.role_name = current_user "
               "AND m.role = 'desk'))")  # fmt: skip
_TEXTS = ("station", "at", "kind", "session_id", "operator", "outcome", "ref", "batch",
          "attendee_id")  # fmt: skip
#: A station's own entry: the next number of its stream or one the hub holds (no gap, no
#: jump to a huge number), received now (the hub's clock, not the station's word), bounded.
_BOUNDED = (
    "hub_entries.station_seq >= 1 AND hub_entries.station_seq <= 1 + COALESCE((SELECT "
    "MAX(x.station_seq) FROM hub_entries x WHERE x.station_id = hub_entries.station_id), 0) "
    "AND hub_entries.received_at = CURRENT_TIMESTAMP "
    f"AND octet_length(hub_entries.data) <= {MAX_DATA} AND "
    + " + ".join(f"COALESCE(octet_length(hub_entries.{c}), 0)" for c in _TEXTS)
    + f" <= {MAX_TEXT} AND COALESCE(octet_length(hub_entries.sig), 0) <= 128 "
    "AND COALESCE(octet_length(hub_entries.private_hash), 0) <= 64"
)
_MAY_INSERT = (
    "(EXISTS (SELECT 1 FROM hub_members m WHERE m.role_name = current_user AND "
    f"(m.role = 'desk' OR (m.station_id = hub_entries.station_id AND {_BOUNDED} AND ("
    f"(m.role = 'kiosk' AND {_kinds(KIOSK_KINDS)}) OR "
    f"(m.role = 'door' AND ({_kinds(DOOR_KINDS)} OR (hub_entries.kind = 'annul' AND "
    "EXISTS (SELECT 1 FROM hub_entries r WHERE r.uuid = CAST(hub_entries.ref AS UUID) "
    "AND r.station_id = hub_entries.station_id)))))))))"
)
#: A station moves its own head only to what the hub holds of its stream (the desk: any).
_HEAD_HELD = (
    "hub_streams.head = (SELECT MAX(x.station_seq) FROM hub_entries x "
    "WHERE x.station_id = hub_streams.station_id)"
)
#: Its row in `hub status`: seen now (by the hub's clock), bounded texts.
_OWN_ROW = (
    "last_seen = CURRENT_TIMESTAMP AND (refused_at IS NULL OR refused_at <= CURRENT_TIMESTAMP) "
    "AND octet_length(name) <= 256 AND octet_length(receive) <= 64 "
    "AND octet_length(release) <= 64 AND octet_length(former) <= 4096 "
    f"AND COALESCE(octet_length(refused), 0) <= {MAX_TEXT}"
)


def _policy(table: str, name: str, body: str) -> tuple[str, str]:
    """Drop and create (CREATE POLICY has no IF NOT EXISTS): the step may run again."""
    return (f"DROP POLICY IF EXISTS {name} ON {table}", f"CREATE POLICY {name} ON {table} {body}")


_SECURITY: tuple[str, ...] = (
    *(
        f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY"
        for t in (
            "hub_meta",
            "hub_entries",
            "hub_streams",
            "hub_stations",
            "hub_forgotten",
            "hub_members",
            "hub_private",
            "hub_logins",  # no policy, no grant: the owner's only
        )
    ),
    # Everyone reads every entry and head (kiosks are granted no hub_private at all).
    *_policy("hub_entries", "fc_read", "FOR SELECT USING (true)"),
    *_policy("hub_private", "fc_read", "FOR SELECT USING (true)"),
    # a private part only for an entry of the same station id, that the login may write
    *_policy(
        "hub_private",
        "fc_insert",
        "FOR INSERT WITH CHECK (EXISTS (SELECT 1 FROM hub_entries e WHERE e.uuid = "
        "hub_private.uuid AND e.station_id = hub_private.station_id) AND "
        + _MINE_OR_DESK.format(table="hub_private")
        + f" AND (octet_length(hub_private.data) <= {MAX_DATA} OR {_DESK_LOGIN}))",
    ),
    *_policy(
        "hub_entries",
        "fc_insert",
        "FOR INSERT WITH CHECK " + _MAY_INSERT,
    ),
    *_policy("hub_streams", "fc_read", "FOR SELECT USING (true)"),
    *_policy(
        "hub_streams",
        "fc_write",
        "FOR ALL USING ({c}) WITH CHECK ({c} AND ({desk} OR {held}))".format(
            c=_MINE_OR_DESK.format(table="hub_streams"), desk=_DESK_LOGIN, held=_HEAD_HELD
        ),
    ),
    *_policy("hub_stations", "fc_read", "FOR SELECT USING (true)"),
    *_policy(
        "hub_stations",
        "fc_write",
        f"FOR ALL USING (station_id = {_MINE}) WITH CHECK (station_id = {_MINE} AND {_OWN_ROW})",
    ),
    *_policy("hub_meta", "fc_read", "FOR SELECT USING (true)"),
    *_policy("hub_forgotten", "fc_read", "FOR SELECT USING (true)"),
    *_policy("hub_members", "fc_own", "FOR SELECT USING (role_name = current_user)"),
)

#: Schema 4: a station login expires with its certificate (hub_members.valid_until,
#: kiosk.sync.hubroles). `VALID UNTIL` refuses it a new connection; every policy that lets
#: it write asks its own row too, so a connection opened before the expiry stores nothing
#: after it; the desk takes its grants (reads included) at its next sync
#: (`Hub.expire_logins`). The read policies stay `USING (true)`: a sub-query in
#: hub_entries' would recurse, as its insert policy reads hub_entries.
_LIVE = " AND (m.valid_until IS NULL OR m.valid_until > CURRENT_TIMESTAMP)"


def _expiring(stmt: str) -> str:
    """A policy of schema 3 as schema 4 has it: its login's row must not be expired."""
    return stmt.replace("m.role_name = current_user", "m.role_name = current_user" + _LIVE)


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
    (
        # Trusted stations (issue 18): `data` holds an entry's public part only, its
        # private part (e-mails, phones, notes, badge codes: kiosk.trust.split) is in
        # `hub_private`, a table kiosk logins are granted nothing of (a table, not a
        # column grant: CockroachDB has no column privileges); the signature covers both
        # (the private part through `private_hash`).
        "ALTER TABLE hub_entries ADD COLUMN IF NOT EXISTS private_hash BYTEA",
        "ALTER TABLE hub_entries ADD COLUMN IF NOT EXISTS sig BYTEA",
        """CREATE TABLE IF NOT EXISTS hub_private (
            uuid UUID PRIMARY KEY,
            station_id TEXT NOT NULL,
            data TEXT NOT NULL
        )""",
        # The entries the hub refused a station, as that station last said (`hub status`).
        "ALTER TABLE hub_stations ADD COLUMN IF NOT EXISTS refused TEXT",
        "ALTER TABLE hub_stations ADD COLUMN IF NOT EXISTS refused_at TIMESTAMPTZ",
        # Each station's own login (kiosk.sync.hubroles): the station id it writes under
        # and its role (each login reads its own row) ...
        """CREATE TABLE IF NOT EXISTS hub_members (
            role_name TEXT PRIMARY KEY,
            station_id TEXT NOT NULL,
            role TEXT NOT NULL,
            created_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP,
            revoked_at TIMESTAMPTZ
        )""",
        # ... and the SCRAM verifier the desk recreates it from on a new hub (the owner's).
        """CREATE TABLE IF NOT EXISTS hub_logins (
            role_name TEXT PRIMARY KEY,
            verifier TEXT NOT NULL
        )""",
        *_SECURITY,
    ),
    (
        # When each station login expires: its certificate's expiry (NULL: never).
        "ALTER TABLE hub_members ADD COLUMN IF NOT EXISTS valid_until TIMESTAMPTZ",
        *(_expiring(stmt) for stmt in _SECURITY),
    ),
)
LATEST = len(STEPS)

#: Taken from every login but the owner where the server lets the owner take them (a
#: superuser owner, or the database's owner; each tried alone, the others go on): large
#: objects and temporary tables are stored outside every table's bounds and policies, so
#: a stolen station login could fill the hub's disk with them. `{db}` is the database.
#: PostgreSQL's own; other servers (CockroachDB: no large objects) skip what they lack.
HARDEN: tuple[str, ...] = (
    "REVOKE EXECUTE ON FUNCTION lo_create FROM PUBLIC",
    "REVOKE EXECUTE ON FUNCTION lo_creat FROM PUBLIC",
    "REVOKE EXECUTE ON FUNCTION lo_from_bytea FROM PUBLIC",
    "REVOKE TEMPORARY ON DATABASE {db} FROM PUBLIC",
)
