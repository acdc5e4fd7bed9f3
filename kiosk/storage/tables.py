"""The names of the projection tables (kiosk.storage.schema creates them), apart from the
schema so that the rebuild, which the migrations run, needs no import of the schema."""

# The projection tables, in the order a rebuild empties them.
PROJECTIONS = (
    "sessions", "attendees", "attendee_fts", "badges", "foreign_tickets", "presence",
    "session_counts", "duplicates", "scan_counts", "prints", "pending", "meetings",
    "meeting_parties", "station_admissions", "station_outcomes",
)  # fmt: skip
