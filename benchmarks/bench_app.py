"""the app: `foederis app`, page opened, time to the first verdict (cold and warm cache).

Issue 12's row "fresh install, `foederis app`, page opened: time to the first verdict"
(goal: 20 s, with the page and the terminal saying what is being prepared). Each case
(``case_app``, in a fresh process) starts Debian's Chromium through Playwright first (a
user's browser is already running), then the real command, ``python -m foederis app
--port P --dir TMP`` (127.0.0.1, a free port, no browser of its own), in a process group
of its own, and timestamps from the command's start:

- every line the command's process tree prints (the address, the background compile's
  steps, Voila's log), read from its merged stdout/stderr;
- *address*: the line ``the explorer is at http://127.0.0.1:P/?token=...``; the page is
  opened at once;
- in the page, on the page's own clock (``Date.now()``, sampled every 50 ms and on every
  DOM change by a script installed before the page loads): *progress* (the progress text
  ``.fx-app-progress-text`` visible), *usable* (the Run button ``button.fx-run`` visible),
  *verdict* (``.fx-verdict`` shows the default question's verdict, "Verdict: ...
  DETERRED"); each distinct progress text, with when it was first seen;
- *compiled*: the terminal's ``the engine is compiled`` (the background compile's end;
  the cold case waits for it, so the warm case after it finds every kernel in the cache).

Then the command is stopped with SIGTERM to its PID (it stops Voila, which shuts its
kernels down, and the background compile), anything left in its process group is killed,
and the temporary folders go. *cold*: ``NUMBA_CACHE_DIR`` a new empty directory (every
kernel compiles, in the app's processes); *warm*: the same directory afterwards (every
later start). ``--quick`` runs one warm start only, on the cache as it stands (filled
first by ``foederis.warmup(analyses=True)``: a fraction of a second when it is warm). A
full run also rewrites the README's app start-up table (between the ``bench_app``
markers). Without Chromium or Playwright the module says so and measures nothing.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from run import ROOT, environ, goal_verdict, try_measure, write_readme_block

GOAL_S = 20.0  # issue 12: first verdict after a fresh install (cold cache)
ADDRESS = "the explorer is at"
COMPILED = ("the engine is compiled", "compiling in the background failed")
STDERR = "[data-mime-type='application/vnd.jupyter.stderr']"
MILESTONES = ("address", "progress", "usable", "verdict", "compiled")
LABELS = {
    "address": "address printed in the terminal",
    "progress": "page shows what is being prepared",
    "usable": "app usable (Run button shown)",
    "verdict": "first verdict shown (RUS -> EST)",
    "compiled": "background compile finished",
}

# Installed before any page script: first time (Date.now(), ms) each milestone holds, and
# each distinct progress text. Sampled every 50 ms and on every DOM change.
PAGE_WATCH = """(() => {
  const m = window.__fxm = {progress: 0, usable: 0, verdict: 0, texts: []};
  const shown = e => e && e.offsetParent !== null && e.innerText.trim().length > 0;
  const check = () => {
    const now = Date.now();
    const p = document.querySelector('.fx-app-progress-text');
    if (shown(p)) {
      if (!m.progress) m.progress = now;
      const t = p.innerText.trim().replace(/, \\d+ s so far\\.[\\s\\S]*$/, '');
      if (!m.texts.length || m.texts[m.texts.length - 1][1] !== t) m.texts.push([now, t]);
    }
    const b = document.querySelector('button.fx-run');
    if (!m.usable && b && b.offsetParent !== null) m.usable = now;
    const v = document.querySelector('.fx-verdict');
    if (!m.verdict && shown(v) && /Verdict: (NOT )?DETERRED/.test(v.innerText)) m.verdict = now;
  };
  setInterval(check, 50);
  new MutationObserver(check).observe(document, {subtree: true, childList: true,
                                                  characterData: true, attributes: true});
})();"""


# --------------------------------------------------------------------------------------
# pure helpers (tested in tests/test_bench_app.py)
# --------------------------------------------------------------------------------------
def address_in(line: str) -> str | None:
    """The address (token included) in ``foederis app``'s address line, else None."""
    if ADDRESS not in line:
        return None
    m = re.search(r"http://127\.0\.0\.1:\d+/(\?token=[\w-]+)?(?=\s|$)", line)
    return m.group(0) if m else None


def first_line(lines: list[tuple[float, str]], needles: tuple[str, ...] | str) -> float | None:
    """Seconds of the first timestamped line containing one of ``needles``, else None."""
    needles = (needles,) if isinstance(needles, str) else needles
    return next((t for t, s in lines if any(n in s for n in needles)), None)


def page_seconds(marks: dict[str, Any], t0_epoch: float) -> dict[str, float | None]:
    """The page's milestones (epoch milliseconds, 0 = never) as seconds from ``t0_epoch``
    (the command's start, epoch seconds)."""
    return {k: (marks[k] / 1000.0 - t0_epoch) if marks.get(k) else None
            for k in ("progress", "usable", "verdict")}


