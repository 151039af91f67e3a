"""Conditions on commitments (issue 9): stored compactly, lossless, editable."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from foederis import World, cascade, parse_edit, read_world
from foederis.errors import EditError, WorldError
from foederis.world import describe_edit


def frames():
    states = pd.DataFrame({"code": ["GMY", "AUH", "RUS", "UKG", "POL", "FRN"],
                           "capability": [3, 2, 3, 3, 1, 2],
                           "region": ["Europe"] * 6})
    com = pd.DataFrame(
        [
            ("GMY", "AUH", "DEFENSE", "Dual Alliance", "RUS", "", False, 1),
            ("AUH", "GMY", "DEFENSE", "Dual Alliance", "RUS", "", False, 1),
            ("UKG", "POL", "DEFENSE", "Anglo-Polish", "GMY", "protege", False, 1),
            ("POL", "UKG", "DEFENSE", "Anglo-Polish", "GMY", "protege", False, 1),
            ("FRN", "POL", "DEFENSE", "Franco-Polish", "", "", True, 1),
            ("FRN", "UKG", "ENTENTE", None, "GMY|ITA", "Europe", False, 2),
            ("UKG", "FRN", "ENTENTE", None, None, None, None, None),
        ],
        columns=["guarantor", "protege", "kind", "treaty", "against", "location",
                 "nonprovocation", "min_attackers"],
    )
    return states, com


@pytest.fixture
def world():
    return World.from_frames(*frames())


def row(w, g, p, kind=None):
    cf = w.commitments_frame()
    sel = (cf["guarantor"] == g) & (cf["protege"] == p)
    if kind is not None:
        sel &= cf["kind"] == kind
    assert sel.sum() == 1
    return cf[sel].iloc[0]


def test_conditions_are_read_and_shown(world):
    r = row(world, "GMY", "AUH")
    assert (r.against, r.location, r.nonprovocation, r.min_attackers) == ("RUS", "", False, 1)
    r = row(world, "UKG", "POL")
    assert (r.against, r.location) == ("GMY", "protege")
    assert bool(row(world, "FRN", "POL").nonprovocation)
    r = row(world, "FRN", "UKG")
    assert (r.against, r.location, r.min_attackers) == ("GMY|ITA", "Europe", 2)
    r = row(world, "UKG", "FRN")  # missing values: unconditional
    assert (r.against, r.location, r.nonprovocation, r.min_attackers) == ("", "", False, 1)


def test_storage_is_compact(world):
    # one int32 per edge into a table of distinct conditions, row 0 unconditional
    assert world.condition.dtype == np.int32 and world.condition.shape == (7,)
    assert len(world.conditions) == 5
    assert world.conditions.row(0) == {"against": "", "location": "", "nonprovocation": False,
                                       "min_attackers": 1, "adversary_unnamed": False}
    # the four commitments of two treaties share two conditions
    assert len(set(world.condition.tolist())) == 5
    assert all(isinstance(a, np.ndarray) for a in world.conditions)
    # ITA is not a state of this world: kept as text, absent from the index view
    am = world.against_matrix()
    e = np.flatnonzero((world.guarantors == world.index("FRN"))
                       & (world.indices == world.index("UKG")))[0]
    c = int(world.condition[e])
    assert world.conditions.against[c] == "GMY|ITA"
    assert am[[c], :].toarray().ravel().tolist() == [1, 0, 0, 0, 0, 0]


def test_worlds_without_conditions_are_unchanged():
    states, com = frames()
    plain = World.from_frames(states, com[["guarantor", "protege", "kind", "treaty"]])
    assert list(plain.commitments_frame().columns) == [
        "guarantor", "protege", "kind", "credibility", "treaty", "domains"]
    assert len(plain.conditions) == 1 and not plain.condition.any()
    assert "against" not in plain.to_igraph().es.attributes()
    # an all-default condition column is no condition at all
    com2 = com[["guarantor", "protege", "kind"]].assign(min_attackers=1, against="")
    assert World.from_frames(states, com2).equals(
        World.from_frames(states, com[["guarantor", "protege", "kind"]]))


@pytest.mark.parametrize("route", ["frames", "igraph", "csv", "parquet", "pickle"])
def test_round_trips_are_lossless(world, route, tmp_path):
    w = world.with_commitment("RUS", "FRN", "DEFENSE", against=["GMY", "AUH"], min_attackers=2)
    if route == "frames":
        back = World.from_frames(w.states_frame(), w.commitments_frame(), w.rivalries_frame())
    elif route == "igraph":
        back = World.from_igraph(w.to_igraph())
    elif route == "pickle":
        back = pickle.loads(pickle.dumps(w))
    else:
        w.to_folder(tmp_path, format=route)
        back = read_world(tmp_path)
    assert back.equals(w)
    assert np.array_equal(back.condition, w.condition)
    pd.testing.assert_frame_equal(back.commitments_frame(), w.commitments_frame())


def test_merge_keeps_the_loosest_condition():
    states = pd.DataFrame({"code": ["A", "B", "C", "D"], "capability": [1, 1, 1, 1]})
    com = pd.DataFrame({
        "guarantor": ["A", "A", "A", "A", "B", "B"],
        "protege": ["B", "B", "C", "C", "C", "C"],
        "kind": ["DEFENSE"] * 6,
        "treaty": ["T1", "T2", "T1", "T2", "T1", "T2"],
        "against": ["C", "D", "D", "", "D", "D"],
        "location": ["protege", "protege", "", "Asia", "protege", "protege"],
        "nonprovocation": [True, False, True, True, True, True],
        "min_attackers": [2, 3, 1, 1, 2, 2],
    })
    with pytest.raises(WorldError, match="merge='max'"):
        World.from_frames(states, com)
    w = World.from_frames(states, com, merge="max")
    r = row(w, "A", "B")
    assert (r.against, r.location, r.nonprovocation, r.min_attackers) == ("C|D", "protege",
                                                                           False, 2)
    assert r.treaty == "T1|T2"
    r = row(w, "A", "C")
    assert (r.against, r.location, r.nonprovocation) == ("", "", True)
    r = row(w, "B", "C")  # rows that agree keep their condition
    assert (r.against, r.location, r.nonprovocation, r.min_attackers) == ("D", "protege",
                                                                           True, 2)


def test_invalid_conditions_name_the_row():
    states, com = frames()
    for col, bad, msg in (("min_attackers", 0, "min_attackers must be an integer >= 1"),
                          ("min_attackers", 1.5, "min_attackers"),
                          ("nonprovocation", "maybe", "nonprovocation must be true or false"),
                          ("against", 5, "named adversaries")):
        c = com.copy()
        c[col] = c[col].astype(object)
        c.loc[3, col] = bad
        with pytest.raises(WorldError, match=f"commitment row 3: {col}") as e:
            World.from_frames(states, c)
        assert msg in str(e.value)


def test_edits_carry_and_set_conditions(world):
    w = world.with_commitment("UKG", "POL", "DEFENSE", treaty="Anglo-Polish", against="GMY|SOV",
                              location="protege")
    r = row(w, "UKG", "POL")
    assert (r.against, r.location) == ("GMY|SOV", "protege")
    assert w.history[-1]["against"] == ("GMY", "SOV") and w.history[-1]["location"] == "protege"
    assert "only against GMY, SOV" in describe_edit(w.history[-1])
    # replaying the history gives the same world
    assert world.apply_all(w.history).equals(w)
    # with_conditions keeps structure, provenance and weights
    w2 = world.with_conditions("GMY", "AUH", "DEFENSE")
    r = row(w2, "GMY", "AUH")
    assert r.against == "" and r.treaty == "Dual Alliance"
    assert np.array_equal(w2.credibility, world.credibility)
    assert w2.with_conditions("GMY", "AUH", against="RUS").equals(world)
    # the text form
    e = parse_edit("against:UKG:FRN:GMY+ITA")
    assert e == {"op": "with_conditions", "guarantor": "UKG", "protege": "FRN",
                 "against": ["GMY", "ITA"]}
    assert row(world.apply(e), "UKG", "FRN").against == "GMY|ITA"
    with pytest.raises(EditError, match="min_attackers"):
        world.with_commitment("RUS", "FRN", "DEFENSE", min_attackers=0)
    with pytest.raises(EditError, match="no commitment RUS -> FRN"):
        world.with_conditions("RUS", "FRN", against="GMY")
    # a treaty's conditions apply to all its ties
    w3 = world.with_treaty("Triple Entente", ["RUS", "FRN", "UKG"], "ENTENTE",
                           against=["GMY", "AUH"])
    assert row(w3, "RUS", "FRN").against == "AUH|GMY"
    assert row(w3, "UKG", "FRN").against == ""  # the unconditional tie stays the looser


def test_cascade_ignores_conditions_for_now(world):
    plain = World.from_frames(frames()[0], frames()[1][["guarantor", "protege", "kind"]])
    a = cascade(world, [("RUS", "AUH")])
    b = cascade(plain, [("RUS", "AUH")])
    assert np.array_equal(a.side, b.side) and np.array_equal(a.round, b.round)


def test_adversary_unnamed():
    # the US reading of SEATO: communist aggression only, no state named
    states = pd.DataFrame({"code": ["USA", "PAK", "IND", "CHN"], "capability": [5, 1, 2, 3]})
    com = pd.DataFrame({"guarantor": ["USA", "USA"], "protege": ["PAK", "PAK"],
                        "kind": ["DEFENSE", "DEFENSE"], "treaty": ["SEATO", "US-Pakistan"],
                        "adversary_unnamed": [True, True]})
    w = World.from_frames(states, com, merge="max")
    r = row(w, "USA", "PAK")
    assert bool(r.adversary_unnamed) and r.against == "" and r.treaty == "SEATO|US-Pakistan"
    assert World.from_igraph(w.to_igraph()).equals(w)
    # merged with an unrestricted pledge, the pledge is unrestricted
    w2 = World.from_frames(states, com.assign(adversary_unnamed=[True, False]), merge="max")
    assert len(w2.conditions) == 1
    # merged with a named adversary: only that one is named, no longer unnamed
    w3 = World.from_frames(states, com.assign(adversary_unnamed=[True, False],
                                              against=[None, "IND"]), merge="max")
    r = row(w3, "USA", "PAK")
    assert r.against == "IND" and not r.adversary_unnamed
    with pytest.raises(WorldError, match="commitment row 1: adversary_unnamed .* against "
                                         "must be empty"):
        World.from_frames(states, com.assign(against=[None, "IND"]), merge="max")
    e = w.with_conditions("USA", "PAK", adversary_unnamed=True, location="protege").history[-1]
    assert e["adversary_unnamed"] is True
    assert "an adversary the treaty does not name" in describe_edit(e)
    with pytest.raises(EditError, match="against must be empty"):
        w.with_commitment("USA", "IND", against="CHN", adversary_unnamed=True)
