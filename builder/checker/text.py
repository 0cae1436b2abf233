"""Normalising Chinese headings for comparison, and reading their numbering (一、 / （一）).

Headings are compared after NFKC (full-width brackets, digits and letters become their
ASCII forms), with white space, Markdown emphasis marks and ``#`` removed and trailing
punctuation dropped, so that ``**（一） 质量工作总体概况。**`` and ``(一)质量工作总体概况``
are the same heading.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

_STRIP = re.compile(r"[\s*#`_\u200b\ufeff]+")
_TRAILING = re.compile(r"[。.：:；;，,、!！?？]+$")
YEAR_RE = re.compile(r"(?<!\d)(19\d\d|20\d\d)(?!\d)")
YEAR_MARK = "\x00Y"  # stands for "any year" in compared titles

CN_DIGITS = "零一二三四五六七八九"
_CN_NUM = "[一二三四五六七八九十]+"
# level 1: 一、  level 2: （一）  level 3: 1．  level 4: （1）   (after NFKC: (一) 1. (1))
_NUMBERING = [
    (1, re.compile(rf"^({_CN_NUM})[、,.]")),
    (2, re.compile(rf"^\(({_CN_NUM})\)[、,.]?")),
    (3, re.compile(r"^(\d{1,2})[、.](?!\d)")),
    (4, re.compile(r"^\((\d{1,2})\)[、.]?")),
]


def nfkc(text: str) -> str:
    """Return *text* in Unicode NFKC form (full-width digits and letters made ASCII)."""
    return unicodedata.normalize("NFKC", text)


def compact(text: str) -> str:
    """NFKC, without white space, emphasis marks or ``#``."""
    return _STRIP.sub("", nfkc(text))


def norm(text: str) -> str:
    """Heading text as compared: :func:`compact`, trailing punctuation dropped."""
    return _TRAILING.sub("", compact(text))


def norm_title(text: str) -> str:
    """:func:`norm` with every year replaced by a wildcard mark."""
    return YEAR_RE.sub(YEAR_MARK, norm(text))


def parse_cn_number(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20 (up to 99)."""
    if not text or any(ch not in CN_DIGITS + "十" for ch in text):
        return None
    if "十" not in text:
        return int("".join(str(CN_DIGITS.index(ch)) for ch in text)) if len(text) == 1 else None
    head, _, tail = text.partition("十")
    if "十" in tail or len(head) > 1 or len(tail) > 1:
        return None
    tens = CN_DIGITS.index(head) if head else 1
    ones = CN_DIGITS.index(tail) if tail else 0
    return tens * 10 + ones if tens else None


def cn_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + ("" if ones == 0 else CN_DIGITS[ones])


class Numbering(NamedTuple):
    """A heading's numbering: its level (1 一、 2 （一） 3 1． 4 （1）), value and text."""

    level: int  # 1: 一、 2: （一） 3: 1． 4: （1）
    value: int
    text: str  # as written, e.g. "一、" or "（一）"


def numbering_label(level: int, value: int) -> str:
    """How a number is written at a level: 一、 （一） 1． （1）."""
    if level == 1:
        return f"{cn_numeral(value)}、"
    if level == 2:
        return f"（{cn_numeral(value)}）"
    if level == 3:
        return f"{value}．"
    return f"（{value}）"


def split_numbering(text: str) -> tuple[Numbering | None, str]:
    """The numbering at the start of a heading and the rest of it (NFKC, compacted).

    The returned title keeps the characters of ``compact(text)`` after the numbering.
    """
    c = compact(text)
    for level, rx in _NUMBERING:
        m = rx.match(c)
        if m:
            raw = m.group(1)
            value = int(raw) if raw.isdigit() else parse_cn_number(raw)
            if value:
                return Numbering(level, value, m.group(0)), c[m.end() :]
    return None, c


def raw_numbering_length(text: str) -> int:
    """How many characters of ``text`` (as written) the leading numbering takes, with spaces."""
    num, _ = split_numbering(text)
    if num is None:
        return 0
    want = len(num.text)
    seen = 0
    for i, ch in enumerate(text):
        if not _STRIP.match(ch):
            seen += len(nfkc(ch))
        if seen >= want:
            j = i + 1
            while j < len(text) and text[j] in " \t\u3000":
                j += 1
            return j
    return len(text)
