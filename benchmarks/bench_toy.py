"""Benchmark of the toy dataset: generation time and size, and how learnable it is.

Usage::

    python benchmarks/bench_toy.py [--root DIR] [--seed 0] [--n-jobs 2] [--repeats 3]

Generates the default toy dataset (200 tracks of 12 s) into a temporary folder (or
``--root``), prints the wall time and the size on disk, then computes MFCC summary
statistics (20 coefficients, mean and variance over time) per track and reports the
accuracy of ``DummyClassifier(most_frequent)``, ``LogisticRegression`` and
``RandomForestClassifier`` for

(a) a random track split (``StratifiedKFold``; artists leak into the test folds), and
(b) an artist-disjoint split (``StratifiedGroupKFold`` with ``groups=artist``: a
    ``GroupKFold`` that also keeps every genre in every fold, so the dummy stays at 10 %),

each averaged over 5 folds x ``--repeats`` shuffles. The course's targets: dummy near
10 %, artist-disjoint baselines roughly 45-75 %, random split visibly higher.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mgc_helpers import toy  # noqa: E402


def mfcc_stats(path: str, *, sr: int = 22050) -> np.ndarray:
    """Mean and variance over time of 20 MFCCs (librosa defaults otherwise)."""
    import librosa
    import soundfile as sf

    y, file_sr = sf.read(path, dtype="float32")
    assert file_sr == sr
    m = librosa.feature.mfcc(y=y, sr=sr, n_mfcc=20)
    return np.concatenate([m.mean(axis=1), m.var(axis=1)])


def evaluate(X: np.ndarray, y: np.ndarray, groups: np.ndarray, *, repeats: int = 3) -> dict[str, dict[str, float]]:
    """Mean accuracy of three classifiers under a random and an artist-disjoint split."""
    from sklearn.dummy import DummyClassifier
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    models = {
        "dummy": lambda s: DummyClassifier(strategy="most_frequent"),
        "logreg": lambda s: make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, C=1.0)),
        "forest": lambda s: RandomForestClassifier(n_estimators=300, random_state=s, n_jobs=2),
    }
    results: dict[str, dict[str, float]] = {}
    for split in ("random", "artist"):
        results[split] = {}
        for name, make in models.items():
            scores = []
            for s in range(repeats):
                if split == "random":
                    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=s)
                    scores.append(cross_val_score(make(s), X, y, cv=cv).mean())
                else:
                    cv = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=s)
                    scores.append(cross_val_score(make(s), X, y, cv=cv, groups=groups).mean())
            results[split][name] = float(np.mean(scores))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", help="generate here instead of a temporary folder")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="reuse data in --root if complete (no timing)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(args.root) if args.root else Path(tmp) / "toy"
        t0 = time.perf_counter()
        if args.reuse:
            tracks = toy.ensure_toy_dataset(root, seed=args.seed, n_jobs=args.n_jobs)
        else:
            toy.make_toy_dataset(root, seed=args.seed, n_jobs=args.n_jobs)
            tracks = toy.load_toy_metadata(root)
        wall = time.perf_counter() - t0
        size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) / 1e6
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"generated {len(tracks)} tracks in {wall:.1f} s ({args.n_jobs} jobs, {os.cpu_count()} CPUs, "
              f"load average {load:.1f}); size {size:.1f} MB")

        from joblib import Parallel, delayed

        t0 = time.perf_counter()
        X = np.array(Parallel(n_jobs=args.n_jobs)(delayed(mfcc_stats)(p) for p in tracks["path"]))
        print(f"MFCC mean+var features {X.shape} in {time.perf_counter() - t0:.1f} s")
        results = evaluate(X, tracks["genre"].to_numpy(), tracks["artist"].to_numpy(), repeats=args.repeats)
        print(f"{'split':<16}{'dummy':>8}{'logreg':>8}{'forest':>8}")
        for split, label in (("random", "random tracks"), ("artist", "artist-disjoint")):
            r = results[split]
            print(f"{label:<16}{r['dummy']:>8.1%}{r['logreg']:>8.1%}{r['forest']:>8.1%}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("NUMBA_CACHE_DIR", str(Path(__file__).resolve().parents[1] / ".cache" / "numba"))
    sys.exit(main())
