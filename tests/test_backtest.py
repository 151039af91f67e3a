"""foederis.backtest: the scoring on a hand-built world, the shipped cases, user cases, bad
cases, and the ``foederis backtest`` command."""

from __future__ import annotations

import json
import math
import time

import pandas as pd
import pytest

import foederis
from foederis import FoederisError, ParameterError, Rules, World, backtest, load_cases
from foederis.fidelity import (BELOW, CONFLICTED, MAX_ROUNDS, NEVER_FOUGHT, NO_REACH, NO_TIE,
                               NO_TRIGGER, NOT_IN_WORLD, NOT_RUN, ONLY_FROM, OTHER_SIDE,
                               OUTWEIGHED, RESTRAINT_ONLY, RIGHT, WRONG_SIDE, CaseError,
                               cases_citation, cases_frame)
from foederis.cli import main


# ----------------------------------------------------------------------------- hand world
def _world() -> World:
    #        state: what ties it (AGG attacks TGT)
    # DEF   defense -> TGT                      joins D          (true D: right)
    # OFF   offense -> AGG                      joins A          (true D: wrong side)
    # XTRA  defense -> TGT                      joins D          (never fought: false)
    # ISO   nothing                                              (true D: missed, no tie)
    # ENT   entente -> TGT (0.25 < 0.5)                          (true D: below threshold)
    # NEU   defense -> TGT, neutrality -> AGG   press 1 - 1 = 0  (true D: outweighed)
    # FAR   defense -> TGT, region Asia                          (true D: out of reach)
    # INI   defense -> AGG (an initiator)                        (true A: not triggered)
    # OPP   entente -> TGT                                       (true A: other side only)
    # NAG   nonaggression -> TGT                                 (true A: restraint only)
    codes = ["AGG", "TGT", "DEF", "OFF", "XTRA", "ISO", "ENT", "NEU", "FAR", "INI", "OPP", "NAG"]
    g = ["DEF", "OFF", "XTRA", "ENT", "NEU", "NEU", "FAR", "INI", "OPP", "NAG"]
    p = ["TGT", "AGG", "TGT", "TGT", "TGT", "AGG", "TGT", "AGG", "TGT", "TGT"]
    k = ["defense", "offense", "defense", "entente", "defense", "neutrality", "defense",
         "defense", "entente", "nonaggression"]
    idx = {c: i for i, c in enumerate(codes)}
    region = ["Europe"] * len(codes)
    region[idx["FAR"]] = "Asia"
    return World.from_arrays(codes, [0.1] * len(codes), [idx[x] for x in g],
                             [idx[x] for x in p], k, region=region,
                             global_reach=[False] * len(codes),
                             treaty=[0] + [-1] * 9, treaty_names=["Pact of Test"], name="hand")


# the rule's parameters the hand-computed expectations rest on (today's defaults), pinned so
# that a change of defaults does not silently change what these tests check
PINNED = Rules(threshold=0.5, entente_weight=0.25, neutrality_weight=1.0,
               nonaggression_weight=0.5, ally_restraint=1.0, defend_initiators=0.0,
               credibility_scale=1.0, max_rounds=None, reach=True,
               conditions=False, bound_victim_unrestrained=False)


def _case(cid, year, ini, tgt, joiners):
    return {"case_id": cid, "name": f"war {cid}", "onset_year": year,
            "initiators": [{"stateabb": s} for s in ini],
            "targets": [{"stateabb": s} for s in tgt],
            "joiners": [{"stateabb": s, "side": side} for s, side in joiners]}


HAND = {"cases": [
    _case("w1", 1900, ["AGG"], ["TGT"],
          [("DEF", "D"), ("OFF", "D"), ("ISO", "D"), ("ENT", "D"), ("NEU", "D"), ("FAR", "D"),
           ("GONE", "D"), ("INI", "A"), ("OPP", "A"), ("NAG", "A")]),
    _case("w2", 1950, ["ISO"], ["ENT", "GONE"], [("TGT", "D")]),
    _case("w3", 1960, ["GONE"], ["TGT"], [("DEF", "D")]),
]}


