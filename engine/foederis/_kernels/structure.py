"""The structural analyses' kernels (landscape, balance, vulnerability).

Pure functions over arrays, compiled through the flag policy of :mod:`foederis._numba`
(``cache=True, nogil=True``, fastmath off, no eager signatures: nothing compiles at
import). They never raise on user input, never print and never read mutable globals;
the public functions in :mod:`foederis.analysis` validate and convert first.

Calling convention: ``(indptr, indices, data, <node arrays>, <scalars>, out...)``.
"""

from __future__ import annotations

import numpy as np

from .._numba import jit, jit_inner, jit_parallel, prange
from .random import GOLDEN, MIX2, ONE, mix64

__all__ = [
    "landscape_energy",
    "landscape_exhaustive",
    "landscape_local_parallel",
    "landscape_local_serial",
    "landscape_resolve_basins",
    "triangle_count",
    "triangle_fill",
    "vulnerability_kernel",
    "warmup",
]

# the random starts: a start's bits depend on (seed, start, state) only, never on threads
# or on how starts are split (the splitmix64 finaliser of foederis._kernels.random)
@jit_inner
def _start_key(seed, start):
    return mix64(mix64(np.uint64(seed) + GOLDEN) ^ (np.uint64(start) * GOLDEN + ONE))


@jit_inner
def _bit(key, i):
    return np.uint8(mix64(key ^ (np.uint64(i) * MIX2 + GOLDEN)) >> np.uint64(63))


# --------------------------------------------------------------------------------------
# landscape (Axelrod-Bennett): energy and steepest descent
#
# w[i, j] = s_i s_j p_ij (symmetric, zero diagonal); camps x in {0, 1}^n;
# E(x) = sum_i sum_j w_ij [x_i != x_j]   (both orders, as in Axelrod and Bennett)
# gain of flipping k: delta_k = 2 sum_j w_kj sigma_kj, sigma = +1 same camp, -1 apart.
# Steepest descent flips the k with the smallest delta_k (the lowest k among gains within
# eps of the smallest) while that gain is < -eps.
# --------------------------------------------------------------------------------------
@jit
def landscape_energy(w, x):
    """Energy of configuration ``x`` (uint8 camps) under the dense weights ``w``."""
    n = x.shape[0]
    e = 0.0
    for i in range(n):
        for j in range(n):
            if x[i] != x[j]:
                e += w[i, j]
    return e


@jit_inner
def _steepest(delta, eps):
    """The steepest flip: the lowest state whose gain is within ``eps`` of the smallest
    (gains equal up to rounding count as ties, so the choice does not hang on the order
    in which floating-point updates were summed)."""
    n = delta.shape[0]
    dm = delta[0]
    for k in range(1, n):
        dm = min(dm, delta[k])
    for k in range(n):
        if delta[k] <= dm + eps:
            return k, delta[k]
    return 0, delta[0]


@jit
def landscape_exhaustive(w, eps, nxt):
    """Enumerate the 2^(n-1) two-camp configurations in Gray-code order.

    State 0 stays in camp 0 (a configuration and its mirror image are one split); bit
    ``b`` of a configuration index is the camp of state ``b + 1``. Each step flips one
    state and updates the energy and every flip gain in O(n). For each configuration
    ``g``, ``nxt[g]`` receives the configuration that one steepest-descent step leads to
    (``g`` itself at a local minimum: no flip lowers the energy by more than ``eps``).
    Flipping state 0 is the mirror of flipping every other state: index ``g ^ full``.

    Returns the number of local minima.
    """
    n = w.shape[0]
    full = (np.int64(1) << (n - 1)) - 1
    x = np.zeros(n, np.uint8)
    delta = np.zeros(n, np.float64)
    for k in range(n):
        s = 0.0
        for j in range(n):
            s += w[k, j]
        delta[k] = 2.0 * s
    n_conf = np.int64(1) << (n - 1)
    n_min = 0
    g = np.int64(0)
    t = np.int64(0)
    while True:
        # steepest-descent successor of g
        m, dm = _steepest(delta, eps)
        if dm < -eps:
            if m == 0:
                nxt[g] = g ^ full
            else:
                nxt[g] = g ^ (np.int64(1) << (m - 1))
        else:
            nxt[g] = g
            n_min += 1
        t += 1
        if t >= n_conf:
            break
        # Gray code: step t flips bit ctz(t), i.e. state ctz(t) + 1
        b = 0
        tt = t
        while (tt & 1) == 0:
            tt >>= 1
            b += 1
        k = b + 1
        xk = x[k]
        for j in range(n):
            if j != k:
                # sigma_jk before the flip
                if x[j] == xk:
                    delta[j] -= 4.0 * w[j, k]
                else:
                    delta[j] += 4.0 * w[j, k]
        delta[k] = -delta[k]
        x[k] = 1 - xk
        g ^= np.int64(1) << b
    return n_min


