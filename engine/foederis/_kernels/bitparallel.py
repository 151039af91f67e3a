"""Monte Carlo, mode "any": 64 samples per uint64 word, bit-parallel independent cascade.

The rule, per sample: a neutral state i (that can reach) is *eligible* for side S when
its strongest honoured pull toward S (value w(kind) * trig, over honoured pulling
commitments to states on S) exceeds its strongest honoured restraint against S (weight,
over honoured restraints toward states on S'; none = 0). It joins S when eligible for S
and not for S' (pulled both ways: conflicted, stays neutral).

Bit-parallel form. The R distinct positive restraint weights L_0 < ... < L_{R-1} are
"levels"; a pull of value v has class c(v) = #levels below v, and is outweighed exactly
by the restraints of level >= c(v). Per state and side the workspace keeps one word of
lanes per pull class (lanes with an honoured pull of that class) and one per restraint
level, so eligibility is OR_c(P[c] & ~OR_{l >= c} H[l]), exact, with no sums.

Workspace words per state (stride 9 + 4R, see any_stride): 0 on A, 1 on D, 2 initiator,
3 joined A in its last joining round, 4 ... D, 5 "always"-kind-to-initiator pull A,
6 ... D, then P_A[0..R], P_D[0..R], H_A[0..R-1] (restraint against A), H_D[0..R-1].
"""

from __future__ import annotations

import numpy as np

from .._numba import jit, jit_inner, jit_parallel, prange
from .conditions import ROLE_TARGET, is_bound, new_question_state, protege_role
from .core import (always_triggers, balance_of, rival_press, side_share_ok, sort_segment,
                   touch, trigger, umbrella_edge)
from .random import (ONE, ZERO, bernoulli_bits, edge_id, edge_key, popcount64, seed_key,
                     word_key)

__all__ = ["DRAW_FIRST_LANES", "MEMO_LANES", "SMALL_WORD_SHARE", "restraint_levels", "any_stride", "any_tables", "any_word",
           "simulate_any_parallel", "simulate_any_serial"]


#: A word of 64 samples is *small* while it has touched fewer than n / SMALL_WORD_SHARE
#: states. Then a joiner new in at most DRAW_FIRST_LANES lanes draws its in-edges before
#: reading their guarantors' lanes, and only a joiner new in at least MEMO_LANES lanes
#: memoises its draws for the word; a large word reads the guarantors first and memoises
#: every joiner (:func:`any_word`). Measured on the benchmark graphs (2026-11-26, CPU time
#: per sample, serial): a small war (10 targets, ~30 states per sample) on 10^6 states
#: 24.8 us before, 11.2 us with small words; on 10^4 states 8.1 and 7.0 us. Applying the
#: small-word rules to a war of half the world made it 1.4x-2x slower: most guarantors are
#: at war already (reading them first saves the draw) and joiners join over many rounds
#: (the memo pays).
SMALL_WORD_SHARE = 8
DRAW_FIRST_LANES = 2
MEMO_LANES = 8


@jit_inner
def restraint_levels(restraint_weight):
    """Sorted distinct positive restraint weights (float64[R]), by insertion (one per
    kind: a handful, and no float variant of the int sort to compile)."""
    vals = np.empty(restraint_weight.shape[0])
    r = 0
    for k in range(restraint_weight.shape[0]):
        x = restraint_weight[k]
        if x > 0.0:
            dup = False
            for t in range(r):
                if vals[t] == x:
                    dup = True
            if not dup:
                q = r - 1
                while q >= 0 and vals[q] > x:
                    vals[q + 1] = vals[q]
                    q -= 1
                vals[q + 1] = x
                r += 1
    return vals[:r]


@jit
def any_stride(restraint_weight):
    """uint64 words per state in the bit-parallel workspace."""
    return 9 + 4 * restraint_levels(restraint_weight).shape[0]


