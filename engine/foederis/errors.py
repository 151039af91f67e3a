"""The error hierarchy: every error a user can cause is a :class:`FoederisError`.

Messages name the row, code or parameter at fault and say what would be valid.
"""

from __future__ import annotations


class FoederisError(Exception):
    """Base class of every error foederis raises on bad user input."""


class WorldError(FoederisError, ValueError):
    """A world (its states, commitments or rivalries) is malformed."""


class UnknownStateError(FoederisError, KeyError):
    """A state code that the world does not contain."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class UnknownTreatyError(FoederisError, KeyError):
    """A treaty name that the world does not contain."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class EditError(FoederisError, ValueError):
    """A what-if edit that cannot be applied."""


class UnknownWorldError(FoederisError, ValueError):
    """A built-in world name or year that does not exist."""


class ParameterError(FoederisError, ValueError):
    """A parameter outside its valid range."""


class AttackError(FoederisError, ValueError):
    """A malformed list of attacks."""


class ConvergenceError(FoederisError, ArithmeticError):
    """An iteration that cannot converge for the given parameters."""


class ScenarioError(FoederisError, ValueError):
    """A scenario file that is malformed, foreign, or of an unknown version."""


class Interrupted(FoederisError):
    """Long work stopped by the user (Ctrl-C or a stop flag)."""


class BudgetError(FoederisError):
    """Work refused before it starts: its estimated memory or time exceeds the budget
    (``foederis.config.memory_budget`` / ``time_budget``, or the call's own). The message
    gives the estimate and how to proceed."""
