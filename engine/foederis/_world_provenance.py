"""Provenance: the treaties that ground each commitment.

A commitment may be grounded in several treaties (the US -> UK consultation tie is owed
under NATO and under AUKUS). Storage stays compact: ``treaty`` (int32 per edge) holds the
first of its treaties in name order, -1 for none, as an index into ``treaty_names``; the
edges grounded in more than one treaty list the others as pairs ``also_edge`` (int64 edge
positions, sorted) and ``also_treaty`` (int32), sorted by (edge, treaty name). A world
with no shared commitment stores no pair at all.

In tables and graphs a commitment's treaties are one text, the names joined by "|"
(``"AUKUS|NATO"``, in name order; the parts of a joined text are stripped, a single name
is kept as given). A treaty name therefore never contains "|".
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ._world_storage import constant_column

__all__ = [
    "TREATY_SEP",
    "split_treaty",
    "resolve_treaties",
    "treaty_pairs",
    "treaty_edge_mask",
    "drop_treaty",
    "treaty_labels",
]

#: Joins the names of the treaties that ground one commitment.
TREATY_SEP = "|"


def split_treaty(name: Any) -> list[str]:
    """The treaty names in one provenance text, stripped, empty parts dropped.

    >>> split_treaty(" NATO | AUKUS"), split_treaty(""), split_treaty(None)
    (['NATO', 'AUKUS'], [], [])
    """
    if name is None or (isinstance(name, float) and name != name):
        return []
    return [s.strip() for s in str(name).split(TREATY_SEP) if s.strip()]


def resolve_treaties(
    t: np.ndarray,
    treaty_names: Sequence[str],
    edge_of_row: np.ndarray | None,
    m_out: int,
    merged: bool,
    also_row: np.ndarray | None = None,
    also_id: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[str, ...]]:
    """The stored provenance of the edges ``edge_of_row`` maps the input rows to.

    ``edge_of_row`` None means row i is edge i. ``t`` is each input row's treaty id into ``treaty_names`` (-1 none; a name may join
    several with "|"); ``also_row`` / ``also_id`` list further (row, id) groundings.
    Rows merged into one edge (``merged``: some edge has several rows) take the union
    of their treaties. Returns ``treaty``
    (int32[m_out]), ``also_edge``, ``also_treaty`` and the treaty names in use, sorted.

    >>> tr, ae, at, names = resolve_treaties(np.array([0, 1, -1]), ("NATO", "AUKUS|NATO"),
    ...                                      np.array([0, 0, 1]), 2, True)
    >>> tr.tolist(), ae.tolist(), at.tolist(), names
    ([0, -1], [0], [1], ('AUKUS', 'NATO'))
    """
    rows = np.flatnonzero(t >= 0)
    ids = t[rows]
    if also_row is not None and len(also_row):
        rows = np.r_[rows, np.asarray(also_row, np.int64)]
        ids = np.r_[ids, np.asarray(also_id, np.int64)]
    empty = (np.zeros(0, np.int64), np.zeros(0, np.int32))
    if not len(ids):
        return constant_column(-1, m_out, np.int32), *empty, ()
    used = np.unique(ids)
    used_names = np.asarray([str(treaty_names[u]) for u in used.tolist()], dtype=str)
    if not (np.char.find(used_names, TREATY_SEP) >= 0).any():  # one treaty per name
        uniq, inv = np.unique(used_names, return_inverse=True)  # equal names: one treaty
        names = tuple(uniq.tolist())
        counts = np.ones(len(used), np.int64)
        flat = inv.reshape(-1).astype(np.int64)
    else:
        parts = [split_treaty(nm) if TREATY_SEP in nm else [nm] for nm in used_names.tolist()]
        names = tuple(sorted({p for ps in parts for p in ps}))
        if not names:
            return constant_column(-1, m_out, np.int32), *empty, ()
        canon = {nm: i for i, nm in enumerate(names)}
        counts = np.array([len(ps) for ps in parts], np.int64)
        flat = np.array([canon[p] for ps in parts for p in ps], np.int64)
    lookup = np.zeros(int(used[-1]) + 1, np.int64)
    lookup[used] = np.arange(len(used))
    slot = lookup[ids]  # position of each id among the used ones
    edges = rows if edge_of_row is None else edge_of_row[rows]
    if (counts == 1).all():
        tids = flat[slot]
        if not merged and (also_row is None or not len(also_row)):  # one treaty per edge
            out = np.full(m_out, -1, np.int32)
            out[edges] = tids
            return out, *empty, names
    else:
        starts = np.r_[0, np.cumsum(counts)[:-1]]
        rep = counts[slot]
        edges = np.repeat(edges, rep)
        within = np.arange(rep.sum()) - np.repeat(np.cumsum(rep) - rep, rep)
        tids = flat[np.repeat(starts[slot], rep) + within]
    key = np.unique(edges * len(names) + tids)
    e, tt = key // len(names), (key % len(names)).astype(np.int32)
    first = np.r_[True, e[1:] != e[:-1]] if len(e) else np.zeros(0, bool)
    out = np.full(m_out, -1, np.int32)
    out[e[first]] = tt[first]
    return out, e[~first].astype(np.int64), tt[~first], names


def treaty_pairs(
    treaty: np.ndarray, also_edge: np.ndarray, also_treaty: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Every (edge, treaty) grounding, first treaties then the others.

    >>> treaty_pairs(np.array([1, -1, 0], np.int32), np.array([0]), np.array([2], np.int32))
    (array([0, 2, 0]), array([1, 0, 2], dtype=int32))
    """
    e = np.flatnonzero(treaty >= 0)
    return np.r_[e, also_edge].astype(np.int64), np.r_[treaty[e], also_treaty].astype(np.int32)


