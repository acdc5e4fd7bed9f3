"""The background sync loop: Qt-free, with an injected clock, hosted by a thread or a
child process (see `kiosk.sync.host` and docs/ARCHITECTURE.md, "Hosting the sync loop").

`step()` runs one round and returns a `SyncStatus`; it never raises for a hub that is
down, slow or refusing (the status says so, in one line) and never blocks a check-in (the
round holds no SQLite write lock while it talks to the hub). `run(stop)` repeats it:
about once a second while connected, at once while a backlog drains, backing off
(2, 4, 8, 10 s, with jitter) while the hub cannot be reached: a door is back online
within about 10 s of the hub, however long it was away.

The loop opens its own Store (SQLite: one owner per connection) on its first step, in
the thread that runs it, and closes it in `close()`.

What a status bar says beyond the link comes from `SyncStatus.notices()`: bilingual
(English, Simplified Chinese) lines built here, with no Qt, from typed fields: a hub
being refilled ("hub replaced: refilling (n of m)"), entries still to receive and apply
("behind"), entries an interrupted sync had left unapplied and that this round applied.
"""

from __future__ import annotations

import dataclasses
import enum
import logging
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from kiosk.models.backoff import Backoff
from kiosk.models.clock import Clock
from kiosk.models.errors import KioskError
from kiosk.storage import syncstate
from kiosk.storage.base import ts
from kiosk.storage.store import DB_ERRORS, Store
from kiosk.sync.arrivals import Arrival
from kiosk.sync.engine import RoundResult, SyncEngine
from kiosk.sync.hub import (
    COPY_PREFIX,
    EXPIRED_WHAT,
    REVOKED_WHAT,
    Hub,
    HubLoginExpired,
    HubLoginRevoked,
    HubRefused,
)

log = logging.getLogger("forum_checkin.sync")

INTERVAL_S = 0.8  # roughly once a second: a check-in at A is at B within ~2 intervals
MAX_BACKOFF_S = 10.0
SKEW_WARN_S = 60.0

#: Bilingual text of the notices (English, Simplified Chinese); `{n}`, `{done}`,
#: `{total}` are filled in with grouped digits.
TEXT: dict[str, tuple[str, str]] = {
    "refilling": ("hub replaced: refilling ({done} of {total})",
                  "中心服务器已更换：正在补传（{done} / {total}）"),
    "behind": ("behind: {n} entries still to receive and apply",
               "落后：还有 {n} 条记录待接收和应用"),
    "caught_up": ("{n} entries left by an interrupted sync applied",
                  "已应用中断的同步留下的 {n} 条记录"),
    "refused": ("the hub refuses entries of {station}: {what}",
                "中心服务器拒收 {station} 的记录：{what}"),
    "refused_short": ("hub refuses {station}", "中心服务器拒收 {station}"),
    "copy": ("this database is a copy of station {station} (restored from a backup or cloned): "
             "it now writes under a new id that is not enrolled, so everything it records is "
             "kept aside at every station. Enroll it again: at the desk, Stations… (or "
             "`station enroll --server URL --role ROLE --name NAME --out FILE`), then here "
             "`init --db NEW.sqlite --enrollment FILE`, and use the new database",
             "此数据库是站点 {station} 的副本（从备份恢复或被克隆）：它现在以未登记的新 id 写入，"
             "因此其记录的一切在所有站点都会被隔离。请重新登记：在服务台点击“站点…”（或运行 "
             "`station enroll --server URL --role ROLE --name NAME --out FILE`），然后在本机运行 "
             "`init --db NEW.sqlite --enrollment FILE`，并改用新数据库"),
    "copy_short": ("copy: enroll this station again", "副本：请重新登记本站点"),
    "revoked": ("the hub no longer lets this station in: its login was revoked at the desk. "
                "What it records stays here and is taken nowhere else; if that is a mistake, "
                "the desk enrolls it again (Stations…)",
                "中心服务器不再允许本站点登录：其登录名已在服务台被吊销。本站点记录的内容只保留在本机，"
                "不会被其他站点采用；如属误操作，请服务台重新登记（站点…）"),
    "revoked_short": ("this station was revoked", "本站点已被吊销"),
    "expired": ("this station's enrollment expired (its certificate and its hub login): the "
                "hub takes nothing more from it and sends it nothing. What it records stays "
                "here and is taken nowhere else; the desk enrolls it again (Stations…)",
                "本站点的登记已过期（其证书和中心服务器登录名）：中心服务器不再接收它的任何记录，"
                "也不再向它发送记录。本站点记录的内容只保留在本机，不会被其他站点采用；"
                "请服务台重新登记（站点…）"),
    "expired_short": ("this station's enrollment expired", "本站点的登记已过期"),
}  # fmt: skip