@jit_inner
def any_tables(pull_weight, restraint_weight, defend_initiators, defend_cobelligerents):
    """(the R restraint levels, pull class per kind and trigger [kind, 0 = full / 1 =
    toward an initiator / 2 = toward a co-belligerent], restraint level per kind); -1
    where the kind does not pull / restrain."""
    levels = restraint_levels(restraint_weight)
    nl = levels.shape[0]
    nk = pull_weight.shape[0]
    pclass = np.full((nk, 3), -1, dtype=np.int64)
    rlev = np.full(nk, -1, dtype=np.int64)
    for k in range(nk):
        for t in range(3):
            v = pull_weight[k] * trigger(always_triggers(k), t == 1, t == 0,
                                         defend_initiators, defend_cobelligerents)
            if v > 0.0:
                pclass[k, t] = pull_class(levels, v)
        x = restraint_weight[k]
        if x > 0.0:
            for t in range(nl):
                if levels[t] == x:
                    rlev[k] = t
    return levels, pclass, rlev


@jit(inline="always")
def pull_class(levels, v):
    """The class of a pull of value ``v`` > 0: how many restraint levels lie below it."""
    c = 0
    for x in range(levels.shape[0]):
        if levels[x] < v:
            c += 1
    return c


@jit(inline="always")
def memo_known(eknown, q):
    """Whether edge ``q``'s draws are memoised: bit ``q % 64`` of ``eknown[q // 64]``."""
    return ((eknown[q >> 6] >> np.uint64(q & 63)) & ONE) != ZERO


@jit_inner
def _bits_round_capability(lst, nl, bits, stride, capability, sa, sd, ca, cd):
    for b in range(64):
        sa[b] = 0.0
        sd[b] = 0.0
    for p in range(nl):
        i = lst[p]
        x = bits[stride * i + 3]
        y = bits[stride * i + 4]
        cap = capability[i]
        # set bits only (lowest first): each lane still gets one add per state, in list
        # order, so the per-lane sums are those of a loop over all 64 bits
        while x != ZERO:
            low = x & (~x + ONE)
            sa[popcount64(low - ONE)] += cap
            x ^= low
        while y != ZERO:
            low = y & (~y + ONE)
            sd[popcount64(low - ONE)] += cap
            y ^= low
    for b in range(64):
        ca[b] += sa[b]
        cd[b] += sd[b]


