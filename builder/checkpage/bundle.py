"""The Python that the checker page runs in the browser, packed into one zip file.

The zip holds the checker's own source (the same files ``kaohe check`` runs) and the pure-Python
libraries it imports, taken from the environment kaohe is installed in: the browser runs
exactly the versions the command line runs, with no second list of pins and no download at
build time. Pyodide unpacks the zip into its file system and imports from it.

Which files: :data:`SOURCES` (paths under the package folder; a folder means its ``*.py``
files, recursively) and :data:`DISTRIBUTIONS` (installed distributions: their import
packages and their ``.dist-info`` metadata and licences). A source that does not exist is
skipped, so the list may name a reader before it is merged. The zip is byte-identical for
the same files (sorted names, fixed dates and modes).
"""

from __future__ import annotations

import atexit
import importlib.metadata as md
import io
import shutil
import subprocess
import tempfile
import zipfile
import zlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # builder/

# The checker and what it imports on its warm path (see tests/test_checkpage.py, which runs
# the packed zip with nothing else on sys.path).
SOURCES = (
    "__init__.py",
    "diagnostics.py",
    "textio.py",
    "limits.py",  # textio's size and line limits
    "paths.py",  # the one path rule (textio checks it when given a root)
    "markdown.py",
    "buildcache.py",  # imported by the check cache (not used with the page's facts)
    "files.py",  # the build cache's writer and hashes
    "env.py",
    "_vendor",  # vendored pure-Python libraries (builder/_vendor/), when present
    "checker",
    "word/__init__.py",
    "word/read*.py",  # the .docx reader (builder/word/), when present
    "checkpage/__init__.py",
    "checkpage/browser.py",
)
# Pure-Python libraries the checker imports (markdown-it-py needs mdurl). PyYAML's pure-Python
# part (its C extension is left out; PyYAML falls back on its own) reads only the rare front
# matter that is not plain "key: value" lines, as on the command line; the round facts never
# need it (they come as JSON, see builder.checker.cache.Facts).
DISTRIBUTIONS = ("markdown-it-py", "mdurl", "mdit-py-cjk-friendly", "defusedxml", "pyyaml")
_NATIVE = (".so", ".pyd", ".dylib", ".pyc")

_DATE = (1980, 1, 1, 0, 0, 0)
_SKIP_META = {"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"}


def source_files() -> list[tuple[str, Path]]:
    """(name in the zip, file) for every source of :data:`SOURCES` that exists."""
    out: dict[str, Path] = {}
    for pattern in SOURCES:
        matches = [PACKAGE / pattern] if "*" not in pattern else sorted(PACKAGE.glob(pattern))
        for m in matches:
            files = sorted(m.rglob("*.py")) if m.is_dir() else ([m] if m.is_file() else [])
            for f in files:
                if "__pycache__" not in f.parts:
                    out["builder/" + f.relative_to(PACKAGE).as_posix()] = f
    return sorted(out.items())


def distribution_files(name: str) -> list[tuple[str, Path]]:
    """(name in the zip, file) of an installed distribution; [] when it is not installed."""
    try:
        dist = md.distribution(name)
    except md.PackageNotFoundError:
        return []
    out = []
    for rel in dist.files or ():
        parts = Path(rel).parts
        if not parts or parts[0] in ("..", "bin") or "__pycache__" in parts or rel.suffix in _NATIVE:
            continue
        if parts[0].endswith(".dist-info") and parts[-1] in _SKIP_META:
            continue
        path = Path(str(dist.locate_file(rel)))
        if path.is_file():
            out.append((Path(rel).as_posix(), path))
    return sorted(out)


def bundle_files() -> list[tuple[str, Path]]:
    """(name in the zip, file) of everything the browser checker needs: the checker's own
    sources and the installed distributions it imports, sorted by name, each name once."""
    files = source_files()
    for name in DISTRIBUTIONS:
        files += distribution_files(name)
    return sorted(dict(files).items())


_ZIPS: dict[tuple, bytes] = {}  # build_zip's result by its files' names, sizes and times


def build_zip(cache=None) -> bytes:
    """The zip of :func:`bundle_files` (deterministic bytes); made once per process while the
    files keep their sizes and modification times, and kept in the build ``cache`` (when
    given) by the files' names and bytes: compressing it took 40–60 ms of every build."""
    from ..buildcache import Hasher, cached_bytes

    files = bundle_files()
    stamp = tuple((name, path.stat().st_size, path.stat().st_mtime_ns) for name, path in files)
    if stamp not in _ZIPS:
        _ZIPS.clear()
        contents = [(name, path.read_bytes()) for name, path in files]
        # (zlib's version: another one may compress the same files to other bytes)
        key = Hasher(
            "checker-zip", zlib.ZLIB_RUNTIME_VERSION, _DATE, *(p for item in contents for p in item)
        ).hexdigest()
        _ZIPS[stamp] = cached_bytes(cache, "checker-zip", key, lambda: _zip(contents))
    return _ZIPS[stamp]


