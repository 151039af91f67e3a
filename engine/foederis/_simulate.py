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

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numba
import numpy as np

from . import _kernels as _k
from ._validate import check_int
from ._cascade import (
    Rules,
    _check_rules,
    _check_world,
    _jit_errstate,
    _prepare,
    parse_attacks,
    parse_domain,
)
from .errors import Interrupted, ParameterError

__all__ = ["simulate", "Ensemble", "merge_ensembles", "MODES"]

MODES = ("threshold", "any")

# Serial or parallel? Waking numba's thread pool costs far more than small work. Measured
# on the 2-core development machine (2026-11-25, threading layer "omp", 2 threads): a
# prange launch of trivial work costs ~2 us back to back, ~0.1-0.15 ms after 10-100 ms
# idle, ~8 ms once the pool has gone to sleep (>= 0.5 s idle), and 16-25 ms when other
# jobs hold the second core; the same work serially costs ~1 us. So simulate times its
# first blocks of samples serially and goes parallel only when the estimated remaining
# serial time exceeds PARALLEL_MIN_SECONDS: a wake-up then costs at most half of what the
# second core can save. (Contemporary world, 10,000 "any" samples: 4.3 ms serial, so it
# stays serial; 10,000 "threshold" samples: ~140 ms serial, so it goes parallel.)
PARALLEL_MIN_SECONDS = 0.05
# The choice is made after at least this much serial work was timed (a single short block
# is at the mercy of timer noise and of other jobs on the machine).
DECIDE_SECONDS = 0.005
# Blocks between progress reports / stop checks aim at this duration.
BLOCK_SECONDS = 0.2
# The first (serial) block: one word of 64 samples in mode "any", so that a run of a few
# words on a large world is not done serially before the decision is even made.
_FIRST_BLOCK = {"threshold": 64, "any": 64}
# On a world this large one sample's work dwarfs a thread-pool wake-up (and allocating
# the workspace already costs more): go parallel at once when there is a word per chunk.
LARGE_WORLD_COMMITMENTS = 1_000_000
# A parallel block of mode "any" hands whole words to the chunks: it needs at least one
# word per chunk (64 x chunks samples), or a chunk (a core) sits idle.
_WORD = 64


def core_workspace(lanes: int, n: int) -> tuple:
    """Per-lane workspace of ``_kernels._cascade_core`` for ``n`` states, in its argument
    order (side, round, initiator, order, round_ptr, accumulators, offense-toward-initiator
    flags, stamp, touched, dirty), each array (lanes, ...), in the state the core expects
    on entry. Shared by the ensembles and the deterrence sweep."""
    z = np.zeros
    return (
        z((lanes, n), np.int8),  # side
        np.full((lanes, n), -1, np.int32),  # round
        z((lanes, n), np.bool_),  # initiator
        z((lanes, n), np.int32),  # order
        z((lanes, n + 2), np.int64),  # round_ptr
        z((lanes, 4 * n), np.float64),  # accumulators
        z((lanes, 2 * n), np.bool_),  # offense-toward-initiator flags
        z((lanes, n), np.int32),  # stamp
        z((lanes, n), np.int32),  # touched
        z((lanes, n), np.int32),  # dirty
    )


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
        return float(np.count_nonzero(self.deterred) / self.samples) if self.samples else math.nan

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
        """Per-sample results as a pandas DataFrame indexed by sample number."""
        import pandas as pd

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
    parts = sorted(parts, key=lambda e: e.start)
    if not parts:
        raise ParameterError("merge_ensembles needs at least one Ensemble")
    first = parts[0]
    for e in parts:
        if not isinstance(e, Ensemble):
            raise ParameterError(f"merge_ensembles takes Ensembles, got {type(e).__name__}")
        for attr in ("attacks", "rules", "domain", "mode", "seed"):
            if getattr(e, attr) != getattr(first, attr):
                raise ParameterError(
                    f"cannot merge ensembles with different {attr}: "
                    f"{getattr(first, attr)!r} and {getattr(e, attr)!r}"
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

    def cat(name: str) -> np.ndarray:
        return _frozen(np.concatenate([getattr(e, name) for e in parts]))

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
        war_size=cat("war_size"), n_rounds=cat("n_rounds"), balance=cat("balance"),
        deterred=cat("deterred"),
    )


