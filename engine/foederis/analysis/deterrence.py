"""The deterrence map: the cascade of every (aggressor, target) pair, in one kernel sweep.

For each pair the question is the one :func:`foederis.cascade` answers for a single
attack: who is drawn in, and does the defending coalition out-weigh the attacker (or is
the target under a nuclear umbrella)? :func:`deterrence_map` asks it for every pair of a
set of aggressors and a set of targets inside numba (:mod:`foederis._kernels.sweep`), with no
Python per pair, and returns matrices over codes. With ``samples`` it also runs, per
pair, the Monte Carlo ensemble of :func:`foederis.simulate` (same draws: the map's
``p_deterred[a, t]`` equals ``simulate(world, (a, t), samples=k, seed=seed).p_deterred``).

The sweep driver (:mod:`._sweep`) is shared with :mod:`.entrapment`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from .._cluster import check_blocks, check_client, run_on_cluster
from .._gate import (
    check_mode,
    check_parallel,
    check_progress,
    check_rules,
    check_seed,
    check_stop,
    check_world,
    parse_domain,
)
from .._validate import check_int, readonly, shown
from ..errors import Interrupted, ParameterError, UnknownStateError
from ..rules import Rules
from ._common import axes, state_selection
from ._sweep import sweep

__all__ = ["MAX_PAIRS", "ORDERS", "VALUES", "DeterrenceMap", "deterrence_map",
           "deterrence_map_distributed"]

#: Keys of :meth:`DeterrenceMap.order_by`.
ORDERS = ("region", "bloc", "capability", "code", "input")
#: Matrices of a :class:`DeterrenceMap` (``p_deterred`` and ``mean_war_size`` when sampled).
VALUES = ("balance", "deterred", "umbrella", "war_size", "n_rounds", "capability_a",
          "capability_d", "p_deterred", "mean_war_size")
#: Most (aggressor x target) cells one map may hold (its matrices take ~40 bytes a cell):
#: beyond it, pass a sample of aggressors and targets.
MAX_PAIRS = 25_000_000


# --------------------------------------------------------------------------------------
# the result
# --------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False, repr=False)
class DeterrenceMap:
    """The result of :func:`deterrence_map`: matrices over (aggressor row, target column).

    Attributes
    ----------
    world, rules, domain
        What was asked.
    aggressors, targets : str arrays
        Codes of the rows and of the columns.
    computed : bool matrix
        Cells that hold a cascade: False where aggressor == target (a state does not
        attack itself) and for pairs a ``stop`` left undone.
    balance : float64 matrix
        capability(D) / capability(A) at the end of the cascade (inf when A has none and D
        some, NaN when neither has any, or the cell is not computed).
    deterred, umbrella : bool matrices
        As :attr:`foederis.Cascade.deterred` / ``umbrella`` (False where not computed).
    war_size : int64 matrix
        States drawn in, both sides, aggressor and target included (0 where not computed).
    n_rounds : int32 matrix
        Last round in which somebody joined (-1 where not computed).
    capability_a, capability_d : float64 matrices
        Capability of each side at the end (NaN where not computed).
    samples, mode, seed
        The Monte Carlo ensemble per pair (``samples`` None: none was run).
    p_deterred, mean_war_size : float64 matrices or None
        Per pair, the share of samples in which the attack is deterred and the mean war
        size over the samples (None without ``samples``).
    n_pairs : int
        Cells computed.
    seconds : float
        Wall time of the sweep (numba's one-off compile or cache load of the kernels, on
        a process's first call, not counted).
    parallel : bool
        Whether the parallel kernel ran (results are identical either way).
    interrupted : bool
        True when ``stop`` ended the sweep early.
    """

    world: Any
    rules: Rules
    domain: str
    aggressors: np.ndarray
    targets: np.ndarray
    computed: np.ndarray
    balance: np.ndarray
    deterred: np.ndarray
    umbrella: np.ndarray
    war_size: np.ndarray
    n_rounds: np.ndarray
    capability_a: np.ndarray
    capability_d: np.ndarray
    samples: int | None
    mode: str
    seed: int
    p_deterred: np.ndarray | None
    mean_war_size: np.ndarray | None
    n_pairs: int
    seconds: float
    parallel: bool
    interrupted: bool

    # ------------------------------------------------------------------ views
    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.aggressors), len(self.targets))

    @property
    def share_deterred(self) -> float:
        """Share of the computed pairs whose attack is deterred."""
        return float(self.deterred[self.computed].mean()) if self.n_pairs else math.nan

    def _cell(self, aggressor: str, target: str) -> tuple[int, int]:
        def find(codes: np.ndarray, code: Any, what: str) -> int:
            hit = np.flatnonzero(codes == code)
            if not len(hit):
                raise UnknownStateError(f"{shown(code)} is not one of the map's {what} "
                                        f"({len(codes)} states)")
            return int(hit[0])

        return find(self.aggressors, aggressor, "aggressors"), find(self.targets, target,
                                                                    "targets")

    def pair(self, aggressor: str, target: str) -> dict[str, Any]:
        """Every value of one cell as a dict (``dm[aggressor, target]`` does the same)."""
        r, c = self._cell(aggressor, target)
        out: dict[str, Any] = {"aggressor": aggressor, "target": target,
                               "computed": bool(self.computed[r, c])}
        for name in VALUES:
            m = getattr(self, name)
            if m is not None:
                out[name] = m[r, c].item()
        return out

    def __getitem__(self, key: tuple[str, str]) -> dict[str, Any]:
        if not (isinstance(key, tuple) and len(key) == 2):
            raise ParameterError("index a DeterrenceMap with [aggressor, target] codes")
        return self.pair(*key)

    def matrix(self, value: str = "balance") -> pd.DataFrame:
        """One matrix as a DataFrame (rows ``aggressor``, columns ``target``); cells not
        computed are missing (NaN, or <NA> in the nullable integer / boolean columns)."""
        if value not in VALUES:
            raise ParameterError(f"value must be one of {', '.join(VALUES)}, got {shown(value)}")
        m = getattr(self, value)
        if m is None:
            raise ParameterError(f"{shown(value)} needs samples: run deterrence_map(..., "
                                 "samples=N)")
        if m.dtype == np.bool_:
            data = pd.DataFrame(m).astype("boolean").mask(~self.computed)
        elif m.dtype.kind in "iu":
            data = pd.DataFrame(m).astype("Int64").mask(~self.computed)
        else:
            data = pd.DataFrame(np.where(self.computed, m, np.nan))
        data.index = pd.Index(self.aggressors, name="aggressor")
        data.columns = pd.Index(self.targets, name="target")
        return data

    def to_frame(self) -> pd.DataFrame:
        """Long form, one row per computed pair (rows in map order): ``aggressor``,
        ``target``, ``balance``, ``deterred``, ``umbrella``, ``war_size``, ``n_rounds``,
        ``capability_a``, ``capability_d`` (then ``p_deterred``, ``mean_war_size`` when
        sampled)."""
        r, c = np.nonzero(self.computed)
        cols: dict[str, Any] = {"aggressor": self.aggressors[r], "target": self.targets[c]}
        for name in VALUES:
            m = getattr(self, name)
            if m is not None:
                cols[name] = m[r, c]
        return pd.DataFrame(cols)

    def least_deterred(self, top: int = 20) -> pd.DataFrame:
        """The ``top`` pairs least deterred: lowest ``p_deterred`` (when sampled), then
        lowest balance."""
        top = check_int("top", top, low=0)
        df = self.to_frame()
        keys = (["p_deterred"] if self.p_deterred is not None else []) + ["balance",
                                                                          "aggressor",
                                                                          "target"]
        return df.sort_values(keys, na_position="last", kind="stable").head(top).reset_index(
            drop=True)

    # ------------------------------------------------------------------ ordering
    def state_order(self, key: str, codes: Iterable[str] | None = None) -> np.ndarray:
        """Positions that sort ``codes`` (default: the rows) by ``key``:

        - ``"region"``: region name (unknown last), then capability (largest first);
        - ``"bloc"``: alliance bloc of :func:`foederis.analysis.blocs` (blocs by capability,
          unaligned last), then capability;
        - ``"capability"``: largest first;
        - ``"code"``: alphabetical; ``"input"``: as given.

        Ties break by code.
        """
        if key not in ORDERS:
            raise ParameterError(f"order must be one of {', '.join(ORDERS)}, got {shown(key)}")
        codes = self.aggressors if codes is None else np.asarray(list(codes), dtype=object)
        k = len(codes)
        if key == "input" or k == 0:
            return np.arange(k)
        idx = self.world.indices_of([str(c) for c in codes])
        cap = self.world.capability[idx]
        code = np.asarray(codes, dtype=str)
        if key == "code":
            return np.argsort(code, kind="stable")
        if key == "capability":
            return np.lexsort((code, -cap))
        if key == "region":
            reg = self.world.region[idx]
            unknown = reg == ""
            return np.lexsort((code, -cap, reg, unknown))
        from .blocs import blocs

        b = blocs(self.world).bloc[idx]
        b = np.where(b < 0, np.iinfo(np.int64).max, b)
        return np.lexsort((code, -cap, b))

    def order_by(self, key: str) -> DeterrenceMap:
        """The same map with rows and columns sorted by ``key`` (see :meth:`state_order`)."""
        ro = self.state_order(key, self.aggressors)
        co = self.state_order(key, self.targets)

        def sub(m: np.ndarray | None) -> np.ndarray | None:
            return None if m is None else readonly(m[np.ix_(ro, co)])

        return replace(
            self,
            aggressors=readonly(self.aggressors[ro]), targets=readonly(self.targets[co]),
            **{name: sub(getattr(self, name)) for name in ("computed",) + VALUES},
        )

    # ------------------------------------------------------------------ text and plot
    def summary(self) -> str:
        det = self.share_deterred
        lines = [
            (f"deterrence map of world {self.world.name!r} ({self.domain}): "
             f"{len(self.aggressors)} aggressors x {len(self.targets)} targets, "
             f"{self.n_pairs:,} pairs in {self.seconds:.3g} s "
             f"({self.n_pairs / max(self.seconds, 1e-12):,.0f} pairs/s, "
             f"{'parallel' if self.parallel else 'serial'})"),
            (f"deterred: {det:.1%} of the pairs (balance >= {self.rules.margin:g}"
             f"{' or nuclear umbrella' if self.rules.nuclear_umbrella else ''})"),
        ]
        if self.p_deterred is not None:
            pdt = float(self.p_deterred[self.computed].mean()) if self.n_pairs else math.nan
            lines.append(f"Monte Carlo ({self.mode}, {self.samples} samples per pair, seed "
                         f"{self.seed}): mean P(deterred) {pdt:.3f}")
        if self.interrupted:
            lines.append("interrupted: some pairs were not computed")
        return "\n".join(lines)

    def __repr__(self) -> str:
        mc = f", {self.samples} samples ({self.mode})" if self.samples else ""
        return (f"<DeterrenceMap {len(self.aggressors)} x {len(self.targets)} "
                f"({self.domain}{mc}): {self.n_pairs:,} pairs, "
                f"{self.share_deterred:.1%} deterred, {self.seconds:.3g} s>")

    def plot(self, ax: Any = None, value: str = "balance", order: str = "region", *,
             labels: bool | None = None) -> Any:
        """Heat map of one matrix, rows (aggressors) and columns (targets) sorted by
        ``order``. ``"balance"`` is drawn on a log scale (log10 of D/A, clipped to
        [1e-3, 1e3], red: the attacker out-weighs the defence, blue: the defence
        out-weighs it); a dot marks a deterred attack; cells not computed are grey.
        ``labels``: tick labels with the codes (default: when at most 80 rows and
        columns). Returns the matplotlib Figure."""
        m = self.order_by(order) if order != "input" else self
        fig, ax = axes(ax)
        if value not in VALUES:
            raise ParameterError(f"value must be one of {', '.join(VALUES)}, got {shown(value)}")
        data = getattr(m, value)
        if data is None:
            raise ParameterError(f"{shown(value)} needs samples: run deterrence_map(..., "
                                 "samples=N)")
        import matplotlib.colors as mcolors
        from matplotlib import colormaps

        if value == "balance":
            with np.errstate(divide="ignore", invalid="ignore"):
                z = np.log10(np.clip(m.balance, 1e-3, 1e3))
            z = np.where(m.computed & ~np.isnan(m.balance), z, np.nan)
            lim = float(np.nanmax(np.abs(z))) if np.isfinite(z).any() else 1.0
            lim = max(lim, 0.1)
            centre = math.log10(self.rules.margin)
            norm = mcolors.TwoSlopeNorm(vcenter=min(max(centre, -lim + 1e-9), lim - 1e-9),
                                        vmin=-lim, vmax=lim)
            cmap = colormaps["RdBu"]
            label = "log10 balance D/A"
        else:
            z = np.where(m.computed, data.astype(np.float64), np.nan)
            norm = None
            cmap = colormaps["viridis"]
            label = value.replace("_", " ")
        cmap = cmap.with_extremes(bad="0.85")
        im = ax.imshow(np.ma.masked_invalid(z), cmap=cmap, norm=norm, aspect="auto",
                       interpolation="nearest")
        fig.colorbar(im, ax=ax, label=label, shrink=0.8)
        rr, cc = np.nonzero(m.deterred & m.computed)
        if len(rr) and len(rr) <= 20_000:
            ax.scatter(cc, rr, s=max(1.0, 400.0 / max(m.shape)), c="k", marker=".",
                       linewidths=0, label="deterred")
        nr, nc = m.shape
        show = labels if labels is not None else max(nr, nc) <= 80
        if show:
            fs = max(3.0, min(8.0, 500.0 / max(nr, nc, 1)))
            ax.set_yticks(range(nr), m.aggressors, fontsize=fs)
            ax.set_xticks(range(nc), m.targets, fontsize=fs, rotation=90)
        else:
            ax.set_xticks([])
            ax.set_yticks([])
        ax.set_xlim(-0.5, nc - 0.5)
        ax.set_ylim(nr - 0.5, -0.5)
        ax.set_xlabel("target")
        ax.set_ylabel("aggressor")
        ax.set_title(f"deterrence map ({label}; dots: deterred, {self.share_deterred:.0%}); "
                     f"order: {order}", fontsize=9)
        return fig


# --------------------------------------------------------------------------------------
# the public function
# --------------------------------------------------------------------------------------
def deterrence_map(
    world: Any,
    aggressors: Any = None,
    targets: Any = None,
    rules: Rules | None = None,
    *,
    samples: int | None = None,
    seed: int | None = 0,
    mode: str = "threshold",
    domain: str = "conventional",
    progress: Callable[[int, int], Any] | None = None,
    stop: Any = None,
    parallel: bool | None = None,
    client: Any = None,
    memory_budget: Any = "config",
    time_budget: Any = "config",
) -> DeterrenceMap:
    """The cascade of every (aggressor, target) pair: balance and deterrence matrices.

    Every cell is exactly ``foederis.cascade(world, (aggressor, target), rules,
    domain=domain)`` (the same kernel, the same summation order, so the same balance bit
    for bit), computed in one numba sweep over the pairs: no Python per pair, lanes of
    pairs in parallel on large sweeps, each lane resetting only what its last cascade
    touched (cost per pair: that cascade's work, never O(n)).

    Parameters
    ----------
    world : foederis.World
    aggressors, targets : None, code, "A,B,C", or list of codes / indices
        Rows and columns of the map (None: every state). Duplicates are dropped; pairs
        with aggressor == target are skipped (their cells stay not computed).
    rules : foederis.Rules, optional
    samples : int, optional
        Also run, per pair, the Monte Carlo ensemble of :func:`foederis.simulate` with
        this many samples (its ``p_deterred`` and mean ``war_size`` per pair; the
        deterministic matrices are computed either way).
    seed : int in [0, 2**64) or None, default 0
        The ensemble seed (None draws one, recorded in the result). The pair (a, t) uses
        exactly the draws of ``simulate(world, (a, t), rules, samples, seed)``.
    mode : {"threshold", "any"}
        The ensemble's mode (see :func:`foederis.simulate`).
    domain : str, default "conventional"
    progress : callable(done, total), optional
        Called after each block (~0.2 s) of pairs, or of pair-samples when ``samples`` >
        ``PAIR_SAMPLES`` (2048: each pair's ensemble then runs in blocks of samples).
    stop : threading.Event or callable, optional
        Checked between blocks (on the client, with ``client=``): when set, the sweep
        ends and the map holds the pairs done (``interrupted=True``, the rest not
        ``computed``).
    parallel : bool or None
        Force the serial (False) or parallel (True) kernel; None decides by timing the
        first blocks. Results are identical either way.
    client : dask.distributed.Client, optional
        Split the aggressors into blocks, map each block on a worker, and stack the
        blocks: the same map, bit for bit (see :mod:`foederis.distributed`).
    memory_budget, time_budget : "config", number or None
        As for :func:`foederis.simulate`: the map is refused with BudgetError when its
        memory (from the sizes) or time (from the first blocks) is estimated above them.

    Returns
    -------
    DeterrenceMap

    Raises
    ------
    UnknownStateError
        A code of ``aggressors`` / ``targets`` that the world does not contain.
    ParameterError
        Empty selection, no pair left once aggressor == target is skipped, more than
        ``MAX_PAIRS`` cells, bad samples / seed / mode / domain / rules.
    foederis.Interrupted
        On Ctrl-C (between blocks of pairs); its ``partial`` attribute holds the map of
        the pairs done.

    Examples
    --------
    >>> from foederis import World
    >>> from foederis.analysis import deterrence_map
    >>> w = World.from_arrays(["RUS", "EST", "USA"], [0.3, 0.01, 0.5],
    ...                       guarantor=[2], protege=[1], kind=["defense"])
    >>> dm = deterrence_map(w)
    >>> dm.matrix("deterred").loc["RUS"].tolist()
    [<NA>, True, True]
    >>> round(dm["RUS", "EST"]["balance"], 3), dm["RUS", "EST"]["war_size"]
    (1.7, 3)
    """
    world = check_world(world)
    rules = check_rules(rules)
    dname, dbit = parse_domain(domain)
    agg = state_selection(world, aggressors, "aggressors")
    tgt = state_selection(world, targets, "targets")
    if samples is not None:
        samples = check_int("samples", samples, low=1, high=1 << 40)
    mode = check_mode(mode)
    seed = check_seed(seed)
    stopped = check_stop(stop)
    progress = check_progress(progress)
    parallel = check_parallel(parallel)
    R, C = len(agg), len(tgt)
    if R * C > MAX_PAIRS:
        raise ParameterError(
            f"deterrence_map: {R:,} aggressors x {C:,} targets = {R * C:,} pairs exceeds "
            f"MAX_PAIRS = {MAX_PAIRS:,}; pass a sample of aggressors= and targets="
        )
    flat = np.arange(R * C, dtype=np.int64)
    rr, cc = np.divmod(flat, C)
    keep = agg[rr] != tgt[cc]
    flat = flat[keep]
    if not len(flat):
        raise ParameterError(
            "deterrence_map: no pair to compute: the only aggressor is the only target "
            f"({shown(world.codes[agg[0]])}), and a state does not attack itself"
        )
    if client is not None:
        parts = deterrence_map_distributed(
            client, world, world.codes[agg].tolist(), world.codes[tgt].tolist(), rules,
            samples=samples, seed=seed, mode=mode, domain=dname, parallel=parallel,
            stop=stopped)
        return _stack(parts, world, world.codes[agg].tolist())
    pair_agg = agg[rr[keep]]
    pair_tgt = tgt[cc[keep]]
    res = sweep(world, pair_agg, pair_tgt, rules, dbit,
                mode=mode if samples else None, samples=samples or 0, seed=seed,
                progress=progress, stop=stopped, parallel=parallel,
                result_bytes=R * C * (56 if samples else 40),
                what=f"deterrence_map of {len(flat):,} pair{'s' * (len(flat) > 1)}"
                + (f" x {samples:,} samples" if samples else ""),
                memory_budget=memory_budget, time_budget=time_budget)
    k = res.done
    cells = flat[:k]

    def mat(values: np.ndarray, fill: Any, dtype: Any) -> np.ndarray:
        m = np.full(R * C, fill, dtype=dtype)
        m[cells] = values[:k]
        return readonly(m.reshape(R, C))

    computed = np.zeros(R * C, np.bool_)
    computed[cells] = True
    p_det = mws = None
    if samples:
        p_det = mat(res.n_deterred / samples, np.nan, np.float64)
        mws = mat(res.war_sum / samples, np.nan, np.float64)
    result = DeterrenceMap(
        world=world, rules=rules, domain=dname,
        aggressors=readonly(world.codes[agg].copy()),
        targets=readonly(world.codes[tgt].copy()),
        computed=readonly(computed.reshape(R, C)),
        balance=mat(res.balance, np.nan, np.float64),
        deterred=mat(res.deterred, False, np.bool_),
        umbrella=mat(res.umbrella, False, np.bool_),
        war_size=mat(res.war_size, 0, np.int64),
        n_rounds=mat(res.n_rounds, -1, np.int32),
        capability_a=mat(res.cap_a, np.nan, np.float64),
        capability_d=mat(res.cap_d, np.nan, np.float64),
        samples=samples, mode=mode, seed=seed, p_deterred=p_det, mean_war_size=mws,
        n_pairs=int(k), seconds=res.seconds, parallel=res.parallel,
        interrupted=res.interrupted,
    )
    if res.keyboard:
        exc = Interrupted(
            f"deterrence_map interrupted after {k:,} of {len(flat):,} pairs; the partial map "
            "is in this exception's .partial attribute"
        )
        exc.partial = result  # type: ignore[attr-defined]
        raise exc
    return result


_BLANK = {"balance": np.nan, "deterred": False, "umbrella": False, "war_size": 0,
          "n_rounds": -1, "capability_a": np.nan, "capability_d": np.nan,
          "p_deterred": np.nan, "mean_war_size": np.nan, "computed": False}


def _stack(parts: list, world: Any, aggressors: list) -> DeterrenceMap:
    """Join maps of consecutive blocks of aggressors (same targets) into one; a block
    that ``stop`` cancelled (None) joins with nothing computed."""
    first = next((p for p in parts if p is not None), None)
    if first is None:
        raise Interrupted("deterrence_map stopped before any block finished on the cluster")
    sizes = np.cumsum([0] + [len(c) for c in _chunks(aggressors, len(parts))])
    parts = [p if p is not None else dataclasses.replace(
        first, aggressors=readonly(np.array(aggressors[a:b], dtype=first.aggressors.dtype)),
        interrupted=True, n_pairs=0, **{f: None if getattr(first, f) is None else readonly(
            np.full((b - a, len(first.targets)), v, getattr(first, f).dtype))
            for f, v in _BLANK.items()})
        for p, a, b in zip(parts, sizes, sizes[1:])]
    rows = {}
    for f in ("aggressors", "computed", "balance", "deterred", "umbrella", "war_size",
              "n_rounds", "capability_a", "capability_d", "p_deterred", "mean_war_size"):
        vals = [getattr(p, f) for p in parts]
        rows[f] = None if vals[0] is None else readonly(np.concatenate(vals, axis=0))
    return dataclasses.replace(
        first, world=world, n_pairs=sum(p.n_pairs for p in parts),
        seconds=max(p.seconds for p in parts), parallel=any(p.parallel for p in parts),
        interrupted=any(p.interrupted for p in parts), **rows,
    )


def _deterrence_block(world: Any, aggressors: list, targets: Any, rules: Any,
                      kwargs: dict) -> DeterrenceMap:
    return deterrence_map(world, aggressors, targets, rules, **kwargs)


def deterrence_map_distributed(client: Any, world: Any, aggressors: list, targets: Any,
                               rules: Any, *, blocks: int | None = None,
                               **kwargs: Any) -> list:
    """Run :func:`deterrence_map` over blocks of aggressors on a Dask cluster; returns the
    per-block results in aggressor order (``deterrence_map(..., client=)`` stacks them).
    ``stop=`` is checked on the client: the blocks not finished are cancelled (None).
    Also :func:`foederis.distributed.deterrence_map_distributed`."""
    client = check_client(client)
    # every parameter is checked here, on the client, before any block is submitted
    world = check_world(world)
    rules = check_rules(rules)
    aggressors = world.codes[state_selection(world, aggressors, "aggressors")].tolist()
    targets = world.codes[state_selection(world, targets, "targets")].tolist()
    kwargs = dict(kwargs, seed=check_seed(kwargs.get("seed", 0)))  # one seed for all blocks
    check_mode(kwargs.get("mode", "threshold"))
    parse_domain(kwargs.get("domain", "conventional"))
    check_parallel(kwargs.get("parallel"))
    if kwargs.get("samples") is not None:
        check_int("samples", kwargs["samples"], low=1, high=1 << 40)
    blocks = check_blocks(client, blocks, len(aggressors))
    stop = check_stop(kwargs.pop("stop", None))
    return run_on_cluster(client, _deterrence_block, world,
                          [(c, targets, rules, kwargs) for c in _chunks(aggressors, blocks)],
                          stop=stop)[0]


def _chunks(aggressors: list, blocks: int) -> list:
    return [list(c) for c in np.array_split(np.asarray(aggressors, dtype=object), blocks)
            if len(c)]
