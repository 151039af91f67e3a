"""Pure numba kernels over plain arrays. Private: the documented surface is
:mod:`foederis.kernels`, which re-exports these and states their preconditions.

Calling convention: ``(indptr, indices, data..., <node arrays>, <scalars>, out...)``.
Kernels never raise on user input, never print, never allocate what the caller passes as
``out``, and read no mutable module globals (the constants below are frozen by numba at
compile time and never change).

Every public entry is compiled through :mod:`foederis._numba` (``cache=True``,
``nogil=True``, no fastmath); nothing compiles at import.

Determinism. Summation orders are fixed by the data, never by scheduling:

- the cascade processes each round's joiners sorted by state index, so every accumulator
  receives its contributions in (round, protege index, in-edge order) order;
- capability per round is summed over each round's joiners in index order, then
  accumulated round by round; the deterministic cascade, the threshold ensemble and the
  bit-parallel ensemble all use that same order, so their balances agree bit for bit;
- ensemble draws are a counter-based hash of (seed, sample, edge): a sample's result
  depends only on its number, never on the thread or the block it ran in;
- per-state ensemble counts are integers (exact in any order); per-sample outputs are
  written by the one task that owns the sample.
"""

from __future__ import annotations

import numpy as np

from ._constants import NUCLEAR, OFFENSE, SIDE_A, SIDE_D
from ._numba import jit, jit_parallel, prange

# --------------------------------------------------------------------------------------
# counter-based randomness: splitmix64
# --------------------------------------------------------------------------------------
# All uint64 arithmetic uses uint64 operands only: numba (like numpy) promotes
# uint64 (op) int64 to float64, which would silently destroy the hash.
_ZERO = np.uint64(0)
_ONE = np.uint64(1)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_SEED_SALT = np.uint64(0x6A09E667F3BCC909)
_EDGE_MUL = np.uint64(0xD1B54A32D192ED03)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_TWO53 = 9007199254740992.0  # 2**53
_M55 = np.uint64(0x5555555555555555)
_M33 = np.uint64(0x3333333333333333)
_M0F = np.uint64(0x0F0F0F0F0F0F0F0F)
_M01 = np.uint64(0x0101010101010101)
_U2 = np.uint64(2)
_U4 = np.uint64(4)
_U56 = np.uint64(56)
_U63 = np.uint64(63)
_U6 = np.uint64(6)


@jit(inline="always")
def mix64(z):
    """splitmix64 finaliser of a uint64 (bijective, full avalanche)."""
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    return z ^ (z >> _S31)


@jit
def seed_key(seed):
    """Key of a seed (any integer, taken as uint64)."""
    return mix64(np.uint64(seed) ^ _SEED_SALT)


@jit(inline="always")
def word_key(skey, word):
    """Key of a word of 64 samples (samples ``64*word .. 64*word+63``)."""
    return mix64(skey + mix64((np.uint64(word) + _ONE) * _GOLDEN))


@jit(inline="always")
def edge_key(wkey, edge):
    """Key of (word, edge); ``edge`` is the commitment's :func:`edge_id`."""
    return mix64(wkey ^ mix64((np.uint64(edge) + _ONE) * _EDGE_MUL))


@jit(inline="always")
def edge_id(guarantor, protege, kind, n):
    """The id of commitment (guarantor -> protege, kind) in a world of n states that keys
    its draws: (guarantor * n + protege) * 8 + kind. Edits that add or remove other
    commitments leave it unchanged, so a what-if and its baseline share random numbers."""
    return (np.uint64(guarantor) * np.uint64(n) + np.uint64(protege)) * np.uint64(8) + \
        np.uint64(kind)


@jit
def bernoulli_bits(ekey, p, mask):
    """Bits of ``mask`` whose sample honours an edge of probability ``p``.

    Sample ``b`` of the word draws ``U_b``, a 53-bit uniform whose bit ``k`` (from the top)
    is bit ``b`` of ``mix64(ekey + (k+1)*GOLDEN)``, and honours iff
    ``U_b < ceil(p * 2**53)``. The comparison is bit-sliced: all samples of ``mask`` are
    decided together, most significant bit first, stopping as soon as none is undecided
    (about log2(popcount(mask)) + 2 hashes). Each sample's answer depends only on its own
    bit position, so it is the same whatever other bits ``mask`` holds.
    """
    if mask == _ZERO or not (p > 0.0):
        return _ZERO
    if p >= 1.0:
        return mask
    cbits = np.uint64(np.ceil(p * _TWO53))
    out = _ZERO
    m = mask
    for k in range(53):
        if m == _ZERO:
            break
        shift = np.uint64(52 - k)
        low = (_ONE << (shift + _ONE)) - _ONE
        if (cbits & low) == _ZERO:  # the rest of p is zero: undecided samples have U >= p
            break
        r = mix64(ekey + np.uint64(k + 1) * _GOLDEN)
        if (cbits >> shift) & _ONE:
            out |= m & ~r
            m &= r
        else:
            m &= ~r
    return out


@jit
def honoured(seed, sample, edge, p):
    """Whether ``sample`` honours ``edge`` (probability ``p``) under ``seed``: the same draw
    the ensemble kernels make. ``seed`` in [0, 2**64) (pass seeds >= 2**63 as
    ``numpy.uint64``), ``sample`` >= 0, ``edge`` an :func:`edge_id`."""
    wk = word_key(seed_key(seed), np.uint64(sample) >> _U6)
    bit = _ONE << (np.uint64(sample) & _U63)
    return bernoulli_bits(edge_key(wk, edge), p, bit) != _ZERO


