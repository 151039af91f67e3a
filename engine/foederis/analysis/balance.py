"""Structural balance of the signed graph of alliances (+) and rivalries (-)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._gate import check_world
from .._validate import readonly, shown
from ..errors import ParameterError, WorldError
from .._kernels import structure as K
from ._common import ALLIANCE_KINDS, axes, kind_codes, undirected_pairs

__all__ = ["StructuralBalance", "signed_graph", "structural_balance"]

_MIXED = ("negative", "positive", "drop")
_TYPES = ("+++", "++-", "+--", "---")


def signed_graph(
    world: Any, *, kinds: Iterable[str] | None = None, mixed: str = "negative"
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """The undirected signed graph of a world: pairs ``u < v`` (int64), their sign (int8,
    +1 alliance, -1 rivalry) and the number of pairs that are both (``mixed`` rule).

    + : a commitment of one of ``kinds`` (default :data:`ALLIANCE_KINDS`) with credibility
    > 0, in either direction. - : a rivalry with hostility > 0, in either direction. A pair
    that is both takes the sign of the ``mixed`` rule: "negative" (the rivalry wins),
    "positive" (the alliance wins) or "drop" (the pair is left out).
    """
    world = check_world(world)
    if mixed not in _MIXED:
        raise ParameterError(f"mixed must be one of {', '.join(_MIXED)}, got {shown(mixed)}")
    n = world.n_states
    kc = kind_codes(kinds, ALLIANCE_KINDS)
    pu, pv, _ = undirected_pairs(world, kc, combine="max")
    src = np.repeat(np.arange(n, dtype=np.int64), np.diff(world.riv_indptr))
    tgt = world.riv_indices.astype(np.int64)
    h = world.riv_hostility > 0
    ru, rv = np.minimum(src[h], tgt[h]), np.maximum(src[h], tgt[h])
    nn = max(n, 1)
    pk = np.unique(pu * nn + pv)
    rk = np.unique(ru * nn + rv)
    both = np.intersect1d(pk, rk, assume_unique=True)
    if mixed == "negative":
        pk = np.setdiff1d(pk, both, assume_unique=True)
    elif mixed == "positive":
        rk = np.setdiff1d(rk, both, assume_unique=True)
    else:
        pk = np.setdiff1d(pk, both, assume_unique=True)
        rk = np.setdiff1d(rk, both, assume_unique=True)
    key = np.r_[pk, rk]
    sign = np.r_[np.ones(len(pk), np.int8), -np.ones(len(rk), np.int8)]
    o = np.argsort(key, kind="stable")
    key, sign = key[o], sign[o]
    return key // nn, key % nn, sign, len(both)


@dataclass(frozen=True, eq=False)
class StructuralBalance:
    """Triangles of the signed graph and their balance (see :func:`structural_balance`).

    ``counts``: triangles by number of negative edges (index 0..3 = +++, ++-, +--, ---);
    ``n_triangles``, ``n_balanced``, ``share`` (balanced / all); ``unbalanced``: (k, 3)
    int64 state indices (u < v < w) of the unbalanced triads and ``unbalanced_negative``
    their number of negative edges; ``n_positive``, ``n_negative`` edges and ``n_mixed``
    pairs that were both allied and rivals (resolved by ``mixed``).
    """

    codes: np.ndarray
    counts: np.ndarray
    n_triangles: int
    n_balanced: int
    share: float
    unbalanced: np.ndarray
    unbalanced_negative: np.ndarray
    n_positive: int
    n_negative: int
    n_mixed: int
    mixed: str
    weak: bool

    def __repr__(self) -> str:
        return (
            f"<StructuralBalance: {self.share:.1%} of {self.n_triangles:,} triangles balanced; "
            f"{self.n_positive:,} + and {self.n_negative:,} - ties ({self.n_mixed} mixed, "
            f"rule {self.mixed!r})>"
        )

    def to_frame(self) -> pd.DataFrame:
        """The unbalanced triads: state_a, state_b, state_c, signs (e.g. "++-"),
        negative (number of negative edges)."""
        u = self.unbalanced
        return pd.DataFrame(
            {
                "state_a": self.codes[u[:, 0]],
                "state_b": self.codes[u[:, 1]],
                "state_c": self.codes[u[:, 2]],
                "signs": np.asarray(_TYPES, dtype=object)[self.unbalanced_negative],
                "negative": self.unbalanced_negative.astype(np.int64),
            }
        )

    def counts_frame(self) -> pd.DataFrame:
        """Triangles by type with their balance under the chosen definition."""
        bal = [True, False, True, self.weak]
        return pd.DataFrame({"type": list(_TYPES), "triangles": self.counts, "balanced": bal})

    def by_state(self) -> pd.DataFrame:
        """Number of unbalanced triads each state belongs to (states in at least one),
        most first."""
        c = np.bincount(self.unbalanced.ravel(), minlength=len(self.codes))
        idx = np.flatnonzero(c)
        o = np.lexsort((self.codes[idx], -c[idx]))
        return pd.DataFrame({"code": self.codes[idx[o]], "unbalanced_triads": c[idx[o]]})

    def plot(self, ax: Any = None) -> Any:
        """Triangles by type, balanced ones in blue. Returns the matplotlib Figure."""
        fig, ax = axes(ax)
        df = self.counts_frame()
        ax.bar(df["type"], df["triangles"], color=np.where(df["balanced"], "C0", "C3"))
        ax.set_ylabel("triangles")
        ax.set_title(f"structural balance: {self.share:.1%} of {self.n_triangles:,} triangles balanced")
        return fig


def structural_balance(
    world: Any,
    *,
    kinds: Iterable[str] | None = None,
    mixed: str = "negative",
    weak: bool = False,
) -> StructuralBalance:
    """Share of balanced triangles in the signed graph of alliances (+) and rivalries (-).

    The signed graph is undirected (:func:`signed_graph`): + where either state of a pair
    has a commitment of one of ``kinds`` (default DEFENSE, GUARANTEE, OFFENSE, ENTENTE)
    to the other, - where either has a rivalry (hostility > 0) with the other. **A pair
    that is both** (two allies that are also rivals, such as Greece and Turkey in NATO)
    is negative by default (``mixed="negative"``): the rivalry is the specific, dyadic
    fact, while the alliance often comes from a multilateral treaty both joined for other
    reasons; ``mixed="positive"`` lets the alliance win, ``"drop"`` leaves the pair out.

    A triangle is **balanced** when the product of its three signs is positive (+++ or
    +--: "the enemy of my enemy is my friend"; Heider 1946, Cartwright and Harary 1956).
    With ``weak=True`` (Davis 1967) an all-negative triangle (---) is balanced too.

    Triangles are enumerated by a numba kernel (merge-intersection of sorted adjacency
    rows, each triangle once, u < v < w); all are counted, the unbalanced ones listed.

    Raises
    ------
    WorldError
        The world has no rivalries (every triangle would be balanced by construction, so
        the share says nothing), no negative tie survives the ``mixed`` rule, or the
        signed graph has no triangle.

    Examples
    --------
    >>> import pandas as pd, foederis
    >>> from foederis.analysis import structural_balance
    >>> states = pd.DataFrame({"code": list("ABCD"), "capability": 1.0})
    >>> pacts = pd.DataFrame({"guarantor": ["A", "A", "B"], "protege": ["B", "C", "C"],
    ...                       "kind": "defense"})
    >>> riv = pd.DataFrame({"source": ["D", "D", "D"], "target": ["A", "B", "C"],
    ...                     "hostility": 1.0})
    >>> r = structural_balance(foederis.World.from_frames(states, pacts, riv))
    >>> r.n_triangles, r.n_balanced, r.share
    (4, 4, 1.0)
    """
    world = check_world(world)
    if not isinstance(weak, (bool, np.bool_)):
        raise ParameterError(f"weak must be True or False, got {shown(weak)}")
    if world.n_rivalries == 0 or not np.any(world.riv_hostility > 0):
        raise WorldError(
            f"structural_balance: world {shown(world.name)} has no rivalries (negative ties); with "
            "alliances alone every triangle is balanced by construction. Add rivalries "
            "(World.from_frames(..., rivalries=...)) or use a world that has them"
        )
    u, v, sign, n_mixed = signed_graph(world, kinds=kinds, mixed=mixed)
    n_neg = int(np.sum(sign < 0))
    if n_neg == 0:
        raise WorldError(
            f"structural_balance: no negative tie remains under mixed={shown(mixed)} (every rival "
            "pair is also allied); use mixed='negative'"
        )
    n = world.n_states
    # symmetric CSR with sorted rows
    r = np.r_[u, v]
    c = np.r_[v, u]
    s = np.r_[sign, sign]
    o = np.lexsort((c, r))
    r, c, s = r[o], c[o], s[o]
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(r, minlength=n), out=indptr[1:])
    indices = c.astype(np.int64)
    out_type = np.zeros((n, 4), np.int64)
    out_unbal = np.zeros(n, np.int64)
    K.triangle_count(indptr, indices, s, bool(weak), out_type, out_unbal)
    counts = out_type.sum(axis=0)
    total = int(counts.sum())
    if total == 0:
        raise WorldError(
            f"structural_balance: the signed graph of world {shown(world.name)} has no triangle "
            f"({len(u) - n_neg} positive and {n_neg} negative edges); balance is undefined"
        )
    offset = np.zeros(n, np.int64)
    np.cumsum(out_unbal[:-1], out=offset[1:])
    n_unbal = int(out_unbal.sum())
    abc = np.zeros((n_unbal, 3), np.int64)
    neg = np.zeros(n_unbal, np.int8)
    K.triangle_fill(indptr, indices, s, bool(weak), offset, abc, neg)
    n_bal = total - n_unbal
    return StructuralBalance(
        codes=world.codes,
        counts=readonly(counts),
        n_triangles=total,
        n_balanced=n_bal,
        share=n_bal / total,
        unbalanced=readonly(abc),
        unbalanced_negative=readonly(neg),
        n_positive=int(len(u) - n_neg),
        n_negative=n_neg,
        n_mixed=int(n_mixed),
        mixed=mixed,
        weak=bool(weak),
    )
