"""The uncertainty of a score (mgc_helpers.evaluation): Wilson and bootstrap intervals, McNemar, verdicts, seeds.

References: the Wilson closed form and its defining score equation, statsmodels' values (typed in, and recomputed
when statsmodels is installed), scipy.stats.binom / binomtest, and plain loops over the same resamples.
"""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from mgc_helpers import evaluation
from mgc_helpers.evaluation import Interval

Z95 = stats.norm.ppf(0.975)


# --------------------------------------------------------------------------- Wilson
@pytest.mark.parametrize("k, n, low, high", [
    (8, 10, 0.4901625, 0.9433178),     # statsmodels proportion_confint(8, 10, method="wilson")
    (0, 10, 0.0, 0.2775328),
    (10, 10, 0.7224672, 1.0),
])
def test_wilson_interval_matches_reference_values(k, n, low, high):
    ci = evaluation.accuracy_interval(k, n)
    assert ci.estimate == k / n and ci.n == n and ci.method == "wilson" and ci.confidence == 0.95
    assert ci.low == pytest.approx(low, abs=1e-4) and ci.high == pytest.approx(high, abs=1e-4)


@pytest.mark.parametrize("k, n, confidence", [(1, 7, 0.95), (17, 40, 0.9), (250, 290, 0.99), (3, 3, 0.8)])
def test_wilson_bounds_solve_the_score_equation(k, n, confidence):
    """Both bounds p satisfy (k/n - p)^2 = z^2 p (1 - p) / n (Wilson's definition), the estimate lies between."""
    z = stats.norm.ppf(0.5 + confidence / 2)
    ci = evaluation.accuracy_interval(k, n, confidence=confidence)
    phat = k / n
    for p in (ci.low, ci.high):
        if p in (0.0, 1.0) and p == phat:
            continue  # the bound at 0 or 100 % when every clip is wrong or right
        assert (phat - p) ** 2 == pytest.approx(z * z * p * (1 - p) / n, rel=1e-9)
    assert ci.low < phat <= ci.high or ci.low <= phat < ci.high
    # closed form, written out independently
    centre = (phat + z ** 2 / (2 * n)) / (1 + z ** 2 / n)
    half = z / (1 + z ** 2 / n) * np.sqrt(phat * (1 - phat) / n + z ** 2 / (4 * n ** 2))
    assert (ci.low, ci.high) == pytest.approx((max(0, centre - half), min(1, centre + half)), abs=1e-12)


def test_wilson_interval_agrees_with_statsmodels_when_installed():
    proportion = pytest.importorskip("statsmodels.stats.proportion")
    for k, n in [(0, 5), (3, 40), (20, 40), (39, 40), (123, 290)]:
        ref = proportion.proportion_confint(k, n, alpha=0.05, method="wilson")
        ci = evaluation.accuracy_interval(k, n)
        assert (ci.low, ci.high) == pytest.approx(ref, abs=1e-10)


@pytest.mark.parametrize("n", [40, 290])
def test_wilson_coverage_is_nominal_on_average(n):
    """Exact coverage (sum of binomial probabilities of the k whose interval holds p), over a grid of p."""
    ks = np.arange(n + 1)
    intervals = [evaluation.accuracy_interval(k, n) for k in ks]
    coverage = []
    for p in np.linspace(0.05, 0.95, 37):
        inside = np.array([ci.low <= p <= ci.high for ci in intervals])
        coverage.append(stats.binom.pmf(ks, n, p)[inside].sum())
    assert 0.94 < np.mean(coverage) < 0.96 and min(coverage) > 0.92


@pytest.mark.parametrize("args, match", [
    ((5, 4), "n_correct <= n"), ((-1, 4), "n_correct <= n"), ((0, 0), "n >= 1"), ((2.5, 4), "whole number"),
    ((True, 4), "whole number"),
])
def test_wilson_interval_rejects_bad_counts(args, match):
    with pytest.raises(ValueError, match=match):
        evaluation.accuracy_interval(*args)
    with pytest.raises(ValueError, match="confidence"):
        evaluation.accuracy_interval(3, 4, confidence=95)


def test_interval_prints_percentages_and_tells_overlap():
    ci = evaluation.accuracy_interval(34, 40)
    assert str(ci) == "85.0 % (70.9 % to 92.9 %, n = 40)"
    assert ci.overlaps(evaluation.accuracy_interval(30, 40)) and not ci.overlaps(evaluation.accuracy_interval(10, 40))
    with pytest.raises(AttributeError):
        ci.low = 0.0  # frozen


# --------------------------------------------------------------------------- bootstrap
def _labels(seed, n=80, right=0.7, genres=("blues", "jazz", "pop", "rock")):
    rng = np.random.default_rng(seed)
    truth = rng.choice(genres, n)
    pred = np.where(rng.random(n) < right, truth, rng.choice(genres, n))
    return truth, pred


