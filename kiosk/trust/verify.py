"""Is an entry genuine, and may its station write it? Every receiver asks (sync apply, the
desk, `hub publish` / `init`, `rebuild`) before an entry is applied.

Checked, in order: a signature (entries from before the upgrade are let through only up to
each station's cut-off number), the station's key from a certificate signed by the event
key (or handed over with the one-time enrollment key), the certificate's expiry, the
station's revocation cut-off, the role's rights (kiosk.trust.roles), and that no entry
changes the event's badge verify key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from kiosk.models.records import LogEntry, LogKind
from kiosk.trust.certs import Cert, Rotation, cert_of, rotation_of
from kiosk.trust.keys import at_text, entry_verifies, legacy_digest
from kiosk.trust.roles import STATION_KEY, Policy, Refusal, Role, TrustKind, may_write

if TYPE_CHECKING:
    from kiosk.trust.ahead import Ahead

#: Kinds that change what a verifier knows.
LEARNED = (str(TrustKind.STATION_CERT), STATION_KEY, str(TrustKind.STATION_REVOKE),
           str(TrustKind.TRUST_CUTOFF), str(LogKind.EVENT), str(TrustKind.KEY_ROTATION))  # fmt: skip
_NEVER_UNSIGNED = frozenset({*(str(k) for k in TrustKind), STATION_KEY})
_LEARNED = frozenset(LEARNED)
#: Kinds never let through unchecked: those that must be signed and those that teach.
CHECKED = _NEVER_UNSIGNED | _LEARNED

#: The writer chooses an entry's time, so expiry is also judged by when the entry first
#: reached the event (`seen`: the hub's clock when it stored it). An entry first seen this
#: long after its station's certificate expired is refused, whatever time it claims (a door
#: offline at its expiry may still hand in what it wrote before, for this long).
LATE_GRACE = timedelta(days=1)
#: An entry dated more than this ahead of the hub's clock when it first arrived is refused
#: (a stolen kiosk dating an admission days ahead would keep the attendee "inside" at every
#: door until then). A station's clock that far off is shown in `hub status` anyway.
AHEAD_LIMIT = timedelta(minutes=15)


def _utc_text(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def _key_hex(value: object) -> bytes | None:
    try:
        raw = bytes.fromhex(str(value))
    except ValueError:
        return None
    return raw if len(raw) == 32 else None


def _vouched(value: object, before: int) -> dict[int, bytes]:
    """A handover's `legacy` map (number -> digest hex) of entries numbered before it."""
    out: dict[int, bytes] = {}
    if isinstance(value, dict):
        for seq, digest in value.items():
            try:
                n, raw = int(seq), bytes.fromhex(str(digest))
            except ValueError:
                continue
            if 0 < n < before and len(raw) == 32:
                out[n] = raw
    return out


