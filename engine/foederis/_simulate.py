"""Monte Carlo ensembles of the cascade: :func:`simulate`, :class:`Ensemble`.

In each sample every commitment is honoured with probability c (its credibility times
``credibility_scale``); honoured commitments count with credibility 1, the others not at
all. Two modes:

``"threshold"``
    The deterministic rule of :func:`foederis.cascade` on the honoured commitments
    (kind weights, triggers, restraints, thresholds, reach all apply).
``"any"``
    The independent cascade: a neutral state joins side S as soon as one honoured,
    triggered commitment pulls it there, that is, when its strongest honoured pull toward
    S (the kind weight times the trigger: 1 for DEFENSE, GUARANTEE, OFFENSE,
    ``entente_weight`` for ENTENTE, times ``defend_initiators`` for a non-OFFENSE pull
    toward an initiator) exceeds its strongest honoured restraint against S
    (``neutrality_weight`` / ``nonaggression_weight`` of a commitment to a state on the
    other side, or ``ally_restraint`` times the pull weight of a DEFENSE, GUARANTEE,
    OFFENSE or ENTENTE commitment to one; none = 0). A state pulled to both sides stays neutral (conflicted).
    Thresholds play no part. With no restraints this is exactly the independent cascade;
    a restraint vetoes only the pulls it equals or outweighs, so with the default weights
    a NONAGGRESSION pact with the aggressor (0.5) does not stop a DEFENSE pact (1) from
    pulling, while a NEUTRALITY pact (1.0) does; this is the threshold rule's verdict for
    one pull against one restraint. Run 64 samples at once, one per bit of a uint64 word.

Randomness is counter-based: sample s honours commitment e according to a splitmix64
hash of (seed, s, e), where e is the commitment's identity (guarantor index, protege
index, kind; see ``foederis.kernels.edge_id``). What-if edits do not renumber states, so a
what-if and its baseline run with the same seed share their random numbers on every
commitment they have in common (common random numbers: their difference is far less noisy
than two independent runs). A sample's
result depends only on (world, attacks, rules, domain, mode, seed, s), never on the
thread count nor on how samples are split: ``simulate(..., samples=n, start=a)`` gives
samples [a, a+n) exactly as a single larger run would, and :func:`merge_ensembles`
joins such parts bit for bit.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numba
import numpy as np

from . import _kernels as _k
from ._blocks import LARGE_WORLD_COMMITMENTS, WORD, Workspace, pooled_workspace, run_blocks
from ._config import check_memory, check_time, resolve_budget
from ._cluster import check_blocks, check_client, run_on_cluster, sample_blocks
from ._gate import (
    MODES,
    check_mode,
    check_parallel,
    check_progress,
    check_rules,
    check_seed,
    check_stop,
    check_world,
    kinds_present,
    parse_attacks,
    parse_domain,
    prepare,
)
from ._validate import check_int, shown
from .errors import Interrupted, ParameterError
from .rules import Rules

__all__ = ["simulate", "simulate_distributed", "Ensemble", "merge_ensembles", "MODES",
           "PER_SAMPLE_AUTO", "SAMPLE_BYTES", "ensemble_advice"]

#: With ``per_sample=None`` the per-sample arrays are kept up to this many samples.
PER_SAMPLE_AUTO = 1_000_000
#: Bytes of the per-sample arrays per sample (war_size 8, n_rounds 4, balance 8, deterred 1).
SAMPLE_BYTES = 21


def ensemble_advice(what: str) -> str:
    """How to proceed when an ensemble is over budget."""
    return (f"use fewer samples, split the {what} (simulate's start= and "
            "foederis.merge_ensembles) or run it on a Dask cluster (client=, see "
            "foederis.distributed), or raise the budget")


# --------------------------------------------------------------------------------------
# the result
# --------------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False, repr=False)
class Ensemble:
    """The result of :func:`simulate`: samples [start, start + samples) of an ensemble.

    Attributes
    ----------
    world, attacks, rules, domain, mode, seed
        What was asked; ``seed`` is the one used (drawn and recorded when None was given).
    start, samples : int
        The sample range computed (``samples`` < the requested number when interrupted).
    requested : int
        The number of samples asked for.
    interrupted : bool
        True when a ``stop`` flag ended the run early.
    count_a, count_d, round_sum : int64 arrays, per state
        In how many samples each state joined A, joined D; sum of its join rounds.
    n_deterred, war_size_sum : int
        Samples in which the attack was deterred; sum over samples of ``war_size``
        (kept whether or not the per-sample arrays are).
    per_sample : bool
        Whether the per-sample arrays below were kept (``simulate(per_sample=)``); when
        not, they are empty.
    war_size : int64 array, per sample
        States at war (both sides, aggressors and targets included).
    n_rounds : int32 array, per sample
        Last round in which somebody joined.
    balance : float64 array, per sample
        capability(D) / capability(A) (inf / NaN as in :class:`Cascade`).
    deterred : bool array, per sample
    """

    world: Any
    attacks: tuple
    rules: Rules
    domain: str
    mode: str
    seed: int
    start: int
    samples: int
    requested: int
    interrupted: bool
    count_a: np.ndarray
    count_d: np.ndarray
    round_sum: np.ndarray
    n_deterred: int
    war_size_sum: int
    per_sample: bool
    war_size: np.ndarray
    n_rounds: np.ndarray
    balance: np.ndarray
    deterred: np.ndarray

    @cached_property
    def p_join_a(self) -> np.ndarray:
        """P(state joins side A), per state."""
        return _frozen(self.count_a / self.samples if self.samples else
                       np.full(len(self.count_a), np.nan))

    @cached_property
    def p_join_d(self) -> np.ndarray:
        """P(state joins side D), per state."""
        return _frozen(self.count_d / self.samples if self.samples else
                       np.full(len(self.count_d), np.nan))

    @cached_property
    def p_join(self) -> np.ndarray:
        """P(state is drawn in on either side), per state."""
        return _frozen((self.count_a + self.count_d) / self.samples if self.samples else
                       np.full(len(self.count_a), np.nan))

    @cached_property
    def mean_round(self) -> np.ndarray:
        """Mean join round over the samples in which the state joined (NaN if never)."""
        n = self.count_a + self.count_d
        with np.errstate(invalid="ignore", divide="ignore"):
            m = np.where(n > 0, self.round_sum / np.maximum(n, 1), np.nan)
        return _frozen(m)

    @property
    def p_deterred(self) -> float:
        """Share of samples in which the attack is deterred."""
        return float(self.n_deterred / self.samples) if self.samples else math.nan

    @property
    def mean_war_size(self) -> float:
        """Mean number of states at war over the samples."""
        return float(self.war_size_sum / self.samples) if self.samples else math.nan

    def stderr(self, p: Any) -> Any:
        """Binomial standard error sqrt(p (1 - p) / samples) of a probability (array)."""
        p = np.asarray(p, dtype=np.float64)
        se = np.sqrt(p * (1 - p) / max(self.samples, 1))
        return float(se) if se.ndim == 0 else se

    def to_frame(self) -> Any:
        """Per-state results as a pandas DataFrame indexed by code: ``name``, ``p_join_a``,
        ``p_join_d``, ``p_join``, ``mean_round``."""
        import pandas as pd

        w = self.world
        return pd.DataFrame(
            {
                "name": w.names,
                "p_join_a": self.p_join_a,
                "p_join_d": self.p_join_d,
                "p_join": self.p_join,
                "mean_round": self.mean_round,
            },
            index=pd.Index(w.codes, name="code"),
        )

    def samples_frame(self) -> Any:
        """Per-sample results as a pandas DataFrame indexed by sample number (needs the
        per-sample arrays: ``simulate(per_sample=True)``)."""
        import pandas as pd

        if not self.per_sample:
            raise ParameterError(
                f"this ensemble of {self.samples:,} samples kept no per-sample results; "
                "run simulate(..., per_sample=True) for them")

        return pd.DataFrame(
            {
                "war_size": self.war_size,
                "n_rounds": self.n_rounds,
                "balance": self.balance,
                "deterred": self.deterred,
            },
            index=pd.RangeIndex(self.start, self.start + self.samples, name="sample"),
        )

    def __repr__(self) -> str:
        atk = ", ".join(f"{a}:{t}" for a, t in self.attacks)
        flag = ", interrupted" if self.interrupted else ""
        return (f"<Ensemble {atk} ({self.domain}, mode {self.mode!r}): samples "
                f"[{self.start}, {self.start + self.samples}) seed {self.seed}, "
                f"P(deterred) {self.p_deterred:.3g}{flag}>")


def _frozen(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def merge_ensembles(parts: Sequence[Ensemble]) -> Ensemble:
    """Join ensembles of consecutive sample ranges of the same question into one.

    The result is bit-identical to one :func:`simulate` call over the whole range.
    Raises ParameterError if the parts ask different questions, overlap or leave gaps.
    """
    if isinstance(parts, Ensemble) or not isinstance(parts, Iterable):
        raise ParameterError(f"merge_ensembles takes a list of Ensembles, got "
                             f"{type(parts).__name__}")
    parts = list(parts)
    for e in parts:
        if not isinstance(e, Ensemble):
            raise ParameterError(f"merge_ensembles takes Ensembles, got {type(e).__name__}")
    parts = sorted(parts, key=lambda e: e.start)
    if not parts:
        raise ParameterError("merge_ensembles needs at least one Ensemble")
    first = parts[0]
    for e in parts:
        for attr in ("attacks", "rules", "domain", "mode", "seed"):
            if getattr(e, attr) != getattr(first, attr):
                raise ParameterError(
                    f"cannot merge ensembles with different {attr}: "
                    f"{shown(getattr(first, attr))} and {shown(getattr(e, attr))}"
                )
        if e.world is not first.world and not e.world.equals(first.world):
            raise ParameterError("cannot merge ensembles of different worlds")
    for a, b in zip(parts, parts[1:]):
        if a.start + a.samples != b.start:
            raise ParameterError(
                f"ensembles must cover consecutive sample ranges: [{a.start}, "
                f"{a.start + a.samples}) is followed by [{b.start}, {b.start + b.samples})"
            )
    total = sum(e.samples for e in parts)

    keep = all(e.per_sample for e in parts)

    def cat(name: str) -> np.ndarray:
        arrs = [getattr(e, name) for e in parts]
        return _frozen(np.concatenate(arrs) if keep else arrs[0][:0].copy())

    def add(name: str) -> np.ndarray:
        out = np.zeros_like(getattr(first, name))
        for e in parts:
            out += getattr(e, name)
        return _frozen(out)

    return Ensemble(
        world=first.world, attacks=first.attacks, rules=first.rules, domain=first.domain,
        mode=first.mode, seed=first.seed, start=first.start, samples=total,
        requested=sum(e.requested for e in parts),
        interrupted=any(e.interrupted for e in parts),
        count_a=add("count_a"), count_d=add("count_d"), round_sum=add("round_sum"),
        n_deterred=sum(e.n_deterred for e in parts),
        war_size_sum=sum(e.war_size_sum for e in parts),
        per_sample=all(e.per_sample for e in parts),
        war_size=cat("war_size"), n_rounds=cat("n_rounds"), balance=cat("balance"),
        deterred=cat("deterred"),
    )


# --------------------------------------------------------------------------------------
# the driver
# --------------------------------------------------------------------------------------
def _run_block(mode: str, parallel: bool, p: Any, seed: np.uint64, lo: int, hi: int,
               margin: float, umbrella_on: bool, ws: Workspace, out: tuple,
               status: np.ndarray) -> int:
    """Samples [lo, hi) into ``ws`` and ``out`` (per-sample arrays of hi - lo entries);
    returns how far the kernel got."""
    war_size, n_rounds, balance, deterred = out
    if mode == "threshold":
        kern = _k.simulate_threshold_parallel if parallel else _k.simulate_threshold_serial
        kern(
            lo, hi, seed,
            p.tindptr, p.tindices, p.tcredibility, p.tkind, p.tdomains,
            p.threshold, p.default_threshold, p.region_code, p.global_reach, p.theatre,
            p.reach, p.aggressors, p.targets, p.domain,
            p.pull_weight, p.restraint_weight, p.defend_initiators, p.credibility_scale,
            p.max_rounds, p.levers, p.capability, p.nuclear, margin, umbrella_on,
            *ws.buffers,
            ws.count_a, ws.count_d, ws.round_sum,
            war_size, n_rounds, balance, deterred, status,
        )
    else:
        kern = _k.simulate_any_parallel if parallel else _k.simulate_any_serial
        kern(
            lo, hi, seed,
            p.tindptr, p.tindices, p.tcredibility, p.tkind, p.tdomains,
            p.region_code, p.global_reach, p.theatre, p.reach,
            p.aggressors, p.targets, p.domain,
            p.pull_weight, p.restraint_weight, p.defend_initiators, p.credibility_scale,
            p.max_rounds, p.levers, p.capability, p.nuclear, margin, umbrella_on,
            *ws.buffers,
            ws.count_a, ws.count_d, ws.round_sum,
            war_size, n_rounds, balance, deterred, status,
        )
    return int(status[0])


def _per_sample_arrays(k: int) -> list:
    return [np.zeros(k, np.int64), np.zeros(k, np.int32), np.empty(k, np.float64),
            np.zeros(k, np.bool_)]


def simulate(
    world: Any,
    attacks: Any,
    rules: Rules | None = None,
    samples: int = 1000,
    seed: int | None = 0,
    *,
    mode: str = "threshold",
    domain: str = "conventional",
    start: int = 0,
    per_sample: bool | None = None,
    progress: Callable[[int, int], Any] | None = None,
    stop: Any = None,
    parallel: bool | None = None,
    client: Any = None,
    memory_budget: Any = "config",
    time_budget: Any = "config",
) -> Ensemble:
    """Monte Carlo ensemble of the cascade: credibilities as probabilities.

    Parameters
    ----------
    world : foederis.World
    attacks : str, pair or list of pairs
        As for :func:`foederis.cascade`.
    rules : foederis.Rules, optional
    samples : int, default 1000
        Number of samples (>= 1).
    seed : int in [0, 2**64) or None, default 0
        None draws a seed from the OS and records it in ``Ensemble.seed``.
    mode : {"threshold", "any"}
        See the module documentation.
    domain : str, default "conventional"
    start : int, default 0
        First sample number: samples [start, start + samples) are computed, exactly as
        they would be in one larger run. Split a large ensemble across processes or
        machines this way and join the parts with :func:`merge_ensembles`.
    per_sample : bool or None
        Keep the per-sample arrays (``war_size``, ``n_rounds``, ``balance``,
        ``deterred``: 21 bytes a sample)? None (default): when ``samples`` <=
        ``PER_SAMPLE_AUTO`` (10^6). Without them memory does not grow with ``samples``:
        the per-state counts, ``p_deterred`` and ``mean_war_size`` are kept either way.
    progress : callable(done, total), optional
        Called after each block of samples (blocks take ~0.2 s).
    stop : threading.Event or callable, optional
        Checked after each block; when set (or returning True) the run stops and the
        samples done so far are returned with ``interrupted=True``.
    parallel : bool or None
        Force serial (False) or parallel (True) kernels; None decides by the work (small
        work never pays for waking the thread pool). Results are identical either way.
    client : dask.distributed.Client, optional
        Run blocks of the samples on a Dask cluster and merge them: the same ensemble, bit
        for bit (:func:`simulate_distributed`).
    memory_budget, time_budget : "config", number or None
        Bytes and seconds this call may take ("config": ``foederis.config``'s; None:
        unlimited). Memory is estimated from the sizes before anything is allocated;
        time from the first blocks (a few ms of the real work).

    Returns
    -------
    Ensemble

    Raises
    ------
    foederis.BudgetError
        The estimated memory or time exceeds the budget (the message gives the estimate).
    foederis.Interrupted
        On Ctrl-C (KeyboardInterrupt) between blocks; its ``partial`` attribute holds the
        Ensemble of the samples completed.

    Examples
    --------
    >>> from foederis import World
    >>> from foederis import simulate
    >>> w = World.from_arrays(["RUS", "EST", "USA"], [0.3, 0.01, 0.5],
    ...     guarantor=[2], protege=[1], kind=["defense"], credibility=[0.5])
    >>> e = simulate(w, "RUS:EST", samples=4096, seed=1)
    >>> e.p_join_d.round(3).tolist(), e.p_deterred, float(e.stderr(0.5))
    ([0.0, 1.0, 0.481], 0.48095703125, 0.0078125)
    """
    if client is not None:
        return simulate_distributed(client, world, attacks, rules, samples, seed, mode=mode,
                                    domain=domain, start=start, per_sample=per_sample,
                                    progress=progress, stop=stop)
    world = check_world(world)
    rules = check_rules(rules)
    dname, dbit = parse_domain(domain)
    aggressors, targets, pairs = parse_attacks(world, attacks)
    mode = check_mode(mode)
    samples = check_int("samples", samples, low=1, high=1 << 62)
    start = check_int("start", start, low=0, high=(1 << 62) - samples)
    seed = check_seed(seed)
    stopped = check_stop(stop)
    progress = check_progress(progress)
    parallel = check_parallel(parallel)
    keep = check_per_sample(per_sample, samples)
    mbudget, tbudget = resolve_budget(memory_budget, time_budget)

    p = prepare(world, aggressors, targets, rules, dbit)
    if mode == "any":
        # restraint kinds absent from the world need no lanes in the bit-parallel workspace
        present = kinds_present(world)[: len(p.restraint_weight)]
        rw = np.where(present, p.restraint_weight, 0.0)
        rw.setflags(write=False)
        p = p._replace(restraint_weight=rw)
    n = world.n_states
    threads = numba.get_num_threads()
    nchunks = 1 if (parallel is False or threads < 2) else threads
    what = f"simulate of {samples:,} samples (mode {mode!r})"
    check_memory(what, Workspace.nbytes(mode, n, nchunks, p.restraint_weight,
                                        world.n_commitments)
                 + (SAMPLE_BYTES * samples if keep else 0) + 48 * n, mbudget,
                 ("pass per_sample=False (memory then does not grow with samples), "
                  if keep else "") + ensemble_advice("ensemble"))
    with pooled_workspace(mode, n, nchunks, p.restraint_weight,
                          world.n_commitments) as ws:
        out = _per_sample_arrays(samples if keep else 0)
        sums = [0, 0]  # deterred samples, sum of war sizes
        status = np.array([start], dtype=np.int64)
        end = start + samples
        useed = np.uint64(seed)
        margin = float(rules.margin)
        umbrella_on = bool(rules.nuclear_umbrella)
        large = (parallel is None and nchunks > 1 and samples >= WORD * nchunks
                 and world.n_commitments >= LARGE_WORLD_COMMITMENTS)
        use_par = (bool(parallel) and nchunks > 1) or large
        t0 = time.perf_counter()

        def result(upto: int, was_interrupted: bool) -> Ensemble:
            k = upto - start if keep else 0
            count_a, count_d, round_sum = ws.counts()
            return Ensemble(
                world=world, attacks=pairs, rules=rules, domain=dname, mode=mode, seed=seed,
                start=start, samples=upto - start, requested=samples,
                interrupted=was_interrupted,
                count_a=_frozen(count_a), count_d=_frozen(count_d),
                round_sum=_frozen(round_sum),
                n_deterred=sums[0], war_size_sum=sums[1], per_sample=keep,
                war_size=_frozen(out[0][:k].copy()), n_rounds=_frozen(out[1][:k].copy()),
                balance=_frozen(out[2][:k].copy()), deterred=_frozen(out[3][:k].copy()),
            )

        def run(par: bool, lo: int, hi: int) -> int:
            if keep:
                views = tuple(a[lo - start: hi - start] for a in out)
            else:  # one block's worth of per-sample scratch, grown as blocks grow
                if len(out[0]) < hi - lo:
                    out[:] = _per_sample_arrays(hi - lo)
                views = tuple(a[: hi - lo] for a in out)
            reached = _run_block(mode, par, p, useed, lo, hi, margin, umbrella_on, ws, views,
                                 status)
            sums[0] += int(np.count_nonzero(views[3][: reached - lo]))
            sums[1] += int(views[0][: reached - lo].sum())
            return reached

        def estimate(per: float, left: int) -> None:
            check_time(what, time.perf_counter() - t0 + per * left, tbudget,
                       ensemble_advice("ensemble"))

        ran = run_blocks(run, start, end, block=WORD, min_block=WORD, parallel=use_par,
                         decided=parallel is not None or nchunks == 1 or large, speedup=nchunks,
                         align=WORD, parallel_block=WORD * nchunks,
                         progress=progress, stop=stopped, estimate=estimate)
        if ran.keyboard:
            upto = int(status[0])
            exc = Interrupted(
                f"simulate interrupted after {upto - start} of {samples} samples; the partial "
                "ensemble is in this exception's .partial attribute"
            )
            exc.partial = result(upto, True)  # type: ignore[attr-defined]
            raise exc from None
        return result(ran.done, ran.interrupted)


def check_per_sample(per_sample: Any, samples: int) -> bool:
    """``simulate``'s ``per_sample`` (True, False or None: up to ``PER_SAMPLE_AUTO``)."""
    if per_sample is None:
        return samples <= PER_SAMPLE_AUTO
    if not isinstance(per_sample, (bool, np.bool_)):
        raise ParameterError(f"per_sample must be True, False or None, got {per_sample!r}")
    return bool(per_sample)


