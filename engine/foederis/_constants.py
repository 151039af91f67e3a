"""Codes shared by the World, the kernels and the loaders.

Kinds are stored as ``uint8`` codes, domains as a ``uint8`` bit set per commitment.
These values are part of the kernel calling convention (see ``foederis.kernels``):
never renumber them.
"""

from __future__ import annotations

# --- commitment kinds (uint8) ---------------------------------------------------------
DEFENSE = 0
GUARANTEE = 1
OFFENSE = 2
ENTENTE = 3
NEUTRALITY = 4
NONAGGRESSION = 5

KIND_NAMES: tuple[str, ...] = (
    "DEFENSE",
    "GUARANTEE",
    "OFFENSE",
    "ENTENTE",
    "NEUTRALITY",
    "NONAGGRESSION",
)
KIND_CODES: dict[str, int] = {name: code for code, name in enumerate(KIND_NAMES)}

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
