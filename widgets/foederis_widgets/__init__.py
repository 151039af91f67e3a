"""foederis_widgets: the Jupyter front end of foederis (ipywidgets).

- :class:`Explorer`: the what-if explorer (attack, rules, edits, map, verdict, comparison).
- :class:`DeterrenceMapView`: aggressor x target heat map of the balance; a cell opens an Explorer.
- :class:`ThreatView`: threat exposure (and entrapment) ranked, with the commitments behind it.
- :class:`App`: the three in tabs, as ``foederis app`` serves it with Voila.
- :class:`ScenarioModel`: the what-if state the views share; :mod:`.scenario` saves it as JSON.

Nothing heavy happens at import; the views compile the kernels when they start.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Explorer", "DeterrenceMapView", "ThreatView", "App", "ScenarioModel",
           "save_scenario", "load_scenario"]


def _need_jupyter() -> None:
    import importlib.util

    missing = [m for m in ("ipywidgets", "matplotlib") if importlib.util.find_spec(m) is None]
    if missing:
        raise ImportError(
            f"foederis_widgets needs {' and '.join(missing)}: pip install 'foederis[jupyter]'"
        )


def __getattr__(name: str) -> Any:  # lazy: importing the package stays cheap
    if name in ("Explorer", "DeterrenceMapView", "ThreatView", "App", "ScenarioModel"):
        _need_jupyter()
    if name == "Explorer":
        from .explorer import Explorer

        return Explorer
    if name == "DeterrenceMapView":
        from .deterrence import DeterrenceMapView

        return DeterrenceMapView
    if name == "ThreatView":
        from .threat import ThreatView

        return ThreatView
    if name == "App":
        from .app import App

        return App
    if name == "ScenarioModel":
        from .model import ScenarioModel

        return ScenarioModel
    if name in ("save_scenario", "load_scenario"):
        from . import scenario

        return getattr(scenario, name)
    from foederis._validate import shown  # (numpy: only for the message)

    raise AttributeError(f"module 'foederis_widgets' has no attribute {shown(name)}")
