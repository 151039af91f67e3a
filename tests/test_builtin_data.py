"""The shipped data: frames of the built-in worlds (foederis._data), checked on facts anyone can check.

These tests read only the files inside the package, never the raw data sets.
"""

from __future__ import annotations

import gc
import time

import numpy as np
import pandas as pd
import foederis
import pytest
from foederis._data import _apply_updates, _Edges, _read_csv, builtin_frames, builtin_names
from foederis.errors import UnknownWorldError

KINDS = {"DEFENSE", "GUARANTEE", "OFFENSE", "ENTENTE", "NEUTRALITY", "NONAGGRESSION"}
DOMAINS = {"conventional", "nuclear", "cyber", "space", "economic"}
REGIONS = {"Americas", "Europe", "Africa", "Middle East", "Asia", "Oceania"}

NATO_2024 = {
    "USA",
    "CAN",
    "UKG",
    "FRN",
    "GMY",
    "ITA",
    "SPN",
    "POR",
    "NTH",
    "BEL",
    "LUX",
    "DEN",
    "NOR",
    "ICE",
    "TUR",
    "GRC",
    "POL",
    "CZR",
    "HUN",
    "SLO",
    "SLV",
    "EST",
    "LAT",
    "LIT",
    "BUL",
    "ROM",
    "ALB",
    "CRO",
    "MNG",
    "MAC",
    "FIN",
    "SWD",
}


@pytest.fixture(scope="module")
def contemporary():
    return builtin_frames("contemporary")


def edge_set(commitments: pd.DataFrame, kind: str | None = None, treaty: str | None = None) -> set:
    c = commitments
    if kind is not None:
        c = c[c["kind"] == kind]
    if treaty is not None:
        c = c[c["treaty"] == treaty]
    return set(zip(c["guarantor"], c["protege"]))


def treaty_members(commitments: pd.DataFrame, treaty: str) -> set:
    c = commitments[commitments["treaty"] == treaty]
    return set(c["guarantor"]) | set(c["protege"])


def check_frames(states, commitments, rivalries, meta):
    """Invariants every built-in world satisfies."""
    assert list(states.columns[:3]) == ["code", "name", "capability"]
    assert states["code"].is_unique and (states["code"].str.len() > 0).all()
    cap = states["capability"].to_numpy()
    assert np.all(np.isfinite(cap)) and np.all(cap >= 0)
    assert cap.sum() == pytest.approx(1.0, abs=1e-9)
    assert set(states["region"]) <= REGIONS and (states["region"] != "").all()
    assert states["global_reach"].dtype == bool and states["nuclear"].dtype == bool
    codes = set(states["code"])
    assert set(commitments["guarantor"]) <= codes and set(commitments["protege"]) <= codes
    assert (commitments["guarantor"] != commitments["protege"]).all()
    assert not commitments.duplicated(["guarantor", "protege", "kind"]).any()
    assert set(commitments["kind"]) <= KINDS
    cred = commitments["credibility"].to_numpy()
    assert np.all((cred >= 0) & (cred <= 1))
    for d in set(commitments["domains"]):
        assert set(d.split("|")) <= DOMAINS
    t = commitments["treaty"]
    assert all(isinstance(x, str) and x for x in t[t.notna()])
    if len(rivalries):
        assert set(rivalries["source"]) <= codes and set(rivalries["target"]) <= codes
        h = rivalries["hostility"].to_numpy()
        assert np.all((h >= 0) & (h <= 1))
    assert {"name", "year", "description", "citation"} <= set(meta)
    for author in ("Leeds", "Singer", "Correlates of War", "Miller"):
        assert author in meta["citation"]


# --- names and errors -------------------------------------------------------------------------


def test_names():
    names = builtin_names()
    assert names[0] == "contemporary"
    assert names[1] == "atop:1816" and names[-1] == "atop:2018"
    assert len(names) == 1 + (2018 - 1816 + 1)


@pytest.mark.parametrize(
    "name, fragment",
    [
        ("nowhere", "'nowhere'"),
        ("atop:1700", "1700"),
        ("atop:1815", "1815"),
        ("atop:2019", "2019"),
        ("atop:abc", "'atop:abc'"),
        ("atop:", "'atop:'"),
        ("", "''"),
        (1914, "1914"),
        (None, "None"),
    ],
)
def test_unknown_world_names_what_was_asked(name, fragment):
    with pytest.raises(UnknownWorldError) as exc:
        builtin_frames(name)
    msg = str(exc.value)
    assert fragment in msg
    assert "contemporary" in msg and "1816" in msg and "2018" in msg


