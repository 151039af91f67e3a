"""Run the foederis benchmarks and write their figures to benchmarks/RESULTS.md.

    python benchmarks/run.py                 # every bench_*.py, full sizes
    python benchmarks/run.py --quick         # small sizes: a smoke test (RESULTS-quick.md)
    python benchmarks/run.py --only world    # one module (bench_world.py); repeatable

Each ``benchmarks/bench_NAME.py`` exposes ``run(quick: bool) -> list[dict]``: a list of
sections, each ``{"title": str, "columns": [str, ...], "rows": [[...], ...]}`` and an
optional ``"note"`` (markdown). Inside ``run``, a module measures a case with
:func:`measure`, which runs one function of the module in a fresh Python process, so that
its peak memory (the child's own ``VmHWM``, read in the child; ``wait4``'s ``ru_maxrss``
would count the forking parent's memory) is its own and not polluted by earlier
cases. See benchmarks/README.md.

The results file keeps one block per module; ``--only`` rewrites only the blocks of the
modules it runs and keeps the others.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import importlib
import importlib.metadata
import json
import math
import os
import platform
import re
import resource
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ENGINE = ROOT / "engine"
RESULTS = HERE / "RESULTS.md"
QUICK_RESULTS = HERE / "RESULTS-quick.md"
DEFAULT_TIMEOUT = 1800.0

NOISE_NOTE = (
    "Figures come from one run on a shared machine (few cores, shared with other work at "
    "the time): treat differences under about 30% as noise. Times are wall-clock seconds "
    "(best of the repeats stated); peak RSS is the high-water mark of the fresh process "
    "that ran the case, imports and set-up included."
)

# ---------------------------------------------------------------------------------------
# helpers for bench modules (importable as ``from run import measure, timed, rss_mb``)
# ---------------------------------------------------------------------------------------


class CaseError(RuntimeError):
    """A case failed in its child process (the message holds the child's traceback)."""


def rss_mb() -> float:
    """Current resident set size of this process, in MB (Linux; NaN elsewhere)."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return math.nan


def peak_mb() -> float:
    """Peak resident set size of this process so far, in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """Best wall time of ``repeat`` calls of ``fn()``, and the last call's result."""
    best, result = math.inf, None
    for _ in range(max(1, repeat)):
        result = None  # let the previous result go before the next call
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def measure(case: str, *, timeout: float | None = None, **kwargs: Any) -> dict[str, Any]:
    """Run ``case`` ("bench_NAME:function") in a fresh process; return its figures.

    The function is called with ``**kwargs`` (JSON-serialisable) and returns a dict of
    JSON-serialisable figures. The result has those figures plus ``peak_rss_mb`` (the
    child's peak resident memory, ``VmHWM``, or ``wait4``'s ru_maxrss where /proc is missing) and ``process_s`` (the child's whole
    wall time, start-up and imports included). Raises :class:`CaseError` if the child
    fails or times out.
    """
    timeout = _OPTIONS.get("timeout", DEFAULT_TIMEOUT) if timeout is None else timeout
    with tempfile.TemporaryDirectory(prefix="foederis-bench-") as tmp:
        out, err = Path(tmp, "result.json"), Path(tmp, "stderr.txt")
        cmd = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--case",
            case,
            "--kwargs",
            json.dumps(kwargs),
            "--result",
            str(out),
        ]
        t0 = time.perf_counter()
        with open(err, "wb") as ferr:
            proc = subprocess.Popen(
                cmd,
                stdout=subprocess.DEVNULL,
                stderr=ferr,
                env=_child_env(),
                start_new_session=True,
            )
            status, usage = _wait(proc, timeout)
        wall = time.perf_counter() - t0
        if status is None:
            raise CaseError(f"{case}({_kwargs_text(kwargs)}) timed out after {timeout:g} s")
        if status != 0 or not out.exists():
            tail = err.read_text(errors="replace").strip().splitlines()[-15:]
            last = tail[-1] if tail else "no output"
            raise CaseError(
                f"{case}({_kwargs_text(kwargs)}) failed (exit {status}): {last}\n" + "\n".join(tail)
            )
        figures = json.loads(out.read_text())
    peak = usage.ru_maxrss / (2**20 if sys.platform == "darwin" else 2**10)
    figures.setdefault("peak_rss_mb", peak)
    figures.setdefault("process_s", wall)
    return figures


def try_measure(case: str, **kwargs: Any) -> dict[str, Any]:
    """:func:`measure`, but a failure returns ``{"error": message}`` (shown as a failed
    cell in the table) instead of raising."""
    try:
        return measure(case, **kwargs)
    except CaseError as e:
        print(f"  ! {e}", file=sys.stderr)
        return {"error": str(e).splitlines()[0]}


def ratio(a: float | None, b: float | None) -> float | None:
    """a / b, or None when either is missing (a cell shown as a dash)."""
    if a is None or b is None or not b or math.isnan(a) or math.isnan(b):
        return None
    return a / b


