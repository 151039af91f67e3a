"""Threat exposure, t = h + beta * C t: the sources h and a Jacobi iteration."""

from __future__ import annotations

import numpy as np

from .._numba import jit, jit_inner, jit_parallel, prange

__all__ = ["threat_source_kernel", "threat_iterate_parallel", "threat_iterate_serial",
           "threat_steps_parallel", "threat_steps_serial"]


@jit
def threat_source_kernel(riv_indptr, riv_indices, riv_hostility, capability, out):
    """out[i] = sum_j hostility[j, i] * capability[j] (sources in index order)."""
    n = out.shape[0]
    for i in range(n):
        out[i] = 0.0
    for j in range(n):
        cj = capability[j]
        for q in range(riv_indptr[j], riv_indptr[j + 1]):
            out[riv_indices[q]] += riv_hostility[q] * cj


@jit_inner
def _threat_sweep(c, nchunks, indptr, indices, weight, h, beta, x, y, stats):
    n = h.shape[0]
    lo = (n * c) // nchunks
    hi = (n * (c + 1)) // nchunks
    dmax = 0.0
    amax = 0.0
    for i in range(lo, hi):
        s = 0.0
        for q in range(indptr[i], indptr[i + 1]):
            s += weight[q] * x[indices[q]]
        v = h[i] + beta * s
        y[i] = v
        d = abs(v - x[i])
        if not (d <= dmax):  # also catches NaN
            dmax = d
        a = abs(v)
        if not (a <= amax):
            amax = a
    stats[c, 0] = dmax
    stats[c, 1] = amax


@jit_inner
def _threat_step_status(stats, it, tol, prev, grow):
    dmax = 0.0
    amax = 0.0
    for c in range(stats.shape[0]):
        if not (stats[c, 0] <= dmax):
            dmax = stats[c, 0]
        if not (stats[c, 1] <= amax):
            amax = stats[c, 1]
    if not (dmax <= 1e300) or not (amax <= 1e300):
        return 2, dmax, grow
    if dmax <= tol * amax:
        return 0, dmax, grow
    if it > 1 and dmax >= prev:
        grow += 1
    else:
        grow = 0
    if grow >= 50:
        return 2, dmax, grow
    return 1, dmax, grow


@jit_parallel
def threat_steps_parallel(indptr, indices, weight, h, beta, tol, steps, t, work, stats,
                          state):
    """Up to ``steps`` more Jacobi sweeps of t = h + beta * W t from the iterate in ``t``,
    rows in parallel chunks (``stats.shape[0]`` of them). ``state`` float64[3] =
    (iterations done, last max change, count of rising changes) is carried from call to
    call (start: (0, inf, 0), t = h), so any split of the sweeps into calls gives the same
    iterates. Returns the status: 0 converged, 1 not yet, 2 diverging. The last iterate is
    left in ``t``."""
    nchunks = stats.shape[0]
    it = np.int64(state[0])
    prev = state[1]
    grow = np.int64(state[2])
    x = t
    y = work
    status = 1
    k = 0
    while k < steps:
        k += 1
        it += 1
        for c in prange(nchunks):
            _threat_sweep(np.int64(c), nchunks, indptr, indices, weight, h, beta, x, y, stats)
        status, prev, grow = _threat_step_status(stats, it, tol, prev, grow)
        tmp = x
        x = y
        y = tmp
        if status != 1:
            break
    if k % 2 == 1:  # the last iterate is in work
        for i in range(h.shape[0]):
            t[i] = work[i]
    state[0] = it
    state[1] = prev
    state[2] = grow
    return status


@jit
def threat_steps_serial(indptr, indices, weight, h, beta, tol, steps, t, work, stats,
                        state):
    """As threat_steps_parallel, chunks one after another."""
    nchunks = stats.shape[0]
    it = np.int64(state[0])
    prev = state[1]
    grow = np.int64(state[2])
    x = t
    y = work
    status = 1
    k = 0
    while k < steps:
        k += 1
        it += 1
        for c in range(nchunks):
            _threat_sweep(c, nchunks, indptr, indices, weight, h, beta, x, y, stats)
        status, prev, grow = _threat_step_status(stats, it, tol, prev, grow)
        tmp = x
        x = y
        y = tmp
        if status != 1:
            break
    if k % 2 == 1:
        for i in range(h.shape[0]):
            t[i] = work[i]
    state[0] = it
    state[1] = prev
    state[2] = grow
    return status


@jit_inner
def _start(h, t):
    for i in range(h.shape[0]):
        t[i] = h[i]
    return np.array([0.0, np.inf, 0.0])


@jit  # the parallel loops are threat_steps_parallel's
def threat_iterate_parallel(indptr, indices, weight, h, beta, tol, max_iter, t, work, stats):
    """Jacobi iteration of t = h + beta * W t from t = h, rows in parallel chunks
    (``stats.shape[0]`` of them). Returns (status, iterations, last max change):
    status 0 converged, 1 hit max_iter, 2 diverging."""
    state = _start(h, t)
    status = threat_steps_parallel(indptr, indices, weight, h, beta, tol, max_iter, t, work,
                                   stats, state)
    return status, np.int64(state[0]), state[1]


@jit
def threat_iterate_serial(indptr, indices, weight, h, beta, tol, max_iter, t, work, stats):
    """As threat_iterate_parallel, chunks one after another."""
    state = _start(h, t)
    status = threat_steps_serial(indptr, indices, weight, h, beta, tol, max_iter, t, work,
                                 stats, state)
    return status, np.int64(state[0]), state[1]
