"""blocs and polarity: planted blocs, seeding, numbering, measures by hand, bad inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from foederis import World
from foederis.analysis import ALLIANCE_KINDS, Blocs, Polarity, blocs, polarity
from foederis.errors import ParameterError, WorldError
from naive_analysis import hhi, load_contemporary


@pytest.fixture(scope="module")
def contemporary():
    return load_contemporary()


@pytest.fixture
def two_cliques():
    # West: W0..W4 (mutual defense), East: E0..E3 (mutual defense), one bridge W0 -> E0
    # (guarantee), X alone, Y only tied by ENTENTE to W1
    west = [f"W{i}" for i in range(5)]
    east = [f"E{i}" for i in range(4)]
    codes = west + east + ["X", "Y"]
    cap = [0.2, 0.1, 0.05, 0.05, 0.02] + [0.3, 0.1, 0.05, 0.03] + [0.08, 0.02]
    states = pd.DataFrame({"code": codes, "capability": cap})
    rows = [(a, b, "defense") for g in (west, east) for a in g for b in g if a != b]
    rows += [("W0", "E0", "guarantee"), ("Y", "W1", "entente")]
    com = pd.DataFrame(rows, columns=["guarantor", "protege", "kind"])
    return World.from_frames(states, com)


def test_planted_blocs(two_cliques):
    b = blocs(two_cliques)
    assert isinstance(b, Blocs)
    assert b.n_blocs == 2
    # numbered by capability: East (0.48) before West (0.42)
    assert b.members(0) == ["E0", "E1", "E2", "E3"]
    assert b.members(1) == ["W0", "W1", "W2", "W3", "W4"]
    assert sorted(b.unaligned) == ["X", "Y"]  # ENTENTE is not a bloc tie by default
    assert b.leader.tolist() == ["E0", "W0"]
    np.testing.assert_allclose(b.capability_share, [0.48, 0.42])
    assert 0.3 < b.modularity < 0.6
    assert b.bloc_of("X") == -1
    df = b.to_frame()
    assert df["code"].tolist()[:4] == ["E0", "E1", "E2", "E3"] and set(df["code"][-2:]) == {"X", "Y"}
    s = b.summary_frame()
    assert s["bloc"].tolist() == [0, 1, -1] and s["members"].tolist() == [4, 5, 2]
    with_entente = blocs(two_cliques, kinds=ALLIANCE_KINDS)
    assert with_entente.bloc_of("Y") == with_entente.bloc_of("W1")
    assert with_entente.kinds == ALLIANCE_KINDS


@pytest.mark.parametrize("algorithm", ["leiden", "louvain", "walktrap", "infomap"])
def test_algorithms_find_the_planted_blocs(two_cliques, algorithm):
    b = blocs(two_cliques, algorithm=algorithm)
    assert b.n_blocs == 2 and b.members(1) == ["W0", "W1", "W2", "W3", "W4"]


def test_seeded_and_igraph_rng_restored(two_cliques):
    import random

    import igraph as ig

    g = ig.Graph.Erdos_Renyi(60, 0.08)  # a graph where Leiden's randomness matters
    el = np.asarray(g.get_edgelist())
    codes = [f"S{i}" for i in range(60)]
    w = World.from_arrays(codes, np.ones(60), el[:, 0], el[:, 1], np.zeros(len(el), np.uint8))
    a = blocs(w, seed=7)
    b = blocs(w, seed=7)
    np.testing.assert_array_equal(a.bloc, b.bloc)
    assert a.modularity == b.modularity
    random.seed(123)
    x = random.random()
    random.seed(123)
    blocs(w, seed=3)
    assert random.random() == x  # the caller's random stream is untouched


def test_no_alliances_all_unaligned():
    w = World.from_frames(pd.DataFrame({"code": list("ABC"), "capability": 1.0}))
    b = blocs(w)
    assert b.n_blocs == 0 and b.unaligned == ["A", "B", "C"] and b.modularity == 0.0
    p = polarity(w)
    assert p.n_bloc_poles == 3 and p.bloc_hhi == pytest.approx(1 / 3)


def test_bad_inputs(two_cliques):
    with pytest.raises(ParameterError, match="algorithm"):
        blocs(two_cliques, algorithm="kmeans")
    with pytest.raises(ParameterError, match="seed"):
        blocs(two_cliques, seed=-1)
    with pytest.raises(ParameterError, match="resolution"):
        blocs(two_cliques, resolution=0)
    with pytest.raises(ParameterError, match="kinds"):
        blocs(two_cliques, kinds=["pact"])
    with pytest.raises(ParameterError, match="world"):
        blocs([1, 2])
    with pytest.raises(ParameterError, match="threshold"):
        polarity(two_cliques, threshold=0)
    with pytest.raises(ParameterError, match="blocs_result"):
        polarity(two_cliques, blocs_result="x")
    zero = World.from_frames(pd.DataFrame({"code": list("AB"), "capability": 0.0}))
    with pytest.raises(WorldError, match="capability 0"):
        polarity(zero)


def test_polarity_by_hand(two_cliques):
    p = polarity(two_cliques)
    assert isinstance(p, Polarity)
    cap = two_cliques.capability
    assert p.hhi == pytest.approx(hhi(cap))
    n = len(cap)
    assert p.con == pytest.approx(np.sqrt((hhi(cap) - 1 / n) / (1 - 1 / n)))
    assert p.effective_poles == pytest.approx(1 / hhi(cap))
    # states with >= 10 %: E0 0.3, W0 0.2, W1 0.1, E1 0.1
    assert p.poles == ("E0", "W0", "W1", "E1") and p.label == "multipolar"  # ties: world order
    # units: East 0.48, West 0.42, X 0.08, Y 0.02 -> two bloc poles
    assert p.n_bloc_poles == 2 and p.bloc_label == "bipolar"
    assert p.bloc_hhi == pytest.approx(0.48**2 + 0.42**2 + 0.08**2 + 0.02**2)
    df = p.to_frame()
    assert set(df.level) == {"state", "bloc"} and df.pole.sum() == 6
    assert p.summary()["label"] == "multipolar"
    assert polarity(two_cliques, threshold=0.25).label == "unipolar"


def test_plots(two_cliques):
    Figure = pytest.importorskip("matplotlib.figure", reason="needs matplotlib").Figure

    b = blocs(two_cliques)
    assert isinstance(b.plot(), Figure)
    assert isinstance(b.plot(world=two_cliques), Figure)
    assert isinstance(polarity(two_cliques, blocs_result=b).plot(), Figure)


def test_contemporary(contemporary):
    b = blocs(contemporary)
    assert 3 <= b.n_blocs <= 12
    assert b.bloc_of("UKG") == b.bloc_of("FRN")
    assert b.bloc_of("USA") != b.bloc_of("RUS")
    assert b.bloc_of("RUS") == b.bloc_of("BLR")
    p = polarity(contemporary, blocs_result=b)
    assert p.n_poles >= 1 and 0 < p.hhi < 1