#: What a station tells the hub it was refused (English, as stored there), in Chinese:
#: each known form and its Chinese; anything else (the hub's own words) as it is.
WHAT_ZH: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"a copy of the station \(restored from a backup or cloned\) writes under "
                r"new id (?P<sid>\S+)…, which is not enrolled: its (?P<n>\d+) entries are "
                r"kept aside until it is enrolled again"),
     "该站点的副本（从备份恢复或被克隆）以未登记的新 id {sid}… 写入：其 {n} 条记录在重新登记前"
     "一律被隔离"),
    (re.compile(r"(?P<n>\d+) entries under station id (?P<sid>\S+)… refused: this station's "
                r"hub login writes under another station id"),
     "站点 id {sid}… 下的 {n} 条记录被拒：本站点的中心服务器登录名只能以另一个站点 id 写入"),
    (re.compile(re.escape(REVOKED_WHAT)),
     "其中心服务器登录名已在服务台被吊销：中心服务器拒收它发送的一切"),
    (re.compile(re.escape(EXPIRED_WHAT)),
     "其中心服务器登录名已随证书过期：中心服务器拒收它发送的一切，也不再向它发送记录"),
    (re.compile(r"(?P<n>\d+) entries under station id (?P<sid>\S+)… refused: (?P<why>.*)"),
     "站点 id {sid}… 下的 {n} 条记录被拒：{why}"),
)  # fmt: skip


def what_text(what: str, lang: str = "en") -> str:
    """What the hub refused a station, as it told the hub (English), in `lang`."""
    if lang != "zh":
        return what
    for pattern, zh in WHAT_ZH:
        m = pattern.fullmatch(what)
        if m is not None:
            return zh.format(**m.groupdict())
    return what


def text(key: str, lang: str = "en", **values: int | str) -> str:
    """One notice in English (`en`) or Simplified Chinese (`zh`)."""
    en, zh = TEXT[key]
    if key == "refused" and isinstance(values.get("what"), str):
        values = {**values, "what": what_text(str(values["what"]), lang)}
    return (zh if lang == "zh" else en).format(
        **{k: f"{v:,}" if isinstance(v, int) else v for k, v in values.items()}
    )


class Link(enum.StrEnum):
    STARTING = "starting"  # no round finished yet
    ONLINE = "online"
    OFFLINE = "offline"  # the hub cannot be reached (or is too slow): trying again
    REFUSED = "refused"  # the hub answers and refuses (wrong event, no schema …)
    FAILED = "failed"  # the local database cannot be used (full disk, damaged)