def test_bootstrap_is_centred_on_the_metric_and_seeded():
    truth, pred = _labels(0)
    for metric, value in (("accuracy", evaluation.accuracy(truth, pred)),
                          ("macro_f1", evaluation.macro_f1(truth, pred))):
        ci = evaluation.bootstrap_interval(truth, pred, metric=metric, n_boot=1000, seed=3)
        assert ci.estimate == value and ci.low <= value <= ci.high and ci.n == 80 and ci.method == "bootstrap"
        assert ci == evaluation.bootstrap_interval(truth, pred, metric=metric, n_boot=1000, seed=3)
        assert ci != evaluation.bootstrap_interval(truth, pred, metric=metric, n_boot=1000, seed=4)


def test_bootstrap_resamples_equal_a_loop_over_the_same_clips():
    truth, pred = _labels(1, n=30, genres=("a", "b", "c", "d", "e"))
    idx = np.random.default_rng(0).integers(0, 30, size=(200, 30))
    acc = evaluation._resampled(truth, pred, idx, "accuracy")
    np.testing.assert_allclose(acc, [evaluation.accuracy(truth[i], pred[i]) for i in idx])
    f1 = evaluation._resampled(truth, pred, idx, "macro_f1")
    np.testing.assert_allclose(f1, [evaluation.macro_f1(truth[i], pred[i]) for i in idx], atol=1e-12)
    labels = ["a", "b", "c", "d", "e", "unused"]
    f1_labels = evaluation._resampled(truth, pred, idx, "macro_f1", labels)
    np.testing.assert_allclose(f1_labels, [evaluation.macro_f1(truth[i], pred[i], labels=labels) for i in idx],
                               atol=1e-12)
    # a callable metric gives the same interval as the named, vectorised one
    named = evaluation.bootstrap_interval(truth, pred, n_boot=300, seed=5)
    called = evaluation.bootstrap_interval(truth, pred, metric=evaluation.accuracy, n_boot=300, seed=5)
    assert (named.low, named.high) == (called.low, called.high)


def test_bootstrap_covers_the_true_accuracy_of_a_simulated_binomial():
    """300 test sets of 100 clips, each right with probability 0.8: the 95 % intervals hold 0.8 ~95 % of the time."""
    rng = np.random.default_rng(11)
    hits = 0
    for r in range(300):
        right = rng.random(100) < 0.8
        ci = evaluation.bootstrap_interval(np.zeros(100), np.where(right, 0, 1), n_boot=500, seed=r)
        hits += ci.low <= 0.8 <= ci.high
    assert 0.90 <= hits / 300 <= 0.99


def test_bootstrap_rejects_bad_input():
    with pytest.raises(ValueError, match="same length"):
        evaluation.bootstrap_interval(["a"], ["a", "b"])
    with pytest.raises(ValueError, match="no clips"):
        evaluation.bootstrap_interval([], [])
    with pytest.raises(ValueError, match="metric"):
        evaluation.bootstrap_interval(["a"], ["a"], metric="auc")
    with pytest.raises(ValueError, match="n_boot"):
        evaluation.bootstrap_interval(["a"], ["a"], n_boot=10)


# --------------------------------------------------------------------------- McNemar and the paired bootstrap
def test_mcnemar_counts_the_discordant_clips():
    truth = ["a"] * 10
    a = ["a"] * 7 + ["b"] * 3           # right on 0..6
    b = ["a"] * 4 + ["b"] * 4 + ["a"] * 2  # right on 0..3, 8, 9
    test = evaluation.mcnemar(truth, a, b)
    assert (test.b, test.c, test.n) == (3, 2, 10)   # A only: 4, 5, 6; B only: 8, 9
    assert test.p_value == pytest.approx(1.0)       # 2 * P(X <= 2 | 5, 1/2) = 2 * 16/32 -> 1
    assert evaluation.mcnemar(truth, a, a).p_value == 1.0 and evaluation.mcnemar(truth, a, a).b == 0
    assert "right only for A" in str(test)


@pytest.mark.parametrize("seed", range(6))
def test_mcnemar_p_value_equals_scipys_exact_binomial_test(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(20, 300))
    truth = rng.integers(0, 5, n)
    a = np.where(rng.random(n) < 0.8, truth, (truth + 1) % 5)
    b = np.where(rng.random(n) < rng.uniform(0.5, 0.8), truth, (truth + 2) % 5)
    test = evaluation.mcnemar(truth, a, b)
    assert test.b == np.sum((a == truth) & (b != truth)) and test.c == np.sum((a != truth) & (b == truth))
    assert test.p_value == pytest.approx(stats.binomtest(test.b, test.b + test.c, 0.5).pvalue, rel=1e-9)
    tail = stats.binom.cdf(min(test.b, test.c), test.b + test.c, 0.5)
    assert test.p_value == pytest.approx(min(1.0, 2 * tail), rel=1e-9)


