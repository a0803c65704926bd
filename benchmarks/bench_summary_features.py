#!/usr/bin/env python
"""Time :func:`mgc_helpers.features.summary_features` against one librosa call per feature.

The 57 GTZAN summary features of a 30 s clip (notebooks 02 and 03) share one STFT in the
course's version; the straightforward computation (``_reference_summary`` in
``tests/test_features.py``, which the unit tests check equal to it) calls librosa once per
feature. Both run in this one process, interleaved, so the printed ratio holds on a loaded
machine. Budget: <= 3 s per clip, and faster than the straightforward computation. This
replaces a timed unit test (house rule 6: budgets are measured by benchmarks).

The clip is a GTZAN excerpt from ``../shared/real_audio`` when that folder is beside the
checkout, else a 30 s toy clip.

Usage::

    python benchmarks/bench_summary_features.py            # best of 3
    python benchmarks/bench_summary_features.py --repeat 5
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

BUDGET_S = 3.0
SR = 22050


def clip() -> tuple[np.ndarray, str]:
    """30 s of a real GTZAN clip if available, else a toy clip."""
    from _clips import shared_gtzan_clip

    from mgc_helpers import toy

    real = shared_gtzan_clip(SR)
    if real is not None:
        return real
    y, _ = toy.synthesize_track("jazz", artist=0, seed=0, duration=30.0, sr=SR)
    return y.astype(np.float32), "toy jazz clip"


def _timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    from test_features import _reference_summary

    from mgc_helpers import features as F

    y, name = clip()
    print(f"clip: {name}, {len(y) / SR:.1f} s")
    F.summary_features(y[:SR], SR)  # warm-up: numba compilation, imports
    _reference_summary(y[:SR], SR)
    course, reference = [], []
    for _ in range(args.repeat):
        course.append(_timed(F.summary_features, y, SR))
        reference.append(_timed(_reference_summary, y, SR))
    best, ref = min(course), min(reference)
    ratio = ref / best
    print(f"  summary_features         best {best:6.2f} s   (budget {BUDGET_S:.0f} s)")
    print(f"  one librosa call each    best {ref:6.2f} s")
    print(f"  ratio: summary_features is {ratio:.1f}x faster")
    ok = best <= BUDGET_S and ratio > 1.0
    if not ok:
        print("OVER BUDGET" if best > BUDGET_S else "NOT FASTER than the straightforward computation")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
