"""Word's automatic numbering rebuilt from ``numbering.xml`` (ECMA-376 Part 1, §17.9).

With automatic numbering the number ("一、", "（一）", "1.") is not in the paragraph's text:
Word computes it while laying out the page. python-docx, docx2python and mammoth do not
(see REFERENCES.md), so the reader does it here:

* ``w:num`` (numId) → ``w:abstractNum`` (via ``w:abstractNumId``, or ``w:numStyleLink`` →
  the style's ``w:numPr`` → another num);
* each ``w:lvl`` (ilvl 0–8): ``w:start``, ``w:numFmt`` (decimal, chineseCounting,
  chineseCountingThousand, ideographTraditional, decimalEnclosedCircle, …, bullet, none),
  ``w:lvlText`` ("%1、", "（%1）", "%1.%2"), ``w:lvlRestart``, ``w:isLgl``, ``w:suff``;
* ``w:lvlOverride`` of a num: ``w:startOverride`` (a restart of that level when the num is
  first used) or a whole replacement ``w:lvl``.

Counters belong to the abstract numbering, so that two nums sharing one abstractNum
continue one list (as Word does); a num with a ``startOverride`` restarts it. When a level
is used, every deeper level restarts, unless its ``w:lvlRestart`` says otherwise (0: never;
n: only after a level ≤ n).
"""

from __future__ import annotations

from .read_package import attr, child, children, local

_CN = "零一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_PAREN = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"
_FULLSTOP = "⒈⒉⒊⒋⒌⒍⒎⒏⒐⒑⒒⒓⒔⒕⒖⒗⒘⒙⒚⒛"


def _cn_counting(n: int, digits: str = _CN, ten: str = "十", hundred: str = "百", thousand: str = "千") -> str:
    """一 二 … 十 十一 … 二十 … 一百 一百零一 … (Word's chineseCounting)."""
    if n <= 0:
        return digits[0]
    if n >= 10000:
        return str(n)
    out = []
    units = ((1000, thousand), (100, hundred), (10, ten), (1, ""))
    zero = False
    started = False
    for value, name in units:
        d = n // value % 10
        if d == 0:
            if started:
                zero = True
            continue
        if zero:
            out.append(digits[0])
            zero = False
        if not (value == 10 and d == 1 and not started):
            out.append(digits[d])
        out.append(name)
        started = True
    return "".join(out)


