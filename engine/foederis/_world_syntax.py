"""Edits as dicts and as text: the edit names, one line per edit, the compact syntax.

``EDIT_OPS`` names the edits :meth:`foederis.World.apply` replays; :func:`describe_edit`
writes one line for an edit dict; :func:`parse_edit` reads the compact form the command
line takes (``"leave:TUR:NATO"``), documented in ``EDIT_SYNTAX_HELP``.
"""

from __future__ import annotations

from typing import Any

from .errors import EditError

__all__ = ["EDIT_OPS", "EDIT_SYNTAX_HELP", "FrozenEdit", "frozen_edit", "describe_edit",
           "describe_conditions", "parse_edit"]

EDIT_OPS = (
    "without_member",
    "without_treaty",
    "with_treaty",
    "with_commitment",
    "reweight",
    "without_commitment",
    "with_capability",
    "scale_capability",
    "with_threshold",
    "with_conditions",
    "with_capability_measure",
)


class FrozenEdit(dict):
    """An edit as :attr:`World.history` records it: a dict that cannot be changed (its
    lists are tuples), so no one rewrites a world's record and a replay stays the same.
    ``dict(edit)`` gives an ordinary, changeable copy.

    >>> e = frozen_edit({"op": "with_treaty", "name": "T", "members": ["A", "B"]})
    >>> e["members"], e == {"op": "with_treaty", "name": "T", "members": ("A", "B")}
    (('A', 'B'), True)
    >>> e["name"] = "U"
    Traceback (most recent call last):
    ...
    TypeError: a recorded edit cannot be changed; copy it with dict(edit)
    """

    __slots__ = ()

    def _refuse(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("a recorded edit cannot be changed; copy it with dict(edit)")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _refuse
    __ior__ = _refuse  # type: ignore[assignment]

    def __reduce__(self) -> tuple:  # pickles (Dask, multiprocessing) as a plain dict does
        return (FrozenEdit, (dict(self),))


def _frozen_value(v: Any) -> Any:
    if isinstance(v, (list, tuple)):
        return tuple(_frozen_value(x) for x in v)
    if isinstance(v, dict):
        return frozen_edit(v)
    return v


def frozen_edit(item: dict) -> FrozenEdit:
    """A :class:`FrozenEdit` copy of an edit dict (nested lists become tuples)."""
    return item if isinstance(item, FrozenEdit) else FrozenEdit(
        {k: _frozen_value(v) for k, v in item.items()})


def describe_edit(e: dict) -> str:
    """One line for an edit dict: ``TUR leaves NATO``.

    >>> describe_edit({"op": "without_member", "code": "TUR", "treaty": "NATO"})
    'TUR leaves NATO'
    >>> describe_edit(parse_edit("guarantee:USA:TAW:0.75"))
    'USA -> TAW GUARANTEE (credibility 0.75)'
    """
    op = e.get("op")
    cond = describe_conditions(e)
    if op == "without_member":
        return f"{e['code']} leaves {e['treaty']}"
    if op == "without_treaty":
        return f"{e['name']} dissolved"
    if op == "with_treaty":
        return (f"new treaty {e['name']} ({e.get('kind', 'DEFENSE')}): "
                f"{', '.join(e['members'])}" + (f", {cond}" if cond else ""))
    if op == "with_commitment":
        return (
            f"{e['guarantor']} -> {e['protege']} {e.get('kind', 'GUARANTEE')} "
            f"(credibility {e.get('credibility', 1.0):g})" + (f", {cond}" if cond else "")
        )
    if op == "with_conditions":
        return (f"{e['guarantor']} -> {e['protege']} {e.get('kind') or 'all kinds'}: "
                f"{cond or 'unconditional'}")
    if op == "reweight":
        return f"{e['guarantor']} -> {e['protege']} credibility {e['credibility']:g}"
    if op == "without_commitment":
        return f"{e['guarantor']} -> {e['protege']} {e.get('kind') or 'all kinds'} removed"
    if op == "with_capability":
        return f"{e['code']} capability = {e['value']:g}"
    if op == "scale_capability":
        return f"{e['code']} capability x {e['factor']:g}"
    if op == "with_threshold":
        return f"{e['code']} threshold = {e['value']}"
    if op == "with_capability_measure":
        return f"capability measured by {e['name']}"
    return str(e)


def describe_conditions(e: dict) -> str:
    """The conditions an edit dict sets, in words ('' for none).

    >>> describe_conditions({"against": ["RUS"], "min_attackers": 2, "location": "protege"})
    "only against RUS, only on the protege's territory, only against 2+ attackers"
    """
    out = []
    against = e.get("against")
    if against:
        out.append("only against " + (", ".join(against) if not isinstance(against, str)
                                      else against.replace("|", ", ")))
    loc = e.get("location")
    if loc:
        out.append("only on the protege's territory" if loc == "protege" else f"only in {loc}")
    if e.get("nonprovocation"):
        out.append("only if the protege did not provoke")
    if e.get("min_attackers", 1) not in (None, 1):
        out.append(f"only against {e['min_attackers']}+ attackers")
    if e.get("adversary_unnamed"):
        out.append("only against an adversary the treaty does not name")
    return ", ".join(out)


_EDIT_SYNTAX = {
    "leave": ("without_member", ("code", "treaty"), ()),
    "drop-treaty": ("without_treaty", ("name",), ()),
    "treaty": ("with_treaty", ("name", "members", "kind"), ("credibility",)),
    "guarantee": ("with_commitment", ("guarantor", "protege"), ("credibility",)),
    "add": ("with_commitment", ("guarantor", "protege", "kind"), ("credibility",)),
    "drop": ("without_commitment", ("guarantor", "protege"), ("kind",)),
    "reweight": ("reweight", ("guarantor", "protege", "credibility"), ("kind",)),
    "capability": ("with_capability", ("code", "value"), ()),
    "scale": ("scale_capability", ("code", "factor"), ()),
    "threshold": ("with_threshold", ("code", "value"), ()),
    "against": ("with_conditions", ("guarantor", "protege", "against"), ("kind",)),
    "measure": ("with_capability_measure", ("name",), ()),
}

EDIT_SYNTAX_HELP = """\
leave:CODE:TREATY            CODE leaves TREATY           (leave:TUR:NATO)
drop-treaty:TREATY           dissolve a treaty            (drop-treaty:CSTO)
treaty:NAME:A+B+C:KIND[:C]   a new multilateral treaty    (treaty:Nordic:NOR+SWD+FIN:DEFENSE)
guarantee:G:P[:C]            G guarantees P (GUARANTEE)   (guarantee:USA:TAW:0.75)
add:G:P:KIND[:C]             add or replace a commitment  (add:CHN:RUS:DEFENSE)
drop:G:P[:KIND]              remove G -> P commitments    (drop:USA:JPN)
reweight:G:P:C[:KIND]        set credibility of G -> P    (reweight:USA:PHI:0.5)
capability:CODE:VALUE        set capability               (capability:CHN:0.3)
scale:CODE:FACTOR            multiply capability          (scale:RUS:0.5)
threshold:CODE:VALUE         a state's own join threshold (threshold:HUN:2)
against:G:P:A+B[:KIND]       G -> P holds only against A, B (against:UKG:POL:GMY)
measure:NAME                 capability = shares of NAME  (measure:milex)"""


def parse_edit(text: str) -> dict:
    """Parse a compact edit such as ``"leave:TUR:NATO"`` or ``"guarantee:USA:TAW:0.75"``
    into the edit dict :meth:`World.apply` takes. See ``EDIT_SYNTAX_HELP``.

    >>> parse_edit("leave:TUR:NATO")
    {'op': 'without_member', 'code': 'TUR', 'treaty': 'NATO'}
    >>> parse_edit("treaty:Nordic:NOR+SWD+FIN:DEFENSE")
    {'op': 'with_treaty', 'name': 'Nordic', 'members': ['NOR', 'SWD', 'FIN'], 'kind': 'DEFENSE'}
    >>> parse_edit("capability:CHN:lots")
    Traceback (most recent call last):
    ...
    foederis.errors.EditError: edit 'capability:CHN:lots': value must be a number, got 'lots'
    """
    parts = [p.strip() for p in str(text).split(":")]
    verb = parts[0].lower() if parts else ""
    if verb not in _EDIT_SYNTAX:
        raise EditError(
            f"unknown edit {shown(text)}; write one of:\n{EDIT_SYNTAX_HELP}"
        )
    op, required, optional = _EDIT_SYNTAX[verb]
    args = parts[1:]
    if not (len(required) <= len(args) <= len(required) + len(optional)):
        raise EditError(f"edit {shown(text)}: {verb} takes {':'.join(required + optional)}; see:\n"
                        f"{EDIT_SYNTAX_HELP}")
    edit: dict[str, Any] = {"op": op}
    for key, val in zip(required + optional, args):
        if key in ("members", "against"):
            edit[key] = [m for m in val.replace(",", "+").split("+") if m]
        elif key in ("credibility", "value", "factor"):
            try:
                edit[key] = float(val)
            except ValueError:
                raise EditError(f"edit {shown(text)}: {key} must be a number, got {shown(val)}") from None
        else:
            edit[key] = val
    if verb == "guarantee":
        edit["kind"] = "GUARANTEE"
    return edit


def shown(value: Any) -> str:
    """:func:`foederis._validate.shown`, imported when a message needs it (the CLI reads
    this module's syntax help without loading numpy)."""
    from ._validate import shown as _shown

    return _shown(value)
