"""The Jupyter front end, driven headless: every control, edit, save / load and error.

No browser and no kernel: widgets are built, their ``.value`` set and buttons clicked as a
user would, and the assertions read what the widgets show (see
../shared/JUPYTER-TESTING.md, layer 1). The real-browser test is test_browser.py.
"""

from __future__ import annotations

import json
import os
import re
import time

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
pytest.importorskip("ipywidgets", reason="the Jupyter extra is not installed")

import foederis  # noqa: E402
from foederis import load_world  # noqa: E402
from foederis.errors import ScenarioError  # noqa: E402

from foederis_widgets import App, DeterrenceMapView, Explorer, ThreatView  # noqa: E402
from foederis_widgets import scenario as sc  # noqa: E402
from foederis_widgets.model import ScenarioModel  # noqa: E402
from foederis_widgets.renderers import comparison_rows, joined_rows  # noqa: E402


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def png_of(out) -> str:
    assert len(out.outputs) == 1, "the Output should hold one picture"
    data = out.outputs[0]["data"]
    assert "image/png" in data
    return data["image/png"]


@pytest.fixture(scope="module")
def world():
    return load_world("contemporary")


@pytest.fixture
def ex(world):
    e = Explorer(world, attacks=[("RUS", "EST")])
    yield e
    e.close()


# ----------------------------------------------------------------------------- explorer
def test_initial_view_shows_verdict_map_balance_and_who_joined(ex):
    v = ex.verdict_text
    assert "RUS → EST" in v and "DETERRED" in v and "balance D/A" in v
    assert "nuclear umbrella" in v
    png_of(ex.map)
    png_of(ex.balance)
    joined = text(ex.joined.value)
    assert "EST" in joined and "USA" in joined and "NATO" in joined  # who, and why
    assert "No what-if edits yet" in text(ex.compare_html.value)
    assert ex.error.text == ""
    assert ex.round.max == ex.model.whatif.n_rounds > 0


def test_defaults_of_the_rule_sliders_are_design_defaults(ex):
    for name, default in sc.DEFAULT_RULES.items():
        w = ex.rule_widgets[name]
        expect = 0 if default is None else default
        assert w.value == expect, name


def test_search_picks_the_target(ex):
    ex.target.search.value = "latv"
    assert ex.target.value == "LAT"
    assert ex.model.attacks == [["RUS", "LAT"]]
    assert "RUS → LAT" in ex.verdict_text
    ex.aggressor.search.value = "bela"
    assert ex.model.attacks == [["BLR", "LAT"]]
    # no match leaves the choice alone and flags the box
    ex.target.search.value = "zzzz"
    assert ex.target.value == "LAT"
    assert "fx-nomatch" in ex.target.search._dom_classes


def test_dropdown_picks_the_aggressor(ex):
    ex.aggressor.dropdown.value = "CHN"
    ex.target.dropdown.value = "TAW"
    assert ex.model.attacks == [["CHN", "TAW"]]
    assert "CHN → TAW" in ex.verdict_text


def test_self_attack_is_an_error_in_the_ui_not_an_exception(ex):
    ex.target.value = "RUS"
    assert "cannot attack itself" in ex.error.text
    assert ex.error.layout.display != "none"
    ex.target.value = "LIT"
    assert ex.error.text == ""
    assert ex.error.layout.display == "none"
    assert "RUS → LIT" in ex.verdict_text


def test_domain(ex):
    ex.domain.value = "cyber"
    assert ex.model.domain == "cyber"
    assert "(cyber)" in ex.verdict_text


def test_several_attacks(ex):
    ex.extra_aggressor.value = "BLR"
    ex.extra_target.value = "LIT"
    ex.add_attack.click()
    assert ex.model.attacks == [["RUS", "EST"], ["BLR", "LIT"]]
    assert "BLR → LIT" in ex.verdict_text
    ex.add_attack.click()  # the same pair again
    assert "already an attack" in ex.error.text
    rows = ex.attack_list.children
    assert len(rows) == 2
    rows[1].children[1].click()  # remove the second front
    assert ex.model.attacks == [["RUS", "EST"]]
    # a state on both sides is refused with the engine's message
    ex.extra_aggressor.value = "EST"
    ex.extra_target.value = "FIN"
    ex.add_attack.click()
    assert "both an aggressor" in ex.error.text