def terminal_summary(lines: list[tuple[float, str]], limit: int = 40) -> list[str]:
    """The terminal lines worth reading ("12.3 s: text"): foederis's own, Voila's kernel
    and error lines; at most ``limit``."""
    keep = ("foederis app", "Kernel started", "Kernel shutdown", "ERROR", "Traceback",
            "Error", "Voila is running")
    out = [f"{t:.1f} s: {s.strip()}" for t, s in lines if any(k in s for k in keep)]
    out = [re.sub(r"token=[\w-]+", "token=...", s) for s in out]
    return out[:limit]


# --------------------------------------------------------------------------------------
# the case (a fresh process)
# --------------------------------------------------------------------------------------
def _read(stream: Any, t0: float, lines: list[tuple[float, str]]) -> None:
    for raw in iter(stream.readline, b""):
        lines.append((time.perf_counter() - t0, raw.decode(errors="replace").rstrip("\n")))


def _wait_line(lines: list[tuple[float, str]], proc: subprocess.Popen, needles: tuple[str, ...],
               timeout: float) -> float | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        t = first_line(lines, needles)
        if t is not None:
            return t
        if proc.poll() is not None:
            return None
        time.sleep(0.05)
    return None


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM to the command (it stops Voila, whose kernels shut down, and the background
    compile); then SIGKILL to whatever is left of its process group."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _browser() -> tuple[Any, Any, str] | str:
    """(playwright, context, its profile folder), or why there is none."""
    sys.path.insert(0, str(ROOT / "tests"))
    from browsing import CHROMIUM, CHROMIUM_ARGS  # the browser tests' own settings

    if not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return "playwright is not installed"
    pw = sync_playwright().start()
    profile = tempfile.mkdtemp(prefix="foederis-bench-chromium-")
    try:
        ctx = pw.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM,
            headless=True, args=CHROMIUM_ARGS, viewport={"width": 1400, "height": 1000})
    except Exception as e:  # noqa: BLE001
        pw.stop()
        shutil.rmtree(profile, ignore_errors=True)
        return f"Chromium could not be started by Playwright: {e}"
    ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith(
        ("http://127.0.0.1", "ws://127.0.0.1")) else r.abort())
    ctx.add_init_script(PAGE_WATCH)
    return pw, ctx, profile


