"""Building a World's arrays from user input, and the checks on them.

:func:`world_parts` turns plain arrays into the validated, read-only arrays a World
stores (states, the commitment CSR by guarantor, the rivalry CSR); :func:`frame_arrays`
reads pandas tables into those arrays. Each bad input raises :class:`foederis.WorldError`
naming the row and what is valid.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ._constants import ALL_DOMAINS, DEFAULT_DOMAINS, KIND_NAMES
from ._validate import readonly, shown
from ._world_columns import (
    MERGE_RULES,
    STATE_FIELDS,
    bool_column,
    check_codes,
    check_table,
    codes_to_index,
    float_column,
    index_column,
    kind_code,
    numeric_column,
    parse_domains,
    real_array,
    str_column,
    treaty_column,
)
from ._world_conditions import (
    CONDITION_COLUMNS,
    NO_CONDITIONS,
    ConditionTable,
    condition_ids,
    settle_conditions,
)
from ._world_context import (
    EXTRA_STATE_COLUMNS,
    build_contiguity,
    check_date,
    check_measure_name,
    contiguity_from_frame,
    extra_state_columns,
)
from ._world_provenance import resolve_treaties
from ._world_storage import compact, constant_column, csr_indptr, duplicate_rows, edge_order
from .errors import WorldError

__all__ = ["world_parts", "build_edges", "build_rivalries", "frame_arrays", "edges_from_frame"]


def world_parts(
    codes: Any,
    capability: Any,
    guarantor: Any = (),
    protege: Any = (),
    kind: Any = (),
    *,
    credibility: Any = None,
    domains: Any = None,
    treaty: Any = None,
    treaty_names: Any = (),
    against: Any = None,
    location: Any = None,
    nonprovocation: Any = None,
    min_attackers: Any = None,
    adversary_unnamed: Any = None,
    names: Any = None,
    gdp: Any = None,
    defense_spending: Any = None,
    nuclear: Any = None,
    region: Any = None,
    global_reach: Any = None,
    threshold: Any = None,
    rivalry_source: Any = None,
    rivalry_target: Any = None,
    hostility: Any = None,
    contiguity_a: Any = None,
    contiguity_b: Any = None,
    conttype: Any = None,
    name: str = "custom",
    citation: str = "",
    description: str = "",
    merge: str | None = None,
    date: Any = None,
    capability_measure: str = "capability",
    **extra_columns: Any,
) -> dict[str, Any]:
    """The checked parts of a World (see :meth:`foederis.World.from_arrays`): a dict of
    read-only arrays and names, one entry per stored field.

    >>> parts = world_parts(["A", "B"], [1.0, 2.0], [1], [0], ["ENTENTE"])
    >>> parts["indptr"].tolist(), parts["indices"].tolist(), parts["kind"].tolist()
    ([0, 0, 1], [0], [3])
    >>> parts["capability"].flags.writeable
    False
    """
    codes_arr = check_codes(codes)
    n = len(codes_arr)
    cap = float_column(capability, n, "capability", 0.0)
    bad = ~np.isfinite(cap) | (cap < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise WorldError(
            f"state '{codes_arr[i]}' (row {i}): capability {shown(float(cap[i]))} is invalid; "
            "capability must be a finite number >= 0"
        )
    thr = float_column(threshold, n, "threshold", np.nan)
    badt = ~np.isnan(thr) & ~(np.isfinite(thr) & (thr > 0))
    if badt.any():
        i = int(np.flatnonzero(badt)[0])
        raise WorldError(
            f"state '{codes_arr[i]}' (row {i}): threshold {shown(float(thr[i]))} is invalid; "
            "a threshold must be a positive finite number (or missing for the default)"
        )
    gdp_a = float_column(gdp, n, "gdp", np.nan)
    dsp_a = float_column(defense_spending, n, "defense_spending", np.nan)
    for field, arr in (("gdp", gdp_a), ("defense_spending", dsp_a)):
        badg = arr < 0
        if badg.any():
            i = int(np.flatnonzero(badg)[0])
            raise WorldError(
                f"state '{codes_arr[i]}' (row {i}): {field} {shown(float(arr[i]))} is negative; "
                "it must be >= 0 or missing"
            )
    names_a = codes_arr if names is None else str_column(names, n, "name")  # both read-only
    if names is not None:
        empty = names_a == ""
        if empty.any():
            names_a = np.where(empty, codes_arr, names_a)
    parts: dict[str, Any] = dict(
        codes=codes_arr,
        names=names_a,
        capability=cap,
        gdp=gdp_a,
        defense_spending=dsp_a,
        nuclear=bool_column(nuclear, n, "nuclear"),
        region=str_column(region, n, "region"),
        global_reach=bool_column(global_reach, n, "global_reach"),
        threshold=thr,
        has_reach_column=global_reach is not None,
        name=str(name),
        _citation=str(citation),
        description=str(description),
        history=(),
    )
    for k in ("gdp", "defense_spending", "region"):  # one value when not given
        parts[k] = compact(parts[k])
    for k in STATE_FIELDS:
        readonly(parts[k])
    guarantor = index_column(guarantor, "commitment guarantor", narrow=True)
    cond, ctable = condition_ids(
        guarantor.size, against, location, nonprovocation, min_attackers,
        adversary_unnamed,
    )
    parts.update(
        build_edges(
            codes_arr,
            guarantor,
            protege,
            kind,
            credibility,
            domains,
            treaty,
            tuple(str(t) for t in treaty_names),
            merge,
            condition=cond,
            conditions=ctable,
        )
    )
    parts.update(build_rivalries(codes_arr, rivalry_source, rivalry_target, hostility))
    unknown = sorted(set(extra_columns) - set(EXTRA_STATE_COLUMNS))
    if unknown:
        raise WorldError(f"unknown state column(s) {', '.join(unknown)}; the optional float "
                         f"columns are {', '.join(EXTRA_STATE_COLUMNS)}")
    cols, given = extra_state_columns(extra_columns, n, codes_arr)
    parts.update(cols, given_columns=given)
    parts.update(build_contiguity(codes_arr, contiguity_a, contiguity_b, conttype))
    parts.update(date=check_date(date), capability_measure=check_measure_name(capability_measure))
    return parts


def build_edges(
    codes: np.ndarray,
    guarantor: Any,
    protege: Any,
    kind: Any,
    credibility: Any,
    domains: Any,
    treaty: Any,
    treaty_names: tuple[str, ...],
    merge: str | None,
    also_row: np.ndarray | None = None,
    also_id: np.ndarray | None = None,
    condition: np.ndarray | None = None,
    conditions: ConditionTable = NO_CONDITIONS,
) -> dict[str, Any]:
    """The commitment CSR by guarantor, sorted by (guarantor, protege, kind), checked,
    duplicates merged by ``merge``, treaties renumbered in name order.

    >>> codes = np.array(["A", "B", "C"])
    >>> e = build_edges(codes, [2, 0, 0], [0, 2, 1], [0, 0, 0], [0.5, 1.0, 1.0], None,
    ...                 [1, 0, -1], ("Zeta", "Alpha"), None)
    >>> e["indptr"].tolist(), e["indices"].tolist(), e["treaty"].tolist(), e["treaty_names"]
    ([0, 2, 2, 3], [1, 2, 0], [-1, 1, 0], ('Alpha', 'Zeta'))
    >>> build_edges(codes, [0, 0], [1, 1], [0, 0], None, None, None, (), None)
    Traceback (most recent call last):
    ...
    foederis.errors.WorldError: duplicate commitment A -> B DEFENSE in rows 0 and 1; give merge='max' ...
    """
    n = len(codes)
    g = index_column(guarantor, "commitment guarantor", narrow=True)  # int32 if given so
    p = index_column(protege, "commitment protege", narrow=True)
    m = g.size
    if g.shape != (m,) or p.shape != (m,):
        raise WorldError(
            f"guarantor and protege must be 1-d arrays of equal length, got {g.shape} and "
            f"{p.shape}"
        )
    for field, a in (("guarantor", g), ("protege", p)):
        bad = (a < 0) | (a >= n)
        if bad.any():
            r = int(np.flatnonzero(bad)[0])
            raise WorldError(
                f"commitment row {r}: {field} index {int(a[r])} names no state; valid "
                f"indices are 0..{n - 1}"
            )
    selfc = g == p
    if selfc.any():
        r = int(np.flatnonzero(selfc)[0])
        raise WorldError(
            f"commitment row {r}: '{codes[g[r]]}' commits to itself; a state cannot be its "
            "own guarantor"
        )
    try:
        k = np.asarray(kind)
    except (ValueError, TypeError):
        raise WorldError("kind must be a 1-d array of kind names or codes") from None
    if k.shape != (m,):
        raise WorldError(f"kind has shape {k.shape}, expected ({m},)")
    if m and k.dtype.kind not in "iuUO":
        raise WorldError(f"commitment row 0: kind {shown(k[0])} is not a kind name or code; "
                         f"valid kinds are {', '.join(KIND_NAMES)}")
    if m and k.dtype.kind == "O" and all(isinstance(v, (int, np.integer))
                                         and not isinstance(v, (bool, np.bool_))
                                         for v in k.tolist()):
        k = index_column(k, "commitment kind")  # kind codes
    if m and k.dtype.kind == "O" and not all(isinstance(v, str) for v in k.tolist()):
        r = next(r for r, v in enumerate(k.tolist()) if not isinstance(v, str))
        raise WorldError(f"commitment row {r}: kind {shown(k[r])} is not a kind name; valid "
                         f"kinds are {', '.join(KIND_NAMES)}")
    if m and not np.issubdtype(k.dtype, np.integer):
        uniq, inv = np.unique(k.astype(str), return_inverse=True)
        codes_u = np.empty(len(uniq), dtype=np.uint8)
        for j, u in enumerate(uniq.tolist()):
            try:
                codes_u[j] = kind_code(u)
            except WorldError:
                r = int(np.flatnonzero(inv == j)[0])
                raise WorldError(
                    f"commitment row {r}: unknown kind {shown(u)}; valid kinds are "
                    f"{', '.join(KIND_NAMES)}"
                ) from None
        k = codes_u[inv.reshape(-1)]
    else:
        bad = (k < 0) | (k >= len(KIND_NAMES)) if m else np.zeros(0, bool)
        if bad.any():
            r = int(np.flatnonzero(bad)[0])
            raise WorldError(
                f"commitment row {r}: unknown kind code {int(k[r])}; valid codes are "
                f"0..{len(KIND_NAMES) - 1} ({', '.join(KIND_NAMES)})"
            )
        k = k.astype(np.uint8)
    if credibility is None:
        c = np.ones(m, dtype=np.float64)
    else:
        c = real_array(credibility, "commitment credibility")
        if c.shape != (m,):
            raise WorldError(f"credibility has shape {c.shape}, expected ({m},)")
        bad = ~((c >= 0) & (c <= 1))
        if bad.any():
            r = int(np.flatnonzero(bad)[0])
            raise WorldError(
                f"commitment row {r} ({codes[g[r]]} -> {codes[p[r]]}): credibility "
                f"{shown(float(c[r]))} is invalid; credibility must be in [0, 1]"
            )
    if domains is None:
        d = np.full(m, DEFAULT_DOMAINS, dtype=np.uint8)
    else:
        try:
            d = np.asarray(domains)
        except (ValueError, TypeError):
            raise WorldError("domains must be a 1-d array of domain names or bit sets") from None
        if d.shape != (m,):
            raise WorldError(f"domains has shape {d.shape}, expected ({m},)")
        if m and not np.issubdtype(d.dtype, np.integer):
            uniq, inv = np.unique(d.astype(str), return_inverse=True)
            bits = np.array(
                [
                    parse_domains(
                        u, f"commitment row {int(np.flatnonzero(inv == j)[0])}"
                    )
                    for j, u in enumerate(uniq.tolist())
                ],
                dtype=np.uint8,
            )
            d = bits[inv.reshape(-1)]
        else:
            bad = (d < 1) | (d > ALL_DOMAINS) if m else np.zeros(0, bool)
            if bad.any():
                r = int(np.flatnonzero(bad)[0])
                raise WorldError(
                    f"commitment row {r}: domain bits {int(d[r])} invalid; valid are "
                    f"1..{ALL_DOMAINS}"
                )
            d = d.astype(np.uint8)
    if treaty is None:
        t = constant_column(-1, m, np.int32)
    else:
        t = index_column(treaty, "commitment treaty", narrow=True)
        if t.shape != (m,):
            raise WorldError(f"treaty has shape {t.shape}, expected ({m},)")
        bad = (t < -1) | (t >= len(treaty_names))
        if bad.any():
            r = int(np.flatnonzero(bad)[0])
            raise WorldError(
                f"commitment row {r}: treaty index {int(t[r])} invalid; valid are -1 (none) "
                f"and 0..{len(treaty_names) - 1}"
            )
    # sort by (guarantor, protege, kind) and check duplicates (_world_storage: no int64
    # key per commitment when the rows come sorted)
    edge_of_row = None  # input row -> stored edge; None: the identity
    merged = False
    bad = selfc = None  # the masks of the checks: a byte per commitment each, freed
    rows = edge_order(g, p, k, n) if m else None
    if rows is not None:
        g, p, k, c, d = g[rows], p[rows], k[rows], c[rows], d[rows]
    if m > 1:
        dup = duplicate_rows(g, p, k)
        if dup.any():
            if merge is None:
                j = int(np.flatnonzero(dup)[0])
                r0, r1 = (int(rows[j]), int(rows[j + 1])) if rows is not None else (j, j + 1)
                raise WorldError(
                    f"duplicate commitment {codes[g[j]]} -> {codes[p[j]]} "
                    f"{KIND_NAMES[k[j]]} in rows {r0} and {r1}; give merge='max' to merge "
                    "duplicates (highest credibility, union of domains)"
                )
            if merge not in MERGE_RULES:
                raise WorldError(f"merge must be None or one of {MERGE_RULES}, got {shown(merge)}")
            is_start = np.r_[True, ~dup]
            start = np.flatnonzero(is_start)
            c = np.maximum.reduceat(c, start)
            d = np.bitwise_or.reduceat(d, start).astype(np.uint8)
            g, p, k = g[start], p[start], k[start]
            sorted_edge = np.cumsum(is_start) - 1
            merged = True
            if rows is None:
                edge_of_row = sorted_edge
            else:
                edge_of_row = np.empty(m, np.int64)
                edge_of_row[rows] = sorted_edge
    elif merge is not None and merge not in MERGE_RULES:
        raise WorldError(f"merge must be None or one of {MERGE_RULES}, got {shown(merge)}")
    dup = None
    if edge_of_row is None and rows is not None:
        if condition is not None or not (t.strides == (0,) and t[0] < 0):  # else unread
            edge_of_row = np.empty(m, np.int64)
            edge_of_row[rows] = np.arange(m, dtype=np.int64)
    # provenance: treaties in name order, the first per edge in ``treaty``, others paired
    t, also_edge, also_treaty, tnames = resolve_treaties(
        t, treaty_names, edge_of_row, len(g), merged, also_row, also_id
    )
    # conditions: one id per edge into a small table, the loosest where rows merged
    cond, ctable = settle_conditions(condition, conditions, edge_of_row, len(g))
    out = dict(
        indptr=csr_indptr(g, n),
        indices=p.astype(np.int32, copy=rows is None),  # never the caller's array
        credibility=np.ascontiguousarray(c, dtype=np.float64),
        kind=np.ascontiguousarray(k, dtype=np.uint8),
        domains=np.ascontiguousarray(d, dtype=np.uint8),
        treaty=compact(np.asarray(t, dtype=np.int32)),
        also_edge=np.ascontiguousarray(also_edge, dtype=np.int64),
        also_treaty=np.ascontiguousarray(also_treaty, dtype=np.int32),
        condition=compact(cond),
    )
    if out["credibility"] is credibility:
        out["credibility"] = out["credibility"].copy()
    for v in out.values():
        readonly(v)
    out["treaty_names"] = tnames
    out["conditions"] = ctable
    return out


def build_rivalries(codes: np.ndarray, source: Any, target: Any, hostility: Any) -> dict:
    """The rivalry CSR by source, checked (no self-rivalry, hostility in [0, 1], no duplicates).

    >>> r = build_rivalries(np.array(["A", "B"]), [1], [0], [0.5])
    >>> r["riv_indptr"].tolist(), r["riv_indices"].tolist(), r["riv_hostility"].tolist()
    ([0, 0, 1], [0], [0.5])
    >>> build_rivalries(np.array(["A", "B"]), [0], [1], [2.0])
    Traceback (most recent call last):
    ...
    foederis.errors.WorldError: rivalry row 0 (A -> B): hostility 2.0 is invalid; ...
    """
    n = len(codes)
    if (source is None) != (target is None) or (source is None and hostility is not None):
        given = [k for k, v in (("rivalry_source", source), ("rivalry_target", target),
                                ("hostility", hostility)) if v is not None]
        raise WorldError(f"rivalries need rivalry_source and rivalry_target together "
                         f"(hostility optional); got only {', '.join(given)}")
    if source is None:
        s = np.zeros(0, np.int64)
        t = np.zeros(0, np.int64)
        h = np.zeros(0, np.float64)
    else:
        s = index_column(source, "rivalry source")
        t = index_column(target, "rivalry target")
        h = np.ones(s.shape) if hostility is None else real_array(hostility, "rivalry hostility")
        if not (s.shape == t.shape == h.shape) or s.ndim != 1:
            raise WorldError("rivalry source, target and hostility must be 1-d, equal length")
        for field, a in (("source", s), ("target", t)):
            bad = (a < 0) | (a >= n)
            if bad.any():
                r = int(np.flatnonzero(bad)[0])
                raise WorldError(f"rivalry row {r}: {field} index {int(a[r])} names no state")
        bad = s == t
        if bad.any():
            r = int(np.flatnonzero(bad)[0])
            raise WorldError(f"rivalry row {r}: '{codes[s[r]]}' is its own rival")
        bad = ~((h >= 0) & (h <= 1))
        if bad.any():
            r = int(np.flatnonzero(bad)[0])
            raise WorldError(
                f"rivalry row {r} ({codes[s[r]]} -> {codes[t[r]]}): hostility {shown(float(h[r]))} is "
                "invalid; hostility must be in [0, 1]"
            )
        key = s * max(n, 1) + t
        order = np.argsort(key, kind="stable")
        key, s, t, h = key[order], s[order], t[order], h[order]
        dup = key[1:] == key[:-1]
        if dup.any():
            j = int(np.flatnonzero(dup)[0])
            raise WorldError(
                f"duplicate rivalry {codes[s[j]]} -> {codes[t[j]]} in rows {int(order[j])} "
                f"and {int(order[j + 1])}"
            )
    indptr = np.zeros(n + 1, dtype=np.int64)
    if len(s):
        np.cumsum(np.bincount(s, minlength=n), out=indptr[1:])
    return dict(
        riv_indptr=readonly(indptr),
        riv_indices=readonly(t.astype(np.int32)),
        riv_hostility=readonly(np.ascontiguousarray(h, dtype=np.float64)),
    )

# ----------------------------------------------------------------------------------
# frames


def frame_arrays(
    states: pd.DataFrame,
    commitments: pd.DataFrame | None = None,
    rivalries: pd.DataFrame | None = None,
    contiguity: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """The arguments of :func:`world_parts` read from pandas tables (see
    :meth:`foederis.World.from_frames`); nothing passed in is modified.

    >>> states = pd.DataFrame({"code": ["A", "B"], "capability": [1, 2]})
    >>> pacts = pd.DataFrame({"guarantor": ["A"], "protege": ["B"], "kind": ["defense"]})
    >>> kw = frame_arrays(states, pacts)
    >>> kw["codes"].tolist(), kw["guarantor"].tolist(), kw["protege"].tolist(), kw["kind"]
    (['A', 'B'], [0], [1], array(['defense'], dtype=object))
    >>> frame_arrays(states.drop(columns="capability"))
    Traceback (most recent call last):
    ...
    foederis.errors.WorldError: the states table has no 'capability' column; ...
    """
    check_table(states, "states")
    for table, df in (("commitments", commitments), ("rivalries", rivalries),
                      ("contiguity", contiguity)):
        if df is not None:
            check_table(df, table)
    for col in ("code", "capability"):
        if col not in states.columns:
            raise WorldError(
                f"the states table has no {shown(col)} column; required columns are 'code' and "
                f"'capability' (got {', '.join(map(str, states.columns))})"
            )
    codes = check_codes(states["code"].to_numpy())
    index = pd.Index(codes)

    def col(name: str) -> Any:
        return states[name].to_numpy() if name in states.columns else None

    def numcol(name: str) -> Any:
        if name not in states.columns:
            return None
        return numeric_column(states[name], name, codes=codes)

    edge_kw: dict[str, Any] = {}
    if commitments is not None and len(commitments):
        edge_kw = edges_from_frame(commitments, index)
    else:
        edge_kw = dict(guarantor=np.zeros(0, np.int64), protege=np.zeros(0, np.int64),
                       kind=np.zeros(0, np.uint8))
    riv_kw: dict[str, Any] = {}
    if rivalries is not None and len(rivalries):
        for c in ("source", "target"):
            if c not in rivalries.columns:
                raise WorldError(f"the rivalries table has no {shown(c)} column")
        src = codes_to_index(rivalries["source"], index, "rivalry", "source")
        tgt = codes_to_index(rivalries["target"], index, "rivalry", "target")
        hos = (
            numeric_column(rivalries["hostility"], "hostility", "rivalry",
                           valid="; hostility must be in [0, 1]")
            if "hostility" in rivalries.columns
            else None
        )
        riv_kw = dict(rivalry_source=src, rivalry_target=tgt, hostility=hos)
    return dict(
        codes=codes,
        capability=numcol("capability"),
        **edge_kw,
        names=col("name"),
        gdp=numcol("gdp"),
        defense_spending=numcol("defense_spending"),
        nuclear=col("nuclear"),
        region=col("region"),
        global_reach=col("global_reach"),
        threshold=numcol("threshold"),
        **riv_kw,
        **contiguity_from_frame(contiguity, index),
        **{c: numcol(c) for c in EXTRA_STATE_COLUMNS if c in states.columns},
    )


def edges_from_frame(df: pd.DataFrame, index: pd.Index) -> dict[str, Any]:
    """The commitment arguments of :func:`world_parts` read from a commitments table.

    >>> df = pd.DataFrame({"guarantor": ["A"], "protege": ["C"], "kind": ["defense"]})
    >>> edges_from_frame(df, pd.Index(["A", "B"]))
    Traceback (most recent call last):
    ...
    foederis.errors.UnknownStateError: commitment row 0: protege 'C' is not a state of this world; ...
    """
    for c in ("guarantor", "protege", "kind"):
        if c not in df.columns:
            raise WorldError(
                f"the commitments table has no {shown(c)} column; required columns are "
                "'guarantor', 'protege' and 'kind'"
            )
    g = codes_to_index(df["guarantor"], index, "commitment", "guarantor")
    p = codes_to_index(df["protege"], index, "commitment", "protege")
    kinds = df["kind"]
    if kinds.isna().any():
        r = int(np.flatnonzero(kinds.isna().to_numpy())[0])
        raise WorldError(
            f"commitment row {r}: the kind is missing; valid kinds are {', '.join(KIND_NAMES)}"
        )
    k = np.asarray([v.strip() if isinstance(v, str) else v for v in kinds.tolist()],
                   dtype=object)  # build_edges names a kind that is not text
    kw: dict[str, Any] = dict(guarantor=g, protege=p, kind=k)
    if "credibility" in df.columns:
        cr = numeric_column(df["credibility"], "credibility", "commitment",
                            valid="; credibility must be in [0, 1]")
        bad = np.isnan(cr)
        if bad.any():
            r = int(np.flatnonzero(bad)[0])
            raise WorldError(f"commitment row {r}: the credibility is missing; credibility "
                             "must be in [0, 1]")
        kw["credibility"] = cr
    if "domains" in df.columns:
        kw["domains"] = df["domains"].where(df["domains"].notna(),
                                            "conventional").to_numpy(dtype=object)
    if "treaty" in df.columns:
        kw["treaty"], kw["treaty_names"] = treaty_column(df["treaty"])
    for col in CONDITION_COLUMNS:
        if col in df.columns:
            kw[col] = df[col].reset_index(drop=True)
    return kw
