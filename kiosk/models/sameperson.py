"""Is this walk-in someone already registered? The pure rule, no storage.

Two records are likely one person when their names match, in any of the forms a desk
types (English words in either order, the Chinese name, or its pinyin against the other's
English name: 张伟 is "Zhang Wei" and "Wei Zhang"), and their organisations do not
contradict each other: the same words, one inside the other ("PNNL" in "Pacific
Northwest National Laboratory (PNNL)"), or one the other's initials ("PNNL" and
"Pacific Northwest National Laboratory"). An empty organisation contradicts nothing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from kiosk.models.names import has_cjk, pinyin_keys

_WORD = re.compile(r"\w+", re.UNICODE)
# Words left out of an organisation's initials ("Institute of Technology" is IT).
_MINOR = frozenset({"of", "the", "and", "for", "de", "la", "at", "in", "on", "a", "an", "&"})
# Legal forms that do not distinguish organisations.
_LEGAL = frozenset({"inc", "ltd", "llc", "co", "corp", "corporation", "company", "limited",
                    "gmbh", "sa", "ag", "plc"})  # fmt: skip


class Named(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def name_zh(self) -> str: ...
    @property
    def organization(self) -> str: ...
    @property
    def organization_zh(self) -> str: ...


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(text: str) -> list[str]:
    return _WORD.findall(_fold(text))


def _form(words: list[str]) -> tuple[str, ...]:
    return tuple(sorted(w for w in words if w))  # in any order, repeats counted


def name_forms(name: str, name_zh: str) -> frozenset[tuple[str, ...]]:
    """Each way the name can be written, as its words in any order: the English name's
    words, the Chinese name, and the pinyin syllables of the Chinese name."""
    forms: set[tuple[str, ...]] = set()
    english = [w for w in _words(name) if not has_cjk(w)]
    if english:
        forms.add(_form(english))
    zh = "".join(c for c in name_zh if not c.isspace())
    if has_cjk(zh):
        forms.add((zh,))
        hanzi = [c for c in zh if has_cjk(c)]
        syllables = pinyin_keys(zh).split()[: len(hanzi)]
        if syllables:
            forms.add(_form(syllables))
            # "Zhang Wei" and "Zhangwei" alike; given names typed joined ("Lianyu").
            forms.add(_form([syllables[0], "".join(syllables[1:])]))
            forms.add(("".join(syllables),))
    if has_cjk(name):  # a Chinese name typed in the English field
        forms |= name_forms("", name)
    return frozenset(forms)


def _chinese(n: Named) -> str:
    text = n.name_zh if has_cjk(n.name_zh) else n.name if has_cjk(n.name) else ""
    return "".join(c for c in text if not c.isspace())


def same_name(a: Named, b: Named) -> bool:
    """Both give a Chinese name: the characters decide (张伟 and 章伟 are two people
    though both read Zhang Wei). Otherwise any written form in common."""
    za, zb = _chinese(a), _chinese(b)
    if za and zb:
        return za == zb
    return bool(name_forms(a.name, a.name_zh) & name_forms(b.name, b.name_zh))


def _org_words(text: str) -> list[str]:
    return [w for w in _words(text.replace("&", " and ")) if w not in _LEGAL]


def _initials(words: list[str]) -> str:
    return "".join(w[0] for w in words if w not in _MINOR)


def _orgs_agree(a: str, b: str) -> bool | None:
    """True: the same organisation; False: different ones; None: one is not given."""
    wa, wb = _org_words(a), _org_words(b)
    if not wa or not wb:
        return None
    ja, jb = " ".join(wa), " ".join(wb)
    if ja == jb or f" {ja} " in f" {jb} " or f" {jb} " in f" {ja} ":
        return True
    for short, long in ((wa, wb), (wb, wa)):
        if len(short) == 1 and len(short[0]) >= 2:
            s = short[0]
            if s in (_initials(long), "".join(w[0] for w in long)):
                return True
            if any(s == w for w in long):  # "PNNL" in "Battelle PNNL"
                return True
    return False


def same_organisation(a: Named, b: Named) -> bool | None:
    """True / False when comparable (English or Chinese names of the organisation), None
    when either record gives none."""
    verdicts = [
        _orgs_agree(a.organization, b.organization),
        _orgs_agree(a.organization_zh, b.organization_zh),
        _orgs_agree(a.organization, b.organization_zh) if has_cjk(b.organization_zh) else None,
    ]
    if any(v is True for v in verdicts):
        return True
    if any(v is False for v in verdicts):
        return False
    return None


@dataclass(frozen=True, slots=True)
class Match:
    """A registered person a new record may duplicate; `same_org` True, False or None."""

    index: int  # the candidate's position in the list given
    same_org: bool | None

    @property
    def likely(self) -> bool:
        """A possible duplicate to report: the name matches and the organisations agree
        (or one is not given)."""
        return self.same_org is not False


def matches(person: Named, candidates: Iterable[Named]) -> list[Match]:
    """The candidates whose name matches `person`'s: the same organisation first, then
    an organisation not given, then another organisation (shown so that the desk can
    tell two people apart, not reported)."""
    found = [
        Match(i, same_organisation(person, c))
        for i, c in enumerate(candidates)
        if same_name(person, c)
    ]
    order = {True: 0, None: 1, False: 2}
    return sorted(found, key=lambda m: (order[m.same_org], m.index))