@jit
def landscape_resolve_basins(nxt, minima, out_size):
    """Follow ``nxt`` from every configuration to the minimum its steepest descent ends
    at (path compression in place: ``nxt`` becomes that minimum) and count the
    configurations of each basin into ``out_size`` (aligned with the sorted ``minima``)."""
    n_conf = nxt.shape[0]
    for g in range(n_conf):
        r = nxt[g]
        while nxt[r] != r:
            r = nxt[r]
        c = np.int64(g)
        while nxt[c] != r:
            d = nxt[c]
            nxt[c] = r
            c = d
        pos = np.searchsorted(minima, r)
        out_size[pos] += 1


@jit_inner
def _block_fix(delta, bmin, bsize, j, old):
    """Keep ``bmin`` (the minimum of each block of ``bsize`` gains) right after
    ``delta[j]`` changed from ``old``."""
    b = j // bsize
    v = delta[j]
    if v < bmin[b]:
        bmin[b] = v
    elif old == bmin[b] and v > old:
        lo = b * bsize
        hi = min(lo + bsize, delta.shape[0])
        mv = delta[lo]
        for k in range(lo + 1, hi):
            mv = min(mv, delta[k])
        bmin[b] = mv


@jit
def _descend(indptr, indices, wdata, x, delta, eps, max_steps):
    """Steepest descent in place from ``x`` over the sparse symmetric weights; returns
    (energy, steps, converged).

    The gains live in blocks of about sqrt(n) with their minima kept up to date, so a
    step costs O(sqrt(n) + degree) instead of O(n); the flip chosen is the same as a
    linear scan's (:func:`_steepest`): the lowest state whose gain is within ``eps`` of the
    smallest, found in the first block whose minimum is.
    """
    n = x.shape[0]
    e = 0.0
    for k in range(n):
        s = 0.0
        for p in range(indptr[k], indptr[k + 1]):
            j = indices[p]
            if x[j] == x[k]:
                s += wdata[p]
            else:
                s -= wdata[p]
                e += wdata[p]
        delta[k] = 2.0 * s
    bsize = max(1, int(np.sqrt(n)))
    nb = (n + bsize - 1) // bsize
    bmin = np.empty(nb, np.float64)
    for b in range(nb):
        lo = b * bsize
        hi = min(lo + bsize, n)
        mv = delta[lo]
        for k in range(lo + 1, hi):
            mv = min(mv, delta[k])
        bmin[b] = mv
    steps = 0
    converged = False
    while steps < max_steps:
        dm = bmin[0]
        for b in range(1, nb):
            dm = min(dm, bmin[b])
        m = -1
        for b in range(nb):
            if bmin[b] <= dm + eps:
                lo = b * bsize
                hi = min(lo + bsize, n)
                for k in range(lo, hi):
                    if delta[k] <= dm + eps:
                        m = k
                        break
                break
        if not delta[m] < -eps:
            converged = True
            break
        e += delta[m]
        xm = x[m]
        for p in range(indptr[m], indptr[m + 1]):
            j = indices[p]
            old = delta[j]
            if x[j] == xm:
                delta[j] -= 4.0 * wdata[p]
            else:
                delta[j] += 4.0 * wdata[p]
            _block_fix(delta, bmin, bsize, np.int64(j), old)  # (one variant: m is int64)
        old = delta[m]
        delta[m] = -old
        x[m] = 1 - xm
        _block_fix(delta, bmin, bsize, m, old)
        steps += 1
    return e, steps, converged


@jit_inner
def _local_one(indptr, indices, wdata, seed, start, eps, max_steps, out_x, out_e, out_steps,
               out_conv):
    n = out_x.shape[1]
    key = _start_key(seed, start)
    x = np.empty(n, np.uint8)
    for i in range(n):
        x[i] = _bit(key, i)
    delta = np.empty(n, np.float64)
    e, steps, conv = _descend(indptr, indices, wdata, x, delta, eps, max_steps)
    flip = x[0] == 1  # canonical: state 0 in camp 0
    for i in range(n):
        out_x[start, i] = (1 - x[i]) if flip else x[i]
    out_e[start] = e
    out_steps[start] = steps
    out_conv[start] = conv


@jit
def landscape_local_serial(indptr, indices, wdata, seed, eps, max_steps, out_x, out_e,
                           out_steps, out_conv):
    """Seeded steepest descents, one per row of ``out_x`` (serial twin)."""
    for s in range(out_x.shape[0]):
        _local_one(indptr, indices, wdata, seed, s, eps, max_steps, out_x, out_e, out_steps,
                   out_conv)


