from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

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
    assert out.returncode == 0 and "toy" in out.stdout and "warm" in out.stdout and "rehearsal" in out.stdout


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
        canonical = remotes.REMOTES["gtzan_audio"].known_hash            # a mirror of the canonical file
        assert main(["download", "gtzan", "--root", str(tmp_path), "--quiet",
                     "--mirror", server.url("/elsewhere/genres.tar.gz"), "--mirror-hash", canonical]) == 0
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
        for i in range(4):                                     # 4 per genre: 2 train, 1 valid, 1 test
            write(tmp_path / "music" / genre / f"{genre}{i}.wav", audio_bytes(tone(1.5, freq=200 + 100 * g + 10 * i)))
    write(tmp_path / "music" / "rock" / "broken.wav", b"")
    out = tmp_path / "feats.npz"
    assert main(["features", str(tmp_path / "music"), "--kind", "mfcc", "--n-mfcc", "13", "--n-jobs", "1",
                 "--quiet", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "8 of 8 tracks -> mfcc" in text and "skipped" in text and "broken.wav" in text
    saved = np.load(out)
    assert saved["X"].shape == (8, 13, 65) and sorted(saved["genre"]) == ["jazz"] * 4 + ["rock"] * 4
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


# --------------------------------------------------------------------------- issue 14: bad input says so, exits 2
def _music(root):
    from archive_fixtures import audio_bytes, tone, write

    for g, genre in enumerate(("jazz", "rock")):
        for i in range(4):
            write(root / genre / f"{genre}{i}.wav", audio_bytes(tone(1.2, freq=200 + 100 * g + 10 * i)))
    return root


def _error(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize("option, value, said", [
    ("--n-mels", "0", "positive integer"), ("--n-mfcc", "-3", "positive integer"), ("--hop-length", "x", "integer"),
    ("--seconds", "-1", "positive number"), ("--seconds", "nan", "finite"), ("--n-jobs", "0", "worker processes"),
])
def test_features_numbers_are_checked_by_the_parser(tmp_path, isolated_cache, capsys, monkeypatch, option, value, said):
    from mgc_helpers import cache

    monkeypatch.setattr(cache, "track_features", _must_not_run)
    with pytest.raises(SystemExit) as exit_:
        main(["features", str(_music(tmp_path / "music")), option, value, "--quiet"])
    assert exit_.value.code == 2
    err = _error(capsys)
    assert option in err and said in err


def test_download_retries_must_be_at_least_one(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["download", "gtzan_splits", "--retries", "0"])
    assert exit_.value.code == 2 and "positive integer" in _error(capsys)


def _must_not_run(*args, **kwargs):
    raise AssertionError("features were computed although the input was bad")


def test_features_that_computed_nothing_exit_non_zero(tmp_path, isolated_cache, capsys, monkeypatch):
    from mgc_helpers import cache

    class Nothing:
        failures = {"a.wav": "cannot be decoded"}

        def __len__(self):
            return 0

    monkeypatch.setattr(cache, "track_features", lambda *a, **k: Nothing())
    assert main(["features", str(_music(tmp_path / "music")), "--quiet", "--n-jobs", "1"]) == 1
    err = _error(capsys)
    assert "error: no features were computed" in err


@pytest.mark.parametrize("case, said", [
    ("unknown", "error: unknown dataset 'mnist'"),
    ("not_downloaded", "download"),
    ("no_audio", "no audio files"),
    ("missing_folder", "does not exist"),
    ("genres_on_folder", "error: --genres is for FMA and toy datasets"),
    ("out_in_missing_folder", "does not exist (create it first)"),
    ("cache_under_a_file", "error: cannot write to the cache folder"),
    ("cache_read_only", "Permission denied"),
])
def test_features_bad_input_prints_error_and_exits_2_before_computing(tmp_path, isolated_cache, capsys, monkeypatch,
                                                                      case, said):
    from mgc_helpers import cache

    monkeypatch.setattr(cache, "track_features", _must_not_run)
    music = str(_music(tmp_path / "music"))
    (tmp_path / "empty" / "jazz").mkdir(parents=True)
    argv = {
        "unknown": ["mnist", "--root", str(tmp_path)],
        "not_downloaded": ["gtzan", "--root", str(tmp_path / "nothing_here")],
        "no_audio": [str(tmp_path / "empty")],
        "missing_folder": [str(tmp_path / "no_such_folder")],
        "genres_on_folder": [music, "--genres", "four"],
        "out_in_missing_folder": [music, "--out", str(tmp_path / "missing" / "feats.npz")],
        "cache_under_a_file": [music],
        "cache_read_only": [music],
    }[case]
    if case == "cache_under_a_file":
        (tmp_path / "a_file").write_text("not a folder")
        monkeypatch.setenv("MGC_CACHE_DIR", str(tmp_path / "a_file" / "cache"))
    if case == "cache_read_only":  # we may be root, for whom nothing is read-only: the OS refusal is simulated
        import tempfile

        def refuse(*args, **kwargs):
            raise PermissionError(13, "Permission denied", kwargs.get("dir"))

        monkeypatch.setattr(tempfile, "NamedTemporaryFile", refuse)
    assert main(["features", *argv, "--quiet", "--n-jobs", "1"]) == 2
    err = _error(capsys)
    assert err.startswith("error: ") and said in err


def test_info_with_an_impossible_cache_folder_says_so(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("MGC_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "a_file").write_text("x")
    monkeypatch.setenv("MGC_CACHE_DIR", str(tmp_path / "a_file" / "cache"))
    assert main(["info"]) == 0
    assert "cache root : not usable: cannot write to the cache folder" in capsys.readouterr().out


def test_toy_command_rejects_unknown_genres_and_bad_numbers(tmp_path, capsys):
    assert main(["toy", "--root", str(tmp_path), "--genres", "polka"]) == 2
    assert "error: unknown toy genre(s) ['polka']" in _error(capsys)
    with pytest.raises(SystemExit):
        main(["toy", "--root", str(tmp_path), "--duration", "0"])
    assert "positive number" in _error(capsys)


# --------------------------------------------------------------------------- rehearsal archives through the CLI
def test_rehearsal_command_writes_archives_and_says_errors(tmp_path, capsys):
    import mgc_helpers.__main__ as cli
    from mgc_helpers.datasets import rehearsal

    assert "rehearsal" in cli.__doc__
    out = tmp_path / "mirror"
    assert main(["rehearsal", "gtzan", "--out", str(out), "--per-genre", "1", "--seconds", "0.5"]) == 0
    assert "genres.tar.gz" in capsys.readouterr().out and (out / rehearsal.MANIFEST).is_file()
    assert main(["rehearsal", "gtzan", "--out", str(tmp_path / "x"), "--per-genre", "0"]) == 2
    assert "error: per_genre must be between 1 and 100" in _error(capsys)
    (tmp_path / "file").write_text("not a folder")
    assert main(["rehearsal", "gtzan", "--out", str(tmp_path / "file"), "--per-genre", "1"]) == 2
    assert "error: cannot write the rehearsal archives" in _error(capsys)
    with pytest.raises(SystemExit) as exit_:
        main(["rehearsal"])
    assert exit_.value.code == 2 and "gtzan" in _error(capsys)


def test_download_mirror_needs_its_hash_and_info_says_which_copy_was_verified_how(
        tmp_path, monkeypatch, capsys, isolated_cache, shared_dir):
    """The whole chain on the command line: rehearsal archive -> served on 127.0.0.1 -> download --mirror -> info."""
    import json
    import shutil
    from dataclasses import replace

    from httpserver import dead_url
    from mgc_helpers.datasets import fetch, rehearsal, remotes

    mirror = tmp_path / "mirror"
    assert main(["rehearsal", "gtzan", "--out", str(mirror), "--per-genre", "1", "--seconds", "0.5"]) == 0
    sha = json.loads((mirror / rehearsal.MANIFEST).read_text())["files"]["gtzan_audio"]["sha256"]
    audio = remotes.REMOTES["gtzan_audio"]                       # the real hosts are never asked in a test:
    monkeypatch.setitem(remotes.REMOTES, "gtzan_audio", replace(audio, mirrors=(remotes.Mirror(dead_url()),)))
    data = tmp_path / "data"
    shutil.copytree(shared_dir / "gtzan_splits", data / "gtzan" / "splits")   # the real lists: already verified
    monkeypatch.setenv("MGC_DATA_DIR", str(data))
    capsys.readouterr()
    with rehearsal.serve(mirror) as url:
        here = url + "/genres.tar.gz"
        assert main(["download", "gtzan", "--quiet", "--mirror", here]) == 2          # never an unverified download
        err = _error(capsys)
        assert f"error: --mirror {here} needs --mirror-hash sha256:" in err and audio.known_hash in err
        assert main(["download", "gtzan", "--quiet", "--mirror", here, "--mirror-hash", "sha256:abc"]) == 2
        assert "is not a hash" in _error(capsys)
        assert main(["download", "gtzan", "--quiet", "--mirror", here, "--mirror-hash", "sha256:" + sha,
                     "--mirror-hash", "sha256:" + sha]) == 2
        assert "one --mirror-hash per --mirror" in _error(capsys)
        assert main(["download", "gtzan_splits", "--mirror-hash", "sha256:" + sha]) == 2
        assert not (data / "gtzan" / "genres").exists()
        # a wrong hash: discarded; the mirrors that exist but are not verified are listed, never tried
        assert main(["download", "gtzan", "--quiet", "--mirror", here, "--mirror-hash", "sha256:" + "0" * 64]) == 1
        err = _error(capsys)
        assert "discarded" in err and f"{remotes.HF_GTZAN_URL}: not tried (Hugging Face copy" in err
        assert "to use a mirror that was not tried: python -m mgc_helpers download gtzan --mirror URL" in err
        assert not (data / "gtzan" / "genres").exists()
        assert main(["download", "gtzan", "--quiet", "--mirror", here, "--mirror-hash", "SHA256:" + sha.upper()]) == 0
    said = capsys.readouterr().out
    assert "verified sha256 (this mirror's own copy)" in said and "gtzan: ready in" in said
    record = json.loads((data / "gtzan" / "genres" / fetch.MARKER).read_text())
    assert record == {"file": "genres.tar.gz", "url": here, "hash": "sha256:" + sha,
                      "copy": "this mirror's own copy", "hash_source": "given on the command line"}
    assert main(["info"]) == 0
    info = capsys.readouterr().out
    assert (f"  genres.tar.gz: this mirror's own copy, verified against sha256:{sha} "
            f"(hash: given on the command line), from {here}") in info
    assert "gtzan yes" in info
