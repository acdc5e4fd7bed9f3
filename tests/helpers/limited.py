"""Run the command line under an address-space limit and report its peak memory.

    python -m tests.helpers.limited LIMIT_MB REPORT.json main.py import FILE --db DB

The limit is set (resource.setrlimit, RLIMIT_AS) before anything is imported; the report
holds the exit code, the peak resident set (MB) and the wall time.
"""

from __future__ import annotations

import json
import resource
import runpy
import sys
import time


def _high_water_mb() -> float:
    """This program's peak resident memory. Not getrusage's ru_maxrss: on Linux that keeps
    the peak of the process before exec (a big test runner that started this one)."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    limit_mb, report, script, *args = sys.argv[1:]
    limit = int(limit_mb) << 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    sys.argv = [script, *args]
    t0 = time.perf_counter()
    code: object = 0
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as exc:
        code = exc.code
    peak_mb = _high_water_mb()
    seconds = time.perf_counter() - t0
    with open(report, "w", encoding="utf-8") as f:
        json.dump({"exit": code, "peak_mb": round(peak_mb, 1), "seconds": round(seconds, 2)}, f)
    sys.exit(code if isinstance(code, int) else 1)


if __name__ == "__main__":
    main()