@jit_inner
def any_word(
    word, valid, start, skey,
    tindptr, tindices, tcred, tkind, tdomains,
    region_code, global_reach, theatre, reach,
    aggressors, targets, domain,
    pull_weight, credibility_scale, max_rounds, levers, cok, bound,
    capability, nuclear, margin, umbrella_on,
    levels, pclass, rlev,
    bits, stamp, touched, cur, nxt, dirty, ecache, eknown, seen, seen_list, nseen,
    cnt_a, cnt_d, rsum,
    sa, sd, ca, cd, lastr, wsz,
    war_size, n_rounds_out, balance, deterred,
):
    """One word of 64 samples of the bit-parallel ensemble. ``cok`` and ``bound``: the
    question's state (:func:`foederis._kernels.conditions.question_state`); an edge whose
    condition does not hold is never honoured, as in the cascade core.

    Edge draws are memoised per word: the first time in-edge ``q`` is needed, its lanes
    are drawn for every valid sample (``ecache[q]``, and bit ``q % 64`` of ``eknown[q //
    64]`` set: ``eknown`` is uint64, one bit per edge); a later visit
    (the protege joining in other lanes in a later round) reuses them. In a small word
    (``SMALL_WORD_SHARE``: a small war, where most joiners join in one lane of the word)
    only a protege joining in ``MEMO_LANES`` lanes at once memoises; the others draw only
    the lanes they need (fewer hashes than all 64, no memo written), and draw before
    reading their guarantors' lanes (``DRAW_FIRST_LANES``). All of it is exact: :func:`bernoulli_bits` decides each lane from its own bit position only, so
    ``bernoulli_bits(key, p, valid) & need == bernoulli_bits(key, p, need)`` for ``need``
    inside ``valid``. Workspace on entry and exit: bits 0, stamp 0, eknown 0 (reset
    here over the in-edges of the word's joiners, in a small word those that joined in
    ``MEMO_LANES`` lanes or more: the only edges it can have memoised). Arrays shorter than the edge count
    (``eknown``: than its 64ths; callers of the embedding API that do not size them) turn the memo off: every visit
    draws afresh, with the same results.

    The states that joined in this word and had not joined in an earlier word of the
    chunk are appended to ``seen_list[nseen[0]:]`` (``seen`` marks them), so that the
    caller adds the chunk's counts into the result over those states only
    (:func:`foederis._kernels.merge_counts`), never over all n; an empty ``seen`` (a
    caller that reads no counts) skips it.
    """
    n = tindptr.shape[0] - 1
    riv_indptr, riv_indices, riv_hostility, rival_weight, bound_victim = levers[:5]
    tcond = levers[6]
    nc = levers[7].shape[0]
    rival_all = levers[13]
    min_share = levers[14]
    nlev = levels.shape[0]
    memo = ecache.shape[0] >= tindices.shape[0] and 64 * eknown.shape[0] >= tindices.shape[0]
    track = seen.shape[0] > 0
    F = 9 + 4 * nlev
    o_pa = 7
    o_pd = 7 + nlev + 1
    o_ha = 7 + 2 * (nlev + 1)
    o_hd = o_ha + nlev
    wkey = word_key(skey, word)
    nd = 0
    ncur = 0
    for x in range(aggressors.shape[0]):
        a = aggressors[x]
        b = F * a
        bits[b] |= valid
        bits[b + 2] |= valid
        bits[b + 3] = valid
        bits[b + 4] = ZERO
        stamp[a] = -1
        dirty[nd] = a
        nd += 1
        cur[ncur] = a
        ncur += 1
    for x in range(targets.shape[0]):
        t = targets[x]
        b = F * t
        bits[b + 1] |= valid
        bits[b + 3] = ZERO
        bits[b + 4] = valid
        stamp[t] = -1
        dirty[nd] = t
        nd += 1
        cur[ncur] = t
        ncur += 1
    sort_segment(cur, 0, ncur)
    for b in range(64):
        ca[b] = 0.0
        cd[b] = 0.0
        lastr[b] = 0
        wsz[b] = 0
    # int64(ncur): numba would type a round-0 count as a literal and compile a variant
    _bits_round_capability(cur, np.int64(ncur), bits, F, capability, sa, sd, ca, cd)
    r = 0
    carry = 0  # states the cost of joining held back in some lane, weighed again
    while ncur > 0 and (max_rounds < 0 or r < max_rounds):
        r += 1
        nt = carry
        for x in range(carry):
            stamp[touched[x]] = r
        # 1. honoured contributions of the joiners of round r-1, lane by lane
        for p in range(ncur):
            j = cur[p]
            bj = F * j
            newa = bits[bj + 3]
            newd = bits[bj + 4]
            ij = bits[bj + 2]
            j_original = r == 1  # round 1's frontier: the aggressors and targets
            small = nd * SMALL_WORD_SHARE < n  # once large, a word stays large
            nnew = popcount64(newa | newd)
            wide = memo and (not small or nnew >= MEMO_LANES)
            draw_first = small and nnew <= DRAW_FIRST_LANES
            # in a small word j's in-edges can hold memoised draws only if j joined in
            # MEMO_LANES lanes at once before (or does now): else the memo is not read
            known = wide or (memo and popcount64(
                (bits[bj] | bits[bj + 1]) & ~(newa | newd)) >= MEMO_LANES)
            # in round 1 the frontier is the aggressors (new on A) and the targets
            j_aggressor = j_original and newa != ZERO
            coff = protege_role(j_original, j_aggressor) * nc  # j's row of cok
            for q in range(tindptr[j], tindptr[j + 1]):
                if (tdomains[q] & domain) == 0:
                    continue
                if nc > 0 and not cok[coff + tcond[q]]:
                    continue  # its condition does not hold: never honoured
                kd = tkind[q]
                # the trigger toward j: full (0) for an original target or an "always"
                # kind, else toward a co-belligerent (2); toward an initiator (1)
                c0 = pclass[kd, 0 if j_original else 2]
                c1 = pclass[kd, 1]
                rl = rlev[kd]
                if c0 < 0 and c1 < 0 and rl < 0:
                    continue
                if (rl >= 0 and bound_victim and c0 < 0 and j_aggressor
                        and is_bound(tindices[q], bound)):
                    rl = -1  # a pledge toward the aggressor does not abandon the victim
                    if c1 < 0:
                        continue
                always = always_triggers(kd)
                if always:
                    f0a = newa
                    f0d = newd
                    f1a = ZERO
                    f1d = ZERO
                else:
                    f0a = newa & ~ij
                    f0d = newd & ~ij
                    f1a = newa & ij
                    f1d = newd & ij
                if c0 < 0:
                    f0a = ZERO
                    f0d = ZERO
                if c1 < 0:
                    f1a = ZERO
                    f1d = ZERO
                need = f0a | f0d | f1a | f1d
                if rl >= 0:
                    need |= newa | newd
                if need == ZERO:
                    continue
                # a memoised draw, and a protege new in few lanes, draw first and read the
                # guarantor's lanes only if the edge is honoured in one: most draws fail,
                # and the guarantor's row is a cache miss on a large world while the edge
                # arrays are read in order. A protege new in many lanes drops the lanes
                # where the guarantor is at war before it draws afresh (fewer hashes).
                # Exact: lanes are drawn independently, so masking before or after the
                # draw gives the same bits.
                i = tindices[q]
                bi = F * i
                cached = known and memo_known(eknown, q)
                if not (draw_first or cached):
                    need &= valid & ~(bits[bi] | bits[bi + 1])
                    if need == ZERO:
                        continue
                if cached:
                    h = ecache[q] & need
                elif not wide:
                    h = bernoulli_bits(edge_key(wkey, edge_id(i, j, kd, n)),
                                       tcred[q] * credibility_scale, need)
                else:
                    hf = bernoulli_bits(edge_key(wkey, edge_id(i, j, kd, n)),
                                        tcred[q] * credibility_scale, valid)
                    ecache[q] = hf
                    eknown[q >> 6] |= ONE << np.uint64(q & 63)
                    h = hf & need
                if h == ZERO:
                    continue
                h &= valid & ~(bits[bi] | bits[bi + 1])
                if h == ZERO:
                    continue
                # reach: global reach, region unknown, or region in the theatre
                if reach and not global_reach[i]:
                    rc = region_code[i]
                    if rc >= 0 and not theatre[rc]:
                        continue
                if c0 >= 0:
                    bits[bi + o_pa + c0] |= h & f0a
                    bits[bi + o_pd + c0] |= h & f0d
                if c1 >= 0:
                    bits[bi + o_pa + c1] |= h & f1a
                    bits[bi + o_pd + c1] |= h & f1d
                if always and c0 >= 0:
                    bits[bi + 5] |= h & newa & ij
                    bits[bi + 6] |= h & newd & ij
                if rl >= 0:
                    bits[bi + o_hd + rl] |= h & newa  # a protege on A restrains from D
                    bits[bi + o_ha + rl] |= h & newd  # a protege on D restrains from A
                nd, nt = touch(i, r, stamp, dirty, nd, touched, nt)
            # rivals: the lanes where j newly joined as an initiator (any state at war
            # with rival_all) press whom it threatens toward the other side (every
            # lane: a rivalry is not drawn)
            fa = newa if rival_all else newa & ij
            fd = newd if rival_all else newd & ij
            if rival_weight > 0.0 and (fa | fd) != ZERO:
                for q in range(riv_indptr[j], riv_indptr[j + 1]):
                    v = rival_press(rival_weight, riv_hostility[q])
                    if not (v > 0.0):
                        continue
                    i = riv_indices[q]
                    bi = F * i
                    free = valid & ~(bits[bi] | bits[bi + 1])
                    if ((fa | fd) & free) == ZERO:
                        continue
                    if reach and not global_reach[i]:
                        rc = region_code[i]
                        if rc >= 0 and not theatre[rc]:
                            continue
                    c = pull_class(levels, v)
                    bits[bi + o_pd + c] |= fa & free  # threatened by an initiator on A
                    bits[bi + o_pa + c] |= fd & free
                    nd, nt = touch(i, r, stamp, dirty, nd, touched, nt)
        # 2. decisions of round r
        nn = 0
        union = ZERO
        carry = 0
        for x in range(nt):
            i = touched[x]
            bi = F * i
            free = valid & ~(bits[bi] | bits[bi + 1])
            ea = ZERO
            ed = ZERO
            veto_a = ZERO
            veto_d = ZERO
            for c in range(nlev, -1, -1):
                if c < nlev:
                    veto_a |= bits[bi + o_ha + c]
                    veto_d |= bits[bi + o_hd + c]
                ea |= bits[bi + o_pa + c] & ~veto_a
                ed |= bits[bi + o_pd + c] & ~veto_d
            cand = (ea | ed) & free  # lanes where it is eligible for a side
            if min_share > 0.0:  # the cost of joining, lane by lane (core.side_share_ok)
                y = cand
                while y != ZERO:
                    low = y & (~y + ONE)
                    b = popcount64(low - ONE)
                    if not side_share_ok(ca[b], cd[b], capability[i], min_share):
                        ea &= ~low
                    if not side_share_ok(cd[b], ca[b], capability[i], min_share):
                        ed &= ~low
                    y ^= low
            na = ea & ~ed & free
            ndd = ed & ~ea & free
            if min_share > 0.0 and (cand & ~(na | ndd)) != ZERO:
                # eligible but out in some lane: as the sides grow, the cost of joining
                # may bar a side or lift a bar, so it is weighed again next round
                # (carry <= x: the entry was read)
                touched[carry] = i
                carry += 1
            if (na | ndd) == ZERO:
                continue
            bits[bi] |= na
            bits[bi + 1] |= ndd
            bits[bi + 2] |= (na & bits[bi + 5]) | (ndd & bits[bi + 6])
            bits[bi + 3] = na
            bits[bi + 4] = ndd
            rsum[i] += r * popcount64(na | ndd)
            union |= na | ndd
            nxt[nn] = i
            nn += 1
        if nn == 0:
            break
        sort_segment(nxt, 0, nn)
        _bits_round_capability(nxt, np.int64(nn), bits, F, capability, sa, sd, ca, cd)
        for b in range(64):
            if (union >> np.uint64(b)) & ONE:
                lastr[b] = r
        tmp = cur
        cur = nxt
        nxt = tmp
        ncur = nn
    # nuclear umbrella per sample
    umb = ZERO
    if umbrella_on:
        for x in range(targets.shape[0]):
            t = targets[x]
            for q in range(tindptr[t], tindptr[t + 1]):
                g = tindices[q]
                if not nuclear[g]:
                    continue
                if not umbrella_edge(tkind[q], tdomains[q], pull_weight):
                    continue
                if nc > 0 and not cok[ROLE_TARGET * nc + tcond[q]]:
                    continue
                m = bits[F * g + 1] & valid & ~umb
                if m != ZERO:
                    if memo and memo_known(eknown, q):  # the same draw, memoised
                        umb |= ecache[q] & m
                    else:
                        umb |= bernoulli_bits(edge_key(wkey, edge_id(g, t, tkind[q], n)),
                                              tcred[q] * credibility_scale, m)
    # counts, war sizes, reset
    large = nd * SMALL_WORD_SHARE >= n
    for p in range(nd):
        i = dirty[p]
        bi = F * i
        a = bits[bi]
        d = bits[bi + 1]
        if a != ZERO:
            cnt_a[i] += popcount64(a)
        if d != ZERO:
            cnt_d[i] += popcount64(d)
        joined = a | d
        if joined != ZERO:
            if track and not seen[i]:
                seen[i] = True
                seen_list[nseen[0]] = i
                nseen[0] += 1
            x = joined
            while x != ZERO:
                low = x & (~x + ONE)
                wsz[popcount64(low - ONE)] += 1
                x ^= low
            if memo and (large or popcount64(joined) >= MEMO_LANES):
                for q in range(tindptr[i], tindptr[i + 1]):
                    eknown[q >> 6] &= ~(ONE << np.uint64(q & 63))
        for f in range(F):
            bits[bi + f] = ZERO
        stamp[i] = 0
    base = np.int64(word) * 64 - start
    for b in range(64):
        if (valid >> np.uint64(b)) & ONE:
            o = base + b
            war_size[o] = wsz[b]
            n_rounds_out[o] = lastr[b]
            bal = balance_of(ca[b], cd[b])
            balance[o] = bal
            deterred[o] = (bal >= margin) or ((umb >> np.uint64(b)) & ONE) != ZERO


