"""Shared test set-up: the source tree on sys.path, and the real-browser fixtures.

Browser fixtures (see ../shared/JUPYTER-TESTING.md): one ``sync_playwright`` per session,
Debian's Chromium (``/usr/bin/chromium``) through ``launch_persistent_context``, every
request that is not to 127.0.0.1 blocked; the app served by ``foederis app`` (Voila) on a
free port of 127.0.0.1, stopped with SIGTERM to its PID. Tests that need them skip with a
clear reason when Chromium or Playwright is missing.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = [str(ROOT / "engine"), str(ROOT / "widgets")]
for p in reversed(SRC):  # test the source tree, whatever else is installed
    if p not in sys.path:
        sys.path.insert(0, p)



def _drop_stale_kernel_cache() -> None:
    """Numba's on-disk cache does not notice a change to a kernel helper defined in
    another module (numba#1833), so a test run after editing ``_kernels/core.py`` could
    run the kernels compiled from the old one. Keyed by a hash of every kernel source:
    when it differs from the last run's, the compiled kernels of this tree are deleted."""
    import hashlib

    pkg = ROOT / "engine" / "foederis"
    h = hashlib.sha256()
    for f in sorted([*(pkg / "_kernels").glob("*.py"), pkg / "_numba.py", pkg / "_constants.py"]):
        h.update(f.name.encode() + f.read_bytes())
    stamp = pkg / "_kernels" / "__pycache__" / "foederis-kernel-sources.sha256"
    if stamp.is_file() and stamp.read_text() == h.hexdigest():
        return
    for f in [*pkg.rglob("*.nbi"), *pkg.rglob("*.nbc")]:
        f.unlink(missing_ok=True)
    stamp.parent.mkdir(exist_ok=True)
    stamp.write_text(h.hexdigest())


if not os.environ.get("NUMBA_CACHE_DIR"):
    _drop_stale_kernel_cache()

from browsing import CHROMIUM, CHROMIUM_ARGS, free_port, server_env  # noqa: E402,F401

def wait_for_app(port: int, proc: subprocess.Popen, log: Path, timeout: float) -> str:
    """Wait until ``foederis app`` has printed its address (it does once its server answers
    on the readiness path) and return it, token included; fail at once, with the log, if
    the process dies."""
    url = re.compile(rf"http://127\.0\.0\.1:{port}/(\?token=[\w-]+)?(?=\s)")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        m = url.search(text[text.find("the explorer is at"):]) \
            if "the explorer is at" in text else None
        if m:
            return m.group(0)
        if proc.poll() is not None:
            pytest.fail(f"the app server exited with status {proc.returncode}:\n" + text[-4000:])
        time.sleep(0.25)
    pytest.fail(f"the app server did not answer within {timeout:.0f} s:\n"
                + log.read_text(errors="replace")[-4000:])


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # Voila shuts its kernels down; SIGKILL would not
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _warm_numba_cache() -> None:
    """Compile what a session needs here, once: numba writes it to its on-disk cache, and
    the kernels that Voila or nbclient start then load it (a cold compile in a page's
    kernel could outlast the page's timeout on a fresh machine)."""
    import foederis

    warm = getattr(foederis, "warmup", None)
    if warm is None:
        from foederis._warmup import warmup as warm
    warm()


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory: pytest.TempPathFactory):
    """A headless Chromium context (one per session), offline except for 127.0.0.1."""
    if not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium; or set "
                    "FOEDERIS_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install playwright; the browser comes "
                    "from apt: chromium)")
    pw = sync_playwright().start()
    try:
        ctx = pw.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1500, "height": 1100},
        )
    except Exception as e:  # noqa: BLE001
        pw.stop()
        pytest.skip(f"Chromium at {CHROMIUM} could not be started by Playwright: {e}")

    def route(r) -> None:  # noqa: ANN001
        if r.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1")):
            r.continue_()
        else:
            r.abort()  # e.g. the Font Awesome CDN: never wait on the network

    ctx.route("**/*", route)
    try:
        yield ctx
    finally:
        ctx.close()
        pw.stop()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory):
    """``foederis app`` on a free port of 127.0.0.1; yields (the address it printed, token
    included; the scenario folder; the server's log)."""
    pytest.importorskip("voila", reason="voila is not installed (pip install 'foederis[jupyter]')")
    _warm_numba_cache()  # so the app's kernel loads compiled kernels instead of compiling
    folder = tmp_path_factory.mktemp("app")
    log = folder / "server.log"
    port = free_port()
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "foederis", "app", "--port", str(port), "--dir", str(folder)],
            cwd=str(folder), env=server_env(), stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        yield wait_for_app(port, proc, log, timeout=120), folder, log
    finally:
        stop_server(proc)


@pytest.fixture
def have_chromium() -> bool:
    return shutil.which(CHROMIUM) is not None
