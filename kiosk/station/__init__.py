"""The station host: a Qt-free child process that owns every SQLite connection of the GUI.

A database on a pulled USB drive, or files made immutable while a connection is open,
kill the process that holds the connection (SQLite maps the `-shm` file: SIGBUS). No
Python code survives that, so the GUI holds no connection: it sends typed requests
(`protocol`) to this child on one pipe per lane and gets typed replies back.

- `protocol`: the requests, the replies, the problems a reply can name.
- `host`: the child's main loop: one thread and one Store per lane (desk, reader, jobs;
  a sync lane can join them), `python -m kiosk.station`.
- `handlers`: what each request does, on the lane's Store and CheckinService.
- `process`: the parent's side: start the child, call a lane, notice its death, restart.
- `kept`: scans kept (with their real time) while the database cannot be written.
- `snapshot`: everything the organizers' dashboard shows, read in one transaction.
"""
