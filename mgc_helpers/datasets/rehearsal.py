"""Rehearsal datasets: GTZAN and FMA archives in their published layouts, with generated music.

Used by the rehearsal tests and benchmarks (issue 15) before notebooks 03-10 meet the
real datasets. Nothing real is in them: every clip is rendered by
:func:`mgc_helpers.toy.synthesize_track`. What is real is the *layout*, the file
names, the metadata format and the known faults, so that the course's own
download -> verify -> extract -> :func:`~mgc_helpers.datasets.load_tracks` chain runs
as it will on a student's machine:

GTZAN (:func:`write_gtzan`), ``genres.tar.gz`` as the Hugging Face copy serves it
    ``genres/<genre>/<genre>.000NN.wav`` (22,050 Hz, 16-bit mono), a 211-byte macOS
    AppleDouble ``genres/<genre>/._<genre>.000NN.wav`` beside every clip,
    ``jazz.00054.wav`` truncated inside its header (decoders fail), clips of 30.01 s
    (661,794 samples, like the real ones) and a few a little shorter. The real names
    ``<genre>.00000`` ... ``<genre>.00099`` are used, so the fault-filtered split lists
    select their clips. ``fmt="au"``: the original 2002 distribution (``.au`` files,
    no AppleDouble files).
FMA (:func:`write_fma`), ``fma_metadata.zip`` and ``fma_small.zip`` (``fma_medium.zip``)
    ``fma_metadata/tracks.csv`` with FMA's 52 columns under its three header rows
    (album / artist / set / track x field, then ``track_id``), ``genres.csv``;
    ``fma_small/<3 digits>/<6 digits>.mp3`` (44.1 kHz stereo MP3), eight balanced
    genres, an artist-disjoint 80/10/10 split per genre in ``set.split``, the three
    tracks with no audio (099134, 108925, 133297: an ID3 tag and no MP3 frame), a few
    tracks shorter than 30 s, medium-only tracks of FMA medium's 16 unbalanced genres
    and a few ``large``-only rows without audio.

Each writer adds its archives to ``rehearsal.json`` in the output folder (file,
sha256, size). :func:`serve` serves a folder on 127.0.0.1 and :func:`remotes_for`
turns the manifest into a copy of :data:`~mgc_helpers.datasets.remotes.REMOTES`
where every rehearsed file has the local mirror as its only mirror, with the
archive's own hash (:func:`~mgc_helpers.datasets.remotes.with_mirror`); from then
on :func:`~mgc_helpers.datasets.download` runs its ordinary code:

>>> out = write_gtzan("rehearsal", per_genre=3, seconds=5, split_lists="data/gtzan/splits")  # doctest: +SKIP
>>> with serve("rehearsal") as url:                                          # doctest: +SKIP
...     download("gtzan", root="rehearsal_data", remotes=remotes_for("rehearsal", url))

Command line: ``python -m mgc_helpers.datasets.rehearsal gtzan --out DIR [--per-genre N]
[--seconds S] [--fmt au] [--split-lists DIR]`` and ``... fma --out DIR [--per-genre N]
[--seconds S] [--medium] [--mono]``. Generation is seeded (the same arguments give the same
bytes) and runs on ``n_jobs`` joblib workers; archives are written atomically.
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import hashlib
import io
import json
import os
import struct
import sys
import tarfile
import threading
import zipfile
import zlib
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator, Mapping, Sequence

import numpy as np
import pooch

from . import remotes as _remotes

__all__ = [
    "GTZAN_GENRES",
    "GTZAN_SAMPLES",
    "FMA_EMPTY",
    "FMA_SMALL_GENRES",
    "FMA_MEDIUM_COUNTS",
    "MANIFEST",
    "gtzan_clip_numbers",
    "apple_double",
    "write_gtzan",
    "write_fma",
    "fma_tracks_table",
    "remotes_for",
    "serve",
    "main",
]

#: GTZAN's genres (the toy recipes have the same names).
GTZAN_GENRES = ("blues", "classical", "country", "disco", "hiphop", "jazz", "metal", "pop", "reggae", "rock")
#: Length of almost every real GTZAN clip, in samples at 22,050 Hz (30.013 s).
GTZAN_SAMPLES = 661_794
GTZAN_SR = 22_050
#: The clip that is truncated in the copies served today.
GTZAN_TRUNCATED = "jazz.00054"
#: FMA small's tracks that hold no audio (FMA's README).
FMA_EMPTY = (99134, 108925, 133297)
#: FMA small's eight balanced top genres.
FMA_SMALL_GENRES = ("Electronic", "Experimental", "Folk", "Hip-Hop", "Instrumental", "International", "Pop", "Rock")
#: Tracks per top genre in FMA medium (25,000 tracks; FMA's paper, table 2).
FMA_MEDIUM_COUNTS = {
    "Rock": 7103, "Electronic": 6314, "Experimental": 2251, "Hip-Hop": 2201, "Folk": 1519, "Instrumental": 1350,
    "Pop": 1186, "International": 1018, "Classical": 619, "Old-Time / Historic": 510, "Jazz": 384,
    "Country": 178, "Soul-RnB": 154, "Spoken": 118, "Blues": 74, "Easy Listening": 21,
}
#: FMA's genre_id of each top genre (genres.csv).
FMA_GENRE_IDS = {
    "International": 2, "Blues": 3, "Jazz": 4, "Classical": 5, "Old-Time / Historic": 8, "Country": 9, "Pop": 10,
    "Rock": 12, "Easy Listening": 13, "Soul-RnB": 14, "Electronic": 15, "Folk": 17, "Spoken": 20, "Hip-Hop": 21,
    "Experimental": 38, "Instrumental": 1235,
}
#: Which toy recipe renders each FMA genre.
FMA_RECIPE = {
    "Electronic": "disco", "Experimental": "metal", "Folk": "country", "Hip-Hop": "hiphop",
    "Instrumental": "classical", "International": "reggae", "Pop": "pop", "Rock": "rock", "Blues": "blues",
    "Classical": "classical", "Country": "country", "Easy Listening": "pop", "Jazz": "jazz",
    "Old-Time / Historic": "blues", "Soul-RnB": "hiphop", "Spoken": "jazz",
}
#: FMA's tracks.csv columns, in the file's order (52 of them).
FMA_COLUMNS = (
    [("album", c) for c in ("comments", "date_created", "date_released", "engineer", "favorites", "id",
                            "information", "listens", "producer", "tags", "title", "tracks", "type")]
    + [("artist", c) for c in ("active_year_begin", "active_year_end", "associated_labels", "bio", "comments",
                               "date_created", "favorites", "id", "latitude", "location", "longitude", "members",
                               "name", "related_projects", "tags", "website", "wikipedia_page")]
    + [("set", "split"), ("set", "subset")]
    + [("track", c) for c in ("bit_rate", "comments", "composer", "date_created", "date_recorded", "duration",
                              "favorites", "genre_top", "genres", "genres_all", "information", "interest",
                              "language_code", "license", "listens", "lyricist", "number", "publisher", "tags",
                              "title")]
)
#: Manifest written beside the archives.
MANIFEST = "rehearsal.json"
_FMA_SR = 44_100
_MTIME = 1_000_000_000  # 2001-09-09: fixed member dates, so the archives are byte-for-byte reproducible
_SPLIT_LISTS = ("train", "valid", "test")


# =========================================================================== small pieces
def gtzan_clip_numbers(per_genre: int = 100) -> list[int]:
    """The clip numbers a rehearsal of ``per_genre`` clips per genre uses: evenly spread over 0-99.

    Used by the rehearsal tests (issue 15). ``per_genre=100`` gives all of them.

    Returns
    -------
    list of int
        Sorted, distinct numbers in ``0 .. 99``.
    """
    if not 1 <= per_genre <= 100:
        raise ValueError(f"per_genre must be between 1 and 100 (GTZAN has 100 clips per genre), got {per_genre}")
    return sorted({int(k * 100 // per_genre) for k in range(per_genre)})


def apple_double(name: str) -> bytes:
    """The 211-byte macOS AppleDouble file (``._<name>``) a Mac's tar puts beside ``name``.

    Used by :func:`write_gtzan`. Layout (big-endian): magic ``0x00051607``, version
    ``0x00020000``, the filler ``"Mac OS X        "``, two entries (Finder info at 50,
    161 bytes, holding an ``ATTR`` block with one ``com.apple.quarantine`` attribute;
    an empty resource fork at 211).
    """
    uid = hashlib.sha1(name.encode("utf-8")).hexdigest().upper()
    value = f"0083;3b9aca00;Transmit;{uid[:8]}-{uid[8:12]}-{uid[12:16]}-{uid[16:20]}-{uid[20:32]}".encode()
    attr_name = b"com.apple.quarantine\x00"
    entry_len = 11 + len(attr_name)
    entry_len += -entry_len % 4
    finder = b"\x00" * 32 + b"\x00\x00"  # Finder info, then 2 bytes of padding before the ATTR header
    data_start = 50 + len(finder) + 36 + entry_len
    total = data_start + len(value)
    attr_header = b"ATTR" + struct.pack(">IIII", 0, total, data_start, len(value)) + b"\x00" * 12 + struct.pack(">HH", 0, 1)
    entry = struct.pack(">IIHB", data_start, len(value), 0, len(attr_name)) + attr_name
    entry += b"\x00" * (entry_len - len(entry))
    body = finder + attr_header + entry + value
    header = struct.pack(">II", 0x00051607, 0x00020000) + b"Mac OS X        " + struct.pack(">H", 2)
    header += struct.pack(">III", 9, 50, len(body)) + struct.pack(">III", 2, 50 + len(body), 0)
    out = header + body
    assert len(out) == total
    return out


def _pcm16(y: np.ndarray) -> np.ndarray:
    return np.round(np.clip(y, -1.0, 1.0) * 32767).astype(np.int16)


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _add_to_manifest(out: Path, entries: Mapping[str, Mapping[str, object]]) -> None:
    path = out / MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {"files": {}}
    manifest["files"].update(entries)
    _atomic_write(path, (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode("utf-8"))


def _archive_entry(out: Path, path: Path, description: str) -> dict[str, object]:
    return {"path": path.relative_to(out).as_posix(), "sha256": pooch.file_hash(str(path)),
            "size": path.stat().st_size, "description": description}


# =========================================================================== GTZAN
def _gtzan_length(track_id: str, seconds: float | None, seed: int) -> int:
    """Samples of one clip: 661,794 (or ``seconds``), and about one clip in 40 a little shorter."""
    full = GTZAN_SAMPLES if seconds is None else int(round(seconds * GTZAN_SR))
    rng = np.random.default_rng([seed, zlib.crc32(track_id.encode())])
    if rng.random() < 1 / 40:
        return int(full * rng.uniform(0.97, 0.995))
    return full


def _gtzan_clip(genre: str, number: int, seconds: float | None, seed: int, fmt: str) -> tuple[str, bytes]:
    """Synthesise one clip (runs in joblib workers); returns its archive name and its bytes."""
    import soundfile as sf

    from .. import toy

    track_id = f"{genre}.{number:05d}"
    n = _gtzan_length(track_id, seconds, seed)
    y, _ = toy.synthesize_track(genre, artist=number // 10, seed=seed, duration=n / GTZAN_SR, sr=GTZAN_SR,
                                track=number % 10)
    buf = io.BytesIO()
    sf.write(buf, _pcm16(y[:n]), GTZAN_SR, format=fmt.upper(), subtype="PCM_16")
    data = buf.getvalue()
    if fmt == "wav" and track_id == GTZAN_TRUNCATED:
        data = data[:36]  # RIFF and fmt chunks only: the data chunk is cut off, so decoders fail
    return f"genres/{genre}/{track_id}.{fmt}", data


def _tar_member(tf: tarfile.TarFile, name: str, data: bytes | None = None) -> None:
    info = tarfile.TarInfo(name)
    info.mtime, info.uid, info.gid, info.uname, info.gname = _MTIME, 501, 20, "", ""
    if data is None:
        info.type, info.mode = tarfile.DIRTYPE, 0o755
        tf.addfile(info)
        return
    info.mode, info.size = 0o644, len(data)
    tf.addfile(info, io.BytesIO(data))


def write_gtzan(
    out: str | os.PathLike,
    *,
    per_genre: int = 100,
    seconds: float | None = None,
    fmt: str = "wav",
    seed: int = 0,
    n_jobs: int = 2,
    split_lists: str | os.PathLike | None = None,
) -> Path:
    """Write a rehearsal ``genres.tar.gz`` (and copy the split lists) into ``out``.

    Used by the rehearsal tests and ``python -m mgc_helpers.datasets.rehearsal gtzan``
    (issue 15). About 0.5 s of one core per 30-s clip (1000 clips: see the report in
    ``benchmarks/bench_rehearsal.py``).

    Parameters
    ----------
    out : path-like
        Output folder (created).
    per_genre : int, keyword-only
        Clips per genre (real names, :func:`gtzan_clip_numbers`); ``jazz.00054`` is
        always written. 100: the full size (1000 clips).
    seconds : float, optional, keyword-only
        Clip length; ``None``: 661,794 samples (30.013 s) like the real clips. About
        one clip in 40 is 0.5-3 % shorter either way.
    fmt : {"wav", "au"}, keyword-only
        ``"wav"``: the copy served today (AppleDouble files, truncated
        ``jazz.00054.wav``); ``"au"``: the original 2002 distribution.
    seed : int, keyword-only
        Music seed (same arguments, same bytes).
    n_jobs : int, keyword-only
        joblib worker processes.
    split_lists : path-like, optional, keyword-only
        Folder holding the real ``{train,valid,test}_filtered.txt`` (for example
        ``<data root>/gtzan/splits`` after ``download("gtzan_splits")``); they are
        copied beside the archive and served with their canonical hashes.

    Returns
    -------
    pathlib.Path
        The archive ``out/genres.tar.gz``.
    """
    from joblib import Parallel, delayed

    if fmt not in ("wav", "au"):
        raise ValueError(f"fmt must be 'wav' (the copy served today) or 'au' (the 2002 original), got {fmt!r}")
    if seconds is not None and seconds <= 0:
        raise ValueError(f"seconds must be positive, got {seconds}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    numbers = gtzan_clip_numbers(per_genre)
    jobs = [(g, k) for g in GTZAN_GENRES for k in sorted(set(numbers) | ({54} if g == "jazz" else set()))]
    entries: dict[str, dict[str, object]] = {}
    if split_lists is not None:
        entries.update(_copy_split_lists(Path(split_lists), out))
    archive = out / "genres.tar.gz"
    part = out / f".genres.tar.gz.{os.getpid()}.part"
    clips = Parallel(n_jobs=n_jobs, return_as="generator")(  # in order: the tar is written while workers render
        delayed(_gtzan_clip)(g, k, seconds, seed, fmt) for g, k in jobs)
    try:
        with open(part, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=_MTIME, filename="") as gz, \
                tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tf:
            _tar_member(tf, "genres")
            genre = None
            for rel, data in clips:
                g, name = rel.split("/")[1:]
                if g != genre:
                    _tar_member(tf, f"genres/{g}")
                    genre = g
                if fmt == "wav":
                    _tar_member(tf, f"genres/{g}/._{name}", apple_double(name))
                _tar_member(tf, rel, data)
        os.replace(part, archive)
    finally:
        part.unlink(missing_ok=True)
    what = f"GTZAN rehearsal ({fmt}, {len(jobs)} generated clips; seed {seed})"
    entries["gtzan_audio"] = _archive_entry(out, archive, what)
    _add_to_manifest(out, entries)
    return archive


def _copy_split_lists(source: Path, out: Path) -> dict[str, dict[str, object]]:
    entries = {}
    for part in _SPLIT_LISTS:
        src = source / f"{part}_filtered.txt"
        if not src.is_file():
            raise FileNotFoundError(f"split list '{src}' is missing (download them with download('gtzan_splits'))")
        dst = out / src.name
        _atomic_write(dst, src.read_bytes())
        entries[f"gtzan_{part}"] = {"path": dst.name, "sha256": None, "size": dst.stat().st_size,
                                    "description": "the real split list (served as the canonical file)"}
    return entries


# =========================================================================== FMA
def _fma_ids(n: int, rng: np.random.Generator, taken: set[int]) -> list[int]:
    pool = np.setdiff1d(np.arange(2, 155_321), np.fromiter(taken, dtype=int, count=len(taken)))
    return sorted(int(t) for t in rng.choice(pool, size=n, replace=False))


def _assign_artists(ids: list[int], *, start: int) -> tuple[list[int], list[str]]:
    """Artist-disjoint 80/10/10 split of one genre's tracks: artists of 1-3 tracks each, each in one part."""
    n = len(ids)
    n_valid = n_test = max(1, int(round(0.1 * n))) if n >= 3 else 0
    parts = ["training"] * (n - n_valid - n_test) + ["validation"] * n_valid + ["test"] * n_test
    artists, artist, left, current = [], start - 1, 0, None
    for part in parts:
        if left == 0 or part != current:
            artist, current = artist + 1, part
            left = 1 + (artist * 7) % 3
        artists.append(artist)
        left -= 1
    return artists, parts


