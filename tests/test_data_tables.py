"""Conditions, NMC components, capitals and contiguity in the built-in worlds' tables (issue 9).

The columns are those of the contract in DESIGN/issue 9: commitments ``against``, ``location``,
``nonprovocation``, ``min_attackers``; states ``lat``, ``lon``, ``milex`` ... ``upop``;
contiguity ``a``, ``b``, ``conttype`` (``meta["contiguity"]`` until the World stores it).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from foederis._data import NMC_COLUMNS, _apply_updates, _Edges, builtin_frames

CONDITIONS = ["against", "location", "nonprovocation", "min_attackers"]


def tie(c, g, p, kind):
    row = c[(c["guarantor"] == g) & (c["protege"] == p) & (c["kind"] == kind)]
    assert len(row) == 1, (g, p, kind)
    return row.iloc[0]


@pytest.mark.parametrize("name", ["contemporary", "atop:1879", "atop:1939-09-01", "atop:2018"])
def test_columns_and_types(name):
    s, c, _, meta = builtin_frames(name)
    assert set(CONDITIONS) <= set(c.columns)
    assert c["min_attackers"].dtype == np.int64 and (c["min_attackers"] >= 1).all()
    assert c["nonprovocation"].dtype == bool
    assert set(c["location"]) <= {"", "protege"}
    assert {"lat", "lon", *NMC_COLUMNS} <= set(s.columns)
    for col in ("lat", "lon", *NMC_COLUMNS):
        assert s[col].dtype == np.float64
    assert s["lat"].between(-90, 90).all() and s["lon"].between(-180, 180).all()
    ct = meta["contiguity"]
    assert list(ct.columns) == ["a", "b", "conttype"] and len(ct)
    assert set(ct["conttype"]) <= {1, 2, 3, 4, 5}
    codes = list(s["code"])
    pos = {c_: i for i, c_ in enumerate(codes)}
    assert (ct["a"].map(pos) < ct["b"].map(pos)).all()  # one row per pair, in state order
    assert not ct.duplicated(["a", "b"]).any()


def test_dual_alliance_against_russia_only():
    _, c, _, _ = builtin_frames("atop:1880")
    for g, p in (("GMY", "AUH"), ("AUH", "GMY")):
        d = tie(c, g, p, "DEFENSE")
        assert d["treaty"] == "Dual Alliance (ATOP 1335)" and d["against"] == "RUS"
        assert d["location"] == "" and not d["nonprovocation"] and d["min_attackers"] == 1
        # the neutrality pledge is for a war against anyone else: not against Russia
        n = tie(c, g, p, "NEUTRALITY")
        assert n["against"] == "" and n["adversary_unnamed"]


def test_anglo_polish_treaty_against_germany_only():
    _, c, _, _ = builtin_frames("atop:1939-09-01")
    for g, p in (("UKG", "POL"), ("POL", "UKG")):
        d = tie(c, g, p, "DEFENSE")
        assert d["treaty"] == "Anglo-Polish Alliance (ATOP 2440)" and d["against"] == "GMY"
    # before 25 Aug 1939 the guarantee of 6 Apr held against anyone
    _, c0, _, _ = builtin_frames("atop:1939-08-01")
    assert tie(c0, "UKG", "POL", "DEFENSE")["against"] == ""
    # the calendar year keeps the weaker reading (a condition holds only if every phase has it)
    _, cy, _, _ = builtin_frames("atop:1939")
    assert tie(cy, "UKG", "POL", "DEFENSE")["against"] == ""


def test_triple_alliance_number_of_attackers():
    _, c, _, _ = builtin_frames("atop:1883")
    d = tie(c, "GMY", "ITA", "DEFENSE")
    assert d["against"] == "FRN" and d["min_attackers"] == 2 and d["nonprovocation"]


def test_seato_and_us_pakistan_read_as_anticommunist():
    _, c, _, _ = builtin_frames("atop:1955")
    seato = tie(c, "USA", "THI", "DEFENSE")
    assert seato["against"] == "" and seato["adversary_unnamed"]  # ATOP names no state
    assert seato["location"] == "protege"
    _, now, _, _ = builtin_frames("contemporary")
    communist = {"CHN", "PRK", "CUB", "LAO", "DRV"}
    for p in ("PAK", "THI"):
        d = tie(now, "USA", p, "DEFENSE")
        assert set(d["against"].split("|")) == communist and "IND" not in d["against"]
    assert tie(now, "USA", "JPN", "DEFENSE")["against"] == ""


def test_new_nato_members_take_natos_conditions():
    _, c, _, _ = builtin_frames("contemporary")
    old = tie(c, "USA", "NOR", "DEFENSE")
    for p in ("FIN", "SWD", "MAC"):
        new = tie(c, "USA", p, "DEFENSE")
        assert list(new[CONDITIONS]) == list(old[CONDITIONS]), p


def test_contiguity_spells_have_dates():
    # Germany and Poland share a land border in 1939 (until Poland's fall) and again from 1990
    ct = builtin_frames("atop:1939-09-01")[3]["contiguity"]
    pairs = {(a, b): t for a, b, t in ct.itertuples(index=False)}
    assert pairs[("GMY", "POL")] == 1
    assert pairs[("UKG", "FRN")] == 3  # across the Strait of Dover (up to 24 miles of water)
    # Austria's land border with Germany ends with the Anschluss (13 Mar 1938): COW spell end
    before = builtin_frames("atop:1938-03-01")[3]["contiguity"]
    assert ("GMY", "AUS") in set(zip(before["a"], before["b"]))
    after = builtin_frames("atop:1938-04-01")
    assert "AUS" not in set(after[0]["code"])
    # the German Democratic Republic and the Federal Republic: a land border 1955/1954-1990
    ct1980 = builtin_frames("atop:1980-01-01")[3]["contiguity"]
    assert ("GFR", "GDR") in set(zip(ct1980["a"], ct1980["b"]))
    ct1991 = builtin_frames("atop:1991-01-01")[3]["contiguity"]
    assert "GFR" not in set(ct1991["a"]) | set(ct1991["b"])


def test_capitals_move_with_the_date():
    s17 = builtin_frames("atop:1917-06-01")[0].set_index("code")
    s20 = builtin_frames("atop:1920-06-01")[0].set_index("code")
    assert round(s17.loc["RUS", "lat"], 1) == 60.0  # Petrograd
    assert round(s20.loc["RUS", "lat"], 1) == 55.6  # Moscow
    now = builtin_frames("contemporary")[0].set_index("code")
    assert abs(now.loc["USA", "lat"] - 38.9) < 0.1 and abs(now.loc["USA", "lon"] + 77.0) < 0.1


def test_nmc_components():
    s = builtin_frames("atop:1914")[0].set_index("code")
    # NMC v7: the United States had the largest population of the great powers but Russia
    assert s.loc["RUS", "tpop"] > s.loc["USA", "tpop"] > s.loc["GMY", "tpop"]
    assert s.loc["USA", "irst"] > s.loc["GMY", "irst"] > s.loc["UKG", "irst"]
    assert (s["upop"].dropna() <= s["tpop"].reindex(s["upop"].dropna().index)).all()
    now = builtin_frames("contemporary")[0].set_index("code")
    assert now.loc["CHN", "milper"] > now.loc["USA", "milper"]
    assert now.loc["USA", "milex"] > now.loc["CHN", "milex"]


def test_hand_rows_validate_conditions():
    edges = _Edges({"AAA", "BBB", "CCC"})
    cols = ["action", "guarantor", "protege", "kind", "treaty", "credibility", "domains", "year",
            "source", *CONDITIONS]

    def rows(*r):
        return pd.DataFrame([dict(zip(cols, x)) for x in r], columns=cols).astype(str)

    _apply_updates(edges, rows(("add_mutual", "AAA", "BBB", "DEFENSE", "T", "", "", "2020", "s",
                                "CCC", "protege", "true", "2")))
    assert edges.cond[("AAA", "BBB", 0)] == ("CCC", "protege", True, 2, False)
    _apply_updates(edges, rows(("set", "AAA", "BBB", "DEFENSE", "T", "", "", "2021", "s",
                                "", "", "false", "1")))
    assert edges.cond[("AAA", "BBB", 0)] == ("CCC", "protege", False, 1, False)
    for bad in (
        ("set", "AAA", "BBB", "DEFENSE", "T", "", "", "2021", "s", "ZZZ", "", "", ""),
        ("set", "AAA", "BBB", "DEFENSE", "T", "", "", "2021", "s", "", "Atlantis", "", ""),
        ("set", "AAA", "BBB", "DEFENSE", "T", "", "", "2021", "s", "", "", "maybe", ""),
        ("set", "AAA", "BBB", "DEFENSE", "T", "", "", "2021", "s", "", "", "", "0"),
        ("remove", "AAA", "BBB", "DEFENSE", "T", "", "", "2021", "s", "CCC", "", "", ""),
    ):
        with pytest.raises(ValueError):
            _apply_updates(edges, rows(bad))


def test_package_data_stays_small():
    from importlib import resources

    total = sum(f.stat().st_size for f in resources.files("foederis._data").iterdir()
                if f.is_file())
    assert total < 1_000_000, total


def test_contemporary_location_conditions_from_treaty_texts():
    _, c, _, _ = builtin_frames("contemporary")
    assert tie(c, "USA", "JPN", "DEFENSE")["location"] == "protege"  # art. V: Japan's territory
    for g, p in (("AUL", "NEW"), ("NEW", "AUL"), ("USA", "AUL")):
        assert tie(c, g, p, "DEFENSE")["location"] == "protege"


def test_contemporary_contiguity_and_capitals():
    s, _, _, meta = builtin_frames("contemporary")
    ct = meta["contiguity"]
    pairs = {frozenset((a, b)): t for a, b, t in ct.itertuples(index=False)}
    assert pairs[frozenset(("RUS", "EST"))] == 1 and pairs[frozenset(("USA", "CAN"))] == 1
    assert pairs[frozenset(("CHN", "TAW"))] == 2  # Kinmen and Matsu, within 12 miles of China
    assert frozenset(("USA", "RUS")) in pairs  # the Bering Strait
    assert frozenset(("UKG", "EST")) not in pairs
    assert s["lat"].notna().all() and s["lon"].notna().all()
