"""Start-up: the object graph (no globals), the event loop, clean shut-down.

The options are parsed by ui.app.appcli, with the commands' (`python main.py --help`).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ui.app.args import AppArgs

T0 = time.monotonic()
log = logging.getLogger("forum_checkin")


def setup_logging(log_file: Path) -> None:
    root = logging.getLogger()
    if any(getattr(h, "_forum_checkin", False) for h in root.handlers):
        return
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        from kiosk.storage.paths import PrivateFileHandler

        handler: logging.Handler = PrivateFileHandler(log_file)
    except OSError as exc:
        print(
            f"warning: cannot write the log file {log_file} ({exc.strerror}); logging to stderr",
            file=sys.stderr,
        )
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._forum_checkin = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.getLogger("fontTools").setLevel(logging.WARNING)  # a line per glyph table per PDF


def resolve_camera(spec: str) -> tuple[str | None, str | None]:
    """(primary, fallback) sources: 'auto' = webcam 0, else the demo video."""
    from ui.app.paths import demo_videos

    if spec.lower() == "none":
        return None, None
    if spec.lower() == "auto":
        videos = demo_videos()
        return "0", (str(videos[0]) if videos else None)
    return spec, None


def event_zone(db: Path | None) -> str:
    """The time zone --now is read in: the event's (the database's, else the embedded one)."""
    from kiosk.models.event import load_event

    if db is not None and db.is_file():
        from kiosk.models.errors import KioskError
        from kiosk.storage.store import Store

        try:
            store = Store.open(db, readonly=True)
            try:
                return store.event().timezone
            finally:
                store.close()
        except KioskError:
            pass  # reported when the app opens it
    return load_event().timezone


def run_app(args: AppArgs) -> int:
    """The application on the parsed options (ui.app.appcli parses them, with the commands')."""
    from ui.app.refguard import pin_singletons

    pin_singletons()
    from ui.app.paths import data_dir, demo_db_path, log_path

    setup_logging(log_path())
    if args.set_pin:
        from ui.app.settings import Settings

        try:
            Settings(data_dir() / "settings.json").set_pin(args.set_pin)
        except ValueError as exc:
            print(f"error: --set-pin: {exc}", file=sys.stderr)
            return 2
        print(f"staff PIN saved (hashed) in {data_dir() / 'settings.json'}")
        return 0

    from kiosk.models.clock import Clock, FixedClock, SystemClock, parse_instant

    clock: Clock = SystemClock()
    if args.db is None and not args.now:
        from ui.app.democlock import DemoClock

        clock = DemoClock()  # the demo admits badges at any hour
    if args.now:
        try:
            clock = FixedClock(parse_instant(args.now, event_zone(args.db)))
        except ValueError as exc:
            print(f"error: --now: {exc}", file=sys.stderr)
            return 2
    db_path: Path = args.db or demo_db_path()
    build_demo = args.db is None and not db_path.exists()
    # A --db that does not exist opens the window with a choice: create it, or open another.
    os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.*=false")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Forum Check-in")
    app.setOrganizationName("forum-checkin")
    from ui.app.shell import Shell, ShellOptions

    primary, fallback = resolve_camera(args.camera)
    shell = Shell(
        app,
        ShellOptions(
            db_path=db_path,
            build_demo=build_demo,
            clock=clock,
            mode=args.mode,
            camera=primary,
            camera_fallback=fallback,
            loop_video=not args.quit_when_source_ends,
            session_id=args.session,
            station=args.station,
            operator=args.operator,
            lang=args.lang,
            decoder=args.decoder,
            sound=not args.no_sound,
            print_on_checkin=args.print_on_checkin,
            printer=args.printer,
            label=args.label,
            fullscreen_kiosk=not args.windowed,
            echo=not args.no_echo,
            server=app_server(args.server),
        ),
    )
    shell.start()
    shell.show()
    first = {"done": False}

    def first_frame() -> None:
        if not first["done"]:
            first["done"] = True
            log.info(
                "first frame shown %.2f s after start (wall clock %.3f)",
                time.monotonic() - T0,
                time.time(),
            )

    shell.window.staff.preview.frame_shown.connect(first_frame)
    shell.window.kiosk.preview.frame_shown.connect(first_frame)
    # Ctrl+C in the terminal (`make run`) quits cleanly: Python handles signals only when it
    # runs, so a timer lets it run a few times a second.
    signal.signal(signal.SIGINT, lambda *_: shell.quit())
    wake = QTimer(shell.window)
    wake.timeout.connect(lambda: None)
    wake.start(250)
    if args.exit_after > 0:
        QTimer.singleShot(int(args.exit_after * 1000), shell.window, shell.quit)
    if args.quit_when_source_ends and shell.camera is not None:
        # Quit once the video has ended AND the database is open (a loaded machine may
        # open it after a short video ended: the codes seen meanwhile wait for it).
        waiting = {"ended", "opened"}

        def settled(what: str) -> None:
            waiting.discard(what)
            if not waiting:
                QTimer.singleShot(1500, shell.window, shell.quit)

        shell.camera.status_changed.connect(
            lambda state, _m: settled("ended") if state == "ended" else None
        )
        shell.db.opened.connect(lambda _o: settled("opened"))
    code = app.exec()
    shell.shutdown()
    return code


def app_server(server: str | None) -> object:
    """The hub from --server, $FORUM_CHECKIN_HUB or the server file; None: the setting's."""
    from kiosk.sync.server import ServerConfigError, resolve

    try:
        return resolve(server)
    except ServerConfigError as exc:
        if "no hub given" not in str(exc):
            log.warning("hub: %s", exc)
        return None
