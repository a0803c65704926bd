"""Downloads, offline: a local HTTP server serves miniature GTZAN / FMA archives built from generated audio."""
from __future__ import annotations

from dataclasses import replace

import pytest

from archive_fixtures import digest, fma_files, fma_table, gtzan_files, gtzan_table, no_partials
from httpserver import Route, dead_url, serve
from mgc_helpers import datasets
from mgc_helpers.datasets import fetch, remotes

QUIET = dict(progress=False, backoff=0.01, timeout=5.0, say=lambda msg: None)


@pytest.fixture(scope="module")
def gtzan_payload():
    return gtzan_files()


@pytest.fixture(scope="module")
def fma_payload():
    return fma_files()


def _routes(files, **overrides):
    routes = {path: Route(data) for path, data in files.items()}
    routes.update(overrides)
    return routes


def test_good_gtzan_download_then_load(tmp_path, gtzan_payload):
    messages = []
    with serve(_routes(gtzan_payload), max_requests=8) as server:
        table = gtzan_table(gtzan_payload, base=server.url(""))
        folder = datasets.download("gtzan", root=tmp_path, remotes=table, **{**QUIET, "say": messages.append})
        assert server.total == 4 and set(server.requests.values()) == {1}    # one request per file
        again = datasets.download("gtzan", root=tmp_path, remotes=table, **QUIET)
        assert server.total == 4 and again == folder                       # already there: nothing fetched
        (folder / "genres" / "blues" / "blues.00000.au").unlink()          # damaged by hand...
        datasets.download("gtzan", root=tmp_path, remotes=table, force=True, **QUIET)
        assert server.total == 8                                            # ...force=True fetches everything again
    assert folder == tmp_path / "gtzan"
    assert sorted(p.name for p in (folder / "genres").iterdir()) == [fetch.MARKER, "blues", "rock"]
    assert (folder / "genres" / "blues" / "blues.00001.au").is_file()
    assert (folder / "genres" / fetch.MARKER).is_file()
    assert not (tmp_path / "downloads" / "genres.tar.gz").exists()         # archive deleted after extraction
    assert no_partials(tmp_path)
    assert any("genres.tar.gz" in m and "kB" in m for m in messages)       # the size is announced first
    assert datasets.is_downloaded("gtzan", root=tmp_path)

    tracks = datasets.load_tracks("gtzan", root=tmp_path)
    assert list(tracks.columns) == ["track_id", "path", "genre", "artist", "split", "duration"]
    assert dict(zip(tracks["track_id"], tracks["split"])) == {
        "blues.00000": "train", "blues.00001": "valid", "blues.00002": "test",
        "rock.00000": "train", "rock.00001": "test",
    }
    assert tracks["artist"].isna().all()
    assert tracks["duration"].to_numpy() == pytest.approx(1.5, abs=0.01)
    assert list(tracks.attrs["excluded"]) == [str(folder / "genres" / "rock" / "rock.00002.au")]


def test_checksum_mismatch_names_file_and_both_hashes_and_extracts_nothing(tmp_path, gtzan_payload):
    wrong = b"this is not the archive you are looking for" * 100
    routes = _routes(gtzan_payload, **{"/gtzan/genres.tar.gz": Route(wrong)})
    with serve(routes, max_requests=8) as server:
        table = gtzan_table(gtzan_payload, base=server.url(""))
        with pytest.raises(datasets.DownloadError) as err:
            datasets.download("gtzan", root=tmp_path, remotes=table, **QUIET)
        assert server.requests["/gtzan/genres.tar.gz"] == 1                 # a mismatch is not retried
    text = str(err.value)
    expected = table["gtzan_audio"].known_hash.split(":")[1]
    assert "genres.tar.gz" in text and expected in text and digest(wrong) in text
    assert server.url("/gtzan/genres.tar.gz") in text and "discarded" in text
    assert not (tmp_path / "gtzan" / "genres").exists()
    assert not (tmp_path / "downloads" / "genres.tar.gz").exists()
    assert no_partials(tmp_path)


