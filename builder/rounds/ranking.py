"""Ranks: by total, descending; equal totals share a rank and the next rank skips
(standard competition ranking: 1, 2, 2, 4). Ties keep the round's county order.

A vetoed county's place is the round's ``veto_rank`` (DESIGN §3):

* ``last`` (default): listed after every other county, with no rank number;
* ``by_total``: ranked by its total like any other county;
* ``none``: no rank number, listed where its total puts it.

Under ``last`` and ``none`` the other counties are ranked among themselves (a vetoed
county takes no rank number away from them).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TypeVar

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


def rank_order(entries: Sequence[tuple[K, Decimal, bool]], veto_rank: str = "last") -> list[tuple[K, int | None]]:
    """``[(key, total, vetoed)]`` in round order → ``[(key, rank or None)]`` in listing order."""
    if veto_rank == "by_total":
        return list(competition_ranks([(k, t) for k, t, _ in entries]))
    if veto_rank == "none":
        ranked = dict(competition_ranks([(k, t) for k, t, v in entries if not v]))
        order = sorted(range(len(entries)), key=lambda i: (-entries[i][1], i))
        return [(entries[i][0], ranked.get(entries[i][0])) for i in order]
    vetoed = sorted((i for i, e in enumerate(entries) if e[2]), key=lambda i: (-entries[i][1], i))
    return [(k, r) for k, r in competition_ranks([(k, t) for k, t, v in entries if not v])] + [
        (entries[i][0], None) for i in vetoed
    ]
