"""storage: bytes per commitment of a World, of building it, and of a cascade + ensemble.

The memory rows of issue 12, on the synthetic graph of ``bench_cascade`` (10^6 states,
about 10^7 commitments; ``--quick``: 10^5 states), each mode in its own fresh process:

- *scipy CSR*: peak RSS above the process's while ``scipy.sparse.csr_array`` builds the
  same edges with their credibility (COO to CSR): the yardstick;
- *from_arrays*: peak RSS above the process's while ``World.from_arrays`` builds the World
  from the same arrays (int32 endpoints, per-edge credibility, kinds, thresholds);
  *stored*: what the World's arrays take once built (state columns included);
- *cascade + ensemble*: peak RSS above the process's while one cascade and one 256-sample
  ensemble run on the fresh World (the transposed CSR they build on first use, the
  cascade's and the ensemble's workspaces included); *stored after*: the World's arrays
  then (the transposed CSR included).

Kernels are compiled (or loaded from the cache) on a small world first, so compilation is
not counted. The children run with ``MALLOC_MMAP_THRESHOLD_=131072``, so that a buffer
freed in one phase is not silently reused by the next. Peaks are VmHWM after a reset through /proc/self/clear_refs (Linux), in
bytes per commitment. Goals: from_arrays <= 2x the scipy CSR; cascade + ensemble <= 1x.
With ``FOEDERIS_BENCH_BASELINE=<an engine/ folder>`` the same cases also run on that
engine (e.g. a checkout of the commit before) and the table shows both.
"""

from __future__ import annotations

import gc
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from run import environ, try_measure

GOAL_BUILD = 2.0  # peak of World.from_arrays <= 2x the scipy CSR of the same edges
GOAL_RUN = 1.0  # one cascade + a 256-sample ensemble: extra peak <= 1x the scipy CSR
SAMPLES = 256
MB = 2**20


def _stored_bytes(world: Any) -> int:
    """Bytes of the distinct buffers a World's arrays use (cached views included)."""
    from bench_world import buffers

    return sum(buffers(world).values())


def case_storage(path: str, n: int, target: int, attacker: int, mode: str,
                 engine: str | None = None) -> dict[str, Any]:
    """scipy CSR, World.from_arrays, then one cascade + a SAMPLES-sample ensemble."""
    if engine:  # the baseline engine instead of this checkout's
        sys.path.insert(0, engine)
    import scipy.sparse as sp
    from bench_cascade import _hwm_mb, _phase, load_graph, make_graph
    from run import rss_mb

    from foederis import World, cascade, simulate

    def world_of(n: int, a: dict[str, np.ndarray]) -> Any:
        codes = np.char.add("S", np.arange(n).astype("U8"))
        return World.from_arrays(codes, np.ones(n), a["g"], a["p"],
                                 np.zeros(a["g"].size, np.uint8),
                                 credibility=a["cred"][a["g"]], threshold=a["threshold"])

    small = world_of(2000, make_graph(2000))  # compile (or load) every kernel used below
    at = [(str(small.codes[-1]), str(small.codes[0]))]
    cascade(small, at)
    for parallel in (False, True):
        simulate(small, at, samples=128, seed=1, mode=mode, parallel=parallel)
    del small
    a = load_graph(path)
    m = int(a["g"].size)
    codes = np.char.add("S", np.arange(n).astype("U8"))
    cap, kind, cred = np.ones(n), np.zeros(m, np.uint8), a["cred"][a["g"]]
    out: dict[str, Any] = {"commitments": m, "states": n, "mode": mode}
    with _phase(out, "scipy"):
        s = sp.csr_array((cred, (a["g"], a["p"])), shape=(n, n))
        del s
    with _phase(out, "build"):
        world = World.from_arrays(codes, cap, a["g"], a["p"], kind, credibility=cred,
                                  threshold=a["threshold"])
    out["stored_mb"] = _stored_bytes(world) / MB
    attacks = [(str(world.codes[attacker]), str(world.codes[target]))]
    del a, cred, kind
    got: dict[str, Any] = {}
    steps = (("transposed", lambda: world.transposed),
             ("cascade", lambda: cascade(world, attacks)),
             ("ensemble", lambda: simulate(world, attacks, samples=SAMPLES, seed=7, mode=mode)))
    gc.collect()
    base = rss_mb()
    out["run_mb"] = 0.0
    for name, step in steps:  # each phase on its own, and their peak above the start
        with _phase(out, name):
            got[name] = step()
        out["run_mb"] = max(out["run_mb"], _hwm_mb() - base)
    res, ens = got["cascade"], got["ensemble"]
    out["stored_after_mb"] = _stored_bytes(world) / MB
    out["cascade_d"] = int((np.asarray(res.side) == 2).sum())
    out["ensemble_mean_d"] = float(np.sum(ens.p_join_d))
    return out


