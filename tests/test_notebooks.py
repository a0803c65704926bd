"""Every committed notebook follows the course frame and is stored without outputs.

(The notebooks themselves are executed end to end by ``pytest --nbval-lax notebooks``.)
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mgc_helpers import config

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
IDS = [nb.name for nb in NOTEBOOKS]


def _cells(nb_path: Path) -> list[dict]:
    return json.loads(nb_path.read_text())["cells"]


def _src(cell: dict) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def test_the_foundation_notebooks_exist():
    names = {nb.name for nb in NOTEBOOKS}
    assert {"01_audio_basics_fourier.ipynb", "02_mel_mfcc_features.ipynb"} <= names


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=IDS)
def test_stored_without_outputs(nb):
    for cell in _cells(nb):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{nb.name}: a code cell has outputs"
            assert cell.get("execution_count") is None, f"{nb.name}: a code cell has an execution count"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=IDS)
def test_title_badge_setup_and_parameters(nb):
    cells = _cells(nb)
    title = _src(cells[0])
    assert cells[0]["cell_type"] == "markdown" and title.startswith(f"# {nb.name[:2]}")
    assert f"]({config.colab_url(nb.name)})" in title, "Colab badge missing or pointing elsewhere"
    setup = [c for c in cells if "setup" in c.get("metadata", {}).get("tags", [])]
    assert len(setup) == 1 and _src(setup[0]) == config.colab_setup_source()
    params = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(params) == 1 and re.search(r'^DATASET = "toy"', _src(params[0]), re.M)


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=IDS)
def test_teaching_frame(nb):
    text = "\n".join(_src(c) for c in _cells(nb) if c["cell_type"] == "markdown")
    for heading in ("Learning objectives", "Summary", "Further reading"):
        assert re.search(rf"^#+ .*{heading}", text, re.M), f"{nb.name}: no '{heading}' section"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=IDS)
def test_at_least_two_auto_checked_exercises(nb):
    code = [c for c in _cells(nb) if c["cell_type"] == "code"]
    n_checked = 0
    for i, cell in enumerate(code):
        src = _src(cell)
        if "### BEGIN SOLUTION" in src:
            assert src.index("### BEGIN SOLUTION") < src.index("### END SOLUTION")
            following = "\n".join(_src(c) for c in code[i + 1: i + 3])
            if "mgc.checks.check_" in following:
                n_checked += 1
    assert n_checked >= 2, f"{nb.name}: {n_checked} auto-checked exercises"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=IDS)
def test_no_helpers_defined_outside_exercise_solutions(nb):
    for cell in _cells(nb):
        if cell["cell_type"] != "code":
            continue
        src = re.sub(r"### BEGIN SOLUTION.*?### END SOLUTION", "", _src(cell), flags=re.S)
        # the function header of an exercise sits just above its solution block
        src = re.sub(r"^def \w+\(.*\):\s*\n(\s*(\"\"\"|#).*\n)*(?=\s*$)", "", src, flags=re.M)
        assert not re.search(r"^\s*(def|class) ", src, re.M), f"{nb.name}: helper defined in a cell:\n{src}"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=IDS)
def test_listed_in_readme(nb):
    assert nb.name in (REPO / "README.md").read_text()
