"""Train / validation / test splits, honest by default.

Used from notebook 03 on. A genre classifier that has heard other songs of the same
artist (or the same recording, as in GTZAN's repetitions) during training looks far
better than it is. So every dataset's *default* split keeps artists apart:

``gtzan``
    the fault-filtered, artist-disjoint split of Kereliuk, Sturm & Larsen
    (443 train / 197 valid / 290 test; :func:`read_split_lists`);
``fma_small`` / ``fma_medium``
    FMA's official artist-disjoint split (a column of ``tracks.csv``);
``toy``
    :func:`toy_artist_split`: per genre, of the five artists, three go to train,
    one to valid and one to test, rotating with the genre (see its docstring);
folders with ``artists.csv``
    :func:`artist_split`, a deterministic artist-disjoint assignment.

:func:`stratified_split` (random, per genre) exists only to show, by comparison, how
much a leaky split inflates the scores.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

__all__ = [
    "SPLITS",
    "read_split_lists",
    "track_id_from_list_line",
    "stratified_split",
    "artist_split",
    "toy_artist_split",
    "check_artist_disjoint",
    "split_summary",
]

#: Names of the three parts, in order.
SPLITS = ("train", "valid", "test")


def track_id_from_list_line(line: str) -> str:
    """``"blues/blues.00012.wav"`` -> ``"blues.00012"`` (also for ``.au`` and bare ids).

    Used from notebook 03 on.
    """
    name = line.strip().replace("\\", "/").rsplit("/", 1)[-1]
    return re.sub(r"\.(wav|au|mp3|ogg|flac)$", "", name, flags=re.IGNORECASE)


def read_split_lists(folder: str | os.PathLike) -> dict[str, list[str]]:
    """Read GTZAN's fault-filtered split lists ``{train,valid,test}_filtered.txt``.

    Used from notebook 03 on. Lines look like ``blues/blues.00012.wav``; the
    returned ids like ``blues.00012``. The three lists must be disjoint.

    Parameters
    ----------
    folder : path-like
        Folder holding the three files (``python -m mgc_helpers download gtzan_splits``
        puts them in ``<data root>/gtzan/splits``).

    Returns
    -------
    dict
        ``{"train": [...], "valid": [...], "test": [...]}`` (443 / 197 / 290 ids).

    Raises
    ------
    FileNotFoundError
        A list is missing (the message says how to download it).
    ValueError
        A track is in two lists.
    """
    folder = Path(folder)
    lists: dict[str, list[str]] = {}
    for name in SPLITS:
        path = folder / f"{name}_filtered.txt"
        if not path.is_file():
            raise FileNotFoundError(
                f"GTZAN split list '{path}' is missing: run `python -m mgc_helpers download gtzan_splits` "
                "(20 kB) or mgc_helpers.datasets.download('gtzan_splits')"
            )
        lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
        lists[name] = [track_id_from_list_line(ln) for ln in lines]
    seen: dict[str, str] = {}
    for name, ids in lists.items():
        for tid in ids:
            if tid in seen:
                raise ValueError(f"track {tid} is in both {seen[tid]}_filtered.txt and {name}_filtered.txt in {folder}")
            seen[tid] = name
    return lists


def _check_fractions(fractions: Sequence[float]) -> np.ndarray:
    f = np.asarray(fractions, dtype=float)
    if f.shape != (3,) or np.any(f < 0) or not np.isclose(f.sum(), 1.0):
        raise ValueError(f"fractions must be three non-negative numbers (train, valid, test) summing to 1, got {fractions}")
    return f


def stratified_split(
    genres: Sequence[str], *, fractions: Sequence[float] = (0.6, 0.2, 0.2), seed: int = 0
) -> np.ndarray:
    """A random split, stratified by genre, that ignores artists: for comparison only.

    Used in notebook 03 to show how much a leaky split inflates accuracy (report 000's
    99.88 %). Within each genre the tracks are shuffled with ``seed`` and cut at the
    given fractions.

    Parameters
    ----------
    genres : sequence of str
        Label of each track.
    fractions : three floats, keyword-only
        Train, valid and test shares.
    seed : int, keyword-only
        Shuffling seed (same seed, same split).

    Returns
    -------
    numpy.ndarray of str
        ``"train"``, ``"valid"`` or ``"test"`` per track.
    """
    f = _check_fractions(fractions)
    genres = np.asarray(genres, dtype=object)
    out = np.empty(len(genres), dtype=object)
    rng = np.random.default_rng(seed)
    for genre in sorted(set(genres)):
        idx = np.flatnonzero(genres == genre)
        idx = idx[rng.permutation(len(idx))]
        cuts = np.round(np.cumsum(f)[:2] * len(idx)).astype(int)
        for name, part in zip(SPLITS, np.split(idx, cuts)):
            out[part] = name
    return out


def artist_split(
    genres: Sequence[str],
    artists: Sequence[str],
    *,
    fractions: Sequence[float] = (0.6, 0.2, 0.2),
    seed: int = 0,
) -> np.ndarray:
    """A deterministic artist-disjoint split: every artist's tracks land in one part.

    Used from notebook 03 on (folders with an ``artists.csv``). Artists are visited
    from the most to the least prolific (ties broken by a ``seed``-shuffled order);
    each goes to the part whose share of tracks lags furthest behind its target
    fraction, within the artist's main genre first, so that genres stay roughly
    balanced across the parts.

    Parameters
    ----------
    genres, artists : sequence of str
        Label and artist of each track (missing artists are not allowed).
    fractions : three floats, keyword-only
        Target train, valid and test shares of the tracks.
    seed : int, keyword-only
        Tie-breaking seed.

    Returns
    -------
    numpy.ndarray of str
        ``"train"``, ``"valid"`` or ``"test"`` per track.
    """
    f = _check_fractions(fractions)
    frame = pd.DataFrame({"genre": list(genres), "artist": list(artists)})
    if frame["artist"].isna().any():
        raise ValueError("artist_split needs an artist for every track")
    frame["artist"] = frame["artist"].astype(str)
    main_genre = frame.groupby("artist")["genre"].agg(lambda s: s.value_counts().index[0])
    counts = frame.groupby("artist").size()
    rng = np.random.default_rng(seed)
    names = sorted(counts.index)
    order = sorted(names, key=lambda a, r=dict(zip(names, rng.permutation(len(names)))): (-counts[a], r[a]))
    genre_totals = frame.groupby("genre").size()
    filled = {g: np.zeros(3) for g in genre_totals.index}
    assignment: dict[str, str] = {}
    for artist in order:
        g = main_genre[artist]
        deficit = f * genre_totals[g] - filled[g]
        k = int(np.argmax(deficit))
        assignment[artist] = SPLITS[k]
        filled[g][k] += counts[artist]
    return frame["artist"].map(assignment).to_numpy(dtype=object)


def _natural_key(text: str) -> tuple:
    return tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", str(text)))


def toy_artist_split(genres: Sequence[str], artists: Sequence[str]) -> np.ndarray:
    """The toy dataset's fixed artist-disjoint split.

    Used from notebook 03 on. Within each genre the artists are sorted
    (``blues_artist0`` ... ``blues_artist4``); for the genre with index ``g`` in
    sorted genre order, artist ``g mod n`` goes to **test**, artist ``(g + 1) mod n``
    to **valid** and the others to **train**. With the default five artists per genre
    that is 3 train / 1 valid / 1 test artists (12 / 4 / 4 tracks) per genre, and the
    held-out artist differs from genre to genre, so no artist preset index is
    systematically held out. With ``n`` artists the rule is the same for ``n >= 3``.

    Parameters
    ----------
    genres, artists : sequence of str
        Label and artist of each track.

    Returns
    -------
    numpy.ndarray of str
    """
    frame = pd.DataFrame({"genre": list(genres), "artist": list(artists)})
    assignment: dict[tuple[str, str], str] = {}
    for g, genre in enumerate(sorted(frame["genre"].unique())):
        names = sorted(frame.loc[frame["genre"] == genre, "artist"].unique(), key=_natural_key)
        n = len(names)
        if n < 3:
            raise ValueError(f"the toy split needs at least 3 artists per genre; {genre} has {n}")
        for i, artist in enumerate(names):
            part = "test" if i == g % n else "valid" if i == (g + 1) % n else "train"
            assignment[(genre, artist)] = part
    return np.array([assignment[(g, a)] for g, a in zip(frame["genre"], frame["artist"])], dtype=object)


def check_artist_disjoint(tracks: pd.DataFrame) -> None:
    """Raise ``ValueError`` if an artist has tracks in two parts of the split.

    Used from notebook 03 on (a one-line honesty check before training).

    Parameters
    ----------
    tracks : pandas.DataFrame
        Columns ``artist`` and ``split`` (tracks without an artist are ignored).
    """
    known = tracks.dropna(subset=["artist"])
    parts = known.groupby("artist")["split"].nunique()
    leaky = parts[parts > 1]
    if len(leaky):
        raise ValueError(
            f"{len(leaky)} artist(s) appear in more than one split, e.g. {', '.join(map(str, leaky.index[:5]))}: "
            "the evaluation would be optimistic"
        )


def split_summary(tracks: pd.DataFrame, *, splits: Iterable[str] = SPLITS) -> pd.DataFrame:
    """Number of tracks per genre (rows) and split (columns), with totals.

    Used from notebook 03 on.

    Parameters
    ----------
    tracks : pandas.DataFrame
        Columns ``genre`` and ``split``.

    Returns
    -------
    pandas.DataFrame
    """
    table = pd.crosstab(tracks["genre"], tracks["split"], margins=True, margins_name="total")
    cols = [c for c in splits if c in table.columns] + [c for c in table.columns if c not in splits]
    return table[cols]