def test_scoring_exact_on_a_hand_world():
    r = backtest(HAND, world=_world(), rules=PINNED)
    w1, w2, w3 = r.wars
    assert w1.codes("right") == ["DEF"]
    assert w1.codes("wrong side") == ["OFF"]
    assert w1.codes("false") == ["XTRA"]
    assert w1.codes("missed") == ["ISO", "ENT", "NEU", "FAR", "GONE", "INI", "OPP", "NAG"]
    cause = {j.code: j.cause for j in w1.joiners}
    assert cause == {"DEF": RIGHT, "OFF": WRONG_SIDE, "XTRA": NEVER_FOUGHT, "ISO": NO_TIE,
                     "ENT": BELOW, "NEU": OUTWEIGHED, "FAR": NO_REACH, "GONE": NOT_IN_WORLD,
                     "INI": NO_TRIGGER, "OPP": OTHER_SIDE, "NAG": RESTRAINT_ONLY}
    kind = {j.code: j.kind for j in w1.joiners}
    assert kind["DEF"] == "DEFENSE" and kind["OFF"] == "OFFENSE" and kind["NEU"] == "NEUTRALITY"
    assert {j.code: j.treaty for j in w1.joiners}["DEF"] == "Pact of Test"
    assert {j.code: j.predicted_side for j in w1.joiners}["OFF"] == "A"
    tied = {j.code: j.tied_to_side for j in w1.joiners}
    assert tied == {"DEF": True, "OFF": False, "XTRA": False, "ISO": False, "ENT": True,
                    "NEU": True, "FAR": True, "GONE": False, "INI": True, "OPP": False,
                    "NAG": False}
    # w2: an absent original target is reported and its attack skipped
    assert w2.absent_originals == ("GONE",) and w2.attacks == (("ISO", "ENT"),)
    assert [(j.code, j.outcome, j.cause, j.tied_to_side) for j in w2.joiners] == \
        [("TGT", "missed", ONLY_FROM, True)]
    # w3: no original initiator in the world: the war is not run
    assert w3.attacks == () and w3.n_rounds == -1
    assert [(j.code, j.cause) for j in w3.joiners] == [("DEF", NOT_RUN)]
    # micro averages: all wars 1 right of 3 predicted and 12 true
    o = r.overall
    assert (o.wars, o.true, o.predicted, o.right, o.wrong_side, o.false, o.missed) == \
        (3, 12, 3, 1, 1, 1, 10)
    assert (r.precision, r.recall, r.f1) == (1 / 3, 1 / 12, 2 / 15)
    b = r.before_1945
    assert (b.wars, b.true, b.predicted, b.precision, b.recall, b.f1) == \
        (1, 10, 3, 1 / 3, 1 / 10, 2 / 13)
    a = r.from_1945
    assert (a.wars, a.true, a.predicted, a.right, a.recall, a.f1) == (2, 2, 0, 0, 0.0, 0.0)
    assert math.isnan(a.precision)
    eras = r.eras()
    assert list(eras.index) == ["all wars", "before 1945", "from 1945"]
    assert eras.loc["before 1945", "f1"] == 2 / 13


def test_frames_and_summary_of_the_hand_world():
    r = backtest(HAND, world=_world(), rules=PINNED)
    df = r.to_frame()
    assert list(df["case_id"]) == ["w1", "w2", "w3"]
    assert df.loc[0, "missed codes"] == "ISO;ENT;NEU;FAR;GONE;INI;OPP;NAG"
    assert df.loc[1, "absent_originals"] == "GONE"
    assert list(df[["right", "wrong side", "false", "missed"]].sum()) == [1, 1, 1, 10]
    j = r.joiners_frame()
    assert len(j) == 13 and set(j["outcome"]) == {"right", "wrong side", "false", "missed"}
    assert list(j.loc[j["code"] == "XTRA", "era"]) == ["before 1945"]
    causes = r.causes()
    assert causes["joiners"].sum() == 12  # every joiner but the right one
    s = r.summary()
    assert "w1" in s and "wrong side: OFF" in s and "absent originals: GONE" in s
    assert "0.333" in s and NO_REACH in s
    assert "missed joiners with a commitment (either way) to a state of their side: 6 of 10" in s
    assert "3 wars" in repr(r)


