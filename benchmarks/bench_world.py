"""building worlds (from frames, synthetic_world) and the cost of what-if edits.

Each case runs in a fresh process (see run.py), so its peak memory is its own.
"""

from __future__ import annotations

import gc
from typing import Any

from run import fmt, ratio, rss_mb, timed, try_measure

MEAN_DEGREE = 10.0  # commitments per state in every synthetic world here


def _states_for(commitments: int) -> int:
    return max(10, round(commitments / MEAN_DEGREE))


def buffers(world: Any) -> dict[int, int]:
    """The memory buffers a World's arrays use (cached ones included): id -> bytes."""
    import numpy as np

    values = [getattr(world, k) for k in type(world).__slots__ if k != "__dict__"]
    values += list(world.__dict__.values())
    out: dict[int, int] = {}
    for v in values:
        if not isinstance(v, (tuple, np.ndarray)) and hasattr(v, "__slots__"):
            v = tuple(getattr(v, k, None) for k in v.__slots__)  # e.g. the CSRT's arrays
        for a in v if isinstance(v, tuple) else (v,):
            if isinstance(a, np.ndarray):
                while isinstance(a.base, np.ndarray):
                    a = a.base
                out[id(a)] = a.nbytes
    return out


def _mb(buffers: dict[int, int], exclude: dict[int, int] | None = None) -> float:
    """MB of ``buffers`` not also in ``exclude`` (what a new World adds to an old one)."""
    exclude = exclude or {}
    return sum(b for k, b in buffers.items() if k not in exclude) / 2**20


# ---------------------------------------------------------------------------------------
# cases: each runs in a child process and returns a dict of figures
# ---------------------------------------------------------------------------------------
def case_from_frames(commitments: int, repeat: int = 1) -> dict[str, Any]:
    """World.from_frames on the three frames of a synthetic world."""
    from foederis import World
    from foederis.synthetic import synthetic_world

    w = synthetic_world(_states_for(commitments), MEAN_DEGREE, seed=0)
    states, pacts, levers = w.states_frame(), w.commitments_frame(), w.rivalries_frame()
    del w
    gc.collect()
    before = rss_mb()
    seconds, world = timed(lambda: World.from_frames(states, pacts, levers), repeat)
    return {
        "states": world.n_states,
        "commitments": world.n_commitments,
        "rivalries": world.n_rivalries,
        "seconds": seconds,
        "frames_rss_mb": before,
        "world_mb": _mb(buffers(world)),
    }


def case_synthetic(commitments: int, repeat: int = 1) -> dict[str, Any]:
    """synthetic_world, end to end (generation + World.from_arrays)."""
    from foederis.synthetic import synthetic_world

    before = rss_mb()
    n = _states_for(commitments)
    seconds, world = timed(lambda: synthetic_world(n, MEAN_DEGREE, seed=0), repeat)
    return {
        "states": world.n_states,
        "commitments": world.n_commitments,
        "rivalries": world.n_rivalries,
        "treaties": len(world.treaty_names),
        "seconds": seconds,
        "base_rss_mb": before,
        "world_mb": _mb(buffers(world)),
    }


def case_generator(commitments: int, repeat: int = 1) -> dict[str, Any]:
    """The generator's arrays alone, then World.from_arrays on them (timed apart)."""
    from foederis import World
    from foederis.synthetic import _synthetic_arrays

    n = _states_for(commitments)
    generate, arrays = timed(lambda: _synthetic_arrays(n, MEAN_DEGREE, seed=0), repeat)
    arrays.pop("bloc")
    build, world = timed(lambda: World.from_arrays(**arrays), repeat)
    return {"generate_s": generate, "from_arrays_s": build, "commitments": world.n_commitments}


def case_peers(commitments: int, repeat: int = 1) -> dict[str, Any]:
    """World.from_arrays against a bare scipy CSR and an igraph Graph of the same edges."""
    import numpy as np
    import scipy.sparse as sp
    from foederis import World
    from foederis.synthetic import _synthetic_arrays

    a = _synthetic_arrays(_states_for(commitments), MEAN_DEGREE, seed=0)
    a.pop("bloc")
    n, g, p, c = len(a["codes"]), a["guarantor"], a["protege"], a["credibility"]
    out: dict[str, Any] = {"commitments": int(g.size)}
    out["world_s"], _ = timed(lambda: World.from_arrays(**a), repeat)
    out["scipy_s"], _ = timed(lambda: sp.csr_array((c, (g, p)), shape=(n, n)), repeat)
    try:
        import igraph as ig
    except ImportError:
        out["igraph_s"] = None
    else:
        edges = np.column_stack([g, p])

        def build_igraph() -> Any:
            graph = ig.Graph(n=n, edges=edges, directed=True)
            graph.es["credibility"] = c
            graph.es["kind"] = a["kind"]
            return graph

        out["igraph_s"], _ = timed(build_igraph, repeat)
    return out


