"""The checker engine: read a report, find its round and template, run every rule.

The engine knows nothing about individual rules: it runs each module listed in
:mod:`builder.checker.rules` over a :class:`~builder.checker.context.Report` and collects
what they yield. It never raises for bad input (empty, binary, wrongly encoded, broken
front matter): every problem becomes a :class:`~builder.diagnostics.Diagnostic`.

Public API (also used in-process by the site build)::

    check_file(path, project, round_id=None, county_id=None) -> CheckResult
    check_text(text, project=None, path="<text>", round_id=None, county_id=None) -> CheckResult
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import env
from ..diagnostics import ERROR, WARNING, Diagnostic
from .context import Report
from .document import parse_document

FRONT_MATTER = "front-matter"


@dataclass
class CheckResult:
    """The outcome of checking one report: its diagnostics and statistics."""

    path: str
    stats: dict
    diagnostics: list[Diagnostic] = field(default_factory=list)
    unreadable: bool = False  # a Word file that could not be read at all (the CLI exits 2)
    # (line, heading) of the report's parts as the checker saw them, in document order: the
    # sections and the annex with its cases (not in the JSON; the checker page groups by them)
    sections: list[tuple[int, str]] = field(default_factory=list)

    @property
    def errors(self) -> int:
        """The number of error diagnostics."""
        return sum(1 for d in self.diagnostics if d.severity == ERROR)

    @property
    def warnings(self) -> int:
        """The number of warning diagnostics."""
        return sum(1 for d in self.diagnostics if d.severity == WARNING)

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return self.errors == 0

    def to_json(self) -> dict:
        """The DESIGN §6 shape of one file."""
        return {
            "path": self.path,
            "stats": self.stats,
            "diagnostics": [
                {
                    "path": d.path,
                    "line": d.line,
                    "column": d.column,
                    "severity": d.severity,
                    "rule": d.rule,
                    "message": d.message,
                }
                for d in self.diagnostics
            ],
        }


WORD_SUFFIXES = (".docx", ".docm", ".dotx")
OLD_WORD_SUFFIXES = (".doc", ".wps", ".dot", ".wpt", ".rtf")


def check_file(
    path, project=None, round_id: str | None = None, county_id: str | None = None, display: str | None = None
) -> CheckResult:
    """Check one report file, Markdown or Word. ``project`` is a :class:`builder.project.Project` (or None).

    ``round_id``/``county_id`` override the report's front matter. A Word file (by its name or
    by its bytes) is read by :mod:`builder.word.read`; one that cannot be read gives a result
    with ``unreadable`` set and a single ``io-docx-*`` error.
    """
    from ..textio import read_text

    path = Path(path)
    shown = display or (project.display(path) if project is not None else str(path))
    diags: list[Diagnostic] = []
    suffix = path.suffix.lower()
    if suffix in WORD_SUFFIXES or suffix in OLD_WORD_SUFFIXES or _is_zip(path):
        data = _read_word_bytes(path, shown, diags)
        if data is None:
            return CheckResult(shown, _empty_stats(), diags, unreadable=True)
        return check_word(data, project, shown, round_id, county_id)
    text = read_text(path, shown, diags)
    if text is None:
        return CheckResult(shown, _empty_stats(), diags)
    return check_text(text, project, shown, round_id, county_id, _pre=diags)


def _is_zip(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def _read_word_bytes(path: Path, shown: str, diags: list[Diagnostic]) -> bytes | None:
    from ..word.read_package import MAX_FILE_BYTES, too_large

    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            err = too_large(size)
            diags.append(Diagnostic(shown, 1, 1, ERROR, err.rule, err.message))
            return None
        data = path.read_bytes()
    except FileNotFoundError:
        diags.append(Diagnostic(shown, 1, 1, ERROR, "io-unreadable", "找不到这个文件。请检查文件名和路径是否写对。"))
        return None
    except IsADirectoryError:
        diags.append(
            Diagnostic(shown, 1, 1, ERROR, "io-unreadable", "这是一个文件夹，不是文件。请写出文件的完整路径。")
        )
        return None
    except OSError as exc:
        diags.append(
            Diagnostic(
                shown,
                1,
                1,
                ERROR,
                "io-unreadable",
                f"无法读取这个文件（{exc.strerror or exc}）。请检查文件是否被其他程序占用，以及读取权限。",
            )
        )
        return None
    return data


def check_text(
    text: str,
    project=None,
    path: str = "<text>",
    round_id: str | None = None,
    county_id: str | None = None,
    *,
    _pre: list[Diagnostic] | None = None,
) -> CheckResult:
    """Check a report given as Markdown text (see :func:`check_file`). ``_pre``: what reading
    the file found (kept first, and placed among the findings as the check places them)."""
    pre = list(_pre or [])
    if _looks_binary(text):
        pre.append(
            Diagnostic(
                path,
                1,
                1,
                ERROR,
                "io-binary",
                "文件不是文本文件（含有大量控制字符）。请提供用 UTF-8 编码保存的 Markdown 文本文件（.md）。",
            )
        )
        return CheckResult(path, _empty_stats(), pre)
    doc = parse_document(text)
    if not text.strip() or (not doc.blocks and doc.front_matter.text is None):
        pre.append(
            Diagnostic(
                path,
                1,
                1,
                ERROR,
                "io-empty",
                "报告是空的。可以先运行 kaohe new report --round 轮次 --county 县区 生成报告框架，再填写内容。",
            )
        )
        return CheckResult(path, _empty_stats(), pre)
    result = check_document(doc, project, path, round_id, county_id)
    if pre:
        result.diagnostics = _placed(pre + result.diagnostics, doc, path)
    return result


def check_word(
    data: bytes, project=None, path: str = "<report.docx>", round_id: str | None = None, county_id: str | None = None
) -> CheckResult:
    """Check a Word report given as the bytes of a .docx (the CLI and the browser page call this).

    Diagnostics name paragraphs: ``line`` is the paragraph number (see :mod:`builder.word.read`)
    and each message starts with “第N段（段首：<the paragraph's first words>）：”. Without ``round_id`` and
    ``county_id`` they are inferred from the title when exactly one published or draft round fits.
    """
    from ..word.read import WordError, read_docx, word_document

    try:
        doc = word_document(read_docx(data))
    except WordError as err:
        return CheckResult(
            path, _empty_stats(), [Diagnostic(path, 1, 1, ERROR, err.rule, err.message)], unreadable=True
        )
    if not doc.blocks:
        return CheckResult(
            path,
            _empty_stats(),
            [Diagnostic(path, 1, 1, ERROR, "io-empty", "Word 文档里没有文字。请检查是不是打开了正确的文件。")],
        )
    return check_document(doc, project, path, round_id, county_id)


def check_document(
    doc, project=None, path: str = "<text>", round_id: str | None = None, county_id: str | None = None
) -> CheckResult:
    """Run every rule over a parsed :class:`~builder.checker.document.Document` (Markdown or Word)."""
    diags: list[Diagnostic] = []
    report = Report(path, doc, project=project)
    _resolve(report, project, round_id, county_id, diags)
    from .rules import load_rules

    for rule in load_rules():
        if getattr(rule, "requires", None) == "template" and report.template is None:
            continue
        try:
            diags.extend(rule.check(report))
        except Exception as exc:  # a defect in a rule must not hide the other findings
            if env.enabled("KAOHE_DEBUG", False):
                raise
            diags.append(
                Diagnostic(
                    path,
                    1,
                    1,
                    ERROR,
                    "internal-error",
                    f"检查规则 {rule.id} 出错（程序缺陷：{type(exc).__name__}）。请把这份报告发给技术支持。",
                )
            )
    return CheckResult(path, _stats(report), _placed(diags, doc, path), sections=_sections(report))


def _placed(diags: list[Diagnostic], doc, path: str) -> list[Diagnostic]:
    """The findings of ``doc`` (shown as ``path``) once each, with their source lines, by place."""
    diags = [_with_source(d, doc) if d.path == path else d for d in _dedupe(diags)]
    if doc.origin == "docx":
        diags = [_in_paragraph(d, doc) if d.path == path else d for d in diags]
    # by place; findings at the same place keep the order the rules gave them (template order)
    diags.sort(key=lambda d: d.sort_key()[:4])
    return diags


def _sections(report: Report) -> list[tuple[int, str]]:
    o = report.outline
    heads = [(s.heading.line, s.heading.text) for s in o.structure]
    if o.annex_index is not None:
        b = report.blocks[o.annex_index]
        heads.append((b.line, b.text.strip()))
    heads += [(c.line, c.heading.text) for c in o.cases if c.heading is not None]
    return sorted(set(heads))


QUOTE_CHARS = 16
SOURCE_CHARS = 60


def _in_paragraph(d: Diagnostic, doc) -> Diagnostic:
    """A Word finding: the message names the paragraph and quotes its start (for Word's 查找)."""
    src = doc.source(d.line)
    if src is None or not src.strip():
        return d
    text = src.strip()
    quote = text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS] + "……"
    shown = src if len(src) <= max(SOURCE_CHARS, d.column + 20) else src[: max(SOURCE_CHARS, d.column + 20)] + "……"
    # the locator quotes with （段首：…） rather than “…”, which the messages keep for section names
    return dataclasses.replace(d, message=f"第{d.line}段（段首：{quote}）：{d.message}", source_line=shown)