def test_every_rule_control_reaches_the_model(ex):
    values = {"threshold": 0.75, "entente_weight": 0.5, "neutrality_weight": 2.0,
              "nonaggression_weight": 1.0, "defend_initiators": 0.5, "credibility_scale": 0.8,
              "margin": 1.5}
    for name, v in values.items():
        ex.rule_widgets[name].value = v
        assert ex.model.rules[name] == pytest.approx(v), name
        assert ex.model.whatif.rules.__getattribute__(name) == pytest.approx(v), name
    assert "threshold 0.75" in ex.verdict_text and "margin 1.5" in ex.verdict_text
    ex.max_rounds.value = 1
    assert ex.model.rules["max_rounds"] == 1 and ex.model.whatif.n_rounds <= 1
    ex.max_rounds.value = 0
    assert ex.model.rules["max_rounds"] is None
    ex.reach.value = False
    assert ex.model.rules["reach"] is False and "reach off" in ex.verdict_text
    ex.umbrella.value = False
    assert ex.model.rules["nuclear_umbrella"] is False
    ex.reset_rules.click()
    assert ex.model.rules == sc.DEFAULT_RULES
    assert ex.rule_widgets["threshold"].value == 0.5 and ex.reach.value is True


def test_a_high_threshold_leaves_the_target_alone(ex):
    ex.rule_widgets["threshold"].value = 3.0
    assert ex.model.whatif.joined("D") == ["EST"]
    assert "NOT DETERRED" in ex.verdict_text


def test_turkey_leaves_nato_and_undo(ex):
    assert ex.edit_op.value == "without_member"
    ex.edit_state.search.value = "turkey"
    assert ex.edit_state.value == "TUR"
    assert "NATO" in [v for _, v in ex.edit_treaty.options]
    ex.edit_treaty.value = "NATO"
    before = ex.compare_html.value
    ex.edit_apply.click()
    assert ex.error.text == ""
    assert ex.model.edits == [{"op": "without_member", "code": "TUR", "treaty": "NATO"}]
    assert "TUR leaves NATO" in text(ex.edit_list.children[0].children[0].value)
    cmp = text(ex.compare_html.value)
    assert cmp != text(before)
    assert "now stay out: TUR" in cmp and "change in balance: -" in cmp
    v = ex.verdict_text
    assert "What-if:" in v and "Baseline:" in v
    # the map rings the states whose fate changed: a different picture
    ex.edit_list.children[0].children[1].click()  # undo
    assert ex.model.edits == []
    assert "No what-if edits yet" in text(ex.compare_html.value)


def test_taiwan_with_a_us_guarantee(ex):
    ex.aggressor.value = "CHN"
    ex.target.value = "TAW"
    assert ex.model.whatif.joined("D") == ["TAW"]
    ex.edit_op.value = "with_commitment"
    ex.edit_guarantor.value = "USA"
    ex.edit_protege.value = "TAW"
    ex.edit_kind.value = "GUARANTEE"
    ex.edit_credibility.value = 0.9
    ex.edit_credibility.value = 1.0  # (0.9 - the US-China non-aggression hold < threshold)
    ex.edit_apply.click()
    assert ex.error.text == ""
    e = ex.model.edits[0]
    assert (e["op"], e["guarantor"], e["protege"], e["kind"]) == ("with_commitment", "USA",
                                                                  "TAW", "GUARANTEE")
    assert e["credibility"] == pytest.approx(1.0)
    assert "USA" in ex.model.whatif.joined("D")
    cmp = text(ex.compare_html.value)
    assert "newly drawn in: USA (D)" in cmp
    assert "change in balance: +" in cmp


def test_remove_reweight_scale_and_dissolve(ex):
    ex.edit_op.value = "without_commitment"
    ex.edit_guarantor.value = "USA"
    ex.edit_protege.value = "EST"
    ex.edit_kind.value = "any"
    ex.edit_apply.click()
    assert ex.model.edits[-1]["op"] == "without_commitment", ex.error.text
    assert ex.model.world.n_commitments < ex.model.base_world.n_commitments

    ex.edit_op.value = "reweight"
    ex.edit_guarantor.value = "UKG"
    ex.edit_protege.value = "EST"
    ex.edit_kind.value = "DEFENSE"
    ex.edit_credibility.value = 0.3
    ex.edit_apply.click()
    assert ex.model.edits[-1]["op"] == "reweight", ex.error.text

    ex.edit_op.value = "scale_capability"
    ex.edit_state.value = "RUS"
    ex.edit_factor.value = 3.0
    ex.edit_apply.click()
    assert ex.model.edits[-1] == {"op": "scale_capability", "code": "RUS", "factor": 3.0}
    w, b = ex.model.world, ex.model.base_world
    assert w.capability[w.index("RUS")] == pytest.approx(3 * b.capability[b.index("RUS")])

    ex.edit_op.value = "without_treaty"
    assert "NATO" in [v for _, v in ex.edit_treaty.options]
    ex.edit_treaty.value = "NATO"
    ex.edit_apply.click()
    assert ex.model.edits[-1] == {"op": "without_treaty", "name": "NATO"}
    assert len(ex.edit_list.children) == 4
    ex.clear_edits.click()
    assert ex.model.edits == [] and ex.edit_list.children == ()


