"""``foederis.warmup()``: compile (or load from the on-disk cache) what a session needs.

Nothing compiles at import. The widgets call :func:`warmup` when they start; a script can
call it to move compile time out of its first real call. With a warm cache (any earlier
process on this machine) it takes well under a second; a cold compile takes tens of seconds
once per machine.
"""

from __future__ import annotations

import time
from typing import Any

__all__ = ["warmup"]


def warmup(*, parallel: bool = True, ensembles: bool = True, threat: bool = True,
           analyses: bool = False, verbose: bool = False) -> dict[str, float]:
    """Compile the kernels a session uses, on a tiny world; return seconds per step.

    Parameters
    ----------
    parallel : bool, default True
        Also compile the parallel variants (ensembles and threat exposure on large worlds).
    ensembles : bool, default True
        Compile the Monte Carlo kernels (both modes).
    threat : bool, default True
        Compile the threat-exposure kernels.
    analyses : bool, default False
        Also compile the kernels of :mod:`foederis.analysis` (the deterrence and
        entrapment sweeps, landscape, similarity, vulnerability): about 30 s more from a
        cold cache, a fraction of a second from a warm one.
    verbose : bool, default False
        Print each step's time.

    Examples
    --------
    >>> from foederis import warmup
    >>> times = warmup()
    >>> {"cascade", "simulate threshold", "simulate any", "threat"} <= set(times)
    True
    """
    import numpy as np

    from ._cascade import cascade
    from .kernels import check_csr
    from .world import World

    w = _tiny_world(World, np)
    times: dict[str, float] = {}

    def step(name: str, fn: Any) -> None:
        t0 = time.perf_counter()
        fn()
        times[name] = time.perf_counter() - t0
        if verbose:
            print(f"warmup {name}: {times[name]:.3f} s")

    step("cascade", lambda: cascade(w, "A:B"))
    step("check_csr", lambda: check_csr(w.indptr, w.indices))
    if ensembles:
        from ._simulate import simulate

        for mode in ("threshold", "any"):
            step(f"simulate {mode}",
                 lambda mode=mode: simulate(w, "A:B", samples=64, mode=mode, parallel=False))
            if parallel:
                step(f"simulate {mode} parallel",
                     lambda mode=mode: simulate(w, "A:B", samples=64, mode=mode,
                                                parallel=True))
    if threat:
        from .threat import threat_exposure

        step("threat", lambda: threat_exposure(w, 0.5, parallel=False))
        if parallel:
            step("threat parallel", lambda: threat_exposure(w, 0.5, parallel=True))
    if analyses:
        from ._kernels import structure as analysis_kernels

        step("deterrence and entrapment sweeps", lambda: _warm_sweeps(w, parallel))
        step("analysis kernels", analysis_kernels.warmup)
    return times


def _warm_sweeps(w: Any, parallel: bool) -> None:
    """The sweep kernels: the deterministic map, both ensemble modes and entrapment."""
    from .analysis import deterrence_map, entrapment

    for par in (False, True) if parallel else (False,):
        deterrence_map(w, parallel=par)
        deterrence_map(w, samples=64, mode="threshold", parallel=par)
        deterrence_map(w, samples=64, mode="any", parallel=par)
        entrapment(w, parallel=par)


def _tiny_world(World: Any, np: Any) -> Any:
    """Four states with every column the kernels read (so the compiled types match the
    worlds a session loads)."""
    return World.from_arrays(
        ["A", "B", "C", "D"],
        np.array([0.4, 0.1, 0.3, 0.2]),
        guarantor=np.array([2, 3, 0, 3]),
        protege=np.array([1, 1, 3, 2]),
        kind=np.array([0, 3, 2, 4], dtype=np.uint8),
        credibility=np.array([1.0, 0.5, 0.75, 0.5]),
        domains=np.array([3, 1, 1, 1], dtype=np.uint8),
        nuclear=np.array([False, False, True, False]),
        region=np.array(["X", "X", "Y", ""]),
        global_reach=np.array([False, False, True, False]),
        threshold=np.array([np.nan, np.nan, 0.5, np.nan]),
        rivalry_source=np.array([0]),
        rivalry_target=np.array([1]),
        hostility=np.array([0.5]),
        name="warmup",
    )
