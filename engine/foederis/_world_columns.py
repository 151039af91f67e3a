"""Column parsing shared by the World's builders, tables and edits.

Kinds and domains as names <-> codes, typed state columns, state codes and their checks.
Every check raises :class:`foederis.WorldError` (or UnknownStateError) naming the row.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ._constants import (
    ALL_DOMAINS,
    DEFAULT_DOMAINS,
    DOMAIN_BITS,
    DOMAIN_NAMES,
    KIND_CODES,
    KIND_NAMES,
)
from .errors import UnknownStateError, WorldError

__all__ = [
    "MERGE_RULES", "STATE_FIELDS", "EDGE_FIELDS", "parse_domains", "domains_to_bits",
    "bits_to_domains", "kind_code", "float_column", "bool_column", "str_column",
    "check_codes", "codes_to_index",
]

#: How duplicate (guarantor, protege, kind) commitments may be merged.
MERGE_RULES = ("max",)
#: The World's per-state arrays, and its commitment arrays (CSR by guarantor).
STATE_FIELDS = (
    "codes",
    "names",
    "capability",
    "gdp",
    "defense_spending",
    "nuclear",
    "region",
    "global_reach",
    "threshold",
)
EDGE_FIELDS = (
    "indptr", "indices", "credibility", "kind", "domains", "treaty", "also_edge", "also_treaty",
    "condition",
)


def parse_domains(s: Any, where: str) -> int:
    """Domains given as names (``"conventional|nuclear"``, a list, "all") or bits -> bits;
    ``where`` names the row in the error. Missing or empty means conventional.

    >>> parse_domains("conventional|nuclear", "row 0"), parse_domains(None, "row 0")
    (3, 1)
    >>> parse_domains("orbital", "commitment row 4")
    Traceback (most recent call last):
    ...
    foederis.errors.WorldError: commitment row 4: unknown domain 'orbital'; valid domains are ...
    """
    if s is None or (isinstance(s, float) and np.isnan(s)) or s == "":
        return DEFAULT_DOMAINS
    if isinstance(s, (int, np.integer)) and not isinstance(s, bool):
        if 1 <= int(s) <= ALL_DOMAINS:
            return int(s)
        raise WorldError(f"{where}: domain bits {s!r} must be in 1..{ALL_DOMAINS}")
    if isinstance(s, (list, tuple, set, frozenset)):
        parts = [str(p) for p in s]
    else:
        parts = str(s).replace(",", "|").replace(";", "|").replace(" ", "|").split("|")
    bits = 0
    for p in parts:
        p = p.strip().lower()
        if not p:
            continue
        if p == "all":
            bits |= ALL_DOMAINS
            continue
        if p not in DOMAIN_BITS:
            raise WorldError(
                f"{where}: unknown domain {p!r}; valid domains are {', '.join(DOMAIN_NAMES)}"
            )
        bits |= DOMAIN_BITS[p]
    return bits or DEFAULT_DOMAINS


def domains_to_bits(domains: Any) -> int:
    """``"conventional|nuclear"`` or ``("conventional", "nuclear")`` -> bit set (uint8).

    >>> domains_to_bits(("conventional", "cyber")), domains_to_bits("all")
    (5, 31)
    """
    return parse_domains(domains, "domains")


def bits_to_domains(bits: int) -> str:
    """Bit set -> ``"conventional|nuclear"``.

    >>> bits_to_domains(3)
    'conventional|nuclear'
    """
    return "|".join(n for i, n in enumerate(DOMAIN_NAMES) if int(bits) & (1 << i))


def kind_code(kind: Any, where: str = "kind") -> int:
    """A kind name (any case) or code -> its uint8 code.

    >>> kind_code("defense"), kind_code(" Entente "), kind_code(5)
    (0, 3, 5)
    """
    if isinstance(kind, (int, np.integer)) and not isinstance(kind, bool):
        if 0 <= int(kind) < len(KIND_NAMES):
            return int(kind)
    elif isinstance(kind, str) and kind.strip().upper() in KIND_CODES:
        return KIND_CODES[kind.strip().upper()]
    raise WorldError(f"{where}: unknown kind {kind!r}; valid kinds are {', '.join(KIND_NAMES)}")


def float_column(values: Any, n: int, field: str, default: float) -> np.ndarray:
    """A float64 states column of length ``n`` (``default`` everywhere when missing)."""
    if values is None:
        return np.full(n, default, dtype=np.float64)
    try:
        a = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise WorldError(f"states column {field!r} must be numeric") from None
    if a.shape != (n,):
        raise WorldError(f"states column {field!r} has shape {a.shape}, expected ({n},)")
    return a.copy() if a is values else a


def bool_column(values: Any, n: int, field: str) -> np.ndarray:
    """A bool states column: True, "true", "yes", "1" are true; missing is False.

    >>> bool_column(["yes", None, "0", True], 4, "nuclear")
    array([ True, False, False,  True])
    """
    if values is None:
        return np.zeros(n, dtype=bool)
    s = pd.Series(values) if not isinstance(values, pd.Series) else values
    if len(s) != n:
        raise WorldError(f"states column {field!r} has {len(s)} rows, expected {n}")
    if s.dtype == bool:
        return s.to_numpy(dtype=bool).copy()
    s = s.where(s.notna(), False)
    mapped = s.map(
        lambda v: v
        if isinstance(v, (bool, np.bool_))
        else (str(v).strip().lower() in ("1", "true", "yes", "y", "t", "1.0"))
    )
    return mapped.to_numpy(dtype=bool)


def str_column(values: Any, n: int, field: str) -> np.ndarray:
    """A str states column, missing values as ''."""
    if values is None:
        return np.full(n, "", dtype="<U1")
    s = pd.Series(values) if not isinstance(values, pd.Series) else values
    if len(s) != n:
        raise WorldError(f"states column {field!r} has {len(s)} rows, expected {n}")
    s = s.where(s.notna(), "").astype(str)
    return np.asarray(s.to_numpy(), dtype=str)



def check_codes(codes: Any) -> np.ndarray:
    """State codes as a str array, stripped; missing, empty or duplicate codes raise.

    >>> check_codes([" USA", "UKG"])
    array(['USA', 'UKG'], dtype='<U3')
    >>> check_codes(["USA", "UKG", "USA"])
    Traceback (most recent call last):
    ...
    foederis.errors.WorldError: duplicate state code 'USA' in rows 0, 2; state codes must be unique
    """
    s = pd.Series(list(codes) if not isinstance(codes, (np.ndarray, pd.Series)) else codes)
    if s.isna().any():
        i = int(np.flatnonzero(s.isna().to_numpy())[0])
        raise WorldError(f"states row {i}: the state code is missing; every state needs a code")
    arr = np.asarray(s.astype(str).str.strip().to_numpy(), dtype=str)
    if arr.size == 0:
        return np.zeros(0, dtype="<U1")
    empty = arr == ""
    if empty.any():
        i = int(np.flatnonzero(empty)[0])
        raise WorldError(f"states row {i}: the state code is empty; codes must be non-empty")
    dup = pd.Series(arr).duplicated(keep=False).to_numpy()
    if dup.any():
        rows = np.flatnonzero(dup)
        code = str(arr[rows[0]])
        at = np.flatnonzero(arr == code)
        raise WorldError(
            f"duplicate state code {code!r} in rows {', '.join(map(str, at[:5]))}; "
            "state codes must be unique"
        )
    return arr


def codes_to_index(values: pd.Series, index: pd.Index, table: str, field: str) -> np.ndarray:
    """Positions of the codes ``values`` in ``index`` (int64); an unknown code raises
    UnknownStateError naming ``table`` row and ``field``.

    >>> codes_to_index(pd.Series(["B", "A"]), pd.Index(["A", "B"]), "commitment", "protege")
    array([1, 0])
    """
    vals = values.astype(str).str.strip().to_numpy() if values.dtype != object else np.array(
        [str(v).strip() if v is not None and v == v else "" for v in values], dtype=object
    )
    idx = index.get_indexer(vals)
    bad = idx < 0
    if bad.any():
        r = int(np.flatnonzero(bad)[0])
        raise UnknownStateError(
            f"{table} row {r}: {field} {values.iloc[r]!r} is not a state of this world; "
            f"add it to the states table (known codes include "
            f"{', '.join(map(str, index[:8]))}{', ...' if len(index) > 8 else ''})"
        )
    return idx.astype(np.int64)
