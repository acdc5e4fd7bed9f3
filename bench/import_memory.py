"""Memory of an import: a 200 MB CSV (1.2 million rows) and the workbook bombs, side by side.

    .venv/bin/python bench/import_memory.py [--rows 1200000] [--limit-mb 900]

Each file is imported by the command line in a child process under an address-space limit
(resource.setrlimit); the table shows the exit status, the wall time and the peak resident
memory. Goal: the 200 MB CSV imports under 500 MB; every bomb is refused in bounded memory.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.helpers.hostile import far_cell_xlsx, shared_strings_bomb, whitespace_bomb  # noqa: E402

TICKETS = ["Full Forum", "Plenary Only", "Exhibitor", "Press"]


def big_csv(path: Path, n: int) -> Path:
    rng = random.Random(5)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Attendee #", "First Name", "Last Name", "Email", "Company", "Job Title",
                    "Cell Phone", "Ticket Type", "Notes"])  # fmt: skip
        for i in range(n):
            w.writerow([f"A{i:07d}", f"Given{i}", f"Family{i % 9973}",
                        f"person{i}@example-company{i % 500}.com",
                        f"Example Clean Energy Company Number {i % 2000}",
                        "Senior Director of Strategy", f"+1 617 555 {i % 10000:04d}",
                        rng.choice(TICKETS), "needs a vegetarian lunch" if i % 3 else ""])  # fmt: skip
    return path


def run(d: Path, limit_mb: int, f: Path) -> dict[str, object]:
    db = d / f"{f.stem}.sqlite"
    subprocess.run([sys.executable, str(REPO / "main.py"), "init", "--db", str(db)],
                   check=True, capture_output=True)  # fmt: skip
    report = d / "report.json"
    proc = subprocess.run(
        [sys.executable, "-m", "tests.helpers.limited", str(limit_mb), str(report),
         str(REPO / "main.py"), "import", str(f), "--db", str(db)],
        cwd=REPO, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    out: dict[str, object] = json.loads(report.read_text())
    out["said"] = (proc.stdout.strip().splitlines() or proc.stderr.strip().splitlines() or [""])[-1]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=1_200_000)
    ap.add_argument("--limit-mb", type=int, default=900)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        files = [
            (f"CSV, {args.rows:,} rows", big_csv(d / "big.csv", args.rows), 500),
            ("XLSX, one cell at ZZZZZZZ2", far_cell_xlsx(d), 300),
            ("XLSX, shared strings inflating to 1 GB", shared_strings_bomb(d), 300),
            ("XLSX, 1 GB of whitespace", whitespace_bomb(d), 300),
        ]
        rows = []
        for label, f, goal in files:
            size = f.stat().st_size / (1 << 20)
            rows.append((f"{label} ({size:,.1f} MB)", run(d, args.limit_mb, f), goal))
    load = os.getloadavg()[0]
    print(f"\nImport memory under RLIMIT_AS {args.limit_mb} MB "
          f"(load average {load:.1f} on {os.cpu_count()} cores)\n")  # fmt: skip
    print(
        f"{'file':<52} {'exit':>4} {'wall s':>7} {'peak MB':>8} {'goal MB':>8}  result / what it said"
    )
    print("-" * 130)
    for label, r, goal in rows:
        verdict = "pass" if float(r["peak_mb"]) < goal else "FAIL"  # type: ignore[arg-type]
        said = str(r["said"])[:60]
        print(f"{label:<52} {r['exit']!s:>4} {r['seconds']!s:>7} {r['peak_mb']!s:>8} "
              f"{'< ' + str(goal):>8}  {verdict} / {said}")  # fmt: skip


if __name__ == "__main__":
    main()
