"""The worlds shipped with foederis, as pandas frames.

``builtin_names()`` lists them; ``builtin_frames(name)`` returns ``(states, commitments,
rivalries, meta)`` for :func:`foederis.builtin.load_world`, which builds the World.

Files (all in this package, read with :mod:`importlib.resources`):

- ``historical.npz``: COW state system v2016, NMC v7 and ATOP 5.1 in compact form, written by
  ``tools/build_data.py`` (the only place that reads the raw data sets);
- ``atop_treaty_names.csv``: names of ATOP alliances users know (NATO, CSTO, the Triple Alliance,
  ...): rows of scope ``all`` name treaties in the contemporary world, and every row names treaties
  in the historical worlds as ``"<name> (ATOP <id>)"``;
- ``contemporary_updates.csv``: the hand updates since 2018, one fact per row with year and source;
- ``contemporary_economy.csv``: GDP and defence spending with their year and source;
- ``contemporary_rivalries.csv``: hand-made hostility between states.
"""

from __future__ import annotations

import functools
import io
import re
from importlib import resources

import numpy as np
import pandas as pd

from .._constants import DOMAIN_BITS, DOMAIN_NAMES, KIND_CODES, KIND_NAMES, N_KINDS, NEUTRALITY
from .._worlds_index import FIRST_YEAR, LAST_YEAR, builtin_names
from ..errors import UnknownWorldError
from .._validate import shown

__all__ = ["FIRST_YEAR", "LAST_YEAR", "builtin_frames", "builtin_names"]


# States armed with nuclear weapons in the contemporary world.
_NUCLEAR_NOW = ("USA", "RUS", "UKG", "FRN", "CHN", "IND", "PAK", "PRK", "ISR")
# Global reach in the contemporary world: the COW major powers at the end of 2016 (majors v2016).
_MAJORS_2016 = ("USA", "UKG", "FRN", "GMY", "RUS", "CHN", "JPN")
# Historical worlds: nuclear from the year of the first test (Israel never tested: from 1967, the
# year it is generally assessed to have had a first weapon; not modelled: South Africa's 1980s devices).
_NUCLEAR_SINCE = {
    "USA": 1945,
    "RUS": 1949,
    "UKG": 1952,
    "FRN": 1960,
    "CHN": 1964,
    "ISR": 1967,
    "IND": 1974,
    "PAK": 1998,
    "PRK": 2006,
}

_CIT_ATOP = (
    "Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G. Long. 2002. "
    '"Alliance Treaty Obligations and Provisions, 1815-1944." International Interactions 28: '
    "237-260. (ATOP version 5.1 for obligations; ATOP 4.01 member-level data for alliance ids, "
    "entry and exit dates and conditions.)"
)
_CIT_NMC = (
    'Singer, J. David, Stuart Bremer, and John Stuckey. 1972. "Capability Distribution, '
    'Uncertainty, and Major Power War, 1820-1965." In Bruce Russett (ed.), Peace, War, and '
    'Numbers, 19-48. Beverly Hills: Sage. And Singer, J. David. 1987. "Reconstructing the '
    'Correlates of War Dataset on Material Capabilities of States, 1816-1985." International '
    "Interactions 14: 115-32. (National Material Capabilities version 7.0.)"
)
_CIT_COW = (
    'Correlates of War Project. 2017. "State System Membership List, v2016." '
    "(And the COW major powers list, v2016.)"
)
_CIT_CONT = (
    "Stinnett, Douglas M., Jaroslav Tir, Philip Schafer, Paul F. Diehl, and Charles Gochman. "
    '2002. "The Correlates of War Project Direct Contiguity Data, Version 3." Conflict '
    "Management and Peace Science 19(2): 58-66. (Direct contiguity v3.2.)"
)
_CIT_CAP = "Capitals and their coordinates: COW capitals list as distributed by peacesciencer."
_CIT_PS = (
    'Miller, Steven V. 2022. "peacesciencer: An R Package for Quantitative Peace Science '
    'Research." Conflict Management and Peace Science.'
)
_CIT_RIV = (
    "Thompson, William R. and David Dreyer. 2012. Handbook of International Rivalries. CQ Press. "
    "Thompson, William R., Kentaro Sakuwa, and Prashant Hosur Suhas. 2021. Analyzing Strategic "
    "Rivalries in World Politics. Springer. (Strategic rivalries, TD 1494-2010 and TSS 1494-2020.)"
)
#: The day the contemporary world describes: no later event is entered in its hand files.
CONTEMPORARY_CUTOFF = "2025-10-31"
_CIT_HAND = (
    f"foederis contemporary updates, cut-off {CONTEMPORARY_CUTOFF} (hand-made; every row names its "
    "year and source): "
    "contemporary_updates.csv, contemporary_economy.csv (IMF World Economic Outlook April 2025; "
    "NATO defence expenditure 2024 estimates as released in the Secretary General's Annual Report "
    "2024, April 2025; SIPRI Military Expenditure Database, April 2025), "
    "contemporary_rivalries.csv (authors' judgement, events named per row)."
)

_VALID = (
    "'contemporary', 'atop:YEAR' with YEAR from 1816 to 2018 (e.g. 'atop:1914'), or "
    "'atop:YYYY-MM-DD' for a day from 1816-01-01 to 2018-12-31 (e.g. 'atop:1914-07-28')"
)
_NAME_RE = re.compile(r"^atop:(.*)$")
_OPEN = np.iinfo(np.int32).max  # a spell still running where its data set ends (build_data.OPEN)
# Hostility of a strategic rivalry by level (see build_data.py, ``rv_level``): a strategic
# rivalry of TD or TSS 0.5; principal for one of the two rivals (TSS ``aprin``) 0.75; principal
# for both (TSS ``principal``) 1.0. The same in both directions.
RIVALRY_HOSTILITY = (0.5, 0.75, 1.0)


