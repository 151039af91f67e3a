"""The app in a real browser: ``foederis app`` (Voila) driven by Playwright in Chromium.

Chooses an attack, changes a rule slider (timing the page from the change to the new
verdict), runs, reads the verdict, applies a what-if edit (Turkey leaves NATO), sees the
comparison change, and saves a screenshot: to tests/artifacts/explorer.png, or, with
FOEDERIS_SCREENSHOT=docs, to docs/explorer.png (the README's picture).
Fixtures (server, browser) are in conftest.py; see ../shared/JUPYTER-TESTING.md.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOT = ROOT / (
    "docs" if os.environ.get("FOEDERIS_SCREENSHOT") == "docs" else "tests/artifacts"
) / "explorer.png"
STDERR = "[data-mime-type='application/vnd.jupyter.stderr']"
# console noise that is not a failure (JUPYTER-TESTING.md, pitfall 13)
NOISE = ("Unsatisfied version", "not trusted", "without encryption")


def verdict(page) -> str:
    return page.inner_text(".fx-verdict")


def wait_verdict_change(page, before: str, timeout: float = 30_000) -> str:
    page.wait_for_function(
        "prev => { const v = document.querySelector('.fx-verdict');"
        " return v && v.innerText !== prev; }",
        arg=before, timeout=timeout, polling="raf")
    return verdict(page)


def wait_text(page, selector: str, needle: str, timeout: float = 30_000) -> str:
    page.wait_for_function(
        "([sel, needle]) => { const e = document.querySelector(sel);"
        " return e && e.innerText.includes(needle); }",
        arg=[selector, needle], timeout=timeout)
    return page.inner_text(selector)


# In-page clocks: when Enter commits a slider's value, and when the verdict text changes.
PAGE_CLOCKS = """() => {
  if (window.__fx) return;
  window.__fx = {enter: 0, verdict: 0};
  document.addEventListener('keydown', e => { if (e.key === 'Enter')
    window.__fx.enter = performance.now(); }, true);
  const v = document.querySelector('.fx-verdict');
  new MutationObserver(() => { window.__fx.verdict = performance.now(); })
    .observe(v, {subtree: true, childList: true, characterData: true});
}"""


def page_latency_ms(page) -> float:
    """Time on the page's own clock from the Enter that committed the value to the last
    change of the verdict."""
    return page.evaluate("() => window.__fx.verdict - window.__fx.enter")


def pick(page, css: str, code: str) -> None:
    """Choose the option of a state picker's dropdown whose label is ``CODE · Name``."""
    sel = page.locator(f"{css} select")
    labels = sel.evaluate("s => [...s.options].map(o => o.textContent)")
    # ipywidgets shows spaces in option labels as no-break spaces
    label = next(x for x in labels if x.replace("\xa0", " ").split(" ")[0] == code)
    sel.select_option(label=label)


def set_slider(page, css: str, value: float) -> None:
    """Type a value into a slider's editable readout (then wait until the handle shows it in
    aria-valuetext (aria-valuenow is rounded to one decimal):
    rapid changes can be lost otherwise)."""
    readout = page.locator(f"{css} .widget-readout")
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(f"{value:g}")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "([css, v]) => { const h = document.querySelector(css + ' [role=slider]');"
        " return h && Math.abs(parseFloat(h.getAttribute('aria-valuetext')) - v) < 1e-9; }",
        arg=[css, value], timeout=10_000)


