"""Automatic feedback for the notebooks' exercises: ``mgc.checks.check_<exercise>(answer)``.

Taught from notebook 01 on: after writing an exercise's answer, the next cell calls a
check. A check prints one friendly line when the answer is right, or raises
:class:`ExerciseError` saying *what* is wrong and giving a hint, never the expected
answer. An unfinished answer (the student copy's ``raise NotImplementedError()``, a
missing ``return``, ``...``) is recognised as such (:data:`NOT_WRITTEN`).

Layout: :mod:`~mgc_helpers.checks.engine` holds the machinery and the generic checks
(:func:`check_function`, :func:`check_value`, :func:`check_shape`); each notebook's checks
live in the module named after it (``nb01_audio_basics`` … ``nb10_compare``), in the order
the notebook calls them. Every check is re-exported here. :mod:`~mgc_helpers.checks.grading`
holds the hidden grading tests of graded copies (not re-exported: instructors' cells import it,
see :func:`mgc_helpers.assignments.hidden_test_cells`). The checks are a tool: they may
use any module of the package, and nothing in the package imports them. Importing them
needs only NumPy (librosa and SciPy are imported inside the checks that use them).
"""
from __future__ import annotations

from .engine import NOT_WRITTEN, ExerciseError, check_function, check_shape, check_value
from .nb01_audio_basics import check_alias_frequency, check_dft, check_n_frames
from .nb02_mel_mfcc import DELTA_WIDTH, check_deltas, check_hz_to_mel, check_mfcc_from_logmel
from .nb03_classical import check_majority_vote, check_n_components
from .nb04_ffnn import check_dense_params, check_l2_penalty
from .nb05_cnn import check_conv_output_length, check_soft_vote
from .nb06_lstm_gru import check_rnn_params, check_skip_gru_update
from .nb07_crnn import check_conv_params, check_pooled_length
from .nb08_transfer import check_name_tag_map, check_nearest_centroid, check_top_k_tags
from .nb09_segmentation import check_adjacency, check_eigengap_k, check_sem_formula
from .nb10_compare import check_ensemble_vote, check_fixed_and_broken, check_wilson_interval

__all__ = [
    # engine: the error, the "not written yet" wording and the generic checks
    "ExerciseError",
    "NOT_WRITTEN",
    "check_function",
    "check_value",
    "check_shape",
    # notebook 01
    "check_alias_frequency",
    "check_dft",
    "check_n_frames",
    # notebook 02
    "DELTA_WIDTH",
    "check_hz_to_mel",
    "check_mfcc_from_logmel",
    "check_deltas",
    # notebook 03
    "check_n_components",
    "check_majority_vote",
    # notebook 04
    "check_dense_params",
    "check_l2_penalty",
    # notebook 05
    "check_conv_output_length",
    "check_soft_vote",
    # notebook 06
    "check_rnn_params",
    "check_skip_gru_update",
    # notebook 07
    "check_conv_params",
    "check_pooled_length",
    # notebook 08
    "check_top_k_tags",
    "check_name_tag_map",
    "check_nearest_centroid",
    # notebook 09
    "check_sem_formula",
    "check_adjacency",
    "check_eigengap_k",
    # notebook 10
    "check_ensemble_vote",
    "check_fixed_and_broken",
    "check_wilson_interval",
]