def case_app(wait_compiled: bool = False, timeout: float = 300.0, tree: str = "") -> dict[str, Any]:
    """Start ``foederis app``, open its page, time the milestones (see the module's doc).
    ``tree``: another source tree whose engine/ and widgets/ the app runs (old against new)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from browsing import free_port, server_env

    got = _browser()
    if isinstance(got, str):
        return {"skipped": got}
    pw, ctx, profile = got
    folder = tempfile.mkdtemp(prefix="foederis-bench-app-")
    lines: list[tuple[float, str]] = []
    out: dict[str, Any] = {"load_start": os.getloadavg()[0]}
    t0_epoch, t0 = time.time(), time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "foederis", "app", "--port", str(free_port()), "--dir", folder],
        cwd=folder, env=_env(server_env(), tree), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL, start_new_session=True)
    reader = threading.Thread(target=_read, args=(proc.stdout, t0, lines), daemon=True)
    reader.start()
    try:
        if _wait_line(lines, proc, (ADDRESS,), 180) is None:
            raise RuntimeError("foederis app printed no address:\n"
                               + "\n".join(s for _, s in lines[-30:]))
        url = next(a for a in (address_in(s) for _, s in lines) if a)
        page = ctx.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        out["goto_s"] = time.perf_counter() - t0
        page.goto(url, timeout=timeout * 1000)
        out["loaded_s"] = time.perf_counter() - t0
        page.wait_for_function(
            f"() => (window.__fxm && window.__fxm.verdict) || "
            f"document.querySelector(\"{STDERR}\") || "
            "document.querySelector('.fx-app-failed')", timeout=timeout * 1000)
        if page.locator(STDERR).count() or page.locator(".fx-app-failed").count():
            raise RuntimeError("the app page failed: " + page.inner_text("body")[-2000:])
        marks = page.evaluate("() => window.__fxm")
        out.update({f"{k}_s": v for k, v in page_seconds(marks, t0_epoch).items()})
        out["page_texts"] = [[round(ms / 1000.0 - t0_epoch, 1), text]
                             for ms, text in marks["texts"]][:30]
        out["load_verdict"] = os.getloadavg()[0]
        if wait_compiled:
            _wait_line(lines, proc, COMPILED, timeout)
        page.close()
        out["page_errors"] = errors[:5]
    finally:
        _stop(proc)
        reader.join(5)
        ctx.close()
        pw.stop()
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(profile, ignore_errors=True)
    out["address_s"] = first_line(lines, ADDRESS)
    out["compiled_s"] = first_line(lines, COMPILED)
    out["terminal"] = terminal_summary(lines)
    return out


def _env(env: dict[str, str], tree: str) -> dict[str, str]:
    if tree:
        first = [os.path.join(tree, "engine"), os.path.join(tree, "widgets")]
        env["PYTHONPATH"] = os.pathsep.join(first + [env.get("PYTHONPATH", "")])
    return env


def case_prewarm() -> dict[str, Any]:
    """Fill the numba cache the app will use (what the background compile compiles)."""
    import foederis

    t0 = time.perf_counter()
    foederis.warmup(analyses=True)
    return {"seconds": time.perf_counter() - t0}


# --------------------------------------------------------------------------------------
# the module
# --------------------------------------------------------------------------------------
def run(quick: bool) -> list[dict[str, Any]]:
    runs: dict[str, list[dict[str, Any]]] = {}
    with tempfile.TemporaryDirectory(prefix="foederis-bench-app-cache-") as tmp:
        if quick:
            print("  fill the cache as it stands, then a warm start", file=sys.stderr)
            try_measure("bench_app:case_prewarm")
            runs["warm"] = [try_measure("bench_app:case_app")]
        else:
            with environ(NUMBA_CACHE_DIR=tmp):
                print("  cold cache (waits for the background compile)", file=sys.stderr,
                      flush=True)
                runs["cold"] = [try_measure("bench_app:case_app", wait_compiled=True)]
                print("  warm cache, 3 starts", file=sys.stderr, flush=True)
                runs["warm"] = [try_measure("bench_app:case_app") for _ in range(3)]
    skipped = next((f["skipped"] for rs in runs.values() for f in rs if "skipped" in f), None)
    if skipped:
        return [{"title": "The app's start (skipped)", "columns": ["skipped because"],
                 "rows": [[skipped]]}]
    rows = table_rows(runs)
    if not quick:
        write_readme(rows)
    notes = []
    for cache, rs in runs.items():
        f = _median_run(rs)
        if f is None:
            continue
        texts = "; ".join(f"{t} s {s!r}" for t, s in f.get("page_texts", [])[:12])
        notes.append(f"**{cache}**, the terminal: " + " / ".join(
            f"`{s}`" for s in f.get("terminal", [])[:24])
            + (f". The page's progress texts: {texts}" if texts else "") + ".")
    return [{
        "title": "`foederis app`, page opened: the milestones to the first verdict",
        "note": ("Seconds from the command's start (see the module's docstring): the real "
                 "`python -m foederis app` on 127.0.0.1, the page opened in headless "
                 "Chromium (started beforehand) as soon as the address is printed. *cold*: "
                 "an empty numba cache (a fresh install), one start; *warm*: the same cache "
                 "afterwards, the median of the starts (by first verdict). The load column "
                 "is the 1-minute load average when the verdict showed (2 cores).\n\n"
                 + "\n\n".join(notes)),
        "columns": ["cache", "milestone", "seconds", "goal", "verdict", "load"],
        "rows": rows,
    }]


def _median_run(rs: list[dict[str, Any]]) -> dict[str, Any] | None:
    ok = [f for f in rs if not f.get("error") and f.get("verdict_s") is not None]
    if not ok:
        return None
    ok.sort(key=lambda f: f["verdict_s"])
    return ok[(len(ok) - 1) // 2]


def table_rows(runs: dict[str, list[dict[str, Any]]]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for cache, rs in runs.items():
        f = _median_run(rs)
        if f is None:
            err = next((str(r["error"]) for r in rs if r.get("error")), "no verdict")
            rows.append([cache, "failed", None, "", err, None])
            continue
        spread = [r["verdict_s"] for r in rs if r.get("verdict_s") is not None]
        for k in MILESTONES:
            v = f.get(f"{k}_s")
            if k == "compiled" and v is None:
                continue
            goal = f"<= {GOAL_S:g} s" if (k == "verdict" and cache == "cold") else ""
            word = goal_verdict(v, GOAL_S) if goal else ""
            if k == "verdict" and len(spread) > 1:
                word = (word + "; " if word else "") + "starts: " + ", ".join(
                    f"{x:.1f}" for x in sorted(spread)) + " s"
            rows.append([cache, LABELS[k], v, goal, word,
                         f.get("load_verdict") if k == "verdict" else None])
    return rows


def write_readme(rows: list[list[Any]]) -> None:
    """Replace the README's app start-up table (between the bench_app markers)."""
    lines = ["| cache | milestone | seconds from the command | goal |", "|---|---|---:|---|"]
    for cache, label, v, goal, word, _ in rows:
        lines.append(f"| {cache} | {label} | {'–' if v is None else f'{v:.1f}'} | "
                     + (f"{goal}: {word}" if goal else (word or "")) + " |")
    write_readme_block("bench_app", "\n".join(lines) + "\n")


if __name__ == "__main__":  # one start: python benchmarks/bench_app.py [cold] [full] [TREE]
    import json

    cold, full = "cold" in sys.argv[1:], "full" in sys.argv[1:]
    tree = next((a for a in sys.argv[1:] if a not in ("cold", "full")), "")
    with tempfile.TemporaryDirectory() as d, environ(**({"NUMBA_CACHE_DIR": d} if cold else {})):
        print(json.dumps(try_measure("bench_app:case_app", wait_compiled=full, tree=tree),
                         indent=1))
