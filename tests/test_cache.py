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


def which_process(y: np.ndarray, sr: int) -> int:
    """A feature that says which process computed it."""
    import os

    return os.getpid()


def test_worker_processes_exit_soon_after_the_work(isolated_cache, table):
    import os
    import time

    import psutil

    feats = cache.track_features(table, kind=which_process, n_jobs=2, cache=False, progress=False)
    workers = {pid for pid in feats.arrays if pid != os.getpid()}
    assert workers, "the work ran in worker processes"
    deadline = time.monotonic() + cache.WORKER_IDLE_SECONDS + 20
    while time.monotonic() < deadline and any(psutil.pid_exists(p) for p in workers):
        time.sleep(0.2)
    assert not any(psutil.pid_exists(p) for p in workers), "idle workers must not keep their memory"


# --------------------------------------------------------------------------- features at scale (issue 3)
def _cache_entries(root: Path) -> int:
    """Number of distinct cached calls (one folder with an output.pkl per call)."""
    return len(list((root / "joblib").rglob("output.pkl")))


@pytest.fixture()
def table(files):
    return pd.DataFrame({
        "track_id": ["t0", "t1", "t2"], "path": [str(p) for p in files],
        "genre": ["a", "b", "a"], "artist": ["x", "y", "z"], "split": ["train", "train", "test"],
    })


def test_track_features_logmel_cache_key_covers_n_mels(isolated_cache, table):
    import librosa

    feats = cache.track_features(table, kind="logmel", n_jobs=1, progress=False, n_mels=64)
    assert len(feats) == 3 and feats.failures == {} and _cache_entries(isolated_cache) == 3
    assert feats.arrays[0].dtype == np.float16 and feats.arrays[0].shape == (64, 44)
    y, sr = librosa.load(path=table["path"][1], sr=22050)
    ref = librosa.power_to_db(librosa.feature.melspectrogram(y=y, sr=sr, n_mels=64), top_db=80.0)
    np.testing.assert_allclose(feats.arrays[1].astype(np.float32), ref, atol=0.05)

    again = cache.track_features(table, kind="logmel", n_jobs=1, progress=False, n_mels=64)
    assert _cache_entries(isolated_cache) == 3                      # touching nothing recomputes nothing
    np.testing.assert_array_equal(again.stack(), feats.stack())
    more = cache.track_features(table, kind="logmel", n_jobs=1, progress=False, n_mels=96)
    assert _cache_entries(isolated_cache) == 6                      # changing n_mels recomputes
    assert more.stack().shape == (3, 96, 44) and more.params["n_mels"] == 96


def test_track_features_other_kinds_and_failures(isolated_cache, table, tmp_path):
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"not audio at all")
    with_bad = pd.concat([table, pd.DataFrame({"track_id": ["b"], "path": [str(bad)], "genre": ["a"],
                                               "artist": ["w"], "split": ["valid"]})], ignore_index=True)
    with pytest.warns(UserWarning, match="bad.wav"):
        mf = cache.track_features(with_bad, kind="mfcc", n_jobs=1, progress=False, n_mfcc=13, seconds=0.5)
    assert list(mf.tracks["track_id"]) == ["t0", "t1", "t2"] and list(mf.failures) == [str(bad.resolve())]
    assert mf.tracks.attrs["failures"] == mf.failures
    assert mf.stack().shape == (3, 13, 22) and mf.arrays[0].dtype == np.float32
    peaks = cache.track_features(table, kind=peak_and_count, n_jobs=1, progress=False,
                                 log=str(tmp_path / "log"))
    assert peaks.stack().shape == (3,) and peaks.stack() == pytest.approx(0.5, abs=1e-3)
    with pytest.raises(ValueError, match="kind"):
        cache.track_features(table, kind="chromagram")
    short = cache.TrackFeatures(table, [np.ones((2, 5)), np.ones((2, 3))], {})
    assert short.stack().shape == (2, 2, 3) and short.stack(frames=6)[1, 0].tolist() == [1, 1, 1, 0, 0, 0]
    with pytest.raises(ValueError, match="no features"):
        cache.TrackFeatures(table.iloc[:0], [], {}).stack()


