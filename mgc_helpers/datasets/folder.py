"""Your own music: a folder with one sub-folder per genre, and checks of every audio file.

Used from notebook 03 on (and notebook 10, to try the models on your own music).
The layout is GTZAN's::

    my_music/
      jazz/  any_name.mp3  other.wav ...
      rock/  ...
      artists.csv          optional: columns ``file,artist`` (file relative to my_music/,
                           e.g. ``jazz/any_name.mp3``, or just the file name)

Every file is checked before it enters the tracks table (:func:`probe_file`): empty,
corrupt, truncated, non-audio and too-short files are **skipped**; stereo files and
other sample rates are **converted** when loaded (downmixed, resampled to 22050 Hz by
:func:`mgc_helpers.audio.load`). Both are listed in a per-file report
(:func:`mgc_helpers.datasets.report`).
"""
from __future__ import annotations

import os
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from .. import config
from . import splits as _splits

__all__ = ["AUDIO_EXTENSIONS", "Probe", "probe_file", "probe_files", "load_folder", "attach_report", "TRACK_COLUMNS"]

#: File name endings read as audio (anything soundfile or audioread decodes).
AUDIO_EXTENSIONS = (".wav", ".au", ".mp3", ".ogg", ".oga", ".flac", ".aif", ".aiff", ".m4a", ".opus", ".snd")
#: The columns every tracks table starts with.
TRACK_COLUMNS = ("track_id", "path", "genre", "artist", "split", "duration")
_IGNORED_NAMES = {"artists.csv", "readme", "readme.txt", "readme.md", "license", "license.txt", "checksums"}


@dataclass(frozen=True)
class Probe:
    """What :func:`probe_file` found out about one file.

    Used from notebook 03 on.

    Attributes
    ----------
    path : str
    duration : float
        Seconds (0 when unknown).
    samplerate : int
    channels : int
    status : str
        ``"ok"``, ``"converted"`` (usable; stereo or another rate) or ``"skipped"``.
    reason : str
        Why it is converted or skipped (empty when ``ok``).
    """

    path: str
    duration: float
    samplerate: int
    channels: int
    status: str
    reason: str = ""


def _skip(path: Path, reason: str) -> Probe:
    return Probe(str(path), 0.0, 0, 0, "skipped", reason)


#: Endings libsndfile reads itself; other formats (m4a...) are decoded through audioread to probe them.
_SOUNDFILE_EXTENSIONS = (".wav", ".au", ".snd", ".mp3", ".ogg", ".oga", ".opus", ".flac", ".aif", ".aiff")


def _header(path: Path) -> tuple[float, int, int]:
    """``(duration, samplerate, channels)`` from the header (or by decoding formats libsndfile lacks)."""
    import soundfile as sf

    from .. import audio

    if path.suffix.lower() in _SOUNDFILE_EXTENSIONS:
        with audio._c_stderr_captured():  # mpg123 writes notes about damaged MP3s to the C stderr
            info = sf.info(str(path))
        return float(info.duration), int(info.samplerate), int(info.channels)

    y, sr = audio.load(path, sr=None, mono=False)
    return y.shape[-1] / sr, sr, 1 if y.ndim == 1 else y.shape[0]


