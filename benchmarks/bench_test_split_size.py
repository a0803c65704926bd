"""How many test clips does the toy data need to tell two models apart? (issue 17)

Usage::

    python benchmarks/bench_test_split_size.py [--dataset toy] [--split artist] [--a MODEL] [--b MODEL]
        [--sizes 40 80 120 200 400] [--repeats 2000] [--seed 0]

Reads the clip probabilities that the notebooks saved on the test split
(:func:`mgc_helpers.evaluation.read_clip_probabilities`: run notebooks 03 and 05 first, e.g. ``make book``),
takes model A (default: the best deep model saved, the recommended CNN of notebook 05 when present) and model B
(default: the best classical model of notebook 03), and measures, on the clips both were tested on:

- the two accuracies with their Wilson intervals, the discordant clips and the exact McNemar p-value
  (:func:`mgc_helpers.evaluation.mcnemar`) at today's test size;
- for larger test splits drawn like this one (clips resampled with replacement, paired: each drawn clip keeps both
  models' answers), the share of draws in which McNemar's exact test at 5 % tells them apart — the power — and the
  smallest size that reaches 80 % power.

Training cost does not grow with the test split (only inference and the toy generation do), so the question
the numbers answer is how many test artists the toy data would need for its lessons, not whether the networks
can be trained on more. Prints Markdown with ratios and counts measured in this one run.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from mgc_helpers import evaluation  # noqa: E402

DEEP = ("recommended_cnn", "cnn", "crnn", "gru", "lstm", "ffnn")
CLASSICAL = ("svm_rbf", "logreg", "random_forest", "knn", "xgboost", "gaussian_nb")


def _correct(frame) -> tuple[np.ndarray, np.ndarray]:
    classes = frame.attrs["classes"]
    pred = np.asarray(classes, dtype=object)[frame[classes].to_numpy().argmax(axis=1)]
    return frame.index.to_numpy(), pred == frame["true"].astype(str).to_numpy()


def _pick(probs: dict, prefer: tuple[str, ...], given: str | None) -> str:
    if given:
        if given not in probs:
            raise SystemExit(f"no saved probabilities for {given!r}; saved: {sorted(probs)}")
        return given
    scored = {m: _correct(f)[1].mean() for m, f in probs.items() if any(p in m for p in prefer)}
    if not scored:
        raise SystemExit(f"no saved model matching {prefer}; saved: {sorted(probs)} (run notebooks 03 and 05)")
    return max(scored, key=scored.get)


def power(a: np.ndarray, b: np.ndarray, n: int, *, repeats: int, rng: np.random.Generator,
          alpha: float = 0.05) -> float:
    """Share of paired resamples of ``n`` clips in which the exact McNemar test has p < ``alpha``."""
    from scipy.stats import binomtest

    idx = rng.integers(0, len(a), size=(repeats, n))
    only_a = (a[idx] & ~b[idx]).sum(axis=1)
    only_b = (~a[idx] & b[idx]).sum(axis=1)
    hits = 0
    cache: dict[tuple[int, int], float] = {}
    for x, y in zip(only_a, only_b):
        key = (int(x), int(y))
        if key not in cache:
            cache[key] = 1.0 if x + y == 0 else binomtest(int(x), int(x + y), 0.5).pvalue
        hits += cache[key] < alpha
    return hits / repeats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="toy")
    parser.add_argument("--split", default="artist")
    parser.add_argument("--a", help="model A (default: best deep model saved)")
    parser.add_argument("--b", help="model B (default: best classical model saved)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[40, 80, 120, 200, 400, 800])
    parser.add_argument("--repeats", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    probs = evaluation.read_clip_probabilities(dataset=args.dataset, split=args.split)
    if not probs:
        print(f"no clip probabilities saved for {args.dataset}/{args.split} in "
              f"{evaluation.probabilities_dir(dataset=args.dataset, split=args.split)}: run notebooks 03 and 05 first",
              file=sys.stderr)
        return 1
    name_a, name_b = _pick(probs, DEEP, args.a), _pick(probs, CLASSICAL, args.b)
    ids_a, ok_a = _correct(probs[name_a])
    ids_b, ok_b = _correct(probs[name_b])
    common = np.intersect1d(ids_a, ids_b)
    order_a, order_b = dict(zip(ids_a, ok_a)), dict(zip(ids_b, ok_b))
    a = np.array([order_a[t] for t in common], dtype=bool)
    b = np.array([order_b[t] for t in common], dtype=bool)
    n = len(common)
    ia, ib = evaluation.accuracy_interval(int(a.sum()), n), evaluation.accuracy_interval(int(b.sum()), n)
    labels = np.ones(n, dtype=int)
    test = evaluation.mcnemar(labels, np.where(a, 1, 0), np.where(b, 1, 0))
    print(f"# Test-split size for telling {name_a} from {name_b} ({args.dataset}, {args.split})\n")
    print(f"On today's {n} test clips: {name_a} {ia}; {name_b} {ib}; {int((a & ~b).sum())} clips only A gets "
          f"right, {int((~a & b).sum())} only B; {test}.\n")
    rng = np.random.default_rng(args.seed)
    print("| test clips | power of McNemar's exact test at 5 % |\n|---:|---:|")
    enough = None
    for size in args.sizes:
        p = power(a, b, size, repeats=args.repeats, rng=rng)
        print(f"| {size} | {p:.0%} |")
        if enough is None and p >= 0.8:
            enough = size
    print()
    if enough is None:
        print(f"No size up to {max(args.sizes)} clips reaches 80 % power: the two models are too close on these "
              "data to be told apart by the test split; the notebooks say so (evaluation.verdict).")
    else:
        print(f"{enough} test clips reach 80 % power ({enough / n:.1f}× today's {n}).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