def test_explorer_in_the_browser(app_server, browser_context):
    url, folder, _ = app_server
    page = browser_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    t0 = time.perf_counter()
    page.goto(url, timeout=180_000)
    # at once: what is being prepared (or already the app, when the cache is warm)
    page.wait_for_selector(".fx-app-starting", state="attached", timeout=180_000)
    # ready: the Run button is visible (or the notebook failed: fail at once with its text)
    page.wait_for_selector(f"button.fx-run, {STDERR}", state="visible", timeout=180_000)
    if page.locator(STDERR).count():
        pytest.fail("the app notebook raised:\n" + page.locator(STDERR).first.inner_text())
    print(f"\npage ready in {time.perf_counter() - t0:.1f} s")
    wait_text(page, ".fx-verdict", "RUS → EST")

    # choose an attack: aggressor from the dropdown, target by typing in its search box
    pick(page, ".fx-aggressor", "BLR")
    wait_text(page, ".fx-verdict", "BLR → EST")
    page.locator(".fx-target-search input").fill("lithuan")
    wait_text(page, ".fx-verdict", "BLR → LIT")
    pick(page, ".fx-aggressor", "RUS")
    page.locator(".fx-target-search input").fill("estonia")
    v = wait_text(page, ".fx-verdict", "RUS → EST")
    assert "DETERRED" in v

    # change a slider: time from the change to the new verdict on the page
    page.evaluate(PAGE_CLOCKS)
    times, inpage = [], []
    for value in (0.75, 0.5, 1.25, 0.5, 0.65, 0.5, 0.9, 0.5):
        before = verdict(page)
        start = time.perf_counter()
        set_slider(page, ".fx-rule-threshold", value)
        after = wait_verdict_change(page, before)
        times.append((time.perf_counter() - start) * 1e3)
        page.wait_for_timeout(50)  # let any later mutation land before reading the clock
        inpage.append(page_latency_ms(page))
        assert f"threshold {value:g}" in after
    print(f"slider change -> new verdict on the page: median {statistics.median(inpage):.0f}"
          f" ms on the page's clock (Enter to verdict), {statistics.median(times):.0f} ms "
          f"seen from Playwright (typing included); {len(times)} changes")

    # a high threshold leaves Estonia alone: the verdict flips
    set_slider(page, ".fx-rule-threshold", 3.0)
    v = wait_text(page, ".fx-verdict", "threshold 3")
    assert "NOT DETERRED" in v
    set_slider(page, ".fx-rule-threshold", 0.5)
    wait_text(page, ".fx-verdict", "threshold 0.5")

    # run (deterministic): the status line reports it
    page.locator("button.fx-run").click()
    wait_text(page, ".fx-status", "cascade in")
    v = verdict(page)
    # the contemporary world's nuclear guarantors of Estonia: France, the UK and the US
    # (issue 9: the UK's deterrent is assigned to NATO, France's has a European dimension)
    assert "Verdict: DETERRED" in v and "nuclear umbrella: FRN, UKG, USA" in v
    assert page.locator(".fx-map img").count() == 1
    assert page.locator(".fx-balance img").count() == 1
    assert "USA" in page.inner_text(".fx-joined")

    # what-if: Turkey leaves NATO; the comparison changes
    before = page.inner_text(".fx-compare")
    assert "No what-if edits yet" in before
    page.locator(".fx-edit-state-search input").fill("turkey")
    page.wait_for_function(
        "() => { const s = document.querySelector('.fx-edit-treaty select');"
        " return s && [...s.options].some(o => o.textContent === 'NATO'); }", timeout=10_000)
    page.locator(".fx-edit-treaty select").select_option(label="NATO")
    page.locator("button.fx-edit-apply").click()
    wait_text(page, ".fx-edits", "TUR leaves NATO")
    cmp = wait_text(page, ".fx-compare", "now stay out")
    assert cmp != before and "TUR" in cmp and "change in balance: -" in cmp
    v = wait_text(page, ".fx-verdict", "Baseline:")
    assert "What-if: DETERRED" in v
    # the map shows the last round of the what-if (the round slider's range follows it)
    page.wait_for_timeout(500)
    rounds = page.locator(".fx-round [role=slider]")
    assert rounds.get_attribute("aria-valuenow") == rounds.get_attribute("aria-valuemax")

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    # the Voila page scrolls inside a fixed-height body: show the top of it, taller
    page.set_viewport_size({"width": 1400, "height": 1150})
    page.wait_for_timeout(300)
    page.screenshot(path=str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 20_000
    print(f"screenshot: {SCREENSHOT}")

    # undo it from the list
    page.locator("button.fx-undo").first.click()
    wait_text(page, ".fx-compare", "No what-if edits yet")

    # Monte Carlo in the page: a long ensemble shows progress and stops on Stop
    page.locator(".fx-mode button", has_text="Monte Carlo").click()
    page.wait_for_selector(".fx-samples input", state="visible")
    page.locator(".fx-samples input").fill("100000000")
    page.locator(".fx-samples input").press("Enter")
    page.locator("button.fx-run").click()
    wait_text(page, ".fx-status", "running")
    page.wait_for_function(
        "() => { const b = document.querySelector('.fx-progress .progress-bar');"
        " return b && parseFloat(b.style.width) > 0; }", timeout=30_000)
    page.locator("button.fx-stop").click()
    wait_text(page, ".fx-status", "stopped after", timeout=60_000)
    wait_text(page, ".fx-ensemble", "P(deterred)")
    page.locator(".fx-mode button", has_text="deterministic").click()

    # the other tabs are built when first opened, and draw in the page
    page.locator(".lm-TabBar-tab", has_text="Deterrence map").click()
    page.wait_for_selector(".fx-dm-map img", timeout=60_000)
    page.locator(".lm-TabBar-tab", has_text="Threat exposure").click()
    page.wait_for_selector(".fx-threat-chart img", timeout=60_000)
    assert "Most exposed states" in page.inner_text(".fx-threat-table")
    page.locator(".lm-TabBar-tab", has_text="What-if explorer").click()

    # scenarios stay in the app's folder: a name that would leave it is refused with a
    # message (no traceback), and nothing is written
    assert page.locator(".fx-scenario-path input").input_value() == "scenario"
    page.locator(".fx-scenario-path input").fill("../x")
    page.locator("button.fx-save").click()
    err = wait_text(page, ".fx-explorer .fx-error", "is not allowed")
    assert "'../x'" in err and "Traceback" not in err
    assert not (folder.parent / "x.json").exists() and not (folder / "x.json").exists()
    # a scenario saved from the page lands in the app's folder, atomically, and loads back
    page.locator(".fx-scenario-path input").fill("baltic")
    page.locator("button.fx-save").click()
    wait_text(page, ".fx-scenario-status", "saved")
    assert (folder / "baltic.json").exists()
    page.locator("button.fx-load").click()
    wait_text(page, ".fx-scenario-status", "loaded")
    assert str(folder / "baltic.json") in page.inner_text(".fx-scenario-status")

    real = [e for e in errors if not any(n in e for n in NOISE)]
    assert not real, real
    page.close()


def test_the_page_without_its_token_is_refused(app_server, browser_context):
    url, _, _ = app_server
    browser_context.clear_cookies()  # the login cookie an earlier visit with the token set
    page = browser_context.new_page()
    resp = page.goto(url.split("?")[0], timeout=60_000)
    assert resp.status == 403
    assert "needs its token" in page.inner_text("body")
    assert page.locator(".fx-app").count() == 0
    page.close()
