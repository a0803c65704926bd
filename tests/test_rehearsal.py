"""Rehearsal datasets: the published GTZAN / FMA layouts with generated music, through the real download path.

Small rehearsals (a few short clips per genre) are written, served from 127.0.0.1,
downloaded with ``datasets.download`` (hash-verified through the remotes table) and
loaded with ``load_tracks``.
"""
from __future__ import annotations

import hashlib
import json
import struct
import tarfile
import zipfile
from collections import Counter
from dataclasses import replace

import pytest

from mgc_helpers import datasets
from mgc_helpers.datasets import fma, remotes, rehearsal, splits

QUIET = dict(progress=False, backoff=0.01, timeout=10.0, say=lambda msg: None)
PER_GENRE, SECONDS = 3, 2.0


def _sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def gtzan_wav(tmp_path_factory, shared_dir):
    out = tmp_path_factory.mktemp("gtzan_wav")
    rehearsal.write_gtzan(out, per_genre=PER_GENRE, seconds=SECONDS, split_lists=shared_dir / "gtzan_splits")
    return out


@pytest.fixture(scope="module")
def gtzan_au(tmp_path_factory, shared_dir):
    out = tmp_path_factory.mktemp("gtzan_au")
    rehearsal.write_gtzan(out, per_genre=2, seconds=1.5, fmt="au", split_lists=shared_dir / "gtzan_splits")
    return out


@pytest.fixture(scope="module")
def fma_small(tmp_path_factory):
    out = tmp_path_factory.mktemp("fma")
    rehearsal.write_fma(out, per_genre=4, seconds=2.0)
    return out


def _present_ids(per_genre: int) -> set[str]:
    numbers = rehearsal.gtzan_clip_numbers(per_genre)
    return {f"{g}.{k:05d}" for g in rehearsal.GTZAN_GENRES for k in numbers} | {"jazz.00054"}


def test_gtzan_archive_has_the_served_layout(gtzan_wav):
    with tarfile.open(gtzan_wav / "genres.tar.gz") as tf:
        members = {m.name: m for m in tf.getmembers()}
        clips = sorted(n for n in members if n.endswith(".wav") and "/._" not in n)
        doubles = sorted(n for n in members if "/._" in n)
        assert len(clips) == 10 * PER_GENRE + 1 and len(doubles) == len(clips)
        assert all(n.startswith("genres/") and n.count("/") == 2 for n in clips)
        head = tf.extractfile("genres/blues/._blues.00000.wav").read()
        truncated = tf.extractfile("genres/jazz/jazz.00054.wav").read()
        good = tf.extractfile("genres/jazz/jazz.00000.wav").read()
    assert {members[n].size for n in doubles} == {211}
    magic, version = struct.unpack(">II", head[:8])
    assert (magic, version) == (0x00051607, 0x00020000) and head[8:24] == b"Mac OS X        "
    assert b"ATTR" in head and b"com.apple.quarantine" in head
    assert good[:4] == b"RIFF" and len(truncated) < 100 and truncated[:4] == b"RIFF"
    manifest = json.loads((gtzan_wav / rehearsal.MANIFEST).read_text())["files"]
    assert manifest["gtzan_audio"]["sha256"] == _sha256(gtzan_wav / "genres.tar.gz")
    assert manifest["gtzan_train"]["sha256"] is None        # the real list: served as the canonical file


