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
from .._numba import jit, jit_inner
from .conditions import ROLE_OTHER, ROLE_TARGET, new_question_state
from .core import (always_triggers, cascade_core, rival_press, round_capability, sort_round,
                   sort_segment, trigger, umbrella_scan)
from .random import ZERO

__all__ = [
    "monotone_applies", "edge_pull_kernel", "cascade_kernel", "cascade_kernel_pull",
    "cascade_fast", "cascade_general", "umbrella_kernel",
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
def monotone_start(threshold, default_threshold, aggressors, targets,
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
def monotone_rivals(j, r, k, levers, region_code, global_reach, theatre, reach,
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
    k = monotone_start(threshold, default_threshold, aggressors, targets,
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
                k = monotone_rivals(j, r, k, levers, region_code, global_reach, theatre,
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
    k = monotone_start(threshold, default_threshold, aggressors, targets,
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
            k = monotone_rivals(j, r, k, levers, region_code, global_reach, theatre,
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
def reset_outputs(side, round_, initiator):
    for i in range(side.shape[0]):
        side[i] = 0
        round_[i] = -1
        initiator[i] = False


@jit
def cascade_fast(
    tindptr, tindices, tcredibility, tkind, tdomains, tpull,
    threshold, default_threshold, region_code, global_reach, theatre, reach,
    aggressors, targets, domain,
    pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
    levers,
    capability,
    side, round_, initiator, order, round_ptr, capability_by_round,
):
    """The monotone fast path alone, arguments and outputs as cascade_kernel_pull's: its
    n_rounds, or -1 when it does not apply or gives up (outputs then partly written; the
    caller resets them and runs :func:`cascade_general`, as cascade_kernel_pull does).
    It reads the resolved pulls ``tpull`` when it holds one per in-edge (a run-time test,
    not a compile-time flag: one compiled kernel for both fast paths). Its own kernel, so
    that compiling it never compiles the general path again (issue 12: foederis.cascade
    calls this kernel, then cascade_general when it returns -1; ``defend_initiators``
    is unused, kept so that every cascade kernel takes the same arguments)."""
    # (the monotone path presses only the initiators' rivals, Rules.rival_scope, weighs
    # no cost of joining, Rules.min_side_share, and sums every pull, not one per treaty)
    if ((levers[13] and levers[3] > 0.0) or levers[14] > 0.0 or levers[17] > 0
            or not monotone_applies(tindptr, tkind, tdomains, aggressors, domain,
                                    pull_weight, restraint_weight, credibility_scale)):
        return -1
    n = side.shape[0]
    # pulls resolved per World know no conditions: with conditions, the edge arrays
    resolved = tpull.shape[0] == tindices.shape[0] and levers[7].shape[0] == 0
    reset_outputs(side, round_, initiator)
    at = np.empty(2 * n, dtype=np.float64)
    if resolved and levers[5] == 1.0:  # (tpull holds no trigger toward co-belligerents)
        n_rounds = _cascade_monotone_pull(
            tindptr, tindices, tpull,
            threshold, default_threshold, region_code, global_reach, theatre, reach,
            aggressors, targets, max_rounds, levers,
            side, round_, initiator, order, round_ptr, at,
        )
    else:
        cok, _ = new_question_state(tindptr, tindices, tcredibility, tkind, levers,
                                    aggressors, targets)
        n_rounds = _cascade_monotone(
            tindptr, tindices, tcredibility, tkind, tdomains,
            threshold, default_threshold, region_code, global_reach, theatre, reach,
            aggressors, targets, domain, pull_weight, credibility_scale, max_rounds,
            levers, cok, side, round_, initiator, order, round_ptr, at,
        )
    if n_rounds >= 0:
        round_capability(order, round_ptr, n_rounds, side, capability, capability_by_round)
    return n_rounds


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
    bit for bit), or an empty ``tpull`` to run exactly as cascade_kernel: the fast path
    (:func:`cascade_fast`) when it applies, else or when it gives up the general path
    (:func:`cascade_general`) on reset outputs. :func:`foederis.cascade` calls those two
    kernels itself (compiling this one would link both again)."""
    n_rounds = cascade_fast(
        tindptr, tindices, tcredibility, tkind, tdomains, tpull,
        threshold, default_threshold, region_code, global_reach, theatre, reach,
        aggressors, targets, domain,
        pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
        levers,
        capability,
        side, round_, initiator, order, round_ptr, capability_by_round,
    )
    if n_rounds >= 0:
        return n_rounds
    reset_outputs(side, round_, initiator)  # not applicable, or the fast path gave up
    return cascade_general(
        tindptr, tindices, tcredibility, tkind, tdomains,
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
    return cascade_kernel_pull(
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
    n = side.shape[0]
    # zeroed by hand: np.zeros would compile three more array constructors (issue 12)
    acc = np.empty(4 * n, dtype=np.float64)
    offinit = np.empty(2 * n, dtype=np.bool_)
    stamp = np.empty(n, dtype=np.int32)
    for i in range(n):
        for x in range(4):
            acc[4 * i + x] = 0.0
        offinit[2 * i] = False
        offinit[2 * i + 1] = False
        stamp[i] = 0
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
