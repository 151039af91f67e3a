"""the deterrence map: every (aggressor, target) cascade in one kernel sweep.

Each case runs in a fresh process (see run.py). The peer is the obvious alternative, a
Python loop of ``foederis.cascade`` over the same pairs (each cell of the map is asserted
equal to it on the pairs the loop runs).
"""

from __future__ import annotations

import time
from typing import Any

from run import fmt, ratio, timed, try_measure

SYNTH_PAIRS = (40, 50)  # aggressors x targets sampled on the synthetic worlds: 2,000 pairs


def _loop(world: Any, pairs: list[tuple[int, int]], dm: Any) -> float:
    """Seconds per pair of a Python loop of foederis.cascade; checks every cell."""
    from foederis import cascade

    codes = world.codes
    t0 = time.perf_counter()
    results = [cascade(world, (a, t)) for a, t in pairs]
    per = (time.perf_counter() - t0) / len(pairs)
    for (a, t), c in zip(pairs, results):
        cell = dm[codes[a], codes[t]]
        assert cell["balance"] == c.balance or (c.balance != c.balance), (a, t)
        assert cell["deterred"] == c.deterred and cell["n_rounds"] == c.n_rounds, (a, t)
    return per


def _variants(world: Any, agg: Any, tgt: Any, repeat: int) -> dict[str, Any]:
    from foederis.analysis import deterrence_map

    out: dict[str, Any] = {}
    t0 = time.perf_counter()
    dm = deterrence_map(world, agg, tgt, parallel=False)  # compile or load, first call
    out["first_call_s"] = time.perf_counter() - t0
    deterrence_map(world, agg, tgt, parallel=True)  # the parallel variant too
    for name, par in (("serial", False), ("parallel", True), ("auto", None)):
        s, res = timed(lambda par=par: deterrence_map(world, agg, tgt, parallel=par), repeat)
        out[f"{name}_s"] = s
        if name == "auto":
            out["auto_parallel"] = res.parallel
    out["pairs"] = dm.n_pairs
    out["share_deterred"] = dm.share_deterred
    out["mean_war_size"] = float(dm.war_size[dm.computed].mean())
    out["_dm"] = dm
    return out


def case_contemporary(repeat: int = 5, loop_pairs: int = 2000) -> dict[str, Any]:
    """All pairs of the contemporary world: serial, parallel, auto; the Python loop on a
    seeded sample of pairs."""
    import numba
    import numpy as np
    from foederis import load_world

    w = load_world("contemporary")
    out = _variants(w, None, None, repeat)
    dm = out.pop("_dm")
    rng = np.random.default_rng(0)
    n = w.n_states
    pairs = [tuple(int(x) for x in rng.choice(n, 2, replace=False)) for _ in range(loop_pairs)]
    _loop(w, pairs[:50], dm)  # warm
    out["loop_per_pair_s"] = _loop(w, pairs, dm)
    out["loop_pairs"] = len(pairs)
    out["states"] = n
    out["commitments"] = w.n_commitments
    out["threads"] = numba.get_num_threads()
    return out