def test_gtzan_rehearsal_downloads_through_the_remotes_table_and_loads(tmp_path, gtzan_wav, shared_dir):
    messages = []
    with rehearsal.serve(gtzan_wav) as url:
        table = rehearsal.remotes_for(gtzan_wav, url)
        audio = table["gtzan_audio"]
        assert [m.url for m in audio.mirrors] == [url + "/genres.tar.gz"] and not audio.unverified
        assert audio.known_hash == remotes.REMOTES["gtzan_audio"].known_hash           # canonical hash untouched
        assert audio.hash_for(audio.mirrors[0]) == "sha256:" + _sha256(gtzan_wav / "genres.tar.gz")
        assert table["gtzan_train"].hash_for(table["gtzan_train"].mirrors[0]) == remotes.REMOTES["gtzan_train"].known_hash
        folder = datasets.download("gtzan", root=tmp_path, remotes=table, **{**QUIET, "say": messages.append})
    assert folder == tmp_path / "gtzan" and datasets.is_downloaded("gtzan", root=tmp_path)
    assert any("verified" in m for m in messages)
    on_disk = list((folder / "genres").rglob("._*.wav"))
    assert len(on_disk) == 10 * PER_GENRE + 1                      # extracted as they are...
    with pytest.warns(UserWarning) as caught:
        tracks = datasets.load_tracks("gtzan", root=tmp_path)
    said = " ".join(str(w.message) for w in caught)
    assert "jazz.00054" in said and "of the split lists are not in" in said    # a partial rehearsal says so
    assert not any("/._" in p for p in tracks["path"])            # ...but never read or counted
    assert not any("._" in p for p in tracks.attrs["excluded"]) and not any("._" in p for p in tracks.attrs["skipped"])
    lists = splits.read_split_lists(shared_dir / "gtzan_splits")
    part = {t: name for name, ids in lists.items() for t in ids}
    present = _present_ids(PER_GENRE)
    expected = Counter(part[t] for t in present if t in part and t != "jazz.00054")
    assert Counter(tracks["split"]) == expected
    assert dict(zip(tracks["track_id"], tracks["split"])) == {t: part[t] for t in present if t in part and t != "jazz.00054"}
    assert len(tracks.attrs["excluded"]) == len([t for t in present if t not in part])
    assert len(tracks.attrs["missing"]) == 930 - len([t for t in present if t in part])
    rep = datasets.report(tracks).set_index("path")["reason"]
    reason = rep[str(folder / "genres" / "jazz" / "jazz.00054.wav")]
    assert "not a readable audio file" in reason and "corrupt" in reason
    assert tracks["duration"].between(0.9 * SECONDS, SECONDS + 0.01).all()
    assert set(tracks["genre"]) == set(rehearsal.GTZAN_GENRES)


def test_gtzan_au_variant_is_read(tmp_path, gtzan_au):
    with tarfile.open(gtzan_au / "genres.tar.gz") as tf:
        names = tf.getnames()
    assert not [n for n in names if "/._" in n] and "genres/jazz/jazz.00054.au" in names
    with rehearsal.serve(gtzan_au) as url:
        datasets.download("gtzan", root=tmp_path, remotes=rehearsal.remotes_for(gtzan_au, url), **QUIET)
    with pytest.warns(UserWarning) as caught:
        tracks = datasets.load_tracks("gtzan", root=tmp_path)
    assert "jazz.00054" in " ".join(str(w.message) for w in caught)
    assert tracks["path"].str.endswith(".au").all() and len(tracks)
    skipped = tracks.attrs["skipped"]
    assert list(skipped) == [str(tmp_path / "gtzan" / "genres" / "jazz" / "jazz.00054.au")]
    assert "this copy decodes" in next(iter(skipped.values()))   # the 2002 original is fine; skipped for comparability


def test_a_mismatching_rehearsal_archive_is_refused(tmp_path, gtzan_au):
    with rehearsal.serve(gtzan_au) as url:
        table = rehearsal.remotes_for(gtzan_au, url)
        audio = table["gtzan_audio"]
        wrong = replace(audio.mirrors[0], known_hash="sha256:" + "0" * 64)
        table["gtzan_audio"] = replace(audio, mirrors=(wrong,))
        with pytest.raises(datasets.DownloadError, match="discarded"):
            datasets.download("gtzan", root=tmp_path, remotes=table, **QUIET)
    assert not (tmp_path / "gtzan" / "genres").exists()


