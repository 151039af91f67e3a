"""The analysis subcommands run in-process: foederis deterrence, foederis entrapment."""

from __future__ import annotations

import pandas as pd
from foederis.cli import main


def test_deterrence_all_pairs(capsys, tmp_path):
    out_csv = tmp_path / "map.csv"
    assert main(["deterrence", "--csv", str(out_csv), "--top", "5"]) == 0
    out = capsys.readouterr().out
    assert "195 aggressors x 195 targets, 37,830 pairs" in out
    assert "deterred:" in out and "pairs/s" in out
    assert "the 5 least deterred pairs (lowest balance)" in out
    df = pd.read_csv(out_csv)
    assert len(df) == 37_830
    assert list(df.columns) == ["aggressor", "target", "balance", "deterred", "umbrella",
                                "war_size", "n_rounds", "capability_a", "capability_d"]
    assert not (df["aggressor"] == df["target"]).any()
    row = df[(df.aggressor == "RUS") & (df.target == "EST")].iloc[0]
    assert bool(row["deterred"])
    lines = out.splitlines()
    head = next(i for i, s in enumerate(lines) if s.lstrip().startswith("aggressor"))
    assert len(lines[head + 1:head + 6]) == 5
    assert f"wrote {out_csv}" in out


def test_deterrence_selection_and_samples(capsys, tmp_path):
    assert main(["deterrence", "--aggressors", "RUS,CHN", "--targets", "EST,TAW,UKR"]) == 0
    out = capsys.readouterr().out
    assert "2 aggressors x 3 targets, 6 pairs" in out
    assert "CHN" in out and "TAW" in out
    out_csv = tmp_path / "mc.csv"
    assert main(["deterrence", "--aggressors", "RUS", "--targets", "EST,LAT,TAW",
                 "--samples", "64", "--seed", "3", "--mode", "any", "--csv", str(out_csv)]) == 0
    out = capsys.readouterr().out
    assert "Monte Carlo (any, 64 samples per pair, seed 3)" in out
    assert "p_deterred" in out and "lowest P(deterred)" in out
    df = pd.read_csv(out_csv)
    assert len(df) == 3 and {"p_deterred", "mean_war_size"} <= set(df.columns)


def test_deterrence_errors_are_one_line(capsys):
    assert main(["deterrence", "--aggressors", "RUS,XXX"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("foederis: error: aggressors:") and "'XXX'" in err
    assert "Traceback" not in err
    assert main(["deterrence", "--aggressors", "RUS", "--targets", "RUS"]) == 2
    assert "no pair" in capsys.readouterr().err
    assert main(["deterrence", "--samples", "0", "--aggressors", "RUS"]) == 2
    assert "samples" in capsys.readouterr().err
    assert main(["deterrence", "--world", "atop:1700"]) == 2
    assert "1700" in capsys.readouterr().err


def test_entrapment(capsys, tmp_path):
    out_csv = tmp_path / "entrapment.csv"
    assert main(["entrapment", "--rows", "10", "--csv", str(out_csv)]) == 0
    out = capsys.readouterr().out
    assert "<Entrapment hostility: 52 wars" in out and "USA" in out  # 42 + 10 rivalries (issue 9)
    df = pd.read_csv(out_csv)
    assert len(df) == 195 and df["rank"].tolist() == list(range(1, 196))
    assert df["entrapment"].is_monotonic_decreasing
    assert {"side_a", "side_d", "protege", "kind", "treaty", "pulled_share"} <= set(df.columns)
    assert main(["entrapment", "--weights", "uniform", "--rows", "5"]) == 0
    assert "<Entrapment uniform: 37,830 wars" in capsys.readouterr().out


def test_entrapment_without_rivalries(capsys, monkeypatch):
    # built-in historical worlds carry rivalries since issue 9: strip them to test the message
    import foederis.builtin as builtin
    from foederis import World

    w = builtin.load_world("atop:1914")
    bare = World.from_frames(w.states_frame(), w.commitments_frame(), None, merge="max",
                             name=w.name)
    monkeypatch.setattr(builtin, "load_world", lambda name: bare)
    assert main(["entrapment", "--world", "atop:1914"]) == 2
    err = capsys.readouterr().err
    assert "no rivalries" in err and "weights='uniform'" in err and "Traceback" not in err
    assert main(["entrapment", "--world", "atop:1914", "--weights", "uniform",
                 "--rows", "5"]) == 0
    out = capsys.readouterr().out
    assert "uniform" in out and "rank" in out


def test_every_cascade_subcommand_takes_the_rules(capsys):
    # deterrence and entrapment read --rule / --rules as whatif and backtest do: here
    # conditions off brings Germany to Austria-Hungary's side against Italy in 1880 (the
    # Dual Alliance is against Russia only)
    args = ["deterrence", "--world", "atop:1880", "--aggressors", "ITA", "--targets", "AUH"]
    assert main(args) == 0
    on = capsys.readouterr().out
    assert main(args + ["--rules", "conditions=false", "rival_weight=0"]) == 0
    off = capsys.readouterr().out
    size = lambda out: int(out.strip().splitlines()[-1].split()[-2])  # noqa: E731
    assert size(off) > size(on)
    assert main(["entrapment", "--world", "atop:1880", "--rule", "min_side_share=2"]) == 2
    assert "min_side_share" in capsys.readouterr().err
    assert main(["backtest", "--rules", "rival_weight=0", "--rule", "rival_weight=0.5"]) == 0
    assert "rival_weight=0.5" in capsys.readouterr().out  # the last one wins