def case_edits(commitments: int, repeat: int = 3) -> dict[str, Any]:
    """Each what-if edit World offers, on one synthetic world (best of ``repeat``)."""
    import numpy as np
    from foederis.synthetic import synthetic_world

    w = synthetic_world(_states_for(commitments), MEAN_DEGREE, seed=0)
    t_transposed, _ = timed(lambda: w.transposed)  # cached: edits may share it
    big = int(np.argmax(w.capability))
    code = str(w.codes[big])
    protege = str(w.codes[w.indices[w.indptr[big]]])  # an existing commitment big -> protege
    member = int(np.flatnonzero(w.treaty >= 0)[0])  # a treaty and one of its members
    treaty = w.treaty_names[int(w.treaty[member])]
    giver = str(w.codes[int(np.searchsorted(w.indptr, member, side="right") - 1)])
    unbound = str(w.codes[(big + w.n_states // 2) % w.n_states])
    new_members = [str(x) for x in w.codes[:: max(1, w.n_states // 5)][:5]]
    edits = {
        "scale_capability": lambda: w.scale_capability(code, 1.5),
        "with_capability": lambda: w.with_capability(code, 0.5),
        "with_threshold": lambda: w.with_threshold(code, 0.3),
        "reweight": lambda: w.reweight(code, protege, 0.5),
        "without_commitment": lambda: w.without_commitment(code, protege),
        "with_commitment": lambda: w.with_commitment(code, unbound, "GUARANTEE"),
        "without_member": lambda: w.without_member(giver, treaty),
        "without_treaty": lambda: w.without_treaty(treaty),
        "with_treaty": lambda: w.with_treaty("NEW", new_members),
    }
    old = buffers(w)
    out: dict[str, Any] = {
        "commitments": w.n_commitments,
        "states": w.n_states,
        "transposed_s": t_transposed,
        "world_mb": _mb(old),
        "edits": {},
    }
    for name, edit in edits.items():
        if not hasattr(w, name):
            out["edits"][name] = None  # not offered by this World
            continue
        gc.collect()
        seconds, new = timed(edit, repeat)
        held = _mb(buffers(new), old)
        shares = "transposed" in new.__dict__
        t_new_transposed = None if shares else timed(lambda new=new: new.transposed)[0]
        out["edits"][name] = {
            "seconds": seconds,
            "held_mb": held,
            "shares_transposed": shares,
            "transposed_s": t_new_transposed,
        }
        del new
    return out


# ---------------------------------------------------------------------------------------
# the module's sections
# ---------------------------------------------------------------------------------------
def _get(fig: dict[str, Any], key: str) -> Any:
    return fig.get(key) if "error" not in fig else None


def _section(title: str, note: str, columns: list[str], rows: list[list[Any]]) -> dict:
    """A section; its last column ("error") is dropped when no case failed."""
    if columns[-1] == "error" and not any(row[-1] for row in rows):
        columns, rows = columns[:-1], [row[:-1] for row in rows]
    return {"title": title, "note": note, "columns": columns, "rows": rows}


def run(quick: bool) -> list[dict[str, Any]]:
    frame_sizes = [10**4, 10**5] if quick else [10**5, 10**6]
    synth_sizes = [10**4, 10**5] if quick else [10**5, 10**6, 10**7]
    peer_size = 10**5 if quick else 10**6
    edit_size = 10**5 if quick else 10**7
    sections = []

    rows = []
    for m in frame_sizes:
        print(f"  from_frames {m:,}", flush=True)
        reps = 3 if m < 10**6 else 1
        f = try_measure("bench_world:case_from_frames", commitments=m, repeat=reps)
        rows.append(
            [
                m,
                _get(f, "states"),
                _get(f, "seconds"),
                _get(f, "frames_rss_mb"),
                _get(f, "world_mb"),
                _get(f, "peak_rss_mb"),
                f.get("error", ""),
            ]
        )
    sections.append(
        _section(
            "World.from_frames",
            "The states, commitments and rivalries frames of a synthetic world (codes as "
            "strings, kinds and domains as names, treaty names), built into a World. "
            "*frames RSS*: the process before the call, frames included; *world*: what the "
            "World's arrays take. Best of 3 below 10^6 commitments.",
            [
                "commitments (requested)",
                "states",
                "time (s)",
                "frames RSS (MB)",
                "world (MB)",
                "peak RSS (MB)",
                "error",
            ],
            rows,
        )
    )

    rows = []
    for m in synth_sizes:
        print(f"  synthetic_world {m:,}", flush=True)
        reps = 3 if m < 10**6 else 1
        s = try_measure("bench_world:case_synthetic", commitments=m, repeat=reps)
        g = try_measure("bench_world:case_generator", commitments=m, repeat=reps)
        rows.append(
            [
                m,
                _get(s, "states"),
                _get(s, "commitments"),
                _get(s, "treaties"),
                _get(s, "seconds"),
                _get(g, "generate_s"),
                _get(g, "from_arrays_s"),
                _get(s, "world_mb"),
                _get(s, "peak_rss_mb"),
                s.get("error", "") or g.get("error", ""),
            ]
        )
    sections.append(
        _section(
            "synthetic_world",
            f"`synthetic_world(n_states, {MEAN_DEGREE:g}, seed=0)` with n_states = commitments "
            "/ 10, default structure. *generate* is the vectorised generator alone, "
            "*from_arrays* the World built from its arrays (both timed in a second process); "
            "*world*: what the World's arrays take; *peak RSS*: the whole process, imports and the "
            "generator's temporaries included. Best of 3 below 10^6 commitments.",
            [
                "commitments (requested)",
                "states",
                "commitments",
                "treaties",
                "time (s)",
                "generate (s)",
                "from_arrays (s)",
                "world (MB)",
                "peak RSS (MB)",
                "error",
            ],
            rows,
        )
    )

    print(f"  peers {peer_size:,}", flush=True)
    p = try_measure("bench_world:case_peers", commitments=peer_size, repeat=3)
    world_s = _get(p, "world_s")
    sections.append(
        {
            "title": "World.from_arrays against bare graph containers",
            "note": f"The same {fmt_int(_get(p, 'commitments'))} edges (with credibility) as a "
            "World (validated, sorted, CSR, treaties, rivalries, state attributes), as a "
            "bare `scipy.sparse.csr_array` (COO to CSR), and as an `igraph.Graph` with "
            "two edge attributes. Ratio: World time / peer time. Best of 3.",
            "columns": ["container", "time (s)", "World / it"],
            "rows": [
                ["World.from_arrays", world_s, 1.0 if world_s else None],
                ["scipy.sparse.csr_array", _get(p, "scipy_s"), ratio(world_s, _get(p, "scipy_s"))],
                ["igraph.Graph", _get(p, "igraph_s"), ratio(world_s, _get(p, "igraph_s"))],
            ]
            + ([["error", p["error"], None]] if "error" in p else []),
        }
    )

    print(f"  edits {edit_size:,}", flush=True)
    e = try_measure("bench_world:case_edits", commitments=edit_size, repeat=3)
    rows = []
    for name, fig in (_get(e, "edits") or {}).items():
        if fig is None:
            rows.append([name, None, None, None, None, "not offered by World"])
            continue
        rows.append(
            [
                name,
                fig["seconds"],
                fig["held_mb"],
                fig["shares_transposed"],
                fig["transposed_s"],
                "",
            ]
        )
    if "error" in e:
        rows.append(["error", None, None, None, None, e["error"]])
    sections.append(
        _section(
            "What-if edits on a large world",
            f"One edit on a synthetic world of {fmt_int(_get(e, 'states'))} states and "
            f"{fmt_int(_get(e, 'commitments'))} commitments, best of 3. *held*: memory the "
            "edited World's arrays take beyond those it shares with the original (whose "
            f"arrays, transposed CSR included, take {fmt(_get(e, 'world_mb'))} MB). An edit "
            "of the commitments drops the cached transposed CSR that cascades walk: "
            "*transposed* is the time to rebuild it on first use (on the original world: "
            f"{fmt(_get(e, 'transposed_s'))} s). Peak RSS of the process: "
            f"{fmt(_get(e, 'peak_rss_mb'))} MB.",
            ["edit", "time (s)", "held (MB)", "shares transposed", "transposed (s)", "error"],
            rows,
        )
    )
    return sections


def fmt_int(x: Any) -> str:
    return "?" if x is None else f"{int(x):,}"