def test_fma_rehearsal_metadata_has_fma_headers_and_the_official_split(fma_small):
    with zipfile.ZipFile(fma_small / "fma_metadata.zip") as zf:
        lines = zf.read("fma_metadata/tracks.csv").decode().splitlines()
        genres_csv = zf.read("fma_metadata/genres.csv").decode().splitlines()
    assert lines[0].startswith(",album,album") and lines[1].startswith(",comments,date_created")
    assert lines[2].startswith("track_id,") and set(lines[2][len("track_id"):]) == {","}
    assert lines[0].count(",") == 52 and genres_csv[0] == "genre_id,#tracks,parent,title,top_level"
    table = rehearsal.fma_tracks_table(per_genre=4)
    small = table[table[("set", "subset")] == "small"]
    assert small[("track", "genre_top")].value_counts().to_dict() == dict.fromkeys(rehearsal.FMA_SMALL_GENRES, 4)
    assert set(rehearsal.FMA_EMPTY) <= set(small.index)
    check = small[[("artist", "name"), ("set", "split")]].copy()
    check.columns = ["artist", "split"]
    splits.check_artist_disjoint(check)
    assert set(check["split"]) == {"training", "validation", "test"}
    with zipfile.ZipFile(fma_small / "fma_small.zip") as zf:
        names = zf.namelist()
    mp3s = [n for n in names if n.endswith(".mp3")]
    assert len(mp3s) == 8 * 4 and all(len(n.split("/")[1]) == 3 and len(n.split("/")[2]) == 10 for n in mp3s)
    assert "fma_small/099/099134.mp3" in mp3s and "fma_small/checksums" in names


def test_fma_rehearsal_downloads_and_loads_with_the_official_split(tmp_path, fma_small):
    with rehearsal.serve(fma_small) as url:
        table = rehearsal.remotes_for(fma_small, url)
        assert table["fma_small"].known_hash == remotes.REMOTES["fma_small"].known_hash
        folder = datasets.download("fma_small", root=tmp_path, remotes=table, **QUIET)
    assert folder == tmp_path / "fma_small"
    with pytest.warns(UserWarning, match="3 file"):
        tracks = datasets.load_tracks("fma_small", root=tmp_path)
    meta = fma.read_tracks_csv(tmp_path / "fma_metadata" / "tracks.csv")
    small = meta[meta[("set", "subset")] == "small"].drop(index=list(rehearsal.FMA_EMPTY))
    names = {"training": "train", "validation": "valid", "test": "test"}
    assert dict(zip(tracks["track_id"], tracks["split"])) == {t: names[s] for t, s in small[("set", "split")].items()}
    assert len(tracks) == 8 * 4 - 3 and set(tracks["genre"]) == set(rehearsal.FMA_SMALL_GENRES)
    skipped = datasets.report(tracks).query("status == 'skipped'").set_index("path")["reason"]
    assert sorted(skipped.index) == sorted(str(fma.audio_path(folder, t)) for t in rehearsal.FMA_EMPTY)
    assert skipped.str.startswith("no audio").all()
    assert (tracks["duration"] <= 2.1).all() and (tracks["duration"] > 0.3).all()
    assert (datasets.report(tracks)["status"] == "converted").sum() == len(tracks)   # 44.1 kHz stereo MP3s
    with pytest.warns(UserWarning):
        four = datasets.load_tracks("fma_small", root=tmp_path, genres="four")
    assert set(four["genre"]) == set(fma.GENRE_SETS["four"])


def test_fma_medium_metadata_is_unbalanced_and_contains_small():
    table = rehearsal.fma_tracks_table(per_genre=20, medium=True)
    subset = table[("set", "subset")]
    medium = table[subset.isin(["small", "medium"])]
    counts = medium[("track", "genre_top")].value_counts()
    assert len(counts) == 16 and counts["Rock"] > 5 * counts["Pop"] >= 5 * 20 and counts["Easy Listening"] == 1
    assert table.loc[subset == "large", ("track", "genre_top")].isna().all()


