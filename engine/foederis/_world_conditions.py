"""Conditions on commitments: when a pledge falls due (issue 9; ATOP ``defco*`` codings).

Many commitments share a condition, so a World stores one int32 per edge (``condition``)
into a small table (:class:`ConditionTable`) whose row 0 is always the unconditional
pledge. The columns, as tables and graphs carry them:

- ``against``: the named adversaries, state codes joined by "|" ("" = any adversary).
  Codes that are not states of the world are kept as text (a state may be absent that
  year).
- ``location``: "" (anywhere), "protege" (only on the protege's own territory) or a
  region name.
- ``nonprovocation``: True when the pledge holds only if the protege did not provoke.
- ``min_attackers``: the pledge applies only against at least that many attackers
  (1 = any).
- ``adversary_unnamed``: True when the pledge holds only against an adversary the treaty
  describes without naming it (the US reading of SEATO: communist aggression only; ATOP
  ``defcoadv`` with no named state). ``against`` is then empty.

A world without conditions stores a zero per edge and the one-row table; its tables and
graphs carry no condition column.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from .errors import WorldError
from ._validate import shown
from ._world_storage import constant_column

__all__ = [
    "CONDITION_COLUMNS",
    "ConditionTable",
    "NO_CONDITIONS",
    "parse_against",
    "parse_location",
    "condition_ids",
    "single_condition",
    "append_condition",
    "settle_conditions",
    "condition_columns",
    "tables_equal",
]

#: The condition columns of a commitments table, in order.
CONDITION_COLUMNS = ("against", "location", "nonprovocation", "min_attackers",
                     "adversary_unnamed")
_SEP = "|"


class ConditionTable(NamedTuple):
    """The distinct conditions of a world; row 0 is the unconditional pledge.

    ``against`` and ``location`` are str arrays, ``nonprovocation`` bool,
    ``min_attackers`` int32 (>= 1), ``adversary_unnamed`` bool, one entry per condition.
    """

    against: np.ndarray
    location: np.ndarray
    nonprovocation: np.ndarray
    min_attackers: np.ndarray
    adversary_unnamed: np.ndarray

    def __len__(self) -> int:  # the number of conditions, not of fields
        return len(self.min_attackers)

    def row(self, i: int) -> dict[str, Any]:
        """Condition ``i`` as a dict of the four columns.

        >>> NO_CONDITIONS.row(0)
        {'against': '', 'location': '', 'nonprovocation': False, 'min_attackers': 1, 'adversary_unnamed': False}
        """
        return {
            "against": str(self.against[i]),
            "location": str(self.location[i]),
            "nonprovocation": bool(self.nonprovocation[i]),
            "min_attackers": int(self.min_attackers[i]),
            "adversary_unnamed": bool(self.adversary_unnamed[i]),
        }


def _table(against, location, nonprovocation, min_attackers, adversary_unnamed
           ) -> ConditionTable:
    t = ConditionTable(
        np.asarray(against, dtype=str).reshape(-1),
        np.asarray(location, dtype=str).reshape(-1),
        np.asarray(nonprovocation, dtype=bool).reshape(-1),
        np.asarray(min_attackers, dtype=np.int32).reshape(-1),
        np.asarray(adversary_unnamed, dtype=bool).reshape(-1),
    )
    for a in t:
        a.setflags(write=False)
    return t


NO_CONDITIONS = _table([""], [""], [False], [1], [False])


def parse_against(value: Any, where: str = "against") -> str:
    """Named adversaries -> canonical text: codes stripped, sorted, joined by "|".

    >>> parse_against("RUS| GMY"), parse_against(["AUH", "RUS", "AUH"]), parse_against(None)
    ('GMY|RUS', 'AUH|RUS', '')
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, (list, tuple, set, frozenset, np.ndarray)):
        parts = [str(v) for v in value]
    elif isinstance(value, str):
        parts = value.replace(",", _SEP).split(_SEP)
    else:
        raise WorldError(f"{where}: named adversaries must be state codes joined by '|' "
                         f"or a list of codes, got {shown(value)}")
    return _SEP.join(sorted({p.strip() for p in parts if p.strip()}))


