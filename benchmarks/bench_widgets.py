"""the what-if explorer: from a control change to the updated verdict and map.

The issue's target: on the contemporary world, a control change gives the new verdict and
map in under 200 ms (median). Two measurements:

- headless (``case_explorer``): an ``Explorer`` in a fresh process, kernels warmed; each
  change sets a control's ``.value`` as the browser would, which runs the whole chain
  synchronously (model -> cascades -> map PNG -> balance PNG -> tables -> verdict). "cold"
  clears the explorer's picture cache before every change, so each change draws new
  pictures; "as used" keeps it (a change that leaves the cascade as it was, e.g. the
  margin, reuses the pictures).
- in the browser (``case_browser``, full runs only): ``foederis app`` (Voila) driven by
  Playwright in Debian's Chromium; the time from typing a new threshold into the slider
  to the new verdict text on the page (typing and the kernel round trip included).
"""

from __future__ import annotations

import math
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from run import try_measure

ROOT = Path(__file__).resolve().parents[1]


def _paths() -> None:
    for p in (ROOT / "widgets", ROOT / "engine"):
        if str(p) not in sys.path:
            sys.path.insert(0, str(p))


def _ms(xs: list[float]) -> dict[str, float]:
    p90 = sorted(xs)[max(math.ceil(0.9 * len(xs)) - 1, 0)]  # nearest rank
    return {"median": statistics.median(xs), "p90": p90, "max": max(xs), "n": len(xs)}


# ---------------------------------------------------------------------------------------
# cases (run in a child process)
# ---------------------------------------------------------------------------------------
def case_explorer(world: str = "contemporary", rounds: int = 3) -> dict[str, Any]:
    _paths()
    import matplotlib

    matplotlib.use("Agg")
    t0 = time.perf_counter()
    from foederis_widgets import Explorer

    import_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    ex = Explorer(world, attacks=[("RUS", "EST")])
    build_s = time.perf_counter() - t0

    thresholds = [0.45, 0.6, 0.75, 0.55, 1.0, 0.5, 0.35, 0.9]
    targets = ["LAT", "LIT", "POL", "FIN", "UKR", "GRG", "EST", "NOR"]
    out: dict[str, Any] = {"import_s": import_s, "build_s": build_s}
    parts: dict[str, list[float]] = {"cascade_ms": [], "map_ms": [], "balance_ms": [],
                                     "tables_ms": []}

    def change(setter: Any, cold: bool) -> float:
        if cold:
            ex.results.forget_pictures()
        t = time.perf_counter()
        setter()
        dt = (time.perf_counter() - t) * 1e3
        assert ex.error.text == "", ex.error.text
        if cold:
            for k in parts:
                parts[k].append(ex.timings[k])
        return dt

    for cold in (True, False):
        label = "cold" if cold else "as_used"
        slider = ex.rule_widgets["threshold"]
        ts = [change(lambda v=v: setattr(slider, "value", v), cold)
              for _ in range(rounds) for v in thresholds]
        slider.value = 0.5
        picks = [change(lambda c=c: setattr(ex.target, "value", c), cold)
                 for _ in range(rounds) for c in targets]
        ex.target.value = "EST"
        margin = ex.rule_widgets["margin"]
        ms = [change(lambda v=v: setattr(margin, "value", v), cold)
              for _ in range(rounds) for v in (1.5, 1.0, 2.0, 1.0)]
        edits = []
        for _ in range(rounds):
            ex.edit_op.value = "without_member"
            ex.edit_state.value = "TUR"
            ex.edit_treaty.value = "NATO"
            edits.append(change(ex.edit_apply.click, cold))
            edits.append(change(lambda: ex.model.undo(-1), cold))
        out[label] = {"threshold": _ms(ts), "target": _ms(picks), "margin": _ms(ms),
                      "edit": _ms(edits), "all": _ms(ts + picks + ms + edits)}
    out["parts"] = {k: statistics.median(v) for k, v in parts.items()}
    ex.close()
    return out


