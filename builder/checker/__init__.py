"""The template checker for county self-reports (自评报告).

``check_file(path, project, round_id=None, county_id=None)`` and ``check_text(text, …)``
return a :class:`CheckResult` (path, stats, diagnostics). See :mod:`.engine`.
"""

from .engine import CheckResult, check_file, check_text

__all__ = ["CheckResult", "check_file", "check_text"]
