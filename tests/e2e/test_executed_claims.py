"""No markdown cell states a number that its notebook's run printed (issue 17: claims are computed).

A sentence about *this run's* numbers is printed by code from the results; markdown speaks of literature
numbers and of expectations, with ranges. This test reads the executed copies that ``make book`` keeps
(``build/book/executed``, ``MGC_EXECUTED_DIR`` overrides it) and, for every notebook, compares the
percentages and ratios (``85 %``, ``2.5 %``, ``47×``) written in its markdown with those its outputs
printed: a value in both is a number of this run copied by hand into prose, which goes stale on the next
machine. Values that markdown may share with the outputs are listed below with their reason: the reports'
published results (``mgc_helpers.literature``), a report's set-up that the code reuses as a parameter.

Marked ``e2e`` because it needs the built site's executed copies: it runs in ``make test`` after
``make book``; without them it is skipped with the reason, and with ``MGC_SITE_REQUIRED=1`` it fails.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
EXECUTED = Path(os.environ.get("MGC_EXECUTED_DIR", REPO / "build" / "book" / "executed"))
#: A percentage or a ratio as prose and f-strings write them: "85 %", "85%", "2.5 %", "47×", "47x fewer".
NUMBER = re.compile(r"(?<![\w.,])(\d+(?:\.\d+)?)\s?(%|×|x(?= (?:fewer|more|smaller|larger|faster|slower)))")
#: A range ("55–65 %", "55-65 %", "55 to 65 %"): an expectation, which markdown is there to state.
RANGE = re.compile(r"\d+(?:\.\d+)?\s?%?\s?(?:–|-|to)\s?\d+(?:\.\d+)?\s?%")
#: Values markdown may share with the outputs, per notebook ("*": every notebook), each with its reason.
ALLOWED: dict[str, dict[str, str]] = {
    "*": {
        "0 %": "a bound, not a result",
        "100 %": "a bound (an accuracy cannot exceed it), not a result",
        "95 %": "the confidence level of every interval",
        "50 %": "a bound or a share used in explanations",
    },
    "03": {"76 %": "report 004's explained variance, used as the TARGET_VARIANCE parameter"},
    "04": {"69 %": "report 002's feed-forward network: its training score", "45 %": "report 002's test score"},
    "09": {"67 %": "report 003's largest-cluster accuracy, printed beside this run's in the comparison table"},
}


def _literature() -> set[float]:
    from mgc_helpers import literature

    values = {round(100 * float(a), 2) for a in literature.table()["accuracy"]}
    return values | {round(v, 1) for v in values} | {round(v) for v in values}


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else str(source)


def _values(text: str) -> set[str]:
    """Normalised tokens: "85.0 %" and "85%" are both "85 %"; ratios end in "×"."""
    out = set()
    for number, unit in NUMBER.findall(text):
        value = float(number)
        shown = f"{value:g}"
        out.add(f"{shown} {'%' if unit == '%' else '×'}")
    return out


def _printed(cell: dict) -> str:
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append(_text(output.get("text", "")))
        else:
            parts.append(_text(output.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


def _executed() -> list[Path]:
    found = sorted(EXECUTED.glob("[0-9][0-9]_*.ipynb"))
    if not found:
        message = f"no executed notebooks in {EXECUTED}: run `make book` first"
        if os.environ.get("MGC_SITE_REQUIRED", "").strip() not in ("", "0"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return found


def shared_numbers(nb: dict, number: str, literature: set[float]) -> dict[str, list[int]]:
    """The values both a markdown cell and an output of ``nb`` state: value -> markdown cell indices."""
    cells = nb["cells"]
    printed = set().union(*[_values(_printed(c)) for c in cells if c["cell_type"] == "code"])
    allowed = {**ALLOWED["*"], **ALLOWED.get(number, {})}
    hits: dict[str, list[int]] = {}
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "markdown":
            continue
        for value in _values(RANGE.sub(" ", _text(cell["source"]))) & printed:
            if value in allowed or (value.endswith("%") and float(value[:-2]) in literature):
                continue
            hits.setdefault(value, []).append(i)
    return hits


def test_the_check_finds_a_copied_number_and_spares_literature_and_bounds():
    nb = {"cells": [
        {"cell_type": "markdown", "source": ["The CNN reaches 85 % here, report 000 claimed 99.88 %, at most 100 %."]},
        {"cell_type": "code", "source": "", "outputs": [
            {"output_type": "stream", "name": "stdout", "text": "cnn: 85.0% (72.1 % to 93.0 %)\n99.88 %\n100 %"}]},
        {"cell_type": "markdown", "source": "It has 47× fewer parameters; 47 x fewer; 3 x 3 kernels; expect 55–93 %"},
        {"cell_type": "code", "source": "", "outputs": [
            {"output_type": "execute_result", "data": {"text/plain": "'47x fewer parameters'"}}]},
    ]}
    assert shared_numbers(nb, "05", _literature()) == {"85 %": [0], "47 ×": [2]}


def test_no_markdown_cell_states_a_number_its_run_printed():
    literature = _literature()
    problems = []
    for path in _executed():
        nb = json.loads(path.read_text(encoding="utf-8"))
        for value, cells in shared_numbers(nb, path.name[:2], literature).items():
            problems.append(f"{path.name}: markdown cell(s) {cells} state {value!r}, which the run printed: "
                            "print the sentence from the results, or state an expectation with a range")
    assert not problems, "\n".join(problems)