def builtin_frames(name: str):
    """Frames of the built-in world ``name``.

    Returns
    -------
    states : DataFrame
        ``code, name, capability, gdp, defense_spending, nuclear, region, global_reach, milex,
        lat, lon, milper, irst, pec, tpop, upop`` (the NMC components in NMC's units, see
        :data:`NMC_COLUMNS`; ``lat``/``lon``: the capital; NaN = unknown).
    commitments : DataFrame
        ``guarantor, protege, kind, credibility, treaty, domains``; ``treaty`` is None when
        no treaty is known. ``treaties``: every treaty that grounds the commitment, joined by
        ``"|"``, ``treaty`` first (historical worlds: every ATOP 4.01 alliance in force then,
        lowest id first; the contemporary world: the ATOP alliances of 2018 under their
        contemporary names and the treaties of the hand rows), or None. The conditions of the
        contract: ``against`` (codes joined by "|", "" = any adversary), ``location`` ("" or
        "protege"), ``nonprovocation`` (bool), ``min_attackers`` (int >= 1), and
        ``adversary_unnamed`` (ATOP codes an adversary condition but names no state).
    rivalries : DataFrame
        ``source, target, hostility`` (historical worlds: the TD and TSS strategic rivalries
        of the year, hostility from :data:`RIVALRY_HOSTILITY`).
    meta : dict
        ``name``, ``year`` (int), ``date`` (ISO day, or None for a calendar year; the
        contemporary world: its cut-off), ``description``, ``citation``, ``contiguity``
        (DataFrame ``a, b, conttype``: COW direct contiguity, one row per pair).

    Raises
    ------
    UnknownWorldError
        ``name`` is not a built-in world, or its year or day is outside 1816..2018.
    """
    key = _parse(name)
    if key == "contemporary":
        st, cm, rv, meta = _contemporary()
    else:
        st, cm, rv, meta = _historical(*key)
    meta = dict(meta)
    meta["contiguity"] = meta["contiguity"].copy()
    return st.copy(), cm.copy(), rv.copy(), meta


def _parse(name) -> str | tuple[int, str | None]:
    """``"contemporary"``, or ``(year, None)`` for ``atop:YEAR``, ``(year, "YYYY-MM-DD")`` for a day."""
    if not isinstance(name, str):
        raise UnknownWorldError(
            f"built-in world name must be a string, got {shown(name)}; valid: {_VALID}"
        )
    text = name.strip().lower()
    if text == "contemporary":
        return "contemporary"
    m = _NAME_RE.match(text)
    if not m:
        raise UnknownWorldError(f"unknown built-in world {shown(name)}; valid: {_VALID}")
    ytxt = m.group(1).strip()
    day = None
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", ytxt):
        try:
            day = str(np.datetime64(ytxt, "D"))
        except ValueError:
            day = None
        if day != ytxt:
            raise UnknownWorldError(
                f"built-in world {shown(name)}: {shown(ytxt)} is not a calendar day; valid: {_VALID}"
            )
        ytxt = ytxt[:4]
    if not re.fullmatch(r"[0-9]{1,4}", ytxt):
        raise UnknownWorldError(
            f"built-in world {shown(name)} has no valid year {shown(ytxt)}; valid: {_VALID}"
        )
    year = int(ytxt)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise UnknownWorldError(
            f"year {year} of built-in world {shown(name)} is out of range: ATOP worlds cover "
            f"{FIRST_YEAR} to {LAST_YEAR}; valid: {_VALID}"
        )
    return year, day


# --- shared arrays ------------------------------------------------------------------------


def _open(fname: str, mode: str = "rb"):
    return resources.files(__package__).joinpath(fname).open(mode)


@functools.lru_cache(maxsize=1)
def _arrays() -> dict:
    with _open("historical.npz") as fh, np.load(fh, allow_pickle=False) as z:
        out = {k: z[k] for k in z.files}
    for a in out.values():
        a.flags.writeable = False
    ccode = out["state_ccode"].astype(np.int64)
    out["state_region"] = _regions(ccode)
    return out


# COW numbers Turkey (640) and Cyprus (352) by their position; for the reach rule of
# today's world, Turkey -- a NATO and Council of Europe member holding the Straits and
# fielding NATO's second-largest army -- can fight in a European theatre. Without this
# override the reach rule would keep it out of every European war, and "what if Turkey
# leaves NATO" would change nothing for the Baltic.
_REGION_OVERRIDES = {"TUR": "Europe"}


def _regions(ccode: np.ndarray) -> np.ndarray:
    """Region from COW ccode ranges."""
    region = np.full(ccode.shape, "", dtype="<U11")
    for lo, hi, label in (
        (2, 165, "Americas"),
        (200, 399, "Europe"),
        (400, 626, "Africa"),
        (630, 698, "Middle East"),
        (700, 899, "Asia"),
        (900, 990, "Oceania"),
    ):
        region[(ccode >= lo) & (ccode <= hi)] = label
    return region


def _read_csv(fname: str) -> pd.DataFrame:
    with _open(fname, "r") as fh:
        text = fh.read()
    return pd.read_csv(io.StringIO(text), comment="#", dtype=str, keep_default_na=False)


def _kind_names(codes: np.ndarray) -> np.ndarray:
    return np.asarray(KIND_NAMES, dtype=object)[codes]


# --- treaty names ---------------------------------------------------------------------------


_NAME_SCOPES = ("all", "historical")


@functools.lru_cache(maxsize=1)
def _treaty_name_table() -> pd.DataFrame:
    """``atop_treaty_names.csv``, checked: unique ids, unique names, a known scope per row."""
    df = _read_csv("atop_treaty_names.csv")
    bad = sorted(set(df["scope"]) - set(_NAME_SCOPES))
    if bad:
        raise ValueError(
            f"atop_treaty_names.csv: unknown scope {bad}; valid: {', '.join(_NAME_SCOPES)}"
        )
    shown = df["historical_name"].where(df["historical_name"] != "", df["name"])
    for col, values in (("atopid", df["atopid"]), ("name", df["name"]), ("historical name", shown)):
        dup = sorted(set(values[values.duplicated()]))
        if dup:
            raise ValueError(f"atop_treaty_names.csv: {col} not unique: {dup}")
    df["shown"] = shown
    return df


