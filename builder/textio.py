"""Reading a user's text file: UTF-8 (with or without BOM), GB18030/GBK with a warning; never raises.

Used for reports, feedback, YAML and CSV alike, by every loader, the site and the PDFs, so
that a file that checks also builds. With ``root`` it also applies the one path rule
(:mod:`builder.paths`): a file whose real location (symlinks resolved) is outside ``root``
is refused before a byte of it is read. Size and line-length budgets
(:mod:`builder.limits`) are checked before decoding. Kept free of heavy imports:
``kaohe check`` reads reports through it without loading the YAML library.
"""

from __future__ import annotations

from pathlib import Path

from .diagnostics import ERROR, WARNING, Diagnostic
from .limits import MARKDOWN_MAX_BYTES, TEXT_MAX_BYTES, TEXT_MAX_LINE

MARKDOWN_SUFFIXES = (".md", ".markdown")

RESAVE = "请用记事本或 WPS 打开，选择“另存为”，编码选“UTF-8”后保存。"


def check_file(path: Path, display: str, diags: list[Diagnostic], root: Path | None = None) -> bool:
    """True when ``path`` may be read: it is inside ``root`` (when given), exists and is a file.

    Otherwise an error diagnostic is appended (the link target named for a path outside
    the project) and False returned. Used by :func:`read_text` and by readers of binary
    files (XLSX) so that the rule lives in one place.
    """
    if root is not None:
        from .paths import check_inside

        outside = check_inside(root, path, display)
        if outside is not None:
            diags.append(outside)
            return False
    if path.is_dir():
        diags.append(
            Diagnostic(display, 1, 1, ERROR, "io-unreadable", "这是一个文件夹，不是文件。请写出文件的完整路径。")
        )
        return False
    if not path.exists():
        diags.append(Diagnostic(display, 1, 1, ERROR, "io-unreadable", "找不到这个文件。请检查文件名和路径是否写对。"))
        return False
    if not path.is_file():
        diags.append(
            Diagnostic(
                display, 1, 1, ERROR, "io-unreadable", "这不是普通文件（可能是设备或管道）。请换成普通的文本文件。"
            )
        )
        return False
    return True


def read_bytes(path: Path, display: str, diags: list[Diagnostic], limit=TEXT_MAX_BYTES) -> bytes | None:
    """The bytes of a checked file, at most ``limit.value`` of them; None (with an error) otherwise."""
    try:
        size = path.stat().st_size
        if size > limit.value:
            diags.append(
                Diagnostic(
                    display,
                    1,
                    1,
                    ERROR,
                    "io-too-large",
                    f"文件太大（{size / 1024 / 1024:.1f} MB），超过上限：{limit.label}。"
                    "请检查是否放错了文件；确实需要时请拆分成几个文件。",
                )
            )
            return None
        with open(path, "rb") as fh:
            raw = fh.read(limit.value + 1)
    except OSError as exc:
        diags.append(
            Diagnostic(
                display,
                1,
                1,
                ERROR,
                "io-unreadable",
                f"无法读取这个文件（{exc.strerror or exc}）。请检查文件是否被其他程序占用，以及读取权限。",
            )
        )
        return None
    if len(raw) > limit.value:  # grew while we looked, or a special file
        diags.append(Diagnostic(display, 1, 1, ERROR, "io-too-large", f"文件太大，超过上限：{limit.label}。"))
        return None
    return raw


def read_text(path: Path, display: str, diags: list[Diagnostic], root: Path | None = None) -> str | None:
    """The text of a file with newlines normalised, or None (with an error diagnostic).

    ``root``: the project folder; the file must really lie inside it (see
    :func:`check_file`). None only for a file the user named on the command line.
    """
    if not check_file(path, display, diags, root):
        return None
    # Markdown is parsed for pages and PDFs, which costs far more per byte than a score sheet
    limit = MARKDOWN_MAX_BYTES if path.suffix.lower() in MARKDOWN_SUFFIXES else TEXT_MAX_BYTES
    raw = read_bytes(path, display, diags, limit)
    if raw is None:
        return None
    return decode_text(raw, display, diags)


def decode_text(raw: bytes, display: str, diags: list[Diagnostic]) -> str | None:
    """Decode as :func:`read_text` does (UTF-8, else GB18030 with a warning) and check line lengths."""
    if b"\x00" in raw[:4096]:
        diags.append(
            Diagnostic(
                display,
                1,
                1,
                ERROR,
                "io-binary",
                "这不是文本文件（可能是 Word、WPS、Excel 或图片文件）。"
                "请把内容保存为 UTF-8 编码的文本文件（报告用 .md）。",
            )
        )
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            diags.append(Diagnostic(display, 1, 1, ERROR, "io-encoding", "文件的编码无法识别。" + RESAVE))
            return None
        diags.append(
            Diagnostic(
                display,
                1,
                1,
                WARNING,
                "io-gbk",
                "文件是 GBK/GB18030 编码（记事本的“ANSI”），已按此编码读取。建议改存为 UTF-8：" + RESAVE,
            )
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > TEXT_MAX_LINE.value:
        for lineno, line in enumerate(text.split("\n"), start=1):
            if len(line) > TEXT_MAX_LINE.value:
                diags.append(
                    Diagnostic(
                        display,
                        lineno,
                        1,
                        ERROR,
                        "io-line-too-long",
                        f"第 {lineno} 行有 {len(line)} 个字符，超过上限：{TEXT_MAX_LINE.label}。"
                        "请在段落之间换行；如果这是表格，请检查是否放错了文件。",
                        source_line="",
                    )
                )
                return None
    return text
