"""The benchmarks of issue 17, for the commit before and for this tree, side by side in one
table from one run: check-in p99 (with the raw fdatasync p50/p99 of the same disk, same
run), a rebuild of 1,000,000 log entries, a 100,000-row import, and sync throughput.

The commit before is checked out with `git worktree add --detach` in a temporary folder
(`--base`: default bc80239, the commit before the one fold). Every figure is measured in a
child process that imports `kiosk` and the bench modules from one tree (the timing code
here is the same for both); the inputs are built once, with the base tree's code, and
copied, so both trees work on the same bytes. The check-in is measured twice: on a database
each tree builds itself with the same seeds (no station enrolled: neither tree signs), and
on the base's copy, which a tree with trusted stations converts into the event's signing
desk at its first open.

    .venv/bin/python bench/compare.py [--base main] [--entries 1000000] [--attendees 100000]
        [--rows 100000] [--sync 20000] [--scans 2000] [--only rebuild,import] [--rounds 3]

`--only` measures some of the figures (checkin, rebuild, import, sync): a short run while
working on one of them; the table then has only their rows.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


# -- in the child: one measure with one tree's kiosk ------------------------------------------
def _pin(tree: str) -> None:
    """Import kiosk, and the bench modules that drive it, from `tree` (each tree's bench
    speaks its own tree's API; a package already imported keeps its own folder)."""
    sys.path[:0] = [tree, str(Path(tree) / "bench")]
    import kiosk

    assert kiosk.__file__ and Path(kiosk.__file__).is_relative_to(tree), kiosk.__file__


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))]


def fdatasync_ms(folder: Path, n: int = 1000) -> list[float]:
    """The raw cost of the disk's flush beside the database (as bench/checkin.py)."""
    path = folder / "fdatasync.probe"
    out = []
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for i in range(n):
            os.pwrite(fd, b"\0" * 4096, (i % 16) * 4096)
            t0 = time.perf_counter()
            os.fdatasync(fd)
            out.append((time.perf_counter() - t0) * 1e3)
    finally:
        os.close(fd)
        path.unlink()
    return out


def child_checkin(db: str, codes_file: str) -> dict[str, float]:
    import checkin

    from kiosk.storage.store import Store

    codes = json.loads(Path(codes_file).read_text())
    half = len(codes) // 2
    # Opened once first: a tree that converts the base's database (its migrations write the
    # WAL and the disk flushes it afterwards) does so before the clock runs, as at an upgrade.
    store = Store.open(Path(db))
    store.checkpoint()
    store.close()
    os.sync()
    m = checkin.measure(Path(db), codes[:half], "FULL")["check_in"]
    sync = fdatasync_ms(Path(db).parent)
    normal = checkin.measure(Path(db), codes[half:], "NORMAL")["check_in"]
    return {"p50": statistics.median(m), "p99": _pct(m, 0.99),
            "fsync_p50": statistics.median(sync), "fsync_p99": _pct(sync, 0.99),
            "normal_p50": statistics.median(normal), "normal_p99": _pct(normal, 0.99)}  # fmt: skip


