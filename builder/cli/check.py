"""``kaohe check REPORT.md|REPORT.docx…``: check county self-reports against their round's template.

Exit status: 0 no errors (warnings allowed), 1 errors found, 2 usage error or a Word file that
cannot be read at all (old .doc/.wps, password, corrupt, too large: nothing else is checked).
Only the core checker is imported on this path (no site, PDF or spreadsheet libraries).
"""

from __future__ import annotations

import sys
from pathlib import Path


def register(sub) -> None:
    """Add ``kaohe check`` to *sub*, the subparsers of ``kaohe``."""
    p = sub.add_parser(
        "check",
        help="检查自评报告是否符合本轮模板（章节、字数、典型案例、占位符）",
        description="检查县区自评报告（Markdown 或 Word .docx）是否符合本轮考核的报告模板：章节是否齐全、顺序和编号、"
        "字数上限、典型案例个数、占位符是否替换。Markdown 报告开头的 round 和 county 指明是哪一轮、哪个县区；"
        "Word 报告从标题中的县区名称和年度判断，也可以用 --round 和 --county 指明。"
        "Word 报告的“行”是段落序号（不计空段），提示中引用该段开头的文字，可在 Word 中用“查找”定位。",
    )
    p.add_argument("files", nargs="*", metavar="报告文件", help="要检查的报告（.md 或 .docx），可写多个")
    p.add_argument(
        "--round", dest="round_id", metavar="轮次", help="考核轮次编号（覆盖报告开头的 round），如 luohe-2022"
    )
    p.add_argument("--county", dest="county_id", metavar="县区", help="县区编号（覆盖报告开头的 county），如 wuyang")
    p.add_argument(
        "--project", type=Path, default=None, metavar="目录", help="项目目录（含 content/ 和 rubrics/；默认：当前目录）"
    )
    p.add_argument("--format", choices=["text", "json"], default="text", help="输出格式：text（默认）或 json")
    p.add_argument("--rules", action="store_true", help="列出全部检查规则")
    p.set_defaults(func=cmd_check, _parser=p)


def cmd_check(args) -> int:
    """Run ``kaohe check``: check self-reports against their round's template.

    :return: the exit code: 0 no errors, 1 a report has errors, 2 a file could not be read
        (or bad usage).
    """
    if args.rules:
        return _list_rules()
    if not args.files:
        args._parser.error("请写出要检查的报告文件，例如：kaohe check content/luohe-2022/reports/wuyang.md")
    from ..project import Project

    if args.project is not None and not (args.project / "rubrics").is_dir():
        args._parser.error(f"“{args.project}”不是项目目录（里面没有 rubrics/ 文件夹）。")
    project = Project.find(args.project)
    from ..checker import check_file

    results = []
    coverages: dict = {}  # project folder -> its print font's coverage, looked up once a run
    for f in args.files:
        here = project
        if args.project is None and not project.rubrics_dir.is_dir():
            here = Project.find(Path(f).resolve().parent)  # not run in a project: try the report's own folders
        results.append(check_file(Path(f), here, args.round_id, args.county_id, display=f))
        _check_glyphs(here, Path(f), results[-1], coverages)
    if args.format == "json":
        import json

        print(json.dumps({"files": [r.to_json() for r in results]}, ensure_ascii=False, indent=2))
    else:
        _print_text(results)
    if any(r.unreadable for r in results):
        return 2
    return 1 if any(not r.ok for r in results) else 0


def _check_glyphs(project, path: Path, result, coverages: dict) -> None:
    """Warn about characters the print fonts lack (builder.glyphs; not in the browser
    checker, which has no fonts). Only for a file that was read and in a project that
    has a print font configuration; in a Word report the line is the paragraph number.
    ``coverages``: the coverage of each project already looked up in this run."""
    if getattr(result, "unreadable", False) or any(d.rule.startswith("io-") and d.is_error for d in result.diagnostics):
        return
    if not (project.root / "themes" / "print" / "fonts.yaml").is_file():
        return
    from ..checker.engine import WORD_SUFFIXES
    from ..glyphs import find_uncovered, print_coverage

    if project.root not in coverages:
        coverages[project.root] = print_coverage(project)
    coverage = coverages[project.root]
    if coverage is None:
        return
    if path.suffix.lower() in WORD_SUFFIXES:
        from ..word.read import WordError, read_docx, word_document

        try:
            text = "\n".join(word_document(read_docx(path.read_bytes())).lines)
        except (OSError, WordError):
            return
    else:
        from ..textio import read_text

        read = read_text(path, result.path, [])
        if read is None:
            return
        text = read
    found = find_uncovered(text, coverage, result.path)
    if found:
        result.diagnostics.extend(found)
        result.diagnostics.sort(key=lambda d: (d.line, d.column))


def _print_text(results) -> None:
    from ..diagnostics import LABELS_ZH, SourceCache, cap_per_file
    from ..limits import DIAGNOSTICS_PER_FILE

    out = sys.stdout
    sources = SourceCache()  # for findings in other files (round.yaml, the template)
    for r in results:
        capped = len(r.diagnostics) > DIAGNOSTICS_PER_FILE.value  # a report full of placeholders: 50 and a count
        for d in cap_per_file(r.diagnostics) if capped else r.diagnostics:
            src = d.source_line if d.source_line is not None or d.path == r.path else sources.line(d.path, d.line)
            print(d.format(LABELS_ZH, source=src), file=out)
        print(_summary(r), file=out)
    errors = sum(r.errors for r in results)
    warnings = sum(r.warnings for r in results)
    if len(results) > 1 or errors or warnings:
        if errors or warnings:
            print(
                f"共 {errors} 个错误，{warnings} 个警告。" + ("请按提示修改后再运行 kaohe check。" if errors else ""),
                file=out,
            )
        else:
            print("全部通过。", file=out)


def _summary(r) -> str:
    s = r.stats
    parts = []
    parts.append(f"字数 {s['chars']}/{s['limit']}" if s.get("limit") else f"字数 {s['chars']}")
    if s.get("max_cases") is not None:
        parts.append(f"典型案例 {s['cases']}/{s['max_cases']}")
    elif s.get("cases"):
        parts.append(f"典型案例 {s['cases']}")
    parts.append(f"汉字 {s['hanzi']}")
    parts.append(f"字符（不计空格）{s['nonspace']}")
    status = "✓ 通过" if r.ok and not r.warnings else ("✓ 通过（有警告）" if r.ok else "✗ 未通过")
    return f"{r.path}：{status}　" + "　".join(parts)


def _list_rules() -> int:
    from ..checker.rules import load_rules
    from ..diagnostics import LABELS_ZH

    for m in load_rules():
        print(f"{m.alias}  {m.id:<20} {LABELS_ZH.get(m.severity, m.severity)}  {m.description}")
    print(
        "另有：io-unreadable / io-binary / io-encoding / io-empty（错误），io-gbk（警告），"
        "front-matter、template-missing（错误）；"
        "Word 文件打不开时：io-docx-old-format / io-docx-encrypted / io-docx-corrupt / io-docx-not-word / "
        "io-docx-too-large（错误，退出码 2）。"
    )
    return 0
