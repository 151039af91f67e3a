"""Start-up (issue 12): ``import foederis``, ``foederis worlds`` and ``foederis --help``
import nothing heavy, and the lazy package still offers every public name."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import server_env

HEAVY = ("numpy", "pandas", "scipy", "numba", "igraph", "ipywidgets", "matplotlib")

# runs the command line in a fresh interpreter, then reports what it imported
SCRIPT = """
import contextlib, io, json, sys
from foederis.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        code = main(json.loads(sys.argv[1]))
    except SystemExit as e:  # argparse's --help exits
        code = e.code
print(json.dumps({"code": code, "out": out.getvalue(),
                  "heavy": sorted(m for m in %r if m in sys.modules)}))
""" % (HEAVY,)


def _run(argv: list[str]) -> dict:
    r = subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(argv)], env=server_env(),
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("argv, expect", [
    (["worlds"], "atop:YEAR"),
    (["--help"], "worlds"),
    (["whatif", "--help"], "leave:CODE:TREATY"),
    ([], "COMMAND"),
])
def test_listing_and_help_import_nothing_heavy(argv, expect):
    got = _run(argv)
    assert got["code"] in (0, None)
    assert expect in got["out"]
    assert got["heavy"] == [], f"foederis {' '.join(argv)} imported {got['heavy']}"


def test_import_foederis_imports_nothing_heavy():
    code = ("import sys, foederis; print(sorted(m for m in %r if m in sys.modules))"
            % (HEAVY,))
    r = subprocess.run([sys.executable, "-c", code], env=server_env(), capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"


def test_every_public_name_resolves_and_is_listed():
    import foederis

    listed = dir(foederis)
    for name in foederis.__all__:
        assert name in listed
        assert getattr(foederis, name) is not None
    exec("from foederis import cascade, World, kernels, FoederisError", {})
    assert isinstance(foederis.__version__, str) and "__version__" in listed
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        foederis.no_such_name  # noqa: B018
    with pytest.raises(ImportError):
        exec("from foederis import no_such_name", {})


def test_list_worlds_matches_the_data():
    from foederis import list_worlds, load_world
    from foederis._data import FIRST_YEAR, LAST_YEAR

    names = list_worlds()
    assert names[0] == "contemporary" and names[1] == f"atop:{FIRST_YEAR}"
    assert names[-1] == f"atop:{LAST_YEAR}" and len(names) == LAST_YEAR - FIRST_YEAR + 2
    assert load_world(names[-1]).n_states > 0


# the first cascades of a session, from an empty numba cache: which kernels compile, and
# in how many variants (issue 12: one each; the embedding-only cascade_kernel not at all;
# the monotone fast path, which the contemporary world under the default rules never
# takes, not at all)
VARIANTS = """
import importlib, json, pkgutil
import foederis
from foederis import _kernels
from numba.core.registry import CPUDispatcher
w = foederis.load_world()
for _ in range(3):  # the second builds the resolved pulls, the third uses them
    foederis.cascade(w, "RUS:EST")
out = {}
for m in pkgutil.iter_modules(_kernels.__path__):
    mod = importlib.import_module(f"foederis._kernels.{m.name}")
    for name, obj in vars(mod).items():
        if isinstance(obj, CPUDispatcher) and obj.__module__ == mod.__name__ and obj.signatures:
            out[f"{m.name}.{name}"] = len(obj.signatures)
