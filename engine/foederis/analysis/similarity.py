"""Similarity of alliance portfolios: Signorino-Ritter S and Bueno de Mesquita's tau-b."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .._constants import KINDS
from .._gate import check_world
from .._validate import check_int, readonly, shown
from ..errors import ParameterError, WorldError
from ._common import axes

__all__ = ["TIE_LEVEL", "PortfolioSimilarity", "portfolio_similarity", "tie_levels"]

#: Ordinal coding of a tie by commitment kind code, read from the table of kinds
#: (``KINDS[k].ordinal``): the coding of Signorino and Ritter (1999, Table 6), EUGene and
#: the ATOP-based S scores (defence 3, neutrality and non-aggression 2, entente or
#: consultation 1, none 0). GUARANTEE (a unilateral defense promise) and OFFENSE count as
#: a defense pact; ENTENTE stands for COW's ententes and ATOP's consultation pacts.
TIE_LEVEL: dict[int, int] = {code: k.ordinal for code, k in enumerate(KINDS)}
_LEVEL = np.array([k.ordinal for k in KINDS], np.int8)
SELF_LEVEL = 3
MAX_ALL_PAIRS = 4000
_MEASURES = ("s", "tau", "kappa", "pi")
#: measures computed from S's distances (Hage 2011 adjusts S for chance agreement)
_S_LIKE = ("s", "kappa", "pi")
_COLUMN = {"s": "s", "tau": "tau_b", "kappa": "kappa", "pi": "pi"}
_LABEL = {"s": "S", "tau": "tau-b", "kappa": "kappa", "pi": "pi"}
_DISTANCES = ("absolute", "squared")
_PAIRS = ("shared", "all")


def tie_levels(world: Any) -> sp.csr_array:
    """The symmetric tie-level matrix X (n x n, int8 values 0..3) of a world.

    x_ik = the highest ATOP level (:data:`TIE_LEVEL`) over the commitments between i and
    k in **either direction** (i -> k or k -> i), whatever their credibility; x_ii = 3.
    """
    world = check_world(world)
    n = world.n_states
    g = world.guarantors.astype(np.int64)
    p = world.indices.astype(np.int64)
    lv = _LEVEL[world.kind]
    r = np.r_[g, p, np.arange(n)]
    c = np.r_[p, g, np.arange(n)]
    v = np.r_[lv, lv, np.full(n, SELF_LEVEL, np.int8)]
    if not len(r):
        return sp.csr_array((n, n), dtype=np.int8)
    key = r * n + c
    order = np.lexsort((-v.astype(np.int64), key))
    key, v = key[order], v[order]
    first = np.r_[True, key[1:] != key[:-1]]
    key, v = key[first], v[first]  # max level per (i, k): first after sorting by -v
    return sp.csr_array((v, (key // n, key % n)), shape=(n, n), dtype=np.int8)


@dataclass(frozen=True, eq=False)
class PortfolioSimilarity:
    """Alliance-portfolio similarity of pairs of states (see :func:`portfolio_similarity`).

    ``i``, ``j`` (int64, i < j, indices into ``codes``), ``value`` (S or tau-b) and
    ``shared`` (the pair shares at least one tie: some k, possibly i or j itself, with
    x_ik > 0 and x_jk > 0). With ``pairs="shared"`` only shared pairs are listed; every
    other pair's value follows from the two rows alone. ``states``: indices of the states
    whose pairs were listed. :meth:`value_of` and :meth:`top` compute any pair exactly;
    :meth:`matrix` fills the matrix of the listed states.
    """

    codes: np.ndarray
    i: np.ndarray
    j: np.ndarray
    value: np.ndarray
    shared: np.ndarray
    measure: str
    weighted: bool
    distance: str
    pairs: str
    states: np.ndarray
    # what exact on-demand values need: tie levels, weights, per-state terms
    _X: sp.csr_array
    _w: np.ndarray
    _base: np.ndarray
    _counts: np.ndarray
    _n_units: float

    def __repr__(self) -> str:
        name = _LABEL[self.measure]
        how = (", weighted" if self.weighted else "") + (
            f", {self.distance}" if self.measure in _S_LIKE else "")
        return f"<PortfolioSimilarity {name}{how}: {self.n_pairs:,} {self.pairs} pairs>"

    @property
    def n_pairs(self) -> int:
        return len(self.i)

    def _unshared(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Closed form for pairs that share no tie."""
        if self.measure in _S_LIKE:
            v = 1.0 - 2.0 * (self._base[a] + self._base[b]) / self._n_units
            return self._chance(a, b, np.clip(v, -1.0, 1.0))
        zero = np.zeros((len(a), 3, 3))
        return _tau_from_tables(zero, self._counts[a], self._counts[b], int(self._n_units))

    def _row(self, ia: int) -> np.ndarray:
        """Exact values of state ``ia`` with every state (1 for itself), by sparse
        matrix-vector products over the tie levels."""
        X = self._X
        x = X[[ia]].toarray().ravel().astype(np.float64)
        n = len(x)
        if self.measure in _S_LIKE:
            p = 1 if self.distance == "absolute" else 2
            if p == 1:
                cross = sum(
                    sp.csr_array(X >= t).astype(np.float64) @ (self._w * (x >= t)) for t in (1, 2, 3)
                )
            else:
                cross = sp.csr_array(X).astype(np.float64) @ (self._w * x)
            raw = self._base * 3.0**p
            d = (raw[ia] + raw - 2.0 * cross) / 3.0**p
            out = self._chance(np.full(n, ia), np.arange(n),
                               np.clip(1.0 - 2.0 * d / self._n_units, -1.0, 1.0))
        else:
            nab = np.zeros((n, 3, 3))
            for a in (1, 2, 3):
                for b in (1, 2, 3):
                    # nab[j, a, b] = #{k: x_ia,k = a, x_jk = b}
                    nab[:, a - 1, b - 1] = sp.csr_array(X == b).astype(np.float64) @ (x == a)
            out = _tau_from_tables(nab, np.broadcast_to(self._counts[ia], (n, 3)), self._counts,
                                   int(self._n_units))
        out[ia] = 1.0
        return out

    def _chance(self, a: np.ndarray, b: np.ndarray, s: np.ndarray) -> np.ndarray:
        """S of pairs (a, b) -> Hage's kappa or pi (unchanged for S)."""
        if self.measure == "s":
            return s
        return _chance_adjust(self.measure, s, self._counts[a], self._counts[b],
                              int(self._n_units), self.distance)

    def value_of(self, a: str, b: str) -> float:
        """The similarity of states ``a`` and ``b`` (codes), listed or not."""
        ia = _code_index(self.codes, a)
        ib = _code_index(self.codes, b)
        if ia == ib:
            return 1.0
        lo, hi = min(ia, ib), max(ia, ib)
        hit = np.flatnonzero((self.i == lo) & (self.j == hi))
        if len(hit):
            return float(self.value[hit[0]])
        return float(self._row(ia)[ib])

    def matrix(self) -> pd.DataFrame:
        """The full symmetric matrix of the listed states (``states``; codes x codes, 1 on
        the diagonal); for at most 4000 states."""
        sel = self.states
        m = len(sel)
        if m > MAX_ALL_PAIRS:
            raise ParameterError(
                f"matrix() is for at most {MAX_ALL_PAIRS} states; this result lists {m}"
            )
        pos = np.full(len(self.codes), -1, np.int64)
        pos[sel] = np.arange(m)
        a, b = np.triu_indices(m, 1)
        M = np.ones((m, m))
        # pairs of listed states that are not listed share no tie: the closed form is exact
        M[a, b] = self._unshared(sel[a], sel[b])
        M[pos[self.i], pos[self.j]] = self.value
        M[b, a] = M[a, b]
        return pd.DataFrame(M, index=self.codes[sel], columns=self.codes[sel])

    def to_frame(self) -> pd.DataFrame:
        """One row per listed pair: state_a, state_b, value (column named after the
        measure: ``s`` or ``tau_b``), shared."""
        col = _COLUMN[self.measure]
        return pd.DataFrame(
            {
                "state_a": self.codes[self.i],
                "state_b": self.codes[self.j],
                col: self.value,
                "shared": self.shared,
            }
        )

    def top(self, code: str, k: int = 10) -> pd.DataFrame:
        """The ``k`` states (of the whole world) whose portfolios are most similar to
        ``code``'s, computed exactly."""
        ia = _code_index(self.codes, code)
        vals = self._row(ia)
        others = np.flatnonzero(np.arange(len(self.codes)) != ia)
        o = np.lexsort((self.codes[others], -vals[others]))[:k]
        col = _COLUMN[self.measure]
        return pd.DataFrame({"code": self.codes[others[o]], col: vals[others[o]]})

    def plot(self, ax: Any = None, *, bins: int = 40) -> Any:
        """Histogram of the listed pairs' values. Returns the matplotlib Figure."""
        fig, ax = axes(ax)
        ax.hist(self.value[np.isfinite(self.value)], bins=bins, color="C0")
        name = _LABEL[self.measure]
        ax.set_xlabel(name)
        ax.set_ylabel("pairs")
        ax.set_title(f"alliance-portfolio similarity ({name}, {self.pairs} pairs: {self.n_pairs:,})")
        return fig


