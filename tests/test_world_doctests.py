"""Every ``>>>`` example in the World's and the generator's modules runs and holds."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "foederis.world",
    "foederis._world_columns",
    "foederis._world_build",
    "foederis._world_io",
    "foederis._world_edits",
    "foederis._world_syntax",
    "foederis._world_provenance",
    "foederis._world_conditions",
    "foederis._world_context",
    "foederis._world_queries",
    "foederis.synthetic",
    "foederis._synthetic_parts",
]


@pytest.mark.parametrize("module", MODULES)
def test_docstring_examples_run(module):
    mod = importlib.import_module(module)
    res = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert res.failed == 0 and res.attempted > 0
