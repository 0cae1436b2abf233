"""字数 as Word and WPS count it, for Chinese text (pure: no I/O, no imports of the package).

Counting rules (issue #3):

* every CJK character, every full-width punctuation mark and every CJK symbol counts 1
  (CJK Unified Ideographs and their extensions, compatibility ideographs, radicals,
  CJK Symbols and Punctuation, kana, Hangul, enclosed/compatibility forms, vertical and
  small forms, Halfwidth and Fullwidth Forms);
* each maximal run of other non-space characters counts 1 (``ISO9001``, ``98.6%``, ``“``);
* em and en dashes separate runs and do not count;
* white space (including the ideographic space U+3000) separates runs and does not count.

Besides 字数 (:attr:`Counts.chars`), :func:`count` gives 汉字数 (ideographs only) and
字符数（不计空格） (every non-space character, one each), so that a stricter local rule can
be applied.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import NamedTuple

# Code point ranges whose characters count one each ("East Asian" characters for Word).
_WIDE_RANGES = (
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x2E80, 0x2EFF),  # CJK Radicals Supplement
    (0x2F00, 0x2FDF),  # Kangxi Radicals
    (0x2FF0, 0x2FFF),  # Ideographic Description Characters
    (0x3001, 0x303F),  # CJK Symbols and Punctuation (U+3000 is a space)
    (0x3040, 0x309F),  # Hiragana
    (0x30A0, 0x30FF),  # Katakana
    (0x3100, 0x312F),  # Bopomofo
    (0x3130, 0x318F),  # Hangul Compatibility Jamo
    (0x3190, 0x319F),  # Kanbun
    (0x31A0, 0x31BF),  # Bopomofo Extended
    (0x31C0, 0x31EF),  # CJK Strokes
    (0x31F0, 0x31FF),  # Katakana Phonetic Extensions
    (0x3200, 0x32FF),  # Enclosed CJK Letters and Months
    (0x3300, 0x33FF),  # CJK Compatibility
    (0x3400, 0x4DBF),  # CJK Unified Ideographs Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xA960, 0xA97F),  # Hangul Jamo Extended-A
    (0xAC00, 0xD7AF),  # Hangul Syllables
    (0xD7B0, 0xD7FF),  # Hangul Jamo Extended-B
    (0xF900, 0xFAFF),  # CJK Compatibility Ideographs
    (0xFE10, 0xFE1F),  # Vertical Forms
    (0xFE30, 0xFE4F),  # CJK Compatibility Forms
    (0xFE50, 0xFE6F),  # Small Form Variants
    (0xFF01, 0xFFEF),  # Halfwidth and Fullwidth Forms
    (0x1B000, 0x1B16F),  # Kana Supplement / Extended-A
    (0x1F200, 0x1F2FF),  # Enclosed Ideographic Supplement
    (0x20000, 0x2FA1F),  # CJK Unified Ideographs Extension B–F, Compatibility Supplement
    (0x30000, 0x323AF),  # CJK Unified Ideographs Extension G–H
)

_IDEOGRAPH_RANGES = (
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x2FA1F),
    (0x30000, 0x323AF),
)

# Characters that separate runs and count nothing besides white space.
_DASHES = frozenset("\u2013\u2014")  # en dash, em dash
# Invisible format characters: neither counted nor separating.
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")


def _in(cp: int, ranges) -> bool:
    for lo, hi in ranges:
        if cp < lo:
            return False
        if cp <= hi:
            return True
    return False


def is_wide(ch: str) -> bool:
    """True for a character that counts one 字 on its own (CJK, full-width punctuation…)."""
    return _in(ord(ch), _WIDE_RANGES)


def is_ideograph(ch: str) -> bool:
    """True for a Han ideograph (汉字)."""
    return _in(ord(ch), _IDEOGRAPH_RANGES)


class Counts(NamedTuple):
    """The three counts Word and WPS show for a text."""

    chars: int = 0  # 字数 (Word/WPS)
    hanzi: int = 0  # 汉字数
    nonspace: int = 0  # 字符数（不计空格）


def _merge(ranges) -> tuple[list[int], list[int]]:
    """Starts and ends of the ranges, adjacent ranges merged (for bisect)."""
    merged: list[list[int]] = []
    for lo, hi in ranges:
        if merged and lo <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return [lo for lo, _ in merged], [hi for _, hi in merged]


_WIDE_STARTS, _WIDE_ENDS = _merge(_WIDE_RANGES)
_IDEO_STARTS, _IDEO_ENDS = _merge(_IDEOGRAPH_RANGES)
# Runs of visible characters (white space, dashes and control characters split them). A
# small character class on purpose: a class of the large CJK ranges takes ~10 ms to compile,
# more than counting a whole report character by character.
_RUN_RE = re.compile("[^\\s\u2013\u2014\\x00-\\x08\\x0e-\\x1f\\x7f-\\x9f]+")
_INVISIBLE_RE = re.compile("[" + "".join(sorted(_INVISIBLE)) + "]")
# What a report is mostly made of: CJK Symbols and Punctuation, the URO ideographs and the
# Halfwidth and Fullwidth Forms, all wide. Their runs are cut out in one pass (three ranges
# compile in ~2 ms), so that only the few other characters are looked at one by one.
_COMMON_WIDE_RE = re.compile("([\u3001-\u303f\u4e00-\u9fff\uff01-\uffef]+)")
_NOT_URO_RE = re.compile("[^\u4e00-\u9fff]")


def count(text: str) -> Counts:
    """Count ``text``: 字数, 汉字数 and 字符数（不计空格）."""
    if not text:
        return Counts()
    if _INVISIBLE_RE.search(text):
        text = _INVISIBLE_RE.sub("", text)
    parts = _COMMON_WIDE_RE.split(text)  # other text, a wide run, other text, …
    wide = "".join(parts[1::2])
    # each wide character counts one 字 and one character, and ends a run as a space does
    text = " ".join(parts[0::2])
    chars = len(wide)
    hanzi = chars - len(_NOT_URO_RE.findall(wide))
    nonspace = chars + text.count("\u2013") + text.count("\u2014")
    wide_starts, wide_ends, ideo_starts, ideo_ends = _WIDE_STARTS, _WIDE_ENDS, _IDEO_STARTS, _IDEO_ENDS
    for run in _RUN_RE.findall(text):
        nonspace += len(run)
        if run.isascii():
            chars += 1
            continue
        in_run = False
        for ch in run:
            cp = ord(ch)
            if cp >= 0x1100:
                i = bisect_right(wide_starts, cp) - 1
                if i >= 0 and cp <= wide_ends[i]:
                    chars += 1
                    in_run = False
                    j = bisect_right(ideo_starts, cp) - 1
                    if j >= 0 and cp <= ideo_ends[j]:
                        hanzi += 1
                    continue
            if not in_run:
                chars += 1
                in_run = True
    return Counts(chars, hanzi, nonspace)


def count_slow(text: str) -> Counts:
    """The same count, character by character (the reference the fast one is tested against)."""
    chars = hanzi = nonspace = 0
    in_run = False
    for ch in text:
        if ch.isspace():
            in_run = False
            continue
        if ch in _INVISIBLE:
            continue
        if ch in _DASHES:
            nonspace += 1
            in_run = False
            continue
        cp = ord(ch)
        if cp < 0x20 or 0x7F <= cp < 0xA0:  # control characters
            in_run = False
            continue
        nonspace += 1
        if cp >= 0x1100 and _in(cp, _WIDE_RANGES):
            chars += 1
            if _in(cp, _IDEOGRAPH_RANGES):
                hanzi += 1
            in_run = False
        elif not in_run:
            chars += 1
            in_run = True
    return Counts(chars, hanzi, nonspace)


def chars(text: str) -> int:
    """字数 only."""
    return count(text).chars
