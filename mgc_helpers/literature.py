"""Published genre-classification accuracies and the reports' own claims, as data: the course's one table.

Taught in notebook 08 (what transfer learning buys on real music) and shown beside the
leaderboard of notebook 10. Every row says where the number comes from (``source``), what
it was measured on (``dataset``, ``split``), what it means (``meaning``) and whether it is
**honest**: measured on GTZAN's fault-filtered, artist-disjoint *test* split (Kereliuk,
Sturm & Larsen 2015), the only rows that can be compared with each other. Random splits of
GTZAN put songs of one artist (and repeated excerpts) on both sides and score higher; a
validation score chose the model it reports; other datasets ask other questions.

This module is pure data (no NumPy, no pandas at import); :func:`table` builds the
DataFrame.

References
----------
J. Pons and X. Serra, "musicnn: pre-trained convolutional neural networks for music audio
tagging", ISMIR LBD 2019. R. Castellon, C. Donahue, P. Liang, "Codified audio language
modeling learns useful representations for music information retrieval", ISMIR 2021.
C. Kereliuk, B. L. Sturm, J. Larsen, "Deep learning and music adversaries", IEEE TMM 2015.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["Result", "COLUMNS", "RESULTS", "table"]


class Result(NamedTuple):
    """One published number (a row of :data:`RESULTS`). Taught in notebook 08."""

    system: str
    source: str
    dataset: str
    split: str
    accuracy: float
    meaning: str
    honest: bool


#: Columns of :func:`table`, in order (the fields of :class:`Result`).
COLUMNS: tuple[str, ...] = Result._fields

_FAULT_FILTERED = "GTZAN fault-filtered"

#: Every number, in the order of the papers and seeds (:func:`table` sorts them).
RESULTS: tuple[Result, ...] = (
    Result("CNN trained from scratch (Pons & Serra's baseline)", "Pons & Serra 2019", _FAULT_FILTERED, "test",
           0.54, "test accuracy, artist-disjoint: same split as the rows below", True),
    Result("musicnn (MSD) embeddings + SVM", "Pons & Serra 2019", _FAULT_FILTERED, "test", 0.772,
           "test accuracy, artist-disjoint: the recipe of notebook 08", True),
    Result("VGGish (AudioSet) embeddings + SVM", "Pons & Serra 2019", _FAULT_FILTERED, "test", 0.776,
           "test accuracy, artist-disjoint", True),
    Result("Jukebox embeddings + linear probe", "Castellon et al. 2021", _FAULT_FILTERED, "test", 0.797,
           "test accuracy, artist-disjoint; a 5-billion-parameter generative model", True),
    Result("best known result", "as cited by Castellon et al. 2021", _FAULT_FILTERED, "test", 0.821,
           "test accuracy, artist-disjoint", True),
    Result("VGG16 (ImageNet), fine-tuned", "report 003", "GTZAN, random split", "validation", 0.75,
           "validation accuracy; songs, not artists, split: optimistic", False),
    Result("ResNet34 (ImageNet), cyclic LR", "report 003", "GTZAN, random split", "validation", 0.79,
           "validation accuracy; validation = model selection: optimistic", False),
    Result("VGG16 (ImageNet), two-phase", "report 004", "FMA small, 8 genres", "validation", 0.559,
           "validation accuracy on a harder, different dataset", False),
    Result("CNN, 4 strided conv blocks (report 000)", "report 000", "GTZAN, random 80/20 split", "test", 0.9988,
           "leaky: segments/songs of one artist on both sides (notebook 03 measures the effect)", False),
    Result("CNN, 2 conv layers (report 002)", "report 002", "GTZAN, split not described", "test", 0.68,
           "test accuracy of an undescribed split (84 % on its training data)", False),
    Result("CRNN, 18,356 parameters (report 001)", "report 001", "FMA medium, 4 genres", "test", 0.72,
           "4 broad genres: not comparable with 10", False),
)


def table() -> "pd.DataFrame":
    """:data:`RESULTS` as a DataFrame, honest rows first, then by accuracy (highest first).

    Taught in notebook 08; notebook 10 draws it beside the leaderboard
    (:func:`mgc_helpers.leaderboard.plot`).

    Returns
    -------
    pandas.DataFrame
        One row per number, columns :data:`COLUMNS` (``honest`` is a bool).
    """
    import pandas as pd

    out = pd.DataFrame(list(RESULTS), columns=list(COLUMNS))
    return out.sort_values(["honest", "accuracy"], ascending=[False, False], kind="stable").reset_index(drop=True)