def probe_file(
    path: str | os.PathLike,
    *,
    sr: int = config.SAMPLE_RATE,
    min_duration: float = 1.0,
    decode: bool = False,
) -> Probe:
    """Check one audio file: is it usable, and does it need converting?

    Used from notebook 03 on. Reading the header is fast (FMA's 8000 MP3s in a few
    seconds); ``decode=True`` also decodes the whole file, which finds files whose
    data is cut short although their header looks fine (slow: seconds per hundred
    files).

    Parameters
    ----------
    path : path-like
        The file.
    sr : int, keyword-only
        Sample rate the course works at; other rates are reported as converted.
    min_duration : float, keyword-only
        Files shorter than this many seconds are skipped.
    decode : bool, keyword-only
        Decode the file completely.

    Returns
    -------
    Probe
        Never raises for a bad file: the reason is in ``Probe.reason``.
    """
    path = Path(path)
    if not path.is_file():
        return _skip(path, "missing: the file does not exist")
    if path.stat().st_size == 0:
        return _skip(path, "empty file (0 bytes): probably an incomplete download")
    try:
        duration, rate, channels = _header(path)
    except Exception:
        return _skip(path, "not a readable audio file (not audio, an unknown format, or a corrupt header)")
    from .. import audio

    notes = []
    cut_short = audio._truncated(path)  # WAV/AIFF/AU: the header promises more data than the file holds
    if cut_short:
        if 0 < duration < min_duration:
            return _skip(path, f"{cut_short}; too short to use")
        notes.append(f"{cut_short}; what is there is used")
    if decode:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # load's "truncated" warning: the note above says it
                y, _ = audio.load(path, sr=None)
        except Exception as exc:
            return _skip(path, f"cannot be decoded: {getattr(exc, 'reason', exc)}")
        decoded = len(y) / rate
        if decoded < 0.9 * duration:
            if decoded < min_duration:
                return _skip(path, f"truncated: the header says {duration:.1f} s but only {decoded:.2f} s decode")
            notes.append(f"truncated: the header says {duration:.1f} s, {decoded:.1f} s decode (all of it is used)")
            duration = decoded
    if duration <= 0:
        return _skip(path, "holds no audio samples")
    if duration < min_duration:
        return _skip(path, f"too short: {duration:.2f} s < min_duration={min_duration:g} s")
    if channels > 1:
        notes.append(f"{channels} channels: downmixed to mono when loaded")
    if rate != sr:
        notes.append(f"{rate} Hz: resampled to {sr} Hz when loaded")
    return Probe(str(path), float(duration), rate, channels, "converted" if notes else "ok", "; ".join(notes))


def probe_files(
    paths: Sequence[str | os.PathLike],
    *,
    sr: int = config.SAMPLE_RATE,
    min_duration: float = 1.0,
    decode: bool = False,
    n_threads: int = 4,
) -> list[Probe]:
    """:func:`probe_file` for many files, with a few threads (header reads wait on the disk).

    Used from notebook 03 on.
    """
    def one(p: str | os.PathLike) -> Probe:
        return probe_file(p, sr=sr, min_duration=min_duration, decode=decode)

    if n_threads <= 1 or len(paths) < 16:
        return [one(p) for p in paths]
    with ThreadPoolExecutor(max_workers=n_threads) as pool:
        return list(pool.map(one, paths))


def attach_report(tracks: pd.DataFrame, probes: Iterable[Probe], *, dataset: str) -> pd.DataFrame:
    """Keep the usable tracks, fill ``duration``, and record the per-file report in ``tracks.attrs``.

    Used from notebook 03 on. ``tracks.attrs["skipped"]`` and
    ``tracks.attrs["converted"]`` map file paths to reasons; a warning names the
    first skipped files.
    """
    probes = list(probes)
    status = np.array([p.status for p in probes], dtype=object)
    out = tracks.loc[status != "skipped"].copy()
    out["duration"] = [p.duration for p in probes if p.status != "skipped"]
    out = out.reset_index(drop=True)
    skipped = {**tracks.attrs.get("skipped", {}), **{p.path: p.reason for p in probes if p.status == "skipped"}}
    converted = {p.path: p.reason for p in probes if p.status == "converted"}
    out.attrs.update(tracks.attrs)
    out.attrs["skipped"] = skipped
    out.attrs["converted"] = converted
    if skipped:
        first = "; ".join(f"{Path(p).name}: {why}" for p, why in list(skipped.items())[:5])
        more = f" (and {len(skipped) - 5} more)" if len(skipped) > 5 else ""
        warnings.warn(
            f"{dataset}: {len(skipped)} file(s) skipped: {first}{more}. "
            "See mgc_helpers.datasets.report(tracks) for the full list.",
            stacklevel=3,
        )
    return out


