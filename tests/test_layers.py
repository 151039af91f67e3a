"""The package's layering (issue 8): no import circles, no private name taken across
modules, no source file over 600 lines (tools/check_layers.py), and no top-level name that
is both a module and a function."""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import types
from pathlib import Path

import pytest

import foederis

ROOT = Path(__file__).resolve().parent.parent


def _check() -> list[str]:
    spec = importlib.util.spec_from_file_location("check_layers",
                                                  ROOT / "tools" / "check_layers.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.check()


def test_layers_are_clean():
    problems = _check()
    assert problems == [], "\n".join(problems)


def test_no_import_circle():
    assert [p for p in _check() if p.startswith("import circle")] == []


def test_no_top_level_name_is_both_a_module_and_something_else():
    # import every submodule: `import foederis.x` binds foederis.x to the module, so a
    # function of that name would be shadowed (or shadow it)
    subs = {m.name.rpartition(".")[2]
            for m in pkgutil.iter_modules(foederis.__path__) if m.name != "__main__"}
    for name in sorted(subs):
        importlib.import_module(f"foederis.{name}")
    for name in foederis.__all__:
        obj = getattr(foederis, name)
        if isinstance(obj, types.ModuleType):
            assert name == "kernels", f"foederis.{name} is a module in __all__"
        else:
            assert name not in subs, f"foederis.{name} is both a module and a {type(obj)}"
    for name in subs:
        assert isinstance(getattr(foederis, name), types.ModuleType), name
