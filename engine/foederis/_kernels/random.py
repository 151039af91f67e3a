"""Counter-based randomness: splitmix64, the keys of seeds, words of 64 samples and
edges, and the bit-sliced Bernoulli draw that decides which samples honour an edge.

Declared once, here: every kernel that draws (ensembles, sweeps, the landscape's random
starts) takes its hash from this module.

All uint64 arithmetic uses uint64 operands only: numba (like numpy) promotes
uint64 (op) int64 to float64, which would silently destroy the hash.
"""

from __future__ import annotations

import numpy as np

from .._numba import jit

__all__ = [
    "ZERO", "ONE", "U6", "U63", "GOLDEN", "MIX1", "MIX2",
    "mix64", "seed_key", "word_key", "sample_keys", "edge_key", "edge_id",
    "bernoulli_bits", "honoured", "popcount64",
]

ZERO = np.uint64(0)
ONE = np.uint64(1)
GOLDEN = np.uint64(0x9E3779B97F4A7C15)
MIX1 = np.uint64(0xBF58476D1CE4E5B9)
MIX2 = np.uint64(0x94D049BB133111EB)
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
U63 = np.uint64(63)
U6 = np.uint64(6)


@jit(inline="always")
def mix64(z):
    """splitmix64 finaliser of a uint64 (bijective, full avalanche)."""
    z = (z ^ (z >> _S30)) * MIX1
    z = (z ^ (z >> _S27)) * MIX2
    return z ^ (z >> _S31)


@jit
def seed_key(seed):
    """Key of a seed (any integer, taken as uint64)."""
    return mix64(np.uint64(seed) ^ _SEED_SALT)


@jit(inline="always")
def word_key(skey, word):
    """Key of a word of 64 samples (samples ``64*word .. 64*word+63``)."""
    return mix64(skey + mix64((np.uint64(word) + ONE) * GOLDEN))


@jit(inline="always")
def sample_keys(skey, sample):
    """(key of the word of ``sample``, the sample's bit in that word): what one sample of
    the threshold ensemble draws with."""
    return word_key(skey, np.uint64(sample) >> U6), ONE << (np.uint64(sample) & U63)

@jit(inline="always")
def edge_key(wkey, edge):
    """Key of (word, edge); ``edge`` is the commitment's :func:`edge_id`."""
    return mix64(wkey ^ mix64((np.uint64(edge) + ONE) * _EDGE_MUL))


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
    (about log2(popcount(mask)) + 2 hashes, at least 4). Each sample's answer depends only
    on its own bit position, so it is the same whatever other bits ``mask`` holds.

    The first four bits are compared with no branch: four independent hashes overlap in
    the pipeline, where stopping at the first that decides every sample mispredicts about
    once a draw (the stop is random). Most draws are decided by then (p < 1/16 needs four
    0 bits), so the loop after them rarely runs: 5% off a small war's sample and 10% off
    a large war's (issue 12, CPU time, paired runs). The same bits as the plain loop.
    """
    if mask == ZERO or not (p > 0.0):
        return ZERO
    if p >= 1.0:
        return mask
    cbits = np.uint64(np.ceil(p * _TWO53))
    out = ZERO
    m = mask
    for k in range(4):  # the loop's first four steps, as masks (``live``: its break)
        shift = np.uint64(52 - k)
        r = mix64(ekey + np.uint64(k + 1) * GOLDEN)
        one = ZERO - ((cbits >> shift) & ONE)  # all ones where p's bit is 1
        live = ZERO - np.uint64((cbits & ((ONE << (shift + ONE)) - ONE)) != ZERO)
        out |= m & ~r & one & live
        m &= ((r & one) | (~r & ~one)) & live
    if m == ZERO:
        return out
    for k in range(4, 53):
        if m == ZERO:
            break
        shift = np.uint64(52 - k)
        low = (ONE << (shift + ONE)) - ONE
        if (cbits & low) == ZERO:  # the rest of p is zero: undecided samples have U >= p
            break
        r = mix64(ekey + np.uint64(k + 1) * GOLDEN)
        if (cbits >> shift) & ONE:
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
    wk = word_key(seed_key(seed), np.uint64(sample) >> U6)
    bit = ONE << (np.uint64(sample) & U63)
    return bernoulli_bits(edge_key(wk, edge), p, bit) != ZERO


@jit(inline="always")
def popcount64(x):
    """Number of set bits of a uint64 (returned as int64)."""
    x = x - ((x >> ONE) & _M55)
    x = (x & _M33) + ((x >> _U2) & _M33)
    x = (x + (x >> _U4)) & _M0F
    return np.int64((x * _M01) >> _U56)



