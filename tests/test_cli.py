from __future__ import annotations

import subprocess
import sys

import pandas as pd

from mgc_helpers.__main__ import main


def test_info_prints_locations(capsys, isolated_cache, tmp_path, monkeypatch):
    monkeypatch.setenv("MGC_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "data" / "toy").mkdir(parents=True)
    (tmp_path / "data" / "toy" / "a.bin").write_bytes(b"0" * 2_000_000)
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert str(tmp_path / "data") in out and str(isolated_cache) in out
    assert "toy" in out and "2.0 MB" in out


def test_toy_command_generates_the_dataset(tmp_path, monkeypatch, capsys):
    import mgc_helpers.toy as toy

    calls = []

    def fake_ensure(root, **options):
        calls.append(root)
        return pd.DataFrame({"track_id": ["a", "b"], "genre": ["rock", "rock"]})

    monkeypatch.setattr(toy, "ensure_toy_dataset", fake_ensure)
    (tmp_path / "toy").mkdir()
    (tmp_path / "toy" / "metadata.csv").write_text("x")
    assert main(["toy", "--root", str(tmp_path / "toy"), "--force"]) == 0
    assert calls == [tmp_path / "toy"] and not (tmp_path / "toy" / "metadata.csv").exists()
    assert "2 tracks" in capsys.readouterr().out


def test_module_entry_point_help():
    out = subprocess.run([sys.executable, "-m", "mgc_helpers", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "toy" in out.stdout and "warm" in out.stdout


# --------------------------------------------------------------------------- issue 3: download, features, info
def test_download_command_uses_the_table_and_reports_failures(tmp_path, monkeypatch, capsys):
    from archive_fixtures import gtzan_files, gtzan_table
    from httpserver import Route, serve
    from mgc_helpers.datasets import remotes

    files = gtzan_files()
    routes = {p: Route(d) for p, d in files.items()}
    with serve(routes, max_requests=10) as server:
        monkeypatch.setattr(remotes, "REMOTES", gtzan_table(files, base=server.url("")))
        assert main(["download", "gtzan_splits", "--root", str(tmp_path), "--quiet"]) == 0
        assert "ready in" in capsys.readouterr().out and server.total == 3
        assert main(["download", "gtzan", "--root", str(tmp_path), "--quiet",
                     "--mirror", server.url("/elsewhere/genres.tar.gz")]) == 0
        assert server.requests["/elsewhere/genres.tar.gz"] == 1 and server.requests["/gtzan/genres.tar.gz"] == 1
        assert (tmp_path / "gtzan" / "genres" / "blues" / "blues.00000.au").is_file()
        routes["/gtzan/genres.tar.gz"] = Route(b"garbage")
        assert main(["download", "gtzan", "--root", str(tmp_path / "other"), "--quiet", "--retries", "1"]) == 1
    err = capsys.readouterr().err
    assert "genres.tar.gz" in err and "expected" in err
    assert main(["download", "gtzan_splits", "--mirror", "http://x/y"]) == 2


def test_features_command_on_a_folder(tmp_path, isolated_cache, capsys):
    import numpy as np
    from archive_fixtures import audio_bytes, tone, write

    for g, genre in enumerate(("jazz", "rock")):
        for i in range(2):
            write(tmp_path / "music" / genre / f"{genre}{i}.wav", audio_bytes(tone(1.5, freq=200 + 100 * g + 10 * i)))
    write(tmp_path / "music" / "rock" / "broken.wav", b"")
    out = tmp_path / "feats.npz"
    assert main(["features", str(tmp_path / "music"), "--kind", "mfcc", "--n-mfcc", "13", "--n-jobs", "1",
                 "--quiet", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "4 of 4 tracks -> mfcc" in text and "skipped" in text and "broken.wav" in text
    saved = np.load(out)
    assert saved["X"].shape == (4, 13, 65) and sorted(saved["genre"]) == ["jazz", "jazz", "rock", "rock"]
    assert main(["features", str(tmp_path / "music"), "--split", "train", "--n-jobs", "1", "--quiet",
                 "--seconds", "1.0", "--n-mels", "32"]) == 0
    assert "-> logmel" in capsys.readouterr().out


def test_info_lists_downloads_caches_and_leftovers(capsys, isolated_cache, tmp_path, monkeypatch):
    monkeypatch.setenv("MGC_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "data" / "gtzan" / "splits").mkdir(parents=True)
    for part in ("train", "valid", "test"):
        (tmp_path / "data" / "gtzan" / "splits" / f"{part}_filtered.txt").write_text("blues/blues.00000.wav\n")
    (tmp_path / "data" / ".genres.partial-abc").mkdir()
    (isolated_cache / "segments").mkdir(parents=True)
    (isolated_cache / "segments" / "x.npy").write_bytes(b"0" * 3_000_000)
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert "gtzan_splits yes" in out and "gtzan no" in out and "fma_small no" in out
    assert "segments" in out and "3.0 MB" in out and "c.clear()" in out
    assert ".genres.partial-abc" in out
