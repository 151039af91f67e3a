"""Threat exposure: the threat each state carries, its own plus what its commitments import.

    t = h + beta * C t,     h_i = sum_j hostility[j, i] * capability_j

C is the commitment matrix, row guarantor i, column protege j: a guarantor imports the
threat of the states it has promised to defend. Entries are credibility-weighted (after
``Rules.credibility_scale``, clipped to 1) and weighted by the kind's pull weight
(DEFENSE, GUARANTEE, OFFENSE 1, ENTENTE ``Rules.entente_weight``); NEUTRALITY and
NONAGGRESSION commitments promise not to fight, so they import no threat. Several
commitments between one pair add up. Only commitments covering ``domain`` count.

Solved by Jacobi iteration from t = h in a kernel (rows in parallel for large worlds; the
result is identical either way). The iteration converges iff beta * rho(C) < 1 (rho the
spectral radius); beta * (max row sum of C) < 1 guarantees it. When it does not converge,
:class:`foederis.ConvergenceError` names beta and the bound.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numba
import numpy as np

from . import _kernels as _k
from ._validate import check_int, check_number
from ._blocks import run_blocks
from ._gate import (check_parallel, check_progress, check_rules, check_stop, check_world,
                    frozen_view, parse_domain)
from .errors import ConvergenceError, Interrupted
from .rules import Rules

__all__ = ["threat_exposure", "ThreatExposure"]

# Rows are swept in parallel when the matrix has at least this many entries (nnz + n).
# Measured on the 2-core development machine (2026-11-25): a serial sweep runs at
# 140-240 M entries/s; one solve wakes the thread pool once (~8 ms when asleep, up to
# 25 ms under load; later sweeps of the same call relaunch in ~2 us). With the usual
# 5-30 sweeps, a parallel solve pays from about 10^6 entries (a 10^5-state world with
# 10^6 commitments: 23 ms serial, 16 ms parallel).
PARALLEL_MIN_ENTRIES = 1_000_000


@dataclass(frozen=True, eq=False, repr=False)
class ThreatExposure:
    """The result of :func:`threat_exposure` (arrays read-only, in state order).

    Attributes
    ----------
    exposure : float64 array
        t, the total threat each state carries.
    own : float64 array
        h, the threat aimed at the state itself.
    imported : float64 array
        t - h, the threat its commitments import.
    beta : float
    bound : float
        beta * (max row sum of C): below 1 guarantees convergence.
    iterations : int
    residual : float
        Largest change in the last iteration.
    converged : bool
        True (a non-convergent iteration raises ConvergenceError); False only on the
        ``partial`` result of an interrupted solve.
    """

    world: Any
    beta: float
    domain: str
    exposure: np.ndarray
    own: np.ndarray
    imported: np.ndarray
    bound: float
    iterations: int
    residual: float
    converged: bool

    def to_frame(self, *, ranked: bool = False, top: int | None = None) -> Any:
        """Per-state ``own``, ``imported``, ``exposure`` as a DataFrame indexed by code.

        ``ranked=True``: the ranked table instead, most exposed first, with columns
        ``code``, ``name``, ``own`` (h, the threat aimed at the state), ``imported``
        (t - h, what its commitments import), ``exposure`` (t, the total) and ``rank``
        (1 = most exposed; ties by code); ``top`` keeps the first rows only.
        """
        import pandas as pd

        w = self.world
        if not ranked:
            return pd.DataFrame(
                {"name": w.names, "own": self.own, "imported": self.imported,
                 "exposure": self.exposure},
                index=pd.Index(w.codes, name="code"),
            )
        order = self._ranking()
        if top is not None:
            order = order[: check_int("top", top, low=0)]
        return pd.DataFrame({
            "code": w.codes[order],
            "name": w.names[order],
            "own": self.own[order],
            "imported": self.imported[order],
            "exposure": self.exposure[order],
            "rank": np.arange(1, len(order) + 1),
        })

    def _ranking(self) -> np.ndarray:
        return np.lexsort((self.world.codes, -self.exposure))

    def plot(self, ax: Any = None, top: int = 20) -> Any:
        """The ``top`` most exposed states as horizontal bars: own threat h and imported
        threat t - h stacked to the total t. Returns a matplotlib Figure (built without
        pyplot, so it works headless and in any backend)."""
        top = check_int("top", top, low=1)
        if ax is None:
            try:
                from matplotlib.figure import Figure
            except ImportError:  # pragma: no cover - matplotlib is optional
                raise ImportError("plot() needs matplotlib: pip install matplotlib (or "
                                  "foederis[jupyter])") from None
            fig = Figure(figsize=(7, 4.5), layout="constrained")
            ax = fig.add_subplot()
        else:
            fig = ax.figure
        df = self.to_frame(ranked=True, top=top).iloc[::-1]
        y = np.arange(len(df))
        ax.barh(y, df["own"], color="C3", label="own threat h")
        ax.barh(y, df["imported"], left=df["own"], color="C1",
                label="imported by commitments t - h")
        ax.set_yticks(y, df["code"], fontsize=8)
        ax.set_xlabel("threat exposure t")
        ax.set_title(f"threat exposure (beta = {self.beta:g}, {self.domain})")
        ax.legend(fontsize=8, loc="lower right")
        return fig

    def __repr__(self) -> str:
        top = int(np.argmax(self.exposure)) if len(self.exposure) else None
        most = f", most exposed {self.world.codes[top]}" if top is not None else ""
        return (f"<ThreatExposure beta={self.beta:g}: {self.iterations} iterations, "
                f"bound {self.bound:.3g}{most}>")


def commitment_weights(world: Any, rules: Rules, domain_bit: int) -> np.ndarray:
    """Per forward commitment: pull weight of its kind * min(c * scale, 1), 0 outside the
    domain (float64, the ``weight`` array of the threat kernels)."""
    c = np.minimum(world.credibility * rules.credibility_scale, 1.0)
    w = rules.pull_weight[world.kind] * c
    w[(world.domains & domain_bit) == 0] = 0.0
    return w


def threat_exposure(
    world: Any,
    beta: float | None = None,
    *,
    rules: Rules | None = None,
    domain: str = "conventional",
    tol: float = 1e-12,
    max_iter: int = 10_000,
    parallel: bool | None = None,
    progress: Callable[[int, int], Any] | None = None,
    stop: Any = None,
) -> ThreatExposure:
    """Solve t = h + beta * C t for every state's threat exposure.

    Parameters
    ----------
    world : foederis.World
    beta : float or None, default None
        How much of a protege's threat its guarantor imports (>= 0). None takes half the
        largest beta that guarantees convergence, 0.5 / (max row sum of C): a guarantor
        in a large multilateral treaty has dozens of commitments (a NATO member about 60
        in the contemporary world), so a fixed default such as 0.5 diverges there. The
        beta used is the result's ``beta``.
    rules : foederis.Rules, optional
        Supplies the kind weights and ``credibility_scale`` of C.
    domain : str, default "conventional"
        Only commitments covering it count.
    tol : float, default 1e-12
        Stop when the largest change is <= tol * max |t|.
    max_iter : int, default 10000
    parallel : bool or None
        Force serial or parallel row sweeps; None decides by size. Identical results.
    progress : callable(done, total), optional
        Called after each block of iterations (~0.2 s) with (iterations, max_iter).
    stop : threading.Event or callable, optional
        Checked between blocks of iterations; when set, Interrupted is raised.

    Raises
    ------
    ConvergenceError
        beta too large for the iteration to converge (names beta, the bound, and the beta
        below which convergence is guaranteed).
    Interrupted
        ``stop`` was set, or Ctrl-C, before the iteration ended: its ``partial`` holds
        the last iterate (``converged=False``).

    Examples
    --------
    >>> from foederis import World
    >>> from foederis.threat import threat_exposure
    >>> w = World.from_arrays(["A", "B", "C"], [1.0, 1.0, 1.0],
    ...     guarantor=[0], protege=[1], kind=["defense"],
    ...     rivalry_source=[2], rivalry_target=[1], hostility=[0.5])
    >>> te = threat_exposure(w, beta=0.5)
    >>> te.own.tolist(), te.exposure.tolist()
    ([0.0, 0.5, 0.0], [0.25, 0.5, 0.0])
    """
    world = check_world(world)
    rules = check_rules(rules)
    dname, dbit = parse_domain(domain)
    if beta is not None:
        beta = check_number("beta", beta, low=0)
    tol = check_number("tol", tol, low=0, low_open=True)
    max_iter = check_int("max_iter", max_iter, low=1)
    parallel = check_parallel(parallel)
    progress = check_progress(progress)
    stopped = check_stop(stop)

    n = world.n_states
    weight = commitment_weights(world, rules, dbit)
    row_sum = np.bincount(world.guarantors, weights=weight, minlength=n)
    max_row = float(row_sum.max()) if n else 0.0
    if beta is None:
        beta = 0.5 / max_row if max_row > 0 else 0.5
    bound = beta * max_row
    weight.setflags(write=False)

    h = np.empty(n, dtype=np.float64)
    t = np.empty(n, dtype=np.float64)
    work = np.empty(n, dtype=np.float64)
    threads = numba.get_num_threads()
    big = (len(weight) + n) >= PARALLEL_MIN_ENTRIES
    use_par = (big if parallel is None else bool(parallel)) and threads > 1
    stats = np.zeros((threads if use_par else 1, 2), dtype=np.float64)
    ro = frozen_view
    _k.threat_source_kernel(ro(world.riv_indptr), ro(world.riv_indices),
                            ro(world.riv_hostility), ro(world.capability), h)
    h.setflags(write=False)
    t[:] = h
    state = np.array([0.0, np.inf, 0.0])
    result = [1]
    args = (ro(world.indptr), ro(world.indices), weight, h, float(beta), float(tol))

    def run(par: bool, lo: int, hi: int) -> int:  # iterations [lo, hi), resumed from state
        kern = _k.threat_steps_parallel if par else _k.threat_steps_serial
        result[0] = kern(*args, hi - lo, t, work, stats, state)
        return max_iter if result[0] != 1 else int(state[0])  # ended: no more blocks

    ran = run_blocks(run, 0, max_iter, block=8, min_block=1, parallel=use_par, decided=True,
                     speedup=1, progress=progress, stop=stopped)
    status, iters, delta = result[0], int(state[0]), float(state[1])
    if ran.interrupted:
        te = ThreatExposure(world=world, beta=float(beta), domain=dname, exposure=t.copy(),
                            own=h, imported=t - h, bound=bound, iterations=iters,
                            residual=delta, converged=False)
        exc = Interrupted(f"threat_exposure {'interrupted' if ran.keyboard else 'stopped'} "
                          f"after {iters:,} iterations (residual {delta:.3g}); the last "
                          "iterate is in this exception's .partial attribute")
        exc.partial = te  # type: ignore[attr-defined]
        raise exc
    if status != 0:
        safe = f"beta < {1.0 / max_row:.6g}" if max_row > 0 else "any beta"
        if status == 1 and bound < 1:
            raise ConvergenceError(
                f"threat_exposure with beta={beta:g} converges (beta * max row sum of C = "
                f"{bound:.6g} < 1) but too slowly to reach tol={tol:g} within "
                f"max_iter={max_iter} iterations; raise max_iter or tol, or lower beta"
            )
        how = ("grew without bound" if status == 2
               else f"did not settle within max_iter={max_iter} iterations")
        raise ConvergenceError(
            f"threat_exposure does not converge for beta={beta:g}: the iteration "
            f"t = h + beta*C t {how}. It converges when beta times the spectral radius of C "
            f"is below 1; here beta * (max row sum of C) = {bound:.6g} >= 1, so "
            f"convergence is not guaranteed; {safe} guarantees it."
        )
    imported = t - h
    for a in (t, imported):
        a.setflags(write=False)
    return ThreatExposure(world=world, beta=float(beta), domain=dname, exposure=t, own=h,
                          imported=imported, bound=bound, iterations=int(iters),
                          residual=float(delta), converged=True)
