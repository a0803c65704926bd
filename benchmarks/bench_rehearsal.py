"""Benchmark of the rehearsals: every notebook on the GTZAN rehearsal (and FMA small for 03, 04, 07, 10).

Usage::

    python benchmarks/bench_rehearsal.py [03 05 ...] [--datasets gtzan fma_small] [--per-genre 100]
        [--fma-per-genre 25] [--fma-stereo] [--seconds S] [--work DIR] [--strict]

Stages, each timed: the rehearsal archives (:func:`mgc_helpers.runner.rehearsal_mirror`:
written once, then kept in ``<cache root>/rehearsal``), served from 127.0.0.1 and fetched
with :func:`mgc_helpers.datasets.download` into a fresh data root, ``load_tracks``;
then each notebook through :mod:`mgc_helpers.runner` with ``DATASET`` set (and
``PROFILE="cpu"`` where the notebook has that parameter), in a fresh feature cache
shared by the notebooks in order (the first notebook that needs a feature pays for
it, as on a student's first run). Per notebook: wall time (kernel start included) and
the peak RSS of the kernel's process tree, against the budgets of issue 15 at GTZAN
size with the CPU profile (<= 10 min, <= 2 GB); a missed budget names the slowest
cells. Prints Markdown and writes ``benchmarks/results/rehearsal.md`` and ``.json``.

Exit status: 1 when a notebook fails (or, with ``--strict``, misses a budget).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
import warnings
from dataclasses import asdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from mgc_helpers import datasets, runner  # noqa: E402
from mgc_helpers.datasets import rehearsal  # noqa: E402

#: Issue 15's budgets per notebook at GTZAN size, CPU profile (Binder's 2 GB).
BUDGET_S, BUDGET_MB = 600.0, 2048.0
#: Notebooks whose reports work on FMA (04: report 004; 07: report 001's four genres; 10: the comparison).
FMA_NOTEBOOKS = ("03", "04", "07", "10")
#: Which rehearsal archive (and download name) each dataset comes from.
SOURCES = {"gtzan": ("gtzan", "gtzan"), "fma_small": ("fma", "fma_small")}


def _timed(stages: list[tuple[str, float]], name: str, func, *args, **kwargs):
    t0 = time.perf_counter()
    out = func(*args, **kwargs)
    stages.append((name, round(time.perf_counter() - t0, 1)))
    return out


def prepare(dataset: str, work: Path, *, params: dict, stages: list) -> int:
    """Archive (cached), download + verify + extract, load_tracks; returns the number of usable tracks."""
    kind, name = SOURCES[dataset]
    mirror = _timed(stages, f"{dataset}: archive ({'written' if not _cached(kind, params) else 'cached'})",
                    runner.rehearsal_mirror, kind, say=lambda m: None, **params)
    with rehearsal.serve(mirror) as url:
        _timed(stages, f"{dataset}: download + verify + extract", datasets.download, name, root=work / "data",
               remotes=rehearsal.remotes_for(mirror, url), progress=False, say=lambda m: None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tracks = _timed(stages, f"{dataset}: load_tracks", datasets.load_tracks, dataset, root=work / "data")
    return len(tracks)


def _cached(kind: str, params: dict) -> bool:
    try:
        return (runner.rehearsal_folder(kind, **params) / rehearsal.MANIFEST).is_file()
    except FileNotFoundError:  # no split lists: rehearsal_mirror will say so
        return False


def run(select: list[str], *, datasets_: list[str], gtzan: dict, fma: dict, work: Path, out: Path,
        save=lambda stages, results, counts: None) -> tuple[list[tuple[str, float]], list[runner.RunResult], dict]:
    """Prepare the datasets and run the notebooks (``save`` is called after each); returns stages, runs, track counts."""
    stages: list[tuple[str, float]] = []
    counts = {}
    for dataset in datasets_:
        counts[dataset] = prepare(dataset, work, params=gtzan if dataset == "gtzan" else fma, stages=stages)
    results = []
    for dataset in datasets_:
        chosen = select or (None if dataset == "gtzan" else list(FMA_NOTEBOOKS))
        for path in runner.find_notebooks(chosen or ()):
            if dataset != "gtzan" and path.name[:2] not in FMA_NOTEBOOKS:
                continue
            parameters = {"DATASET": dataset}
            if "PROFILE" in runner.notebook_parameters(path):
                parameters["PROFILE"] = "cpu"
            r = runner.run_notebook(path, parameters=parameters, out=out / "runs", data_dir=work / "data",
                                    cache_dir=work / "cache")
            results.append(r)
            print(runner.markdown_table([r], budget_s=BUDGET_S, budget_mb=BUDGET_MB).splitlines()[-1], flush=True)
            save(stages, results, counts)
    return stages, results, counts


def report(stages, results, counts, *, gtzan: dict, fma: dict) -> str:
    """The Markdown report: machine, stages, the per-notebook table with budgets, why budgets were missed."""
    lines = [f"# Rehearsal benchmark ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})", "",
             f"{os.cpu_count()} cores ({platform.machine()}), load average "
             f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} at the end; CPU profile; budgets per notebook "
             f"at GTZAN size: {BUDGET_S / 60:.0f} min and {BUDGET_MB / 1024:.0f} GB peak RSS.", "",
             "Datasets: " + "; ".join(
                 f"{d} rehearsal ({counts[d]} usable tracks; "
                 f"{', '.join(f'{k}={v}' for k, v in (gtzan if d == 'gtzan' else fma).items())})" for d in counts),
             "", "| stage | seconds |", "|---|--:|"]
    lines += [f"| {name} | {sec:.1f} |" for name, sec in stages]
    lines += ["", runner.markdown_table(results, budget_s=BUDGET_S, budget_mb=BUDGET_MB), ""]
    for r in results:
        if r.ok and (r.wall_s > BUDGET_S or r.peak_rss_mb > BUDGET_MB):
            cells = ", ".join(f"cell {i} ({s:.0f} s)" for i, s in r.slowest())
            lines.append(f"- {r.notebook} ({r.parameters['DATASET']}) missed a budget; slowest cells: {cells}")
        elif not r.ok:
            lines.append(f"- {r.notebook} ({r.parameters['DATASET']}) failed at {r.error}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("select", nargs="*", help="notebook numbers (default: all on GTZAN, 03 04 07 10 on FMA)")
    parser.add_argument("--datasets", nargs="+", choices=tuple(SOURCES), default=list(SOURCES))
    parser.add_argument("--per-genre", type=int, default=100, help="GTZAN clips per genre (100: full size)")
    parser.add_argument("--fma-per-genre", type=int, default=25, help="FMA small tracks per genre (real: 1000)")
    parser.add_argument("--fma-stereo", action="store_true",
                        help="stereo MP3s like the real FMA (encoding takes about 3 times as long as mono, the default)")
    parser.add_argument("--seconds", type=float, default=None, help="clip length (default: the real ~30 s)")
    parser.add_argument("--work", default=None, help="data root and feature cache (default: temporary, deleted)")
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results"))
    parser.add_argument("--strict", action="store_true", help="exit 1 when a budget is missed too")
    args = parser.parse_args(argv)
    try:
        runner.find_notebooks(args.select)
    except ValueError as exc:
        parser.error(str(exc))
    gtzan = {"per_genre": args.per_genre, **({"seconds": args.seconds} if args.seconds else {})}
    fma = {"per_genre": args.fma_per_genre, **({} if args.fma_stereo else {"channels": 1}),
           **({"seconds": args.seconds} if args.seconds else {})}
    out = Path(args.out)

    def save(stages, results, counts) -> str:  # after every notebook: a run stopped half-way keeps its rows
        text = report(stages, results, counts, gtzan=gtzan, fma=fma)
        out.mkdir(parents=True, exist_ok=True)
        (out / "rehearsal.md").write_text(text)
        (out / "rehearsal.json").write_text(json.dumps(
            {"stages": stages, "counts": counts, "runs": [asdict(r) for r in results],
             "budget_s": BUDGET_S, "budget_mb": BUDGET_MB}, indent=1, default=str) + "\n")
        return text

    with tempfile.TemporaryDirectory(prefix="mgc-rehearsal-") as tmp:
        work = Path(args.work) if args.work else Path(tmp)
        stages, results, counts = run(args.select, datasets_=args.datasets, gtzan=gtzan, fma=fma, work=work, out=out,
                                      save=save)
    print("\n" + save(stages, results, counts))
    missed = [r for r in results if r.wall_s > BUDGET_S or r.peak_rss_mb > BUDGET_MB]
    return 1 if any(not r.ok for r in results) or (args.strict and missed) else 0


if __name__ == "__main__":
    raise SystemExit(main())
