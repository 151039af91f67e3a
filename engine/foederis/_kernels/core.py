"""The cascade core, and the rules that every kernel which runs it shares.

Written once, here: the "always" trigger (:func:`always_triggers`, read from the table of
kinds), one synchronous frontier-based cascade (:func:`cascade_core`), the capability of
each side round by round (:func:`round_capability`), the nuclear umbrella test
(:func:`umbrella_scan`), the balance, and the reset of the core's workspace
(:func:`reset_core`). The deterministic cascade, the threshold ensemble and the sweeps
all call these, so their results agree bit for bit.

Hot loops never call a helper that takes arrays: such a call costs reference-count
traffic on every array argument even when inlined (inline="always" did not help). A
`_reaches(i, region_code, ...)` helper on the edge loop made the cascade on the
contemporary world 5x slower (75 us against 13 us with the test written out inline).
Scalar helpers (hashes, popcount, :func:`always_triggers`) are fine. The bookkeeping of
a written state (stamp, dirty, touched) is written out in the edge loops of
:func:`cascade_core` for that reason: through :func:`touch` (inline="always", three array
arguments, once per commitment that counts) the serial map of today's world with every
lever off took 1.70 s of CPU against 0.61 s written out (2026-12-02, paired). The
LLVM module of cascade_core holds 6 fewer NRT_incref and 14 fewer NRT_decref calls
without it.
"""

from __future__ import annotations

import numpy as np

from .._constants import KINDS, NUCLEAR, SIDE_A, SIDE_D
from .._numba import jit, jit_inner
from .conditions import ROLE_TARGET, is_bound, protege_role
from .random import ZERO, bernoulli_bits, edge_id, edge_key
from .sorting import sort_round, sort_segment

__all__ = [
    "always_triggers", "balance_of", "sort_segment", "sort_round", "cascade_core",
    "round_capability", "reset_core", "no_levers", "rival_press", "trigger", "touch",
    "side_share_ok", "treaty_increment",
    "umbrella_scan", "umbrella_edge",
]

#: bit c set iff kind c has the "always" trigger in the table of kinds
_ALWAYS_MASK = np.int64(sum(1 << c for c, k in enumerate(KINDS) if k.trigger == "always"))


@jit(inline="always")
def always_triggers(kind):
    """Whether a pulling commitment of ``kind`` falls due whenever its protege is at war
    (trigger ``"always"`` in :data:`foederis._constants.KINDS`): toward an initiator it
    counts in full, not times ``defend_initiators``, and a state it pulls toward an
    initiator becomes one. The other pulling kinds are defensive."""
    return ((_ALWAYS_MASK >> np.int64(kind)) & np.int64(1)) != np.int64(0)


@jit
def no_levers(n):
    """The kernels' ``levers`` argument for ``n`` states with every lever off: (riv_indptr
    zeros int64[n+1], riv_indices int32[0], riv_hostility float64[0], rival_weight 0.0,
    bound_victim False, defend_cobelligerents 1.0), then the condition tables of
    :mod:`foederis._kernels.conditions`, empty (no conditions: tcond int32[0], cflags
    uint8[0], cmin int32[0], cloc int32[0], ag_indptr zeros int64[n+1], ag_indices
    int32[0], state_region int32[n] of -1), then rival_all False
    (:attr:`foederis.Rules.rival_scope`), min_side_share 0.0 and capability zeros
    float64[n] (the cost of joining), then tslot int32[0] and n_slots 0 (one pull per
    treaty, :func:`treaty_increment`). Callable from Python and from ``@njit`` code."""
    return (np.zeros(n + 1, np.int64), np.zeros(0, np.int32), np.zeros(0, np.float64),
            0.0, False, 1.0,
            np.zeros(0, np.int32), np.zeros(0, np.uint8), np.zeros(0, np.int32),
            np.zeros(0, np.int32), np.zeros(n + 1, np.int64), np.zeros(0, np.int32),
            np.full(n, -1, np.int32),
            False, 0.0, np.zeros(n, np.float64),
            np.zeros(0, np.int32), 0)


