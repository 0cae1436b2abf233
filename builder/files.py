"""Writing files that are never seen half-written, and hashing files: one way for all of kaohe.

* :func:`write_atomic` — one file, through a temporary file in the same folder and a rename;
* :class:`StagedFiles` — many files written as they are made (nothing is held in memory)
  and put in place together at the end, or not at all (the PDFs of a build);
* :func:`sha256`, :func:`file_sha256`, :func:`file_digest` — the SHA-256 every cache key,
  audit record and record of inputs uses.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import shutil
import tempfile
from pathlib import Path

_serial = itertools.count()


def _temp_name(path: Path) -> str:
    """A name ``.<name>.<pid>-<n>.tmp`` beside ``path``, not used before by this process.
    (tempfile.mkstemp's random names cost more than the write of a small cache record.)"""
    return os.path.join(path.parent, f".{path.name}.{os.getpid()}-{next(_serial)}.tmp")


def _temp_beside(path: Path) -> tuple[int, str]:
    """A new file beside ``path`` (:func:`_temp_name`; the folder made when missing), opened
    for writing."""
    for _ in range(100):
        tmp = _temp_name(path)
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644), tmp
        except FileExistsError:
            continue
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + path.name + ".", suffix=".tmp", dir=path.parent)
    os.fchmod(fd, 0o644 & ~_umask())  # as an ordinary file (mkstemp makes it private)
    return fd, tmp


def _umask() -> int:
    old = os.umask(0o22)
    os.umask(old)
    return old


def _filled_temp(path: Path, fill) -> str:
    """A temporary file beside ``path`` that ``fill(file)`` has written; removed again when
    ``fill`` fails (the exception propagates)."""
    fd, tmp = _temp_beside(path)
    try:
        with os.fdopen(fd, "wb") as f:
            fill(f)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def write_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename.

    A reader sees the old file or the whole new one, never a part. ``durable``: fsync
    before the rename (an audit record, a reply form); the build cache, which can always
    be made again, skips it. On any error the temporary file is removed and the exception
    propagates.
    """
    path = Path(path)

    def fill(f) -> None:
        f.write(data)
        if durable:
            f.flush()
            os.fsync(f.fileno())

    tmp = _filled_temp(path, fill)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class StagedFiles:
    """Files written now under temporary names beside their places, renamed into place by
    :meth:`commit` — or all removed by :meth:`abort` (also on leaving a ``with`` block by an
    exception), so that a failed run leaves every earlier file as it was and no file's
    bytes have to be kept in memory until the end."""

    def __init__(self) -> None:
        self._staged: dict[Path, str] = {}  # final path → temporary file
        self._made: set[Path] = set()  # folders link() made or found

    def write(self, path: Path, data: bytes) -> None:
        """Stage ``data`` as the next content of ``path`` (the last write of a path counts)."""
        path = Path(path)
        self._replace(path, _filled_temp(path, lambda f: f.write(data)))

    def copy(self, src: Path, path: Path) -> None:
        """Stage a copy of the file ``src`` as the next content of ``path``."""
        path = Path(path)

        def fill(f) -> None:
            with open(src, "rb") as s:
                shutil.copyfileobj(s, f)

        self._replace(path, _filled_temp(path, fill))

    def link(self, src: Path, path: Path) -> None:
        """Stage ``src`` as the next content of ``path`` by a hard link (no bytes copied: a
        rebuild puts hundreds of unchanged PDFs from the build cache into the new site), or
        a copy where a link cannot be made (another file system). ``src`` must never be
        written to in place; the build cache replaces its files, it never rewrites them."""
        path = Path(path)
        if path.parent not in self._made:  # (a rebuild links hundreds of PDFs into a few folders each)
            path.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(path.parent)
        for _ in range(100):
            tmp = _temp_name(path)
            try:
                os.link(src, tmp)
            except FileExistsError:
                continue
            except OSError:
                break
            self._replace(path, tmp)
            return
        self.copy(src, path)

    def _replace(self, path: Path, tmp: str) -> None:
        old = self._staged.pop(path, None)
        if old is not None:
            with contextlib.suppress(OSError):
                os.unlink(old)
        self._staged[path] = tmp

    def commit(self) -> list[Path]:
        """Rename every staged file into place; returns the paths, in the order staged."""
        done = []
        for path, tmp in list(self._staged.items()):
            os.replace(tmp, path)
            del self._staged[path]
            done.append(path)
        return done

    def abort(self) -> None:
        """Remove every staged file that was not committed."""
        for tmp in self._staged.values():
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        self._staged.clear()

    def __enter__(self) -> StagedFiles:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.abort()


def sha256(data: bytes | str) -> str:
    """The SHA-256 hex digest of ``data`` (a str is hashed as its UTF-8 bytes)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    """The SHA-256 hex digest of a file's bytes; OSError when it cannot be read."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def file_digest(path: Path) -> str:
    """:func:`file_sha256`, or ``"missing"`` when there is no such file (a cache key part)."""
    try:
        return file_sha256(path)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return "missing"


_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def pack_files(files: dict[str, bytes]) -> bytes:
    """``{name: bytes}`` as one uncompressed zip (same files, same bytes: fixed dates), for a
    cache record that stands for many files; :func:`unpack_files` reads it back."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for name, data in files.items():
            z.writestr(zipfile.ZipInfo(name, _ZIP_DATE), data)
    return out.getvalue()


