"""The template checker for county self-reports (自评报告).

``check_file(path, project, round_id=None, county_id=None)`` (Markdown or Word, by the file),
``check_text(text, …)`` (Markdown), ``check_word(data, …)`` (the bytes of a .docx) and
``check_document(doc, …)`` (a parsed document) return a :class:`CheckResult` (path, stats,
diagnostics). See :mod:`.engine`.
"""

from .engine import CheckResult, check_document, check_file, check_text, check_word

__all__ = ["CheckResult", "check_document", "check_file", "check_text", "check_word"]
