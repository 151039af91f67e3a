"""Small checks shared by the public API. Each raises a FoederisError naming the culprit."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .errors import ParameterError


def check_number(
    name: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    allow_inf: bool = False,
) -> float:
    """Return ``value`` as a float, or raise ParameterError naming ``name`` and the range."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be a number, got {value!r}") from None
    lo = "(" if low_open else "["
    hi = ")" if high_open else "]"
    rng = f"{lo}{'-inf' if low is None else low}, {'inf' if high is None else high}{hi}"
    if math.isnan(x) or (math.isinf(x) and not allow_inf):
        raise ParameterError(f"{name} must be a finite number in {rng}, got {value!r}")
    if low is not None and (x < low or (low_open and x == low)):
        raise ParameterError(f"{name} must be in {rng}, got {value!r}")
    if high is not None and (x > high or (high_open and x == high)):
        raise ParameterError(f"{name} must be in {rng}, got {value!r}")
    return x


def check_int(name: str, value: Any, *, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` as an int, or raise ParameterError naming ``name`` and the range."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ParameterError(f"{name} must be an integer, got {value!r}")
    v = int(value)
    if (low is not None and v < low) or (high is not None and v > high):
        rng = f"[{'-inf' if low is None else low}, {'inf' if high is None else high}]"
        raise ParameterError(f"{name} must be an integer in {rng}, got {value!r}")
    return v


def readonly(a: np.ndarray) -> np.ndarray:
    """Mark an array read-only (in place) and return it."""
    a.setflags(write=False)
    return a