@dataclass(frozen=True, slots=True)
class SyncStatus:
    link: Link
    waiting: int | None  # entries waiting to upload (None: not known yet)
    last_sync: datetime | None  # when a round last completed
    skew_s: float | None  # the hub's clock minus this station's, at the last round
    message: str = ""  # one line for a status bar: why offline or refused
    pulled: int = 0  # in the last round
    pushed: int = 0
    behind: int = 0  # entries on the hub this station has not received yet
    renumbered: int = 0  # entries moved to a fresh station id in the last round
    station_id: str = ""  # this station's id now (it changes after a fork repair)
    next_in: float = INTERVAL_S  # seconds until the next round
    refill: tuple[int, int] | None = None  # refilling a new or emptied hub: (held, of)
    caught_up: int = 0  # entries an interrupted sync had left unapplied, applied now
    arrivals: tuple[Arrival, ...] = ()  # VIPs and others to meet, admitted at a kiosk
    # stations whose entries the hub refuses (this one's included): (id, name, what)
    refusals: tuple[tuple[str, str, str], ...] = ()
    # this database is a copy that must be enrolled again: the station it was (its name)
    copy_of: str = ""
    revoked: bool = False  # the hub no longer lets this station's login in
    expired: bool = False  # this station's certificate and hub login expired

    def notices(self, lang: str = "en") -> list[str]:
        """What a status bar says beyond the link, in `lang` (en | zh), most urgent first."""
        out = [text("copy", lang, station=self.copy_of)] if self.copy_of else []
        out += [text("revoked", lang)] if self.revoked else []
        out += [text("expired", lang)] if self.expired else []
        out += [text("refused", lang, station=name, what=what)
                for sid, name, what in self.refusals
                if not (self.copy_of and sid == self.station_id)]  # fmt: skip
        if self.refill is not None:
            out.append(text("refilling", lang, done=self.refill[0], total=self.refill[1]))
        if self.behind:
            out.append(text("behind", lang, n=self.behind))
        if self.caught_up:
            out.append(text("caught_up", lang, n=self.caught_up))
        return out

    @property
    def online(self) -> bool:
        return self.link is Link.ONLINE

    @property
    def skew_warning(self) -> bool:
        """This station's clock is more than a minute off the hub's."""
        return self.skew_s is not None and abs(self.skew_s) > SKEW_WARN_S

    def to_json(self) -> dict[str, object]:
        return {
            "link": self.link.value, "waiting": self.waiting, "behind": self.behind,
            "last_sync": self.last_sync.isoformat() if self.last_sync else None,
            "skew_s": None if self.skew_s is None else round(self.skew_s, 3),
            "skew_warning": self.skew_warning, "message": self.message,
            "pulled": self.pulled, "pushed": self.pushed, "renumbered": self.renumbered,
            "station_id": self.station_id, "next_in": round(self.next_in, 3),
            "refill": None if self.refill is None else {"held": self.refill[0],
                                                         "of": self.refill[1]},
            "caught_up": self.caught_up,
            "refusals": [{"station_id": sid, "station": name, "refused": what}
                         for sid, name, what in self.refusals],
            "copy_of": self.copy_of or None, "revoked": self.revoked, "expired": self.expired,
        }  # fmt: skip


class Stop(Protocol):
    """threading.Event and multiprocessing.Event both fit."""

    def is_set(self) -> bool: ...

    def wait(self, timeout: float | None = None) -> bool: ...


class Wake(Stop, Protocol):
    """An event that starts the next round early (threading.Event fits)."""

    def clear(self) -> None: ...


