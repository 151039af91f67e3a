"""Every ``>>>`` example in the library runs: doctest over every module of foederis and
foederis_widgets (ELLIPSIS on)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import foederis
import foederis_widgets

pytestmark = pytest.mark.timeout(900)


def _modules() -> list[str]:
    out = []
    for pkg in (foederis, foederis_widgets):
        out.append(pkg.__name__)
        out.extend(m.name for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."))
    # ``python -m`` entry points run their command line on import: not modules to test
    return sorted(m for m in out if not m.endswith(".__main__"))


MODULES = _modules()


def test_every_module_is_listed():
    assert {"foederis._cascade", "foederis._gate", "foederis.analysis.blocs",
            "foederis_widgets.model"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_examples_run(name):
    mod = importlib.import_module(name)
    res = doctest.testmod(mod, optionflags=doctest.ELLIPSIS, verbose=False, report=False)
    assert res.failed == 0, f"{name}: {res.failed} of {res.attempted} examples failed"