def test_generation_is_deterministic_and_the_command_line_writes_an_archive(tmp_path):
    assert rehearsal.main(["gtzan", "--out", str(tmp_path / "a"), "--per-genre", "1", "--seconds", "0.5"]) == 0
    rehearsal.write_gtzan(tmp_path / "b", per_genre=1, seconds=0.5, n_jobs=1)
    assert _sha256(tmp_path / "a" / "genres.tar.gz") == _sha256(tmp_path / "b" / "genres.tar.gz")
    assert not [p for p in (tmp_path / "a").iterdir() if p.name.startswith(".")]    # nothing half-written left
    assert rehearsal.apple_double("x.wav") == rehearsal.apple_double("x.wav") and len(rehearsal.apple_double("x.wav")) == 211
    assert rehearsal.gtzan_clip_numbers(3) == [0, 33, 66] and rehearsal.gtzan_clip_numbers(100) == list(range(100))
    with pytest.raises(ValueError, match="per_genre"):
        rehearsal.gtzan_clip_numbers(101)
    with pytest.raises(ValueError, match="fmt"):
        rehearsal.write_gtzan(tmp_path / "c", fmt="mp3")
    with pytest.raises(FileNotFoundError, match="rehearsal"):
        rehearsal.remotes_for(tmp_path / "nothing", "http://127.0.0.1:1")
    assert rehearsal.main(["gtzan", "--out", str(tmp_path / "d"), "--per-genre", "0"]) == 2   # said, not raised
    assert rehearsal.main(["gtzan", "--out", str(tmp_path / "d"), "--split-lists", str(tmp_path / "none")]) == 2


def test_remotes_say_which_copy_is_verified_how():
    gtzan = remotes.REMOTES["gtzan_audio"]
    assert remotes.HF_GTZAN_URL not in [m.url for m in gtzan.mirrors]             # never tried: hash unknown
    assert [m.url for m in gtzan.unverified] == [remotes.HF_GTZAN_URL]
    assert "torchaudio" in gtzan.hash_source and all(r.hash_source for r in remotes.REMOTES.values())
    assert gtzan.provenance(gtzan.mirrors[0])["copy"] == "the canonical file"
    table = remotes.with_mirror(remotes.REMOTES, "gtzan_audio", remotes.HF_GTZAN_URL,
                                known_hash="sha256:" + "a" * 64, hash_source="Hugging Face file page")
    hf = table["gtzan_audio"].mirrors[0]
    assert hf.url == remotes.HF_GTZAN_URL and not table["gtzan_audio"].unverified
    assert table["gtzan_audio"].hash_for(hf) == "sha256:" + "a" * 64
    assert table["gtzan_audio"].provenance(hf) == {
        "file": "genres.tar.gz", "url": remotes.HF_GTZAN_URL, "hash": "sha256:" + "a" * 64,
        "copy": "this mirror's own copy", "hash_source": "Hugging Face file page"}
    assert len(remotes.REMOTES["gtzan_audio"].mirrors) == 1                        # the original table is unchanged
    with pytest.raises(KeyError, match="no remote file"):
        remotes.with_mirror(remotes.REMOTES, "mnist", "http://x")


def test_fma_medium_rehearsal_downloads_and_loads(tmp_path):
    mirror = tmp_path / "mirror"
    paths = rehearsal.write_fma(mirror, per_genre=3, seconds=1.5, medium=True, channels=1)
    assert sorted(paths) == ["fma_medium", "fma_metadata", "fma_small"]
    with zipfile.ZipFile(paths["fma_small"]) as zf:
        small = {n.split("/", 1)[1] for n in zf.namelist() if n.endswith(".mp3")}
    with zipfile.ZipFile(paths["fma_medium"]) as zf:
        medium = {n.split("/", 1)[1] for n in zf.namelist() if n.endswith(".mp3")}
    assert small < medium and len(small) == 8 * 3                 # medium contains small
    with rehearsal.serve(mirror) as url:
        datasets.download("fma_medium", root=tmp_path / "data", remotes=rehearsal.remotes_for(mirror, url), **QUIET)
    with pytest.warns(UserWarning, match="3 file"):
        tracks = datasets.load_tracks("fma_medium", root=tmp_path / "data")
    assert len(tracks) == len(medium) - 3 and tracks["genre"].nunique() == 16
    counts = tracks["genre"].value_counts()
    assert counts["Rock"] > counts["Pop"] > counts["Easy Listening"]


