"""Trusted stations (issue 18): station keys, certificates signed by the event key,
signed log entries, and what each role may write. Qt-free; SQL lives in kiosk/storage."""