@jit(inline="always")
def popcount64(x):
    """Number of set bits of a uint64 (returned as int64)."""
    x = x - ((x >> _ONE) & _M55)
    x = (x & _M33) + ((x >> _U2) & _M33)
    x = (x + (x >> _U4)) & _M0F
    return np.int64((x * _M01) >> _U56)


# --------------------------------------------------------------------------------------
# shared helpers
# --------------------------------------------------------------------------------------
# Hot loops never call a helper that takes arrays: such a call costs reference-count
# traffic on every array argument even when inlined (inline="always" did not help). A
# `_reaches(i, region_code, ...)` helper on the edge loop made the cascade on the
# contemporary world 5x slower (75 us against 13 us with the test written out inline).
# Scalar helpers (hashes, popcount) are fine.
@jit
def _balance(cap_a, cap_d):
    if cap_a > 0.0:
        return cap_d / cap_a
    if cap_d > 0.0:
        return np.inf
    return np.nan


@jit
def _sort_segment(order, lo, hi):
    if hi - lo > 1:
        order[lo:hi] = np.sort(order[lo:hi])


@jit
def _sort_round(order, lo, hi, rnd, r):
    """Sort order[lo:hi], the distinct states with rnd == r (the joiners of round r).
    A large round spread over few indices is rebuilt by scanning rnd over its index span
    (linear, branch-free), a small or sparse one sorted: both give the same ascending
    list."""
    m = hi - lo
    if m < 256:
        _sort_segment(order, lo, hi)
        return
    mn = order[lo]
    mx = mn
    for p in range(lo + 1, hi):
        v = order[p]
        mn = min(mn, v)
        mx = max(mx, v)
    if mx - mn + 1 > 32 * m:
        _sort_segment(order, lo, hi)
        return
    k = lo
    for i in range(mn, mx + 1):
        order[k] = i
        k += 1 if rnd[i] == r else 0
    # writes stay in order[lo:hi]: before the last joiner (mx) is placed, fewer than m
    # joiners are, so k < hi at every write


@jit
def _cascade_core(
    tindptr, tindices, tcred, tkind, tdomains,
    threshold, default_threshold, region_code, global_reach, theatre, reach,
    aggressors, targets, domain,
    pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
    stochastic, wkey, bitmask,
    side, rnd, initiator, order, round_ptr,
    acc, offinit, stamp, touched, dirty,
):
    """One synchronous, frontier-based cascade. Returns (n_rounds, n_joined, n_dirty).

    Workspace on entry: side 0, rnd -1, initiator False, acc 0, offinit False, stamp 0.
    acc[4i + 0/1] = pull toward A/D, acc[4i + 2/3] = hold against A/D; offinit[2i + 0/1]:
    pulled toward A/D through OFFENSE toward an initiator. stamp[i] = last round i was
    touched (0 = never). dirty[:n_dirty] = states whose acc/offinit/stamp were written.
    Stochastic: an edge counts with credibility 1 if the sample (wkey, bitmask) honours it,
    else 0.
    """
    n = tindptr.shape[0] - 1
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
    _sort_segment(order, 0, k)
    round_ptr[0] = 0
    round_ptr[1] = k
    n_rounds = 0
    nd = 0
    r = 0
    while max_rounds < 0 or r < max_rounds:
        r += 1
        lo = round_ptr[r - 1]
        hi = round_ptr[r]
        nt = 0
        # 1. contributions of the joiners of round r-1 to their neutral guarantors
        for p in range(lo, hi):
            j = order[p]
            sj = side[j]
            ps = 0 if sj == SIDE_A else 1  # pull slot of j's side
            hs = 3 if sj == SIDE_A else 2  # hold slot of the side opposed to j
            ij = initiator[j]
            for q in range(tindptr[j], tindptr[j + 1]):
                i = tindices[q]
                if side[i] != 0:
                    continue
                if (tdomains[q] & domain) == 0:
                    continue
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
                                      bitmask) != _ZERO:
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
                    if kd == OFFENSE or not ij:
                        contrib = pw * c
                    else:
                        contrib = pw * c * defend_initiators
                    if contrib != 0.0:
                        acc[4 * i + ps] += contrib
                        hit = True
                        if kd == OFFENSE and ij:
                            offinit[2 * i + ps] = True
                if rw != 0.0:
                    acc[4 * i + hs] += rw * c
                    hit = True
                if hit and stamp[i] != r:
                    if stamp[i] == 0:
                        dirty[nd] = i
                        nd += 1
                    stamp[i] = r
                    touched[nt] = i
                    nt += 1
        # 2. decisions of round r, from the accumulators (state at the end of round r-1)
        k0 = k
        for x in range(nt):
            i = touched[x]
            b = 4 * i
            pa = acc[b] - acc[b + 2]
            pd = acc[b + 1] - acc[b + 3]
            th = threshold[i]
            if np.isnan(th):
                th = default_threshold
            if pa >= th and pa > pd:
                s = SIDE_A
            elif pd >= th and pd > pa:
                s = SIDE_D
            else:
                continue
            side[i] = s
            rnd[i] = r
            initiator[i] = offinit[2 * i + s - 1]
            order[k] = i
            k += 1
        if k == k0:
            break
        _sort_segment(order, k0, k)
        round_ptr[r + 1] = k
        n_rounds = r
    return n_rounds, k, nd


