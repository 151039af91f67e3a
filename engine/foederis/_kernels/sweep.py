"""The all-pairs sweeps: the deterrence map and entrapment.

One call of :func:`sweep_parallel` (or :func:`sweep_serial`) runs the cascade of every
(aggressor, target) pair in ``[lo, hi)`` of a flat pair list. The pairs are dealt to
``nlanes`` lanes by stride (lane l takes the pairs p with ``p % nlanes == l``, in
increasing p), each lane with its own workspace; the parallel variant runs the lanes in a
``prange``. Every per-pair output is written by the one lane that owns the pair, so it
does not depend on the number of lanes, threads, or blocks.

Per pair the lane runs :func:`foederis._kernels.core.cascade_core` exactly as
:func:`foederis.cascade` does, then resets only what the cascade wrote
(:func:`foederis._kernels.core.reset_core`, and the two theatre regions): O(work of the
cascade), never O(n), per pair. So a sample of pairs on a 10^5-state world costs what its
cascades cost.

Modes (``mode``): 0 the deterministic cascade only; 1 also ``samples`` Monte Carlo
samples of the threshold ensemble (:func:`foederis._kernels.ensembles.threshold_sample`,
the ensembles' own per-sample function); 2 also the bit-parallel independent cascade
("any", 64 samples per word through :func:`foederis._kernels.bitparallel.any_word`).
Sample s of a pair draws with ``word_key(seed_key(seed), s >> 6)`` and bit ``s & 63``,
as :func:`foederis.simulate` does with ``start=0``, so a pair's counts equal that call's
bit for bit.

Entrapment (``acc_on``): after a pair's deterministic cascade, each state that joined
after round 0 adds the pair's weight to its lane's ``ent_w[l, 2 i + side - 1]`` (and 1 to
``ent_n``), and each of its commitments that pulled it (protege on its side, joined in an
earlier round, covering the domain, with a positive pull: ``Cascade.why``'s rule) adds
the weight to ``credit[l, edge]``. Lanes add their pairs in increasing order and the
caller sums the lanes in lane order; with a lane count that depends on the problem only
(never on the thread count) the float sums are reproducible.

The arguments come in tuples (numba takes tuples of arrays), in this order:

- ``pairs`` (pair_agg int64, pair_tgt int64, pair_weight float64)
- ``forward`` (indptr, indices, credibility, kind, domains, condition): the forward CSR
  (``condition``: per edge its condition, as ``levers``' ``tcond`` per transposed edge;
  empty without conditions)
- ``edges`` (tindptr, tindices, tcred, tkind, tdomains): the transposed CSR
- ``places`` (threshold, default_threshold, region_code, global_reach, reach)
- ``rules`` (domain, pull_weight, restraint_weight, defend_initiators,
  credibility_scale, max_rounds, then cascade_core's ``levers``: riv_indptr,
  riv_indices, riv_hostility, rival_weight, bound_victim, defend_cobelligerents, the
  condition tables of :mod:`foederis._kernels.conditions`, rival_all, min_side_share,
  capability, tslot and n_slots), flat (a parallel kernel takes no nested tuple)
- ``outcome`` (capability, nuclear, margin, umbrella_on)
- ``ensemble`` (mode, samples, seed, any_restraint)
- ``ws`` (theatre, pair, side, round, init, order, round_ptr, acc, offinit, stamp,
  touched, dirty, nxt, bits, count, then read-only views of theatre and pair): one row
  per lane each. A lane writes its theatre and pair and passes the read-only views on,
  so the kernels it calls run with the argument types of every other caller's
  (read-only arrays from the gate) instead of compiling a second variant (issue 12)
- ``entrapment`` (acc_on, ent_w, ent_n, credit)
- ``out`` (balance, deterred, umbrella, war_size, n_rounds, cap_a, cap_d, n_deterred,
  war_sum): one entry per pair
"""

from __future__ import annotations

import numpy as np

from .._constants import SIDE_A
from .._numba import jit, jit_inner, jit_parallel, prange
from .bitparallel import any_tables, any_word
from .conditions import protege_role, question_state
from .core import (always_triggers, balance_of, cascade_core, reset_core, round_capability,
                   trigger, umbrella_scan)
from .ensembles import threshold_sample
from .random import ONE, ZERO, seed_key

__all__ = ["MODE_ANY", "MODE_DETERMINISTIC", "MODE_THRESHOLD", "sweep_parallel",
           "sweep_serial"]

MODE_DETERMINISTIC = 0
MODE_THRESHOLD = 1
MODE_ANY = 2