@jit(inline="always")
def touch(i, r, stamp, dirty, nd, touched, nt):
    """The bookkeeping of a state ``i`` written in round ``r`` (the bit-parallel word's;
    :func:`cascade_core` writes the same lines out, see the module docstring): listed once
    in ``dirty`` (to reset) and once per round in ``touched`` (to decide), ``stamp[i]`` =
    its last round (0 = never). Returns the new (nd, nt)."""
    if stamp[i] != r:
        if stamp[i] == 0:
            dirty[nd] = i
            nd += 1
        stamp[i] = r
        touched[nt] = i
        nt += 1
    return nd, nt


@jit(inline="always")
def rival_press(rival_weight, hostility):
    """The press a rivalry of ``hostility`` toward a state puts on it to join against the
    initiator who threatens it (:attr:`foederis.Rules.rival_weight`)."""
    return rival_weight * hostility


@jit(inline="always")
def side_share_ok(cap_side, cap_other, cap_i, min_side_share):
    """The cost of joining (:attr:`foederis.Rules.min_side_share`): whether a state of
    capability ``cap_i`` may join the side of capability ``cap_side`` against
    ``cap_other``: the side, with it, holds at least ``min_side_share`` of the capability
    at war (always, when the share is 0 or nobody at war has capability)."""
    if min_side_share <= 0.0:
        return True
    tot = cap_side + cap_other + cap_i
    if not (tot > 0.0):
        return True
    return (cap_side + cap_i) / tot >= min_side_share


@jit(inline="always")
def treaty_increment(largest, v):
    """One pull per treaty (:attr:`foederis.Rules.one_pull_per_treaty`): what a
    contribution ``v`` of a treaty's commitment adds to the accumulator, given the
    ``largest`` contribution its (guarantor, treaty) slot has counted toward that side so
    far (-inf = none): all of it for the treaty's first, else only what it exceeds the
    largest by (0 if it does not), so the slot sums to its largest contribution. The
    caller stores ``v`` as the new largest when the increment is nonzero (scalars only:
    a hot loop calls no helper that takes arrays, module docstring)."""
    if not (v > largest):
        return 0.0
    if largest == -np.inf:
        return v
    return v - largest


@jit(inline="always")
def trigger(always, initiator, original, defend_initiators, defend_cobelligerents):
    """trig(kind, j), the share of a pulling commitment's weight that falls due when its
    protege j is at war: 1 for an "always" kind (:func:`always_triggers`);
    ``defend_initiators`` when j is an initiator; 1 when j is an original target
    (``original``); else, j a co-belligerent that joined the war, ``defend_cobelligerents``
    (:attr:`foederis.Rules.defend_cobelligerents`, casus foederis)."""
    if always:
        return 1.0
    if initiator:
        return defend_initiators
    if original:
        return 1.0
    return defend_cobelligerents


@jit(inline="always")
def umbrella_edge(kind, domains, pull_weight):
    """Whether a commitment of ``kind`` covering ``domains`` can put its protege under a
    nuclear umbrella: it covers the nuclear domain and its kind pulls."""
    return (domains & NUCLEAR) != 0 and pull_weight[kind] > 0.0


@jit_inner
def balance_of(cap_a, cap_d):
    """capability(D) / capability(A); inf when A has none and D some, NaN when neither."""
    if cap_a > 0.0:
        return cap_d / cap_a
    if cap_d > 0.0:
        return np.inf
    return np.nan


@jit(inline="always")
def _add_round(order, lo, hi, side, capability, cap_a, cap_d):
    """(cap_a, cap_d) plus the capability of the round's joiners order[lo:hi] (sorted),
    summed as :func:`round_capability` sums them: per round in index order, then added."""
    sa = 0.0
    sd = 0.0
    for p in range(lo, hi):
        i = order[p]
        if side[i] == SIDE_A:
            sa += capability[i]
        else:
            sd += capability[i]
    return cap_a + sa, cap_d + sd


