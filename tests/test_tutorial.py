"""The tutorial notebook runs, cell by cell, on a small cohort (issue 14)."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = ROOT / "docs" / "tutorial.md"


@pytest.mark.slow
def test_the_tutorial_notebook_runs_without_an_error(tmp_path, monkeypatch):
    import jupytext
    from nbclient import NotebookClient

    notebook = jupytext.read(TUTORIAL)
    assert len([c for c in notebook.cells if c.cell_type == "code"]) >= 10
    monkeypatch.setenv("TUTORIAL_SURVIVORS", "300")
    monkeypatch.setenv("TUTORIAL_MONTHS", "36")
    monkeypatch.setenv("TUTORIAL_RESULTS", str(tmp_path / "results"))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()  # raises CellExecutionError, with the cell and its traceback, on any error
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any(
        "keeps the most" in o.get("text", "") or "Re-trafficking" in o.get("text", "")
        for o in outputs
    ), "the figure's title was printed"
    assert (tmp_path / "results" / "figures" / "curves.png").is_file()