def _zip(contents: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in contents:
            info = zipfile.ZipInfo(name, _DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data, compresslevel=9)
    return buf.getvalue()


def _compile_key(data: bytes) -> tuple[str, Path, str] | None:
    """(node, precompile.mjs, cache key) for compiling ``data``; None without Node or Pyodide."""
    from ..buildcache import Hasher, sha256
    from .write import HERE, pinned_version, runtime_problem

    node = shutil.which("node")
    if node is None or runtime_problem() is not None:
        return None
    script = HERE / "precompile.mjs"
    key = Hasher(
        "checkpage-pyc",
        pinned_version(),
        sha256(script.read_bytes()),
        sha256((HERE / "precompile.py").read_bytes()),
        sha256(data),
    ).hexdigest()
    return node, script, key


class _Compilation:
    """``precompile.mjs`` running under Node on ``data`` in a temporary folder (no thread: the
    process runs on another core while the build goes on)."""

    def __init__(self, node: str, script: Path, data: bytes):
        self.tmp = Path(tempfile.mkdtemp(prefix="kaohe-pyc-"))
        (self.tmp / "in.zip").write_bytes(data)
        try:
            self.proc: subprocess.Popen | None = subprocess.Popen(
                [node, str(script), str(self.tmp / "in.zip"), str(self.tmp / "out.zip")],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            self.proc = None

    def result(self, timeout: float = 300) -> bytes | None:
        """The compiled zip, or None when the compiler failed or took longer than ``timeout`` s."""
        try:
            if self.proc is None or self.proc.wait(timeout) != 0:
                return None
            return (self.tmp / "out.zip").read_bytes()
        except (OSError, subprocess.TimeoutExpired):
            return None
        finally:
            self.close()

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)


# Compilations started ahead of need (see start_compiled_zip), by cache key.
_STARTED: dict[str, _Compilation] = {}


@atexit.register
def _stop_started() -> None:
    while _STARTED:
        _STARTED.popitem()[1].close()


def start_compiled_zip(cache=None) -> None:
    """Start compiling the zip of :func:`build_zip` in the background when the build cache does
    not hold it yet, so that Node runs on another core while the build goes on;
    :func:`compiled_zip` then waits for it (a compilation nobody asked for is stopped when
    the process ends). Does nothing without Node or Pyodide."""
    data = build_zip(cache)
    found = _compile_key(data)
    if found is None:
        return
    node, script, key = found
    if key in _STARTED or any(store is not None and store.get("checkpage-pyc", key) for store in (cache, _installed())):
        return
    _STARTED[key] = _Compilation(node, script, data)


def compiled_zip(data: bytes, cache=None) -> bytes:
    """``data`` (a zip from :func:`build_zip`) with its modules compiled to bytecode by Pyodide's
    Python (``precompile.mjs`` under Node), from the build cache when it was compiled before
    (or from the compilation :func:`start_compiled_zip` started); ``data`` itself when Node or
    Pyodide is missing or the compiler fails (the page then compiles the sources in the
    browser: slower, the same findings).

    A compiled zip is kept with the installation too (:func:`_installed`): it is made from
    kaohe's own code and Pyodide, nothing of a project's, so a new project (or one whose
    cache was deleted) does not compile it again."""
    from ..buildcache import cached_bytes

    found = _compile_key(data)
    if found is None:
        return data
    node, script, key = found

    def compile_now() -> bytes | None:
        started = _STARTED.pop(key, None) or _Compilation(node, script, data)
        return started.result()

    def make() -> bytes | None:
        installed = _installed()
        if installed is None:
            return compile_now()
        made = cached_bytes(installed, "checkpage-pyc", key, compile_now)
        installed.prune(INSTALLED_MAX_BYTES)
        return made

    return cached_bytes(cache, "checkpage-pyc", key, make) or data


INSTALLED_MAX_BYTES = 4 * 640 * 1024  # about four compiled versions of the code (~0.5 MB each)


def _installed():
    """The build cache kept with the installation for the compiled checker, beside the compiled
    standard library (``node_modules/.kaohe/checker/``); None when that folder is a link. Its
    entries are checked as every build cache's are; a read-only installation keeps nothing."""
    from ..buildcache import BuildCache
    from .write import pyodide_dir

    folder = pyodide_dir().parent / ".kaohe" / "checker"
    return None if folder.is_symlink() else BuildCache(folder, enabled=True)
