"""Monte Carlo, mode "threshold": one cascade per sample, per-chunk workspaces.

Each chunk also lists the states it saw join (``ws_seen``, ``ws_seen_list``,
``ws_nseen``), so that :func:`merge_counts` gathers the per-state counts over them, in
O(states that joined) rather than O(chunks x n): the cost of an ensemble follows the war,
not the world.

In each sample every commitment counts with credibility 1 if the sample honours it
(:mod:`foederis._kernels.random`), else 0. :func:`threshold_sample` is the whole
per-sample rule (cascade, capability per round, balance, umbrella, deterred); the
ensemble kernels here and the pair sweeps (:mod:`foederis._kernels.sweep`) both call it.
"""

from __future__ import annotations

import numpy as np

from .._constants import SIDE_A
from .._numba import jit, jit_inner, jit_parallel, prange
from .conditions import new_question_state
from .core import balance_of, cascade_core, reset_core, round_capability, umbrella_scan
from .random import sample_keys, seed_key

__all__ = ["merge_counts", "threshold_sample", "simulate_threshold_parallel", "simulate_threshold_serial"]


@jit_inner
def threshold_sample(
    s, skey,
    tindptr, tindices, tcred, tkind, tdomains,
    threshold, default_threshold, region_code, global_reach, theatre, reach,
    aggressors, targets, domain,
    pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
    levers, cok, bound,
    capability, nuclear, margin, umbrella_on,
    side, rnd, init, order, round_ptr, acc, offinit, stamp, touched, dirty,
    no_rows, no_out,
):
    """Sample ``s`` (seed key ``skey``) of the threshold ensemble in the core workspace
    (side .. dirty, reset on entry), ``cok`` and ``bound`` the question's state
    (:func:`foederis._kernels.conditions.question_state`, computed once per question). Returns (n_rounds, n_joined, n_dirty, balance,
    deterred); the joiners are ``order[:n_joined]``. The caller reads the workspace, then
    puts it back with :func:`reset_core`. ``no_rows`` float64[0, 2] and ``no_out``
    int64[0]: empty scratch (no per-round rows, no list of umbrella guarantors)."""
    wkey, bm = sample_keys(skey, s)
    nr, k, nd = cascade_core(
        tindptr, tindices, tcred, tkind, tdomains,
        threshold, default_threshold, region_code, global_reach, theatre, reach,
        aggressors, targets, domain,
        pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
        levers, cok, bound,
        wkey, bm,
        side, rnd, init, order, round_ptr,
        acc, offinit, stamp, touched, dirty,
    )
    ca, cd = round_capability(order, round_ptr, nr, side, capability, no_rows)
    bal = balance_of(ca, cd)
    umb = False
    if umbrella_on:
        umb = umbrella_scan(tindptr, tindices, tcred, tkind, tdomains, targets, side,
                            nuclear, pull_weight, credibility_scale, levers, cok, wkey,
                            bm, no_out) > 0
    return nr, k, nd, bal, (bal >= margin) or umb


@jit_inner
def _threshold_chunk(
    c, nchunks, start, stop, skey,
    tindptr, tindices, tcred, tkind, tdomains,
    threshold, default_threshold, region_code, global_reach, theatre, reach,
    aggressors, targets, domain,
    pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
    levers,
    capability, nuclear, margin, umbrella_on,
    ws_side, ws_round, ws_init, ws_order, ws_round_ptr, ws_acc, ws_offinit, ws_stamp,
    ws_touched, ws_dirty, ws_seen, ws_seen_list, ws_nseen,
    count_a, count_d, round_sum,
    war_size, n_rounds_out, balance, deterred,
):
    total = stop - start
    lo = start + (total * c) // nchunks
    hi = start + (total * (c + 1)) // nchunks
    side = ws_side[c]
    rnd = ws_round[c]
    init = ws_init[c]
    order = ws_order[c]
    acc = ws_acc[c]
    offinit = ws_offinit[c]
    stamp = ws_stamp[c]
    dirty = ws_dirty[c]
    cnt_a = count_a[c]
    cnt_d = count_d[c]
    rsum = round_sum[c]
    seen = ws_seen[c]
    seen_list = ws_seen_list[c]
    ns = ws_nseen[c]
    no_rows = np.empty((0, 2))
    no_out = np.empty(0, np.int64)
    cok, bound = new_question_state(tindptr, tindices, tcred, tkind, levers, aggressors, targets)
    for s in range(lo, hi):
        nr, k, nd, bal, det = threshold_sample(
            s, skey,
            tindptr, tindices, tcred, tkind, tdomains,
            threshold, default_threshold, region_code, global_reach, theatre, reach,
            aggressors, targets, domain,
            pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
            levers, cok, bound,
            capability, nuclear, margin, umbrella_on,
            side, rnd, init, order, ws_round_ptr[c], acc, offinit, stamp, ws_touched[c],
            dirty,
            no_rows, no_out,
        )
        o = s - start
        war_size[o] = k
        n_rounds_out[o] = nr
        balance[o] = bal
        deterred[o] = det
        for p in range(k):
            i = order[p]
            if side[i] == SIDE_A:
                cnt_a[i] += 1
            else:
                cnt_d[i] += 1
            rsum[i] += rnd[i]
            if not seen[i]:
                seen[i] = True
                seen_list[ns] = i
                ns += 1
        reset_core(order, k, dirty, nd, side, rnd, init, acc, offinit, stamp)
    ws_nseen[c] = ns


