"""Alliance blocs by community detection, and the polarity of the system."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._constants import KIND_NAMES
from .._gate import check_world
from .._validate import check_int, check_number, readonly, shown
from ..errors import ParameterError, WorldError
from ._common import (
    ALLIANCE_KINDS,
    DEFENSE_KINDS,
    axes,
    kind_codes,
    kind_weights,
    undirected_pairs,
)

__all__ = ["ALLIANCE_KINDS", "DEFENSE_KINDS", "Blocs", "Polarity", "blocs", "polarity"]


def _seeded_igraph(seed: int) -> Any:
    """Context: igraph's random generator replaced by ``random.Random(seed)``."""
    import contextlib

    import igraph as ig

    @contextlib.contextmanager
    def ctx():
        ig.set_random_number_generator(random.Random(seed))
        try:
            yield
        finally:
            # igraph cannot report its current generator; put back its default.
            ig.set_random_number_generator(random)

    return ctx()


# --------------------------------------------------------------------------------------
# blocs
# --------------------------------------------------------------------------------------
_ALGORITHMS = ("leiden", "louvain", "walktrap", "infomap")


@dataclass(frozen=True, eq=False)
class Blocs:
    """Alliance blocs found by community detection (see :func:`blocs`).

    Attributes
    ----------
    codes : str array, every state of the world in its order
    bloc : int64 array, the bloc of each state; blocs are numbered 0, 1, ... by
        decreasing capability; -1 = unaligned (no alliance tie of the chosen kinds)
    n_blocs : number of blocs (unaligned states not counted)
    modularity : weighted modularity of the partition (unaligned states left out)
    capability_share : float64 array, each bloc's share of the world's capability
    leader : str array, each bloc's most capable member
    algorithm, seed, resolution, kinds : how it was computed; n_edges: alliance links
    """

    codes: np.ndarray
    names: np.ndarray
    capability: np.ndarray
    bloc: np.ndarray
    n_blocs: int
    modularity: float
    capability_share: np.ndarray
    leader: np.ndarray
    algorithm: str
    seed: int
    resolution: float
    n_edges: int
    kinds: tuple[str, ...] = DEFENSE_KINDS

    def __repr__(self) -> str:
        return (
            f"<Blocs: {self.n_blocs} blocs ({self.algorithm}, modularity {self.modularity:.3f}), "
            f"{int((self.bloc < 0).sum())} unaligned of {len(self.codes)} states>"
        )

    def members(self, b: int) -> list[str]:
        """Codes of the members of bloc ``b`` (-1 for the unaligned)."""
        if not (b == -1 or 0 <= b < self.n_blocs):
            raise ParameterError(f"b must be -1 (unaligned) or a bloc in 0..{self.n_blocs - 1}, got {shown(b)}")
        return self.codes[self.bloc == b].tolist()

    @property
    def unaligned(self) -> list[str]:
        return self.members(-1)

    def bloc_of(self, code: str) -> int:
        hit = np.flatnonzero(self.codes == code)
        if not len(hit):
            from ..errors import UnknownStateError

            raise UnknownStateError(f"unknown state {shown(code)}")
        return int(self.bloc[hit[0]])

    def to_frame(self) -> pd.DataFrame:
        """One row per state: code, name, bloc, bloc leader, capability, share of the
        world's capability; sorted by bloc (unaligned last) then capability."""
        total = float(self.capability.sum()) or 1.0
        leader = np.where(self.bloc >= 0, self.leader[np.maximum(self.bloc, 0)], "")
        df = pd.DataFrame(
            {
                "code": self.codes,
                "name": self.names,
                "bloc": self.bloc,
                "leader": leader,
                "capability": self.capability,
                "share": self.capability / total,
            }
        )
        key = np.where(df["bloc"] < 0, np.iinfo(np.int64).max, df["bloc"])
        df = df.assign(_k=key).sort_values(["_k", "capability", "code"],
                                           ascending=[True, False, True])
        return df.drop(columns="_k").reset_index(drop=True)

    def summary_frame(self) -> pd.DataFrame:
        """One row per bloc (then one for the unaligned): bloc, leader, members,
        capability share, member codes."""
        rows = []
        for b in range(self.n_blocs):
            m = self.bloc == b
            rows.append((b, str(self.leader[b]), int(m.sum()), float(self.capability_share[b]),
                         ", ".join(self._sorted_members(m))))
        m = self.bloc < 0
        if m.any():
            total = float(self.capability.sum()) or 1.0
            rows.append((-1, "(unaligned)", int(m.sum()), float(self.capability[m].sum() / total),
                         ", ".join(self._sorted_members(m))))
        return pd.DataFrame(rows, columns=["bloc", "leader", "members", "share", "codes"])

    def _sorted_members(self, m: np.ndarray) -> list[str]:
        idx = np.flatnonzero(m)
        idx = idx[np.lexsort((self.codes[idx], -self.capability[idx]))]
        return self.codes[idx].tolist()

    def plot(self, ax: Any = None, *, world: Any = None, seed: int | None = None) -> Any:
        """Blocs' capability shares as bars (or, given ``world``, the alliance network
        drawn with a seeded Fruchterman-Reingold layout, states coloured by bloc).
        Returns the matplotlib Figure."""
        fig, ax = axes(ax)
        if world is None:
            df = self.summary_frame()
            labels = [f"{r.leader}\n({r.members})" for r in df.itertuples()]
            colors = [f"C{b % 10}" if b >= 0 else "0.6" for b in df["bloc"]]
            ax.bar(range(len(df)), df["share"], color=colors)
            ax.set_xticks(range(len(df)), labels, fontsize=8)
            ax.set_ylabel("share of world capability")
            ax.set_title(f"{self.n_blocs} alliance blocs ({self.algorithm}, Q = {self.modularity:.2f})")
            return fig
        import igraph as ig

        world = check_world(world)
        u, v, _ = undirected_pairs(world, kind_codes(self.kinds, DEFENSE_KINDS))
        g = ig.Graph(n=world.n_states, edges=np.column_stack([u, v]), directed=False)
        with _seeded_igraph(self.seed if seed is None else seed):
            xy = np.asarray(g.layout_fruchterman_reingold().coords)
        from matplotlib.collections import LineCollection

        if len(u):
            ax.add_collection(LineCollection(np.stack([xy[u], xy[v]], axis=1), colors="0.8",
                                             linewidths=0.5, zorder=1))
        cap = self.capability
        size = 10 + 300 * np.sqrt(cap / (cap.max() or 1.0))
        colors = [f"C{b % 10}" if b >= 0 else "0.6" for b in self.bloc]
        ax.scatter(xy[:, 0], xy[:, 1], s=size, c=colors, zorder=2, edgecolors="white",
                   linewidths=0.5)
        top = np.argsort(-cap, kind="stable")[:15]
        for i in top:
            ax.annotate(str(self.codes[i]), xy[i], fontsize=7, ha="center", va="center", zorder=3)
        ax.set_axis_off()
        ax.set_title(f"{self.n_blocs} alliance blocs ({self.algorithm})")
        return fig


