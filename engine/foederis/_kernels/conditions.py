"""Treaty conditions (:attr:`foederis.Rules.conditions`) and the other per-question state
of the cascade core, computed once at the start of a question by :func:`question_state`.

A World's conditions reach the kernels in the ``levers`` tuple (after the six levers of
:func:`foederis._kernels.core.no_levers`), built once per World by the gate:

- ``tcond`` int32[nnz]: per transposed edge, its condition (0 = unconditional);
- ``cflags`` uint8[C]: per condition, :data:`ANY_ADVERSARY` (no named adversary, or an
  unnamed one: the adversary test holds for any aggressor) and :data:`NONPROVOCATION`;
- ``cmin`` int32[C]: the fewest aggressors the condition applies against;
- ``cloc`` int32[C]: where: :data:`ANYWHERE`, :data:`PROTEGE_ONLY` (the protege must be an
  original target), :data:`NOWHERE` (a region the world lacks) or a region code (a region
  among those of the aggressors and targets);
- ``ag_indptr`` int64[n+1], ``ag_indices`` int32: per state, the conditions naming it as
  an adversary (states x conditions CSR);
- ``state_region`` int32[n]: the world's region codes (-1 unknown).

Empty arrays (C = 0, ``tcond`` empty) mean "no conditions": a world without any, or
``Rules(conditions=False)``; the kernels then test nothing per edge.

Per question, :func:`question_state` (or :func:`new_question_state`) gives ``cok`` bool[3C]: ``cok[role * C + c]``, whether
condition ``c`` holds for a commitment whose protege has ``role`` (:data:`ROLE_TARGET`, an
original target; :data:`ROLE_AGGRESSOR`, an original aggressor; :data:`ROLE_OTHER`, a state
that joined later). The protege-only and non-provocation tests depend on the protege's role
only, so the three rows hold every test and an edge costs one lookup,
``cok[role(j) * C + tcond[q]]`` (written out inline in the hot loops, where a call taking
arrays costs reference-count traffic). A commitment whose condition does not hold counts
as one of credibility 0, on every path.

It also gives ``bound``, the sorted guarantors of a defence-level pulling commitment
(ordinal 3) of credibility > 0, its condition holding, to one of the targets: the states
:attr:`foederis.Rules.bound_victim_unrestrained` exempts from a restraint toward an
original aggressor (:func:`is_bound`).
"""

from __future__ import annotations

import numpy as np

from .._constants import KINDS
from .._numba import jit, jit_inner
from .sorting import sort_segment

__all__ = ["ANY_ADVERSARY", "NONPROVOCATION", "ANYWHERE", "PROTEGE_ONLY", "NOWHERE",
           "ROLE_TARGET", "ROLE_AGGRESSOR", "ROLE_OTHER", "N_CONDITION_LEVERS",
           "condition_state", "question_state", "new_question_state", "is_bound", "protege_role",
           "conditioned_credibility_kernel"]

ANY_ADVERSARY = np.uint8(1)
NONPROVOCATION = np.uint8(2)
ANYWHERE = np.int32(-1)
PROTEGE_ONLY = np.int32(-2)
NOWHERE = np.int32(-3)
ROLE_TARGET = 0
ROLE_AGGRESSOR = 1
ROLE_OTHER = 2
#: entries of ``levers`` after the six of no_levers: tcond, cflags, cmin, cloc, ag_indptr,
#: ag_indices, state_region
N_CONDITION_LEVERS = 7

#: bit c set iff kind c is a defence-level pulling kind (ordinal 3 in the table of kinds)
_DEFENCE_MASK = np.int64(sum(1 << c for c, k in enumerate(KINDS)
                             if k.ordinal >= 3 and k.effect == "pull"))