@jit_inner
def cascade_core(
    tindptr, tindices, tcred, tkind, tdomains,
    threshold, default_threshold, region_code, global_reach, theatre, reach,
    aggressors, targets, domain,
    pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
    levers, cok, bound,
    wkey, bitmask,
    side, rnd, initiator, order, round_ptr,
    acc, offinit, stamp, touched, dirty,
):
    """One synchronous, frontier-based cascade. Returns (n_rounds, n_joined, n_dirty).

    ``levers`` = (riv_indptr, riv_indices, riv_hostility, rival_weight, bound_victim,
    defend_cobelligerents, <7 condition tables>, rival_all, min_side_share, capability,
    tslot, n_slots) (:func:`no_levers`): defend_cobelligerents is the trigger toward a co-belligerent
    (:func:`trigger`); the rivalry CSR by source and :attr:`foederis.Rules.rival_weight`:
    an initiator j (any state at war with ``rival_all``, :attr:`foederis.Rules.rival_scope`)
    on a side presses each neutral state it threatens (rivalry j -> i, hostility h) toward
    the other side with ``rival_weight * h`` (:func:`rival_press`; not sampled: a
    rivalry is not a promise to honour); :attr:`foederis.Rules.bound_victim_unrestrained`:
    a restraining pledge toward an original aggressor does not hold back a state in
    ``bound``; the condition tables (:mod:`foederis._kernels.conditions`), read through
    ``cok``: an edge whose condition does not hold counts as credibility 0; min_side_share
    and capability the cost of joining (:func:`side_share_ok`, with the capability of each
    side at the end of the previous round; a state it holds back is weighed again the
    next round); tslot and n_slots one pull per treaty: an edge q with ``tslot[q] >= 0``
    adds to acc only what :func:`treaty_increment` gives for its (guarantor, treaty)
    slot (``tmax``: the largest counted per slot and accumulator). ``cok`` and ``bound`` are the question's state
    (:func:`foederis._kernels.conditions.question_state`), computed once
    by the caller (once per question, not per sample).

    Workspace on entry: side 0, rnd -1, initiator False, acc 0, offinit False, stamp 0.
    acc[4i + 0/1] = pull toward A/D, acc[4i + 2/3] = hold against A/D; offinit[2i + 0/1]:
    pulled toward A/D through an "always" kind (OFFENSE) toward an initiator. stamp[i] =
    last round i was touched (0 = never). dirty[:n_dirty] = states whose acc/offinit/stamp
    were written (:func:`reset_core` puts them back). Stochastic (a nonzero ``bitmask``,
    the sample's bit): an edge counts with credibility 1 if the sample (wkey, bitmask)
    honours it, else 0; a zero ``bitmask`` counts credibilities as weights. (A run-time
    test, not a compile-time flag: the deterministic and the sampled cascades share one
    compiled core, issue 12.)
    """
    stochastic = bitmask != ZERO
    n = tindptr.shape[0] - 1
    riv_indptr, riv_indices, riv_hostility, rival_weight, bound_victim, cobelligerents = (
        levers[:6])
    tcond = levers[6]
    nc = levers[7].shape[0]
    conditioned = nc > 0
    rival_all = levers[13]
    min_share = levers[14]
    capability = levers[15]
    tslot = levers[16]
    slotted = levers[17] > 0
    # one pull per treaty: the largest contribution counted so far per slot and acc slot
    tmax = np.full(4 * levers[17], -np.inf) if slotted else np.empty(0)
    cap_a = 0.0  # capability of each side at the end of the last round (min_share > 0)
    cap_d = 0.0
    k = 0
    for x in range(aggressors.shape[0]):
        a = aggressors[x]
        side[a] = SIDE_A
        rnd[a] = 0
        initiator[a] = True
        order[k] = a
        k += 1
    for x in range(targets.shape[0]):
        t = targets[x]
        side[t] = SIDE_D
        rnd[t] = 0
        order[k] = t
        k += 1
    sort_segment(order, 0, k)
    round_ptr[0] = 0
    round_ptr[1] = k
    if min_share > 0.0:
        cap_a, cap_d = _add_round(order, 0, k, side, capability, cap_a, cap_d)
    n_rounds = 0
    nd = 0
    carry = 0
    r = 0
    while max_rounds < 0 or r < max_rounds:
        r += 1
        lo = round_ptr[r - 1]
        hi = round_ptr[r]
        # the states the cost of joining held back last round are weighed again (the
        # sides' capability changed), kept at the front of touched
        nt = carry
        for x in range(carry):
            stamp[touched[x]] = r
        # 1. contributions of the joiners of round r-1 to their neutral guarantors
        for p in range(lo, hi):
            j = order[p]
            sj = side[j]
            ps = 0 if sj == SIDE_A else 1  # pull slot of j's side
            hs = 3 if sj == SIDE_A else 2  # hold slot of the side opposed to j
            ij = initiator[j]
            coff = protege_role(rnd[j] == 0, sj == SIDE_A) * nc  # j's row of cok
            for q in range(tindptr[j], tindptr[j + 1]):
                i = tindices[q]
                if side[i] != 0:
                    continue
                if (tdomains[q] & domain) == 0:
                    continue
                if conditioned and not cok[coff + tcond[q]]:
                    continue  # its condition does not hold: credibility 0
                kd = tkind[q]
                pw = pull_weight[kd]
                rw = restraint_weight[kd]
                if pw == 0.0 and rw == 0.0:
                    continue
                # reach: global reach, region unknown, or region in the theatre
                if reach and not global_reach[i]:
                    rc = region_code[i]
                    if rc >= 0 and not theatre[rc]:
                        continue
                if stochastic:
                    eid = edge_id(i, j, kd, n)
                    if bernoulli_bits(edge_key(wkey, eid), tcred[q] * credibility_scale,
                                      bitmask) != ZERO:
                        c = 1.0
                    else:
                        c = 0.0
                else:
                    c = tcred[q] * credibility_scale
                    c = min(c, 1.0)
                if c == 0.0:
                    continue
                hit = False
                if pw != 0.0:
                    always = always_triggers(kd)
                    contrib = pw * c * trigger(always, ij, rnd[j] == 0, defend_initiators,
                                               cobelligerents)
                    if contrib != 0.0:
                        if slotted and tslot[q] >= 0:
                            ts = 4 * tslot[q] + ps
                            v = contrib
                            contrib = treaty_increment(tmax[ts], v)
                            if contrib != 0.0:
                                tmax[ts] = v
                        acc[4 * i + ps] += contrib
                        hit = True
                        if always and ij:
                            offinit[2 * i + ps] = True
                if rw != 0.0 and not (
                        bound_victim and pw == 0.0 and sj == SIDE_A and rnd[j] == 0
                        and is_bound(i, bound)):
                    hold = rw * c
                    if slotted and tslot[q] >= 0:
                        ts = 4 * tslot[q] + hs
                        v = hold
                        hold = treaty_increment(tmax[ts], v)
                        if hold != 0.0:
                            tmax[ts] = v
                    acc[4 * i + hs] += hold
                    hit = True
                if hit and stamp[i] != r:  # touch(), written out (module docstring)
                    if stamp[i] == 0:
                        dirty[nd] = i
                        nd += 1
                    stamp[i] = r
                    touched[nt] = i
                    nt += 1
            if rival_weight > 0.0 and (ij or rival_all):
                os_ = 1 - ps  # pull slot of the side opposed to j
                for q in range(riv_indptr[j], riv_indptr[j + 1]):
                    i = riv_indices[q]
                    if side[i] != 0:
                        continue
                    if reach and not global_reach[i]:
                        rc = region_code[i]
                        if rc >= 0 and not theatre[rc]:
                            continue
                    contrib = rival_press(rival_weight, riv_hostility[q])
                    if contrib == 0.0:
                        continue
                    acc[4 * i + os_] += contrib
                    if stamp[i] != r:
                        if stamp[i] == 0:
                            dirty[nd] = i
                            nd += 1
                        stamp[i] = r
                        touched[nt] = i
                        nt += 1
        # 2. decisions of round r, from the accumulators (state at the end of round r-1)
        k0 = k
        carry = 0
        for x in range(nt):
            i = touched[x]
            b = 4 * i
            pa = acc[b] - acc[b + 2]
            pd = acc[b + 1] - acc[b + 3]
            th = threshold[i]
            if np.isnan(th):
                th = default_threshold
            # pressed enough to join a side: if it stays out, the cost of joining may bar
            # a side or lift a bar as the sides grow, so it is weighed again next round
            held = min_share > 0.0 and (pa >= th or pd >= th)
            if min_share > 0.0:  # a side it would not join counts as no press at all
                if not side_share_ok(cap_a, cap_d, capability[i], min_share):
                    pa = -np.inf
                if not side_share_ok(cap_d, cap_a, capability[i], min_share):
                    pd = -np.inf
            if pa >= th and pa > pd:
                s = SIDE_A
            elif pd >= th and pd > pa:
                s = SIDE_D
            else:
                if held:  # (carry <= x: the entry was read)
                    touched[carry] = i
                    carry += 1
                continue
            side[i] = s
            rnd[i] = r
            initiator[i] = offinit[2 * i + s - 1]
            order[k] = i
            k += 1
        if k == k0:
            break
        sort_segment(order, k0, k)
        if min_share > 0.0:
            cap_a, cap_d = _add_round(order, k0, k, side, capability, cap_a, cap_d)
        round_ptr[r + 1] = k
        n_rounds = r
    return n_rounds, k, nd