def test_name_is_case_and_space_insensitive():
    a = builtin_frames(" ATOP:1914 ")
    b = builtin_frames("atop:1914")
    pd.testing.assert_frame_equal(a[1], b[1])


def test_frames_are_fresh_copies():
    s, c, _r, m = builtin_frames("atop:1914")
    s.loc[:, "capability"] = -1.0
    c.loc[:, "kind"] = "WAR"
    m["name"] = "changed"
    s2, c2, _, m2 = builtin_frames("atop:1914")
    assert (s2["capability"] >= 0).all() and set(c2["kind"]) <= KINDS and m2["name"] == "atop:1914"


# --- the contemporary world ---------------------------------------------------------------------


def test_contemporary_invariants(contemporary):
    states, _commitments, _rivalries, meta = contemporary
    check_frames(*contemporary)
    assert 190 <= len(states) <= 195
    assert meta["name"] == "contemporary" and meta["year"] >= 2024
    for code in ("USA", "CHN", "RUS", "UKR", "SSD", "KOS", "TAW", "PRK"):
        assert code in set(states["code"])


def test_contemporary_state_attributes(contemporary):
    states = contemporary[0].set_index("code")
    assert set(states.index[states["nuclear"]]) == {
        "USA",
        "RUS",
        "UKG",
        "FRN",
        "CHN",
        "IND",
        "PAK",
        "PRK",
        "ISR",
    }
    assert {"USA", "UKG", "FRN", "RUS", "CHN"} <= set(states.index[states["global_reach"]])
    assert states.loc["USA", "region"] == "Americas" and states.loc["EST", "region"] == "Europe"
    assert states.loc["NIG", "region"] == "Africa" and states.loc["ISR", "region"] == "Middle East"
    assert states.loc["CHN", "region"] == "Asia" and states.loc["AUL", "region"] == "Oceania"
    # capability: CHN and USA are the two largest CINC shares in 2022
    assert set(states["capability"].nlargest(2).index) == {"CHN", "USA"}
    # economy: every NATO member with armed forces, and at least 60 states in all
    spend = states["defense_spending"]
    assert spend.loc[sorted(NATO_2024 - {"ICE"})].notna().all()
    assert spend.notna().sum() >= 60
    assert (spend.dropna() > 0).all() and (states["gdp"].dropna() > 0).all()
    assert spend.loc["USA"] > spend.loc["CHN"] > spend.loc["RUS"] > spend.loc["FRN"]
    assert states.loc[spend.notna(), "gdp"].notna().all()


def test_nato_has_exactly_the_32_members_all_pairs_defense(contemporary):
    commitments = contemporary[1]
    assert treaty_members(commitments, "NATO") == NATO_2024
    pairs = edge_set(commitments, "DEFENSE", "NATO")
    assert pairs == {(a, b) for a in NATO_2024 for b in NATO_2024 if a != b}
    assert {("FIN", "SWD"), ("SWD", "FIN"), ("USA", "FIN"), ("SWD", "USA"), ("MAC", "TUR")} <= pairs


def test_no_us_treaty_with_taiwan(contemporary):
    c = contemporary[1]
    assert c[(c["guarantor"] == "USA") & (c["protege"] == "TAW")].empty


def test_russia_north_korea_mutual_defense(contemporary):
    d = edge_set(contemporary[1], "DEFENSE")
    assert ("RUS", "PRK") in d and ("PRK", "RUS") in d
    assert ("CHN", "PRK") in d and ("PRK", "CHN") in d  # 1961 treaty


def test_us_bilateral_treaties_and_umbrella(contemporary):
    c = contemporary[1]
    d = c[c["kind"] == "DEFENSE"].set_index(["guarantor", "protege"])
    for protege, treaty in [
        ("JPN", "US-Japan Security Treaty"),
        ("ROK", "US-ROK Mutual Defense Treaty"),
        ("PHI", "US-Philippines Mutual Defense Treaty"),
        ("AUL", "ANZUS"),
    ]:
        assert d.loc[("USA", protege), "treaty"] == treaty
    for protege in ("JPN", "ROK", "AUL", "POL", "EST", "FIN", "TUR"):
        assert "nuclear" in d.loc[("USA", protege), "domains"].split("|")
    assert "nuclear" not in d.loc[("USA", "PHI"), "domains"]
    # issue 9: the UK's deterrent is assigned to NATO (the old assertion said the opposite)
    assert "nuclear" in d.loc[("UKG", "EST"), "domains"]
    assert "nuclear" not in d.loc[("UKG", "JPN"), "domains"] if ("UKG", "JPN") in d.index else True
    # ANZUS still binds Australia and New Zealand
    assert d.loc[("AUL", "NEW"), "treaty"] == "ANZUS" and ("NEW", "AUL") in d.index
    assert ("USA", "NEW") not in d.index


