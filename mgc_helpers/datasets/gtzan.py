"""GTZAN (Tzanetakis & Cook 2002): 10 genres x 100 clips of 30 s, and its honest split.

Used from notebook 03 on. After ``python -m mgc_helpers download gtzan`` the data root
(``$MGC_DATA_DIR``, default the repository's ``data/``) holds::

    gtzan/genres/<genre>/<genre>.000NN.au     (the 2002 original; the Hugging Face copy: .wav)
    gtzan/splits/{train,valid,test}_filtered.txt

The copy served today (Hugging Face) has ``.wav`` clips and a macOS AppleDouble file
``._<genre>.000NN.wav`` (211 bytes of Finder metadata, no audio) beside every clip:
those are ignored and never counted. Both ``.au`` and ``.wav`` copies are read.

Copies from elsewhere work too: ``gtzan/<genre>/...`` and Kaggle's
``gtzan/genres_original/<genre>/...`` are found as well.

GTZAN has no artist names and known faults (Sturm 2013: repeated clips, mislabelings,
distortions). Its default split is therefore the **fault-filtered, artist-disjoint**
split of Kereliuk, Sturm & Larsen (443 train / 197 valid / 290 test = 930 tracks; the
other 70 clips are left out). ``split="random"`` gives a stratified random split of all
clips, only to show how much it inflates the scores. ``jazz.00054`` is corrupt in
several copies (in the Hugging Face copy it is truncated and cannot be decoded), so it
is always skipped, with a warning that says what is wrong with *this* copy of it.
"""
from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from .. import config
from . import splits as _splits
from .folder import TRACK_COLUMNS, attach_report, probe_files

__all__ = ["GENRES", "KNOWN_CORRUPT", "find_audio_root", "is_apple_double", "load_gtzan", "split_folder"]

#: GTZAN's ten genres.
GENRES = ("blues", "classical", "country", "disco", "hiphop", "jazz", "metal", "pop", "reggae", "rock")
#: Clips that are corrupt in several copies of GTZAN: always skipped (with a warning).
KNOWN_CORRUPT = {"jazz.00054": "known to be corrupt in several copies of GTZAN; skipped in every copy for comparability"}
_LAYOUTS = ("genres", "", "genres_original", "Data/genres_original")


def find_audio_root(folder: str | os.PathLike) -> Path:
    """The folder holding GTZAN's genre sub-folders inside a GTZAN folder.

    Used from notebook 03 on.

    Raises
    ------
    FileNotFoundError
        No known layout was found; the message says how to download GTZAN.
    """
    folder = Path(folder)
    for sub in _LAYOUTS:
        candidate = folder / sub if sub else folder
        if any((candidate / g).is_dir() for g in GENRES):
            return candidate
    raise FileNotFoundError(
        f"GTZAN was not found in '{folder}' (expected {folder}/genres/<genre>/<genre>.000NN.au). "
        "Download it (about 1.2 GB) with `python -m mgc_helpers download gtzan` or "
        "mgc_helpers.datasets.download('gtzan'), or set MGC_DATA_DIR to the folder that holds gtzan/."
    )


def split_folder(folder: str | os.PathLike) -> Path:
    """Where the split lists of a GTZAN folder are (``<folder>/splits``).

    Used from notebook 03 on.
    """
    return Path(folder) / "splits"


def is_apple_double(path: str | os.PathLike) -> bool:
    """Whether ``path`` is a macOS AppleDouble file (``._name``: Finder metadata, never audio).

    Used from notebook 03 on (the Hugging Face copy of GTZAN has one beside every clip).
    """
    return Path(path).name.startswith("._")


def _scan(audio_root: Path) -> pd.DataFrame:
    rows = []
    for genre in GENRES:
        for f in sorted((audio_root / genre).glob(f"{genre}.*")):
            if f.suffix.lower() in (".au", ".wav") and not f.name.startswith(".") and not is_apple_double(f):
                rows.append((f.stem, str(f), genre))
    return pd.DataFrame(rows, columns=["track_id", "path", "genre"])