@jit_parallel
def landscape_local_parallel(indptr, indices, wdata, seed, eps, max_steps, out_x, out_e,
                             out_steps, out_conv):
    """Seeded steepest descents, one per row of ``out_x``, in parallel over starts.

    Start ``s`` draws its initial camps from (seed, s, state) alone and writes only row
    ``s``: the result does not depend on the thread count.
    """
    for s in prange(out_x.shape[0]):
        _local_one(indptr, indices, wdata, seed, np.int64(s), eps, max_steps, out_x, out_e,
                   out_steps, out_conv)


# --------------------------------------------------------------------------------------
# triangles of an undirected signed graph (CSR with sorted rows, sign +1 / -1)
# --------------------------------------------------------------------------------------
@jit
def triangle_count(indptr, indices, sign, weak, out_type, out_unbal):
    """Count triangles u < v < w by their number of negative edges (``out_type[u, 0..3]``)
    and the unbalanced ones per smallest vertex ``u`` (``out_unbal[u]``).

    Unbalanced: an odd number of negative edges (one or three); with ``weak`` (Davis),
    only one negative edge is unbalanced.
    """
    n = indptr.shape[0] - 1
    for u in range(n):
        for pv in range(indptr[u], indptr[u + 1]):
            v = indices[pv]
            if v <= u:
                continue
            # merge-intersect the rows of u and v above v
            a = pv + 1
            b = indptr[v]
            ea = indptr[u + 1]
            eb = indptr[v + 1]
            while b < eb and indices[b] <= v:
                b += 1
            while a < ea and b < eb:
                wa = indices[a]
                wb = indices[b]
                if wa < wb:
                    a += 1
                elif wb < wa:
                    b += 1
                else:
                    neg = 0
                    if sign[pv] < 0:
                        neg += 1
                    if sign[a] < 0:
                        neg += 1
                    if sign[b] < 0:
                        neg += 1
                    out_type[u, neg] += 1
                    if neg == 1 or (neg == 3 and not weak):
                        out_unbal[u] += 1
                    a += 1
                    b += 1


@jit
def triangle_fill(indptr, indices, sign, weak, offset, out_abc, out_neg):
    """Write the unbalanced triangles (u, v, w), u < v < w, into rows
    ``offset[u]`` ... of ``out_abc`` and their number of negative edges into ``out_neg``."""
    n = indptr.shape[0] - 1
    for u in range(n):
        r = offset[u]
        for pv in range(indptr[u], indptr[u + 1]):
            v = indices[pv]
            if v <= u:
                continue
            a = pv + 1
            b = indptr[v]
            ea = indptr[u + 1]
            eb = indptr[v + 1]
            while b < eb and indices[b] <= v:
                b += 1
            while a < ea and b < eb:
                wa = indices[a]
                wb = indices[b]
                if wa < wb:
                    a += 1
                elif wb < wa:
                    b += 1
                else:
                    neg = 0
                    if sign[pv] < 0:
                        neg += 1
                    if sign[a] < 0:
                        neg += 1
                    if sign[b] < 0:
                        neg += 1
                    if neg == 1 or (neg == 3 and not weak):
                        out_abc[r, 0] = u
                        out_abc[r, 1] = v
                        out_abc[r, 2] = wa
                        out_neg[r] = neg
                        r += 1
                    a += 1
                    b += 1