def test_paired_bootstrap_of_the_difference():
    truth, a = _labels(2)
    _, b = _labels(3)
    b = np.where(np.random.default_rng(4).random(80) < 0.6, truth, b)
    diff = evaluation.paired_bootstrap(truth, a, b, n_boot=1000, seed=0)
    gap = evaluation.accuracy(truth, a) - evaluation.accuracy(truth, b)
    assert diff.estimate == pytest.approx(gap) and diff.low <= gap <= diff.high and diff.method == "paired bootstrap"
    idx = np.random.default_rng(0).integers(0, 80, size=(1000, 80))  # the same resamples, in a loop
    loop = [evaluation.accuracy(truth[i], a[i]) - evaluation.accuracy(truth[i], b[i]) for i in idx]
    assert (diff.low, diff.high) == pytest.approx(tuple(np.quantile(loop, [0.025, 0.975])))
    same = evaluation.paired_bootstrap(truth, a, a)
    assert (same.estimate, same.low, same.high) == (0.0, 0.0, 0.0)
    assert str(same).startswith("+0.0 points (+0.0 to +0.0")
    # pairing: the difference's interval is narrower than the two separate accuracies' intervals suggest
    near = np.where(np.arange(80) < 4, truth, a)  # a, fixed on 4 more clips
    paired = evaluation.paired_bootstrap(truth, near, a)
    assert paired.low >= 0.0 and evaluation.bootstrap_interval(truth, near).overlaps(
        evaluation.bootstrap_interval(truth, a))


# --------------------------------------------------------------------------- verdicts
def test_verdict_words_follow_the_exact_test():
    truth = np.array(["x"] * 100)
    strong = np.array(["x"] * 90 + ["y"] * 10)
    weak = np.array(["x"] * 60 + ["y"] * 40)
    close = np.array(["x"] * 88 + ["y"] * 12)
    ahead = evaluation.verdict(truth, strong, weak, names=("cnn", "forest"))
    assert ahead.word == "ahead" and ahead.test.p_value < 0.05
    assert evaluation.verdict(truth, weak, strong).word == "behind"
    tied = evaluation.verdict(truth, strong, close, names=("cnn", "forest"))
    assert tied.word == "tied within noise" and tied.test.p_value == pytest.approx(
        stats.binomtest(0, 2, 0.5).pvalue)
    assert tied.accuracy_a == evaluation.accuracy_interval(90, 100)
    assert tied.difference.estimate == pytest.approx(0.02)
    text = str(tied)
    assert text.startswith("cnn is tied within noise with forest: 90.0 % (")
    assert "n = 100" in text and "McNemar exact p = 0.5 (2 of 100 clips" in text and "right only for cnn" in text
    assert "ahead of forest" in str(ahead) and set(evaluation.VERDICTS) == {"ahead", "tied within noise", "behind"}
    assert "beats" not in str(ahead)


def test_verdict_rejects_bad_options():
    with pytest.raises(ValueError, match="alpha"):
        evaluation.verdict(["a"], ["a"], ["a"], alpha=5)
    with pytest.raises(ValueError, match="same length"):
        evaluation.verdict(["a", "b"], ["a"], ["a", "b"])


# --------------------------------------------------------------------------- seeds
def test_repeat_over_seeds_summarises_the_scores():
    called = []

    def run(seed):
        called.append(seed)
        return {0: 0.85, 1: 0.725, 2: 0.80}[seed]

    spread = evaluation.repeat_over_seeds(run, [0, 1, 2])
    assert called == [0, 1, 2] and spread.seeds == (0, 1, 2) and spread.scores == (0.85, 0.725, 0.80)
    assert spread.mean == pytest.approx(np.mean([0.85, 0.725, 0.80]))
    assert spread.std == pytest.approx(np.std([0.85, 0.725, 0.80], ddof=1))
    assert (spread.low, spread.high) == (0.725, 0.85)
    assert str(spread) == "mean 79.2 %, sd 6.3 points, range 72.5 % to 85.0 % over 3 seeds"
    assert spread.as_series().to_dict() == {0: 0.85, 1: 0.725, 2: 0.80}
    one = evaluation.repeat_over_seeds(lambda s: 12.5, [7])
    assert np.isnan(one.std) and str(one) == "mean 12.5, sd undefined, range 12.5 to 12.5 over 1 seed"


@pytest.mark.parametrize("run, seeds, error, match", [
    (lambda s: 0.5, [], ValueError, "distinct"),
    (lambda s: 0.5, [1, 1], ValueError, "distinct"),
    (lambda s: 0.5, [1.5], ValueError, "whole number"),
    (lambda s: {"clip_accuracy": 0.5}, [0], TypeError, "not a number"),
    (lambda s: float("nan"), [0], ValueError, "finite"),
    (0.5, [0], TypeError, "callable"),
])
def test_repeat_over_seeds_rejects_bad_input(run, seeds, error, match):
    with pytest.raises(error, match=match):
        evaluation.repeat_over_seeds(run, seeds)


def test_the_statistics_are_public_and_documented():
    for name in ("Interval", "accuracy_interval", "bootstrap_interval", "McNemar", "mcnemar", "paired_bootstrap",
                 "Verdict", "verdict", "SeedSpread", "repeat_over_seeds"):
        assert name in evaluation.__all__
        assert "notebook" in getattr(evaluation, name).__doc__
    assert isinstance(evaluation.accuracy_interval(1, 2), Interval)
