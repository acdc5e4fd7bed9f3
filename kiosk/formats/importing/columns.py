"""Which column is read as which field: the column plan, `--map` overrides (a repeated
header is named by its occurrence, `--map "Name[2]=name"`), and the layouts of known exports
(pretix's order data: the buyer's e-mail, the invoice address block)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

from kiosk.formats.importing.fields import TARGETS, normalize_header, target_for
from kiosk.formats.importing.limits import ImportFileError, cut, header_list

NAMES = ("name", "name_zh", "name_any", "first_name", "last_name")
_ATTENDEE_EMAIL = frozenset(
    normalize_header(h) for h in (
        "attendee email", "attendee e-mail", "e-mail teilnehmer*in", "e-mail du participant",
        "correo electrónico del participante", "email partecipante", "e-mailadres van deelnemer",
        "参加者の電子メール", "观众Email", "與會者電子郵件",
    )
)  # fmt: skip
_OCCURRENCE = re.compile(r"^(.*?)\s*\[(\d+)\]$")


def _parse_overrides(overrides: Mapping[str, str], path: str) -> dict[tuple[str, int], str]:
    """(normalized header, occurrence or 0 for any) -> target."""
    wanted: dict[tuple[str, int], str] = {}
    for h, target in overrides.items():
        t = target.strip().lower()
        t = "ignore" if t in ("-", "") else t
        if t not in TARGETS:
            raise ImportFileError(
                path,
                f"--map {cut(h, 60)}={cut(target, 40)}: unknown field (fields: {', '.join(TARGETS)})",
            )
        m = _OCCURRENCE.match(h.strip())
        key = (normalize_header(m.group(1)), int(m.group(2))) if m else (normalize_header(h), 0)
        wanted[key] = t
    return wanted


def column_plan(
    header: list[str], overrides: Mapping[str, str], path: str
) -> tuple[dict[str, list[int]], dict[str, str], list[str]]:
    """target -> column indexes (priority order), header -> target, unused headers."""
    chooser = _Chooser(header, _parse_overrides(overrides, path), path)
    plan: dict[str, list[int]] = {}
    used: dict[str, str] = {}
    ignored: list[str] = []
    occurrence: Counter[str] = Counter()
    for i, (h, n) in enumerate(zip(header, chooser.normalized, strict=True)):
        occurrence[n] += 1
        nth = occurrence[n]
        found = chooser.target(i, nth)
        if found is None or found == "ignore":
            if h:
                ignored.append(h)
            continue
        plan.setdefault(found, []).append(i)
        used[h if chooser.seen[n] == 1 else f"{h}[{nth}]"] = found
    if not any(t in plan for t in NAMES):
        raise ImportFileError(
            path,
            f"no name column found (columns: {header_list(header)}); "
            'name one with --map "Header=name" (or name_zh)',
        )
    return plan, used, ignored


class _Chooser:
    """What each column is read as: `--map` first, then the header's usual meaning."""

    def __init__(self, header: list[str], wanted: dict[tuple[str, int], str], path: str) -> None:
        self.header, self.wanted, self.path = header, wanted, path
        self.normalized = normalized = [normalize_header(h) for h in header]
        self.seen: Counter[str] = Counter(normalized)
        for key, nth in wanted:
            if key not in self.seen or nth > self.seen[key]:
                which = f"column {cut(key, 40)!r}" if not nth else f"{nth} columns {cut(key, 40)!r}"
                raise ImportFileError(
                    path, f"--map: no {which} in the file (columns: {header_list(header)})"
                )
        self.auto = _auto_targets(header, normalized)
        self.read: Counter[str] = Counter(
            n for n, t in zip(normalized, self.auto, strict=True) if t not in (None, "ignore")
        )

    def target(self, i: int, nth: int) -> str | None:
        """The field column `i` (the `nth` of its header) is read as; None or 'ignore'."""
        n, wanted, seen = self.normalized[i], self.wanted, self.seen
        found = wanted.get((n, nth))
        if found is not None:
            return found
        if seen[n] > 1 and any(k == n and o for k, o in wanted):
            return "ignore"  # --map named another occurrence of this header
        found = wanted.get((n, 0)) or self.auto[i]
        repeated = self.read[n] > 1 or (seen[n] > 1 and (n, 0) in wanted)
        if repeated and found not in (None, "ignore"):
            raise ImportFileError(self.path, _duplicate(self.header[i], n, self.normalized, found))
        return found


def _auto_targets(header: list[str], normalized: list[str]) -> list[str | None]:
    """Each header's usual meaning, in the layouts of known exports."""
    auto = [target_for(h) for h in header]
    if "invoice address name" in normalized:  # older pretix: the invoice address block
        k = normalized.index("invoice address name")  # repeats Company, Address … after it
        if k and normalized[k - 1] == "company":
            auto[k - 1] = "ignore"
    if any(n in _ATTENDEE_EMAIL for n in normalized):  # pretix orders: plain Email is the buyer's
        auto = ["order_email" if t == "email" and n not in _ATTENDEE_EMAIL else t
                for t, n in zip(auto, normalized, strict=True)]  # fmt: skip
    return auto


def _duplicate(h: str, n: str, normalized: list[str], target: str) -> str:
    from kiosk.formats.xlsx_stream import column_letter

    cols = [column_letter(i) for i, x in enumerate(normalized) if x == n]
    name = cut(h, 40)
    return (
        f"the column {name!r} appears {len(cols)} times (columns {', '.join(cols[:6])}); say "
        f'which one to read, e.g. --map "{name}[2]={target}" (the others are then ignored)'
    )


def has_name_column(header: list[str], overrides: Mapping[str, str] | None = None) -> bool:
    """Whether a header row names a name column (to find the attendee sheet of a workbook)."""
    wanted = {normalize_header(_OCCURRENCE.sub(r"\1", h)): t for h, t in (overrides or {}).items()}
    return any((wanted.get(normalize_header(h)) or target_for(h)) in NAMES for h in header if h)
