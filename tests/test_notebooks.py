"""Every notebook in notebooks/ (and the app's notebook) runs top to bottom in a real kernel.

Executed with nbclient, in memory (the files stay without outputs), with
``FOEDERIS_NB_QUICK=1`` so that 02_large_networks stops at 10^4 states, and without
MPLBACKEND in the kernel's environment (see ../shared/JUPYTER-TESTING.md).
"""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed")
nbclient = pytest.importorskip("nbclient", reason="nbclient is not installed")
pytest.importorskip("ipykernel", reason="ipykernel is not installed")

from conftest import server_env  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
APP = ROOT / "widgets" / "foederis_widgets" / "app.ipynb"


def test_there_are_four_notebooks_kept_without_outputs():
    names = [p.stem for p in NOTEBOOKS]
    for expected in ("01_what_if_explorer", "02_large_networks", "03_embedding_the_kernel",
                     "04_history"):
        assert expected in names
    for path in NOTEBOOKS + [APP]:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, (
                    f"{path.name}: commit notebooks without outputs")


@pytest.fixture(scope="module", autouse=True)
def warm_cache():
    """Compile once here (numba's on-disk cache), not in every notebook's kernel."""
    from conftest import _warm_numba_cache

    _warm_numba_cache()


def _run(path: Path, timeout: int) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=timeout, kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute(env=server_env(FOEDERIS_NB_QUICK="1", FOEDERIS_APP_DIR=str(path.parent)))
    return nb


def _text(nb: nbformat.NotebookNode) -> str:
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                out.append(o.get("text", ""))
            elif "data" in o:
                out.append(o["data"].get("text/plain", ""))
    return "\n".join(out)


@pytest.mark.timeout(300)
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path):
    nb = _run(path, timeout=240)
    text = _text(nb)
    if path.stem == "01_what_if_explorer":
        assert "now stay out: ['TUR']" in text
        assert "newly drawn in: [('USA', 'D')" in text
    if path.stem == "02_large_networks":
        assert "sizes: [1000, 10000]" in text  # the quick sizes in tests
    if path.stem == "04_history":
        assert "AUH -> YUG" in text


@pytest.mark.timeout(300)
def test_app_notebook_runs():
    nb = _run(APP, timeout=240)
    widget_views = [o for c in nb.cells for o in c.get("outputs", [])
                    if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert widget_views, "the app notebook should display the app"
