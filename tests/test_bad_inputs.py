"""Every bad input a clear error (issue 11, items 3 and 5 to 9).

One table row per reproducer of the issue: the call, the FoederisError subclass it must
raise and a fragment of the message (the culprit, or what is valid). CLI rows run
``foederis`` in-process and want exit code 2, one line on stderr and no traceback.
Then Hypothesis throws random input at every loader (from_frames, from_arrays,
from_igraph, read_world on folders of random bytes, load_scenario on random JSON) and at
``foederis.kernels.check_csr``: only a FoederisError (or a World) may come out.
"""

from __future__ import annotations

import dataclasses
import json
import os
import stat
import tempfile
from functools import lru_cache

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import foederis
from foederis import (
    EditError,
    FoederisError,
    ParameterError,
    Rules,
    ScenarioError,
    UnknownStateError,
    World,
    WorldError,
    read_world,
)
from foederis.analysis import deterrence_map
from foederis.cli import main
from foederis.kernels import check_csr
from foederis.rules import MAX_ROUNDS
from foederis_widgets.scenario import check_scenario, load_scenario, save_scenario

# ------------------------------------------------------------------------------ helpers


def small() -> World:
    return World.from_arrays(["A", "B", "C"], [1.0, 2.0, 3.0], [0, 1], [1, 0], [0, 0])


@lru_cache(maxsize=1)
def contemporary() -> World:
    return foederis.load_world("contemporary")


def scenario(**changes) -> dict:
    base = {"format": "foederis-scenario", "version": 1, "world": "contemporary",
            "attacks": [["RUS", "EST"]]}
    base.update(changes)
    return base


def folder(files: dict) -> str:
    """A fresh folder holding ``files`` (name -> bytes; None makes a sub-folder)."""
    d = tempfile.mkdtemp(prefix="foederis-bad-")
    for name, content in files.items():
        path = os.path.join(d, name)
        if content is None:
            os.mkdir(path)
        else:
            with open(path, "wb") as f:
                f.write(content)
    return d


