"""Importing WeasyPrint, 0.4–0.5 s sooner.

WeasyPrint opens Pango, HarfBuzz, fontconfig and GLib by trying several names for each
(``libgobject-2.0-0``, ``gobject-2.0-0``, …, ``libgobject-2.0.so.0``). cffi passes every name
that does not open to :func:`ctypes.util.find_library`, which on Linux runs ``ldconfig -p``
(and may run gcc): about 20 runs of 20–40 ms before the name that opens directly. During
the import, that search answers "not found" at once; where the libraries open only through
it (a system where no name WeasyPrint tries opens directly), the import is made again with
the real search.

It also keeps cffi from parsing a C type for every array WeasyPrint allocates while it writes
a PDF (``ffi.new(f"hb_codepoint_t[{n}]", ...)``, some 30 ms of every document): a type
``T[N]`` is made from the cached ``T *`` as cffi itself makes it, put in cffi's own cache, and
checked at start-up to be the very type cffi's parser gives (else nothing is changed).
"""

from __future__ import annotations

import re
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
    _fast_array_types()
    _keep_libraries_loaded()


def _keep_libraries_loaded() -> None:
    """Keep the C libraries WeasyPrint opened loaded until the process ends.

    When Python finalises, it frees cffi's library objects, and each one ``dlclose()``s its
    library: Pango, fontconfig and HarfBuzz are unmapped while a thread of theirs may still
    run (Pango initialises fontconfig in a thread of its own). That thread then jumps into
    unmapped memory, and the finished process dies with SIGSEGV. This was seen once: a
    ``kaohe pdf`` exited with −11 after writing its PDFs, and the kernel logged an instruction
    fetch at an unmapped address on a thread's stack. One reference more on each library
    object (never released) keeps them mapped until the process exits.
    """
    import ctypes

    try:
        from weasyprint.text import ffi as libraries
    except ImportError:
        return
    for value in list(vars(libraries).values()):
        if type(value).__name__.startswith("FFILibrary"):  # (cffi names the class after its library)
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(value))


_ARRAY = re.compile(r"^([A-Za-z_]\w*)\[(\d+)\]$")


def _fast_array_types() -> None:
    try:
        import cffi.api as api
        from weasyprint.text.ffi import ffi
    except ImportError:
        return
    parse = api.FFI._typeof
    if getattr(parse, "kaohe", False):
        return

    def typeof(self, cdecl, consider_function_as_funcptr=False):
        if isinstance(cdecl, str) and cdecl not in self._parsed_types:
            m = _ARRAY.match(cdecl)
            if m:
                btype = self._backend.new_array_type(parse(self, m[1] + " *"), int(m[2]))
                self._parsed_types[cdecl] = (btype, False)
                return btype
        return parse(self, cdecl, consider_function_as_funcptr)

    typeof.kaohe = True  # type: ignore[attr-defined]
    try:  # the very type object cffi's parser makes, or cffi is left as it is
        same = parse(ffi, "hb_codepoint_t[17]") is ffi._backend.new_array_type(parse(ffi, "hb_codepoint_t *"), 17)
    except Exception:
        same = False
    if same:
        api.FFI._typeof = typeof
