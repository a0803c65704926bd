"""The one table of published numbers: honest rows first, every row explained, report 000 flagged as leaky."""
from __future__ import annotations

import subprocess
import sys

import pytest

from mgc_helpers import literature


def test_table_has_every_row_honest_ones_first():
    table = literature.table()
    assert list(table.columns) == list(literature.COLUMNS) and len(table) == len(literature.RESULTS)
    assert table["honest"].dtype == bool
    honest = table["honest"].to_numpy()
    assert honest[: honest.sum()].all() and not honest[honest.sum():].any()  # honest block first
    for _, block in table.groupby("honest"):
        assert block["accuracy"].is_monotonic_decreasing
    assert table.loc[0, "accuracy"] == pytest.approx(0.821)


def test_honest_means_gtzan_fault_filtered_test_split():
    for row in literature.RESULTS:
        assert row.honest == ("fault-filtered" in row.dataset and row.split == "test"), row
        assert 0.0 < row.accuracy <= 1.0 and row.source and row.meaning


def test_seed_claims_are_in_the_same_table():
    table = literature.table()
    report000 = table[table["source"] == "report 000"].iloc[0]
    assert report000["accuracy"] == pytest.approx(0.9988) and not report000["honest"] and "leaky" in report000["meaning"]
    assert {"report 000", "report 001", "report 002", "report 003", "report 004"} <= set(table["source"])
    musicnn = table[table["system"].str.startswith("musicnn (MSD)")].iloc[0]
    assert musicnn["accuracy"] == pytest.approx(0.772) and musicnn["honest"]


def test_the_module_is_pure_data():
    code = ("import sys, mgc_helpers.literature as m; "
            "print(any(k in sys.modules for k in ('pandas', 'numpy', 'tensorflow')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