def _treaty_names() -> dict[int, str]:
    """Names of the contemporary world: the rows of scope ``all``, by ATOP id."""
    df = _treaty_name_table()
    df = df[df["scope"] == "all"]
    return {int(a): n for a, n in zip(df["atopid"], df["name"])}


@functools.lru_cache(maxsize=1)
def _historical_treaty_names() -> dict[int, str]:
    """Names of the historical worlds: every row (``historical_name`` where set), by ATOP id."""
    df = _treaty_name_table()
    return {int(a): n for a, n in zip(df["atopid"], df["shown"])}


def _historical_treaty_label(atopid: int) -> str:
    """``"<name> (ATOP <id>)"`` for a named alliance, else ``"ATOP <id>"``."""
    name = _historical_treaty_names().get(atopid)
    return f"{name} (ATOP {atopid})" if name else f"ATOP {atopid}"


# --- historical worlds ----------------------------------------------------------------------


def _day_number(iso: str) -> int:
    return int(np.datetime64(iso, "D").astype(np.int64))


@functools.lru_cache(maxsize=64)
def _grounds(lo: int, hi: int) -> tuple[np.ndarray, ...]:
    """Commitments grounded by ATOP 4.01 alliances with rows in force some time in days lo..hi.

    An alliance grounds guarantor -> protege of a kind when a row of the guarantor carrying
    that obligation and a row of the protege (any obligation) are in force (the same rule as
    ``tools/build_data.py`` uses for the yearly ``treaty`` id). Returns ``keys`` (sorted,
    unique int64 ``(g * S + p) * N_KINDS + kind`` over state indices of ``historical.npz``),
    ``ptr`` (int64, ``len(keys) + 1``) and, per grounding alliance ``ptr[i]:ptr[i + 1]`` of
    ``keys[i]`` (lowest id first): ``ids``, ``cond`` (uint8: bit 0 adversary, 1 location,
    2 non-provocation, 3 number of attackers; a condition holds only if every row of that
    alliance in force carries it), ``threat1``, ``threat2`` (ccodes ATOP names as threats).
    """
    z = _arrays()
    n_states = len(z["state_abb"])
    m = (z["ml_start"] <= hi) & (z["ml_end"] >= lo)
    order = np.argsort(z["ml_atopid"][m], kind="stable")
    aid = z["ml_atopid"][m][order].astype(np.int64)
    st = z["ml_state"][m][order].astype(np.int64)
    kb = z["ml_kinds"][m][order]
    cb = z["ml_cond"][m][order]
    th1 = z["ml_threat1"][m][order]
    th2 = z["ml_threat2"][m][order]
    # every (row, row) pair within one alliance: guarantor row r, protege row q
    _, first, count = np.unique(aid, return_index=True, return_counts=True)
    gsize = np.repeat(count, count)
    gfirst = np.repeat(first, count)
    r = np.repeat(np.arange(len(aid)), gsize)
    q = np.repeat(gfirst, gsize) + (np.arange(len(r)) - np.repeat(np.cumsum(gsize) - gsize, gsize))
    ok = st[r] != st[q]
    r, q = r[ok], q[ok]
    keys, rows, conds = [], [], []
    for k in range(N_KINDS):
        sel = ((kb[r] >> k) & 1).astype(bool)
        keys.append((st[r[sel]] * n_states + st[q[sel]]) * N_KINDS + k)
        rows.append(r[sel])
        conds.append(((cb[r[sel]] >> np.uint32(4 * k)) & np.uint32(15)).astype(np.uint8))
    key = np.concatenate(keys)
    row = np.concatenate(rows)
    cond = np.concatenate(conds)
    idv = aid[row]
    o = np.lexsort((idv, key))
    key, idv, row, cond = key[o], idv[o], row[o], cond[o]
    new = np.ones(len(key), dtype=bool)
    new[1:] = (key[1:] != key[:-1]) | (idv[1:] != idv[:-1])
    starts = np.flatnonzero(new)
    cond = np.bitwise_and.reduceat(cond, starts) if len(starts) else cond
    key, idv, row = key[starts], idv[starts], row[starts]
    start = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.zeros(0, np.int64)
    ptr = np.r_[start, len(key)].astype(np.int64)
    out = (key[start], ptr, idv, cond, th1[row], th2[row])
    for arr in out:
        arr.flags.writeable = False
    return out