@jit
def _round_capability(order, round_ptr, n_rounds, side, capability, out):
    """out[r] = cumulative capability of sides A and D after round r (index-order sums)."""
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
        out[r, 0] = ca
        out[r, 1] = cd
    return ca, cd


# --------------------------------------------------------------------------------------
# the deterministic cascade
# --------------------------------------------------------------------------------------
# The monotone fast path. When
#   (M1) every pull and restraint weight is >= 0 (not NaN) and credibility_scale >= 0, and
#   (M2) no in-edge of an aggressor covering the domain has a kind with a nonzero pull or
#        restraint weight,
# the general rule reduces to "a neutral state joins D in the first round whose summed
# pull toward D reaches its threshold", and the fast path computes exactly that. Proof,
# by induction over the rounds of _cascade_core:
#   - The A-slots (pull toward A, hold against D) of a state are fed only by edges to
#     states on side A. Round 1's A-joiners are the aggressors, whose in-edges are all
#     skipped by (M2), so after round 1 every A-slot is 0, hence pa = -hold_A <= 0 and
#     pd = pull_D >= 0 (weights and credibilities >= 0). Joining A needs pa >= th > 0
#     (thresholds are > 0: the fast path checks each and falls back otherwise): nobody
#     joins A, so the A-slots stay 0 in every round.
#   - Joining D needs pd >= th and pd > pa; since pa <= 0 < th, pd >= th suffices. So
#     holds against A (restraints toward D joiners: NEUTRALITY, NONAGGRESSION, ally
#     restraint) never change a decision, and are not accumulated.
#   - Nobody on D is an initiator (targets are not; a D joiner is one only through an
#     OFFENSE pull toward an initiator on D): the pull of an edge is pull_weight * c.
#   - The pull toward D is a sum of non-negative terms taken in the general path's order
#     (round, protege index, in-edge order); float addition is monotone, so the partial
#     sum first reaches th in round r iff the whole sum of rounds <= r does and that of
#     rounds < r does not. Marking the state joined at that moment (accumulator -1) and
#     skipping its later contributions gives the same round as deciding at the round's end.
# A contribution that is negative or NaN (inputs outside the documented preconditions)
# or a threshold <= 0 makes the fast path give up (-1): the caller then runs the general
# path, so the result never depends on which path ran.
@jit
def _monotone_applies(tindptr, tkind, tdomains, aggressors, domain,
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


@jit
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
    _sort_segment(order, 0, k)
    round_ptr[0] = 0
    round_ptr[1] = k
    return k


@jit
def _cascade_monotone(
    tindptr, tindices, tcred, tkind, tdomains,
    threshold, default_threshold, region_code, global_reach, theatre, reach,
    aggressors, targets, domain, pull_weight, credibility_scale, max_rounds,
    side, rnd, initiator, order, round_ptr, at,
):
    """The cascade under (M1), (M2) (see above); outputs as cascade_kernel's, which must
    be reset on entry (side 0, round -1, initiator False). ``at`` float64[2n] (scratch):
    at[2i] = pull toward D (-1 once on a side), at[2i+1] = i's threshold. Returns
    n_rounds, or -1 when the fast path does not apply (outputs then partly written)."""
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
            if side[j] != SIDE_D:  # an aggressor: no active in-edge (M2)
                continue
            for q in range(tindptr[j], tindptr[j + 1]):
                if (tdomains[q] & domain) == 0:
                    continue
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
                contrib = pw * c
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
        _sort_round(order, k0, k, rnd, r)
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
def _cascade_monotone_pull(
    tindptr, tindices, tpull,
    threshold, default_threshold, region_code, global_reach, theatre, reach,
    aggressors, targets, max_rounds,
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
        lo = round_ptr[r - 1]
        hi = round_ptr[r]
        k0 = k
        for p in range(lo, hi):
            j = order[p]
            if side[j] != SIDE_D:  # an aggressor: no active in-edge (M2)
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
        if k == k0:
            break
        _sort_round(order, k0, k, rnd, r)
        round_ptr[r + 1] = k
        n_rounds = r
    return n_rounds


@jit
def cascade_kernel_pull(
    tindptr, tindices, tcredibility, tkind, tdomains, tpull,
    threshold, default_threshold, region_code, global_reach, theatre, reach,
    aggressors, targets, domain,
    pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
    capability,
    side, round_, initiator, order, round_ptr, capability_by_round,
):
    """cascade_kernel, with ``tpull`` = edge_pull_kernel(tcredibility, tkind, tdomains,
    pull_weight, domain, credibility_scale) for its monotone fast path (the same result
    bit for bit); the general path reads the edge arrays as cascade_kernel does."""
    n = side.shape[0]
    for i in range(n):
        side[i] = 0
        round_[i] = -1
        initiator[i] = False
    if _monotone_applies(tindptr, tkind, tdomains, aggressors, domain,
                         pull_weight, restraint_weight, credibility_scale):
        at = np.empty(2 * n, dtype=np.float64)
        n_rounds = _cascade_monotone_pull(
            tindptr, tindices, tpull,
            threshold, default_threshold, region_code, global_reach, theatre, reach,
            aggressors, targets, max_rounds,
            side, round_, initiator, order, round_ptr, at,
        )
        if n_rounds >= 0:
            _round_capability(order, round_ptr, n_rounds, side, capability,
                              capability_by_round)
            return n_rounds
        for i in range(n):  # the fast path gave up: start afresh
            side[i] = 0
            round_[i] = -1
            initiator[i] = False
    return _cascade_general(
        tindptr, tindices, tcredibility, tkind, tdomains,
        threshold, default_threshold, region_code, global_reach, theatre, reach,
        aggressors, targets, domain,
        pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
        capability,
        side, round_, initiator, order, round_ptr, capability_by_round,
    )


@jit
def cascade_kernel(
    tindptr, tindices, tcredibility, tkind, tdomains,
    threshold, default_threshold, region_code, global_reach, theatre, reach,
    aggressors, targets, domain,
    pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
    capability,
    side, round_, initiator, order, round_ptr, capability_by_round,
):
    """The deterministic commitment cascade; see foederis.kernels.cascade_kernel."""
    n = side.shape[0]
    for i in range(n):
        side[i] = 0
        round_[i] = -1
        initiator[i] = False
    if _monotone_applies(tindptr, tkind, tdomains, aggressors, domain,
                         pull_weight, restraint_weight, credibility_scale):
        at = np.empty(2 * n, dtype=np.float64)
        n_rounds = _cascade_monotone(
            tindptr, tindices, tcredibility, tkind, tdomains,
            threshold, default_threshold, region_code, global_reach, theatre, reach,
            aggressors, targets, domain, pull_weight, credibility_scale, max_rounds,
            side, round_, initiator, order, round_ptr, at,
        )
        if n_rounds >= 0:
            _round_capability(order, round_ptr, n_rounds, side, capability,
                              capability_by_round)
            return n_rounds
        for i in range(n):  # the fast path gave up: start afresh
            side[i] = 0
            round_[i] = -1
            initiator[i] = False
    return _cascade_general(
        tindptr, tindices, tcredibility, tkind, tdomains,
        threshold, default_threshold, region_code, global_reach, theatre, reach,
        aggressors, targets, domain,
        pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
        capability,
        side, round_, initiator, order, round_ptr, capability_by_round,
    )


@jit
def _cascade_general(
    tindptr, tindices, tcredibility, tkind, tdomains,
    threshold, default_threshold, region_code, global_reach, theatre, reach,
    aggressors, targets, domain,
    pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
    capability,
    side, round_, initiator, order, round_ptr, capability_by_round,
):
    """The general path of cascade_kernel (outputs already reset)."""
    n = side.shape[0]
    acc = np.zeros(4 * n, dtype=np.float64)
    offinit = np.zeros(2 * n, dtype=np.bool_)
    stamp = np.zeros(n, dtype=np.int32)
    touched = np.empty(n, dtype=np.int32)
    dirty = np.empty(n, dtype=np.int32)
    n_rounds, k, nd = _cascade_core(
        tindptr, tindices, tcredibility, tkind, tdomains,
        threshold, default_threshold, region_code, global_reach, theatre, reach,
        aggressors, targets, domain,
        pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
        False, _ZERO, _ZERO,
        side, round_, initiator, order, round_ptr,
        acc, offinit, stamp, touched, dirty,
    )
    _round_capability(order, round_ptr, n_rounds, side, capability, capability_by_round)
    return n_rounds


@jit
def umbrella_kernel(
    tindptr, tindices, tcredibility, tkind, tdomains,
    targets, side, nuclear, pull_weight, credibility_scale, out,
):
    """Nuclear-armed guarantors on side D whose pulling commitment to a target covers the
    nuclear domain; writes their indices (with repeats across targets) to ``out`` and
    returns how many."""
    k = 0
    for x in range(targets.shape[0]):
        t = targets[x]
        for q in range(tindptr[t], tindptr[t + 1]):
            g = tindices[q]
            if side[g] != SIDE_D or not nuclear[g]:
                continue
            if (tdomains[q] & NUCLEAR) == 0 or not (pull_weight[tkind[q]] > 0.0):
                continue
            if not (tcredibility[q] * credibility_scale > 0.0):
                continue
            out[k] = g
            k += 1
    return k


# --------------------------------------------------------------------------------------
# Monte Carlo, mode "threshold": one cascade per sample, per-chunk workspaces
# --------------------------------------------------------------------------------------
@jit
def _umbrella_sample(tindptr, tindices, tcred, tkind, tdomains, targets, side,
                     nuclear, pull_weight, credibility_scale, wkey, bitmask):
    for x in range(targets.shape[0]):
        t = targets[x]
        for q in range(tindptr[t], tindptr[t + 1]):
            g = tindices[q]
            if side[g] != SIDE_D or not nuclear[g]:
                continue
            if (tdomains[q] & NUCLEAR) == 0 or not (pull_weight[tkind[q]] > 0.0):
                continue
            eid = edge_id(g, t, tkind[q], tindptr.shape[0] - 1)
            if bernoulli_bits(edge_key(wkey, eid), tcred[q] * credibility_scale,
                              bitmask) != _ZERO:
                return True
    return False


@jit
def _threshold_chunk(
    c, nchunks, start, stop, skey,
    tindptr, tindices, tcred, tkind, tdomains,
    threshold, default_threshold, region_code, global_reach, theatre, reach,
    aggressors, targets, domain,
    pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
    capability, nuclear, margin, umbrella_on,
    ws_side, ws_round, ws_init, ws_order, ws_round_ptr, ws_acc, ws_offinit, ws_stamp,
    ws_touched, ws_dirty,
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
    round_ptr = ws_round_ptr[c]
    acc = ws_acc[c]
    offinit = ws_offinit[c]
    stamp = ws_stamp[c]
    touched = ws_touched[c]
    dirty = ws_dirty[c]
    cnt_a = count_a[c]
    cnt_d = count_d[c]
    rsum = round_sum[c]
    for s in range(lo, hi):
        wkey = word_key(skey, np.uint64(s) >> _U6)
        bm = _ONE << (np.uint64(s) & _U63)
        nr, k, nd = _cascade_core(
            tindptr, tindices, tcred, tkind, tdomains,
            threshold, default_threshold, region_code, global_reach, theatre, reach,
            aggressors, targets, domain,
            pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
            True, wkey, bm,
            side, rnd, init, order, round_ptr,
            acc, offinit, stamp, touched, dirty,
        )
        # capability per round, cumulative (same order as _round_capability)
        ca = 0.0
        cd = 0.0
        for r in range(nr + 1):
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
        o = s - start
        war_size[o] = k
        n_rounds_out[o] = nr
        bal = _balance(ca, cd)
        balance[o] = bal
        umb = False
        if umbrella_on:
            umb = _umbrella_sample(tindptr, tindices, tcred, tkind, tdomains, targets,
                                   side, nuclear, pull_weight, credibility_scale, wkey, bm)
        deterred[o] = (bal >= margin) or umb
        for p in range(k):
            i = order[p]
            if side[i] == SIDE_A:
                cnt_a[i] += 1
            else:
                cnt_d[i] += 1
            rsum[i] += rnd[i]
            side[i] = 0
            rnd[i] = -1
            init[i] = False
        for p in range(nd):
            i = dirty[p]
            acc[4 * i] = 0.0
            acc[4 * i + 1] = 0.0
            acc[4 * i + 2] = 0.0
            acc[4 * i + 3] = 0.0
            offinit[2 * i] = False
            offinit[2 * i + 1] = False
            stamp[i] = 0


@jit_parallel
def simulate_threshold_parallel(
    start, stop, seed,
    tindptr, tindices, tcredibility, tkind, tdomains,
    threshold, default_threshold, region_code, global_reach, theatre, reach,
    aggressors, targets, domain,
    pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
    capability, nuclear, margin, umbrella_on,
    ws_side, ws_round, ws_init, ws_order, ws_round_ptr, ws_acc, ws_offinit, ws_stamp,
    ws_touched, ws_dirty,
    count_a, count_d, round_sum,
    war_size, n_rounds, balance, deterred, status,
):
    """Samples [start, stop) of the threshold ensemble, chunks in parallel (prange)."""
    nchunks = ws_side.shape[0]
    skey = seed_key(seed)
    for c in prange(nchunks):
        _threshold_chunk(
            c, nchunks, start, stop, skey,
            tindptr, tindices, tcredibility, tkind, tdomains,
            threshold, default_threshold, region_code, global_reach, theatre, reach,
            aggressors, targets, domain,
            pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
            capability, nuclear, margin, umbrella_on,
            ws_side, ws_round, ws_init, ws_order, ws_round_ptr, ws_acc, ws_offinit, ws_stamp,
            ws_touched, ws_dirty,
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
    capability, nuclear, margin, umbrella_on,
    ws_side, ws_round, ws_init, ws_order, ws_round_ptr, ws_acc, ws_offinit, ws_stamp,
    ws_touched, ws_dirty,
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
            capability, nuclear, margin, umbrella_on,
            ws_side, ws_round, ws_init, ws_order, ws_round_ptr, ws_acc, ws_offinit, ws_stamp,
            ws_touched, ws_dirty,
            count_a, count_d, round_sum,
            war_size, n_rounds, balance, deterred,
        )
    status[0] = stop


# --------------------------------------------------------------------------------------
# Monte Carlo, mode "any": 64 samples per uint64 word, bit-parallel independent cascade
# --------------------------------------------------------------------------------------
# The rule, per sample: a neutral state i (that can reach) is *eligible* for side S when
# its strongest honoured pull toward S (value w(kind) * trig, over honoured pulling
# commitments to states on S) exceeds its strongest honoured restraint against S (weight,
# over honoured restraints toward states on S'; none = 0). It joins S when eligible for S
# and not for S' (pulled both ways: conflicted, stays neutral).
#
# Bit-parallel form. The R distinct positive restraint weights L_0 < ... < L_{R-1} are
# "levels"; a pull of value v has class c(v) = #levels below v, and is outweighed exactly
# by the restraints of level >= c(v). Per state and side the workspace keeps one word of
# lanes per pull class (lanes with an honoured pull of that class) and one per restraint
# level, so eligibility is OR_c(P[c] & ~OR_{l >= c} H[l]), exact, with no sums.
#
# Workspace words per state (stride 9 + 4R, see any_stride): 0 on A, 1 on D, 2 initiator,
# 3 joined A in its last joining round, 4 ... D, 5 OFFENSE-to-initiator pull A, 6 ... D,
# then P_A[0..R], P_D[0..R], H_A[0..R-1] (restraint against A), H_D[0..R-1].


@jit
def _restraint_levels(restraint_weight):
    """Sorted distinct positive restraint weights (float64[R])."""
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
                vals[r] = x
                r += 1
    return np.sort(vals[:r])


@jit
def any_stride(restraint_weight):
    """uint64 words per state in the bit-parallel workspace."""
    return 9 + 4 * _restraint_levels(restraint_weight).shape[0]


@jit
def _any_tables(pull_weight, restraint_weight, defend_initiators):
    """(R, pull class per kind and trigger [kind, 0 = full / 1 = toward an initiator],
    restraint level per kind); -1 where the kind does not pull / restrain."""
    levels = _restraint_levels(restraint_weight)
    nl = levels.shape[0]
    nk = pull_weight.shape[0]
    pclass = np.full((nk, 2), -1, dtype=np.int64)
    rlev = np.full(nk, -1, dtype=np.int64)
    for k in range(nk):
        for t in range(2):
            v = pull_weight[k]
            if t == 1 and k != OFFENSE:
                v = pull_weight[k] * defend_initiators
            if v > 0.0:
                c = 0
                for x in range(nl):
                    if levels[x] < v:
                        c += 1
                pclass[k, t] = c
        x = restraint_weight[k]
        if x > 0.0:
            for t in range(nl):
                if levels[t] == x:
                    rlev[k] = t
    return nl, pclass, rlev


@jit
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
        while x != _ZERO:
            low = x & (~x + _ONE)
            sa[popcount64(low - _ONE)] += cap
            x ^= low
        while y != _ZERO:
            low = y & (~y + _ONE)
            sd[popcount64(low - _ONE)] += cap
            y ^= low
    for b in range(64):
        ca[b] += sa[b]
        cd[b] += sd[b]


@jit
def _any_word(
    word, valid, start, skey,
    tindptr, tindices, tcred, tkind, tdomains,
    region_code, global_reach, theatre, reach,
    aggressors, targets, domain,
    pull_weight, credibility_scale, max_rounds,
    capability, nuclear, margin, umbrella_on,
    nlev, pclass, rlev,
    bits, stamp, touched, cur, nxt, dirty, ecache, eknown,
    cnt_a, cnt_d, rsum,
    sa, sd, ca, cd, lastr, wsz,
    war_size, n_rounds_out, balance, deterred,
):
    """One word of 64 samples of the bit-parallel ensemble.

    Edge draws are memoised per word: the first time in-edge ``q`` is needed, its lanes
    are drawn for every valid sample (``ecache[q]``, ``eknown[q] = True``); a later visit
    (the protege joining in other lanes in a later round) reuses them. This is exact:
    :func:`bernoulli_bits` decides each lane from its own bit position only, so
    ``bernoulli_bits(key, p, valid) & need == bernoulli_bits(key, p, need)`` for ``need``
    inside ``valid``. Workspace on entry and exit: bits 0, stamp 0, eknown False (reset
    here over the in-edges of the word's joiners, the only edges it can have drawn).
    Arrays shorter than the edge count (callers of the embedding API that do not size
    them) turn the memo off: every visit draws afresh, with the same results.
    """
    n = tindptr.shape[0] - 1
    memo = ecache.shape[0] >= tindices.shape[0] and eknown.shape[0] >= tindices.shape[0]
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
        bits[b + 4] = _ZERO
        stamp[a] = -1
        dirty[nd] = a
        nd += 1
        cur[ncur] = a
        ncur += 1
    for x in range(targets.shape[0]):
        t = targets[x]
        b = F * t
        bits[b + 1] |= valid
        bits[b + 3] = _ZERO
        bits[b + 4] = valid
        stamp[t] = -1
        dirty[nd] = t
        nd += 1
        cur[ncur] = t
        ncur += 1
    _sort_segment(cur, 0, ncur)
    for b in range(64):
        ca[b] = 0.0
        cd[b] = 0.0
        lastr[b] = 0
        wsz[b] = 0
    _bits_round_capability(cur, ncur, bits, F, capability, sa, sd, ca, cd)
    r = 0
    while ncur > 0 and (max_rounds < 0 or r < max_rounds):
        r += 1
        nt = 0
        # 1. honoured contributions of the joiners of round r-1, lane by lane
        for p in range(ncur):
            j = cur[p]
            bj = F * j
            newa = bits[bj + 3]
            newd = bits[bj + 4]
            ij = bits[bj + 2]
            for q in range(tindptr[j], tindptr[j + 1]):
                if (tdomains[q] & domain) == 0:
                    continue
                kd = tkind[q]
                c0 = pclass[kd, 0]
                c1 = pclass[kd, 1]
                rl = rlev[kd]
                if c0 < 0 and c1 < 0 and rl < 0:
                    continue
                if kd == OFFENSE:
                    f0a = newa
                    f0d = newd
                    f1a = _ZERO
                    f1d = _ZERO
                else:
                    f0a = newa & ~ij
                    f0d = newd & ~ij
                    f1a = newa & ij
                    f1d = newd & ij
                if c0 < 0:
                    f0a = _ZERO
                    f0d = _ZERO
                if c1 < 0:
                    f1a = _ZERO
                    f1d = _ZERO
                i = tindices[q]
                bi = F * i
                free = valid & ~(bits[bi] | bits[bi + 1])
                need = f0a | f0d | f1a | f1d
                if rl >= 0:
                    need |= newa | newd
                need &= free
                if need == _ZERO:
                    continue
                # reach: global reach, region unknown, or region in the theatre
                if reach and not global_reach[i]:
                    rc = region_code[i]
                    if rc >= 0 and not theatre[rc]:
                        continue
                if not memo:
                    h = bernoulli_bits(edge_key(wkey, edge_id(i, j, kd, n)),
                                       tcred[q] * credibility_scale, need)
                elif eknown[q]:
                    h = ecache[q] & need
                else:
                    hf = bernoulli_bits(edge_key(wkey, edge_id(i, j, kd, n)),
                                        tcred[q] * credibility_scale, valid)
                    ecache[q] = hf
                    eknown[q] = True
                    h = hf & need
                if h == _ZERO:
                    continue
                if c0 >= 0:
                    bits[bi + o_pa + c0] |= h & f0a
                    bits[bi + o_pd + c0] |= h & f0d
                if c1 >= 0:
                    bits[bi + o_pa + c1] |= h & f1a
                    bits[bi + o_pd + c1] |= h & f1d
                if kd == OFFENSE and c0 >= 0:
                    bits[bi + 5] |= h & newa & ij
                    bits[bi + 6] |= h & newd & ij
                if rl >= 0:
                    bits[bi + o_hd + rl] |= h & newa  # a protege on A restrains from D
                    bits[bi + o_ha + rl] |= h & newd  # a protege on D restrains from A
                if stamp[i] != r:
                    if stamp[i] == 0:
                        dirty[nd] = i
                        nd += 1
                    stamp[i] = r
                    touched[nt] = i
                    nt += 1
        # 2. decisions of round r
        nn = 0
        union = _ZERO
        for x in range(nt):
            i = touched[x]
            bi = F * i
            free = valid & ~(bits[bi] | bits[bi + 1])
            ea = _ZERO
            ed = _ZERO
            veto_a = _ZERO
            veto_d = _ZERO
            for c in range(nlev, -1, -1):
                if c < nlev:
                    veto_a |= bits[bi + o_ha + c]
                    veto_d |= bits[bi + o_hd + c]
                ea |= bits[bi + o_pa + c] & ~veto_a
                ed |= bits[bi + o_pd + c] & ~veto_d
            na = ea & ~ed & free
            ndd = ed & ~ea & free
            if (na | ndd) == _ZERO:
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
        _sort_segment(nxt, 0, nn)
        _bits_round_capability(nxt, nn, bits, F, capability, sa, sd, ca, cd)
        for b in range(64):
            if (union >> np.uint64(b)) & _ONE:
                lastr[b] = r
        tmp = cur
        cur = nxt
        nxt = tmp
        ncur = nn
    # nuclear umbrella per sample
    umb = _ZERO
    if umbrella_on:
        for x in range(targets.shape[0]):
            t = targets[x]
            for q in range(tindptr[t], tindptr[t + 1]):
                g = tindices[q]
                if not nuclear[g]:
                    continue
                if (tdomains[q] & NUCLEAR) == 0 or not (pull_weight[tkind[q]] > 0.0):
                    continue
                m = bits[F * g + 1] & valid & ~umb
                if m != _ZERO:
                    if memo and eknown[q]:  # the same draw, memoised (same edge, word)
                        umb |= ecache[q] & m
                    else:
                        umb |= bernoulli_bits(edge_key(wkey, edge_id(g, t, tkind[q], n)),
                                              tcred[q] * credibility_scale, m)
    # counts, war sizes, reset
    for p in range(nd):
        i = dirty[p]
        bi = F * i
        a = bits[bi]
        d = bits[bi + 1]
        if a != _ZERO:
            cnt_a[i] += popcount64(a)
        if d != _ZERO:
            cnt_d[i] += popcount64(d)
        joined = a | d
        if joined != _ZERO:
            x = joined
            while x != _ZERO:
                low = x & (~x + _ONE)
                wsz[popcount64(low - _ONE)] += 1
                x ^= low
            if memo:
                for q in range(tindptr[i], tindptr[i + 1]):
                    eknown[q] = False
        for f in range(F):
            bits[bi + f] = _ZERO
        stamp[i] = 0
    base = np.int64(word) * 64 - start
    for b in range(64):
        if (valid >> np.uint64(b)) & _ONE:
            o = base + b
            war_size[o] = wsz[b]
            n_rounds_out[o] = lastr[b]
            bal = _balance(ca[b], cd[b])
            balance[o] = bal
            deterred[o] = (bal >= margin) or ((umb >> np.uint64(b)) & _ONE) != _ZERO


@jit
def _any_chunk(
    c, nchunks, start, stop, skey,
    tindptr, tindices, tcred, tkind, tdomains,
    region_code, global_reach, theatre, reach,
    aggressors, targets, domain,
    pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
    capability, nuclear, margin, umbrella_on,
    ws_bits, ws_stamp, ws_touched, ws_cur, ws_nxt, ws_dirty, ws_ecache, ws_eknown,
    count_a, count_d, round_sum,
    war_size, n_rounds, balance, deterred,
):
    w0 = start // 64
    w1 = (stop - 1) // 64 + 1
    nw = w1 - w0
    lo = w0 + (nw * c) // nchunks
    hi = w0 + (nw * (c + 1)) // nchunks
    nlev, pclass, rlev = _any_tables(pull_weight, restraint_weight, defend_initiators)
    sa = np.zeros(64)
    sd = np.zeros(64)
    ca = np.zeros(64)
    cd = np.zeros(64)
    lastr = np.zeros(64, dtype=np.int64)
    wsz = np.zeros(64, dtype=np.int64)
    for w in range(lo, hi):
        first = max(start, w * 64) - w * 64
        last = min(stop, w * 64 + 64) - w * 64  # exclusive
        valid = _ZERO
        for b in range(first, last):
            valid |= _ONE << np.uint64(b)
        _any_word(
            w, valid, start, skey,
            tindptr, tindices, tcred, tkind, tdomains,
            region_code, global_reach, theatre, reach,
            aggressors, targets, domain,
            pull_weight, credibility_scale, max_rounds,
            capability, nuclear, margin, umbrella_on,
            nlev, pclass, rlev,
            ws_bits[c], ws_stamp[c], ws_touched[c], ws_cur[c], ws_nxt[c], ws_dirty[c],
            ws_ecache[c], ws_eknown[c],
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
    pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
    capability, nuclear, margin, umbrella_on,
    ws_bits, ws_stamp, ws_touched, ws_cur, ws_nxt, ws_dirty, ws_ecache, ws_eknown,
    count_a, count_d, round_sum,
    war_size, n_rounds, balance, deterred, status,
):
    """Samples [start, stop) of the independent-cascade ensemble, 64 per word, chunks of
    words in parallel (prange)."""
    nchunks = ws_bits.shape[0]
    skey = seed_key(seed)
    for c in prange(nchunks):
        _any_chunk(
            c, nchunks, start, stop, skey,
            tindptr, tindices, tcredibility, tkind, tdomains,
            region_code, global_reach, theatre, reach,
            aggressors, targets, domain,
            pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
            capability, nuclear, margin, umbrella_on,
            ws_bits, ws_stamp, ws_touched, ws_cur, ws_nxt, ws_dirty, ws_ecache, ws_eknown,
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
    pull_weight, restraint_weight, defend_initiators, credibility_scale, max_rounds,
    capability, nuclear, margin, umbrella_on,
    ws_bits, ws_stamp, ws_touched, ws_cur, ws_nxt, ws_dirty, ws_ecache, ws_eknown,
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
            capability, nuclear, margin, umbrella_on,
            ws_bits, ws_stamp, ws_touched, ws_cur, ws_nxt, ws_dirty, ws_ecache, ws_eknown,
            count_a, count_d, round_sum,
            war_size, n_rounds, balance, deterred,
        )
    status[0] = stop


# --------------------------------------------------------------------------------------
# threat exposure: t = h + beta * C t
# --------------------------------------------------------------------------------------
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


@jit
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


@jit
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
def threat_iterate_parallel(indptr, indices, weight, h, beta, tol, max_iter, t, work, stats):
    """Jacobi iteration of t = h + beta * W t from t = h, rows in parallel chunks
    (``stats.shape[0]`` of them). Returns (status, iterations, last max change):
    status 0 converged, 1 hit max_iter, 2 diverging."""
    nchunks = stats.shape[0]
    n = h.shape[0]
    for i in range(n):
        t[i] = h[i]
    x = t
    y = work
    status = 1
    prev = np.inf
    delta = 0.0
    grow = 0
    it = 0
    while it < max_iter:
        it += 1
        for c in prange(nchunks):
            _threat_sweep(c, nchunks, indptr, indices, weight, h, beta, x, y, stats)
        status, delta, grow = _threat_step_status(stats, it, tol, prev, grow)
        prev = delta
        tmp = x
        x = y
        y = tmp
        if status != 1:
            break
    if it % 2 == 1:  # the last iterate is in work
        for i in range(n):
            t[i] = work[i]
    return status, it, delta


@jit
def threat_iterate_serial(indptr, indices, weight, h, beta, tol, max_iter, t, work, stats):
    """As threat_iterate_parallel, chunks one after another."""
    nchunks = stats.shape[0]
    n = h.shape[0]
    for i in range(n):
        t[i] = h[i]
    x = t
    y = work
    status = 1
    prev = np.inf
    delta = 0.0
    grow = 0
    it = 0
    while it < max_iter:
        it += 1
        for c in range(nchunks):
            _threat_sweep(c, nchunks, indptr, indices, weight, h, beta, x, y, stats)
        status, delta, grow = _threat_step_status(stats, it, tol, prev, grow)
        prev = delta
        tmp = x
        x = y
        y = tmp
        if status != 1:
            break
    if it % 2 == 1:
        for i in range(n):
            t[i] = work[i]
    return status, it, delta


# --------------------------------------------------------------------------------------
# validation of hand-built arrays (used by foederis.kernels.check_csr)
# --------------------------------------------------------------------------------------
@jit
def csr_problem(indptr, indices, n_cols):
    """First problem of a CSR structure as (code, position): 0 none, 1 indptr[0] != 0,
    2 indptr decreasing at position, 3 indptr[-1] != len(indices), 4 index out of range at
    position."""
    if indptr.shape[0] == 0 or indptr[0] != 0:
        return 1, 0
    for r in range(indptr.shape[0] - 1):
        if indptr[r + 1] < indptr[r]:
            return 2, r
    if indptr[indptr.shape[0] - 1] != indices.shape[0]:
        return 3, indptr.shape[0] - 1
    for q in range(indices.shape[0]):
        if indices[q] < 0 or indices[q] >= n_cols:
            return 4, q
    return 0, 0