def treaty_edge_mask(
    treaty: np.ndarray, also_edge: np.ndarray, also_treaty: np.ndarray, tid: int
) -> np.ndarray:
    """Which edges treaty ``tid`` grounds (alone or with others), as a bool mask.

    >>> treaty_edge_mask(np.array([1, -1, 0]), np.array([0]), np.array([2]), 2).tolist()
    [True, False, False]
    """
    mask = treaty == tid
    mask[also_edge[also_treaty == tid]] = True
    return mask


def drop_treaty(
    treaty: np.ndarray,
    also_edge: np.ndarray,
    also_treaty: np.ndarray,
    tid: int,
    where: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Take treaty ``tid`` out of the provenance of the edges ``where`` (all if None).

    Returns ``keep`` (the edges some treaty still grounds, or that had none to begin
    with: only edges grounded in ``tid`` alone go) and the new ``treaty``, ``also_edge``,
    ``also_treaty`` over the current edge positions (``keep`` is applied by the caller).

    >>> keep, tr, ae, at = drop_treaty(np.array([0, 0, -1], np.int32), np.array([0]),
    ...                                np.array([1], np.int32), 0)
    >>> keep.tolist(), tr.tolist(), ae.tolist(), at.tolist()
    ([True, False, True], [1, -1, -1], [], [])
    """
    m = len(treaty)
    sel = np.ones(m, bool) if where is None else where
    hit = (treaty == tid) & sel
    also_hit = (also_treaty == tid) & sel[also_edge]
    ae, at = also_edge[~also_hit], also_treaty[~also_hit]
    first = np.r_[True, ae[1:] != ae[:-1]] if len(ae) else np.zeros(0, bool)
    promote = first & hit[ae]
    new = treaty.copy()
    new[hit] = -1
    new[ae[promote]] = at[promote]
    keep = ~(hit & (new < 0))
    return keep, new, ae[~promote], at[~promote]


def treaty_labels(
    treaty: np.ndarray,
    also_edge: np.ndarray,
    also_treaty: np.ndarray,
    treaty_names: Sequence[str],
) -> np.ndarray:
    """Each edge's treaties as one text (``"AUKUS|NATO"``), None where it has none
    (an object array, as pandas and igraph take text).

    >>> treaty_labels(np.array([0, -1], np.int32), np.array([0]), np.array([1], np.int32),
    ...               ("AUKUS", "NATO")).tolist()
    ['AUKUS|NATO', None]
    """
    tn = np.asarray(tuple(treaty_names) + (None,), dtype=object)
    out = tn[np.where(treaty < 0, len(treaty_names), treaty)]
    if len(also_edge):
        starts = np.flatnonzero(np.r_[True, also_edge[1:] != also_edge[:-1]])
        ends = np.r_[starts[1:], len(also_edge)]
        for s, e in zip(starts.tolist(), ends.tolist()):  # edges with several treaties only
            edge = int(also_edge[s])
            others = TREATY_SEP.join(treaty_names[x] for x in also_treaty[s:e].tolist())
            out[edge] = f"{out[edge]}{TREATY_SEP}{others}"
    return out
