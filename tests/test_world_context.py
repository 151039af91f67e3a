"""State columns, capability measures, contiguity and the date (issue 9), on toy worlds."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from foederis import World, cascade, parse_edit, read_world
from foederis.errors import EditError, UnknownStateError, WorldError
from foederis.world import describe_edit


def frames():
    states = pd.DataFrame({
        "code": ["USA", "UKG", "FRN", "PRK", "CHN"],
        "capability": [0.14, 0.02, 0.02, 0.03, 0.23],
        "lat": [38.9, 51.5, 48.9, 39.0, 39.9],
        "lon": [-77.0, -0.1, 2.4, 125.8, 116.4],
        "milex": [900.0, 75.0, 60.0, np.nan, 300.0],
        "tpop": [335.0, 68.0, 68.0, 26.0, 1410.0],
    })
    com = pd.DataFrame({"guarantor": ["USA", "UKG"], "protege": ["UKG", "USA"],
                        "kind": ["DEFENSE", "DEFENSE"], "treaty": ["NATO", "NATO"]})
    cont = pd.DataFrame({"a": ["UKG", "FRN", "CHN", "PRK"], "b": ["FRN", "UKG", "PRK", "CHN"],
                         "conttype": [2, 2, 1, 1]})
    return states, com, cont


@pytest.fixture
def world():
    s, c, k = frames()
    return World.from_frames(s, c, None, k, date="2024-01-01", capability_measure="cinc")


def test_state_columns_are_stored_and_shown(world):
    assert world.given_columns == ("lat", "lon", "milex", "tpop")
    assert world.lat.tolist() == [38.9, 51.5, 48.9, 39.0, 39.9]
    assert np.isnan(world.milex[3]) and world.milex.dtype == np.float64
    assert np.isnan(world.irst).all() and world.irst is world.upop  # one shared NaN array
    assert not world.lat.flags.writeable
    sf = world.states_frame()
    assert list(sf.columns[-4:]) == ["lat", "lon", "milex", "tpop"]
    # a world without them keeps its old table
    plain = World.from_frames(frames()[0][["code", "capability"]])
    assert "lat" not in plain.states_frame().columns and plain.given_columns == ()


def test_state_columns_are_checked():
    s = frames()[0]
    for col, bad, msg in (("lat", 91.0, "lat 91.0 is invalid; it must be in [-90, 90]"),
                          ("lon", -181.0, "in [-180, 180]"), ("milex", -1.0, ">= 0"),
                          ("pec", np.inf, ">= 0")):
        t = s.assign(**{col: s.get(col, pd.Series(np.nan, index=s.index))})
        t.loc[2, col] = bad
        with pytest.raises(WorldError, match=r"state 'FRN' \(row 2\)") as e:
            World.from_frames(t)
        assert msg in str(e.value)
    with pytest.raises(WorldError, match="milex 'lots' is not a number"):
        World.from_frames(s.assign(milex=["lots", 1, 1, 1, 1]))


def test_capability_measure(world):
    assert world.capability_measure == "cinc"
    assert world.capability_measures() == ("cinc", "milex", "tpop")
    m = world.with_capability_measure("milex")
    assert m.capability_measure == "milex"
    np.testing.assert_allclose(m.capability, [900 / 1335, 75 / 1335, 60 / 1335, 0, 300 / 1335])
    assert m.capability.sum() == pytest.approx(1.0)
    assert m.history[-1] == {"op": "with_capability_measure", "name": "milex"}
    assert describe_edit(m.history[-1]) == "capability measured by milex"
    assert world.apply(parse_edit("measure:milex")).equals(m)
    assert world.equals(World.from_frames(*frames()[:2], None, frames()[2], date="2024-01-01",
                                          capability_measure="cinc"))
    assert not m.equals(world)
    # a measure views the same commitments; the cascade weighs the new capability
    assert np.array_equal(m.indices, world.indices) and m.treaty_names == world.treaty_names
    with pytest.raises(EditError, match="valid are cinc, milex, tpop"):
        world.with_capability_measure("lat")
    with pytest.raises(EditError, match="no state has a known positive value"):
        World.from_arrays(["A"], [1], milex=[0.0]).with_capability_measure("milex")
    r = cascade(m, [("CHN", "UKG")])
    assert r is not None


def test_contiguity(world):
    c = world.contiguity
    assert isinstance(c, sp.csr_array) and c.dtype == np.int8 and c.shape == (5, 5)
    d = c.toarray()
    assert (d == d.T).all() and world.n_contiguities == 2
    assert d[world.index("UKG"), world.index("FRN")] == 2
    assert d[world.index("CHN"), world.index("PRK")] == 1 and d[0].sum() == 0
    cf = world.contiguity_frame()
    assert cf.to_dict("list") == {"a": ["UKG", "PRK"], "b": ["FRN", "CHN"], "conttype": [2, 1]}
    # a pair given with two types keeps the closer one
    s, com, k = frames()
    k2 = pd.concat([k, pd.DataFrame({"a": ["FRN"], "b": ["UKG"], "conttype": [4]})])
    assert World.from_frames(s, com, None, k2).contiguity.toarray()[1, 2] == 2
    # edits leave it alone
    assert world.without_treaty("NATO").contiguity_frame().equals(cf)


def test_contiguity_is_checked():
    s, com, k = frames()
    with pytest.raises(WorldError, match=r"contiguity row 1 \(FRN - UKG\): conttype 9"):
        World.from_frames(s, com, None, k.assign(conttype=[1, 9, 1, 1]))
    with pytest.raises(UnknownStateError, match="contiguity row 0: a 'XXX'"):
        World.from_frames(s, com, None, k.assign(a=["XXX", "FRN", "CHN", "PRK"]))
    with pytest.raises(WorldError, match="contiguous to itself"):
        World.from_frames(s, com, None, k.assign(b=["UKG", "UKG", "PRK", "CHN"]))
    with pytest.raises(WorldError, match="no 'conttype' column"):
        World.from_frames(s, com, None, k.drop(columns="conttype"))


def test_date(world):
    assert world.date == "2024-01-01"
    assert World.from_frames(frames()[0]).date is None
    assert World.from_arrays(["A"], [1], date=np.datetime64("1914-07-28").item()).date == \
        "1914-07-28"
    with pytest.raises(WorldError, match="is not a day"):
        World.from_arrays(["A"], [1], date="28/07/1914")
    assert "Date: 2024-01-01; capability: cinc" in world.summary()


@pytest.mark.parametrize("route", ["frames", "igraph", "csv", "parquet", "pickle"])
def test_round_trips_are_lossless(world, route, tmp_path):
    w = world.with_capability_measure("tpop")
    if route == "frames":
        back = World.from_frames(w.states_frame(), w.commitments_frame(), w.rivalries_frame(),
                                 w.contiguity_frame(), date=w.date,
                                 capability_measure=w.capability_measure)
    elif route == "igraph":
        back = World.from_igraph(w.to_igraph())
    elif route == "pickle":
        back = pickle.loads(pickle.dumps(w))
    else:
        w.to_folder(tmp_path, format=route)
        back = read_world(tmp_path)
    assert back.equals(w)
    assert back.date == "2024-01-01" and back.capability_measure == "tpop"
    assert back.given_columns == w.given_columns
    assert (back.contiguity != w.contiguity).nnz == 0


def test_folder_of_a_plain_world_has_no_new_files(world, tmp_path):
    world.to_folder(tmp_path)
    plain = World.from_frames(frames()[0][["code", "capability"]])
    plain.to_folder(tmp_path)  # the same folder: the earlier world's extras go
    assert sorted(p.name for p in tmp_path.iterdir()) == ["commitments.csv", "rivalries.csv",
                                                         "states.csv"]
    assert read_world(tmp_path).equals(plain)


def test_pickle_from_before_issue_9_loads(world):
    from foederis.world import _rebuild_world

    plain = World.from_frames(frames()[0][["code", "capability"]], frames()[1])
    new_fields = {"also_edge", "also_treaty", "condition", "conditions", "given_columns",
                  "lat", "lon", "milex", "milper", "irst", "pec", "tpop", "upop",
                  "cont_indptr", "cont_indices", "cont_type", "date", "capability_measure"}
    parts = {k: getattr(plain, k) for k in plain.__slots__
             if k != "__dict__" and k not in new_fields}
    assert _rebuild_world(parts).equals(plain)
