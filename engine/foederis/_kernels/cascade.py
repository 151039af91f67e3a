"""The deterministic cascade: a monotone fast path, the general path, and the umbrella.

The monotone fast path. When
  (M1) every pull and restraint weight is >= 0 (not NaN) and credibility_scale >= 0, and
  (M2) no in-edge of an aggressor covering the domain has a kind with a nonzero pull or
       restraint weight,
the general rule reduces to "a neutral state joins D in the first round whose summed
pull toward D reaches its threshold", and the fast path computes exactly that. Proof,
by induction over the rounds of :func:`foederis._kernels.core.cascade_core`:
  - The A-slots (pull toward A, hold against D) of a state are fed only by edges to
    states on side A. Round 1's A-joiners are the aggressors, whose in-edges are all
    skipped by (M2), so after round 1 every A-slot is 0, hence pa = -hold_A <= 0 and
    pd = pull_D >= 0 (weights and credibilities >= 0). Joining A needs pa >= th > 0
    (thresholds are > 0: the fast path checks each and falls back otherwise): nobody
    joins A, so the A-slots stay 0 in every round.
  - Joining D needs pd >= th and pd > pa; since pa <= 0 < th, pd >= th suffices. So
    holds against A (restraints toward D joiners: NEUTRALITY, NONAGGRESSION, ally
    restraint) never change a decision, and are not accumulated.
  - Nobody on D is an initiator (targets are not; a D joiner is one only through an
    "always" pull toward an initiator on D): the pull of an edge is pull_weight * c.
    The initiators on A are the aggressors; their rivals (Rules.rival_weight) get the
    press rival_weight * hostility toward D, non-negative like a pull, added in round 1
    when the aggressor is processed (after its in-edges, none of which counts).
  - The pull toward D is a sum of non-negative terms taken in the general path's order
    (round, protege index, in-edge order); float addition is monotone, so the partial
    sum first reaches th in round r iff the whole sum of rounds <= r does and that of
    rounds < r does not. Marking the state joined at that moment (accumulator -1) and
    skipping its later contributions gives the same round as deciding at the round's end.
A contribution that is negative or NaN (inputs outside the documented preconditions)
or a threshold <= 0 makes the fast path give up (-1): the caller then runs the general
path, so the result never depends on which path ran.

The parallel rounds. The decision of a state depends only on the sequence of pulls its
own accumulator receives, in (round, protege, in-edge) order. So a round may be split
between threads by *target*: :func:`cascade_pull_parallel` runs the monotone pull path
over a layout (:func:`edge_pull_split_kernel`) in which each protege's in-edges are
grouped by the part owning their target, each group in in-edge order; part o walks the
frontier in the serial order over its own groups. Each target's sequence of additions is
the serial one, hence every sum, crossing and joiner; the round's joiners are sorted by
index as in the serial path, and the round's order, ``round_ptr`` and
``capability_by_round`` follow. Only large rounds are split (the caller's ``min_rows``);
round 1, whose frontier holds the aggressors and their rivals' presses, is always serial.
"""

from __future__ import annotations

import numpy as np

from .._constants import SIDE_A, SIDE_D
from .._numba import jit, jit_inner, jit_parallel, prange
from .conditions import ROLE_OTHER, ROLE_TARGET, new_question_state
from .core import (always_triggers, cascade_core, rival_press, round_capability, sort_round,
                   sort_segment, trigger, umbrella_scan)
from .random import ZERO

__all__ = [
    "monotone_applies", "edge_pull_kernel", "cascade_kernel", "cascade_kernel_pull",
    "cascade_general", "umbrella_kernel", "cascade_pull_parallel",
    "edge_pull_split_kernel",
]


@jit
def monotone_applies(tindptr, tkind, tdomains, aggressors, domain,
                      pull_weight, restraint_weight, credibility_scale):
    """Conditions (M1) and (M2) of the monotone fast path."""
    if not (credibility_scale >= 0.0):
        return False
    for k in range(pull_weight.shape[0]):
        if not (pull_weight[k] >= 0.0) or not (restraint_weight[k] >= 0.0):
            return False
    for x in range(aggressors.shape[0]):
        a = aggressors[x]
        for q in range(tindptr[a], tindptr[a + 1]):
            if (tdomains[q] & domain) == 0:
                continue
            kd = tkind[q]
            if pull_weight[kd] != 0.0 or restraint_weight[kd] != 0.0:
                return False
    return True


