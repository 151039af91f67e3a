"""Where and when a world is, and what its capability measures (issue 9).

- State columns beside ``capability``, ``gdp`` and ``defense_spending`` (float, NaN =
  unknown): ``lat``, ``lon`` (the capital) and the COW NMC components ``milex``,
  ``milper``, ``irst``, ``pec``, ``tpop``, ``upop``. A world stores the ones it was given
  and one shared all-NaN array for the others (no memory per missing column).
- Contiguity: COW direct contiguity as a symmetric sparse matrix, ``conttype`` 1 (land or
  river) to 5 (water up to 400 miles), 0 = not contiguous; stored as a CSR by state.
- ``date``: the day a world describes (ISO "YYYY-MM-DD") or None.
- ``capability_measure``: the name of what ``capability`` holds.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

import numpy as np
import pandas as pd

from ._validate import readonly, shown
from ._world_columns import codes_to_index, float_column
from ._world_storage import constant_column
from .errors import WorldError

__all__ = [
    "PLACE_COLUMNS",
    "NMC_COLUMNS",
    "EXTRA_STATE_COLUMNS",
    "MEASURE_COLUMNS",
    "CONTIGUITY_TYPES",
    "CONTIGUITY_FIELDS",
    "extra_state_columns",
    "check_date",
    "check_measure_name",
    "build_contiguity",
    "contiguity_from_frame",
    "measure_shares",
]

#: The capital's coordinates (degrees).
PLACE_COLUMNS = ("lat", "lon")
#: The COW National Material Capabilities components.
NMC_COLUMNS = ("milex", "milper", "irst", "pec", "tpop", "upop")
#: The optional float state columns of issue 9, in table order.
EXTRA_STATE_COLUMNS = PLACE_COLUMNS + NMC_COLUMNS
#: The state columns a world's capability can be viewed under (when present).
MEASURE_COLUMNS = ("gdp", "defense_spending") + NMC_COLUMNS
#: COW direct contiguity types: 1 land or river, then water up to 12, 24, 150, 400 miles.
CONTIGUITY_TYPES = (1, 2, 3, 4, 5)
#: How a World stores contiguity: a CSR by state.
CONTIGUITY_FIELDS = ("cont_indptr", "cont_indices", "cont_type")
_RANGES = {"lat": (-90.0, 90.0), "lon": (-180.0, 180.0)}


def extra_state_columns(
    values: dict[str, Any], n: int, codes: np.ndarray
) -> tuple[dict[str, np.ndarray], tuple[str, ...]]:
    """The issue-9 state columns, checked: a dict of read-only float64 arrays (one shared
    all-NaN array for every column not given) and the names of those given.

    >>> cols, given = extra_state_columns({"lat": [48.9, np.nan]}, 2, np.array(["FRN", "X"]))
    >>> given, cols["lat"].tolist(), cols["milex"] is cols["tpop"]
    (('lat',), [48.9, nan], True)
    >>> extra_state_columns({"milex": [1.0, -2.0]}, 2, np.array(["FRN", "X"]))
    Traceback (most recent call last):
    ...
    foederis.errors.WorldError: state 'X' (row 1): milex -2.0 is invalid; it must be >= 0 or missing
    """
    missing = constant_column(np.nan, n, np.float64)
    out: dict[str, np.ndarray] = {}
    given = []
    for field in EXTRA_STATE_COLUMNS:
        v = values.get(field)
        if v is None:
            out[field] = missing
            continue
        a = float_column(v, n, field, np.nan)
        lo, hi = _RANGES.get(field, (0.0, np.inf))
        bad = ~np.isnan(a) & ~((a >= lo) & (a <= hi) & np.isfinite(a))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            valid = f"in [{lo:g}, {hi:g}]" if field in _RANGES else ">= 0"
            raise WorldError(f"state '{codes[i]}' (row {i}): {field} {shown(float(a[i]))} is invalid; "
                             f"it must be {valid} or missing")
        out[field] = readonly(a if a is not v else a.copy())
        given.append(field)
    return out, tuple(given)


def check_date(date: Any) -> str | None:
    """A world's day as ISO "YYYY-MM-DD", or None.

    >>> check_date("1914-07-28"), check_date(_dt.date(1939, 9, 1)), check_date(None)
    ('1914-07-28', '1939-09-01', None)
    >>> check_date("1914-13-01")
    Traceback (most recent call last):
    ...
    foederis.errors.WorldError: date '1914-13-01' is not a day; give an ISO date 'YYYY-MM-DD' or None
    """
    if date is None or (isinstance(date, float) and date != date) or date == "":
        return None
    if isinstance(date, (_dt.datetime, pd.Timestamp)):
        return date.date().isoformat()
    if isinstance(date, _dt.date):
        return date.isoformat()
    try:
        s = str(date).strip()
        if len(s) != 10:
            raise ValueError
        return _dt.date.fromisoformat(s).isoformat()
    except ValueError:
        raise WorldError(f"date {shown(date)} is not a day; give an ISO date 'YYYY-MM-DD' or None"
                         ) from None


def check_measure_name(name: Any) -> str:
    """The name of what ``capability`` holds: a non-empty string."""
    if not isinstance(name, str) or not name.strip():
        raise WorldError(f"capability_measure must be a non-empty name such as 'cinc' or "
                         f"'capability', got {shown(name)}")
    return name.strip()


def build_contiguity(codes: np.ndarray, a: Any, b: Any, conttype: Any) -> dict[str, np.ndarray]:
    """The symmetric contiguity CSR (``cont_indptr`` int64, ``cont_indices`` int32,
    ``cont_type`` int8) from index pairs; a pair given twice (either way round) keeps its
    closest type.

    >>> c = build_contiguity(np.array(["A", "B", "C"]), [0, 1, 2], [1, 0, 1], [1, 3, 5])
    >>> c["cont_indptr"].tolist(), c["cont_indices"].tolist(), c["cont_type"].tolist()
    ([0, 1, 3, 4], [1, 0, 2, 1], [1, 1, 5, 5])
    >>> build_contiguity(np.array(["A", "B"]), [0], [1], [7])
    Traceback (most recent call last):
    ...
    foederis.errors.WorldError: contiguity row 0 (A - B): conttype 7 is invalid; ...
    """
    n = len(codes)
    if a is None:
        ia = ib = np.zeros(0, np.int64)
        ct = np.zeros(0, np.int8)
    else:
        ia, ib = np.asarray(a, np.int64), np.asarray(b, np.int64)
        try:
            tf = np.asarray(conttype, dtype=np.float64)
        except (TypeError, ValueError):
            raise WorldError("contiguity conttype must be an integer 1..5") from None
        if not (ia.shape == ib.shape == tf.shape) or ia.ndim != 1:
            raise WorldError("contiguity a, b and conttype must be 1-d, of equal length")
        for field, x in (("a", ia), ("b", ib)):
            bad = (x < 0) | (x >= n)
            if bad.any():
                r = int(np.flatnonzero(bad)[0])
                raise WorldError(f"contiguity row {r}: {field} index {int(x[r])} names no state")
        bad = ~np.isin(tf, CONTIGUITY_TYPES)
        if bad.any():
            r = int(np.flatnonzero(bad)[0])
            raise WorldError(
                f"contiguity row {r} ({codes[ia[r]]} - {codes[ib[r]]}): conttype {tf[r]:g} is "
                "invalid; COW types are 1 (land or river) and 2..5 (water up to 12, 24, 150, "
                "400 miles)")
        bad = ia == ib
        if bad.any():
            r = int(np.flatnonzero(bad)[0])
            raise WorldError(f"contiguity row {r}: '{codes[ia[r]]}' is contiguous to itself")
        ct = tf.astype(np.int8)
    i, j, t = np.r_[ia, ib], np.r_[ib, ia], np.r_[ct, ct]
    key = i * max(n, 1) + j
    order = np.lexsort((t, key))
    key, i, j, t = key[order], i[order], j[order], t[order]
    first = np.r_[True, key[1:] != key[:-1]] if len(key) else np.zeros(0, bool)
    i, j, t = i[first], j[first], t[first]
    indptr = np.zeros(n + 1, np.int64)
    if len(i):
        np.cumsum(np.bincount(i, minlength=n), out=indptr[1:])
    return dict(cont_indptr=readonly(indptr), cont_indices=readonly(j.astype(np.int32)),
                cont_type=readonly(np.ascontiguousarray(t, np.int8)))


def contiguity_from_frame(df: pd.DataFrame | None, index: pd.Index) -> dict[str, Any]:
    """The contiguity arguments (``contiguity_a``, ``contiguity_b``, ``conttype``) read
    from a table with columns ``a``, ``b`` (codes) and ``conttype``."""
    if df is None or not len(df):
        return {}
    for c in ("a", "b", "conttype"):
        if c not in df.columns:
            raise WorldError(f"the contiguity table has no {shown(c)} column; required columns are "
                             "'a', 'b' (state codes) and 'conttype' (1..5)")
    ct = pd.to_numeric(df["conttype"], errors="coerce")
    if ct.isna().any():
        r = int(np.flatnonzero(ct.isna().to_numpy())[0])
        raise WorldError(f"contiguity row {r}: conttype {shown(df['conttype'].iloc[r])} is not a "
                         "number; COW types are 1..5")
    return dict(
        contiguity_a=codes_to_index(df["a"], index, "contiguity", "a"),
        contiguity_b=codes_to_index(df["b"], index, "contiguity", "b"),
        conttype=ct.to_numpy(np.float64),
    )


def measure_shares(values: np.ndarray, name: str) -> np.ndarray:
    """A measure renormalised to shares summing to 1, NaN counted as 0.

    >>> measure_shares(np.array([3.0, np.nan, 1.0]), "milex").tolist()
    [0.75, 0.0, 0.25]
    """
    v = np.where(np.isnan(values), 0.0, values)
    total = float(v.sum())
    if not total > 0:
        raise WorldError(f"capability measure {shown(name)}: no state has a known positive value")
    return v / total
