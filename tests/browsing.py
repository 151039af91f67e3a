"""What the browser tests and the benchmarks share, with no side effects on import (unlike
conftest.py, which may drop the tree's numba cache): where Debian's Chromium is, the
arguments it runs with, the environment of a server a test or a benchmark starts, and a
free port. See ../shared/JUPYTER-TESTING.md.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = [str(ROOT / "engine"), str(ROOT / "widgets")]

CHROMIUM = os.environ.get("FOEDERIS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def server_env(**extra: str) -> dict[str, str]:
    """Environment for servers and kernels a test starts: no MPLBACKEND (kernels would
    inherit it and plt.show() would draw nothing), the source tree on PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    old = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(SRC + old))
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