class SyncLoop:
    def __init__(
        self,
        open_store: Callable[[], Store],
        hub: Hub,
        clock: Clock,
        *,
        interval: float = INTERVAL_S,
        max_backoff: float = MAX_BACKOFF_S,
        rng: random.Random | None = None,
        on_status: Callable[[SyncStatus], None] | None = None,
    ) -> None:
        self.open_store = open_store
        self.hub = hub
        self.clock = clock
        self.interval = interval
        self.max_backoff = max_backoff
        self.rng = rng or random.Random()
        self.on_status = on_status
        self.store: Store | None = None
        self.engine: SyncEngine | None = None
        # 2, 4, 8, 10 s at the default interval, ±20%: stations that lost the hub together
        # spread out
        self.backoff = Backoff(interval * 2, max(interval * 2, max_backoff), jitter=0.2,
                               rng=self.rng)  # fmt: skip
        self.status = SyncStatus(Link.STARTING, None, None, None)
        self._hub_behind = 0  # entries on the hub not yet received, at the last round

    def _engine(self) -> SyncEngine:
        if self.engine is None:
            self.store = self.open_store()
            self.engine = SyncEngine(self.store, self.hub, self.clock)
        return self.engine

    def step(self) -> SyncStatus:
        """One round; the status (also handed to `on_status`)."""
        prev = self.status
        try:
            engine = self._engine()
            r = engine.round()
        except HubRefused as exc:
            status = self._failed(Link.REFUSED, str(exc), prev)
            if isinstance(exc, HubLoginRevoked):
                status = dataclasses.replace(status, revoked=True)
            elif isinstance(exc, HubLoginExpired) or self._expired():
                status = dataclasses.replace(status, expired=True)
        except KioskError as exc:  # HubUnavailable, or the local store (StorageError)
            from kiosk.sync.hub import HubError

            link = Link.OFFLINE if isinstance(exc, HubError) else Link.FAILED
            status = self._failed(link, str(exc), prev)
        except Exception as exc:  # never let the worker die: say it, try again later
            log.exception("sync round failed")
            status = self._failed(Link.FAILED, f"sync failed: {type(exc).__name__}: {exc}", prev)
        else:
            self.backoff.reset()
            assert self.store is not None
            self._hub_behind = r.behind - syncstate.pending_committed(self.store.conn)
            status = SyncStatus(
                Link.ONLINE, r.waiting, self.clock.now(), r.skew_s, "", r.pulled, r.pushed,
                r.behind, r.renumbered, self.store.station.id,
                0.0 if r.more else self.interval * self.rng.uniform(0.9, 1.1),
                r.refill, r.caught_up, r.arrivals, _refusals(r, self.store),
                r.copy_of,
            )  # fmt: skip
        if status.link is not prev.link or status.message != prev.message:
            log.info("sync: %s %s", status.link.value, status.message)
        self.status = status
        if self.on_status is not None:
            self.on_status(status)
        return status

    def _failed(self, link: Link, message: str, prev: SyncStatus) -> SyncStatus:
        """The hub could not be used: what this database knows still (entries waiting,
        entries received and not yet applied, the hub's backlog at the last round)."""
        delay = self.backoff.next()
        waiting, behind, station_id = prev.waiting, prev.behind, prev.station_id
        if self.store is not None:
            try:
                c = self.store.conn
                waiting = syncstate.waiting(c)
                behind = self._hub_behind + syncstate.pending_committed(c)
                station_id = self.store.station.id
            except Exception:  # the local store is the problem: keep what was known
                pass
        caught_up = self.engine.caught_up if self.engine is not None else 0
        return SyncStatus(link, waiting, prev.last_sync, prev.skew_s, message.splitlines()[0],
                          behind=behind, station_id=station_id, next_in=delay,
                          refill=prev.refill, caught_up=caught_up,
                          refusals=prev.refusals, copy_of=prev.copy_of)  # fmt: skip

    def _expired(self) -> bool:
        """This enrolled station's certificate has expired, by its own clock (the hub then
        refuses its login a connection, and says only that authentication failed)."""
        if self.store is None:
            return False
        try:
            gate = self.store.gate
            cert = gate.verifier.certs.get(self.store.station.id) if gate is not None else None
        except (KioskError, *DB_ERRORS):  # the local store is the problem: said otherwise
            return False
        return cert is not None and cert.expires <= ts(self.clock.now())

    @staticmethod
    def _waiting(store: Store) -> int:
        """Entries of `store` the hub lacks (kiosk.station.syncing counts them between
        rounds while the hub is away)."""
        return syncstate.waiting(store.conn)

    def run(self, stop: Stop, wake: Wake | None = None) -> None:
        """Step until `stop` is set; then close. Meant as a thread's or process's target.
        `wake` (set it with `stop` too) starts the next round at once: an admission here."""
        try:
            while not stop.is_set():
                status = self.step()
                if status.next_in <= 0:
                    continue
                if wake is None:
                    if stop.wait(status.next_in):
                        break
                elif wake.wait(status.next_in):
                    wake.clear()
        finally:
            self.close()

    def close(self) -> None:
        self.hub.close()
        if self.store is not None:
            self.store.close()
            self.store = None
            self.engine = None


def _refusals(r: RoundResult, store: Store) -> tuple[tuple[str, str, str], ...]:
    """Every station the hub refuses entries of: as each last told the hub, and this
    station's own refusal of this round first (its row may lag a round behind)."""
    own = store.station
    gate = store.gate
    certs = gate.verifier.certs if gate is not None else {}
    out = [(sid, name or (certs[sid].name if sid in certs else sid[:8]), what)
           for sid, name, what in r.refusals
           if sid != own.id and not (r.copy_of and what.startswith(COPY_PREFIX))]  # fmt: skip
    if r.refused is not None:
        out.insert(0, (own.id, r.copy_of or own.name, r.refused))
    return tuple(out)
