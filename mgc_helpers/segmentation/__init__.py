"""Unsupervised song segmentation by normalised spectral clustering (report 003, Section 5).

Taught in notebook 09 (``09_spectral_clustering_segmentation.ipynb``). Three modules, as
libfmp keeps its algorithms beside their pictures:

- :mod:`~mgc_helpers.segmentation.algorithm`: windows, AR fit, inverse filter, SEM,
  adjacency, Laplacian, spectral clustering, eigengap, intervals; :func:`segment` runs
  report 003's Algorithms 1-4 end to end and returns a :class:`Segmentation`;
- :mod:`~mgc_helpers.segmentation.experiment`: scores against annotated sections
  (``mir_eval``, :func:`score_segmentation`, :func:`score_tracks`) and report 003's
  largest-cluster experiment (:func:`largest_cluster_experiment`);
- :mod:`~mgc_helpers.segmentation.plots`: every ``plot_*`` picture and the MDS layout
  they use (:func:`mds_embedding`).

Every public name is re-exported here, so ``mgc.segmentation.segment(...)`` and
``from mgc_helpers import segmentation as seg; seg.plot_timeline(...)`` work. Importing
the package loads NumPy and SciPy only; matplotlib, scikit-learn, pandas, librosa and
``mir_eval`` are imported by the functions that need them.
"""
from __future__ import annotations

from . import algorithm, experiment, plots
from .algorithm import (
    Segmentation,
    adjacency,
    ar_fit,
    autocorrelation,
    degree_matrix,
    eigengap_k,
    eigengap_report,
    feature_distance_matrix,
    inverse_filter,
    labels_to_intervals,
    largest_cluster,
    largest_cluster_mask,
    normalized_laplacian,
    segment,
    sem,
    sem_from_autocorrelation,
    sem_matrix,
    spectral_clustering,
    spectral_embedding,
    split_windows,
    symmetrize,
    window_bounds,
)
from .experiment import (
    annotated,
    example_song,
    largest_cluster_experiment,
    method_verdicts,
    reference_sections,
    regular_intervals,
    score_segmentation,
    score_tracks,
    two_section_times,
)
from .plots import mds_embedding, plot_eigenvalues, plot_embedding, plot_matrix, plot_signal, plot_timeline

__all__ = [*algorithm.__all__, *experiment.__all__, *plots.__all__]
