"""Report 003's segmentation (Algorithms 1-4, equations 1-8) against references and planted truths."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg
import scipy.signal
from sklearn.metrics import adjusted_rand_score

from mgc_helpers import segmentation as sg

SR = 8000


def ar_process(freqs, n, rng, *, radius=0.97, sr=SR):
    """Unit-variance AR process with resonances (pole pairs) at ``freqs`` Hz, and its polynomial."""
    a = np.array([1.0])
    for f in freqs:
        theta = 2 * np.pi * f / sr
        a = np.convolve(a, [1.0, -2 * radius * np.cos(theta), radius**2])
    x = scipy.signal.lfilter([1.0], a, rng.standard_normal(n + 2000))[2000:]
    return x / x.std(), a


@pytest.fixture(scope="module")
def planted():
    """Five 1 s AR segments A B C A B at 8 kHz and the true label of each of 50 windows."""
    rng = np.random.default_rng(1)
    specs = {"A": [300], "B": [1500], "C": [700, 2500]}
    order = "ABCAB"
    y = np.concatenate([ar_process(specs[c], SR, rng)[0] for c in order])
    truth = np.repeat(["ABC".index(c) for c in order], 10)
    return y, truth


# --------------------------------------------------------------------------- windows
@pytest.mark.parametrize("n, n_w", [(1000, 10), (1003, 7), (22050 * 30, 300), (5, 5)])
def test_window_bounds_tile_the_signal(n, n_w):
    b = sg.window_bounds(n, n_windows=n_w)
    assert b[0] == 0 and b[-1] == n and len(b) == n_w + 1
    assert np.all(np.diff(b) >= n // n_w) and np.all(np.diff(b) <= n // n_w + 1)


def test_window_bounds_rejects_bad_counts():
    with pytest.raises(ValueError, match="n_windows"):
        sg.window_bounds(10, n_windows=11)


def test_split_windows_takes_equal_length_slices():
    y = np.arange(103.0)
    w = sg.split_windows(y, n_windows=10)
    b = sg.window_bounds(103, n_windows=10)
    assert w.shape == (10, 10)
    for i in range(10):
        np.testing.assert_array_equal(w[i], y[b[i]: b[i] + 10])
    with pytest.raises(ValueError, match="mono"):
        sg.split_windows(np.zeros((2, 100)), n_windows=2)


# --------------------------------------------------------------------------- AR model
def test_autocorrelation_matches_numpy_correlate():
    x = np.random.default_rng(0).standard_normal((3, 50))
    r = sg.autocorrelation(x, max_lag=60)
    for row, got in zip(x, r):
        full = np.correlate(row, row, mode="full")[49:] / 50
        np.testing.assert_allclose(got[:50], full, atol=1e-12)
        assert np.all(got[50:] == 0)


def test_ar_fit_matches_scipy_solve_toeplitz():
    rng = np.random.default_rng(0)
    w = np.stack([ar_process([f], 400, rng)[0] for f in (200, 900, 2000)])
    a, sigma2 = sg.ar_fit(w, order=6, floor=0.0)
    r = sg.autocorrelation(w, max_lag=6)
    for i in range(3):
        phi = scipy.linalg.solve_toeplitz(r[i, :6], r[i, 1:7])
        np.testing.assert_allclose(a[i], np.concatenate([[1.0], -phi]), atol=1e-10)
        assert sigma2[i] == pytest.approx(r[i, 0] - phi @ r[i, 1:7], rel=1e-9)


def test_ar_fit_recovers_true_coefficients_like_librosa_lpc():
    import librosa

    x, a_true = ar_process([500, 2000], 40000, np.random.default_rng(3))
    a, sigma2 = sg.ar_fit(x, order=4)
    a_burg = librosa.lpc(x, order=4)  # Burg's method, the other estimator report 003 allows
    np.testing.assert_allclose(a, a_true, atol=0.03)
    np.testing.assert_allclose(a, a_burg, atol=0.03)
    assert isinstance(sigma2, float) and 0 < sigma2 < 1


def test_ar_fit_survives_a_silent_window_and_rejects_bad_orders():
    a, sigma2 = sg.ar_fit(np.zeros((2, 100)), order=4)
    assert np.all(np.isfinite(a)) and np.all(sigma2 > 0)
    np.testing.assert_array_equal(a[:, 0], 1.0)
    with pytest.raises(ValueError, match="order"):
        sg.ar_fit(np.ones(5), order=5)


def test_inverse_filter_whitens_the_process_it_was_fitted_on():
    x, _ = ar_process([400], 20000, np.random.default_rng(4))
    a, sigma2 = sg.ar_fit(x, order=2)
    res = sg.inverse_filter(x, a)
    assert len(res) == len(x) + 2 and len(sg.inverse_filter(x, a, full=False)) == len(x)
    r = sg.autocorrelation(res, max_lag=10)
    assert np.all(np.abs(r[1:] / r[0]) < 0.03)  # white
    assert r[0] * len(res) / len(x) == pytest.approx(sigma2, rel=1e-5)  # its power is sigma^2 (eq. 1)
    np.testing.assert_allclose(sg.inverse_filter(np.stack([x, x]), a)[1], res)


# --------------------------------------------------------------------------- SEM (equation 2)
def test_sem_of_a_window_with_itself_is_about_zero():
    rng = np.random.default_rng(5)
    for f in (300, 1200, 3000):
        w, _ = ar_process([f], 800, rng)
        assert sg.sem(w, w, order=4, max_lag=12) < 0.05


def test_sem_grows_with_spectral_difference():
    rng = np.random.default_rng(6)
    ref, _ = ar_process([1000], 4000, rng)
    values = [sg.sem(ref, ar_process([1000 + d], 4000, rng)[0], order=4, max_lag=12) for d in (0, 100, 300, 800)]
    assert values[0] < 0.1 < values[1] < values[2] < values[3]
    louder = sg.sem(ref, 3.0 * ar_process([1000], 4000, rng)[0], order=4)  # same spectrum, 9x the power
    assert 0.6 < louder < 1.2  # first term of eq. (2): (1/9 - 1)^2 = 0.79


def test_sem_from_autocorrelation_is_equation_2():
    assert sg.sem_from_autocorrelation([2.0, 0.5, -1.0], 1.0) == pytest.approx((1 / 2 - 1) ** 2 + 2 * (0.0625 + 0.25))
    rows = sg.sem_from_autocorrelation(np.array([[1.0, 0.0], [4.0, 2.0]]), np.array([1.0, 2.0]))
    np.testing.assert_allclose(rows, [0.0, 0.25 + 0.5])


def test_sem_with_all_lags_is_dominated_by_estimation_noise():
    """Why `max_lag` reads M as a number of lags: over all lags, white noise itself scores ~1."""
    w = np.random.default_rng(7).standard_normal(2000)
    assert sg.sem(w, w, order=4, max_lag=None) == pytest.approx(1.0, abs=0.15)
    assert sg.sem(w, w, order=4, max_lag=12) < 0.05


def test_sem_matrix_equals_the_pairwise_literal_algorithm(planted):
    y, _ = planted
    w = sg.split_windows(y, n_windows=50)[::6]  # 9 windows from all segments
    S = sg.sem_matrix(w, order=6, max_lag=10, chunk=4)
    loop = np.array([[sg.sem(wi, wj, order=6, max_lag=10) for wj in w] for wi in w])
    np.testing.assert_allclose(S, loop, rtol=1e-8, atol=1e-10)
    truncated = np.array([[sg.sem(wi, wj, order=6, max_lag=10, full=False) for wj in w] for wi in w])
    # lfilter without the last p samples: self-SEM no longer starts at 0, but the picture is the same
    assert np.corrcoef(np.log1p(S).ravel(), np.log1p(truncated).ravel())[0, 1] > 0.95
    assert np.mean(np.diag(truncated)) > np.mean(np.diag(S))
    assert np.all(np.diag(S) < 0.1) and not np.allclose(S, S.T)


# --------------------------------------------------------------------------- graph (equations 4-8)
def test_symmetrize_and_adjacency_follow_equations_4_and_5():
    S = np.random.default_rng(8).uniform(0, 3, (6, 6))
    S_sym = sg.symmetrize(S)
    np.testing.assert_allclose(S_sym, S_sym.T)
    np.testing.assert_allclose(S_sym[1, 2], (S[1, 2] + S[2, 1]) / 2)
    A = sg.adjacency(S_sym)
    np.testing.assert_allclose(A, A.T)
    assert np.all(np.diag(A) == 0)
    off = ~np.eye(6, dtype=bool)
    np.testing.assert_allclose(A[off], np.exp(-S_sym[off] ** 2))
    np.testing.assert_allclose(sg.adjacency(S_sym, scale=2.0)[off], np.exp(-(S_sym[off] / 2) ** 2))
    med = np.median(S_sym[off])
    np.testing.assert_allclose(sg.adjacency(S_sym, scale="median")[off], np.exp(-(S_sym[off] / med) ** 2))
    with pytest.raises(ValueError, match="square"):
        sg.symmetrize(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="scale"):
        sg.adjacency(S_sym, scale="mean")
    with pytest.raises(ValueError, match="positive"):
        sg.adjacency(S_sym, scale=0.0)
    assert np.all(np.isfinite(sg.adjacency(np.full((3, 3), 1e200))))


def test_normalized_laplacian_of_a_connected_graph_has_top_eigenvalue_one():
    A = sg.adjacency(sg.symmetrize(np.random.default_rng(9).uniform(0, 2, (20, 20))))
    L = sg.normalized_laplacian(A)
    d = np.diag(sg.degree_matrix(A))
    np.testing.assert_allclose(d, A.sum(axis=1))
    np.testing.assert_allclose(L, np.diag(d**-0.5) @ A @ np.diag(d**-0.5), atol=1e-12)
    vals, vecs = np.linalg.eigh(L)
    assert vals[-1] == pytest.approx(1.0, abs=1e-10) and vals[0] >= -1 - 1e-10
    v = np.sqrt(d) / np.linalg.norm(np.sqrt(d))
    assert abs(vecs[:, -1] @ v) == pytest.approx(1.0, abs=1e-8)


def test_isolated_vertex_gives_zero_row_not_nan():
    A = np.ones((4, 4)) - np.eye(4)
    A[3, :] = A[:, 3] = 0
    L = sg.normalized_laplacian(A)
    assert np.all(np.isfinite(L)) and np.all(L[3] == 0)
    T, _ = sg.spectral_embedding(L, k=2)
    assert np.all(np.isfinite(T))


def _block_graph(sizes, rng, within=0.9, between=0.05):
    labels = np.repeat(np.arange(len(sizes)), sizes)
    A = np.where(labels[:, None] == labels[None, :], within, between) + rng.uniform(0, 0.02, (len(labels),) * 2)
    A = (A + A.T) / 2
    np.fill_diagonal(A, 0)
    return A, labels


def test_eigengap_finds_the_number_of_blocks_and_rows_have_unit_length():
    A, labels = _block_graph([10, 15, 8], np.random.default_rng(10))
    T, vals = sg.spectral_embedding(sg.normalized_laplacian(A), k=3)
    assert np.all(np.diff(vals) <= 1e-12)  # decreasing
    np.testing.assert_allclose(np.linalg.norm(T, axis=1), 1.0)  # equation (8)
    assert sg.eigengap_k(vals) == 3
    assert sg.eigengap_k([1.0, 0.2, 0.1, 0.05], k_min=1, k_max=3) == 1
    with pytest.raises(ValueError, match="k_min"):
        sg.eigengap_k([1.0, 0.5], k_min=2, k_max=5)
    with pytest.raises(ValueError, match="k must"):
        sg.spectral_embedding(np.eye(3), k=4)


def test_spectral_clustering_agrees_with_scikit_learn():
    from sklearn.cluster import SpectralClustering

    A, labels = _block_graph([12, 9, 14], np.random.default_rng(11))
    ours, T, vals = sg.spectral_clustering(A, seed=0)
    ref = SpectralClustering(n_clusters=3, affinity="precomputed", random_state=0).fit_predict(A)
    assert T.shape == (35, 3) and ours[0] == 0
    assert adjusted_rand_score(labels, ours) == 1.0 == adjusted_rand_score(ref, ours)


def test_planted_change_points_are_recovered(planted):
    y, truth = planted
    for scale in (None, "median"):
        seg = sg.segment(y, SR, n_windows=50, order=8, scale=scale)
        assert seg.k == 3
        assert adjusted_rand_score(truth, seg.labels) >= 0.9
    A = sg.adjacency(sg.symmetrize(sg.sem_matrix(sg.split_windows(y, n_windows=50))), scale="median")
    assert np.linalg.eigvalsh(sg.normalized_laplacian(A))[-1] == pytest.approx(1.0)  # connected graph


# --------------------------------------------------------------------------- back to time (Algorithm 4)
def test_inverse_mapping_covers_the_clip_exactly_once():
    labels = np.array([0, 0, 1, 1, 1, 0, 2, 2, 0, 0, 0])
    n, sr = 22050 * 3 + 17, 22050
    intervals, seg_labels = sg.labels_to_intervals(labels, n_samples=n, sr=sr)
    assert intervals[0, 0] == 0 and intervals[-1, 1] == pytest.approx(n / sr)
    np.testing.assert_allclose(intervals[1:, 0], intervals[:-1, 1])  # no gap, no overlap
    np.testing.assert_array_equal(seg_labels, [0, 1, 0, 2, 0])
    assert np.all(seg_labels[1:] != seg_labels[:-1])
    mask = sg.largest_cluster_mask(labels, n_samples=n)
    b = sg.window_bounds(n, n_windows=len(labels))
    assert mask.sum() == sum(b[i + 1] - b[i] for i in np.flatnonzero(labels == 0))


def test_largest_cluster_returns_that_clusters_audio(planted):
    y, truth = planted
    out = sg.largest_cluster(y.astype(np.float32), SR, n_windows=50, order=8, k=3)
    assert out.dtype == np.float32
    # A and B each cover 2 of the 5 seconds, C one: the largest cluster has 2 s
    assert len(out) == 2 * SR
    labels = sg.segment(y, SR, n_windows=50, order=8, k=3).labels
    np.testing.assert_array_equal(out, y.astype(np.float32)[sg.largest_cluster_mask(labels, n_samples=len(y))])


# --------------------------------------------------------------------------- feature affinity
@pytest.mark.parametrize("feature", ["mfcc", "chroma"])
def test_feature_distance_matrix(planted, feature):
    y, truth = planted
    D, F = sg.feature_distance_matrix(y, SR, n_windows=50, feature=feature)
    assert D.shape == (50, 50) and F.shape[0] == 50
    np.testing.assert_allclose(D, D.T)
    assert np.all(np.diag(D) == 0) and np.all(D >= 0)
    same = truth[:, None] == truth[None, :]
    assert D[same].mean() < D[~same].mean()
    with pytest.raises(ValueError, match="feature"):
        sg.feature_distance_matrix(y, SR, n_windows=5, feature="tempo")


def test_segment_with_mfcc_affinity(planted):
    y, truth = planted
    seg = sg.segment(y, SR, n_windows=50, affinity="mfcc", k=3)
    assert seg.params["scale"] == "median" and seg.window_times.shape == (50,)
    assert adjusted_rand_score(truth, seg.labels) >= 0.9
    with pytest.raises(ValueError, match="affinity"):
        sg.segment(y, SR, affinity="tempo")


# --------------------------------------------------------------------------- scoring (mir_eval)
def test_score_segmentation_on_a_constructed_case():
    ref = np.array([0.0, 4.0, 8.0, 12.0])
    perfect = sg.score_segmentation(ref, [[0, 4], [4, 8], [8, 12]], ["a", "b", "c"])
    assert perfect["F@0.5"] == perfect["F@3"] == perfect["pairwise_F"] == 1.0
    shifted = sg.score_segmentation(ref, [[0, 5], [5, 9], [9, 12]], [0, 1, 2])  # 1 s late
    assert shifted["F@0.5"] == 0.0 and shifted["F@3"] == 1.0
    extra = sg.score_segmentation(ref, [[0, 2], [2, 4], [4, 8], [8, 12]], [0, 1, 2, 3])  # one false boundary
    assert extra["R@0.5"] == 1.0 and extra["P@0.5"] == pytest.approx(2 / 3)
    assert extra["F@0.5"] == pytest.approx(0.8)
    # labels matter for pairwise scores: a repeated section label merges its frames
    merged = sg.score_segmentation(ref, [[0, 4], [4, 8], [8, 12]], ["a", "b", "a"])
    assert merged["pairwise_R"] == 1.0 and merged["pairwise_P"] < 1.0
    assert sg.score_segmentation(ref, [[0, 4], [4, 8], [8, 12]], ["a", "b", "a"],
                                 reference_labels=["x", "y", "x"])["pairwise_F"] == 1.0


def test_regular_intervals_baseline():
    intervals, labels = sg.regular_intervals(12.0, seconds=4.0)
    np.testing.assert_allclose(intervals, [[0, 4], [4, 8], [8, 12]])
    assert list(labels) == [0, 1, 2]
    assert sg.regular_intervals(10.0, seconds=4.0)[0][-1].tolist() == [8.0, 10.0]


# --------------------------------------------------------------------------- on files: scores and report 003's experiment
@pytest.fixture(scope="module")
def tiny_dataset(tmp_path_factory):
    """Two 'genres' (different AR spectra) x 2 artists x 2 tracks of 6 s with two sections each."""
    import pandas as pd
    import soundfile as sf

    root = tmp_path_factory.mktemp("tiny")
    rng = np.random.default_rng(12)
    rows = []
    for g, (genre, base) in enumerate([("low", 400), ("high", 2200)]):
        for artist in range(2):
            for track in range(2):
                first, _ = ar_process([base + 60 * artist], 3 * SR, rng)
                second, _ = ar_process([base + 60 * artist, 3400 - 2000 * g], 3 * SR, rng)
                path = root / f"{genre}.{artist}{track}.wav"
                sf.write(path, 0.1 * np.concatenate([first, second]), SR)
                rows.append(dict(track_id=path.stem, genre=genre, artist=f"{genre}_artist{artist}",
                                 sections="0.0;3.0;6.0", duration=6.0, path=str(path)))
    return pd.DataFrame(rows)


def test_score_tracks_finds_the_planted_section_boundary(tiny_dataset):
    table = sg.score_tracks(tiny_dataset.head(2), sr=SR)
    assert set(table["method"]) == {"SEM, 0.1 s windows", "MFCC, 0.1 s windows", "SEM, 1 s windows (median scale)",
                                    "MFCC, 1 s windows", "regular 4 s"}
    assert len(table) == 2 * 5
    sem = table[table.method == "SEM, 1 s windows (median scale)"]
    assert np.all(sem["F@0.5"] == 1.0)
    assert np.all(table[table.method == "regular 4 s"]["F@0.5"] == 0.0)
    custom = sg.score_tracks(tiny_dataset.head(1), methods={"sem": dict(k=2, n_windows=30)}, baseline_seconds=None,
                             sr=SR, n_jobs=1)
    assert list(custom["method"]) == ["sem"] and custom["F@3"].iloc[0] == 1.0


def test_largest_cluster_experiment_runs_artist_disjoint(tiny_dataset):
    summary, per_track = sg.largest_cluster_experiment(tiny_dataset, n_folds=2, sr=SR, window_seconds=0.25,
                                                       segment_seconds=2.0, n_mfcc=8)
    assert list(summary["condition"]) == ["whole clip", "largest cluster", "2 s segments + vote"]
    assert np.all((summary["accuracy"] >= 0) & (summary["accuracy"] <= 1))
    assert summary["accuracy"].iloc[0] == 1.0  # two very different "genres"
    assert summary["train_examples_per_fold"].tolist() == [4.0, 4.0, 12.0]
    assert 0 < summary["audio_fraction_used"].iloc[1] < 1
    # every fold holds out exactly one artist of each genre: no artist on both sides
    for _, grp in per_track.merge(tiny_dataset[["track_id", "artist"]]).groupby("artist"):
        assert grp["fold"].nunique() == 1
    assert per_track.groupby("fold")["genre"].nunique().tolist() == [2, 2]


def test_segment_vote_is_the_courses_majority_vote_with_probability_ties():
    """The experiment votes with evaluation.majority_vote: one vote per block, ties to the larger summed probability."""
    from mgc_helpers import evaluation

    proba = np.array([[0.6, 0.4], [0.1, 0.9], [0.55, 0.45], [0.2, 0.8], [0.7, 0.3], [0.8, 0.2], [0.1, 0.9]])
    owner = np.array([0, 0, 1, 1, 2, 2, 2])
    classes = np.array([0, 1])
    voted = evaluation.majority_vote(owner, classes[proba.argmax(axis=1)], proba=proba, classes=classes)
    np.testing.assert_array_equal(voted.reindex([0, 1, 2]).to_numpy(), [1, 1, 0])  # two ties, then 2 votes to 1


def test_sequential_blocks_follow_the_courses_segment_rule(tiny_dataset):
    """3 s blocks of the experiment = audio.segment_starts(pad="short"): whole blocks, a short clip is one block."""
    from mgc_helpers.segmentation import experiment

    path = tiny_dataset["path"].iloc[0]
    kw = dict(window_seconds=0.25, k=2, seed=0)
    six = experiment._track_features(path, SR, kw, 2.5, 8, 512)  # 6 s: two whole 2.5 s blocks, the rest dropped
    long = experiment._track_features(path, SR, kw, 60.0, 8, 512)  # shorter than one block: one block
    assert six["segments"].shape == (2, 16) and long["segments"].shape == (1, 16)
    np.testing.assert_allclose(long["segments"][0], long["whole"])


# --------------------------------------------------------------------------- pictures
def test_plots_draw_on_given_or_new_axes(planted):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    y, _ = planted
    seg = sg.segment(y, SR, n_windows=50, k=3)
    fig, axes = plt.subplots(2, 3)
    assert sg.plot_signal(y, SR, seg=seg, ax=axes[0, 0]) is axes[0, 0]
    assert len(axes[0, 0].patches) == len(seg.intervals)
    assert sg.plot_matrix(seg.S, ax=axes[0, 1], log=True, duration=5.0).images
    assert sg.plot_matrix(seg.A, ax=axes[0, 2], colorbar=False).get_xlabel() == "window"
    ax = sg.plot_embedding(seg, ax=axes[1, 0])
    assert len(ax.collections) == 2 and len(ax.lines) == 1 and len(ax.lines[0].get_xdata()) == 50
    assert len(sg.plot_timeline(seg, reference_boundaries=[0, 2, 4, 5], ax=axes[1, 1]).lines) == 4
    assert len(sg.plot_eigenvalues(seg.eigenvalues, k=seg.k, ax=axes[1, 2]).lines[0].get_xdata()) == 15
    plt.close(fig)
    for ax in (sg.plot_signal(y, SR), sg.plot_timeline(seg), sg.plot_eigenvalues(seg.eigenvalues)):
        assert ax.figure is not None
        plt.close(ax.figure)
    xy = sg.mds_embedding(seg.S_sym - np.diag(np.diag(seg.S_sym)))
    assert xy.shape == (50, 2)


# --------------------------------------------------------------------------- the cap k_max, datasets without sections (nb09)
def test_eigengap_report_says_when_the_cap_decides():
    lam = np.array([1.0, 0.99, 0.98, 0.965, 0.90, 0.89, 0.88, 0.87, 0.86, 0.85, 0.84, 0.50, 0.49])
    # gaps: after lambda_3: 0.015, after lambda_4: 0.065 (k=4), after lambda_11: 0.34 (k=11), elsewhere 0.01
    inside = sg.eigengap_report(lam, k_max=8, n=12)
    assert inside["k"] == 4 == sg.eigengap_k(lam, k_max=8) and not inside["at_cap"]
    assert inside["k_beyond"] == 11 and inside["gap_beyond"] == pytest.approx(0.34)
    assert "the cap hides the largest gap" in inside["text"] and "lambda_11" in inside["text"]
    capped = sg.eigengap_report(lam, k_max=3, n=12)
    assert capped["k"] == 3 and capped["at_cap"] and "the cap, not the graph, chose k" in capped["text"]
    wide = sg.eigengap_report(lam, k_max=11, n=12)
    assert wide["k"] == 11 and wide["k_beyond"] == 12 and "no larger gap beyond the cap" in wide["text"]
    assert sg.eigengap_report(lam, k_max=12)["k_beyond"] is None


def test_sections_only_where_the_table_has_them():
    import pandas as pd

    toy_like = pd.DataFrame({"track_id": ["a", "b"], "path": ["a.wav", "b.wav"], "genre": ["x", "y"],
                             "sections": ["0.0;6.0;12.0", "0.0;3.0;6.0;9.0;12.0"]})
    song, ref = sg.example_song(toy_like)
    assert song["track_id"] == "b" and ref.tolist() == [0.0, 3.0, 6.0, 9.0, 12.0]
    assert sg.two_section_times(ref, duration=12.0) == (1.5, 10.5)
    gtzan_like = toy_like.drop(columns="sections")
    song, ref = sg.example_song(gtzan_like)
    assert song["track_id"] == "a" and ref is None
    assert sg.two_section_times(None, duration=30.0) == (7.5, 22.5)
    assert len(sg.annotated(gtzan_like)) == 0 and len(sg.annotated(toy_like)) == 2
    assert sg.reference_sections(pd.Series({"sections": float("nan")})) is None
    empty = sg.score_tracks(sg.annotated(gtzan_like))
    assert len(empty) == 0 and {"method", "F@3", "n_segments"} <= set(empty.columns)
    with pytest.raises(ValueError, match="empty"):
        sg.example_song(gtzan_like.iloc[:0])


def test_method_verdicts_are_computed_from_the_summary():
    import pandas as pd

    summary = pd.DataFrame({"n_segments": [40.0, 38.0, 5.0, 6.0, 3.0], "F@3": [0.20, 0.22, 0.60, 0.52, 0.3]},
                           index=["SEM, 0.1 s windows", "MFCC, 0.1 s windows", "SEM, 1 s windows (median scale)",
                                  "MFCC, 1 s windows", "regular 4 s"])
    lines = sg.method_verdicts(summary)
    assert lines[0] == ("SEM: 1 s windows F@3 0.60 vs 0.1 s windows 0.20: 1 s windows are better; "
                        "segments per song 5.0 vs 40.0")
    assert lines[2] == "0.1 s windows: SEM F@3 0.20 vs MFCC 0.22: SEM is alike (within 0.05)"
    assert lines[3] == "1 s windows: SEM F@3 0.60 vs MFCC 0.52: SEM is better"
    assert sg.method_verdicts(summary, tolerance=0.1)[3].endswith("alike (within 0.10)")
    assert sg.method_verdicts(summary.iloc[:0]) == []


def test_plot_eigenvalues_shades_beyond_the_cap_and_matrix_bar_is_labelled():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    lam = np.linspace(1, 0.5, 15)
    ax = sg.plot_eigenvalues(lam, k=8, k_max=8)
    labels = ax.get_legend_handles_labels()[1]
    assert labels == ["eigengap: k = 8", "beyond the cap k_max = 8"]
    plt.close(ax.figure)
    ax = sg.plot_matrix(np.eye(4), log=True, label="SEM")
    bars = [a for a in ax.figure.axes if a.get_label() == "<colorbar>"]
    assert bars[0].get_ylabel() == "log10(1 + SEM)"
    plt.close(ax.figure)
