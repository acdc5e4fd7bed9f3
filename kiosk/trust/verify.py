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
from typing import TYPE_CHECKING

from kiosk.models.records import LogEntry, LogKind
from kiosk.trust.certs import Cert, cert_of
from kiosk.trust.keys import at_text, entry_verifies
from kiosk.trust.roles import STATION_KEY, Policy, Refusal, Role, TrustKind, may_write

if TYPE_CHECKING:
    from kiosk.trust.ahead import Ahead

#: Kinds that change what a verifier knows.
LEARNED = (str(TrustKind.STATION_CERT), STATION_KEY, str(TrustKind.STATION_REVOKE),
           str(TrustKind.TRUST_CUTOFF), str(LogKind.EVENT))  # fmt: skip
_NEVER_UNSIGNED = frozenset({*(str(k) for k in TrustKind), STATION_KEY})


def _key_hex(value: object) -> bytes | None:
    try:
        raw = bytes.fromhex(str(value))
    except ValueError:
        return None
    return raw if len(raw) == 32 else None


@dataclass(slots=True)
class Verifier:
    event_key: bytes  # the event's public key (pinned at enrollment, never from an entry)
    badge_key: str = ""  # the badge verify key (hex) no `event` entry may change
    certs: dict[str, Cert] = field(default_factory=dict)
    keys: dict[str, bytes] = field(default_factory=dict)
    revoked: dict[str, int] = field(default_factory=dict)
    cutoff: dict[str, int] = field(default_factory=dict)
    policy: Policy = field(default_factory=Policy)

    # -- checking ----------------------------------------------------------------------------
    def check(
        self, e: LogEntry, ref_station: str | None = None, ahead: Ahead | None = None
    ) -> Refusal | None:
        """None when `e` may be applied; else why it is kept aside. `ahead`: its signature
        may have been verified already, with the same key (kiosk.trust.ahead)."""
        kind = str(e.kind)
        if e.sig is None:
            legacy = e.station_seq <= self.cutoff.get(e.station_id, 0)
            return None if legacy and kind not in _NEVER_UNSIGNED else Refusal.UNSIGNED
        if kind == STATION_KEY:
            return self._check_handover(e)
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
        return self._check_rights(e, at, cert, ref_station)

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
        return cert if cert.signed_by(self.event_key) else None

    def _check_rights(
        self, e: LogEntry, at: str, cert: Cert, ref_station: str | None
    ) -> Refusal | None:
        if at > cert.expires:
            return Refusal.EXPIRED
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
            return None if cert is not None and cert.signed_by(self.event_key) else Refusal.BAD_CERT
        if kind == TrustKind.KEY_ROTATION:
            return Refusal.KEY_CHANGE  # rotation of the event key: not in this release
        changes_key = str(e.data.get("public_key", "")) != self.badge_key
        if kind == LogKind.EVENT and self.badge_key and changes_key:
            return Refusal.KEY_CHANGE
        return None

    def _check_handover(self, e: LogEntry) -> Refusal | None:
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
        if at > cert.expires:
            return Refusal.EXPIRED
        cut = self.revoked.get(e.station_id)
        return Refusal.REVOKED if cut is not None and e.station_seq > cut else None

    # -- learning ----------------------------------------------------------------------------
    def learn(self, e: LogEntry) -> bool:
        """Take in an accepted entry; True when held entries may now verify."""
        kind = str(e.kind)
        if kind == TrustKind.STATION_CERT:
            return self._learn_cert(e)
        if kind == STATION_KEY:
            key = _key_hex(e.data.get("key", ""))
            if key is not None and e.station_id not in self.keys:
                self.keys[e.station_id] = key
                return True
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
        return False

    def _learn_cert(self, e: LogEntry) -> bool:
        cert = cert_of(e.data)
        if cert is None or not cert.signed_by(self.event_key):
            return False
        old = self.certs.get(cert.station_id)
        if old is not None and old.serial >= cert.serial:
            return False
        self.certs[cert.station_id] = cert
        key = _key_hex(cert.key)
        if key is not None:
            self.keys[cert.station_id] = key
        return True
