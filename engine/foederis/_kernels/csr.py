"""Validation of hand-built CSR arrays (used by :func:`foederis.kernels.check_csr`)."""

from __future__ import annotations

from .._numba import jit

__all__ = ["csr_problem"]


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