def child_rebuild(db: str) -> dict[str, float]:
    import resource

    from kiosk.formats.importer import paused_gc
    from kiosk.storage.store import Store

    store = Store.open(Path(db))
    t = time.perf_counter()
    with paused_gc():
        n = store.rebuild_projections()
    took = time.perf_counter() - t
    store.close()
    return {
        "s": took,
        "entries": n,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def child_import(folder: str, csv_file: str) -> dict[str, float]:
    from datetime import UTC, datetime

    from kiosk.checkin.bootstrap import init_database
    from kiosk.checkin.service import CheckinService
    from kiosk.formats.importer import import_attendees
    from kiosk.models.clock import FixedClock
    from kiosk.models.event import load_event

    store = init_database(Path(folder) / "import.sqlite", load_event())
    service = CheckinService(store, FixedClock(datetime.now(UTC)))
    t0, c0 = time.perf_counter(), time.process_time()
    result = import_attendees(service, Path(csv_file))
    out = {"s": time.perf_counter() - t0, "cpu": time.process_time() - c0,
           "rows": result.inserted}  # fmt: skip
    store.close()
    return out


def child_sync(entries: str) -> dict[str, float]:
    import sync_throughput as st
    from synclib import add_scans, hub_and_desk, make_station

    from kiosk.sync.privacy import Receive

    n = int(entries)
    with hub_and_desk("compare", attendees=1000) as (_, folder, server, _desk):
        a = make_station(folder, "door-a", server)
        b = make_station(folder, "door-b", server)
        kiosk = make_station(folder, "kiosk", server, receive=Receive.NAMES)
        add_scans(a, n)
        push, pushed, _ = st.timed_sync(a, server)
        pull, _, pulled = st.timed_sync(b, server)
        names, _, got = st.timed_sync(kiosk, server)
    return {"push": pushed / push, "pull": pulled / pull, "names": got / names}


FIGURES = ("checkin", "rebuild", "import", "sync")
CHILDREN: dict[str, Callable[..., dict[str, float]]] = {"checkin": child_checkin, "rebuild": child_rebuild, "import": child_import,
            "sync": child_sync}  # fmt: skip


# -- in the parent ----------------------------------------------------------------------------
def _child(tree: Path, what: str, *args: str) -> str:
    out = subprocess.run([sys.executable, __file__, "--child", str(tree), what, *args],
                         capture_output=True, text=True, cwd=tree)  # fmt: skip
    if out.returncode != 0:
        sys.exit(f"{what} with {tree} failed:\n{out.stderr[-3000:]}")
    return out.stdout


def run(tree: Path, what: str, *args: str) -> dict[str, float]:
    out: dict[str, float] = json.loads(_child(tree, what, *args).strip().splitlines()[-1])
    return out


def _build_checkin(db: Path, codes: Path, args: argparse.Namespace) -> str:
    """A script for `exec`: bench/checkin.build of `args.attendees` badged attendees into
    `db`, the sampled codes into `codes`."""
    return ("import json; from pathlib import Path; import checkin\n"
            f"codes = checkin.build(Path({str(db)!r}), {args.attendees}, {args.scans})\n"
            f"Path({str(codes)!r}).write_text(json.dumps(codes))\n")  # fmt: skip


def prepare(tree: Path, tmp: Path, args: argparse.Namespace) -> dict[str, Path]:
    """The inputs, built once with the base tree's code: a database with `attendees`
    badged attendees and sampled codes, a log of `entries` entries, a CSV of `rows` rows
    (only those that `--only` asks for)."""
    only = args.only
    script = "import json, sys; from pathlib import Path; sys.argv=['x'];\n"
    script += "import checkin, rebuild, import_rows\n"
    if "checkin" in only:
        script += _build_checkin(tmp / "checkin.sqlite", tmp / "codes.json", args)
    if "rebuild" in only:
        script += f"rebuild.build(Path({str(tmp / 'rebuild.sqlite')!r}), {args.entries}, 50000)\n"
    if "import" in only:
        script += f"csv, _x, _r = import_rows.write_files(Path({str(tmp)!r}), {args.rows})\n"
    else:
        script += "csv = ''\n"
    script += "print(csv)\n"
    csv = Path(_child(tree, "exec", script).rstrip("\n").split("\n")[-1])  # '' without import
    return {"checkin": tmp / "checkin.sqlite", "codes": tmp / "codes.json",
            "rebuild": tmp / "rebuild.sqlite", "csv": csv}  # fmt: skip


def copy_db(src: Path, dst: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        s = Path(str(src) + suffix)
        if s.exists():
            shutil.copyfile(s, str(dst) + suffix)
    return dst


def measure_tree(tree: Path, inputs: dict[str, Path], tmp: Path, args: argparse.Namespace,
                 label: str) -> dict[str, float]:  # fmt: skip
    out: dict[str, float] = {}
    folder = tmp / label
    folder.mkdir()
    only = args.only
    if "checkin" in only:
        # 1. Each tree on a database it builds itself (same seeds, same program): no
        # station is enrolled, so neither tree signs; this is the fold's own cost.
        own, own_codes = folder / "own.sqlite", folder / "own-codes.json"
        _child(tree, "exec", _build_checkin(own, own_codes, args))
        for k, v in run(tree, "checkin", str(own), str(own_codes)).items():
            out["checkin_" + k] = v
        own.unlink()
        # 2. The same bytes for both trees, built by the base: a tree with trusted
        # stations converts the previous release's database into the event's desk at its
        # first open (outside the clock), and then signs each check-in.
        db = copy_db(inputs["checkin"], folder / "checkin.sqlite")
        for k, v in run(tree, "checkin", str(db), str(inputs["codes"])).items():
            out["upgraded_" + k] = v
        db.unlink()
    if "rebuild" in only:
        db = copy_db(inputs["rebuild"], folder / "rebuild.sqlite")
        for k, v in run(tree, "rebuild", str(db)).items():
            out["rebuild_" + k] = v
        db.unlink()
    if "import" in only:
        for k, v in run(tree, "import", str(folder), str(inputs["csv"])).items():
            out["import_" + k] = v
    if args.sync and "sync" in only:
        for k, v in run(tree, "sync", str(args.sync)).items():
            out["sync_" + k] = v
    return out


def _median_of(rounds: list[dict[str, float]]) -> dict[str, float]:
    return {k: statistics.median(r[k] for r in rounds) for k in rounds[0]}


ROWS = [
    ("check-in p50, synchronous=FULL (ms)", "checkin_p50", "{:.3f}"),
    ("check-in p99, synchronous=FULL (ms)", "checkin_p99", "{:.3f}"),
    ("check-in p50, synchronous=NORMAL (ms)", "checkin_normal_p50", "{:.3f}"),
    ("check-in p99, synchronous=NORMAL (ms)", "checkin_normal_p99", "{:.3f}"),
    ("raw fdatasync p50, same disk (ms)", "checkin_fsync_p50", "{:.3f}"),
    ("raw fdatasync p99, same disk (ms)", "checkin_fsync_p99", "{:.3f}"),
    ("upgraded desk: check-in p50, FULL (ms) *", "upgraded_p50", "{:.3f}"),
    ("upgraded desk: check-in p99, FULL (ms) *", "upgraded_p99", "{:.3f}"),
    ("upgraded desk: check-in p50, NORMAL (ms) *", "upgraded_normal_p50", "{:.3f}"),
    ("upgraded desk: check-in p99, NORMAL (ms) *", "upgraded_normal_p99", "{:.3f}"),
    ("rebuild: seconds", "rebuild_s", "{:.2f}"),
    ("rebuild: peak RSS (MB)", "rebuild_rss_mb", "{:.0f}"),
    ("import: wall seconds", "import_s", "{:.2f}"),
    ("import: CPU seconds", "import_cpu", "{:.2f}"),
    ("sync push (entries/s)", "sync_push", "{:,.0f}"),
    ("sync pull (entries/s)", "sync_pull", "{:,.0f}"),
    ("sync pull, names-only kiosk (entries/s)", "sync_names", "{:,.0f}"),
]


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        tree, what, *rest = sys.argv[2:]
        _pin(tree)
        if what == "exec":
            exec(rest[0], {"__name__": "__bench__"})
            return
        print(json.dumps(CHILDREN[what](*rest)))
        return
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--base", default="bc80239", help="the commit before (default: bc80239)")
    ap.add_argument("--entries", type=int, default=1_000_000)
    ap.add_argument("--attendees", type=int, default=100_000)
    ap.add_argument("--scans", type=int, default=4000)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--sync", type=int, default=20_000, help="entries (0: no sync figures)")
    ap.add_argument("--rounds", type=int, default=1,
                    help="measure both trees this many times, alternated; each figure is "
                    "the median of its rounds (default: 1)")  # fmt: skip
    ap.add_argument("--only", default=",".join(FIGURES),
                    help=f"comma-separated, of {', '.join(FIGURES)} (default: all)")  # fmt: skip
    args = ap.parse_args()
    args.only = set(args.only.split(","))
    if not args.only <= set(FIGURES):
        ap.error(f"--only: one or more of {', '.join(FIGURES)}")
    base_rev = subprocess.run(["git", "rev-parse", "--short", args.base], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout.strip()  # fmt: skip
    here_rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout.strip()  # fmt: skip
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                           check=True, capture_output=True, text=True).stdout.strip()  # fmt: skip
    here_rev += "+" if dirty else ""  # this tree has changes not committed
    load0 = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        base = tmp / "base"
        subprocess.run(["git", "worktree", "add", "--detach", str(base), base_rev], cwd=ROOT,
                       check=True, capture_output=True)  # fmt: skip
        try:
            t0 = time.perf_counter()
            inputs = prepare(base, tmp, args)
            built = time.perf_counter() - t0
            rounds: list[tuple[dict[str, float], dict[str, float]]] = []
            for r in range(args.rounds):  # alternated: a change of load hits both trees
                rounds.append((measure_tree(base, inputs, tmp, args, f"before{r}"),
                               measure_tree(ROOT, inputs, tmp, args, f"after{r}")))  # fmt: skip
            before = _median_of([b for b, _ in rounds])
            after = _median_of([a for _, a in rounds])
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT,
                           check=False, capture_output=True)  # fmt: skip
    measured = [f"{args.attendees:,} badged attendees" if "checkin" in args.only else "",
            f"{int(after.get('rebuild_entries', 0)):,} log entries" if "rebuild" in args.only else "",
            f"{args.rows:,} import rows" if "import" in args.only else "",
            f"{args.sync:,} sync entries" if args.sync and "sync" in args.only else ""]  # fmt: skip
    print(f"\nIssue 17 benchmarks, one run, {args.rounds} round(s) alternated, medians "
          f"({os.cpu_count()} cores, load {load0:.1f} at the start, {os.getloadavg()[0]:.1f} at the end; inputs built in {built:.0f} s): "
          f"{', '.join(w for w in measured if w)}\n")  # fmt: skip
    hdr = f"{'figure':<44} {'before ' + base_rev:>16} {'after ' + here_rev:>16} {'change':>8}"
    print(hdr)
    print("-" * len(hdr))
    for label, key, fmt in ROWS:
        if key not in after:
            continue
        b, a = before[key], after[key]
        change = f"{(a - b) / b * 100:+.0f}%" if b else ""
        print(f"{label:<44} {fmt.format(b):>16} {fmt.format(a):>16} {change:>8}")
    if "upgraded_p50" in after:
        print("\nCheck-in rows: each tree on a database it built itself (same seeds), where no "
              "station is enrolled,\nso neither tree signs. * Both trees on the same database, "
              "built once by the base; a tree with\ntrusted stations converts it into the event's "
              "desk at its first open (outside the clock) and then\nsigns and salts each "
              "check-in, which the base never did.")  # fmt: skip


if __name__ == "__main__":
    main()
