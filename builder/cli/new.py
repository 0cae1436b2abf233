"""``kaohe new report --round R --county C [--format md|docx]``: write a report skeleton from the round's template.

The skeleton has the front matter, the title with the county's name and the year, every
section heading, the annex with one case, and short guidance in 【…】 under each heading.
The guidance is flagged by ``kaohe check`` (rule ``placeholder``) until it is replaced,
so a new user runs ``new``, fills in, and checks until clean. Existing files are never
overwritten.
"""

from __future__ import annotations

import sys
from pathlib import Path


def register(sub) -> None:
    """Add ``kaohe new`` to *sub*, the subparsers of ``kaohe``."""
    p = sub.add_parser("new", help="新建文件：自评报告框架（new report）")
    ns = p.add_subparsers(dest="new_command", metavar="类型")
    r = ns.add_parser(
        "report",
        help="按本轮模板生成自评报告框架",
        description="按本轮考核的报告模板生成自评报告框架（含标题、各级标题和填写说明），"
        "默认写到 content/<轮次>/reports/<县区>.md，已有文件不会被覆盖。",
    )
    r.add_argument("--round", dest="round_id", required=True, metavar="轮次", help="考核轮次编号，如 luohe-2022")
    r.add_argument("--county", dest="county_id", required=True, metavar="县区", help="县区编号，如 wuyang")
    r.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="文件",
        help="写到这个文件（默认 content/<轮次>/reports/<县区>.md 或 .docx）",
    )
    r.add_argument(
        "--format",
        choices=["md", "docx"],
        default="md",
        help="md：Markdown 框架（默认）；docx：Word 框架（已设好标题样式：一、黑体，（一）楷体，正文仿宋 3号）",
    )
    r.add_argument("--project", type=Path, default=None, metavar="目录", help="项目目录（默认：当前目录）")
    r.set_defaults(func=cmd_new_report)
    p.set_defaults(func=lambda a: (p.print_help(), 2)[1])


def cmd_new_report(args) -> int:
    """Run ``kaohe new report``: write a report skeleton from the round's template.

    :return: the exit code: 0 written, 1 bad input or the file exists.
    """
    from ..checker.cache import template_for
    from ..checker.template import template_path
    from ..diagnostics import LABELS_ZH, render_text
    from ..project import Project
    from ._round import round_county_info

    project = Project.find(args.project)
    found = round_county_info(project, args.round_id, args.county_id)
    if found is None:
        return 1
    meta, county = found
    tpath = template_path(project.rubrics_dir, meta.rubric_id)
    if not tpath.is_file():
        print(f"错误：考核细则“{meta.rubric_id}”没有自评报告模板（{project.display(tpath)}）。", file=sys.stderr)
        return 1
    template, tdiags = template_for(project, tpath)
    if template is None:
        render_text(tdiags, LABELS_ZH, stream=sys.stderr)
        return 1
    fmt = getattr(args, "format", "md")
    out = args.out or project.content_dir / meta.id / "reports" / f"{county.id}.{fmt}"
    shown = project.display(out)
    if shown.startswith(".."):
        shown = str(out.resolve())
    item_titles = {}
    if template.required_items is not None:
        from ..checker.rules.required_items import titles

        item_titles = titles(project, template.rubric)
    if fmt == "docx":
        from ..word.template_docx import template_docx

        data = template_docx(template, meta.year, county.name, county.kind, item_titles)
    else:
        data = skeleton(template, meta.id, county, meta.year, shown, item_titles).encode("utf-8")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with open(out, "xb") as fh:
            fh.write(data)
    except FileExistsError:
        print(
            f"错误：文件已存在：{shown}，没有覆盖。如要重新生成，请先把原文件改名或删除，或用 --out 写到别的位置。",
            file=sys.stderr,
        )
        return 1
    except OSError as exc:
        print(f"错误：无法写入 {shown}：{exc.strerror or exc}。", file=sys.stderr)
        return 1
    print(f"已生成 {county.name}的自评报告框架：{shown}")
    editor = "Word 或 WPS" if fmt == "docx" else "文本编辑器"
    print(f"下一步：用{editor}打开它，把每个【……】中的说明换成实际内容，然后运行：")
    print(f"  kaohe check {shown}")
    print("反复检查、修改，直到没有错误。")
    return 0


def skeleton(template, round_id: str, county, year: int, shown: str = "", item_titles: dict | None = None) -> str:
    """The Markdown skeleton of a report (guidance wrapped in 【…】).

    Items the report must self-evaluate (``required_items``) get a line each in their
    section, numbered and named (names from ``item_titles``, from the rubric).
    """
    req = template.required_items
    req_section = template.find_section(req.section) if req is not None else None

    def fill(s: str) -> str:
        s = s.replace("{year}", str(year)).replace("{name}", county.name)
        if template.annex and template.annex.max_cases is not None:
            s = s.replace("{max_cases}", str(template.annex.max_cases))
        return s

    lines = [
        "---",
        f"round: {round_id}",
        f"county: {county.id}",
        "---",
        "",
        f"<!-- {county.name}自评报告。把每个【……】换成实际内容（连同【】一起删掉），"
        f"写好后运行 kaohe check {shown or '本文件'} 检查，直到没有错误。这一行注释不会显示，也不计字数。 -->",
        "",
        f"# {template.expected_title(county.name, county.kind, year)}",
        "",
        f"【开头语：简要说明本报告的依据和总体情况。正文（附件之前）不超过 {template.body_chars} 字。】"
        if template.body_chars
        else "【开头语：简要说明本报告的依据和总体情况。】",
        "",
    ]

    def walk(sections):
        for s in sections:
            lines.append("#" * (s.level + 1) + " " + s.heading(year))
            lines.append("")
            if s.guidance:
                lines.append(f"【{fill(s.guidance)}】")
                lines.append("")
            elif not s.children:
                lines.append("【请填写本节内容】")
                lines.append("")
            if s is req_section:
                for item in req.ids:
                    name = (item_titles or {}).get(item, "")
                    lines.append(f"第{item}项{('　' + name) if name else ''}：【完成情况和自评得分】")
                    lines.append("")
            walk(s.children)

    walk(template.sections)
    a = template.annex
    if a is not None:
        lines += [f"## {a.heading}", ""]
        if a.guidance:
            lines += [f"【{fill(a.guidance)}】", ""]
        lines += ["### 案例一：【案例标题】", ""]
        lines += [f"【{fill(a.case_guidance) if a.case_guidance else '案例内容'}】", ""]
    return "\n".join(lines).rstrip("\n") + "\n"