def test_other_named_treaties(contemporary):
    c = contemporary[1]
    assert treaty_members(c, "CSTO") == {"RUS", "BLR", "ARM", "KZK", "KYR", "TAJ"}
    assert treaty_members(c, "AUKUS") == {"USA", "UKG", "AUL"}
    assert treaty_members(c, "Quad") == {"USA", "JPN", "IND", "AUL"}
    assert set(c.loc[c["treaty"].isin(["AUKUS", "Quad"]), "kind"]) == {"ENTENTE"}
    rio = treaty_members(c, "Rio Treaty")
    assert {"USA", "BRA", "ARG"} <= rio and "MEX" not in rio and "VEN" not in rio
    # Armenia's frozen CSTO membership: lower credibility, both ways; and (issue 9) the EU
    # neutrals' own Art. 42(7) pledges; nothing else lowered
    low = c[c["credibility"] < 1]
    assert len(low) > 0 and set(low["treaty"]) == {"CSTO", "EU"}
    csto = low[low["treaty"] == "CSTO"]
    assert ((csto["guarantor"] == "ARM") | (csto["protege"] == "ARM")).all()
    assert set(low.loc[low["treaty"] == "EU", "guarantor"]) == {"IRE", "AUS", "MLT", "CYP"}
    # ties that ended: Russia-Ukraine, US-Afghanistan, UK in the EU
    assert c[(c["guarantor"].isin(["RUS", "UKR"])) & (c["protege"].isin(["RUS", "UKR"]))].empty
    assert c[(c["guarantor"] == "USA") & (c["protege"] == "AFG")].empty
    eu = treaty_members(c, "EU")
    assert "UKG" not in eu and {"FRN", "IRE", "AUS"} <= eu


def test_contemporary_rivalries(contemporary):
    r = contemporary[2]
    pairs = set(zip(r["source"], r["target"]))
    for p in [
        ("RUS", "UKR"),
        ("RUS", "EST"),
        ("RUS", "LAT"),
        ("RUS", "LIT"),
        ("RUS", "POL"),
        ("RUS", "FIN"),
        ("CHN", "TAW"),
        ("CHN", "JPN"),
        ("CHN", "PHI"),
        ("PRK", "ROK"),
        ("PRK", "JPN"),
        ("IND", "PAK"),
        ("PAK", "IND"),
        ("IRN", "ISR"),
        ("ISR", "IRN"),
        ("USA", "CHN"),
        ("CHN", "USA"),
        ("USA", "RUS"),
        ("RUS", "USA"),
        ("USA", "PRK"),
        ("PRK", "USA"),
    ]:
        assert p in pairs
    assert not r.duplicated(["source", "target"]).any()
    h = r.set_index(["source", "target"])["hostility"]
    assert h[("RUS", "UKR")] == 1.0


def test_hand_files_name_year_and_source():
    upd = _read_csv("contemporary_updates.csv")
    assert (upd["year"].str.fullmatch(r"(19|20)\d\d")).all()
    assert (upd["source"].str.len() > 20).all()
    riv = _read_csv("contemporary_rivalries.csv")
    assert (riv["year"].str.fullmatch(r"(19|20)\d\d")).all() and (
        riv["source_note"].str.len() > 5
    ).all()
    eco = _read_csv("contemporary_economy.csv")
    has = eco["defense_spending"] != ""
    assert (eco.loc[has, "defense_year"] != "").all() and (
        eco.loc[has, "defense_source"] != ""
    ).all()
    assert (eco.loc[eco["gdp"] != "", "gdp_source"] != "").all()
    names = _read_csv("atop_treaty_names.csv")
    assert names["atopid"].is_unique and names["name"].is_unique