@jit_inner
def _monotone_start(threshold, default_threshold, aggressors, targets,
                    side, rnd, initiator, order, round_ptr, at):
    """Round 0 of the monotone paths: resolve thresholds into ``at``, seed the aggressors
    and targets. Returns the number of states on a side, or -1 when a threshold <= 0
    rules the fast path out."""
    n = threshold.shape[0]
    for i in range(n):
        th = threshold[i]
        if np.isnan(th):
            th = default_threshold
        if th <= 0.0:
            return -1
        at[2 * i] = 0.0
        at[2 * i + 1] = th
    k = 0
    for x in range(aggressors.shape[0]):
        a = aggressors[x]
        side[a] = SIDE_A
        rnd[a] = 0
        initiator[a] = True
        at[2 * a] = -1.0
        order[k] = a
        k += 1
    for x in range(targets.shape[0]):
        t = targets[x]
        side[t] = SIDE_D
        rnd[t] = 0
        at[2 * t] = -1.0
        order[k] = t
        k += 1
    sort_segment(order, 0, k)
    round_ptr[0] = 0
    round_ptr[1] = k
    return k


@jit_inner
def _monotone_rivals(j, r, k, levers, region_code, global_reach, theatre, reach,
                     side, rnd, order, at):
    """The rivals of aggressor ``j`` pressed toward D in round ``r`` of a monotone path
    (the general path's rule, :func:`foederis._kernels.core.rival_press`). Returns the new
    number of states on a side, or -1 when a press is negative or NaN (give up)."""
    riv_indptr, riv_indices, riv_hostility, rival_weight = levers[:4]
    if not (rival_weight > 0.0):
        return k
    for q in range(riv_indptr[j], riv_indptr[j + 1]):
        i = riv_indices[q]
        v = at[2 * i]
        if v < 0.0:  # on a side
            continue
        if reach and not global_reach[i]:
            rc = region_code[i]
            if rc >= 0 and not theatre[rc]:
                continue
        contrib = rival_press(rival_weight, riv_hostility[q])
        if contrib == 0.0:
            continue
        if not (contrib > 0.0):
            return -1
        v += contrib
        if v >= at[2 * i + 1]:
            at[2 * i] = -1.0
            side[i] = SIDE_D
            rnd[i] = r
            order[k] = i
            k += 1
        else:
            at[2 * i] = v
    return k


@jit_inner
def _cascade_monotone(
    tindptr, tindices, tcred, tkind, tdomains,
    threshold, default_threshold, region_code, global_reach, theatre, reach,
    aggressors, targets, domain, pull_weight, credibility_scale, max_rounds, levers, cok,
    side, rnd, initiator, order, round_ptr, at,
):
    """The cascade under (M1), (M2) (see the module docstring); outputs as cascade_kernel's, which must
    be reset on entry (side 0, round -1, initiator False). An edge whose condition does
    not hold (``cok``, as in cascade_core) counts as credibility 0. ``at`` float64[2n] (scratch):
    at[2i] = pull toward D (-1 once on a side), at[2i+1] = i's threshold. Returns
    n_rounds, or -1 when the fast path does not apply (outputs then partly written)."""
    cobelligerents = levers[5]
    tcond = levers[6]
    nc = levers[7].shape[0]
    k = _monotone_start(threshold, default_threshold, aggressors, targets,
                        side, rnd, initiator, order, round_ptr, at)
    if k < 0:
        return -1
    n_rounds = 0
    r = 0
    while max_rounds < 0 or r < max_rounds:
        r += 1
        lo = round_ptr[r - 1]
        hi = round_ptr[r]
        k0 = k
        for p in range(lo, hi):
            j = order[p]
            if side[j] != SIDE_D:  # an aggressor: no active in-edge (M2), rivals pressed
                k = _monotone_rivals(j, r, k, levers, region_code, global_reach, theatre,
                                     reach, side, rnd, order, at)
                if k < 0:
                    return -1
                continue
            coff = (ROLE_TARGET if rnd[j] == 0 else ROLE_OTHER) * nc  # j's row of cok
            for q in range(tindptr[j], tindptr[j + 1]):
                if (tdomains[q] & domain) == 0:
                    continue
                if nc > 0 and not cok[coff + tcond[q]]:
                    continue  # its condition does not hold: credibility 0
                pw = pull_weight[tkind[q]]
                if pw == 0.0:
                    continue
                i = tindices[q]
                v = at[2 * i]
                if v < 0.0:  # on a side
                    continue
                if reach and not global_reach[i]:
                    rc = region_code[i]
                    if rc >= 0 and not theatre[rc]:
                        continue
                c = tcred[q] * credibility_scale
                c = min(c, 1.0)
                if c == 0.0:
                    continue
                contrib = pw * c * trigger(always_triggers(tkind[q]), False, rnd[j] == 0,
                                           0.0, cobelligerents)
                if contrib == 0.0:
                    continue
                if not (contrib > 0.0):
                    return -1
                v += contrib
                if v >= at[2 * i + 1]:
                    at[2 * i] = -1.0
                    side[i] = SIDE_D
                    rnd[i] = r
                    order[k] = i
                    k += 1
                else:
                    at[2 * i] = v
        if k == k0:
            break
        sort_round(order, k0, k, rnd, r)
        round_ptr[r + 1] = k
        n_rounds = r
    return n_rounds


