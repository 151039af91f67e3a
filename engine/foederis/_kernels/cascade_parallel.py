"""The parallel rounds of the deterministic cascade's monotone pull path (issue 12).

:func:`edge_pull_split_kernel` regroups a World's resolved pulls by the part (thread) that
owns each guarantor; :func:`cascade_pull_parallel` runs the monotone pull path of
:mod:`foederis._kernels.cascade` over that layout and splits its large rounds between the
parts, bit-identical to the serial path (see that module's docstring for the proof of the
monotone path and why each accumulator, written by its owner alone in the serial order,
gives the serial sums). Only :func:`foederis.cascade` on a World of
``foederis._cascade.PARALLEL_ROUND_EDGES`` commitments or more calls (and compiles) these.
"""

from __future__ import annotations

import numpy as np

from .._constants import SIDE_D
from .._numba import jit, jit_inner, jit_parallel, prange
from .cascade import monotone_applies, monotone_rivals, monotone_start, reset_outputs
from .core import round_capability, sort_round

__all__ = ["cascade_pull_parallel", "edge_pull_split_kernel"]


@jit
def edge_pull_split_kernel(tindptr, tindices, tpull, parts, shift, pptr, pindices, ppull):
    """The pulls ``tpull`` of edge_pull_kernel in the split layout of
    cascade_pull_parallel: the in-edges of row j (protege j) regrouped by the part owning
    their target, part o at [pptr[j * parts + o], pptr[j * parts + o + 1]), each group in
    the row's in-edge order, edges of pull 0 dropped (the monotone paths skip them
    first). Target i belongs to part (i >> shift) & (parts - 1), ``parts`` a power of
    two (foederis uses shift 6: blocks of 64 states, 1 KiB of the accumulators and 64
    bytes of ``side``, so two parts seldom write one cache line). ``pptr``
    int64[n * parts + 1]; ``pindices`` int32 and ``ppull`` float64 hold at least as many
    entries as there are in-edges. Returns the number of edges kept.

    Row j's edges stay in [tindptr[j], tindptr[j + 1]) order within a part, and the
    edges of one target all fall in one part, so every target meets its pulls in the
    order the serial path adds them (round, protege, in-edge)."""
    n = tindptr.shape[0] - 1
    mask = parts - 1
    cur = np.zeros(parts, dtype=np.int64)
    w = 0
    for j in range(n):
        for o in range(parts):
            cur[o] = 0
        for q in range(tindptr[j], tindptr[j + 1]):  # the row's kept edges per part
            if tpull[q] != 0.0:
                cur[(tindices[q] >> shift) & mask] += 1
        for o in range(parts):  # where each part's group starts
            pptr[j * parts + o] = w
            x = cur[o]
            cur[o] = w
            w += x
        for q in range(tindptr[j], tindptr[j + 1]):  # the row's edges, placed (stable)
            if tpull[q] != 0.0:
                i = tindices[q]
                o = (i >> shift) & mask
                x = cur[o]
                pindices[x] = i
                ppull[x] = tpull[q]
                cur[o] = x + 1
    pptr[n * parts] = w
    return w


@jit_inner
def _split_round(pptr, pindices, ppull, parts, o0, o1, region_code, global_reach, theatre,
                 reach, levers, r, lo, hi, side, rnd, order, at, out, c):
    """Round ``r`` of the monotone pull path over the split layout
    (edge_pull_split_kernel), for the targets of parts [o0, o1): walks the in-edges of
    the joiners order[lo:hi] and appends this round's joiners, unsorted, to ``out`` from
    out[c]. The additions, tests and give-ups of _monotone_pull_round, in the same order
    for each target. Returns the new c, or -1 (give up)."""
    for p in range(lo, hi):
        j = order[p]
        if side[j] != SIDE_D:  # an aggressor: no active in-edge (M2), rivals pressed
            c = monotone_rivals(j, r, c, levers, region_code, global_reach, theatre,
                                 reach, side, rnd, out, at)
            if c < 0:
                return -1
            continue
        for q in range(pptr[j * parts + o0], pptr[j * parts + o1]):
            i = pindices[q]
            v = at[2 * i]
            if v < 0.0:  # on a side
                continue
            if reach and not global_reach[i]:
                rc = region_code[i]
                if rc >= 0 and not theatre[rc]:
                    continue
            contrib = ppull[q]
            if not (contrib > 0.0):
                return -1
            v += contrib
            if v >= at[2 * i + 1]:
                at[2 * i] = -1.0
                side[i] = SIDE_D
                rnd[i] = r
                out[c] = i
                c += 1
            else:
                at[2 * i] = v
    return c