@jit_inner
def _any_chunk(
    c, nchunks, start, stop, skey,
    tindptr, tindices, tcred, tkind, tdomains,
    region_code, global_reach, theatre, reach,
    aggressors, targets, domain,
    pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds, levers,
    capability, nuclear, margin, umbrella_on,
    ws_bits, ws_stamp, ws_touched, ws_cur, ws_nxt, ws_dirty, ws_ecache, ws_eknown,
    ws_seen, ws_seen_list, ws_nseen,
    count_a, count_d, round_sum,
    war_size, n_rounds, balance, deterred,
):
    w0 = start // 64
    w1 = (stop - 1) // 64 + 1
    nw = w1 - w0
    lo = w0 + (nw * c) // nchunks
    hi = w0 + (nw * (c + 1)) // nchunks
    levels, pclass, rlev = any_tables(pull_weight, restraint_weight, defend_initiators,
                                      levers[5])
    cok, bound = new_question_state(tindptr, tindices, tcred, tkind, levers, aggressors, targets)
    sa = np.zeros(64)
    sd = np.zeros(64)
    ca = np.zeros(64)
    cd = np.zeros(64)
    lastr = np.zeros(64, dtype=np.int64)
    wsz = np.zeros(64, dtype=np.int64)
    for w in range(lo, hi):
        first = max(start, w * 64) - w * 64
        last = min(stop, w * 64 + 64) - w * 64  # exclusive
        valid = ZERO
        for b in range(first, last):
            valid |= ONE << np.uint64(b)
        any_word(
            w, valid, start, skey,
            tindptr, tindices, tcred, tkind, tdomains,
            region_code, global_reach, theatre, reach,
            aggressors, targets, domain,
            pull_weight, credibility_scale, max_rounds, levers, cok, bound,
            capability, nuclear, margin, umbrella_on,
            levels, pclass, rlev,
            ws_bits[c], ws_stamp[c], ws_touched[c], ws_cur[c], ws_nxt[c], ws_dirty[c],
            ws_ecache[c], ws_eknown[c], ws_seen[c], ws_seen_list[c], ws_nseen[c:c + 1],
            count_a[c], count_d[c], round_sum[c],
            sa, sd, ca, cd, lastr, wsz,
            war_size, n_rounds, balance, deterred,
        )


