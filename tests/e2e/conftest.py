"""Fixtures of the browser tests: Debian's Chromium driven by Playwright, a JupyterLab on 127.0.0.1.

The tests in this folder are marked ``e2e``: ``make unit`` leaves them out, ``make e2e`` installs
Chromium and Playwright and runs them (``make test`` and CI include ``make e2e``). Playwright never
downloads a browser here: it drives ``/usr/bin/chromium`` (Debian's package; ``MGC_CHROMIUM``
overrides the path). Screenshots go to ``test-output/e2e/`` (git-ignored; ``MGC_E2E_OUTPUT``
overrides it). Outside ``make e2e`` a missing Chromium or Playwright skips these tests with the
reason; under ``make e2e`` (``MGC_E2E_REQUIRED=1``) it fails them.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Iterator

import pytest

from labserver import running_lab

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
CHROMIUM = Path(os.environ.get("MGC_CHROMIUM", "/usr/bin/chromium"))
#: Switches headless Chromium needs on this kind of machine (root, no GPU, closed network).
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]
#: JupyterLab user settings for the test: every cell in the DOM (no virtual scrolling), no autosave,
#: no news or update checks (no network).
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
}


def _missing(what: str) -> None:
    if os.environ.get("MGC_E2E_REQUIRED", "").strip() not in ("", "0"):
        pytest.fail(f"{what} (make e2e installs it)", pytrace=False)
    pytest.skip(f"{what}: run `make e2e`, which installs it")


_USED: list[Path] = []  # the screenshot folder, once a test of this session asked for it


def _shots_path() -> Path:
    return Path(os.environ.get("MGC_E2E_OUTPUT", REPO / "test-output" / "e2e"))


@pytest.fixture(scope="session")
def shots_dir() -> Path:
    """Where the screenshots go (kept after the run, listed at the end of the test report)."""
    path = _shots_path()
    path.mkdir(parents=True, exist_ok=True)
    for old in path.glob("*.png"):  # only this run's pictures
        old.unlink()
    _USED.append(path)
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Debian Chromium under Playwright, with a fresh temporary profile."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        _missing(f"Chromium is not installed at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright Python package is not installed")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def lab_env() -> dict[str, str | None]:
    """The course's environment for the kernels: caches inside the repository as ``make`` sets them,
    and matplotlib's notebook backend (the unit tests' ``MPLBACKEND=Agg`` is dropped)."""
    cache = Path(os.environ.get("MGC_CACHE_DIR", REPO / ".cache"))
    env = {
        "MGC_CACHE_DIR": str(cache),
        "NUMBA_CACHE_DIR": os.environ.get("NUMBA_CACHE_DIR", str(cache / "numba")),
        "MPLCONFIGDIR": os.environ.get("MPLCONFIGDIR", str(cache / "matplotlib")),
        "KERAS_HOME": os.environ.get("KERAS_HOME", str(cache / "keras")),
        "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2"),
        "MPLBACKEND": None,  # tests/conftest.py sets Agg for the unit tests; Lab's kernels use the inline backend
    }
    return env


@pytest.fixture()
def lab_for(tmp_path, lab_env):
    """``with lab_for("01_….ipynb") as lab:`` runs JupyterLab on a copy of that course notebook in a fresh
    folder (the repository's file is never touched, even if Lab saved it), with the course's
    environment and :data:`LAB_SETTINGS`."""
    def start(name: str):
        folder = tmp_path / "notebooks"
        folder.mkdir(exist_ok=True)
        shutil.copy2(NOTEBOOKS / name, folder / name)
        return running_lab(folder, tmp_path, settings=LAB_SETTINGS, env=lab_env, timeout=90)
    return start


def pytest_terminal_summary(terminalreporter):
    for shots in _USED[:1]:
        terminalreporter.write_line(f"e2e screenshots: {shots}/ ({', '.join(sorted(p.name for p in shots.glob('*.png')))})")
