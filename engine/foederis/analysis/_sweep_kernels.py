"""numba kernels of the all-pairs sweeps: the deterrence map and entrapment.

One call of :func:`sweep_parallel` (or :func:`sweep_serial`) runs the cascade of every
(aggressor, target) pair in ``[lo, hi)`` of a flat pair list. The pairs are dealt to
``nlanes`` lanes by stride (lane l takes the pairs p with ``p % nlanes == l``, in
increasing p), each lane with its own workspace; the parallel variant runs the lanes in a
``prange``. Every per-pair output is written by the one lane that owns the pair, so it
does not depend on the number of lanes, threads, or blocks.

Per pair the lane reuses :func:`foederis._kernels._cascade_core` exactly as
:func:`foederis.cascade` and the ensembles do, then resets only what the cascade wrote
(the joiners' side, round and initiator flag, the dirty states' accumulators and stamps,
the two theatre regions): O(work of the cascade), never O(n), per pair. So a sample of
pairs on a 10^5-state world costs what its cascades cost.

Modes (``mode``): 0 the deterministic cascade only; 1 also ``samples`` Monte Carlo
samples of the threshold ensemble (the per-sample loop of ``simulate_threshold_*``);
2 also the bit-parallel independent cascade ("any", 64 samples per word through
``_any_word``). Sample s of a pair draws with ``word_key(seed_key(seed), s >> 6)`` and
bit ``s & 63``, as :func:`foederis.simulate` does with ``start=0``, so a pair's counts
equal that call's bit for bit.

Entrapment (``acc_on``): after a pair's deterministic cascade, each state that joined
after round 0 adds the pair's weight to its lane's ``ent_w[l, 2 i + side - 1]`` (and 1 to
``ent_n``), and each of its commitments that pulled it (protege on its side, joined in an
earlier round, covering the domain, with a positive pull: ``Cascade.why``'s rule) adds
the weight to ``credit[l, edge]``. Lanes add their pairs in increasing order and the
caller sums the lanes in lane order; with a lane count that depends on the problem only
(never on the thread count) the float sums are reproducible.
"""

from __future__ import annotations

import numpy as np

from .._constants import NUCLEAR, OFFENSE, SIDE_A, SIDE_D
from .._kernels import (
    _ONE,
    _U6,
    _U63,
    _ZERO,
    _any_tables,
    _any_word,
    _balance,
    _cascade_core,
    _umbrella_sample,
    seed_key,
    word_key,
)
from .._numba import jit, jit_parallel, prange

__all__ = ["MODE_ANY", "MODE_DETERMINISTIC", "MODE_THRESHOLD", "sweep_parallel",
           "sweep_serial"]

MODE_DETERMINISTIC = 0
MODE_THRESHOLD = 1
MODE_ANY = 2


