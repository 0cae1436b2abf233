"""Importing WeasyPrint, 0.4–0.5 s sooner.

WeasyPrint opens Pango, HarfBuzz, fontconfig and GLib by trying several names for each
(``libgobject-2.0-0``, ``gobject-2.0-0``, …, ``libgobject-2.0.so.0``). cffi passes every name
that does not open to :func:`ctypes.util.find_library`, which on Linux runs ``ldconfig -p``
(and may run gcc): about 20 runs of 20–40 ms before the name that opens directly. During
the import, that search answers "not found" at once; where the libraries open only through
it (a system where no name WeasyPrint tries opens directly), the import is made again with
the real search.
"""

from __future__ import annotations

import sys


def load() -> None:
    """Import WeasyPrint (once per process; later imports find it loaded)."""
    if "weasyprint" in sys.modules:
        return
    import ctypes.util

    real = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        import weasyprint  # noqa: F401
    except OSError:
        for name in [m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")]:
            del sys.modules[name]
        ctypes.util.find_library = real
        import weasyprint  # noqa: F401
    finally:
        ctypes.util.find_library = real
