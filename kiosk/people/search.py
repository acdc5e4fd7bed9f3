"""Finding a person at the desk: ranked search hits with their presence in a session.

The full-text index finds candidates (names, pinyin, organizations, emails); `rank` orders
them the way a person at the desk expects: the exact name first, then people whose
surname is the query ("Li" finds 李伟 and Sarah Li), then given names and name prefixes,
and last whatever matched only through an organization, an email or the pinyin of a
transliterated foreign name (伊丽莎白·琼斯, Elizabeth Jones, for "li").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from kiosk.models.names import chinese_surname, has_cjk, pinyin_keys
from kiosk.models.records import Attendee
from kiosk.people.hits import SearchHit
from kiosk.storage.store import Store

CANDIDATES = 400  # full-text matches ranked per query (the list shows 50)
_WORD = re.compile(r"\w+", re.UNICODE)


def search_people(store: Store, text: str, session_id: str, limit: int = 50) -> list[SearchHit]:
    """The best `limit` matches for `text`, ranked, with presence in `session_id` (read
    in one transaction)."""
    with store.snapshot() as tx:
        found = tx.people.search(text, limit=CANDIDATES)
        ranked = sorted(enumerate(found), key=lambda ia: (rank(text, ia[1]), ia[0]))
        people = [a for _, a in ranked[:limit]]
        ids = [a.attendee_id for a in people]
        seen = tx.presence.of_many(session_id, ids) if session_id else {}
    return [
        SearchHit(a, seen[a.attendee_id].first_at, seen[a.attendee_id].station)
        if a.attendee_id in seen
        else SearchHit(a)
        for a in people
    ]


@lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    """Lower case, accents removed: 'García' -> 'garcia'."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(text: str) -> list[str]:
    return _WORD.findall(_fold(text))


def name_parts(a: Attendee) -> tuple[frozenset[str], frozenset[str]]:
    """(surname keys, given-name keys) of an attendee, folded: pinyin and characters of a
    Chinese name, and the English name's words (its surname is the word that spells the
    Chinese surname, else the last word: "Li Wei", "Wei Li" and "Sarah Li" are all Li)."""
    return _name_parts(a.name, a.name_zh)


@lru_cache(maxsize=65536)
def _name_parts(name: str, name_zh: str) -> tuple[frozenset[str], frozenset[str]]:
    chars, surname_py = chinese_surname(name_zh)
    surnames: set[str] = {x for x in (chars, surname_py) if x}
    given: set[str] = set()
    if chars:
        given_chars = name_zh.strip()[len(chars) :]
        syllables = pinyin_keys(name_zh).split()
        n_surname = len(chars)
        given |= {c for c in given_chars if has_cjk(c)}
        given |= set(syllables[n_surname : n_surname + len(given_chars)])
    english = _words(name)
    if english:
        family = surname_py if surname_py in english else english[-1]
        surnames.add(family)
        given |= {w for w in english if w != family}
    return frozenset(surnames), frozenset(given - surnames)


def rank(query: str, a: Attendee) -> int:
    """0 the full name; 1 a surname; 2 a given name; 3 a name's prefix; 4 anything else."""
    q = _fold(query).strip()
    if not q:
        return 4
    if q in (_fold(a.name).strip(), _fold(a.name_zh).strip()) or (
        " ".join(reversed(_words(a.name))) == " ".join(_words(q)) and a.name
    ):
        return 0
    surnames, given = name_parts(a)
    terms = _query_terms(q)
    return min((_term_rank(t, surnames, given) for t in terms), default=4)


def _term_rank(t: str, surnames: frozenset[str], given: frozenset[str]) -> int:
    """1 a surname; 2 a given name; 3 a name's prefix; 4 none of these."""
    if t in surnames or any(has_cjk(t) and s.startswith(t) for s in surnames if has_cjk(s)):
        return 1
    if t in given or (has_cjk(t) and any(t in g for g in given)):
        return 2
    if any(w.startswith(t) for w in surnames | given if not has_cjk(w)):
        return 3
    return 4


def _query_terms(q: str) -> list[str]:
    """Latin words, and runs of Chinese characters (a Chinese name is typed unspaced)."""
    terms: list[str] = []
    for w in q.split():
        for piece in re.split(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)", w):
            if not piece:
                continue
            terms.extend([piece] if has_cjk(piece) else _WORD.findall(piece))
    return terms