def test_more_causes_conflicted_stopped_and_far_below():
    # B defends TGT, C defends B (round 2), X is bound to both sides, Y is far and weak
    w = World.from_arrays(["AGG", "TGT", "B", "C", "X", "Y"], [0.2] * 6,
                          [2, 3, 4, 4, 5], [1, 2, 1, 0, 1],
                          ["defense", "defense", "defense", "offense", "entente"],
                          region=["Europe"] * 5 + ["Asia"], global_reach=[False] * 6)
    cases = {"cases": [_case("c", 1900, ["AGG"], ["TGT"],
                             [("B", "D"), ("C", "D"), ("X", "D"), ("Y", "D")])]}
    r = backtest(cases, world=w, rules=PINNED.replace(ally_restraint=0, max_rounds=1))
    got = {j.code: (j.outcome, j.cause) for j in r.wars[0].joiners}
    assert got == {"B": ("right", RIGHT), "C": ("missed", MAX_ROUNDS),
                   "X": ("missed", CONFLICTED), "Y": ("missed", BELOW)}
    y = next(j for j in r.wars[0].joiners if j.code == "Y")
    assert "region Asia not in the theatre (Europe)" in y.detail and y.kind == "ENTENTE"
    assert backtest(cases, world=w, rules=PINNED.replace(ally_restraint=0)).wars[0].codes(
        "right") == ["B", "C"]


def test_onset_year_joiners_only():
    cases = json.loads(json.dumps(HAND))
    cases["cases"][0]["joiners"][1]["entry_year"] = 1903  # OFF (wrong side) entered later
    cases["cases"][0]["joiners"][0]["entry_date"] = "1900-02-01"  # DEF, in the onset year
    full = backtest(cases, world=_world(), rules=PINNED)
    assert full.overall.wrong_side == 1 and full.overall.true == 12
    r = backtest(cases, world=_world(), rules=PINNED, joiners="onset_year")
    assert "OFF" not in [j.code for j in r.wars[0].joiners]  # neither true nor false
    assert (r.overall.true, r.overall.predicted, r.overall.right) == (11, 2, 1)
    assert r.joiners == "onset_year" and "onset year only" in r.summary()
    assert {j.code: j.entry_year for j in r.wars[0].joiners}["DEF"] == 1900
    with pytest.raises(ParameterError, match="joiners must be"):
        backtest(cases, world=_world(), joiners="early")


def test_rules_are_applied_and_checked():
    # NEU's neutrality toward AGG no longer holds it back
    r = backtest(HAND, world=_world(), rules=PINNED.replace(neutrality_weight=0))
    assert "NEU" in r.wars[0].codes("right")
    assert backtest(HAND, world=_world(), rules=PINNED.replace(entente_weight=2)).wars[0].codes(
        "right") == ["DEF", "ENT"]
    assert backtest(HAND, world=_world(), rules={"threshold": 0.2}).rules.threshold == 0.2
    with pytest.raises(ParameterError, match="no field 'bogus'"):
        backtest(HAND, world=_world(), rules={"bogus": 1})
    with pytest.raises(ParameterError, match="rules must be"):
        backtest(HAND, world=_world(), rules=3)


def test_world_as_template_callable_or_world():
    seen = []

    def pick(case):
        seen.append(case.case_id)
        return _world()

    r = backtest(HAND, world=pick)
    assert seen == ["w1", "w2", "w3"] and r.wars[0].world == "hand"
    r = backtest({"cases": [_case("x", 1914, ["AUH"], ["YUG"], [("GMY", "A")])]},
                 world="atop:{date}")  # no onset_date: {date} falls back to the year
    assert r.wars[0].world == "atop:1914"
    with pytest.raises(ParameterError, match="cannot be formatted"):
        backtest(HAND, world="atop:{decade}")
    with pytest.raises(ParameterError, match="not a foederis.World"):
        backtest(HAND, world=lambda case: "atop:1900")
    with pytest.raises(FoederisError, match="case 'x'"):
        backtest({"cases": [_case("x", 1700, ["AUH"], ["YUG"], [])]})