def test_a_bad_edit_is_shown_and_changes_nothing(ex):
    ex.edit_op.value = "without_commitment"
    ex.edit_guarantor.value = "FIJ"
    ex.edit_protege.value = "ICE"
    ex.edit_kind.value = "any"
    ex.edit_apply.click()
    assert "no commitment FIJ -> ICE" in ex.error.text
    assert ex.model.edits == []
    ex.edit_op.value = "scale_capability"
    ex.edit_factor.value = 2.0
    ex.edit_apply.click()
    assert ex.error.text == ""  # a good action clears the message


def test_undo_refuses_to_break_a_later_edit(ex):
    m = ex.model
    m.add_edit({"op": "with_commitment", "guarantor": "USA", "protege": "TAW",
                "kind": "GUARANTEE", "credibility": 1.0})
    m.add_edit({"op": "reweight", "guarantor": "USA", "protege": "TAW", "credibility": 0.4})
    assert len(ex.edit_list.children) == 2
    ex.edit_list.children[0].children[1].click()
    assert "a later edit needs it" in ex.error.text
    assert len(m.edits) == 2
    ex.edit_list.children[1].children[1].click()
    ex.edit_list.children[0].children[1].click()
    assert m.edits == []


def test_play_and_round_slider(ex):
    last = png_of(ex.map)
    n = ex.model.whatif.n_rounds
    assert ex.play.max == n and ex.play.value == n
    ex.play.value = 0  # linked to the round slider
    assert ex.round.value == 0 and ex.model.shown_round == 0
    first = png_of(ex.map)
    assert first != last
    ex.round.value = n
    assert ex.play.value == n
    assert png_of(ex.map) == last


def test_run_button_in_deterministic_mode(ex):
    ex.run.click()
    assert "cascade in" in ex.status.value


def test_monte_carlo_runs_in_a_thread(ex):
    ex.mode.value = "monte carlo"
    assert ex.model.mode == "monte carlo"
    assert ex.samples.layout.display != "none" or ex.mc_box.layout.display != "none"
    ex.samples.value = 256
    ex.seed.value = 7
    ex.mc_mode.value = "any"
    assert (ex.model.samples, ex.model.seed, ex.model.mc_mode) == (256, 7, "any")
    ex.run.click()
    ex.model.wait(60)
    assert not ex.model.running
    assert ex.model.ensemble_baseline is not None and ex.model.ensemble_baseline.samples == 256
    assert "P(deterred)" in text(ex.ensemble.value)
    assert ex.progress.value == pytest.approx(1.0)
    assert not ex.run.disabled and ex.stop.disabled
    # same seed, same answer
    p0 = ex.model.ensemble_baseline.p_join_d.copy()
    ex.run.click()
    ex.model.wait(60)
    assert np.array_equal(p0, ex.model.ensemble_baseline.p_join_d)
    # a change of input drops the stale ensemble
    ex.rule_widgets["margin"].value = 2.0
    assert ex.model.ensemble_baseline is None and ex.ensemble.value == ""


def test_stop_ends_a_long_ensemble(ex):
    ex.mode.value = "monte carlo"
    ex.samples.value = 50_000_000
    ex.run.click()
    assert ex.model.running and not ex.stop.disabled and ex.run.disabled
    ex.stop.click()
    ex.model.wait(60)
    assert not ex.model.running
    e = ex.model.ensemble_baseline
    assert e is not None and e.interrupted and e.samples < 50_000_000
    assert "stopped after" in ex.status.value
    assert "stopped early" in text(ex.ensemble.value)
    # a change of input while it runs stops it and drops its (stale) answer
    ex.run.click()
    assert ex.model.running
    ex.rule_widgets["threshold"].value = 0.6
    ex.model.wait(60)
    assert not ex.model.running and ex.model.ensemble_baseline is None
    assert "inputs changed" in ex.status.value


def test_save_and_load_round_trip(ex, world, tmp_path):
    ex.aggressor.value = "CHN"
    ex.target.value = "TAW"
    ex.rule_widgets["threshold"].value = 0.4
    ex.model.add_edit({"op": "with_commitment", "guarantor": "USA", "protege": "TAW",
                       "kind": "GUARANTEE", "credibility": 0.8})
    ex.seed.value = 42
    path = tmp_path / "taiwan.json"
    ex.scenario_path.value = str(path)
    ex.save.click()
    assert ex.error.text == "" and "saved" in ex.scenario_status.value
    data = json.loads(path.read_text())
    assert data["format"] == "foederis-scenario" and data["version"] == sc.VERSION
    assert data["world"] == "contemporary" and data["attacks"] == [["CHN", "TAW"]]
    assert data["seed"] == 42 and data["rules"]["threshold"] == 0.4
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]

    other = Explorer(world, attacks=[("RUS", "EST")], warmup=False)
    try:
        other.scenario_path.value = str(path)
        other.load.click()
        assert other.error.text == "", other.error.text
        assert other.model.to_scenario() == ex.model.to_scenario()
        assert other.aggressor.value == "CHN" and other.target.value == "TAW"
        assert other.rule_widgets["threshold"].value == 0.4 and other.seed.value == 42
        assert len(other.edit_list.children) == 1
        assert other.verdict_text == ex.verdict_text
    finally:
        other.close()


