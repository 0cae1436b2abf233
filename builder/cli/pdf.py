"""``kaohe pdf ROUND [--out DIR] [--county ID] [--jobs N]``: the printed documents of a round."""

from __future__ import annotations

import sys
import time
from pathlib import Path

DEFAULT_OUT = Path("build") / "pdf"


def register(sub) -> None:
    """Add ``kaohe pdf`` to *sub*, the subparsers of ``kaohe``."""
    p = sub.add_parser(
        "pdf",
        help="生成公文 PDF：通报、各县区考核结果反馈和自评报告",
        description="按 GB/T 9704-2012 公文格式生成本轮次的通报（notification.pdf）、"
        "各县区考核结果反馈（<县区>/feedback.pdf）和自评报告（<县区>/report.pdf）。"
        "未发布的轮次带“草稿”或“征求意见稿”水印。",
    )
    p.add_argument("round", metavar="轮次", help="考核轮次，例如 luohe-2022")
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="目录",
        help=f"输出目录，PDF 写到 <目录>/<轮次>/ 下（默认：{DEFAULT_OUT}；写到网站用 --out site）",
    )
    p.add_argument("--county", default=None, metavar="县区", help="只生成这个县区的反馈和报告（县区编号或名称）")
    p.add_argument(
        "--jobs", "-j", type=int, default=None, metavar="N", help="并行进程数（默认：CPU 核数；1 = 不开进程）"
    )
    p.add_argument(
        "--fonts",
        type=Path,
        default=None,
        metavar="YAML",
        help="字体配置，按角色覆盖 themes/print/fonts.yaml（默认：环境变量 KAOHE_PRINT_FONTS）",
    )
    p.add_argument("--project", type=Path, default=None, help="项目目录（默认：当前目录向上查找）")
    p.add_argument("--quiet", "-q", action="store_true", help="不显示进度条和生成的文件列表")
    p.set_defaults(func=cmd_pdf)


def cmd_pdf(args) -> int:
    """Run ``kaohe pdf``: the 通报, each county's feedback and the self-reports as PDFs.

    :return: the exit code: 0 written, 1 bad input or a document failed, 2 bad usage.
    """
    from ..diagnostics import Diagnostic, DiagnosticError, render_text
    from ._round import load_results

    if args.jobs is not None and args.jobs < 1:
        print("--jobs 必须是正整数。", file=sys.stderr)
        return 2
    loaded = load_results(args, " PDF")
    if isinstance(loaded, int):
        return loaded
    project, results, county = loaded
    rnd = results.round
    out = args.out if args.out is not None else DEFAULT_OUT
    from ..pdf import render_round_pdfs

    warnings: list[Diagnostic] = []
    started = time.perf_counter()
    try:
        paths = render_round_pdfs(
            results,
            project,
            out,
            jobs=args.jobs,
            county=county,
            fonts=args.fonts,
            progress=False if args.quiet else None,
            warnings=warnings,
        )
    except DiagnosticError as exc:
        render_text(warnings, stream=sys.stderr)
        render_text(exc.diagnostics, stream=sys.stderr)
        n_err = sum(1 for d in exc.diagnostics if d.is_error)
        print(f"共 {n_err} 个错误，没有写出任何 PDF。", file=sys.stderr)
        return 1
    render_text(warnings, stream=sys.stderr)
    if not args.quiet:
        for p in paths:
            print(project.display(p))
        note = (
            "" if rnd.is_published else f"（轮次未发布，已加“{'草稿' if rnd.status == 'draft' else '征求意见稿'}”水印）"
        )
        print(f"已生成 {len(paths)} 个 PDF，用时 {time.perf_counter() - started:.1f} 秒{note}。", file=sys.stderr)
    return 0
