"""The command line: worlds, show, and errors as one clear line (exit code 2)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from foederis.cli import main


def test_worlds(capsys):
    assert main(["worlds"]) == 0
    out = capsys.readouterr().out
    assert "contemporary" in out and "atop:YEAR" in out and "1816..2018" in out


def test_show_contemporary(capsys):
    assert main(["show", "contemporary", "--citation"]) == 0
    out = capsys.readouterr().out
    assert "NATO" in out and "Capability shares" in out and "DEFENSE" in out
    assert "ATOP" in out  # the citation


def test_show_1914(capsys):
    assert main(["show", "atop:1914"]) == 0
    out = capsys.readouterr().out
    assert "GMY" in out and "RUS" in out


def test_bad_world_is_one_clear_line(capsys):
    assert main(["show", "atop:1700"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("foederis: error:") and "1700" in err and "Traceback" not in err


def test_entry_point_runs():
    r = subprocess.run(
        [sys.executable, "-m", "foederis", "worlds"], capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 0, r.stderr
    assert "contemporary" in r.stdout


def test_burden_and_blocs(capsys, tmp_path):
    import pandas as pd

    out_csv = tmp_path / "burden.csv"
    assert main(["burden", "--treaty", "NATO", "--csv", str(out_csv)]) == 0
    out = capsys.readouterr().out
    assert "Olson-Zeckhauser" in out and "USA" in out
    df = pd.read_csv(out_csv)
    assert "USA" in set(df["code"]) and len(df) >= 30
    assert main(["burden", "--treaty", "Warsaw Pact"]) == 2
    assert "unknown treaty 'Warsaw Pact'" in capsys.readouterr().err
    assert main(["blocs", "--rows", "5"]) == 0
    out = capsys.readouterr().out
    assert "leiden" in out and "CHN" in out and "USA" in out


def test_whatif_baltic_and_turkey_leaving(capsys):
    assert main(["whatif", "--attack", "RUS:EST", "--edit", "leave:TUR:NATO"]) == 0
    out = capsys.readouterr().out
    assert "round 1" in out and "D USA <- NATO defense: EST" in out
    assert "=== what changed ===" in out and "TUR leaves NATO" in out
    assert "TUR   stayed out" in out
    assert "deterred" in out


def test_whatif_with_ensemble_and_rules(capsys):
    assert main(["whatif", "--attack", "CHN:TAW", "--edit", "guarantee:USA:TAW:0.75",
                 "--samples", "500", "--seed", "3", "--rule", "threshold=0.75",
                 "--rule", "reach=false"]) == 0
    out = capsys.readouterr().out
    assert "Monte Carlo (threshold, 500 samples, seed 3)" in out
    assert "USA" in out and "P(deterred)" in out


def test_whatif_errors_are_one_line(capsys):
    assert main(["whatif", "--attack", "RUS:XXX"]) == 2
    assert "unknown state 'XXX'" in capsys.readouterr().err
    assert main(["whatif", "--attack", "RUS:EST", "--edit", "leave:TUR"]) == 2
    assert "leave takes code:treaty" in capsys.readouterr().err
    assert main(["whatif", "--attack", "RUS:EST", "--rule", "treshold=1"]) == 2
    assert "treshold" in capsys.readouterr().err


# ------------------------------------------------------------------ foederis app: closed
def _get(url: str, **headers: str) -> tuple[int, str]:
    """Status and body of a GET (an HTTP error is an answer too)."""
    import urllib.error
    import urllib.request

    req = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, r.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


def _base(url: str) -> str:
    return url.split("?")[0]


def test_the_app_prints_a_token_and_refuses_requests_without_it(app_server):
    from foederis_widgets._server import READY_PATH

    url, _, log = app_server
    assert "?token=" in url and len(url.split("token=")[1]) >= 24
    base = _base(url)
    for path in ("", "api/kernels", "login", "voila/api/shutdown/x"):
        code, body = _get(base + path)
        assert code == 403, (path, code)
    assert "needs its token" in _get(base)[1]
    assert _get(base + "?token=wrong")[0] == 403
    assert _get(base.rstrip("/") + READY_PATH) == (200, "ok")
    # the readiness probe leaves nothing in the server's log that looks like an error
    text = log.read_text(errors="replace")
    assert "not allowlisted" not in text and "Traceback" not in text


def test_the_app_page_answers_200_with_the_token(app_server):
    url, _, _ = app_server
    code, body = _get(url)
    assert code == 200 and "voila_finish" in body
    assert "application/vnd.jupyter.widget-view+json" in body  # the app's widget, shown
    assert "application/vnd.jupyter.stderr" not in body and "Traceback" not in body


@pytest.mark.parametrize("host", ["evil.example:{port}", "evil.example", "127.0.0.1.evil.example",
                                  "localhost.evil.example:{port}", "[::2]:{port}"])
def test_the_app_refuses_a_foreign_host_even_with_the_token(app_server, host):
    from foederis_widgets._server import READY_PATH

    url, _, _ = app_server
    port = url.split(":")[2].split("/")[0]
    h = host.format(port=port)
    for u in (url, _base(url).rstrip("/") + READY_PATH, _base(url) + "voila/static/voila.js"):
        code, body = _get(u, Host=h)
        assert code == 403, (u, h, code)
    assert _get(_base(url) + "voila/static/voila.js")[0] == 200  # the same, from home
    assert _get(url, Origin="http://evil.example")[0] == 403
    assert _get(url, Host=f"localhost:{port}")[0] == 200


def test_refusal_allows_only_local_names():
    from foederis_widgets._server import refusal

    for host in ("127.0.0.1", "127.0.0.1:8866", "localhost:1", "LOCALHOST:8866"):
        assert refusal(host, None) == "", host
        assert refusal(host, "http://127.0.0.1:8866") == ""
    for host in (None, "", "evil.example", "127.0.0.2:1", "localhost.evil:1", "a:b:c",
                 "127.0.0.1:8866 evil"):
        assert "is not local" in refusal(host, None), host
    for origin in ("http://evil.example", "null", "https://localhost.evil", "file://"):
        assert "Origin" in refusal("127.0.0.1:8866", origin), origin


def test_the_server_command_hides_the_token_and_tracebacks():
    from foederis_widgets import _cli
    from foederis_widgets._server import TOKEN_ENV

    cmd = _cli.voila_command("app.ipynb", 8866)
    assert "--show_tracebacks=False" in cmd and "foederis_widgets._server" in cmd
    assert not any("token" in c.lower() for c in cmd)  # never on a command line
    env = _cli.app_env("contemporary", "/tmp", token="s3cret", status="/tmp/w.json")
    assert env[TOKEN_ENV] == "s3cret" and env["FOEDERIS_APP_WARMUP"] == "/tmp/w.json"
    assert TOKEN_ENV not in _cli.app_env("contemporary", "/tmp")
    assert _cli.app_url(8866, "abc") == "http://127.0.0.1:8866/?token=abc"
    assert _cli.app_url(8866, "") == "http://127.0.0.1:8866/"


def test_no_token_is_an_explicit_opt_out_with_a_warning(tmp_path):
    import signal
    import subprocess

    pytest.importorskip("voila", reason="voila is not installed")
    from conftest import free_port, server_env, stop_server, wait_for_app
    from foederis_widgets._server import READY_PATH

    port = free_port()
    log = tmp_path / "out.txt"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "foederis", "app", "--no-token",
                                 "--port", str(port), "--dir", str(tmp_path)],
                                env=server_env(), stdout=out, stderr=subprocess.STDOUT)
    try:
        url = wait_for_app(port, proc, log, timeout=120)
        text = log.read_text()
        assert url == f"http://127.0.0.1:{port}/"
        assert "WARNING: --no-token" in text and str(tmp_path) in text
        assert text.index("WARNING") < text.index("the explorer is at")
        assert _get(url)[0] == 200  # no token asked for
        assert _get(url + READY_PATH.lstrip("/"), Host="evil.example")[0] == 403  # still
    finally:
        proc.send_signal(signal.SIGTERM)
        stop_server(proc)
    assert proc.returncode == 0


def test_app_refuses_a_missing_dir(tmp_path, capsys):
    pytest.importorskip("voila", reason="voila is not installed")
    assert main(["app", "--port", "0", "--dir", str(tmp_path / "nope")]) == 2
    assert "is not a folder" in capsys.readouterr().err


def test_app_refuses_an_unknown_world_and_stops_what_it_started(tmp_path, capsys, monkeypatch):
    pytest.importorskip("voila", reason="voila is not installed")
    from foederis_widgets import _cli

    started = []
    real = _cli.subprocess.Popen

    def popen(*args, **kwargs):
        started.append(real(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(_cli.subprocess, "Popen", popen)
    # the world is checked once the compile and the server are under way: both stop
    assert main(["app", "--port", "0", "--world", "atop:1066", "--dir", str(tmp_path)]) == 2
    assert "out of range" in capsys.readouterr().err
    assert len(started) == 2 and all(p.poll() is not None for p in started)
