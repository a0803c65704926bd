"""pytest plugin: nbval's own execution of each notebook, written out as an executed copy (issue 20).

``make book`` runs the notebooks once, under nbval (the same ``--nbval-lax`` check as
``make notebooks``), and this plugin keeps what nbval saw: every code cell gets the outputs
nbval collected from the kernel and an execution count, and the notebook is written to
``--executed-to DIR`` when its last cell has run (atomically: temporary file + ``os.replace``).
The site (``docs/site/build.py``) reads those copies instead of running the notebooks again.

The copy's metadata ``mgc_executed`` records ``{"by": "nbval", "failed": [cell numbers]}``;
a copy with a failed cell is still written (it shows the error) and the site refuses it.
Widgets are not rendered by nbval (it ignores comm messages): their outputs keep the
widget-view reference and ``text/plain`` only, and the site replaces them by a note.

Load it with ``PYTHONPATH=docs/site/_ext pytest -p nbval_executed --executed-to DIR --nbval-lax notebooks``.
"""
from __future__ import annotations

import copy
import os
from pathlib import Path

import pytest


def pytest_addoption(parser):
    parser.addoption("--executed-to", metavar="DIR", default=None,
                     help="write each notebook nbval ran, with its outputs, into DIR (the site reads them)")


def _is_cell(item) -> bool:
    return type(item).__name__ == "IPyNbCell" and hasattr(item, "cell")


def _target(config) -> Path | None:
    value = config.getoption("executed_to")
    return Path(value) if value else None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    if call.when != "call" or not _is_cell(item) or _target(item.config) is None:
        return
    report = outcome.get_result()
    nb_file = item.parent
    state = nb_file.__dict__.setdefault("_mgc_executed", {"count": 0, "failed": []})
    if item.test_outputs is not None:  # None: skipped by nbval (nbval-skip), stays unrun
        state["count"] += 1
        outputs = copy.deepcopy(item.test_outputs)
        for out in outputs:
            if out.get("output_type") == "execute_result":
                out["execution_count"] = state["count"]
        item.cell["outputs"] = outputs
        item.cell["execution_count"] = state["count"]
    if report.failed:
        state["failed"].append(item.cell_num)


def pytest_runtest_teardown(item, nextitem):
    target = _target(item.config)
    if target is None or not _is_cell(item):
        return
    if nextitem is not None and getattr(nextitem, "parent", None) is item.parent:
        return  # not the notebook's last cell yet
    import nbformat

    nb_file = item.parent
    state = nb_file.__dict__.get("_mgc_executed", {"count": 0, "failed": []})
    nb = nb_file.nb
    nb.metadata["mgc_executed"] = {"by": "nbval", "failed": list(state["failed"])}
    target.mkdir(parents=True, exist_ok=True)
    path = target / Path(str(nb_file.fspath)).name
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    nbformat.write(nb, str(tmp))
    os.replace(tmp, path)
