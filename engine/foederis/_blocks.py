"""The one driver for blocks of samples or pairs: ensembles, sweeps and entrapment alike.

A long computation (the samples of :func:`foederis.simulate`, the pairs of
``deterrence_map``, the wars of ``entrapment``) runs as a loop of blocks over one kernel,
through :func:`run_blocks`: the first blocks are timed serially, the rest goes parallel
only when its estimated serial time pays for waking numba's thread pool, blocks aim at
``BLOCK_SECONDS`` so that ``progress`` and ``stop`` are honoured promptly, and Ctrl-C
between blocks ends the loop with the work done so far. Results never depend on the
blocks: the kernels are pure functions of (question, sample or pair).

The workspace layouts live here too: :func:`core_workspace` (the cascade core's, per lane)
and :class:`Workspace` (the ensembles' per-chunk buffers).

Examples
--------
>>> from foederis._blocks import run_blocks
>>> seen = []
>>> run = run_blocks(lambda par, lo, hi: seen.append((lo, hi)) or hi, 0, 100,
...                  block=32, min_block=8, parallel=False, decided=True, speedup=1)
>>> run.done, run.interrupted, seen[0]
(100, False, (0, 32))
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _kernels as _k
from ._gate import jit_errstate

__all__ = [
    "BLOCK_SECONDS", "DECIDE_SECONDS", "ESTIMATE_SECONDS", "LARGE_WORLD_COMMITMENTS",
    "PARALLEL_MIN_SECONDS", "POOL_BYTES", "WORD", "BlockRun", "Workspace", "core_workspace",
    "core_bytes", "pooled_workspace", "release_workspaces", "run_blocks",
]

# Serial or parallel? Waking numba's thread pool costs far more than small work. Measured
# on the 2-core development machine (2026-11-25, threading layer "omp", 2 threads): a
# prange launch of trivial work costs ~2 us back to back, ~0.1-0.15 ms after 10-100 ms
# idle, ~8 ms once the pool has gone to sleep (>= 0.5 s idle), and 16-25 ms when other
# jobs hold the second core; the same work serially costs ~1 us. So the driver times the
# first blocks serially and goes parallel only when the estimated remaining serial time
# exceeds PARALLEL_MIN_SECONDS: a wake-up then costs at most half of what the second core
# can save. (Contemporary world, 10,000 "any" samples: 4.3 ms serial, so it stays serial;
# 10,000 "threshold" samples: ~140 ms serial, so it goes parallel.)
PARALLEL_MIN_SECONDS = 0.05
# The choice is made after at least this much serial work was timed (a single short block
# is at the mercy of timer noise and of other jobs on the machine).
DECIDE_SECONDS = 0.005
# Blocks between progress reports / stop checks aim at this duration.
BLOCK_SECONDS = 0.2
# A run's time is projected (``run_blocks(estimate=)``) once this much work was timed: the
# first blocks are small, so their rate is dominated by per-call overhead (a 64-sample
# block of mode "any" runs ~5x slower per sample than a 0.2 s block).
ESTIMATE_SECONDS = 0.05
# On a world this large one sample's work dwarfs a thread-pool wake-up (and allocating
# the workspace already costs more): ensembles go parallel at once when there is a word
# per chunk.
LARGE_WORLD_COMMITMENTS = 1_000_000
# Samples in one word of the bit-parallel kernel (mode "any"): blocks of samples are
# aligned to it, and a parallel block needs a word per chunk or a core sits idle.
WORD = 64
# Idle ensemble workspaces kept for the next call of the same shape, up to this many bytes
# (their nominal size; resident is only what the kernels touched). A fresh workspace is
# allocated zeroed and costs nothing until touched, but then every page a sample touches
# first costs a page fault (~2.5 us on the development machine, against ~20 ns for the
# sample's own work on that state): 64 samples of a small war (10 targets, ~30 states
# each) on a 10^6-state world spent 12 ms faulting in a fresh workspace and 0.3 ms
# computing. The kernels leave a workspace as they found it (zero), so a kept one is
# reused as it is.
POOL_BYTES = 768 << 20


def core_workspace(lanes: int, n: int) -> tuple:
    """Per-lane workspace of ``_kernels._cascade_core`` for ``n`` states, in its argument
    order (side, round, initiator, order, round_ptr, accumulators, offense-toward-initiator
    flags, stamp, touched, dirty), each array (lanes, ...), in the state the core expects
    on entry. Shared by the ensembles and the deterrence sweep.

    >>> [a.shape for a in core_workspace(2, 3)][:5]
    [(2, 3), (2, 3), (2, 3), (2, 3), (2, 5)]
    """
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


def core_bytes(n: int) -> int:
    """Bytes of one lane of :func:`core_workspace` for ``n`` states.

    >>> core_bytes(3) == sum(a.nbytes for a in core_workspace(1, 3))
    True
    """
    return 64 * n + 16


class Workspace:
    """Per-chunk buffers of the ensemble kernels, allocated once per simulate call and
    reused by every block: ``buffers`` (pass ``*buffers`` where the kernels take their
    workspace), ``count_a``, ``count_d``, ``round_sum`` (nchunks, n).

    Nothing here is read or written whole: the arrays are allocated zeroed (pages the
    kernels never touch cost nothing), the kernels reset what they touch, and
    :meth:`counts` gathers the per-state counts over the states that joined (the last
    three buffers list them per chunk), so a call costs what its samples touch.

    Mode "any" needs the ``restraint_weight`` the kernel will get (it sizes the bit
    lanes, ``_kernels.any_stride``); ``nnz`` (the world's commitments) sizes the per-edge
    memo of a word's draws, and 0 (callers that do not know it) gives empty arrays, the
    kernel then drawing every edge afresh on every visit (same results, slower).
    """

    @staticmethod
    def nbytes(mode: str, n: int, nchunks: int, restraint_weight: Any = None,
               nnz: int = 0) -> int:
        """Bytes the Workspace of these arguments allocates, known before allocating it.

        >>> Workspace.nbytes("any", 5, 2, [1.0, 0.5, 0.0], 7) == sum(
        ...     a.nbytes for a in Workspace("any", 5, 2, [1.0, 0.5, 0.0], 7).arrays())
        True
        """
        per = 29 * n + 8 + (core_bytes(n) if mode == "threshold" else
                            8 * _stride(restraint_weight) * n + 20 * n + 8 * nnz
                            + 8 * ((nnz + 63) // 64))
        return nchunks * per

    def arrays(self) -> tuple:
        """Every array the workspace holds."""
        return (self.count_a, self.count_d, self.round_sum, *self.buffers)

    def __init__(self, mode: str, n: int, nchunks: int,
                 restraint_weight: np.ndarray | None = None, nnz: int = 0) -> None:
        z = np.zeros
        self.count_a = z((nchunks, n), np.int64)
        self.count_d = z((nchunks, n), np.int64)
        self.round_sum = z((nchunks, n), np.int64)
        seen = (
            z((nchunks, n), np.bool_),  # joined in the chunk
            z((nchunks, n), np.int32),  # ... the list of them
            z(nchunks, np.int64),  # ... its length
        )
        if mode == "threshold":
            self.buffers = core_workspace(nchunks, n) + seen
        else:
            stride = _stride(restraint_weight)
            self.buffers = (
                z((nchunks, stride * n), np.uint64),  # bits
                z((nchunks, n), np.int32),  # stamp
                z((nchunks, n), np.int32),  # touched
                z((nchunks, n), np.int32),  # cur
                z((nchunks, n), np.int32),  # nxt
                z((nchunks, n), np.int32),  # dirty
                z((nchunks, nnz), np.uint64),  # per-edge draws of the current word
                z((nchunks, (nnz + 63) // 64), np.uint64),  # ... drawn yet: a bit per edge
            ) + seen

    def counts(self) -> tuple:
        """(count_a, count_d, round_sum) per state, summed over the chunks, in new arrays,
        from the states the chunks saw join only (:func:`_kernels.merge_counts`); the
        workspace's counts are zero afterwards."""
        n = self.count_a.shape[1]
        out = tuple(np.zeros(n, np.int64) for _ in range(3))
        _k.merge_counts(self.count_a, self.count_d, self.round_sum, *self.buffers[-3:], *out)
        return out


_POOL: dict[tuple, tuple] = {}  # key -> (workspace, bytes); least recently used first
_POOL_LOCK = threading.Lock()


@contextlib.contextmanager
def pooled_workspace(mode: str, n: int, nchunks: int, restraint_weight: Any = None,
                     nnz: int = 0) -> Iterator[Workspace]:
    """A :class:`Workspace` for one call: a kept one of the same shape when there is one,
    else a new one; given back to the pool (``POOL_BYTES``) when the call ends normally,
    the kernels having left it zero. A call that raises drops it. Concurrent calls get
    workspaces of their own.

    >>> with pooled_workspace("threshold", 4, 1) as ws:
    ...     pass
    >>> with pooled_workspace("threshold", 4, 1) as again:
    ...     again is ws
    True
    """
    key = (mode, n, nchunks, _stride(restraint_weight) if mode == "any" else 0, nnz)
    with _POOL_LOCK:
        got = _POOL.pop(key, None)
    ws = Workspace(mode, n, nchunks, restraint_weight, nnz) if got is None else got[0]
    yield ws
    size = Workspace.nbytes(mode, n, nchunks, restraint_weight, nnz)
    if size > POOL_BYTES:
        return
    with _POOL_LOCK:
        _POOL[key] = (ws, size)
        total = sum(b for _, b in _POOL.values())
        while total > POOL_BYTES:
            oldest = next(iter(_POOL))
            total -= _POOL.pop(oldest)[1]


def release_workspaces() -> None:
    """Drop the kept workspaces (their memory goes back once nothing else holds them)."""
    with _POOL_LOCK:
        _POOL.clear()


def _stride(restraint_weight: Any) -> int:
    return int(_k.any_stride(np.ascontiguousarray(restraint_weight, dtype=np.float64)))


@dataclass(frozen=True)
class BlockRun:
    """What :func:`run_blocks` did: ``done`` (the end of the last completed block),
    ``interrupted`` (``stop`` or Ctrl-C ended it early), ``keyboard`` (Ctrl-C did),
    ``parallel`` (the kernel variant used last)."""

    done: int
    interrupted: bool
    keyboard: bool
    parallel: bool


def run_blocks(
    run: Callable[[bool, int, int], int],
    lo: int,
    hi: int,
    *,
    block: int,
    min_block: int,
    parallel: bool,
    decided: bool,
    speedup: int,
    align: int = 1,
    parallel_block: int = 0,
    progress: Callable[[int, int], Any] | None = None,
    stop: Callable[[], bool] | None = None,
    on_parallel: Callable[[], Any] | None = None,
    estimate: Callable[[float, int], Any] | None = None,
) -> BlockRun:
    """Run items [lo, hi) in blocks: ``run(parallel, a, b)`` computes [a, b) and returns
    how far it got (b, or less when the kernel stopped early).

    Parameters
    ----------
    block : int
        The first block's size.
    min_block : int
        The smallest block once timed (blocks aim at ``BLOCK_SECONDS``).
    parallel, decided : bool
        The kernel variant to start with, and whether that choice is final. Undecided,
        blocks run serially, growing x4 until ``DECIDE_SECONDS`` of work was timed; then
        the rest goes parallel when its estimated serial time exceeds
        ``PARALLEL_MIN_SECONDS`` (``on_parallel`` is called first, e.g. to load the
        parallel kernel outside the timed work).
    speedup : int
        The parallel lanes (blocks after a switch to parallel are this many times larger).
    align : int, default 1
        Block ends are rounded up to a multiple of it (64: never split a word of samples).
    parallel_block : int, default 0
        The smallest parallel block (one word per chunk for the bit-parallel kernel).
    progress : callable(done, total), optional
        Called after each block with the items done since ``lo`` and ``hi - lo``.
    stop : callable() -> bool, optional
        Checked after each block but the last: True ends the loop (``interrupted``).
    estimate : callable(seconds_per_item, items_left), optional
        Called once, as soon as ``ESTIMATE_SECONDS`` of work were timed, with the time
        per item of the last block (a serial measure divided by ``speedup`` when the rest
        goes parallel) and the items still to do; it may raise (a
        :class:`foederis.BudgetError`), which ends the loop and propagates.

    A KeyboardInterrupt between blocks ends the loop too (``keyboard``): the caller
    decides what to return or raise with the work done.
    """
    use_par = bool(parallel)
    if use_par:
        block = max(block, parallel_block)
    done = lo
    interrupted = keyboard = False
    serial_time = 0.0
    serial_items = 0
    timed = 0.0  # work timed so far, for the estimate
    try:
        with jit_errstate():
            while done < hi:
                end = min(hi, (done + block + align - 1) // align * align)
                block_par = use_par
                t0 = time.perf_counter()
                reached = int(run(use_par, done, end))
                dt = time.perf_counter() - t0
                ran = end - done
                done = reached
                if not decided:
                    serial_time += dt
                    serial_items += ran
                    per = serial_time / serial_items
                    if serial_time >= DECIDE_SECONDS:
                        use_par = per * (hi - done) > PARALLEL_MIN_SECONDS
                        decided = True
                        if use_par and on_parallel is not None:
                            on_parallel()
                        block = _next_block(per, speedup if use_par else 1, min_block)
                    else:
                        block *= 4
                else:
                    block = _next_block(dt / ran, 1, min_block)
                timed += dt
                if estimate is not None and timed >= ESTIMATE_SECONDS and done < hi:
                    per = dt / ran  # the last (largest) block's rate, in the variant to come
                    estimate(per / speedup if use_par and not block_par else per, hi - done)
                    estimate = None
                if use_par:
                    block = max(block, parallel_block)
                if progress is not None:
                    progress(done - lo, hi - lo)
                if stop is not None and done < hi and stop():
                    interrupted = True
                    break
    except KeyboardInterrupt:
        interrupted = keyboard = True
    return BlockRun(done=done, interrupted=interrupted, keyboard=keyboard, parallel=use_par)


def _next_block(per_item: float, speedup: int, min_block: int) -> int:
    """Items in a block of ~BLOCK_SECONDS given the serial time per item."""
    return max(min_block, int(BLOCK_SECONDS * speedup / max(per_item, 1e-9)))
