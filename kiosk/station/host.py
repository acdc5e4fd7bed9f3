"""The station host's main loop (the child process): one thread, one Store per lane.

`python -m kiosk.station --db PATH --lane desk=FD --lane reader=FD ...` serves each lane's
pipe (a socket inherited from the GUI) in its own thread: receive a request in its
envelope, run it on the lane's connection, send the reply with the envelope's id and
origin. It ends when the GUI closes the pipes (or dies).
Ctrl+C in the terminal is the GUI's to handle: the host ignores SIGINT.
"""

from __future__ import annotations

import argparse
import dataclasses
import faulthandler
import logging
import pickle
import signal
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path

import kiosk.station.printhandlers  # noqa: F401  (registers the print lane's handlers)
from kiosk.station.handlers import Lane
from kiosk.station.syncing import StationEpoch, SyncLane
from kiosk.station.wire import LANES, Done, Envelope, Failed, Problem, Progress

log = logging.getLogger("forum_checkin.station")


def serve(
    conn: Connection, lane: Lane | SyncLane, name: str, epoch: StationEpoch | None = None
) -> None:
    """Answer requests on `conn` until the other end closes it."""
    lock = threading.Lock()
    seen = 0

    def send(message: object) -> None:
        with lock:
            conn.send(message)

    try:
        while True:
            try:
                envelope = conn.recv()
            except (EOFError, OSError):
                return
            except (pickle.UnpicklingError, AttributeError, ImportError) as exc:
                send(Failed(Problem.FAILED, f"unreadable request on lane {name}: {exc}"))
                continue
            if not isinstance(envelope, Envelope):
                what = type(envelope).__name__
                send(Failed(Problem.INVALID, f"lane {name}: {what} is not in an envelope"))
                continue
            if epoch is not None:  # sync gave this station a new id: read it again
                seen = epoch.refresh(lane, seen)
            ident, origin = envelope.id, envelope.origin

            def progress(done: int, total: int, ident: int = ident) -> None:
                send(Progress(done, total, ident))

            reply = dataclasses.replace(
                lane.run(envelope.request, progress=progress), id=ident, origin=origin
            )
            if epoch is not None and envelope.request.admits and isinstance(reply, Done):
                epoch.nudge()  # the sync loop pushes it now, not at its next round
            try:
                send(reply)
            except (pickle.PicklingError, TypeError, AttributeError) as exc:
                what = type(envelope.request).__name__
                log.exception("reply to %s cannot be sent", what)
                send(Failed(Problem.FAILED, f"the reply to {what}: {exc}", ident, origin))
            except OSError:
                return
    finally:
        lane.close()
        conn.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m kiosk.station", description=__doc__)
    p.add_argument("--db", type=Path, required=True)
    p.add_argument("--lane", action="append", default=[], metavar="NAME=FD")
    p.add_argument("--log", type=Path, default=None, help="append log lines to this file")
    args = p.parse_args(argv)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    faulthandler.enable()
    _setup_logging(args.log)
    threads = []
    epoch = StationEpoch()
    for spec in args.lane:
        name, _, fd = spec.partition("=")
        if name not in LANES or not fd.isdigit():
            p.error(f"--lane {spec}: expected one of {', '.join(LANES)}=FD")
        conn = Connection(int(fd))
        lane = SyncLane(args.db, epoch) if name == "sync" else Lane(args.db)
        t = threading.Thread(
            target=serve, args=(conn, lane, name, epoch), name=f"lane-{name}", daemon=True
        )
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
    return 0


def _setup_logging(path: Path | None) -> None:
    from kiosk.storage.paths import PrivateFileHandler

    handler: logging.Handler
    try:
        handler = PrivateFileHandler(path) if path else logging.StreamHandler()
    except OSError:
        handler = logging.StreamHandler()
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s station-host %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.getLogger("fontTools").setLevel(logging.WARNING)  # a line per glyph table per PDF


if __name__ == "__main__":
    sys.exit(main())
