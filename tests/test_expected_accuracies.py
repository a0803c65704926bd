"""benchmarks/expected_accuracies.py (issue 17): the guide's "accuracies to expect" table comes from a recorded run.

A small synthetic results log in tmp_path, written with the package's own ``evaluation.record``; the table is
written between the markers of a small guide, its intervals are the Wilson intervals of the recorded test
sizes, ``--check`` passes on a fresh table and fails on a stale one.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from mgc_helpers import evaluation

REPO = Path(__file__).resolve().parents[1]


def _load():
    spec = importlib.util.spec_from_file_location("mgc_expected_accuracies", REPO / "benchmarks" /
                                                  "expected_accuracies.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


ea = _load()
GUIDE = f"# Guide\n\n## Accuracies to expect\n\nBefore.\n\n{ea.START}\nold typed table\n{ea.END}\n\nAfter.\n"


@pytest.fixture()
def log(tmp_path):
    path = tmp_path / "results" / "results_log.csv"
    evaluation.record("random_forest", {"clip_accuracy": 33 / 40}, notebook=3, dataset="toy", split="artist",
                      features="summary", n_test=40, notes="300 trees", path=path)
    evaluation.record("recommended_cnn", {"clip_accuracy": 34 / 40}, notebook=5, dataset="toy", split="artist",
                      features="logmel", n_test=40, notes="15 epochs | vote", path=path)
    evaluation.record("leak_random", {"clip_accuracy": 0.97}, notebook=3, dataset="toy", split="random",
                      features="summary", notes="mean over seeds", path=path)
    evaluation.record("report000_cnn", {"clip_accuracy": 0.5}, notebook=5, dataset="gtzan", split="artist",
                      features="logmel", n_test=290, path=path)
    # a later run of the forest: only the newest row of a model is shown
    evaluation.record("random_forest", {"clip_accuracy": 32 / 40}, notebook=3, dataset="toy", split="artist",
                      features="summary", n_test=40, notes="300 trees", path=path)
    return path


def _rows(block: str) -> dict[str, list[str]]:
    rows = [line.strip("|").split(" | ") for line in block.splitlines() if line.startswith("| ")]
    return {r[0].strip(): [c.strip() for c in r] for r in rows[1:]}


def test_table_from_a_recorded_run_with_wilson_intervals(log):
    block = ea.table_block(evaluation.read_results(path=log), dataset="toy")
    rows = _rows(block)
    assert list(rows) == ["leak_random", "random_forest", "recommended_cnn"]  # by notebook, then model; no gtzan
    forest, cnn, leak = rows["random_forest"], rows["recommended_cnn"], rows["leak_random"]
    assert forest[4] == "80.0 %"  # the newest of the forest's two rows
    ci = evaluation.accuracy_interval(34, 40)
    assert cnn[4] == "85.0 %" and cnn[5] == f"{100 * ci.low:.1f}–{100 * ci.high:.1f} %" == "70.9–92.9 %"
    assert cnn[6] == "40" and cnn[7] == "15 epochs \\| vote"  # a | in the notes does not break the table
    assert leak[5] == "—" and leak[6] == "—"  # no test size recorded: no interval is invented
    assert "dataset `toy`, 3 models from notebook(s) 03, 05, recorded 20" in block and "UTC" in block


def test_interval_computed_from_n_test_when_the_log_has_no_bounds(log):
    results = evaluation.read_results(path=log)
    results.loc[results["model"] == "recommended_cnn", ["clip_accuracy_low", "clip_accuracy_high"]] = float("nan")
    rows = _rows(ea.table_block(results, dataset="toy"))
    assert rows["recommended_cnn"][5] == "70.9–92.9 %"


def test_write_then_check_then_stale(log, tmp_path, capsys):
    guide = tmp_path / "GUIDE.md"
    guide.write_text(GUIDE, encoding="utf-8")
    args = ["--log", str(log), "--guide", str(guide)]
    assert ea.main([*args, "--check"]) == 1  # the typed table is stale
    assert "stale" in capsys.readouterr().err
    assert guide.read_text(encoding="utf-8") == GUIDE  # --check changes nothing
    assert ea.main(args) == 0
    text = guide.read_text(encoding="utf-8")
    assert "old typed table" not in text and text.startswith("# Guide\n") and text.endswith("\n\nAfter.\n")
    assert "| recommended_cnn | 05 |" in text
    assert ea.main([*args, "--check"]) == 0
    evaluation.record("gru", {"clip_accuracy": 17 / 40}, notebook=6, dataset="toy", split="artist",
                      features="mfcc", n_test=40, path=log)
    assert ea.main([*args, "--check"]) == 1  # a new run makes the table stale
    assert ea.main(args) == 0 and "| gru | 06 |" in guide.read_text(encoding="utf-8")


def test_no_log_leaves_a_note_and_bad_markers_are_an_error(tmp_path, capsys):
    guide = tmp_path / "GUIDE.md"
    guide.write_text(GUIDE, encoding="utf-8")
    assert ea.main(["--log", str(tmp_path / "none.csv"), "--guide", str(guide)]) == 0
    text = guide.read_text(encoding="utf-8")
    assert "No recorded run on the `toy` data" in text and "python benchmarks/expected_accuracies.py" in text
    assert ea.main(["--log", str(tmp_path / "none.csv"), "--guide", str(guide), "--check"]) == 0
    guide.write_text("no markers here\n", encoding="utf-8")
    assert ea.main(["--log", str(tmp_path / "none.csv"), "--guide", str(guide)]) == 2
    assert "needs exactly one" in capsys.readouterr().err
    with pytest.raises(ValueError, match="exactly one"):
        ea.replace_block(f"{ea.END}\n{ea.START}\n", "x")


def test_the_guide_holds_one_generated_block():
    """docs/INSTRUCTORS.md has the markers once, in order, and between them only what the script writes (a table
    from a recorded run, or the note saying there is none): no typed accuracies."""
    text = (REPO / "docs" / "INSTRUCTORS.md").read_text(encoding="utf-8")
    assert text.count(ea.START) == 1 and text.count(ea.END) == 1 and text.index(ea.START) < text.index(ea.END)
    block = text[text.index(ea.START) + len(ea.START):text.index(ea.END)].strip()
    assert block.startswith(f"Generated by `{ea.COMMAND}` from the results log") or \
        block.startswith("*No recorded run on the"), block[:200]
    assert ea.replace_block(text, block) == text  # the block round-trips: the script can always rewrite it