def _read_artists(folder: Path, files: list[Path]) -> list[str | None]:
    """Artist of each file from ``folder/artists.csv`` (``None`` where not listed)."""
    csv = folder / "artists.csv"
    if not csv.is_file():
        return [None] * len(files)
    table = pd.read_csv(csv, dtype=str)
    key = next((c for c in ("file", "path", "filename", "track_id") if c in table.columns), None)
    if key is None or "artist" not in table.columns:
        raise ValueError(f"'{csv}' needs the columns 'file' and 'artist' (found {list(table.columns)})")
    by_key = {str(k).replace("\\", "/").strip(): a for k, a in zip(table[key], table["artist"])}
    out = []
    for f in files:
        rel = f.relative_to(folder).as_posix()
        out.append(by_key.get(rel) or by_key.get(f.name) or by_key.get(f.stem) or by_key.get(str(Path(rel).with_suffix("")))) 
    return out


def _scan(folder: Path) -> tuple[list[Path], list[str], dict[str, str]]:
    """Audio files and their genre folders; what is ignored (and why) goes into the third value."""
    files, genres, ignored = [], [], {}
    for f in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        if f.suffix.lower() in AUDIO_EXTENSIONS:
            ignored[str(f)] = (f"audio file at the top level, outside any genre sub-folder; ignored "
                               f"(move it into {folder}/<genre>/)")
    for genre_dir in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")):
        found = 0
        for f in sorted(genre_dir.rglob("*")):
            if not f.is_file() or f.name.startswith("."):
                continue
            if f.suffix.lower() in AUDIO_EXTENSIONS:
                files.append(f)
                genres.append(genre_dir.name)
                found += 1
            elif f.name.lower() not in _IGNORED_NAMES:
                ignored[str(f)] = f"not an audio file name (extension '{f.suffix or 'none'}'); ignored"
        if not found:
            ignored[str(genre_dir)] = f"empty genre folder: no audio files in it, so genre '{genre_dir.name}' is left out"
    return files, genres, ignored


def _duplicates(paths: Sequence[str]) -> dict[str, str]:
    """``{path: path of its first byte-identical copy}`` for every file that repeats an earlier one.

    Only files of equal size are hashed, so a folder without copies costs one ``stat`` per file.
    """
    import pooch

    by_size: dict[int, list[str]] = {}
    for p in paths:
        by_size.setdefault(os.path.getsize(p), []).append(p)
    copies: dict[str, str] = {}
    for same_size in (group for group in by_size.values() if len(group) > 1):
        first_of: dict[str, str] = {}
        for p in same_size:
            digest = pooch.file_hash(p)   # SHA-256 (hashlib.file_digest is Python 3.11+)
            if digest in first_of:
                copies[p] = first_of[digest]
            else:
                first_of[digest] = p
    return copies


def _keep_copies_together(tracks: pd.DataFrame, copies: dict[str, str]) -> pd.DataFrame:
    """Give every copy the split of the file it copies, so that no recording is both trained and tested on."""
    if not copies:
        return tracks
    split_of = dict(zip(tracks["path"], tracks["split"]))
    tracks = tracks.copy()
    tracks["split"] = [split_of.get(copies.get(p, p), s) for p, s in zip(tracks["path"], tracks["split"])]
    return tracks


def _check_usable(tracks: pd.DataFrame, folder: Path) -> None:
    """A folder dataset needs two genres and a non-empty train, valid and test part (said at load time)."""
    genres = sorted(tracks["genre"].unique())
    if len(genres) < 2:
        what = f"only one genre ('{genres[0]}')" if genres else "no usable audio file"
        raise ValueError(
            f"'{folder}' has {what}: a genre classifier needs at least two genre sub-folders with usable audio "
            "(see mgc_helpers.datasets.report for the files that were skipped)"
        )
    counts = tracks["split"].value_counts()
    empty = [part for part in _splits.SPLITS if counts.get(part, 0) == 0]
    if empty:
        sizes = " / ".join(f"{counts.get(part, 0)} {part}" for part in _splits.SPLITS)
        raise ValueError(
            f"'{folder}': the {' and '.join(empty)} split{'s are' if len(empty) > 1 else ' is'} empty ({sizes} tracks): "
            "add tracks (or artists, for an artist-disjoint split), or pass other fractions="
        )


def _track_ids(folder: Path, files: list[Path]) -> list[str]:
    stems = [f.stem for f in files]
    if len(set(stems)) == len(stems):
        return stems
    return [f.relative_to(folder).with_suffix("").as_posix() for f in files]


