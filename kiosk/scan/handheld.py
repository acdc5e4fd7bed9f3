"""Handheld USB barcode scanners: they type the code as fast keystrokes.

A scanner "types" a whole code in a burst, keys a few milliseconds apart, usually followed
by Enter (some send Tab, some nothing). A person types keys 80-300 ms apart. The decoder
watches key timings (from an injected clock) and hands back the code of a burst, so the
GUI can accept scans while any widget has focus, and swallow the burst's keys.
"""

from __future__ import annotations

from kiosk.checkin.codes import CODE_ALPHABET, CODE_LENGTH, PREFIX
from kiosk.models.clock import Clock

TERMINATORS = frozenset({"\r", "\n", "\t"})


def could_be_code(text: str) -> bool:
    """True while `text` (typed so far) can still become a Forum Check-in badge code."""
    if len(text) <= len(PREFIX):
        return PREFIX.startswith(text)
    return (
        text.startswith(PREFIX)
        and len(text) <= CODE_LENGTH
        and all(c in CODE_ALPHABET for c in text[len(PREFIX) :])
    )


def is_code_shape(text: str) -> bool:
    """`text` has a badge code's prefix, alphabet and length (its signature is not checked)."""
    return len(text) == CODE_LENGTH and could_be_code(text)


class KeyBurstDecoder:
    """Feed every key press's text; get a code back when a scanner's burst completes.

    - `max_gap`: the longest pause between two keys of a burst (scanners: 2-20 ms).
    - `min_length`: shorter bursts are not codes (two fast keys of a person, a chord).
    - `idle`: after this long without a key, `flush()` completes a burst that had no
      terminator (for scanners configured to send nothing after the code).
    - `max_terminator_gap`: the pause allowed between the last character and the terminator
      (some scanners wait a little before Enter).

    A held-down key auto-repeats at 20-40 ms: a burst of one repeated character is never a code.

    Gaps are measured on the keys' own timestamps when they have them (`feed_key(text, t)`,
    the window system's time of the key press): a stall of the GUI thread delivers the
    rest of a burst late, all at once, and the burst must still come out as one code.
    Without timestamps (synthetic keys) the injected clock measures the gaps.
    """

    def __init__(
        self,
        clock: Clock,
        max_gap: float = 0.03,
        min_length: int = 8,
        idle: float = 0.1,
        max_terminator_gap: float = 0.06,
    ) -> None:
        self._clock = clock
        self.max_gap = max_gap
        self.min_length = min_length
        self.idle = idle
        self.max_terminator_gap = max_terminator_gap
        self._chars: list[str] = []
        self._last = 0.0  # clock time the last key was handled (idle flush)
        self._last_t: float | None = None  # the last key's own timestamp, if it had one

    @property
    def in_burst(self) -> bool:
        """True when the keys so far are a scanner's burst: the GUI swallows the next ones.

        It turns True at the burst's second key; the first key has reached the focused
        widget by then (`leaked` says how many keys did, so a text field can remove them).
        """
        return len(self._chars) >= 2 and self._clock.monotonic() - self._last <= self.idle

    @property
    def leaked(self) -> int:
        """Keys of the current burst that arrived before it was recognised as one (0 or 1)."""
        return 1 if self._chars else 0

    @property
    def pending(self) -> str:
        return "".join(self._chars)

    def gap(self, t: float | None = None) -> float:
        """Seconds since the previous key: by the keys' timestamps when both have one."""
        if t is not None and self._last_t is not None:
            return t - self._last_t
        return self._clock.monotonic() - self._last

    def feed_key(self, text: str, t: float | None = None) -> str | None:
        """The text of one key press ("" for keys without text: Shift, arrows …) and the
        key's own timestamp in seconds, when the window system gave one.

        Returns a completed code, or None. Never returns anything for human typing.
        """
        if not text:
            return None
        gap = self.gap(t)
        now = self._clock.monotonic()
        self._last_t = t
        if text in TERMINATORS:
            code = self._complete() if gap <= self.max_terminator_gap else None
            self._chars.clear()
            self._last = now
            return code
        if len(text) != 1 or not text.isprintable():
            self._chars.clear()
            self._last = now
            return None
        done = None
        if self._chars and gap > self.max_gap:
            # The previous keys were a person typing, or a burst without terminator
            # that `flush()` was not called for in time.
            done = self._complete()
            self._chars.clear()
        self._chars.append(text)
        self._last = now
        return done

    def flush(self) -> str | None:
        """Call from an idle timer: completes a burst sent without terminator."""
        if not self._chars or self._clock.monotonic() - self._last < self.idle:
            return None
        code = self._complete()
        self._chars.clear()
        return code

    def reset(self) -> None:
        self._chars.clear()

    def _complete(self) -> str | None:
        chars = self._chars
        if len(chars) < self.min_length or len(set(chars)) == 1:
            return None
        return "".join(chars)