def _corrupt_reason(track_id: str, path: str, *, sr: int) -> str:
    """Why a known-corrupt clip is skipped, with what is wrong with this copy of it."""
    from .folder import probe_file

    probe = probe_file(path, sr=sr, decode=True)
    found = probe.reason if probe.status == "skipped" else "this copy decodes"
    return f"{found}; {KNOWN_CORRUPT[track_id]}"


def load_gtzan(
    folder: str | os.PathLike,
    *,
    split: str = "default",
    seed: int = 0,
    fractions: Sequence[float] = (0.6, 0.2, 0.2),
    sr: int = config.SAMPLE_RATE,
    min_duration: float = 1.0,
    decode: bool = False,
) -> pd.DataFrame:
    """The GTZAN tracks table with its honest split.

    Used from notebook 03 on, through :func:`mgc_helpers.datasets.load_tracks`.

    Parameters
    ----------
    folder : path-like
        The GTZAN folder (``<data root>/gtzan``).
    split : {"default", "filtered", "random"}, keyword-only
        ``"default"`` / ``"filtered"``: the fault-filtered artist-disjoint split (930
        tracks). ``"random"``: all clips, stratified random split (for comparison only).
    seed, fractions : keyword-only
        Seed and train/valid/test shares of the random split.
    sr, min_duration, decode : keyword-only
        As :func:`mgc_helpers.datasets.folder.probe_file`.

    Returns
    -------
    pandas.DataFrame
        ``track_id`` (``blues.00000``), ``path``, ``genre``, ``artist`` (unknown:
        missing values), ``split``, ``duration``. ``attrs["missing"]`` lists clips of
        the split lists that are not on disk, ``attrs["excluded"]`` the clips the
        filtered split leaves out, ``attrs["skipped"]`` unusable files.
    """
    folder = Path(folder)
    tracks = _scan(find_audio_root(folder))
    tracks["artist"] = None
    skipped: dict[str, str] = {}
    corrupt = tracks["track_id"].isin(list(KNOWN_CORRUPT))
    for _, row in tracks[corrupt].iterrows():
        skipped[row["path"]] = _corrupt_reason(row["track_id"], row["path"], sr=sr)  # attach_report warns about it
    tracks = tracks[~corrupt].reset_index(drop=True)
    missing: list[str] = []
    excluded: dict[str, str] = {}
    if split in ("default", "filtered"):
        lists = _splits.read_split_lists(split_folder(folder))
        part = {tid: name for name, ids in lists.items() for tid in ids}
        listed = tracks["track_id"].isin(list(part))
        excluded = {
            path: "not in the fault-filtered split (a repetition, mislabeling or distortion; Sturm 2013)"
            for path in tracks.loc[~listed, "path"]
        }
        tracks = tracks[listed].reset_index(drop=True)
        tracks["split"] = tracks["track_id"].map(part)
        missing = sorted(set(part) - set(tracks["track_id"]) - set(KNOWN_CORRUPT))
        if missing:
            warnings.warn(
                f"GTZAN: {len(missing)} clip(s) of the split lists are not in {folder} (e.g. {', '.join(missing[:3])}); "
                "is the download complete?",
                stacklevel=3,
            )
    elif split == "random":
        tracks["split"] = _splits.stratified_split(tracks["genre"], fractions=fractions, seed=seed)
    else:
        raise ValueError(f"split must be 'default', 'filtered' or 'random' for GTZAN, got {split!r}")
    tracks.attrs["skipped"] = skipped
    tracks.attrs["excluded"] = excluded
    probes = probe_files(tracks["path"].tolist(), sr=sr, min_duration=min_duration, decode=decode)
    tracks = attach_report(tracks, probes, dataset="GTZAN")
    tracks.attrs["missing"] = missing
    tracks["artist"] = tracks["artist"].astype(object).where(tracks["artist"].notna(), np.nan)
    return tracks[list(TRACK_COLUMNS)]
