"""Report templates as data: ``rubrics/<rubric>.template.yaml``, next to their rubric.

A template names the report's title pattern, the tree of required sections (numbered
一、二、… and （一）（二）… by their position), guidance for each section (used by
``kaohe new report``), the annex of typical cases, the limits (字数 of the body, number of
cases) and, optionally, rubric items that the report must self-evaluate. Placeholders:
``{name}`` (the county's name), ``{government}`` (人民政府 / 管委会 by the county's kind,
from ``government``) and ``{year}`` (the round's year).

:func:`load_template` validates the file and reports every problem with its line; it
never raises for bad input. Loaded templates are cached per file (path, size, mtime).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from ..diagnostics import ERROR, Diagnostic
from .text import norm_title, numbering_label

# The YAML loader (builder.yamlio, builder.fields) is imported only when a template is read
# from its file, so that a check whose template comes from the cache does not import it.

PLACEHOLDERS = ("name", "government", "year")


class Section(NamedTuple):
    """A section of a report template: title, number, level and subsections."""

    title: str  # without its number; may contain {year}
    number: int  # 1-based position among its siblings
    level: int  # 1: 一、  2: （一）
    guidance: str = ""
    children: tuple[Section, ...] = ()
    line: int = 0

    @property
    def label(self) -> str:
        """The section's number as written: ``一、`` at level 1, ``（一）`` at level 2."""
        return numbering_label(self.level, self.number)

    def heading(self, year: int | str) -> str:
        """The heading as written in a report, e.g. ``一、2022年质量工作情况``."""
        return self.label + self.title.replace("{year}", str(year))

    @property
    def key(self) -> str:
        """The title as compared (normalised, any year)."""
        return norm_title(self.title.replace("{year}", "2000"))

    @property
    def has_year(self) -> bool:
        """True when the title holds the ``{year}`` placeholder."""
        return "{year}" in self.title


class Annex(NamedTuple):
    """The template's annex: its heading and how many typical cases it allows."""

    heading: str  # e.g. 附件：质量安全和质量发展工作典型案例
    title: str  # the heading without “附件：”
    max_cases: int | None
    guidance: str = ""
    case_guidance: str = ""


class RequiredItems(NamedTuple):
    """Rubric items the report must self-evaluate, each mentioned by number or name."""

    ids: tuple[str, ...]
    section: str  # title of the section where they belong
    what: str  # how the items are called, e.g. 定量指标


class Template(NamedTuple):
    """A report template (``rubrics/<rubric>.template.yaml``): title, sections, annex, limits."""

    rubric: str
    path: str  # as displayed
    title: str  # pattern with {name} {government} {year}
    government: dict
    sections: tuple[Section, ...]
    annex: Annex | None
    body_chars: int | None  # 字数 limit of everything before the annex
    required_items: RequiredItems | None
    source: str = ""

    def expected_title(self, name: str, kind: str, year: int | str) -> str:
        """Return the report title for a county.

        :param name: the county's name (舞阳县).
        :param kind: the county's kind, which chooses the government's name (人民政府, 管委会).
        :param year: the assessment year.
        """
        gov = self.government.get(kind, self.government.get("default", "人民政府"))
        return self.title.replace("{name}", name).replace("{government}", gov).replace("{year}", str(year))

    def flat(self) -> list[Section]:
        """Every section in template order (a parent before its children)."""
        out: list[Section] = []

        def walk(secs):
            for s in secs:
                out.append(s)
                walk(s.children)

        walk(self.sections)
        return out

    def parent_of(self, section: Section) -> Section | None:
        """Return the section whose subsection *section* is, or ``None`` for a top-level one."""
        for s in self.flat():
            if section in s.children:
                return s
        return None

    def find_section(self, title: str) -> Section | None:
        """Return the section with this title (``{year}`` matches any year), or ``None``."""
        key = norm_title(title.replace("{year}", "2000"))
        return next((s for s in self.flat() if s.key == key), None)


def template_path(rubrics_dir: Path, rubric_id: str) -> Path:
    """Return where the template of a rubric lives: ``<rubrics_dir>/<rubric_id>.template.yaml``."""
    return rubrics_dir / f"{rubric_id}.template.yaml"


_cache: dict[str, tuple[tuple, Template | None, list[Diagnostic]]] = {}


def load_template(path: Path, display: str | None = None) -> tuple[Template | None, list[Diagnostic]]:
    """(Template or None, diagnostics) for a template file; cached while the file is unchanged."""
    display = display or str(path)
    try:
        st = os.stat(path)
        stamp = (st.st_size, st.st_mtime_ns, display)
    except OSError:
        stamp = None
    key = str(path)
    hit = _cache.get(key)
    if stamp is not None and hit is not None and hit[0] == stamp:
        return hit[1], hit[2]
    result = _load(path, display)
    if stamp is not None:
        _cache[key] = (stamp, *result)
    return result