def text_file(name: str, text: str) -> str:
    d = tempfile.mkdtemp(prefix="foederis-bad-")
    path = os.path.join(d, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def a_file() -> str:
    """A regular file: a path below it names a folder that cannot exist."""
    return text_file("plain.txt", "not a folder")


def model():
    from foederis_widgets.model import ScenarioModel

    return ScenarioModel(contemporary())


STATES = pd.DataFrame({"code": ["A", "B"], "capability": [1, 2]})


def one_ensemble():
    return foederis.simulate(small(), "A:C", samples=64, seed=0)


# ------------------------------------------------------------------------------ the table
# (id, call, error class, fragment of the message)
CASES = [
    # --- 3: limits checked before any work
    ("rules-max-rounds-1e30", lambda: Rules(max_rounds=10**30), ParameterError,
     f"[0, {MAX_ROUNDS}]"),
    ("rules-max-rounds-2**63", lambda: Rules(max_rounds=2**63), ParameterError,
     "Rules.max_rounds must be an integer in"),
    ("scenario-max-rounds-1e30",
     lambda: check_scenario(scenario(rules={"max_rounds": 1e30})), ScenarioError, "max_rounds"),
    ("scenario-max-rounds-10**30",
     lambda: check_scenario(scenario(rules={"max_rounds": 10**30})), ScenarioError,
     "Rules.max_rounds"),
    # --- 5: lossless CSV folders (a failure here would be UnknownStateError)
    # --- 6: raw exceptions become FoederisErrors
    ("read-world-empty-csv", lambda: read_world(folder({"states.csv": b""})), WorldError,
     "is empty"),
    ("read-world-binary", lambda: read_world(folder({"states.csv": bytes(range(256)) * 4})),
     WorldError, "states.csv"),
    ("read-world-garbage-parquet",
     lambda: read_world(folder({"states.parquet": b"PAR1\x00garbage\x00PAR1"})), WorldError,
     "states.parquet"),
    ("read-world-latin-1",
     lambda: read_world(folder({"states.csv": "code,capability\nCÔT,1\n".encode("latin-1")})),
     WorldError, "not UTF-8"),
    ("read-world-folder-named-states.csv", lambda: read_world(folder({"states.csv": None})),
     WorldError, "is not a file"),
    ("read-world-ragged-csv",
     lambda: read_world(folder({"states.csv": b"code,capability\nA,1\nB,2,3,4\n"})),
     WorldError, "cannot be read as a CSV table"),
    ("read-world-none", lambda: read_world(None), WorldError, "got None"),
    ("to-folder-below-a-file", lambda: small().to_folder(os.path.join(a_file(), "w")),
     WorldError, "cannot write the world"),
    ("to-folder-none", lambda: small().to_folder(None), WorldError, "got None"),
    ("load-scenario-deep-nesting",
     lambda: load_scenario(text_file("deep.json", "[" * 100_000 + "]" * 100_000)),
     ScenarioError, "nested too deeply"),
    ("load-scenario-5000-digit-int",
     lambda: load_scenario(text_file("big.json", '{"seed": ' + "9" * 5000 + "}")),
     ScenarioError, "more than 4300 digits"),
    ("load-scenario-nul-in-path", lambda: load_scenario("a\0b.json"), ScenarioError, "NUL"),
    ("load-scenario-none", lambda: load_scenario(None), ScenarioError, "got None"),
    ("save-scenario-set-in-edit",
     lambda: save_scenario(scenario(edits=[{"op": "without_member", "code": {"TUR"},
                                            "treaty": "NATO"}]),
                           os.path.join(tempfile.mkdtemp(), "s.json")),
     ScenarioError, "(a set) cannot be stored"),
    ("save-scenario-nan-in-edit",
     lambda: save_scenario(scenario(edits=[{"op": "scale_capability", "code": "USA",
                                            "factor": float("nan")}]),
                           os.path.join(tempfile.mkdtemp(), "s.json")),
     ScenarioError, "not a finite number"),
    ("without-member-list", lambda: contemporary().without_member(["TUR"], "NATO"),
     UnknownStateError, "got ['TUR'] (a list)"),
    ("apply-scenario-member-list",
     lambda: model().apply_scenario(scenario(edits=[{"op": "without_member", "code": ["TUR"],
                                                     "treaty": "NATO"}])),
     ScenarioError, "got ['TUR'] (a list)"),
    ("from-frames-list", lambda: World.from_frames(STATES, [1, 2]), WorldError,
     "commitments table must be a pandas DataFrame"),
    ("from-frames-states-dict", lambda: World.from_frames({"code": ["A"]}), WorldError,
     "states table must be a pandas DataFrame"),
    ("from-igraph-none", lambda: World.from_igraph(None), WorldError, "igraph.Graph"),
    ("from-arrays-codes-none", lambda: World.from_arrays(None, [1]), WorldError, "got None"),
    ("credibility-strings",
     lambda: World.from_arrays(["A", "B"], [1, 1], [0], [1], [0], credibility=["high"]),
     WorldError, "'high' (a str) is not a real number"),
    ("rivalry-source-without-target",
     lambda: World.from_arrays(["A", "B"], [1, 1], rivalry_source=[0]), WorldError,
     "rivalry_source and rivalry_target together"),
    ("capability-10**400", lambda: World.from_arrays(["A", "B"], [10**400, 1]), WorldError,
     "401-digit integer is too large"),
    ("capability-10**400-frames",
     lambda: World.from_frames(pd.DataFrame({"code": ["A"], "capability": [10**400]})),
     WorldError, "is not a finite number"),
    ("duplicated-column",
     lambda: World.from_frames(pd.DataFrame([["A", 1, 1]],
                                            columns=["code", "capability", "capability"])),
     WorldError, "'capability' more than once"),
    ("with-treaty-members-none", lambda: small().with_treaty("T", None), EditError,
     "members must be a list of state codes, got None"),
    ("apply-all-none", lambda: small().apply_all(None), EditError, "got None"),
    ("merge-ensembles-int", lambda: foederis.merge_ensembles([5]), ParameterError,
     "takes Ensembles, got int"),
    ("merge-ensembles-one", lambda: foederis.merge_ensembles(one_ensemble()), ParameterError,
     "a list of Ensembles"),
    ("compare-int", lambda: foederis.compare(foederis.cascade(small(), "A:C"), 5),
     ParameterError, "whatif must be a foederis.Cascade"),
    ("deterrence-map-no-states",
     lambda: deterrence_map(World.from_arrays([], [])), ParameterError, "has no states"),
    ("check-csr-ragged", lambda: check_csr([[0, 1], [1]], [0]), ParameterError,
     "csr indptr must be a 1-d array"),
    ("check-csr-n-cols-2**70", lambda: check_csr([0, 1], [0], n_cols=2**70), ParameterError,
     "n_cols must be an integer in [0, 2147483648]"),
    ("rules-unknown-field", lambda: Rules(foo=1), ParameterError, "Rules has no field 'foo'"),
    ("rules-too-many-positional", lambda: Rules(*range(len(dataclasses.fields(Rules)) + 1)), ParameterError,
     "positional arguments (threshold, "),
    # --- 7: no silent coercion
    ("capability-complex", lambda: World.from_arrays(["A"], [1 + 2j]), WorldError,
     "(1+2j) (a complex) is not a real number"),
    ("capability-true", lambda: World.from_arrays(["A"], [True]), WorldError,
     "True (a bool) is not a real number"),
    ("capability-mixed-bool", lambda: World.from_arrays(["A", "B"], [0.5, True]), WorldError,
     "row 1: True (a bool)"),
    ("capability-bool-frames",
     lambda: World.from_frames(pd.DataFrame({"code": ["A"], "capability": [True]})),
     WorldError, "capability True is not a number"),
    ("codes-one-string", lambda: World.from_arrays("ABC", [1, 1, 1]), WorldError,
     "the single string 'ABC'"),
    ("treaty-id-0.5",
     lambda: World.from_arrays(["A", "B"], [1, 1], [0], [1], [0], treaty=[0.5],
                               treaty_names=["T"]),
     WorldError, "treaty row 0: 0.5 is not an integer index"),
    ("rivalry-source-0.7",
     lambda: World.from_arrays(["A", "B"], [1, 1], rivalry_source=[0.7], rivalry_target=[1]),
     WorldError, "rivalry source row 0: 0.7 is not an integer index"),
    ("nuclear-maybe", lambda: World.from_arrays(["A"], [1], nuclear=["maybe"]), WorldError,
     "'maybe' is not true or false"),
    ("nuclear-2", lambda: World.from_arrays(["A"], [1], nuclear=[2]), WorldError,
     "2 is not true or false"),
    ("code-bytes", lambda: World.from_arrays([b"A"], [1]), WorldError,
     "state code b'A' is a bytes"),
    ("code-float", lambda: World.from_arrays([1.0, 2.0], [1, 1]), WorldError,
     "state code 1.0 is a float; codes are strings"),
    ("code-20000-chars-among-100000",
     lambda: World.from_arrays([f"S{i}" for i in range(99_999)] + ["X" * 20_000],
                               np.ones(100_000)),
     WorldError, "has 20000 characters; codes have at most 64"),
    ("code-20000-chars-numpy",
     lambda: World.from_arrays(np.array(["A", "X" * 20_000]), [1, 1]), WorldError,
     "at most 64"),
    ("rules-threshold-string", lambda: Rules(threshold="0.5"), ParameterError,
     "Rules.threshold must be a number, got '0.5' (a str)"),
    ("rules-threshold-true", lambda: Rules(threshold=True), ParameterError,
     "got True (a bool)"),
    ("with-treaty-name-none", lambda: small().with_treaty(None, ["A", "B"]), EditError,
     "treaty name must be a non-empty string, got None"),
    # --- 8: invariants an edit can break
    ("scale-capability-overflow",
     lambda: contemporary().scale_capability("USA", 1e308).scale_capability("USA", 1e308),
     EditError, "overflows a float"),
    # --- 9: plain values in messages
    ("hostility-abc",
     lambda: World.from_frames(STATES, rivalries=pd.DataFrame(
         {"source": ["A"], "target": ["B"], "hostility": ["abc"]})),
     WorldError, "hostility 'abc' is not a number"),
    ("numpy-int-shown-plainly",
     lambda: World.from_arrays(["A", "B"], [1, 1], np.array([0]), np.array([np.int64(7)]), [0]),
     WorldError, "protege index 7 names no state"),
    ("numpy-str-shown-plainly", lambda: small().index(np.array(["ZZZ"])[0]),
     UnknownStateError, "unknown state 'ZZZ'"),
    ("numpy-float-shown-plainly", lambda: Rules(margin=np.float64(-2.0)), ParameterError,
     "got -2.0"),
]


@pytest.mark.parametrize("call, error, fragment", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_bad_input_raises_a_clear_foederis_error(call, error, fragment):
    with pytest.raises(error) as info:
        call()
    assert isinstance(info.value, FoederisError)
    message = str(info.value)
    assert fragment in message
    assert "np.int64(" not in message and "np.str_(" not in message
    assert "np.float64(" not in message


# ------------------------------------------------------------------------------ the CLI
def _missing_csv() -> str:
    return os.path.join(tempfile.mkdtemp(), "no-such-folder", "out.csv")


def _below_a_file_csv() -> str:
    return os.path.join(a_file(), "out.csv")


CLI_CASES = [
    ("rule-max-rounds-abc", ["whatif", "--attack", "RUS:EST", "--rule", "max_rounds=abc"],
     "max_rounds must be an integer in [0, 2147483647] or none, got 'abc'"),
    ("rule-max-rounds-inf", ["whatif", "--attack", "RUS:EST", "--rule", "max_rounds=inf"],
     "got 'inf'"),
    ("rule-max-rounds-1e30", ["whatif", "--attack", "RUS:EST", "--rule", "max_rounds=1e30"],
     "got '1e30'"),
    ("rule-max-rounds-2.7", ["whatif", "--attack", "RUS:EST", "--rule", "max_rounds=2.7"],
     "got '2.7'"),
    ("rule-max-rounds-huge-int",
     ["whatif", "--attack", "RUS:EST", "--rule", f"max_rounds={10**30}"],
     "max_rounds must be an integer in [0, 2147483647]"),
    ("rule-threshold-word", ["whatif", "--attack", "RUS:EST", "--rule", "threshold=big"],
     "'big' is not a number"),
    ("rule-reach-maybe", ["whatif", "--attack", "RUS:EST", "--rule", "reach=maybe"],
     "reach must be true or false"),
    ("rule-unknown", ["whatif", "--attack", "RUS:EST", "--rule", "foo=1"],
     "Rules has no field 'foo'"),
    ("whatif-leave-rus-nato", ["whatif", "--attack", "RUS:EST", "--edit", "leave:RUS:NATO"],
     "'RUS' is not a member of 'NATO'"),
    ("burden-csv-missing-folder", lambda: ["burden", "--csv", _missing_csv()],
     "does not exist"),
    ("burden-csv-below-a-file", lambda: ["burden", "--csv", _below_a_file_csv()],
     "does not exist"),
    ("blocs-csv-missing-folder", lambda: ["blocs", "--csv", _missing_csv()], "--csv"),
    ("entrapment-csv-missing-folder", lambda: ["entrapment", "--csv", _missing_csv()],
     "--csv"),
    ("deterrence-csv-missing-folder",
     lambda: ["deterrence", "--aggressors", "RUS", "--targets", "EST", "--csv",
              _missing_csv()], "--csv"),
    ("deterrence-csv-is-a-folder",
     lambda: ["deterrence", "--aggressors", "RUS", "--targets", "EST", "--csv",
              tempfile.mkdtemp()], "is a folder"),
    ("backtest-joiners-csv-missing-folder",
     lambda: ["backtest", "--joiners-csv", _missing_csv()], "--joiners-csv"),
]


@pytest.mark.parametrize("argv, fragment", [c[1:] for c in CLI_CASES],
                         ids=[c[0] for c in CLI_CASES])
def test_cli_bad_input_is_one_clean_line(capsys, argv, fragment):
    argv = argv() if callable(argv) else argv
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""  # refused before any work or output
    assert err.startswith("foederis: error:") and err.count("\n") == 1
    assert fragment in err and "Traceback" not in err


def test_the_widgets_refuse_max_rounds_beyond_the_kernels():
    m = model()
    m.attacks = [["RUS", "EST"]]
    m.set_rule("max_rounds", 10**30)
    assert "Rules.max_rounds must be an integer in [0, 2147483647]" in m.error


def test_max_rounds_from_the_command_line_is_not_truncated():
    from foederis.rules import parse_rule

    assert parse_rule("max_rounds=3") == ("max_rounds", 3)
    assert parse_rule("max_rounds=none") == ("max_rounds", None)


# ------------------------------------------------------------------------------ 5, 8, 9
STRANGE_CODES = ["001", "002", "1e3", "TRUE", "X", "NA", "", "1", "1.0", "nan", "None",
                 "-0", " 7", "a,b", 'q"uote', "NULL", "#N/A", "inf"]


def test_csv_folders_keep_codes_whatever_they_look_like(tmp_path):
    codes = [c for c in STRANGE_CODES if c.strip()]
    n = len(codes)
    w = World.from_arrays(codes, np.arange(1, n + 1), [0, 1, 2], [1, 2, 0], [0, 0, 0],
                          names=codes, region=["NA"] * n, rivalry_source=[3],
                          rivalry_target=[7], treaty=[0, 0, -1], treaty_names=["1e3"])
    w.to_folder(tmp_path)
    back = read_world(tmp_path)
    assert back.codes.tolist() == [c.strip() for c in codes]
    assert back.names.tolist() == w.names.tolist() and back.region.tolist() == ["NA"] * n
    assert back.treaty_names == ("1e3",)
    assert back.equals(w)


def test_issue_reproducer_round_trips(tmp_path):
    w = World.from_arrays(["001", "002", "1e3", "TRUE", "X"], [1] * 5, [0, 1], [1, 2], [0, 0])
    w.to_folder(tmp_path)
    assert read_world(tmp_path).equals(w)


def test_history_is_immutable_and_replay_unchanged():
    w = small().scale_capability("A", 2).with_treaty("T", ["A", "C"], against=["B"])
    with pytest.raises(TypeError):
        w.history[0]["code"] = "XXX"
    with pytest.raises(TypeError):
        w.history[1].update(name="U")
    with pytest.raises(AttributeError):
        w.history[1]["members"].append("B")  # a tuple
    assert small().apply_all(w.history).equals(w)
    assert dict(w.history[0]) == {"op": "scale_capability", "code": "A", "factor": 2.0}


def test_capability_stays_finite_under_edits():
    w = contemporary().scale_capability("USA", 1e308)
    assert np.isfinite(w.capability).all()
    with pytest.raises(ParameterError):
        w.with_capability("USA", float("inf"))


def test_saving_over_a_scenario_keeps_its_mode(tmp_path):
    path = tmp_path / "s.json"
    path.write_text("{}")
    os.chmod(path, 0o644)
    save_scenario(scenario(), path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644
    os.chmod(path, 0o640)
    save_scenario(scenario(), path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert json.loads(path.read_text())["world"] == "contemporary"


def test_a_new_scenario_gets_the_mode_open_would_give(tmp_path):
    mask = os.umask(0o022)
    try:
        save_scenario(scenario(), tmp_path / "new.json")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(os.stat(tmp_path / "new.json").st_mode) == 0o644


def test_numpy_values_in_an_edit_are_saved_as_plain_numbers(tmp_path):
    path = save_scenario(scenario(edits=[{"op": "scale_capability", "code": np.str_("USA"),
                                          "factor": np.int64(2)}]), tmp_path / "s.json")
    assert load_scenario(path)["edits"] == [{"op": "scale_capability", "code": "USA",
                                              "factor": 2}]


def test_shown_is_plain_and_short():
    from foederis._validate import shown

    assert shown(np.int64(2)) == "2" and shown(np.str_("RUS")) == "'RUS'"
    assert shown(np.bool_(True)) == "True" and shown((np.float64(0.5),)) == "(0.5,)"
    assert len(shown("x" * 20_000)) < 100 and "20000 characters" in shown("x" * 20_000)
    assert shown(10**5000).endswith("-digit integer")
    assert len(shown(list(range(10_000)))) <= 123


def test_dask_halves_check_parameters_on_the_client():
    from foederis.analysis.deterrence import deterrence_map_distributed
    from foederis._simulate import simulate_distributed

    pytest.importorskip("distributed")

    class Client:  # would fail loudly if anything were submitted
        def submit(self, *a, **k):
            raise AssertionError("submitted")

        gather = scatter = submit

        def nthreads(self):
            return {"w": 1}

    with pytest.raises(ParameterError, match="mode"):
        simulate_distributed(Client(), small(), "A:C", mode="all")
    with pytest.raises(UnknownStateError):
        simulate_distributed(Client(), small(), "A:Z")
    with pytest.raises(ParameterError, match="domain"):
        deterrence_map_distributed(Client(), small(), ["A"], ["C"], None, domain="land")
    with pytest.raises(UnknownStateError):
        deterrence_map_distributed(Client(), small(), ["Z"], ["C"], None)


# ------------------------------------------------------------------------------ fuzzing
FUZZ = settings(max_examples=300, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 5), st.integers(), st.floats(),
    st.text(max_size=6), st.sampled_from(["", "1", "0.5", "nan", "True", "maybe", "A", "B",
                                          "DEFENSE", "entente", "conventional|cyber"]),
    st.binary(max_size=3), st.complex_numbers(max_magnitude=10), st.just(10**400),
)
columns = st.lists(scalars, min_size=0, max_size=5)


def _outcome(call):
    """Run ``call``: a World (or any value) or a FoederisError may come out, nothing else."""
    try:
        return call()
    except FoederisError as e:
        assert str(e)  # a message, not an empty error
        return e


@FUZZ
@given(st.dictionaries(st.sampled_from(["code", "capability", "name", "nuclear", "region",
                                        "global_reach", "threshold", "gdp", "milex", "lat"]),
                       columns, min_size=1),
       st.dictionaries(st.sampled_from(["guarantor", "protege", "kind", "credibility",
                                        "treaty", "domains", "against", "min_attackers"]),
                       columns),
       st.dictionaries(st.sampled_from(["source", "target", "hostility"]), columns))
def test_fuzz_from_frames(states, commitments, rivalries):
    def frame(d):
        n = min((len(v) for v in d.values()), default=0)
        return pd.DataFrame({k: pd.Series(v[:n], dtype=object) for k, v in d.items()})

    _outcome(lambda: World.from_frames(frame(states), frame(commitments) if commitments
                                       else None, frame(rivalries) if rivalries else None))


@FUZZ
@given(st.one_of(columns, st.lists(st.sampled_from(["A", "B", "C", "D"]), max_size=4,
                                   unique=True)),
       columns, columns, columns, columns,
       st.fixed_dictionaries({}, optional={
           "credibility": columns, "treaty": columns, "domains": columns, "nuclear": columns,
           "rivalry_source": columns, "rivalry_target": columns, "hostility": columns,
           "threshold": columns, "names": columns, "merge": scalars}))
def test_fuzz_from_arrays(codes, capability, guarantor, protege, kind, extra):
    _outcome(lambda: World.from_arrays(codes, capability, guarantor, protege, kind,
                                       treaty_names=("T", "U"), **extra))


@FUZZ
@given(st.integers(0, 4), st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)),
                                   max_size=5),
       st.dictionaries(st.sampled_from(["name", "capability", "nuclear", "threshold",
                                        "region"]), scalars),
       st.dictionaries(st.sampled_from(["kind", "credibility", "treaty", "domains"]),
                       scalars),
       st.booleans())
