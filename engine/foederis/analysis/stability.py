"""How alliance systems settle: Axelrod-Bennett landscapes and Jackson-Nei vulnerability."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .._gate import check_world
from .._validate import check_int, check_number, readonly, shown
from ..errors import ParameterError, WorldError
from .._kernels import structure as K
from ._common import (
    ALLIANCE_KINDS,
    DEFENSE_KINDS,
    axes,
    kind_codes,
    kind_weights,
    undirected_pairs,
)

__all__ = [
    "MAX_EXHAUSTIVE",
    "MAX_LOCAL",
    "Landscape",
    "Vulnerability",
    "landscape",
    "propensity",
    "vulnerability",
    "war_stable",
]

#: Largest number of (non-indifferent) states enumerated exhaustively: 2^23 configurations.
MAX_EXHAUSTIVE = 24
#: Largest number of states for the local search (a descent costs about n sqrt(n)).
MAX_LOCAL = 200_000
_MAX_START_BYTES = 1 << 28
_METHODS = ("auto", "exhaustive", "local")


# --------------------------------------------------------------------------------------
# landscape theory (Axelrod and Bennett 1993)
# --------------------------------------------------------------------------------------
def _select(world: Any, states: Sequence[str] | None) -> np.ndarray:
    if states is None:
        return np.arange(world.n_states, dtype=np.int64)
    if isinstance(states, str):
        states = [states]
    states = list(states)
    if not states:
        raise ParameterError("states is empty: give at least two state codes, or None for all")
    idx = world.indices_of(states)  # UnknownStateError names the code
    if len(np.unique(idx)) != len(idx):
        u, c = np.unique(idx, return_counts=True)
        raise ParameterError(f"states: {shown(world.codes[u[c > 1][0]])} is listed more than once")
    return np.sort(idx)


def propensity(
    world: Any,
    states: Sequence[str] | None = None,
    *,
    kinds: Iterable[str] | None = None,
    entente_weight: float = 0.25,
) -> sp.csr_array:
    """The landscape propensity matrix p (symmetric, zero diagonal) over ``states``.

    p_ij = a_ij - h_ij where a_ij is the strongest ``credibility * kind weight`` over the
    commitments of ``kinds`` between i and j in either direction (kind weight 1;
    ENTENTE ``entente_weight``) and h_ij the larger hostility of i to j and of j to i.
    Rows and columns follow the selected states in world order.
    """
    world = check_world(world)
    entente_weight = check_number("entente_weight", entente_weight, low=0, high=1)
    sel = _select(world, states)
    return _propensity(world, sel, kind_codes(kinds, ALLIANCE_KINDS), entente_weight)


def _propensity(world: Any, sel: np.ndarray, kc: tuple[int, ...], ew: float) -> sp.csr_array:
    n = world.n_states
    u, v, a = undirected_pairs(world, kc, kind_weight=kind_weights(ew), combine="max")
    src = np.repeat(np.arange(n, dtype=np.int64), np.diff(world.riv_indptr))
    tgt = world.riv_indices.astype(np.int64)
    h = world.riv_hostility.astype(np.float64)
    A = sp.coo_array((a, (u, v)), shape=(n, n)).tocsr()
    # the larger hostility per unordered pair (i -> j and j -> i are two rivalry rows)
    Hd = sp.csr_array((n, n), dtype=np.float64)
    if len(h):
        ru, rv = np.minimum(src, tgt), np.maximum(src, tgt)
        key = ru * n + rv
        o = np.argsort(key, kind="stable")
        key, hh = key[o], h[o]
        st = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        k = key[st]
        Hd = sp.coo_array((np.maximum.reduceat(hh, st), (k // n, k % n)), shape=(n, n)).tocsr()
    P = (A - Hd).tocsr()
    P = P + P.T
    P = sp.csr_array(P)[sel][:, sel]
    P.eliminate_zeros()
    P.sort_indices()
    return sp.csr_array(P)


@dataclass(frozen=True, eq=False)
class Landscape:
    """The energy landscape of two-camp splits (see :func:`landscape`).

    Attributes
    ----------
    codes : str array, the states that were placed in camps (selected, not indifferent)
    size : float64, their sizes s_i (capability shares among the selected states)
    camps : uint8 (n_minima, n_states), each local minimum's camp (0 or 1) per state; camp
        0 holds the largest state
    energy : float64 per minimum, ascending (the global minimum first)
    basin_size : int64 per minimum: configurations whose steepest descent ends there
        (exhaustive) or seeded starts that ended there (local)
    basin_share : basin_size / 2^(n-1) configurations, or / starts
    method : "exhaustive" or "local"; n_configurations (exhaustive), starts
    converged : False when some local descents hit the step cap (50 n + 1000 flips); they
        are left out of the minima (but counted in the basin shares' denominator)
    indifferent : codes of selected states with no propensity to any other (left out)
    """

    codes: np.ndarray
    size: np.ndarray
    camps: np.ndarray
    energy: np.ndarray
    basin_size: np.ndarray
    basin_share: np.ndarray
    method: str
    n_configurations: int
    starts: int
    converged: bool
    indifferent: tuple[str, ...]
    propensity: sp.csr_array

    def __repr__(self) -> str:
        e = f", lowest energy {self.energy[0]:.4g}" if self.n_minima else ""
        return (
            f"<Landscape of {len(self.codes)} states ({self.method}): {self.n_minima} local "
            f"minima{e}; {len(self.indifferent)} indifferent>"
        )

    @property
    def n_minima(self) -> int:
        return len(self.energy)

    def configuration(self, k: int = 0) -> pd.Series:
        """Camp of each state in minimum ``k`` (0 = the global minimum)."""
        k = check_int("k", k, low=0, high=self.n_minima - 1)
        return pd.Series(self.camps[k].astype(np.int64), index=self.codes, name="camp")

    def to_frame(self) -> pd.DataFrame:
        """One row per local minimum (lowest energy first): rank, energy, basin_size,
        basin_share, camp_0 and camp_1 (member codes, largest state in camp 0)."""
        rows = []
        for k in range(self.n_minima):
            c = self.camps[k]
            rows.append(
                (
                    k,
                    float(self.energy[k]),
                    int(self.basin_size[k]),
                    float(self.basin_share[k]),
                    " ".join(self.codes[c == 0].tolist()),
                    " ".join(self.codes[c == 1].tolist()),
                )
            )
        return pd.DataFrame(
            rows, columns=["rank", "energy", "basin_size", "basin_share", "camp_0", "camp_1"]
        )

    def plot(self, ax: Any = None, *, top: int = 10) -> Any:
        """The ``top`` minima: energy (bars) and basin share (dots). Returns the Figure."""
        fig, ax = axes(ax)
        k = min(top, self.n_minima)
        x = np.arange(k)
        ax.bar(x, self.energy[:k], color="C0")
        ax.set_xlabel("local minimum (0 = global)")
        ax.set_ylabel("energy (frustration)")
        ax2 = ax.twinx()
        ax2.plot(x, self.basin_share[:k], "o", color="C3")
        ax2.set_ylabel("basin share", color="C3")
        ax.set_title(f"landscape of {len(self.codes)} states: {self.n_minima} minima ({self.method})")
        return fig


def landscape(
    world: Any,
    states: Sequence[str] | None = None,
    *,
    method: str = "auto",
    starts: int = 1000,
    seed: int = 0,
    kinds: Iterable[str] | None = None,
    entente_weight: float = 0.25,
    parallel: bool = True,
) -> Landscape:
    """Axelrod and Bennett's landscape theory of aggregation: the stable two-camp splits.

    Axelrod, R. and Bennett, D. S. (1993), "A landscape theory of aggregation", *British
    Journal of Political Science* 23(2):211-233. A configuration X puts every state in
    one of two camps; its energy (total frustration) is::

        E(X) = sum_i sum_j s_i s_j p_ij d_ij(X)

    over ordered pairs i != j, with d_ij(X) = 1 when i and j are in different camps, 0
    otherwise. States move to lower energy; the predicted alignments are the local minima
    (no single state can lower E by changing camp). Operationalisation:

    - size s_i = capability_i / (sum of the selected states' capability);
    - propensity p_ij = a_ij - h_ij (:func:`propensity`): a_ij the strongest
      credibility-weighted commitment of ``kinds`` (default DEFENSE, GUARANTEE, OFFENSE,
      ENTENTE at ``entente_weight``) between i and j in either direction, h_ij the larger
      of their hostilities to each other (rivalries). Symmetric.

    States of the selection that have no propensity to any other (or size 0) are
    **indifferent**: E does not depend on their camp, so they are left out (listed in
    ``indifferent``) rather than doubling the number of minima.

    Search. ``method="exhaustive"`` (``"auto"`` when at most :data:`MAX_EXHAUSTIVE` = 24
    states remain) enumerates all 2^(n-1) splits (the first state fixed: a split and its
    mirror are one) in Gray-code order with a numba kernel that updates the energy and
    every state's flip gain in O(n) per step; for each split it records the
    steepest-descent successor (the flip that lowers E most; lowest state on ties), and
    the **basin** of a minimum is the set of splits whose steepest descent ends there.
    ``method="local"`` runs ``starts`` steepest descents from seeded random splits (in
    parallel; the result depends on the seed only, not on the threads) and reports the
    minima found, the basin size being the number of starts that ended there (an estimate
    of the basin's share); a descent costs O(n^1.5 + edges), the gains being kept in
    blocks of sqrt(n) with their minima. Flat moves (gain within 1e-12 of the energy
    scale) do not count as descents, and gains within that tolerance count as ties.

    Raises
    ------
    ParameterError
        Empty ``states``, a duplicate, ``method="exhaustive"`` with more than 24 states,
        the local search with more than :data:`MAX_LOCAL` states, bad ``starts``/``seed``.
    UnknownStateError
        A code of ``states`` is not in the world.
    WorldError
        Fewer than two states with a propensity (no commitments or rivalries among them),
        or no rivalry among them (the answer would be one camp of everybody).

    Examples
    --------
    >>> import pandas as pd, foederis
    >>> from foederis.analysis import landscape
    >>> states = pd.DataFrame({"code": list("ABCD"), "capability": 1.0})
    >>> pacts = pd.DataFrame({"guarantor": ["A", "C"], "protege": ["B", "D"], "kind": "defense"})
    >>> riv = pd.DataFrame({"source": list("AABB"), "target": list("CDCD"), "hostility": 1.0})
    >>> r = landscape(foederis.World.from_frames(states, pacts, riv))
    >>> r.to_frame()[["energy", "basin_share", "camp_0", "camp_1"]]
       energy  basin_share camp_0 camp_1
    0    -0.5          1.0    A B    C D
    """
    world = check_world(world)
    if method not in _METHODS:
        raise ParameterError(f"method must be one of {', '.join(_METHODS)}, got {shown(method)}")
    starts = check_int("starts", starts, low=1, high=10**8)
    seed = check_int("seed", seed, low=0, high=2**63 - 1)
    entente_weight = check_number("entente_weight", entente_weight, low=0, high=1)
    kc = kind_codes(kinds, ALLIANCE_KINDS)
    sel = _select(world, states)
    cap = world.capability[sel].astype(np.float64)
    total = float(cap.sum())
    if not total > 0:
        raise WorldError("landscape: the selected states all have capability 0 (no sizes)")
    s = cap / total
    P = _propensity(world, sel, kc, entente_weight)
    Wm = sp.diags_array(s) @ P @ sp.diags_array(s)  # w_ij = s_i s_j p_ij
    Wm = sp.csr_array(Wm)
    Wm.eliminate_zeros()
    active = np.diff(Wm.indptr) > 0
    indifferent = tuple(world.codes[sel[~active]].tolist())
    act = np.flatnonzero(active)
    n = len(act)
    if n < 2:
        raise WorldError(
            "landscape: fewer than two of the selected states have a propensity to another "
            "(no commitments or rivalries among them, or zero capability); nothing to align"
        )
    Wm = sp.csr_array(Wm[act][:, act])
    Wm.sort_indices()
    if not np.any(Wm.data < 0):
        raise WorldError(
            "landscape: no rivalry (negative propensity) among the selected states of world "
            f"{shown(world.name)}; with alliances alone the lowest energy is always one camp of "
            "everybody (E = 0). Add rivalries or select states that have some"
        )
    scale = float(np.abs(Wm.data).sum())
    eps = 1e-12 * scale
    if method == "auto":
        method = "exhaustive" if n <= MAX_EXHAUSTIVE else "local"
    if method == "exhaustive" and n > MAX_EXHAUSTIVE:
        raise ParameterError(
            f"states: {n} states take part (after leaving out {len(indifferent)} indifferent "
            f"ones); method='exhaustive' enumerates 2^(n-1) splits and is limited to "
            f"{MAX_EXHAUSTIVE} states. Select fewer states or use method='local'"
        )
    if method == "local" and n > MAX_LOCAL:
        raise ParameterError(
            f"states: {n:,} states take part; landscape's local search is limited to "
            f"{MAX_LOCAL:,} (each descent costs about n^1.5). Select fewer states"
        )
    if method == "local" and starts * n > _MAX_START_BYTES:
        raise ParameterError(
            f"starts: {starts:,} starts x {n:,} states would keep {starts * n / 2**20:,.0f} MB "
            f"of configurations; use at most {_MAX_START_BYTES // n:,} starts here"
        )
    Wd = Wm.toarray() if method == "exhaustive" else None
    if method == "exhaustive":
        n_conf = 1 << (n - 1)
        nxt = np.empty(n_conf, np.int32)  # n <= 24: indices below 2^23
        K.landscape_exhaustive(Wd, eps, nxt)
        minima = np.flatnonzero(nxt == np.arange(n_conf, dtype=nxt.dtype)).astype(nxt.dtype)
        bsize = np.zeros(len(minima), np.int64)
        K.landscape_resolve_basins(nxt, minima, bsize)
        del nxt
        bits = ((minima[:, None].astype(np.int64) >> np.arange(n - 1, dtype=np.int64)) & 1)
        camps = np.zeros((len(minima), n), np.uint8)
        camps[:, 1:] = bits.astype(np.uint8)
        n_starts = 0
        converged = True
        denom = float(n_conf)
    else:
        out_x = np.zeros((starts, n), np.uint8)
        out_e = np.zeros(starts)
        out_steps = np.zeros(starts, np.int64)
        out_conv = np.zeros(starts, np.bool_)
        max_steps = 50 * n + 1000
        fn = K.landscape_local_parallel if parallel else K.landscape_local_serial
        fn(Wm.indptr.astype(np.int64), Wm.indices.astype(np.int64), Wm.data.astype(np.float64),
           seed, eps, max_steps, out_x, out_e, out_steps, out_conv)
        converged = bool(out_conv.all())
        camps, bsize = np.unique(out_x[out_conv], axis=0, return_counts=True)
        camps = camps.astype(np.uint8)
        bsize = bsize.astype(np.int64)
        n_conf = 0
        n_starts = starts
        denom = float(starts)
    # exact energies, then canonical camps (largest state in camp 0)
    if Wd is None:
        C = Wm.tocoo()
        energy = np.array([float(C.data[c[C.row] != c[C.col]].sum()) for c in camps])
    else:
        energy = np.array([K.landscape_energy(Wd, c) for c in camps])
    big = int(np.argmax(s[act]))
    flip = camps[:, big] == 1
    camps[flip] = 1 - camps[flip]
    o = np.lexsort((-bsize, energy)) if len(energy) else np.zeros(0, np.int64)
    return Landscape(
        codes=readonly(world.codes[sel[act]]),
        size=readonly(s[act]),
        camps=readonly(camps[o]),
        energy=readonly(energy[o]),
        basin_size=readonly(bsize[o]),
        basin_share=readonly(bsize[o] / denom),
        method=method,
        n_configurations=int(n_conf),
        starts=int(n_starts),
        converged=converged,
        indifferent=indifferent,
        propensity=sp.csr_array(P[act][:, act]),
    )


# --------------------------------------------------------------------------------------
# Jackson and Nei (2015): vulnerability and war stability
# --------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Vulnerability:
    """Which states a coalition can defeat (see :func:`vulnerability`).

    Per state (arrays aligned with ``codes``): ``vulnerable`` (bool), ``n_attackers``
    (states j that can lead a winning coalition against it), ``attacker`` (index of the
    strongest one by M(C) / M(D), -1 if none), ``attack`` = M(C) and ``defense`` = M(D)
    for that attacker; ``gamma``; the alliance graph used (``indptr``, ``indices``).
    """

    codes: np.ndarray
    strength: np.ndarray
    vulnerable: np.ndarray
    n_attackers: np.ndarray
    attacker: np.ndarray
    attack: np.ndarray
    defense: np.ndarray
    gamma: float
    indptr: np.ndarray
    indices: np.ndarray

    def __repr__(self) -> str:
        return (
            f"<Vulnerability (gamma {self.gamma:g}): {int(self.vulnerable.sum())} of "
            f"{len(self.codes)} states vulnerable; war stable: {self.war_stable}>"
        )

    @property
    def war_stable(self) -> bool:
        """True when no state is vulnerable (condition (i) of Jackson-Nei war stability)."""
        return not bool(self.vulnerable.any())

    @property
    def vulnerable_states(self) -> list[str]:
        return self.codes[self.vulnerable].tolist()

    def to_frame(self) -> pd.DataFrame:
        """One row per state, vulnerable ones first (most attackers first): code,
        vulnerable, n_attackers, attacker (strongest), attack, defense, ratio."""
        att = np.where(self.attacker >= 0, self.codes[np.maximum(self.attacker, 0)], "")
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(self.attacker >= 0, self.attack / self.defense, np.nan)
        df = pd.DataFrame(
            {
                "code": self.codes,
                "vulnerable": self.vulnerable,
                "n_attackers": self.n_attackers,
                "attacker": att,
                "attack": np.where(self.attacker >= 0, self.attack, np.nan),
                "defense": np.where(self.attacker >= 0, self.defense, np.nan),
                "ratio": ratio,
            }
        )
        return df.sort_values(["vulnerable", "n_attackers", "code"],
                              ascending=[False, False, True]).reset_index(drop=True)

    def attackers_of(self, code: str) -> pd.DataFrame:
        """Every attacker j of state ``code``: coalition C (j and its allies other than
        the target), its strength M(C), the defense M(D) and the ratio; strongest first."""
        hit = np.flatnonzero(self.codes == code)
        if not len(hit):
            from ..errors import UnknownStateError

            raise UnknownStateError(f"unknown state {shown(code)}")
        i = int(hit[0])
        n = len(self.codes)
        M = self.strength
        nb = [self.indices[self.indptr[k]:self.indptr[k + 1]] for k in range(n)]
        Ni = set(nb[i].tolist())
        rows = []
        for j in range(n):
            if j == i:
                continue
            C = ({j} | set(nb[j].tolist())) - {i}
            D = {i} | (Ni - C)
            a = float(M[list(C)].sum())
            d = float(M[list(D)].sum())
            if a > self.gamma * d:
                rows.append((str(self.codes[j]), " ".join(sorted(self.codes[list(C)].tolist())),
                             a, d, a / d if d > 0 else np.inf))
        df = pd.DataFrame(rows, columns=["attacker", "coalition", "attack", "defense", "ratio"])
        return df.sort_values(["ratio", "attack", "attacker"], ascending=[False, False, True]
                              ).reset_index(drop=True)

    def plot(self, ax: Any = None, *, top: int = 25) -> Any:
        """Attack-to-defense ratio of the most threatened states, with the gamma line.
        Returns the matplotlib Figure."""
        fig, ax = axes(ax)
        df = self.to_frame()
        df = df[df["attacker"] != ""].sort_values("ratio", ascending=False).head(top)
        r = df["ratio"].to_numpy(dtype=float)
        r = np.where(np.isfinite(r), r, np.nan)
        ax.bar(range(len(df)), r, color=np.where(df["vulnerable"], "C3", "C0"))
        ax.axhline(self.gamma, color="k", lw=0.8, ls="--", label=f"gamma = {self.gamma:g}")
        ax.set_xticks(range(len(df)), [f"{c}\n<{a}" for c, a in zip(df["code"], df["attacker"])],
                      fontsize=6)
        ax.set_ylabel("M(C) / M(D), strongest attacker")
        ax.set_title(f"Jackson-Nei vulnerability: {int(self.vulnerable.sum())} vulnerable states")
        ax.legend(fontsize=8)
        return fig


def vulnerability(
    world: Any,
    gamma: float = 1.0,
    *,
    kinds: Iterable[str] | None = None,
    min_credibility: float = 0.0,
) -> Vulnerability:
    """Jackson and Nei's vulnerability of every state to an allied coalition.

    Jackson, M. O. and Nei, S. (2015), "Networks of military alliances, wars, and
    international trade", *PNAS* 112(50):15277-15284, doi:10.1073/pnas.1520970112.
    Alliances form an undirected network g; N_i(g) are i's allies; M_i its military
    strength, M(C) = sum_{k in C} M_k. A state i is **vulnerable** when some state j
    and a coalition C with j in C, C a subset of {j} u N_j(g), and i not in C, satisfy::

        M(C) > gamma * M({i} u (N_i(g) minus C))

    j leads an attack with some of its own allies (the published model's coalition: a
    country and some of its allies; an early draft asked for a fully allied clique); i is
    defended by itself and those of its allies that are not in the attacking coalition
    (an ally of both sides fights for the attacker, and j may be i's own ally). gamma > 1
    gives the defender an advantage, gamma < 1 the attacker.
    Adding an ally of j to C never weakens the attack, so C = ({j} u N_j(g)) minus {i} is
    the coalition to check; the kernel does so for every pair in
    O(sum_k deg(k)^2 + n log n).

    Operationalisation: M_i = capability_i; i and j are allied (ij in g) when either has
    a commitment of ``kinds`` (default DEFENSE, GUARANTEE, OFFENSE: the promises to
    fight; ENTENTE and the restraining kinds are left out) with credibility >
    ``min_credibility`` to the other. Direction and credibility are otherwise ignored:
    the model's alliances are mutual and certain.

    See :func:`war_stable` for the stability condition.

    Examples
    --------
    >>> import pandas as pd, foederis
    >>> from foederis.analysis import vulnerability
    >>> states = pd.DataFrame({"code": ["A", "B", "C"], "capability": [3.0, 2.0, 2.0]})
    >>> pacts = pd.DataFrame({"guarantor": ["B"], "protege": ["C"], "kind": ["defense"]})
    >>> v = vulnerability(foederis.World.from_frames(states, pacts))
    >>> v.vulnerable_states  # A (3) falls to B+C (4); B+C (4) stand against A (3)
    ['A']
    """
    world = check_world(world)
    gamma = check_number("gamma", gamma, low=0, low_open=True)
    min_credibility = check_number("min_credibility", min_credibility, low=0, high=1)
    n = world.n_states
    if n == 0:
        raise WorldError("vulnerability: the world has no states")
    kc = kind_codes(kinds, DEFENSE_KINDS)
    u, v, _ = undirected_pairs(world, kc, combine="max", min_credibility=min_credibility)
    r = np.r_[u, v]
    c = np.r_[v, u]
    o = np.lexsort((c, r))
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(r, minlength=n), out=indptr[1:])
    indices = c[o].astype(np.int64)
    M = world.capability.astype(np.float64)
    bloc = M.copy()
    np.add.at(bloc, r, M[c])
    order = np.lexsort((np.arange(n), -bloc)).astype(np.int64)
    cnt = np.zeros(n, np.int64)
    best = np.zeros(n, np.int64)
    att = np.zeros(n)
    dfn = np.zeros(n)
    K.vulnerability_kernel(indptr, indices, M, gamma, order, cnt, best, att, dfn)
    return Vulnerability(
        codes=world.codes,
        strength=world.capability,
        vulnerable=readonly(cnt > 0),
        n_attackers=readonly(cnt),
        attacker=readonly(best),
        attack=readonly(att),
        defense=readonly(dfn),
        gamma=gamma,
        indptr=readonly(indptr),
        indices=readonly(indices),
    )


def war_stable(world: Any, gamma: float = 1.0, **kwargs: Any) -> bool:
    """True when no state is vulnerable (:func:`vulnerability`) at ``gamma``.

    This is condition (i) of Jackson and Nei's (2015) *war stability*. Their full
    definition adds stability against the pairwise addition of an alliance and the
    unilateral deletion of one, which depends on the costs and benefits of alliances (and
    of trade) that a World does not carry; foederis reports the part the world determines.
    Jackson and Nei show that with alliances alone no non-empty network is war stable.
    """
    return vulnerability(world, gamma, **kwargs).war_stable