print(json.dumps(out))
"""


def test_first_cascades_compile_one_variant_of_each_kernel(tmp_path):
    r = subprocess.run([sys.executable, "-c", VARIANTS],
                       env=server_env(NUMBA_CACHE_DIR=str(tmp_path)),
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    compiled = json.loads(r.stdout.strip().splitlines()[-1])
    assert "cascade.cascade_general" in compiled and "core.cascade_core" in compiled
    assert "cascade.cascade_kernel" not in compiled  # foederis.cascade calls one kernel
    assert not any(k in compiled for k in ("cascade.cascade_kernel_pull",
                                           "cascade.cascade_fast",
                                           "cascade._cascade_monotone",
                                           "cascade._cascade_monotone_pull",
                                           "cascade.edge_pull_kernel")), compiled
    assert {k: v for k, v in compiled.items() if v > 1} == {}
    assert not any(k.startswith(("bitparallel.", "ensembles.", "sweep.", "threat."))
                   for k in compiled), compiled


# a deterrence sweep after a cascade, from an empty numba cache: the sweep's lanes pass
# read-only views of their pair and theatre on, so the kernels they share with the cascade
# (cascade_core, question_state, umbrella_scan) compile once (they compiled twice before)
SWEEP_VARIANTS = VARIANTS.replace(
    'foederis.cascade(w, "RUS:EST")',
    'foederis.cascade(w, "RUS:EST")\nfrom foederis.analysis import deterrence_map\n'
    'deterrence_map(w, aggressors=["RUS"], parallel=False)')


def test_a_sweep_after_a_cascade_compiles_one_variant_of_each_kernel(tmp_path):
    assert "deterrence_map(" in SWEEP_VARIANTS
    r = subprocess.run([sys.executable, "-c", SWEEP_VARIANTS],
                       env=server_env(NUMBA_CACHE_DIR=str(tmp_path)),
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    compiled = json.loads(r.stdout.strip().splitlines()[-1])
    assert "sweep._sweep_lane" in compiled and "core.cascade_core" in compiled
    assert {k: v for k, v in compiled.items() if v > 1} == {}


# the cascade steps of warmup(), from an empty numba cache: the general path (C:B) and the
# monotone fast path (A:B, pulls unresolved then resolved) are two kernels, so compiling the
# fast path links no general path (issue 12: cascade_kernel_pull, which holds both, is for
# embedding only)
FAST_VARIANTS = VARIANTS.replace(
    'w = foederis.load_world()',
    'from foederis._warmup import _tiny_world\nimport numpy as np\n'
    'w = _tiny_world(foederis.World, np)').replace(
    'foederis.cascade(w, "RUS:EST")',
    'foederis.cascade(w, "C:B"); foederis.cascade(w, "A:B")')


def test_the_fast_path_compiles_apart_from_the_general_path(tmp_path):
    assert "_tiny_world" in FAST_VARIANTS and '"A:B"' in FAST_VARIANTS
    r = subprocess.run([sys.executable, "-c", FAST_VARIANTS],
                       env=server_env(NUMBA_CACHE_DIR=str(tmp_path)),
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    compiled = json.loads(r.stdout.strip().splitlines()[-1])
    for k in ("cascade.cascade_general", "cascade.cascade_fast", "cascade._cascade_monotone",
              "cascade._cascade_monotone_pull", "cascade.edge_pull_kernel"):
        assert compiled.get(k) == 1, (k, compiled)
    assert not any(k in compiled for k in ("cascade.cascade_kernel_pull",
                                           "cascade.cascade_kernel")), compiled
    assert {k: v for k, v in compiled.items() if v > 1} == {}


def test_warmup_jobs_shares_the_steps_and_keeps_the_first_here():
    from foederis import _warmup
    from foederis.errors import ParameterError

    names = ["cascade", "check_csr", "cascade fast path", "simulate threshold",
             "simulate any", "threat"]
    one = _warmup._share(names, 1)
    assert one == [names]
    two = _warmup._share(names, 2)
    assert two[0][0] == "cascade" and sorted(sum(two, [])) == sorted(names)
    assert all(s == sorted(s, key=names.index) for s in two)  # each in the given order
    assert all(two) and len(_warmup._share(names[:3], 4)) == 1  # no idle helper
    # a parallel twin goes with its serial kernel (they share their compiled callees)
    par = names + ["simulate any parallel", "threat parallel"]
    assert all(("simulate any" in s) == ("simulate any parallel" in s)
               for s in _warmup._share(par, 3))
    with pytest.raises(ParameterError, match="jobs"):
        _warmup.warmup(jobs=0)


# warmup(jobs=2) from an empty cache: a helper process compiles its share into the cache,
# this process loads it; the progress goes step by step, in the order the steps run
JOBS = """
import json, os, foederis
seen = []
times = foederis.warmup(ensembles=False, parallel=False, jobs=2,
                        progress=lambda d, n, s: seen.append([d, n, s]))
print(json.dumps({"times": times, "seen": seen}))
"""


def test_warmup_with_two_jobs_runs_every_step_and_reports_each(tmp_path):
    r = subprocess.run([sys.executable, "-c", JOBS],
                       env=server_env(NUMBA_CACHE_DIR=str(tmp_path)),
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout.strip().splitlines()[-1])
    assert list(got["times"]) == ["cascade", "check_csr", "cascade fast path", "threat"]
    assert got["seen"] == [[0, 4, "cascade"], [1, 4, "check_csr"],
                           [2, 4, "cascade fast path"], [3, 4, "threat"], [4, 4, ""]]
    assert any(f.endswith(".nbi") for _, _, fs in os.walk(tmp_path) for f in fs)