def _treaty_lists(keys: np.ndarray, grounds) -> dict[str, np.ndarray]:
    """Per key: lowest grounding ATOP id (``lowest``, -1: none), every grounding label
    "|"-joined (``treaties``, None) and the conditions of the contract (``against``,
    ``location``, ``nonprovocation``, ``min_attackers``, and ``adversary_unnamed``).

    A commitment grounded by several alliances carries a condition only if every one of them
    does; its named adversaries are the union of theirs. ATOP names the threats once per
    alliance (``statthr1``, ``statthr2``); they are the adversaries of a DEFENSE, OFFENSE or
    ENTENTE pledge conditional on an adversary, but not of a NEUTRALITY pledge, which is
    usually promised for a war against someone else (the Dual Alliance of 1879: defence
    against Russia, neutrality against any other attacker), so a conditional neutrality
    pledge has ``against`` empty and ``adversary_unnamed`` True.
    """
    kinds = keys % N_KINDS
    gk, ptr, ids, cond, th1, th2 = grounds
    n = len(keys)
    labels = np.full(n, None, dtype=object)
    against = np.full(n, "", dtype=object)
    location = np.full(n, "", dtype=object)
    nonprov = np.zeros(n, dtype=bool)
    min_att = np.ones(n, dtype=np.int64)
    unnamed = np.zeros(n, dtype=bool)
    lowest = np.full(n, -1, dtype=np.int64)
    if not len(gk) or not n:
        return {"lowest": lowest, "treaties": labels, "against": against, "location": location,
                "nonprovocation": nonprov, "min_attackers": min_att,
                "adversary_unnamed": unnamed}
    pos = np.minimum(np.searchsorted(gk, keys), len(gk) - 1)
    idx = np.flatnonzero(gk[pos] == keys)
    j = pos[idx]
    lo, hi = ptr[j], ptr[j + 1]
    lowest[idx] = ids[lo]
    uniq, inv = np.unique(ids, return_inverse=True)
    lab = np.array([_historical_treaty_label(int(t)) for t in uniq], dtype=object)[inv]
    single = hi - lo == 1
    labels[idx[single]] = lab[lo[single]]
    for i, s0, e0 in zip(idx[~single], lo[~single], hi[~single]):
        labels[i] = "|".join(lab[s0:e0])
    c = np.bitwise_and.reduceat(cond, ptr[:-1])[j]
    location[idx[(c & 2) > 0]] = "protege"
    nonprov[idx] = (c & 4) > 0
    min_att[idx] = np.where((c & 8) > 0, 2, 1)
    abb = _abb_of_ccode()
    for i, s0, e0 in zip(idx[(c & 1) > 0], lo[(c & 1) > 0], hi[(c & 1) > 0]):
        named = (
            sorted({int(t) for t in np.r_[th1[s0:e0], th2[s0:e0]] if t > 0})
            if kinds[i] != NEUTRALITY
            else []
        )
        against[i] = "|".join(abb.get(t, str(t)) for t in named)
        unnamed[i] = not named
    return {
        "lowest": lowest,
        "treaties": labels,
        "against": against,
        "location": location,
        "nonprovocation": nonprov,
        "min_attackers": min_att,
        "adversary_unnamed": unnamed,
    }


@functools.lru_cache(maxsize=1)
def _abb_of_ccode() -> dict[int, str]:
    z = _arrays()
    return {int(c): str(a) for c, a in zip(z["state_ccode"], z["state_abb"])}


def _year_states(z: dict, year: int):
    """Index range of the state-years of ``year`` in the ``sy_*`` arrays."""
    i = year - FIRST_YEAR
    return int(z["sy_ptr"][i]), int(z["sy_ptr"][i + 1])