def case_tabs(world: str = "contemporary") -> dict[str, Any]:
    """The app's tabs in a fresh process (numba's on-disk cache as it stands): build the
    App, open the deterrence-map tab (the analyses' kernels loaded or compiled, the map of
    the 15 most capable states computed and drawn), change the map (its top 20), then the
    Explorer's first change of attack and its second."""
    _paths()
    import matplotlib

    matplotlib.use("Agg")
    out: dict[str, Any] = {}
    t0 = time.perf_counter()
    from foederis_widgets import App

    app = App(world)
    out["app_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    app.tabs.selected_index = 1
    view = app.deterrence
    out["map_open_s"] = time.perf_counter() - t0
    assert view is not None and view.result is not None and app.error.text == ""
    out["map_compute_s"] = view.seconds
    t0 = time.perf_counter()
    view.top.value = 20
    out["map_change_s"] = time.perf_counter() - t0
    assert view.error.text == "" and len(view.result.aggressors) == 20
    app.tabs.selected_index = 0
    ex = app.explorer
    for key, target in (("attack_first_s", "LAT"), ("attack_second_s", "FIN")):
        t0 = time.perf_counter()
        ex.target.value = target
        out[key] = time.perf_counter() - t0
        assert ex.error.text == "", ex.error.text
    return out


def case_browser(changes: int = 12, picture_cache: bool = True) -> dict[str, Any]:
    _paths()
    sys.path.insert(0, str(ROOT / "tests"))
    import signal
    import subprocess
    import tempfile

    from browsing import CHROMIUM, CHROMIUM_ARGS, free_port, server_env
    from playwright.sync_api import sync_playwright
    from test_browser import (PAGE_CLOCKS, page_latency_ms, set_slider, verdict,
                              wait_verdict_change)

    if not os.path.exists(CHROMIUM):
        return {"error": f"no Chromium at {CHROMIUM}"}
    folder = tempfile.mkdtemp()
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "foederis", "app", "--port", str(port),
                             "--dir", folder], cwd=folder,
                            env=server_env(FOEDERIS_APP_PICTURE_CACHE="1" if picture_cache
                                           else "0"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import urllib.error
        import urllib.request

        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url + "static/probe", timeout=2)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.25)
        with sync_playwright() as pw:
            ctx = pw.chromium.launch_persistent_context(
                tempfile.mkdtemp(), executable_path=CHROMIUM, headless=True,
                args=CHROMIUM_ARGS, viewport={"width": 1400, "height": 1000})
            ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith(
                "http://127.0.0.1") else r.abort())
            page = ctx.new_page()
            t0 = time.perf_counter()
            page.goto(url, timeout=120_000)
            page.wait_for_selector("button.fx-run", timeout=150_000)
            ready = time.perf_counter() - t0
            page.wait_for_function("() => document.querySelector('.fx-verdict') && "
                                   "document.querySelector('.fx-verdict').innerText.length")
            page.evaluate(PAGE_CLOCKS)
            times, inpage = [], []
            values = [0.45, 0.6, 0.75, 0.55, 1.0, 0.5, 0.65, 0.85, 0.4, 0.7, 0.95, 0.8]
            for k in range(changes):
                before = verdict(page)
                t = time.perf_counter()
                set_slider(page, ".fx-rule-threshold", values[k % len(values)])
                wait_verdict_change(page, before)
                times.append((time.perf_counter() - t) * 1e3)
                page.wait_for_timeout(50)
                inpage.append(page_latency_ms(page))
            ctx.close()
        return {"ready_s": ready, "page": _ms(inpage), "outside": _ms(times)}
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()