@jit
def merge_counts(count_a, count_d, round_sum, seen, seen_list, nseen, out_a, out_d,
                 out_round):
    """Add the per-chunk counts of the ensemble kernels (rows of ``count_a``, ``count_d``,
    ``round_sum``) into ``out_a``, ``out_d``, ``out_round`` (zeros on entry), over the
    states each chunk saw join (``seen_list[c, :nseen[c]]``) only, and put those entries
    of the workspace back to zero: O(states that joined), not O(chunks x n)."""
    for c in range(nseen.shape[0]):
        for x in range(nseen[c]):
            i = seen_list[c, x]
            out_a[i] += count_a[c, i]
            out_d[i] += count_d[c, i]
            out_round[i] += round_sum[c, i]
            count_a[c, i] = 0
            count_d[c, i] = 0
            round_sum[c, i] = 0
            seen[c, i] = False
        nseen[c] = 0


@jit_parallel
def simulate_threshold_parallel(
    start, stop, seed,
    tindptr, tindices, tcredibility, tkind, tdomains,
    threshold, default_threshold, region_code, global_reach, theatre, reach,
    aggressors, targets, domain,
    pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
    levers,
    capability, nuclear, margin, umbrella_on,
    ws_side, ws_round, ws_init, ws_order, ws_round_ptr, ws_acc, ws_offinit, ws_stamp,
    ws_touched, ws_dirty, ws_seen, ws_seen_list, ws_nseen,
    count_a, count_d, round_sum,
    war_size, n_rounds, balance, deterred, status,
):
    """Samples [start, stop) of the threshold ensemble, chunks in parallel (prange)."""
    nchunks = ws_side.shape[0]
    skey = seed_key(seed)
    for c in prange(nchunks):
        _threshold_chunk(
            np.int64(c), nchunks, start, stop, skey,
            tindptr, tindices, tcredibility, tkind, tdomains,
            threshold, default_threshold, region_code, global_reach, theatre, reach,
            aggressors, targets, domain,
            pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
            levers,
            capability, nuclear, margin, umbrella_on,
            ws_side, ws_round, ws_init, ws_order, ws_round_ptr, ws_acc, ws_offinit, ws_stamp,
            ws_touched, ws_dirty, ws_seen, ws_seen_list, ws_nseen,
            count_a, count_d, round_sum,
            war_size, n_rounds, balance, deterred,
        )
    status[0] = stop


@jit
def simulate_threshold_serial(
    start, stop, seed,
    tindptr, tindices, tcredibility, tkind, tdomains,
    threshold, default_threshold, region_code, global_reach, theatre, reach,
    aggressors, targets, domain,
    pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
    levers,
    capability, nuclear, margin, umbrella_on,
    ws_side, ws_round, ws_init, ws_order, ws_round_ptr, ws_acc, ws_offinit, ws_stamp,
    ws_touched, ws_dirty, ws_seen, ws_seen_list, ws_nseen,
    count_a, count_d, round_sum,
    war_size, n_rounds, balance, deterred, status,
):
    """Samples [start, stop) of the threshold ensemble, chunks one after another."""
    nchunks = ws_side.shape[0]
    skey = seed_key(seed)
    for c in range(nchunks):
        _threshold_chunk(
            c, nchunks, start, stop, skey,
            tindptr, tindices, tcredibility, tkind, tdomains,
            threshold, default_threshold, region_code, global_reach, theatre, reach,
            aggressors, targets, domain,
            pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
            levers,
            capability, nuclear, margin, umbrella_on,
            ws_side, ws_round, ws_init, ws_order, ws_round_ptr, ws_acc, ws_offinit, ws_stamp,
            ws_touched, ws_dirty, ws_seen, ws_seen_list, ws_nseen,
            count_a, count_d, round_sum,
            war_size, n_rounds, balance, deterred,
        )
    status[0] = stop


