"""The war cases of the back-test (:mod:`foederis.backtest`): read, validated, tabled.

Cases come with the package (:func:`load_cases` with no argument: 19 Correlates of War
inter-state wars with three or more participants, ``cases_citation()`` says what to cite)
or from the user: a JSON file or dict in the same format, or a table with one row per
participant (:func:`cases_frame` shows it).
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from .errors import FoederisError
from ._validate import shown

__all__ = ["CaseError", "ERA_YEAR", "WarCase", "cases_citation", "cases_frame", "load_cases"]

ERA_YEAR = 1945
SIDES = ("A", "D")
_CASE_FIELDS = {"case_id", "cow_warnum", "name", "rsh_larger_war", "onset_year", "onset_date",
                "initiators", "targets", "joiners", "winner", "notes"}
_ORIGINAL_FIELDS = {"ccode", "stateabb", "code", "name"}
_JOINER_FIELDS = _ORIGINAL_FIELDS | {"side", "entry_year", "entry_date", "rsh_entry_role"}
_TOP_FIELDS = {"description", "citation", "scoring", "rules", "cases"}
_TABLE_COLUMNS = {"case_id", "state", "role", "side", "entry_date", "entry_year", "name",
                  "onset_year", "onset_date"}
_ROLES = {"initiator": "A", "original-a": "A", "target": "D", "original-d": "D",
          "joiner": None}
class CaseError(FoederisError, ValueError):
    """A war case (or a table of cases) that is malformed: the message names the case and
    the field."""


# --------------------------------------------------------------------------------------
# cases
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WarCase:
    """One war: its originals and its joiners, each ``(code, side, entry_date, entry_year)``:
    side "A" is the initiators', "D" the targets'; ``entry_date`` an ISO date or None;
    ``entry_year`` the year it entered (from the date when not given) or None."""

    case_id: str
    name: str
    onset_year: int
    onset_date: str | None
    initiators: tuple[str, ...]
    targets: tuple[str, ...]
    joiners: tuple[tuple[str, str, str | None, int | None], ...]

    @property
    def era(self) -> str:
        """``"before 1945"`` or ``"from 1945"`` (by onset year)."""
        return f"before {ERA_YEAR}" if self.onset_year < ERA_YEAR else f"from {ERA_YEAR}"


def _iso(value: Any, where: str) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value == "":
        return None
    try:
        return _dt.date.fromisoformat(str(value)[:10]).isoformat()
    except ValueError:
        raise CaseError(f"{where}: {shown(value)} is not a date YYYY-MM-DD") from None


def _year(value: Any, where: str) -> int | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    try:
        y = int(value)
    except (TypeError, ValueError):
        raise CaseError(f"{where}: {shown(value)} is not a year") from None
    if y != float(value):
        raise CaseError(f"{where}: {shown(value)} is not a whole year")
    return y


def _code(p: Any, where: str, fields: set) -> str:
    if not isinstance(p, dict):
        raise CaseError(f"{where}: a participant must be an object with 'stateabb' (or "
                        f"'code'), got {shown(p)}")
    bad = sorted(set(p) - fields)
    if bad:
        raise CaseError(f"{where}: unknown field {shown(bad[0])}; fields are "
                        f"{', '.join(sorted(fields))}")
    code = p.get("stateabb", p.get("code"))
    if not isinstance(code, str) or not code.strip():
        raise CaseError(f"{where}: needs a state code in 'stateabb' (or 'code'), got {shown(code)}")
    return code.strip()


def _side(value: Any, where: str) -> str:
    s = str(value).strip().upper() if value is not None else ""
    if s not in SIDES:
        raise CaseError(f"{where}: side must be 'A' (the initiators') or 'D' (the targets'), "
                        f"got {shown(value)}")
    return s


def _joiner(code: str, side: Any, date: Any, year: Any, where: str) -> tuple:
    side = _side(side, f"{where}, side")
    date = _iso(date, f"{where}, entry_date")
    year = _year(year, f"{where}, entry_year")
    if date is not None and year is not None and int(date[:4]) != year:
        raise CaseError(f"{where}, entry_year: {year} is not the year of entry_date {date}")
    return code, side, date, year if year is not None else (int(date[:4]) if date else None)


def _make_case(cid: str, name: Any, year: Any, date: Any, initiators: list, targets: list,
               joiners: list) -> WarCase:
    where = f"case {cid!r}"
    date = _iso(date, f"{where}, onset_date")
    year = _year(year, f"{where}, onset_year")
    if year is None:
        if date is None:
            raise CaseError(f"{where}: needs onset_year or onset_date")
        year = int(date[:4])
    elif date is not None and int(date[:4]) != year:
        raise CaseError(f"{where}: onset_date {date} is not in onset_year {year}")
    for code, _, jdate, jyear in joiners:
        if (jdate or "9999") < (date or "") or (jyear or year) < year:
            raise CaseError(f"{where}, joiners ({code}): it enters ({jdate or jyear}) before "
                            f"the onset ({date or year})")
    for field, codes in (("initiators", initiators), ("targets", targets)):
        if not codes:
            raise CaseError(f"{where}, {field}: missing; a war needs at least one original "
                            f"initiator and one original target")
    seen: dict[str, str] = {}
    for field, codes in (("initiators", initiators), ("targets", targets),
                         ("joiners", [j[0] for j in joiners])):
        for c in codes:
            if c in seen:
                raise CaseError(f"{where}, {field}: {shown(c)} is listed twice (also in "
                                f"{seen[c]}); a state takes part once, on one side")
            seen[c] = field
    if name is None or (isinstance(name, float) and np.isnan(name)):
        name = ""
    return WarCase(str(cid), str(name), year, date, tuple(initiators),
                   tuple(targets), tuple(joiners))


def _case_from_dict(d: Any, i: int) -> WarCase:
    if not isinstance(d, dict):
        raise CaseError(f"cases[{i}]: a case must be an object, got {type(d).__name__}")
    cid = d.get("case_id")
    if cid is None or str(cid).strip() == "":
        raise CaseError(f"cases[{i}]: case_id is missing")
    where = f"case {cid!r}"
    bad = sorted(set(d) - _CASE_FIELDS)
    if bad:
        raise CaseError(f"{where}: unknown field {shown(bad[0])}; fields are "
                        f"{', '.join(sorted(_CASE_FIELDS))}")
    lists = {}
    for field in ("initiators", "targets", "joiners"):
        v = d.get(field, [])
        if v is None or isinstance(v, (str, dict)) or not hasattr(v, "__iter__"):
            raise CaseError(f"{where}, {field}: must be a list of participants, got {shown(v)}")
        lists[field] = list(v)
    ini = [_code(p, f"{where}, initiators[{k}]", _ORIGINAL_FIELDS)
           for k, p in enumerate(lists["initiators"])]
    tgt = [_code(p, f"{where}, targets[{k}]", _ORIGINAL_FIELDS)
           for k, p in enumerate(lists["targets"])]
    joiners = []
    for k, p in enumerate(lists["joiners"]):
        w = f"{where}, joiners[{k}]"
        code = _code(p, w, _JOINER_FIELDS)
        joiners.append(_joiner(code, p.get("side"), p.get("entry_date"), p.get("entry_year"),
                               f"{w} ({code})"))
    return _make_case(cid, d.get("name"), d.get("onset_year"), d.get("onset_date"), ini, tgt,
                      joiners)


def _cases_from_table(df: Any) -> tuple[WarCase, ...]:
    import pandas as pd

    df = pd.DataFrame(df)
    bad = sorted(set(map(str, df.columns)) - _TABLE_COLUMNS)
    if bad:
        raise CaseError(f"cases table: unknown column {shown(bad[0])}; columns are "
                        f"{', '.join(sorted(_TABLE_COLUMNS))}")
    for col in ("case_id", "state", "role"):
        if col not in df.columns:
            raise CaseError(f"cases table: column {shown(col)} is missing (one row per "
                            f"participant: case_id, state, role, side, entry_date)")
    out = []
    for cid, rows in df.groupby(df["case_id"].astype(str), sort=False):
        ini, tgt, joiners, dates, years = [], [], [], [], []
        for r in rows.itertuples(index=False):
            r = r._asdict()
            where = f"case {cid!r}, state {r['state']!r}"
            role = str(r["role"]).strip().lower()
            if role not in _ROLES:
                raise CaseError(f"{where}, role: {shown(r['role'])} is not one of initiator, "
                                f"target, joiner (or original-A, original-D)")
            if not isinstance(r["state"], str) or not r["state"].strip():
                raise CaseError(f"case {shown(cid)}, state: {shown(r['state'])} is not a state code")
            side_given = r.get("side")
            if isinstance(side_given, float) and np.isnan(side_given):
                side_given = None
            date = _iso(r.get("entry_date"), f"{where}, entry_date")
            if _ROLES[role] is None:
                joiners.append(_joiner(r["state"].strip(), side_given, date,
                                       r.get("entry_year"), where))
                continue
            if side_given is not None and _side(side_given, f"{where}, side") != _ROLES[role]:
                raise CaseError(f"{where}, side: a {role} is on side {_ROLES[role]}, got "
                                f"{shown(side_given)}")
            (ini if _ROLES[role] == "A" else tgt).append(r["state"].strip())
            dates += [date] if date else []
            years += [y for y in (_year(r.get("entry_year"), f"{where}, entry_year"),) if y]
        first = rows.iloc[0]
        onset_date = first.get("onset_date") if "onset_date" in rows else None
        onset_date = (_iso(onset_date, f"case {cid!r}, onset_date")
                      or (min(dates) if dates else None))
        onset_year = first.get("onset_year") if "onset_year" in rows else None
        if _year(onset_year, f"case {cid!r}, onset_year") is None and years and not onset_date:
            onset_year = min(years)
        out.append(_make_case(cid, first.get("name"), onset_year, onset_date, ini, tgt, joiners))
    return tuple(out)


@lru_cache(maxsize=1)
def _shipped() -> dict:
    f = resources.files("foederis").joinpath("_data", "war_cases_calibration.json")
    return json.loads(f.read_text(encoding="utf-8"))


def cases_citation() -> str:
    """What a paper using the shipped calibration cases must cite (one reference a line).

    >>> print(cases_citation().splitlines()[0][:32])
    Sarkees, Meredith Reid and Frank
    """
    return "\n".join(_shipped()["citation"])


def load_cases(cases: Any = None) -> tuple[WarCase, ...]:
    """Read and validate war cases.

    Parameters
    ----------
    cases : None, path, dict, DataFrame or sequence of WarCase
        None: the calibration cases shipped with foederis (19 COW inter-state wars with
        three or more participants; their ``rules`` field says how they were extracted).
        A path to a JSON file, or its parsed dict: ``{"cases": [...]}`` (or the list
        alone; other top-level fields: ``description``, ``citation``, ``scoring``,
        ``rules``), each case
        ``{"case_id", "name", "onset_year", "onset_date", "initiators": [{"stateabb": "GMY"}],
        "targets": [...], "joiners": [{"stateabb": "UKG", "side": "D", "entry_date":
        "1939-09-03"}]}``. A path ending in ``.csv``, or a pandas DataFrame: one row per
        participant with columns ``case_id``, ``state`` (code), ``role`` (``initiator``,
        ``target`` or ``joiner``; also ``original-A``, ``original-D``), ``side`` (``A`` or
        ``D``; required for joiners), ``entry_date`` (ISO date), optional ``name``,
        ``onset_year``, ``onset_date``, ``entry_year`` (the onset is the originals' earliest
        entry date when not given).

    Returns
    -------
    tuple of WarCase

    Raises
    ------
    CaseError
        An unknown field or column, a bad side, role or date, missing originals, a state
        listed twice, a repeated case_id; the message names the case and the field.

    Examples
    --------
    >>> cases = load_cases()
    >>> len(cases), cases[0].case_id, cases[0].initiators, cases[0].joiners[0]
    (19, 'COW10', ('ITA',), ('TUS', 'A', '1848-03-29', 1848))
    """
    import pandas as pd

    if cases is None:
        cases = _shipped()
    if isinstance(cases, (str, os.PathLike)):
        path = os.fspath(cases)
        try:
            if path.lower().endswith(".csv"):
                cases = pd.read_csv(path, dtype={"case_id": str, "state": str})
            else:
                with open(path, encoding="utf-8") as f:
                    cases = json.load(f)
        except OSError as e:
            raise CaseError(f"cases file {shown(path)}: cannot read it ({e.strerror})") from None
        except (ValueError, pd.errors.ParserError) as e:
            raise CaseError(f"cases file {shown(path)}: not valid JSON or CSV ({e})") from None
    if isinstance(cases, pd.DataFrame):
        out = _cases_from_table(cases)
    elif isinstance(cases, dict):
        bad = sorted(set(cases) - _TOP_FIELDS)
        if bad:
            raise CaseError(f"cases: unknown top-level field {shown(bad[0])}; fields are "
                            f"{', '.join(sorted(_TOP_FIELDS))}")
        raw = cases.get("cases")
        if not isinstance(raw, list):
            raise CaseError("cases: the 'cases' field must be a list of cases")
        out = tuple(_case_from_dict(d, i) for i, d in enumerate(raw))
    elif isinstance(cases, (list, tuple)) and all(isinstance(c, WarCase) for c in cases):
        out = tuple(cases)
    elif isinstance(cases, (list, tuple)) and all(isinstance(c, dict) for c in cases):
        out = tuple(_case_from_dict(d, i) for i, d in enumerate(cases))
    else:
        raise CaseError("cases must be None (the shipped cases), a path to a JSON or CSV file, "
                        "a dict, a pandas DataFrame or WarCase objects; got "
                        f"{type(cases).__name__}")
    if not out:
        raise CaseError("cases: there are none; give at least one war")
    ids = [c.case_id for c in out]
    dup = next((c for c in ids if ids.count(c) > 1), None)
    if dup is not None:
        raise CaseError(f"case {shown(dup)}: case_id is repeated; each war needs its own")
    return out


def cases_frame(cases: Any = None) -> Any:
    """The cases as a table, one row per participant (the format :func:`load_cases` reads):
    ``case_id``, ``name``, ``onset_year``, ``onset_date``, ``state``, ``role``, ``side``,
    ``entry_date`` (originals enter on the onset date).

    >>> cases_frame().iloc[0].to_dict()["role"]
    'initiator'
    """
    import pandas as pd

    rows = []
    for c in load_cases(cases):
        base = {"case_id": c.case_id, "name": c.name, "onset_year": c.onset_year,
                "onset_date": c.onset_date}
        rows += [{**base, "state": s, "role": "initiator", "side": "A",
                  "entry_date": c.onset_date} for s in c.initiators]
        rows += [{**base, "state": s, "role": "target", "side": "D",
                  "entry_date": c.onset_date} for s in c.targets]
        rows += [{**base, "state": s, "role": "joiner", "side": side, "entry_date": d,
                  "entry_year": y} for s, side, d, y in c.joiners]
    return pd.DataFrame(rows)
