"""FMA, the Free Music Archive dataset (Defferrard et al. 2017): labels, artists and the official split.

Used from notebook 03 on (seed reports 001 and 004 work on FMA small / medium).
After ``python -m mgc_helpers download fma_small`` the data root (``$MGC_DATA_DIR``)
holds::

    fma_metadata/tracks.csv        three header rows: group (album, artist, set, track),
                                   field (e.g. ``genre_top``), then ``track_id``
    fma_small/000/000002.mp3       audio, 30-s MP3 clips (``fma_medium/`` likewise)

The label is ``('track', 'genre_top')``; ``('set', 'subset')`` says which subset a
track belongs to (small is part of medium); ``('set', 'split')`` is FMA's official,
artist-disjoint ``training`` / ``validation`` / ``test`` split, used as is. Several
MP3s are empty or undecodable: they are detected, skipped and reported; the three of
FMA small that hold no audio at all (:data:`NO_AUDIO`) are named as such.
"""
from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Sequence

import pandas as pd

from .. import config
from .folder import TRACK_COLUMNS, Probe, attach_report, probe_files

__all__ = ["GENRE_SETS", "SIZES", "NO_AUDIO", "read_tracks_csv", "audio_path", "load_fma"]

#: Named genre selections: report 001's four genres, report 004's eight (all of FMA small).
GENRE_SETS: dict[str, tuple[str, ...]] = {
    "four": ("Electronic", "Rock", "Hip-Hop", "Folk"),
    "eight": ("Electronic", "Experimental", "Folk", "Hip-Hop", "Instrumental", "International", "Pop", "Rock"),
}
GENRE_SETS["report001"] = GENRE_SETS["four"]
GENRE_SETS["report004"] = GENRE_SETS["eight"]
#: Subsets in increasing size; each contains the smaller ones.
SIZES = ("small", "medium", "large")
_SPLIT_NAMES = {"training": "train", "validation": "valid", "test": "test"}
#: FMA small's tracks whose MP3 holds no audio (FMA's README): always reported as such.
NO_AUDIO = (99134, 108925, 133297)


def read_tracks_csv(path: str | os.PathLike) -> pd.DataFrame:
    """Read FMA's ``tracks.csv`` (group and field header rows, then the ``track_id`` row).

    Used from notebook 03 on.

    Returns
    -------
    pandas.DataFrame
        Columns are pairs such as ``("track", "genre_top")`` and ``("set", "split")``.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"FMA metadata '{path}' is missing: run `python -m mgc_helpers download fma_metadata` "
            "(about 358 MB) or mgc_helpers.datasets.download('fma_small')"
        )
    table = pd.read_csv(path, index_col=0, header=[0, 1], low_memory=False)
    needed = [("set", "subset"), ("set", "split"), ("track", "genre_top"), ("artist", "name")]
    absent = [c for c in needed if c not in table.columns]
    if absent:
        raise ValueError(f"'{path}' does not look like FMA's tracks.csv: columns {absent} are missing")
    return table


def audio_path(audio_root: str | os.PathLike, track_id: int) -> Path:
    """Where FMA keeps a track: ``<audio_root>/000/000002.mp3`` for track 2.

    Used from notebook 03 on.
    """
    name = f"{int(track_id):06d}"
    return Path(audio_root) / name[:3] / f"{name}.mp3"


def _genres(genres: str | Sequence[str] | None) -> tuple[str, ...] | None:
    if genres is None:
        return None
    if isinstance(genres, str):
        if genres not in GENRE_SETS:
            raise ValueError(f"genres must be one of {sorted(GENRE_SETS)} or a list of FMA top genres, got {genres!r}")
        return GENRE_SETS[genres]
    return tuple(genres)


def _name_no_audio(probe: Probe, track_id: int) -> Probe:
    if probe.status != "skipped" or int(track_id) not in NO_AUDIO:
        return probe
    return replace(probe, reason=f"no audio: one of FMA small's three empty tracks (FMA's README); {probe.reason}")


def load_fma(
    root: str | os.PathLike,
    *,
    size: str = "small",
    genres: str | Sequence[str] | None = None,
    split: str = "default",
    sr: int = config.SAMPLE_RATE,
    min_duration: float = 1.0,
    decode: bool = False,
) -> pd.DataFrame:
    """The FMA small or medium tracks table with FMA's official artist-disjoint split.

    Used from notebook 03 on, through :func:`mgc_helpers.datasets.load_tracks`.

    Parameters
    ----------
    root : path-like
        The data root holding ``fma_metadata/`` and ``fma_<size>/``.
    size : {"small", "medium"}, keyword-only
        Which subset (medium includes small).
    genres : str or sequence of str, optional, keyword-only
        ``"four"`` (report 001: Electronic, Rock, Hip-Hop, Folk), ``"eight"`` (seed
        004: FMA small's eight), a list of top genres, or ``None`` for all.
    split : {"default", "official"}, keyword-only
        FMA's official split (the only one offered: it is artist-disjoint).
    sr, min_duration, decode : keyword-only
        As :func:`mgc_helpers.datasets.folder.probe_file`.

    Returns
    -------
    pandas.DataFrame
        ``track_id`` (int), ``path``, ``genre``, ``artist``, ``split``, ``duration``;
        empty or undecodable MP3s are skipped and listed in ``attrs["skipped"]``.
    """
    if size not in SIZES[:2]:
        raise ValueError(f"size must be 'small' or 'medium', got {size!r}")
    if split not in ("default", "official"):
        raise ValueError(f"FMA uses its official artist-disjoint split: split must be 'default' or 'official', got {split!r}")
    root = Path(root)
    meta = read_tracks_csv(root / "fma_metadata" / "tracks.csv")
    audio_root = root / f"fma_{size}"
    if not audio_root.is_dir():
        raise FileNotFoundError(
            f"FMA {size} audio is not in '{audio_root}': run `python -m mgc_helpers download fma_{size}` "
            f"or mgc_helpers.datasets.download('fma_{size}')"
        )
    subset = meta[("set", "subset")].astype(str)
    keep = subset.isin(SIZES[: SIZES.index(size) + 1]) & meta[("track", "genre_top")].notna()
    wanted = _genres(genres)
    if wanted is not None:
        unknown = set(wanted) - set(meta[("track", "genre_top")].dropna())
        if unknown:
            raise ValueError(f"FMA has no top genre(s) {sorted(unknown)}")
        keep &= meta[("track", "genre_top")].isin(wanted)
    meta = meta[keep]
    tracks = pd.DataFrame({
        "track_id": meta.index.astype(int),
        "path": [str(audio_path(audio_root, t)) for t in meta.index],
        "genre": meta[("track", "genre_top")].astype(str).to_numpy(),
        "artist": meta[("artist", "name")].to_numpy(),
        "split": meta[("set", "split")].map(_SPLIT_NAMES).to_numpy(),
    })
    tracks.attrs["skipped"] = {}
    probes = probe_files(tracks["path"].tolist(), sr=sr, min_duration=min_duration, decode=decode)
    probes = [_name_no_audio(p, t) for p, t in zip(probes, tracks["track_id"])]
    tracks = attach_report(tracks, probes, dataset=f"FMA {size}")
    return tracks[list(TRACK_COLUMNS)]