def test_save_is_atomic(ex, tmp_path, monkeypatch):
    path = tmp_path / "s.json"
    path.write_text("precious")
    ex.scenario_path.value = str(path)

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(sc.os, "replace", boom)
    ex.save.click()
    assert "No space left on device" in ex.error.text
    assert path.read_text() == "precious"
    assert os.listdir(tmp_path) == ["s.json"]  # no temporary file left behind
    monkeypatch.undo()
    ex.save.click()
    assert ex.error.text == "" and json.loads(path.read_text())["version"] == sc.VERSION


@pytest.mark.parametrize("content, message", [
    ("{not json", "invalid JSON"),
    ('{"cells": [], "nbformat": 4}', "not a foederis scenario"),
    ('[1, 2]', "not a foederis scenario"),
    ('{"format": "foederis-scenario", "version": 99, "world": "contemporary", '
     '"attacks": [["RUS", "EST"]]}', "newer foederis"),
    ('{"format": "foederis-scenario", "version": 1, "world": "contemporary", '
     '"attacks": []}', "'attacks' must be"),
    ('{"format": "foederis-scenario", "version": 1, "world": "contemporary", '
     '"attacks": [["RUS", "XXX"]]}', "XXX"),
    ('{"format": "foederis-scenario", "version": 1, "world": "narnia", '
     '"attacks": [["RUS", "EST"]]}', "narnia"),
    ('{"format": "foederis-scenario", "version": 1, "world": "contemporary", '
     '"attacks": [["RUS", "EST"]], "rules": {"treshold": 1}}', "unknown rule field"),
    ('{"format": "foederis-scenario", "version": 1, "world": "contemporary", '
     '"attacks": [["RUS", "EST"]], "edits": [{"op": "without_member", "code": "USA", '
     '"treaty": "CSTO"}]}', "not a member"),
])
def test_a_bad_or_foreign_file_is_a_clear_error(ex, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    before = ex.model.to_scenario()
    ex.scenario_path.value = str(path)
    ex.load.click()
    assert message in ex.error.text
    assert ex.model.to_scenario() == before  # nothing changed


def test_load_missing_file(ex, tmp_path):
    ex.scenario_path.value = str(tmp_path / "nope.json")
    ex.load.click()
    assert "no scenario file" in ex.error.text


def test_load_a_scenario_of_another_world(ex, tmp_path):
    path = tmp_path / "1914.json"
    sc.save_scenario({"format": "foederis-scenario", "version": 1, "world": "atop:1914",
                      "attacks": [["AUH", "YUG"]], "rules": {"threshold": 0.5}}, path)
    ex.scenario_path.value = str(path)
    ex.load.click()
    assert ex.error.text == "", ex.error.text
    assert ex.model.base_world.name == "atop:1914"
    assert "AUH → YUG" in ex.verdict_text and "atop:1914" in ex.verdict_text
    assert ex.aggressor.value == "AUH"
    assert "EST" not in [v for _, v in ex.target.dropdown.options]


def test_several_attacks_from_the_start(world):
    e = Explorer(world, attacks=[("RUS", "EST"), ("BLR", "LIT")], warmup=False)
    try:
        assert len(e.attack_list.children) == 2
        assert "RUS → EST, BLR → LIT" in e.verdict_text
    finally:
        e.close()


def test_close_closes_every_widget(world):
    e = Explorer(world, warmup=False)
    root, slider = e.widget, e.rule_widgets["threshold"]
    e.close()
    assert root.comm is None and slider.comm is None


def test_large_world_draws_the_neighbourhood_only():
    from foederis.synthetic import synthetic_world

    w = synthetic_world(5000, 4, seed=3)
    big = np.argsort(-w.capability)[:2]
    e = Explorer(w, attacks=[(str(w.codes[big[0]]), str(w.codes[big[1]]))], warmup=False)
    try:
        assert e.error.text == ""
        png_of(e.map)
        assert len(e.aggressor.dropdown.options) <= 401
        e.target.search.value = str(w.codes[7])
        assert e.target.value == str(w.codes[7])
        member = str(w.codes[w.guarantors[np.flatnonzero(w.treaty >= 0)[0]]])
        e.edit_op.value = "without_member"
        e.edit_state.value = member
        assert e.edit_treaty.value is not None  # the state's first treaty is chosen
        e.edit_apply.click()
        assert e.error.text == "" and e.model.edits[0]["code"] == member
    finally:
        e.close()


# ----------------------------------------------------------------------------- model
def test_model_pure_helpers(world):
    from foederis import cascade

    c0 = cascade(world, "RUS:EST")
    c1 = cascade(world.without_member("TUR", "NATO"), "RUS:EST")
    d = comparison_rows(c0, c1)
    assert d["stayed_out"] == ["TUR"] and d["switched"] == [] and d["drawn_in"] == []
    assert d["balance"][2] < 0 and not d["same"]
    assert comparison_rows(c0, c0)["same"]
    rows = joined_rows(c0)
    assert rows[0]["round"] == 0 and {r["code"] for r in rows[:2]} == {"RUS", "EST"}
    usa = next(r for r in rows if r["code"] == "USA")
    assert usa["side"] == "D" and any("NATO" in p for p in usa["pulled_by"])


def test_model_keeps_results_on_error(world):
    m = ScenarioModel(world, [("RUS", "EST")])
    good = m.whatif
    m.attacks = [["RUS", "RUS"]]
    assert "cannot attack itself" in m.error and m.whatif is good
    with pytest.raises(foederis.FoederisError):
        m.add_edit({"op": "without_member", "code": "USA", "treaty": "CSTO"})
    with pytest.raises(foederis.FoederisError):
        m.set_rule("nope", 1)


def test_scenario_checks():
    with pytest.raises(ScenarioError, match="samples"):
        sc.check_scenario({"format": sc.FORMAT, "version": 1, "world": "w",
                           "attacks": [["A", "B"]], "samples": 0})
    with pytest.raises(ScenarioError, match="folder"):
        sc.save_scenario({"format": sc.FORMAT, "version": 1, "world": "w",
                          "attacks": [["A", "B"]]}, "/nonexistent-dir/x.json")


# ----------------------------------------------------------------------------- other views
def test_deterrence_map(world):
    dm = DeterrenceMapView(world, top=6)
    try:
        assert dm.error.text == ""
        assert dm.balance.shape == (6, 6) and np.isnan(np.diag(dm.balance)).all()
        png_of(dm.image)
        assert "attacks" in dm.info.value
        dm.sort.value = "region"
        assert dm.error.text == "" and sorted(dm.codes) == sorted(dm.states.value.split())
        regions = [world.region[world.index(c)] for c in dm.codes]
        assert regions == sorted(regions)
        dm.sort.value = "bloc"
        assert dm.error.text == "" or "blocs" in dm.error.text
        ex = dm.select("RUS", dm.codes[0] if dm.codes[0] != "RUS" else dm.codes[1])
        assert ex is not None and "RUS →" in ex.verdict_text
        assert dm.explorer_box.children
        dm.states.value = "USA XXX"
        dm.compute.click()
        assert "XXX" in dm.error.text
        dm.top.value = 4
        assert dm.error.text == "" and len(dm.codes) == 4
    finally:
        dm.close()


def test_deterrence_map_matches_one_cascade_per_pair(world):
    from foederis import cascade
    from foederis_widgets.deterrence import deterrence_matrix

    codes = ["USA", "RUS", "CHN", "EST"]
    bal, det = deterrence_matrix(world, codes, codes)
    for i, a in enumerate(codes):
        for j, t in enumerate(codes):
            if a == t:
                assert np.isnan(bal[i, j]) and not det[i, j]
            else:
                c = cascade(world, (a, t))
                assert bal[i, j] == c.balance and det[i, j] == c.deterred


def test_threat_view(world):
    tv = ThreatView(world, top=5)
    try:
        assert tv.error.text == ""
        png_of(tv.chart)
        assert "Most exposed states" in tv.table.value
        tv.state.value = "USA"
        assert "The commitments responsible" in tv.detail.value
        tv.beta.value = tv.beta.max
        # beyond the guaranteed bound it either converges or says clearly why not
        assert tv.error.text == "" or "does not converge" in tv.error.text
        tv.beta.value = 0.0
        assert tv.error.text == ""
        assert "ntrapment" in tv.entrap.value
    finally:
        tv.close()


def test_app_tabs_and_world_choice():
    app = App("contemporary")
    try:
        assert app.explorer is not None and app.deterrence is None
        app.tabs.selected_index = 2
        assert app.threat is not None
        app.tabs.selected_index = 1
        dm = app.deterrence
        a, t = dm.codes[0], dm.codes[2]
        dm.threshold.value = 0.7
        dm.select(a, t)  # opens the cell in the Explorer tab
        assert app.tabs.selected_index == 0
        assert app.explorer.model.attacks == [[a, t]]
        assert app.explorer.rule_widgets["threshold"].value == 0.7
        assert f"{a} → {t}" in app.explorer.verdict_text
        app.world_choice.value = "atop:1914"
        assert app.error.text == "" and "atop:1914" in app.explorer.verdict_text
        assert app.threat is None  # rebuilt lazily for the new world
    finally:
        app.close()


def test_cli_registers_app_and_refuses_a_busy_port(capsys):
    import argparse
    import socket

    from foederis_widgets import _cli

    p = argparse.ArgumentParser()
    _cli.register(p.add_subparsers(dest="command"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        args = p.parse_args(["app", "--port", str(port)])
        assert args.func(args) == 2
    assert "in use" in capsys.readouterr().err
    assert os.path.exists(_cli.app_notebook())


def test_foederis_app_prints_the_url_and_stops_on_sigterm(tmp_path):
    """The README's first command, without a browser: it serves, says where, and stops
    cleanly (SIGTERM reaches Voila, which shuts its kernels down)."""
    import signal
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    pytest.importorskip("voila", reason="voila is not installed")
    from conftest import free_port, server_env

    port = free_port()
    log = tmp_path / "out.txt"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "foederis", "app", "--port", str(port),
                                 "--dir", str(tmp_path)], env=server_env(), stdout=out,
                                stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while f"http://127.0.0.1:{port}/" not in log.read_text() and time.monotonic() < deadline:
            assert proc.poll() is None, log.read_text()
            time.sleep(0.2)
        assert f"http://127.0.0.1:{port}/" in log.read_text()
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=40) == 0
    with pytest.raises((urllib.error.URLError, OSError)):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/static/x", timeout=2)


# ----------------------------------------------------------------------------- structure
def test_every_field_of_rules_is_shown_set_and_saved(ex, tmp_path):
    import dataclasses

    from foederis import Rules

    names = [f.name for f in dataclasses.fields(Rules)]
    assert list(sc.DEFAULT_RULES) == names and "ally_restraint" in names
    assert sc.DEFAULT_RULES == {f.name: f.default for f in dataclasses.fields(Rules)}
    assert set(ex.rule_widgets) == set(names)
    # ally_restraint: shown at its default, set from its slider, reaches the cascade, saved
    w = ex.rule_widgets["ally_restraint"]
    assert w.value == Rules().ally_restraint
    assert "fx-rule-ally_restraint" in w._dom_classes
    w.value = 0.0
    assert ex.model.rules["ally_restraint"] == 0.0
    assert ex.model.whatif.rules.ally_restraint == 0.0
    assert "ally restraint 0" in ex.verdict_text
    path = tmp_path / "s.json"
    ex.scenario_path.value = str(path)
    ex.save.click()
    assert json.loads(path.read_text())["rules"]["ally_restraint"] == 0.0
    # a change made from code reaches the control (the panel follows the model)
    ex.model.set_rule("ally_restraint", 2.0)
    assert w.value == 2.0
    ex.load.click()
    assert ex.error.text == "" and w.value == 0.0 and ex.model.rules["ally_restraint"] == 0.0


def test_an_old_scenario_without_a_rule_field_loads_with_its_default(ex, tmp_path):
    from foederis import Rules

    # the format written before the rules were derived from Rules: no ally_restraint
    old_rules = {"threshold": 0.6, "entente_weight": 0.25, "neutrality_weight": 1.0,
                 "nonaggression_weight": 0.5, "defend_initiators": 0.0,
                 "credibility_scale": 1.0, "max_rounds": None, "margin": 1.0, "reach": True,
                 "nuclear_umbrella": True}
    path = tmp_path / "old.json"
    path.write_text(json.dumps({
        "format": "foederis-scenario", "version": 1, "world": "contemporary", "edits": [],
        "attacks": [["RUS", "EST"]], "domain": "conventional", "rules": old_rules,
        "mode": "deterministic", "samples": 1000, "seed": 0, "mc_mode": "threshold"}))
    ex.rule_widgets["ally_restraint"].value = 0.0
    ex.scenario_path.value = str(path)
    ex.load.click()
    assert ex.error.text == "", ex.error.text
    assert ex.model.rules["ally_restraint"] == Rules().ally_restraint
    assert ex.rule_widgets["ally_restraint"].value == Rules().ally_restraint
    assert ex.model.rules["threshold"] == 0.6 and ex.rule_widgets["threshold"].value == 0.6
    assert sc.load_scenario(path)["rules"] == {**sc.DEFAULT_RULES, **old_rules}


def test_second_attack_rows_stay_hidden_until_add_attack(ex):
    assert not ex.attack.extra_shown
    assert ex.extra_box.layout.display == "none"
    ex.add_attack.click()  # the first press shows the rows, adds nothing
    assert ex.attack.extra_shown and ex.model.attacks == [["RUS", "EST"]]
    assert ex.error.text == ""
    ex.extra_aggressor.value = "BLR"
    ex.extra_target.value = "LIT"
    ex.add_attack.click()
    assert ex.model.attacks == [["RUS", "EST"], ["BLR", "LIT"]]


def test_who_joined_shows_capability_shares_and_every_treaty(ex, world):
    from foederis import cascade

    c = cascade(world, "RUS:EST")
    rows = joined_rows(c)
    total = float(world.capability.sum())
    usa = next(r for r in rows if r["code"] == "USA")
    assert usa["share"] == pytest.approx(100 * usa["capability"] / total)
    assert sum(r["share"] for r in rows) <= 100.0 + 1e-9
    # every treaty behind the pulls, as in the engine's Cascade.why
    why = c.why
    for r in rows:
        if r["round"] > 0:
            # why's treaty holds every grounding treaty joined by "|"; the rows list each
            expect = {x for t in why[why["state"] == r["code"]]["treaty"]
                      for x in (t.split("|") if t else ["no treaty"])}
            assert set(r["treaties"]) == expect, r["code"]
    shown = text(ex.joined.value)
    assert "% of world" in shown and "CINC" in shown
    assert f"{usa['share']:.3g} %" in shown
    assert "<b>NATO</b>: EST DEFENSE" in ex.joined.value


def test_renderers_alone(world):
    from foederis import cascade
    from foederis_widgets import renderers as r

    c0 = cascade(world, "RUS:EST")
    c1 = cascade(world.without_member("TUR", "NATO"), "RUS:EST")
    v = text(r.verdict_html(c0, c1, "contemporary", True))
    assert "What-if:" in v and "Baseline:" in v and "on contemporary" in v
    assert "No what-if edits yet" in text(r.comparison_html(c0, c0, False))
    assert "now stay out: TUR" in text(r.comparison_html(c0, c1, True))
    assert r.ensemble_html(None, None) == ""
    assert r.fmt_balance(float("inf")) == "∞" and r.fmt_balance(float("nan")) == "n/a"
    assert r.capability_measure(world).startswith("NMC v7 CINC")


def test_one_update_path_the_results_follow_the_model_version(ex):
    v0 = ex.model.version
    before = ex.verdict.value
    ex.model.attacks = [["CHN", "TAW"]]  # from code: the model recomputes, bumps version
    assert ex.model.version == v0 + 1
    assert "CHN → TAW" in ex.verdict_text and ex.verdict.value != before
    assert ex.aggressor.value == "CHN" and ex.target.value == "TAW"  # controls follow
    ex.model.mode = "monte carlo"
    assert ex.mode.value == "monte carlo"


def test_the_deterrence_map_view_draws_the_engines_map(world):
    from foederis.analysis import deterrence_map

    dm = DeterrenceMapView(world, top=6)
    try:
        for key in ("capability", "region", "code"):
            dm.sort.value = key
            assert dm.error.text == "", dm.error.text
            engine = deterrence_map(world, dm.result.aggressors, dm.result.targets,
                                    dm.result.rules)
            order = engine.state_order(key)
            assert dm.codes == [str(engine.aggressors[i]) for i in order]
            assert np.array_equal(dm.balance, engine.order_by(key).balance, equal_nan=True)
    finally:
        dm.close()


def test_kinds_and_modes_come_from_the_engine(ex):
    from foederis import KIND_NAMES, MODES
    from foederis._constants import KINDS

    assert tuple(ex.edit_kind.options) == tuple(k.name for k in KINDS) == KIND_NAMES
    assert sc.MC_MODES is MODES
    assert set(v for _, v in ex.mc_mode.options) == set(MODES)


@pytest.mark.parametrize("module", ["foederis_widgets.renderers", "foederis_widgets.scenario",
                                    "foederis_widgets.explorer"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    res = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert res.failed == 0 and res.attempted > 0


def test_a_rule_without_a_hand_written_label_still_gets_its_control(world, monkeypatch):
    """Nothing in the widgets lists the fields of Rules: a field missing from the label
    table (as a field added to Rules tomorrow would be) gets a control from its type."""
    from foederis import Rules
    from foederis_widgets import panels

    monkeypatch.delitem(panels.RULE_SLIDERS, "ally_restraint")
    monkeypatch.delitem(panels.RULE_CHECKBOXES, "reach")
    e = Explorer(world, attacks=[("RUS", "EST")], warmup=False)
    try:
        w = e.rule_widgets["ally_restraint"]
        assert w.description == "ally restraint" and w.value == Rules().ally_restraint
        assert w.max >= 3.0
        w.value = 0.5
        assert e.model.whatif.rules.ally_restraint == 0.5
        e.rule_widgets["reach"].value = False
        assert e.model.rules["reach"] is False and "reach off" in e.verdict_text
    finally:
        e.close()
    assert sc.rule_type("ally_restraint") == "float" and sc.rule_choices("threshold") == ()


# ----------------------------------------------------------------------------- the app's folder
@pytest.mark.parametrize("name", ["../x", "..", "a/b", "/etc/passwd", "..\\x", ".hidden",
                                  "a..b", "", "   ", "x" * 101, "a\x00b", "é", "C:x", None, 5])
def test_scenario_names_that_would_leave_the_folder_are_refused(tmp_path, name):
    with pytest.raises(ScenarioError, match="is not allowed: use a plain name"):
        sc.scenario_file(tmp_path, name)


def test_scenario_names_in_the_folder(tmp_path):
    assert sc.scenario_file(tmp_path, "baltic") == str(tmp_path.resolve() / "baltic.json")
    assert sc.scenario_file(tmp_path, " turkey leaves-NATO_2.json ") == \
        str(tmp_path.resolve() / "turkey leaves-NATO_2.json")
    outside = tmp_path.parent / "outside.json"
    (tmp_path / "link.json").symlink_to(outside)
    with pytest.raises(ScenarioError, match="link to a file outside"):
        sc.scenario_file(tmp_path, "link")


def test_the_app_keeps_scenarios_in_its_folder(tmp_path):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    app = App("contemporary", scenario_dir=str(folder))
    try:
        ex = app.explorer
        assert ex.scenario_path.value == "scenario" and ex.scenario.folder == str(folder)
        for bad in ("../x", "../../tmp/evil", str(tmp_path / "abs")):
            ex.scenario_path.value = bad
            ex.save.click()
            assert "is not allowed" in ex.error.text and "Traceback" not in ex.error.text
            ex.load.click()
            assert "is not allowed" in ex.error.text
        assert sorted(p.name for p in tmp_path.rglob("*")) == ["scenarios"]  # nothing written
        ex.scenario_path.value = "baltic"
        ex.model.set_rule("threshold", 0.7)
        ex.save.click()
        assert ex.error.text == "" and (folder / "baltic.json").exists()
        ex.model.set_rule("threshold", 0.5)
        ex.load.click()
        assert ex.error.text == "" and ex.model.rules["threshold"] == 0.7
        assert str(folder / "baltic.json") in ex.scenario_status.value
        ex.scenario_path.value = "nope"
        ex.load.click()
        assert "no scenario file" in ex.error.text
    finally:
        app.close()


# ----------------------------------------------------------------------------- start-up
def test_follow_passes_the_background_progress_on(tmp_path):
    import threading

    from foederis_widgets import _warmup

    path = str(tmp_path / "w.json")
    assert _warmup.follow(path="") is False  # no background: at once
    _warmup.write_status(path, 0, 4, "cascade")
    seen = []

    def background():
        for k, step in enumerate(["check_csr", "simulate threshold", "threat"], 1):
            time.sleep(0.05)
            _warmup.write_status(path, k, 4, step)
        _warmup.write_status(path, 4, 4, "", "done")

    t = threading.Thread(target=background)
    t.start()
    assert _warmup.follow(lambda d, n, s: seen.append(s), until=_warmup.FIRST_PAGE,
                          path=path, poll=0.01)
    assert seen[0] == "cascade" and _warmup.read_status(path)["step"] not in _warmup.FIRST_PAGE
    assert _warmup.follow(lambda d, n, s: seen.append(s), path=path, poll=0.01)
    t.join()
    order = ["cascade", "check_csr", "simulate threshold", "threat"]
    assert seen[0] == "cascade" and seen == sorted(seen, key=order.index)  # in order
    _warmup.write_status(path, 0, 0, "", "failed")
    assert _warmup.follow(path=path) is False  # the page compiles itself
    _warmup.write_status(path, 1, 4, "check_csr")
    assert _warmup.follow(path=path, timeout=0.1, poll=0.01) is False  # gone silent


def test_the_app_page_starts_with_its_progress_then_the_app(tmp_path, monkeypatch):
    from foederis_widgets import _warmup
    from foederis_widgets.app import Starting, main_from_env

    path = str(tmp_path / "w.json")
    _warmup.write_status(path, 0, 10, "cascade")
    monkeypatch.setenv(_warmup.STATUS_ENV, path)
    monkeypatch.setenv("FOEDERIS_APP_DIR", str(tmp_path))
    s = main_from_env()
    try:
        assert isinstance(s, Starting) and "fx-app-starting" in s.widget._dom_classes
        time.sleep(0.5)
        # the page says what the background is compiling and how far it is
        assert "cascade" in s.text.value and "step 1 of 10" in s.text.value
        assert s.bar.value == 0 and s.bar.max == 10 and s.app is None
        _warmup.write_status(path, 10, 10, "", "done")
        app = s.wait(120)
        assert app is not None and s.error == "" and s.widget.children == (app.widget,)
        assert app.scenario_dir == str(tmp_path) and "RUS → EST" in app.explorer.verdict_text
    finally:
        s.close()


def test_a_failed_start_is_a_message_not_a_traceback():
    from foederis_widgets.app import Starting

    def build():
        raise RuntimeError("no such luck")

    s = Starting(build)
    s.wait(120)
    assert s.app is None and "could not start (RuntimeError: no such luck)" in s.error
    assert "Traceback" not in s.text.value and "fx-app-failed" in s.text._dom_classes
    s.close()
