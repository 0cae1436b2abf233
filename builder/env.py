"""The environment switches of kaohe, read one way everywhere.

A switch is *on* for ``1``, ``true``, ``yes``, ``on`` and *off* for ``0``, ``false``,
``no``, ``off`` (any case, surrounding blanks ignored); unset or empty means "not given"
(the caller's default). Anything else is treated as "not given" too, so a typo never
turns a cache or the PDFs off by surprise.

============================  ====================================================
``KAOHE_NO_CACHE``            on: build without the build cache (``=0``: with it)
``KAOHE_CACHE_DIR``           where the build cache lives (default ``.cache/kaohe/build``)
``KAOHE_CACHE_MAX_MB``        size limit of the build cache (default 2048)
``KAOHE_DRAFTS``              on: also show rounds that are not published
``KAOHE_PDFS``                off: no PDFs; on: PDFs also under ``mkdocs serve``
``KAOHE_ATOMIC``              off: ``mkdocs build`` writes into ``site/`` directly
``KAOHE_PRINT_FONTS``         a font mapping that overrides ``themes/print/fonts.yaml``'s
``KAOHE_DEBUG``               on: a defect in a checker rule raises instead of a diagnostic
``KAOHE_AUDIT_TIME``          a fixed time for audit records (reproducible tests)
``SOURCE_DATE_EPOCH``         PDF creation date when the round gives none
``CI``                        on: no progress bars
============================  ====================================================
"""

from __future__ import annotations

import os

_ON = frozenset({"1", "true", "yes", "on"})
_OFF = frozenset({"0", "false", "no", "off"})


def flag(name: str) -> bool | None:
    """True/False when the switch ``name`` is set on/off, None when unset, empty or unclear."""
    v = os.environ.get(name, "").strip().lower()
    if v in _ON:
        return True
    if v in _OFF:
        return False
    return None


def enabled(name: str, default: bool) -> bool:
    """The switch ``name`` as a bool, ``default`` when it is not given."""
    v = flag(name)
    return default if v is None else v


def cache_enabled() -> bool:
    """Whether the build cache is used: not when ``KAOHE_NO_CACHE`` is on."""
    return not enabled("KAOHE_NO_CACHE", False)


def text(name: str, default: str = "") -> str:
    """A string setting (paths, sizes); ``default`` when unset or blank."""
    v = os.environ.get(name, "").strip()
    return v or default


def progress_allowed(stream) -> bool:
    """Progress bars only on a terminal and never under ``CI``."""
    if enabled("CI", False):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def peak_kib() -> int:
    """Peak resident memory of this process in KiB. VmHWM, not ru_maxrss: on Linux a
    spawned process inherits its parent's ru_maxrss across exec."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource  # (not at the top: the browser checker's Python has no such module)

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
