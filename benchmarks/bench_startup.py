"""start-up: import, the first cascade (warm and cold numba cache), warmup(), `foederis worlds`.

The start-up rows of issue 12, each measured in fresh processes:

- *warm start*: ``import foederis``, ``load_world()``, the first cascade (RUS -> EST), in a
  fresh process whose numba cache was filled by one earlier run of the same case;
- *cold compile*: the same first cascade, and ``foederis.warmup()`` (then
  ``warmup(jobs=2)``) in another process, each with ``NUMBA_CACHE_DIR`` pointed at a new
  empty directory (every kernel compiles);
- ``foederis worlds`` and ``foederis --help``: the whole command, interpreter start
  included, timed from outside.

A full run writes the figures into RESULTS.md and into the README's start-up table
(between ``<!-- bench_startup begin -->`` and ``<!-- bench_startup end -->``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from typing import Any

from run import child_env, environ, goal_verdict, try_measure, write_readme_block

ATTACK = "RUS:EST"
HEAVY = ("numpy", "pandas", "scipy", "numba")
GOALS = {"warm": 1.5, "cold_cascade": 10.0, "cold_warmup": 20.0, "worlds": 0.5}


# --------------------------------------------------------------------------------------
# cases (each runs in a fresh child process)
# --------------------------------------------------------------------------------------
def case_first_cascade() -> dict[str, Any]:
    """import foederis, load the contemporary world, run its first cascade."""
    t0 = time.perf_counter()
    import foederis

    t1 = time.perf_counter()
    world = foederis.load_world()
    t2 = time.perf_counter()
    c0 = time.process_time()
    res = foederis.cascade(world, ATTACK)
    t3 = time.perf_counter()
    return {"import_s": t1 - t0, "load_s": t2 - t1, "cascade_s": t3 - t2,
            "cascade_cpu_s": time.process_time() - c0, "total_s": t3 - t0,
            "joined": len(res.joined("A")) + len(res.joined("D")),
            "load": os.getloadavg()[0]}


def case_warmup() -> dict[str, Any]:
    """foederis.warmup() (its defaults: cascade, both ensemble modes serial and parallel,
    threat exposure), in a fresh process."""
    import foederis

    c0 = time.process_time()
    t0 = time.perf_counter()
    steps = foederis.warmup()
    return {"warmup_s": time.perf_counter() - t0, "warmup_cpu_s": time.process_time() - c0,
            "steps": steps, "load": os.getloadavg()[0]}


def case_warmup_jobs() -> dict[str, Any]:
    """foederis.warmup(jobs=2): the same steps, a helper process compiling its share."""
    import foederis

    c0 = time.process_time()
    t0 = time.perf_counter()
    steps = foederis.warmup(jobs=2)
    return {"warmup_s": time.perf_counter() - t0, "warmup_cpu_s": time.process_time() - c0,
            "steps": steps, "load": os.getloadavg()[0]}


def _command(args: list[str], repeat: int) -> dict[str, Any]:
    """Best wall time of ``python -m foederis ARGS`` (whole process), and what it imported."""
    probe = ("import runpy, sys, atexit; "
             f"atexit.register(lambda: print('HEAVY', [m for m in {HEAVY!r} if m in sys.modules],"
             " file=sys.stderr)); sys.argv = ['foederis'] + sys.argv[1:]; "
             "runpy.run_module('foederis', run_name='__main__')")
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "foederis", *args], env=child_env(),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        best = min(best, time.perf_counter() - t0)
    r = subprocess.run([sys.executable, "-c", probe, *args], env=child_env(),
                       capture_output=True, text=True)
    heavy = [ln for ln in r.stderr.splitlines() if ln.startswith("HEAVY")]
    return {"seconds": best, "heavy": heavy[-1][len("HEAVY "):] if heavy else "?"}


# --------------------------------------------------------------------------------------
# the module
# --------------------------------------------------------------------------------------
def run(quick: bool) -> list[dict[str, Any]]:
    repeat = 2 if quick else 3
    fig: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="foederis-startup-") as tmp:
        cold_dir = os.path.join(tmp, "cascade-cache")
        with environ(NUMBA_CACHE_DIR=cold_dir):
            print("  first cascade, cold cache", file=sys.stderr, flush=True)
            fig["cold"] = try_measure("bench_startup:case_first_cascade")
            print("  first cascade, warm cache", file=sys.stderr, flush=True)
            fig["warm"] = [try_measure("bench_startup:case_first_cascade")
                           for _ in range(repeat)]
        if not quick:  # a cold warmup() takes tens of seconds
            with environ(NUMBA_CACHE_DIR=os.path.join(tmp, "warmup-cache")):
                print("  warmup(), cold cache", file=sys.stderr, flush=True)
                fig["cold_warmup"] = try_measure("bench_startup:case_warmup")
                fig["warm_warmup"] = try_measure("bench_startup:case_warmup")
            with environ(NUMBA_CACHE_DIR=os.path.join(tmp, "jobs-cache")):
                print("  warmup(jobs=2), cold cache", file=sys.stderr, flush=True)
                fig["cold_jobs"] = try_measure("bench_startup:case_warmup_jobs")
    print("  foederis worlds / --help", file=sys.stderr, flush=True)
    fig["worlds"] = _command(["worlds"], repeat)
    fig["help"] = _command(["--help"], repeat)
    rows = _rows(fig)
    if not quick:
        write_readme(rows)
    return [{
        "title": "Start-up and compile time",
        "note": (
            "Fresh processes on this machine. *warm start*: `import foederis`, "
            "`load_world()`, the first cascade RUS -> EST, in-process, best of "
            f"{repeat} processes after one that filled the cache (the same process's "
            "cold run). *cold*: `NUMBA_CACHE_DIR` a new empty directory. `foederis "
            "worlds` / `--help`: the whole command, interpreter start included, best of "
            f"{repeat}; *imports* lists which of {', '.join(HEAVY)} it loaded. CPU "
            "seconds are the process's own (less sensitive to a shared machine's load "
            "than wall time; the load column is the 1-minute load average on 2 cores)."),
        "columns": ["measured", "wall (s)", "CPU (s)", "goal", "verdict", "detail"],
        "rows": rows,
    }]


def _ok(f: Any) -> bool:
    return isinstance(f, dict) and "error" not in f


def _rows(fig: dict[str, Any]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    warm = [f for f in fig.get("warm", []) if _ok(f)]
    if warm:
        b = min(warm, key=lambda f: f["total_s"])
        rows.append(["warm start: import foederis, load_world(), first cascade",
                     b["total_s"], None, f"<= {GOALS['warm']} s",
                     goal_verdict(b["total_s"], GOALS["warm"]),
                     f"import {b['import_s']:.3f} s, load {b['load_s']:.3f} s, cascade "
                     f"{b['cascade_s']:.3f} s; whole process {b['process_s']:.2f} s; "
                     f"load {b['load']:.1f}"])
    c = fig.get("cold")
    if _ok(c):
        rows.append(["cold compile: first cascade on the contemporary world",
                     c["cascade_s"], c["cascade_cpu_s"], f"<= {GOALS['cold_cascade']} s",
                     goal_verdict(c["cascade_s"], GOALS["cold_cascade"]),
                     f"import {c['import_s']:.2f} s, load {c['load_s']:.2f} s; "
                     f"load {c['load']:.1f}"])
    w = fig.get("cold_warmup")
    if _ok(w):
        steps = ", ".join(f"{k} {v:.1f}" for k, v in w["steps"].items())
        ww = fig.get("warm_warmup")
        again = f"; warm cache {ww['warmup_s']:.2f} s" if _ok(ww) else ""
        rows.append(["cold compile: foederis.warmup()", w["warmup_s"], w["warmup_cpu_s"],
                     f"<= {GOALS['cold_warmup']} s",
                     goal_verdict(w["warmup_s"], GOALS["cold_warmup"]),
                     f"steps (s): {steps}{again}; load {w['load']:.1f}"])
    j = fig.get("cold_jobs")
    if _ok(j):
        rows.append(["cold compile: foederis.warmup(jobs=2)", j["warmup_s"], j["warmup_cpu_s"],
                     f"<= {GOALS['cold_warmup']} s",
                     goal_verdict(j["warmup_s"], GOALS["cold_warmup"]),
                     "a helper process compiles part of the steps (its CPU is not counted "
                     f"here); load {j['load']:.1f}"])
    for key, label in (("worlds", "`foederis worlds`"), ("help", "`foederis --help`")):
        f = fig[key]
        rows.append([label, f["seconds"], None,
                     f"< {GOALS['worlds']} s" if key == "worlds" else "imports nothing heavy",
                     goal_verdict(f["seconds"], GOALS["worlds"]) if key == "worlds"
                     else ("met" if f["heavy"] == "[]" else "missed"),
                     f"imports {f['heavy']}"])
    return rows


def write_readme(rows: list[list[Any]]) -> None:
    """Replace the README's start-up table (between the bench_startup markers)."""
    lines = ["| measured | figure | goal |", "|---|---|---|"]
    for label, wall, cpu, goal, verdict, _ in rows:
        fig = f"{wall:.2f} s" + (f" ({cpu:.1f} s CPU)" if cpu is not None else "")
        lines.append(f"| {label} | {fig} | {goal}: {verdict} |")
    write_readme_block("bench_startup", "\n".join(lines) + "\n")