@jit_inner
def _entrapment_credit(l, wgt, k, forward, rules, cok, side, rnd, init, order, round_ptr,
                       ent_w, ent_n, credit):
    """Add a pair's weight to the states that joined after round 0 and to the commitments
    that pulled them (``Cascade.why``'s rule; a commitment whose condition does not hold,
    ``cok``, pulled nobody)."""
    indptr, indices, credibility, kind, domains, condition = forward
    domain, pull_weight, _rw, defend_initiators, credibility_scale = rules[:5]
    cobelligerents = rules[11]
    nc = rules[13].shape[0]  # levers[7], the conditions' flags
    for x in range(round_ptr[1], k):
        i = order[x]
        si = side[i]
        ent_w[l, 2 * i + si - 1] += wgt
        ent_n[l, 2 * i + si - 1] += 1
        ri = rnd[i]
        for q in range(indptr[i], indptr[i + 1]):
            j = indices[q]
            if side[j] != si or rnd[j] >= ri:
                continue
            if (domains[q] & domain) == 0:
                continue
            if nc > 0 and not cok[protege_role(rnd[j] == 0, side[j] == SIDE_A) * nc
                                  + condition[q]]:
                continue
            kd = kind[q]
            pw = pull_weight[kd]
            if pw == 0.0:
                continue
            c = min(credibility[q] * credibility_scale, 1.0)
            contrib = pw * c * trigger(always_triggers(kd), init[j], rnd[j] == 0,
                                       defend_initiators, cobelligerents)
            if contrib > 0.0:
                credit[l, q] += wgt


