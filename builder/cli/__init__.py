"""Command line: ``kaohe …`` and ``python -m builder …``.

Each sub-command lives in its own module exposing ``register(subparsers)``; modules
import the heavy parts of the package only when their command runs, so that
``kaohe check`` starts fast.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import importlib
import io
import os
import sys
import threading
from typing import NoReturn

# Order here is the order of ``kaohe --help``.
COMMAND_MODULES = [
    "check",
    "import_docx",
    "new",
    "rubric",
    "rounds",
    "forms",
    "pdf",
    "docx",
    "build",
    "season",
    "appeals",
    "audit",
]


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # usage errors exit 2, in Chinese
        self.print_usage(sys.stderr)
        print(f"{self.prog}: 用法错误：{message}", file=sys.stderr)
        sys.exit(2)


def build_parser() -> argparse.ArgumentParser:
    """The ``kaohe`` argument parser with every subcommand registered (their modules
    are imported only when their command runs)."""
    parser = _Parser(prog="kaohe", description="质量工作考核：自评报告检查、考核结果计算、结果网站与公文 PDF 生成。")
    parser.add_argument("--version", action="version", version="kaohe 0.1.0")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)
    for name in COMMAND_MODULES:
        try:
            mod = importlib.import_module(f"builder.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"builder.cli.{name}":
                continue  # command not built yet
            raise
        mod.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``kaohe`` with ``argv`` (default: ``sys.argv[1:]``); stdout and stderr are switched to
    UTF-8. Returns the exit code of the command (2 for bad usage, as argparse does)."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):  # not when a test has replaced it
            with contextlib.suppress(ValueError):
                stream.reconfigure(encoding="utf-8")
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def run() -> NoReturn:
    """The ``kaohe`` console script and ``python -m builder``: :func:`main`, then exit.

    After a build the interpreter would spend 0.15–0.2 s freeing the loaded rounds object
    by object (measured at N = 300, a fifth of a rebuild). So, once the streams are flushed
    and the ``atexit`` functions ran, the process ends at once (``os._exit``), unless a
    thread other than this one still runs: its work would be cut off.
    """
    code = main()
    if threading.active_count() != 1 or not hasattr(atexit, "_run_exitfuncs"):
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)
