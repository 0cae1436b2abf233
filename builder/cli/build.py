"""``kaohe build [--strict] [--drafts] [--no-pdfs]``: the results website and its PDFs, into ``site/``.

The pipeline is :mod:`builder.site.build`; ``mkdocs build`` runs the same one through the
plugin and gives the same bytes. Exit codes: 0 built; 1 the data, a page or a PDF has an
error, or ``--strict`` and there are warnings (``site/`` is then left as it was); 2 usage;
130 interrupted (Ctrl-C or SIGTERM; nothing is left behind).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def register(sub) -> None:
    """Add ``kaohe build`` to *sub*, the subparsers of ``kaohe``."""
    p = sub.add_parser(
        "build",
        help="生成结果网站和全部 PDF（输出到 site/）",
        description="从 rubrics/ 和 content/ 生成结果网站（与 mkdocs build 结果逐字节相同）。"
        "全部生成成功后才整体替换 site/；出错或被中断时 site/ 保持原样。",
    )
    p.add_argument("--strict", action="store_true", help="有警告时也不生成（与 mkdocs build --strict 相同）")
    p.add_argument("--drafts", action="store_true", help="也生成未发布的轮次（页面带“草稿”标记，不要公开）")
    p.add_argument(
        "--no-pdfs", dest="pdfs", action="store_false", default=None, help="不生成 PDF（更快，用于检查网页）"
    )
    p.add_argument(
        "--site-dir",
        "-d",
        type=Path,
        default=None,
        metavar="目录",
        help="输出目录（默认：mkdocs.yml 的 site_dir，即 site/）",
    )
    p.add_argument("--project", type=Path, default=None, help="项目目录（默认：当前目录向上查找）")
    p.add_argument("--quiet", "-q", action="store_true", help="不显示进度条和统计")
    p.set_defaults(func=cmd_build)


def cmd_build(args) -> int:
    """Run ``kaohe build``: the results site and every PDF into ``site/``, swapped in atomically.

    :return: the exit code: 0 built, 1 errors (or warnings under ``--strict``); ``site/`` is then kept as it was.
    """
    from ..diagnostics import DiagnosticError, render_text
    from ..project import Project
    from ..site.atomic import StagingError
    from ..site.build import BuildOptions, StrictError, build

    project = Project.find(args.project)
    options = BuildOptions(
        strict=args.strict, drafts=True if args.drafts else None, pdfs=args.pdfs, progress=False if args.quiet else None
    )
    started = time.perf_counter()
    try:
        result = build(project, options, site_dir=args.site_dir)
    except StrictError as exc:
        render_text(exc.diagnostics, stream=sys.stderr)
        print(f"有 {len(exc.diagnostics)} 个警告，按 --strict 的要求网站没有生成（site/ 保持原样）。", file=sys.stderr)
        return 1
    except DiagnosticError as exc:
        render_text(exc.diagnostics, stream=sys.stderr)
        n = sum(1 for d in exc.diagnostics if d.is_error)
        print(
            f"共 {n} 个错误，{getattr(exc, 'what', '网站')}没有生成（site/ 保持原样）。请按上面的提示修改后重新生成。",
            file=sys.stderr,
        )
        return 1
    except StagingError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    render_text(result.warnings, stream=sys.stderr)
    b = result.build
    assert b is not None  # build() always has one (only the plugin's preview error site has none)
    if b.notes:  # each waiver of the publication gate, with its reason
        print("发布检查豁免：", file=sys.stderr)
        render_text(b.notes, stream=sys.stderr)
    if not args.quiet:
        target = args.site_dir or Path(b.config.site_dir)
        pdfs = sum(1 for f in result.files if f.endswith(".pdf"))
        pages = sum(1 for f in result.files if f.endswith(".html"))
        line = f"网站已生成到 {target}/：{pages} 个网页"
        if pdfs:
            line += f"、{pdfs} 个 PDF"
        line += f"，用时 {time.perf_counter() - started:.1f} 秒。"
        print(line)
    return 0