# ----------------------------------------------------------------------------- shipped
def test_shipped_cases_load_and_all_19_run_fast():
    cases = load_cases()
    assert len(cases) == 19 and cases[0].case_id == "COW10"
    assert sum(len(c.joiners) for c in cases) == 60
    assert "Reiter" in cases_citation()
    backtest(cases[:1])  # compile
    t = time.perf_counter()
    r = backtest()
    assert time.perf_counter() - t < 60
    assert len(r.wars) == 19 and all(w.n_rounds >= 0 for w in r.wars)
    o = r.overall
    assert o.true == 60 and o.right + o.wrong_side + o.missed == 60
    assert o.predicted == o.right + o.wrong_side + o.false
    assert r.precision == o.right / o.predicted and r.recall == o.right / 60
    assert r.before_1945.wars + r.from_1945.wars == 19
    assert r.before_1945.right + r.from_1945.right == o.right
    assert "World War II" in r.summary()


def test_user_cases_as_json_file_dict_and_table(tmp_path):
    shipped = backtest()
    table = cases_frame()
    assert set(table["role"]) == {"initiator", "target", "joiner"}
    assert len(table) == sum(len(c.initiators) + len(c.targets) + len(c.joiners)
                             for c in load_cases())
    # as a table, as a CSV file of that table, and as a JSON file: the same record
    path = tmp_path / "cases.csv"
    table.to_csv(path, index=False)
    for cases in (table, str(path)):
        r = backtest(cases)
        assert r.to_frame().equals(shipped.to_frame())
    jpath = tmp_path / "cases.json"
    jpath.write_text(json.dumps({"cases": [_case("k", 1950, ["PRK"], ["ROK"],
                                                 [("USA", "D"), ("CHN", "A")])]}))
    r = backtest(jpath)
    assert r.wars[0].case.case_id == "k" and r.overall.true == 2
    # the list of cases alone, and WarCase objects
    assert backtest(HAND["cases"], world=_world()).to_frame().equals(
        backtest(load_cases(HAND), world=_world()).to_frame())


def test_table_onset_from_entry_dates():
    df = pd.DataFrame({"case_id": ["t"] * 3, "state": ["GMY", "POL", "UKG"],
                       "role": ["original-A", "original-D", "joiner"],
                       "side": [None, "D", "D"],
                       "entry_date": ["1939-09-01", "1939-09-01", "1939-09-03"]})
    (c,) = load_cases(df)
    assert (c.onset_year, c.onset_date, c.initiators, c.targets, c.joiners) == \
        (1939, "1939-09-01", ("GMY",), ("POL",), (("UKG", "D", "1939-09-03", 1939),))


# ----------------------------------------------------------------------------- bad cases
@pytest.mark.parametrize("change, match", [
    (lambda c: c.update(colour="red"), r"case 'w1': unknown field 'colour'"),
    (lambda c: c["joiners"][0].update(side="X"), r"case 'w1', joiners\[0\] \(DEF\), side"),
    (lambda c: c.update(initiators=[]), r"case 'w1', initiators: missing"),
    (lambda c: c.update(targets=[]), r"case 'w1', targets: missing"),
    (lambda c: c["joiners"].append({"stateabb": "AGG", "side": "A"}),
     r"case 'w1', joiners: 'AGG' is listed twice"),
    (lambda c: c["initiators"][0].update(flag=1), r"case 'w1', initiators\[0\]: unknown field"),
    (lambda c: c.update(onset_date="1900-13-01"), r"case 'w1', onset_date"),
    (lambda c: c.update(onset_date="1901-01-01"), r"not in onset_year 1900"),
    (lambda c: c.pop("onset_year"), r"case 'w1': needs onset_year or onset_date"),
    (lambda c: c["joiners"][0].pop("side"), r"case 'w1', joiners\[0\] \(DEF\), side"),
    (lambda c: c["joiners"][0].update(entry_year=1899), r"joiners \(DEF\): it enters \(1899\) "
     r"before the onset \(1900\)"),
    (lambda c: c["joiners"][0].update(entry_year=1901, entry_date="1900-05-01"),
     r"joiners\[0\] \(DEF\), entry_year: 1901 is not the year of entry_date 1900-05-01"),
])
def test_bad_cases_name_the_case_and_field(change, match):
    bad = json.loads(json.dumps(HAND))
    change(bad["cases"][0])
    with pytest.raises(CaseError, match=match):
        load_cases(bad)


