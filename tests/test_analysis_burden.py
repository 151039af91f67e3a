"""burden_sharing: shares, free riders, the Olson-Zeckhauser test, bad inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from foederis import World
from foederis.analysis import BurdenSharing, burden_sharing
from foederis.errors import FoederisError, ParameterError, UnknownTreatyError, WorldError
from naive_analysis import load_contemporary, spearman
from scipy import stats


@pytest.fixture(scope="module")
def contemporary():
    return load_contemporary()


def pact_world(gdp, spending, extra=()):
    codes = [f"M{i}" for i in range(len(gdp))]
    states = pd.DataFrame({"code": codes + list(extra), "capability": 1.0,
                           "gdp": list(gdp) + [1.0] * len(extra),
                           "defense_spending": list(spending) + [1.0] * len(extra)})
    rows = [(a, b, "defense", "PACT") for a in codes for b in codes if a != b]
    return World.from_frames(states, pd.DataFrame(rows, columns=["guarantor", "protege", "kind",
                                                                  "treaty"]))


def test_hand_case():
    # GDP 1000, 400, 200, 100; spending 35, 8, 3, 1 -> ratios 3.5 %, 2 %, 1.5 %, 1 %
    w = pact_world([1000.0, 400.0, 200.0, 100.0], [35.0, 8.0, 3.0, 1.0], extra=["OUT"])
    r = burden_sharing(w, "PACT")
    assert isinstance(r, BurdenSharing)
    assert r.codes.tolist() == ["M0", "M1", "M2", "M3"]
    np.testing.assert_allclose(r.ratio, [0.035, 0.02, 0.015, 0.01])
    np.testing.assert_allclose(r.share_gdp, np.array([1000, 400, 200, 100]) / 1700)
    np.testing.assert_allclose(r.share_spending, np.array([35, 8, 3, 1]) / 47)
    assert r.alliance_ratio == pytest.approx(47 / 1700)
    assert r.below == ["M2", "M3"]  # exactly 2 % is not below
    # spending share < GDP share: M1, M2, M3; free riders: below 2 % and below
    # 0.75 * 47/1700 = 2.07 %: M2 (1.5 %) and M3 (1 %); M1 at exactly 2 % is not
    assert r.codes[r.disproportionate].tolist() == ["M1", "M2", "M3"]
    assert r.free_riders == ["M2", "M3"]
    assert r.rho == pytest.approx(1.0)
    assert r.p_value_greater <= r.p_value
    assert r.n == 4 and r.excluded == ()
    df = r.to_frame()
    assert list(df.columns) == ["code", "name", "gdp", "defense_spending", "spending_gdp",
                                "share_gdp", "share_spending", "below_target", "free_rider",
                                "disproportionate"]
    assert "Olson-Zeckhauser" in r.summary()


def test_target_and_naive_rank_correlation():
    rng = np.random.default_rng(3)
    gdp = rng.uniform(10, 1000, 12)
    sp = gdp * rng.uniform(0.005, 0.04, 12)
    w = pact_world(gdp, sp)
    r = burden_sharing(w, "PACT", target=0.03)
    assert r.rho == pytest.approx(spearman(gdp, sp / gdp))
    assert r.p_value == pytest.approx(stats.spearmanr(gdp, sp / gdp).pvalue)
    np.testing.assert_array_equal(r.below_target, r.ratio < 0.03)
    np.testing.assert_array_equal(r.disproportionate, r.ratio < r.alliance_ratio)
    np.testing.assert_array_equal(
        r.free_rider, (r.ratio < 0.75 * r.alliance_ratio) & (r.ratio < 0.03))
    r0 = burden_sharing(w, "PACT", target=0.03, margin=0.0)
    np.testing.assert_array_equal(
        r0.free_rider, (r.ratio < r.alliance_ratio) & (r.ratio < 0.03))


def test_free_rider_margin_hand_values():
    # ratios 4 %, 2.5 %, 1.8 %, 1.2 %; R = (40 + 10 + 3.6 + 1.2) / 1700 = 3.22 %
    w = pact_world([1000.0, 400.0, 200.0, 100.0], [40.0, 10.0, 3.6, 1.2])
    assert burden_sharing(w, "PACT").free_riders == ["M2", "M3"]  # < 2 % and < 2.42 %
    # margin 0.5: below 1.61 % and 2 %: only M3
    assert burden_sharing(w, "PACT", margin=0.5).free_riders == ["M3"]
    # a higher target does not flag a member spending near the alliance's ratio
    assert burden_sharing(w, "PACT", target=0.03).free_riders == ["M2", "M3"]
    with pytest.raises(ParameterError, match="margin"):
        burden_sharing(w, "PACT", margin=1.0)
    with pytest.raises(ParameterError, match="margin"):
        burden_sharing(w, "PACT", margin=-0.1)


def test_contemporary_nato_free_riders():
    w = load_contemporary()
    r = burden_sharing(w, "NATO")
    assert r.n == 31 and int(r.disproportionate.sum()) == 25
    assert len(r.free_riders) == 9  # every one below 2 % and below 0.75 x 2.64 %
    assert set(r.free_riders) <= set(r.below)


def test_unknown_figures_are_excluded():
    w = pact_world([100.0, 50.0, np.nan, 20.0, 10.0, 5.0], [3.0, 1.0, 1.0, np.nan, 0.1, 0.2])
    r = burden_sharing(w, "PACT")
    assert set(r.excluded) == {"M2", "M3"}
    assert r.n == 4 and "M2" not in r.codes


def test_bad_inputs():
    w = pact_world([100.0, 50.0, 20.0, 10.0], [3.0, 1.0, 0.3, 0.2])
    with pytest.raises(UnknownTreatyError, match="NOPE"):
        burden_sharing(w, "NOPE")
    with pytest.raises(ParameterError, match="target"):
        burden_sharing(w, "PACT", target=0)
    with pytest.raises(ParameterError, match="target"):
        burden_sharing(w, "PACT", target=float("nan"))
    with pytest.raises(ParameterError, match="world"):
        burden_sharing("contemporary", "PACT")
    few = pact_world([100.0, np.nan, 20.0], [3.0, 1.0, 0.3])
    with pytest.raises(WorldError, match="only 2 of its 3 members"):
        burden_sharing(few, "PACT")
    flat = pact_world([100.0, 50.0, 20.0], [2.0, 1.0, 0.4])
    with pytest.raises(WorldError, match="same spending / GDP"):
        burden_sharing(flat, "PACT")
    assert issubclass(WorldError, FoederisError)


def test_plot_headless():
    Figure = pytest.importorskip("matplotlib.figure", reason="needs matplotlib").Figure

    r = burden_sharing(pact_world([100.0, 50.0, 20.0, 10.0], [3.0, 1.0, 0.3, 0.2]), "PACT")
    fig = r.plot()
    assert isinstance(fig, Figure)
    fig2 = Figure()
    ax = fig2.add_subplot()
    assert r.plot(ax=ax) is fig2


def test_contemporary_nato(contemporary):
    r = burden_sharing(contemporary, "NATO")
    usa = r.to_frame().set_index("code").loc["USA"]
    assert usa["spending_gdp"] > 0.025
    assert r.n >= 20
    assert -1 <= r.rho <= 1 and 0 <= r.p_value <= 1