@contextlib.contextmanager
def environ(**values: str) -> Iterator[None]:
    """Set environment variables for the cases measured inside (the child processes
    inherit them; restored after), e.g. ``NUMBA_CACHE_DIR`` for a cold or a warm cache."""
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def child_env() -> dict[str, str]:
    """The environment of a child process: this one's, with ``engine/`` and
    ``benchmarks/`` first on PYTHONPATH."""
    return _child_env()


def goal_verdict(value: float | None, goal: float) -> str:
    """The verdict cell of a figure against its goal (at most ``goal``): "met",
    "missed (2.8x the goal)", or "not measured"."""
    if value is None:
        return "not measured"
    return "met" if value <= goal else f"missed ({value / goal:.1f}x the goal)"


def write_readme_block(name: str, table: str) -> None:
    """Replace the README's text between ``<!-- NAME begin -->`` and ``<!-- NAME end -->``
    (a module's table, e.g. bench_startup's) by ``table``; say so if the markers are gone."""
    readme = ROOT / "README.md"
    text = readme.read_text()
    pattern = rf"(<!-- {name} begin -->\n).*?(<!-- {name} end -->)"
    if not re.search(pattern, text, flags=re.DOTALL):
        print(f"  README has no {name} markers: not updated", file=sys.stderr)
        return
    readme.write_text(re.sub(pattern, lambda m: m.group(1) + table + m.group(2), text,
                             flags=re.DOTALL))


def _kwargs_text(kwargs: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in kwargs.items())


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    paths = [str(ENGINE), str(HERE)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    env.setdefault("PYTHONHASHSEED", "0")
    return env


def _wait(proc: subprocess.Popen, timeout: float) -> tuple[int | None, Any]:
    """Reap ``proc`` with wait4 (its own rusage); kill its process group on timeout."""
    deadline = time.monotonic() + timeout
    delay = 0.005
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return proc.returncode, usage
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            return None, usage
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


def _run_case(case: str, kwargs_json: str, result: str) -> int:
    """The child: import the module, call the function, write its figures as JSON."""
    module_name, _, func_name = case.partition(":")
    module = importlib.import_module(module_name)
    figures = getattr(module, func_name)(**json.loads(kwargs_json))
    if not isinstance(figures, dict):
        raise TypeError(f"{case} returned {type(figures).__name__}, expected a dict")
    hwm = _vm_hwm_mb()
    if hwm is not None:  # the child's own peak: wait4's ru_maxrss counts the forking parent's
        figures.setdefault("peak_rss_mb", hwm)
    Path(result).write_text(json.dumps(figures, default=_json_default))
    return 0


def _vm_hwm_mb() -> float | None:
    """Peak resident memory of this process image (Linux ``VmHWM``), in MB."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _json_default(x: Any) -> Any:
    if hasattr(x, "item"):  # numpy scalars
        return x.item()
    raise TypeError(f"not JSON serialisable: {x!r}")


# ---------------------------------------------------------------------------------------
# the machine
# ---------------------------------------------------------------------------------------
def machine() -> dict[str, str]:
    """What the figures were measured on."""
    info: dict[str, str] = {}
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    info["CPU"] = cpu
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    info["cores"] = f"{usable} usable ({os.cpu_count()} logical in the machine)"
    try:
        with open("/proc/meminfo") as f:
            mem = {k: v for k, v in (line.split(":", 1) for line in f)}
        info["RAM"] = f"{int(mem['MemTotal'].split()[0]) / 2**20:.1f} GB"
    except (OSError, KeyError, ValueError):
        info["RAM"] = "unknown"
    try:
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        info["load average at start"] = f"{load} (1, 5, 15 min)"
    except OSError:
        pass
    info["OS"] = f"{platform.system()} {platform.release()}"
    info["Python"] = f"{platform.python_version()} ({platform.python_implementation()})"
    versions = []
    for dist in ("foederis", "numpy", "numba", "scipy", "pandas", "igraph"):
        try:
            versions.append(f"{dist} {importlib.metadata.version(dist)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(
                f"{dist} (not installed)" if dist != "foederis" else "foederis (source tree)"
            )
    info["packages"] = ", ".join(versions)
    threads = os.environ.get("NUMBA_NUM_THREADS")
    info["numba threads"] = threads or "default (all usable cores)"
    commit = _git("rev-parse", "--short", "HEAD")
    if commit:
        dirty = _git("status", "--porcelain", "--untracked-files=no")
        info["commit"] = commit + (" (with uncommitted changes)" if dirty else "")
    info["date"] = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return info


def _git(*args: str) -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), *args], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip() if out.returncode == 0 else ""


# ---------------------------------------------------------------------------------------
# markdown
# ---------------------------------------------------------------------------------------
def fmt(value: Any) -> str:
    """One table cell: ints with separators, floats to 3 significant figures."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if math.isnan(value):
            return "–"
        if value == 0:
            return "0"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        if abs(value) >= 1e-3:
            return f"{value:.3g}"
        return f"{value:.2e}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def section_markdown(section: dict[str, Any]) -> str:
    """A section as markdown: a heading, the note, and the table."""
    title, columns, rows = section["title"], section["columns"], section["rows"]
    lines = [f"### {title}", ""]
    if section.get("note"):
        lines += [section["note"].strip(), ""]
    lines.append("| " + " | ".join(columns) + " |")
    numeric = [
        all(
            v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))
            for v in (row[i] for row in rows)
        )
        for i in range(len(columns))
    ]
    lines.append("|" + "|".join("---:" if num else "---" for num in numeric) + "|")
    for row in rows:
        if len(row) != len(columns):
            raise ValueError(
                f"section {title!r}: a row has {len(row)} cells for {len(columns)} columns: {row!r}"
            )
        lines.append("| " + " | ".join(fmt(v) for v in row) + " |")
    return "\n".join(lines) + "\n"


