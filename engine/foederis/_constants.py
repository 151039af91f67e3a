"""Codes shared by the World, the kernels and the loaders.

Kinds are stored as ``uint8`` codes, domains as a ``uint8`` bit set per commitment.
These values are part of the kernel calling convention (see ``foederis.kernels``):
never renumber them.
"""

from __future__ import annotations

from typing import NamedTuple

# --- commitment kinds (uint8): the one table -----------------------------------------
class Kind(NamedTuple):
    """One commitment kind: everything the engine knows about it, in one row.

    ``effect``: ``"pull"`` (draws the guarantor to its protege's side) or ``"restraint"``
    (holds it back from the side opposed to its protege). ``trigger`` (pulling kinds):
    ``"defensive"`` (falls due when the protege is attacked: toward an initiator it counts
    ``Rules.defend_initiators``) or ``"always"`` (whenever the protege is at war, and a
    state pulled through it toward an initiator becomes one); ``"none"`` for restraints.
    ``weight``: the name of the :class:`foederis.Rules` field that weighs it, or a number
    (a fixed weight). ``ordinal``: the level of the tie in portfolio similarity (the
    ordinal coding of EUGene and the ATOP-based S scores: defence and offence 3,
    neutrality and non-aggression 2, consultation/entente 1, none 0). ``colour``: how the widgets draw it.
    """

    name: str
    effect: str
    trigger: str
    weight: str | float
    ordinal: int
    colour: str


#: The commitment kinds, in code order (the code is the row's position; never renumber:
#: codes are part of the kernel calling convention and of the shipped data). Adding a kind
#: is a row here, a branch in the kernels only if it brings a new ``trigger``, and its line
#: in the reference (tests/naive.py).
KINDS: tuple[Kind, ...] = (
    Kind("DEFENSE", "pull", "defensive", 1.0, 3, "#1f77b4"),
    Kind("GUARANTEE", "pull", "defensive", 1.0, 3, "#17becf"),
    Kind("OFFENSE", "pull", "always", 1.0, 3, "#d62728"),
    Kind("ENTENTE", "pull", "defensive", "entente_weight", 1, "#9467bd"),
    Kind("NEUTRALITY", "restraint", "none", "neutrality_weight", 2, "#7f7f7f"),
    Kind("NONAGGRESSION", "restraint", "none", "nonaggression_weight", 2, "#bcbd22"),
)

KIND_NAMES: tuple[str, ...] = tuple(k.name for k in KINDS)
KIND_CODES: dict[str, int] = {name: code for code, name in enumerate(KIND_NAMES)}
N_KINDS = len(KINDS)
#: codes of the kinds that pull, and of those that restrain
PULL_KINDS: tuple[int, ...] = tuple(c for c, k in enumerate(KINDS) if k.effect == "pull")
RESTRAINT_KINDS: tuple[int, ...] = tuple(c for c, k in enumerate(KINDS)
                                         if k.effect == "restraint")
#: codes of the pulling kinds that fall due only when the protege is attacked
DEFENSIVE_KINDS: tuple[int, ...] = tuple(c for c, k in enumerate(KINDS)
                                         if k.trigger == "defensive")

DEFENSE, GUARANTEE, OFFENSE, ENTENTE, NEUTRALITY, NONAGGRESSION = (
    KIND_CODES[n] for n in ("DEFENSE", "GUARANTEE", "OFFENSE", "ENTENTE", "NEUTRALITY",
                            "NONAGGRESSION"))

# --- domains (bits of a uint8) ----------------------------------------------------------
CONVENTIONAL = 1
NUCLEAR = 2
CYBER = 4
SPACE = 8
ECONOMIC = 16

DOMAIN_NAMES: tuple[str, ...] = ("conventional", "nuclear", "cyber", "space", "economic")
DOMAIN_BITS: dict[str, int] = {name: 1 << i for i, name in enumerate(DOMAIN_NAMES)}
ALL_DOMAINS = 31
DEFAULT_DOMAINS = CONVENTIONAL

# --- sides ------------------------------------------------------------------------------
NEUTRAL = 0
SIDE_A = 1
SIDE_D = 2
SIDE_NAMES: tuple[str, ...] = ("neutral", "A", "D")
