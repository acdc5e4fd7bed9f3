"""Search keys and queries: English and Chinese names, pinyin, organization, email.

Every attendee has one FTS5 document. Latin words are indexed as they are; Chinese text
is indexed one character per token (so that any part of a Chinese name matches as a
phrase), and a Chinese name also as pinyin syllables, joined pinyin and initials, so
that `zhang wei`, `zhangwei` and `zw` all find 张伟.
"""

from __future__ import annotations

import re
import unicodedata

from pypinyin import Style, lazy_pinyin

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[\w]+", re.UNICODE)


def is_cjk(ch: str) -> bool:
    return bool(_CJK.match(ch))


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def _spaced(text: str) -> str:
    """Put spaces around every CJK character so that FTS5 sees each as a token."""
    return _CJK.sub(lambda m: f" {m.group(0)} ", text)


def pinyin_keys(name_zh: str) -> str:
    hanzi = "".join(c for c in name_zh if is_cjk(c))
    if not hanzi:
        return ""
    syllables = lazy_pinyin(hanzi, style=Style.NORMAL, errors="ignore")
    initials = "".join(s[0] for s in syllables if s)
    # Surname first and given-name-first orders both searchable.
    joined = "".join(syllables)
    given_first = "".join(syllables[1:] + syllables[:1])
    return " ".join([*syllables, joined, given_first, initials])


def search_keys(name: str, name_zh: str, org: str, org_zh: str, email: str) -> str:
    email_parts = email.replace("@", " ").replace(".", " ")
    parts = [name, _spaced(name_zh), pinyin_keys(name_zh), org, _spaced(org_zh), email_parts]
    if has_cjk(name):
        parts.append(pinyin_keys(name))
    return " ".join(p for p in parts if p)


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
