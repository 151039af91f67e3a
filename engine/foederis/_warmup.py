"""``foederis.warmup()``: compile (or load from the on-disk cache) what a session needs.

Nothing compiles at import. The widgets call :func:`warmup` when they start; a script can
call it to move compile time out of its first real call. With a warm cache (any earlier
process on this machine) it takes well under a second; a cold compile takes tens of seconds
once per machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any, Callable

__all__ = ["warmup"]

#: Rough cold-compile seconds of each step (2 cores, 2026-12): only how ``jobs`` shares
#: the steps between processes depends on them.
_COST = {"cascade": 11.0, "check_csr": 0.2, "cascade fast path": 3.5,
         "simulate threshold": 5.5, "simulate any": 15.0, "threat": 1.5,
         "deterrence and entrapment sweeps": 12.0, "analysis kernels": 8.0,
         "simulate threshold parallel": 7.0, "simulate any parallel": 9.0,
         "threat parallel": 1.5, "deterrence and entrapment sweeps parallel": 12.0}


def warmup(*, parallel: bool = True, ensembles: bool = True, threat: bool = True,
           analyses: bool = False, verbose: bool = False,
           progress: Callable[[int, int, str], Any] | None = None,
           jobs: int = 1) -> dict[str, float]:
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
    jobs : int, default 1
        Compile in this many processes at once (numba compiles one function at a time
        in a process, so threads would not help): ``jobs - 1`` helper processes compile
        their share of the steps into numba's on-disk cache while this one compiles the
        first steps; this process then loads the helpers' kernels from the cache (a
        fraction of a second each). Worth it from a cold cache on a machine with idle
        cores; a helper that fails, or a cache that cannot be written, only means this
        process compiles those steps itself. A helper's step reports the seconds it took
        there plus the load here.

    Steps run in this order: the cascade (its general path, what the contemporary
    world's questions take under the default rules), ``check_csr`` and the cascade's
    monotone fast path, the serial ensemble, threat (and analysis) kernels, then their
    parallel twins (a session on a small world never runs those: ``foederis.simulate``
    goes parallel for long ensembles only).

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
    from ._validate import check_int
    from .kernels import check_csr
    from .world import World

    progress = check_progress(progress)
    jobs = check_int("jobs", jobs, low=1, high=64)
    w = _tiny_world(World, np)
    steps: list[tuple[str, Callable[[], Any]]] = [
        # the general path (C's neutrality pledge from D rules the fast path out), which is
        # what the contemporary world's questions take under the default rules
        ("cascade", lambda: cascade(w, "C:B")),
        ("check_csr", lambda: check_csr(w.indptr, w.indices)),
        # the monotone fast path (A has no in-edges), the second time with the resolved
        # pulls it keeps per World
        ("cascade fast path", lambda: (cascade(w, "A:B"), cascade(w, "A:B"))),
    ]
    # the serial kernels first (all a session on a small world runs: foederis.simulate
    # goes parallel only for long ensembles), then their parallel twins
    later: list[tuple[str, Callable[[], Any]]] = []
    if ensembles:
        from ._simulate import simulate

        for mode in ("threshold", "any"):
            steps.append((f"simulate {mode}", lambda mode=mode: simulate(
                w, "A:B", samples=64, mode=mode, parallel=False)))
            later.append((f"simulate {mode} parallel", lambda mode=mode: simulate(
                w, "A:B", samples=64, mode=mode, parallel=True)))
    if threat:
        from .threat import threat_exposure

        steps.append(("threat", lambda: threat_exposure(w, 0.5, parallel=False)))
        later.append(("threat parallel", lambda: threat_exposure(w, 0.5, parallel=True)))
    if analyses:
        from ._kernels import structure as analysis_kernels

        steps.append(("deterrence and entrapment sweeps", lambda: _warm_sweeps(w, False)))
        steps.append(("analysis kernels", analysis_kernels.warmup))
        later.append(("deterrence and entrapment sweeps parallel",
                      lambda: _warm_sweeps(w, True)))
    if parallel:
        steps += later

    if _ONLY is not None:  # a helper process of another warmup: its share only
        steps = [st for st in steps if st[0] in _ONLY]
    shares = _share([name for name, _ in steps], jobs)
    flags = dict(parallel=parallel, ensembles=ensembles, threat=threat, analyses=analyses)
    helpers = [_spawn(names, flags) for names in shares[1:] if names]
    by_name = dict(steps)
    times: dict[str, float] = {}
    done = 0
    try:
        for names, helper in [(shares[0], None)] + [(h[0], h) for h in helpers]:
            there = _wait(helper) if helper is not None else {}
            for name in names:
                if progress is not None:
                    progress(done, len(steps), name)
                t0 = time.perf_counter()
                by_name[name]()
                times[name] = there.get(name, 0.0) + time.perf_counter() - t0
                done += 1
                if verbose:
                    print(f"warmup {name}: {times[name]:.3f} s")
    finally:
        for h in helpers:
            if h[1].poll() is None:
                h[1].kill()
                h[1].wait()
    if progress is not None:
        progress(len(steps), len(steps), "")
    return {name: times[name] for name, _ in steps}


#: The steps a helper process of ``warmup(jobs=...)`` runs (None: every step).
_ONLY: frozenset[str] | None = None


def _group(name: str) -> str:
    """The steps that share most of their compiled code go to one process (a parallel
    twin compiles its serial callees again in a process that lacks them)."""
    if name in ("check_csr", "cascade fast path"):
        return "cascade"
    return name[: -len(" parallel")] if name.endswith(" parallel") else name


def _share(names: list[str], jobs: int) -> list[list[str]]:
    """The steps of each process, each in the order given: this process keeps the group
    of the first step (what a page needs first; groups: :func:`_group`), every other
    group, the largest first, goes to the process with the least estimated work so far
    (:data:`_COST`)."""
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(_group(name), []).append(name)
    cost = {g: sum(_COST.get(name, 1.0) for name in m) for g, m in groups.items()}
    first, *rest = groups
    shares: list[list[str]] = [[] for _ in range(min(jobs, max(len(groups), 1)))]
    load = [0.0] * len(shares)
    for k, g in enumerate([first] + sorted(rest, key=lambda g: -cost[g])):  # largest first
        p = 0 if k == 0 else min(range(len(shares)), key=lambda q: (load[q], q))
        shares[p].extend(groups[g])
        load[p] += cost[g]
    return [sorted(share, key=names.index) for share in shares]


def _spawn(names: list[str], flags: dict) -> tuple[list[str], subprocess.Popen]:
    """Start a helper process that runs these steps of :func:`warmup` (the same foederis,
    the same environment: the same numba cache) and prints their seconds as JSON."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); "
            "from foederis import _warmup as w; a = json.loads(sys.argv[2]); "
            "w._ONLY = frozenset(a['names']); "
            "print(json.dumps(w.warmup(**a['flags'])), flush=True)")
    arg = json.dumps({"names": names, "flags": flags})
    proc = subprocess.Popen([sys.executable, "-c", code, root, arg],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    return names, proc


def _wait(helper: tuple[list[str], subprocess.Popen]) -> dict[str, float]:
    """Wait for a helper process; the seconds of its steps ({} when it failed)."""
    out, _ = helper[1].communicate()
    if helper[1].returncode != 0:
        return {}
    try:
        got = json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {}
    return {str(k): float(v) for k, v in got.items()} if isinstance(got, dict) else {}


def _warm_sweeps(w: Any, par: bool) -> None:
    """The sweep kernels (serial or parallel): the deterministic map, both ensemble modes
    and entrapment."""
    from .analysis import deterrence_map, entrapment

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