def _letters(n: int, upper: bool) -> str:
    if n <= 0:
        return ""
    base = "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if upper else "abcdefghijklmnopqrstuvwxyz"
    return base[(n - 1) % 26] * ((n - 1) // 26 + 1)  # Word repeats the letter: y z aa bb


def _roman(n: int, upper: bool) -> str:
    if n <= 0 or n >= 4000:
        return str(n)
    out = []
    for v, s in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= v:
            out.append(s)
            n -= v
    r = "".join(out)
    return r if upper else r.lower()


def _table(chars: str, n: int) -> str:
    return chars[n - 1] if 1 <= n <= len(chars) else str(n)


def format_number(n: int, fmt: str) -> str:
    """One counter in a numbering format (unknown formats fall back to decimal)."""
    if fmt in (
        "chineseCounting",
        "chineseCountingThousand",
        "taiwaneseCounting",
        "taiwaneseCountingThousand",
        "japaneseCounting",
        "koreanCounting",
    ):
        return _cn_counting(n)
    if fmt == "chineseLegalSimplified":
        return _cn_counting(n, _CN_LEGAL, "拾", "佰", "仟")
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join("〇" if ch == "0" else _CN[int(ch)] for ch in str(n))
    if fmt in ("ideographTraditional",):
        return _table(_TIANGAN, n)
    if fmt in ("ideographZodiac",):
        return _table(_DIZHI, n)
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese" or fmt == "ideographEnclosedCircle":
        return _table(_CIRCLED, n)
    if fmt == "decimalEnclosedParen":
        return _table(_PAREN, n)
    if fmt == "decimalEnclosedFullstop":
        return _table(_FULLSTOP, n)
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return "".join(chr(0xFF10 + int(ch)) for ch in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "upperLetter":
        return _letters(n, True)
    if fmt == "lowerLetter":
        return _letters(n, False)
    if fmt == "upperRoman":
        return _roman(n, True)
    if fmt == "lowerRoman":
        return _roman(n, False)
    if fmt == "none":
        return ""
    return str(n)


# Plain classes rather than dataclasses: each dataclass costs about a millisecond at import,
# and ``kaohe check`` imports this module on every run.
class Level:
    """One level of a Word list definition (``w:lvl``): start, format, text, restart."""

    __slots__ = ("ilvl", "start", "fmt", "text", "restart", "legal", "suffix", "style", "bold")

    def __init__(self, ilvl: int):
        self.ilvl = ilvl
        self.start = 1
        self.fmt = "decimal"
        self.text: str | None = None  # lvlText; None: "%{ilvl+1}."
        self.restart: int | None = None  # lvlRestart (None: after any higher level)
        self.legal = False  # isLgl: every counter shown as decimal
        self.suffix = "tab"  # tab | space | nothing
        self.style: str | None = None  # pStyle linked to this level
        self.bold: bool | None = None  # the label's own w:b (None: as the paragraph)


class Abstract:
    """An abstract numbering definition (``w:abstractNum``): its levels by ``ilvl``."""

    __slots__ = ("id", "levels", "style_link")

    def __init__(self, aid: str):
        self.id = aid
        self.levels: dict[int, Level] = {}
        self.style_link: str | None = None  # numStyleLink: the numbering is defined by a numbering style


class Num:
    """A numbering instance (``w:num``): its abstract definition and level overrides."""

    __slots__ = ("id", "abstract", "starts", "levels")

    def __init__(self, nid: str, abstract: str):
        self.id = nid
        self.abstract = abstract
        self.starts: dict[int, int] = {}  # lvlOverride/startOverride
        self.levels: dict[int, Level] = {}  # lvlOverride/lvl


def _level(el) -> Level:
    ilvl = int(attr(el, "ilvl", "0") or 0)
    lv = Level(ilvl)
    for c in el:
        name = local(c.tag)
        val = attr(c, "val")
        if name == "start" and val is not None:
            lv.start = _int(val, 1)
        elif name == "numFmt" and val:
            lv.fmt = val
        elif name == "lvlText":
            lv.text = val if val is not None else ""
        elif name == "lvlRestart" and val is not None:
            lv.restart = _int(val, None)
        elif name == "isLgl":
            lv.legal = val not in ("0", "false", "off")
        elif name == "suff" and val:
            lv.suffix = val
        elif name == "pStyle" and val:
            lv.style = val
        elif name == "rPr":
            b = child(c, "b")
            if b is not None:
                lv.bold = attr(b, "val", "1") not in ("0", "false", "off")
    return lv


def _int(val, default):
    try:
        return int(val)
    except (TypeError, ValueError):
        return default


class Numbering:
    """The numbering definitions of a document, and the running counters while reading it."""

    def __init__(self, root=None, style_numpr=None):
        self.abstracts: dict[str, Abstract] = {}
        self.nums: dict[str, Num] = {}
        self.style_numpr = style_numpr or (lambda style_id: None)
        self.counters: dict[str, dict[int, int]] = {}
        self.used_nums: set[str] = set()
        self.pending: dict[str, dict[int, int]] = {}  # startOverride not yet applied, per abstract
        if root is None:
            return
        for el in root:
            name = local(el.tag)
            if name == "abstractNum":
                a = Abstract(attr(el, "abstractNumId", "") or "")
                for lv in children(el, "lvl"):
                    level = _level(lv)
                    a.levels[level.ilvl] = level
                link = child(el, "numStyleLink")
                if link is not None:
                    a.style_link = attr(link, "val")
                self.abstracts[a.id] = a
            elif name == "num":
                aid = child(el, "abstractNumId")
                n = Num(attr(el, "numId", "") or "", attr(aid, "val", "") or "")
                for ov in children(el, "lvlOverride"):
                    ilvl = _int(attr(ov, "ilvl", "0"), 0)
                    so = child(ov, "startOverride")
                    if so is not None:
                        n.starts[ilvl] = _int(attr(so, "val", "1"), 1)
                    lv = child(ov, "lvl")
                    if lv is not None:
                        level = _level(lv)
                        level.ilvl = ilvl
                        n.levels[ilvl] = level
                self.nums[n.id] = n

    def _abstract(self, num: Num, depth: int = 0) -> Abstract | None:
        a = self.abstracts.get(num.abstract)
        if a is not None and a.style_link and not a.levels and depth < 4:
            # the definition lives in a numbering style: its numPr names another num
            linked = self.style_numpr(a.style_link)
            if linked and linked[0] in self.nums and linked[0] != num.id:
                return self._abstract(self.nums[linked[0]], depth + 1)
        return a

    def level_for_style(self, num_id: str, style_id: str) -> int | None:
        """The ilvl whose ``w:pStyle`` is this paragraph style (a style linked to a list level)."""
        num = self.nums.get(num_id)
        a = self._abstract(num) if num else None
        if a is None:
            return None
        for ilvl, lv in a.levels.items():
            if lv.style == style_id:
                return ilvl
        return None

    def label(self, num_id: str, ilvl: int) -> tuple[str, Level] | None:
        """Advance the counters for a numbered paragraph and return its label (e.g. "（二）")."""
        num = self.nums.get(num_id)
        if num is None or num_id == "0":
            return None
        a = self._abstract(num)
        if a is None:
            return None
        ilvl = max(0, min(ilvl, 8))
        lv = num.levels.get(ilvl) or a.levels.get(ilvl)
        if lv is None:
            return None
        key = a.id
        counters = self.counters.setdefault(key, {})
        pending = self.pending.setdefault(key, {})
        if num_id not in self.used_nums:
            self.used_nums.add(num_id)
            for k, first in num.starts.items():
                counters.pop(k, None)
                pending[k] = first
        start = pending.pop(ilvl, None)
        if start is not None:
            counters[ilvl] = start
        elif ilvl in counters:
            counters[ilvl] += 1
        else:
            counters[ilvl] = lv.start
        for k in list(counters):
            if k > ilvl:
                deeper = num.levels.get(k) or a.levels.get(k)
                r = deeper.restart if deeper is not None else None
                if r is None or (r != 0 and ilvl < r):
                    del counters[k]
        text = lv.text if lv.text is not None else f"%{ilvl + 1}."
        if lv.fmt == "bullet":
            return text, lv
        out = []
        i = 0
        while i < len(text):
            ch = text[i]
            if ch == "%" and i + 1 < len(text) and text[i + 1].isdigit():
                k = int(text[i + 1]) - 1
                other = num.levels.get(k) or a.levels.get(k)
                value = counters.get(k)
                if value is None:
                    value = other.start if other is not None else 1
                fmt = other.fmt if other is not None else "decimal"
                if lv.legal and k < ilvl:
                    fmt = "decimal"
                out.append(format_number(value, fmt))
                i += 2
                continue
            out.append(ch)
            i += 1
        return "".join(out), lv
