"""``kaohe rubric validate|show``."""

from __future__ import annotations

import sys
from pathlib import Path


def register(sub) -> None:
    """Add ``kaohe rubric validate`` and ``kaohe rubric show`` to *sub*, the subparsers of ``kaohe``."""
    p = sub.add_parser("rubric", help="考核细则：校验、查看")
    rs = p.add_subparsers(dest="rubric_command", metavar="子命令")
    v = rs.add_parser("validate", help="校验考核细则（不写则校验全部）")
    v.add_argument("targets", nargs="*", metavar="ID或路径")
    v.add_argument("--project", type=Path, default=None, help="项目目录（默认：当前目录向上查找）")
    v.add_argument("--format", choices=["text", "json"], default="text")
    v.set_defaults(func=cmd_validate)
    s = rs.add_parser("show", help="显示考核细则的指标树")
    s.add_argument("target", metavar="ID或路径")
    s.add_argument("--project", type=Path, default=None)
    s.add_argument("--format", choices=["text", "json"], default="text")
    s.set_defaults(func=cmd_show)
    p.set_defaults(func=lambda a: (p.print_help(), 2)[1])


def _load(project, target: str):
    from ..rubric import load_rubric

    path = Path(target)
    if target.endswith((".yaml", ".yml")) or path.is_file():
        return load_rubric(path, target)  # shown as the user typed it
    return project.load_rubric(target)


def cmd_validate(args) -> int:
    """Run ``kaohe rubric validate``: check one rubric, or all of them.

    :return: the exit code: 0 no errors (warnings allowed), 1 errors.
    """
    from ..diagnostics import has_errors, render_json, render_text
    from ..project import Project

    project = Project.find(args.project)
    targets = args.targets or project.rubric_ids()
    if not targets:
        print("没有找到任何考核细则（rubrics/*.yaml）。", file=sys.stderr)
        return 1
    diags = []
    ok = []
    for t in targets:
        rubric, d = _load(project, t)
        diags.extend(d)
        if rubric is not None:
            ok.append(rubric)
    if args.format == "json":
        print(render_json(diags))
    else:
        render_text(diags)
        for r in ok:
            leaves = sum(1 for _ in r.leaves())
            print(f"✓ {r.path}：{r.title}，{len(r.areas)} 个领域，{leaves} 个考核项，基本分 {_fmt(r.base_points)} 分")
        n_err = sum(1 for d in diags if d.is_error)
        if n_err:
            sys.stdout.flush()
            print(f"共 {n_err} 个错误。", file=sys.stderr)
    return 1 if has_errors(diags) else 0


def _fmt(d):
    from ..formats import format_decimal

    return format_decimal(d)


def cmd_show(args) -> int:
    """Run ``kaohe rubric show``: print a rubric's tree of items.

    :return: the exit code: 0 done, 1 the rubric has errors.
    """
    from ..diagnostics import render_text
    from ..project import Project
    from ..rubric.export import rubric_to_json, rubric_to_text

    project = Project.find(args.project)
    rubric, diags = _load(project, args.target)
    if rubric is None:
        render_text(diags, stream=sys.stderr)
        return 1
    if args.format == "json":
        import json

        print(json.dumps(rubric_to_json(rubric), ensure_ascii=False, indent=2))
    else:
        print(rubric_to_text(rubric))
    return 0