# --------------------------------------------------------------------------------------
# Jackson-Nei vulnerability
# --------------------------------------------------------------------------------------
@jit
def vulnerability_kernel(indptr, indices, strength, gamma, order, out_count, out_best,
                         out_attack, out_defense):
    """For every state i: the attackers j that make i vulnerable (Jackson and Nei 2015).

    ``indptr, indices``: the undirected alliance graph (symmetric CSR, no self loops).
    Attacker j's best coalition is C = ({j} u N(j)) minus i (adding an ally of j never
    hurts the attack); i is defended by D = {i} u (N(i) minus C). i is vulnerable to j
    when M(C) > gamma M(D). ``order``: states by decreasing bloc strength
    S_j = M_j + M(N(j)) (ties by index), used for the attackers that share nothing with
    i, whose coalition is S_j against D = S_i.

    Writes ``out_count[i]`` (number of such j), ``out_best[i]`` (the j with the largest
    M(C) / M(D), -1 if none; ties: largest M(C), then lowest index) and its
    ``out_attack[i]`` = M(C), ``out_defense[i]`` = M(D).
    """
    n = indptr.shape[0] - 1
    bloc = np.zeros(n, np.float64)
    for j in range(n):
        s = strength[j]
        for p in range(indptr[j], indptr[j + 1]):
            s += strength[indices[p]]
        bloc[j] = s
    sorted_bloc = np.empty(n, np.float64)
    for r in range(n):
        sorted_bloc[r] = bloc[order[r]]
    common = np.zeros(n, np.float64)
    touched = np.zeros(n, np.bool_)
    is_nbr = np.zeros(n, np.bool_)
    tlist = np.empty(n, np.int64)
    for i in range(n):
        nt = 0
        for p in range(indptr[i], indptr[i + 1]):
            k = indices[p]
            is_nbr[k] = True
            if not touched[k]:
                touched[k] = True
                tlist[nt] = k
                nt += 1
            mk = strength[k]
            for q in range(indptr[k], indptr[k + 1]):
                j = indices[q]
                if j == i:
                    continue
                common[j] += mk
                if not touched[j]:
                    touched[j] = True
                    tlist[nt] = j
                    nt += 1
        s_i = bloc[i]
        count = 0
        best = -1
        best_a = 0.0
        best_d = 0.0
        # attackers that share allies with i or are allied with it
        for t in range(nt):
            j = tlist[t]
            a = bloc[j]
            if is_nbr[j]:
                a -= strength[i]  # i is an ally of j but not in C
            d = s_i - common[j]
            if is_nbr[j]:
                d -= strength[j]  # j attacks its ally i
            if a > gamma * d:
                count += 1
                if best < 0 or a * best_d > best_a * d or (
                    a * best_d == best_a * d and (a > best_a or (a == best_a and j < best))
                ):
                    best = j
                    best_a = a
                    best_d = d
        # everybody else: S_j > gamma * S_i; count by binary search on the sorted blocs
        thr = gamma * s_i
        lo = 0
        hi = n
        while lo < hi:  # first position r with sorted_bloc[r] <= thr (sorted decreasing)
            mid = (lo + hi) // 2
            if sorted_bloc[mid] > thr:
                lo = mid + 1
            else:
                hi = mid
        c_other = lo
        if bloc[i] > thr:
            c_other -= 1
        for t in range(nt):
            if bloc[tlist[t]] > thr:
                c_other -= 1
        count += c_other
        if c_other > 0:
            # the strongest untouched j is the first one in `order`
            for r in range(n):
                j = order[r]
                if j == i or touched[j]:
                    continue
                a = bloc[j]
                d = s_i
                if best < 0 or a * best_d > best_a * d or (
                    a * best_d == best_a * d and (a > best_a or (a == best_a and j < best))
                ):
                    best = j
                    best_a = a
                    best_d = d
                break
        out_count[i] = count
        out_best[i] = best
        out_attack[i] = best_a
        out_defense[i] = best_d
        for t in range(nt):
            j = tlist[t]
            touched[j] = False
            is_nbr[j] = False
            common[j] = 0.0


# --------------------------------------------------------------------------------------
def warmup() -> None:
    """Compile every kernel of this module on tiny inputs (``foederis.warmup`` calls it)."""
    w = np.array([[0.0, 1.0, -1.0], [1.0, 0.0, 0.5], [-1.0, 0.5, 0.0]])
    nxt = np.zeros(4, np.int32)
    landscape_exhaustive(w, 1e-12, nxt)
    minima = np.flatnonzero(nxt == np.arange(4)).astype(np.int32)
    landscape_resolve_basins(nxt, minima, np.zeros(len(minima), np.int64))
    landscape_energy(w, np.zeros(3, np.uint8))
    indptr = np.array([0, 2, 4, 6], np.int64)
    indices = np.array([1, 2, 0, 2, 0, 1], np.int32)
    data = np.array([1.0, -1.0, 1.0, 0.5, -1.0, 0.5])
    for fn in (landscape_local_serial, landscape_local_parallel):
        fn(indptr, indices, data, 0, 1e-12, 100, np.zeros((2, 3), np.uint8), np.zeros(2),
           np.zeros(2, np.int64), np.zeros(2, np.bool_))
    sign = np.array([1, -1, 1, 1, -1, 1], np.int8)
    tt = np.zeros((3, 4), np.int64)
    tu = np.zeros(3, np.int64)
    triangle_count(indptr, indices, sign, False, tt, tu)
    triangle_fill(indptr, indices, sign, False, np.zeros(3, np.int64), np.zeros((1, 3), np.int64),
                  np.zeros(1, np.int8))
    vulnerability_kernel(indptr, indices, np.ones(3), 1.0, np.arange(3, dtype=np.int64),
                         np.zeros(3, np.int64), np.zeros(3, np.int64), np.zeros(3), np.zeros(3))
