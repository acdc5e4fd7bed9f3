"""Verifier.passes_quietly: the entries a rebuild's recheck skips without building them
(kiosk.storage.trust.recheck_log) are exactly those `check` lets through and `learn`
keeps nothing of."""

from __future__ import annotations

from copy import deepcopy
from datetime import UTC, datetime

import pytest

from kiosk.models.records import LogEntry, LogKind
from kiosk.trust.roles import STATION_KEY, TrustKind
from kiosk.trust.verify import Verifier

KINDS = sorted({*(str(k) for k in LogKind), *(str(k) for k in TrustKind), STATION_KEY})


def _verifier() -> Verifier:
    return Verifier(event_key=bytes(32), cutoff={"door": 5})


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("station_seq", [1, 5, 6])
def test_a_quiet_entry_is_let_through_and_teaches_nothing(kind: str, station_seq: int) -> None:
    v = _verifier()
    e = LogEntry(uuid="u", kind=kind, at=datetime(2026, 1, 1, tzinfo=UTC), station_id="door",
                 station_seq=station_seq, station="Door")  # fmt: skip
    if not v.passes_quietly("door", station_seq, kind):
        return
    before = deepcopy(v)
    assert v.check(e) is None
    assert v.learn(e) is False
    assert v == before


def test_which_entries_are_quiet() -> None:
    v = _verifier()
    assert v.passes_quietly("door", 5, "entry")
    assert not v.passes_quietly("door", 6, "entry")  # past the cut-off: checked
    assert not v.passes_quietly("kiosk", 1, "entry")  # no cut-off for this station
    assert not v.passes_quietly("door", 1, "event")  # teaches the policy
    assert not v.passes_quietly("door", 1, str(TrustKind.STATION_CERT))
    assert not v.passes_quietly("door", 1, STATION_KEY)
