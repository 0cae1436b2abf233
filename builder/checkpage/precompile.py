"""Python modules as bytecode for the browser: run inside Pyodide (by ``precompile.mjs``, under Node).

The npm package ships the standard library as ``.py`` sources only, and the checker's zip holds
sources too, so the browser compiled some 260 modules every time the checker page loaded (more
than half of the start-up's CPU). This compiles each module with Pyodide's own CPython (the
bytecode must be of the exact version the browser runs) into a zip of sourceless ``.pyc`` files
that ``zipimport`` loads as they are: the standard library once, at install time; the checker's
zip at build time (:func:`builder.checkpage.bundle.compiled_zip`, kept in the build cache).
Sorted entries, fixed dates: the same input gives the same zip.
"""

from __future__ import annotations

import importlib.util
import marshal
import zipfile

_DATE = (1980, 1, 1, 0, 0, 0)


def _pyc(code) -> bytes:
    """A sourceless ``.pyc`` (PEP 552 header: magic, flags 0, mtime 0, size 0, then the code)."""
    return importlib.util.MAGIC_NUMBER + bytes(12) + marshal.dumps(code)


def precompile(src: str, out: str) -> int:
    """Write ``out``: ``src`` with every ``.py`` compiled to ``.pyc``; returns how many."""
    n = 0
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in sorted(zin.infolist(), key=lambda i: i.filename):
            if info.is_dir():
                continue
            name, data = info.filename, zin.read(info.filename)
            if name.endswith(".py"):
                try:
                    code = compile(data, name, "exec", dont_inherit=True)
                except SyntaxError:  # kept as source: zipimport compiles it if it is ever imported
                    pass
                else:
                    name, data, n = name + "c", _pyc(code), n + 1
            entry = zipfile.ZipInfo(name, _DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            zout.writestr(entry, data, compresslevel=9)
    return n
