"""``kaohe import FILE.docx --round R --county C [--out PATH]``: a Word report as Markdown.

Writes the report in the round's template shape with its front matter filled in
(:mod:`builder.word.read_markdown`); images go to a folder beside it (``<name>.files/``).
It never overwrites: an existing report or image folder stops it before anything is
written. Exit status: 0 written, 1 refused (exists, unknown round/county, cannot write),
2 usage error or a Word file that cannot be read (nothing written).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def register(sub) -> None:
    """Add ``kaohe import`` to *sub*, the subparsers of ``kaohe``."""
    p = sub.add_parser(
        "import",
        help="把 Word 自评报告（.docx）转成 Markdown 报告",
        description="把县区的 Word 自评报告（.docx）按本轮模板的结构转成 Markdown（含 round、county），"
        "表格保留为表格，图片保存在报告旁的“<文件名>.files”文件夹中。"
        "转换后的 Markdown 与原 Word 文件的检查结果一致。已有文件不会被覆盖。",
    )
    p.add_argument("file", type=Path, metavar="报告.docx", help="Word 报告（.docx）")
    p.add_argument("--round", dest="round_id", required=True, metavar="轮次", help="考核轮次编号，如 luohe-2022")
    p.add_argument("--county", dest="county_id", required=True, metavar="县区", help="县区编号，如 wuyang")
    p.add_argument(
        "--out", type=Path, default=None, metavar="文件", help="写到这个文件（默认 content/<轮次>/reports/<县区>.md）"
    )
    p.add_argument("--project", type=Path, default=None, metavar="目录", help="项目目录（默认：当前目录）")
    p.set_defaults(func=cmd_import)


def cmd_import(args) -> int:
    """Run ``kaohe import``: turn a Word self-report (.docx) into a Markdown report.

    :return: the exit code: 0 written, 1 bad input, 2 the Word file cannot be read
        (nothing is written then).
    """
    from ..checker.cache import template_for
    from ..checker.template import template_path
    from ..project import Project
    from ..word.read import WordError, read_docx
    from ..word.read_markdown import to_markdown
    from ..word.read_package import MAX_FILE_BYTES, too_large
    from ._round import round_county_info

    project = Project.find(args.project)
    src = args.file
    try:
        if src.stat().st_size > MAX_FILE_BYTES:
            raise too_large(src.stat().st_size)
        report = read_docx(src.read_bytes())
    except WordError as err:
        print(f"{src}: 错误[{err.rule}] {err.message}（没有写入任何文件。）", file=sys.stderr)
        return 2
    except OSError as exc:
        print(
            f"{src}: 错误[io-unreadable] 无法读取这个文件（{exc.strerror or exc}）。请检查文件名和路径。",
            file=sys.stderr,
        )
        return 2
    found = round_county_info(project, args.round_id, args.county_id)
    if found is None:
        return 1
    meta, county = found
    template = None
    tpath = template_path(project.rubrics_dir, meta.rubric_id)
    if tpath.is_file():
        template, tdiags = template_for(project, tpath)
    out = args.out or project.content_dir / meta.id / "reports" / f"{county.id}.md"
    shown = project.display(out)
    folder = out.with_name(out.stem + ".files")
    text, images = to_markdown(report, template, meta.id, county.id, folder.name)
    if out.exists() or (images and folder.exists()):
        what = shown if out.exists() else project.display(folder)
        print(f"错误：{what} 已存在，没有覆盖。请先把原文件改名或删除，或用 --out 写到别的位置。", file=sys.stderr)
        return 1
    written: list[Path] = []
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if images:
            folder.mkdir()
            written.append(folder)
            for name, data in sorted(images.items()):
                with open(folder / name, "xb") as fh:
                    fh.write(data)
        with open(out, "x", encoding="utf-8", newline="\n") as fh:
            written.append(out)
            fh.write(text)
    except OSError as exc:
        _undo(written)
        print(f"错误：无法写入 {shown}：{exc.strerror or exc}。没有留下写了一半的文件。", file=sys.stderr)
        return 1
    print(
        f"已把 {src} 转为 Markdown：{shown}"
        + (f"（图片 {len(images)} 张在 {project.display(folder)}）" if images else "")
    )
    print(f"检查：kaohe check {shown}")
    return 0


def _undo(paths: list[Path]) -> None:
    for p in reversed(paths):
        try:
            if p.is_dir():
                for f in p.iterdir():
                    os.unlink(f)
                p.rmdir()
            else:
                os.unlink(p)
        except OSError:
            pass