def test_fuzz_from_igraph(n, edges, vattrs, eattrs, directed):
    import igraph as ig

    g = ig.Graph(n=n, edges=[(a, b) for a, b in edges if a < n and b < n], directed=directed)
    for k, v in vattrs.items():
        g.vs[k] = [v] * n
    for k, v in eattrs.items():
        g.es[k] = [v] * g.ecount()
    _outcome(lambda: World.from_igraph(g))


table_names = st.sampled_from(["states.csv", "commitments.csv", "rivalries.csv",
                               "contiguity.csv", "states.parquet", "world.json"])
csv_text = st.lists(st.lists(st.one_of(st.sampled_from(
    ["code", "capability", "guarantor", "protege", "kind", "nuclear", "A", "B", "1", "x",
     "", "DEFENSE", "0.5", "-1", "True", "1e400", '"']), st.text(max_size=3)),
    min_size=1, max_size=4), max_size=5).map(
        lambda rows: "\n".join(",".join(r) for r in rows).encode("utf-8", "surrogatepass"))


@FUZZ
@given(st.dictionaries(table_names, st.one_of(st.binary(max_size=64), csv_text), min_size=1))
def test_fuzz_read_world_on_random_files(files):
    with tempfile.TemporaryDirectory() as d:
        for name, content in files.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(content)
        _outcome(lambda: read_world(d))


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
              st.text(max_size=8)),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12)