@jit_inner
def _part_round(rowb, rows, parts, o, pindices, ppull, region_code, global_reach, theatre,
                reach, r, side, rnd, at, out):
    """Part o of a parallel round of cascade_pull_parallel: for each frontier row x (in
    the serial order), the in-edges of the group [rowb[x * (parts + 1) + o],
    rowb[x * (parts + 1) + o + 1]), its own targets'. The tests, additions and give-ups
    of _split_round (no aggressor is in a frontier after round 1). Writes the part's
    joiners to ``out``; returns how many, or -1 (give up)."""
    c = 0
    for x in range(rows):
        b = x * (parts + 1) + o
        for q in range(rowb[b], rowb[b + 1]):
            i = pindices[q]
            v = at[2 * i]
            if v < 0.0:  # on a side
                continue
            if reach and not global_reach[i]:
                rc = region_code[i]
                if rc >= 0 and not theatre[rc]:
                    continue
            contrib = ppull[q]
            if not (contrib > 0.0):
                return -1
            v += contrib
            if v >= at[2 * i + 1]:
                at[2 * i] = -1.0
                side[i] = SIDE_D
                rnd[i] = r
                out[c] = i
                c += 1
            else:
                at[2 * i] = v
    return c


@jit_parallel
def cascade_pull_parallel(
    tindptr, tkind, tdomains, pptr, pindices, ppull, parts, min_rows,
    threshold, default_threshold, region_code, global_reach, theatre, reach,
    aggressors, targets, domain, pull_weight, restraint_weight, credibility_scale,
    max_rounds, levers, capability,
    side, round_, initiator, order, round_ptr, capability_by_round,
):
    """cascade_fast's monotone pull path over the split layout
    (edge_pull_split_kernel, ``parts`` a power of two), its large rounds split between
    ``parts`` threads: a round whose frontier (the previous round's joiners) holds at
    least ``min_rows`` states runs in parallel, the others (and round 1, which presses
    the aggressors' rivals) on one thread (_split_round). Returns n_rounds as
    cascade_fast does, -1 when the fast path gives up and -2 when the monotone
    pull path does not apply (no conditions, defend_cobelligerents 1, rival_scope
    "initiators", no cost of joining, no treaty counted once, (M1) and (M2)): the caller then runs
    cascade_fast (-2) or cascade_general (-1), so the result never depends on which kernel
    ran.

    A parallel round: the parts first gather the frontier's row bounds (each part a
    share of the rows: one random read of ``pptr`` per row), then part o walks, for
    every frontier row in the serial order, the group of in-edges to its own targets
    (_part_round). Bit-identical to the serial path: each target's edges all lie in one
    part, so each accumulator is read and written by its owner alone and receives its
    contributions in the serial order (round, protege, in-edge); every sum, every
    crossing and every joiner is the serial one. The round's joiners, gathered part by
    part, are then sorted as the serial path sorts them (sort_round: unique indices, one
    ascending list). No edge is read twice and nothing is buffered but the row bounds."""
    if not (levers[7].shape[0] == 0 and levers[5] == 1.0
            and not (levers[13] and levers[3] > 0.0) and not (levers[14] > 0.0)
            and not (levers[17] > 0)
            and monotone_applies(tindptr, tkind, tdomains, aggressors, domain,
                                 pull_weight, restraint_weight, credibility_scale)):
        return -2
    n = side.shape[0]
    reset_outputs(side, round_, initiator)
    at = np.empty(2 * n, dtype=np.float64)
    k = monotone_start(threshold, default_threshold, aggressors, targets,
                        side, round_, initiator, order, round_ptr, at)
    if k < 0:
        return -1
    jbuf = np.empty((parts, n), dtype=np.int32)  # per part, this round's joiners
    rowb = np.empty(n * (parts + 1), dtype=np.int64)  # per frontier row, its part bounds
    cnt = np.zeros(parts, dtype=np.int64)
    n_rounds = 0
    r = 0
    while max_rounds < 0 or r < max_rounds:
        r += 1
        lo = round_ptr[r - 1]
        hi = round_ptr[r]
        k0 = k
        if r < 2 or parts < 2 or hi - lo < min_rows:
            k = _split_round(pptr, pindices, ppull, parts, 0, parts, region_code,
                             global_reach, theatre, reach, levers, r, lo, hi,
                             side, round_, order, at, order, k)
            if k < 0:
                return -1
        else:
            rows = hi - lo
            # the frontier's row bounds, gathered in parallel (one random read per row)
            for o in prange(parts):
                for p in range(lo + rows * o // parts, lo + rows * (o + 1) // parts):
                    j = order[p]
                    b = (p - lo) * (parts + 1)
                    for x in range(parts + 1):
                        rowb[b + x] = pptr[j * parts + x]
            for o in prange(parts):
                cnt[o] = _part_round(rowb, rows, parts, o, pindices, ppull, region_code,
                                     global_reach, theatre, reach, r, side, round_, at,
                                     jbuf[o])
            for o in range(parts):
                if cnt[o] < 0:
                    return -1
            for o in range(parts):
                for x in range(cnt[o]):
                    order[k] = jbuf[o, x]
                    k += 1
        if k == k0:
            break
        sort_round(order, k0, k, round_, r)
        round_ptr[r + 1] = k
        n_rounds = r
    round_capability(order, round_ptr, n_rounds, side, capability, capability_by_round)
    return n_rounds
