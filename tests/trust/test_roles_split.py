"""What each role may write, and the public/private split the signatures are made over."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from kiosk.models.records import LogEntry, LogKind
from kiosk.sync.privacy import Receive, redact
from kiosk.trust.roles import DESK_ONLY, Policy, Refusal, Role, TrustKind, may_write
from kiosk.trust.split import canonical, join, private_hash, signed_bytes, split

AT = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
CODE = "FC1:" + "A" * 113


def entry(kind: str, station: str = "door-1", ref: str | None = None, **data: Any) -> LogEntry:
    return LogEntry(uuid="u1", kind=kind, at=AT, station_id=station, ref=ref, data=data)


def test_desk_writes_everything() -> None:
    for kind in [*LogKind, *TrustKind]:
        assert may_write(Role.DESK, kind, entry(kind), Policy()) is None


def test_only_the_desk_writes_event_and_trust_entries() -> None:
    for role in (Role.DOOR, Role.KIOSK):
        for kind in DESK_ONLY:
            assert (
                may_write(role, kind, entry(kind), Policy(walk_ins_at_doors=True)) is Refusal.ROLE
            )


def test_door_scans_and_marks_but_not_people() -> None:
    for kind in (LogKind.ENTRY, LogKind.EXIT, LogKind.MEETING_MARK, LogKind.PIN_ATTEMPT):
        assert may_write(Role.DOOR, kind, entry(kind), Policy()) is None
    for kind in (LogKind.EDIT, LogKind.IMPORT, LogKind.MERGE, LogKind.BADGE_REVOKE,
                 LogKind.WALK_IN, LogKind.BADGE_ISSUE, LogKind.TICKET_REVOKE):  # fmt: skip
        assert may_write(Role.DOOR, kind, entry(kind), Policy()) is Refusal.ROLE


def test_door_walk_ins_only_when_the_event_allows_them() -> None:
    for kind in (LogKind.WALK_IN, LogKind.BADGE_ISSUE, LogKind.BADGE_PRINT):
        assert may_write(Role.DOOR, kind, entry(kind), Policy()) is Refusal.ROLE
        assert may_write(Role.DOOR, kind, entry(kind), Policy(walk_ins_at_doors=True)) is None
        assert (
            may_write(Role.KIOSK, kind, entry(kind), Policy(walk_ins_at_doors=True)) is Refusal.ROLE
        )


def test_door_undoes_only_its_own_scans() -> None:
    undo = entry(LogKind.ANNUL, station="door-1", ref="x")
    assert may_write(Role.DOOR, LogKind.ANNUL, undo, Policy(), ref_station="door-1") is None
    assert (
        may_write(Role.DOOR, LogKind.ANNUL, undo, Policy(), ref_station="door-2") is Refusal.NOT_OWN
    )
    assert may_write(Role.DOOR, LogKind.ANNUL, undo, Policy(), ref_station=None) is Refusal.NOT_OWN
    assert (
        may_write(Role.KIOSK, LogKind.ANNUL, undo, Policy(), ref_station="door-1") is Refusal.ROLE
    )


def test_kiosk_self_checkin_and_pins_only() -> None:
    assert may_write(Role.KIOSK, LogKind.ENTRY, entry(LogKind.ENTRY), Policy()) is None
    assert may_write(Role.KIOSK, LogKind.PIN_ATTEMPT, entry(LogKind.PIN_ATTEMPT), Policy()) is None
    for kind in (LogKind.EXIT, LogKind.MEETING_MARK, LogKind.EDIT, "some_future_kind"):
        assert may_write(Role.KIOSK, kind, entry(kind), Policy()) is Refusal.ROLE


def test_canonical_bytes_are_sorted_compact_utf8() -> None:
    assert canonical({"b": 1, "a": "李"}) == '{"a":"李","b":1}'.encode()
    assert private_hash({}) == private_hash({})
    assert len(private_hash({"code": CODE})) == 32


def test_walk_in_private_fields_split_off() -> None:
    data = {"fields": {"name": "Ann", "email": "a@x", "phone": "1", "notes": "n"}, "x": 1}
    pub, priv = split(LogKind.WALK_IN, data)
    assert pub == {"fields": {"name": "Ann"}, "x": 1}
    assert priv == {"fields": {"email": "a@x", "phone": "1", "notes": "n"}}
    assert join(LogKind.WALK_IN, pub, priv) == data


def test_scan_badge_code_is_private_poster_url_is_not() -> None:
    pub, priv = split(LogKind.ENTRY, {"code": CODE, "method": "camera"})
    assert pub == {"method": "camera"} and priv == {"code": CODE}
    pub, priv = split(LogKind.ENTRY, {"code": "https://x", "method": "camera"})
    assert pub == {"code": "https://x", "method": "camera"} and priv == {}


def test_import_private_columns_split_and_joined_back() -> None:
    data = {
        "cols": ["name", "email", "category", "phone"],
        "new": [["a1", "Ann", "a@x", "vip", "1"], ["a2", "Bo", "", "delegate", ""]],
        "changed": [["a3", {"name": "Cy", "email": "c@x"}], ["a4", {"title": "Dr"}]],
    }
    pub, priv = split(LogKind.IMPORT, data)
    assert pub["cols"] == ["name", "category"]
    assert pub["new"] == [["a1", "Ann", "vip"], ["a2", "Bo", "delegate"]]
    assert pub["changed"] == [["a3", {"name": "Cy"}], ["a4", {"title": "Dr"}]]
    assert "a@x" not in canonical(pub).decode() and "c@x" not in canonical(pub).decode()
    assert join(LogKind.IMPORT, pub, priv) == data


def test_signed_bytes_change_with_any_part() -> None:
    env = {"uuid": "u", "kind": "entry"}
    base = signed_bytes(env, {"a": 1}, private_hash({}))
    assert base.startswith(b"FC-ENTRY-1\n")
    assert signed_bytes({**env, "uuid": "v"}, {"a": 1}, private_hash({})) != base
    assert signed_bytes(env, {"a": 2}, private_hash({})) != base
    assert signed_bytes(env, {"a": 1}, private_hash({"code": CODE})) != base


_text = st.text(max_size=6)
_fields = st.dictionaries(
    st.sampled_from(["name", "email", "phone", "notes", "external_id", "title", "category"]), _text
)
_people = st.builds(lambda f, k: (k, {"fields": f}), _fields,
                    st.sampled_from([LogKind.WALK_IN, LogKind.EDIT]))  # fmt: skip


@st.composite
def _imports(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    cols = draw(st.lists(st.sampled_from(["name", "email", "phone", "title", "notes"]),
                         unique=True, min_size=1))  # fmt: skip
    new = draw(st.lists(st.lists(_text, min_size=len(cols) + 1, max_size=len(cols) + 1)))
    changed = draw(st.lists(st.tuples(_text, _fields).map(list)))
    return LogKind.IMPORT, {"cols": cols, "new": new, "changed": changed}


_scans = st.builds(lambda c, k: (k, {"code": c, "method": "camera"}),
                   st.sampled_from([CODE, "https://poster", "junk"]),
                   st.sampled_from([LogKind.ENTRY, LogKind.EXIT]))  # fmt: skip


@given(st.one_of(_people, _imports(), _scans))
def test_split_survives_redaction_and_joins_back(case: tuple[str, dict[str, Any]]) -> None:
    kind, data = case
    pub, priv = split(kind, data)
    assert join(kind, pub, priv) == data
    names_only = redact(LogEntry(uuid="u", kind=kind, at=AT, data=data), Receive.NAMES, False)
    assert split(kind, names_only.data)[0] == pub
    assert split(kind, pub) == (pub, {})


def test_split_agrees_with_the_badge_format_and_the_names_only_rule() -> None:
    from kiosk.checkin import codes
    from kiosk.sync import privacy
    from kiosk.trust import split as split_mod

    assert split_mod.PREFIX == codes.PREFIX
    assert privacy.PRIVATE_FIELDS is split_mod.PRIVATE_FIELDS