def test_update_rules_are_strict():
    edges = _Edges({"AAA", "BBB", "CCC"})
    edges.e[("AAA", "BBB", 0)] = ["T", 1.0, 1]
    edges.e[("BBB", "AAA", 0)] = ["T", 1.0, 1]

    def rows(*r):
        cols = [
            "action",
            "guarantor",
            "protege",
            "kind",
            "treaty",
            "credibility",
            "domains",
            "year",
            "source",
        ]
        return pd.DataFrame([dict(zip(cols, x)) for x in r], columns=cols).astype(str)

    _apply_updates(edges, rows(("add_member", "CCC", "", "DEFENSE", "T", "", "", "2020", "s")))
    assert {k for k, v in edges.e.items() if v[0] == "T"} == {
        (a, b, 0) for a in ["AAA", "BBB", "CCC"] for b in ["AAA", "BBB", "CCC"] if a != b
    }
    _apply_updates(
        edges, rows(("set", "AAA", "@T", "DEFENSE", "", "0.5", "conventional|nuclear", "2021", "s"))
    )
    assert edges.e[("AAA", "CCC", 0)][1:] == [0.5, 3]
    for bad in [
        ("add", "ZZZ", "AAA", "DEFENSE", "T", "", "", "2020", "s"),  # unknown code
        ("add", "AAA", "CCC", "WAR", "T", "", "", "2020", "s"),  # unknown kind
        ("remove", "AAA", "CCC", "OFFENSE", "", "", "", "2020", "s"),  # matches nothing
        ("add", "AAA", "CCC", "DEFENSE", "T", "", "", "", "s"),  # no year
        ("frobnicate", "AAA", "CCC", "DEFENSE", "T", "", "", "2020", "s"),
    ]:
        with pytest.raises((ValueError, KeyError)):
            _apply_updates(edges, rows(bad))


# --- historical worlds ----------------------------------------------------------------------------


@pytest.mark.parametrize("year", [1816, 1870, 1914, 1939, 1946, 1962, 1990, 2016, 2017, 2018])
def test_historical_invariants(year):
    frames = builtin_frames(f"atop:{year}")
    check_frames(*frames)
    states, commitments, rivalries, meta = frames
    assert meta["name"] == f"atop:{year}" and meta["year"] == year and meta["date"] is None
    # issue 9: historical worlds carry the TD/TSS strategic rivalries of the year, symmetric,
    # on the documented scale (0.5 strategic, 0.75 principal for one rival, 1.0 for both)
    assert len(rivalries) and set(rivalries["hostility"]) <= {0.5, 0.75, 1.0}
    pairs = set(zip(rivalries["source"], rivalries["target"], rivalries["hostility"]))
    assert {(b, a, h) for a, b, h in pairs} == pairs
    assert states["global_reach"].sum() >= 4  # 1945-1949: USA, UKG, FRN, RUS
    assert commitments["credibility"].eq(1.0).all()
    # "ATOP <id>", or "<name> (ATOP <id>)" for an alliance named in atop_treaty_names.csv
    assert commitments["treaty"].dropna().str.fullmatch(r"ATOP \d+|\S.* \(ATOP \d+\)").all()


def test_1914_alliances():
    states, commitments, _, _meta = builtin_frames("atop:1914")
    d = edge_set(commitments, "DEFENSE")
    assert {("FRN", "RUS"), ("RUS", "FRN"), ("GMY", "AUH"), ("AUH", "GMY")} <= d
    assert ("UKG", "FRN") not in d  # the Entente Cordiale was no defence pact
    assert ("UKG", "FRN") in edge_set(commitments, "ENTENTE")
    reach = set(states.loc[states["global_reach"], "code"])
    assert reach == {"UKG", "FRN", "GMY", "AUH", "ITA", "RUS", "USA", "JPN"}
    assert not states["nuclear"].any()
    cap = states.set_index("code")["capability"]
    assert cap.idxmax() == "USA" and cap["GMY"] > cap["FRN"]


def test_1939_alliances():
    states, commitments, _, _ = builtin_frames("atop:1939")
    d = edge_set(commitments, "DEFENSE")
    assert {("UKG", "POL"), ("POL", "UKG"), ("GMY", "ITA"), ("ITA", "GMY")} <= d
    assert ("GMY", "RUS") in edge_set(commitments, "NEUTRALITY")  # the Molotov-Ribbentrop pact
    assert "AUH" not in set(states["code"]) and "POL" in set(states["code"])


