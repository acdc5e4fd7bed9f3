"""Which column of a meeting schedule means what: header variants of matchmaking platforms
(b2match hosts and guests, requesters and receivers, bookers and requestees), spreadsheets
made by hand (Party A / Company A, 甲方 / 甲方单位) and our own meetings export.

Parties come either in numbered or named columns ("Party 1", "Host email", "U.S. party",
"乙方"), each with an optional company column of the same number or name, or as one list
column ("Parties": a@x.com; b@y.com) with an optional list of companies.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from kiosk.formats.importing.fields import normalize_header
from kiosk.formats.importing.limits import ImportFileError

SINGLE = ("meeting_id", "start", "end", "time", "date", "slot", "table", "interpreter",
          "languages", "parties", "companies", "ignore")  # fmt: skip
TARGETS = (*SINGLE, "party", "company")

# fmt: off
_HEADERS: dict[str, tuple[str, ...]] = {
    "meeting_id": ("meeting id", "meeting", "meeting no", "meeting no.", "meeting number",
                   "meeting #", "meeting code", "id", "洽谈编号", "会议编号", "编号",
                   "meeting id / 洽谈编号"),
    "start": ("start", "start time", "starts", "starts at", "from", "begin", "begins",
              "开始", "开始时间", "start / 开始"),
    "end": ("end", "end time", "ends", "ends at", "to", "until", "结束", "结束时间", "end / 结束"),
    "time": ("time", "time slot", "timeslot", "meeting time", "时间", "时段", "洽谈时间",
             "time / 时间"),
    "date": ("date", "start date", "day", "meeting date", "日期"),
    "slot": ("slot", "slot no", "slot no.", "slot number", "slot #", "round", "轮次", "时段编号",
             "slot / 时段"),
    "table": ("table", "table no", "table no.", "table number", "table #", "booth", "booth no",
              "booth number", "location", "meeting point", "place", "桌号", "桌", "洽谈桌",
              "展位", "展位号", "地点", "位置", "table / 桌号"),
    "interpreter": ("interpreter", "translator", "翻译", "口译", "译员", "interpreter / 翻译"),
    "languages": ("language", "languages", "language pair", "语言", "语种", "工作语言",
                  "languages / 语言"),
    "parties": ("parties", "participants", "attendees", "confirmed", "参会人", "参会方",
                "洽谈方", "parties / 参会方"),
    "companies": ("companies", "organizations", "organisations", "company", "organization",
                  "organisation", "单位", "公司", "企业", "companies / 单位"),
    "ignore": ("no.", "#", "序号", "subject", "notes", "备注", "status", "description"),
}
# fmt: on
KNOWN: dict[str, str] = {normalize_header(h): t for t, hs in _HEADERS.items() for h in hs}

_NAMED = (
    r"host|guest|requester|receiver|booker|requestee|buyer|seller|supplier|exhibitor|visitor"
    r"|u\.?s\.? party|us party|american party|chinese party|u\.?s\.? side|chinese side"
    r"|u\.?s\.? participant|chinese participant|u\.?s\.? company|chinese company"
)
_NUMBERED = r"(?:party|participant|attendee|delegate|person|参会人|参会方|洽谈方)\s*(\d+|[a-z])"
_ZH_NAMED = r"甲方|乙方|丙方|丁方|美方|中方|外方|买方|卖方"
_REF = r"(?:\s+(?:email|e-mail|email address|attendee id|external id|id|ref))?"
_REF_ZH = r"(?:邮箱|编号|代表|参会人)?"
_ORG = r"(?:company|organization|organisation|org|firm)"
_ORG_ZH = r"(?:单位|公司|企业|机构)"

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"^{_NUMBERED}\s+{_ORG}$"), "company"),
    (re.compile(rf"^{_ORG}\s*(\d+|[a-z])$"), "company"),
    (re.compile(rf"^({_NAMED})\s+{_ORG}$"), "company"),
    (re.compile(rf"^({_ZH_NAMED}){_ORG_ZH}$"), "company"),
    (re.compile(rf"^{_NUMBERED}{_REF}$"), "party"),
    (re.compile(rf"^({_NAMED}){_REF}$"), "party"),
    (re.compile(rf"^({_ZH_NAMED}){_REF_ZH}$"), "party"),
)
_NAME_SUFFIX = re.compile(r"\s+name$")


def classify(header: str) -> tuple[str, str] | None:
    """(target, slot) of a header; the slot names the party a party/company column is for."""
    n = normalize_header(header)
    if n in KNOWN:
        return KNOWN[n], ""
    for pattern, target in _PATTERNS:
        m = pattern.match(_NAME_SUFFIX.sub("", n) if target == "party" else n)
        if m:
            return target, m.group(1).replace(".", "")  # "U.S. party" = "US party"
    return None


def is_ref_column(header: str) -> bool:
    """A party column that holds ids or emails (preferred over a name column of the party)."""
    n = normalize_header(header)
    return bool(re.search(r"(email|e-mail|\bid|ref|邮箱|编号)$", n))


class ColumnPlan:
    """The columns of a schedule file: single fields, and the party slots in column order."""

    def __init__(self, header: list[str], overrides: Mapping[str, str], path: str) -> None:
        normalized = [normalize_header(h) for h in header]
        wanted = _wanted(overrides, header, normalized, path)
        self.header = header
        self.single: dict[str, int] = {}
        self.party: dict[str, list[int]] = {}  # slot -> columns, in column order
        self.company: dict[str, int] = {}
        self.used: dict[str, str] = {}
        self.ignored: list[str] = []
        for i, (h, n) in enumerate(zip(header, normalized, strict=True)):
            found = wanted.get(n) or classify(h)
            if found is None or found[0] == "ignore" or (found[0] in self.single and not found[1]):
                if h:
                    self.ignored.append(h)
                continue
            self._place(i, *found)
        for slot, cols in self.party.items():  # "Host" (a name) and "Host email": the email
            if len(cols) > 1:
                self.party[slot] = self._one_party_column(cols)
        self._require(path)

    def _place(self, i: int, target: str, slot: str) -> None:
        """Column `i` read as `target` (for the party `slot`), unless that is taken."""
        h = self.header[i]
        if target == "party":
            self.party.setdefault(slot, []).append(i)
        elif target == "company" and slot not in self.company:
            self.company[slot] = i
        elif target not in ("party", "company"):
            self.single[target] = i
        else:
            self.ignored.append(h)
            return
        self.used[h] = f"{target}:{slot}" if slot else target

    def _one_party_column(self, cols: list[int]) -> list[int]:
        """Of a party's columns, the one holding ids or emails (else the first)."""
        keep = ([c for c in cols if is_ref_column(self.header[c])] or cols)[0]
        for c in cols:
            if c != keep:
                self.ignored.append(self.header[c])
                self.used.pop(self.header[c], None)
        return [keep]

    def _require(self, path: str) -> None:
        cols = ", ".join(self.header)
        if "meeting_id" not in self.single:
            raise ImportFileError(path, f"no meeting id column found (columns: {cols}); "
                                  'name one with --map "Header=meeting_id"')  # fmt: skip
        if "table" not in self.single:
            raise ImportFileError(path, f"no table or booth column found (columns: {cols}); "
                                  'name one with --map "Header=table"')  # fmt: skip
        if not any(t in self.single for t in ("start", "time", "slot")):
            raise ImportFileError(path, f"no start time or slot column found (columns: {cols}); "
                                  'name one with --map "Header=start" (or slot)')  # fmt: skip
        if "parties" not in self.single and len(self.party) < 2:
            raise ImportFileError(path, "no party columns found: give each party a column "
                                  '("Party 1", "Party 2" …) or list them in one "Parties" '
                                  f"column (columns: {cols})")  # fmt: skip

    def name(self, i: int, fallback: str) -> str:
        return self.header[i] or fallback


def _wanted(
    overrides: Mapping[str, str], header: list[str], normalized: list[str], path: str
) -> dict[str, tuple[str, str]]:
    """`--map` overrides: normalized header -> (target, party slot)."""
    wanted: dict[str, tuple[str, str]] = {}
    for h, target in overrides.items():
        t = target.strip().lower()
        t = "ignore" if t in ("-", "") else t
        base, _, slot = t.partition(":")
        if base not in TARGETS or (base in ("party", "company") and not slot):
            raise ImportFileError(path, f"--map {h}={target}: unknown field (fields: "
                                  f"{', '.join(SINGLE)}, party:SLOT, company:SLOT)")  # fmt: skip
        wanted[normalize_header(h)] = (base, slot)
    for key in wanted:
        if key not in normalized:
            raise ImportFileError(
                path, f"--map: no column {key!r} in the file (columns: {', '.join(header)})"
            )
    return wanted


def looks_like_schedule(header: list[str]) -> bool:
    """Whether a header row is a meeting schedule's (to find the sheet of a workbook)."""
    found = [classify(h) for h in header if h]
    targets = {f[0] for f in found if f}
    return "meeting_id" in targets and "table" in targets
