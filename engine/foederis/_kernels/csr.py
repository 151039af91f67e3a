"""Validation of hand-built CSR arrays (used by :func:`foederis.kernels.check_csr`) and the
transposition of a World's commitments into the CSR by protege (:func:`transpose_csr`)."""

from __future__ import annotations

from .._numba import jit

__all__ = ["csr_problem", "transpose_csr"]


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


@jit
def transpose_csr(indptr, indices, cred, kind, domains, tindptr, tindices, tcred, tkind,
                  tdomains):
    """Scatter a CSR by row into the CSR by column: row ``i``'s entry ``e`` (column
    ``j = indices[e]``) goes to the next free place of column ``j``, so the entries of one
    column keep their row-major order: the same arrays as a stable sort of ``indices``,
    with no permutation held (``tindices`` = the row, ``tcred``, ``tkind``, ``tdomains``
    the columns). ``tindptr`` holds the counts per column on entry (``tindptr[j + 1]``:
    the entries of column ``j``, ``tindptr[0] = 0``) and the column pointers on exit: it is
    its own cursor, so nothing per column is allocated."""
    nc = tindptr.shape[0] - 1
    for j in range(nc):  # tindptr[j + 1] = the start of column j
        tindptr[j + 1] += tindptr[j]
    for j in range(nc - 1, 0, -1):
        tindptr[j + 1] = tindptr[j]
    if nc > 0:
        tindptr[1] = 0
    for i in range(indptr.shape[0] - 1):
        for e in range(indptr[i], indptr[i + 1]):
            q = tindptr[indices[e] + 1]  # the cursor of column j, one place ahead
            tindptr[indices[e] + 1] = q + 1
            tindices[q] = i
            tcred[q] = cred[e]
            tkind[q] = kind[e]
            tdomains[q] = domains[e]
