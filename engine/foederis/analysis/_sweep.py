"""The sweep driver of the deterrence map and of entrapment: the cascade (and, with a
mode, the ensemble) of every pair of a list, in one kernel per block of pairs
(:mod:`foederis._kernels.sweep`), the blocks run by the one block driver
(:func:`foederis._blocks.run_blocks`).

A pair's ensemble of more than ``PAIR_SAMPLES`` samples is not one kernel call: such
sweeps run pair by pair, the deterministic cascade in the sweep kernel and the ensemble
through :func:`foederis.simulate` (blocks of samples, parallel within the pair, no
per-sample arrays kept), whose counts are the sweep kernel's bit for bit. So ``stop``,
``progress`` and Ctrl-C are honoured every ~0.2 s whatever the number of samples.

Examples
--------
>>> import numpy as np
>>> from foederis import Rules, World
>>> from foederis.analysis._sweep import sweep
>>> w = World.from_arrays(["RUS", "EST", "USA"], [0.3, 0.01, 0.5],
...                       guarantor=[2], protege=[1], kind=["defense"])
>>> out = sweep(w, np.array([0]), np.array([1]), Rules(), 1, parallel=False)
>>> out.done, round(float(out.balance[0]), 3), int(out.war_size[0])
(1, 1.7, 3)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from dataclasses import dataclass
from typing import Any

import numba
import numpy as np

from .. import _kernels as _k
from .._blocks import ESTIMATE_SECONDS, core_bytes, core_workspace, run_blocks
from .._config import check_memory, check_time, resolve_budget
from .._constants import DOMAIN_BITS
from .._gate import frozen_view, jit_errstate, per_question_levers, prepare
from .._simulate import simulate
from ..errors import Interrupted, ParameterError
from ..rules import Rules
from .._kernels import sweep as _sk

__all__ = ["MODE_CODE", "PAIR_BYTES", "PAIR_SAMPLES", "SweepOut", "lane_bytes", "sweep"]

#: Above this many samples per pair, each pair's ensemble runs in blocks of samples.
PAIR_SAMPLES = 2048
#: Bytes per pair of the sweep's inputs and outputs.
PAIR_BYTES = 3 * 8 + 54


@dataclass
class SweepOut:
    """The outputs of :func:`sweep` (per pair, per lane for entrapment) and how it ran."""

    balance: np.ndarray
    deterred: np.ndarray
    umbrella: np.ndarray
    war_size: np.ndarray
    n_rounds: np.ndarray
    cap_a: np.ndarray
    cap_d: np.ndarray
    n_deterred: np.ndarray
    war_sum: np.ndarray
    ent_w: np.ndarray
    ent_n: np.ndarray
    credit: np.ndarray
    done: int
    interrupted: bool
    parallel: bool
    seconds: float
    keyboard: bool = False


MODE_CODE = {None: _sk.MODE_DETERMINISTIC, "threshold": _sk.MODE_THRESHOLD,
              "any": _sk.MODE_ANY}


def lane_bytes(n: int, nnz: int, mode: int, stride: int, accumulate: bool) -> int:
    """Workspace bytes of one lane."""
    b = core_bytes(n) + n + 48
    if mode == _sk.MODE_ANY:
        b += 8 * stride * n + 28 * n
    if accumulate:
        b += 32 * n + 8 * nnz
    return b


def sweep(
    world: Any,
    pair_agg: np.ndarray,
    pair_tgt: np.ndarray,
    rules: Rules,
    domain_bit: int,
    *,
    mode: str | None = None,
    samples: int = 0,
    seed: int = 0,
    weights: np.ndarray | None = None,
    lanes: int | None = None,
    progress: Callable[[int, int], Any] | None = None,
    stop: Callable[[], bool] | None = None,
    parallel: bool | None = None,
    result_bytes: int = 0,
    what: str = "the sweep",
    memory_budget: Any = "config",
    time_budget: Any = "config",
) -> SweepOut:
    """Run the cascade (and, with ``mode``, ``samples`` ensemble samples) of every pair.

    ``weights`` given: accumulate entrapment (per lane) with these pair weights.
    ``lanes``: number of workspaces (None: the thread count, or 1 when serial is forced);
    entrapment passes a count that does not depend on the threads, so that its float
    sums do not either. Blocks of pairs are timed as in :func:`foederis.simulate`: the
    first ones run serially, and the rest goes parallel only when its estimated serial
    time exceeds ``PARALLEL_MIN_SECONDS`` (waking a sleeping thread pool costs ms).

    Budgets (``foederis.config`` unless given): the workspaces, per-pair arrays and the
    caller's ``result_bytes`` are checked before anything is allocated, the time after the
    first blocks (BudgetError naming ``what``). ``progress`` counts pairs, or pair-samples
    when ``samples > PAIR_SAMPLES``.
    """
    # the lever that reads the world per question in Python (reach by geography) gives
    # each pair its own inputs: such pairs run one by one (conditions, restraint that reads
    # the treaty, run in the kernel, per pair, in parallel)
    per_pair = bool(per_question_levers(world, rules))
    t_start = time.perf_counter()
    n = world.n_states
    npairs = len(pair_agg)
    mcode = MODE_CODE[mode]
    accumulate = weights is not None
    empty = np.zeros(0, np.int64)
    p = prepare(world, empty, empty, rules, domain_bit)
    any_rw = p.restraint_weight
    if mcode == _sk.MODE_ANY:
        # as simulate: restraint kinds absent from the world need no lanes of bits
        present = np.bincount(world.kind, minlength=len(any_rw)) > 0
        any_rw = np.where(present, any_rw, 0.0)
        any_rw.setflags(write=False)
    stride = int(_k.any_stride(any_rw)) if mcode == _sk.MODE_ANY else 0
    threads = numba.get_num_threads()
    if lanes is None:
        lanes = 1 if (parallel is False or threads < 2) else threads
    nl = int(lanes)
    nnz = world.n_commitments
    mbudget, tbudget = resolve_budget(memory_budget, time_budget)
    how = "sweep fewer pairs (a sample of aggressors= and targets=)" + (
        " or fewer samples" if samples else "") + ", run it on a Dask cluster (client=), or " \
        "raise the budget"
    check_memory(what, nl * lane_bytes(n, nnz, mcode, stride, accumulate)
                 + npairs * PAIR_BYTES + result_bytes, mbudget, how)
    big = mcode != _sk.MODE_DETERMINISTIC and samples > PAIR_SAMPLES
    nreg = max(len(world.region_names), 2)
    z = np.zeros
    ws = (
        z((nl, nreg), np.bool_),  # theatre
        z((nl, 2), np.int64),  # the pair as two 1-element arrays
        *core_workspace(nl, n),  # side, round, ..., dirty: what _cascade_core works in
        z((nl, n if mcode == _sk.MODE_ANY else 1), np.int32),  # nxt ("any")
        z((nl, stride * n if mcode == _sk.MODE_ANY else 1), np.uint64),  # bits ("any")
        z((nl, 3, n if mcode == _sk.MODE_ANY else 1), np.int64),  # counts ("any", unused)
    )
    ws += (frozen_view(ws[0]), frozen_view(ws[1]))  # what the lanes pass on: read-only
    ent_w = z((nl, 2 * n if accumulate else 1), np.float64)
    ent_n = z((nl, 2 * n if accumulate else 1), np.int64)
    credit = z((nl, nnz if accumulate else 1), np.float64)
    out = (
        np.full(npairs, np.nan), z(npairs, np.bool_), z(npairs, np.bool_),
        z(npairs, np.int64), np.full(npairs, -1, np.int32), np.full(npairs, np.nan),
        np.full(npairs, np.nan), z(npairs, np.int64), z(npairs, np.int64),
    )
    ro = frozen_view
    pw = ro(np.ones(npairs) if weights is None else np.ascontiguousarray(weights, np.float64))
    pa = ro(np.ascontiguousarray(pair_agg, np.int64))
    pt = ro(np.ascontiguousarray(pair_tgt, np.int64))
    # per forward edge its condition, when the kernels apply conditions (entrapment's credit)
    fcond = ro(np.ascontiguousarray(world.condition, np.int32)) if p.levers[7].shape[0] \
        else p.levers[6]

    def graph_args(q: Any, region_code: np.ndarray) -> tuple:
        """The tuples of foederis._kernels.sweep for the inputs ``q`` (a Prepared)."""
        return (
            (pa, pt, pw),
            (ro(world.indptr), ro(world.indices), ro(world.credibility), ro(world.kind),
             ro(world.domains), fcond),
            (q.tindptr, q.tindices, q.tcredibility, q.tkind, q.tdomains),
            (q.threshold, q.default_threshold, region_code, q.global_reach, q.reach),
            (q.domain, q.pull_weight, q.restraint_weight, q.defend_initiators,
             q.credibility_scale, q.max_rounds, *q.levers),
            (q.capability, q.nuclear, float(rules.margin), bool(rules.nuclear_umbrella)),
            (_sk.MODE_DETERMINISTIC if big else int(mcode), int(samples), np.uint64(seed),
             any_rw),
            ws,
            (accumulate, ent_w, ent_n, credit),
            out,
        )

    args_graph = graph_args(p, p.region_code)

    def pair_args(i: int) -> tuple:
        """The kernel's tuples for pair ``i`` alone, under reach by geography: a reach
        mask (every state outside the pair in a region no theatre holds, so that only
        the mask lets it join)."""
        a, t = pa[i: i + 1], pt[i: i + 1]
        q = prepare(world, a, t, rules, domain_bit)
        rc = q.region_code
        if q.global_reach is not p.global_reach:
            rc = np.ones(n, dtype=np.int32)
            rc[a] = 0
            rc[t] = 0
            rc = ro(rc)  # read-only like the world's: the kernel compiled once serves both
        return graph_args(q, rc)

    def run_block(par: bool, lo: int, hi: int) -> int:
        if per_pair:
            for i in range(lo, hi):
                _sk.sweep_serial(i, i + 1, *pair_args(i))
            return hi
        kern = _sk.sweep_parallel if par else _sk.sweep_serial
        kern(lo, hi, *args_graph)
        return hi

    # numba's one-off compile or cache load (tenths of a second) is not the sweep's time:
    # an empty call of each variant used takes it out of ``seconds``
    loading = 0.0

    def load(par: bool) -> None:
        nonlocal loading
        kern = _sk.sweep_parallel if par else _sk.sweep_serial
        if not getattr(kern, "signatures", True):  # (a plain function under DISABLE_JIT)
            t0 = time.perf_counter()
            with jit_errstate():
                kern(0, 0, *args_graph)  # no pair: compiles (or loads) only
            loading += time.perf_counter() - t0

    can_par = nl > 1 and threads > 1 and not per_pair
    use_par = bool(parallel) and can_par
    load(use_par)
    if big:
        ran = _pair_by_pair(world, pa, pt, rules, domain_bit, mode, samples, seed,
                            run_block, out, what, tbudget, how, progress, stop, parallel)
    else:
        ran = run_blocks(
            run_block, 0, npairs,
            block=32 if mcode == _sk.MODE_DETERMINISTIC else max(1, PAIR_SAMPLES // samples),
            min_block=8, parallel=use_par, decided=parallel is not None or not can_par,
            speedup=min(nl, threads), progress=progress, stop=stop,
            on_parallel=lambda: load(True),
            estimate=lambda per, left: check_time(
                what, time.perf_counter() - t_start + per * left, tbudget, how),
        )
    return SweepOut(*out, ent_w=ent_w, ent_n=ent_n, credit=credit, done=ran.done,
                    interrupted=ran.interrupted, parallel=ran.parallel,
                    seconds=time.perf_counter() - t_start - loading, keyboard=ran.keyboard)


@dataclass(frozen=True)
class _Ran:
    done: int
    interrupted: bool
    keyboard: bool
    parallel: bool


def _pair_by_pair(world: Any, pa: np.ndarray, pt: np.ndarray, rules: Rules, domain_bit: int,
                  mode: str, samples: int, seed: int, run_block: Callable, out: tuple,
                  what: str, tbudget: float | None, how: str, progress: Any, stop: Any,
                  parallel: bool | None) -> _Ran:
    """Each pair's deterministic cascade (the sweep kernel) then its ensemble in blocks of
    samples (:func:`foederis.simulate`, which honours ``stop`` and Ctrl-C per block);
    ``done`` counts the pairs complete. The time is projected from the first pair's first
    ``ESTIMATE_SECONDS`` of samples."""
    n_deterred, war_sum = out[7], out[8]
    npairs = len(pa)
    total = npairs * samples
    domain = next(k for k, v in DOMAIN_BITS.items() if v == domain_bit)
    t0 = time.perf_counter()
    par = parallel is not False and numba.get_num_threads() > 1

    def report(p: int, done: int, _total: int) -> None:
        elapsed = time.perf_counter() - t0
        if p == 0 and done < samples and elapsed >= ESTIMATE_SECONDS:
            check_time(what, elapsed * total / max(done, 1), tbudget, how)
        if progress is not None:
            progress(p * samples + done, total)

    for p in range(npairs):
        with jit_errstate():
            run_block(False, p, p + 1)
        try:
            e = simulate(world, [(int(pa[p]), int(pt[p]))], rules, samples, seed, mode=mode,
                         domain=domain, per_sample=False, progress=partial(report, p),
                         stop=stop, parallel=parallel, time_budget=None)
        except Interrupted:
            return _Ran(p, True, True, par)
        if e.interrupted:
            return _Ran(p, True, False, par)
        n_deterred[p] = e.n_deterred
        war_sum[p] = e.war_size_sum
    return _Ran(npairs, False, False, par)

