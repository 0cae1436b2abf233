"""Reading a user's text file: UTF-8 (with or without BOM), GB18030/GBK with a warning; never raises.

Used for reports, YAML and CSV alike. Kept free of heavy imports: ``kaohe check`` reads
reports through it without loading the YAML library.
"""

from __future__ import annotations

from pathlib import Path

from .diagnostics import ERROR, WARNING, Diagnostic

RESAVE = "请用记事本或 WPS 打开，选择“另存为”，编码选“UTF-8”后保存。"


def read_text(path: Path, display: str, diags: list[Diagnostic]) -> str | None:
    """The text of a file with newlines normalised, or None (with an error diagnostic)."""
    if not path.exists():
        diags.append(Diagnostic(display, 1, 1, ERROR, "io-unreadable", "找不到这个文件。请检查文件名和路径是否写对。"))
        return None
    if path.is_dir():
        diags.append(Diagnostic(display, 1, 1, ERROR, "io-unreadable",
                                "这是一个文件夹，不是文件。请写出文件的完整路径。"))
        return None
    try:
        raw = path.read_bytes()
    except OSError as exc:
        diags.append(Diagnostic(display, 1, 1, ERROR, "io-unreadable",
                                f"无法读取这个文件（{exc.strerror or exc}）。请检查文件是否被其他程序占用，以及读取权限。"))
        return None
    if b"\x00" in raw[:4096]:
        diags.append(Diagnostic(display, 1, 1, ERROR, "io-binary",
                                "这不是文本文件（可能是 Word、WPS、Excel 或图片文件）。请把内容保存为 UTF-8 编码的文本文件（报告用 .md）。"))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            diags.append(Diagnostic(display, 1, 1, ERROR, "io-encoding", "文件的编码无法识别。" + RESAVE))
            return None
        diags.append(Diagnostic(display, 1, 1, WARNING, "io-gbk",
                                "文件是 GBK/GB18030 编码（记事本的“ANSI”），已按此编码读取。建议改存为 UTF-8：" + RESAVE))
    return text.replace("\r\n", "\n").replace("\r", "\n")
