"""The notebook runner (mgc_helpers.runner): parameters injected, failures named, time and memory measured."""
from __future__ import annotations

import json

import nbformat
import pytest

from mgc_helpers import runner


def _notebook(path, *cells, parameters="X = 1\nNAME = 'toy'"):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell(parameters)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# tiny"), params] + [nbformat.v4.new_code_cell(c) for c in cells]
    nbformat.write(nb, str(path))
    return path


def _outputs(path):
    nb = nbformat.read(str(path), as_version=4)
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))


def test_parameters_are_injected_and_the_copy_is_written(tmp_path):
    nb = _notebook(tmp_path / "01_tiny.ipynb", "print(f'X={X} NAME={NAME}')",
                   "import os; print('data', os.environ['MGC_DATA_DIR']); print('tqdm', os.environ.get('TQDM_DISABLE'))")
    (tmp_path / "data").mkdir()
    r = runner.run_notebook(nb, parameters={"X": 5, "NAME": "gtzan", "PROFILE": "cpu"}, out=tmp_path / "runs",
                            data_dir=tmp_path / "data")
    assert r.ok and r.error is None and r.failed_cell is None
    assert r.output == str(tmp_path / "runs" / "01_tiny.ipynb")
    text = _outputs(r.output)
    assert "X=5 NAME=gtzan" in text                        # the injected values win over the defaults
    assert f"data {tmp_path / 'data'}" in text and "tqdm 1" in text   # data folder passed, quiet by default
    assert r.undeclared == ["PROFILE"]                     # injected, but the notebook does not declare it
    executed = nbformat.read(r.output, as_version=4)
    tags = [c.metadata.get("tags", []) for c in executed.cells]
    assert tags[2] == ["injected-parameters"] and executed.metadata["mgc_run"]["parameters"]["X"] == 5
    assert set(r.cell_seconds) == {1, 2, 3}                # indices of the stored notebook's code cells
    assert not list((tmp_path / "runs").glob(".*.tmp"))    # written atomically


def test_the_dataset_names_the_copy(tmp_path):
    nb = _notebook(tmp_path / "02_tiny.ipynb", "print(DATASET)", parameters="DATASET = 'toy'")
    r = runner.run_notebook(nb, parameters={"DATASET": "gtzan"}, out=tmp_path)
    assert r.ok and r.output.endswith("02_tiny-gtzan.ipynb") and "gtzan" in _outputs(r.output)


def test_peak_memory_counts_the_kernel_and_its_children(tmp_path):
    child = ("import subprocess, sys\n"
             "code = 'import numpy as np, time; a = np.ones(40_000_000); time.sleep(1.0)'\n"
             "subprocess.run([sys.executable, '-c', code], check=True)")
    nb = _notebook(tmp_path / "03_memory.ipynb", "import time; time.sleep(0.5)", child)
    r = runner.run_notebook(nb, out=tmp_path)
    assert r.ok, r.error
    assert r.peak_rss_mb >= 300                            # the child's 305 MiB array is seen
    assert r.peak_rss_mb < 4000
    assert r.wall_s >= 1.5 and r.cell_seconds[2] >= 0.5 and r.cell_seconds[3] >= 1.0


def test_a_failing_cell_is_named_and_stops_the_run(tmp_path):
    nb = _notebook(tmp_path / "04_fails.ipynb", "y = 2", "raise ValueError(f'boom {X}')", "print('never')")
    r = runner.run_notebook(nb, parameters={"X": 7}, out=tmp_path)
    assert not r.ok and r.failed_cell == 3
    assert r.error.startswith("cell 3 (raise ValueError(f'boom {X}')): ValueError: boom 7")
    assert 4 not in r.cell_seconds and "never" not in _outputs(r.output)
    assert "boom 7" in json.dumps(nbformat.read(r.output, as_version=4).cells[4].outputs)  # the copy shows it


