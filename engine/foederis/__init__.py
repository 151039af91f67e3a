"""foederis: a high-performance alliance graph engine.

States are nodes; alliance commitments are typed, weighted, directed edges of a sparse
matrix; numba kernels propagate commitment cascades through it. Nothing compiles at import:
call :func:`foederis.warmup` to compile ahead of first use.

Nothing heavy is imported at import either: each public name is loaded from its module on
first use (PEP 562 ``__getattr__``), so ``import foederis`` costs milliseconds and a script
pays for pandas, scipy and numba only when it touches what needs them. ``foederis.X`` and
``from foederis import X`` work for every name in ``__all__``, and ``dir(foederis)`` lists
them.
"""

from __future__ import annotations

import importlib
from typing import Any

#: the module (below this package) that defines each public name
_WHERE: dict[str, str] = {
    name: module
    for module, names in {
        "_constants": ("DOMAIN_NAMES", "KIND_NAMES", "SIDE_NAMES"),
        "_config": ("config",),
        "_warmup": ("warmup",),
        "builtin": ("list_worlds", "load_world"),
        "rules": ("Rules",),
        "_cascade": ("Cascade", "cascade"),
        "_gate": ("parse_attacks", "parse_domain"),
        "_compare": ("Comparison", "compare"),
        "fidelity": ("BacktestResult", "backtest", "load_cases"),
        "errors": (
            "AttackError", "BudgetError", "ConvergenceError", "EditError", "FoederisError",
            "Interrupted", "ParameterError", "ScenarioError", "UnknownStateError",
            "UnknownTreatyError", "UnknownWorldError", "WorldError",
        ),
        "_simulate": ("MODES", "Ensemble", "merge_ensembles", "simulate"),
        "synthetic": ("synthetic_world",),
        "threat": ("ThreatExposure", "threat_exposure"),
        "world": ("World", "parse_edit", "read_world"),
    }.items()
    for name in names
}

__all__ = [
    "Rules",
    "cascade",
    "parse_attacks",
    "parse_domain",
    "Cascade",
    "simulate",
    "Ensemble",
    "merge_ensembles",
    "MODES",
    "threat_exposure",
    "ThreatExposure",
    "compare",
    "backtest",
    "BacktestResult",
    "load_cases",
    "Comparison",
    "warmup",
    "kernels",
    "World",
    "read_world",
    "parse_edit",
    "synthetic_world",
    "load_world",
    "list_worlds",
    "KIND_NAMES",
    "DOMAIN_NAMES",
    "SIDE_NAMES",
    "FoederisError",
    "WorldError",
    "UnknownStateError",
    "UnknownTreatyError",
    "UnknownWorldError",
    "EditError",
    "ParameterError",
    "AttackError",
    "ConvergenceError",
    "ScenarioError",
    "Interrupted",
    "BudgetError",
    "config",
]


def __getattr__(name: str) -> Any:
    """Load a public name from its module on first use, and keep it (PEP 562)."""
    if name == "kernels":  # the embedding facade is a module
        value: Any = importlib.import_module(f"{__name__}.kernels")
    elif name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("foederis")
        except PackageNotFoundError:  # running from a source tree without installing
            value = "0+unknown"
    elif name in _WHERE:
        value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | {"__version__"})