@jit_inner
def round_capability(order, round_ptr, n_rounds, side, capability, out):
    """Cumulative capability of sides A and D after rounds 0..n_rounds: each round summed
    over its joiners in index order (``order``), then accumulated round by round. Writes
    row r to ``out[r]`` when ``out`` has rows (pass a (0, 2) array to skip them); returns
    (capability of A, capability of D) at the end."""
    write = out.shape[0] > 0
    ca = 0.0
    cd = 0.0
    for r in range(n_rounds + 1):
        sa = 0.0
        sd = 0.0
        for p in range(round_ptr[r], round_ptr[r + 1]):
            i = order[p]
            if side[i] == SIDE_A:
                sa += capability[i]
            else:
                sd += capability[i]
        ca += sa
        cd += sd
        if write:
            out[r, 0] = ca
            out[r, 1] = cd
    return ca, cd


@jit_inner
def reset_core(order, k, dirty, nd, side, rnd, initiator, acc, offinit, stamp):
    """Return the workspace of :func:`cascade_core` to its state on entry after a cascade
    that placed ``order[:k]`` and dirtied ``dirty[:nd]``: O(work of the cascade)."""
    for p in range(k):
        i = order[p]
        side[i] = 0
        rnd[i] = -1
        initiator[i] = False
    for p in range(nd):
        i = dirty[p]
        acc[4 * i] = 0.0
        acc[4 * i + 1] = 0.0
        acc[4 * i + 2] = 0.0
        acc[4 * i + 3] = 0.0
        offinit[2 * i] = False
        offinit[2 * i + 1] = False
        stamp[i] = 0