def case_synthetic(states: int, repeat: int = 3, loop_pairs: int = 200) -> dict[str, Any]:
    """A seeded grid of aggressors x targets on synthetic_world(states)."""
    import numpy as np
    from foederis.synthetic import synthetic_world

    w = synthetic_world(states, seed=0)
    rng = np.random.default_rng(1)
    ra, rt = SYNTH_PAIRS
    picks = rng.choice(states, ra + rt, replace=False)
    agg, tgt = picks[:ra].tolist(), picks[ra:].tolist()
    out = _variants(w, agg, tgt, repeat)
    dm = out.pop("_dm")
    pairs = [(a, t) for a in agg for t in tgt][:: max(1, ra * rt // loop_pairs)][:loop_pairs]
    _loop(w, pairs[:5], dm)
    out["loop_per_pair_s"] = _loop(w, pairs, dm)
    out["loop_pairs"] = len(pairs)
    out["states"] = w.n_states
    out["commitments"] = w.n_commitments
    return out


def case_ensemble(samples: int, aggressors: int = 10, repeat: int = 2) -> dict[str, Any]:
    """The Monte Carlo ensemble per pair: ``aggressors`` states x every target of the
    contemporary world; the peer is a Python loop of foederis.simulate."""
    import numpy as np
    from foederis import load_world, simulate
    from foederis.analysis import deterrence_map

    w = load_world("contemporary")
    rng = np.random.default_rng(2)
    agg = w.codes[rng.choice(w.n_states, aggressors, replace=False)].tolist()
    out: dict[str, Any] = {}
    for mode in ("threshold", "any"):
        deterrence_map(w, agg[:1], ["USA"], samples=64, mode=mode, parallel=False)
        deterrence_map(w, agg[:1], ["USA"], samples=64, mode=mode, parallel=True)
        s, dm = timed(lambda mode=mode: deterrence_map(w, agg, None, samples=samples,
                                                       mode=mode), repeat)
        pairs = [(a, t) for a in agg for t in w.codes[:: 19].tolist() if a != t][:40]
        simulate(w, pairs[0], samples=64, mode=mode)
        t0 = time.perf_counter()
        for a, t in pairs:
            e = simulate(w, (a, t), samples=samples, mode=mode)
            assert dm[a, t]["p_deterred"] == e.p_deterred
        per = (time.perf_counter() - t0) / len(pairs)
        out[mode] = {"seconds": s, "pairs": dm.n_pairs, "parallel": dm.parallel,
                     "loop_per_pair_s": per}
    out["samples"] = samples
    return out


# ---------------------------------------------------------------------------------------
# the module's sections
# ---------------------------------------------------------------------------------------
def _get(fig: dict[str, Any], key: str) -> Any:
    return fig.get(key) if "error" not in fig else None


def _rows(label: str, f: dict[str, Any]) -> list[list[Any]]:
    if "error" in f:
        return [[label, None, None, None, None, None, f["error"]]]
    pairs = f["pairs"]
    loop_total = f["loop_per_pair_s"] * pairs
    rows = []
    for name, key in (("serial", "serial_s"), ("parallel", "parallel_s"),
                      ("auto" + (" (went parallel)" if f.get("auto_parallel") else
                                 " (stayed serial)"), "auto_s"),
                      ("first call (cache load / compile)", "first_call_s")):
        s = f[key]
        rows.append([label, name, pairs, s, pairs / s, ratio(s, loop_total), ""])
    how = ("Python loop of foederis.cascade (projected from "
           f"{f['loop_pairs']:,} pairs)")
    rows.append([label, how, pairs, loop_total, 1 / f["loop_per_pair_s"], 1.0, ""])
    return rows


def run(quick: bool) -> list[dict[str, Any]]:
    sections = []
    rep = 2 if quick else 5
    print("  contemporary, all pairs", flush=True)
    c = try_measure("bench_deterrence:case_contemporary", repeat=rep,
                    loop_pairs=300 if quick else 2000)
    sizes = [10**4] if quick else [10**4, 10**5]
    synth = {}
    for n in sizes:
        print(f"  synthetic {n:,}", flush=True)
        synth[n] = try_measure("bench_deterrence:case_synthetic", states=n,
                               repeat=2 if quick else 3, loop_pairs=50 if quick else 200)
    cols = ["world", "how", "pairs", "time (s)", "pairs/s", "foederis / loop", "error"]
    rows = _rows(f"contemporary ({fmt(_get(c, 'states'))} states, "
                 f"{fmt(_get(c, 'commitments'))} commitments)", c)
    for n, f in synth.items():
        rows += _rows(f"synthetic {n:,} states ({fmt(_get(f, 'commitments'))} commitments), "
                      f"{SYNTH_PAIRS[0]} x {SYNTH_PAIRS[1]} sampled", f)
    if not any(r[-1] for r in rows):
        cols, rows = cols[:-1], [r[:-1] for r in rows]
    sections.append({
        "title": "Deterrence map: deterministic cascades per pair",
        "note": (
            "`deterrence_map(world, aggressors, targets, parallel=...)`: every cell is "
            "`foederis.cascade(world, (a, t))` (asserted equal, cell by cell, on the pairs the "
            "loop runs). Contemporary: all ordered pairs (195 x 194); synthetic worlds "
            "(`synthetic_world(n, seed=0)`): a seeded grid of 40 aggressors x 50 targets. "
            f"Best of {rep} (3 on the synthetic worlds). *serial*: one lane; *parallel*: "
            f"one lane per numba thread ({fmt(_get(c, 'threads'))} here), pairs dealt by "
            "stride; *auto*: the default, which times its first blocks serially and goes "
            "parallel only when the rest would take more than 50 ms serially. *first call*: "
            "a fresh process's first call, numba's on-disk cache loaded (or compiled when "
            "cold). The loop time is projected from its time per pair over a seeded sample "
            "of pairs. Ratio: foederis time / loop time (below 1: foederis is faster). "
            "Share deterred on the contemporary world: "
            f"{fmt(_get(c, 'share_deterred'))}; mean war size {fmt(_get(c, 'mean_war_size'))} "
            "states. Peak RSS: contemporary "
            f"{fmt(_get(c, 'peak_rss_mb'))} MB"
            + "".join(f", {n:,} states {fmt(_get(f, 'peak_rss_mb'))} MB"
                      for n, f in synth.items()) + "."
        ),
        "columns": cols,
        "rows": rows,
    })

    samples = 64 if quick else 256
    print(f"  ensembles, {samples} samples per pair", flush=True)
    e = try_measure("bench_deterrence:case_ensemble", samples=samples,
                    aggressors=3 if quick else 10, repeat=1 if quick else 2)
    rows = []
    for mode in ("threshold", "any"):
        m = _get(e, mode)
        if m is None:
            rows.append([mode, None, None, None, None, None, e.get("error", "")])
            continue
        loop_total = m["loop_per_pair_s"] * m["pairs"]
        rows.append([mode, m["pairs"], m["seconds"], m["pairs"] * samples / m["seconds"],
                     m["parallel"], ratio(m["seconds"], loop_total), ""])
    cols = ["mode", "pairs", "time (s)", "cascades/s", "parallel", "foederis / simulate loop",
            "error"]
    if not any(r[-1] for r in rows):
        cols, rows = cols[:-1], [r[:-1] for r in rows]
    sections.append({
        "title": f"Deterrence map with a Monte Carlo ensemble per pair ({samples} samples)",
        "note": (
            f"`deterrence_map(world, aggressors, None, samples={samples})` on the contemporary "
            "world, a seeded set of aggressors against every target; each pair's ensemble is "
            "the one `foederis.simulate(world, (a, t), samples, seed)` computes (asserted on "
            "40 pairs: the same P(deterred)). The peer: a Python loop of `simulate` per pair "
            "(projected from those 40). Ratio: foederis time / loop time."
        ),
        "columns": cols,
        "rows": rows,
    })
    return sections