@functools.lru_cache(maxsize=32)
def _historical(year: int, day: str | None = None):
    """Frames of ``atop:YEAR`` (``day`` None: the calendar year) or of ``atop:YYYY-MM-DD``."""
    z = _arrays()
    n_all = len(z["state_abb"])
    lo, hi = _year_states(z, year)
    sidx = z["sy_state"][lo:hi].astype(np.int64)
    cap = z["sy_cap"][lo:hi].astype(np.float64)
    keep_state = np.ones(len(sidx), dtype=bool)
    y_lo, y_hi = _day_number(f"{year}-01-01"), _day_number(f"{year}-12-31")
    if day is not None:
        d = _day_number(day)
        on = (z["ss_start"] <= d) & (z["ss_end"] >= d)
        keep_state = np.isin(sidx, z["ss_state"][on])
        cap = cap[keep_state]
        total = cap.sum()
        cap = cap / total if total > 0 else cap
    sel_sy = np.flatnonzero(keep_state) + lo
    sidx = z["sy_state"][sel_sy].astype(np.int64)
    codes = z["state_abb"][sidx]
    nuclear = np.array([_NUCLEAR_SINCE.get(c, 10**6) <= year for c in codes], dtype=bool)
    milex = z["sy_milex"][sel_sy]
    states = pd.DataFrame(
        {
            "code": codes.astype(object),
            "name": z["state_name"][sidx].astype(object),
            "capability": cap,
            "gdp": np.full(len(sidx), np.nan),
            "defense_spending": milex / 1e6,  # NMC milex is in thousands of current US$
            "nuclear": nuclear,
            "region": z["state_region"][sidx].astype(object),
            "global_reach": z["sy_major"][sel_sy].astype(bool),
            "milex": milex.astype(np.float64),
        }
    )
    c_lo, c_hi = (d, d) if day is not None else (y_lo, y_hi)
    states["lat"], states["lon"] = _capitals(z, sidx, c_lo, c_hi)
    for col in NMC_COLUMNS[1:]:
        states[col] = z[f"sy_{col}"][sel_sy].astype(np.float64)
    contiguity = _contiguity(z, sidx, c_lo, c_hi)
    m = (z["sp_start"] <= year) & (z["sp_end"] >= year)
    g = z["sp_g"][m].astype(np.int64)
    p = z["sp_p"][m].astype(np.int64)
    kind = z["sp_kind"][m]
    tre = z["sp_treaty"][m].astype(np.int64)
    key = (g * n_all + p) * N_KINDS + kind
    gy = _grounds(y_lo, y_hi)
    n_not_yet = n_gone = n_yearly = 0
    if day is None:
        gr = gy
    else:
        gr = _grounds(d, d)
        in_day = np.isin(key, gr[0])
        in_year = np.isin(key, gy[0])
        present = np.zeros(n_all, dtype=bool)
        present[sidx] = True
        both = present[g] & present[p]
        keep = (in_day | ~in_year) & both
        n_not_yet = int((~in_day & in_year & both).sum())
        n_gone = int((~both).sum())
        n_yearly = int((~in_year & both).sum())
        g, p, kind, tre, key = g[keep], p[keep], kind[keep], tre[keep], key[keep]
    tl = _treaty_lists(key, gr)
    if day is not None:
        tre = np.where(tl["lowest"] >= 0, tl["lowest"], tre)
    order = np.lexsort((kind, p, g))
    g, p, kind, tre = g[order], p[order], kind[order], tre[order]
    tl = {k: v[order] for k, v in tl.items()}
    treaty = np.array(
        [_historical_treaty_label(int(t)) if t >= 0 else None for t in tre], dtype=object
    )
    commitments = pd.DataFrame(
        {
            "guarantor": z["state_abb"][g].astype(object),
            "protege": z["state_abb"][p].astype(object),
            "kind": _kind_names(kind),
            "credibility": np.ones(len(g)),
            "treaty": treaty,
            "domains": np.full(len(g), "conventional", dtype=object),
            "treaties": tl["treaties"].astype(object),
            "against": tl["against"],
            "location": tl["location"],
            "nonprovocation": tl["nonprovocation"],
            "min_attackers": tl["min_attackers"],
            "adversary_unnamed": tl["adversary_unnamed"],
        }
    )
    rivalries = _historical_rivalries(z, year, sidx)
    n_missing = int(z["sy_cinc_missing"][sel_sy].sum())
    dropped = int(z["dropped_dyads"][year - FIRST_YEAR])
    majors = ", ".join(codes[z["sy_major"][sel_sy]])
    when = f"the day {day}" if day else f"the calendar year {year}"
    desc = (
        f"The state system of {when}: {len(codes)} states of the COW state system v2016"
        + (" in the system that day" if day else " in the system at any time that year")
        + (" (members at the end of 2016)" if year > 2016 else "")
        + "; capability = NMC v7 CINC of "
        + f"{year} renormalised to sum 1 over these states"
        + (f" ({n_missing} states without a CINC set to 0)" if n_missing else "")
        + "; defense_spending = NMC milex in US$ bn (current); "
        + f"global reach = COW major powers{' as at the end of 2016' if year > 2016 else ''} ({majors}); "
        + f"{len(g)} commitments from ATOP 5.1 directed dyad-year obligations of {year} "
        + "(defense->DEFENSE, offense->OFFENSE, neutral->NEUTRALITY, nonagg->NONAGGRESSION, "
        + "consul->ENTENTE; guarantor = ccode1), credibility 1"
        + (
            "; kept only when an ATOP 4.01 alliance grounding it is in force that day (member-level "
            "entry and exit dates; an unknown day counts from the first of the entry month to the last "
            f"of the exit month): {n_not_yet} of the year's commitments not in force that day left out, "
            f"{n_gone} with a state outside the system that day left out, {n_yearly} that no ATOP 4.01 "
            "alliance grounds kept as yearly spells"
            if day
            else ""
        )
        + f"; treaty = lowest ATOP 4.01 alliance id in force {'that day' if day else 'that year'} "
        + "binding the guarantor with the protege as member, as "
        + "'<name> (ATOP <id>)' for the alliances named in atop_treaty_names.csv, else 'ATOP <id>' "
        + "(column treaties: all of them)"
        + (
            f"; {dropped} ATOP dyads with a state outside the COW system that year dropped"
            if dropped
            else ""
        )
        + f"; {len(rivalries)} directed rivalry ties: the Thompson-Dreyer (2012) and "
        + f"Thompson-Sakuwa-Suhas (2021) strategic rivalries in force in {year} (yearly), hostility "
        + "0.5 a strategic rivalry, 0.75 principal for one rival (TSS aprin), 1.0 principal for both "
        + "(TSS principal), the same both ways"
        + f"; {len(contiguity)} contiguous pairs (COW direct contiguity v3.2 in force "
        + ("that day" if day else "that year")
        + ", the closest type; the data end in 2016, later years keep the spells then running)"
        + "; capital coordinates (lat, lon) and the NMC components milper, irst, pec, tpop, upop "
        + "as extra state columns; commitment conditions from ATOP 4.01 (against, location, "
        + "nonprovocation, min_attackers)"
        + "; region from COW ccode ranges; nuclear from the first test year."
    )
    name = f"atop:{day}" if day else f"atop:{year}"
    cite = f"{_CIT_ATOP}\n{_CIT_NMC}\n{_CIT_COW}\n{_CIT_CONT}\n{_CIT_CAP}\n{_CIT_RIV}\n{_CIT_PS}"
    meta = {
        "name": name,
        "year": year,
        "date": day,
        "contiguity": contiguity,
        "description": desc,
        "citation": (f"World {name}: {when}.\n" if day else "") + cite,
    }
    return states, commitments, rivalries, meta


#: NMC v7 components shipped beside CINC (``milex`` in thousands of current US$, ``milper``
#: thousands of personnel, ``irst`` thousands of tons of iron and steel, ``pec`` thousands of
#: coal-ton equivalents, ``tpop`` and ``upop`` thousands of people).
NMC_COLUMNS = ("milex", "milper", "irst", "pec", "tpop", "upop")


