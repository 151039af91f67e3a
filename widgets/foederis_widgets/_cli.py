"""``foederis app``: serve the explorer with Voila on 127.0.0.1 and print its URL.

The engine's command line (``foederis.cli``) imports this module lazily and calls
:func:`register` with its subparsers, so ``import foederis`` never needs Jupyter.

What it does, in order: checks its arguments (without importing Jupyter, which takes
seconds), starts compiling the engine in a process of its own
(:func:`foederis_widgets._warmup.background`, which says each step in the terminal), starts
the server (:mod:`foederis_widgets._server`: Voila with a random token, a Host/Origin
allow-list of 127.0.0.1 and localhost, no tracebacks to the page), checks the world (an
unknown one stops both), waits until the server answers on
:data:`~foederis_widgets._server.READY_PATH`, and prints the address with its token.
``--no-token`` turns the token off, with a warning; the Host check stays.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from typing import Any

from ._server import READY_PATH, TOKEN_ENV
from ._warmup import STATUS_ENV, write_status

__all__ = ["register", "app_notebook", "voila_command", "free_port", "app_url",
           "NO_TOKEN_WARNING"]

DEFAULT_PORT = 8866
#: What ``foederis app --no-token`` prints (to stderr) before it serves.
NO_TOKEN_WARNING = (
    "foederis app: WARNING: --no-token: the app asks for no token, so every program and "
    "every user on this machine that can reach 127.0.0.1:{port} can drive it and save "
    "scenarios in {folder}. (Requests naming another host are still refused.) Leave "
    "--no-token out to get an address with a random token.")


def app_notebook() -> str:
    """Path of the notebook the app serves (shipped inside the package)."""
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "app.ipynb")


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def voila_command(notebook: str, port: int) -> list[str]:
    """The server's command line: Voila through :mod:`foederis_widgets._server` (token,
    Host check), bound to 127.0.0.1, no browser, no tracebacks to the page. The token is
    not on it (other users can read command lines): it travels in the environment."""
    return [
        sys.executable, "-m", "foederis_widgets._server", notebook,
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--Voila.port_retries=0",
        "--show_tracebacks=False",
    ]


def app_url(port: int, token: str) -> str:
    """The address ``foederis app`` prints: with ``?token=...`` unless the token is off."""
    return f"http://127.0.0.1:{port}/" + (f"?token={token}" if token else "")


def app_env(world: str, folder: str, token: str = "", status: str = "") -> dict[str, str]:
    """The server's environment: MPLBACKEND dropped (kernels must not inherit it), the
    app's world, scenario folder, token and warmup status file set, and the folders
    holding foederis and foederis_widgets on PYTHONPATH (so a source checkout works like
    an install)."""
    import foederis

    env = {k: v for k, v in os.environ.items() if k not in ("MPLBACKEND", TOKEN_ENV)}
    env["FOEDERIS_APP_WORLD"] = world
    env["FOEDERIS_APP_DIR"] = folder
    if token:
        env[TOKEN_ENV] = token
    if status:
        env[STATUS_ENV] = status
    roots = [os.path.dirname(os.path.dirname(os.path.abspath(foederis.__file__))),
             os.path.dirname(os.path.dirname(os.path.abspath(__file__)))]
    old = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(roots + old))
    # Voila's page templates live in <prefix>/share/jupyter; in a virtual environment
    # that borrows the system's packages (--system-site-packages) they are under the base
    # prefix, which Jupyter does not search by itself.
    data = [os.path.join(p, "share", "jupyter") for p in (sys.prefix, sys.base_prefix)]
    old = [p for p in env.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    env["JUPYTER_PATH"] = os.pathsep.join(dict.fromkeys(old + data))
    return env


def wait_until_up(url: str, proc: subprocess.Popen, timeout: float = 90.0) -> bool:
    """Poll the server's readiness path (never '/', which would start a kernel; it answers
    200, so the server logs no error for it) until it answers; False if the process dies
    or the time runs out."""
    probe = url.split("?")[0].rstrip("/") + READY_PATH
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            urllib.request.urlopen(probe, timeout=2).close()
            return True
        except urllib.error.HTTPError:
            return True  # any HTTP answer means the server is up
        except (urllib.error.URLError, OSError):
            time.sleep(0.25)
    return False


def _cmd_app(args: argparse.Namespace) -> int:
    # installed? (found, not imported: importing them takes seconds, and the server and
    # the kernel import them in their own processes)
    missing = [m for m in ("voila", "ipywidgets") if importlib.util.find_spec(m) is None]
    if missing:
        print(f"foederis app needs the Jupyter extra ({missing[0]} is missing): "
              "pip install 'foederis[jupyter]'", file=sys.stderr)
        return 2
    port = free_port() if args.port == 0 else args.port
    if not 1 <= port <= 65535:
        print(f"foederis app: --port must be in 1..65535 (or 0 for any free port), got {port}",
              file=sys.stderr)
        return 2
    if _port_in_use(port):
        print(f"foederis app: port {port} on 127.0.0.1 is in use; choose another with "
              "--port N (or --port 0 for any free one)", file=sys.stderr)
        return 2
    folder = os.path.abspath(args.dir or os.getcwd())
    if not os.path.isdir(folder):
        print(f"foederis app: --dir {folder!r} is not a folder; give an existing folder for "
              "the scenarios", file=sys.stderr)
        return 2
    token = "" if args.no_token else secrets.token_urlsafe(24)
    if args.no_token:
        print(NO_TOKEN_WARNING.format(port=port, folder=folder), file=sys.stderr, flush=True)
    nb = app_notebook()
    url = app_url(port, token)
    private = tempfile.mkdtemp(prefix="foederis-app-")  # 0700: the warmup's status file
    status = os.path.join(private, "warmup.json")
    write_status(status, 0, 0, "starting")
    env = app_env(args.world, folder, token, status)
    procs = [subprocess.Popen([sys.executable, "-m", "foederis_widgets._warmup", status],
                              env=env)]
    procs.append(subprocess.Popen(voila_command(nb, port), cwd=os.path.dirname(nb), env=env))
    server = procs[-1]

    def on_term(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGTERM, on_term)
    try:
        # checked once the compile and the server are under way (loading the world takes
        # a second): an unknown world stops both, with the error
        from foederis import load_world

        load_world(args.world)
        if not wait_until_up(url, server, timeout=args.timeout):
            code = server.poll()
            print("foederis app: the Voila server did not start"
                  + (f" (exit status {code})" if code is not None else " in time"),
                  file=sys.stderr)
            return 1
        print(f"foederis app: the explorer is at {url}  (world {args.world}; scenarios saved "
              f"in {folder}; Ctrl-C to stop)", flush=True)
        if args.open:
            import webbrowser

            webbrowser.open(url)
        return int(server.wait() or 0)
    except KeyboardInterrupt:
        return 0
    finally:
        signal.signal(signal.SIGTERM, old)
        for proc in reversed(procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)  # Voila shuts its kernels down on SIGTERM
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        shutil.rmtree(private, ignore_errors=True)


def register(subparsers: Any) -> None:
    """Add the ``app`` subcommand to the ``foederis`` command line."""
    s = subparsers.add_parser(
        "app",
        help="serve the what-if explorer in the browser (Voila on 127.0.0.1)",
        description="Serve the foederis explorer (what-if cascades, deterrence map, threat "
                    "exposure) as a web app on 127.0.0.1 and print its URL.",
    )
    s.add_argument("--port", type=int, default=DEFAULT_PORT,
                   help=f"port on 127.0.0.1 (default {DEFAULT_PORT}; 0 = any free port)")
    s.add_argument("--world", default="contemporary",
                   help="built-in world to open: contemporary (default) or atop:YEAR")
    s.add_argument("--dir", default=None,
                   help="folder for saved scenarios (default: the current folder)")
    s.add_argument("--open", action="store_true", help="also open it in a web browser")
    s.add_argument("--no-token", action="store_true",
                   help="serve without the random token in the address (prints a warning: "
                        "anyone on this machine can then use the app)")
    s.add_argument("--timeout", type=float, default=120.0,
                   help="seconds to wait for the server to start (default 120)")
    s.set_defaults(func=_cmd_app)
