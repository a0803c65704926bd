"""Shared test set-up: headless matplotlib, caches in a temporary folder, the ../shared folder."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

REPO = Path(__file__).resolve().parents[1]
#: Material for tests that must never be copied into the repository (GTZAN has no licence).
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The ``../shared`` folder beside the checkout (CI and developers have it; students do not)."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside this checkout (only developers and CI have it)")
    return SHARED


@pytest.fixture()
def isolated_cache(tmp_path, monkeypatch) -> Path:
    """Point the course's cache root at a fresh temporary folder."""
    path = tmp_path / "cache"
    monkeypatch.setenv("MGC_CACHE_DIR", str(path))
    return path
