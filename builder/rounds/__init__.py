"""Assessment rounds: loading score sources and computing results (pure core).

Public API (used by the CLI, the site and the PDFs):

* :func:`load_round` ``(project, round_id) -> (Round | None, diagnostics)`` — reads
  ``content/<round_id>/`` and reports every problem in every file at once; the round is
  None when any diagnostic is an error;
* :func:`compute` ``(round) -> RoundResults`` — pure, exact (Decimal);
* :func:`list_rounds` ``(project) -> list[str]`` — round ids, sorted.
"""

from __future__ import annotations

from .load import load_round
from .meta import round_ids
from .model import Round, RoundResults
from .scoring import compute


def list_rounds(project) -> list[str]:
    """Ids of the rounds under ``project.content_dir`` (folders with a round.yaml), sorted."""
    return round_ids(project.content_dir)


__all__ = ["Round", "RoundResults", "compute", "list_rounds", "load_round"]