def fma_tracks_table(*, per_genre: int = 10, medium: bool = False, seed: int = 0) -> "object":
    """The rehearsal's ``tracks.csv`` as a table (FMA's 52 columns, ``track_id`` index).

    Used by :func:`write_fma` (issue 15). ``per_genre`` tracks of each of FMA small's
    eight genres (``set.subset == "small"``, the three empty tracks among them); with
    ``medium``, medium-only tracks of 16 genres in FMA medium's proportions (at least
    one each); always a few ``large``-only rows without a top genre.

    Returns
    -------
    pandas.DataFrame
        Columns are ``(group, field)`` pairs as in FMA's file.
    """
    import pandas as pd

    if per_genre < 3:
        raise ValueError(f"per_genre must be at least 3 (train, valid and test need tracks), got {per_genre}")
    rng = np.random.default_rng([seed, 15])
    rows: list[dict] = []
    taken: set[int] = set(FMA_EMPTY)
    groups = [("small", g, per_genre) for g in FMA_SMALL_GENRES]
    if medium:
        scale = per_genre / 1000
        for g, count in FMA_MEDIUM_COUNTS.items():
            small = per_genre if g in FMA_SMALL_GENRES else 0
            groups.append(("medium", g, max(1, int(round(count * scale)) - small)))
    artist = 1
    for k, (subset, genre, n) in enumerate(groups):
        ids = _fma_ids(n, rng, taken)
        if subset == "small" and k < len(FMA_EMPTY):
            ids = sorted(ids[1:] + [FMA_EMPTY[k]])  # the three empty tracks sit in the first three genres
        taken.update(ids)
        artists, parts = _assign_artists(ids, start=artist)
        artist = max(artists) + 1
        for tid, a, part in zip(ids, artists, parts):
            rows.append(_fma_row(tid, genre, a, part, subset, rng))
    for tid in _fma_ids(max(3, per_genre // 2), rng, taken):
        rows.append(_fma_row(tid, None, artist, "training", "large", rng))
        artist += 1
    rows.sort(key=lambda r: r["track_id"])
    index = pd.Index([r.pop("track_id") for r in rows], name="track_id")
    table = pd.DataFrame(rows, index=index)
    table.columns = pd.MultiIndex.from_tuples(table.columns)
    return table[pd.MultiIndex.from_tuples(FMA_COLUMNS)]


def _fma_row(tid: int, genre: str | None, artist: int, part: str, subset: str, rng: np.random.Generator) -> dict:
    row = {c: np.nan for c in FMA_COLUMNS}
    gid = FMA_GENRE_IDS.get(genre)
    row.update({
        ("album", "id"): artist * 10, ("album", "title"): f"Rehearsal album {artist}", ("album", "type"): "Album",
        ("album", "date_created"): "2008-11-26 01:44:45", ("album", "tracks"): 10, ("album", "listens"): 0,
        ("album", "favorites"): 0, ("album", "comments"): 0, ("album", "tags"): "[]",
        ("artist", "id"): artist, ("artist", "name"): f"Rehearsal Artist {artist:04d}",
        ("artist", "date_created"): "2008-11-26 01:42:32", ("artist", "favorites"): 0, ("artist", "comments"): 0,
        ("artist", "tags"): "[]",
        ("set", "split"): part, ("set", "subset"): subset,
        ("track", "bit_rate"): 320000, ("track", "duration"): 30 * int(rng.integers(4, 12)),
        ("track", "genre_top"): genre if genre else np.nan,
        ("track", "genres"): f"[{gid}]" if gid else "[]", ("track", "genres_all"): f"[{gid}]" if gid else "[]",
        ("track", "date_created"): "2008-11-26 01:48:12", ("track", "interest"): int(rng.integers(100, 5000)),
        ("track", "license"): "Attribution-NonCommercial-ShareAlike 3.0 International", ("track", "listens"): 0,
        ("track", "favorites"): 0, ("track", "comments"): 0, ("track", "number"): 1, ("track", "tags"): "[]",
        ("track", "title"): f"Rehearsal track {tid}",
    })
    row["track_id"] = tid
    return row


def _fma_seconds(tid: int, seconds: float, seed: int) -> float:
    """30 s, and about one track in 50 shorter (5-29 s), like FMA's few short clips."""
    rng = np.random.default_rng([seed, tid, 30])
    return float(seconds * rng.uniform(0.2, 0.97)) if rng.random() < 1 / 50 else float(seconds)


def _id3_only() -> bytes:
    """An ID3v2.4 tag with no MP3 frame after it: what FMA's three empty tracks amount to."""
    text = b"\x03Rehearsal: no audio"
    frame = b"TIT2" + struct.pack(">I", len(text)) + b"\x00\x00" + text
    size = len(frame)
    syncsafe = bytes([(size >> 21) & 0x7F, (size >> 14) & 0x7F, (size >> 7) & 0x7F, size & 0x7F])
    return b"ID3\x04\x00\x00" + syncsafe + frame


def _fma_clip(tid: int, genre: str, artist: int, seconds: float, seed: int, channels: int = 2) -> bytes:
    """One MP3 (runs in joblib workers)."""
    import soundfile as sf

    from .. import toy

    if tid in FMA_EMPTY:
        return _id3_only()
    y, _ = toy.synthesize_track(FMA_RECIPE[genre], artist=artist % 50, seed=seed,
                                duration=_fma_seconds(tid, seconds, seed), sr=_FMA_SR, track=tid)
    pcm = _pcm16(y)
    buf = io.BytesIO()
    sf.write(buf, np.stack([pcm] * channels, axis=1), _FMA_SR, format="MP3", subtype="MPEG_LAYER_III")
    return buf.getvalue()


def _zip_bytes(zf: zipfile.ZipFile, name: str, data: bytes, *, compress: bool) -> None:
    info = zipfile.ZipInfo(name, date_time=(2017, 4, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    zf.writestr(info, data)


def _write_zip(path: Path, members: Sequence[tuple[str, bytes]], *, compress: bool) -> None:
    part = path.with_name(f".{path.name}.{os.getpid()}.part")
    with zipfile.ZipFile(part, "w") as zf:
        for name, data in members:
            _zip_bytes(zf, name, data, compress=compress)
    os.replace(part, path)


def _genres_csv(table: "object") -> bytes:
    import pandas as pd

    counts = table[("track", "genre_top")].value_counts()
    rows = [(gid, int(counts.get(g, 0)), 0, g, gid) for g, gid in sorted(FMA_GENRE_IDS.items(), key=lambda x: x[1])]
    frame = pd.DataFrame(rows, columns=["genre_id", "#tracks", "parent", "title", "top_level"])
    return frame.to_csv(index=False).encode("utf-8")


def write_fma(
    out: str | os.PathLike,
    *,
    per_genre: int = 10,
    seconds: float = 30.0,
    medium: bool = False,
    channels: int = 2,
    seed: int = 0,
    n_jobs: int = 2,
) -> dict[str, Path]:
    """Write rehearsal ``fma_metadata.zip`` and ``fma_small.zip`` (and ``fma_medium.zip``) into ``out``.

    Used by the rehearsal tests and ``python -m mgc_helpers.datasets.rehearsal fma``
    (issue 15). The real FMA small has 1000 tracks per genre; ``per_genre`` scales
    everything down (tracks, FMA medium's counts).

    Parameters
    ----------
    out : path-like
        Output folder (created).
    per_genre : int, keyword-only
        Tracks per genre of FMA small (at least 3).
    seconds : float, keyword-only
        Clip length (a few tracks are shorter, three have no audio).
    medium : bool, keyword-only
        Also write ``fma_medium.zip`` (small's tracks and the medium-only ones).
    channels : {2, 1}, keyword-only
        2: stereo like FMA's MP3s (libsndfile's LAME encoder: about 6 s of one core
        per 30-s clip on a loaded 2-core machine); 1: mono, about 3 times faster.
    seed, n_jobs : keyword-only
        Music seed; joblib worker processes.

    Returns
    -------
    dict
        ``{"fma_metadata": path, "fma_small": path[, "fma_medium": path]}``.
    """
    from joblib import Parallel, delayed

    if seconds <= 0:
        raise ValueError(f"seconds must be positive, got {seconds}")
    if channels not in (1, 2):
        raise ValueError(f"channels must be 1 or 2, got {channels}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    table = fma_tracks_table(per_genre=per_genre, medium=medium, seed=seed)
    csv = table.to_csv().encode("utf-8")
    paths = {"fma_metadata": out / "fma_metadata.zip"}
    _write_zip(paths["fma_metadata"], [("fma_metadata/tracks.csv", csv), ("fma_metadata/genres.csv", _genres_csv(table)),
                                       ("fma_metadata/README.txt", b"FMA rehearsal metadata: generated, not real.\n")],
               compress=True)
    subset = table[("set", "subset")]
    sizes = ("small", "medium") if medium else ("small",)
    wanted = table[subset.isin(sizes)]
    clips = Parallel(n_jobs=n_jobs, return_as="generator")(  # in order: the zips are written while workers render
        delayed(_fma_clip)(int(t), wanted.at[t, ("track", "genre_top")], int(wanted.at[t, ("artist", "id")]),
                           seconds, seed, channels)
        for t in wanted.index
    )
    for size in sizes:
        paths[f"fma_{size}"] = out / f"fma_{size}.zip"
    parts = {size: paths[f"fma_{size}"].with_name(f".fma_{size}.zip.{os.getpid()}.part") for size in sizes}
    try:
        zips = {size: zipfile.ZipFile(parts[size], "w") for size in sizes}
        checksums = {size: [] for size in sizes}
        counts = dict.fromkeys(sizes, 0)
        for tid, data in zip(wanted.index, clips):
            name = f"{int(tid):06d}"
            for size in sizes:
                if size == "medium" or subset[tid] == "small":
                    _zip_bytes(zips[size], f"fma_{size}/{name[:3]}/{name}.mp3", data, compress=False)
                    checksums[size].append(f"{hashlib.sha1(data).hexdigest()}  {name[:3]}/{name}.mp3\n")
                    counts[size] += 1
        for size in sizes:
            _zip_bytes(zips[size], f"fma_{size}/checksums", "".join(checksums[size]).encode(), compress=True)
            readme = f"FMA {size} rehearsal: {counts[size]} generated tracks (not real music).\n".encode()
            _zip_bytes(zips[size], f"fma_{size}/README.txt", readme, compress=True)
            zips[size].close()
            os.replace(parts[size], paths[f"fma_{size}"])
    finally:
        for part in parts.values():
            part.unlink(missing_ok=True)
    what = f"FMA rehearsal ({per_genre} tracks per small genre; seed {seed})"
    _add_to_manifest(out, {key: _archive_entry(out, p, what) for key, p in paths.items()})
    return paths


# =========================================================================== serving
def remotes_for(
    folder: str | os.PathLike, base_url: str, *, remotes: Mapping[str, _remotes.Remote] | None = None
) -> dict[str, _remotes.Remote]:
    """The remotes table with every file of ``folder``'s manifest served by ``base_url`` only.

    Used by the rehearsal tests (issue 15). Archives are added with their own sha256
    (:func:`~mgc_helpers.datasets.remotes.with_mirror`, ``only=True``: the real hosts
    are never asked); copied split lists are served as the canonical files.

    Parameters
    ----------
    folder : path-like
        A folder written by :func:`write_gtzan` / :func:`write_fma`.
    base_url : str
        Where it is served (``http://127.0.0.1:PORT``, see :func:`serve`).
    remotes : mapping, optional, keyword-only
        The table to start from (default :data:`~mgc_helpers.datasets.remotes.REMOTES`).

    Returns
    -------
    dict
        A new table for :func:`mgc_helpers.datasets.download`.
    """
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise FileNotFoundError(f"'{path}' is missing: write a rehearsal there first (write_gtzan / write_fma)")
    table = dict(_remotes.REMOTES if remotes is None else remotes)
    for key, entry in json.loads(path.read_text(encoding="utf-8"))["files"].items():
        url = base_url.rstrip("/") + "/" + entry["path"]
        own = entry["sha256"] is not None
        table = _remotes.with_mirror(
            table, key, url, only=True, size=int(entry["size"]),
            known_hash=f"sha256:{entry['sha256']}" if own else None,
            hash_source=f"{MANIFEST} of the rehearsal (computed when it was written)" if own else "",
            note=str(entry["description"]),
        )
    return table


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(folder: str | os.PathLike) -> Iterator[str]:
    """Serve ``folder`` over HTTP on 127.0.0.1 (a free port) for the length of a ``with`` block.

    Used by the rehearsal tests (issue 15).

    Yields
    ------
    str
        The base address, ``http://127.0.0.1:PORT``.
    """
    handler = functools.partial(_QuietHandler, directory=str(Path(folder).resolve()))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


# =========================================================================== command line
def main(argv: Sequence[str] | None = None) -> int:
    """``python -m mgc_helpers.datasets.rehearsal {gtzan,fma} --out DIR ...``: write rehearsal archives.

    Used by ``make rehearsal`` (issue 15).
    """
    import time

    parser = argparse.ArgumentParser(prog="python -m mgc_helpers.datasets.rehearsal", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="dataset", required=True)
    g = sub.add_parser("gtzan", help="genres.tar.gz with generated clips")
    g.add_argument("--per-genre", type=int, default=100)
    g.add_argument("--seconds", type=float, default=None)
    g.add_argument("--fmt", choices=("wav", "au"), default="wav")
    g.add_argument("--split-lists", default=None, help="folder with the real {train,valid,test}_filtered.txt")
    f = sub.add_parser("fma", help="fma_metadata.zip and fma_small.zip with generated clips")
    f.add_argument("--per-genre", type=int, default=10)
    f.add_argument("--seconds", type=float, default=30.0)
    f.add_argument("--medium", action="store_true", help="also fma_medium.zip")
    f.add_argument("--mono", action="store_true", help="mono MP3s (about 3 times faster to encode)")
    for p in (g, f):
        p.add_argument("--out", required=True)
        p.add_argument("--seed", type=int, default=0)
        p.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    try:
        if args.dataset == "gtzan":
            paths = [write_gtzan(args.out, per_genre=args.per_genre, seconds=args.seconds, fmt=args.fmt,
                                 seed=args.seed, n_jobs=args.jobs, split_lists=args.split_lists)]
        else:
            paths = list(write_fma(args.out, per_genre=args.per_genre, seconds=args.seconds, medium=args.medium,
                                   channels=1 if args.mono else 2, seed=args.seed, n_jobs=args.jobs).values())
    except (ValueError, FileNotFoundError) as exc:  # bad input: one line, no traceback
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for p in paths:
        print(f"{p} ({_remotes.human_size(p.stat().st_size)})")
    print(f"written in {time.perf_counter() - t0:.1f} s; manifest {Path(args.out) / MANIFEST}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