def parse_location(value: Any, where: str = "location") -> str:
    """"" (anywhere), "protege" (any case) or a region name (stripped).

    >>> parse_location(" Protege "), parse_location(None), parse_location("Europe")
    ('protege', '', 'Europe')
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if not isinstance(value, str):
        raise WorldError(f"{where}: location must be '', 'protege' or a region name, got "
                         f"{shown(value)}")
    s = value.strip()
    return "protege" if s.lower() == "protege" else s


def _flag(value: Any, where: str) -> bool:
    if value is None or (isinstance(value, float) and value != value):
        return False
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer, float, np.floating)) and value in (0, 1):
        return bool(value)
    s = str(value).strip().lower()
    if s in ("1", "true", "yes", "y", "t", "1.0"):
        return True
    if s in ("", "0", "false", "no", "n", "f", "0.0"):
        return False
    raise WorldError(f"{where} must be true or false, got {shown(value)}")


def _min_attackers(value: Any, where: str) -> int:
    if value is None or (isinstance(value, float) and value != value) or value == "":
        return 1
    try:
        x = float(value)
    except (TypeError, ValueError):
        x = float("nan")
    if isinstance(value, (bool, np.bool_)) or not (x == x and x == int(x) and x >= 1):
        raise WorldError(f"{where}: min_attackers must be an integer >= 1 (1 = any number of "
                         f"attackers), got {shown(value)}")
    return int(x)


def _per_row(values: Any, m: int, field: str) -> list | None:
    if values is None:
        return None
    s = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    if len(s) != m:
        raise WorldError(f"{field} has {len(s)} entries, expected one per commitment ({m})")
    return s.tolist()


def condition_ids(
    m: int,
    against: Any = None,
    location: Any = None,
    nonprovocation: Any = None,
    min_attackers: Any = None,
    adversary_unnamed: Any = None,
) -> tuple[np.ndarray | None, ConditionTable]:
    """Per-edge condition columns (one entry per commitment row, or None) -> one id per
    row into a table; (None, NO_CONDITIONS) when no column is given. Each distinct value
    is checked once; errors name the commitment row.

    >>> ids, table = condition_ids(3, against=["RUS", None, "RUS"], min_attackers=[1, 2, 1])
    >>> ids.tolist(), table.against.tolist(), table.min_attackers.tolist()
    ([2, 1, 2], ['', '', 'RUS'], [1, 2, 1])
    """
    given = (against, location, nonprovocation, min_attackers, adversary_unnamed)
    cols = [_per_row(v, m, f) for v, f in zip(given, CONDITION_COLUMNS)]
    if all(c is None for c in cols):
        return None, NO_CONDITIONS
    parsers = (parse_against, parse_location, _flag, _min_attackers, _flag)
    defaults = ("", "", False, 1, False)
    nc = len(CONDITION_COLUMNS)
    codes, uniques = [], []
    for col, parse, default, field in zip(cols, parsers, defaults, CONDITION_COLUMNS):
        if col is None:
            codes.append(np.zeros(m, np.int64))
            uniques.append([default])
            continue
        key = pd.Series([repr(v) if isinstance(v, (list, tuple, set)) else v for v in col],
                        dtype=object)
        c, u = pd.factorize(key, use_na_sentinel=False)
        first = pd.Series(np.arange(m)).groupby(c).first().to_numpy()
        vals = []
        for j, r in enumerate(first.tolist()):
            vals.append(parse(col[r], f"commitment row {r}: {field}"))
        codes.append(c.astype(np.int64))
        uniques.append(vals)
    # canonical values can coincide (" RUS" and "RUS"): renumber each column by value
    for i in range(nc):
        vals, inv = np.unique(np.asarray(uniques[i], dtype=object).astype(str)
                              if i < 2 else np.asarray(uniques[i]), return_inverse=True)
        codes[i] = inv.reshape(-1)[codes[i]]
        uniques[i] = vals
    key = codes[0]
    for i in range(1, nc):
        key = key * len(uniques[i]) + codes[i]
    keys, inv = np.unique(key, return_inverse=True)
    parts = []
    rest = keys
    for i in reversed(range(nc)):
        parts.append(rest % len(uniques[i]))
        rest = rest // len(uniques[i])
    parts = parts[::-1]
    table = _table(*(np.asarray(uniques[i])[parts[i]] for i in range(nc)))
    both = np.flatnonzero(table.adversary_unnamed & (table.against != ""))
    if len(both):
        r = int(np.flatnonzero(np.isin(inv.reshape(-1), both))[0])
        raise WorldError(f"commitment row {r}: adversary_unnamed holds for an adversary the "
                         f"treaty does not name, so against must be empty (got "
                         f"{shown(str(table.against[both[0]]))})")
    table = append_condition(NO_CONDITIONS, table)
    return (inv.reshape(-1) + 1).astype(np.int32), table


def single_condition(
    against: Any = None, location: Any = None, nonprovocation: Any = False, min_attackers: Any = 1,
    adversary_unnamed: Any = False, where: str = "condition",
) -> ConditionTable:
    """One condition, checked, as a one-row table (for edits).

    >>> single_condition(against=["RUS"], min_attackers=2).row(0)["min_attackers"]
    2
    >>> single_condition(against="RUS", adversary_unnamed=True)
    Traceback (most recent call last):
    ...
    foederis.errors.WorldError: condition: adversary_unnamed holds for an adversary the treaty does not name, so against must be empty (got 'RUS')
    """
    a = parse_against(against, f"{where}: against")
    unnamed = _flag(adversary_unnamed, f"{where}: adversary_unnamed")
    if unnamed and a:
        raise WorldError(f"{where}: adversary_unnamed holds for an adversary the treaty does "
                         f"not name, so against must be empty (got {shown(a)})")
    return _table(
        [a],
        [parse_location(location, f"{where}: location")],
        [_flag(nonprovocation, f"{where}: nonprovocation")],
        [_min_attackers(min_attackers, f"{where}: min_attackers")],
        [unnamed],
    )


def append_condition(table: ConditionTable, more: ConditionTable) -> ConditionTable:
    """The rows of ``table`` then those of ``more`` (ids into ``more`` shift by len(table))."""
    return _table(*(np.r_[a, b] for a, b in zip(table, more)))


def _loosest(table: ConditionTable, ids: np.ndarray) -> tuple:
    """The loosest of several conditions on one commitment (merged duplicates: the pledge
    falls due when any of them would): any adversary if one names none (and is not
    restricted to an unnamed one), else the union of the named; the location if all
    agree, else anywhere; non-provocation only if all ask it; the fewest attackers."""
    against = [str(table.against[i]) for i in ids]
    unnamed = table.adversary_unnamed[ids]
    free = [a == "" and not u for a, u in zip(against, unnamed.tolist())]
    named = sorted({c for a in against if a for c in a.split(_SEP)})
    loc = {str(table.location[i]) for i in ids}
    return (
        "" if any(free) else _SEP.join(named),
        loc.pop() if len(loc) == 1 else "",
        bool(table.nonprovocation[ids].all()),
        int(table.min_attackers[ids].min()),
        bool(unnamed.all()),
    )


def settle_conditions(
    ids: np.ndarray | None,
    table: ConditionTable,
    edge_of_row: np.ndarray | None,
    m_out: int,
) -> tuple[np.ndarray, ConditionTable]:
    """The stored ``condition`` (int32 per edge) and canonical table for input rows
    ``ids`` mapped to edges by ``edge_of_row`` (None: the identity): rows merged into
    one edge take the loosest of their conditions; the table keeps row 0 unconditional,
    then the conditions in use in sorted order, each once.

    >>> t = single_condition(against="RUS")
    >>> ids, table = settle_conditions(np.array([1, 0]), append_condition(NO_CONDITIONS, t),
    ...                                None, 2)
    >>> ids.tolist(), table.against.tolist()
    ([1, 0], ['', 'RUS'])
    """
    if ids is None or (len(table) == 1):
        return constant_column(0, m_out, np.int32), NO_CONDITIONS
    ids = np.asarray(ids, np.int64)
    if edge_of_row is None:
        out = ids.copy()
    else:
        out = np.zeros(m_out, np.int64)
        out[edge_of_row] = ids
        # merged edges whose rows disagree: the loosest condition, few and far between
        lo = np.full(m_out, np.iinfo(np.int64).max)
        np.minimum.at(lo, edge_of_row, ids)
        hi = np.full(m_out, -1)
        np.maximum.at(hi, edge_of_row, ids)
        mixed = np.flatnonzero(lo != hi)
        if len(mixed):
            rows_of = pd.Series(ids).groupby(edge_of_row).unique()
            extra = [_loosest(table, np.asarray(rows_of[e], np.int64)) for e in mixed.tolist()]
            more = _table(*zip(*extra))
            out[mixed] = len(table) + np.arange(len(mixed))
            table = append_condition(table, more)
    # canonical table: row 0 unconditional, then the used conditions sorted, each once
    frame = pd.DataFrame({c: np.asarray(a) for c, a in zip(CONDITION_COLUMNS, table)})
    frame.loc[-1] = ["", "", False, 1, False]  # the unconditional row, first after sorting
    frame["_row"] = frame.index
    used = np.unique(out)
    frame = frame[frame["_row"].isin(used) | (frame["_row"] == -1)]
    uncond = ((frame["against"] == "") & (frame["location"] == "") & ~frame["nonprovocation"]
              & (frame["min_attackers"] == 1) & ~frame["adversary_unnamed"])
    frame = frame.assign(_u=~uncond).sort_values(["_u", *CONDITION_COLUMNS, "_row"])
    keyed = frame[list(CONDITION_COLUMNS)].astype(str).agg("\x1f".join, axis=1)
    new_id = pd.factorize(keyed)[0]
    remap = np.zeros(len(table) + 1, np.int64)
    remap[frame["_row"].to_numpy()] = new_id  # row -1 lands in the spare last slot
    firsts = ~keyed.duplicated().to_numpy()
    kept = frame[firsts]
    new = _table(*(kept[c].to_numpy() for c in CONDITION_COLUMNS))
    if len(new) == 1:
        return constant_column(0, m_out, np.int32), NO_CONDITIONS
    return remap[out].astype(np.int32), new


def condition_columns(condition: np.ndarray, table: ConditionTable) -> dict[str, np.ndarray]:
    """The four condition columns, one entry per edge (for tables and graphs).

    >>> cols = condition_columns(np.array([0, 1], np.int32),
    ...                          append_condition(NO_CONDITIONS, single_condition("RUS")))
    >>> cols["against"].tolist(), cols["min_attackers"].tolist()
    (['', 'RUS'], [1, 1])
    """
    return {
        "against": np.asarray(table.against, dtype=object)[condition],
        "location": np.asarray(table.location, dtype=object)[condition],
        "nonprovocation": table.nonprovocation[condition],
        "min_attackers": table.min_attackers[condition].astype(np.int64),
        "adversary_unnamed": table.adversary_unnamed[condition],
    }


def tables_equal(a: ConditionTable, b: ConditionTable) -> bool:
    """Whether two condition tables hold the same conditions in the same order."""
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))
