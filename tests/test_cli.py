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
