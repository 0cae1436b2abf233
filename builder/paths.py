"""The one path rule: every file the build reads for a round lies inside the project.

Symlinks are resolved first, so a link inside ``content/`` that points at ``/etc/passwd``
or at a file of another project is refused, with the link target named in the message.
Loaders, the site and the PDF renderer call :func:`check_inside` before they read a file
the user named or a folder they walk.
"""

from __future__ import annotations

import os
from pathlib import Path

from .diagnostics import ERROR, Diagnostic

RULE = "path-outside"


def resolve_inside(root: Path, path: Path) -> Path | None:
    """``path`` with every symlink resolved, or None when that lies outside ``root``.

    ``root`` is resolved too. A path that does not exist resolves as far as it can; the
    caller reports a missing file in its own words.
    """
    real_root = Path(os.path.realpath(root))
    real = Path(os.path.realpath(path))
    return real if real == real_root or real.is_relative_to(real_root) else None


def check_inside(root: Path, path: Path, display: str) -> Diagnostic | None:
    """None when ``path`` (symlinks resolved) is inside ``root``; else a located error.

    The message names the file as the user sees it and where it really points, and says
    what to do: copy the file into the project instead of linking to it.
    """
    if resolve_inside(root, path) is not None:
        return None
    target = os.path.realpath(path)
    how = "是一个指向项目以外的链接" if os.path.islink(path) or _has_link(root, path) else "位于项目文件夹以外"
    return Diagnostic(
        display,
        1,
        1,
        ERROR,
        RULE,
        f"这个文件{how}（实际位置：{target}）。为防止项目以外的文件被发布，kaohe 只读取项目文件夹"
        f"（{os.path.realpath(root)}）里的文件。请把文件复制到项目里，不要用链接。",
        source_line="",
    )  # never print a line of the outside file


def _has_link(root: Path, path: Path) -> bool:
    p = Path(os.path.abspath(path))
    for part in (p, *p.parents):
        if part.is_symlink():
            return True
        if part == Path(os.path.abspath(root)):
            break
    return False
