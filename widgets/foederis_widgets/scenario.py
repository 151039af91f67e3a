"""Scenario files: the what-if state of an Explorer as versioned JSON, written atomically.

A scenario is a plain dict::

    {"format": "foederis-scenario", "version": 1,
     "world": "contemporary",
     "edits": [{"op": "without_member", "code": "TUR", "treaty": "NATO"}],
     "attacks": [["RUS", "EST"]], "domain": "conventional",
     "rules": {"threshold": 0.5, ...},
     "mode": "deterministic", "samples": 1000, "seed": 0, "mc_mode": "threshold"}

:func:`save_scenario` writes it to a temporary file in the target folder and moves it in
place with :func:`os.replace`, so a crash or a full disk never leaves a half-written file
where a good one was. :func:`load_scenario` checks every field and raises
:class:`foederis.errors.ScenarioError` naming what is wrong (not JSON, not a scenario, a
newer version, a malformed field).

The ``rules`` fields are those of :class:`foederis.Rules` itself (:data:`DEFAULT_RULES` is
derived from the dataclass): a field the file lacks, as in a file written before that
field existed, loads with its default; a field Rules does not have is refused.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import re
import tempfile
import typing
from typing import Any

from foederis import MODES, Rules
from foederis.errors import ScenarioError

__all__ = [
    "FORMAT",
    "VERSION",
    "RULE_FIELDS",
    "DEFAULT_RULES",
    "RUN_MODES",
    "MC_MODES",
    "rule_type",
    "rule_choices",
    "save_scenario",
    "load_scenario",
    "check_scenario",
    "dumps_scenario",
    "scenario_file",
    "NAME_CHARS",
]

FORMAT = "foederis-scenario"
VERSION = 1

#: The fields of :class:`foederis.Rules` a scenario stores, with their defaults: derived from
#: the dataclass itself, so a field added to Rules is shown, set and saved with no edit here.
DEFAULT_RULES: dict[str, Any] = {
    f.name: f.default if f.default is not dataclasses.MISSING else f.default_factory()
    for f in dataclasses.fields(Rules)
}
RULE_FIELDS = tuple(DEFAULT_RULES)
#: How the Explorer runs a scenario: the deterministic cascade or a Monte Carlo ensemble.
RUN_MODES = ("deterministic", "monte carlo")
#: The Monte Carlo rules: the engine's own constant (``foederis.simulate(mode=...)``).
MC_MODES = MODES


def rule_type(name: str) -> str:
    """The kind of value rule ``name`` takes, from its annotation in :class:`foederis.Rules`:
    ``"bool"``, ``"optional int"`` (an int or None, e.g. ``max_rounds``), ``"int"``,
    ``"float"``, ``"choice"`` (a ``Literal``: one of :func:`rule_choices`), or ``"other"``
    (stored as given; :class:`~foederis.Rules` validates it).

    >>> rule_type("threshold"), rule_type("reach"), rule_type("max_rounds")
    ('float', 'bool', 'optional int')
    """
    hint = _RULE_HINTS[name]
    args = set(typing.get_args(hint))
    if hint is bool:
        return "bool"
    if args == {int, type(None)}:
        return "optional int"
    if hint is int:
        return "int"
    if hint is float:
        return "float"
    if typing.get_origin(hint) is typing.Literal:
        return "choice"
    return "other"


def rule_choices(name: str) -> tuple:
    """The values a ``"choice"`` rule (annotated ``Literal[...]`` in Rules) may take."""
    return typing.get_args(_RULE_HINTS[name])


_RULE_HINTS = typing.get_type_hints(Rules)


def _fail(where: str, msg: str) -> ScenarioError:
    return ScenarioError(f"{where}: {msg}")


def check_scenario(data: Any, where: str = "scenario") -> dict:
    """Validate a scenario dict and return a normalised copy (defaults filled in).

    Raises ScenarioError naming the field at fault and what would be valid.
    """
    if not isinstance(data, dict):
        raise _fail(where, f"is not a foederis scenario (a JSON object was expected, found "
                           f"{type(data).__name__})")
    if data.get("format") != FORMAT:
        raise _fail(where, f"is not a foederis scenario (its 'format' field is "
                           f"{data.get('format')!r}, expected {FORMAT!r})")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _fail(where, f"has no valid 'version' (found {version!r}; expected {VERSION})")
    if version > VERSION:
        raise _fail(where, f"was written by a newer foederis (scenario version {version}); "
                           f"this one reads version {VERSION}: upgrade foederis")
    out: dict[str, Any] = {"format": FORMAT, "version": VERSION}

    world = data.get("world")
    if not isinstance(world, str) or not world.strip():
        raise _fail(where, f"'world' must be a world name such as 'contemporary', got {world!r}")
    out["world"] = world.strip()

    edits = data.get("edits", [])
    if not isinstance(edits, list) or not all(isinstance(e, dict) and isinstance(e.get("op"), str)
                                              for e in edits):
        raise _fail(where, "'edits' must be a list of edit objects, each with an 'op' field "
                           "(e.g. {\"op\": \"without_member\", \"code\": \"TUR\", "
                           "\"treaty\": \"NATO\"})")
    out["edits"] = [dict(e) for e in edits]

    attacks = data.get("attacks")
    if (not isinstance(attacks, list) or not attacks or not all(
            isinstance(a, (list, tuple)) and len(a) == 2 and all(isinstance(x, str) for x in a)
            for a in attacks)):
        raise _fail(where, f"'attacks' must be a non-empty list of [aggressor, target] code "
                           f"pairs, got {attacks!r}")
    out["attacks"] = [[str(a), str(t)] for a, t in attacks]

    domain = data.get("domain", "conventional")
    if not isinstance(domain, str):
        raise _fail(where, f"'domain' must be a string, got {domain!r}")
    out["domain"] = domain

    rules = data.get("rules", {})
    if not isinstance(rules, dict):
        raise _fail(where, f"'rules' must be an object of rule fields, got {rules!r}")
    unknown = sorted(set(rules) - set(RULE_FIELDS))
    if unknown:
        raise _fail(where, f"unknown rule field {unknown[0]!r}; valid fields are "
                           f"{', '.join(RULE_FIELDS)}")
    r = dict(DEFAULT_RULES)  # a field the file lacks (an older scenario) keeps its default
    for k, v in rules.items():
        kind = rule_type(k)
        if kind == "bool":
            if not isinstance(v, bool):
                raise _fail(where, f"rule {k!r} must be true or false, got {v!r}")
        elif kind in ("optional int", "int"):
            if (v is None and kind == "int") or (v is not None and (
                    not isinstance(v, int) or isinstance(v, bool) or v < 0)):
                what = "null or an integer >= 0" if kind == "optional int" else \
                    "an integer >= 0"
                raise _fail(where, f"rule {k!r} must be {what}, got {v!r}")
        elif kind == "choice":
            if v not in rule_choices(k):
                raise _fail(where, f"rule {k!r} must be one of "
                                   f"{', '.join(map(repr, rule_choices(k)))}, got {v!r}")
        elif kind == "float":
            if (not isinstance(v, (int, float)) or isinstance(v, bool)
                    or (isinstance(v, float) and math.isnan(v))):
                raise _fail(where, f"rule {k!r} must be a number, got {v!r}")
            v = float(v)
        r[k] = v
    out["rules"] = r

    mode = data.get("mode", "deterministic")
    if mode not in RUN_MODES:
        raise _fail(where, f"'mode' must be one of {', '.join(RUN_MODES)}, got {mode!r}")
    out["mode"] = mode
    mc_mode = data.get("mc_mode", "threshold")
    if mc_mode not in MC_MODES:
        raise _fail(where, f"'mc_mode' must be one of {', '.join(MC_MODES)}, got {mc_mode!r}")
    out["mc_mode"] = mc_mode
    for k, default, low in (("samples", 1000, 1), ("seed", 0, 0)):
        v = data.get(k, default)
        if not isinstance(v, int) or isinstance(v, bool) or v < low:
            raise _fail(where, f"{k!r} must be an integer >= {low}, got {v!r}")
        out[k] = v
    note = data.get("note", "")
    out["note"] = note if isinstance(note, str) else str(note)
    return out


def dumps_scenario(data: dict) -> str:
    """The scenario as JSON text (validated first)."""
    return json.dumps(check_scenario(data), indent=2, allow_nan=False) + "\n"


def save_scenario(data: dict, path: str | os.PathLike) -> str:
    """Write a scenario to ``path`` atomically (temporary file + ``os.replace``).

    Returns the absolute path written. Raises ScenarioError for an invalid scenario or a
    path that cannot be written; an existing file is left untouched on any failure.
    """
    try:
        text = dumps_scenario(data)
    except ValueError as e:
        if isinstance(e, ScenarioError):
            raise
        raise ScenarioError(f"scenario cannot be written as JSON: {e}") from None
    path = os.path.abspath(os.fspath(path))
    folder = os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        raise ScenarioError(f"cannot save scenario to {path!r}: folder {folder!r} does not exist")
    if os.path.isdir(path):
        raise ScenarioError(f"cannot save scenario to {path!r}: it is a folder; give a file "
                            "name such as scenario.json")
    fd = -1
    tmp = ""
    try:
        fd, tmp = tempfile.mkstemp(prefix=".scenario-", suffix=".json.tmp", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            fd = -1
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        tmp = ""
    except OSError as e:
        raise ScenarioError(f"cannot save scenario to {path!r}: {e.strerror or e}") from None
    finally:
        if fd >= 0:
            os.close(fd)
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
    return path


#: The characters a scenario name may use in a confined folder (:func:`scenario_file`).
NAME_CHARS = "letters, digits, space, '-', '_' and '.'"
_NAME = re.compile(r"[A-Za-z0-9 _.\-]{1,100}")


def scenario_file(folder: str | os.PathLike, name: str) -> str:
    """The file of scenario ``name`` in ``folder``, refusing any name that would leave it.

    What the app uses: its scenarios stay in the ``--dir`` it was started with. A name is
    1 to 100 of :data:`NAME_CHARS`, not starting with '.', with no path separator and no
    ``..``; ``.json`` is added when missing. Raises ScenarioError naming the name and what
    is valid.

    >>> import os
    >>> os.path.basename(scenario_file("/tmp", "baltic 2"))
    'baltic 2.json'
    >>> scenario_file("/tmp", "../x")
    Traceback (most recent call last):
    ...
    foederis.errors.ScenarioError: scenario name '../x' is not allowed: use a plain name of ...
    """
    n = name.strip() if isinstance(name, str) else name
    if (not isinstance(n, str) or not _NAME.fullmatch(n) or n.startswith(".")
            or ".." in n):
        raise ScenarioError(
            f"scenario name {name!r} is not allowed: use a plain name of {NAME_CHARS} (1 to "
            "100 characters, no '/', no '..', not starting with '.'), e.g. 'baltic'; it is "
            "saved as NAME.json in the app's folder")
    if not n.lower().endswith(".json"):
        n += ".json"
    base = os.path.realpath(os.fspath(folder))
    path = os.path.join(base, n)
    if os.path.dirname(os.path.realpath(path)) != base:  # a link in the folder leading out
        raise ScenarioError(f"scenario {n!r} in {base!r} is a link to a file outside the "
                            "app's folder: choose another name")
    return path


def load_scenario(path: str | os.PathLike) -> dict:
    """Read and validate a scenario file; raises ScenarioError with a clear message."""
    p = os.fspath(path)
    try:
        with open(p, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        raise ScenarioError(f"no scenario file {p!r}") from None
    except IsADirectoryError:
        raise ScenarioError(f"{p!r} is a folder, not a scenario file") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"{p!r} is not a foederis scenario (not UTF-8 text)") from None
    except OSError as e:
        raise ScenarioError(f"cannot read {p!r}: {e.strerror or e}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ScenarioError(f"{p!r} is not a foederis scenario: invalid JSON at line {e.lineno}, "
                            f"column {e.colno} ({e.msg})") from None
    return check_scenario(data, where=repr(p))
