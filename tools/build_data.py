"""Build the compact data shipped in ``engine/foederis/_data/`` from the raw data sets.

Usage::

    python tools/build_data.py [RAW_DIR]

``RAW_DIR`` defaults to ``../shared/data`` relative to the repository root. The script reads
the CSV files described in ``RAW_DIR/SOURCES.md`` and writes one compressed NumPy archive,
``engine/foederis/_data/historical.npz``. It is a build step only: nothing at run time
imports it or reads ``RAW_DIR``. The hand-made files of the contemporary world
(``contemporary_*.csv``, ``atop_treaty_names.csv``) are edited by hand and not written here.

What goes into the archive
--------------------------
* ``state_*``: every state of the COW state system v2016 (``ccode``, ``stateabb``,
  ``statenme``), indexed 0..S-1 in ``ccode`` order.
* ``sy_*`` (state-years, 1816-2018, sorted by year, offsets in ``sy_ptr``): the COW system
  members of each year (a state is a member in year Y when one of its membership spells
  overlaps Y; for 2017-2018 the members at the end of 2016), their CINC from NMC v7
  renormalised to sum 1 over the members of that year (a member without a CINC gets 0 and
  is counted), NMC ``milex`` (thousands of current US dollars, NaN when missing) and whether
  the state is a COW major power that year (majors v2016; 2017-2018 as at the end of 2016).
* ``sp_*`` (commitment spells): ATOP 5.1 directed dyad-year obligations mapped to kinds
  (defense -> DEFENSE, offense -> OFFENSE, neutral -> NEUTRALITY, nonagg -> NONAGGRESSION,
  consul -> ENTENTE), compressed into runs of consecutive years with the same treaty. In the
  directed dyad-year file, ``ccode1 -> ccode2`` means that ccode1 has the obligation toward
  ccode2 (checked below on asymmetric treaties: Locarno 1925 makes the United Kingdom the
  guarantor of France, Germany and Belgium, and the US-Japan Security Treaty of 1960 gives
  the United States a defense obligation toward Japan and not the reverse), so ccode1 is the
  guarantor and ccode2 the protege. Dyads whose states are not both system members that year
  are dropped and counted per year (``dropped_dyads``).
* treaty of a commitment: the lowest ATOP alliance id of ATOP 4.01 (member level) that is in
  force that year with both states as members and the guarantor bound by that obligation
  (an alliance still in force at the end of ATOP 4.01, ``yrexit == 0``, counts as in force
  through 2018); -1 when no such alliance exists.
* ``c22_*``: the contemporary base, NMC v7 for 2022 over the states alive at the end of 2016.

Day-level tables (for ``load_world("atop:YYYY-MM-DD")``); days are int32 counts since
1970-01-01 (``numpy.datetime64(day, "D").astype(int)``), ``OPEN`` (int32 max) for a spell that
is still running where its data set ends:

* ``ss_*`` (state-system spells): each COW v2016 membership spell with its start and end day;
  a spell ending on 2016-12-31 (the end of the data) is open.
* ``ml_*`` (ATOP 4.01 member-level rows, one per alliance, member and phase): ``ml_atopid``,
  ``ml_state``, ``ml_start`` / ``ml_end`` (entry and exit day; an unknown day is the first of
  the entry month and the last of the exit month; ``yrexit == 0``, in force when ATOP 4.01
  ends, is open), ``ml_kinds`` (bit ``1 << kind`` for each obligation the member carries in
  that phase). Rows of members outside the COW system (ATOP 8152) are left out.
* ``rv_*`` (strategic rivalries, Thompson-Dreyer 2012 and Thompson-Sakuwa-Suhas 2021):
  ``rv_a``, ``rv_b`` (state indices), ``rv_start`` / ``rv_end`` (years; TD's end year 2010
  means ongoing and is open), ``rv_level`` (0 strategic rivalry, 1 principal for one of the
  two, TSS ``aprin``; 2 principal for both, TSS ``principal``), ``rv_source`` (1 TD, 2 TSS).
  Rivals outside the COW system (TSS 324) are left out.
* conditions of each ATOP 4.01 member row: ``ml_cond`` (uint32, four bits per kind code k at
  ``4 * k``: +0 only against a specific adversary (``*coadv``), +1 only in a location
  (``*coloc``), +2 only if the ally did not provoke (``*conpr``), +3 only against a number of
  attackers (``*conum``); columns ``def*`` for DEFENSE, ``off*`` OFFENSE, ``neu*`` NEUTRALITY,
  ``con*`` ENTENTE (ATOP codes neither location nor attackers nor provocation for
  consultation beyond ``concoadv``/``concoloc``, and no conditions for non-aggression)) and
  ``ml_threat1`` / ``ml_threat2`` (int16 COW ccodes of the states ATOP names as threats,
  ``statthr1`` / ``statthr2``; 0 none).
* ``sy_milper, sy_irst, sy_pec, sy_tpop, sy_upop`` (NMC v7 components beside ``sy_milex``, NaN
  when missing) and the same for the contemporary base (``c22_*``, NMC 2022).
* ``cap_*`` (capitals, COW capitals via peacesciencer): ``cap_state``, ``cap_start`` /
  ``cap_end`` (days; an end on or after 2016-12-31 is open), ``cap_lat``, ``cap_lon``.
* ``ct_*`` (COW Direct Contiguity v3.2, Stinnett et al. 2002): one row per unordered pair and
  spell, ``ct_a < ct_b`` (state indices), ``ct_type`` (1 land or river, 2-5 water up to 12, 24,
  150, 400 miles), ``ct_start`` / ``ct_end`` (days; the data end on 2016-12-01, and a spell
  running then is open). Spells of type 0 (no contiguity) are dropped: absence means not
  contiguous.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "engine"))
from foederis._constants import KIND_CODES  # noqa: E402  (the one table of kinds)

OUT_DIR = REPO / "engine" / "foederis" / "_data"
FIRST_YEAR, LAST_YEAR = 1816, 2018
COW_LAST_YEAR = 2016  # states2016 and majors2016 end here
CONTEMPORARY_NMC_YEAR = 2022

# ATOP obligation column -> foederis kind code (see engine/foederis/_constants.py)
KIND_OF_COLUMN = {
    "defense": KIND_CODES["DEFENSE"],
    "offense": KIND_CODES["OFFENSE"],
    "neutral": KIND_CODES["NEUTRALITY"],
    "nonagg": KIND_CODES["NONAGGRESSION"],
    "consul": KIND_CODES["ENTENTE"],
}
# ATOP condition column prefix -> kind code (``defcoadv`` ... conditions of DEFENSE)
COND_PREFIX = {
    "def": KIND_CODES["DEFENSE"],
    "off": KIND_CODES["OFFENSE"],
    "neu": KIND_CODES["NEUTRALITY"],
    "con": KIND_CODES["ENTENTE"],
}
NMC_PARTS = ("milper", "irst", "pec", "tpop", "upop")
OPEN = np.iinfo(np.int32).max  # a spell still running where its data set ends
TD_LAST_YEAR = 2010  # TD codes ongoing rivalries as ending in 2010


def _read(raw: Path, name: str) -> pd.DataFrame:
    path = raw / name
    if not path.exists():
        sys.exit(f"build_data: missing input file {path}")
    return pd.read_csv(path)


def build_states(raw: Path):
    st = _read(raw, "states2016_peacesciencer.csv")
    first = st.sort_values(["ccode", "styear"]).drop_duplicates("ccode")
    ccodes = first["ccode"].to_numpy()
    order = np.argsort(ccodes)
    ccodes = ccodes[order]
    abb = first["stateabb"].to_numpy()[order].astype(str)
    name = first["statenme"].to_numpy()[order].astype(str)
    assert len(set(abb)) == len(abb), "stateabb must be unique"
    return st, ccodes, abb, name


def membership(st: pd.DataFrame, ccodes: np.ndarray) -> np.ndarray:
    """Bool [n_years, S]: member of the COW system in that year."""
    years = np.arange(FIRST_YEAR, LAST_YEAR + 1)
    pos = {c: i for i, c in enumerate(ccodes)}
    mem = np.zeros((len(years), len(ccodes)), dtype=bool)
    for row in st.itertuples(index=False):
        end = LAST_YEAR if row.endyear >= COW_LAST_YEAR else row.endyear
        lo, hi = max(row.styear, FIRST_YEAR), min(end, LAST_YEAR)
        if lo <= hi:
            mem[lo - FIRST_YEAR : hi - FIRST_YEAR + 1, pos[row.ccode]] = True
    return mem


def majors(raw: Path, ccodes: np.ndarray) -> np.ndarray:
    mj = _read(raw, "majors2016_peacesciencer.csv")
    years = np.arange(FIRST_YEAR, LAST_YEAR + 1)
    pos = {c: i for i, c in enumerate(ccodes)}
    out = np.zeros((len(years), len(ccodes)), dtype=bool)
    for row in mj.itertuples(index=False):
        end = LAST_YEAR if row.endyear >= COW_LAST_YEAR else row.endyear
        lo, hi = max(row.styear, FIRST_YEAR), min(end, LAST_YEAR)
        if lo <= hi:
            out[lo - FIRST_YEAR : hi - FIRST_YEAR + 1, pos[row.ccode]] = True
    return out


def treaty_ids(raw: Path, dy: pd.DataFrame) -> np.ndarray:
    """Lowest ATOP 4.01 alliance id for each (guarantor, protege, year, kind) row of ``dy``."""
    ml = _read(raw, "atop4_01_member_level.csv")
    ml = ml[["atopid", "member", "yrent", "yrexit", *KIND_OF_COLUMN]].copy()
    ml["yrexit"] = ml["yrexit"].where(ml["yrexit"] > 0, LAST_YEAR)
    # member-years (an alliance active any time in a year counts for that year)
    lens = (ml["yrexit"] - ml["yrent"] + 1).clip(lower=0).to_numpy()
    rep = ml.loc[ml.index.repeat(lens)].copy()
    rep["year"] = rep["yrent"].to_numpy() + np.concatenate([np.arange(k) for k in lens])
    rep = rep[(rep["year"] >= FIRST_YEAR) & (rep["year"] <= LAST_YEAR)]
    # protege side: any membership row active that year
    prot = rep[["atopid", "member", "year"]].drop_duplicates()
    prot = prot.rename(columns={"member": "protege"})
    parts = []
    for col, kind in KIND_OF_COLUMN.items():
        g = rep.loc[rep[col] == 1, ["atopid", "member", "year"]].drop_duplicates()
        g = g.rename(columns={"member": "guarantor"})
        pairs = g.merge(prot, on=["atopid", "year"])
        pairs = pairs[pairs["guarantor"] != pairs["protege"]]
        pairs = pairs.groupby(["guarantor", "protege", "year"], as_index=False)["atopid"].min()
        pairs["kind"] = kind
        parts.append(pairs)
    lut = pd.concat(parts, ignore_index=True)
    merged = dy.merge(lut, on=["guarantor", "protege", "year", "kind"], how="left")
    return merged["atopid"].fillna(-1).astype(np.int32).to_numpy()


def _days(y, m, d) -> np.ndarray:
    """int32 days since 1970-01-01 of arrays of year, month, day."""
    y = np.asarray(y, dtype=np.int64)
    m = np.asarray(m, dtype=np.int64)
    d = np.asarray(d, dtype=np.int64)
    months = (y - 1970) * 12 + (m - 1)
    return (months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64) + d - 1).astype(
        np.int32
    )


def _month_end(y, m) -> np.ndarray:
    y = np.asarray(y, dtype=np.int64)
    m = np.asarray(m, dtype=np.int64)
    nxt = ((y - 1970) * 12 + m).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    return (nxt - 1).astype(np.int32)


def state_spells(st: pd.DataFrame, pos: pd.Series) -> dict:
    start = _days(st["styear"], st["stmonth"], st["stday"])
    end = _days(st["endyear"], st["endmonth"], st["endday"])
    end = np.where(end >= _days([COW_LAST_YEAR], [12], [31])[0], OPEN, end).astype(np.int32)
    return {
        "ss_state": pos[st["ccode"]].to_numpy().astype(np.int16),
        "ss_start": start,
        "ss_end": end,
    }


def member_rows(raw: Path, pos: pd.Series) -> tuple[dict, int]:
    ml = _read(raw, "atop4_01_member_level.csv")
    known = ml["member"].isin(pos.index)
    n_unknown = int((~known).sum())
    ml = ml[known].reset_index(drop=True)
    start = _days(ml["yrent"], ml["moent"], ml["dayent"].fillna(1).clip(lower=1))
    ongoing = ml["yrexit"] == 0
    ey = ml["yrexit"].where(~ongoing, 2000)
    em = ml["moexit"].where(ml["moexit"] > 0, 12)
    ed = ml["dayexit"].fillna(0)
    end = np.where(ed > 0, _days(ey, em, ed.clip(lower=1)), _month_end(ey, em))
    end = np.where(ongoing, OPEN, end).astype(np.int32)
    assert (end >= start).all()
    bits = np.zeros(len(ml), dtype=np.uint8)
    for col, kind in KIND_OF_COLUMN.items():
        bits |= (ml[col].to_numpy() == 1).astype(np.uint8) << kind
    cond = np.zeros(len(ml), dtype=np.uint32)
    for prefix, kind in COND_PREFIX.items():
        for j, what in enumerate(("coadv", "coloc", "conpr", "conum")):
            col = f"{prefix}{what}"
            if col in ml.columns:
                on = (ml[col].fillna(0).to_numpy() == 1).astype(np.uint32)
                cond |= on << np.uint32(4 * kind + j)
    threat1 = ml["statthr1"].fillna(0).astype(np.int64).to_numpy()
    threat2 = ml["statthr2"].fillna(0).astype(np.int64).to_numpy()
    return {
        "ml_cond": cond,
        "ml_threat1": threat1.astype(np.int16),
        "ml_threat2": threat2.astype(np.int16),
        "ml_atopid": ml["atopid"].to_numpy().astype(np.int32),
        "ml_state": pos[ml["member"]].to_numpy().astype(np.int16),
        "ml_start": start,
        "ml_end": end,
        "ml_kinds": bits,
    }, n_unknown


def rivalry_rows(raw: Path, pos: pd.Series) -> tuple[dict, int]:
    td = _read(raw, "td_rivalries_peacesciencer.csv")
    tss = _read(raw, "tss_rivalries_peacesciencer.csv")
    td_end = td["endyear"].where(td["endyear"] < TD_LAST_YEAR, 9999)
    tss_level = np.where(tss["principal"] == 1, 2, np.where(tss["aprin"] == 1, 1, 0))
    df = pd.DataFrame(
        {
            "a": np.r_[td["ccode1"], tss["ccode1"]],
            "b": np.r_[td["ccode2"], tss["ccode2"]],
            "start": np.r_[td["styear"], tss["start"]],
            "end": np.r_[td_end, tss["end"].fillna(9999)],
            "level": np.r_[np.zeros(len(td), int), tss_level],
            "source": np.r_[np.ones(len(td), int), np.full(len(tss), 2)],
        }
    )
    known = df["a"].isin(pos.index) & df["b"].isin(pos.index)
    n_unknown = int((~known).sum())
    df = df[known & (df["end"] >= FIRST_YEAR)]
    return {
        "rv_a": pos[df["a"]].to_numpy().astype(np.int16),
        "rv_b": pos[df["b"]].to_numpy().astype(np.int16),
        "rv_start": df["start"].clip(lower=FIRST_YEAR - 1).to_numpy().astype(np.int16),
        "rv_end": df["end"].to_numpy().astype(np.int16),
        "rv_level": df["level"].to_numpy().astype(np.uint8),
        "rv_source": df["source"].to_numpy().astype(np.uint8),
    }, n_unknown


def _iso_days(text: pd.Series) -> np.ndarray:
    return pd.to_datetime(text).to_numpy().astype("datetime64[D]").astype(np.int64).astype(np.int32)


def capitals(raw: Path, pos: pd.Series) -> dict:
    cp = _read(raw, "cow_capitals_peacesciencer.csv")
    cp = cp[cp["ccode"].isin(pos.index)]
    end = _iso_days(cp["enddate"])
    end = np.where(end >= _days([COW_LAST_YEAR], [12], [31])[0], OPEN, end).astype(np.int32)
    return {
        "cap_state": pos[cp["ccode"]].to_numpy().astype(np.int16),
        "cap_start": _iso_days(cp["stdate"]),
        "cap_end": end,
        "cap_lat": cp["lat"].to_numpy(np.float64),
        "cap_lon": cp["lng"].to_numpy(np.float64),
    }


def contiguity(raw: Path, pos: pd.Series) -> tuple[dict, dict]:
    ct = _read(raw, "cow_contdir_v3.2_peacesciencer.csv")
    n_all = len(ct)
    known = ct["ccode1"].isin(pos.index) & ct["ccode2"].isin(pos.index)
    ct = ct[known]
    # each pair appears in both directions with the same spells: keep one
    fwd = ct[ct["ccode1"] < ct["ccode2"]]
    back = ct[ct["ccode1"] > ct["ccode2"]].rename(columns={"ccode1": "ccode2", "ccode2": "ccode1"})
    cols = ["ccode1", "ccode2", "conttype", "stdate", "enddate"]
    a = fwd[cols].sort_values(cols).reset_index(drop=True)
    b = back[cols].sort_values(cols).reset_index(drop=True)
    assert a.equals(b), "contiguity is not symmetric"
    last = pd.to_datetime(a["enddate"]).max()
    n_zero = int((a["conttype"] == 0).sum())
    a = a[a["conttype"] > 0]
    end = _iso_days(a["enddate"])
    end = np.where(end >= np.datetime64(last.date(), "D").astype(np.int64), OPEN, end)
    ia = pos[a["ccode1"]].to_numpy()
    ib = pos[a["ccode2"]].to_numpy()
    out = {
        "ct_a": np.minimum(ia, ib).astype(np.int16),
        "ct_b": np.maximum(ia, ib).astype(np.int16),
        "ct_type": a["conttype"].to_numpy().astype(np.uint8),
        "ct_start": _iso_days(a["stdate"]),
        "ct_end": end.astype(np.int32),
    }
    return out, {"contiguity_rows": n_all, "contiguity_spells": len(a),
                 "contiguity_type0_spells_dropped": n_zero,
                 "contiguity_rows_outside_system": int((~known).sum())}


def build(raw: Path, out_dir: Path) -> dict:
    t0 = time.perf_counter()
    st, ccodes, abb, name = build_states(raw)
    pos = pd.Series(np.arange(len(ccodes)), index=ccodes)
    years = np.arange(FIRST_YEAR, LAST_YEAR + 1)
    mem = membership(st, ccodes)
    maj = majors(raw, ccodes)
    assert not (maj & ~mem).any(), "a major power outside the system"

    # --- capabilities -------------------------------------------------------------------
    nmc = _read(raw, "NMC-70-abridged_peacesciencer.csv")
    nmc = nmc[nmc["ccode"].isin(ccodes)]
    cinc = np.full(mem.shape, np.nan)
    milex = np.full(mem.shape, np.nan)
    in_range = nmc[(nmc["year"] >= FIRST_YEAR) & (nmc["year"] <= LAST_YEAR)]
    yi = in_range["year"].to_numpy() - FIRST_YEAR
    si = pos[in_range["ccode"]].to_numpy()
    cinc[yi, si] = in_range["cinc"].to_numpy()
    milex[yi, si] = in_range["milex"].to_numpy()
    parts = {}
    for col in NMC_PARTS:
        parts[col] = np.full(mem.shape, np.nan)
        parts[col][yi, si] = in_range[col].to_numpy()
    nmc_outside = int(np.sum(~mem[yi, si]))
    cinc_missing = mem & np.isnan(cinc)
    cap = np.where(mem, np.nan_to_num(cinc, nan=0.0), 0.0)
    sums = cap.sum(axis=1, keepdims=True)
    assert (sums > 0).all()
    cap = cap / sums

    sy_year, sy_state = np.nonzero(mem)  # row-major: sorted by year, then state
    sy_ptr = np.zeros(len(years) + 1, dtype=np.int64)
    np.cumsum(mem.sum(axis=1), out=sy_ptr[1:])

    # --- commitments --------------------------------------------------------------------
    dd = _read(raw, "atop5_1_ddy_peacesciencer.csv")
    dd = dd[(dd["year"] >= FIRST_YEAR) & (dd["year"] <= LAST_YEAR)]
    long = []
    for col, kind in KIND_OF_COLUMN.items():
        sel = dd[dd["atop_" + col] == 1]
        long.append(
            pd.DataFrame(
                {
                    "guarantor": sel["ccode1"].to_numpy(),
                    "protege": sel["ccode2"].to_numpy(),
                    "year": sel["year"].to_numpy(),
                    "kind": kind,
                }
            )
        )
    dy = pd.concat(long, ignore_index=True)
    known = dy["guarantor"].isin(ccodes) & dy["protege"].isin(ccodes)
    gi = pos.reindex(dy["guarantor"]).to_numpy()
    pi = pos.reindex(dy["protege"]).to_numpy()
    ok = known.to_numpy().copy()
    ok[ok] = (
        mem[dy["year"].to_numpy()[ok] - FIRST_YEAR, gi[ok].astype(int)]
        & mem[dy["year"].to_numpy()[ok] - FIRST_YEAR, pi[ok].astype(int)]
    )
    # dropped dyads, counted as dyad-years (a dyad-year row with any obligation)
    dd_any = dd[[f"atop_{c}" for c in KIND_OF_COLUMN]].sum(axis=1) > 0
    dd_rows = dd[dd_any]
    dok = dd_rows["ccode1"].isin(ccodes) & dd_rows["ccode2"].isin(ccodes)
    g2 = pos.reindex(dd_rows["ccode1"]).to_numpy()
    p2 = pos.reindex(dd_rows["ccode2"]).to_numpy()
    y2 = dd_rows["year"].to_numpy() - FIRST_YEAR
    dmask = dok.to_numpy().copy()
    dmask[dmask] = mem[y2[dmask], g2[dmask].astype(int)] & mem[y2[dmask], p2[dmask].astype(int)]
    dropped = np.bincount(y2[~dmask], minlength=len(years)).astype(np.int32)
    n_dd_all_zero = int((~dd_any).sum())

    dy = dy[ok].reset_index(drop=True)
    dy["treaty"] = treaty_ids(raw, dy)
    dy["g"] = pos[dy["guarantor"]].to_numpy().astype(np.int16)
    dy["p"] = pos[dy["protege"]].to_numpy().astype(np.int16)
    assert not (dy["g"] == dy["p"]).any()
    assert not dy.duplicated(["g", "p", "kind", "year"]).any()

    # spells: consecutive years with the same (g, p, kind, treaty)
    dy = dy.sort_values(["g", "p", "kind", "year"]).reset_index(drop=True)
    key = dy[["g", "p", "kind", "treaty"]].to_numpy()
    yr = dy["year"].to_numpy()
    new = np.ones(len(dy), dtype=bool)
    new[1:] = (key[1:] != key[:-1]).any(axis=1) | (yr[1:] != yr[:-1] + 1)
    start_idx = np.flatnonzero(new)
    end_idx = np.r_[start_idx[1:] - 1, len(dy) - 1]
    sp = dy.iloc[start_idx]

    # --- contemporary base (NMC 2022 over the states alive at the end of 2016) -----------
    alive = np.sort(pos[st.loc[st["endyear"] >= COW_LAST_YEAR, "ccode"]].to_numpy())
    n22 = nmc[nmc["year"] == CONTEMPORARY_NMC_YEAR].set_index("ccode")
    c22_cinc = n22["cinc"].reindex(ccodes[alive]).to_numpy()
    c22_missing = int(np.isnan(c22_cinc).sum())
    c22_cap = np.nan_to_num(c22_cinc, nan=0.0)
    c22_cap = c22_cap / c22_cap.sum()
    c22_milex = n22["milex"].reindex(ccodes[alive]).to_numpy().astype(np.float64)

    arrays = {
        "state_ccode": ccodes.astype(np.int16),
        "state_abb": abb,
        "state_name": name,
        "years": years.astype(np.int16),
        "sy_ptr": sy_ptr,
        "sy_state": sy_state.astype(np.int16),
        "sy_cap": cap[sy_year, sy_state],
        "sy_milex": milex[sy_year, sy_state],
        "sy_major": maj[sy_year, sy_state],
        "sy_cinc_missing": cinc_missing[sy_year, sy_state],
        "sp_g": sp["g"].to_numpy().astype(np.int16),
        "sp_p": sp["p"].to_numpy().astype(np.int16),
        "sp_kind": sp["kind"].to_numpy().astype(np.uint8),
        "sp_treaty": sp["treaty"].to_numpy().astype(np.int32),
        "sp_start": yr[start_idx].astype(np.int16),
        "sp_end": yr[end_idx].astype(np.int16),
        "dropped_dyads": dropped,
        "c22_state": alive.astype(np.int16),
        "c22_cap": c22_cap,
        "c22_milex": c22_milex,
        "c22_cinc_missing": np.isnan(c22_cinc),
    }
    for col in NMC_PARTS:
        arrays[f"sy_{col}"] = parts[col][sy_year, sy_state]
        arrays[f"c22_{col}"] = n22[col].reindex(ccodes[alive]).to_numpy().astype(np.float64)
    arrays.update(capitals(raw, pos))
    ct_arrays, ct_report = contiguity(raw, pos)
    arrays.update(ct_arrays)
    arrays.update(state_spells(st, pos))
    ml_arrays, ml_unknown = member_rows(raw, pos)
    arrays.update(ml_arrays)
    rv_arrays, rv_unknown = rivalry_rows(raw, pos)
    arrays.update(rv_arrays)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "historical.npz"
    np.savez_compressed(target, **arrays)

    # --- self-checks: the spells give back exactly the dyad-years ------------------------
    for y in (1816, 1914, 1939, 1990, 2018):
        m = (arrays["sp_start"] <= y) & (arrays["sp_end"] >= y)
        got = set(
            zip(arrays["sp_g"][m], arrays["sp_p"][m], arrays["sp_kind"][m], arrays["sp_treaty"][m])
        )
        want = dy[dy["year"] == y]
        want = set(zip(want["g"], want["p"], want["kind"], want["treaty"]))
        assert got == want, f"spell encoding differs from the dyad-years in {y}"
        s = arrays["sy_cap"][sy_ptr[y - FIRST_YEAR] : sy_ptr[y - FIRST_YEAR + 1]].sum()
        assert abs(s - 1.0) < 1e-9, (y, s)
    # directed semantics (see docstring): Locarno 1925, US-Japan 1960 treaty
    ab = {a: i for i, a in enumerate(abb)}

    def has(g, p, y, kind=0):
        m = (arrays["sp_start"] <= y) & (arrays["sp_end"] >= y)
        return bool(
            np.any(
                m
                & (arrays["sp_g"] == ab[g])
                & (arrays["sp_p"] == ab[p])
                & (arrays["sp_kind"] == kind)
            )
        )

    assert has("UKG", "FRN", 1926) and not has("FRN", "UKG", 1926)
    assert has("USA", "JPN", 2000) and not has("JPN", "USA", 2000)

    report = {
        "states": len(ccodes),
        "state_years": int(mem.sum()),
        "state_years_without_cinc": int(cinc_missing.sum()),
        "nmc_rows_outside_system": nmc_outside,
        "commitment_dyad_year_kinds": len(dy),
        "with_treaty": float((dy["treaty"] >= 0).mean()),
        "spells": len(sp),
        "dropped_dyad_years": int(dropped.sum()),
        "dropped_by_year_nonzero": {
            int(years[i]): int(dropped[i]) for i in np.flatnonzero(dropped)
        },
        "ddy_rows_with_no_obligation": n_dd_all_zero,
        "contemporary_states": len(alive),
        "atop401_rows": len(arrays["ml_atopid"]),
        "atop401_rows_outside_system": ml_unknown,
        **ct_report,
        "capital_spells": len(arrays["cap_state"]),
        "rivalry_rows": len(arrays["rv_a"]),
        "rivalry_rows_outside_system": rv_unknown,
        "contemporary_cinc_missing": c22_missing,
        "file": str(target),
        "bytes": target.stat().st_size,
        "seconds": round(time.perf_counter() - t0, 1),
    }
    return report


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "raw",
        nargs="?",
        default=str(REPO.parent / "shared" / "data"),
        help="folder of the raw data sets (default: ../shared/data)",
    )
    ap.add_argument("--out", default=str(OUT_DIR), help="output folder (default: the package)")
    args = ap.parse_args(argv)
    rep = build(Path(args.raw), Path(args.out))
    for k, v in rep.items():
        print(f"{k}: {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
