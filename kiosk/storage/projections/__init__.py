"""Every projection is a pure fold of the log (kiosk.storage.projections.state, .steps),
run by two drivers (.drivers): entry by entry in the entry's transaction, and the rebuild
of everything from the log."""
