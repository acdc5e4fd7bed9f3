"""A private part is salted where the entry is signed (issue 18, red team finding 11): the
hash over it, which every station login may read at the hub, no longer confirms a guessed
e-mail or phone number. A names-only copy (no private part, no salt) still verifies, and so
do entries signed before salting."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import UTC, datetime

from kiosk.models.records import AttendeeInput, LogEntry, LogKind
from kiosk.storage import log
from kiosk.storage import trust as tstore
from kiosk.sync.privacy import Receive, redact
from kiosk.trust import split as trust_split
from kiosk.trust.keys import Signer, entry_verifies, envelope, new_private, sign_entry
from kiosk.trust.roles import Role
from kiosk.trust.split import SALT
from tests.helpers.reads import reads
from tests.helpers.trusted import Site, transfer


def walk_in(site: Site) -> LogEntry:
    """A walk-in registered at the desk (trusted: signed)."""
    done = site.desk_service.walk_in(
        AttendeeInput(name="Bea Signed", email="bea@example.org", phone="456")
    )
    return next(e for e in log.entries(site.desk.conn, kinds=("walk_in",))
                if e.attendee_id == done.attendee.attendee_id)  # fmt: skip


def test_the_private_hash_of_a_walk_in_does_not_confirm_its_e_mail(site: Site) -> None:
    w = walk_in(site)
    assert len(str(w.data[SALT])) == 32
    public, private = trust_split.split(str(w.kind), w.data)
    assert SALT not in public and private[SALT] == w.data[SALT]
    guess = hashlib.sha256(trust_split.canonical(
        {"fields": {"email": "bea@example.org", "phone": "456"}})).digest()  # fmt: skip
    assert w.private_hash != guess
    # each entry has its own salt: two walk-ins with the same e-mail hash differently
    key = Signer(new_private())
    other = sign_entry(dataclasses.replace(w, data={"fields": dict(w.data["fields"])}), key)
    again = sign_entry(dataclasses.replace(w, data={"fields": dict(w.data["fields"])}), key)
    assert other.private_hash != again.private_hash
    assert entry_verifies(other, key.public) and entry_verifies(again, key.public)


def test_a_names_only_kiosk_holds_neither_the_e_mail_nor_the_salt_and_verifies(
    site: Site,
) -> None:
    w = walk_in(site)
    kiosk = site.station("Kiosk 1", Role.KIOSK)
    copy = reads(kiosk).log.entry(w.uuid)
    assert copy is not None
    assert "email" not in copy.data["fields"] and SALT not in copy.data
    assert not list(tstore.held(kiosk.conn))
    names = redact(w, Receive.NAMES, can_sign=False)
    assert SALT not in names.data
    assert transfer(site.desk, kiosk, Receive.NAMES) == 0  # nothing new, nothing held
    kiosk.close()


def test_an_entry_signed_before_salting_still_verifies() -> None:
    key = Signer(new_private())
    e = LogEntry(uuid="u-1", kind=LogKind.WALK_IN, at=datetime(2024, 11, 4, 9, 5, tzinfo=UTC),
                 station_id="s", station_seq=1, station="Desk", attendee_id="a",
                 data={"fields": {"name": "Ann", "email": "a@x.org"}})  # fmt: skip
    public, private = trust_split.split(str(e.kind), e.data)
    ph = trust_split.private_hash(private)
    old = dataclasses.replace(e, private_hash=ph,
                              sig=key.sign(trust_split.signed_bytes(envelope(e), public, ph)))  # fmt: skip
    assert entry_verifies(old, key.public)
    assert entry_verifies(redact(old, Receive.NAMES, can_sign=False), key.public)
