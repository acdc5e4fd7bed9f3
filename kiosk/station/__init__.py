"""The station host: a Qt-free child process that owns every SQLite connection of the GUI.

A database on a pulled USB drive, or files made immutable while a connection is open,
kill the process that holds the connection (SQLite maps the `-shm` file: SIGBUS). No
Python code survives that, so the GUI holds no connection: it sends typed requests
(`protocol`) to this child on one pipe per lane and gets typed replies back.

- `wire`: what travels: `Request[R]`, its envelope (id, origin), `Done[R]` / `Failed`.
- `protocol`: the requests and their reply types; `syncproto`: the sync lane's;
  `printproto`: the print lane's.
- `host`: the child's main loop: one thread and one Store per lane (desk, reader, jobs,
  sync, print), `python -m kiosk.station`; `handlers`: what each request does there
  (`printhandlers`: printing through CUPS, followed).
- `process`: the parent's side: start the child, carry envelopes, notice its death.
- `client`: the one client: `submit(request, origin)` -> a future, one worker per lane;
  `errors`: the typed exceptions its futures raise.
- `desk`: the desk's session: the database's state, kept scans (`kept`), recovery.
- `snapshot`, `scoped`: everything the organizers' dashboard shows, in one transaction.
"""
