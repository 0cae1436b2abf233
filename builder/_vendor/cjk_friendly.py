"""CJK-friendly emphasis and soft line breaks for markdown-it-py.

Vendored from ``mdit-py-cjk-friendly`` 0.3.0 (PyPI; https://github.com/aiseed-dev/mdit-py-cjk-friendly),
keeping only its ``cjk_friendly`` plugin (the opt-in ``ruby`` and ``bouten`` syntaxes are left out).
Why vendored rather than installed: the package declares ``markdown-it-py<4`` while kaohe pins
markdown-it-py 4.3.0 (pip refuses the pair; the code itself works on 4.3.0, REFERENCES.md), pinning
markdown-it-py 3.x would change the parser of the whole site and every PDF, and a module inside the
package loads in the browser checker page (Pyodide, offline) with no extra wheel.

What it fixes (the CommonMark "CJK-friendly" draft by tats-u, markdown-cjk-friendly):

1. ``**主要工作：**正文`` and ``县政府**“质量强县”**建设`` become bold: CJK characters count as
   punctuation-compatible in the left/right-flanking computation of ``*``/``_`` delimiters;
   where no CJK character is adjacent the result is exactly CommonMark's.
2. A soft line break between two CJK characters renders as nothing (a browser shows "\\n" as a space).

--- Licence of the original ---

MIT License

Copyright (c) 2026 aiseed-dev

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdown_it.rules_inline.state_inline import StateInline

__all__ = ["cjk_friendly", "is_cjk"]

# CJK: ideographs, kana, CJK symbols/punctuation, full/half-width forms.
_CJK_RE = re.compile(
    "[\u3000-\u303f"  # CJK symbols & punctuation (、。「」…)
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # ideographs
    "\uff00-\uff60\uffe0-\uffe6"  # full-width forms
    "\U00020000-\U0002a6df"  # ideographs ext. B
    "]"
)


def is_cjk(char: str) -> bool:
    """True if *char* (a 1-character string) is a CJK character."""
    return bool(char) and bool(_CJK_RE.match(char))


# The emphasis rule calls StateInline.scanDelims; it is patched once, and the CJK rule applies
# only to parsers that used the plugin (others keep upstream behaviour exactly).
_orig_scan_delims = StateInline.scanDelims


def _punct(ch: str) -> bool:
    return isMdAsciiPunct(ord(ch)) or isPunctChar(ch)


def _scan_delims_cjk(self: StateInline, start: int, canSplitWord: bool):
    scanned = _orig_scan_delims(self, start, canSplitWord)
    if not getattr(self.md, "_cjk_friendly", False):
        return scanned
    if scanned.can_open and scanned.can_close:
        return scanned
    pos = start
    maximum = self.posMax
    marker = self.src[start]
    while pos < maximum and self.src[pos] == marker:
        pos += 1
    last_char = self.src[start - 1] if start > 0 else " "
    next_char = self.src[pos] if pos < maximum else " "
    if not (is_cjk(last_char) or is_cjk(next_char)):
        return scanned
    # CJK characters count as punctuation where punctuation makes a delimiter *more* likely to
    # flank, and not where it makes it less likely.
    last_block = (not is_cjk(last_char)) and _punct(last_char)
    next_block = (not is_cjk(next_char)) and _punct(next_char)
    last_allow = is_cjk(last_char) or _punct(last_char)
    next_allow = is_cjk(next_char) or _punct(next_char)
    is_last_ws = isWhiteSpace(ord(last_char))
    is_next_ws = isWhiteSpace(ord(next_char))
    left_flanking = not is_next_ws and (not next_block or is_last_ws or last_allow)
    right_flanking = not is_last_ws and (not last_block or is_next_ws or next_allow)
    if not canSplitWord:
        can_open = left_flanking and ((not right_flanking) or last_allow)
        can_close = right_flanking and ((not left_flanking) or next_allow)
    else:
        can_open = left_flanking
        can_close = right_flanking
    return type(scanned)(can_open, can_close, scanned.length)


StateInline.scanDelims = _scan_delims_cjk  # type: ignore[method-assign]


# Changed from the original: curly quotes, the ellipsis and the em dash next to a CJK character
# also join lines (Chinese text ends and starts lines with them), and the characters are looked
# for across emphasis tokens (``**加粗**\n下一行``).
_CJK_SIDE = frozenset("\u2018\u2019\u201c\u201d\u2026\u2014")


def _text_char(tokens, idx: int, step: int) -> str:
    while 0 <= idx < len(tokens):
        content = tokens[idx].content
        if tokens[idx].type in ("softbreak", "hardbreak"):
            return ""
        if content:
            return content[-1] if step < 0 else content[0]
        idx += step
    return ""


def _softbreak(renderer, tokens, idx, options, env) -> str:
    prev_char = _text_char(tokens, idx - 1, -1)
    next_char = _text_char(tokens, idx + 1, 1)
    joined = (is_cjk(prev_char) or prev_char in _CJK_SIDE) and (is_cjk(next_char) or next_char in _CJK_SIDE)
    if joined and prev_char and next_char and (is_cjk(prev_char) or is_cjk(next_char)):
        return ""
    return "<br>\n" if options.breaks else "\n"


def cjk_friendly(md: MarkdownIt) -> None:
    """markdown-it-py plugin: ``MarkdownIt().use(cjk_friendly)``."""
    md._cjk_friendly = True  # type: ignore[attr-defined]
    md.add_render_rule("softbreak", _softbreak)
