"""End to end on a real X server: `python main.py` under Xvfb with openbox, driven by xdotool
at human and scanner speeds, as a person at the front desk would (issue 11).

System packages (scripts/sysdeps.sh): xvfb, openbox, xdotool, wmctrl, x11-utils.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.checkin.service import CheckinService
from kiosk.models.outcomes import Outcome
from kiosk.storage.store import Store
from tests.helpers.clocks import at
from tests.helpers.reads import reads

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[2]
NOW = "2024-11-04T09:05:00+08:00"
TOOLS = ("Xvfb", "openbox", "xdotool", "wmctrl", "xprop", "xwininfo")


def wait_for(check: Callable[[], object], timeout: float, what: str) -> object:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        got = check()
        if got:
            return got
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


class Screen:
    def __init__(self, display: str, env: dict[str, str]) -> None:
        self.display = display
        self.env = env

    def run(self, *args: str, check: bool = True) -> str:
        r = subprocess.run(args, env=self.env, capture_output=True, text=True, timeout=60)
        if check and r.returncode != 0:
            raise AssertionError(f"{' '.join(args)}: {r.stderr.strip()}")
        return r.stdout.strip()

    def type(self, text: str, delay_ms: int) -> None:
        self.run("xdotool", "type", "--delay", str(delay_ms), text)

    def key(self, *keys: str) -> None:
        self.run("xdotool", "key", "--delay", "40", *keys)

    def active_name(self) -> str:
        return self.run("xdotool", "getactivewindow", "getwindowname", check=False)

    def window(self, name: str, timeout: float = 30) -> str:
        def find() -> str:
            out = self.run("xdotool", "search", "--onlyvisible", "--name", name, check=False)
            return out.splitlines()[-1] if out else ""

        return str(wait_for(find, timeout, f"a window named {name!r}"))

    def evidence(self, name: str) -> None:
        """On a failure: what the screen showed and what the app logged, for the report."""
        home = Path(self.env["FORUM_CHECKIN_HOME"])
        if shutil.which("import") is not None:  # ImageMagick: optional
            self.run("import", "-window", "root", str(home / f"{name}.png"), check=False)
        log = home / "forum-checkin.log"
        print(f"active window: {self.active_name()!r}; screenshot {home / name}.png")
        print(log.read_text(encoding="utf-8") if log.exists() else "(no log)")

    def state(self, win: str) -> str:
        return self.run("xprop", "-id", win, "_NET_WM_STATE", "WM_STATE", check=False)


@pytest.fixture
def screen(tmp_path: Path) -> Iterator[Screen]:
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)} (scripts/sysdeps.sh installs them)")
    # Xvfb picks a free display itself and writes its number to a pipe (-displayfd): two
    # test workers that each looked for a free number could pick the same one
    procs: list[subprocess.Popen[bytes]] = []
    try:
        r, w = os.pipe()
        try:
            procs.append(subprocess.Popen(
                ["Xvfb", "-displayfd", str(w), "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(w,),
            ))  # fmt: skip
        finally:
            os.close(w)
        try:
            n = int(_read_line(r, 30) or "-1")
        finally:
            os.close(r)
        if n < 0:
            raise AssertionError("Xvfb did not start (no display number in 30 s)")
        display = f":{n}"
        env = dict(os.environ, DISPLAY=display, FORUM_CHECKIN_HOME=str(tmp_path / "home"))
        env.pop("QT_QPA_PLATFORM", None)
        s = Screen(display, env)
        # The socket can exist before the server answers: openbox started then cannot
        # connect and exits. Wait for an answer, and start openbox again if it went.
        wait_for(lambda: Path(f"/tmp/.X11-unix/X{n}").exists(), 30, "Xvfb")
        wait_for(lambda: subprocess.run(["xprop", "-root", "-len", "0"], env=env,
                                        capture_output=True, timeout=30).returncode == 0,
                 30, "Xvfb to answer")  # fmt: skip
        wm: list[subprocess.Popen[bytes]] = []

        def openbox_up() -> bool:
            if not wm or wm[-1].poll() is not None:
                wm.append(subprocess.Popen(
                    ["openbox"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
                ))  # fmt: skip
                procs.append(wm[-1])
            return "openbox" in s.run("wmctrl", "-m", check=False).lower()

        # A loaded machine (a whole suite on 2 cores) can take a while to start openbox.
        wait_for(openbox_up, 60, "openbox")
        yield s
    finally:  # also when the screen never came up: no process outlives the test
        for p in reversed(procs):
            p.terminate()
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def _read_line(fd: int, timeout: float) -> str:
    """One line from a pipe, waiting at most `timeout` seconds ("" if none came)."""
    import select

    out = b""
    deadline = time.monotonic() + timeout
    while not out.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return ""
        chunk = os.read(fd, 64)
        if not chunk:
            break
        out += chunk
    return out.decode("ascii", "replace").strip()


@pytest.fixture
def app(
    screen: Screen, demo_db: Path, tmp_path: Path
) -> Iterator[Callable[..., subprocess.Popen[str]]]:
    procs: list[subprocess.Popen[str]] = []

    def start(*args: str) -> subprocess.Popen[str]:
        cmd = [sys.executable, str(REPO / "main.py"), "--db", str(demo_db), "--camera", "none",
               "--now", NOW, "--no-sound", *args]  # fmt: skip
        p = subprocess.Popen(
            cmd, cwd=REPO, env=screen.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        procs.append(p)
        return p

    yield start
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGINT)  # Ctrl+C in the terminal: a clean quit
        try:
            p.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
            p.communicate()


def wait_open(screen: Screen) -> None:
    """The window is up and active, and its database is open (the log says so)."""
    log = Path(screen.env["FORUM_CHECKIN_HOME"]) / "forum-checkin.log"
    wait_for(lambda: log.exists() and "database open:" in log.read_text(encoding="utf-8"),
             60, "the database open")  # fmt: skip
    wait_for(lambda: "Forum Check-in" in screen.active_name(), 15, "the window active")
    # The X input focus on it too (a loaded machine's window manager can lag behind its
    # _NET_ACTIVE_WINDOW); nothing inside the window is clicked or focused by this.
    win = screen.run("xdotool", "getactivewindow")
    screen.run("xdotool", "windowfocus", "--sync", win, check=False)
    time.sleep(0.5)


def quit_app(p: subprocess.Popen[str]) -> str:
    p.send_signal(signal.SIGINT)
    _out, err = p.communicate(timeout=30)
    assert p.returncode == 0, err[-2000:]
    assert "Traceback" not in err
    return err


def attendee_named(db: Path, name: str) -> object:
    store = Store.open(db)
    try:
        return next((a for a in reads(store).people.everyone() if a.name == name), None)
    finally:
        store.close()


def test_walk_in_typed_at_40_ms_a_key_is_saved_as_typed(
    screen: Screen, app: Callable[..., subprocess.Popen[str]], demo_db: Path
) -> None:
    p = app()
    win = screen.window("Forum Check-in")
    # The window fits the 1366×768 screen, its frame included.
    geo = screen.run("xwininfo", "-id", win, "-frame")
    y = int(next(x for x in geo.splitlines() if "Absolute upper-left Y" in x).split(":")[1])
    h = int(next(x for x in geo.splitlines() if x.strip().startswith("Height")).split(":")[1])
    assert y >= 0 and y + h <= 768, geo
    wait_open(screen)  # a loaded machine may take more than a moment to open it
    screen.key("ctrl+n")  # from the first frame: nothing clicked before
    try:
        wait_for(lambda: "Walk-in" in screen.active_name(), 20, "the walk-in dialog")
    except AssertionError:
        screen.evidence("no-walk-in-dialog")
        raise
    fields = [
        ("Grace Lin", 1), ("", 1), ("Sunrise Solar & Storage", 1), ("", 1), ("Founder & CEO", 1),
        ("grace.lin@sunrise-solar.com", 1), ("+1 415 555 0100", 0),
    ]  # fmt: skip
    for text, tabs in fields:
        if text:
            screen.type(text, 40)
        if tabs:
            screen.key("Tab")
    screen.key("Return")
    person = wait_for(lambda: attendee_named(demo_db, "Grace Lin"), 20, "Grace Lin saved")
    assert (person.organization, person.title, person.email, person.phone) == (  # type: ignore[attr-defined]
        "Sunrise Solar & Storage", "Founder & CEO", "grace.lin@sunrise-solar.com",
        "+1 415 555 0100",
    )  # fmt: skip
    quit_app(p)
    store = Store.open(demo_db)
    try:
        entries = list(reads(store).log.entries())
    finally:
        store.close()
    assert not [e for e in entries if e.outcome is Outcome.UNKNOWN_CODE]  # no bogus scans
    assert [
        e.outcome
        for e in entries
        if e.attendee_id == person.attendee_id and e.kind.value == "entry"
    ] == [  # type: ignore[attr-defined]
        Outcome.ADMITTED
    ]


def test_a_scanner_at_5_ms_a_key_while_the_search_field_has_focus(
    screen: Screen, app: Callable[..., subprocess.Popen[str]], demo_db: Path
) -> None:
    store = Store.open(demo_db)
    try:
        svc = CheckinService(store, at("07:30"), rng=random.Random(3))
        person = list(reads(store).people.everyone())[3]
        code = svc.badge_code(person.attendee_id)
    finally:
        store.close()
    p = app()
    screen.window("Forum Check-in")
    wait_open(screen)
    screen.key("ctrl+f")
    screen.type("wan", 120)
    screen.type(code, 5)
    screen.key("Return")
    out = p.stdout
    assert out is not None
    time.sleep(2)
    quit_app(p)
    store = Store.open(demo_db)
    try:
        entries = [e for e in reads(store).log.entries() if e.kind.value == "entry"]
    finally:
        store.close()
    assert [(e.attendee_id, e.outcome) for e in entries] == [(person.attendee_id, Outcome.ADMITTED)]


def test_the_kiosk_takes_itself_back_from_the_window_manager(
    screen: Screen, app: Callable[..., subprocess.Popen[str]]
) -> None:
    p = app("--mode", "kiosk")
    win = screen.window("Forum Check-in")
    wait_for(lambda: "FULLSCREEN" in screen.state(win), 15, "full screen")

    def back() -> bool:
        s = screen.state(win)
        return "FULLSCREEN" in s and "Normal" in s

    screen.run("xdotool", "windowminimize", win)  # openbox: Alt+Space → Iconify
    time.sleep(0.3)
    wait_for(back, 1.5, "the kiosk back after Iconify")
    screen.key("ctrl+alt+Right")  # openbox: to the next desktop
    time.sleep(0.3)
    wait_for(back, 1.5, "the kiosk back after a desktop switch")
    current = next(x for x in screen.run("wmctrl", "-d").splitlines() if "*" in x).split()[0]
    assert screen.run("xprop", "-id", win, "_NET_WM_DESKTOP").endswith(f"= {current}")
    screen.run("wmctrl", "-i", "-r", win, "-b", "remove,fullscreen")
    time.sleep(0.3)
    wait_for(back, 1.5, "full screen again after wmctrl")
    # Locked: closing it from the window manager is refused too.
    screen.run("wmctrl", "-i", "-c", win)
    time.sleep(0.5)
    assert p.poll() is None and back()