@jit
def edge_pull_kernel(tcred, tkind, tdomains, pull_weight, domain, credibility_scale, out):
    """out[q] = the pull of in-edge q in the monotone fast path: pull_weight[kind] *
    min(credibility * credibility_scale, 1), or 0 when the edge does not cover ``domain``,
    its kind does not pull or its credibility is 0 (the edges _cascade_monotone skips
    before it adds). The same float operations as _cascade_monotone's, so the sums agree
    bit for bit."""
    for q in range(tcred.shape[0]):
        if (tdomains[q] & domain) == 0:
            out[q] = 0.0
            continue
        pw = pull_weight[tkind[q]]
        if pw == 0.0:
            out[q] = 0.0
            continue
        c = tcred[q] * credibility_scale
        c = min(c, 1.0)
        if c == 0.0:
            out[q] = 0.0
            continue
        out[q] = pw * c


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
def _cascade_monotone_pull(
    tindptr, tindices, tpull,
    threshold, default_threshold, region_code, global_reach, theatre, reach,
    aggressors, targets, max_rounds, levers,
    side, rnd, initiator, order, round_ptr, at,
):
    """_cascade_monotone with each edge's pull resolved beforehand (edge_pull_kernel):
    one float64 stream per edge instead of credibility, kind and domains. Same visits,
    same additions in the same order, same give-up conditions."""
    k = _monotone_start(threshold, default_threshold, aggressors, targets,
                        side, rnd, initiator, order, round_ptr, at)
    if k < 0:
        return -1
    n_rounds = 0
    r = 0
    while max_rounds < 0 or r < max_rounds:
        r += 1
        k0 = k
        k = _monotone_pull_round(tindptr, tindices, tpull, region_code, global_reach,
                                 theatre, reach, levers, r, k, side, rnd, order, round_ptr,
                                 at)
        if k < 0:
            return -1
        if k == k0:
            break
        sort_round(order, k0, k, rnd, r)
        round_ptr[r + 1] = k
        n_rounds = r
    return n_rounds