def _simulate_block(world: Any, attacks: Any, rules: Rules, samples: int, seed: int,
                    mode: str, domain: str, start: int, per_sample: bool) -> Ensemble:
    # the client side applied the time budget to the whole; a worker's memory budget is
    # its own machine's
    return simulate(world, attacks, rules, samples=samples, seed=seed, mode=mode,
                    domain=domain, start=start, per_sample=per_sample, time_budget=None)


def simulate_distributed(client: Any, world: Any, attacks: Any, rules: Any = None,
                         samples: int = 1000, seed: Any = 0, *, mode: str = "threshold",
                         domain: str = "conventional", start: int = 0,
                         per_sample: bool | None = None, blocks: int | None = None,
                         progress: Any = None, stop: Any = None) -> Ensemble:
    """:func:`simulate` with the samples split into blocks run on a Dask cluster and
    merged with :func:`merge_ensembles` (bit-identical to one local call).

    ``blocks`` defaults to twice the cluster's thread count. The world is scattered once
    and shared by every block. ``stop`` is checked on the client while blocks run: when
    set, the blocks not finished are cancelled and the consecutive blocks done from
    ``start`` are returned (``interrupted=True``). Also
    :func:`foederis.distributed.simulate_distributed`.
    """
    client = check_client(client)
    # every parameter is checked here, on the client, before any block is submitted
    world = check_world(world)
    attacks = parse_attacks(world, attacks)[2]
    samples = check_int("samples", samples, low=1, high=1 << 62)
    start = check_int("start", start, low=0, high=(1 << 62) - samples)
    rules = check_rules(rules)
    mode = check_mode(mode)
    dname = parse_domain(domain)[0]
    seed = check_seed(seed)
    progress = check_progress(progress)
    stopped = check_stop(stop)
    keep = check_per_sample(per_sample, samples)
    blocks = check_blocks(client, blocks)
    parts, interrupted = run_on_cluster(
        client, _simulate_block, world,
        [(attacks, rules, n, seed, mode, dname, s, keep)
         for s, n in sample_blocks(start, samples, blocks)],
        progress=progress, size=lambda e: e.samples, total=samples, stop=stopped,
    )
    done = []
    for e in parts:  # the consecutive blocks done from start
        if e is None:
            break
        done.append(e)
    if not done:  # stopped before any block finished: an empty ensemble
        zeros = _frozen(np.zeros(world.n_states, np.int64))
        per = [_frozen(x) for x in _per_sample_arrays(0)]
        return Ensemble(world, attacks, rules, dname, mode, seed, start, 0, samples, True,
                        zeros, zeros, zeros, 0, 0, keep, *per)
    # the merged ensemble should name the caller's world object, not a worker's copy
    merged = merge_ensembles(done)
    return dataclasses.replace(merged, world=world, requested=samples,
                               interrupted=merged.interrupted or interrupted)