def _chance_adjust(measure: str, s: np.ndarray, ca: np.ndarray, cb: np.ndarray, n: int,
                   distance: str) -> np.ndarray:
    """Hage's (2011) kappa or pi from S = 1 - 2 d_o and the level counts of the two rows.

    ``ca``, ``cb``: (m, 3) counts of levels 1, 2, 3 over the n entries of each row.
    """
    p = 1 if distance == "absolute" else 2
    lv = np.arange(4.0)
    D = (np.abs(lv[:, None] - lv[None, :]) / 3.0) ** p
    fa = np.column_stack([n - ca.sum(axis=1), ca]) / n
    fb = np.column_stack([n - cb.sum(axis=1), cb]) / n
    if measure == "pi":
        fa = fb = (fa + fb) / 2.0
    d_exp = np.einsum("ma,ab,mb->m", fa, D, fb)
    d_obs = (1.0 - np.asarray(s, np.float64)) / 2.0
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(d_exp > 0, 1.0 - d_obs / np.where(d_exp > 0, d_exp, 1.0), np.nan)


def _code_index(codes: np.ndarray, code: str) -> int:
    hit = np.flatnonzero(codes == code)
    if not len(hit):
        from ..errors import UnknownStateError

        raise UnknownStateError(f"unknown state {shown(code)}")
    return int(hit[0])


