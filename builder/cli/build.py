"""``kaohe build [--strict] [--drafts] [--no-pdfs]``: the results website and its PDFs, into ``site/``.

The pipeline is :mod:`builder.site.build`; ``mkdocs build`` runs the same one through the
plugin, gives the same bytes and says the same (:mod:`builder.site.messages`). Exit codes:
0 built; 1 the data, a page or a PDF has an error, or ``--strict`` and there are warnings
(``site/`` is then left as it was); 2 usage; 130 interrupted (Ctrl-C or SIGTERM; nothing is
left behind).
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
    from ..diagnostics import DiagnosticError
    from ..project import Project
    from ..site import messages
    from ..site.atomic import StagingError
    from ..site.build import BuildOptions, build

    project = Project.find(args.project)
    options = BuildOptions(
        strict=args.strict, drafts=True if args.drafts else None, pdfs=args.pdfs, progress=False if args.quiet else None
    )
    started = time.perf_counter()
    try:
        result = build(project, options, site_dir=args.site_dir)
    except DiagnosticError as exc:
        print(messages.text(exc.diagnostics) + messages.failure(exc), file=sys.stderr)
        return 1
    except StagingError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    for _level, text in messages.finished(result):
        print(text, file=sys.stderr)
    if not args.quiet:
        assert result.build is not None  # build() always has one (only a preview's error site has none)
        target = args.site_dir or Path(result.build.config.site_dir)
        print(messages.written(result, target, time.perf_counter() - started))
    return 0
