"""``kaohe forms ROUND``: blank XLSX score sheets, one per evaluating department."""

from __future__ import annotations

import sys
from pathlib import Path


def register(sub) -> None:
    """Add ``kaohe forms`` to *sub*, the subparsers of ``kaohe``."""
    p = sub.add_parser("forms", help="生成各评价部门的评价表（XLSX），填好后放回 content/<轮次>/scores/")
    p.add_argument("round", metavar="轮次")
    p.add_argument("--out", type=Path, default=None, help="输出文件夹（默认：forms/<轮次>/）")
    p.add_argument(
        "--department", action="append", default=None, metavar="部门", help="只生成这个部门的评价表（可写多次）"
    )
    p.add_argument("--project", type=Path, default=None, help="项目目录（默认：当前目录向上查找）")
    p.set_defaults(func=cmd_forms)


def cmd_forms(args) -> int:
    """Run ``kaohe forms``: write each department's score sheet (XLSX) for a round.

    :return: the exit code: 0 written, 1 bad input.
    """
    from ..diagnostics import has_errors, render_text
    from ..fields import did_you_mean
    from ..project import Project
    from ..rounds.forms import build_forms, department_items
    from ..rounds.meta import load_round_meta

    project = Project.find(args.project)
    meta, diags = load_round_meta(project.content_dir, args.round, project.display, root=project.root)
    if meta is None:
        render_text(diags, stream=sys.stderr)
        return 1
    rubric, rdiags = project.load_rubric(meta.rubric_id)
    if rubric is None:
        render_text(diags + rdiags, stream=sys.stderr)
        return 1
    if has_errors(diags):
        render_text(diags, stream=sys.stderr)
        return 1
    forms = build_forms(meta, rubric, args.department)
    if not forms:
        known = [d for d in department_items(rubric) if d]
        asked = "、".join(args.department or [])
        hint = did_you_mean(asked, known) if args.department and len(args.department) == 1 else ""
        print(f"没有要生成的评价表：考核细则“{rubric.id}”中没有部门“{asked}”的考核项。{hint}".rstrip(), file=sys.stderr)
        return 1
    out = args.out or Path("forms") / meta.id
    out.mkdir(parents=True, exist_ok=True)
    for form in forms:
        path = out / form.filename
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(form.data)
        tmp.replace(path)
        who = form.department or "（未指定评价部门）"
        print(f"✓ {project.display(path)}：{who}，{len(form.items)} 个考核项 × {len(meta.counties)} 个县区")
    print(f"共 {len(forms)} 张评价表。填好后放到 content/{meta.id}/scores/，再运行 kaohe validate {meta.id}。")
    return 0
