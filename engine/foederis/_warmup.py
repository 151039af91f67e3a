"""``foederis.warmup()``: compile (or load from the on-disk cache) what a session needs.

Nothing compiles at import. The widgets call :func:`warmup` when they start; a script can
call it to move compile time out of its first real call. With a warm cache (any earlier
process on this machine) it takes well under a second; a cold compile takes tens of seconds
once per machine.
"""

from __future__ import annotations

import time
from typing import Any, Callable

__all__ = ["warmup"]


def warmup(*, parallel: bool = True, ensembles: bool = True, threat: bool = True,
           analyses: bool = False, verbose: bool = False,
           progress: Callable[[int, int, str], Any] | None = None) -> dict[str, float]:
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
    progress : callable(done, total, step), optional
        Called before each step with the number of steps done, their total and the name
        of the step about to run, and once more at the end with ``done == total`` and
        ``step == ""`` (what ``foederis app`` shows in the terminal and the page).

    Examples
    --------
    >>> from foederis import warmup
    >>> seen = []
    >>> times = warmup(progress=lambda done, total, step: seen.append(step))
    >>> {"cascade", "simulate threshold", "simulate any", "threat"} <= set(times)
    True
    >>> seen[0], seen[-1], len(seen) == len(times) + 1
    ('cascade', '', True)
    """
    import numpy as np

    from ._cascade import cascade
    from ._gate import check_progress
    from .kernels import check_csr
    from .world import World

    progress = check_progress(progress)
    w = _tiny_world(World, np)
    steps: list[tuple[str, Callable[[], Any]]] = [
        ("cascade", lambda: cascade(w, "A:B")),
        ("check_csr", lambda: check_csr(w.indptr, w.indices)),
    ]
    if ensembles:
        from ._simulate import simulate

        for mode in ("threshold", "any"):
            steps.append((f"simulate {mode}", lambda mode=mode: simulate(
                w, "A:B", samples=64, mode=mode, parallel=False)))
            if parallel:
                steps.append((f"simulate {mode} parallel", lambda mode=mode: simulate(
                    w, "A:B", samples=64, mode=mode, parallel=True)))
    if threat:
        from .threat import threat_exposure

        steps.append(("threat", lambda: threat_exposure(w, 0.5, parallel=False)))
        if parallel:
            steps.append(("threat parallel", lambda: threat_exposure(w, 0.5, parallel=True)))
    if analyses:
        from ._kernels import structure as analysis_kernels

        steps.append(("deterrence and entrapment sweeps", lambda: _warm_sweeps(w, parallel)))
        steps.append(("analysis kernels", analysis_kernels.warmup))

    times: dict[str, float] = {}
    for k, (name, fn) in enumerate(steps):
        if progress is not None:
            progress(k, len(steps), name)
        t0 = time.perf_counter()
        fn()
        times[name] = time.perf_counter() - t0
        if verbose:
            print(f"warmup {name}: {times[name]:.3f} s")
    if progress is not None:
        progress(len(steps), len(steps), "")
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