def _capitals(z: dict, sidx: np.ndarray, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
    """lat, lon of each state's capital in force in days lo..hi (the latest to start); NaN if none."""
    lat = np.full(len(sidx), np.nan)
    lon = np.full(len(sidx), np.nan)
    m = (z["cap_start"] <= hi) & (z["cap_end"] >= lo)
    st, start = z["cap_state"][m].astype(np.int64), z["cap_start"][m]
    o = np.lexsort((start, st))  # the latest start last: it wins the assignment below
    where = np.full(len(z["state_abb"]), -1, dtype=np.int64)
    where[sidx] = np.arange(len(sidx))
    tgt = where[st[o]]
    ok = tgt >= 0
    lat[tgt[ok]] = z["cap_lat"][m][o][ok]
    lon[tgt[ok]] = z["cap_lon"][m][o][ok]
    return lat, lon


def _contiguity(z: dict, sidx: np.ndarray, lo: int, hi: int) -> pd.DataFrame:
    """COW direct contiguity in force some time in days lo..hi between states of ``sidx``:
    one row per unordered pair (``a`` < ``b`` in the states' order), the closest type."""
    where = np.full(len(z["state_abb"]), -1, dtype=np.int64)
    where[sidx] = np.arange(len(sidx))
    a, b = where[z["ct_a"].astype(np.int64)], where[z["ct_b"].astype(np.int64)]
    m = (z["ct_start"] <= hi) & (z["ct_end"] >= lo) & (a >= 0) & (b >= 0)
    ia, ib = np.minimum(a[m], b[m]), np.maximum(a[m], b[m])
    t = z["ct_type"][m].astype(np.int8)
    o = np.lexsort((t, ib, ia))  # per pair, the closest type first
    ia, ib, t = ia[o], ib[o], t[o]
    first = np.r_[True, (ia[1:] != ia[:-1]) | (ib[1:] != ib[:-1])] if len(ia) else np.zeros(0, bool)
    codes = z["state_abb"][sidx]
    return pd.DataFrame(
        {
            "a": codes[ia[first]].astype(object),
            "b": codes[ib[first]].astype(object),
            "conttype": t[first],
        }
    )


def _historical_rivalries(z: dict, year: int, sidx: np.ndarray) -> pd.DataFrame:
    """TD and TSS rivalries in force in ``year`` between states of ``sidx``, both directions."""
    present = np.zeros(len(z["state_abb"]), dtype=bool)
    present[sidx] = True
    a = z["rv_a"].astype(np.int64)
    b = z["rv_b"].astype(np.int64)
    m = (z["rv_start"] <= year) & (z["rv_end"] >= year) & present[a] & present[b]
    lo, hi = np.minimum(a[m], b[m]), np.maximum(a[m], b[m])
    h = np.asarray(RIVALRY_HOSTILITY)[z["rv_level"][m]]
    o = np.lexsort((-h, hi, lo))  # per pair, the highest hostility first
    lo, hi, h = lo[o], hi[o], h[o]
    first = np.r_[True, (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])] if len(lo) else np.zeros(0, bool)
    lo, hi, h = lo[first], hi[first], h[first]
    src = np.r_[lo, hi].astype(np.int64)
    tgt = np.r_[hi, lo].astype(np.int64)
    hos = np.r_[h, h].astype(np.float64)
    order = np.lexsort((tgt, src))
    return pd.DataFrame(
        {
            "source": z["state_abb"][src[order]].astype(object),
            "target": z["state_abb"][tgt[order]].astype(object),
            "hostility": hos[order],
        }
    )


# --- the contemporary world --------------------------------------------------------------------


def _split(text: str) -> list[str]:
    return [t.strip() for t in text.split("|") if t.strip()]


def _domain_bits(text: str, where: str) -> int:
    bits = 0
    for d in _split(text):
        if d not in DOMAIN_BITS:
            raise ValueError(f"{where}: unknown domain {shown(d)}; valid: {', '.join(DOMAIN_NAMES)}")
        bits |= DOMAIN_BITS[d]
    return bits


def _domain_text(bits: int) -> str:
    return "|".join(d for d in DOMAIN_NAMES if bits & DOMAIN_BITS[d])


class _Edges:
    """Commitments keyed by (guarantor, protege, kind) while hand updates are applied."""

    def __init__(self, codes: set[str]):
        self.codes = codes
        self.e: dict[tuple[str, str, int], list] = {}  # -> [treaty, credibility, domain bits]
        # -> (against, location, nonprovocation, min_attackers, adversary_unnamed); absent: none
        self.cond: dict[tuple[str, str, int], tuple] = {}
        # -> every treaty that grounds the edge (the label, treaty, among them)
        self.prov: dict[tuple[str, str, int], list[str]] = {}

    def treaties(self, key) -> str | None:
        """The edge's treaties joined by "|", its label first (None: no treaty)."""
        label = self.e[key][0]
        rest = [t for t in self.prov.get(key, []) if t != label]
        out = ([label] if label else []) + rest
        return "|".join(out) if out else None

    def treaty_conditions(self, treaty: str, kind: int) -> tuple:
        """The conditions of a tie of ``treaty`` and ``kind`` (the first in key order), or none."""
        keys = sorted(k for k, v in self.e.items() if v[0] == treaty and k[2] == kind)
        return self.cond.get(keys[0], NO_CONDITIONS) if keys else NO_CONDITIONS

    def members(self, treaty: str) -> set[str]:
        out = set()
        for (g, p, _), v in self.e.items():
            if v[0] == treaty:
                out.add(g)
                out.add(p)
        return out

    def expand(self, text: str, where: str) -> list[str]:
        out: list[str] = []
        for tok in _split(text):
            if tok.startswith("@"):
                mem = self.members(tok[1:])
                if not mem:
                    raise ValueError(f"{where}: treaty {tok[1:]!r} has no members")
                out.extend(sorted(mem))
            else:
                if tok not in self.codes:
                    raise ValueError(f"{where}: unknown state code {shown(tok)}")
                out.append(tok)
        return list(dict.fromkeys(out))

    def add(self, g, p, kind, treaty, cred, bits, cond=None):
        if g == p:
            return
        key = (g, p, kind)
        old = self.e.get(key)
        self.e[key] = [treaty, cred, bits | (old[2] if old else 0)]
        prov = self.prov.setdefault(key, [])
        if treaty and treaty not in prov:
            prov.append(treaty)
        if cond is None or cond == NO_CONDITIONS:
            self.cond.pop(key, None)
        else:
            self.cond[key] = cond

    def match(self, gs, ps, kinds, treaty):
        """Existing keys guarantor in gs, protege in ps, kind in kinds (None: any), in key order."""
        ks = range(N_KINDS) if kinds is None else sorted(set(kinds))
        out = []
        for g in dict.fromkeys(gs):
            for p in dict.fromkeys(ps):
                for k in ks:
                    v = self.e.get((g, p, k))
                    if v is not None and (treaty is None or v[0] == treaty):
                        out.append((g, p, k))
        return out


#: A commitment without conditions: (against, location, nonprovocation, min_attackers,
#: adversary_unnamed).
NO_CONDITIONS = ("", "", False, 1, False)
_CONDITION_FIELDS = ("against", "location", "nonprovocation", "min_attackers")
_REGION_NAMES = ("Americas", "Europe", "Africa", "Middle East", "Asia", "Oceania")


