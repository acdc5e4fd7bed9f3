"""The signed bytes of an entry written field by field (kiosk.trust.keys.message, what a
station signs and a receiver checks) are exactly kiosk.trust.split.signed_bytes of its
envelope: every release, station and hub signs and verifies the same bytes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from kiosk.models.outcomes import Outcome
from kiosk.models.records import LogEntry, LogKind
from kiosk.trust.keys import Signer, entry_verifies, envelope, message, new_private, sign_entry
from kiosk.trust.split import private_hash, signed_bytes, split

texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
maybe = st.none() | texts
ints = st.integers(min_value=-(2**63), max_value=2**63 - 1)
payloads = st.dictionaries(texts, st.none() | ints | texts | st.lists(ints, max_size=3),
                           max_size=4)  # fmt: skip


@st.composite
def entries(draw: st.DrawFn) -> LogEntry:
    at = datetime(2024, 11, 4, tzinfo=UTC) + timedelta(microseconds=draw(ints) % 10**13)
    return LogEntry(
        uuid=draw(texts), kind=draw(st.sampled_from(list(LogKind))), at=at,
        station_id=draw(texts), station_seq=draw(ints), station=draw(texts),
        session_id=draw(texts), operator=draw(texts),
        outcome=draw(st.none() | st.sampled_from(list(Outcome))), attendee_id=draw(maybe),
        badge_id=draw(st.none() | ints), ref=draw(maybe), batch=draw(maybe), data=draw(payloads),
    )  # fmt: skip


@given(entries(), st.none() | texts)
def test_the_message_is_the_signed_bytes_of_the_envelope(e: LogEntry, at: str | None) -> None:
    public, private = split(str(e.kind), e.data)
    ph = private_hash(private)
    assert message(e, public, ph, at) == signed_bytes(envelope(e, at), public, ph)


def test_an_envelope_of_other_types_is_written_by_signed_bytes() -> None:
    e = LogEntry(uuid="u", kind=LogKind.ENTRY, at=datetime(2024, 11, 4, tzinfo=UTC),
                 station_seq=True, badge_id=2.5)  # type: ignore[arg-type]  # fmt: skip
    assert message(e, {}, b"h") == signed_bytes(envelope(e), {}, b"h")
    assert b'"station_seq":true' in message(e, {}, b"h")


@given(entries())
def test_a_signed_entry_keeps_every_field_and_verifies(e: LogEntry) -> None:
    signer = Signer(new_private())
    signed = sign_entry(e, signer)
    public, private = split(str(e.kind), e.data)
    ph = private_hash(private)
    assert signed == LogEntry(**{**{f: getattr(e, f) for f in e.__slots__},
                                 "private_hash": ph, "sig": signed.sig})  # fmt: skip
    assert entry_verifies(signed, signer.public)
    assert signer.sign(signed_bytes(envelope(e), public, ph)) == signed.sig
