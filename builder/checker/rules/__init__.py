"""The checker's rules: one module per rule, in the spirit of markdownlint.

Each module declares

* ``id`` — the stable rule id printed in diagnostics (``section-missing``),
* ``alias`` — a short code (``KH101``),
* ``severity`` — ``error`` or ``warning``,
* ``description`` — one line in Chinese (``kaohe check --rules``),
* ``requires`` — ``"template"`` when the rule needs the round's report template,

and one function ``check(report)`` that reads a :class:`~builder.checker.context.Report`
and yields :class:`~builder.diagnostics.Diagnostic` objects (made with ``report.diag``).
Rules know nothing about files or output formats; the engine knows nothing about rules
beyond this list.
"""

from __future__ import annotations

import importlib

RULE_MODULES = (
    "title",
    "placeholder",
    "year",
    "section_missing",
    "section_order",
    "section_empty",
    "section_numbering",
    "section_extra",
    "section_title",
    "heading_format",
    "length_limit",
    "case_count",
    "case_title",
    "case_empty",
    "required_items",
)

_loaded: list | None = None


def load_rules() -> list:
    """The rule modules, imported once, in a fixed order."""
    global _loaded
    if _loaded is None:
        mods = [importlib.import_module(f"{__name__}.{name}") for name in RULE_MODULES]
        for m in mods:
            for attr in ("id", "alias", "severity", "description", "check"):
                if not hasattr(m, attr):
                    raise TypeError(f"rule module {m.__name__} lacks {attr!r}")
        ids = [m.id for m in mods] + [m.alias for m in mods]
        if len(set(ids)) != len(ids):
            raise TypeError("duplicate rule id or alias")
        _loaded = mods
    return _loaded
