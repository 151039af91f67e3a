"""The contemporary world's corrections of issue 9: each is a dated, sourced row of the hand files."""

from __future__ import annotations

import pytest
from foederis import cascade, load_world
from foederis._data import CONTEMPORARY_CUTOFF, _read_csv, builtin_frames


@pytest.fixture(scope="module")
def frames():
    return builtin_frames("contemporary")


def ties(c, a, b, kind=None):
    m = (c["guarantor"] == a) & (c["protege"] == b)
    if kind:
        m &= c["kind"] == kind
    return c[m]


def test_left_the_oas_and_ecowas(frames):
    c = frames[1]
    for state in ("VEN", "NIC"):
        mine = c[(c["guarantor"] == state) | (c["protege"] == state)]
        assert not mine["treaty"].isin(["OAS Charter", "Rio Treaty"]).any(), state
        assert ties(c, "USA", state, "DEFENSE").empty
    assert not ties(c, "USA", "BRA", "DEFENSE").empty  # the OAS itself stays
    for state in ("NIR", "BFO", "MLI"):
        mine = c[(c["guarantor"] == state) | (c["protege"] == state)]
        assert not mine["treaty"].str.startswith("ECOWAS").fillna(False).any(), state
        assert not ties(c, "NIG", state).shape[0] or "ECOWAS" not in set(ties(c, "NIG", state)["treaty"])
    # the Alliance of Sahel States still binds them
    assert ties(c, "NIR", "MLI", "DEFENSE")["treaty"].tolist() == ["Alliance of Sahel States"]
    assert not ties(c, "NIG", "GHA", "DEFENSE").empty


def test_armenia_azerbaijan_and_eu_neutrals(frames):
    c = frames[1]
    assert ties(c, "ARM", "AZE", "DEFENSE").empty and ties(c, "AZE", "ARM", "DEFENSE").empty
    for neutral in ("IRE", "AUS", "MLT", "CYP"):
        own = ties(c, neutral, "FRN", "DEFENSE")
        assert own["credibility"].tolist() == [0.3], neutral
        assert ties(c, "FRN", neutral, "DEFENSE")["credibility"].tolist() == [1.0]


def test_nuclear_umbrellas_and_domains(frames):
    c = frames[1]
    d = c[c["kind"] == "DEFENSE"]
    nuclear = set(d.loc[d["domains"].str.contains("nuclear"), "guarantor"])
    assert nuclear == {"USA", "RUS", "UKG", "FRN"}
    assert "nuclear" in ties(c, "UKG", "POL", "DEFENSE")["domains"].iloc[0]
    assert "nuclear" in ties(c, "FRN", "GMY", "DEFENSE")["domains"].iloc[0]
    for dom in ("cyber", "space"):
        assert dom in ties(c, "USA", "EST", "DEFENSE")["domains"].iloc[0]
        assert dom in ties(c, "TUR", "NOR", "DEFENSE")["domains"].iloc[0]
    assert "economic" in ties(c, "GMY", "POL", "DEFENSE")["domains"].iloc[0]
    assert "economic" in ties(c, "USA", "JPN", "DEFENSE")["domains"].iloc[0]
    # the US umbrella over NATO keeps its nuclear bit after the cyber/space row
    assert set(ties(c, "USA", "EST", "DEFENSE")["domains"].iloc[0].split("|")) >= {
        "conventional", "nuclear", "cyber", "space"}


def test_cyber_and_economic_cascades_are_not_empty():
    w = load_world("contemporary")
    for domain in ("cyber", "space"):
        res = cascade(w, "RUS:EST", domain=domain)
        joined = {w.codes[i] for i in range(w.n_states) if res.side[i] == 2} - {"EST"}
        assert {"USA", "LAT", "LIT"} <= joined, domain
    res = cascade(w, "RUS:POL", domain="economic")
    joined = {w.codes[i] for i in range(w.n_states) if res.side[i] == 2} - {"POL"}
    assert "GMY" in joined


def test_new_agreements(frames):
    c = frames[1]
    for partner in ("UKG", "GMY", "FRN", "USA", "JPN", "CAN", "POL"):
        t = ties(c, partner, "UKR", "ENTENTE")
        assert t["treaty"].tolist() == ["Ukraine security agreements 2024"], partner
    assert ties(c, "UKR", "UKG", "ENTENTE").empty  # assistance flows to Ukraine
    for a, b in (("JPN", "AUL"), ("AUL", "JPN")):
        t = ties(c, a, b, "ENTENTE")
        assert t["treaty"].tolist() == ["Japan-Australia Joint Declaration on Security Cooperation"]


def test_missing_rivalries_added(frames):
    r = frames[2]
    pairs = set(zip(r["source"], r["target"]))
    for a, b in (("MOR", "ALG"), ("RWA", "DRC"), ("YUG", "KOS"), ("THI", "CAM"), ("PAK", "AFG")):
        assert (a, b) in pairs and (b, a) in pairs, (a, b)


def test_every_row_dated_and_sourced_before_the_cutoff():
    upd = _read_csv("contemporary_updates.csv")
    riv = _read_csv("contemporary_rivalries.csv")
    cut = int(CONTEMPORARY_CUTOFF[:4])
    for df, src in ((upd, "source"), (riv, "source_note")):
        years = df["year"].astype(int)
        assert (years <= cut).all() and (years >= 1945).all()
        assert (df[src].str.len() >= 10).all()  # "as X->Y" names the row it repeats


def test_cutoff_stated():
    w = load_world("contemporary")
    _, _, _, meta = builtin_frames("contemporary")
    assert meta["date"] == CONTEMPORARY_CUTOFF
    assert f"cut-off {CONTEMPORARY_CUTOFF}" in w.citation()
    assert CONTEMPORARY_CUTOFF in w.description
    assert "Annual Report 2024" in w.citation() and "April 2025" in w.citation()


def test_provenance_lists_every_grounding_treaty(frames):
    # issue 9, item 3 (data side): the frames' treaties column lists every treaty behind an
    # edge, its label first, so the World can keep a tie while another treaty grounds it
    c = frames[1]

    def treaties(g, p, kind):
        t = ties(c, g, p, kind)["treaties"].iloc[0]
        return t.split("|")

    assert treaties("USA", "UKG", "ENTENTE")[0] == "AUKUS" and "NATO" in treaties("USA", "UKG", "ENTENTE")
    assert {"Quad", "US-Japan Security Treaty"} <= set(treaties("USA", "JPN", "ENTENTE"))
    assert "SCO" in treaties("RUS", "CHN", "ENTENTE") and len(treaties("RUS", "CHN", "ENTENTE")) > 1
    assert set(treaties("FRN", "GMY", "DEFENSE")) == {"NATO", "EU"}
    assert treaties("UKG", "FRN", "DEFENSE") == ["NATO"]  # the UK left the EU
    has = c["treaties"].notna()
    assert (c.loc[has, "treaty"] == c.loc[has, "treaties"].str.split("|").str[0]).all()
    assert c.loc[~has, "treaty"].isna().all()