def module_block(
    name: str,
    doc: str,
    sections: list[dict[str, Any]],
    command: str,
    info: dict[str, str],
    seconds: float,
) -> str:
    head = doc.strip().splitlines()[0] if doc.strip() else name
    lines = [
        f"<!-- {name} begin -->",
        f"## {name}: {head}",
        "",
        f"Command: `{command}` ({seconds:.0f} s in all)",
        "",
    ]
    lines += [f"- {k}: {v}" for k, v in info.items()]
    try:
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        lines.append(f"- load average at the end of this module: {load}")
    except OSError:
        pass
    lines.append("")
    body = "\n".join(section_markdown(s) for s in sections)
    return "\n".join(lines) + "\n" + body + f"<!-- {name} end -->\n"


def write_results(path: Path, blocks: dict[str, str], quick: bool) -> None:
    """Write the results file, keeping blocks of modules that were not run."""
    kept: dict[str, str] = {}
    if path.exists():
        text = path.read_text()
        pattern = r"<!-- (bench_\w+) begin -->.*?<!-- \1 end -->\n?"
        for m in re.finditer(pattern, text, flags=re.DOTALL):
            kept[m.group(1)] = m.group(0).rstrip("\n") + "\n"
    kept.update(blocks)
    title = "# foederis benchmark results" + (" (quick smoke run)" if quick else "")
    head = [
        title,
        "",
        (
            "Written by `benchmarks/run.py` (see benchmarks/README.md); each block below "
            "names the command that produced it and the machine it ran on."
        ),
        "",
        f"> {NOISE_NOTE}",
        "",
    ]
    path.write_text("\n".join(head) + "\n" + "\n".join(kept[k] for k in sorted(kept)))


# ---------------------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------------------
_OPTIONS: dict[str, Any] = {}


def discover() -> list[str]:
    return sorted(p.stem for p in HERE.glob("bench_*.py"))


def _module_name(name: str, available: Sequence[str]) -> str:
    full = name if name.startswith("bench_") else f"bench_{name}"
    full = full.removesuffix(".py")
    if full not in available:
        raise SystemExit(
            f"run.py: no benchmark module {name!r}; available: "
            + ", ".join(m.removeprefix("bench_") for m in available)
        )
    return full


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="small sizes, for a smoke test (writes RESULTS-quick.md)",
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        default=[],
        help="run only bench_NAME.py (repeatable, or comma-separated)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="results file (default RESULTS.md, RESULTS-quick.md with --quick)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help=f"seconds allowed to one case (default {DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument("--list", action="store_true", help="list the modules and stop")
    # the child side of measure()
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--kwargs", default="{}", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    sys.modules.setdefault("run", sys.modules[__name__])  # bench modules: `from run import`
    for p in (str(HERE), str(ENGINE)):
        if p not in sys.path:
            sys.path.insert(0, p)
    if args.case:
        return _run_case(args.case, args.kwargs, args.result)

    available = discover()
    if args.list:
        print("\n".join(m.removeprefix("bench_") for m in available))
        return 0
    names = [n.strip() for item in args.only for n in item.split(",") if n.strip()]
    modules = [_module_name(n, available) for n in names] if names else available
    output = args.output or (QUICK_RESULTS if args.quick else RESULTS)
    _OPTIONS["timeout"] = args.timeout
    command = "python benchmarks/run.py" + "".join(
        " " + shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv)
    )
    info = machine()
    blocks: dict[str, str] = {}
    failed = False
    for name in modules:
        print(f"== {name}{' (quick)' if args.quick else ''}", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        try:
            module = importlib.import_module(name)
            sections = module.run(args.quick)
        except Exception:  # noqa: BLE001 -- one broken module must not lose the others
            failed = True
            traceback.print_exc()
            sections = [
                {
                    "title": "failed",
                    "columns": ["error"],
                    "rows": [[traceback.format_exc().strip().splitlines()[-1]]],
                }
            ]
        seconds = time.perf_counter() - t0
        blocks[name] = module_block(
            name,
            getattr(sys.modules.get(name), "__doc__", "") or "",
            sections,
            command,
            info,
            seconds,
        )
        for s in sections:
            print(section_markdown(s), file=sys.stderr)
    write_results(output, blocks, args.quick)
    print(f"wrote {output}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
