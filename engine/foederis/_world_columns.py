"""Column parsing shared by the World's builders, tables and edits.

Kinds and domains as names <-> codes, typed state columns, state codes and their checks.
Every check raises :class:`foederis.WorldError` (or UnknownStateError) naming the row.
"""

from __future__ import annotations

from collections.abc import Iterable
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
from ._validate import is_real, shown
from .errors import UnknownStateError, WorldError

__all__ = [
    "MERGE_RULES", "STATE_FIELDS", "EDGE_FIELDS", "parse_domains", "domains_to_bits",
    "bits_to_domains", "kind_code", "real_array", "float_column", "index_column",
    "bool_column", "str_column", "check_codes", "codes_to_index", "MAX_CODE_CHARS",
    "check_table", "numeric_column", "check_code", "check_code_list", "treaty_column",
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
        raise WorldError(f"{where}: domain bits {shown(s)} must be in 1..{ALL_DOMAINS}")
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
                f"{where}: unknown domain {shown(p)}; valid domains are {', '.join(DOMAIN_NAMES)}"
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
    raise WorldError(f"{where}: unknown kind {shown(kind)}; valid kinds are {', '.join(KIND_NAMES)}")


def real_array(values: Any, what: str) -> np.ndarray:
    """``values`` as a float64 array, refusing what is not a real number: a bool, a string,
    a complex, bytes, an object, a number too large for a float (``10**400``) or a ragged
    list; None (or pd.NA) in a list is missing (NaN). ``what`` names the column in the
    error, which gives the row.

    >>> real_array([1, 2.5, None], "capability").tolist()
    [1.0, 2.5, nan]
    >>> real_array([0.5, True], "capability")
    Traceback (most recent call last):
    ...
    foederis.errors.WorldError: capability row 1: True (a bool) is not a real number
    """
    if isinstance(values, (str, bytes)):
        raise WorldError(f"{what} must be an array of numbers, got the string {shown(values)}")
    if isinstance(values, (list, tuple)):  # numpy would read [0.5, True] as [0.5, 1.0]
        r = next((r for r, v in enumerate(values) if isinstance(v, (bool, np.bool_))), None)
        if r is not None:
            raise WorldError(f"{what} row {r}: {shown(values[r])} (a bool) is not a real number")
    try:
        a = np.asarray(values)
    except (ValueError, TypeError):
        raise WorldError(f"{what} must be a 1-d array of numbers (got a ragged or "
                         f"unreadable {type(values).__name__})") from None
    if a.dtype.kind in "iuf":
        return a.astype(np.float64, copy=True)
    if a.size == 0:
        return np.zeros(a.shape, np.float64)
    if a.dtype.kind != "O":  # bools, complex numbers, text, bytes, dates
        v = a.reshape(-1)[0]
        raise WorldError(f"{what} row 0: {shown(v)} (a {type(shown_type(v)).__name__}) is not "
                         "a real number")
    if a.ndim != 1:
        raise WorldError(f"{what} must be a 1-d array of numbers, got shape {a.shape}")
    out = np.empty(a.shape, np.float64)
    for r, v in enumerate(a.tolist()):
        if v is None or v is pd.NA:
            out[r] = np.nan
            continue
        if not is_real(v):
            raise WorldError(f"{what} row {r}: {shown(v)} (a {type(v).__name__}) is not a "
                             "real number")
        try:
            out[r] = float(v)
        except OverflowError:
            raise WorldError(f"{what} row {r}: {shown(v)} is too large for a float (at most "
                             f"{np.finfo(np.float64).max:.3g})") from None
    return out


def shown_type(v: Any) -> Any:
    """A numpy scalar as its Python value (for naming its type in a message)."""
    return v.item() if isinstance(v, np.generic) else v


def float_column(values: Any, n: int, field: str, default: float) -> np.ndarray:
    """A float64 states column of length ``n`` (``default`` everywhere when missing); only
    real numbers (:func:`real_array`)."""
    if values is None:
        return np.full(n, default, dtype=np.float64)
    a = real_array(values, f"states column {field!r}")
    if a.shape != (n,):
        raise WorldError(f"states column {shown(field)} has shape {a.shape}, expected ({n},)")
    return a


def index_column(values: Any, what: str, narrow: bool = False) -> np.ndarray:
    """State (or treaty) indices as int64: an integer array, or a list of ints; a float
    (0.7), a bool or a string is refused, never truncated. ``narrow``: an integer array of
    at most 32 bits is given back as int32 (no copy when it is int32 already).

    >>> index_column([0, 2], "rivalry source").tolist()
    [0, 2]
    >>> index_column([0.7], "rivalry source")
    Traceback (most recent call last):
    ...
    foederis.errors.WorldError: rivalry source row 0: 0.7 is not an integer index
    """
    if isinstance(values, (str, bytes)) or values is None:
        raise WorldError(f"{what} must be an array of integer indices, got {shown(values)}")
    try:
        a = np.asarray(values)
    except (ValueError, TypeError):
        raise WorldError(f"{what} must be a 1-d array of integer indices") from None
    if a.size == 0:
        return np.zeros(a.shape, np.int64)
    if a.dtype.kind in "iu":
        if a.dtype.kind == "u" and a.dtype.itemsize == 8 and a.max() > np.iinfo(np.int64).max:
            raise WorldError(f"{what}: index {shown(a.max())} is out of range")
        if narrow and (a.dtype.itemsize < 4 or a.dtype == np.int32):
            return a.astype(np.int32, copy=False)
        return a.astype(np.int64, copy=False)
    flat = a.reshape(-1).tolist()
    for r, v in enumerate(flat):
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
            raise WorldError(f"{what} row {r}: {shown(v)} is not an integer index")
        if not -(2**63) <= v < 2**63:
            raise WorldError(f"{what} row {r}: index {shown(v)} is out of range")
    return np.asarray(flat, dtype=np.int64).reshape(a.shape)


#: Text a bool column reads as True / as False (any case); anything else is refused.
TRUE_TEXT = ("true", "yes", "y", "t", "1", "1.0")
FALSE_TEXT = ("false", "no", "n", "f", "0", "0.0", "")


def bool_column(values: Any, n: int, field: str) -> np.ndarray:
    """A bool states column: True/False, 1/0 or their text ("true", "yes", "1"; "false",
    "no", "0", ""); missing is False; anything else ("maybe", 2) raises.

    >>> bool_column(["yes", None, "0", True], 4, "nuclear")
    array([ True, False, False,  True])
    >>> bool_column(["maybe"], 1, "nuclear")
    Traceback (most recent call last):
    ...
    foederis.errors.WorldError: states column 'nuclear' row 0: 'maybe' is not true or false; ...
    """
    if values is None:
        return np.zeros(n, dtype=bool)
    if isinstance(values, (str, bytes)):
        raise WorldError(f"states column {shown(field)} must be an array, got {shown(values)}")
    s = pd.Series(values) if not isinstance(values, pd.Series) else values
    if len(s) != n:
        raise WorldError(f"states column {shown(field)} has {len(s)} rows, expected {n}")
    if s.dtype == bool:
        return s.to_numpy(dtype=bool).copy()
    out = np.zeros(n, dtype=bool)
    for r, v in enumerate(s.tolist()):
        if isinstance(v, (bool, np.bool_)):
            out[r] = bool(v)
        elif v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
            out[r] = False
        elif is_real(v) and v in (0, 1):
            out[r] = bool(v)
        elif isinstance(v, str) and v.strip().lower() in TRUE_TEXT + FALSE_TEXT:
            out[r] = v.strip().lower() in TRUE_TEXT
        else:
            raise WorldError(
                f"states column {shown(field)} row {r}: {shown(v)} is not true or false; valid "
                f"are True/False, 1/0 and the text {', '.join(TRUE_TEXT)} / "
                f"{', '.join(repr(t) for t in FALSE_TEXT)} (missing = False)")
    return out


def str_column(values: Any, n: int, field: str) -> np.ndarray:
    """A str states column, missing values as ''."""
    if values is None:
        return np.full(n, "", dtype="<U1")
    if isinstance(values, (str, bytes)):
        raise WorldError(f"states column {shown(field)} must be an array, got {shown(values)}")
    s = pd.Series(values) if not isinstance(values, pd.Series) else values
    if len(s) != n:
        raise WorldError(f"states column {shown(field)} has {len(s)} rows, expected {n}")
    vals = s.where(s.notna(), "").tolist()
    for r, v in enumerate(vals):
        if isinstance(v, bytes):
            raise WorldError(f"states column {field!r} row {r}: {shown(v)} is bytes; text "
                             "columns hold str")
    return np.asarray([v if isinstance(v, str) else str(v) for v in vals], dtype=str)


def check_table(df: Any, table: str) -> pd.DataFrame:
    """A pandas DataFrame with unique column names, or WorldError naming the table."""
    if not isinstance(df, pd.DataFrame):
        raise WorldError(f"the {table} table must be a pandas DataFrame, got "
                         f"{type(df).__name__}")
    dup = df.columns[df.columns.duplicated()]
    if len(dup):
        raise WorldError(f"the {table} table has the column {shown(dup[0])} more than once; "
                         "column names must be unique")
    return df


def numeric_column(col: pd.Series, name: str, table: str = "state", codes: Any = None,
                   valid: str = "") -> np.ndarray:
    """A table's numeric column as float64 (missing = NaN): real numbers, or text that
    reads as one (a CSV's "0.5"); anything else (a bool, a complex, 'abc', 10**400)
    raises naming the row, its state and the value as given ('abc', not nan)."""
    if col.dtype.kind in "iuf":
        return col.to_numpy(dtype=np.float64)
    out = np.empty(len(col), np.float64)
    for r, v in enumerate(col.tolist()):
        try:
            if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
                out[r] = np.nan
            elif isinstance(v, str) or is_real(v):
                out[r] = float(v)
            else:
                raise ValueError
        except (ValueError, OverflowError):
            who = f"state {shown(codes[r])} (row {r})" if codes is not None else f"{table} row {r}"
            raise WorldError(f"{who}: {name} {shown(v)} is not a "
                             f"{'finite ' if is_real(v) else ''}number{valid}") from None
    return out


#: The longest state code (characters): longer ones are refused before any array of codes
#: is made (one 20,000-character code among 10^5 states would need a 7.5 GiB array).
MAX_CODE_CHARS = 64


def check_codes(codes: Any) -> np.ndarray:
    """State codes as a str array, stripped. A code is a string (an integer is read as its
    text: 2 -> "2") of at most :data:`MAX_CODE_CHARS` characters; missing, empty,
    duplicate, over-long or non-text codes (bytes, floats, bools) raise, as does a single
    string in place of a sequence.

    >>> check_codes([" USA", "UKG"])
    array(['USA', 'UKG'], dtype='<U3')
    >>> check_codes(["USA", "UKG", "USA"])
    Traceback (most recent call last):
    ...
    foederis.errors.WorldError: duplicate state code 'USA' in rows 0, 2; state codes must be unique
    >>> check_codes("ABC")
    Traceback (most recent call last):
    ...
    foederis.errors.WorldError: codes must be a sequence of state codes, got the single string 'ABC'
    """
    if isinstance(codes, (str, bytes, np.str_)):
        raise WorldError(f"codes must be a sequence of state codes, got the single string "
                         f"{shown(codes)}")
    if isinstance(codes, pd.Series):
        s = codes.reset_index(drop=True)
    elif isinstance(codes, np.ndarray):
        if codes.ndim != 1:
            raise WorldError(f"codes must be 1-d, got an array of shape {codes.shape}")
        if codes.dtype.kind == "U" and codes.dtype.itemsize > 4 * MAX_CODE_CHARS:
            long = np.flatnonzero(np.char.str_len(codes) > MAX_CODE_CHARS)
            if len(long):
                _too_long(int(long[0]), str(codes[long[0]]))
        fast = _distinct_text_codes(codes)
        if fast is not None:
            return fast
        s = pd.Series(codes)
    else:
        try:
            s = pd.Series(list(codes), dtype=object)
        except TypeError:
            raise WorldError(f"codes must be a sequence of state codes (str), got "
                             f"{shown(codes)}") from None
    if s.dtype.kind not in "iuUO" and len(s):
        raise WorldError(f"state codes must be strings, got an array of {s.dtype} (row 0: "
                         f"{shown(s.iloc[0])})")
    if s.isna().any():
        i = int(np.flatnonzero(s.isna().to_numpy())[0])
        raise WorldError(f"states row {i}: the state code is missing; every state needs a code")
    if s.dtype.kind == "O":
        for i, v in enumerate(s.tolist()):
            if isinstance(v, str):
                if len(v) > MAX_CODE_CHARS:
                    _too_long(i, v)
            elif isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
                raise WorldError(f"states row {i}: state code {shown(v)} is a "
                                 f"{type(shown_type(v)).__name__}; codes are strings")
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
            f"duplicate state code {shown(code)} in rows {', '.join(map(str, at[:5]))}; "
            "state codes must be unique"
        )
    return arr