def _tau_from_tables(nab: np.ndarray, ra: np.ndarray, rb: np.ndarray, n_states: int) -> np.ndarray:
    """Kendall tau-b from the 4 x 4 contingency tables of pairs.

    ``nab[p, a-1, b-1]`` = #{k: x_ik = a, x_jk = b} for a, b in 1..3; ``ra[p, a-1]`` =
    #{k: x_ik = a}, ``rb`` likewise for j; the 0 row and column follow from the margins.
    """
    P = nab.shape[0]
    t = np.zeros((P, 4, 4))
    t[:, 1:, 1:] = nab
    t[:, 1:, 0] = ra - nab.sum(axis=2)
    t[:, 0, 1:] = rb - nab.sum(axis=1)
    t[:, 0, 0] = n_states - t.reshape(P, 16).sum(axis=1)
    # concordant: sum_ab t_ab * sum_{a'>a, b'>b} t_a'b'; discordant: a'>a, b'<b
    conc = np.zeros(P)
    disc = np.zeros(P)
    for a in range(4):
        for b in range(4):
            conc += t[:, a, b] * t[:, a + 1:, b + 1:].sum(axis=(1, 2))
            disc += t[:, a, b] * t[:, a + 1:, :b].sum(axis=(1, 2))
    n0 = n_states * (n_states - 1) / 2.0
    rx = t.sum(axis=2)
    ry = t.sum(axis=1)
    tx = (rx * (rx - 1) / 2.0).sum(axis=1)
    ty = (ry * (ry - 1) / 2.0).sum(axis=1)
    den = np.sqrt((n0 - tx) * (n0 - ty))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, (conc - disc) / np.where(den > 0, den, 1.0), np.nan)