def blocs(
    world: Any,
    *,
    seed: int = 0,
    algorithm: str = "leiden",
    resolution: float = 1.0,
    kinds: Iterable[str] | None = None,
    entente_weight: float = 0.25,
) -> Blocs:
    """Alliance blocs: communities of the undirected, credibility-weighted alliance graph.

    The graph: states are vertices; two states are linked when either has a commitment of
    one of ``kinds`` to the other, by default :data:`DEFENSE_KINDS` (DEFENSE, GUARANTEE,
    OFFENSE: the promises to fight). The weight of a link is the sum of ``credibility *
    kind_weight`` over those commitments in both directions (kind weight 1; ENTENTE, when
    asked for through ``kinds``, weighs ``entente_weight`` as in the cascade rules), so a
    mutual pact weighs twice a one-way guarantee. States with no such tie are
    **unaligned** (bloc -1), not blocs of one.

    Why not ENTENTE by default: consultation pacts form large cliques (the SCO joins
    China, Russia, India, Pakistan and Iran) and modularity, whose null model expects
    much weight on the ties of a hub such as the United States, then files the hub's
    weaker partners with the clique. With ``kinds=ALLIANCE_KINDS`` they count.

    Algorithm: **Leiden** (Traag, Waltman and van Eck 2019, *Sci. Rep.* 9:5233)
    maximising weighted modularity (``objective_function="modularity"``, iterated until
    stable). Modularity is the standard objective for "groups more tied inside than
    chance predicts" and needs no number of blocs; Leiden improves on Louvain by
    guaranteeing connected communities (Louvain can return a bloc whose members are tied
    only through another bloc). It is randomised: igraph's generator is seeded with
    ``seed`` for the call (and igraph's default generator, Python's ``random`` module, is
    put back afterwards), so a result depends on (world, parameters, seed) only.
    Alternatives: "louvain" (igraph ``community_multilevel``), "walktrap" (deterministic,
    cut at maximal modularity), "infomap" (flow-based).

    Parameters
    ----------
    world : World
    seed : int >= 0
    algorithm : {"leiden", "louvain", "walktrap", "infomap"}
    resolution : float > 0
        Modularity resolution (leiden, louvain); higher gives more, smaller blocs.
    kinds : kind names, optional
    entente_weight : float in [0, 1]

    Returns
    -------
    Blocs
        Blocs numbered by decreasing capability; ``to_frame()`` per state,
        ``summary_frame()`` per bloc, ``plot()``.

    Examples
    --------
    >>> import pandas as pd, foederis
    >>> from foederis.analysis import blocs
    >>> states = pd.DataFrame({"code": list("ABCDEF"), "capability": [5, 1, 1, 4, 1, 1]})
    >>> pacts = pd.DataFrame({"guarantor": list("ABCDEF"), "protege": list("BCAEFD"),
    ...                       "kind": "defense"})
    >>> b = blocs(foederis.World.from_frames(states, pacts))
    >>> b.n_blocs, b.members(0), b.members(1)
    (2, ['A', 'B', 'C'], ['D', 'E', 'F'])
    """
    import igraph as ig

    world = check_world(world)
    seed = check_int("seed", seed, low=0)
    if algorithm not in _ALGORITHMS:
        raise ParameterError(f"algorithm must be one of {', '.join(_ALGORITHMS)}, got {shown(algorithm)}")
    resolution = check_number("resolution", resolution, low=0, low_open=True)
    entente_weight = check_number("entente_weight", entente_weight, low=0, high=1)
    kc = kind_codes(kinds, DEFENSE_KINDS)
    n = world.n_states
    if n == 0:
        raise WorldError("blocs: the world has no states")
    u, v, w = undirected_pairs(world, kc, kind_weight=kind_weights(entente_weight))
    bloc = np.full(n, -1, np.int64)
    modularity = 0.0
    if len(u):
        aligned = np.zeros(n, bool)
        aligned[u] = True
        aligned[v] = True
        idx = np.flatnonzero(aligned)
        local = np.full(n, -1, np.int64)
        local[idx] = np.arange(len(idx))
        g = ig.Graph(n=len(idx), edges=np.column_stack([local[u], local[v]]), directed=False)
        g.es["weight"] = w
        with _seeded_igraph(seed):
            if algorithm == "leiden":
                cl = g.community_leiden(objective_function="modularity", weights="weight",
                                        resolution=resolution, n_iterations=-1)
            elif algorithm == "louvain":
                cl = g.community_multilevel(weights="weight", resolution=resolution)
            elif algorithm == "walktrap":
                cl = g.community_walktrap(weights="weight").as_clustering()
            else:
                cl = g.community_infomap(edge_weights="weight", trials=10)
        memb = np.asarray(cl.membership, np.int64)
        modularity = float(g.modularity(memb.tolist(), weights="weight", resolution=resolution))
        # number blocs by decreasing capability (ties: smallest member index)
        k = memb.max() + 1
        capb = np.bincount(memb, weights=world.capability[idx], minlength=k)
        first = np.full(k, len(idx), np.int64)
        np.minimum.at(first, memb, np.arange(len(idx)))
        rank = np.lexsort((first, -capb))
        relabel = np.empty(k, np.int64)
        relabel[rank] = np.arange(k)
        bloc[idx] = relabel[memb]
    n_blocs = int(bloc.max() + 1) if n else 0
    total = float(world.capability.sum())
    capb = np.bincount(bloc[bloc >= 0], weights=world.capability[bloc >= 0], minlength=n_blocs)
    share = capb / total if total > 0 else np.zeros(n_blocs)
    leader = np.empty(n_blocs, dtype=world.codes.dtype)
    for b in range(n_blocs):
        m = np.flatnonzero(bloc == b)
        leader[b] = world.codes[m[np.argmax(world.capability[m])]]
    return Blocs(
        codes=world.codes,
        names=world.names,
        capability=world.capability,
        bloc=readonly(bloc),
        n_blocs=n_blocs,
        modularity=modularity,
        capability_share=readonly(share),
        leader=readonly(leader),
        algorithm=algorithm,
        seed=seed,
        resolution=resolution,
        n_edges=len(u),
        kinds=tuple(KIND_NAMES[k] for k in kc),
    )


