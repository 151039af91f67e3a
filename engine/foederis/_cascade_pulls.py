"""The resolved pulls of the deterministic cascade's monotone fast path, cached per World,
and the choice between its serial and parallel kernels (:func:`foederis.cascade` reads
them; :mod:`foederis._cascade`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _kernels as _k
from ._gate import Prepared

__all__ = ["EDGE_PULL_KEYS", "PARALLEL_ROUND_EDGES", "OWNER_SHIFT", "SplitPull", "NO_PULL",
           "min_rows", "parallel_parts", "edge_pull", "monotone_possible", "trim"]

EDGE_PULL_KEYS = 2  # resolved pull layouts kept per World

#: A World with at least this many in-edges keeps its resolved pulls in the split layout
#: (``_k.edge_pull_split_kernel``) and runs the monotone pull path through
#: ``_k.cascade_pull_parallel``, whose rounds with about this many in-edges in their
#: frontier (the in-edges of the previous round's joiners, :func:`min_rows`) or more are
#: split between the cores; smaller Worlds never call (nor compile) the parallel kernels.
#: On the 10^6-state graph of benchmarks/bench_cascade.py bars from 0 to 200,000 in-edges
#: timed the same within the noise (91-94 ms; 800,000: 103 ms; README, "The cascade
#: on two cores"); the bar stays high for the parfor launches of small rounds and the
#: compile that a small World would not repay.
PARALLEL_ROUND_EDGES = 200_000

#: the split layout gives state i to part (i >> OWNER_SHIFT) & (parts - 1)
OWNER_SHIFT = 6


@dataclass(frozen=True)
class SplitPull:
    """Resolved pulls in the split layout of ``_k.cascade_pull_parallel`` (read-only)."""

    parts: int
    pptr: np.ndarray
    pindices: np.ndarray
    ppull: np.ndarray


def min_rows(n: int, m: int) -> int:
    """The frontier (states) of a parallel round: PARALLEL_ROUND_EDGES in-edges at the
    World's mean in-degree ``m / n`` (counting the frontier's edges would cost a random
    read per state, serially, in every round)."""
    return -(-PARALLEL_ROUND_EDGES * n // max(m, 1))


def parallel_parts() -> int:
    """The parts of a parallel round: the largest power of two <= numba's thread count."""
    import numba

    threads = numba.get_num_threads()
    return 1 << (max(threads, 1).bit_length() - 1)


def edge_pull(world: Any, p: Prepared) -> np.ndarray | SplitPull | None:
    """The per-edge pulls of the monotone fast path for this (domain, pull weights,
    credibility scale), cached on the World, or None: an array (``_k.edge_pull_kernel``)
    or, for a World of at least PARALLEL_ROUND_EDGES in-edges when numba runs on two
    threads or more, the split layout (``_k.edge_pull_split_kernel``, keyed by the
    number of parts too).

    It is built on the second cascade with the same key (a sweep over many rules never
    pays for it) and kept for the last ``EDGE_PULL_KEYS`` keys. Worlds are immutable, so
    a cached layout stays valid for the World's life."""
    if not p.pulls_as_world:
        return None  # pulls of this question only (Rules.conditions): no cache
    m = p.tcredibility.shape[0]
    parts = parallel_parts() if m >= PARALLEL_ROUND_EDGES else 1
    key = (p.domain, p.pull_weight.tobytes(), p.credibility_scale, parts)
    cache = world.__dict__.get("_edge_pull")
    if cache is None:
        cache = world.__dict__["_edge_pull"] = {}
    got = cache.get(key)
    if isinstance(got, (np.ndarray, SplitPull)):
        return got
    if got is None:  # first use of this key: remember it, build nothing yet
        cache[key] = 1
        trim(cache)
        return None
    built: np.ndarray | SplitPull
    built = np.empty(m, dtype=np.float64)
    _k.edge_pull_kernel(p.tcredibility, p.tkind, p.tdomains, p.pull_weight, p.domain,
                        p.credibility_scale, built)
    if parts > 1:  # regrouped (the per-edge array is dropped once it is)
        pptr = np.empty(world.n_states * parts + 1, dtype=np.int64)
        pindices = np.empty(m, dtype=np.int32)
        ppull = np.empty(m, dtype=np.float64)
        kept = int(_k.edge_pull_split_kernel(p.tindptr, p.tindices, built, parts,
                                             OWNER_SHIFT, pptr, pindices, ppull))
        del built
        if kept < m:  # edges of pull 0 dropped: give the rest back
            pindices, ppull = pindices[:kept].copy(), ppull[:kept].copy()
        for a in (pptr, pindices, ppull):
            a.setflags(write=False)
        built = SplitPull(parts, pptr, pindices, ppull)
    else:
        built.setflags(write=False)
    cache.pop(key, None)
    cache[key] = built
    trim(cache)
    return built


#: the ``tpull`` of a cascade whose pulls are not resolved (read-only, as resolved ones are)
NO_PULL = np.empty(0, dtype=np.float64)
NO_PULL.setflags(write=False)


def monotone_possible(p: Prepared) -> bool:
    """Whether the monotone fast path (``cascade_fast``) can apply to this
    question: its own test, in the same order (rival_scope "all", the cost of joining and
    one pull per treaty rule it out, then ``monotone_applies``). When it cannot, ``cascade_fast`` would return -1
    and the general path run on reset outputs (``cascade_general``): :func:`cascade` calls
    that kernel alone, so a session whose questions all take the general path (the
    contemporary world under the default rules) never compiles the fast path (issue 12:
    about a third of the first cascade's cold compile)."""
    lv = p.levers
    if (lv[13] and lv[3] > 0.0) or lv[14] > 0.0 or lv[17] > 0:
        return False
    return bool(_k.monotone_applies(p.tindptr, p.tkind, p.tdomains, p.aggressors, p.domain,
                                    p.pull_weight, p.restraint_weight, p.credibility_scale))


def trim(cache: dict) -> None:
    """Keep the newest EDGE_PULL_KEYS arrays and as many pending keys (insertion order).
    Safe under concurrent cascades: list() copies the items under the GIL, and a key
    another thread removed first is skipped."""
    items = list(cache.items())
    for kind in (True, False):
        keys = [k for k, v in items if isinstance(v, (np.ndarray, SplitPull)) is kind]
        for k in keys[:-EDGE_PULL_KEYS]:
            cache.pop(k, None)