def _row_conditions(row, edges: _Edges, where: str) -> dict:
    """The condition fields a hand row sets (the columns it leaves empty are absent)."""
    out: dict = {}
    text = {f: str(getattr(row, f, "") or "").strip() for f in _CONDITION_FIELDS}
    if text["against"]:
        codes = _split(text["against"])
        bad = [c for c in codes if c not in edges.codes]
        if bad:
            raise ValueError(f"{where}: against names unknown state codes {bad}")
        out["against"] = "|".join(codes)
    if text["location"]:
        loc = text["location"]
        if loc != "protege" and loc not in _REGION_NAMES:
            raise ValueError(
                f"{where}: location {shown(loc)} is not valid; valid: 'protege' or one of "
                f"{', '.join(_REGION_NAMES)}"
            )
        out["location"] = loc
    if text["nonprovocation"]:
        v = text["nonprovocation"].lower()
        if v not in ("true", "false"):
            raise ValueError(f"{where}: nonprovocation must be true or false, got {shown(v)}")
        out["nonprovocation"] = v == "true"
    if text["min_attackers"]:
        v = text["min_attackers"]
        if not v.isdigit() or int(v) < 1:
            raise ValueError(f"{where}: min_attackers must be an integer >= 1, got {shown(v)}")
        out["min_attackers"] = int(v)
    return out


def _with_conditions(base: tuple, given: dict) -> tuple:
    cur = dict(zip(_CONDITION_FIELDS, base[:4]))
    cur.update(given)
    unnamed = base[4] and "against" not in given
    return (cur["against"], cur["location"], cur["nonprovocation"], cur["min_attackers"], unnamed)


def _apply_updates(edges: _Edges, upd: pd.DataFrame) -> None:
    for n, row in enumerate(upd.itertuples(index=False), start=1):
        where = f"contemporary_updates.csv row {n} ({row.action} {row.guarantor}->{row.protege})"
        act = row.action.strip()
        kinds = [KIND_CODES[k.upper()] for k in _split(row.kind)] if row.kind.strip() else None
        treaty = row.treaty.strip() or None
        if not row.year.strip() or not row.source.strip():
            raise ValueError(f"{where}: every hand row needs a year and a source")
        gs = edges.expand(row.guarantor, where)
        ps = edges.expand(row.protege, where) if row.protege.strip() else []
        given = _row_conditions(row, edges, where)
        if given and act.startswith(("remove", "add_domains")):
            raise ValueError(f"{where}: {act} takes no conditions")
        if act in ("add", "add_mutual", "add_treaty", "add_member"):
            if kinds is None or treaty is None:
                raise ValueError(f"{where}: {act} needs kind and treaty")
            cred = float(row.credibility) if row.credibility.strip() else 1.0
            bits = (
                _domain_bits(row.domains, where)
                if row.domains.strip()
                else DOMAIN_BITS["conventional"]
            )
            if act == "add_treaty":
                pairs = [(a, b) for a in gs for b in gs]
            elif act == "add_member":
                cur = sorted(edges.members(treaty) - set(gs))
                if not cur:
                    raise ValueError(f"{where}: treaty {shown(treaty)} has no members to join")
                allm = cur + gs
                pairs = [(a, b) for a in gs for b in allm] + [(b, a) for a in gs for b in cur]
            else:
                pairs = [(a, b) for a in gs for b in ps]
                if act == "add_mutual":
                    pairs += [(b, a) for a, b in pairs]
            for k in kinds:
                # a new member takes the conditions the treaty's ties of that kind carry
                base = edges.treaty_conditions(treaty, k) if act == "add_member" else NO_CONDITIONS
                cond = _with_conditions(base, given)
                for a, b in pairs:
                    edges.add(a, b, k, treaty, cred, bits, cond)
        elif act in ("remove", "remove_mutual", "set", "set_mutual", "add_domains",
                     "add_domains_mutual"):
            keys = edges.match(gs, ps, kinds, treaty)
            if act.endswith("_mutual"):
                keys += edges.match(ps, gs, kinds, treaty)
            if not keys:
                raise ValueError(f"{where}: matches no commitment")
            if act.startswith("remove") and treaty is not None:
                # edges labelled by another treaty stay, no longer grounded by this one
                others = edges.match(gs, ps, kinds, None)
                if act.endswith("_mutual"):
                    others += edges.match(ps, gs, kinds, None)
                for key in others:
                    if treaty in edges.prov.get(key, []):
                        edges.prov[key].remove(treaty)
            for key in keys:
                if act.startswith("remove"):
                    edges.e.pop(key, None)
                    edges.cond.pop(key, None)
                    edges.prov.pop(key, None)
                elif act.startswith("add_domains"):
                    if not row.domains.strip() or row.credibility.strip():
                        raise ValueError(f"{where}: {act} needs domains and no credibility")
                    edges.e[key][2] |= _domain_bits(row.domains, where)
                else:
                    v = edges.e[key]
                    if row.credibility.strip():
                        v[1] = float(row.credibility)
                    if row.domains.strip():
                        v[2] = _domain_bits(row.domains, where)
                    if given:
                        cond = _with_conditions(edges.cond.get(key, NO_CONDITIONS), given)
                        if cond == NO_CONDITIONS:
                            edges.cond.pop(key, None)
                        else:
                            edges.cond[key] = cond
        else:
            raise ValueError(f"{where}: unknown action {shown(act)}")


