"""Search keys and queries: English and Chinese names, pinyin, organization, email.

Every attendee has one FTS5 document. Latin words are indexed as they are; Chinese text
is indexed one character per token (so that any part of a Chinese name matches as a
phrase), and a Chinese name also as pinyin syllables, joined pinyin and initials, so
that `zhang wei`, `zhangwei` and `zw` all find 张伟.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[\w]+", re.UNICODE)
# Surnames whose reading differs from the character's common one.
_SURNAME_READINGS = {"曾": "zeng", "单": "shan", "解": "xie", "仇": "qiu", "朴": "piao",
                     "区": "ou", "查": "zha", "盖": "ge", "缪": "miao", "尉": "yu", "乐": "yue",
                     "员": "yun", "覃": "qin", "召": "shao", "翟": "zhai", "折": "she"}  # fmt: skip
_COMPOUND_SURNAMES = {
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "长孙",
    "令狐",
    "司徒",
    "夏侯",
}


def is_cjk(ch: str) -> bool:
    return bool(_CJK.match(ch))


def has_cjk(text: str) -> bool:
    return not text.isascii() and bool(_CJK.search(text))  # (ASCII: no search needed)


@lru_cache(maxsize=65536)
def _spaced(text: str) -> str:
    """Put spaces around every CJK character so that FTS5 sees each as a token."""
    if not text or text.isascii():
        return text
    return _CJK.sub(r" \g<0> ", text)


@lru_cache(maxsize=16384)
def _char_pinyin(ch: str) -> str:
    syllables = lazy_pinyin(ch, style=Style.NORMAL, errors="ignore")
    return syllables[0] if syllables else ""


@lru_cache(maxsize=65536)
def pinyin_keys(name_zh: str) -> str:
    """Pinyin search keys of a Chinese name, character by character (cached: a 100,000-name
    import converts each distinct character once), with surnames read as surnames."""
    hanzi = _CJK.findall(name_zh)
    if not hanzi:
        return ""
    surname, syllables = _surname(hanzi)
    given = [x for x in (_char_pinyin(c) for c in hanzi[len(surname) :]) if x]
    # Surname first and given-name-first orders both searchable, and the initials.
    joined = "".join(syllables + given)
    initials = "".join(x[0] for x in syllables + given)
    return " ".join([*syllables, *given, joined, "".join(given + syllables), initials])


def _surname(hanzi: list[str]) -> tuple[str, list[str]]:
    """The surname's characters (compound surnames included) and its pinyin syllables."""
    surname = "".join(hanzi[:2]) if "".join(hanzi[:2]) in _COMPOUND_SURNAMES else hanzi[0]
    syllables = (
        [_SURNAME_READINGS.get(surname[0], _char_pinyin(surname[0]))]
        if len(surname) == 1
        else [_char_pinyin(c) for c in surname]
    )
    return surname, [x for x in syllables if x]


def chinese_surname(name_zh: str) -> tuple[str, str]:
    """(characters, pinyin) of the surname of a Chinese name; ("", "") for a transliterated
    foreign name (约翰·史密斯) or a name without Chinese characters."""
    hanzi = _CJK.findall(name_zh)
    if not hanzi or "·" in name_zh or "•" in name_zh:
        return "", ""
    surname, syllables = _surname(hanzi)
    return surname, "".join(syllables)


def search_keys(name: str, name_zh: str, org: str, org_zh: str, email: str) -> str:
    email_parts = email.replace("@", " ").replace(".", " ")
    parts = [name, _spaced(name_zh), pinyin_keys(name_zh), org, _spaced(org_zh), email_parts]
    if has_cjk(name):
        parts.append(pinyin_keys(name))
    return " ".join([p for p in parts if p])


def fts_query(text: str) -> str:
    """An FTS5 MATCH expression: every word must match (Latin: as a prefix; CJK: in order)."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    terms: list[str] = []
    for chunk in text.split():
        # Runs of CJK characters become phrases; other word runs become prefix terms.
        for piece in re.split(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)", chunk):
            if not piece:
                continue
            if has_cjk(piece):
                terms.append('"' + " ".join(piece) + '"')
            else:
                terms.extend(f'"{w}"*' for w in _WORD.findall(piece))
    return " AND ".join(terms)