def test_bad_tables_and_containers():
    good = pd.DataFrame({"case_id": ["t", "t"], "state": ["A", "B"],
                         "role": ["initiator", "target"], "onset_year": [1900, 1900]})
    assert load_cases(good)[0].targets == ("B",)
    with pytest.raises(CaseError, match="unknown column 'colour'"):
        load_cases(good.assign(colour=1))
    with pytest.raises(CaseError, match=r"case 't', state 'B', role: 'victim'"):
        load_cases(good.assign(role=["initiator", "victim"]))
    with pytest.raises(CaseError, match=r"case 't', state 'B', side: a target is on side D"):
        load_cases(good.assign(side=["A", "A"]))
    with pytest.raises(CaseError, match=r"case 't', targets: missing"):
        load_cases(good.assign(role=["initiator", "joiner"], side=["A", "A"]))
    with pytest.raises(CaseError, match="column 'role' is missing"):
        load_cases(good.drop(columns="role"))
    with pytest.raises(CaseError, match="case 'w1': case_id is repeated"):
        load_cases({"cases": HAND["cases"][:1] * 2})
    with pytest.raises(CaseError, match="unknown top-level field 'wars'"):
        load_cases({"wars": []})
    with pytest.raises(CaseError, match="there are none"):
        load_cases({"cases": []})
    with pytest.raises(CaseError, match="cases must be"):
        load_cases(42)


def test_bad_file(tmp_path):
    p = tmp_path / "c.json"
    p.write_text("{not json")
    with pytest.raises(CaseError, match="not valid JSON"):
        load_cases(p)
    with pytest.raises(CaseError, match="cannot read"):
        load_cases(tmp_path / "missing.json")


# ----------------------------------------------------------------------------- CLI
def test_cli_prints_the_table(capsys, tmp_path):
    out_csv, j_csv = tmp_path / "wars.csv", tmp_path / "joiners.csv"
    assert main(["backtest", "--rules", "ally_restraint=0", "reach=false", "--csv", str(out_csv),
                 "--joiners-csv", str(j_csv)]) == 0
    out = capsys.readouterr().out
    assert "COW139" in out and "before 1945" in out and "joiners by cause" in out
    assert "ally_restraint=0.0" in out and "reach=False" in out
    assert len(pd.read_csv(out_csv)) == 19 and "cause" in pd.read_csv(j_csv).columns


def test_cli_user_cases(capsys, tmp_path):
    p = tmp_path / "c.json"
    p.write_text(json.dumps({"cases": [_case("k", 1950, ["PRK"], ["ROK"], [("USA", "D")])]}))
    assert main(["backtest", "--cases", str(p)]) == 0
    assert "1 wars" in capsys.readouterr().out


@pytest.mark.parametrize("argv, match", [
    (["--rules", "bogus=1"], "Rules has no field 'bogus'"),
    (["--rules", "threshold"], "give NAME=VALUE"),
    (["--rules", "threshold=-1"], "Rules.threshold"),
    (["--rules", "threshold=big"], "not a number"),
    (["--cases", "/nonexistent/cases.json"], "cannot read"),
    (["--world", "atop:{decade}"], "cannot be formatted"),
])
def test_cli_bad_input_exits_2_cleanly(capsys, tmp_path, argv, match):
    assert main(["backtest", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("foederis: error:") and match in err and "Traceback" not in err


def test_exported():
    assert foederis.backtest is backtest and "backtest" in foederis.__all__
    assert foederis.BacktestResult.__name__ == "BacktestResult"