@functools.lru_cache(maxsize=1)
def _contemporary():
    z = _arrays()
    sidx = z["c22_state"].astype(np.int64)
    codes = z["state_abb"][sidx]
    code_list = [str(c) for c in codes]
    # commitments of ATOP 5.1 for 2018 among today's states, with treaty names
    names = _treaty_names()
    m = (z["sp_start"] <= LAST_YEAR) & (z["sp_end"] >= LAST_YEAR)
    abb = z["state_abb"]
    edges = _Edges(set(code_list))
    conv = DOMAIN_BITS["conventional"]
    # conditions of the ATOP 4.01 alliances grounding them in 2018
    n_all = len(abb)
    keys = (z["sp_g"][m].astype(np.int64) * n_all + z["sp_p"][m]) * N_KINDS + z["sp_kind"][m]
    grounds = _grounds(_day_number(f"{LAST_YEAR}-01-01"), _day_number(f"{LAST_YEAR}-12-31"))
    tl = _treaty_lists(keys, grounds)
    gk, gptr, gids = grounds[:3]
    gpos = np.minimum(np.searchsorted(gk, keys), len(gk) - 1)
    gpos = np.where(gk[gpos] == keys, gpos, -1)
    conds = zip(tl["against"], tl["location"], tl["nonprovocation"], tl["min_attackers"],
                tl["adversary_unnamed"])
    for j, g, p, k, t, cond in zip(gpos, abb[z["sp_g"][m]], abb[z["sp_p"][m]], z["sp_kind"][m],
                                   z["sp_treaty"][m], conds):
        tname = names.get(int(t), f"ATOP {t}") if t >= 0 else None
        key = (str(g), str(p), int(k))
        edges.e[key] = [tname, 1.0, conv]
        if j >= 0:
            edges.prov[key] = [names.get(int(a), f"ATOP {a}") for a in gids[gptr[j] : gptr[j + 1]]]
        cond = (str(cond[0]), str(cond[1]), bool(cond[2]), int(cond[3]), bool(cond[4]))
        if cond != NO_CONDITIONS:
            edges.cond[key] = cond
    upd = _read_csv("contemporary_updates.csv")
    _apply_updates(edges, upd)
    items = sorted(edges.e.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2]))
    commitments = pd.DataFrame(
        {
            "guarantor": [k[0] for k, _ in items],
            "protege": [k[1] for k, _ in items],
            "kind": [KIND_NAMES[k[2]] for k, _ in items],
            "credibility": np.array([v[1] for _, v in items], dtype=np.float64),
            "treaty": [v[0] for _, v in items],
            "domains": [_domain_text(v[2]) for _, v in items],
            "treaties": [edges.treaties(k) for k, _ in items],
        }
    )
    cond = [edges.cond.get(k, NO_CONDITIONS) for k, _ in items]
    for j, col in enumerate((*_CONDITION_FIELDS, "adversary_unnamed")):
        dtype = (object, object, bool, np.int64, bool)[j]
        commitments[col] = np.array([c[j] for c in cond], dtype=dtype)

    eco = _read_csv("contemporary_economy.csv").set_index("code")
    unknown = sorted(set(eco.index) - set(code_list))
    if unknown:
        raise ValueError(f"contemporary_economy.csv: unknown state codes {unknown}")

    def num(col):
        s = pd.to_numeric(eco[col].replace("", np.nan), errors="raise")
        return s.reindex(code_list).to_numpy(dtype=np.float64)

    states = pd.DataFrame(
        {
            "code": codes.astype(object),
            "name": z["state_name"][sidx].astype(object),
            "capability": z["c22_cap"].astype(np.float64),
            "gdp": num("gdp"),
            "defense_spending": num("defense_spending"),
            "nuclear": np.isin(codes, _NUCLEAR_NOW),
            "region": z["state_region"][sidx].astype(object),
            "global_reach": np.isin(codes, _MAJORS_2016),
            "milex": z["c22_milex"].astype(np.float64),
        }
    )
    cut = _day_number(CONTEMPORARY_CUTOFF)
    states["lat"], states["lon"] = _capitals(z, sidx, cut, cut)
    for col in NMC_COLUMNS[1:]:
        states[col] = z[f"c22_{col}"].astype(np.float64)
    contiguity = _contiguity(z, sidx, cut, cut)
    # Region overrides for the reach rule, where the COW code range misleads today.
    for code, region in _REGION_OVERRIDES.items():
        states.loc[states["code"] == code, "region"] = region
    riv = _read_csv("contemporary_rivalries.csv")
    for col in ("source", "target"):
        bad = sorted(set(riv[col]) - set(code_list))
        if bad:
            raise ValueError(f"contemporary_rivalries.csv: unknown state codes {bad}")
    rivalries = pd.DataFrame(
        {
            "source": riv["source"].astype(object).to_numpy(),
            "target": riv["target"].astype(object).to_numpy(),
            "hostility": riv["hostility"].astype(np.float64).to_numpy(),
        }
    )
    year = int(pd.to_numeric(upd["year"]).max())
    desc = (
        f"The world of today ({year}; cut-off {CONTEMPORARY_CUTOFF}): the {len(codes)} states of the COW state system at the end of "
        "2016 (South Sudan included); capability = NMC v7 CINC for 2022 renormalised to sum 1; "
        "gdp (IMF WEO April 2025, 2024) and defense_spending (NATO 2024 estimates of the Secretary "
        "General's Annual Report 2024, April 2025 release, for NATO members, "
        "SIPRI 2024 otherwise) in US$ bn where known; region from COW ccode ranges, Turkey counted "
        "in Europe; nuclear = the nine nuclear-armed states; "
        "global reach = COW major powers at the end of 2016 (USA, UKG, FRN, GMY, RUS, CHN, JPN); "
        f"{len(items)} commitments: ATOP 5.1 obligations of 2018 (named after the treaties users "
        "know, else 'ATOP <id>'), brought up to date by contemporary_updates.csv (NATO enlargement to "
        "32, AUKUS, the Quad, the Russia-DPRK treaty of 2024, ...; every row names year and source); "
        f"{len(rivalries)} hand-made rivalries."
    )
    meta = {
        "name": "contemporary",
        "year": year,
        "date": CONTEMPORARY_CUTOFF,
        "contiguity": contiguity,
        "description": desc,
        "citation": f"{_CIT_ATOP}\n{_CIT_NMC}\n{_CIT_COW}\n{_CIT_CONT}\n{_CIT_CAP}\n{_CIT_PS}\n"
        f"{_CIT_HAND}",
    }
    return states, commitments, rivalries, meta