@jit_inner
def _monotone_pull_round(tindptr, tindices, tpull, region_code, global_reach, theatre,
                         reach, levers, r, k, side, rnd, order, round_ptr, at):
    """Round ``r`` of _cascade_monotone_pull, one thread: walks the in-edges of the
    joiners of round r - 1 (order[round_ptr[r-1]:round_ptr[r]]) and appends this round's
    joiners, unsorted, from order[k]. Returns the new k, or -1 (give up)."""
    for p in range(round_ptr[r - 1], round_ptr[r]):
        j = order[p]
        if side[j] != SIDE_D:  # an aggressor: no active in-edge (M2), rivals pressed
            k = _monotone_rivals(j, r, k, levers, region_code, global_reach, theatre,
                                 reach, side, rnd, order, at)
            if k < 0:
                return -1
            continue
        for q in range(tindptr[j], tindptr[j + 1]):
            contrib = tpull[q]
            if contrib == 0.0:
                continue
            i = tindices[q]
            v = at[2 * i]
            if v < 0.0:  # on a side
                continue
            if reach and not global_reach[i]:
                rc = region_code[i]
                if rc >= 0 and not theatre[rc]:
                    continue
            if not (contrib > 0.0):
                return -1
            v += contrib
            if v >= at[2 * i + 1]:
                at[2 * i] = -1.0
                side[i] = SIDE_D
                rnd[i] = r
                order[k] = i
                k += 1
            else:
                at[2 * i] = v
    return k


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
            c = _monotone_rivals(j, r, c, levers, region_code, global_reach, theatre,
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
    """cascade_kernel_pull's monotone pull path over the split layout
    (edge_pull_split_kernel, ``parts`` a power of two), its large rounds split between
    ``parts`` threads: a round whose frontier (the previous round's joiners) holds at
    least ``min_rows`` states runs in parallel, the others (and round 1, which presses
    the aggressors' rivals) on one thread (_split_round). Returns n_rounds as
    cascade_kernel_pull does, -1 when the fast path gives up and -2 when the monotone
    pull path does not apply (no conditions, defend_cobelligerents 1, rival_scope
    "initiators", no cost of joining, no treaty counted once, (M1) and (M2)): the caller then runs
    cascade_kernel_pull, so the result never depends on which kernel ran.

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
    _reset_outputs(side, round_, initiator)
    at = np.empty(2 * n, dtype=np.float64)
    k = _monotone_start(threshold, default_threshold, aggressors, targets,
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


@jit_inner
def _reset_outputs(side, round_, initiator):
    for i in range(side.shape[0]):
        side[i] = 0
        round_[i] = -1
        initiator[i] = False


@jit_inner(inline="always")
def _cascade(
    tindptr, tindices, tcredibility, tkind, tdomains, tpull,
    threshold, default_threshold, region_code, global_reach, theatre, reach,
    aggressors, targets, domain,
    pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
    levers,
    capability,
    side, round_, initiator, order, round_ptr, capability_by_round,
):
    """The one body of cascade_kernel and cascade_kernel_pull: the monotone fast path when
    it applies (reading the resolved pulls ``tpull`` when it holds one per in-edge), else
    or when it gives up the general path. Whether the pulls are resolved is a run-time
    test, not a compile-time flag, so both kernels share one compiled body."""
    n = side.shape[0]
    # pulls resolved per World know no conditions: with conditions, the edge arrays
    resolved = tpull.shape[0] == tindices.shape[0] and levers[7].shape[0] == 0
    _reset_outputs(side, round_, initiator)
    cok, bound = new_question_state(tindptr, tindices, tcredibility, tkind, levers, aggressors,
                                targets)
    # (the monotone path presses only the initiators' rivals, Rules.rival_scope, weighs
    # no cost of joining, Rules.min_side_share, and sums every pull, not one per treaty)
    if (not (levers[13] and levers[3] > 0.0) and not (levers[14] > 0.0)
            and not (levers[17] > 0)
            and monotone_applies(tindptr, tkind, tdomains, aggressors, domain,
                                 pull_weight, restraint_weight, credibility_scale)):
        at = np.empty(2 * n, dtype=np.float64)
        if resolved and levers[5] == 1.0:  # (tpull holds no trigger toward co-belligerents)
            n_rounds = _cascade_monotone_pull(
                tindptr, tindices, tpull,
                threshold, default_threshold, region_code, global_reach, theatre, reach,
                aggressors, targets, max_rounds, levers,
                side, round_, initiator, order, round_ptr, at,
            )
        else:
            n_rounds = _cascade_monotone(
                tindptr, tindices, tcredibility, tkind, tdomains,
                threshold, default_threshold, region_code, global_reach, theatre, reach,
                aggressors, targets, domain, pull_weight, credibility_scale, max_rounds,
                levers, cok, side, round_, initiator, order, round_ptr, at,
            )
        if n_rounds >= 0:
            round_capability(order, round_ptr, n_rounds, side, capability,
                             capability_by_round)
            return n_rounds
        _reset_outputs(side, round_, initiator)  # the fast path gave up: start afresh
    return _general(
        tindptr, tindices, tcredibility, tkind, tdomains,
        threshold, default_threshold, region_code, global_reach, theatre, reach,
        aggressors, targets, domain,
        pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
        levers, cok, bound,
        capability,
        side, round_, initiator, order, round_ptr, capability_by_round,
    )


@jit
def cascade_kernel_pull(
    tindptr, tindices, tcredibility, tkind, tdomains, tpull,
    threshold, default_threshold, region_code, global_reach, theatre, reach,
    aggressors, targets, domain,
    pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
    levers,
    capability,
    side, round_, initiator, order, round_ptr, capability_by_round,
):
    """cascade_kernel, with ``tpull`` = edge_pull_kernel(tcredibility, tkind, tdomains,
    pull_weight, domain, credibility_scale) for its monotone fast path (the same result
    bit for bit), or an empty ``tpull`` to run exactly as cascade_kernel; the general path
    reads the edge arrays as cascade_kernel does. :func:`foederis.cascade` calls this
    kernel for a question the fast path can take (one compiled kernel for both fast
    paths, issue 12) and :func:`cascade_general` for any other."""
    return _cascade(
        tindptr, tindices, tcredibility, tkind, tdomains, tpull,
        threshold, default_threshold, region_code, global_reach, theatre, reach,
        aggressors, targets, domain,
        pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
        levers,
        capability,
        side, round_, initiator, order, round_ptr, capability_by_round,
    )


@jit
def cascade_kernel(
    tindptr, tindices, tcredibility, tkind, tdomains,
    threshold, default_threshold, region_code, global_reach, theatre, reach,
    aggressors, targets, domain,
    pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
    levers,
    capability,
    side, round_, initiator, order, round_ptr, capability_by_round,
):
    """The deterministic commitment cascade; see foederis.kernels.cascade_kernel."""
    return _cascade(
        tindptr, tindices, tcredibility, tkind, tdomains, tcredibility[:0],
        threshold, default_threshold, region_code, global_reach, theatre, reach,
        aggressors, targets, domain,
        pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
        levers,
        capability,
        side, round_, initiator, order, round_ptr, capability_by_round,
    )


@jit
def cascade_general(
    tindptr, tindices, tcredibility, tkind, tdomains,
    threshold, default_threshold, region_code, global_reach, theatre, reach,
    aggressors, targets, domain,
    pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
    levers,
    capability,
    side, round_, initiator, order, round_ptr, capability_by_round,
):
    """The general path of cascade_kernel (outputs already reset: side 0, round -1,
    initiator False)."""
    cok, bound = new_question_state(tindptr, tindices, tcredibility, tkind, levers, aggressors,
                                targets)
    return _general(
        tindptr, tindices, tcredibility, tkind, tdomains,
        threshold, default_threshold, region_code, global_reach, theatre, reach,
        aggressors, targets, domain,
        pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
        levers, cok, bound,
        capability,
        side, round_, initiator, order, round_ptr, capability_by_round,
    )


@jit_inner
def _general(
    tindptr, tindices, tcredibility, tkind, tdomains,
    threshold, default_threshold, region_code, global_reach, theatre, reach,
    aggressors, targets, domain,
    pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
    levers, cok, bound,
    capability,
    side, round_, initiator, order, round_ptr, capability_by_round,
):
    """cascade_general with the question's state (``cok``, ``bound``) computed."""
    n = side.shape[0]
    acc = np.zeros(4 * n, dtype=np.float64)
    offinit = np.zeros(2 * n, dtype=np.bool_)
    stamp = np.zeros(n, dtype=np.int32)
    touched = np.empty(n, dtype=np.int32)
    dirty = np.empty(n, dtype=np.int32)
    n_rounds, k, nd = cascade_core(
        tindptr, tindices, tcredibility, tkind, tdomains,
        threshold, default_threshold, region_code, global_reach, theatre, reach,
        aggressors, targets, domain,
        pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
        levers, cok, bound,
        ZERO, ZERO,
        side, round_, initiator, order, round_ptr,
        acc, offinit, stamp, touched, dirty,
    )
    round_capability(order, round_ptr, n_rounds, side, capability, capability_by_round)
    return n_rounds


@jit
def umbrella_kernel(
    tindptr, tindices, tcredibility, tkind, tdomains,
    aggressors, targets, levers, side, nuclear, pull_weight, credibility_scale, out,
):
    """Nuclear-armed guarantors on side D whose pulling commitment to a target covers the
    nuclear domain, its condition holding for these ``aggressors`` and ``targets``
    (``levers``' condition tables); writes their indices (with repeats across targets) to
    ``out`` and returns how many (:func:`foederis._kernels.core.umbrella_scan`,
    deterministic)."""
    cok, _ = new_question_state(tindptr, tindices, tcredibility, tkind, levers, aggressors,
                            targets)
    return umbrella_scan(tindptr, tindices, tcredibility, tkind, tdomains, targets, side,
                         nuclear, pull_weight, credibility_scale, levers, cok, ZERO, ZERO,
                         out)
