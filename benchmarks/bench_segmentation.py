#!/usr/bin/env python
"""Time report 003's segmentation of a 30 s clip cut into 300 windows, on one CPU core.

Budget (issue 7): <= 5 s for the whole pipeline (SEM matrix, graph, spectral clustering,
inverse mapping). The clip is a GTZAN excerpt from ``../shared/real_audio`` when that
folder is beside the checkout, else 30 s of synthetic AR "sections". BLAS/OpenMP are
limited to one thread before NumPy is imported.

Usage::

    python benchmarks/bench_segmentation.py            # best of 3 repeats
    python benchmarks/bench_segmentation.py --repeat 5 --windows 600
"""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import scipy.signal  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from _clips import shared_gtzan_clip  # noqa: E402

from mgc_helpers import segmentation as sg  # noqa: E402

BUDGET_S = 5.0
SR = 22050


def clip() -> tuple[np.ndarray, str]:
    """30 s of real music if available, else synthetic AR sections."""
    real = shared_gtzan_clip(SR)
    if real is not None:
        return real[0].astype(np.float64), real[1]
    rng = np.random.default_rng(0)
    parts = []
    for f in (300, 1500, 700, 300, 1500, 3000):
        theta = 2 * np.pi * f / SR
        parts.append(scipy.signal.lfilter([1.0], [1.0, -1.94 * np.cos(theta), 0.9409], rng.standard_normal(5 * SR)))
    return np.concatenate(parts), "synthetic AR sections"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--windows", type=int, default=300)
    args = parser.parse_args(argv)
    y, name = clip()
    print(f"clip: {name}, {len(y) / SR:.1f} s, {args.windows} windows of {len(y) // args.windows} samples, 1 thread")
    t0 = time.perf_counter()
    sg.segment(y, SR, n_windows=args.windows)  # first call: includes importing scikit-learn
    cold = time.perf_counter() - t0
    stages: dict[str, list[float]] = {k: [] for k in ("SEM matrix", "graph", "clustering", "inverse map", "total")}
    for _ in range(args.repeat):
        t = [time.perf_counter()]
        S = sg.sem_matrix(sg.split_windows(y, n_windows=args.windows))
        t.append(time.perf_counter())
        A = sg.adjacency(sg.symmetrize(S))
        t.append(time.perf_counter())
        labels, _, _ = sg.spectral_clustering(A)
        t.append(time.perf_counter())
        sg.labels_to_intervals(labels, n_samples=len(y), sr=SR)
        t.append(time.perf_counter())
        for key, a, b in zip(stages, t[:-1], t[1:]):
            stages[key].append(b - a)
        stages["total"].append(t[-1] - t[0])
    for key, values in stages.items():
        print(f"  {key:12s} best {min(values):7.3f} s   median {np.median(values):7.3f} s")
    best = min(stages["total"])
    print(f"first call (cold, with imports): {cold:.3f} s")
    verdict = "OK" if max(best, cold) <= BUDGET_S else "OVER BUDGET"
    print(f"segmentation of 30 s / {args.windows} windows: {best:.3f} s (budget {BUDGET_S:.0f} s) -> {verdict}")
    return 0 if verdict == "OK" else 1


if __name__ == "__main__":
    sys.exit(main())
