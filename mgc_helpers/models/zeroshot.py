"""Zero-shot genre classification: the pretrained musicnn taggers' own vocabulary as a genre classifier.

Taught in notebook 08 (and used by the genre app of notebook 10 as its model that needs no
training). musicnn's taggers (:mod:`mgc_helpers.models.musicnn`) were trained on real music to
predict 50 tags each; several tags *are* genres (MSD: rock, pop, jazz, blues, country, metal,
Hip-Hop...; MTT: classical, techno, rock, pop, country, metal...). Mapping each genre of a
dataset to the tags that name it turns a taggram into genre scores without a single labelled
example of that dataset: *zero-shot* classification.

The tables (:data:`TAG_TABLE`)
------------------------------
For each tagger (``"MSD"``: the Million Song Dataset / last.fm tags, ``"MTT"``: MagnaTagATune)
and each genre of the course's genre sets (:data:`GENRE_SETS`: GTZAN's ten, which the toy data
shares; FMA small's eight; report 001's four FMA genres), the tags that *name* the genre or one of
its sub-genres. **The tags were chosen from what they mean (the tag names, and what last.fm and
Magnatune use them for), before any clip was scored, and were never changed after looking at a
result**: tuning the table on test clips would make it a trained classifier evaluated on its
training data. Genres are matched case- and punctuation-insensitively (GTZAN's ``hiphop`` and
FMA's ``Hip-Hop`` are the same key, :func:`genre_key`).

A genre with no tag in a tagger's vocabulary has an empty tuple and a reason in
:data:`UNMAPPED`: it **cannot be predicted by that tagger** (its score is 0, so it is never the
answer). Notably GTZAN's *reggae* has no tag in either vocabulary; *classical* has none among
MSD's tags (use the MTT tagger, whose tags include classical, classic, opera and harpsichord);
*blues*, *jazz*, *hiphop* and *folk* have none among MTT's (use MSD). The two taggers' outputs
are not calibrated against each other, so the tables never mix them.

The rule (:func:`genre_scores`)
-------------------------------
1. The clip's tag profile: each tag's probability averaged over the taggram's 3-second patches
   (as :func:`mgc_helpers.models.musicnn.top_tags`).
2. A genre's raw score: the **largest** profile value among its tags (``combine="max"``; a genre
   is as present as its most present sub-genre tag, so genres with many sub-genre tags, such as
   rock, are not diluted by the rarer ones; ``combine="mean"`` averages them instead).
3. Scores renormalised to sum to 1 over the genres the tagger can predict; unmapped genres get 0.

The taggram can come from audio (:func:`predict`) or be precomputed and stored
(:func:`genre_scores`, :func:`score_taggrams`), so stored taggrams are scored without the audio.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from ..datasets import fma, gtzan
from .. import toy

__all__ = [
    "TAGGERS",
    "GENRE_SETS",
    "TAG_TABLE",
    "UNMAPPED",
    "COMBINE_RULES",
    "tagger_of",
    "genre_key",
    "genre_tags",
    "mapping",
    "tag_names",
    "genre_scores",
    "patch_scores",
    "score_taggrams",
    "ZeroShotPrediction",
    "predict",
]

#: The two tag vocabularies (:data:`mgc_helpers.models.musicnn.TAGS`): Million Song Dataset, MagnaTagATune.
TAGGERS = ("MSD", "MTT")

#: The course's genre sets, by name: GTZAN's ten (the toy data uses the same names), FMA small's
#: eight (report 004) and report 001's four FMA genres.
GENRE_SETS: dict[str, tuple[str, ...]] = {
    "gtzan": tuple(gtzan.GENRES),
    "toy": tuple(toy.GENRES),
    "fma_small": tuple(fma.GENRE_SETS["eight"]),
    "fma_four": tuple(fma.GENRE_SETS["four"]),
}

#: Genre key (:func:`genre_key`) -> the tags that name it, per tagger; ``()``: not predictable (:data:`UNMAPPED`).
#: Chosen from the tags' meaning only, never tuned on any result (see the module docstring).
TAG_TABLE: dict[str, dict[str, tuple[str, ...]]] = {
    "MSD": {
        "blues": ("blues",),
        "classical": (),
        "country": ("country",),
        # disco has no tag: it is the dance music of the 1970s, grown out of funk and soul
        "disco": ("dance", "funk"),
        "hiphop": ("Hip-Hop",),
        "jazz": ("jazz",),
        "metal": ("metal", "heavy metal"),
        "pop": ("pop", "indie pop"),
        "reggae": (),
        "rock": ("rock", "classic rock", "hard rock", "alternative rock", "indie rock", "Progressive rock", "punk"),
        "electronic": ("electronic", "electronica", "electro", "House"),
        "experimental": ("experimental",),
        "folk": ("folk",),
        "instrumental": ("instrumental",),
        "international": (),
    },
    "MTT": {
        "blues": (),
        "classical": ("classical", "classic", "opera", "harpsichord"),
        "country": ("country",),
        # MTT's only tag of dance music that is not electronic (techno is)
        "disco": ("dance",),
        "hiphop": (),
        "jazz": (),
        "metal": ("metal",),
        "pop": ("pop",),
        "reggae": (),
        "rock": ("rock",),
        "electronic": ("electronic", "techno"),
        # Magnatune's "weird" clips are its experimental music
        "experimental": ("weird",),
        "folk": (),
        "instrumental": ("no vocals", "no vocal", "no voice"),
        # two tags of one world-music tradition: a partial cover of FMA's International
        "international": ("indian", "sitar"),
    },
}

#: Why a genre cannot be predicted by a tagger (the genres whose :data:`TAG_TABLE` entry is empty).
UNMAPPED: dict[str, dict[str, str]] = {
    "MSD": {
        "classical": "no MSD tag names classical music (instrumental, beautiful and easy listening do not); "
                     "the MTT tagger has classical, classic, opera and harpsichord",
        "reggae": "no tag of either tagger names reggae",
        "international": "no MSD tag names world music; the MTT tagger has indian and sitar",
    },
    "MTT": {
        "blues": "no MTT tag names blues; the MSD tagger has blues",
        "hiphop": "no MTT tag names hip-hop (beat and beats are sounds, not the genre); the MSD tagger has Hip-Hop",
        "jazz": "no MTT tag names jazz; the MSD tagger has jazz",
        "reggae": "no tag of either tagger names reggae",
        "folk": "no MTT tag names folk music; the MSD tagger has folk",
    },
}

#: How a genre's tags are combined into its raw score (:func:`genre_scores`).
COMBINE_RULES = ("max", "mean")


def tagger_of(model: str) -> str:
    """The tag vocabulary of a musicnn model name (``"MSD_musicnn"`` -> ``"MSD"``) or of a tagger name.

    Taught in notebook 08.
    """
    tagger = str(model).split("_")[0]
    if tagger not in TAGGERS:
        raise ValueError(f"unknown tagger {model!r}: use one of {TAGGERS} or a musicnn model name such as "
                         f"'MSD_musicnn'")
    return tagger


def tag_names(tagger: str) -> tuple[str, ...]:
    """The 50 tag names of a tagger, in the order of its taggram's columns.

    Taught in notebook 08 (the same names as :func:`mgc_helpers.models.musicnn.tags`).
    """
    from . import musicnn

    return musicnn.TAGS[tagger_of(tagger)]


def genre_key(genre: str) -> str:
    """The key of a genre in :data:`TAG_TABLE`: lower case, letters and digits only (``"Hip-Hop"`` -> ``"hiphop"``).

    Taught in notebook 08.
    """
    return re.sub(r"[^0-9a-z]", "", str(genre).lower())


def genre_tags(genre: str, *, tagger: str = "MSD") -> tuple[str, ...]:
    """The tags of one genre in a tagger's table; ``()`` when the tagger cannot predict it.

    Taught in notebook 08.

    Raises
    ------
    KeyError
        The genre is in no table (the message lists the known genres).
    """
    table = TAG_TABLE[tagger_of(tagger)]
    key = genre_key(genre)
    if key not in table:
        raise KeyError(f"genre {genre!r} is not in the zero-shot tables; known genres: {sorted(table)}")
    return table[key]


def _table(genres: Sequence[str], tagger: str, tag_map: Mapping[str, Sequence[str]] | None) -> list[tuple[str, ...]]:
    """The tags of every genre: from ``tag_map`` (keyed by the genres as given) or :data:`TAG_TABLE`."""
    if tag_map is None:
        return [genre_tags(g, tagger=tagger) for g in genres]
    names = set(tag_names(tagger))
    out = []
    for g in genres:
        tags = tuple(tag_map.get(g, ()))
        unknown = [t for t in tags if t not in names]
        if unknown:
            raise ValueError(f"tags {unknown} of genre {g!r} are not {tagger_of(tagger)} tags")
        out.append(tags)
    return out


def mapping(genres: Sequence[str], *, tagger: str = "MSD") -> pd.DataFrame:
    """The table for one genre set: each genre's tags, whether the tagger can predict it, and why not.

    Taught in notebook 08.

    Returns
    -------
    pandas.DataFrame
        Index: the genres; columns ``tags`` (comma-separated), ``predictable`` (bool), ``note``.
    """
    tagger = tagger_of(tagger)
    rows = []
    for g in genres:
        tags = genre_tags(g, tagger=tagger)
        rows.append({"genre": g, "tags": ", ".join(tags), "predictable": bool(tags),
                     "note": "" if tags else f"cannot be predicted by the {tagger} tagger: "
                                              f"{UNMAPPED[tagger][genre_key(g)]}"})
    return pd.DataFrame(rows).set_index("genre")


def _profile(taggram: np.ndarray, tagger: str) -> np.ndarray:
    """Mean over patches of a taggram ``(n_patches, 50)`` (a 1-D tag profile is returned as it is)."""
    T = np.asarray(taggram, dtype=np.float64)
    n = len(tag_names(tagger))
    if T.ndim not in (1, 2) or T.shape[-1] != n or T.size == 0:
        raise ValueError(f"a {tagger_of(tagger)} taggram has shape (n_patches, {n}), got {T.shape}")
    return T if T.ndim == 1 else T.mean(axis=0)


def _raw(profile: np.ndarray, tag_lists: list[tuple[str, ...]], tagger: str, combine: str) -> np.ndarray:
    if combine not in COMBINE_RULES:
        raise ValueError(f"combine must be one of {COMBINE_RULES}, got {combine!r}")
    index = {t: i for i, t in enumerate(tag_names(tagger))}
    reduce = np.max if combine == "max" else np.mean
    return np.array([reduce(profile[[index[t] for t in tags]]) if tags else 0.0 for tags in tag_lists])


def _normalise(raw: np.ndarray, predictable: np.ndarray) -> np.ndarray:
    total = raw[predictable].sum()
    if not predictable.any():
        raise ValueError("none of these genres can be predicted by this tagger (every genre is unmapped)")
    if total <= 0:  # no mapped tag fired at all: every predictable genre equally likely
        return np.where(predictable, 1.0 / predictable.sum(), 0.0)
    return np.where(predictable, raw / total, 0.0)


def genre_scores(
    taggram: np.ndarray,
    genres: Sequence[str],
    *,
    tagger: str = "MSD",
    combine: str = "max",
    tag_map: Mapping[str, Sequence[str]] | None = None,
) -> pd.Series:
    """Genre probabilities of one clip from its taggram (precomputed or fresh), by the rule of the module.

    Taught in notebook 08.

    Parameters
    ----------
    taggram : numpy.ndarray, shape (n_patches, 50) or (50,)
        :func:`mgc_helpers.models.musicnn.taggram` of the clip (or its mean over patches).
    genres : sequence of str
        The genre set (e.g. ``GENRE_SETS["gtzan"]`` or a dataset's classes).
    tagger : str, keyword-only
        ``"MSD"`` or ``"MTT"`` (or a model name such as ``"MSD_musicnn"``): whose tags the columns are.
    combine : {"max", "mean"}, keyword-only
        How a genre's tags become its raw score.
    tag_map : mapping, optional, keyword-only
        Your own table ``{genre: [tags]}`` instead of :data:`TAG_TABLE` (notebook 08's exercise);
        a genre missing from it cannot be predicted.

    Returns
    -------
    pandas.Series
        One probability per genre (index: ``genres``), summing to 1; 0 for the genres the tagger
        cannot predict.
    """
    genres = list(genres)
    tag_lists = _table(genres, tagger, tag_map)
    raw = _raw(_profile(taggram, tagger), tag_lists, tagger, combine)
    probs = _normalise(raw, np.array([bool(t) for t in tag_lists]))
    return pd.Series(probs, index=pd.Index(genres, name="genre"), name="probability")


def patch_scores(taggram: np.ndarray, genres: Sequence[str], *, tagger: str = "MSD", combine: str = "max",
                 tag_map: Mapping[str, Sequence[str]] | None = None) -> np.ndarray:
    """:func:`genre_scores` of every patch on its own: shape ``(n_patches, n_genres)`` (each row sums to 1).

    Taught in notebook 08 (the app shows them as the segments' votes).
    """
    T = np.atleast_2d(np.asarray(taggram, dtype=np.float64))
    return np.stack([genre_scores(row, genres, tagger=tagger, combine=combine, tag_map=tag_map).to_numpy()
                     for row in T])


def score_taggrams(
    taggrams: Sequence[np.ndarray],
    genres: Sequence[str],
    *,
    tagger: str = "MSD",
    combine: str = "max",
    tag_map: Mapping[str, Sequence[str]] | None = None,
    index: Sequence[Any] | None = None,
) -> pd.DataFrame:
    """:func:`genre_scores` of many stored taggrams: one row per clip, one column per genre, plus ``predicted``.

    Taught in notebook 08.

    Returns
    -------
    pandas.DataFrame, shape (n_clips, n_genres + 1)
        The probabilities and ``predicted`` (the arg-max genre).
    """
    genres = list(genres)
    rows = [genre_scores(T, genres, tagger=tagger, combine=combine, tag_map=tag_map).to_numpy() for T in taggrams]
    table = pd.DataFrame(np.reshape(rows, (len(rows), len(genres))), columns=genres,
                         index=None if index is None else list(index))
    table["predicted"] = [genres[i] for i in np.argmax(table[genres].to_numpy(), axis=1)] if len(table) else []
    return table


@dataclass
class ZeroShotPrediction:
    """A zero-shot prediction and the tags behind it.

    Taught in notebook 08.

    Attributes
    ----------
    genre : str
        The most probable predictable genre.
    probabilities : pandas.Series
        :func:`genre_scores` (one per genre).
    taggram : numpy.ndarray, shape (n_patches, 50)
    tagger : str
    top_tags : pandas.Series
        The clip's most probable tags (mean over patches), best first.
    mapping : pandas.DataFrame
        :func:`mapping` of the genre set (the tags each genre reads).
    """

    genre: str
    probabilities: pd.Series
    taggram: np.ndarray
    tagger: str
    top_tags: pd.Series
    mapping: pd.DataFrame = field(repr=False)

    def explain(self, *, k: int = 3) -> str:
        """One line: the top tags, the tags that made the genre, the genres this tagger cannot predict."""
        top = ", ".join(f"{t} {p:.2f}" for t, p in self.top_tags.head(k).items())
        tags = self.mapping.loc[self.genre, "tags"]
        missing = [g for g, ok in self.mapping["predictable"].items() if not ok]
        line = f"top {self.tagger} tags: {top}; {self.genre} <- tags {tags}"
        return line + (f"; cannot predict: {', '.join(missing)}" if missing else "")


def predict(
    y: np.ndarray | None = None,
    sr: int | None = None,
    *,
    genres: Sequence[str],
    taggram: np.ndarray | None = None,
    model: str = "MSD_musicnn",
    combine: str = "max",
    k: int = 5,
) -> ZeroShotPrediction:
    """Zero-shot genre of a clip: from its audio (the taggram is computed) or from a stored taggram.

    Taught in notebook 08; the model of the genre app that needs no training (notebook 10).

    Parameters
    ----------
    y, sr : optional
        A mono clip and its sample rate (resampled to 16 kHz); or give ``taggram``.
    genres : sequence of str, keyword-only
    taggram : numpy.ndarray, shape (n_patches, 50), optional, keyword-only
        A precomputed :func:`mgc_helpers.models.musicnn.taggram` of ``model``.
    model : str, keyword-only
        The musicnn model (its tag vocabulary is the tagger).
    combine : {"max", "mean"}, keyword-only
    k : int, keyword-only
        How many top tags to keep.

    Returns
    -------
    ZeroShotPrediction
    """
    if (taggram is None) == (y is None):
        raise ValueError("give either audio (y, sr) or a precomputed taggram, not both or neither")
    if taggram is None:
        if sr is None:
            raise ValueError("give the sample rate sr of y")
        from . import musicnn

        taggram = musicnn.taggram(np.asarray(y), int(sr), model=model)
    tagger = tagger_of(model)
    probs = genre_scores(taggram, genres, tagger=tagger, combine=combine)
    profile = pd.Series(_profile(taggram, tagger), index=tag_names(tagger))
    top = profile.sort_values(ascending=False, kind="stable").head(k).rename("probability")
    return ZeroShotPrediction(str(probs.idxmax()), probs, np.atleast_2d(np.asarray(taggram)), tagger, top,
                              mapping(list(genres), tagger=tagger))