@jit_inner
def umbrella_scan(tindptr, tindices, tcred, tkind, tdomains, targets, side, nuclear,
                  pull_weight, credibility_scale, levers, cok, wkey, bitmask, out):
    """The nuclear umbrella: nuclear-armed guarantors on side D whose pulling commitment to
    a target covers the nuclear domain (:func:`umbrella_edge`), its condition holding
    (``cok``, as in :func:`cascade_core`), and counts: credibility *
    credibility_scale > 0, or, with a nonzero ``bitmask`` (stochastic, as in
    :func:`cascade_core`), the sample (wkey, bitmask) honours it.
    Writes them (with repeats across targets) to ``out`` and returns how many; with an
    ``out`` too short, returns ``len(out) + 1`` at the first one that does not fit (an
    empty ``out`` asks only whether there is one)."""
    stochastic = bitmask != ZERO
    n = tindptr.shape[0] - 1
    tcond = levers[6]
    nc = levers[7].shape[0]
    k = 0
    for x in range(targets.shape[0]):
        t = targets[x]
        for q in range(tindptr[t], tindptr[t + 1]):
            g = tindices[q]
            if side[g] != SIDE_D or not nuclear[g]:
                continue
            if nc > 0 and not cok[ROLE_TARGET * nc + tcond[q]]:
                continue
            if not umbrella_edge(tkind[q], tdomains[q], pull_weight):
                continue
            p = tcred[q] * credibility_scale
            if stochastic:
                if bernoulli_bits(edge_key(wkey, edge_id(g, t, tkind[q], n)), p,
                                  bitmask) == ZERO:
                    continue
            elif not (p > 0.0):
                continue
            if k >= out.shape[0]:
                return k + 1
            out[k] = g
            k += 1
    return k
