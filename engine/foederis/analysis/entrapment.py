"""Entrapment: how often a state is drawn into wars it neither starts nor suffers.

The fear of entrapment (Snyder 1984, "The security dilemma in alliance politics", *World
Politics* 36:461-495) is the other face of an alliance's promise: being dragged into a
partner's war over interests one does not share. :func:`entrapment` measures it on a
world: it runs the deterministic cascade of every war of a set (by default each rivalry
dyad, the rival attacking its target, weighted by hostility) in the sweep kernel of the
deterrence map, and counts, for every state, the weight of the others' wars it is drawn
into, on which side, and through which of its commitments.

What it measures is **exposure to being drawn in**: every war a state joins without
starting or suffering it counts, whoever it ends up fighting. That is wider than
Snyder's entrapment, which is being drawn in by an ally *against a state one has no
quarrel with* (an interest one does not share): a state drawn in against its own rival
is, in Snyder's sense, not entrapped. The rivalries of the world are the natural test of
that (a war against a rival serves one's own interest); the measure here does not apply
it, so read ``entrapment`` as an upper bound on entrapment in Snyder's sense;
``entrapment(..., sense="snyder")`` computes that sense as well.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .._constants import KIND_NAMES
from .._gate import (
    check_parallel,
    check_progress,
    check_rules,
    check_stop,
    check_world,
    parse_domain,
)
from .._validate import check_int, check_number, readonly
from ..errors import Interrupted, ParameterError, UnknownStateError
from ..rules import Rules
from ._common import axes
from ._sweep import lane_bytes, sweep

__all__ = ["LANES", "MAX_WARS", "WEIGHTS", "Entrapment", "entrapment"]

#: The named war sets of :func:`entrapment` (a list of pairs is the third choice).
WEIGHTS = ("hostility", "uniform")
#: Accumulator lanes of the sweep: a constant (fewer only when a world is so large that
#: their memory would pass ``_LANE_BUDGET``), never the thread count, so that the
#: weighted sums are the same on any machine.
LANES = 8
_LANE_BUDGET = 512 * 2**20
#: Most wars one call may run (weights="uniform" on a large world asks for n (n - 1)).
MAX_WARS = 50_000_000


# --------------------------------------------------------------------------------------
# the result
# --------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False, repr=False)
class Entrapment:
    """The result of :func:`entrapment` (arrays in the world's state order, read-only).

    Attributes
    ----------
    world, rules, domain
    weights : str
        "hostility", "uniform" or "pairs" (a list was given).
    n_wars : int
        Wars run (pairs of positive weight).
    total_weight : float
        Their summed weight.
    others : float64 array
        Per state, the weight of the wars it neither starts nor suffers.
    drawn_a, drawn_d : float64 arrays
        The weight of those it is drawn into on side A (with the aggressor) / D.
    n_drawn : int64 array
        How many of them it is drawn into (unweighted).
    entrapment, side_a, side_d : float64 arrays
        ``(drawn_a + drawn_d) / others``, ``drawn_a / others``, ``drawn_d / others``
        (NaN for a state party to every war).
    edge_credit : float64 array, per commitment (the world's CSR order)
        The weight of the wars in which the commitment pulled its guarantor in.
    top : int
        Commitments per state in :meth:`responsible_frame`.
    seconds : float
    """

    world: Any
    rules: Rules
    domain: str
    weights: str
    n_wars: int
    total_weight: float
    others: np.ndarray
    drawn_a: np.ndarray
    drawn_d: np.ndarray
    n_drawn: np.ndarray
    entrapment: np.ndarray
    side_a: np.ndarray
    side_d: np.ndarray
    edge_credit: np.ndarray
    top: int
    seconds: float
    #: with ``sense="snyder"``: per state, the weight of the wars it is drawn into against
    #: a side on which it has no rival, and that weight over ``others`` (else None)
    drawn_snyder: np.ndarray | None = None
    snyder: np.ndarray | None = None

    @property
    def drawn(self) -> np.ndarray:
        """Weight of the others' wars each state is drawn into (either side)."""
        return self.drawn_a + self.drawn_d

    def _ranking(self) -> np.ndarray:
        e = np.where(np.isnan(self.entrapment), -np.inf, self.entrapment)
        return np.lexsort((self.world.codes, -self.drawn, -e))

    def _responsible(self) -> tuple[np.ndarray, np.ndarray]:
        """(edges, rank within guarantor) of the pulling commitments, by guarantor then
        credit (largest first) then edge."""
        cr = self.edge_credit
        e = np.flatnonzero(cr > 0)
        g = self.world.guarantors[e]
        o = np.lexsort((e, -cr[e], g))
        e, g = e[o], g[o]
        start = np.r_[0, np.flatnonzero(g[1:] != g[:-1]) + 1] if len(g) else np.zeros(0, int)
        first = np.repeat(start, np.diff(np.r_[start, len(g)])) if len(g) else start
        return e, np.arange(len(e)) - first

    def _edge_columns(self, e: np.ndarray) -> dict[str, np.ndarray]:
        w = self.world
        g = w.guarantors[e]
        return {
            "protege": w.codes[w.indices[e]],
            "kind": np.asarray(KIND_NAMES, dtype=object)[w.kind[e]],
            "treaty": np.asarray([("|".join(w.treaties_of(x)) or None)
                                  for x in np.asarray(e).tolist()], dtype=object),
            "credit": self.edge_credit[e],
            "pulled_share": self.edge_credit[e] / self.drawn[g],
        }

    def to_frame(self) -> pd.DataFrame:
        """Every state, most entrapped first: ``code``, ``name``, ``entrapment``,
        ``side_a``, ``side_d`` (shares of the others' wars), ``drawn`` (their weight),
        ``others`` (weight of the wars it neither starts nor suffers), ``wars_drawn``
        (unweighted count), the commitment that pulls it in most (``protege``, ``kind``,
        ``treaty``: every treaty grounding it, "|"-joined, ``pulled_share``: the share of its entrapment in which that
        commitment pulled), and ``rank`` (1 = most entrapped)."""
        w = self.world
        order = self._ranking()
        e, rk = self._responsible()
        best = np.full(w.n_states, -1, np.int64)
        first = e[rk == 0]
        best[w.guarantors[first]] = first
        b = best[order]
        has = b >= 0
        cols = {}
        for name, v in self._edge_columns(b[has]).items():
            numeric = v.dtype.kind == "f"
            full = np.full(len(b), np.nan if numeric else None,
                           dtype=np.float64 if numeric else object)
            full[has] = v
            cols[name] = full
        out = pd.DataFrame({
            "code": w.codes[order],
            "name": w.names[order],
            "entrapment": self.entrapment[order],
            "side_a": self.side_a[order],
            "side_d": self.side_d[order],
            "drawn": self.drawn[order],
            "others": self.others[order],
            "wars_drawn": self.n_drawn[order],
            "protege": cols["protege"],
            "kind": cols["kind"],
            "treaty": cols["treaty"],
            "pulled_share": cols["pulled_share"],
            "rank": np.arange(1, len(order) + 1),
        })
        return out

    def responsible_frame(self, top: int | None = None) -> pd.DataFrame:
        """The commitments that pull states in, up to ``top`` per state (default: the
        result's ``top``), states most entrapped first: ``guarantor`` (the entrapped
        state), ``protege``, ``kind``, ``treaty`` (every treaty grounding it,
        "|"-joined), ``credit`` (weight of the wars in which
        this commitment pulled the guarantor in), ``pulled_share`` (credit / the
        guarantor's drawn weight), ``rank`` (1 = the commitment that pulls it most)."""
        top = self.top if top is None else check_int("top", top, low=1)
        e, rk = self._responsible()
        keep = rk < top
        e, rk = e[keep], rk[keep]
        g = self.world.guarantors[e]
        pos = np.empty(self.world.n_states, np.int64)
        pos[self._ranking()] = np.arange(self.world.n_states)
        o = np.lexsort((rk, pos[g]))
        e, rk, g = e[o], rk[o], g[o]
        return pd.DataFrame({"guarantor": self.world.codes[g], **self._edge_columns(e),
                             "rank": rk + 1})

    def summary(self, top: int = 10) -> str:
        df = self.to_frame().head(top)
        lines = [
            (f"entrapment in world {self.world.name!r} ({self.domain}): {self.n_wars:,} wars "
             f"({self.weights} weights, total {self.total_weight:.4g}) in "
             f"{self.seconds:.3g} s"),
        ]
        for r in df.itertuples():
            treaty = f" ({r.treaty})" if isinstance(r.treaty, str) and r.treaty else ""
            why = (f"; most pulled by {r.kind.lower()} to {r.protege}{treaty} in "
                   f"{r.pulled_share:.0%}" if isinstance(r.protege, str) else "")
            lines.append(f"  {r.rank:>3} {r.code:<6} {r.entrapment:7.1%} (A {r.side_a:.1%}, "
                         f"D {r.side_d:.1%}){why}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        i = self._ranking()[0] if self.world.n_states else None
        most = (f", most entrapped {self.world.codes[i]} ({self.entrapment[i]:.1%})"
                if i is not None and not math.isnan(self.entrapment[i]) else "")
        return (f"<Entrapment {self.weights}: {self.n_wars:,} wars, {self.seconds:.3g} s"
                f"{most}>")

    def plot(self, ax: Any = None, top: int = 20) -> Any:
        """The ``top`` most entrapped states as horizontal bars, split by side (A: with
        the aggressor, D: with the target). Returns the matplotlib Figure."""
        top = check_int("top", top, low=1)
        fig, ax = axes(ax)
        df = self.to_frame().head(top).iloc[::-1]
        y = np.arange(len(df))
        ax.barh(y, df["side_d"], color="C0", label="drawn in on D (defending)")
        ax.barh(y, df["side_a"], left=df["side_d"], color="C3", label="drawn in on A (attacking)")
        ax.set_yticks(y, df["code"], fontsize=8)
        ax.set_xlabel(f"share of others' wars ({self.weights} weights)")
        ax.set_title(f"entrapment: {self.n_wars:,} wars ({self.domain})")
        ax.legend(fontsize=8, loc="lower right")
        return fig


# --------------------------------------------------------------------------------------
# the wars
# --------------------------------------------------------------------------------------
def _wars(world: Any, weights: Any) -> tuple[str, np.ndarray, np.ndarray, np.ndarray]:
    """(label, aggressors, targets, weights) of the wars; only positive weights kept."""
    n = world.n_states
    if isinstance(weights, str):
        key = weights.strip().lower()
        if key == "hostility":
            src = np.repeat(np.arange(n, dtype=np.int64), np.diff(world.riv_indptr))
            tgt = world.riv_indices.astype(np.int64)
            w = world.riv_hostility.astype(np.float64)
            keep = (w > 0) & (src != tgt)
            if not keep.any():
                what = ("has no rivalries" if world.n_rivalries == 0
                        else "has only rivalries of hostility 0")
                raise ParameterError(
                    f"entrapment(weights='hostility') weighs wars by rivalry hostility, but "
                    f"world {world.name!r} {what}: pass weights='uniform' (every ordered "
                    "pair of states, equally) or a list of (aggressor, target) pairs, or add "
                    "rivalries (World.from_frames(states, commitments, rivalries) with "
                    "columns source, target, hostility)"
                )
            return "hostility", src[keep], tgt[keep], w[keep]
        if key == "uniform":
            if n < 2:
                raise ParameterError(
                    f"entrapment(weights='uniform'): world {world.name!r} has {n} state(s); "
                    "a war needs two"
                )
            if n * (n - 1) > MAX_WARS:
                raise ParameterError(
                    f"entrapment(weights='uniform') on {n:,} states would run n (n - 1) = "
                    f"{n * (n - 1):,} wars (more than MAX_WARS = {MAX_WARS:,}); use "
                    "weights='hostility' or pass a sample of (aggressor, target) pairs"
                )
            a, t = np.divmod(np.arange(n * n, dtype=np.int64), n)
            keep = a != t
            return "uniform", a[keep], t[keep], np.ones(int(keep.sum()))
        raise ParameterError(
            f"weights must be one of {', '.join(repr(x) for x in WEIGHTS)} or a list of "
            f"(aggressor, target[, weight]) pairs, got {weights!r}"
        )
    return ("pairs",) + _pair_list(world, weights)


def _snyder(world: Any, agg: np.ndarray, tgt: np.ndarray, wgt: np.ndarray, rules: Rules,
            domain: str) -> np.ndarray:
    """Per state, the weight of the wars it is drawn into against a side holding none of
    its rivals (Snyder's entrapment), one public cascade per war."""
    from .._cascade import cascade

    n = world.n_states
    src = np.repeat(np.arange(n, dtype=np.int64), np.diff(world.riv_indptr))
    dst = world.riv_indices.astype(np.int64)
    pos = world.riv_hostility > 0
    rival = np.zeros((n, n), bool)
    rival[src[pos], dst[pos]] = True
    rival |= rival.T
    codes = world.codes
    out = np.zeros(n)
    for a, t, w in zip(agg, tgt, wgt):
        side = np.asarray(cascade(world, [(codes[a], codes[t])], rules, domain=domain).side)
        drawn = side > 0
        drawn[[a, t]] = False
        for s in np.flatnonzero(drawn):
            enemy = side == (3 - side[s])
            if not rival[s, enemy].any():
                out[s] += w
    return out


def _pair_list(world: Any, pairs: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if isinstance(pairs, pd.DataFrame):
        cols = {c.lower(): c for c in pairs.columns}
        a_col = cols.get("aggressor", cols.get("source"))
        t_col = cols.get("target")
        w_col = cols.get("weight", cols.get("hostility"))
        if a_col is None or t_col is None:
            raise ParameterError(
                "weights as a DataFrame needs columns aggressor (or source) and target, and "
                f"optionally weight; got {list(pairs.columns)}"
            )
        rows = list(zip(pairs[a_col], pairs[t_col],
                        pairs[w_col] if w_col is not None else [1.0] * len(pairs)))
    else:
        try:
            items = list(pairs)
        except TypeError:
            raise ParameterError(
                f"weights must be 'hostility', 'uniform' or a list of (aggressor, target"
                f"[, weight]) pairs, got {pairs!r}"
            ) from None
        rows = []
        for k, item in enumerate(items):
            if isinstance(item, str):
                parts = item.split(":")
                if len(parts) != 2:
                    raise ParameterError(f"weights: pair {k} {item!r} must look like "
                                         "'AGGRESSOR:TARGET'")
                rows.append((parts[0].strip(), parts[1].strip(), 1.0))
            elif isinstance(item, (tuple, list)) and len(item) in (2, 3):
                rows.append((item[0], item[1], item[2] if len(item) == 3 else 1.0))
            else:
                raise ParameterError(f"weights: pair {k} {item!r} must be (aggressor, target) "
                                     "or (aggressor, target, weight)")
    if not rows:
        raise ParameterError("weights: the list of wars is empty; give at least one "
                             "(aggressor, target) pair")
    agg = np.empty(len(rows), np.int64)
    tgt = np.empty(len(rows), np.int64)
    wgt = np.empty(len(rows), np.float64)
    for k, (a, t, w) in enumerate(rows):
        for arr, x in ((agg, a), (tgt, t)):
            if isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_)):
                if not 0 <= int(x) < world.n_states:
                    raise UnknownStateError(f"weights: pair {k}: state index {int(x)} is out "
                                            f"of range 0..{world.n_states - 1}")
                arr[k] = int(x)
            elif isinstance(x, str):
                try:
                    arr[k] = world.index(x.strip())
                except UnknownStateError as e:
                    raise UnknownStateError(f"weights: pair {k}: {e}") from None
            else:
                raise ParameterError(f"weights: pair {k}: a state must be a code or an index, "
                                     f"got {x!r}")
        wgt[k] = check_number(f"weights: pair {k} weight", w, low=0)
    keep = (agg != tgt) & (wgt > 0)
    if not keep.any():
        raise ParameterError("weights: no war left: every pair has weight 0 or a state "
                             "attacking itself")
    return agg[keep], tgt[keep], wgt[keep]


# --------------------------------------------------------------------------------------
# the public function
# --------------------------------------------------------------------------------------
def entrapment(
    world: Any,
    rules: Rules | None = None,
    weights: Any = "hostility",
    *,
    top: int = 3,
    domain: str = "conventional",
    progress: Callable[[int, int], Any] | None = None,
    stop: Any = None,
    parallel: bool | None = None,
    sense: str = "exposure",
    memory_budget: Any = "config",
    time_budget: Any = "config",
) -> Entrapment:
    """For each state, the share of the others' wars it is drawn into, by side, and the
    commitments that pull it in.

    The wars: with ``weights="hostility"`` (default) every rivalry dyad i -> j of the world
    is a war in which i attacks j, weighted by its hostility; with ``"uniform"`` every
    ordered pair of states, weight 1; or a list of ``(aggressor, target)`` /
    ``(aggressor, target, weight)`` pairs (or a DataFrame with columns aggressor,
    target[, weight]). Each war is the deterministic :func:`foederis.cascade` of that
    attack under ``rules`` and ``domain``.

    For state i, with w_k the weight of war k:

    - ``others[i]`` = sum of w_k over the wars in which i is neither aggressor nor target;
    - ``drawn_a[i]``, ``drawn_d[i]`` = sum of w_k over those in which i joins side A / D
      (necessarily in a round >= 1: drawn in);
    - ``entrapment[i] = (drawn_a + drawn_d) / others`` (``side_a``, ``side_d`` the two
      parts); NaN when i is party to every war.

    The commitments responsible: a commitment i -> j *pulls i in* to war k when i joins in
    round r, j joined the same side in an earlier round, the commitment covers the domain
    and its pull (kind weight x credibility x trigger) is positive: the rows of
    :attr:`foederis.Cascade.why`. Its ``edge_credit`` is the sum of w_k over the wars in
    which it pulls; the commitment of i with the largest credit is the one that pulls i
    in most often, weighted (ties: the first in the world's CSR order).

    Computed in the sweep kernel of :func:`deterrence_map` (one call per block of wars, no
    Python per war); memory: a fixed number of accumulator lanes of O(states +
    commitments) each, whatever the number of wars. The sums are reproducible: they do
    not depend on the thread count.

    Parameters
    ----------
    world : foederis.World
    rules : foederis.Rules, optional
    weights : "hostility", "uniform", or a list of pairs
    top : int, default 3
        Commitments per state in :meth:`Entrapment.responsible_frame`.
    domain : str, default "conventional"
    progress : callable(done, total), optional
        Called after each block of wars.
    stop : threading.Event or callable, optional
        Checked between blocks; when set, :class:`foederis.Interrupted` is raised (shares
        over part of the wars would be biased).
    parallel : bool or None
        Force serial or parallel; identical results either way.
    sense : "exposure" (default) or "snyder"
        ``"exposure"``: the shares above (exposure to being drawn in). ``"snyder"`` also
        fills ``drawn_snyder`` and ``snyder``: entrapment in Snyder's (1984) sense, the
        weight of the wars a state is drawn into (neither aggressor nor target) while it
        has no rivalry, in either direction, with any state of the side it fights, over
        ``others``. Runs :func:`foederis.cascade` once per war in Python (slower).
    memory_budget, time_budget : "config", number or None
        As for :func:`foederis.simulate` (BudgetError above them).

    Raises
    ------
    ParameterError
        ``weights="hostility"`` on a world without rivalries (pass ``"uniform"`` or add
        rivalries), an empty or malformed pair list, too many wars, bad top / rules /
        domain.
    UnknownStateError
        A code in the pair list that the world does not contain.
    Interrupted
        ``stop`` was set, or Ctrl-C.

    Examples
    --------
    A guarantees B; C is B's rival. In the war C -> B, A is drawn in on B's side:

    >>> from foederis import World
    >>> from foederis.analysis import entrapment
    >>> w = World.from_arrays(["A", "B", "C"], [1.0, 0.2, 0.5], guarantor=[0],
    ...     protege=[1], kind=["guarantee"], rivalry_source=[2], rivalry_target=[1],
    ...     hostility=[0.5])
    >>> e = entrapment(w)
    >>> e.to_frame()[["code", "entrapment", "side_d", "protege", "kind"]].head(1)
      code  entrapment  side_d protege       kind
    0    A         1.0     1.0       B  GUARANTEE
    """
    world = check_world(world)
    rules = check_rules(rules)
    dname, dbit = parse_domain(domain)
    top = check_int("top", top, low=1)
    stopped = check_stop(stop)
    progress = check_progress(progress)
    parallel = check_parallel(parallel)
    if sense not in ("exposure", "snyder"):
        raise ParameterError(f"sense must be 'exposure' or 'snyder', got {sense!r}")
    label, agg, tgt, wgt = _wars(world, weights)
    n = world.n_states
    lanes = max(1, min(LANES, len(agg),
                       _LANE_BUDGET // lane_bytes(n, world.n_commitments, 0, 0, True)))
    res = sweep(world, agg, tgt, rules, dbit, weights=wgt, lanes=lanes,
                 progress=progress, stop=stopped, parallel=parallel,
                 what=f"entrapment over {len(agg):,} wars", memory_budget=memory_budget,
                 time_budget=time_budget)
    if res.interrupted:
        raise Interrupted(
            f"entrapment {'interrupted' if res.keyboard else 'stopped'} after {res.done:,} "
            f"of {len(agg):,} wars; shares over part of the wars would be biased, so no "
            "result is returned"
        )
    ent_w = np.zeros(2 * n)
    ent_n = np.zeros(2 * n, np.int64)
    credit = np.zeros(world.n_commitments)
    for lane in range(lanes):  # in lane order: reproducible sums
        ent_w += res.ent_w[lane]
        ent_n += res.ent_n[lane]
        credit += res.credit[lane]
    total = float(wgt.sum())
    party = np.bincount(agg, weights=wgt, minlength=n) + np.bincount(tgt, weights=wgt,
                                                                     minlength=n)
    others = np.maximum(total - party, 0.0)
    others[np.isclose(others, 0.0, rtol=0.0, atol=1e-12 * max(total, 1.0))] = 0.0
    drawn_a = ent_w[0::2].copy()
    drawn_d = ent_w[1::2].copy()
    with np.errstate(invalid="ignore", divide="ignore"):
        pos = others > 0
        share_a = np.where(pos, drawn_a / np.where(pos, others, 1.0), np.nan)
        share_d = np.where(pos, drawn_d / np.where(pos, others, 1.0), np.nan)
        share = np.where(pos, (drawn_a + drawn_d) / np.where(pos, others, 1.0), np.nan)
    snyder_w = snyder = None
    if sense == "snyder":
        snyder_w = readonly(_snyder(world, agg, tgt, wgt, rules, dname))
        with np.errstate(invalid="ignore", divide="ignore"):
            snyder = readonly(np.where(pos, snyder_w / np.where(pos, others, 1.0), np.nan))
    return Entrapment(
        drawn_snyder=snyder_w, snyder=snyder,
        world=world, rules=rules, domain=dname, weights=label, n_wars=len(agg),
        total_weight=total, others=readonly(others), drawn_a=readonly(drawn_a),
        drawn_d=readonly(drawn_d), n_drawn=readonly(ent_n[0::2] + ent_n[1::2]),
        entrapment=readonly(share), side_a=readonly(share_a), side_d=readonly(share_d),
        edge_credit=readonly(credit), top=top, seconds=res.seconds,
    )
