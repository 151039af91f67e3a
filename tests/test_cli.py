"""The command line: worlds, show, and errors as one clear line (exit code 2)."""

from __future__ import annotations

import subprocess
import sys

from foederis.cli import main


def test_worlds(capsys):
    assert main(["worlds"]) == 0
    out = capsys.readouterr().out
    assert "contemporary" in out and "atop:YEAR" in out and "1816..2018" in out


def test_show_contemporary(capsys):
    assert main(["show", "contemporary", "--citation"]) == 0
    out = capsys.readouterr().out
    assert "NATO" in out and "Capability shares" in out and "DEFENSE" in out
    assert "ATOP" in out  # the citation


def test_show_1914(capsys):
    assert main(["show", "atop:1914"]) == 0
    out = capsys.readouterr().out
    assert "GMY" in out and "RUS" in out


def test_bad_world_is_one_clear_line(capsys):
    assert main(["show", "atop:1700"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("foederis: error:") and "1700" in err and "Traceback" not in err


def test_entry_point_runs():
    r = subprocess.run(
        [sys.executable, "-m", "foederis", "worlds"], capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 0, r.stderr
    assert "contemporary" in r.stdout


def test_burden_and_blocs(capsys, tmp_path):
    import pandas as pd

    out_csv = tmp_path / "burden.csv"
    assert main(["burden", "--treaty", "NATO", "--csv", str(out_csv)]) == 0
    out = capsys.readouterr().out
    assert "Olson-Zeckhauser" in out and "USA" in out
    df = pd.read_csv(out_csv)
    assert "USA" in set(df["code"]) and len(df) >= 30
    assert main(["burden", "--treaty", "Warsaw Pact"]) == 2
    assert "unknown treaty 'Warsaw Pact'" in capsys.readouterr().err
    assert main(["blocs", "--rows", "5"]) == 0
    out = capsys.readouterr().out
    assert "leiden" in out and "CHN" in out and "USA" in out


def test_whatif_baltic_and_turkey_leaving(capsys):
    assert main(["whatif", "--attack", "RUS:EST", "--edit", "leave:TUR:NATO"]) == 0
    out = capsys.readouterr().out
    assert "round 1" in out and "D USA <- NATO" in out
    assert "=== what changed ===" in out and "TUR leaves NATO" in out
    assert "TUR   stayed out" in out
    assert "deterred" in out


def test_whatif_with_ensemble_and_rules(capsys):
    assert main(["whatif", "--attack", "CHN:TAW", "--edit", "guarantee:USA:TAW:0.75",
                 "--samples", "500", "--seed", "3", "--rule", "threshold=0.75",
                 "--rule", "reach=false"]) == 0
    out = capsys.readouterr().out
    assert "Monte Carlo (threshold, 500 samples, seed 3)" in out
    assert "USA" in out and "P(deterred)" in out


def test_whatif_errors_are_one_line(capsys):
    assert main(["whatif", "--attack", "RUS:XXX"]) == 2
    assert "unknown state 'XXX'" in capsys.readouterr().err
    assert main(["whatif", "--attack", "RUS:EST", "--edit", "leave:TUR"]) == 2
    assert "leave takes code:treaty" in capsys.readouterr().err
    assert main(["whatif", "--attack", "RUS:EST", "--rule", "treshold=1"]) == 2
    assert "treshold" in capsys.readouterr().err
