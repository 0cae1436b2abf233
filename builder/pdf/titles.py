"""Breaking a 公文 title into lines: whole words, balanced lines, bounded time.

GB/T 9704-2012 §7.3.1: a title that needs more than one line is broken so that the
meaning of its words stays whole (回行时，要做到词意完整，排列对称，长短适宜，间距恰当)
and its lines form a trapezoid or a diamond. Words come from jieba (with the domain's
compounds added, so that "质量工作" or "人民政府" are never cut, and the county's and
organ's names kept whole by the caller); the lines are chosen by dynamic programming over the word boundaries — at most
``per_line`` widths back from each boundary and at most a few line counts — so a title of
any length is laid out in time linear in its length (no search over combinations).
"""

from __future__ import annotations

import math
import threading
from pathlib import Path

# Compounds of the domain that jieba's general dictionary splits.
DOMAIN_WORDS = (
    "质量工作",
    "考核结果",
    "工作考核",
    "自评报告",
    "人民政府",
    "县区",
    "县（区）",
    "县区政府",
    "管委会",
    "质量强市",
    "质量强县",
    "质量强省",
    "领导小组",
    "办公室",
    "经济技术开发区",
    "城乡一体化示范区",
    "高新技术产业开发区",
    "典型案例",
    "工作情况",
)
NO_BREAK_BEFORE = set("，。、；：！？）》〕」』”’%．·—…")
NO_BREAK_AFTER = set("（《〔「『“‘")
# Words a line may end with only at a cost: a line never starts with 的 and rarely ends with it.
_COST_BEFORE = {"的": 6.0, "和": 3.0, "与": 3.0, "及": 3.0}
_COST_AFTER = {"的": 2.0, "关于": 4.0}
DIGIT_UNITS = set("年月日号分个项名次位届期批")

_lock = threading.Lock()
_tokenizer = None