@jit_parallel
def simulate_any_parallel(
    start, stop, seed,
    tindptr, tindices, tcredibility, tkind, tdomains,
    region_code, global_reach, theatre, reach,
    aggressors, targets, domain,
    pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds, levers,
    capability, nuclear, margin, umbrella_on,
    ws_bits, ws_stamp, ws_touched, ws_cur, ws_nxt, ws_dirty, ws_ecache, ws_eknown,
    ws_seen, ws_seen_list, ws_nseen,
    count_a, count_d, round_sum,
    war_size, n_rounds, balance, deterred, status,
):
    """Samples [start, stop) of the independent-cascade ensemble, 64 per word, chunks of
    words in parallel (prange)."""
    nchunks = ws_bits.shape[0]
    skey = seed_key(seed)
    for c in prange(nchunks):
        _any_chunk(
            np.int64(c), nchunks, start, stop, skey,
            tindptr, tindices, tcredibility, tkind, tdomains,
            region_code, global_reach, theatre, reach,
            aggressors, targets, domain,
            pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
            levers,
            capability, nuclear, margin, umbrella_on,
            ws_bits, ws_stamp, ws_touched, ws_cur, ws_nxt, ws_dirty, ws_ecache, ws_eknown,
    ws_seen, ws_seen_list, ws_nseen,
            count_a, count_d, round_sum,
            war_size, n_rounds, balance, deterred,
        )
    status[0] = stop


