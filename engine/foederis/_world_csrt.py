"""The transposed commitment CSR of a World (:attr:`foederis.World.transposed`)."""

from __future__ import annotations

import numpy as np

from ._validate import readonly
from ._world_storage import edge_positions

__all__ = ["CSRT"]


class CSRT:
    """The transposed commitment CSR: row ``j`` lists the guarantors ``i`` of edges ``i -> j``.

    ``indptr`` int64, ``indices`` int32, ``credibility`` float64, ``kind`` and ``domains``
    uint8, in protege order (what the kernels read). ``edge[e]``, the position of that edge
    in the forward (guarantor-major) arrays (int32, int64 beyond 2**31 commitments), is
    built on first use and kept: only conditions, re-weighting and a cascade result's
    per-commitment credibility read it, so a world that needs none of them never holds it
    (4 bytes per commitment). See :mod:`foederis._world_storage` for what a World stores.
    """

    __slots__ = ("indptr", "indices", "credibility", "kind", "domains", "_forward", "_edge")
    _fields = ("indptr", "indices", "credibility", "kind", "domains", "edge")

    def __init__(self, indptr: np.ndarray, indices: np.ndarray, credibility: np.ndarray,
                 kind: np.ndarray, domains: np.ndarray, forward: np.ndarray,
                 edge: np.ndarray | None = None) -> None:
        self.indptr, self.indices, self.credibility = indptr, indices, credibility
        self.kind, self.domains = kind, domains
        self._forward = forward  # the forward ``indices`` (shared, not a copy)
        self._edge = edge

    @property
    def edge(self) -> np.ndarray:
        """Per transposed entry, its position in the forward arrays (built on first use)."""
        if self._edge is None:
            self._edge = readonly(edge_positions(self._forward))
        return self._edge

    def _replace(self, **changes: np.ndarray) -> "CSRT":
        """A CSRT with some of its arrays replaced (``edge`` shared when built)."""
        got = {f: changes.pop(f, getattr(self, f)) for f in self._fields[:5]}
        if changes:
            raise TypeError(f"CSRT has no field(s) {sorted(changes)} to replace")
        return CSRT(**got, forward=self._forward, edge=self._edge)

    def __repr__(self) -> str:
        return (f"CSRT({self.indptr.size - 1} rows, {self.indices.size} entries, edge "
                f"{'built' if self._edge is not None else 'not built'})")