# --- treaty names in the historical worlds ----------------------------------------------------


def test_treaty_names_file():
    names = _read_csv("atop_treaty_names.csv")
    assert set(names["scope"]) == {"all", "historical"}
    assert names["signed"].str.fullmatch(r"1[89]\d\d-\d\d-\d\d|20\d\d-\d\d-\d\d").all()
    assert (names["note"].str.len() > 3).all()
    shown = names["historical_name"].where(names["historical_name"] != "", names["name"])
    assert shown.is_unique
    assert not shown.str.contains(r"\(ATOP", regex=True).any()


def test_historical_worlds_show_name_and_id():
    _, c, _, meta = builtin_frames("atop:1914")
    t = set(c["treaty"].dropna())
    assert {"Triple Alliance (ATOP 1350)", "Dual Alliance (ATOP 1335)"} <= t
    assert "Franco-Russian Alliance (ATOP 1385)" in t
    assert "ATOP 2012" in t  # unnamed ids keep the bare id
    assert "'<name> (ATOP <id>)'" in meta["description"]
    # the override for the historical worlds: SEATO, not the contemporary "Manila Pact"
    c60 = builtin_frames("atop:1960")[1]
    assert treaty_members(c60, "SEATO (Manila Pact) (ATOP 3260)") == {
        "USA", "UKG", "FRN", "PAK", "THI", "PHI", "AUL", "NEW"
    }  # fmt: skip
    assert "NATO (ATOP 3180)" in set(c60["treaty"])


def test_contemporary_keeps_its_names(contemporary):
    names = _read_csv("atop_treaty_names.csv")
    t = set(contemporary[1]["treaty"].dropna())
    assert not any("(ATOP" in x for x in t)
    assert not t & set(names.loc[names["scope"] == "historical", "name"])
    assert "Manila Pact" in t and not any("SEATO" in x for x in t)


def test_1914_named_alliances():
    c = builtin_frames("atop:1914")[1]
    fr = c[c["treaty"].fillna("").str.contains("Franco-Russian")]
    assert set(zip(fr["guarantor"], fr["protege"])) == {("FRN", "RUS"), ("RUS", "FRN")}
    assert {("FRN", "RUS"), ("RUS", "FRN")} <= edge_set(
        c, "DEFENSE", "Franco-Russian Alliance (ATOP 1385)"
    )
    # ATOP: the 1882 treaty (1350) binds Germany, Austria-Hungary and Italy; the GMY-AUH defence
    # tie carries the lower id of the Dual Alliance (1335): the loader takes the lowest id in force
    ta = "Triple Alliance (ATOP 1350)"
    assert treaty_members(c, ta) == {"GMY", "AUH", "ITA"}
    d = edge_set(c, "DEFENSE", ta)
    assert {("ITA", "GMY"), ("ITA", "AUH"), ("GMY", "ITA"), ("AUH", "ITA")} <= d
    assert {("GMY", "AUH"), ("AUH", "GMY")} <= edge_set(c, "DEFENSE", "Dual Alliance (ATOP 1335)")
    # Romania's secret alliance with the Central Powers (1883), Italy a member by accession
    assert treaty_members(c, "Austro-Romanian Alliance (1883) (ATOP 1355)") == {
        "GMY", "AUH", "ITA", "ROM"
    }  # fmt: skip
    assert edge_set(c, treaty="Anglo-Japanese Alliance (ATOP 1415)") == {
        ("UKG", "JPN"),
        ("JPN", "UKG"),
    }
    assert ("GMY", "TUR") in edge_set(c, "DEFENSE", "Ottoman-German Alliance (ATOP 2005)")


def test_1939_named_alliances():
    c = builtin_frames("atop:1939")[1]
    assert {("UKG", "POL"), ("POL", "UKG")} <= edge_set(
        c, "DEFENSE", "Anglo-Polish Alliance (ATOP 2440)"
    )
    mr = "Molotov-Ribbentrop Pact (ATOP 2470)"
    assert {("GMY", "RUS"), ("RUS", "GMY")} <= edge_set(c, "NEUTRALITY", mr)
    assert treaty_members(c, mr) == {"GMY", "RUS"}
    assert {("GMY", "ITA"), ("ITA", "GMY")} <= edge_set(c, "DEFENSE", "Pact of Steel (ATOP 2445)")
    assert treaty_members(c, "Balkan Entente (ATOP 2330)") == {"YUG", "GRC", "ROM", "TUR"}
    assert {"GMY", "JPN", "ITA"} <= treaty_members(c, "Anti-Comintern Pact (ATOP 2395)")
    assert ("FRN", "POL") in edge_set(c, "DEFENSE", "Franco-Polish Alliance (ATOP 2060)")