def test_mismatching_mirror_falls_through_and_a_mirror_can_list_its_own_hash(tmp_path, gtzan_payload):
    other = gtzan_payload["/gtzan/train_filtered.txt"] + b"\n"
    routes = _routes(gtzan_payload, **{"/other/train_filtered.txt": Route(other)})
    with serve(routes, max_requests=8) as server:
        table = gtzan_table(gtzan_payload, {"gtzan_train": [server.url("/other/train_filtered.txt")]},
                            base=server.url(""))
        messages = []
        path = fetch.fetch(table["gtzan_train"], folder=tmp_path / "a", **{**QUIET, "say": messages.append})
        assert path.read_bytes() == gtzan_payload["/gtzan/train_filtered.txt"]
        assert any(digest(other) in m for m in messages)
        # the same copy is accepted when the mirror is known to serve it (its own hash listed explicitly)
        known = replace(table["gtzan_train"], mirrors=(
            remotes.Mirror(server.url("/other/train_filtered.txt"), known_hash="sha256:" + digest(other)),))
        assert fetch.fetch(known, folder=tmp_path / "b", **QUIET).read_bytes() == other
        assert server.requests["/other/train_filtered.txt"] == 2 and server.requests["/gtzan/train_filtered.txt"] == 1


@pytest.mark.parametrize("dead", ["refused", "404"])
def test_dead_first_mirror_falls_through_to_the_second(tmp_path, gtzan_payload, dead):
    with serve(_routes(gtzan_payload), max_requests=8) as server:
        first = dead_url() if dead == "refused" else server.url("/nowhere/genres.tar.gz")
        table = gtzan_table(gtzan_payload, {"gtzan_audio": [first]}, base=server.url(""))
        datasets.download("gtzan", root=tmp_path, remotes=table, **QUIET)
        assert server.requests["/gtzan/genres.tar.gz"] == 1
        assert server.requests.get("/nowhere/genres.tar.gz", 0) == (1 if dead == "404" else 0)  # 404: no retry
    assert (tmp_path / "gtzan" / "genres" / "rock" / "rock.00002.au").is_file()


def test_interrupted_transfer_is_retried(tmp_path, gtzan_payload):
    routes = _routes(gtzan_payload, **{"/gtzan/genres.tar.gz": Route(gtzan_payload["/gtzan/genres.tar.gz"], interrupt=1)})
    with serve(routes, max_requests=8) as server:
        table = gtzan_table(gtzan_payload, base=server.url(""))
        datasets.download("gtzan", root=tmp_path, remotes=table, retries=1, **{k: v for k, v in QUIET.items()})
        assert server.requests["/gtzan/genres.tar.gz"] == 2
    assert len(list((tmp_path / "gtzan" / "genres").rglob("*.au"))) == 6
    assert no_partials(tmp_path)


def test_transfer_that_keeps_failing_gives_up_after_the_retries(tmp_path, gtzan_payload):
    routes = {"/x.txt": Route(b"abc" * 1000, interrupt=10), "/y.txt": Route(status=503)}
    with serve(routes, max_requests=10) as server:
        remote = remotes.Remote("x.txt", "sha256:" + digest(b"abc" * 1000), 3000,
                                (remotes.Mirror(server.url("/x.txt")), remotes.Mirror(server.url("/y.txt"))))
        with pytest.raises(datasets.DownloadError) as err:
            fetch.fetch(remote, folder=tmp_path, retries=2, **{k: v for k, v in QUIET.items()})
        assert server.requests["/x.txt"] == 3 and server.requests["/y.txt"] == 3     # bounded
    assert "x.txt" in str(err.value) and "503" in str(err.value)
    assert not list(tmp_path.iterdir())


def test_damaged_archive_leaves_nothing_half_extracted(tmp_path, gtzan_payload):
    truncated = gtzan_payload["/gtzan/genres.tar.gz"][:-2000]
    files = {**gtzan_payload, "/gtzan/genres.tar.gz": truncated}
    with serve(_routes(files), max_requests=8) as server:
        table = gtzan_table(files, base=server.url(""))                      # the hash matches the damaged file
        with pytest.raises(datasets.ExtractError, match="genres.tar.gz"):
            datasets.download("gtzan", root=tmp_path, remotes=table, **QUIET)
    assert not (tmp_path / "gtzan" / "genres").exists()
    assert [p.name for p in (tmp_path / "gtzan").iterdir()] == ["splits"]
    assert no_partials(tmp_path)