# ---------------------------------------------------------------------------------------
def run(quick: bool) -> list[dict]:
    fig = try_measure("bench_widgets:case_explorer", rounds=1 if quick else 3)
    sections = []
    if "error" in fig:
        rows = [["explorer", fig["error"], None, None, None]]
    else:
        rows = []
        for label, name in (("cold", "new pictures each change"),
                            ("as_used", "picture cache on (as used)")):
            for control, what in (("threshold", "threshold slider"),
                                  ("target", "target picker"),
                                  ("margin", "margin slider"),
                                  ("edit", "what-if edit / undo"),
                                  ("all", "all changes")):
                s = fig[label][control]
                rows.append([f"{what}, {name}", s["n"], s["median"], s["p90"], s["max"]])
    sections.append({
        "title": "Explorer on the contemporary world: control change -> verdict and map "
                 "(headless)",
        "note": (
            "`python benchmarks/run.py --only widgets`. Time (ms) of setting one control's "
            "`.value` (or clicking Apply / undo), which runs the whole update synchronously:"
            " both cascades (baseline and what-if), the network map and the balance chart "
            "rendered to PNG, the tables, the verdict. Target: median < 200 ms."
            + ("" if "error" in fig else
               f" First build of the Explorer: {fig['build_s']:.2f} s (including "
               "foederis.warmup(): compiling the kernels, or loading them from numba's "
               "cache). "
               "Median of the parts on cold changes (ms): "
               + ", ".join(f"{k.replace('_ms', '')} {v:.1f}" for k, v in fig["parts"].items()))
        ),
        "columns": ["change", "changes", "median (ms)", "p90 (ms)", "max (ms)"],
        "rows": rows,
    })
    tabs = try_measure("bench_widgets:case_tabs")
    if "error" in tabs:
        trows = [["app tabs", tabs["error"], None, None]]
    else:
        trows = [
            ["App built (Explorer tab, first verdict)", tabs["app_s"], "", ""],
            ["first open of the deterrence-map tab", tabs["map_open_s"], "< 3 s",
             "met" if tabs["map_open_s"] < 3 else "missed"],
            ["... of which the map's kernel call", tabs["map_compute_s"], "", ""],
            ["map changed (top 15 -> 20)", tabs["map_change_s"], "", ""],
            ["first change of attack in the Explorer", tabs["attack_first_s"], "< 1 s",
             "met" if tabs["attack_first_s"] < 1 else "missed"],
            ["second change of attack", tabs["attack_second_s"], "", ""],
        ]
    sections.append({
        "title": "The app's tabs: first open of the deterrence map, first change of attack",
        "note": ("A fresh process with numba's on-disk cache as it stands (warm after the "
                 "test suite or an earlier run; the cold compile is bench_startup's): "
                 "`App('contemporary')`, then the deterrence-map tab selected (the view built,"
                 " the map of the 15 most capable states computed and drawn), its top "
                 "changed to 20, then the Explorer's target changed twice. Wall seconds, "
                 "one run."),
        "columns": ["step", "seconds", "goal", "status"],
        "rows": trows,
    })
    if not quick:
        brow = []
        notes = []
        for cache, name in ((False, "new pictures each change"),
                            (True, "picture cache on (as used)")):
            b = try_measure("bench_widgets:case_browser", picture_cache=cache)
            if "error" in b:
                brow.append([f"threshold slider, {name}", b["error"], None, None, None])
            else:
                for key, how in (("page", "page clock: Enter -> verdict"),
                                 ("outside", "from Playwright, typing included")):
                    x = b[key]
                    brow.append([f"threshold slider, {name}; {how}", x["n"], x["median"],
                                 x["p90"], x["max"]])
                notes.append(f"{b['ready_s']:.1f} s")
        sections.append({
            "title": "The same in a real browser (foederis app, Voila, Chromium)",
            "note": ("A new threshold typed into the slider's readout (twelve different "
                     "values), timed two ways: on the page's own clock, from the Enter key "
                     "that commits the value to the last change of the verdict text (a "
                     "MutationObserver); and from Python around the Playwright calls, "
                     "keystrokes included. Either includes the kernel round trip, the whole "
                     "update and the rendering (the verdict is the last thing the update "
                     "writes, after the map). With the picture cache on, a threshold that "
                     "leaves the cascade as it was reuses the map. The browser test "
                     "(tests/test_browser.py) prints the same figures."
                     + (f" Page ready in {', '.join(notes)}." if notes else "")),
            "columns": ["change", "changes", "median (ms)", "p90 (ms)", "max (ms)"],
            "rows": brow,
        })
    return sections
