from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import soundfile as sf

from mgc_helpers import cache



def peak_and_count(y: np.ndarray, sr: int, *, scale: float = 1.0, log: str) -> float:
    """A module-level feature that records each real computation in ``log``."""
    with open(log, "a") as fh:
        fh.write("x")
    return float(np.max(np.abs(y)) * scale)


def _write(path: Path, freq: float, sr: int = 22050) -> Path:
    t = np.arange(sr) / sr
    sf.write(path, 0.5 * np.sin(2 * np.pi * freq * t), sr, subtype="PCM_16")
    return path


@pytest.fixture()
def files(tmp_path):
    return [_write(tmp_path / f"a{i}.wav", 220.0 * (i + 1)) for i in range(3)]


def _count(log: Path) -> int:
    return len(log.read_text()) if log.exists() else 0


def test_cache_reuses_results_and_recomputes_on_change(isolated_cache, files, tmp_path):
    log = tmp_path / "calls.log"
    first, failures = cache.extract(files, peak_and_count, n_jobs=1, progress=False, log=str(log))
    assert failures == {} and _count(log) == 3
    assert first == pytest.approx([0.5] * 3, abs=1e-3)

    again, _ = cache.extract(files, peak_and_count, n_jobs=1, progress=False, log=str(log))
    assert again == first and _count(log) == 3          # nothing touched: nothing recomputed

    scaled, _ = cache.extract(files, peak_and_count, n_jobs=1, progress=False, log=str(log), scale=2.0)
    assert scaled == pytest.approx([1.0] * 3, abs=2e-3) and _count(log) == 6  # a parameter changed

    _write(files[0], 440.0)
    os.utime(files[0], ns=(1, 1))                      # a different file identity
    cache.extract(files, peak_and_count, n_jobs=1, progress=False, log=str(log))
    assert _count(log) == 7                            # only the edited file is recomputed


def test_cache_can_be_bypassed_and_cleared(isolated_cache, files, tmp_path):
    log = tmp_path / "calls.log"
    cache.extract(files[:1], peak_and_count, n_jobs=1, progress=False, cache=False, log=str(log))
    cache.extract(files[:1], peak_and_count, n_jobs=1, progress=False, cache=False, log=str(log))
    assert _count(log) == 2
    cache.extract(files[:1], peak_and_count, n_jobs=1, progress=False, log=str(log))
    assert any((isolated_cache / "joblib").rglob("output.pkl"))
    cache.clear()
    assert not any((isolated_cache / "joblib").rglob("output.pkl"))


def test_failures_are_reported_per_file(isolated_cache, files, tmp_path):
    bad = tmp_path / "notes.wav"
    bad.write_text("this is not audio")
    missing = tmp_path / "missing.wav"
    log = tmp_path / "calls.log"
    results, failures = cache.extract([files[0], bad, missing], peak_and_count, n_jobs=1,
                                      progress=False, log=str(log))
    assert results[0] == pytest.approx(0.5, abs=1e-3) and results[1] is None and results[2] is None
    assert set(failures) == {str(bad.resolve()), str(missing)}
    assert "notes.wav" in failures[str(bad.resolve())]


def test_file_identity_changes_with_content(tmp_path):
    f = _write(tmp_path / "x.wav", 330.0)
    ident = cache.file_identity(f)
    assert ident[0] == str(f.resolve()) and ident[1] == f.stat().st_size
    os.utime(f, ns=(5, 5))
    assert cache.file_identity(f) != ident


def test_summary_table_in_parallel(isolated_cache, files, tmp_path):
    from mgc_helpers.features import SUMMARY_FEATURE_NAMES

    bad = tmp_path / "broken.wav"
    bad.write_bytes(b"RIFF0000WAVEjunk")
    tracks = pd.DataFrame({
        "track_id": ["t0", "t1", "t2", "bad"],
        "path": [str(p) for p in files] + [str(bad)],
        "genre": ["a", "b", "a", "b"],
        "artist": ["x", "y", "z", "y"],
    })
    with pytest.warns(UserWarning, match="broken.wav"):
        table = cache.summary_table(tracks, n_jobs=2, progress=False)
    assert list(table.index) == ["t0", "t1", "t2"]
    assert list(table.columns) == ["genre", "artist", *SUMMARY_FEATURE_NAMES]
    assert np.isfinite(table[list(SUMMARY_FEATURE_NAMES)].to_numpy()).all()
    assert list(table.attrs["failures"]) == [str(bad.resolve())]