def unpack_files(data: bytes) -> dict[str, bytes]:
    """The ``{name: bytes}`` that :func:`pack_files` packed, in their order."""
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {info.filename: z.read(info) for info in z.infolist()}


class Reuse:
    """The files of a folder's previous version (``site/`` as the last build left it), which
    :func:`write_new` links into the folder being made (``staging``) instead of writing
    them again where the bytes are the same: a rebuild of the site after one report
    changed writes a few files, not 3,000 (whose creation, write-back and later removal
    cost it about half a second of system time here).

    The bytes are compared in full, so a linked file is the file the build would have
    written. Only regular files are reused, never through a link (a symbolic link, or a
    folder that is one, inside ``site/`` is ignored), and only files of this user (on
    POSIX): a file shared by a link has the owner and permissions of the original. The
    staging folder's files are never written in place (each is written anew, or renamed
    over, see :class:`StagedFiles`), so a link never changes the old site.
    """

    def __init__(self, previous: Path, staging: Path):
        self.previous, self.staging = Path(previous), Path(staging)
        self._files: dict[str, int] | None = None  # relative path → size, of the regular files

    def files(self) -> dict[str, int]:
        """Every regular file of the previous site (relative POSIX path → size); read once."""
        if self._files is None:
            self._files = {}
            uid = os.getuid() if hasattr(os, "getuid") else None
            try:
                same_fs = os.stat(self.previous).st_dev == os.stat(self.staging).st_dev
            except OSError:
                same_fs = False
            if same_fs:  # (else no link can be made: nothing to reuse)
                self._walk(self.previous, "", uid)
        return self._files

    def _walk(self, folder: Path, prefix: str, uid: int | None) -> None:
        assert self._files is not None
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return
        for e in entries:
            try:
                if e.is_dir(follow_symlinks=False):
                    self._walk(Path(e.path), f"{prefix}{e.name}/", uid)
                elif e.is_file(follow_symlinks=False):
                    st = e.stat(follow_symlinks=False)
                    if uid is None or st.st_uid == uid:
                        self._files[prefix + e.name] = st.st_size
            except OSError:
                continue

    def link(self, path: Path, data: bytes) -> bool:
        """Link the previous site's file at ``path``'s place (``path`` under the staging
        folder, not there yet) when it holds exactly ``data``; True when done."""
        try:
            rel = path.relative_to(self.staging).as_posix()
        except ValueError:
            return False
        if self.files().get(rel) != len(data):
            return False
        old = self.previous / rel
        try:
            fd = os.open(old, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return False
        with os.fdopen(fd, "rb") as f:
            try:
                if f.read(len(data) + 1) != data:
                    return False
                os.link(old, path, follow_symlinks=False)
            except OSError:
                return False
            try:  # (the file compared is the file linked, not one put at its name meanwhile)
                if os.lstat(path).st_ino == os.fstat(f.fileno()).st_ino:
                    return True
            except OSError:
                pass
        with contextlib.suppress(OSError):
            os.unlink(path)
        return False


_REUSE: list[Reuse] = []  # within reusing(): the previous version of the folder being written
_MADE: set[Path] = set()  # within reusing(): the folders write_new made or found


@contextlib.contextmanager
def reusing(previous: Path | None, staging: Path):
    """Within the block, :func:`write_new` into ``staging`` links the files of ``previous``
    that hold the same bytes (:class:`Reuse`); ``previous`` None or missing: it writes all.
    Forked copies of this process started within the block do the same."""
    _REUSE.clear()
    _MADE.clear()
    if previous is not None and Path(previous).is_dir():
        _REUSE.append(Reuse(Path(previous), Path(staging)))
        _REUSE[0].files()  # (read now, before any fork: every copy has it)
    try:
        yield
    finally:
        _REUSE.clear()
        _MADE.clear()


def write_new(path: Path, data: bytes) -> None:
    """Write ``data`` as the new file ``path`` (its folders are made), or, within
    :func:`reusing`, link the previous version's file there when it holds the same bytes.
    ``path`` must not exist yet: this is for folders made afresh (a site being generated)."""
    parent = path.parent
    if parent not in _MADE:
        parent.mkdir(parents=True, exist_ok=True)
        if _REUSE:
            _MADE.add(parent)
    if _REUSE and _REUSE[0].link(path, data):
        return
    path.write_bytes(data)
