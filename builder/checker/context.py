"""What a rule sees: one report with its round, county, template and outline.

Rules read a :class:`Report` and yield diagnostics made with :meth:`Report.diag`; they
never read files or print. Expensive views (the outline, the counts) are computed once,
on first use, and shared by all rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from ..diagnostics import Diagnostic
from .document import Block, Document
from .outline import Outline, build_outline
from .template import Template
from .wordcount import Counts, count


@dataclass
class Report:
    """What a rule sees: one report with its round, county, template and outline.

    The outline and the counts are computed on first use and kept.
    """

    path: str  # as displayed in diagnostics
    doc: Document
    template: Template | None = None
    year: int | None = None
    county_name: str | None = None
    county_kind: str | None = None
    round_id: str | None = None
    project: object | None = None  # builder.project.Project, for rules that read the rubric
    extra: dict = field(default_factory=dict)

    def diag(self, rule: str, severity: str, line: int, column: int, message: str) -> Diagnostic:
        """Return a diagnostic of this report at *line* and *column* (raised to at least 1)."""
        return Diagnostic(self.path, max(line, 1), max(column, 1), severity, rule, message)

    @cached_property
    def outline(self) -> Outline:
        """The report's :class:`~builder.checker.outline.Outline` against its template."""
        return build_outline(self.doc, self.template)

    @property
    def blocks(self) -> list[Block]:
        """The report's blocks (paragraphs, headings, list items, …) in order."""
        return self.doc.blocks

    @cached_property
    def body_counts(self) -> Counts:
        """字数 etc. of everything before the annex (title and headings included)."""
        return count("\n".join(b.text for b in self.blocks[: self.outline.body_end]))

    @cached_property
    def annex_counts(self) -> Counts:
        """字数 etc. of the annex (everything from the annex heading on)."""
        return count("\n".join(b.text for b in self.blocks[self.outline.body_end :]))

    @cached_property
    def expected_title(self) -> str | None:
        """The title the template asks for, or ``None`` without template, county or year."""
        if self.template is None or self.county_name is None or self.year is None:
            return None
        return self.template.expected_title(self.county_name, self.county_kind or "", self.year)

    def column_of(self, line: int, needle: str, default: int = 1) -> int:
        """1-based column of ``needle`` in the source line (or ``default``)."""
        src = self.doc.source(line)
        if src is None or not needle:
            return default
        i = src.find(needle)
        return i + 1 if i >= 0 else default

    def column_of_re(self, line: int, pattern: re.Pattern, default: int = 1) -> int:
        """Return the 1-based column of *pattern*'s first match on *line*, else *default*."""
        src = self.doc.source(line)
        if src is None:
            return default
        m = pattern.search(src)
        return m.start() + 1 if m else default
