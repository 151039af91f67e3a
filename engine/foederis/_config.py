"""Budgets for long work: ``foederis.config``, and the checks that refuse work above them.

Big questions are estimated before they run. Memory comes from the sizes (the arrays a
call would allocate); time comes from timing the call's own first blocks (a few
milliseconds of the real work, see :func:`foederis._blocks.run_blocks`), then projecting
to the whole. Above the budget the call raises :class:`foederis.BudgetError`, whose
message gives the estimate and how to proceed, before the bulk of the work (and before
any large allocation).

Examples
--------
>>> import foederis
>>> foederis.config.memory_budget > 0
True
>>> old = foederis.config.time_budget
>>> foederis.config.time_budget = 30
>>> foederis.config.time_budget
30.0
>>> foederis.config.time_budget = old
"""

from __future__ import annotations

import os
from typing import Any

from ._validate import check_number
from .errors import BudgetError

__all__ = ["Config", "config", "physical_memory", "check_memory", "check_time",
           "resolve_budget", "FROM_CONFIG", "fmt_bytes", "fmt_seconds", "MEMORY_SHARE",
           "TIME_BUDGET"]

#: Share of the machine's physical memory that one call may allocate by default.
MEMORY_SHARE = 0.5
#: Default time budget in seconds (an interactive session's patience; None: unlimited).
TIME_BUDGET = 600.0


def physical_memory() -> int:
    """This machine's physical memory in bytes (psutil when installed, else
    ``os.sysconf``; 8 GiB when neither can tell)."""
    try:
        import psutil

        return int(psutil.virtual_memory().total)
    except ImportError:
        pass
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, OSError, ValueError):  # pragma: no cover - not POSIX
        return 8 << 30


class Config:
    """Process-wide settings of foederis: ``foederis.config``.

    Attributes
    ----------
    memory_budget : int or None
        Bytes one call may allocate for its outputs and workspaces (None: unlimited).
        Default: ``MEMORY_SHARE`` (half) of this machine's physical memory.
    time_budget : float or None
        Seconds one call may be estimated to run (None: unlimited). Default 600.

    Calls that take ``memory_budget=`` / ``time_budget=`` use these when not given.
    """

    def __init__(self) -> None:
        self._memory: int | None = int(MEMORY_SHARE * physical_memory())
        self._time: float | None = TIME_BUDGET

    @property
    def memory_budget(self) -> int | None:
        return self._memory

    @memory_budget.setter
    def memory_budget(self, value: Any) -> None:
        self._memory = _memory_value("foederis.config.memory_budget", value)

    @property
    def time_budget(self) -> float | None:
        return self._time

    @time_budget.setter
    def time_budget(self, value: Any) -> None:
        self._time = _time_value("foederis.config.time_budget", value)

    def __repr__(self) -> str:
        mem = "None" if self._memory is None else fmt_bytes(self._memory)
        tim = "None" if self._time is None else fmt_seconds(self._time)
        return f"<foederis.config memory_budget={mem} time_budget={tim}>"


def _memory_value(name: str, value: Any) -> int | None:
    if value is None:
        return None
    return int(check_number(name, value, low=0, low_open=True))


def _time_value(name: str, value: Any) -> float | None:
    if value is None:
        return None
    return check_number(name, value, low=0, low_open=True)


config = Config()

#: The default of every ``memory_budget=`` / ``time_budget=`` parameter: read
#: ``foederis.config`` when the call starts.
FROM_CONFIG = "config"


def resolve_budget(memory_budget: Any = FROM_CONFIG, time_budget: Any = FROM_CONFIG
                   ) -> tuple[int | None, float | None]:
    """A call's (memory, time) budget: its own arguments where given (None: unlimited),
    else (``"config"``) ``foederis.config``'s."""
    mem = config.memory_budget if _is_config(memory_budget) else _memory_value(
        "memory_budget", memory_budget)
    tim = config.time_budget if _is_config(time_budget) else _time_value(
        "time_budget", time_budget)
    return mem, tim


def _is_config(value: Any) -> bool:
    return isinstance(value, str) and value == FROM_CONFIG


def fmt_bytes(n: float) -> str:
    """Bytes in binary units: ``fmt_bytes(3 << 30)`` -> '3.0 GiB'."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError  # pragma: no cover


def fmt_seconds(s: float) -> str:
    """Seconds as the largest sensible unit: ``fmt_seconds(7200)`` -> '2.0 h'."""
    for unit, size in (("days", 86400), ("h", 3600), ("min", 60)):
        if s >= 2 * size if unit == "days" else s >= size:
            return f"{s / size:.1f} {unit}"
    return f"{s:.2g} s"


def check_memory(what: str, nbytes: int, budget: int | None, how: str) -> None:
    """Raise BudgetError when ``what`` would allocate more than ``budget`` bytes; ``how``
    says how to proceed."""
    if budget is not None and nbytes > budget:
        raise BudgetError(
            f"{what} would allocate about {fmt_bytes(nbytes)}, over the memory budget of "
            f"{fmt_bytes(budget)} (memory_budget=, or foederis.config.memory_budget); {how}"
        )


def check_time(what: str, seconds: float, budget: float | None, how: str) -> None:
    """Raise BudgetError when ``what`` is estimated to take more than ``budget`` seconds."""
    if budget is not None and seconds > budget:
        raise BudgetError(
            f"{what} is estimated to take about {fmt_seconds(seconds)} on this machine, "
            f"over the time budget of {fmt_seconds(budget)} (time_budget=, or "
            f"foederis.config.time_budget; None: unlimited); {how}"
        )
