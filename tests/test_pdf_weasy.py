"""builder/pdf/weasy.py: WeasyPrint imported with the library search short-cut, and again
with the real search when the short-cut does not open the libraries."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run(code: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env, timeout=120
    )


def test_weasyprint_loads_and_the_library_search_is_given_back():
    p = run(
        """
        import ctypes.util
        real = ctypes.util.find_library
        from builder.pdf.weasy import load
        load()
        import weasyprint
        pdf = weasyprint.HTML(string="<p>质量</p>").write_pdf()
        print(ctypes.util.find_library is real, pdf[:5].decode())
        """
    )
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == ["True", "%PDF-"]


def test_when_the_short_cut_fails_the_import_is_made_again():
    p = run(
        """
        import ctypes.util, sys
        real = ctypes.util.find_library
        seen = []

        class FailOnce:  # the first import of WeasyPrint's library loader fails, as without the search
            def find_spec(self, name, path=None, target=None):
                if name == "weasyprint.text.ffi" and not seen:
                    seen.append(ctypes.util.find_library is real)
                    raise OSError("cannot load library 'gobject-2.0-0'")
                return None

        sys.meta_path.insert(0, FailOnce())
        from builder.pdf.weasy import load
        load()
        import weasyprint
        print(seen, ctypes.util.find_library is real, bool(weasyprint.HTML(string="<p>x</p>").write_pdf()))
        """
    )
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == ["[False]", "True", "True"]


def test_array_types_are_cffis_own():
    p = run(
        """
        from builder.pdf.weasy import load
        load()
        import cffi.api
        from weasyprint.text.ffi import ffi
        print(getattr(cffi.api.FFI._typeof, "kaohe", False))
        for n in (1, 5, 1234):
            t = ffi.typeof(f"hb_codepoint_t[{n}]")
            assert t is ffi.typeof(f"hb_codepoint_t[{n}]") and t.length == n and t.item is ffi.typeof("hb_codepoint_t")
            a = ffi.new(f"hb_codepoint_t[{n}]", list(range(n)))
            assert list(a) == list(range(n))
        assert ffi.typeof("char[3]").cname == "char[3]"
        print("ok")
        """
    )
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == ["True", "ok"]


def test_weasyprints_libraries_stay_loaded_until_the_process_ends():
    """Python's finalisation would dlclose() Pango, fontconfig and HarfBuzz while a thread of
    theirs may still run, and the finished process would die with SIGSEGV (seen once)."""
    code = "from builder.pdf.weasy import load; load(); import weasyprint.text.ffi"
    env = {**os.environ, "LD_DEBUG": "files", "PYTHONPATH": str(REPO)}
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env, cwd=REPO)
    assert p.returncode == 0, p.stderr[-2000:]
    loaded = [line for line in p.stderr.splitlines() if "generating link map" in line and "pango" in line]
    assert loaded, "LD_DEBUG printed nothing: the check would prove nothing"
    unmapped = [line for line in p.stderr.splitlines() if "destroying link map" in line]
    assert not [line for line in unmapped if any(n in line for n in ("pango", "fontconfig", "harfbuzz"))], unmapped
