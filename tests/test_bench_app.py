"""benchmarks/bench_app.py's pure helpers: reading the terminal and the page's clock."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def bench():
    sys.path.insert(0, str(BENCH))
    try:
        import bench_app
    finally:
        sys.path.remove(str(BENCH))
    return bench_app


def test_the_address_line_is_read_with_its_token(bench):
    line = ("foederis app: the explorer is at http://127.0.0.1:8866/?token=a-B_9  (world "
            "contemporary; scenarios saved in /tmp/x; Ctrl-C to stop)")
    assert bench.address_in(line) == "http://127.0.0.1:8866/?token=a-B_9"
    assert bench.address_in("foederis app: the explorer is at http://127.0.0.1:1/ ") == \
        "http://127.0.0.1:1/"
    assert bench.address_in("[Voila] http://127.0.0.1:8866/?token=x") is None  # not ours


def test_milestones_are_seconds_from_the_command(bench):
    lines = [(0.5, "foederis app: compiling the engine, step 1 of 12: cascade"),
             (3.0, "foederis app: the explorer is at http://127.0.0.1:5/?token=t  (world)"),
             (9.0, "foederis app: the engine is compiled (8.5 s)")]
    assert bench.first_line(lines, bench.ADDRESS) == 3.0
    assert bench.first_line(lines, bench.COMPILED) == 9.0
    assert bench.first_line(lines, "no such line") is None
    # the page's clock is epoch milliseconds, 0 = not yet
    t0 = 1_000_000.0
    marks = {"progress": 1_000_004_250, "usable": 1_000_010_000, "verdict": 0}
    assert bench.page_seconds(marks, t0) == {"progress": 4.25, "usable": 10.0,
                                             "verdict": None}
    # the terminal summary hides the token and keeps foederis's and Voila's kernel lines
    lines.append((4.0, "[AppServer] Kernel started: abc"))
    lines.append((4.1, "[I 2026] 200 GET /static/x"))
    got = bench.terminal_summary(lines)
    assert got[1] == "3.0 s: foederis app: the explorer is at http://127.0.0.1:5/?token=...  " \
        "(world)" and "4.0 s: [AppServer] Kernel started: abc" in got and len(got) == 4


def test_the_table_marks_the_cold_goal_only(bench):
    fig = {"address_s": 8.0, "progress_s": 14.0, "usable_s": 31.5, "verdict_s": 31.4,
           "compiled_s": 200.0, "load_verdict": 3.0}
    rows = bench.table_rows({"cold": [fig], "warm": [dict(fig, verdict_s=9.0, compiled_s=None),
                                                     dict(fig, verdict_s=7.0, compiled_s=None)]})
    verdicts = [r for r in rows if r[1] == bench.LABELS["verdict"]]
    assert verdicts[0][:4] == ["cold", bench.LABELS["verdict"], 31.4, "<= 20 s"]
    assert verdicts[0][4].startswith("missed (1.6x the goal)")
    # warm: the median start (of two, the faster), no goal, every start listed
    assert verdicts[1][2] == 7.0 and verdicts[1][3] == "" and "7.0, 9.0 s" in verdicts[1][4]
    assert not any(r[0] == "warm" and r[1] == bench.LABELS["compiled"] for r in rows)
    assert bench.table_rows({"cold": [{"error": "boom"}]})[0][4] == "boom"
