"""Small composed controls shared by the views: a searchable state picker, an error box,
a handler guard that shows errors in the UI, and recursive closing."""

from __future__ import annotations

import functools
import html
import logging
import traceback
from typing import Any, Callable, Iterable

import ipywidgets as W
import numpy as np
from traitlets import Unicode

from foederis.errors import FoederisError

__all__ = ["StatePicker", "ErrorBox", "guard", "close_all", "esc", "tag"]

log = logging.getLogger("foederis_widgets")

#: A picker's dropdown lists at most this many states (the best matches of the search).
MAX_OPTIONS = 400


def esc(x: Any) -> str:
    return html.escape(str(x), quote=True)


def tag(widget: W.Widget, *classes: str) -> W.Widget:
    """Add CSS classes (for styling and for the browser test) and return the widget."""
    for c in classes:
        widget.add_class(c)
    return widget


class ErrorBox(W.HTML):
    """A red message line, hidden while empty."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.layout.display = "none"
        self.add_class("fx-error")

    def show(self, message: str) -> None:
        if message:
            self.value = (
                '<div style="color:#a40000;background:#fdecea;border:1px solid #f5c2c0;'
                'padding:4px 8px;border-radius:3px;white-space:pre-wrap">'
                f"{esc(message)}</div>"
            )
            self.layout.display = ""
        else:
            self.value = ""
            self.layout.display = "none"

    @property
    def text(self) -> str:
        """The message shown ('' when hidden)."""
        if not self.value:
            return ""
        return html.unescape(self.value.split(">", 1)[1].rsplit("<", 1)[0])


def guard(report: Callable[[Any], Callable[[str], None]]) -> Callable:
    """Decorate a handler method so that errors are shown, never raised into the void.

    ``report(self)`` returns the function that shows a message (empty string clears it).
    FoederisErrors are shown as they are; other exceptions are shown with their type and
    logged with a traceback.
    """

    def deco(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            show = report(self)
            try:
                return fn(self, *args, **kwargs)
            except FoederisError as e:
                show(str(e))
            except Exception as e:  # noqa: BLE001 - the UI must show it
                log.error("foederis_widgets: %s", traceback.format_exc())
                show(f"internal error ({type(e).__name__}): {e}")
            return None

        return wrapper

    return deco


def close_all(widget: Any) -> None:
    """Close a widget and every widget below it."""
    seen: set[int] = set()
    stack = [widget]
    while stack:
        w = stack.pop()
        if not isinstance(w, W.Widget) or id(w) in seen:
            continue
        seen.add(id(w))
        kids = getattr(w, "children", ()) or ()
        stack.extend(kids)
        w.close()


_LOWER: dict[int, tuple[Any, np.ndarray, np.ndarray]] = {}


def _lowered(world: Any) -> tuple[np.ndarray, np.ndarray]:
    """Lower-case codes and names of a world, shared by every picker of it (a world and its
    what-if edits share the ``codes`` array)."""
    key = id(world.codes)
    hit = _LOWER.get(key)
    if hit is None or hit[0] is not world.codes:
        hit = (world.codes, np.char.lower(np.asarray(world.codes).astype(str)),
               np.char.lower(np.asarray(world.names).astype(str)))
        if len(_LOWER) > 8:
            _LOWER.clear()
        _LOWER[key] = hit
    return hit[1], hit[2]


class StatePicker(W.HBox):
    """Pick one state by typing part of its code or name.

    A search box filters a dropdown (codes and names, case-insensitive; the best matches
    first, at most :data:`MAX_OPTIONS`); when the current choice does not match the
    search, the first match is chosen. ``value`` is the chosen state's code.
    """

    value = Unicode("")
    _quiet = False

    def __init__(self, world: Any, description: str = "", value: str | None = None,
                 *, width: str = "230px", css: str | None = None) -> None:
        self.search = W.Text(placeholder="search…", layout=W.Layout(width="80px"),
                             continuous_update=True)
        self.dropdown = W.Dropdown(description=description, layout=W.Layout(width=width),
                                   style={"description_width": "72px"} if description else {})
        super().__init__([self.dropdown, self.search])
        if css:
            self.add_class(css)
            self.search.add_class(css + "-search")
        self.set_world(world, value)
        self.dropdown.observe(self._on_dropdown, "value")
        self.search.observe(self._on_search, "value")
        self.observe(self._on_value, "value")

    # -------------------------------------------------------------- world and options
    def set_world(self, world: Any, value: str | None = None) -> None:
        self._world = world
        self._codes = np.asarray(world.codes)
        self._names = np.asarray(world.names)
        self._lc_codes, self._lc_names = _lowered(world)
        self.search.continuous_update = world.n_states <= 20000
        if value is None or value not in set(self._codes.tolist()):
            value = self.value if self.value in set(self._codes.tolist()) else \
                (str(self._codes[0]) if len(self._codes) else "")
        self.search.value = ""
        self._set_options(self._default_order(), value)
        self.value = value

    def _label(self, i: int) -> str:
        c, n = str(self._codes[i]), str(self._names[i])
        return c if n == c else f"{c} · {n}"

    def _default_order(self) -> np.ndarray:
        n = len(self._codes)
        if n <= MAX_OPTIONS:
            return np.argsort(self._lc_names, kind="stable")
        top = np.argsort(-np.asarray(self._world.capability), kind="stable")[:MAX_OPTIONS]
        return top[np.argsort(self._lc_names[top], kind="stable")]

    def _set_options(self, idx: Iterable[int], value: str) -> None:
        idx = list(idx)
        codes = [str(self._codes[i]) for i in idx]
        if value and value not in codes:
            j = self._world.index(value)
            idx = [j] + idx
        opts = [(self._label(i), str(self._codes[i])) for i in idx]
        self._quiet = True  # setting options moves the dropdown to its first option
        try:
            self.dropdown.options = opts
            self.dropdown.value = value if value else (opts[0][1] if opts else None)
        finally:
            self._quiet = False

    def matches(self, query: str) -> np.ndarray:
        """Indices of the states matching ``query``: exact code, code prefix, name prefix,
        then substring of code or name (each group by name)."""
        q = query.strip().lower()
        if not q:
            return self._default_order()
        code_eq = self._lc_codes == q
        code_pre = np.char.startswith(self._lc_codes, q)
        name_pre = np.char.startswith(self._lc_names, q)
        sub = (np.char.find(self._lc_codes, q) >= 0) | (np.char.find(self._lc_names, q) >= 0)
        rank = np.where(code_eq, 0, np.where(code_pre, 1, np.where(name_pre, 2,
                                                                    np.where(sub, 3, 9))))
        hit = np.flatnonzero(rank < 9)
        order = np.lexsort((self._lc_names[hit], rank[hit]))
        return hit[order][:MAX_OPTIONS]

    # -------------------------------------------------------------- events
    def _on_search(self, change: Any) -> None:
        idx = self.matches(change["new"])
        if not len(idx):
            self.search.add_class("fx-nomatch")
            return
        self.search.remove_class("fx-nomatch")
        codes = [str(self._codes[i]) for i in idx]
        value = self.value if self.value in codes else codes[0]
        self._set_options(idx, value)
        self.value = value

    def _on_dropdown(self, change: Any) -> None:
        if change["new"] is not None and not self._quiet:
            self.value = change["new"]

    def _on_value(self, change: Any) -> None:
        v = change["new"]
        if v and self.dropdown.value != v:
            vals = [o[1] for o in self.dropdown.options]
            if v not in vals:
                self._set_options([self._world.index(v)] + [self._world.index(x) for x in vals],
                                  v)
            else:
                self.dropdown.value = v
