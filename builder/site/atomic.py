"""All or nothing: the site is built into a temporary folder that replaces ``site/`` at the end.

MkDocs empties ``site_dir`` at the start of a build and writes into it page by page; a
build that fails, is interrupted (Ctrl-C) or killed half-way would leave a half-written
site. The plugin therefore points MkDocs at a sibling folder (``.site.kaohe-new-<pid>``,
on the same file system, so that the final step is a rename) and, when the build has
finished without an error, exchanges it with ``site/``:

* on Linux with one ``renameat2(RENAME_EXCHANGE)`` call — ``site/`` is never missing, not
  even for a moment; elsewhere ``site → .site.kaohe-old-<pid>``, ``new → site`` (a window
  of microseconds);
* then the old folder is removed.

On an error the temporary folder is removed and ``site/`` is untouched. A folder left by
a killed build is removed by the next build (only if the process that made it is gone).
A ``site_dir`` that cannot be renamed (a mount point, a folder in use) is updated in
place instead, with a warning.
"""

from __future__ import annotations

import ctypes
import errno
import logging
import os
import re
import shutil
from pathlib import Path

log = logging.getLogger("mkdocs.plugins.kaohe")

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False when not supported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EPERM):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class AtomicSite:
    """The temporary folder of one build and how it replaces the final one."""

    def __init__(self, site_dir: str | Path):
        self.final = Path(os.path.realpath(site_dir))
        self.temp = self.final.parent / f".{self.final.name}.kaohe-new-{os.getpid()}"
        self.old = self.final.parent / f".{self.final.name}.kaohe-old-{os.getpid()}"

    def begin(self) -> str:
        """Prepare the empty temporary folder; returns it (the ``site_dir`` for MkDocs)."""
        self.sweep()
        shutil.rmtree(self.temp, ignore_errors=True)
        self.temp.mkdir(parents=True)
        return str(self.temp)

    def sweep(self) -> None:
        """Remove what killed builds left next to ``site/``."""
        pattern = re.compile(rf"^\.{re.escape(self.final.name)}\.kaohe-(?:new|old)-(\d+)$")
        try:
            entries = list(self.final.parent.iterdir())
        except OSError:
            return
        for p in entries:
            m = pattern.match(p.name)
            if m and (int(m.group(1)) == os.getpid() or not _alive(int(m.group(1)))):
                shutil.rmtree(p, ignore_errors=True)

    def commit(self) -> None:
        """Put the finished build in place of ``site/`` and remove the previous one."""
        if not self.final.exists():
            os.rename(self.temp, self.final)
            return
        try:
            if _exchange(self.temp, self.final):
                shutil.rmtree(self.temp, ignore_errors=True)  # now the previous site
                return
            os.rename(self.final, self.old)
        except OSError as exc:
            log.warning(f"无法整体替换 {self.final}（{exc.strerror}），改为逐个文件更新。")
            self._replace_contents()
            return
        try:
            os.rename(self.temp, self.final)
        except OSError:
            os.rename(self.old, self.final)  # put the previous site back
            raise
        shutil.rmtree(self.old, ignore_errors=True)

    def abort(self) -> None:
        shutil.rmtree(self.temp, ignore_errors=True)

    def _replace_contents(self) -> None:
        for child in list(self.final.iterdir()):
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
        for child in list(self.temp.iterdir()):
            os.replace(child, self.final / child.name)
        shutil.rmtree(self.temp, ignore_errors=True)