def _per_commitment(fig: dict[str, Any], key: str) -> float | None:
    if "error" in fig or fig.get(key) is None:
        return None
    return fig[key] * MB / fig["commitments"]


def _verdict(value: float | None, yardstick: float | None, goal: float) -> str:
    if value is None or not yardstick:
        return "not measured"
    r = value / yardstick
    return f"{r:.2f}x: met" if r <= goal else f"{r:.2f}x: missed ({r / goal:.1f}x the goal)"


def run(quick: bool) -> list[dict[str, Any]]:
    from bench_cascade import prepare_graph

    n = 10**5 if quick else 10**6
    engines = [("this checkout", None)]
    if os.environ.get("FOEDERIS_BENCH_BASELINE"):
        engines.insert(0, ("baseline", os.environ["FOEDERIS_BENCH_BASELINE"]))
    rows = []
    # buffers over 128 KiB are mapped and unmapped (glibc's default threshold grows with
    # use, after which freed buffers stay resident and later phases reuse them unseen)
    with tempfile.TemporaryDirectory(prefix="foederis-storage-") as tmp, \
            environ(MALLOC_MMAP_THRESHOLD_="131072"):
        print(f"  graph {n:,}", flush=True)
        g = prepare_graph(n, Path(tmp) / "graph")
        for mode in ("any", "threshold"):
            for label, engine in engines:
                print(f"  {label}, mode {mode}", flush=True)
                f = try_measure("bench_storage:case_storage", path=g["path"], n=n,
                                target=g["target"], attacker=g["attacker"], mode=mode,
                                engine=engine)
                scipy_b = _per_commitment(f, "scipy_mb")
                build_b = _per_commitment(f, "build_mb")
                run_b = _per_commitment(f, "run_mb")
                rows.append([label, mode, scipy_b, build_b, _per_commitment(f, "stored_mb"),
                             _verdict(build_b, scipy_b, GOAL_BUILD), run_b,
                             *(_per_commitment(f, k + "_mb")
                               for k in ("transposed", "cascade", "ensemble")),
                             _per_commitment(f, "stored_after_mb"),
                             _verdict(run_b, scipy_b, GOAL_RUN), f.get("error", "")])
    m = g["m"]
    baseline = ""
    if len(engines) > 1:
        import subprocess

        got = subprocess.run(["git", "-C", engines[0][1], "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True)
        baseline = (f" The *baseline* rows ran the engine of commit {got.stdout.strip()} "
                    if got.returncode == 0 else " The *baseline* rows ran the engine in "
                    f"{engines[0][1]} ") + "(FOEDERIS_BENCH_BASELINE)."
    columns = ["engine", "ensemble mode", "scipy CSR", "from_arrays peak", "stored",
               f"from_arrays / scipy (goal <= {GOAL_BUILD:g}x)", "cascade + ensemble peak",
               "of which: transposed CSR", "cascade", "ensemble", "stored after", f"cascade + ensemble / scipy (goal <= {GOAL_RUN:g}x)", "error"]
    if not any(r[-1] for r in rows):
        columns, rows = columns[:-1], [r[:-1] for r in rows]
    return [{
        "title": "Bytes per commitment",
        "note": (f"The graph of bench_cascade with {n:,} states and {m:,} commitments; every "
                 "figure in bytes per commitment (state columns included, at 10 "
                 "commitments per state). *scipy CSR*, *from_arrays peak*, *cascade + "
                 f"ensemble peak* (one cascade and one {SAMPLES}-sample ensemble of the mode "
                 "named, on the fresh World): peak RSS above the process's before each "
                 "phase; *of which*: the peak of each of its three steps above the RSS "
                 "before that step (the transposed CSR built on first use, the cascade, the "
                 "ensemble); *stored* / *stored after*: the World's arrays before / after the "
                 "runs (then with the transposed CSR). Each row in its own fresh process."
                 + baseline),
        "columns": columns,
        "rows": rows,
    }]