def assign_split(
    tracks: pd.DataFrame, *, split: str, seed: int = 0, fractions: Sequence[float] = (0.6, 0.2, 0.2), dataset: str = ""
) -> np.ndarray:
    """Split column for a folder dataset: artist-disjoint when artists are known, else random (with a warning).

    Used from notebook 03 on.
    """
    if split == "random":
        return _splits.stratified_split(tracks["genre"], fractions=fractions, seed=seed)
    if split not in ("default", "artist"):
        raise ValueError(f"split must be 'default', 'artist' or 'random' for {dataset or 'this dataset'}, got {split!r}")
    if tracks["artist"].notna().all() and len(tracks):
        return _splits.artist_split(tracks["genre"], tracks["artist"], fractions=fractions, seed=seed)
    if split == "artist":
        missing = tracks.loc[tracks["artist"].isna(), "path"].head(3).tolist()
        raise ValueError(f"split='artist' needs an artist for every track (artists.csv); none for e.g. {missing}")
    warnings.warn(
        f"{dataset}: no artist for every track (add an artists.csv), so the split is random per genre: "
        "songs of one artist may sit on both sides and make the scores optimistic.",
        stacklevel=3,
    )
    return _splits.stratified_split(tracks["genre"], fractions=fractions, seed=seed)


def load_folder(
    folder: str | os.PathLike,
    *,
    split: str = "default",
    seed: int = 0,
    fractions: Sequence[float] = (0.6, 0.2, 0.2),
    sr: int = config.SAMPLE_RATE,
    min_duration: float = 1.0,
    decode: bool = False,
) -> pd.DataFrame:
    """The tracks table of a folder with one sub-folder per genre.

    Used from notebook 03 on; :func:`mgc_helpers.datasets.load_tracks` calls it when
    given a folder path.

    Parameters
    ----------
    folder : path-like
        The dataset folder (see the module docstring for the layout).
    split : {"default", "artist", "random"}, keyword-only
        ``"default"``: artist-disjoint (:func:`~mgc_helpers.datasets.splits.artist_split`)
        when ``artists.csv`` names every track's artist, otherwise a stratified random
        split with a warning. ``"artist"`` insists on artists.
    seed : int, keyword-only
        Seed of the split.
    fractions : three floats, keyword-only
        Train / valid / test shares.
    sr : int, keyword-only
        Working sample rate (for the "converted" report).
    min_duration : float, keyword-only
        Shorter files are skipped.
    decode : bool, keyword-only
        Decode every file completely while checking (slower, finds truncated data).

    Returns
    -------
    pandas.DataFrame
        Columns ``track_id, path, genre, artist, split, duration``; per-file report
        in ``attrs`` (see :func:`mgc_helpers.datasets.report`).
    """
    folder = Path(folder).expanduser().resolve()
    if not folder.is_dir():
        raise FileNotFoundError(f"'{folder}' is not a folder")
    files, genres, ignored = _scan(folder)
    if not files:
        raise ValueError(f"'{folder}' holds no audio files in genre sub-folders (e.g. {folder}/jazz/song.mp3)")
    tracks = pd.DataFrame({
        "track_id": _track_ids(folder, files),
        "path": [str(f) for f in files],
        "genre": genres,
        "artist": _read_artists(folder, files),
    })
    tracks.attrs["skipped"] = ignored
    probes = probe_files(tracks["path"].tolist(), sr=sr, min_duration=min_duration, decode=decode)
    tracks = attach_report(tracks, probes, dataset=str(folder))
    copies = _duplicates(tracks["path"].tolist())
    tracks["split"] = assign_split(tracks, split=split, seed=seed, fractions=fractions, dataset=str(folder))
    tracks = _keep_copies_together(tracks, copies)
    tracks.attrs["duplicates"] = {p: f"a byte-identical copy of {first}; kept in the same split" for p, first in copies.items()}
    if copies:
        first = "; ".join(f"{Path(p).name} = {Path(c).name}" for p, c in list(copies.items())[:5])
        warnings.warn(f"{folder}: {len(copies)} file(s) are byte-identical copies of another ({first}); each copy is "
                      "kept in its original's split. See mgc_helpers.datasets.report(tracks).", stacklevel=3)
    _check_usable(tracks, folder)
    return tracks[list(TRACK_COLUMNS)]
