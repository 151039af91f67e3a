"""The building blocks of :func:`foederis.synthetic_world`: vectorised helpers, the raw
edge table of one part of the world, the state layout the generators read, and the
deduplication that puts edges in CSR order. No Python loop over states or edges.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from ._constants import N_KINDS

__all__ = ["labels", "uniform_in", "mutual", "segment_arange", "Edges", "Layout", "bloc_sizes", "draw_level", "empty_edges", "dedup_sorted"]


# --- small vectorised helpers ---------------------------------------------------------
def labels(prefix: str, n: int, min_width: int) -> np.ndarray:
    """``prefix`` + zero-padded index for 0..n-1, as a '<U' array, without a Python loop.

    >>> labels("S", 3, 2)
    array(['S00', 'S01', 'S02'], dtype='<U3')
    """
    width = max(min_width, len(str(max(n - 1, 0))))
    size = len(prefix) + width
    buf = np.empty((n, size), dtype=np.uint8)
    buf[:, : len(prefix)] = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    idx = np.arange(n, dtype=np.int64)
    for k in range(width):  # loop over digit positions, not over states
        buf[:, size - 1 - k] = (idx // 10**k) % 10 + ord("0")
    return buf.view(f"S{size}").ravel().astype(f"U{size}")


def uniform_in(rng: np.random.Generator, start: np.ndarray, size: np.ndarray) -> np.ndarray:
    """One uniform integer in [start, start + size) per entry (size >= 1)."""
    return start + (rng.random(start.shape[0]) * size).astype(np.int64)


def mutual(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both directions of each dyad (a, b).

    >>> mutual(np.array([0, 1]), np.array([2, 3]))
    (array([0, 1, 2, 3]), array([2, 3, 0, 1]))
    """
    return np.concatenate([a, b]), np.concatenate([b, a])


def segment_arange(sizes: np.ndarray) -> np.ndarray:
    """0..sizes[k]-1 for each k, concatenated.

    >>> segment_arange(np.array([3, 0, 2]))
    array([0, 1, 2, 0, 1])
    """
    total = int(sizes.sum())
    starts = np.cumsum(sizes) - sizes
    return np.arange(total, dtype=np.int64) - np.repeat(starts, sizes)


# --- the parts of the world -----------------------------------------------------------
class Edges(NamedTuple):
    """Raw commitments of one part of the world, before deduplication."""

    guarantor: np.ndarray  # int32
    protege: np.ndarray  # int32
    kind: np.ndarray  # uint8
    level: np.ndarray  # uint8, index into the credibility levels
    domains: np.ndarray  # uint8
    treaty: np.ndarray  # int32, -1 = none

    @staticmethod
    def concat(parts: Sequence[Edges]) -> Edges:
        return Edges(*(np.concatenate(column) for column in zip(*parts, strict=True)))

    def take(self, positions: np.ndarray) -> Edges:
        return Edges(*(column[positions] for column in self))


class Layout(NamedTuple):
    """What the edge generators need to know about the states."""

    n: int
    bloc: np.ndarray  # int32[n]
    bloc_start: np.ndarray  # int64[n_blocs]
    bloc_size: np.ndarray  # int64[n_blocs]
    great_powers: np.ndarray  # int64, most capable first
    gp_weight: np.ndarray  # float64, sums to 1
    nuclear: np.ndarray  # bool[n]
    levels: np.ndarray  # credibility levels


def bloc_sizes(rng: np.random.Generator, n: int, n_blocs: int) -> np.ndarray:
    """Heterogeneous bloc sizes (lognormal weights), each >= 1, summing to n."""
    weights = rng.lognormal(0.0, 0.75, n_blocs)
    return 1 + rng.multinomial(n - n_blocs, weights / weights.sum()).astype(np.int64)


def draw_level(rng: np.random.Generator, lay: Layout, size: int) -> np.ndarray:
    """Indices into the credibility levels, uniformly drawn."""
    return rng.integers(0, lay.levels.size, size, dtype=np.uint8)


def empty_edges() -> Edges:
    i, u = np.empty(0, np.int32), np.empty(0, np.uint8)
    return Edges(i, i, u, u, u, i)


def dedup_sorted(
    n: int, guarantor: np.ndarray, protege: np.ndarray, kind: np.ndarray
) -> np.ndarray:
    """Positions of the first of each (guarantor, protege, kind), self-edges dropped.

    The positions come out in CSR order: by guarantor, then protege, then kind. The sort
    is stable, so which duplicate survives does not depend on the machine.

    >>> g, p, k = np.array([1, 0, 1, 2]), np.array([0, 1, 0, 2]), np.array([0, 0, 0, 3])
    >>> dedup_sorted(3, g, p, k)  # rows 1 and 0 survive; row 2 repeats row 0, row 3 is a loop
    array([1, 0])
    """
    key = guarantor.astype(np.int64)
    key *= n
    key += protege
    key *= N_KINDS
    key += kind
    key[guarantor == protege] = -1
    order = np.argsort(key, kind="stable")
    key = key[order]
    first = np.empty(key.size, dtype=bool)
    first[:1] = True
    np.not_equal(key[1:], key[:-1], out=first[1:])
    first &= key >= 0
    return order[first]
