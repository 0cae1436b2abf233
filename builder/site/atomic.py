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
import sys
import time
from pathlib import Path

log = logging.getLogger("mkdocs.plugins.kaohe")


class StagingError(Exception):
    """``site/`` cannot be replaced (read-only, not a folder …); the message is for the user."""


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

    def __init__(self, site_dir: str | Path, trash: Path | None = None):
        self.trash = trash  # where the previous site goes (see discard); None: removed at once
        self.final = Path(os.path.realpath(site_dir))
        self.temp = self.final.parent / f".{self.final.name}.kaohe-new-{os.getpid()}"
        self.old = self.final.parent / f".{self.final.name}.kaohe-old-{os.getpid()}"

    def check_writable(self) -> None:
        """Raise :class:`StagingError` (in Chinese) when the build could not replace ``site/``
        (a read-only or immutable folder, a file in its place), before anything is built, so
        that nothing is left behind: a probe file in its parent and in ``site/`` itself, the
        system's ``access`` check for every folder under it."""
        parent = self.final.parent
        if self.final.exists() and not self.final.is_dir():
            raise StagingError(f"{self.final} 不是文件夹，网站无法写到这里。请删除或改名这个文件后重新生成。")
        if parent.exists() and not _can_write(parent):
            raise StagingError(f"没有权限在 {parent} 中写入，网站没有生成。请检查这个文件夹的写入权限。")
        if self.final.is_dir():
            for folder in _folders(self.final):
                if not (_may_write(folder) if folder != self.final else _can_write(folder)):
                    raise StagingError(
                        f"{folder} 是只读的，生成的网站无法替换它（{self.final} 保持原样）。"
                        f"请先恢复写入权限（例如 chmod -R u+w {self.final}）后重新生成。"
                    )

    def begin(self) -> str:
        """Prepare the empty temporary folder; returns it (the ``site_dir`` for MkDocs).
        Raises :class:`StagingError` when it cannot be made."""
        self.sweep()
        shutil.rmtree(self.temp, ignore_errors=True)
        try:
            self.temp.mkdir(parents=True)
        except OSError as exc:
            raise StagingError(
                f"无法在 {self.final.parent} 中生成网站（{exc.strerror}）。请检查这个文件夹的写入权限和剩余空间。"
            ) from None
        return str(self.temp)

    def staging(self, purpose: str = "stage") -> Path:
        """A fresh, empty staging folder next to ``site/`` that :meth:`sweep` removes once its
        process is gone (``.site.kaohe-stage-<pid>``)."""
        path = self.final.parent / f".{self.final.name}.kaohe-{purpose}-{os.getpid()}"
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        return path

    def sweep(self) -> None:
        """Remove what killed builds left next to ``site/`` (every ``.site.kaohe-*-<pid>``
        folder whose process is gone, and this process's own)."""
        pattern = re.compile(rf"^\.{re.escape(self.final.name)}\.kaohe-[a-z]+-(\d+)$")
        try:
            entries = list(self.final.parent.iterdir())
        except OSError:
            return
        for p in entries:
            m = pattern.match(p.name)
            if m and (int(m.group(1)) == os.getpid() or not _alive(int(m.group(1)))):
                _remove(p)

    def commit(self) -> None:
        """Put the finished build in place of ``site/`` and remove the previous one."""
        if not self.final.exists():
            os.rename(self.temp, self.final)
            return
        try:
            if _exchange(self.temp, self.final):
                self.discard(self.temp)  # now the previous site
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
        self.discard(self.old)

    def discard(self, previous: Path) -> None:
        """Away with the previous site: moved into :attr:`trash` when there is one (a rename;
        :func:`empty_trash` removes it while the next build loads its data, on another core),
        else removed now. Removing some 3,000 files costs a rebuild 0.2 s here."""
        if self.trash is not None and not _linked(self.trash):
            try:
                self.trash.mkdir(parents=True, exist_ok=True)
                os.rename(previous, self.trash / f"site-{os.getpid()}-{time.time_ns()}")
                return
            except OSError:  # (another file system: removed now)
                pass
        _remove(previous)

    def abort(self) -> None:
        """Throw the staging folder away; the published site is left as it was."""
        _remove(self.temp)

    def _replace_contents(self) -> None:
        for child in list(self.final.iterdir()):
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
        for child in list(self.temp.iterdir()):
            os.replace(child, self.final / child.name)
        _remove(self.temp)


def _folders(root: Path):
    """``root`` and every folder under it, not following links (os.walk: no stat per file)."""
    for dirpath, _dirnames, _files in os.walk(root):
        yield Path(dirpath)


def _may_write(folder: Path) -> bool:
    """What the system says of writing in ``folder`` (``access``: also false for an immutable or
    read-only-mounted folder, even for root); one call, where a probe file costs two writes.
    On Windows ``access`` does not see a folder's permissions: there the probe file."""
    if os.name == "nt":
        return _can_write(folder)
    if os.access in os.supports_effective_ids:
        return os.access(folder, os.W_OK | os.X_OK, effective_ids=True)
    return os.access(folder, os.W_OK | os.X_OK)


def empty_trash(trash: Path | None):
    """Start removing what :meth:`AtomicSite.discard` put into ``trash``, in a forked copy of
    this process (:func:`builder.forked.start`); returns it (call ``result()`` before the
    process ends), or None when there is nothing to remove or no fork (then it is removed
    now)."""
    from ..forked import start

    if trash is None or _linked(trash):  # a link elsewhere is never followed to delete what it points to
        return None
    try:
        entries = [p for p in trash.iterdir() if _TRASHED.match(p.name) and not p.is_symlink() and p.is_dir()]
    except OSError:
        return None
    if not entries:
        return None
    child = start(_remove_all, entries)
    if child is None:
        _remove_all(entries)
    return child


_TRASHED = re.compile(r"^site-\d+-\d+$")  # what discard() names the sites it moves


def _linked(folder: Path) -> bool:
    """Whether ``folder`` or the folder it is in is a symbolic link."""
    return folder.is_symlink() or folder.parent.is_symlink()


def _remove_all(folders: list[Path]) -> int:
    for folder in folders:
        _remove(folder)
    return len(folders)


def _can_write(folder: Path) -> bool:
    """Whether a file can be made and removed in ``folder`` (also true of root's limits:
    an immutable folder refuses even root)."""
    probe = folder / f".kaohe-probe-{os.getpid()}"
    try:
        fd = os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return True
    except OSError:
        return False
    os.close(fd)
    try:
        os.unlink(probe)
    except OSError:
        return False
    return True


def _remove(path: Path) -> None:
    """Remove a folder of ours, also where it was made read-only; never raises."""

    def retry(func, p, _exc):
        try:
            os.chmod(os.path.dirname(p) or ".", 0o700)
            if os.path.isdir(p) and not os.path.islink(p):
                os.chmod(p, 0o700)
            func(p)
        except OSError:
            pass

    if os.path.lexists(path):
        if sys.version_info >= (3, 12):
            shutil.rmtree(path, onexc=retry)
        else:
            shutil.rmtree(path, onerror=retry)
