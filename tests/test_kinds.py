"""A kind added to the one table (``foederis._constants.KINDS``) is honoured everywhere
that reads kinds: the cascade, both ensemble modes, portfolio similarity, blocs and the
widgets (edit choices, map, "who joined").

The row is appended in a fresh interpreter, before the rest of the package is imported
(the derived names, KIND_NAMES, KIND_CODES, ..., are computed from the table at import):
a second defensive pull kind, "PACT", of weight 1 and ATOP level 3. A world that uses it
must give exactly what the same world with DEFENSE in its place gives (the ensembles:
statistically, since the kind is part of a commitment's random-draw key).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import foederis

pytestmark = pytest.mark.timeout(600)

SCRIPT = textwrap.dedent('''
    import importlib.util, sys
    spec = importlib.util.find_spec("foederis")
    path = spec.submodule_search_locations[0] + "/_constants.py"
    src = open(path).read()
    row = 'KINDS = KINDS + (Kind("PACT", "pull", "defensive", 1.0, 3, "#000000"),)\\n'
    anchor = "KIND_NAMES: tuple[str, ...] ="
    assert anchor in src
    src = src.replace(anchor, row + anchor, 1)
    import types
    mod = types.ModuleType("foederis._constants")
    mod.__file__ = path
    exec(compile(src, path, "exec"), mod.__dict__)
    sys.modules["foederis._constants"] = mod

    import numpy as np
    import foederis
    from foederis.analysis import blocs, tie_levels, portfolio_similarity

    assert foederis.KIND_NAMES[-1] == "PACT", foederis.KIND_NAMES
    assert foederis.Rules().pull_weight.shape == (7,)

    def world(kind):
        # A attacks B; C (strong) and D are bound to B by `kind`, E to C by DEFENSE
        return foederis.World.from_arrays(
            ["A", "B", "C", "D", "E"], [0.5, 0.1, 0.6, 0.1, 0.05],
            guarantor=[2, 3, 4], protege=[1, 1, 2], kind=[kind, kind, "defense"],
            credibility=[1.0, 1.0, 1.0])

    pact, defense = world("pact"), world("defense")
    assert foederis.KIND_NAMES[int(pact.kind[0])] == "PACT"

    # the cascade: C and D pulled in through PACT, E through C
    c, d = foederis.cascade(pact, "A:B"), foederis.cascade(defense, "A:B")
    assert c.joined("D") == d.joined("D") == ["B", "C", "D", "E"], c.joined("D")
    assert np.array_equal(c.side, d.side) and np.array_equal(c.round, d.round)
    assert c.balance == d.balance and c.deterred == d.deterred
    assert set(c.why["kind"]) == {"PACT", "DEFENSE"}

    # the ensembles, both modes: credibility 1 is the cascade, 0.5 is a coin per sample
    for mode in ("threshold", "any"):
        e = foederis.simulate(pact, "A:B", samples=256, seed=1, mode=mode)
        assert e.p_join_d.tolist() == [0.0, 1.0, 1.0, 1.0, 1.0], (mode, e.p_join_d)
        half = foederis.World.from_arrays(
            ["A", "B", "C"], [0.5, 0.1, 0.6], guarantor=[2], protege=[1], kind=["pact"],
            credibility=[0.5])
        e = foederis.simulate(half, "A:B", samples=4096, seed=1, mode=mode)
        assert abs(e.p_join_d[2] - 0.5) < 0.05, (mode, e.p_join_d)

    # similarity: PACT is a level-3 tie, as DEFENSE
    assert (tie_levels(pact) != tie_levels(defense)).nnz == 0
    sp, sd = portfolio_similarity(pact), portfolio_similarity(defense)
    for f in ("i", "j", "value", "shared"):
        assert np.array_equal(getattr(sp, f), getattr(sd, f), equal_nan=True), f

    # blocs: PACT is one of the default ties (a pulling kind of full weight)
    from foederis.analysis import ALLIANCE_KINDS, DEFENSE_KINDS
    assert "PACT" in DEFENSE_KINDS and "PACT" in ALLIANCE_KINDS
    bp, bd = blocs(pact), blocs(defense)
    assert np.array_equal(bp.bloc, bd.bloc), (bp.bloc, bd.bloc)
    assert np.array_equal(blocs(pact, kinds=["pact", "defense"]).bloc,
                          blocs(defense, kinds=["defense"]).bloc)

    # the widgets: the edit panel offers the kind, the map draws it as a pull, and the
    # Explorer's "who joined" rows name it
    from foederis_widgets import edits, plotting, renderers
    assert "PACT" in edits.KIND_CHOICES
    assert bool(plotting._PULLS[foederis.KIND_NAMES.index("PACT")])
    rows = {r["code"]: r for r in renderers.joined_rows(c)}
    assert any("PACT" in x for x in rows["C"]["pulled_by"]), rows["C"]
    print("ok")
''')


def test_a_kind_added_to_the_table_is_honoured():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(Path(foederis.__file__).resolve().parents[1])]
        + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    run = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                         env=env, timeout=540)
    assert run.returncode == 0, run.stderr[-4000:]
    assert run.stdout.strip().endswith("ok")