def test_full_size_names_select_the_lists_930_clips(shared_dir):
    lists = splits.read_split_lists(shared_dir / "gtzan_splits")
    names = _present_ids(100)
    assert len(names) == 1000
    assert {k: len(set(v) & names) for k, v in lists.items()} == {"train": 443, "valid": 197, "test": 290}
    assert "jazz.00054" in lists["train"]              # the truncated clip is listed: loaded, 442 train remain


# --------------------------------------------------------------------------- which copy was verified how
def test_the_extracted_dataset_records_which_copy_was_verified_how(tmp_path, gtzan_wav, fma_small):
    messages = []
    with rehearsal.serve(gtzan_wav) as url, rehearsal.serve(fma_small) as fma_url:
        table = rehearsal.remotes_for(gtzan_wav, url)
        datasets.download("gtzan", root=tmp_path, remotes=table, **{**QUIET, "say": messages.append})
        fma_table = rehearsal.remotes_for(fma_small, fma_url)
        datasets.download("fma_metadata", root=tmp_path, remotes=fma_table, **{**QUIET, "say": messages.append})
    audio, meta = table["gtzan_audio"], fma_table["fma_metadata"]
    record = json.loads((tmp_path / "gtzan" / "genres" / datasets.fetch.MARKER).read_text())
    assert record == audio.provenance(audio.mirrors[0]) == {
        "file": "genres.tar.gz", "url": url + "/genres.tar.gz", "hash": "sha256:" + _sha256(gtzan_wav / "genres.tar.gz"),
        "copy": "this mirror's own copy", "hash_source": "rehearsal.json of the rehearsal (computed when it was written)"}
    assert meta.known_hash.startswith("sha1:")             # FMA's canonical hash is a sha1, the rehearsal's a sha256:
    assert "  verified sha256 (this mirror's own copy) and saved to " + str(tmp_path / "downloads" / "fma_metadata.zip") \
        in messages and not any("verified sha1" in m for m in messages)
    assert any(m.startswith("  verified sha256 (the canonical file)") for m in messages)   # the real split lists
    assert datasets.provenance("gtzan", root=tmp_path) == {"genres.tar.gz": record}
    assert datasets.provenance("fma_small", root=tmp_path) == {"fma_metadata.zip": meta.provenance(meta.mirrors[0])}
    assert datasets.provenance("gtzan_splits", root=tmp_path) == {} == datasets.provenance("toy", root=tmp_path)
    (tmp_path / "fma_metadata" / datasets.fetch.MARKER).unlink()                 # placed by hand: no record
    assert datasets.provenance("fma_metadata", root=tmp_path) == {"fma_metadata.zip": None}
    with pytest.raises(ValueError, match="unknown download"):
        datasets.provenance("mnist", root=tmp_path)


def test_a_failed_download_lists_the_mirrors_that_were_not_tried(tmp_path, gtzan_au):
    with rehearsal.serve(gtzan_au) as url:
        table = rehearsal.remotes_for(gtzan_au, url)
        audio = table["gtzan_audio"]
        wrong = replace(audio.mirrors[0], known_hash="sha256:" + "0" * 64)
        hf = remotes.REMOTES["gtzan_audio"].unverified                    # exists, hash unknown: never tried
        table["gtzan_audio"] = replace(audio, mirrors=(wrong,), unverified=hf)
        with pytest.raises(datasets.DownloadError) as err:
            datasets.download("gtzan", root=tmp_path, remotes=table, **QUIET)
    first, last = err.value.attempts
    assert first.startswith(f"{wrong.url} served a file whose sha256 hash is ") and "discarded" in first
    assert last == f"{remotes.HF_GTZAN_URL}: not tried ({hf[0].note})"
    assert f"  - {remotes.HF_GTZAN_URL}: not tried (Hugging Face copy" in str(err.value)
    assert not (tmp_path / "gtzan" / "genres").exists()
