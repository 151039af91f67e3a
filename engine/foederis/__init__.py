"""foederis: a high-performance alliance graph engine.

States are nodes; alliance commitments are typed, weighted, directed edges of a sparse
matrix; numba kernels propagate commitment cascades through it. Nothing compiles at import:
call :func:`foederis.warmup` to compile ahead of first use.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version as _version

from ._constants import DOMAIN_NAMES, KIND_NAMES, SIDE_NAMES
from . import kernels
from ._config import config
from ._warmup import warmup
from .builtin import list_worlds, load_world
from .rules import Rules
from ._cascade import Cascade, cascade
from ._gate import parse_attacks, parse_domain
from ._compare import Comparison, compare
from .fidelity import BacktestResult, backtest, load_cases
from .errors import (
    AttackError,
    BudgetError,
    ConvergenceError,
    EditError,
    FoederisError,
    Interrupted,
    ParameterError,
    ScenarioError,
    UnknownStateError,
    UnknownTreatyError,
    UnknownWorldError,
    WorldError,
)
from ._simulate import MODES, Ensemble, merge_ensembles, simulate
from .synthetic import synthetic_world
from .threat import ThreatExposure, threat_exposure
from .world import World, parse_edit, read_world

try:
    __version__ = _version("foederis")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0+unknown"

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