# --------------------------------------------------------------------------------------
# the driver
# --------------------------------------------------------------------------------------
def _check_stop(stop: Any) -> Callable[[], bool] | None:
    if stop is None:
        return None
    if hasattr(stop, "is_set"):
        return lambda: bool(stop.is_set())
    if callable(stop):
        return lambda: bool(stop())
    raise ParameterError("stop must be None, a threading.Event (anything with is_set()) or a "
                         f"callable returning True to stop, got {type(stop).__name__}")


def _check_seed(seed: Any) -> int:
    if seed is None:
        return int(np.random.SeedSequence().entropy) & ((1 << 64) - 1)
    return check_int("seed", seed, low=0, high=(1 << 64) - 1)


class _Workspace:
    """Per-chunk buffers, allocated once per simulate call and reused by every block."""

    def __init__(self, mode: str, n: int, nchunks: int,
                 restraint_weight: np.ndarray | None = None, nnz: int = 0) -> None:
        # mode "any": ``nnz`` (the world's commitments) sizes the per-edge memo of a
        # word's draws; 0 (callers that do not know it) gives empty arrays, and the kernel
        # then draws every edge afresh on every visit (same results, slower)
        z = np.zeros
        self.count_a = z((nchunks, n), np.int64)
        self.count_d = z((nchunks, n), np.int64)
        self.round_sum = z((nchunks, n), np.int64)
        if mode == "threshold":
            self.buffers = core_workspace(nchunks, n)
        else:
            self.buffers = (
                z((nchunks, any_stride(restraint_weight) * n), np.uint64),  # bits
                z((nchunks, n), np.int32),  # stamp
                z((nchunks, n), np.int32),  # touched
                z((nchunks, n), np.int32),  # cur
                z((nchunks, n), np.int32),  # nxt
                z((nchunks, n), np.int32),  # dirty
                z((nchunks, nnz), np.uint64),  # per-edge draws of the current word
                z((nchunks, nnz), np.bool_),  # ... drawn yet (False between words)
            )


def any_stride(restraint_weight: Any) -> int:
    """uint64 words per state of the bit-parallel workspace (as ``_kernels.any_stride``):
    9 + 4 * (number of distinct positive restraint weights)."""
    rw = np.asarray(restraint_weight, dtype=np.float64)
    return 9 + 4 * len(np.unique(rw[rw > 0]))


