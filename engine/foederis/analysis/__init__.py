"""Analyses of an alliance world: deterrence maps, entrapment, burden sharing, blocs and
polarity, portfolio similarity, structural balance, and the stability of alliance systems.

Each function validates its input, computes (numba kernels where it pays), and returns a
frozen result with ``to_frame()`` (and ``plot()`` where a picture helps). Nothing compiles
at import; :func:`foederis._kernels.structure.warmup` compiles the kernels ahead of use.
"""

from __future__ import annotations

from .balance import StructuralBalance, signed_graph, structural_balance
from .blocs import ALLIANCE_KINDS, DEFENSE_KINDS, Blocs, Polarity, blocs, polarity
from .burden import BurdenSharing, burden_sharing
from .deterrence import DeterrenceMap, deterrence_map
from .entrapment import Entrapment, entrapment
from .similarity import TIE_LEVEL, PortfolioSimilarity, portfolio_similarity, tie_levels
from .stability import (
    MAX_EXHAUSTIVE,
    MAX_LOCAL,
    Landscape,
    Vulnerability,
    landscape,
    propensity,
    vulnerability,
    war_stable,
)

__all__ = [
    "ALLIANCE_KINDS",
    "DEFENSE_KINDS",
    "MAX_EXHAUSTIVE",
    "MAX_LOCAL",
    "TIE_LEVEL",
    "Blocs",
    "BurdenSharing",
    "DeterrenceMap",
    "Entrapment",
    "Landscape",
    "Polarity",
    "PortfolioSimilarity",
    "StructuralBalance",
    "Vulnerability",
    "blocs",
    "burden_sharing",
    "deterrence_map",
    "entrapment",
    "landscape",
    "polarity",
    "portfolio_similarity",
    "propensity",
    "signed_graph",
    "structural_balance",
    "tie_levels",
    "vulnerability",
    "war_stable",
]
