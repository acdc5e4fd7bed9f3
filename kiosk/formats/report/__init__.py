"""The organizers' attendance report: one bilingual PDF (sessions, arrivals, groups, refusals)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kiosk.formats.report.data import ReportData, gather
from kiosk.formats.report.render import render_report
from kiosk.storage.atomic import check_writable, write_atomically
from kiosk.storage.store import Store

__all__ = ["ReportData", "ReportResult", "gather", "render_report", "write_report"]


@dataclass(frozen=True, slots=True)
class ReportResult:
    path: Path
    pages: int
    sessions: int
    size_bytes: int


def write_report(store: Store, out: Path, now: datetime) -> ReportResult:
    """Write the report for `store`'s event to `out` (all or nothing), as of `now`."""
    check_writable(out)
    data = gather(store, now)
    pdf, pages = render_report(data)
    write_atomically(out, pdf)
    return ReportResult(out, pages, len(data.sessions), len(pdf))