def test_existing_wrong_file_is_kept_aside_and_replaced(tmp_path, gtzan_payload):
    good = gtzan_payload["/gtzan/test_filtered.txt"]
    (tmp_path / "test_filtered.txt").write_bytes(b"edited by hand")
    with serve(_routes(gtzan_payload), max_requests=4) as server:
        table = gtzan_table(gtzan_payload, base=server.url(""))
        fetch.fetch(table["gtzan_test"], folder=tmp_path, **QUIET)
    assert (tmp_path / "test_filtered.txt").read_bytes() == good
    assert (tmp_path / "test_filtered.txt.unverified").read_bytes() == b"edited by hand"


def test_not_enough_disk_space_is_said_before_downloading(tmp_path, monkeypatch):
    import shutil
    from collections import namedtuple

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda p: usage(10**9, 10**9, 10**6))
    with pytest.raises(datasets.DownloadError, match="not enough disk space"):
        datasets.download("fma_small", root=tmp_path, **QUIET)               # no request is ever made
    with pytest.raises(datasets.DownloadError, match="not enough disk space"):
        fetch.fetch(remotes.REMOTES["fma_metadata"], folder=tmp_path, **QUIET)


def test_unsafe_or_unknown_archives_are_refused(tmp_path):
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("../evil.txt", "x")
    (tmp_path / "evil.zip").write_bytes(buf.getvalue())
    with pytest.raises(datasets.ExtractError, match="outside"):
        fetch.extract_archive(tmp_path / "evil.zip", dest=tmp_path / "out")
    (tmp_path / "plain.bin").write_bytes(b"hello")
    with pytest.raises(datasets.ExtractError, match="neither"):
        fetch.extract_archive(tmp_path / "plain.bin", dest=tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evil.zip", "plain.bin"]


def test_fma_download_and_load_skip_bad_mp3s(tmp_path, fma_payload):
    with serve(_routes(fma_payload), max_requests=4) as server:
        table = fma_table(fma_payload, base=server.url(""))
        folder = datasets.download("fma_small", root=tmp_path, remotes=table, keep_archive=True, **QUIET)
        assert server.total == 2
    assert folder == tmp_path / "fma_small" and (folder / "000" / "000002.mp3").is_file()
    assert (tmp_path / "fma_metadata" / "tracks.csv").is_file()
    assert (tmp_path / "downloads" / "fma_small.zip").is_file()              # keep_archive=True
    with pytest.warns(UserWarning, match="2 file"):
        tracks = datasets.load_tracks("fma_small", root=tmp_path)
    assert list(tracks["track_id"]) == [2, 5, 10, 140, 141]
    assert list(tracks["split"]) == ["train", "train", "valid", "test", "test"]
    assert list(tracks["artist"][:2]) == ["AWOL", "AWOL"]
    assert tracks["duration"].to_numpy() == pytest.approx(2.0, abs=0.1)
    rep = datasets.report(tracks)
    skipped = rep[rep["status"] == "skipped"].set_index("path")["reason"]
    assert set(skipped.index) == {str(folder / "000" / "000666.mp3"), str(folder / "000" / "000667.mp3")}
    assert "empty" in skipped[str(folder / "000" / "000666.mp3")]
    assert "not a readable audio file" in skipped[str(folder / "000" / "000667.mp3")]
    assert (rep["status"] == "converted").sum() == 5                          # 44.1 kHz -> resampled on load
    with pytest.warns(UserWarning):
        four = datasets.load_tracks("fma_small", root=tmp_path, genres="four")
    assert set(four["genre"]) == {"Hip-Hop", "Folk"}
    with pytest.raises(ValueError, match="official"):
        datasets.load_tracks("fma_small", root=tmp_path, split="random")
    with pytest.raises(FileNotFoundError, match="download fma_medium"):
        datasets.load_tracks("fma_medium", root=tmp_path)


def test_load_tracks_downloads_only_when_asked(tmp_path, gtzan_payload, monkeypatch, capsys):
    with pytest.raises(FileNotFoundError, match="download gtzan"):
        datasets.load_tracks("gtzan", root=tmp_path)                         # default: never downloads
    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    with serve(_routes(gtzan_payload), max_requests=4) as server:
        monkeypatch.setattr(remotes, "REMOTES", gtzan_table(gtzan_payload, base=server.url("")))
        monkeypatch.setattr(fetch.time, "sleep", lambda s: None)
        capsys.readouterr()
        tracks = datasets.load_tracks("gtzan", root=tmp_path, download=True)
        assert server.total == 4
    assert len(tracks) == 5
    said = capsys.readouterr()
    assert "GTZAN is not in" in said.out and "Downloading genres.tar.gz" in said.out
    assert "100%" in said.err                                                # pooch's tqdm progress bar


def test_importing_and_naming_datasets_downloads_nothing(monkeypatch):
    import requests

    def refuse(*args, **kwargs):
        raise AssertionError("a download was attempted")

    monkeypatch.setattr(requests, "get", refuse)
    import importlib

    importlib.reload(datasets)
    assert datasets.DOWNLOADABLE and all(m.url.startswith("https://") for m in remotes.REMOTES["gtzan_audio"].mirrors)
    with pytest.raises(ValueError, match="unknown download"):
        datasets.download("mnist")
    assert remotes.human_size(1_225_000_000) == "1.2 GB" and remotes.human_size(10) == "10 B"
    table = remotes.with_mirrors(remotes.REMOTES, "gtzan_audio", "http://mirror.example/genres.tar.gz")
    assert table["gtzan_audio"].mirrors[0].url == "http://mirror.example/genres.tar.gz"
    n = len(remotes.REMOTES["gtzan_audio"].mirrors)
    assert n >= 1 and len(table["gtzan_audio"].mirrors) == n + 1


# --------------------------------------------------------------------------- issue 14: interrupted downloads
def _dead_pid() -> int:
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()                                                  # as if it had been SIGKILLed mid-download
    return child.pid


def _leave_leftovers(root):
    import os

    dead = _dead_pid()
    part = root / "downloads" / f".genres.tar.gz.{dead}.part"
    part.parent.mkdir(parents=True)
    part.write_bytes(b"x" * 5000)
    half = root / "gtzan" / f".genres.partial-{dead}-k2j3"
    (half / "genres" / "blues").mkdir(parents=True)
    (half / "genres" / "blues" / "blues.00000.au").write_bytes(b"y" * 3000)
    running = root / "downloads" / f".fma_small.zip.{os.getppid()}.part"  # another process still writing
    running.write_bytes(b"z" * 100)
    return part, half, running


def test_interrupted_downloads_are_listed_cleaned_and_counted_before_the_space_check(tmp_path, gtzan_payload,
                                                                                       monkeypatch, capsys):
    from mgc_helpers.__main__ import main

    part, half, running = _leave_leftovers(tmp_path)
    assert fetch.leftovers(tmp_path) == sorted([part, half, running])
    monkeypatch.setenv("MGC_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MGC_CACHE_DIR", str(tmp_path / "cache"))
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert all(f"leftover of an interrupted download" in out and str(p) in out for p in (part, half, running))
    seen_by_space_check = []
    real_check = datasets._check_room
    monkeypatch.setattr(datasets, "_check_room",
                        lambda base, remote: (seen_by_space_check.append(fetch.leftovers(base)), real_check(base, remote)))
    messages = []
    with serve(_routes(gtzan_payload), max_requests=8) as server:
        table = gtzan_table(gtzan_payload, base=server.url(""))
        datasets.download("gtzan", root=tmp_path, remotes=table, **{**QUIET, "say": messages.append})
    assert not part.exists() and not half.exists() and running.exists()   # a live download is left alone
    assert seen_by_space_check == [[running]]                               # the space the dead ones held is free
    assert any("removed .genres.tar.gz" in m and "interrupted download" in m for m in messages)
    assert (tmp_path / "gtzan" / "genres" / "blues" / "blues.00000.au").is_file()


def test_a_space_shortage_names_the_unfinished_downloads_of_others(tmp_path, monkeypatch):
    import shutil
    from collections import namedtuple

    _, _, running = _leave_leftovers(tmp_path)
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda p: usage(10**9, 10**9, 10**6))
    with pytest.raises(datasets.DownloadError, match=r"1 unfinished download\(s\) of another process hold 100 B"):
        datasets.download("fma_small", root=tmp_path, **QUIET)
    assert running.exists()


