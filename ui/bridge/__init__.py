"""The bridge between the GUI thread and the station host (the child that owns SQLite)."""