@jit_inner
def _sweep_lane(l, nlanes, lo, hi, skey, pairs, forward, edges, places, rules, outcome,
                ensemble, ws, entrapment, out):
    pair_agg, pair_tgt, pair_weight = pairs
    tindptr, tindices, tcred, tkind, tdomains = edges
    threshold, default_threshold, region_code, global_reach, reach = places
    (domain, pull_weight, restraint_weight, defend_initiators, credibility_scale,
     max_rounds) = rules[:6]
    levers = rules[6:]
    cobelligerents = levers[5]
    capability, nuclear, margin, umbrella_on = outcome
    mode, samples, _, any_restraint = ensemble
    (ws_theatre, ws_pair, ws_side, ws_round, ws_init, ws_order, ws_round_ptr, ws_acc,
     ws_offinit, ws_stamp, ws_touched, ws_dirty, ws_nxt, ws_bits, ws_count,
     ws_theatre_ro, ws_pair_ro) = ws
    acc_on, ent_w, ent_n, credit = entrapment
    (balance, deterred, umbrella, war_size, n_rounds, cap_a, cap_d,
     n_deterred, war_sum) = out
    wtheatre = ws_theatre[l]  # written here; the kernels below read the read-only views
    wagg1 = ws_pair[l, 0:1]
    wtgt1 = ws_pair[l, 1:2]
    theatre = ws_theatre_ro[l]
    agg1 = ws_pair_ro[l, 0:1]
    tgt1 = ws_pair_ro[l, 1:2]
    side = ws_side[l]
    rnd = ws_round[l]
    init = ws_init[l]
    order = ws_order[l]
    round_ptr = ws_round_ptr[l]
    acc = ws_acc[l]
    offinit = ws_offinit[l]
    stamp = ws_stamp[l]
    touched = ws_touched[l]
    dirty = ws_dirty[l]
    no_rows = np.empty((0, 2))
    no_out = np.empty(0, np.int64)
    # mode "any": bit-parallel workspace and per-word scratch
    levels = np.zeros(0)
    pclass = np.zeros((1, 2), dtype=np.int64)
    rlev = np.zeros(1, dtype=np.int64)
    # per-edge draws of a word, memoised by any_word (one bit per edge, all 0 between words)
    ecache = np.zeros(tindices.shape[0] if mode == 2 else 0, dtype=np.uint64)
    eknown = np.zeros((tindices.shape[0] + 63) // 64 if mode == 2 else 0, dtype=np.uint64)
    no_seen = np.zeros(0, dtype=np.bool_)  # the sweep reads no per-state counts
    no_list = np.zeros(0, dtype=np.int32)
    no_n = np.zeros(1, dtype=np.int64)
    if mode == 2:
        levels, pclass, rlev = any_tables(pull_weight, any_restraint, defend_initiators,
                                          cobelligerents)
    sa = np.zeros(64)
    sd = np.zeros(64)
    ca64 = np.zeros(64)
    cd64 = np.zeros(64)
    lastr = np.zeros(64, dtype=np.int64)
    wsz = np.zeros(64, dtype=np.int64)
    war64 = np.zeros(64, dtype=np.int64)
    nr64 = np.zeros(64, dtype=np.int32)
    bal64 = np.zeros(64, dtype=np.float64)
    det64 = np.zeros(64, dtype=np.bool_)

    # the question's state (conditions, bound guarantors), one pair of buffers for every
    # pair: room for the largest in-degree of a target
    cok = np.empty(3 * levers[7].shape[0], dtype=np.bool_)
    room = 0
    if levers[4]:
        for x in range(lo, hi):
            t = pair_tgt[x]
            room = max(room, tindptr[t + 1] - tindptr[t])
    bound_room = np.empty(room, dtype=np.int32)
    p = lo + (l - lo % nlanes + nlanes) % nlanes
    while p < hi:
        a = pair_agg[p]
        t = pair_tgt[p]
        wagg1[0] = a
        wtgt1[0] = t
        ra = region_code[a]
        rt = region_code[t]
        if reach:
            if ra >= 0:
                wtheatre[ra] = True
            if rt >= 0:
                wtheatre[rt] = True
        nb = 0
        if levers[4] or cok.shape[0] > 0:
            nb = question_state(tindptr, tindices, tcred, tkind, levers, agg1, tgt1, cok,
                                bound_room)
        bound = bound_room[:nb]
        # ---- the deterministic cascade
        nr, k, nd = cascade_core(
            tindptr, tindices, tcred, tkind, tdomains,
            threshold, default_threshold, region_code, global_reach, theatre, reach,
            agg1, tgt1, domain,
            pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
            levers, cok, bound,
            ZERO, ZERO,
            side, rnd, init, order, round_ptr,
            acc, offinit, stamp, touched, dirty,
        )
        ca, cd = round_capability(order, round_ptr, nr, side, capability, no_rows)
        umb = umbrella_scan(tindptr, tindices, tcred, tkind, tdomains, tgt1, side, nuclear,
                            pull_weight, credibility_scale, levers, cok, ZERO, ZERO,
                            no_out) > 0
        bal = balance_of(ca, cd)
        balance[p] = bal
        deterred[p] = (bal >= margin) or (umb and umbrella_on)
        umbrella[p] = umb
        war_size[p] = k
        n_rounds[p] = nr
        cap_a[p] = ca
        cap_d[p] = cd
        if acc_on:
            _entrapment_credit(l, pair_weight[p], k, forward, rules, cok, side, rnd, init,
                               order, round_ptr, ent_w, ent_n, credit)
        reset_core(order, k, dirty, nd, side, rnd, init, acc, offinit, stamp)
        # ---- the Monte Carlo ensemble of the pair
        ndet = 0
        wsum = 0
        if mode == 1:
            for s in range(samples):
                nr, k, nd, bal, det = threshold_sample(
                    s, skey,
                    tindptr, tindices, tcred, tkind, tdomains,
                    threshold, default_threshold, region_code, global_reach, theatre,
                    reach, agg1, tgt1, domain,
                    pull_weight, restraint_weight, defend_initiators, credibility_scale,
                    max_rounds, levers, cok, bound, capability, nuclear, margin, umbrella_on,
                    side, rnd, init, order, round_ptr, acc, offinit, stamp, touched, dirty,
                    no_rows, no_out,
                )
                if det:
                    ndet += 1
                wsum += k
                reset_core(order, k, dirty, nd, side, rnd, init, acc, offinit, stamp)
        elif mode == 2:
            nwords = (samples + 63) // 64
            for word in range(nwords):
                nvalid = min(64, samples - 64 * word)
                valid = ZERO
                for b in range(nvalid):
                    valid |= ONE << np.uint64(b)
                any_word(
                    word, valid, 64 * word, skey,
                    tindptr, tindices, tcred, tkind, tdomains,
                    region_code, global_reach, theatre, reach,
                    agg1, tgt1, domain,
                    pull_weight, credibility_scale, max_rounds, levers, cok, bound,
                    capability, nuclear, margin, umbrella_on,
                    levels, pclass, rlev,
                    ws_bits[l], stamp, touched, order, ws_nxt[l], dirty, ecache, eknown,
                    no_seen, no_list, no_n,
                    ws_count[l, 0], ws_count[l, 1], ws_count[l, 2],
                    sa, sd, ca64, cd64, lastr, wsz,
                    war64, nr64, bal64, det64,
                )
                for b in range(nvalid):
                    if det64[b]:
                        ndet += 1
                    wsum += war64[b]
        n_deterred[p] = ndet
        war_sum[p] = wsum
        if reach:
            if ra >= 0:
                wtheatre[ra] = False
            if rt >= 0:
                wtheatre[rt] = False
        p += nlanes


@jit_parallel
def sweep_parallel(lo, hi, pairs, forward, edges, places, rules, outcome, ensemble, ws,
                   entrapment, out):
    """Pairs [lo, hi) of the sweep, the lanes (one per row of the workspace arrays) in
    parallel (prange)."""
    nlanes = ws[2].shape[0]
    skey = seed_key(ensemble[2])
    for l in prange(nlanes):
        _sweep_lane(np.int64(l), nlanes, lo, hi, skey, pairs, forward, edges, places, rules,
                    outcome, ensemble, ws, entrapment, out)


@jit
def sweep_serial(lo, hi, pairs, forward, edges, places, rules, outcome, ensemble, ws,
                 entrapment, out):
    """Pairs [lo, hi) of the sweep, the lanes one after another."""
    nlanes = ws[2].shape[0]
    skey = seed_key(ensemble[2])
    for l in range(nlanes):
        _sweep_lane(l, nlanes, lo, hi, skey, pairs, forward, edges, places, rules, outcome,
                    ensemble, ws, entrapment, out)
