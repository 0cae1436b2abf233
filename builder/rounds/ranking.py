"""Ranks: by total, descending; equal totals share a rank and the next rank skips
(standard competition ranking: 1, 2, 2, 4). Ties keep the round's county order."""

from __future__ import annotations

from decimal import Decimal
from typing import Sequence, TypeVar

K = TypeVar("K")


def competition_ranks(totals: Sequence[tuple[K, Decimal]]) -> list[tuple[K, int]]:
    """``[(key, total)]`` in round order → ``[(key, rank)]`` in rank order."""
    order = sorted(range(len(totals)), key=lambda i: (-totals[i][1], i))
    out: list[tuple[K, int]] = []
    prev: Decimal | None = None
    rank = 0
    for pos, i in enumerate(order, start=1):
        key, total = totals[i]
        if prev is None or total != prev:
            rank = pos
            prev = total
        out.append((key, rank))
    return out