def test_main_prints_a_table_and_exits_1_naming_the_cell(tmp_path, capsys):
    good = _notebook(tmp_path / "05_good.ipynb", "print(X)")
    bad = _notebook(tmp_path / "06_bad.ipynb", "1 / 0")
    code = runner.main([str(good), str(bad), "-p", "X=3", "--dataset", "gtzan", "--out", str(tmp_path / "o"),
                        "--json", str(tmp_path / "r.json")])
    out = capsys.readouterr().out
    assert code == 1
    assert "| 05_good.ipynb | X=3, DATASET='gtzan' |" in out and "| ok |" in out
    assert "06_bad.ipynb failed at cell 2 (1 / 0): ZeroDivisionError" in out
    rows = json.loads((tmp_path / "r.json").read_text())
    assert [row["error"] is None for row in rows] == [True, False] and rows[1]["failed_cell"] == 2
    assert runner.main([str(good), "--out", str(tmp_path / "o")]) == 0


def test_main_rejects_bad_arguments(capsys, tmp_path):
    for argv in (["99"], ["01", "-p", "no-equals"], ["01", "--data-dir", str(tmp_path / "missing")]):
        with pytest.raises(SystemExit) as exc:
            runner.main(argv)
        assert exc.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_find_notebooks_and_their_parameters():
    every = runner.find_notebooks()
    assert [p.name[:2] for p in every] == [f"{k:02d}" for k in range(1, 11)]
    assert runner.find_notebooks(["3", "05"]) == [every[2], every[4]]
    params = runner.notebook_parameters(every[4])
    assert params["DATASET"] == "toy" and isinstance(params["N_MELS"], int)


def test_markdown_table_marks_budgets():
    ok = runner.RunResult("a.ipynb", {"DATASET": "gtzan"}, "a", wall_s=100.0, peak_rss_mb=500)
    slow = runner.RunResult("b.ipynb", {}, "b", wall_s=700.0, peak_rss_mb=2500)
    failed = runner.RunResult("c.ipynb", {}, "c", wall_s=1.0, peak_rss_mb=1, error="cell 4 (x | y): E: m")
    table = runner.markdown_table([ok, slow, failed], budget_s=600, budget_mb=2048).splitlines()
    assert table[2].endswith("| met |") and "DATASET='gtzan'" in table[2]
    assert table[3].endswith("| missed (time, memory) |")
    assert "FAILED: cell 4 (x \\| y): E: m" in table[4]


def test_rehearsal_mirror_is_written_once_per_parameters(tmp_path, shared_dir):
    said = []
    kw = dict(root=tmp_path, per_genre=1, seconds=0.3, split_lists=shared_dir / "gtzan_splits", say=said.append)
    first = runner.rehearsal_mirror("gtzan", **kw)
    stamp = (first / "genres.tar.gz").stat().st_mtime_ns
    again = runner.rehearsal_mirror("gtzan", **kw)
    assert again == first and (first / "genres.tar.gz").stat().st_mtime_ns == stamp and len(said) == 1
    other = runner.rehearsal_mirror("gtzan", **{**kw, "seconds": 0.4})
    assert other != first and (other / "rehearsal.json").is_file() and len(said) == 2
    assert not list(tmp_path.glob(".*.tmp"))
    with pytest.raises(ValueError, match="kind must be"):
        runner.rehearsal_mirror("mp3", root=tmp_path)


def test_peak_rss_is_the_one_the_notebook_benchmark_uses():
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location(
        "bench_notebooks", Path(runner.__file__).resolve().parents[1] / "benchmarks" / "bench_notebooks.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.PeakRSS is runner.PeakRSS


def test_kernel_pid_under_jupyter_client_7_and_6():
    from types import SimpleNamespace

    assert runner._kernel_pid(SimpleNamespace(provisioner=SimpleNamespace(process=SimpleNamespace(pid=41)))) == 41
    assert runner._kernel_pid(SimpleNamespace(kernel=SimpleNamespace(pid=42))) == 42   # 6.x: km.kernel is the Popen
    with pytest.raises(RuntimeError, match="no process id"):
        runner._kernel_pid(SimpleNamespace(provisioner=SimpleNamespace(process=None)))
