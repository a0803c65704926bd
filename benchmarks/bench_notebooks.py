#!/usr/bin/env python
"""Execute every course notebook and print wall time and peak memory per notebook.

Budgets (non-negotiable, 2 CPU cores, toy data): each notebook <= 90 s and <= 1.5 GB peak RSS,
the whole run <= 10 min. Wall time includes starting the kernel; peak RSS is the kernel's
process tree, sampled every 50 ms. By default the feature cache starts cold (a fresh
MGC_CACHE_DIR), as on a student's first run; ``--warm`` reuses the repository's cache.

Usage::

    python benchmarks/bench_notebooks.py                 # all notebooks
    python benchmarks/bench_notebooks.py 01 02 --warm    # a selection, warm cache
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from mgc_helpers.runner import PeakRSS  # noqa: E402  (the kernel tree's peak RSS, one copy)

BUDGET_S, BUDGET_MB, BUDGET_TOTAL_S = 90.0, 1536.0, 600.0


def run_notebook(path: Path, *, timeout: int = 600) -> dict:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    t0 = time.perf_counter()
    error = None
    # Cell by cell inside one kernel: NotebookClient.execute() stalled for minutes after
    # notebook 01 in this harness (kernel clean-up), which nbval and this loop do not.
    with client.setup_kernel():
        pid = client.km.provisioner.process.pid
        with PeakRSS(lambda: pid) as mem:
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                try:
                    client.execute_cell(cell, index)
                except Exception as exc:  # report and go on with the other notebooks
                    error = f"cell {index}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
                    break
    wall = time.perf_counter() - t0
    return {"notebook": path.name, "wall_s": round(wall, 1), "peak_rss_mb": round(mem.peak / 2**20),
            "error": error}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("select", nargs="*", help="notebook numbers or names (default: all)")
    parser.add_argument("--warm", action="store_true", help="reuse the repository's feature cache")
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "notebooks.json"))
    args = parser.parse_args(argv)

    notebooks = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if args.select:
        notebooks = [nb for nb in notebooks if any(nb.name.startswith(s) or nb.name == s for s in args.select)]
    tmp = None
    if not args.warm:
        tmp = tempfile.TemporaryDirectory(prefix="mgc-bench-cache-")
        os.environ["MGC_CACHE_DIR"] = tmp.name
    os.environ.setdefault("NUMBA_CACHE_DIR", str(REPO / ".cache" / "numba"))
    os.environ.setdefault("MPLCONFIGDIR", str(REPO / ".cache" / "matplotlib"))
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

    print(f"cores: {os.cpu_count()}  cache: {'warm' if args.warm else 'cold'}  budget: "
          f"{BUDGET_S:.0f} s and {BUDGET_MB / 1024:.1f} GB per notebook, {BUDGET_TOTAL_S / 60:.0f} min in all\n")
    print(f"| {'notebook':<40} | {'wall (s)':>8} | {'peak RSS (MB)':>13} | status |")
    print(f"|{'-' * 42}|{'-' * 10}:|{'-' * 15}:|--------|")
    rows = []
    for nb in notebooks:
        row = run_notebook(nb)
        ok = row["error"] is None and row["wall_s"] <= BUDGET_S and row["peak_rss_mb"] <= BUDGET_MB
        row["status"] = "ok" if ok else ("ERROR" if row["error"] else "OVER")
        rows.append(row)
        print(f"| {row['notebook']:<40} | {row['wall_s']:>8.1f} | {row['peak_rss_mb']:>13} | {row['status']:<6} |",
              flush=True)
        if row["error"]:
            print(f"    {row['error']}")
    total = sum(r["wall_s"] for r in rows)
    peak = max((r["peak_rss_mb"] for r in rows), default=0)
    print(f"| {'total':<40} | {total:>8.1f} | {peak:>13} | {'ok' if total <= BUDGET_TOTAL_S else 'OVER':<6} |")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"rows": rows, "total_s": round(total, 1)}, indent=2))
    if tmp is not None:
        tmp.cleanup()
    return 0 if all(r["status"] == "ok" for r in rows) and total <= BUDGET_TOTAL_S else 1


if __name__ == "__main__":
    sys.exit(main())
