"""The signatures of a page of received entries, checked ahead on a worker thread while the
receiver applies the earlier ones (sync's pull).

Ed25519 verification is most of what receiving a signed entry costs, and it releases the GIL
(libsodium through PyNaCl's cffi, or OpenSSL through `cryptography`), so a worker thread takes
it off the receiver's thread: there a verified entry costs about 75 µs of CPU instead of 130
(bench/trust.py; the wall-clock gain needs a core to spare).

An `Ahead` is only a cache of `entry_verifies(e, key, at)`, computed by that same code:
`Verifier.check` uses a verdict when it asks about the very entry object the verdict was made
for, with the very key it was made with, and verifies inline otherwise (a key learned in the
middle of the page, an entry not in the page, a station's handover, a worker that failed or
could not start). Every other check (certificate, expiry, revocation, role, content) stays in
`Verifier.check`, in order, on the receiver's thread.

    with Ahead(entries) as ahead:
        for e in entries:
            store.receive(tx, e, ahead=ahead)

The worker starts on the first verdict asked for (none while trust is off) and ends with the
`with` block: none outlives it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from types import TracebackType
from typing import TYPE_CHECKING

from kiosk.models.records import LogEntry
from kiosk.trust.keys import at_text, signed_message, verify

if TYPE_CHECKING:
    from kiosk.trust.verify import Verifier

CHUNK = 64  # entries per job handed to a worker
DEPTH = 4  # jobs per worker handed out ahead of the entry being checked

#: One entry's work: (key, signature, message) to verify; False when it cannot verify (the
#: private part held is not the one signed over); None when it is left to the inline check.
Job = tuple[bytes, bytes, bytes] | bool | None


def workers() -> int:
    """Verify threads worth starting: none on one core (no gain), else one: at ~45 µs a
    verify (libsodium) it keeps ahead of the receiver's thread (~75 µs an entry), and a
    second one only adds contention for the GIL (measured: bench/trust.py)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        cores = os.cpu_count() or 1
    return 0 if cores < 2 else 1


Results = list[bool | None]


def _run(jobs: list[Job]) -> Results:
    return [verify(*job) if isinstance(job, tuple) else job for job in jobs]


class Ahead:
    """Verdicts on a page's signatures, made on worker threads (see the module's text)."""

    def __init__(
        self,
        entries: Sequence[LogEntry],
        threads: int | None = None,
        pool: Callable[[int], Executor] | None = None,
    ) -> None:
        self._entries = list(entries)
        self._where = {id(e): i for i, e in enumerate(self._entries)}
        self._threads = workers() if threads is None else threads
        self._make_pool = pool or (lambda n: ThreadPoolExecutor(n, thread_name_prefix="verify"))
        self._pool: Executor | None = None
        self._broken = self._threads <= 0 or not self._entries
        # per entry handed out: the key its job was made with, its chunk's results, its place
        self._slots: list[tuple[bytes | None, Future[Results], int]] = []
        self.made = 0  # verdicts given (the others were checked inline)

    def __enter__(self) -> Ahead:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """End the workers (jobs not started are dropped); later verdicts are None."""
        self._broken = True
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def verdict(self, e: LogEntry, key: bytes, verifier: Verifier) -> bool | None:
        """`entry_verifies(e, key)`, made ahead; None when not made for this entry and key."""
        i = self._where.get(id(e))
        if i is None or self._entries[i] is not e:
            return None
        self._submit(i + CHUNK * DEPTH * self._threads, verifier)
        if i >= len(self._slots):
            return None
        made_with, future, k = self._slots[i]
        if made_with != key:
            if verifier.station_key(e) == key:  # learned since: hand the rest out again
                self._drop_after(i)
            return None
        try:
            made = future.result()[k]
        except Exception:  # a worker's failure: the inline check says what is wrong
            return None
        self.made += made is not None
        return made

    def _drop_after(self, i: int) -> None:
        keep = self._slots[i][1]
        for _, future, _ in self._slots[i + 1 :]:
            if future is not keep:
                future.cancel()  # not started yet: never run
        del self._slots[i + 1 :]

    def _submit(self, upto: int, verifier: Verifier) -> None:
        """Hand the entries up to `upto` to the workers, a chunk a job, with the keys the
        verifier knows now."""
        upto = min(upto, len(self._entries) - 1)
        while not self._broken and len(self._slots) <= upto:
            start = len(self._slots)
            keys, jobs = self._prepare(self._entries[start : start + CHUNK], verifier)
            try:
                if self._pool is None:
                    self._pool = self._make_pool(self._threads)
                future = self._pool.submit(_run, jobs)
            except RuntimeError:  # no thread can start here (or shutting down): inline
                self.close()
                return
            self._slots.extend((key, future, k) for k, key in enumerate(keys))

    @staticmethod
    def _prepare(
        entries: Sequence[LogEntry], verifier: Verifier
    ) -> tuple[list[bytes | None], list[Job]]:
        keys: list[bytes | None] = []
        jobs: list[Job] = []
        for e in entries:
            raw = verifier.station_key(e)
            if raw is None or e.sig is None:
                keys.append(None)
                jobs.append(None)
                continue
            message = signed_message(e, at_text(e))
            keys.append(raw)
            jobs.append(False if message is None else (raw, e.sig, message))
        return keys, jobs