SCENARIO_KEYS = ["format", "version", "world", "edits", "attacks", "domain", "rules", "mode",
                 "samples", "seed", "mc_mode", "note"]


@FUZZ
@given(st.one_of(json_values, st.dictionaries(st.sampled_from(SCENARIO_KEYS), json_values)),
       st.dictionaries(st.sampled_from(SCENARIO_KEYS + list(Rules.__dataclass_fields__)),
                       json_values, max_size=3))
def test_fuzz_load_scenario_on_random_json(doc, patch):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "s.json")
        for data in (doc, {**scenario(), **patch},
                     scenario(rules={k: v for k, v in patch.items()
                                     if k in Rules.__dataclass_fields__})):
            with open(path, "w") as f:
                json.dump(data, f)
            _outcome(lambda: load_scenario(path))


ints_and_junk = st.one_of(st.integers(-2, 6), st.integers(), st.floats(), st.booleans(),
                          st.text(max_size=2), st.none(), st.lists(st.integers(0, 3),
                                                                   max_size=2))


@FUZZ
@given(st.one_of(st.lists(ints_and_junk, max_size=5), ints_and_junk),
       st.one_of(st.lists(ints_and_junk, max_size=5), ints_and_junk),
       st.one_of(st.none(), ints_and_junk),
       st.fixed_dictionaries({}, optional={"credibility": st.lists(ints_and_junk, max_size=5),
                                           "kind": st.lists(ints_and_junk, max_size=5),
                                           "domains": st.lists(ints_and_junk, max_size=5)}))
def test_fuzz_check_csr(indptr, indices, n_cols, extra):
    out = _outcome(lambda: check_csr(indptr, indices, n_cols, **extra))
    if not isinstance(out, FoederisError):  # what passes is fit for the kernels
        assert out.indptr.dtype == np.int64 and out.indices.dtype == np.int32
        assert out.indptr[0] == 0 and out.indptr[-1] == len(out.indices)
