"""Provenance (issue 9): a commitment grounded in several treaties survives the end of one."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from foederis import World, read_world
from foederis.errors import EditError, UnknownTreatyError


def frames():
    states = pd.DataFrame({"code": ["USA", "UKG", "AUL", "FRN"], "capability": [5, 2, 1, 2]})
    rows = []
    for a, b in (("USA", "UKG"), ("USA", "FRN"), ("UKG", "FRN")):  # NATO
        rows += [(a, b, "ENTENTE", 0.8, "NATO"), (b, a, "ENTENTE", 0.8, "NATO")]
    for a, b in (("USA", "UKG"), ("USA", "AUL"), ("UKG", "AUL")):  # AUKUS
        rows += [(a, b, "ENTENTE", 0.6, "AUKUS"), (b, a, "ENTENTE", 0.6, "AUKUS")]
    rows.append(("USA", "AUL", "GUARANTEE", 1.0, None))
    com = pd.DataFrame(rows, columns=["guarantor", "protege", "kind", "credibility", "treaty"])
    return states, com


@pytest.fixture
def world():
    return World.from_frames(*frames(), merge="max")


def ties(w):
    cf = w.commitments_frame()
    return {(r.guarantor, r.protege, r.kind): r.treaty for r in cf.itertuples()}


def test_duplicates_merge_into_the_union_of_their_treaties(world):
    t = ties(world)
    assert t[("USA", "UKG", "ENTENTE")] == "AUKUS|NATO"
    assert t[("UKG", "USA", "ENTENTE")] == "AUKUS|NATO"
    assert t[("USA", "FRN", "ENTENTE")] == "NATO"
    assert t[("USA", "AUL", "ENTENTE")] == "AUKUS"
    assert pd.isna(t[("USA", "AUL", "GUARANTEE")])
    assert world.n_commitments == 11 and world.treaty_names == ("AUKUS", "NATO")
    # compact: one int32 per edge, one pair per extra grounding
    assert world.treaty.dtype == np.int32 and len(world.also_edge) == 2
    e = int(np.flatnonzero(world.also_edge == world.also_edge[0])[0])
    assert world.treaties_of(int(world.also_edge[e])) == ("AUKUS", "NATO")


def test_without_treaty_keeps_what_another_treaty_grounds(world):
    w = world.without_treaty("AUKUS")
    t = ties(w)
    assert t[("USA", "UKG", "ENTENTE")] == "NATO"  # NATO grounds it too
    assert ("USA", "AUL", "ENTENTE") not in t and ("UKG", "AUL", "ENTENTE") not in t
    assert pd.isna(t[("USA", "AUL", "GUARANTEE")])  # outside any treaty: untouched
    assert w.n_commitments == 7 and w.treaty_names == ("NATO",)
    assert len(w.also_edge) == 0
    with pytest.raises(UnknownTreatyError):
        w.treaty_members("AUKUS")
    # the other way round
    t = ties(world.without_treaty("NATO"))
    assert t[("USA", "UKG", "ENTENTE")] == "AUKUS" and ("USA", "FRN", "ENTENTE") not in t


def test_without_member_removes_only_what_no_other_treaty_grounds(world):
    w = world.without_member("UKG", "AUKUS")
    t = ties(w)
    assert t[("USA", "UKG", "ENTENTE")] == "NATO" and t[("UKG", "USA", "ENTENTE")] == "NATO"
    assert ("UKG", "AUL", "ENTENTE") not in t and ("AUL", "UKG", "ENTENTE") not in t
    assert t[("USA", "AUL", "ENTENTE")] == "AUKUS"  # the members who stay keep AUKUS
    assert w.treaty_members("AUKUS") == ["USA", "AUL"]
    assert sorted(w.treaty_members("NATO")) == ["FRN", "UKG", "USA"]
    with pytest.raises(EditError, match="not a member of 'AUKUS'"):
        w.without_member("UKG", "AUKUS")


def test_treaty_members_and_frame_count_shared_commitments(world):
    assert sorted(world.treaty_members("AUKUS")) == ["AUL", "UKG", "USA"]
    assert sorted(world.treaty_members("NATO")) == ["FRN", "UKG", "USA"]
    tf = world.treaties_frame().set_index("treaty")
    assert tf.loc["AUKUS", "commitments"] == 6 and tf.loc["NATO", "commitments"] == 6
    assert tf.loc["AUKUS", "members"] == 3 and tf.loc["AUKUS", "kinds"] == "ENTENTE"
    assert world.treaty_mask("AUKUS").sum() == 6 and world.treaty_mask("NATO").sum() == 6


def test_with_treaty_grounds_existing_ties_in_both(world):
    w = world.with_treaty("Quad", ["USA", "AUL"], "ENTENTE", 0.5)
    assert ties(w)[("USA", "AUL", "ENTENTE")] == "AUKUS|Quad"
    assert ties(w.without_treaty("AUKUS"))[("USA", "AUL", "ENTENTE")] == "Quad"
    assert w.without_treaty("Quad").equals(world)


def test_treaty_text_with_several_names(world):
    w = World.from_arrays(["A", "B"], [1, 1], [0, 1], [1, 0], ["DEFENSE", "DEFENSE"],
                          treaty=[0, 1], treaty_names=["Y | X", "X"])
    assert w.treaty_names == ("X", "Y") and w.treaties_of(0) == ("X", "Y")
    assert w.treaties_of(1) == ("X",)
    w2 = world.with_commitment("FRN", "AUL", "DEFENSE", treaty="NATO|AUKUS")
    assert ties(w2)[("FRN", "AUL", "DEFENSE")] == "AUKUS|NATO"


@pytest.mark.parametrize("route", ["frames", "igraph", "csv", "parquet", "pickle"])
def test_round_trips_keep_every_treaty(world, route, tmp_path):
    w = world.without_member("AUL", "AUKUS").with_treaty("Quad", ["USA", "UKG"], "ENTENTE")
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
    assert np.array_equal(back.also_edge, w.also_edge)
    assert back.commitments_frame()["treaty"].tolist() == w.commitments_frame()["treaty"].tolist()


def test_pickle_from_before_provenance_loads(world):
    from foederis.world import _rebuild_world  # the pickle entry point itself

    parts = {k: getattr(world.without_treaty("AUKUS"), k) for k in world.__slots__
             if k not in ("__dict__", "also_edge", "also_treaty")}
    old = _rebuild_world(parts)
    assert old.equals(world.without_treaty("AUKUS"))
