"""Sentences about a run's results that were written by hand stay out of the notebooks' markdown (issue 17).

Each phrase below once stated, in markdown, a result of the run that the run did not bear out (a tie called
"ahead", "a hundred times fewer" where 47× was printed). Such sentences are now printed by code from the
results and their intervals (``mgc_helpers.evaluation.verdict``, ``accuracy_interval``, ``repeat_over_seeds``);
this test keeps them from coming back as prose. ``tests/e2e/test_executed_claims.py`` checks the numbers of
every executed notebook.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))
#: (notebook number, a hand-written claim about the run's results that must be computed instead)
RETIRED = [
    ("04", r"hundred times fewer"),
    ("05", r"hundreds of\s+times fewer"),
    ("04", r"\(nearly\) 100\s?%"),
    ("07", r"land within a few points"),
    ("09", r"SEM and MFCC (behave|affinities) alike"),
    ("09", r"SEM is ~ ?0 for a window against itself"),
    ("09", r"\bas here\b"),
]


def _markdown(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [" ".join("".join(c["source"]).split()) for c in cells if c["cell_type"] == "markdown"]


@pytest.mark.parametrize("number, phrase", RETIRED, ids=[f"{n}-{p[:20]}" for n, p in RETIRED])
def test_retired_hand_written_claims_stay_out_of_markdown(number, phrase):
    (path,) = [p for p in NOTEBOOKS if p.name.startswith(number)]
    found = [t for t in _markdown(path) if re.search(phrase, t, flags=re.IGNORECASE)]
    assert not found, f"{path.name}: a hand-written claim about the run is back in markdown ({phrase!r})"

