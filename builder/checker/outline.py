"""Which parts of a report are which: title, template sections, extras, annex and cases.

:func:`build_outline` matches a :class:`~builder.checker.document.Document` against a
:class:`~builder.checker.template.Template` (or, without a template, finds only the title
and the annex). Headings are matched to sections by their normalised title, whatever
their Markdown level or form (``##``, plain numbered line, bold line): first exactly, then
by similarity for the remaining numbered headings (a *fuzzy* match, reported as a
warning). Order is judged by the longest run of sections in template order; sections
outside it are out of order. Rules read the outline; they never match headings
themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from .document import Block, Document, Heading
from .template import Section, Template
from .text import compact, norm, norm_title, split_numbering

FUZZY_MIN = 0.6
_ANNEX_RE = re.compile(r"^附件\d*[:：]?")
_DOC_LABEL_RE = re.compile(r"^附件\d*$")  # a leading “附件2” label copied from the notice
_CASE_PREFIX = re.compile(r"^(?:典型)?案例[一二三四五六七八九十\d]*[:：、.．]?")


@dataclass
class SectionMatch:
    """A template section and the heading of the report that stands for it (``None``: missing)."""

    section: Section
    heading: Heading | None = None
    fuzzy: bool = False
    in_order: bool = True
    has_content: bool = False


class Case(NamedTuple):
    """A typical case (典型案例) in the annex: its heading, title and whether it has content."""

    heading: Heading | None  # None: annex content without any case heading
    line: int
    column: int
    title: str  # the case's title without “案例一：” or its numbering
    has_content: bool


class Structural(NamedTuple):
    """A heading that takes part in the section structure (level 1 or 2)."""

    heading: Heading
    level: int
    match: SectionMatch | None


@dataclass
class Outline:
    """How a report lines up with its template: title, sections, annex and cases."""

    title_index: int | None = None  # block index of the title
    title_heading: Heading | None = None  # the title as a heading (None: typed as a plain line)
    title_more_index: int | None = None  # the second line of a title broken over two lines
    title_text: str = ""  # the title (both lines)
    annex_index: int | None = None  # block index of the annex heading
    annex_title_index: int | None = None  # a separate annex title line after a bare “附件”
    matches: list[SectionMatch] = field(default_factory=list)  # in template order
    structure: list[Structural] = field(default_factory=list)  # in document order
    extras: list[Heading] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    body_end: int = 0  # block index where the body ends (the annex, or the end)

    def match_of(self, section: Section) -> SectionMatch | None:
        """Return the match of a template section, or ``None`` for a section of another template."""
        return next((m for m in self.matches if m.section is section), None)


def build_outline(doc: Document, template: Template | None) -> Outline:
    """Match the report's headings to the template's sections.

    :param doc: the report as read.
    :param template: its template, or ``None`` (then only title and annex are found).
    :return: the :class:`Outline`; it never raises on odd input.
    """
    out = Outline()
    blocks = doc.blocks
    heads = {h.index: h for h in doc.headings}
    flat = template.flat() if template else []
    keys = {s.key: s for s in flat}

    # 1. the title: the first block, unless it is a section heading or a long paragraph
    first = 0  # skip a leading “附件2” label copied from the notice
    while (
        first < len(blocks)
        and blocks[first].kind in ("para", "heading")
        and _DOC_LABEL_RE.match(compact(blocks[first].text))
    ):
        first += 1

    def is_section(i: int) -> bool:
        h = heads.get(i)
        return h is not None and h.strong and (h.key in keys or (h.numbering is not None and h.numbering.level <= 2))

    if first < len(blocks):
        b = blocks[first]
        h = heads.get(first)
        if not is_section(first) and b.kind in ("heading", "para") and (h is not None or len(norm(b.text)) <= 60):
            out.title_index = first
            out.title_heading = h
        else:
            # text before the title (a preamble): the title is the first Markdown heading before any section
            for i in range(first + 1, len(blocks)):
                if is_section(i) or _ANNEX_RE.match(compact(blocks[i].text)):
                    break
                if blocks[i].kind == "heading":
                    out.title_index, out.title_heading = i, heads.get(i)
                    break
    if out.title_index is not None:
        # a title broken over two lines (“舞阳县人民政府” / “2022年度质量工作考核自评报告”)
        i = out.title_index
        nxt = i + 1
        if (
            nxt < len(blocks)
            and blocks[nxt].kind == blocks[i].kind
            and blocks[nxt].md_level == blocks[i].md_level
            and not is_section(nxt)
            and "报告" not in blocks[i].text
            and "报告" in blocks[nxt].text
            and len(norm(blocks[nxt].text)) <= 40
            and not _ANNEX_RE.match(compact(blocks[nxt].text))
        ):
            out.title_more_index = nxt
        out.title_text = "".join(blocks[k].text.strip() for k in (i, out.title_more_index) if k is not None)
    if out.title_index is None:
        start = first
    else:
        start = (out.title_more_index if out.title_more_index is not None else out.title_index) + 1

    # 2. the annex: the first line after the title that starts with 附件 (or is the annex title)
    annex_key = norm_title(template.annex.title) if template and template.annex else None
    for i in range(start, len(blocks)):
        b = blocks[i]
        if b.kind not in ("para", "heading"):
            continue
        c = compact(b.text) if "附件" in b.text[:16] else ""
        if _is_annex(b, c, annex_key) or (annex_key and i in heads and heads[i].key == annex_key):
            out.annex_index = i
            if (
                _ANNEX_RE.sub("", norm(c)) == ""
                and i + 1 < len(blocks)
                and len(norm(blocks[i + 1].text)) <= 60
                and blocks[i + 1].kind in ("para", "heading")
            ):
                out.annex_title_index = i + 1
            break
    out.body_end = out.annex_index if out.annex_index is not None else len(blocks)

    body_heads = [h for h in doc.headings if start <= h.index < out.body_end]

    # 3. match headings to template sections: exact titles first, then similar numbered ones
    matched: dict[int, SectionMatch] = {}  # heading index -> match
    by_section: dict[int, SectionMatch] = {id(s): SectionMatch(s) for s in flat}
    for h in body_heads:
        s = keys.get(h.key)
        if s is not None and by_section[id(s)].heading is None:
            m = by_section[id(s)]
            m.heading = h
            matched[h.index] = m
    for h in body_heads:
        if h.index in matched or not h.strong:
            continue
        level = h.numbering.level if h.numbering and h.numbering.level <= 2 else None
        best, best_score = None, 0.0
        for s in flat:
            if by_section[id(s)].heading is not None or (level is not None and s.level != level):
                continue
            score = _similar(h.key, s.key)
            if score > best_score:
                best, best_score = s, score
        if best is not None and best_score >= FUZZY_MIN:
            m = by_section[id(best)]
            m.heading, m.fuzzy = h, True
            matched[h.index] = m
    out.matches = [by_section[id(s)] for s in flat]

    # 4. order: the longest subsequence of matched headings in template order
    order = {id(s): i for i, s in enumerate(flat)}
    seq = [matched[h.index] for h in body_heads if h.index in matched]
    keep = _lis([order[id(m.section)] for m in seq])
    for i, m in enumerate(seq):
        m.in_order = i in keep

    # 5. structure: levels of the headings that take part in it, extras
    top_md = min(
        (h.md_level for h in body_heads if h.index in matched and matched[h.index].section.level == 1 and h.md_level),
        default=None,
    )
    for h in body_heads:
        hm = matched.get(h.index)
        if hm is not None:
            out.structure.append(Structural(h, hm.section.level, hm))
            continue
        if not h.strong:
            continue
        if h.numbering is not None and h.numbering.level <= 2:
            level = h.numbering.level
        elif h.numbering is None and h.md_level and top_md is not None and h.md_level <= top_md:
            level = 1
        else:
            continue
        out.structure.append(Structural(h, level, None))
        if level == 1 and template is not None:
            out.extras.append(h)

    # 6. content of each matched section: any text before the next heading of its level or above
    struct_idx = {st.heading.index: st for st in out.structure}
    for m in seq:
        h = m.heading
        assert h is not None  # seq holds matched sections only
        end = out.body_end
        for later in out.structure:
            if later.heading.index > h.index and later.level <= m.section.level:
                end = later.heading.index
                break
        if h.form == "run-in":
            m.has_content = True
            continue
        for i in range(h.index + 1, end):
            st = struct_idx.get(i)
            if (st is None or st.heading.form == "run-in" or _point(st, m)) and blocks[i].text.strip():
                m.has_content = True
                break

    # 7. the typical cases in the annex
    if out.annex_index is not None:
        out.cases = _cases(doc, out)
    return out


_SENTENCE_END = re.compile(r"[。！？!?；;]$")


def _point(st: Structural, m: SectionMatch) -> bool:
    """A numbered line that is a sentence (“（一）盐化工产业链质量提升成效明显。”) under a section
    that has no such subsections in the template: one of its points, i.e. content."""
    return (
        st.match is None
        and not m.section.children
        and st.level > m.section.level
        and st.heading.form != "markdown"
        and bool(_SENTENCE_END.search(st.heading.text.strip()))
    )


def _is_annex(b: Block, c: str, annex_key: str | None) -> bool:
    """A line that starts the annex: a heading “附件…”, or a short line “附件” / “附件：<annex title>”.

    A sentence in the body that happens to start with 附件 (“附件材料另行报送”) is not one.
    """
    m = _ANNEX_RE.match(c)
    if not m or len(c) > 60:
        return False
    if b.kind == "heading":
        return True
    rest = norm_title(c[m.end() :])
    return rest == "" or "案例" in rest or (annex_key is not None and annex_key in rest)


def _similar(a: str, b: str) -> float:
    import difflib

    if not a or not b:
        return 0.0
    if (a in b or b in a) and min(len(a), len(b)) >= 2:
        return max(FUZZY_MIN, difflib.SequenceMatcher(None, a, b).ratio())
    return difflib.SequenceMatcher(None, a, b).ratio()


def _lis(values: list[int]) -> set[int]:
    """Positions of one longest strictly increasing subsequence (ties: the earliest)."""
    import bisect

    tails: list[int] = []
    tails_pos: list[int] = []
    prev = [-1] * len(values)
    for i, v in enumerate(values):
        j = bisect.bisect_left(tails, v)
        if j == len(tails):
            tails.append(v)
            tails_pos.append(i)
        else:
            tails[j] = v
            tails_pos[j] = i
        prev[i] = tails_pos[j - 1] if j else -1
    keep: set[int] = set()
    k = tails_pos[-1] if tails_pos else -1
    while k >= 0:
        keep.add(k)
        k = prev[k]
    return keep


def case_title(text: str) -> str:
    """A case heading without “案例一：” and without its numbering."""
    c = compact(text)
    c = _CASE_PREFIX.sub("", c, count=1)
    num, rest = split_numbering(c)
    return norm(rest if num else c)


def _cases(doc: Document, out: Outline) -> list[Case]:
    blocks = doc.blocks
    annex = out.annex_title_index if out.annex_title_index is not None else out.annex_index
    assert annex is not None  # called only for a report with an annex
    first = annex + 1
    in_annex = [h for h in doc.headings if h.index >= first]
    md = [h for h in in_annex if h.form == "markdown"]
    if md:
        top = min(h.md_level for h in md)
        case_heads = [h for h in md if h.md_level == top]
    else:
        pseudo = [h for h in in_annex if (h.numbering is not None) or _CASE_PREFIX.match(compact(h.text))]
        if pseudo:

            def rank(h: Heading) -> int:
                # a pseudo heading without numbering has the “案例” prefix
                return 0 if h.numbering is None or _CASE_PREFIX.match(compact(h.text)) else h.numbering.level

            top = min(rank(h) for h in pseudo)
            case_heads = [h for h in pseudo if rank(h) == top]
        else:
            case_heads = []
    cases: list[Case] = []
    idx = [h.index for h in case_heads] + [len(blocks)]
    if not case_heads:
        content = [b for b in blocks[first:] if b.text.strip()]
        if content:
            b = content[0]
            cases.append(Case(None, b.line, b.column, "", True))
        return cases
    for k, h in enumerate(case_heads):
        has = h.form == "run-in" or any(blocks[i].text.strip() for i in range(h.index + 1, idx[k + 1]))
        cases.append(Case(h, h.line, h.column, case_title(h.text), has))
    return cases


def block_text(blocks: list[Block], start: int, end: int) -> str:
    """Return the texts of ``blocks[start:end]``, one per line."""
    return "\n".join(b.text for b in blocks[start:end])