@jit
def _sweep_lane(
    l, nlanes, lo, hi,
    pair_agg, pair_tgt, pair_weight,
    indptr, indices, credibility, kind, domains,
    tindptr, tindices, tcred, tkind, tdomains,
    threshold, default_threshold, region_code, global_reach, reach,
    domain, pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
    capability, nuclear, margin, umbrella_on,
    mode, samples, skey, any_restraint,
    ws_theatre, ws_pair, ws_side, ws_round, ws_init, ws_order, ws_round_ptr, ws_acc,
    ws_offinit, ws_stamp, ws_touched, ws_dirty, ws_nxt, ws_bits, ws_count,
    acc_on, ent_w, ent_n, credit,
    balance, deterred, umbrella, war_size, n_rounds, cap_a, cap_d,
    n_deterred, war_sum,
):
    theatre = ws_theatre[l]
    agg1 = ws_pair[l, 0:1]
    tgt1 = ws_pair[l, 1:2]
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
    # mode "any": bit-parallel workspace and per-word scratch
    nlev = 0
    pclass = np.zeros((1, 2), dtype=np.int64)
    rlev = np.zeros(1, dtype=np.int64)
    # per-edge draws of a word, memoised by _any_word (all False between words)
    ecache = np.zeros(tindices.shape[0] if mode == 2 else 0, dtype=np.uint64)
    eknown = np.zeros(tindices.shape[0] if mode == 2 else 0, dtype=np.bool_)
    if mode == 2:
        nlev, pclass, rlev = _any_tables(pull_weight, any_restraint, defend_initiators)
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

    p = lo + (l - lo % nlanes + nlanes) % nlanes
    while p < hi:
        a = pair_agg[p]
        t = pair_tgt[p]
        agg1[0] = a
        tgt1[0] = t
        ra = region_code[a]
        rt = region_code[t]
        if reach:
            if ra >= 0:
                theatre[ra] = True
            if rt >= 0:
                theatre[rt] = True
        # ---- the deterministic cascade
        nr, k, nd = _cascade_core(
            tindptr, tindices, tcred, tkind, tdomains,
            threshold, default_threshold, region_code, global_reach, theatre, reach,
            agg1, tgt1, domain,
            pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
            False, _ZERO, _ZERO,
            side, rnd, init, order, round_ptr,
            acc, offinit, stamp, touched, dirty,
        )
        ca = 0.0
        cd = 0.0
        for r in range(nr + 1):  # the order of _round_capability
            s_a = 0.0
            s_d = 0.0
            for x in range(round_ptr[r], round_ptr[r + 1]):
                i = order[x]
                if side[i] == SIDE_A:
                    s_a += capability[i]
                else:
                    s_d += capability[i]
            ca += s_a
            cd += s_d
        umb = False
        for q in range(tindptr[t], tindptr[t + 1]):  # as umbrella_kernel
            g = tindices[q]
            if side[g] != SIDE_D or not nuclear[g]:
                continue
            if (tdomains[q] & NUCLEAR) == 0 or not (pull_weight[tkind[q]] > 0.0):
                continue
            if not (tcred[q] * credibility_scale > 0.0):
                continue
            umb = True
            break
        bal = _balance(ca, cd)
        balance[p] = bal
        deterred[p] = (bal >= margin) or (umb and umbrella_on)
        umbrella[p] = umb
        war_size[p] = k
        n_rounds[p] = nr
        cap_a[p] = ca
        cap_d[p] = cd
        if acc_on:
            wgt = pair_weight[p]
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
                    kd = kind[q]
                    pw = pull_weight[kd]
                    if pw == 0.0:
                        continue
                    c = min(credibility[q] * credibility_scale, 1.0)
                    if kd == OFFENSE or not init[j]:
                        contrib = pw * c
                    else:
                        contrib = pw * c * defend_initiators
                    if contrib > 0.0:
                        credit[l, q] += wgt
        for x in range(k):
            i = order[x]
            side[i] = 0
            rnd[i] = -1
            init[i] = False
        for x in range(nd):
            i = dirty[x]
            acc[4 * i] = 0.0
            acc[4 * i + 1] = 0.0
            acc[4 * i + 2] = 0.0
            acc[4 * i + 3] = 0.0
            offinit[2 * i] = False
            offinit[2 * i + 1] = False
            stamp[i] = 0
        # ---- the Monte Carlo ensemble of the pair
        ndet = 0
        wsum = 0
        if mode == 1:
            for s in range(samples):
                wkey = word_key(skey, np.uint64(s) >> _U6)
                bm = _ONE << (np.uint64(s) & _U63)
                nr, k, nd = _cascade_core(
                    tindptr, tindices, tcred, tkind, tdomains,
                    threshold, default_threshold, region_code, global_reach, theatre,
                    reach, agg1, tgt1, domain,
                    pull_weight, restraint_weight, defend_initiators, credibility_scale,
                    max_rounds,
                    True, wkey, bm,
                    side, rnd, init, order, round_ptr,
                    acc, offinit, stamp, touched, dirty,
                )
                ca = 0.0
                cd = 0.0
                for r in range(nr + 1):
                    s_a = 0.0
                    s_d = 0.0
                    for x in range(round_ptr[r], round_ptr[r + 1]):
                        i = order[x]
                        if side[i] == SIDE_A:
                            s_a += capability[i]
                        else:
                            s_d += capability[i]
                    ca += s_a
                    cd += s_d
                bal = _balance(ca, cd)
                umb = False
                if umbrella_on:
                    umb = _umbrella_sample(tindptr, tindices, tcred, tkind, tdomains, tgt1,
                                           side, nuclear, pull_weight, credibility_scale,
                                           wkey, bm)
                if (bal >= margin) or umb:
                    ndet += 1
                wsum += k
                for x in range(k):
                    i = order[x]
                    side[i] = 0
                    rnd[i] = -1
                    init[i] = False
                for x in range(nd):
                    i = dirty[x]
                    acc[4 * i] = 0.0
                    acc[4 * i + 1] = 0.0
                    acc[4 * i + 2] = 0.0
                    acc[4 * i + 3] = 0.0
                    offinit[2 * i] = False
                    offinit[2 * i + 1] = False
                    stamp[i] = 0
        elif mode == 2:
            nwords = (samples + 63) // 64
            for word in range(nwords):
                nvalid = min(64, samples - 64 * word)
                valid = _ZERO
                for b in range(nvalid):
                    valid |= _ONE << np.uint64(b)
                _any_word(
                    word, valid, 64 * word, skey,
                    tindptr, tindices, tcred, tkind, tdomains,
                    region_code, global_reach, theatre, reach,
                    agg1, tgt1, domain,
                    pull_weight, credibility_scale, max_rounds,
                    capability, nuclear, margin, umbrella_on,
                    nlev, pclass, rlev,
                    ws_bits[l], stamp, touched, order, ws_nxt[l], dirty, ecache, eknown,
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
                theatre[ra] = False
            if rt >= 0:
                theatre[rt] = False
        p += nlanes


@jit_parallel
def sweep_parallel(
    lo, hi,
    pair_agg, pair_tgt, pair_weight,
    indptr, indices, credibility, kind, domains,
    tindptr, tindices, tcred, tkind, tdomains,
    threshold, default_threshold, region_code, global_reach, reach,
    domain, pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
    capability, nuclear, margin, umbrella_on,
    mode, samples, seed, any_restraint,
    ws_theatre, ws_pair, ws_side, ws_round, ws_init, ws_order, ws_round_ptr, ws_acc,
    ws_offinit, ws_stamp, ws_touched, ws_dirty, ws_nxt, ws_bits, ws_count,
    acc_on, ent_w, ent_n, credit,
    balance, deterred, umbrella, war_size, n_rounds, cap_a, cap_d,
    n_deterred, war_sum,
):
    """Pairs [lo, hi) of the sweep, the lanes (``ws_side.shape[0]``) in parallel."""
    nlanes = ws_side.shape[0]
    skey = seed_key(seed)
    for l in prange(nlanes):
        _sweep_lane(
            l, nlanes, lo, hi,
            pair_agg, pair_tgt, pair_weight,
            indptr, indices, credibility, kind, domains,
            tindptr, tindices, tcred, tkind, tdomains,
            threshold, default_threshold, region_code, global_reach, reach,
            domain, pull_weight, restraint_weight, defend_initiators, credibility_scale,
            max_rounds,
            capability, nuclear, margin, umbrella_on,
            mode, samples, skey, any_restraint,
            ws_theatre, ws_pair, ws_side, ws_round, ws_init, ws_order, ws_round_ptr, ws_acc,
            ws_offinit, ws_stamp, ws_touched, ws_dirty, ws_nxt, ws_bits, ws_count,
            acc_on, ent_w, ent_n, credit,
            balance, deterred, umbrella, war_size, n_rounds, cap_a, cap_d,
            n_deterred, war_sum,
        )


@jit
def sweep_serial(
    lo, hi,
    pair_agg, pair_tgt, pair_weight,
    indptr, indices, credibility, kind, domains,
    tindptr, tindices, tcred, tkind, tdomains,
    threshold, default_threshold, region_code, global_reach, reach,
    domain, pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
    capability, nuclear, margin, umbrella_on,
    mode, samples, seed, any_restraint,
    ws_theatre, ws_pair, ws_side, ws_round, ws_init, ws_order, ws_round_ptr, ws_acc,
    ws_offinit, ws_stamp, ws_touched, ws_dirty, ws_nxt, ws_bits, ws_count,
    acc_on, ent_w, ent_n, credit,
    balance, deterred, umbrella, war_size, n_rounds, cap_a, cap_d,
    n_deterred, war_sum,
):
    """Pairs [lo, hi) of the sweep, the lanes one after another."""
    nlanes = ws_side.shape[0]
    skey = seed_key(seed)
    for l in range(nlanes):
        _sweep_lane(
            l, nlanes, lo, hi,
            pair_agg, pair_tgt, pair_weight,
            indptr, indices, credibility, kind, domains,
            tindptr, tindices, tcred, tkind, tdomains,
            threshold, default_threshold, region_code, global_reach, reach,
            domain, pull_weight, restraint_weight, defend_initiators, credibility_scale,
            max_rounds,
            capability, nuclear, margin, umbrella_on,
            mode, samples, skey, any_restraint,
            ws_theatre, ws_pair, ws_side, ws_round, ws_init, ws_order, ws_round_ptr, ws_acc,
            ws_offinit, ws_stamp, ws_touched, ws_dirty, ws_nxt, ws_bits, ws_count,
            acc_on, ent_w, ent_n, credit,
            balance, deterred, umbrella, war_size, n_rounds, cap_a, cap_d,
            n_deterred, war_sum,
        )