def test_summary_kind_matches_summary_features(isolated_cache, table):
    from mgc_helpers.features import SUMMARY_FEATURE_NAMES

    feats = cache.track_features(table.iloc[:1], kind="summary", n_jobs=1, progress=False)
    assert feats.stack().shape == (1, len(SUMMARY_FEATURE_NAMES)) and np.isfinite(feats.stack()).all()


def where_am_i(y: np.ndarray, sr: int, *, scale: float = 1.0) -> tuple[str, float]:
    """A feature that says which Dask worker computed it (fails outside a Dask worker)."""
    from distributed import get_worker

    return get_worker().address, float(np.max(np.abs(y)) * scale)


def test_same_extraction_runs_on_a_dask_cluster(isolated_cache, table):
    distributed = pytest.importorskip("distributed", reason="dask[distributed] is an optional dependency")
    import joblib

    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        with joblib.parallel_backend("dask"):
            feats = cache.track_features(table, kind=where_am_i, progress=False, scale=2.0)
            logmel = cache.track_features(table, kind="logmel", progress=False, n_mels=16)
        workers = set(client.scheduler_info()["workers"])
    assert {addr for addr, _ in feats.arrays} <= workers and len(feats) == 3
    assert [v for _, v in feats.arrays] == pytest.approx([1.0] * 3, abs=2e-3)
    assert logmel.stack().shape == (3, 16, 44)
    local = cache.track_features(table, kind="logmel", n_jobs=1, progress=False, n_mels=16)
    np.testing.assert_array_equal(local.stack(), logmel.stack())   # same cache entries, same numbers


# --------------------------------------------------------------------------- cache keys and folders (issue 14)
def test_editing_a_feature_function_recomputes(isolated_cache, files, tmp_path, monkeypatch):
    import importlib
    import sys

    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    monkeypatch.syspath_prepend(str(tmp_path))
    module = tmp_path / "my_feature_mod.py"
    module.write_text("def my_feature(y, sr):\n    return 1.0\n")
    mod = importlib.import_module("my_feature_mod")
    first, _ = cache.extract(files[:1], mod.my_feature, n_jobs=1, progress=False)
    module.write_text("def my_feature(y, sr):\n    return 2.0 * 1\n")       # same name, new body
    mod = importlib.reload(mod)
    edited, _ = cache.extract(files[:1], mod.my_feature, n_jobs=1, progress=False)
    assert first == [1.0] and edited == [2.0]
    again, _ = cache.extract(files[:1], mod.my_feature, n_jobs=1, progress=False)
    assert again == [2.0] and _cache_entries(isolated_cache) == 2          # unchanged code: a cache hit
    monkeypatch.delitem(sys.modules, "my_feature_mod")


def weighted_sum(y: np.ndarray, sr: int, *, w: np.ndarray) -> float:
    """A feature with an array parameter."""
    return float(np.sum(w))


def test_array_parameters_are_keyed_by_value_not_repr(isolated_cache, files):
    a = np.zeros(5000)
    b = a.copy()
    b[1234] = 1.0
    assert repr(a) == repr(b)                                           # the old repr key confused them
    ra, _ = cache.extract(files[:1], weighted_sum, n_jobs=1, progress=False, w=a)
    rb, _ = cache.extract(files[:1], weighted_sum, n_jobs=1, progress=False, w=b)
    assert ra == [0.0] and rb == [1.0]


def test_content_identity_sees_a_file_swapped_with_the_same_size_and_time(isolated_cache, files, tmp_path):
    log = tmp_path / "calls.log"
    target = files[0]
    st = target.stat()
    for identity in ("stat", "content"):
        cache.extract([target], peak_and_count, n_jobs=1, progress=False, identity=identity, log=str(log))
    swapped = tmp_path / "other.wav"
    t = np.arange(22050) / 22050
    sf.write(swapped, 0.25 * np.sin(2 * np.pi * 500.0 * t), 22050, subtype="PCM_16")   # same length: same size
    os.replace(swapped, target)
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert target.stat().st_size == st.st_size and target.stat().st_mtime_ns == st.st_mtime_ns
    calls = _count(log)
    stale, _ = cache.extract([target], peak_and_count, n_jobs=1, progress=False, log=str(log))
    assert stale == pytest.approx([0.5], abs=1e-3) and _count(log) == calls          # "stat" is fooled (documented)
    fresh, _ = cache.extract([target], peak_and_count, n_jobs=1, progress=False, identity="content", log=str(log))
    assert fresh == pytest.approx([0.25], abs=1e-3) and _count(log) == calls + 1
    assert cache.file_identity(target, identity="content")[2] != cache.file_identity(files[1], identity="content")[2]
    with pytest.raises(ValueError, match="identity"):
        cache.extract([target], peak_and_count, n_jobs=1, progress=False, identity="mtime", log=str(log))