def test_ctrl_c_during_a_transfer_leaves_no_part_file(tmp_path, monkeypatch):
    def interrupted(remote, mirror, part, **kw):
        part.write_bytes(b"half of it")
        raise KeyboardInterrupt

    monkeypatch.setattr(fetch, "_try_mirror", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fetch.fetch(remotes.REMOTES["gtzan_test"], folder=tmp_path, **QUIET)
    assert no_partials(tmp_path) and fetch.leftovers(tmp_path) == []


def test_a_truncated_zip_is_called_truncated(tmp_path):
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("fma_metadata/tracks.csv", "a,b\n" * 5000)
    data = buf.getvalue()
    (tmp_path / "fma_metadata.zip").write_bytes(data[: len(data) // 2])
    with pytest.raises(datasets.ExtractError, match="truncated or corrupt zip archive.*download it again"):
        fetch.extract_archive(tmp_path / "fma_metadata.zip", dest=tmp_path / "fma_metadata")
    assert not (tmp_path / "fma_metadata").exists() and fetch.leftovers(tmp_path) == []


# --------------------------------------------------------------------------- which copy was verified how
def test_fetch_records_the_mirror_that_served_the_file_and_a_copy_already_there(tmp_path, gtzan_payload):
    own = b"a classroom's own copy of the list\n"
    routes = _routes(gtzan_payload, **{"/own/train_filtered.txt": Route(own)})
    with serve(routes, max_requests=4) as server:
        table = gtzan_table(gtzan_payload, base=server.url(""))
        train = table["gtzan_train"]
        record: dict = {}
        fetch.fetch(train, folder=tmp_path / "a", record=record, **QUIET)
        assert record == train.provenance(train.mirrors[0]) and record["copy"] == "the canonical file"
        again: dict = {}
        fetch.fetch(train, folder=tmp_path / "a", record=again, **QUIET)             # nothing fetched...
        assert server.total == 1 and again["copy"] == "the canonical file" and again["hash"] == train.known_hash
        assert again["url"] == f"already in {tmp_path / 'a'} (not downloaded again)"  # ...and it says so
        table = remotes.with_mirror(table, "gtzan_train", server.url("/own/train_filtered.txt"),
                                    known_hash="sha256:" + digest(own), hash_source="the classroom's list")
        messages: list = []
        mine: dict = {}
        fetch.fetch(table["gtzan_train"], folder=tmp_path / "b", record=mine, **{**QUIET, "say": messages.append})
    assert mine == {"file": "train_filtered.txt", "url": server.url("/own/train_filtered.txt"),
                    "hash": "sha256:" + digest(own), "copy": "this mirror's own copy",
                    "hash_source": "the classroom's list"}
    assert f"  verified sha256 (this mirror's own copy) and saved to {tmp_path / 'b' / 'train_filtered.txt'}" in messages


# --------------------------------------------------------------------------- issue 16: datasets on demand
def test_a_missing_dataset_says_its_size_the_one_line_way_to_get_it_and_that_nothing_was_downloaded(
        tmp_path, monkeypatch):
    import requests

    monkeypatch.setattr(requests, "get", lambda *a, **k: pytest.fail("a download was attempted"))
    with pytest.raises(datasets.DatasetNotFound) as err:
        datasets.load_tracks("gtzan", root=tmp_path)
    text = str(err.value)
    assert isinstance(err.value, FileNotFoundError)                     # old `except FileNotFoundError` still works
    assert text.startswith(f"GTZAN is not in {tmp_path}") and "Nothing was downloaded" in text
    assert "Downloading it fetches 1.2 GB" in text and "genres.tar.gz (1.2 GB)" in text
    assert "DOWNLOAD = True" in text and "mgc_helpers.datasets.download('gtzan')" in text
    assert "python -m mgc_helpers download gtzan" in text
    assert err.value.download_name == "gtzan" and err.value.size == sum(
        remotes.REMOTES[k].size for k in remotes.DATASET_FILES["gtzan"])
    assert not list(tmp_path.iterdir())                                 # not even an empty folder

    with pytest.raises(datasets.DatasetNotFound) as err:
        datasets.load_tracks("fma_small", root=tmp_path)
    assert err.value.files == ["fma_metadata.zip", "fma_small.zip"] and "FMA small is not in" in str(err.value)
    assert remotes.human_size(remotes.REMOTES["fma_small"].size) in str(err.value)
    assert not datasets.is_downloaded("gtzan", root=tmp_path) and not list(tmp_path.iterdir())


def test_only_what_is_missing_is_named_and_fetched(tmp_path, gtzan_payload):
    from archive_fixtures import write

    write(tmp_path / "gtzan" / "genres_original" / "blues" / "blues.00000.wav", gtzan_payload_wav())
    with pytest.raises(datasets.DatasetNotFound) as err:              # clips in another layout, no split lists
        datasets.load_tracks("gtzan", root=tmp_path)
    assert err.value.download_name == "gtzan_splits" and err.value.files == [
        "train_filtered.txt", "valid_filtered.txt", "test_filtered.txt"]
    assert "mgc_helpers.datasets.download('gtzan_splits')" in str(err.value) and "1.2 GB" not in str(err.value)
    with serve(_routes(gtzan_payload), max_requests=3) as server:       # download=True: the three lists, no archive
        table = gtzan_table(gtzan_payload, base=server.url(""))
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(remotes, "REMOTES", table)
            with pytest.warns(UserWarning):                            # the split lists name clips that are absent
                tracks = datasets.load_tracks("gtzan", root=tmp_path, download=True)
        assert server.total == 3 and "/gtzan/genres.tar.gz" not in server.requests
    assert list(tracks["track_id"]) == ["blues.00000"]


def gtzan_payload_wav() -> bytes:
    import io

    import numpy as np
    import soundfile as sf

    buf = io.BytesIO()
    sf.write(buf, 0.1 * np.sin(np.arange(33075) * 0.05), 22050, format="WAV", subtype="PCM_16")
    return buf.getvalue()


def test_download_true_offline_says_what_it_tried_and_leaves_nothing_behind(tmp_path, monkeypatch, capsys):
    dead = dead_url()
    table = {k: replace(r, mirrors=tuple(remotes.Mirror(dead + "/" + r.filename) for _ in r.mirrors))
             for k, r in remotes.REMOTES.items()}
    monkeypatch.setattr(remotes, "REMOTES", table)
    monkeypatch.setattr(fetch.time, "sleep", lambda s: None)
    with pytest.raises(datasets.DownloadError) as err:
        datasets.load_tracks("gtzan", root=tmp_path, download=True)
    text = str(err.value)
    assert err.value.offline and "seems to be offline" in text and "Nothing was written" in text
    assert "load_tracks('gtzan', download=True) tried to download GTZAN (1.2 GB: train_filtered.txt" in text
    assert "genres.tar.gz" in text and "Nothing is half-written" in text
    assert "GTZAN is not in" in capsys.readouterr().out                 # it announced what it was about to fetch
    assert no_partials(tmp_path) and not (tmp_path / "gtzan").exists() and not (tmp_path / "downloads").exists()


def test_a_download_cut_off_midway_keeps_the_verified_files_and_says_so(tmp_path, gtzan_payload, monkeypatch):
    monkeypatch.setattr(fetch.time, "sleep", lambda s: None)
    routes = _routes(gtzan_payload, **{"/gtzan/genres.tar.gz": Route(status=404)})
    with serve(routes, max_requests=8) as server:
        monkeypatch.setattr(remotes, "REMOTES", gtzan_table(gtzan_payload, base=server.url("")))
        with pytest.raises(datasets.DownloadError) as err:
            datasets.load_tracks("gtzan", root=tmp_path, download=True)
    text = str(err.value)
    assert not err.value.offline and "offline" not in text and "stopped at genres.tar.gz because no mirror served it" in text
    assert "train_filtered.txt, valid_filtered.txt, test_filtered.txt) are verified and kept" in text
    assert sorted(p.name for p in (tmp_path / "gtzan" / "splits").iterdir()) == [
        "test_filtered.txt", "train_filtered.txt", "valid_filtered.txt"]
    assert not (tmp_path / "gtzan" / "genres").exists() and no_partials(tmp_path)
    assert not (tmp_path / "downloads").exists()                        # the archive's empty folder is gone too


def test_fetch_offline_is_told_apart_from_a_server_that_answered(tmp_path):
    remote = remotes.Remote("x.txt", "sha256:" + "0" * 64, 3000, (remotes.Mirror(dead_url("/x.txt")),))
    with pytest.raises(datasets.DownloadError) as err:
        fetch.fetch(remote, folder=tmp_path / "a" / "b", retries=0, **QUIET)
    assert err.value.offline and "x.txt' (3.0 kB)" in str(err.value) and not (tmp_path / "a").exists()
    with serve({"/x.txt": Route(status=500)}, max_requests=2) as server:
        remote = replace(remote, mirrors=(remotes.Mirror(server.url("/x.txt")),))
        with pytest.raises(datasets.DownloadError) as err:
            fetch.fetch(remote, folder=tmp_path, retries=0, **QUIET)
    assert not err.value.offline and "offline" not in str(err.value) and "500" in str(err.value)