def _load(path: Path, display: str) -> tuple[Template | None, list[Diagnostic]]:
    from ..fields import Fields
    from ..yamlio import load_yaml, pos_of

    doc = load_yaml(path, display)
    diags = list(doc.diagnostics)
    if doc.data is None:
        if not diags:
            diags.append(Diagnostic(display, 1, 1, ERROR, "template-empty", "报告模板文件是空的。"))
        return None, diags
    f = Fields(display, diags, doc.data, "报告模板")
    if not f.ok:
        return None, diags
    rubric = f.get("rubric", "str", required=True, default="")
    expect = path.name.removesuffix(".template.yaml")
    if rubric and path.name.endswith(".template.yaml") and rubric != expect:
        diags.append(
            Diagnostic(
                display, *f.pos("rubric"), ERROR, "template-rubric", f"rubric“{rubric}”与文件名不一致，应为“{expect}”。"
            )
        )
    source = f.get("source", "str", default="")
    title = f.get("title", "str", required=True, default="")
    _check_placeholders(display, diags, title, f.pos("title") if "title" in f.m else (1, 1))
    government = f.get("government", "map", default={}) or {}
    government = {str(k): str(v) for k, v in government.items()}
    sections = _sections(display, diags, f.get("sections", "list", required=True, default=[]), 1)
    annex = _annex(display, diags, f)
    body_chars = None
    limits = f.get("limits", "map")
    if limits is not None:
        lf = Fields(display, diags, limits, "limits")
        body_chars = lf.get("body_chars", "int")
        if body_chars is not None and body_chars <= 0:
            diags.append(
                Diagnostic(display, *lf.pos("body_chars"), ERROR, "template-limit", "字数上限 body_chars 必须大于 0。")
            )
        lf.finish()
    required = None
    req = f.get("required_items", "map")
    if req is not None:
        rf = Fields(display, diags, req, "required_items")
        ids = rf.get("ids", "list", required=True, default=[])
        section = rf.get("section", "str", required=True, default="")
        what = rf.get("what", "str", default="考核项")
        rf.finish()
        required = RequiredItems(tuple(str(i) for i in ids), section, what)
    f.finish()
    if any(d.is_error for d in diags):
        return None, diags
    tpl = Template(rubric, display, title, government, sections, annex, body_chars, required, source)
    if required and tpl.find_section(required.section) is None:
        diags.append(
            Diagnostic(
                display,
                *pos_of(req, "section"),
                ERROR,
                "template-section",
                f"required_items.section“{required.section}”不是模板中的一节。",
            )
        )
        return None, diags
    return tpl, diags


def _check_placeholders(display, diags, text: str, pos) -> None:
    import re

    for m in re.finditer(r"\{([^}]*)\}", text):
        if m.group(1) not in PLACEHOLDERS:
            diags.append(
                Diagnostic(
                    display,
                    pos[0],
                    pos[1],
                    ERROR,
                    "template-placeholder",
                    f"不认识的占位符“{{{m.group(1)}}}”，只能用 {{name}}、{{government}}、{{year}}。",
                )
            )


def _sections(display, diags, raw, level: int) -> tuple[Section, ...]:
    from ..fields import Fields
    from ..yamlio import pos_of

    out = []
    for i, item in enumerate(raw or []):
        sf = Fields(display, diags, item, f"第 {i + 1} 节", raw, i)
        if not sf.ok:
            continue
        title = sf.get("title", "str", required=True, default="")
        guidance = sf.get("guidance", "str", default="")
        kids = sf.get("children", "list", default=[])
        sf.finish()
        if level >= 2 and kids:
            diags.append(
                Diagnostic(
                    display, *sf.pos("children"), ERROR, "template-depth", "模板只支持两级标题（一、 和 （一））。"
                )
            )
            kids = []
        _check_placeholders(display, diags, title, sf.pos("title") if "title" in sf.m else (1, 1))
        line, _ = pos_of(raw, i)
        out.append(
            Section(title.strip(), i + 1, level, guidance.strip(), _sections(display, diags, kids, level + 1), line)
        )
    return tuple(out)


def _annex(display, diags, f) -> Annex | None:
    from ..fields import Fields

    raw = f.get("annex", "map")
    if raw is None:
        return None
    af = Fields(display, diags, raw, "annex（附件）")
    heading = af.get("heading", "str", required=True, default="附件")
    title = af.get("title", "str", required=True, default="")
    max_cases = af.get("max_cases", "int")
    guidance = af.get("guidance", "str", default="")
    case_guidance = af.get("case_guidance", "str", default="")
    af.finish()
    if max_cases is not None and max_cases < 0:
        diags.append(Diagnostic(display, *af.pos("max_cases"), ERROR, "template-limit", "max_cases 不能是负数。"))
    return Annex(heading.strip(), title.strip(), max_cases, guidance.strip(), case_guidance.strip())


def template_to_json(t: Template) -> dict:
    """A plain-data form of a template (for the check cache)."""

    def sec(s: Section) -> dict:
        return {
            "title": s.title,
            "number": s.number,
            "level": s.level,
            "guidance": s.guidance,
            "line": s.line,
            "children": [sec(c) for c in s.children],
        }

    a = t.annex
    r = t.required_items
    return {
        "rubric": t.rubric,
        "title": t.title,
        "government": t.government,
        "source": t.source,
        "sections": [sec(s) for s in t.sections],
        "body_chars": t.body_chars,
        "annex": None
        if a is None
        else {
            "heading": a.heading,
            "title": a.title,
            "max_cases": a.max_cases,
            "guidance": a.guidance,
            "case_guidance": a.case_guidance,
        },
        "required_items": None if r is None else {"ids": list(r.ids), "section": r.section, "what": r.what},
    }


def template_from_json(d: dict, path: str) -> Template:
    """Rebuild a :class:`Template` from its cached JSON form.

    :param d: the mapping the check cache stored.
    :param path: the template's displayed path.
    :raises KeyError: for a mapping of another layout.
    """

    def sec(x: dict) -> Section:
        return Section(
            x["title"], x["number"], x["level"], x["guidance"], tuple(sec(c) for c in x["children"]), x["line"]
        )

    a = d["annex"]
    r = d["required_items"]
    return Template(
        d["rubric"],
        path,
        d["title"],
        dict(d["government"]),
        tuple(sec(s) for s in d["sections"]),
        None if a is None else Annex(a["heading"], a["title"], a["max_cases"], a["guidance"], a["case_guidance"]),
        d["body_chars"],
        None if r is None else RequiredItems(tuple(r["ids"]), r["section"], r["what"]),
        d["source"],
    )