def portfolio_similarity(
    world: Any,
    *,
    weighted: bool = False,
    measure: str = "s",
    distance: str = "absolute",
    pairs: str = "shared",
    states: Sequence[str] | None = None,
    max_pairs: int = 10_000_000,
) -> PortfolioSimilarity:
    """Similarity of the alliance portfolios of pairs of states.

    **Portfolio.** State i's portfolio is its row x_i. of tie levels to every state k of
    the world (k = 1..N, i and j included), with the ordinal coding of Signorino and
    Ritter (1999, Table 6: 0 none, 1 entente, 2 neutrality pact, 3 defense pact), which
    EUGene and the ATOP-based S scores use (:data:`TIE_LEVEL`): DEFENSE, OFFENSE and
    GUARANTEE 3 (a guarantee is a unilateral defense promise, so it counts as defense),
    NEUTRALITY and NONAGGRESSION 2 (COW codes them as one class), ENTENTE (COW's
    ententes, ATOP's consultation pacts) 1, no tie 0, and x_ii = 3. **Symmetric
    valuation**: x_ik is the highest level over the commitments between i and k in
    either direction, so a protege is tied to its guarantor as the guarantor is to it.
    Credibility does not enter: the coding is of the kind of the tie.

    **S** (Signorino and Ritter 1999, "Tau-b or not tau-b", *Int. Stud. Q.* 43:115-144),
    with weights w_k and the largest possible distance per state Delta = 3::

        S_ij = 1 - 2 * sum_k w_k * (|x_ik - x_jk| / 3)^p / sum_k w_k

    with p = 1 (``distance="absolute"``) or p = 2 (``"squared"``). Unweighted: w_k = 1
    (the denominator is N). ``weighted=True``: w_k = capability_k (the
    capability-weighted S of Signorino and Ritter). S is in [-1, 1]; 1 = identical
    portfolios. It depends on the universe of states (Hage 2011): it is this world's.

    **kappa and pi** (``measure="kappa"``, ``"pi"``; Hage 2011, "Choice or
    circumstance? Adjusting measures of foreign policy similarity for chance agreement",
    *Political Analysis* 19:287-305): S corrected for the agreement two portfolios would
    show by chance. With d_o = (1 - S) / 2 = (1/N) sum_k d(x_ik, x_jk), the observed
    distance (d(a, b) = |a - b| / 3, or its square with ``distance="squared"``), and
    f_i(a) the share of state i's N entries at level a::

        kappa = 1 - d_o / d_e,   d_e = sum_a sum_b f_i(a) f_j(b) d(a, b)      (Cohen)
        pi    = 1 - d_o / d_e,   d_e = sum_a sum_b g(a) g(b) d(a, b),
                                 g = (f_i + f_j) / 2                          (Scott)

    1 is perfect agreement, 0 agreement at chance level, negative below chance; NaN when
    d_e = 0 (both portfolios constant at one level). Unweighted only.

    **tau-b** (``measure="tau"``; Bueno de Mesquita 1975, 1981): Kendall's tau-b of the
    N pairs (x_ik, x_jk), computed from their 4 x 4 contingency table::

        tau_b = (C - D) / sqrt((N(N-1)/2 - T_i) (N(N-1)/2 - T_j))

    C, D: concordant and discordant pairs of k's; T_i = sum_a r_a (r_a - 1) / 2 with r_a
    the number of k with x_ik = a. Unweighted only; NaN if a portfolio is constant
    (every x_ik equal), where tau-b is undefined.

    **Sparse.** ``pairs="shared"`` (default) lists the pairs that share at least one tie
    (some k with x_ik > 0 and x_jk > 0, k = i or j included: allies and allies of
    allies). Any other pair's value depends only on the two rows' sums
    (S = 1 - 2 (a_i + a_j) / sum_k w_k, a_i = sum_k w_k (x_ik / 3)^p) and is given by
    :meth:`PortfolioSimilarity.value_of`, ``.top()`` and ``.matrix()``. ``pairs="all"``
    lists every pair (worlds of at most 4000 states). ``states`` restricts the listed
    pairs to pairs of those states (portfolios still run over the whole world). In a world
    with hubs nearly every pair shares a tie (two clients of one guarantor do), so the
    number of pairs is checked as it is computed, chunk by chunk, against ``max_pairs``
    (default 10 million, about 250 MB of results): beyond it a ParameterError says so
    before memory runs out.

    Computation: sparse products. For S with absolute distance,
    sum_k w_k |x_ik - x_jk| = a_i + a_j - 2 sum_k w_k min(x_ik, x_jk) and
    min(x, y) = sum_{t=1..3} [x >= t][y >= t], so the cross term is
    sum_t B_t W B_t^T with B_t the indicator of x >= t; for squared distance it is
    X W X^T; tau-b's tables come from E_a E_b^T (E_a: indicator of x = a). The products
    are taken for blocks of rows, so memory stays proportional to the pairs listed.

    Examples
    --------
    >>> import pandas as pd, foederis
    >>> from foederis.analysis import portfolio_similarity
    >>> states = pd.DataFrame({"code": ["A", "B", "C"], "capability": 1.0})
    >>> pacts = pd.DataFrame({"guarantor": ["A"], "protege": ["B"], "kind": ["defense"]})
    >>> s = portfolio_similarity(foederis.World.from_frames(states, pacts))
    >>> s.to_frame()
      state_a state_b    s  shared
    0       A       B  1.0    True
    >>> round(s.value_of("A", "C"), 4)  # 1 - 2 * (6/3 + 3/3) / 3
    -1.0
    """
    world = check_world(world)
    if measure not in _MEASURES:
        raise ParameterError(
            f"measure must be 's', 'tau', 'kappa' or 'pi', got {shown(measure)}")
    if distance not in _DISTANCES:
        raise ParameterError(f"distance must be 'absolute' or 'squared', got {shown(distance)}")
    if pairs not in _PAIRS:
        raise ParameterError(f"pairs must be 'shared' or 'all', got {shown(pairs)}")
    if not isinstance(weighted, (bool, np.bool_)):
        raise ParameterError(f"weighted must be True or False, got {shown(weighted)}")
    if measure == "tau" and weighted:
        raise ParameterError(
            "weighted=True applies to measure='s' only: tau-b has no capability-weighted form"
        )
    if measure == "tau" and distance != "absolute":
        raise ParameterError("distance applies to measure='s' only; leave it 'absolute' for tau")
    if measure in ("kappa", "pi") and weighted:
        raise ParameterError(
            f"weighted=True applies to measure='s' only; measure={shown(measure)} is unweighted"
        )
    max_pairs = check_int("max_pairs", max_pairs, low=1)
    if measure in ("kappa", "pi"):
        r = portfolio_similarity(world, measure="s", distance=distance, pairs=pairs,
                                 states=states, max_pairs=max_pairs)
        value = _chance_adjust(measure, r.value, r._counts[r.i], r._counts[r.j],
                               int(r._n_units), distance)
        return replace(r, measure=measure, value=readonly(value))
    n = world.n_states
    if n < 2:
        raise WorldError(f"portfolio_similarity needs at least 2 states; world {shown(world.name)} has {n}")
    if states is None:
        sel = np.arange(n, dtype=np.int64)
    else:
        if isinstance(states, str):
            states = [states]
        sel = np.unique(world.indices_of(list(states)))
        if len(sel) < 2:
            raise ParameterError(f"states must name at least two distinct states, got {shown(states)}")
    m = len(sel)
    if pairs == "all" and m > MAX_ALL_PAIRS:
        raise ParameterError(
            f"pairs='all' is for at most {MAX_ALL_PAIRS} states ({m} here); use "
            "pairs='shared' (or states=[...]) and value_of() / top() for the others"
        )
    X = tie_levels(world)
    if weighted:
        w = world.capability.astype(np.float64)
        if not w.sum() > 0:
            raise WorldError(
                f"weighted=True needs positive capabilities; every state of {shown(world.name)} has 0"
            )
    else:
        w = np.ones(n)
    W = sp.diags_array(w)
    wtot = float(w.sum())
    Xf = sp.csr_array(X.astype(np.float64))
    counts = np.stack([np.asarray((X == a).sum(axis=1)).ravel() for a in (1, 2, 3)], axis=1)
    insel = np.zeros(n, bool)
    insel[sel] = True
    B1 = sp.csr_array((X >= 1).astype(np.float64))
    B1s = sp.csr_array(B1[sel])  # rows of the selected states
    if measure == "s":
        p = 1 if distance == "absolute" else 2
        dmax = 3.0**p
        raw = np.asarray((Xf if p == 1 else Xf.power(2)) @ w).ravel()
        base = raw / dmax
        if p == 1:
            left = [sp.csr_array((X >= t).astype(np.float64)) for t in (1, 2, 3)]
            right = [sp.csr_array(W @ (L[sel]).T) for L in left]
            left = [sp.csr_array(L[sel]) for L in left]
            prods = [(t, t) for t in range(3)]
        else:
            left = [sp.csr_array(Xf[sel])]
            right = [sp.csr_array(W @ Xf[sel].T)]
            prods = [(0, 0)]
    else:
        E = [sp.csr_array((X == a).astype(np.float64)) for a in (1, 2, 3)]
        left = [sp.csr_array(Ea[sel]) for Ea in E]
        right = [sp.csr_array(Ea[sel].T) for Ea in E]
        prods = [(a, b) for a in range(3) for b in range(3)]
        base = np.zeros(n)
    B1sT = sp.csr_array(B1s.T)
    # row chunks of bounded work: row r reaches at most sum over its ties k of deg(k) pairs
    colcount = np.asarray(B1s.sum(axis=0)).ravel()
    reach = np.asarray(B1s @ colcount).ravel()
    budget = 2_000_000.0
    bounds = [0]
    acc = 0.0
    for r in range(m):
        if acc + reach[r] > budget and r > bounds[-1]:
            bounds.append(r)
            acc = 0.0
        acc += reach[r]
    bounds.append(m)
    I_parts, J_parts, V_parts, S_parts = [], [], [], []
    total = 0
    for lo, hi in pairwise(bounds):
        if hi <= lo:
            continue
        pat = sp.coo_array(B1s[lo:hi] @ B1sT)
        pat.sum_duplicates()
        li = pat.row.astype(np.int64) + lo  # local row in sel
        lj = pat.col.astype(np.int64)  # local column in sel
        keep = lj > li
        li, lj = li[keep], lj[keep]
        if pairs == "all":
            rows = np.arange(lo, hi, dtype=np.int64)
            ai = np.repeat(rows, m - 1 - rows)
            aj = np.concatenate([np.arange(r + 1, m, dtype=np.int64) for r in rows])
            sh = np.zeros(len(ai), bool)
            pos_in = np.searchsorted(ai * m + aj, li * m + lj)
            sh[pos_in] = True
            li, lj = ai, aj
        else:
            sh = np.ones(len(li), bool)
        total += len(li)
        if pairs == "shared" and total > max_pairs:
            raise ParameterError(
                f"portfolio_similarity: more than max_pairs = {max_pairs:,} pairs share a tie "
                f"(after {hi:,} of {m:,} states); pass states=[...] to list pairs among fewer "
                "states, or raise max_pairs if memory allows (about 25 bytes per pair)"
            )
        want = (li - lo) * m + lj
        vals = []
        for a, b in prods:
            M = sp.coo_array(left[a][lo:hi] @ right[b])
            M.sum_duplicates()
            key = M.row.astype(np.int64) * m + M.col.astype(np.int64)
            o = np.argsort(key, kind="stable")
            key, dat = key[o], M.data[o]
            if len(key):
                pos = np.minimum(np.searchsorted(key, want), len(key) - 1)
                vals.append(np.where(key[pos] == want, dat[pos], 0.0))
            else:
                vals.append(np.zeros(len(want)))
        gi, gj = sel[li], sel[lj]
        if measure == "s":
            c = np.sum(vals, axis=0) if vals else np.zeros(len(li))
            d = (raw[gi] + raw[gj] - 2.0 * c) / dmax
            v = np.clip(1.0 - 2.0 * d / wtot, -1.0, 1.0)
        else:
            nab = np.stack(vals, axis=1).reshape(len(li), 3, 3)
            v = _tau_from_tables(nab, counts[gi], counts[gj], n)
        I_parts.append(gi)
        J_parts.append(gj)
        V_parts.append(v)
        S_parts.append(sh)

    def cat(parts: list, dt: Any) -> np.ndarray:
        return np.concatenate(parts).astype(dt) if parts else np.zeros(0, dt)

    I = cat(I_parts, np.int64)
    J = cat(J_parts, np.int64)
    value = cat(V_parts, np.float64)
    shared = cat(S_parts, bool)
    return PortfolioSimilarity(
        codes=world.codes,
        i=readonly(I),
        j=readonly(J),
        value=readonly(value),
        shared=readonly(shared),
        measure=measure,
        weighted=bool(weighted),
        distance=distance,
        pairs=pairs,
        states=readonly(sel.astype(np.int64)),
        _X=X,
        _w=readonly(w),
        _base=readonly(base),
        _counts=readonly(counts),
        _n_units=wtot if measure == "s" else float(n),
    )