def width(text: str) -> float:
    """Width in 2号 characters: Arabic digits and Latin letters count half."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def _jieba():
    global _tokenizer
    with _lock:
        if _tokenizer is None:
            import logging

            import jieba

            jieba.setLogLevel(logging.WARNING)
            tok = jieba.Tokenizer()
            tok.initialize()
            for w in DOMAIN_WORDS:
                tok.add_word(w, freq=200000)
            _tokenizer = tok
        return _tokenizer


# Words of titles already cut (text → words): loading jieba's dictionary costs 0.5–0.8 s
# and 70 MiB, so a rebuild that lays out one report takes its titles' words from the build
# cache instead (load_words / keep_words).
_known: dict[str, tuple[str, ...]] = {}
_learned = False
WORDS_KEPT = 20_000  # titles kept in the cache record (a round has about 3 per county)


def words(text: str) -> list[str]:
    """jieba's words of ``text``, with the domain's compounds kept whole (the same for every
    caller and every build: the dictionary is never changed after it is loaded)."""
    global _learned
    hit = _known.get(text)
    if hit is None:
        tok = _jieba()
        with _lock:
            hit = _known[text] = tuple(w for w in tok.cut(text, HMM=True) if w)
        _learned = True
    return list(hit)


def _words_key() -> str:
    from importlib import metadata

    from ..buildcache import Hasher
    from ..files import file_sha256

    try:
        version = metadata.version("jieba")
    except metadata.PackageNotFoundError:
        version = None
    return Hasher("title-words", version, DOMAIN_WORDS, file_sha256(Path(__file__))).hexdigest()


def load_words(store) -> None:
    """Take the words of titles cut in earlier builds from ``store`` (a
    :class:`~builder.buildcache.BuildCache`): valid while jieba, the domain's words and this
    module are unchanged."""
    rec = store.get("title-words", _words_key()) if store.enabled else None
    if isinstance(rec, dict) and isinstance(rec.get("words"), dict):
        for text, ws in rec["words"].items():
            if isinstance(text, str) and isinstance(ws, list) and "".join(map(str, ws)) == text:
                _known.setdefault(text, tuple(ws))


def keep_words(store) -> None:
    """Store the words known now (those of this build first) when a title was cut by jieba."""
    global _learned
    if not _learned or not store.enabled:
        return
    recent = dict(list(_known.items())[-WORDS_KEPT:])
    store.put("title-words", _words_key(), {"words": {t: list(ws) for t, ws in recent.items()}})
    _learned = False


def boundaries(text: str, names: tuple[str, ...] = ()) -> list[int]:
    """Character offsets (0 < i < len) where a line may break: between jieba words and at
    the edges of ``names`` (a county's or an organ's name is one word, however jieba cuts
    it), never inside a name, before a closing or after an opening mark, inside a run of
    digits or Latin, or between a number and its unit (2022年度)."""
    cuts, pos = set(), 0
    for w in words(text)[:-1]:
        pos += len(w)
        cuts.add(pos)
    inside: set[int] = set()
    for name in names:
        if not name:
            continue
        start = text.find(name)
        while start != -1:
            end = start + len(name)
            cuts.update((start, end))
            inside.update(range(start + 1, end))
            start = text.find(name, start + 1)
    out = []
    for pos in sorted(cuts - inside):
        if not 0 < pos < len(text):
            continue
        a, b = text[pos - 1], text[pos]
        if b in NO_BREAK_BEFORE or a in NO_BREAK_AFTER or (ord(a) < 0x2E80 and ord(b) < 0x2E80):
            continue
        if a.isdigit() and b in DIGIT_UNITS:  # 2022 / 年度
            continue
        out.append(pos)
    return out


def title_lines(text: str, per_line: float = 18.0, names: tuple[str, ...] = ()) -> list[str]:
    """``text`` broken into balanced lines of at most ``per_line`` width, at word boundaries.

    As few lines as the words allow (found greedily; one more for a short title whose
    fewest lines would leave a stub); within a line count, lines of nearly equal width, longer
    lines first (梯形), and breaks next to 的 and the like avoided. Where no word boundary
    falls within a line's width (a run of letters or digits, an unknown word longer than
    a line) the text is also cut by width there. Time is O(len(text) × per_line × lines).
    """
    text = text.strip()
    total = width(text)
    if total <= per_line or len(text) < 2:
        return [text]
    names = tuple(n for n in names if width(n) <= per_line)  # a longer name must be cut somewhere
    cuts = _with_forced_cuts(text, boundaries(text, names), per_line)
    k_min = _greedy_count(text, cuts, per_line)
    fewest = _best(text, cuts, k_min, per_line, total)
    if fewest is None:  # cannot happen with forced cuts; stay safe
        return [text]
    if k_min <= 3 and not _balanced(fewest):
        more = _best(text, cuts, k_min + 1, per_line, total)
        if more is not None and _balanced(more):
            return more
    return fewest


def _balanced(lines: list[str]) -> bool:
    """No line shorter than half the longest (a stub line is not 对称)."""
    widths = [width(line) for line in lines]
    return min(widths) >= 0.5 * max(widths)


def _prefix(text: str) -> list[float]:
    pre = [0.0]
    for ch in text:
        pre.append(pre[-1] + (0.5 if ord(ch) < 0x2E80 else 1.0))
    return pre


def _with_forced_cuts(text: str, cuts: list[int], per_line: float) -> list[int]:
    """``cuts`` plus cuts by width inside any stretch between two cuts wider than a line."""
    pre = _prefix(text)
    out: list[int] = []
    last = 0
    for c in [*cuts, len(text)]:
        while pre[c] - pre[last] > per_line:
            i = last + 1
            while i < c and pre[i + 1] - pre[last] <= per_line:
                i += 1
            while i > last + 1 and text[i] in NO_BREAK_BEFORE:
                i -= 1
            out.append(i)
            last = i
        if c < len(text):
            out.append(c)
            last = c
    return sorted(set(out))


def _greedy_count(text: str, cuts: list[int], per_line: float) -> int:
    pre = _prefix(text)
    points = [*cuts, len(text)]
    count, start, i = 0, 0, 0
    while start < len(text):
        j = i
        while j + 1 < len(points) and pre[points[j + 1]] - pre[start] <= per_line:
            j += 1
        end = points[j] if pre[points[j]] - pre[start] <= per_line or j == len(points) - 1 else points[j]
        count += 1
        if end <= start:  # cannot happen with forced cuts; stay bounded anyway
            return count + 1
        start, i = end, j + 1
    return count


def _best(text: str, cuts: list[int], k: int, per_line: float, total: float) -> list[str] | None:
    pre = _prefix(text)  # prefix widths: a line's width in O(1)
    points = [0, *cuts, len(text)]
    ideal = total / k
    n = len(points)

    def penalty(i: int) -> float:  # breaking at points[i]
        p = points[i]
        before = _COST_BEFORE.get(text[p], 0.0)
        after = max((c for w, c in _COST_AFTER.items() if text[:p].endswith(w)), default=0.0)
        return before + after

    inf = math.inf
    # cost[j][i]: best cost of j lines ending at points[i]; prev for the path
    cost = [[inf] * n for _ in range(k + 1)]
    prev = [[-1] * n for _ in range(k + 1)]
    cost[0][0] = 0.0
    for j in range(1, k + 1):
        lo = 0
        for i in range(1, n):
            if j < k and i == n - 1:
                continue
            end = pre[points[i]]
            while pre[points[lo]] < end - per_line:
                lo += 1
            for s in range(lo, i):
                c0 = cost[j - 1][s]
                if c0 == inf:
                    continue
                w = end - pre[points[s]]
                c = c0 + (w - ideal) ** 2
                if s > 0:
                    c += penalty(s)
                    wp = pre[points[s]] - pre[points[prev[j - 1][s]]]
                    if w > wp + 0.5:  # a line longer than the one above
                        c += 1.0
                if c < cost[j][i]:
                    cost[j][i], prev[j][i] = c, s
    if cost[k][n - 1] == inf:
        return None
    out, i = [], n - 1
    for j in range(k, 0, -1):
        s = prev[j][i]
        out.append(text[points[s] : points[i]])
        i = s
    return out[::-1]
