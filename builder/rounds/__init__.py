"""Assessment rounds: loading score sources and computing results (pure core).

Public API (used by the CLI, the site and the PDFs):

* :func:`load_round` ``(project, round_id) -> (Round | None, diagnostics)`` — reads
  ``content/<round_id>/`` and reports every problem in every file at once; the round is
  None when any diagnostic is an error;
* :func:`compute` ``(round) -> RoundResults`` — pure, exact (Decimal);
* :func:`list_rounds` ``(project) -> list[str]`` — round ids, sorted.

The names are resolved on first use, so that importing one submodule (``builder.rounds.meta``
for ``kaohe check``) does not load every score source reader.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .load import load_round
    from .model import Round, RoundResults
    from .scoring import compute


def __getattr__(name: str) -> object:
    # import statements, not importlib: ``python -X importtime`` shows them
    value: object
    if name == "load_round":
        from .load import load_round

        value = load_round
    elif name == "compute":
        from .scoring import compute

        value = compute
    elif name in ("Round", "RoundResults"):
        from . import model

        value = getattr(model, name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def list_rounds(project) -> list[str]:
    """Ids of the rounds under ``project.content_dir`` (folders with a round.yaml), sorted."""
    from .meta import round_ids

    return round_ids(project.content_dir)


__all__ = ["Round", "RoundResults", "compute", "list_rounds", "load_round"]
