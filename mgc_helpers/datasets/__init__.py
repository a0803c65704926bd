"""One way to name a dataset: ``load_tracks(name)`` and ``download(name)``.

Used from notebook 03 on. Every dataset becomes the same tracks table, one row per
track: ``track_id, path, genre, artist, split, duration`` (the toy dataset adds its
musical metadata: tempo, key, sections...). The ``split`` column is honest by
default: artist-disjoint everywhere (see :mod:`mgc_helpers.datasets.splits`).

>>> tracks = load_tracks("toy")                      # doctest: +SKIP  (offline, generated)
>>> download("gtzan")                                # doctest: +SKIP  (1.2 GB, asks nobody)
>>> tracks = load_tracks("gtzan")                    # doctest: +SKIP  (443 / 197 / 290)
>>> tracks = load_tracks("fma_small", genres="four") # doctest: +SKIP
>>> tracks = load_tracks("~/my_music")               # doctest: +SKIP  (one sub-folder per genre)

The named datasets are the entries of :data:`DATASETS` (name, loader, description,
what :func:`download` fetches): a new dataset is one more entry.

Nothing is ever downloaded on import or by :func:`load_tracks` unless
``download=True`` is passed.

Environment variables
---------------------
``MGC_DATA_DIR``
    The data root holding ``toy/``, ``gtzan/``, ``fma_metadata/``, ``fma_small/``,
    ``fma_medium/`` and ``downloads/`` (default: the repository's ``data/`` folder,
    or ``~/mgc_data`` for a pip-installed package). See
    :func:`mgc_helpers.config.data_root`.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import pandas as pd

from .. import config
from . import fetch as _fetch
from . import remotes as _remotes
from . import splits
from .fetch import DownloadError, ExtractError, leftovers
from .folder import TRACK_COLUMNS, load_folder
from .fma import GENRE_SETS, load_fma
from .gtzan import load_gtzan

__all__ = [
    "Dataset",
    "DATASETS",
    "NAMES",
    "DOWNLOADABLE",
    "load_tracks",
    "download",
    "is_downloaded",
    "provenance",
    "report",
    "pick_track",
    "results_name",
    "DatasetNotFound",
    "DownloadError",
    "ExtractError",
    "leftovers",
    "GENRE_SETS",
    "splits",
]

#: Names :func:`download` knows.
DOWNLOADABLE = ("toy", "gtzan", "gtzan_splits", "fma_metadata", "fma_small", "fma_medium")


def _root(root: str | os.PathLike | None) -> Path:
    return Path(root).expanduser() if root is not None else config.data_root()


def _load_toy(base: Path, *, split: str, genres: Any, seed: int, fractions: Sequence[float],
              probe: dict, options: dict) -> pd.DataFrame:
    from .. import toy

    if genres is not None:
        options = {**options, "genres": tuple(genres)}
    meta = toy.ensure_toy_dataset(base / "toy", **options)
    tracks = meta.copy()
    if split in ("default", "artist"):
        tracks["split"] = splits.toy_artist_split(tracks["genre"], tracks["artist"])
    elif split == "random":
        tracks["split"] = splits.stratified_split(tracks["genre"], fractions=fractions, seed=seed)
    else:
        raise ValueError(f"split must be 'default', 'artist' or 'random' for the toy dataset, got {split!r}")
    extra = [c for c in tracks.columns if c not in TRACK_COLUMNS]
    tracks.attrs.update({"skipped": {}, "converted": {}})
    return tracks[[*TRACK_COLUMNS, *extra]]


def _load_gtzan(base: Path, *, split: str, genres: Any, seed: int, fractions: Sequence[float],
                probe: dict, options: dict) -> pd.DataFrame:
    if genres is not None:
        raise TypeError("genres= is for FMA and toy; select GTZAN genres from the table")
    return load_gtzan(base / "gtzan", split=split, seed=seed, fractions=fractions, **probe)


def _fma_loader(size: str) -> Callable[..., pd.DataFrame]:
    def load(base: Path, *, split: str, genres: Any, seed: int, fractions: Sequence[float],
             probe: dict, options: dict) -> pd.DataFrame:
        return load_fma(base, size=size, genres=genres, split=split, **probe)

    return load


@dataclass(frozen=True)
class Dataset:
    """One entry of :data:`DATASETS`: how :func:`load_tracks` loads a named dataset.

    Used from notebook 03 on. A new dataset is one more entry.

    Attributes
    ----------
    name : str
        What :func:`load_tracks` is called with.
    loader : callable
        ``loader(base, *, split, genres, seed, fractions, probe, options) -> tracks``:
        ``base`` is the data root, ``probe`` the keywords of
        :func:`~mgc_helpers.datasets.folder.probe_file`, ``options`` the extra keywords
        of :func:`load_tracks` (only datasets with ``takes_options`` accept any).
    description : str
        One line for people.
    download : str or None
        The :func:`download` name that fetches it (``None``: nothing to download).
    takes_options : bool
        Whether extra keyword options are passed to the loader (the toy generator's).
    title : str
        The name people use in messages (``"GTZAN"``); default ``name``.
    """

    name: str
    loader: Callable[..., pd.DataFrame]
    description: str
    download: str | None = None
    takes_options: bool = False
    title: str = ""

    @property
    def label(self) -> str:
        """The name people use (``"GTZAN"``, ``"FMA small"``)."""
        return self.title or self.name


#: The named datasets :func:`load_tracks` knows (a folder path is the other way in).
DATASETS: dict[str, Dataset] = {d.name: d for d in (
    Dataset("toy", _load_toy, "offline synthetic clips, ten GTZAN genres, generated on first use",
            download=None, takes_options=True),
    Dataset("gtzan", _load_gtzan, "GTZAN, 1000 clips of 30 s, ten genres, fault-filtered artist split",
            download="gtzan", title="GTZAN"),
    Dataset("fma_small", _fma_loader("small"), "FMA small, 8000 clips of 30 s, eight genres, official split",
            download="fma_small", title="FMA small"),
    Dataset("fma_medium", _fma_loader("medium"), "FMA medium, 25000 clips of 30 s, sixteen genres, official split",
            download="fma_medium", title="FMA medium"),
)}
#: Dataset names :func:`load_tracks` knows (besides folder paths).
NAMES = tuple(DATASETS)


def is_downloaded(name: str, *, root: str | os.PathLike | None = None) -> bool:
    """Whether every file of a downloadable dataset is in place.

    Used from notebook 03 on (a notebook can skip its GTZAN cells when it is not).
    """
    if name == "toy":
        return (_root(root) / "toy" / "metadata.csv").is_file()
    if name not in _remotes.DATASET_FILES:
        raise ValueError(f"unknown download {name!r}: choose one of {DOWNLOADABLE}")
    return not _missing(name, _root(root))


def provenance(name: str, *, root: str | os.PathLike | None = None) -> dict[str, dict | None]:
    """Which copy of each archive of a downloaded dataset was verified how.

    Used from notebook 03 on, by ``python -m mgc_helpers info``. :func:`download`
    writes the record into the extracted folder (``.mgc_download.json``, see
    :meth:`~mgc_helpers.datasets.remotes.Remote.provenance`).

    Parameters
    ----------
    name : str
        A name of :data:`DOWNLOADABLE` (``"toy"`` has no archive).
    root : path-like, optional, keyword-only
        Data root (default ``$MGC_DATA_DIR``, else the repository's ``data/``).

    Returns
    -------
    dict
        ``{archive file name: record}`` for every archive whose folder is in place;
        the record holds ``file, url, hash, copy, hash_source`` (older downloads:
        ``file, hash, urls``), or is ``None`` when the folder has no record (placed
        by hand, or extracted by an older version).
    """
    if name == "toy":
        return {}
    if name not in _remotes.DATASET_FILES:
        raise ValueError(f"unknown download {name!r}: choose one of {DOWNLOADABLE}")
    import json

    base = _root(root)
    found: dict[str, dict | None] = {}
    for key in _remotes.DATASET_FILES[name]:
        remote = _remotes.REMOTES[key]
        folder = base / remote.target
        if not remote.archive or not folder.is_dir():
            continue
        marker = folder / _fetch.MARKER
        try:
            found[remote.filename] = json.loads(marker.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            found[remote.filename] = None
    return found


def load_tracks(
    name: str | os.PathLike = "toy",
    *,
    root: str | os.PathLike | None = None,
    split: str = "default",
    genres: str | Sequence[str] | None = None,
    seed: int = 0,
    fractions: Sequence[float] = (0.6, 0.2, 0.2),
    sr: int = config.SAMPLE_RATE,
    min_duration: float = 1.0,
    decode: bool = False,
    download: bool = False,
    **toy_options: Any,
) -> pd.DataFrame:
    """The tracks table of a dataset: one row per usable track, with an honest split.

    Used from notebook 03 on (notebooks 03–10 start here).

    Parameters
    ----------
    name : str or path-like
        ``"toy"`` (offline, generated on first use), ``"gtzan"``, ``"fma_small"``,
        ``"fma_medium"``, or a folder with one sub-folder per genre (see
        :mod:`mgc_helpers.datasets.folder`).
    root : path-like, optional, keyword-only
        Data root holding the datasets (default ``$MGC_DATA_DIR``, else the
        repository's ``data/``). Ignored for a folder path.
    split : str, keyword-only
        ``"default"``: the honest split, artist-disjoint (GTZAN: fault-filtered
        443/197/290; FMA: official; toy: 3/1/1 artists per genre; folder: by
        ``artists.csv``). ``"random"``: stratified random split, for comparison only
        (not for FMA). Also ``"filtered"`` (GTZAN), ``"official"`` (FMA), ``"artist"``
        (toy, folder).
    genres : str or list of str, optional, keyword-only
        FMA: ``"four"`` (report 001), ``"eight"`` (report 004) or a list of top genres.
        Toy: the genres to generate. Not for GTZAN or folders (filter the table).
    seed, fractions : keyword-only
        Seed and train/valid/test shares of computed splits (random, folder).
    sr : int, keyword-only
        Working sample rate (other rates are reported as converted).
    min_duration : float, keyword-only
        Files shorter than this (seconds) are skipped.
    decode : bool, keyword-only
        Decode every file while checking it (slow; finds truncated data).
    download : bool, keyword-only
        Download GTZAN / FMA first if missing (:func:`download`, with its progress
        bar; only the missing files: e.g. GTZAN's split lists alone). Off by default:
        nothing is downloaded unless asked. The toy dataset needs no download: it is
        generated on first use either way.
    **toy_options
        Toy only: options of :func:`mgc_helpers.toy.ensure_toy_dataset` such as
        ``n_artists`` or ``duration`` (``seed`` here is the split's seed; generate
        another toy dataset with ``mgc_helpers.toy.ensure_toy_dataset(seed=...)``).

    Returns
    -------
    pandas.DataFrame
        Columns ``track_id, path, genre, artist, split, duration`` (+ extras). Files
        that were skipped or converted are listed in ``attrs`` (see :func:`report`).

    Raises
    ------
    DatasetNotFound
        (a :class:`FileNotFoundError`) A named dataset is not there and ``download``
        is off: the message gives the size a download would fetch and the one line that
        gets it (``DOWNLOAD = True`` in the parameters cell, or :func:`download`).
    FileNotFoundError
        The folder path does not exist.
    DownloadError
        ``download=True`` and a file could not be downloaded; the message says what
        was being downloaded, whether the computer seems to be offline, and that
        nothing was left half-written.
    NotADirectoryError
        The path is a file, not a folder.
    ValueError
        An unknown dataset name; a folder with no usable audio, only one genre, or a
        train/valid/test part that ends up empty.
    """
    entry = DATASETS.get(name) if isinstance(name, str) else None
    if toy_options and (entry is None or not entry.takes_options):
        raise TypeError(f"unexpected option(s) {sorted(toy_options)} for dataset {str(name)!r}")
    probe = dict(sr=sr, min_duration=min_duration, decode=decode)
    if entry is None:
        if genres is not None and _folder_path(name).is_dir():
            raise TypeError("genres= is for FMA and toy; select a folder's genres from the table")
        return load_folder(_folder_path(name), split=split, seed=seed, fractions=fractions, **probe)
    base = _root(root)
    missing = _missing(entry.download, base) if entry.download is not None else []
    if missing and download:
        _download_missing(entry, base, missing)
    try:
        return entry.loader(base, split=split, genres=genres, seed=seed, fractions=fractions,
                            probe=probe, options=toy_options)
    except FileNotFoundError as exc:
        missing = _missing(entry.download, base) if entry.download is not None else []
        if not missing:
            raise
        raise DatasetNotFound(entry, base, missing) from exc  # the loader's own message stays in the chain


class DatasetNotFound(FileNotFoundError):
    """A named dataset (GTZAN, FMA) is not on disk and nothing was downloaded.

    Used from notebook 03 on (every notebook's set-up cell calls
    ``load_tracks(DATASET, download=DOWNLOAD)``). The message says what is missing,
    how much downloading it would fetch (from the remotes table), and the one line
    that gets it: ``DOWNLOAD = True`` in the notebook's parameters cell, or
    ``mgc_helpers.datasets.download(name)``.

    Attributes
    ----------
    name : str
        The dataset asked for (``"gtzan"``).
    download_name : str
        What :func:`download` must be called with to fetch what is missing (``"gtzan"``,
        or ``"gtzan_splits"`` when only the split lists are missing).
    files : list of str
        The missing files (archive and list names).
    size : int
        Bytes that downloading them would fetch.
    """

    def __init__(self, entry: Dataset, base: Path, missing: list[str]) -> None:
        table = _remotes.REMOTES
        self.name = entry.name
        self.download_name = _covering_download(entry.download or entry.name, missing)
        self.files = [table[k].filename for k in missing]
        self.size = sum(table[k].size for k in missing)
        archives = sum(table[k].size for k in missing if table[k].archive)
        files = ", ".join(f"{table[k].filename} ({_remotes.human_size(table[k].size)})" for k in missing)
        room = f"; extracting needs about {_remotes.human_size(2 * archives)} of free disk space" if archives else ""
        lines = [
            f"{entry.label} is not in {base} (missing: {', '.join(self.files)}). Nothing was downloaded: "
            "load_tracks downloads only when asked.",
            f"Downloading it fetches {_remotes.human_size(self.size)}: {files}{room}.",
            "To get it, either",
            "  - set DOWNLOAD = True in the notebook's parameters cell "
            f"(the set-up cell then calls load_tracks({entry.name!r}, download=True)), or",
            f"  - run once: mgc_helpers.datasets.download({self.download_name!r})   "
            f"(in a terminal: python -m mgc_helpers download {self.download_name}),",
            "or set MGC_DATA_DIR to a folder that already holds it.",
        ]
        super().__init__("\n".join(lines))


def _in_place(key: str, base: Path) -> bool:
    """Whether the remote file ``key`` of the table is in place under the data root (in any known layout)."""
    remote = _remotes.REMOTES[key]
    target = base / remote.target
    if key == "gtzan_audio":  # GTZAN's clips may sit in another layout (genres_original/, Kaggle's Data/...)
        from .gtzan import find_audio_root

        try:
            find_audio_root(target.parent)
            return True
        except FileNotFoundError:
            return False
    return target.is_dir() if remote.archive else (target / remote.filename).is_file()


def _missing(download_name: str, base: Path) -> list[str]:
    """Keys of the remotes table that downloadable dataset ``download_name`` lacks under ``base``."""
    return [key for key in _remotes.DATASET_FILES[download_name] if not _in_place(key, base)]


def _covering_download(download_name: str, missing: Sequence[str]) -> str:
    """The smallest :func:`download` name that fetches every missing file (``gtzan_splits`` for the lists alone)."""
    fits = [n for n, keys in _remotes.DATASET_FILES.items() if set(missing) <= set(keys)]
    return min(fits, key=lambda n: (len(_remotes.DATASET_FILES[n]), n != download_name), default=download_name)


def _download_missing(entry: Dataset, base: Path, missing: list[str]) -> None:
    """``load_tracks(..., download=True)``: fetch what is missing, with the progress bar; say what failed and why."""
    name = _covering_download(entry.download or entry.name, missing)
    size = sum(_remotes.REMOTES[k].size for k in missing)
    print(f"{entry.label} is not in {base}: downloading {_remotes.human_size(size)} "
          f"(mgc_helpers.datasets.download({name!r}))")
    try:
        _download(name, root=base)
    except DownloadError as exc:
        done = [_remotes.REMOTES[k].filename for k in missing if _in_place(k, base)]
        kept = (f" The file(s) completed before ({', '.join(done)}) are verified and kept; "
                "they are not fetched again.") if done else ""
        why = "this computer seems to be offline" if exc.offline else "no mirror served it"
        raise DownloadError(
            exc.filename, exc.attempts, offline=exc.offline, size=next((r.size for r in _remotes.REMOTES.values() if r.filename == exc.filename), None),
            note=(f"load_tracks({entry.name!r}, download=True) tried to download {entry.label} "
                  f"({_remotes.human_size(size)}: {', '.join(_remotes.REMOTES[k].filename for k in missing)}) "
                  f"into {base} and stopped at {exc.filename} because {why}. Nothing is half-written there: "
                  f"downloads are renamed into place only once verified, archives only once extracted.{kept}"),
        ) from exc


def results_name(name: str | os.PathLike, *, genres: str | Sequence[str] | None = None) -> str:
    """The dataset's name in the results log: ``name``, or ``"<name> (<genres>)"`` for a subset of its genres.

    Used by notebook 07 (report 001's four FMA genres): accuracies on four genres are not comparable with
    accuracies on all eight, so their rows (and saved clip probabilities) go under a dataset name of their own,
    and the leaderboard and the ensembles of notebook 10 never mix the two.

    Parameters
    ----------
    name : str or path-like
        What the tracks were loaded as (the notebook's ``DATASET``).
    genres : str or sequence of str, optional, keyword-only
        The ``genres=`` given to :func:`load_tracks` (``None``: every genre).

    Examples
    --------
    >>> results_name("fma_small", genres="four")
    'fma_small (four genres)'
    >>> results_name("gtzan")
    'gtzan'
    """
    if genres is None:
        return str(name)
    if isinstance(genres, str):
        return f"{name} ({genres} genres)"
    chosen = sorted(str(g) for g in genres)
    if not chosen:
        raise ValueError("genres is empty: pass None for every genre")
    return f"{name} ({', '.join(chosen)})"


def pick_track(
    tracks: pd.DataFrame,
    *,
    genres: str | Sequence[str] = (),
    split: str | None = "test",
    index: int = 0,
) -> pd.Series:
    """One track of a tracks table to look at or listen to, whatever the dataset.

    Used by notebooks 08 and 10 (a clip to tag, a clip for the app): a notebook names the
    genres it would like to show (``("metal", "Rock")``: GTZAN's and FMA's spelling), and gets
    a clip of the first one the dataset has, else of its first genre (sorted), so the same cell
    runs on the toy data, GTZAN, FMA and a folder of genres.

    Parameters
    ----------
    tracks : pandas.DataFrame
        From :func:`load_tracks`.
    genres : str or sequence of str, keyword-only
        Preferred genres, in order (none: the first genre).
    split : str or None, keyword-only
        Only tracks of this part (default ``"test"``: artists the models never heard);
        ``None``: any.
    index : int, keyword-only
        Which clip of that genre (in table order).

    Returns
    -------
    pandas.Series
        The row (``track_id``, ``path``, ``genre``...).

    Raises
    ------
    ValueError
        The table has no track in ``split``, or the chosen genre has no clip ``index``.
    """
    pool = tracks if split is None else tracks[tracks["split"] == split]
    if pool.empty:
        raise ValueError(f"the tracks table has no track in the {split!r} split")
    wanted = [genres] if isinstance(genres, str) else list(genres)
    present = set(pool["genre"])
    genre = next((g for g in wanted if g in present), sorted(present)[0])
    rows = pool[pool["genre"] == genre]
    if not -len(rows) <= index < len(rows):
        raise ValueError(f"genre {genre!r} has {len(rows)} clip(s) in the {split!r} split, so no clip {index}")
    return rows.iloc[index]


def _folder_path(name: str | os.PathLike) -> Path:
    """The folder ``name`` stands for; an error that says which of "no such dataset" or "no such folder" it is."""
    path = Path(name).expanduser()
    if path.is_dir():
        return path
    text = str(name)
    if path.exists():
        raise NotADirectoryError(f"'{path}' is a file, not a dataset folder (one sub-folder per genre)")
    if not isinstance(name, str) or os.sep in text or "/" in text or text.startswith(("~", ".")):
        raise FileNotFoundError(f"the folder '{path}' does not exist (a folder dataset needs one sub-folder per genre)")
    raise ValueError(
        f"unknown dataset {text!r}: use one of {', '.join(NAMES)} or the path of a folder with one sub-folder per genre"
    )


def report(tracks: pd.DataFrame) -> pd.DataFrame:
    """Per-file report of a tracks table: which files were skipped or converted, and why.

    Used from notebook 03 on.

    Returns
    -------
    pandas.DataFrame
        Columns ``path, status, reason`` (``status`` is ``"skipped"``, ``"converted"`` or,
        for folder datasets, ``"duplicate"``: a byte-identical copy of another file).
    """
    rows = [(p, "skipped", r) for p, r in tracks.attrs.get("skipped", {}).items()]
    rows += [(p, "converted", r) for p, r in tracks.attrs.get("converted", {}).items()]
    rows += [(p, "duplicate", r) for p, r in tracks.attrs.get("duplicates", {}).items()]
    return pd.DataFrame(rows, columns=["path", "status", "reason"])


def download(
    name: str,
    *,
    root: str | os.PathLike | None = None,
    remotes: Mapping[str, _remotes.Remote] | None = None,
    force: bool = False,
    keep_archive: bool = False,
    progress: bool = True,
    retries: int = 2,
    backoff: float = 1.0,
    timeout: float = 60.0,
    say: Callable[[str], None] = print,
) -> Path:
    """Download a dataset (checksummed, mirrors in order) and extract it into the data root.

    Used from notebook 03 on; also ``python -m mgc_helpers download <name>``. Never
    called on import or by a default notebook run. Each file is announced with its
    size, fetched from the first mirror that works, verified against its hash
    (a mismatch is discarded, reported with both hashes, and the next mirror is
    tried), then archives are extracted all-or-nothing (see
    :mod:`mgc_helpers.datasets.fetch`). What is already in place is not fetched again.

    Parameters
    ----------
    name : str
        ``"gtzan"`` (1.2 GB + split lists), ``"gtzan_splits"`` (20 kB),
        ``"fma_metadata"``, ``"fma_small"`` (7.2 GiB), ``"fma_medium"`` (22 GiB), or
        ``"toy"`` (generated locally, nothing downloaded).
    root : path-like, optional, keyword-only
        Data root (default ``$MGC_DATA_DIR``, else the repository's ``data/``).
    remotes : mapping, optional, keyword-only
        The table of files (default :data:`mgc_helpers.datasets.remotes.REMOTES`;
        see :func:`~mgc_helpers.datasets.remotes.with_mirror` to add a mirror with its copy's hash).
    force : bool, keyword-only
        Download and extract again even if present.
    keep_archive : bool, keyword-only
        Keep archives in ``<root>/downloads`` after extraction (default: delete them).
    progress, retries, backoff, timeout, say : keyword-only
        As :func:`mgc_helpers.datasets.fetch.fetch`.

    Returns
    -------
    pathlib.Path
        The dataset folder.
    """
    base = _root(root)
    if name == "toy":
        from .. import toy

        toy.ensure_toy_dataset(base / "toy")
        return base / "toy"
    if name not in _remotes.DATASET_FILES:
        raise ValueError(f"unknown download {name!r}: choose one of {DOWNLOADABLE}")
    table = dict(_remotes.REMOTES if remotes is None else remotes)
    base.mkdir(parents=True, exist_ok=True)
    _fetch.clean_leftovers(base, say=say)  # before the free-space check: what they held is free again
    opts = dict(progress=progress, retries=retries, backoff=backoff, timeout=timeout, say=say)
    last = base
    for key in _remotes.DATASET_FILES[name]:
        remote = table[key]
        target = base / remote.target
        last = target
        if not remote.archive:
            if force and (target / remote.filename).exists():
                (target / remote.filename).unlink()
            _fetch.fetch(remote, folder=target, **opts)
            continue
        if target.is_dir() and not force:
            say(f"{remote.target}: already in place in {base} (force=True downloads it again)")
            continue
        _check_room(base, remote)
        source: dict = {}  # which copy was verified how (Remote.provenance of the mirror that served it)
        archive = _fetch.fetch(remote, folder=base / "downloads", record=source, **opts)
        say(f"Extracting {archive.name} into {target} ...")
        _fetch.extract_archive(archive, dest=target, source=source)
        if not keep_archive:
            archive.unlink()
        say(f"{remote.target}: ready")
    return last.parent if name in ("gtzan", "gtzan_splits") else last


def _check_room(base: Path, remote: _remotes.Remote) -> None:
    """An archive needs room for itself and its content (about as big again)."""
    import shutil

    free = shutil.disk_usage(base).free
    if 2 * remote.size > free:
        busy = leftovers(base)
        held = sum(_fetch._size(p) for p in busy)
        note = (f"; {len(busy)} unfinished download(s) of another process hold {_remotes.human_size(held)}: "
                + ", ".join(str(p) for p in busy)) if busy else ""
        raise DownloadError(
            remote.filename,
            [f"not enough disk space in {base}: downloading and extracting needs about "
             f"{_remotes.human_size(2 * remote.size)}, only {_remotes.human_size(free)} is free "
             f"(set MGC_DATA_DIR to a bigger disk){note}"],
        )


_download = download  # load_tracks' ``download`` flag shadows the function inside it