@jit_inner(inline="always")
def condition_state(levers, aggressors, targets, cok):
    """Fill ``cok`` (bool[3C]) for these aggressors and targets (see the module
    docstring). With no aggressor every condition holds (no war to condition on)."""
    cflags = levers[7]
    cmin = levers[8]
    cloc = levers[9]
    ag_indptr = levers[10]
    ag_indices = levers[11]
    state_region = levers[12]
    nc = cflags.shape[0]
    na = aggressors.shape[0]
    if na == 0:
        for x in range(3 * nc):
            cok[x] = True
        return
    other = 2 * nc  # computes the adversary test in the last row first
    for c in range(nc):
        cok[other + c] = (cflags[c] & ANY_ADVERSARY) != 0
    for x in range(na):
        a = aggressors[x]
        for q in range(ag_indptr[a], ag_indptr[a + 1]):
            cok[other + ag_indices[q]] = True
    for c in range(nc):
        ok = cok[other + c] and cmin[c] <= na
        loc = cloc[c]
        if loc == NOWHERE:
            ok = False
        elif loc >= 0:
            seen = False
            for x in range(na):
                if state_region[aggressors[x]] == loc:
                    seen = True
            for x in range(targets.shape[0]):
                if state_region[targets[x]] == loc:
                    seen = True
            ok = ok and seen
        provoked = (cflags[c] & NONPROVOCATION) != 0
        cok[ROLE_TARGET * nc + c] = ok
        cok[ROLE_AGGRESSOR * nc + c] = ok and loc != PROTEGE_ONLY and not provoked
        cok[ROLE_OTHER * nc + c] = ok and loc != PROTEGE_ONLY


@jit_inner
def question_state(tindptr, tindices, tcred, tkind, levers, aggressors, targets, cok,
                   bound):
    """The per-question state every kernel computes once at the start of a question, into
    the caller's buffers: ``cok`` bool[3C], the condition table of :func:`condition_state`;
    ``bound`` int32 (room for the in-degree of the targets), the sorted guarantors
    :func:`is_bound` tests (none unless ``Rules.bound_victim_unrestrained``). Returns how
    many guarantors ``bound`` holds. (A sweep reuses one pair of buffers for its pairs;
    :func:`new_question_state` allocates them.)"""
    tcond = levers[6]
    nc = levers[7].shape[0]
    condition_state(levers, aggressors, targets, cok)
    nb = 0
    if levers[4]:
        for x in range(targets.shape[0]):
            t = targets[x]
            for q in range(tindptr[t], tindptr[t + 1]):
                if not (tcred[q] > 0.0):
                    continue
                if ((_DEFENCE_MASK >> np.int64(tkind[q])) & np.int64(1)) == 0:
                    continue
                if nc > 0 and not cok[ROLE_TARGET * nc + tcond[q]]:
                    continue
                bound[nb] = tindices[q]
                nb += 1
        sort_segment(bound, 0, nb)
    return nb


@jit_inner(inline="always")
def new_question_state(tindptr, tindices, tcred, tkind, levers, aggressors, targets):
    """:func:`question_state` in buffers of its own: (cok, bound)."""
    m = 0
    if levers[4]:
        for x in range(targets.shape[0]):
            t = targets[x]
            m += tindptr[t + 1] - tindptr[t]
    cok = np.empty(3 * levers[7].shape[0], dtype=np.bool_)
    bound = np.empty(m, dtype=np.int32)
    nb = question_state(tindptr, tindices, tcred, tkind, levers, aggressors, targets, cok,
                        bound)
    return cok, bound[:nb]


@jit(inline="always")
def is_bound(i, bound):
    """Whether state ``i`` is in ``bound`` (sorted), by bisection."""
    lo = 0
    hi = bound.shape[0]
    while lo < hi:
        mid = (lo + hi) >> 1
        if bound[mid] < i:
            lo = mid + 1
        else:
            hi = mid
    return lo < bound.shape[0] and bound[lo] == i


@jit(inline="always")
def protege_role(original, on_a):
    """The role of a protege at war (``original``: joined in round 0; ``on_a``: on side A)
    in the rows of ``cok``."""
    if not original:
        return ROLE_OTHER
    return ROLE_AGGRESSOR if on_a else ROLE_TARGET


@jit
def conditioned_credibility_kernel(tindptr, tindices, tcred, tkind, levers, aggressors,
                                   targets, out):
    """out[q] = tcred[q], or 0 where the condition of transposed edge q does not hold for
    these aggressors and targets (sorted, unique): the credibility every kernel counts the
    edge with (:func:`question_state`), for what Python reads of a question
    (``Cascade.why``)."""
    tcond = levers[6]
    nc = levers[7].shape[0]
    cok, _ = new_question_state(tindptr, tindices, tcred, tkind, levers, aggressors,
                                targets)
    for j in range(tindptr.shape[0] - 1):
        role = ROLE_OTHER
        for x in range(targets.shape[0]):
            if targets[x] == j:
                role = ROLE_TARGET
        for x in range(aggressors.shape[0]):
            if aggressors[x] == j:
                role = ROLE_AGGRESSOR
        for q in range(tindptr[j], tindptr[j + 1]):
            if nc > 0 and not cok[role * nc + tcond[q]]:
                out[q] = 0.0
            else:
                out[q] = tcred[q]
