"""``kaohe docx ROUND [--out DIR] [--county ID]``: editable Word copies of the 通报 and feedback letters."""

from __future__ import annotations

import sys
import time
from pathlib import Path

DEFAULT_OUT = Path("build") / "docx"


def register(sub) -> None:
    """Add the ``kaohe docx`` subcommand to ``sub`` (argparse subparsers)."""
    p = sub.add_parser(
        "docx",
        help="生成通报和各县区考核结果反馈的 Word 文件（.docx），供盖章前修改",
        description="按 GB/T 9704-2012 的版式（A4，天头 37 毫米，订口 28 毫米，版心 156 × 225 毫米，"
        "每页 22 行、每行 28 字）生成本轮次的通报（notification.docx）和各县区考核结果反馈"
        "（<县区>/feedback.docx），文字与 PDF 相同，"
        "字体为方正小标宋简体、仿宋_GB2312、黑体、"
        "楷体_GB2312。这些文件供市质强办在 WPS 或 Word 中修改后盖章，不会发布到网站"
        "（除非 round.yaml 写了 publish_docx: true）。",
    )
    p.add_argument("round", metavar="轮次", help="考核轮次，例如 luohe-2022")
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="目录",
        help=f"输出目录，文件写到 <目录>/<轮次>/ 下（默认：{DEFAULT_OUT}）",
    )
    p.add_argument("--county", default=None, metavar="县区", help="只生成这个县区的反馈（县区编号或名称）")
    p.add_argument("--project", type=Path, default=None, help="项目目录（默认：当前目录向上查找）")
    p.add_argument("--quiet", "-q", action="store_true", help="不列出生成的文件")
    p.set_defaults(func=cmd_docx)


def cmd_docx(args) -> int:
    """Run ``kaohe docx``: the 通报 and each county's feedback as .docx files.

    :return: the exit code: 0 written, 1 bad input, 2 bad usage."""
    from ..diagnostics import DiagnosticError, render_text
    from ._round import load_results

    started = time.perf_counter()
    loaded = load_results(args, " Word 文件")
    if isinstance(loaded, int):
        return loaded
    project, results, county = loaded
    rnd = results.round
    from ..word.official import write_round_docx

    try:
        paths = write_round_docx(results, project, args.out if args.out is not None else DEFAULT_OUT, county)
    except DiagnosticError as exc:
        render_text(exc.diagnostics, stream=sys.stderr)
        n_err = sum(1 for d in exc.diagnostics if d.is_error)
        print(f"共 {n_err} 个错误，没有写出任何 Word 文件。", file=sys.stderr)
        return 1
    if not args.quiet:
        for p in paths:
            print(project.display(p))
        note = "（示例数据，每页页眉有标注）" if rnd.sample else ""
        print(f"已生成 {len(paths)} 个 Word 文件，用时 {time.perf_counter() - started:.1f} 秒{note}。", file=sys.stderr)
    return 0
