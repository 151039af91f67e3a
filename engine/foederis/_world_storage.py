"""How a World's per-commitment arrays are held: what the arrays need, no more.

The rules, in one place (issue 12, item 3):

- indices are int32 both ways (``indices``, the transposed ``indices`` and ``edge``);
  kinds and domains uint8; credibility float64 (results stay bit-identical).
- a column of :data:`COMPACT_FIELDS` that holds one value throughout (``treaty`` of a
  world without treaties, ``condition`` of a world without conditions, ``gdp`` or
  ``region`` not given) is stored as that value: a read-only zero-stride view
  (:func:`compact`) that reads as the full column and costs a few bytes. Such columns are
  never passed to kernels (kernels get C-contiguous arrays).
- building checks order and duplicates in chunks (:func:`edge_order`,
  :func:`duplicate_rows`), so input already sorted by (guarantor, protege, kind) costs no
  int64 key per commitment; the transposed CSR (:func:`transpose`) is scattered in one
  pass with no permutation held, and the permutation (:func:`edge_positions`, 4 bytes per
  commitment) is built only for what reads it (conditions, re-weighting, the cascade
  result's per-commitment credibility).
"""

from __future__ import annotations

import numpy as np

__all__ = ["CHUNK", "COMPACT_FIELDS", "CodeIndex", "index_dtype", "csr_indptr", "compact", "constant_column", "duplicate_rows", "edge_order", "edge_positions", "transpose"]

#: The World fields stored as one value when they hold one (none of them reaches a kernel).
COMPACT_FIELDS = ("treaty", "condition", "gdp", "defense_spending", "region")

#: Rows compared per step when checking order and duplicates (bounds the temporaries).
CHUNK = 1 << 20


def index_dtype(size: int) -> type:
    """int32 for positions in arrays shorter than 2**31, else int64.

    >>> index_dtype(10**7).__name__, index_dtype(2**31 + 1).__name__
    ('int32', 'int64')
    """
    return np.int32 if size < 2**31 else np.int64


def csr_indptr(rows: np.ndarray, n: int, counts: bool = False) -> np.ndarray:
    """The int64 ``indptr`` of a CSR whose entries lie in ``rows`` (their row indices, in
    any order): counted in chunks, since ``np.bincount`` would first copy an int32 ``rows``
    to int64 whole. ``counts=True``: the entries per row in ``[1:]``, not summed up.

    >>> csr_indptr(np.array([2, 0, 2], np.int32), 4).tolist()
    [0, 1, 1, 3, 3]
    >>> csr_indptr(np.array([2, 0, 2], np.int32), 4, counts=True).tolist()
    [0, 1, 0, 2, 0]
    """
    indptr = np.zeros(n + 1, dtype=np.int64)
    per_row = indptr[1:]
    for s in range(0, rows.size, CHUNK):
        per_row += np.bincount(rows[s:s + CHUNK], minlength=n)
    if not counts:
        np.cumsum(per_row, out=per_row)
    return indptr


def constant_column(value: object, m: int, dtype: object) -> np.ndarray:
    """A read-only column of ``m`` copies of ``value`` that stores one (zero stride).

    >>> c = constant_column(-1, 3, np.int32)
    >>> c.tolist(), c.dtype.name, c.strides, c.flags.writeable
    ([-1, -1, -1], 'int32', (0,), False)
    """
    return np.broadcast_to(np.asarray(value, dtype=dtype), (int(m),))


def compact(a: np.ndarray) -> np.ndarray:
    """``a`` as :func:`constant_column` when all its values are equal (NaN equal to NaN;
    it is then read-only), else ``a`` itself.

    >>> compact(np.zeros(4, np.int32)).strides, compact(np.arange(3)).tolist()
    ((0,), [0, 1, 2])
    >>> compact(np.full(3, np.nan)).strides, compact(np.array([np.nan, 1.0])).strides
    ((0,), (8,))
    """
    if a.ndim != 1 or a.size < 2 or (a.strides == (0,)):
        return a
    first = a[0]
    nan = a.dtype.kind == "f" and np.isnan(first)
    for s in range(0, a.size, CHUNK):
        part = a[s:s + CHUNK]
        if not (np.isnan(part).all() if nan else np.all(part == first)):
            return a
    return constant_column(first, a.size, a.dtype)


def _out_of_order(g: np.ndarray, p: np.ndarray, k: np.ndarray, s: int, e: int) -> bool:
    """Whether some row in ``s+1 .. e-1`` comes before its predecessor in (g, p, k)."""
    g0, g1 = g[s:e - 1], g[s + 1:e]
    p0, p1 = p[s:e - 1], p[s + 1:e]
    before = (g1 < g0) | ((g1 == g0) & ((p1 < p0) | ((p1 == p0) & (k[s + 1:e] < k[s:e - 1]))))
    return bool(before.any())


def edge_order(g: np.ndarray, p: np.ndarray, k: np.ndarray, n: int) -> np.ndarray | None:
    """None when the rows are already sorted by (guarantor, protege, kind), else the stable
    permutation that sorts them (int64).

    >>> edge_order(np.array([0, 0, 1]), np.array([1, 2, 0]), np.zeros(3, np.uint8), 3)
    >>> edge_order(np.array([1, 0, 0]), np.array([0, 2, 1]), np.zeros(3, np.uint8), 3).tolist()
    [2, 1, 0]
    """
    m = g.size
    if not any(_out_of_order(g, p, k, s, min(s + CHUNK + 1, m)) for s in range(0, m - 1, CHUNK)):
        return None
    key = (g.astype(np.int64) * max(n, 1) + p) * 8 + k
    return np.argsort(key, kind="stable")