def test_other_eras_named_alliances():
    c1820 = builtin_frames("atop:1820")[1]
    assert treaty_members(c1820, "Quadruple Alliance (1815) (ATOP 1035)") == {
        "UKG",
        "GMY",
        "AUH",
        "RUS",
    }
    c1888 = builtin_frames("atop:1888")[1]
    assert ("GMY", "RUS") in edge_set(c1888, "NEUTRALITY", "Reinsurance Treaty (ATOP 1370)")
    c1926 = builtin_frames("atop:1926")[1]
    assert ("UKG", "FRN") in edge_set(
        c1926, "DEFENSE", "Locarno Treaties (Rhineland Pact) (ATOP 2130)"
    )
    c1936 = builtin_frames("atop:1936")[1]
    assert ("FRN", "RUS") in edge_set(
        c1936, "DEFENSE", "Franco-Soviet Treaty of Mutual Assistance (ATOP 2360)"
    )
    c1941 = builtin_frames("atop:1941")[1]
    assert treaty_members(c1941, "Tripartite Pact (ATOP 2515)") == {
        "GMY", "ITA", "JPN", "HUN", "ROM", "BUL"
    }  # fmt: skip
    c1955 = builtin_frames("atop:1955")[1]
    assert ("USA", "TAW") in edge_set(c1955, "DEFENSE", "US-ROC Mutual Defense Treaty (ATOP 3270)")
    assert ("RUS", "CHN") in edge_set(c1955, "DEFENSE", "Sino-Soviet Alliance (1950) (ATOP 3200)")
    assert treaty_members(c1955, "Warsaw Pact (ATOP 3285)") == {
        "GDR", "POL", "HUN", "CZE", "ALB", "BUL", "ROM", "RUS"
    }  # fmt: skip
    assert treaty_members(c1955, "Baghdad Pact (CENTO) (ATOP 3275)") == {
        "TUR", "IRQ", "UKG", "PAK", "IRN"
    }  # fmt: skip


def test_directed_semantics_2018():
    _, commitments, _, _ = builtin_frames("atop:2018")
    d = edge_set(commitments, "DEFENSE")
    assert ("USA", "JPN") in d and ("JPN", "USA") not in d  # the 1960 treaty binds the US only
    assert ("USA", "TAW") not in edge_set(commitments)


def test_years_after_2016_keep_the_2016_system():
    s16 = builtin_frames("atop:2016")[0]
    s18 = builtin_frames("atop:2018")[0]
    assert set(s16["code"]) == set(s18["code"])
    assert set(s16.loc[s16["global_reach"], "code"]) == set(s18.loc[s18["global_reach"], "code"])


def test_loading_a_year_is_fast():
    builtin_frames("atop:1900")  # load the archive once
    gc.collect()  # a full collection of what earlier tests left is not the loader's time
    t0 = time.perf_counter()
    builtin_frames("atop:1901")
    assert time.perf_counter() - t0 < 0.1


def test_the_contemporary_world_is_kept_on_disk_and_read_back_whole(tmp_path, monkeypatch):
    from foederis import builtin

    monkeypatch.setattr(builtin, "_disk_path", lambda name: tmp_path / f"{name}.pickle")
    built = builtin._build("contemporary")
    assert builtin._load_cached("contemporary") is None  # nothing kept yet
    builtin._save_cached("contemporary", built)
    got = builtin._load_cached("contemporary")
    assert got is not built
    for part in built.__slots__:
        if part == "__dict__":
            continue
        a, b = getattr(built, part), getattr(got, part)
        if isinstance(a, np.ndarray):
            assert a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), part
        elif part not in ("contiguity",):
            assert type(a) is type(b), part
    assert foederis.cascade(got, "RUS:EST").joined() == foederis.cascade(built, "RUS:EST").joined()
    (tmp_path / "contemporary.pickle").write_bytes(b"not a pickle")  # a damaged copy
    assert builtin._load_cached("contemporary") is None
    # the key follows the data and the sources that build a World
    assert len(builtin._source_key()) == 20
