"""Small checks shared by the public API. Each raises a FoederisError naming the culprit."""

from __future__ import annotations

import math
import numbers
import os
from typing import Any

import numpy as np

from .errors import ParameterError

#: The longest text a message quotes whole; longer values are cut with their length.
SHOWN_CHARS = 60


def shown(value: Any) -> str:
    """A value as an error message quotes it: plainly (``2``, not ``np.int64(2)``; ``'RUS'``,
    not ``np.str_('RUS')``), and short (a 5000-digit integer or a 20,000-character code
    is cut, with its size). Every message that quotes a user's value uses this.

    >>> import numpy as np
    >>> shown(np.int64(2)), shown(np.str_("RUS")), shown([np.float64(0.5), "a"])
    ('2', "'RUS'", "[0.5, 'a']")
    >>> shown("x" * 100)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx... (100 characters)"
    >>> shown(10 ** 400)
    'a 401-digit integer'
    """
    if isinstance(value, np.generic):
        value = value.item()
    elif isinstance(value, np.ndarray):
        if value.size > 8:
            return f"an array of shape {value.shape} ({value.dtype})"
        value = value.tolist()
    if isinstance(value, (list, tuple)) and len(value) <= 8:
        inner = ", ".join(shown(v) for v in value)
        text = (f"[{inner}]" if isinstance(value, list)
                else f"({inner}{',' if len(value) == 1 else ''})")
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10 ** 30:
        digits = len(str(abs(value))) if value.bit_length() < 13000 else "many-thousand"
        return f"a {digits}-digit integer"
    elif isinstance(value, (str, bytes)) and len(value) > SHOWN_CHARS:
        return repr(value[:SHOWN_CHARS - 2]) + f"... ({len(value)} characters)"
    else:
        text = repr(value)
    return text if len(text) <= 2 * SHOWN_CHARS else text[:2 * SHOWN_CHARS] + "..."


def is_real(value: Any) -> bool:
    """Is ``value`` a real number (an int, a float, a numpy int or float; not a bool, a
    string or a complex)?

    >>> is_real(0.5), is_real(np.int64(2)), is_real(True), is_real("0.5"), is_real(1j)
    (True, True, False, False, False)
    """
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


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
    """Return ``value`` as a float, or raise ParameterError naming ``name`` and the range.

    Only real numbers pass (:func:`is_real`): a string ``"0.5"``, a bool, a complex or an
    integer too large for a float is refused, never converted.

    >>> check_number("Rules.threshold", "0.5")
    Traceback (most recent call last):
    ...
    foederis.errors.ParameterError: Rules.threshold must be a number, got '0.5' (a str)
    """
    lo = "(" if low_open else "["
    hi = ")" if high_open else "]"
    rng = f"{lo}{'-inf' if low is None else low}, {'inf' if high is None else high}{hi}"
    if not is_real(value):
        raise ParameterError(f"{name} must be a number, got {shown(value)} "
                             f"(a {type(value).__name__})")
    try:
        x = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ParameterError(f"{name} must be a finite number in {rng}, got "
                             f"{shown(value)}") from None
    if math.isnan(x) or (math.isinf(x) and not allow_inf):
        raise ParameterError(f"{name} must be a finite number in {rng}, got {shown(value)}")
    if low is not None and (x < low or (low_open and x == low)):
        raise ParameterError(f"{name} must be in {rng}, got {shown(value)}")
    if high is not None and (x > high or (high_open and x == high)):
        raise ParameterError(f"{name} must be in {rng}, got {shown(value)}")
    return x


def check_int(name: str, value: Any, *, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` as an int, or raise ParameterError naming ``name`` and the range."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ParameterError(f"{name} must be an integer, got {shown(value)}")
    v = int(value)
    if (low is not None and v < low) or (high is not None and v > high):
        rng = f"[{'-inf' if low is None else low}, {'inf' if high is None else high}]"
        raise ParameterError(f"{name} must be an integer in {rng}, got {shown(value)}")
    return v


def check_text(name: str, value: Any, error: type[Exception] = ParameterError) -> str:
    """A non-empty string (stripped), or ``error`` naming ``name``; None, a number or a
    list is refused (never turned into the text "None").

    >>> check_text("treaty name", " NATO ")
    'NATO'
    >>> check_text("treaty name", None)
    Traceback (most recent call last):
    ...
    foederis.errors.ParameterError: treaty name must be a non-empty string, got None
    """
    if isinstance(value, np.str_):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise error(f"{name} must be a non-empty string, got {shown(value)}")
    return value.strip()


def check_path(what: str, path: Any, error: type[Exception] = ParameterError) -> str:
    """A file or folder path as a str: a str or os.PathLike naming text without NUL
    characters; anything else (None, bytes, a number) raises ``error`` naming ``what``.

    >>> check_path("scenario path", None)
    Traceback (most recent call last):
    ...
    foederis.errors.ParameterError: scenario path must be a path (a str without NUL characters), got None
    """
    p = os.fspath(path) if isinstance(path, (str, os.PathLike)) else None
    if not isinstance(p, str) or "\0" in p or not p:
        raise error(f"{what} must be a path (a str without NUL characters), got "
                    f"{shown(path if p is None else p)}")
    return p


def check_output_path(path: Any, what: str = "output file") -> str:
    """A path a file can be written to (its folder exists and is writable, it is not a
    folder), checked before any work is done; raises ParameterError naming the path."""
    p = os.path.abspath(check_path(what, path))
    folder = os.path.dirname(p)
    if os.path.isdir(p):
        raise ParameterError(f"{what} {shown(os.fspath(path))} is a folder; give a file name")
    if not os.path.isdir(folder):
        raise ParameterError(f"{what} {shown(os.fspath(path))}: folder {shown(folder)} does "
                             "not exist")
    if not os.access(folder, os.W_OK) or (os.path.exists(p) and not os.access(p, os.W_OK)):
        raise ParameterError(f"{what} {shown(os.fspath(path))} cannot be written (no "
                             "permission)")
    return p


def write_csv(df: Any, path: Any, what: str = "--csv", **kw: Any) -> None:
    """``df.to_csv(path)``, the path checked first and an OSError (a full disk, a folder
    removed meanwhile) raised as ParameterError naming the path."""
    p = check_output_path(path, what)
    try:
        df.to_csv(p, **kw)
    except OSError as e:
        raise ParameterError(f"{what} {shown(os.fspath(path))} cannot be written: "
                             f"{e.strerror or e}") from None


def readonly(a: np.ndarray) -> np.ndarray:
    """Mark an array read-only (in place) and return it."""
    a.setflags(write=False)
    return a
