"""Does a GTZAN-size run fit Binder's memory? 1000 clips of 30 s, 3-s segments, one CNN epoch.

Usage::

    python benchmarks/bench_gtzan_scale.py [--root DIR] [--epochs 1] [--keep]

GTZAN has 1000 clips of 30 s at 22,050 Hz; its audio cannot be shipped, so this benchmark
generates 1000 toy clips of the same length (10 genres x 25 artists x 4 songs; about
1.3 GB of WAV in a temporary folder, or ``--root``) and runs the course's deep-learning
pipeline on them exactly as notebooks 04-07 do, with GTZAN's usual features:

1. the tracks table with an artist-disjoint split of GTZAN's proportions (per genre 12 /
   5 / 8 artists: 480 / 200 / 320 clips, against the fault-filtered 443 / 197 / 290);
2. log-mel spectrograms, 128 bands, hop 512 (128 x 1292 per clip, stored as float16),
   extracted in parallel (2 workers) into the on-disk cache;
3. normalisation statistics from the training split, random 3-s crops (129 frames) for
   training, every consecutive 3-s segment of the validation and test clips, cut after
   the split;
4. the recommended CNN of notebook 05 trained for ``--epochs`` epoch(s) and evaluated per
   clip (mean-probability vote).

Steps 1-4 run in a child process; a sampler adds up the resident memory (RSS) of that
process and all of its children (the joblib workers) every 0.1 s and prints the peak per
step. The budget is 2 GB (Binder).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

BUDGET_MB = 2048
N_ARTISTS, TRACKS_PER_ARTIST, DURATION = 25, 4, 30.0
SPLIT_ARTISTS = {"train": 12, "valid": 5, "test": 8}


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB."""
    import psutil

    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total / 2**20


def gtzan_like_split(tracks):
    """Per genre, the first 12 artists train, the next 5 valid, the last 8 test."""
    import numpy as np

    split = np.empty(len(tracks), dtype=object)
    for genre, rows in tracks.groupby("genre"):
        artists = sorted(rows["artist"].unique(), key=lambda a: int(str(a).rsplit("artist", 1)[-1]))
        bounds = np.cumsum([0, *SPLIT_ARTISTS.values()])
        for part, lo, hi in zip(SPLIT_ARTISTS, bounds[:-1], bounds[1:]):
            split[rows.index[rows["artist"].isin(artists[lo:hi])]] = part
    out = tracks.copy()
    out["split"] = split
    return out


def pipeline(root: str, epochs: int) -> None:
    """Steps 1-4 (run in the child process); prints one JSON line per step."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import mgc_helpers as mgc

    def step(name: str, start: float, **extra) -> None:
        print(json.dumps({"step": name, "seconds": round(time.perf_counter() - start, 1), **extra}), flush=True)

    t = time.perf_counter()
    tracks = gtzan_like_split(mgc.toy.load_toy_metadata(root))
    step("tracks", t, counts=tracks["split"].value_counts().to_dict())

    t = time.perf_counter()
    feats = mgc.cache.track_features(tracks, kind="logmel", n_mels=128, hop_length=512, n_jobs=2, progress=False)
    nbytes = sum(a.nbytes for a in feats.arrays)
    step("features", t, shape=list(feats.arrays[0].shape), dtype=str(feats.arrays[0].dtype), mb=round(nbytes / 2**20))

    from mgc_helpers import training
    from mgc_helpers.models import cnn

    t = time.perf_counter()
    classes = list(mgc.toy.GENRES)
    frames = mgc.features.seconds_to_frames(3.0, hop_length=512)
    pipe = mgc.segments.Pipeline(feats, frames=frames, classes=classes,
                                 standardizer=mgc.segments.fit_standardizer(feats))
    train_ds = pipe.train_dataset(batch_size=64, crops_per_track=4, seed=0)
    valid = pipe.eval_segments("valid")
    test = pipe.eval_segments("test")
    step("segments", t, frames=frames, valid=len(valid), test=len(test),
         mb=round((valid.X.nbytes + test.X.nbytes) / 2**20))

    t = time.perf_counter()
    model = cnn.recommended_cnn((128, frames, 1), len(classes), filters=(8, 16, 32))
    result = training.fit(model, train_ds, validation=valid, epochs=epochs, lr=0.02, schedule="1cycle",
                          restore_best=False, seed=0)
    step("train", t, epochs=result.epochs_run, params=model.count_params())

    t = time.perf_counter()
    scores = training.evaluate(model, test, classes=classes)
    step("evaluate", t, segment_accuracy=round(float(scores["segment_accuracy"]), 3),
         clip_accuracy=round(float(scores["clip_accuracy"]), 3))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", help="where to generate the 1000 clips (default: a temporary folder)")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the generated clips and their cache")
    parser.add_argument("--pipeline", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.pipeline:
        pipeline(args.pipeline, args.epochs)
        return 0

    from mgc_helpers import toy

    work = Path(args.root or tempfile.mkdtemp(prefix="mgc-gtzan-scale-"))
    data = work / "toy30"
    env = dict(os.environ, MGC_CACHE_DIR=str(work / "cache"))
    try:
        t = time.perf_counter()
        if not (data / "metadata.csv").exists():
            toy.make_toy_dataset(data, n_artists=N_ARTISTS, tracks_per_artist=TRACKS_PER_ARTIST, duration=DURATION)
        size = sum(f.stat().st_size for f in data.rglob("*.wav")) / 2**20
        print(f"generated {N_ARTISTS * TRACKS_PER_ARTIST * 10} clips of {DURATION:g} s ({size:,.0f} MB of WAV) "
              f"in {time.perf_counter() - t:.0f} s")

        proc = subprocess.Popen([sys.executable, __file__, "--pipeline", str(data), "--epochs", str(args.epochs)],
                                env=env, stdout=subprocess.PIPE, text=True)
        peak = {"now": 0.0}
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                peak["now"] = max(peak["now"], tree_rss_mb(proc.pid))
                time.sleep(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        overall = 0.0
        print(f"{'step':10s} {'seconds':>8s} {'peak RSS MB':>12s}  details")
        for line in proc.stdout:
            if not line.startswith("{"):
                print(line, end="")
                continue
            row = json.loads(line)
            overall = max(overall, peak["now"])
            details = ", ".join(f"{k}={v}" for k, v in row.items() if k not in ("step", "seconds"))
            print(f"{row['step']:10s} {row['seconds']:8.1f} {peak['now']:12.0f}  {details}", flush=True)
            peak["now"] = 0.0
        rc = proc.wait()
        done.set()
        sampler.join()
        overall = max(overall, peak["now"])
        verdict = "fits" if overall <= BUDGET_MB else "EXCEEDS"
        print(f"peak RSS of the whole run (process + workers): {overall:,.0f} MB -> {verdict} the {BUDGET_MB} MB budget")
        return rc or (0 if overall <= BUDGET_MB else 1)
    finally:
        if not args.keep and not args.root:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