# --------------------------------------------------------------------------------------
# polarity
# --------------------------------------------------------------------------------------
def _polarity_label(n_poles: int) -> str:
    return {0: "nonpolar", 1: "unipolar", 2: "bipolar"}.get(n_poles, "multipolar")


@dataclass(frozen=True, eq=False)
class Polarity:
    """Capability concentration and poles of a world (see :func:`polarity`).

    Attributes
    ----------
    hhi : Herfindahl-Hirschman index of capability shares, sum of s_i^2
    con : Ray-Singer concentration, sqrt((hhi - 1/N) / (1 - 1/N)) in [0, 1]
    effective_poles : 1 / hhi (Laakso-Taagepera effective number)
    poles : codes of the states with share >= threshold; ``n_poles``, ``label``
    bloc_hhi, bloc_effective_poles, bloc_poles, n_bloc_poles, bloc_label : the same over
        blocs (each unaligned state counts as a unit of its own)
    """

    threshold: float
    hhi: float
    con: float
    effective_poles: float
    poles: tuple[str, ...]
    n_poles: int
    label: str
    bloc_hhi: float
    bloc_effective_poles: float
    bloc_poles: tuple[str, ...]
    n_bloc_poles: int
    bloc_label: str
    codes: np.ndarray
    share: np.ndarray
    unit_names: np.ndarray
    unit_share: np.ndarray
    blocs: Blocs

    def __repr__(self) -> str:
        return (
            f"<Polarity: {self.label} ({', '.join(self.poles) or 'no pole'}), HHI {self.hhi:.3f}, "
            f"{self.effective_poles:.1f} effective poles; blocs: {self.bloc_label}>"
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per unit: level ("state" or "bloc"), unit (code, or "bloc N (LEADER)"
        or an unaligned state's code), share, pole; largest first within each level."""
        o = np.argsort(-self.share, kind="stable")
        st = pd.DataFrame({"level": "state", "unit": self.codes[o], "share": self.share[o],
                           "pole": self.share[o] >= self.threshold})
        ob = np.argsort(-self.unit_share, kind="stable")
        bl = pd.DataFrame({"level": "bloc", "unit": self.unit_names[ob],
                           "share": self.unit_share[ob],
                           "pole": self.unit_share[ob] >= self.threshold})
        return pd.concat([st, bl], ignore_index=True)

    def summary(self) -> pd.Series:
        """The measures as a Series (for printing)."""
        return pd.Series(
            {
                "threshold": self.threshold,
                "hhi": self.hhi,
                "con": self.con,
                "effective_poles": self.effective_poles,
                "n_poles": self.n_poles,
                "poles": ", ".join(self.poles),
                "label": self.label,
                "bloc_hhi": self.bloc_hhi,
                "bloc_effective_poles": self.bloc_effective_poles,
                "n_bloc_poles": self.n_bloc_poles,
                "bloc_poles": ", ".join(self.bloc_poles),
                "bloc_label": self.bloc_label,
            },
            dtype=object,
        )

    def plot(self, ax: Any = None, *, top: int = 12) -> Any:
        """Capability shares of the largest states and blocs with the pole threshold.
        Returns the matplotlib Figure."""
        fig, ax = axes(ax)
        df = self.to_frame()
        st = df[df.level == "state"].head(top)
        bl = df[df.level == "bloc"].head(top)
        x1 = np.arange(len(st))
        x2 = np.arange(len(bl)) + len(st) + 1
        ax.bar(x1, st["share"], color=np.where(st["pole"], "C3", "C0"))
        ax.bar(x2, bl["share"], color=np.where(bl["pole"], "C3", "C2"))
        ax.axhline(self.threshold, color="k", lw=0.8, ls="--")
        ax.set_xticks(np.r_[x1, x2], list(st["unit"]) + list(bl["unit"]), rotation=90,
                      fontsize=7)
        ax.set_ylabel("share of world capability")
        ax.set_title(
            f"states: {self.label} (HHI {self.hhi:.3f}, {self.effective_poles:.1f} effective); "
            f"blocs: {self.bloc_label}",
            fontsize=9,
        )
        return fig


def polarity(
    world: Any,
    *,
    threshold: float = 0.10,
    blocs_result: Blocs | None = None,
    seed: int = 0,
) -> Polarity:
    """Capability concentration and the number of poles.

    With capability shares s_i = capability_i / sum capability over the N states:

    - ``hhi`` = sum_i s_i^2 (Herfindahl-Hirschman), ``effective_poles`` = 1 / hhi
      (Laakso and Taagepera's effective number);
    - ``con`` = sqrt((hhi - 1/N) / (1 - 1/N)), Ray and Singer's (1973) concentration
      index used with the COW CINC scores (0: equal shares, 1: one state holds all);
    - **pole rule**: a pole is a state (or a bloc) holding at least ``threshold`` (default
      10 %) of the world's capability; 0 poles is "nonpolar", 1 "unipolar", 2 "bipolar",
      3 or more "multipolar".

    The same measures over blocs use :func:`blocs` (Leiden, ``seed``; or pass
    ``blocs_result``), each unaligned state counting as a unit of its own.

    Capability is whatever the world carries (CINC shares for the ATOP worlds, military
    expenditure for the contemporary one): the measures read it as given.

    Examples
    --------
    >>> import pandas as pd, foederis
    >>> from foederis.analysis import polarity
    >>> w = foederis.World.from_frames(pd.DataFrame({"code": list("ABCD"),
    ...                                              "capability": [0.5, 0.3, 0.1, 0.1]}))
    >>> p = polarity(w)
    >>> round(p.hhi, 2), p.n_poles, p.label, p.poles
    (0.36, 4, 'multipolar', ('A', 'B', 'C', 'D'))
    """
    world = check_world(world)
    threshold = check_number("threshold", threshold, low=0, high=1, low_open=True)
    n = world.n_states
    if n == 0:
        raise WorldError("polarity: the world has no states")
    total = float(world.capability.sum())
    if not total > 0:
        raise WorldError(
            f"polarity: every state of world {shown(world.name)} has capability 0; shares are undefined"
        )
    if blocs_result is None:
        blocs_result = blocs(world, seed=seed)
    elif not isinstance(blocs_result, Blocs) or len(blocs_result.codes) != n or not np.array_equal(
        blocs_result.codes, world.codes
    ):
        raise ParameterError("blocs_result must be the result of blocs() on this same world")
    s = world.capability / total
    hhi = float(np.sum(s * s))
    con = float(np.sqrt(max(hhi - 1.0 / n, 0.0) / (1.0 - 1.0 / n))) if n > 1 else 1.0
    order = np.argsort(-s, kind="stable")
    poles = tuple(world.codes[order][s[order] >= threshold].tolist())
    # units: blocs, then each unaligned state
    b = blocs_result.bloc
    nb = blocs_result.n_blocs
    un = np.flatnonzero(b < 0)
    unit_share = np.r_[blocs_result.capability_share, s[un]]
    unit_names = np.asarray(
        [f"bloc {k} ({blocs_result.leader[k]})" for k in range(nb)] + world.codes[un].tolist(),
        dtype=str,
    )
    bhhi = float(np.sum(unit_share**2))
    ob = np.argsort(-unit_share, kind="stable")
    bpoles = tuple(unit_names[ob][unit_share[ob] >= threshold].tolist())
    return Polarity(
        threshold=threshold,
        hhi=hhi,
        con=con,
        effective_poles=1.0 / hhi,
        poles=poles,
        n_poles=len(poles),
        label=_polarity_label(len(poles)),
        bloc_hhi=bhhi,
        bloc_effective_poles=1.0 / bhhi,
        bloc_poles=bpoles,
        n_bloc_poles=len(bpoles),
        bloc_label=_polarity_label(len(bpoles)),
        codes=world.codes,
        share=readonly(s),
        unit_names=readonly(unit_names),
        unit_share=readonly(unit_share),
        blocs=blocs_result,
    )