def _run_block(mode: str, parallel: bool, p: Any, seed: np.uint64, lo: int, hi: int,
               start: int, margin: float, umbrella_on: bool, ws: _Workspace,
               out: tuple, status: np.ndarray) -> None:
    war_size, n_rounds, balance, deterred = (a[lo - start: hi - start] for a in out)
    if mode == "threshold":
        kern = _k.simulate_threshold_parallel if parallel else _k.simulate_threshold_serial
        kern(
            lo, hi, seed,
            p.tindptr, p.tindices, p.tcredibility, p.tkind, p.tdomains,
            p.threshold, p.default_threshold, p.region_code, p.global_reach, p.theatre,
            p.reach, p.aggressors, p.targets, p.domain,
            p.pull_weight, p.restraint_weight, p.defend_initiators, p.credibility_scale,
            p.max_rounds, p.capability, p.nuclear, margin, umbrella_on,
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
            p.max_rounds, p.capability, p.nuclear, margin, umbrella_on,
            *ws.buffers,
            ws.count_a, ws.count_d, ws.round_sum,
            war_size, n_rounds, balance, deterred, status,
        )


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
    progress: Callable[[int, int], Any] | None = None,
    stop: Any = None,
    parallel: bool | None = None,
    client: Any = None,
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
        for bit (:func:`foederis.distributed.simulate_distributed`; ``stop`` is not
        supported there).

    Returns
    -------
    Ensemble

    Raises
    ------
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
        from .distributed import simulate_distributed

        return simulate_distributed(client, world, attacks, rules, samples, seed, mode=mode,
                                    domain=domain, start=start, progress=progress)
    world = _check_world(world)
    rules = _check_rules(rules)
    dname, dbit = parse_domain(domain)
    aggressors, targets, pairs = parse_attacks(world, attacks)
    if mode not in MODES:
        raise ParameterError(f"mode must be one of {MODES}, got {mode!r}")
    samples = check_int("samples", samples, low=1, high=1 << 62)
    start = check_int("start", start, low=0, high=(1 << 62) - samples)
    seed = _check_seed(seed)
    stopped = _check_stop(stop)
    if progress is not None and not callable(progress):
        raise ParameterError(f"progress must be a callable(done, total), got {progress!r}")
    if parallel is not None and not isinstance(parallel, (bool, np.bool_)):
        raise ParameterError(f"parallel must be True, False or None, got {parallel!r}")

    p = _prepare(world, aggressors, targets, rules, dbit)
    if mode == "any":
        # restraint kinds absent from the world need no lanes in the bit-parallel workspace
        present = np.bincount(world.kind, minlength=len(p.restraint_weight)) > 0
        rw = np.where(present, p.restraint_weight, 0.0)
        rw.setflags(write=False)
        p = p._replace(restraint_weight=rw)
    n = world.n_states
    threads = numba.get_num_threads()
    nchunks = 1 if (parallel is False or threads < 2) else threads
    ws = _Workspace(mode, n, nchunks, p.restraint_weight, world.n_commitments)
    out = (
        np.zeros(samples, np.int64),
        np.zeros(samples, np.int32),
        np.empty(samples, np.float64),
        np.zeros(samples, np.bool_),
    )
    status = np.array([start], dtype=np.int64)
    end = start + samples
    useed = np.uint64(seed)
    margin = float(rules.margin)
    umbrella_on = bool(rules.nuclear_umbrella)
    use_par = bool(parallel) and nchunks > 1
    large = (parallel is None and nchunks > 1 and samples >= _WORD * nchunks
             and world.n_commitments >= LARGE_WORLD_COMMITMENTS)
    use_par = use_par or large
    block = _FIRST_BLOCK[mode]
    if use_par:
        block = max(block, _WORD * nchunks)
    done = start
    interrupted = False

    def result(upto: int, was_interrupted: bool) -> Ensemble:
        k = upto - start
        return Ensemble(
            world=world, attacks=pairs, rules=rules, domain=dname, mode=mode, seed=seed,
            start=start, samples=k, requested=samples, interrupted=was_interrupted,
            count_a=_frozen(ws.count_a.sum(axis=0)), count_d=_frozen(ws.count_d.sum(axis=0)),
            round_sum=_frozen(ws.round_sum.sum(axis=0)),
            war_size=_frozen(out[0][:k].copy()), n_rounds=_frozen(out[1][:k].copy()),
            balance=_frozen(out[2][:k].copy()), deterred=_frozen(out[3][:k].copy()),
        )

    decided = parallel is not None or nchunks == 1 or large
    serial_time = 0.0
    serial_samples = 0
    try:
        with _jit_errstate():
            while done < end:
                hi = min(end, _align(done + block))
                t0 = time.perf_counter()
                _run_block(mode, use_par, p, useed, done, hi, start, margin, umbrella_on,
                           ws, out, status)
                dt = time.perf_counter() - t0
                ran = hi - done
                done = int(status[0])
                if not decided:
                    # serial blocks growing x4 until >= DECIDE_SECONDS of work was timed
                    serial_time += dt
                    serial_samples += ran
                    per = serial_time / serial_samples
                    if serial_time >= DECIDE_SECONDS:
                        use_par = per * (end - done) > PARALLEL_MIN_SECONDS
                        decided = True
                        block = _next_block(per, nchunks if use_par else 1)
                    else:
                        block *= 4
                else:
                    block = _next_block(dt / ran, 1)
                if use_par:
                    block = max(block, _WORD * nchunks)
                if progress is not None:
                    progress(done - start, samples)
                if stopped is not None and done < end and stopped():
                    interrupted = True
                    break
    except KeyboardInterrupt:
        upto = int(status[0])
        part = result(upto, True)
        exc = Interrupted(
            f"simulate interrupted after {upto - start} of {samples} samples; the partial "
            "ensemble is in this exception's .partial attribute"
        )
        exc.partial = part  # type: ignore[attr-defined]
        raise exc from None
    return result(done, interrupted)


def _next_block(per_sample: float, speedup: int) -> int:
    """Samples in a block of ~BLOCK_SECONDS given the serial time per sample."""
    return max(64, int(BLOCK_SECONDS * speedup / max(per_sample, 1e-9)))


def _align(x: int) -> int:
    """Round up to a multiple of 64 so that blocks of mode "any" never split a word."""
    return (x + 63) // 64 * 64