def test_content_identity_is_recorded_in_the_track_features(isolated_cache, table):
    feats = cache.track_features(table, kind="logmel", n_jobs=1, progress=False, n_mels=16, identity="content")
    assert feats.params["identity"] == "content" and isinstance(feats.params["files"], str)
    assert "identity" not in cache.track_features(table, kind="logmel", n_jobs=1, progress=False, n_mels=16).params


def test_a_cache_folder_under_a_regular_file_runs_uncached_with_one_warning(files, tmp_path, monkeypatch):
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a regular file")
    monkeypatch.setenv("MGC_CACHE_DIR", str(blocker / "cache"))
    log = tmp_path / "calls.log"
    with pytest.warns(UserWarning, match="not_a_folder") as caught:
        results, failures = cache.extract(files, peak_and_count, n_jobs=1, progress=False, log=str(log))
    assert len([w for w in caught if "cache folder" in str(w.message)]) == 1
    assert failures == {} and results == pytest.approx([0.5] * 3, abs=1e-3) and _count(log) == 3


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can write into read-only folders")
def test_a_read_only_cache_folder_runs_uncached_with_one_warning(files, tmp_path, monkeypatch):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    monkeypatch.setenv("MGC_CACHE_DIR", str(folder))
    try:
        with pytest.warns(UserWarning, match=str(folder)) as caught:
            results, failures = cache.extract(files, peak_and_count, n_jobs=1, progress=False,
                                              log=str(tmp_path / "calls.log"))
    finally:
        folder.chmod(0o755)
    assert len([w for w in caught if "cache folder" in str(w.message)]) == 1 and failures == {}
    assert results == pytest.approx([0.5] * 3, abs=1e-3)


def test_a_read_only_cache_folder_is_detected_by_a_write_probe(files, tmp_path, monkeypatch):
    """The same fallback as root sees it: the probe write fails (simulated), the work runs uncached."""
    monkeypatch.setenv("MGC_CACHE_DIR", str(tmp_path / "cache"))
    real_write = Path.write_bytes

    def read_only(self, data):
        if self.name.startswith(".write-test"):
            raise PermissionError(13, "Permission denied", str(self))
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", read_only)
    with pytest.warns(UserWarning, match=r"cache.joblib") as caught:
        results, failures = cache.extract(files[:1], peak_and_count, n_jobs=1, progress=False,
                                          log=str(tmp_path / "calls.log"))
    assert len(caught) == 1 and failures == {} and results == pytest.approx([0.5], abs=1e-3)
    assert not any((tmp_path / "cache" / "joblib").rglob("output.pkl"))


def test_editing_a_module_the_feature_function_calls_into_changes_the_key(tmp_path, monkeypatch):
    """A feature computed by old code is never served after the code changed, even two modules away."""
    for name in ("config", "audio", "fourier", "features", "classical"):
        (tmp_path / f"{name}.py").write_text(f"# {name} v1\n")
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "cnn.py").write_text("# v1\n")
    monkeypatch.setattr(cache, "__file__", str(tmp_path / "cache.py"))

    def feature(y, sr):
        return y

    feature.__module__ = "mgc_helpers.classical"
    key = cache._feature_key(feature, 22050, {})
    assert [m for m, _ in cache._package_sources(feature)] == ["audio", "classical", "config", "features", "fourier"]
    assert cache._feature_key(feature, 22050, {}) == key                      # stable: read from the files
    (tmp_path / "features.py").write_text("# features v2: a helper it calls was edited\n")
    key2 = cache._feature_key(feature, 22050, {})
    assert key2 != key
    (tmp_path / "classical.py").write_text("# classical v2\n")
    key3 = cache._feature_key(feature, 22050, {})
    assert key3 not in (key, key2)
    (tmp_path / "models" / "cnn.py").write_text("# v2\n")                     # a module it never names
    assert cache._feature_key(feature, 22050, {}) == key3