def _distinct_text_codes(codes: np.ndarray) -> np.ndarray | None:
    """A str array of codes stripped, when they are all non-empty and distinct, checked
    with numpy alone (no Python string per state: a tenth of the memory and time of the
    general path at 10^6 states); else None, and the general path names the problem.

    >>> _distinct_text_codes(np.array([" A", "BC"])), _distinct_text_codes(np.array(["A", "A "]))
    (array(['A', 'BC'], dtype='<U2'), None)
    """
    if codes.dtype.kind != "U" or codes.size == 0:
        return None
    arr = np.char.strip(codes)
    if (arr == "").any():
        return None
    ordered = np.sort(arr)
    if (ordered[1:] == ordered[:-1]).any():
        return None
    return arr.astype(f"<U{max(1, int(np.char.str_len(arr).max()))}")


def _too_long(i: int, code: str) -> None:
    raise WorldError(f"states row {i}: state code {shown(code)} has {len(code)} characters; "
                     f"codes have at most {MAX_CODE_CHARS}")


def treaty_column(values: Any) -> tuple[np.ndarray, tuple[str, ...]]:
    """A table's treaty per commitment (a name, several joined by "|", or missing) ->
    (index into the names per row, -1 for none; the names, sorted). A name is text (an
    integer id is read as its text); bytes, floats or objects raise naming the row.

    >>> treaty_column(["NATO", None, "", "AUKUS|NATO", 1234])
    (array([ 2, -1, -1,  1,  0]), ('1234', 'AUKUS|NATO', 'NATO'))
    """
    names: list = []
    for r, v in enumerate(list(values)):
        if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
            names.append(None)
        elif isinstance(v, str) or (isinstance(v, (int, np.integer))
                                    and not isinstance(v, (bool, np.bool_))):
            names.append(str(v) if str(v).strip() else None)
        else:
            raise WorldError(f"commitment row {r}: treaty {shown(v)} (a "
                             f"{type(shown_type(v)).__name__}) is not a treaty name; names "
                             "are text, several joined by '|'")
    codes_t, uniques = pd.factorize(pd.Series(names, dtype=object), sort=True)
    return codes_t.astype(np.int64), tuple(uniques)


def check_code(code: Any) -> str:
    """One state code asked for (a str; np.str_ read as str); a list, a number or None
    raises UnknownStateError saying a code is a string."""
    if isinstance(code, np.str_):
        return str(code)
    if not isinstance(code, str):
        raise UnknownStateError(f"a state code is a str (e.g. 'USA'), got {shown(code)} "
                                f"(a {type(code).__name__})")
    return code


def check_code_list(codes: Any) -> list[str]:
    """Several state codes asked for (:func:`check_code` each); one string or None in
    place of the list raises UnknownStateError."""
    if isinstance(codes, (str, bytes)) or not isinstance(codes, Iterable):
        raise UnknownStateError(f"codes must be a list of state codes, got {shown(codes)}")
    return [check_code(c) for c in codes]


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
            f"{table} row {r}: {field} {shown(values.iloc[r])} is not a state of this world; "
            f"add it to the states table (known codes include "
            f"{', '.join(map(str, index[:8]))}{', ...' if len(index) > 8 else ''})"
        )
    return idx.astype(np.int64)