def _empty_stats() -> dict:
    return {"chars": 0, "hanzi": 0, "nonspace": 0, "limit": None, "cases": 0, "max_cases": None, "annex_chars": 0}


def _stats(report: Report) -> dict:
    body = report.body_counts
    tpl = report.template
    return {
        "chars": body.chars,  # 字数 of the body (everything before the annex)
        "hanzi": body.hanzi,
        "nonspace": body.nonspace,
        "limit": tpl.body_chars if tpl else None,
        "cases": len(report.outline.cases),
        "max_cases": tpl.annex.max_cases if tpl and tpl.annex else None,
        "annex_chars": report.annex_counts.chars,
    }


_BINARY_RE = re.compile("[\x00-\x08\x0e-\x1f\ufffd]")


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    return len(_BINARY_RE.findall(sample)) > max(8, len(sample) // 100)


def _dedupe(diags: list[Diagnostic]) -> list[Diagnostic]:
    seen = set()
    out = []
    for d in diags:
        key = (d.path, d.line, d.column, d.rule, d.message)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def _with_source(d: Diagnostic, doc) -> Diagnostic:
    if d.source_line is None and d.path and d.line >= 1:
        src = doc.source(d.line)
        if src is not None:
            return dataclasses.replace(d, source_line=src)
    return d


# --- which report is which --------------------------------------------------------------


def _front_matter(report: Report, diags: list[Diagnostic]) -> tuple[dict, dict]:
    """(values, lines) of the front matter's keys; problems become diagnostics."""
    from ..markdown import front_matter_values

    data, lines, problems = front_matter_values(report.doc.front_matter, report.path)
    for d in problems:  # in the checker's words: it is the report's front matter
        diags.append(dataclasses.replace(d, message="报告" + d.message))
    return data, lines


def _resolve(report: Report, project, round_id, county_id, diags: list[Diagnostic]) -> None:
    """Find the report's round, county and template (front matter, overridden by options)."""
    path = report.path
    data, lines = _front_matter(report, diags)
    fm_line = report.doc.front_matter.start_line
    r_line = lines.get("round", fm_line)
    c_line = lines.get("county", fm_line)
    rid = round_id or data.get("round")
    cid = county_id or data.get("county")
    if rid is not None and not isinstance(rid, str):
        rid = str(rid)
    if cid is not None and not isinstance(cid, str):
        cid = str(cid)
    if (not rid or not cid) and report.doc.origin == "docx":
        rid, cid, problem = _infer_from_title(report, project, rid, cid)
        if problem:
            diags.append(Diagnostic(path, 1, 1, ERROR, FRONT_MATTER, problem))
            return
    if not rid or not cid:
        missing = "、".join(k for k, v in (("round", rid), ("county", cid)) if not v)
        diags.append(
            Diagnostic(
                path,
                r_line if not rid else c_line,
                1,
                ERROR,
                FRONT_MATTER,
                f"不知道这是哪一轮考核、哪个县区的报告（缺少 {missing}）。请在报告最前面加上四行："
                "“---”“round: luohe-2022”“county: wuyang”“---”（换成本轮次和本县区的编号），"
                "或在命令中用 --round 和 --county 指明。",
            )
        )
        return
    from . import cache

    if project is None or not (isinstance(project, cache.Facts) or project.rubrics_dir.is_dir()):
        diags.append(
            Diagnostic(
                path,
                r_line,
                1,
                ERROR,
                FRONT_MATTER,
                "找不到项目目录（含 content/ 和 rubrics/ 的文件夹）。请在项目目录中运行，或用 --project 指明。",
            )
        )
        return
    meta, mdiags = cache.round_info(project, rid)
    if meta is None:
        for d in mdiags:
            if d.rule == "round-unknown":
                diags.append(Diagnostic(path, r_line, 1, ERROR, FRONT_MATTER, d.message + _choices(project)))
            else:
                diags.append(d)
        return
    county = meta.county(cid)
    if county is None:
        from ..fields import did_you_mean

        choices = "、".join(f"{c.id}（{c.name}）" for c in meta.counties)
        hint = did_you_mean(cid, [c.id for c in meta.counties])
        diags.append(
            Diagnostic(
                path, c_line, 1, ERROR, FRONT_MATTER, f"考核轮次“{rid}”中没有县区“{cid}”。{hint}可用的编号：{choices}。"
            )
        )
        return
    report.round_id = rid
    report.year = meta.year
    report.county_name = county.name
    report.county_kind = county.kind
    template, tdiags, exists = cache.round_template(project, meta.rubric_id)
    if not exists:
        diags.append(
            Diagnostic(
                path,
                r_line,
                1,
                ERROR,
                "template-missing",
                f"考核轮次“{rid}”的考核细则“{meta.rubric_id}”没有自评报告模板"
                f"（rubrics/{meta.rubric_id}.template.yaml），只检查了占位符和字数。请联系质强办补充模板。",
            )
        )
        return
    diags.extend(tdiags)
    report.template = template
    cache.save(project)


INFER_STATUSES = ("published", "draft")


def _infer_from_title(report: Report, project, rid, cid) -> tuple[str | None, str | None, str | None]:
    """(round, county, problem) for a Word report without front matter: the round and county whose
    year and name its title holds, among published and draft rounds, when exactly one fits."""
    from .outline import build_outline

    usage = "请在命令中用 --round 和 --county 指明，例如：kaohe check 报告.docx --round luohe-2022 --county wuyang"
    from . import cache

    if project is None or not (isinstance(project, cache.Facts) or project.rubrics_dir.is_dir()):
        return rid, cid, None  # reported below: no project
    ids = cache.round_ids(project)  # the project's rounds, or those of the checker page's facts

    title = build_outline(report.doc, None).title_text
    from .text import compact

    t = compact(title)
    candidates: list[tuple[str, str, str, bool]] = []  # (round, county id, county name, year in the title)
    listed: list[str] = []
    for r in [rid] if rid else ids:
        info, _ = cache.round_info(project, r)
        if info is None or (not rid and info.status not in INFER_STATUSES):
            continue
        listed.append(r)
        names = [c for c in info.counties if (cid and c.id == cid) or (not cid and compact(c.name) in t)]
        # a name inside a longer name that the title also holds is not that county
        names = [c for c in names if not any(c is not o and compact(c.name) in compact(o.name) for o in names)]
        candidates += [(r, c.id, c.name, bool(rid) or str(info.year) in t) for c in names]
    # the title's year decides between rounds; a title with a wrong year still names its county
    fits = [c[:3] for c in candidates if c[3]] or [c[:3] for c in candidates]
    if len(fits) == 1:
        return fits[0][0], fits[0][1], None
    shown = f"“{title}”" if title else "（没有找到标题）"
    if not fits:
        rounds = f"现有的考核轮次：{'、'.join(listed)}。" if listed else ""
        return (
            rid,
            cid,
            (f"从报告标题{shown}看不出是哪一轮考核、哪个县区的报告（标题中应有年度和县区名称）。{usage}。{rounds}"),
        )
    both = "、".join(f"{r} {c}（{n}）" for r, c, n in fits[:8])
    return rid, cid, f"报告标题{shown}同时符合多个考核轮次或县区：{both}。{usage}。"


def _choices(project) -> str:
    from .cache import round_ids

    ids = round_ids(project)  # the project's rounds, or those of the checker page's facts
    return f"现有的考核轮次：{'、'.join(ids)}。" if ids else ""