@jit
def simulate_any_serial(
    start, stop, seed,
    tindptr, tindices, tcredibility, tkind, tdomains,
    region_code, global_reach, theatre, reach,
    aggressors, targets, domain,
    pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds, levers,
    capability, nuclear, margin, umbrella_on,
    ws_bits, ws_stamp, ws_touched, ws_cur, ws_nxt, ws_dirty, ws_ecache, ws_eknown,
    ws_seen, ws_seen_list, ws_nseen,
    count_a, count_d, round_sum,
    war_size, n_rounds, balance, deterred, status,
):
    """Samples [start, stop) of the independent-cascade ensemble, serially."""
    nchunks = ws_bits.shape[0]
    skey = seed_key(seed)
    for c in range(nchunks):
        _any_chunk(
            c, nchunks, start, stop, skey,
            tindptr, tindices, tcredibility, tkind, tdomains,
            region_code, global_reach, theatre, reach,
            aggressors, targets, domain,
            pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
            levers,
            capability, nuclear, margin, umbrella_on,
            ws_bits, ws_stamp, ws_touched, ws_cur, ws_nxt, ws_dirty, ws_ecache, ws_eknown,
    ws_seen, ws_seen_list, ws_nseen,
            count_a, count_d, round_sum,
            war_size, n_rounds, balance, deterred,
        )
    status[0] = stop