@dataclass(slots=True)
class Verifier:
    event_key: bytes  # the event's public key (pinned at enrollment, never from an entry)
    badge_key: str = ""  # the badge verify key (hex) no `event` entry may change
    certs: dict[str, Cert] = field(default_factory=dict)
    keys: dict[str, bytes] = field(default_factory=dict)
    revoked: dict[str, int] = field(default_factory=dict)
    cutoff: dict[str, int] = field(default_factory=dict)
    # upgrade: a station enrolled again vouches, in its key handover, for its own unsigned
    # entries past the cut-off (number -> digest of the entry: kiosk.trust.keys.legacy_digest)
    vouched: dict[str, dict[int, bytes]] = field(default_factory=dict)
    # the number of each station's first handover: the digests come in parts (each entry
    # is bounded at the hub), every part vouching only for entries numbered before it
    handed: dict[str, int] = field(default_factory=dict)
    policy: Policy = field(default_factory=Policy)
    # earlier event keys replaced by a rotation, not compromised: certificates they signed
    # stay valid until they expire
    retired: list[bytes] = field(default_factory=list)
    rotations: set[str] = field(default_factory=set)  # the signatures of those taken in
    untrusted: set[str] = field(default_factory=set)  # cut off by a compromised rotation

    # -- checking ----------------------------------------------------------------------------
    def check(
        self, e: LogEntry, ref_station: str | None = None, seen: datetime | None = None,
        ahead: Ahead | None = None,
    ) -> Refusal | None:  # fmt: skip
        """None when `e` may be applied; else why it is kept aside. `seen`: when the entry
        first reached the event (the hub's receipt), when known. `ahead`: its signature may
        have been verified already, with the same key (kiosk.trust.ahead)."""
        kind = str(e.kind)
        if e.sig is None:
            legacy = e.station_seq <= self.cutoff.get(e.station_id, 0)
            if legacy and kind not in _NEVER_UNSIGNED:
                return None
            return self._check_vouched(e, ref_station)
        if kind == STATION_KEY:
            return self._check_handover(e, seen)
        cert = self.certs.get(e.station_id) or self._introduced(e)
        key = self.keys.get(e.station_id)
        if cert is not None and key is None and cert.key:
            key = _key_hex(cert.key)
        if cert is None or key is None:
            return Refusal.UNKNOWN_STATION
        at = at_text(e)
        genuine = None if ahead is None else ahead.verdict(e, key, self)
        if genuine is None:
            genuine = entry_verifies(e, key, at)
        if not genuine:
            return Refusal.BAD_SIGNATURE
        if e.station != cert.name:  # what every screen and report shows as who did it
            return Refusal.NAME
        return self._check_rights(e, at, cert, ref_station, seen)

    def passes_quietly(self, station_id: str, station_seq: int, kind: str) -> bool:
        """An unsigned entry up to its station's cut-off, of a kind that teaches a verifier
        nothing: `check` lets it through and `learn` keeps nothing of it (a rebuild's recheck
        then needs no LogEntry for it: kiosk.storage.trust.recheck_log)."""
        return station_seq <= self.cutoff.get(station_id, 0) and kind not in CHECKED

    def _check_vouched(self, e: LogEntry, ref_station: str | None) -> Refusal | None:
        """An unsigned entry its own station vouched for when it was enrolled again."""
        digest = self.vouched.get(e.station_id, {}).get(e.station_seq)
        cert = self.certs.get(e.station_id)
        if digest is None or cert is None or str(e.kind) in _NEVER_UNSIGNED:
            return Refusal.UNSIGNED
        if legacy_digest(e) != digest:
            return Refusal.BAD_SIGNATURE
        return self._check_rights(e, at_text(e), cert, ref_station, None)

    def station_key(self, e: LogEntry) -> bytes | None:
        """The key `check` verifies `e`'s signature with, as far as known now without
        verifying a certificate (None: a handover, or a station not known yet)."""
        if str(e.kind) == STATION_KEY:
            return None
        key = self.keys.get(e.station_id)
        if key is None:
            cert = self.certs.get(e.station_id)
            key = _key_hex(cert.key) if cert is not None and cert.key else None
        return key

    def _introduced(self, e: LogEntry) -> Cert | None:
        """A desk's own certificate, carried by its first signed entry (it introduces itself)."""
        if str(e.kind) != TrustKind.STATION_CERT:
            return None
        cert = cert_of(e.data)
        if cert is None or cert.station_id != e.station_id or cert.role is not Role.DESK:
            return None
        return cert if self.cert_ok(cert) else None

    def _check_rights(
        self, e: LogEntry, at: str, cert: Cert, ref_station: str | None, seen: datetime | None
    ) -> Refusal | None:
        refusal = _check_time(e, at, cert, seen)
        if refusal is not None:
            return refusal
        cut = self.revoked.get(e.station_id)
        if cut is not None and e.station_seq > cut:
            return Refusal.REVOKED
        refusal = may_write(cert.role, str(e.kind), e, self.policy, ref_station)
        if refusal is not None:
            return refusal
        return self._check_content(e)

    def _check_content(self, e: LogEntry) -> Refusal | None:
        kind = str(e.kind)
        if kind == TrustKind.STATION_CERT:
            cert = cert_of(e.data)
            return None if cert is not None and self.cert_ok(cert) else Refusal.BAD_CERT
        if kind == TrustKind.KEY_ROTATION:
            r = rotation_of(e.data)
            return None if r is not None and self._rotation_ok(r) else Refusal.BAD_ROTATION
        changes_key = str(e.data.get("public_key", "")) != self.badge_key
        if kind == LogKind.EVENT and self.badge_key and changes_key:
            return Refusal.KEY_CHANGE
        return None

    def _check_handover(self, e: LogEntry, seen: datetime | None) -> Refusal | None:
        cert = self.certs.get(e.station_id)
        if cert is None:
            return Refusal.UNKNOWN_STATION
        enroll = _key_hex(cert.enroll_key)
        new = _key_hex(e.data.get("key", ""))
        if enroll is None or new is None or self.keys.get(e.station_id, new) != new:
            return Refusal.ENROLLMENT  # malformed, or a second handover with another key
        at = at_text(e)
        if not entry_verifies(e, enroll, at):
            return Refusal.BAD_SIGNATURE
        refusal = _check_time(e, at, cert, seen)
        if refusal is not None:
            return refusal
        cut = self.revoked.get(e.station_id)
        return Refusal.REVOKED if cut is not None and e.station_seq > cut else None

    # -- learning ----------------------------------------------------------------------------
    def learn(self, e: LogEntry) -> bool:
        """Take in an accepted entry; True when held entries may now verify."""
        kind = str(e.kind)
        if kind == TrustKind.STATION_CERT:
            return self._learn_cert(e)
        if kind == STATION_KEY:
            return self._learn_handover(e)
        elif kind == TrustKind.STATION_REVOKE:
            sid, after = str(e.data.get("station_id", "")), int(e.data.get("after_seq", 0))
            self.revoked[sid] = min(after, self.revoked.get(sid, after))
            return True
        elif kind == TrustKind.TRUST_CUTOFF:
            for sid, seq in dict(e.data.get("seqs", {})).items():
                self.cutoff[str(sid)] = max(int(seq), self.cutoff.get(str(sid), 0))
            return True
        elif kind == LogKind.EVENT:
            self.policy = Policy(walk_ins_at_doors=bool(e.data.get("walk_ins_at_doors")))
        elif kind == TrustKind.KEY_ROTATION:
            r = rotation_of(e.data)
            return r is not None and self.rotate(r, e.station_id)
        return False

    def _learn_handover(self, e: LogEntry) -> bool:
        """The station's own key, and the digests of its unsigned entries it vouches for.
        A further part of the same handover (same key, signed with the enrollment key too)
        adds digests, only for numbers before the first part and not vouched for yet (the
        first word on a number stands)."""
        key = _key_hex(e.data.get("key", ""))
        sid = e.station_id
        if key is None:
            return False
        if sid not in self.keys:
            self.keys[sid] = key
            self.handed[sid] = e.station_seq
            self.vouched[sid] = _vouched(e.data.get("legacy"), e.station_seq)
            return True
        first = self.handed.get(sid)
        if first is None or self.keys[sid] != key:
            return False
        mine = self.vouched.setdefault(sid, {})
        more = {n: d for n, d in _vouched(e.data.get("legacy"), first).items() if n not in mine}
        mine.update(more)
        return bool(more)

    # -- the event key's rotation (only by the desk, signed by the key pinned then) ------------
    def cert_ok(self, cert: Cert) -> bool:
        """Signed by the event key, or by an earlier one a rotation retired (not compromised)."""
        return cert.signed_by(self.event_key) or any(cert.signed_by(k) for k in self.retired)

    def _rotation_ok(self, r: Rotation) -> bool:
        if r.sig in self.rotations:
            return True  # known already (from the enrollment file): a replay changes nothing
        return r.previous == self.event_key.hex() and r.signed_by(self.event_key)

    def rotate(self, r: Rotation, writer: str = "") -> bool:
        """Pin the rotation's new key, when `r` is signed by the key pinned now. With the
        old key compromised, the stations its certificates enrolled (but the desk `writer`,
        which certifies itself again under the new key) are refused past the rotation's
        cut-off, as by a revocation: whatever order a station hears of it in, the same
        entries stay."""
        new = bytes.fromhex(r.key)
        if new == self.event_key or not self._rotation_ok(r):
            return False
        old, self.event_key = self.event_key, new
        self.rotations.add(r.sig)
        if not r.compromised:
            self.retired.append(old)
            return True
        self.retired.clear()
        for sid, cert in self.certs.items():
            if sid != writer and not cert.signed_by(new):
                cut = r.cutoff.get(sid, 0)
                self.revoked[sid] = min(cut, self.revoked.get(sid, cut))
                self.untrusted.add(sid)
        return True

    def _learn_cert(self, e: LogEntry) -> bool:
        cert = cert_of(e.data)
        if cert is None or not self.cert_ok(cert):
            return False
        old = self.certs.get(cert.station_id)
        if old is not None and old.serial >= cert.serial:
            return False
        self.certs[cert.station_id] = cert
        key = _key_hex(cert.key)
        if key is not None:
            self.keys[cert.station_id] = key
        return True


def _check_time(e: LogEntry, at: str, cert: Cert, seen: datetime | None) -> Refusal | None:
    """The certificate's expiry against the entry's own time and, when known, against when
    it first reached the event; and no entry dated far ahead of that."""
    if at > cert.expires:
        return Refusal.EXPIRED
    if seen is None:
        return None
    if _utc_text(seen - LATE_GRACE) > cert.expires:
        return Refusal.EXPIRED
    return Refusal.AHEAD if e.at > seen + AHEAD_LIMIT else None
