"""The office's season: ``kaohe status | approve | publish | status-set | appeals | history | diff | export``.

Exit codes: 0 done; 1 bad input (located messages on stderr, nothing written); 2 usage.
"""

from __future__ import annotations

import datetime as _dt
import json
import sys
from pathlib import Path


def _date(text: str) -> _dt.date:
    import argparse

    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{text}”格式不对，应写成 2023-04-30。") from None


def _common(p) -> None:
    p.add_argument("round", metavar="轮次")
    p.add_argument("--project", type=Path, default=None, help="项目目录（默认：当前目录向上查找）")


def register(sub) -> None:
    """Add ``kaohe status`` and ``kaohe export`` to *sub*, the subparsers of ``kaohe``."""
    s = sub.add_parser("status", help="评价表报送情况：各部门已交/未交、还缺哪些县区和考核项、离截止还有几天")
    _common(s)
    s.add_argument("--format", choices=["text", "json"], default="text")
    s.add_argument("--xlsx", type=Path, default=None, metavar="文件", help="另写一个催报清单（XLSX），发给未交齐的部门")
    s.add_argument("--today", type=_date, default=None, help="按这一天计算剩余天数（默认：今天）")
    s.set_defaults(func=cmd_status)

    e = sub.add_parser(
        "export", help="市质强办汇总表（XLSX）：总分排名、领域得分、考核项得分和评价说明（不受公布范围限制，仅供内部）"
    )
    _common(e)
    e.add_argument("--format", choices=["xlsx"], default="xlsx")
    e.add_argument("--out", type=Path, default=None, metavar="文件", help="输出文件（默认：<轮次>-汇总表.xlsx）")
    e.set_defaults(func=cmd_export)


def load_meta_rubric(args):
    """(project, meta, rubric) or None after printing located errors."""
    from ..diagnostics import has_errors, render_text
    from ..project import Project
    from ..rounds.meta import load_round_meta

    project = Project.find(args.project)
    meta, diags = load_round_meta(project.content_dir, args.round, project.display)
    if meta is None or has_errors(diags):
        render_text(diags, stream=sys.stderr)
        return None
    rubric, rdiags = project.load_rubric(meta.rubric_id)
    if rubric is None:
        render_text(diags + rdiags, stream=sys.stderr)
        return None
    return project, meta, rubric


def cmd_status(args) -> int:
    """Run ``kaohe status``: which departments have sent their score sheets, and what is missing.

    :return: the exit code: 0 done, 1 bad input.
    """
    from ..files import write_atomic
    from ..season.status import collect, reminder_xlsx, render, status_json

    got = load_meta_rubric(args)
    if got is None:
        return 1
    project, meta, rubric = got
    st = collect(meta, rubric, project.display, args.today or _dt.date.today())
    if args.xlsx is not None and st.late:
        write_atomic(args.xlsx, reminder_xlsx(st, meta.year, meta.organiser))
    if args.format == "json":
        print(json.dumps(status_json(st), ensure_ascii=False, indent=2))
    else:
        from rich.console import Console

        console = Console(soft_wrap=False, highlight=False, width=None if sys.stdout.isatty() else 160)
        render(st, console)
        if args.xlsx is not None:
            if st.late:
                print(f"✓ 催报清单：{project.display(args.xlsx)}（{len(st.late)} 个部门）")
            else:
                print("各部门评价表均已交齐，没有写催报清单。")
    return 0


def cmd_export(args) -> int:
    """Run ``kaohe export``: a round's results as a workbook.

    :return: the exit code: 0 written, 1 bad input.
    """
    from ..files import write_atomic
    from ..rounds import compute
    from ..season.export import build
    from .audit import _load_round

    got = _load_round(args)
    if got is None:
        return 1
    project, rnd = got
    out = args.out or Path(f"{rnd.id}-汇总表.xlsx")
    write_atomic(out, build(compute(rnd)))
    print(f"✓ 汇总表：{project.display(out)}（{len(rnd.counties)} 个县区；内部使用，不受公布范围限制）")
    return 0