def duplicate_rows(g: np.ndarray, p: np.ndarray, k: np.ndarray) -> np.ndarray:
    """For sorted rows: ``dup[i]`` is True when row ``i + 1`` repeats row ``i``'s
    (guarantor, protege, kind).

    >>> duplicate_rows(np.array([0, 0, 0]), np.array([1, 1, 2]), np.zeros(3, np.uint8)).tolist()
    [True, False]
    """
    m = g.size
    dup = np.zeros(max(m - 1, 0), dtype=bool)
    for s in range(0, m - 1, CHUNK):
        e = min(s + CHUNK + 1, m)
        dup[s:e - 1] = ((g[s + 1:e] == g[s:e - 1]) & (p[s + 1:e] == p[s:e - 1])
                        & (k[s + 1:e] == k[s:e - 1]))
    return dup


#: Below this many commitments :func:`transpose` sorts with numpy (no kernel to load).
TRANSPOSE_KERNEL_MIN = 1 << 16


def transpose(n: int, indptr: np.ndarray, indices: np.ndarray, credibility: np.ndarray,
              kind: np.ndarray, domains: np.ndarray) -> tuple:
    """The CSR by column of a CSR by row: (indptr int64, row of each entry int32,
    (credibility, kind, domains) in that order). Entries of one column keep their
    row-major order. A large CSR is scattered in one pass
    (``_kernels.transpose_csr``: no permutation held and no cursor allocated, so the peak
    is the new arrays); a small one takes the stable sort (no kernel to load).

    >>> tp, ti, (tc, tk, td) = transpose(3, np.array([0, 2, 2, 3]), np.array([1, 2, 1], np.int32),
    ...     np.array([0.5, 1.0, 0.25]), np.zeros(3, np.uint8), np.array([1, 2, 3], np.uint8))
    >>> tp.tolist(), ti.tolist(), tc.tolist(), td.tolist()
    ([0, 0, 2, 3], [0, 2, 0], [0.5, 0.25, 1.0], [1, 3, 2])
    """
    m = indices.size
    if m < TRANSPOSE_KERNEL_MIN:
        tindptr = csr_indptr(indices, n)
        edge = edge_positions(indices)
        rows = np.repeat(np.arange(n, dtype=np.int32), np.diff(indptr))
        return tindptr, rows[edge], tuple(np.ascontiguousarray(c[edge])
                                          for c in (credibility, kind, domains))
    from ._kernels.csr import transpose_csr

    tindptr = csr_indptr(indices, n, counts=True)
    cols = (np.empty(m, np.float64), np.empty(m, np.uint8), np.empty(m, np.uint8))
    tindices = np.empty(m, np.int32)
    transpose_csr(indptr, indices, *(np.ascontiguousarray(c) for c in (credibility, kind, domains)),
                  tindptr, tindices, *cols)
    return tindptr, tindices, cols


def edge_positions(indices: np.ndarray) -> np.ndarray:
    """Of each entry of the CSR by column (:func:`transpose`), its position in the
    row-major arrays: the stable order of ``indices`` (int32, int64 beyond 2**31 entries).

    >>> edge_positions(np.array([1, 2, 1], np.int32)).tolist()
    [0, 2, 1]
    """
    return np.argsort(indices, kind="stable").astype(index_dtype(indices.size))


class CodeIndex:
    """Positions of state codes by binary search over the codes in sorted order: the
    sorted str array and an int32 order (about 40 bytes a state at 9 characters a code,
    built with no Python string per state, where a pandas Index holds an object and a hash
    slot per state). What :meth:`foederis.World.index` and ``indices_of`` read.

    >>> ix = CodeIndex(np.array(["USA", "UKG", "FRN"]))
    >>> ix.get_indexer(["FRN", "XXX", "USA"]).tolist(), ix.get_loc("UKG"), ix.get_loc("UK")
    ([2, -1, 0], 1, None)
    """

    __slots__ = ("_sorted", "_order", "_small")

    #: Worlds of at most this many states also keep a dict of their codes, built on the
    #: first lookup: a question's few codes are then found without numpy's string search
    #: (a few microseconds of each cascade on the contemporary world).
    SMALL = 65_536

    def __init__(self, codes: np.ndarray) -> None:
        order = np.argsort(codes, kind="stable").astype(index_dtype(len(codes)))
        self._sorted = codes[order]
        self._order = order
        self._small: dict[str, int] | None = None

    def get_indexer(self, keys: object) -> np.ndarray:
        """The position of each key (int64), -1 where it is not a code."""
        few = (keys.tolist() if isinstance(keys, np.ndarray) and keys.ndim == 1
               and keys.size <= 8 else keys)
        if (isinstance(few, list) and len(few) <= 8 and len(self._sorted) <= self.SMALL
                and all(type(k) is str for k in few)):
            if getattr(self, "_small", None) is None:  # (an index pickled before it had one)
                # (reversed: a repeated code maps to its first position, as the search does)
                self._small = dict(zip(self._sorted.tolist()[::-1], self._order.tolist()[::-1]))
            return np.array([self._small.get(k, -1) for k in few], np.int64)
        keys = np.asarray(keys, dtype=str)
        if not len(self._sorted) or not keys.size:
            return np.full(keys.shape, -1, np.int64)
        pos = np.minimum(np.searchsorted(self._sorted, keys), len(self._sorted) - 1)
        return np.where(self._sorted[pos] == keys, self._order[pos], -1).astype(np.int64)

    def get_loc(self, code: str) -> int | None:
        """The position of ``code``, or None."""
        i = int(self.get_indexer([code])[0])
        return None if i < 0 else i
