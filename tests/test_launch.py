"""Badges and set-up cells follow the one repository URL; the set-up cell does the right thing on Colab.

(That every notebook has its Colab badge and the standard set-up cell is asserted per notebook in
``test_notebooks.py``; here ``launch.update(check=True)`` also covers the README.)
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import types
from pathlib import Path

import nbformat
import pytest

from mgc_helpers import config, launch
from mgc_helpers.__main__ import main

REPO = Path(__file__).resolve().parents[1]
FORK = "someone-else/genre-course"


@pytest.fixture
def copy(tmp_path):
    """Temporary copy of the notebooks and the README."""
    shutil.copytree(REPO / "notebooks", tmp_path / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copy2(REPO / "README.md", tmp_path / "README.md")
    return tmp_path


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _src(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _texts(root: Path) -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for p in [*launch.notebooks(root), root / "README.md"]}


def test_the_repository_is_up_to_date():
    """Committed notebooks and README agree with config (else: run `python -m mgc_helpers badges`)."""
    assert launch.update(REPO, check=True) == []


def test_a_new_repository_url_rewrites_every_badge_and_set_up_cell(copy, monkeypatch):
    monkeypatch.setattr(config, "GITHUB_REPOSITORY", FORK)
    monkeypatch.setattr(config, "GITHUB_BRANCH", "spring")
    before = _texts(copy)
    changed = launch.update(copy)
    assert set(changed) == set(before)  # every notebook and the README
    for path, text in _texts(copy).items():
        assert "mgc-course/music-genre-classification" not in text, path.name
        if path.suffix != ".ipynb":
            continue
        nbformat.validate(nbformat.reads(text, as_version=4))
        cells = _cells(path)
        assert f"]({config.colab_url(path.name)})" in _src(cells[0])
        assert f"github/{FORK}/blob/spring/notebooks/{path.name}" in _src(cells[0])
        assert "setup" in cells[1]["metadata"]["tags"] and _src(cells[1]) == config.colab_setup_source()
        assert f"git+https://github.com/{FORK}.git@spring" in _src(cells[1])
        # nothing else in the notebook moved: only the badge line and the set-up cell differ
        old = json.loads(before[path])["cells"]
        assert [_src(c) for c in old[2:]] == [_src(c) for c in cells[2:]]
        assert _src(old[0]).replace(launch.colab_badge(path.name).split("](")[0], "") != ""
    readme = (copy / "README.md").read_text(encoding="utf-8")
    first = launch.notebooks(copy)[0].name
    assert launch.colab_badge(first) in readme and launch.binder_badge(first) in readme
    assert f"https://mybinder.org/v2/gh/{FORK}/spring?labpath=notebooks%2F{first}" in readme
    # the rest of the README is untouched
    assert readme.count("\n") == before[copy / "README.md"].count("\n")


def test_idempotent(copy, monkeypatch):
    monkeypatch.setattr(config, "GITHUB_REPOSITORY", FORK)
    assert launch.update(copy)
    after_first = _texts(copy)
    assert launch.update(copy) == []
    assert _texts(copy) == after_first


def test_check_reports_without_writing(copy, monkeypatch, capsys):
    assert main(["badges", "--check", "--root", str(copy)]) == 0
    monkeypatch.setattr(config, "GITHUB_REPOSITORY", FORK)
    before = _texts(copy)
    assert main(["badges", "--check", "--root", str(copy)]) == 1
    out = capsys.readouterr().out
    assert all(f"stale: {p}" in out for p in before)
    assert _texts(copy) == before
    assert main(["badges", "--root", str(copy)]) == 0
    assert main(["badges", "--check", "--root", str(copy)]) == 0
    assert "up to date" in capsys.readouterr().out


def test_a_notebook_without_badge_or_set_up_cell_gets_both(copy):
    path = launch.notebooks(copy)[0]
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"][0]["source"] = "# 01 · A title\nSome words.\n"
    del nb["cells"][1]
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    assert path in launch.update(copy)
    cells = _cells(path)
    assert _src(cells[0]) == f"# 01 · A title\n\n{launch.colab_badge(path.name)}\n\nSome words.\n"
    assert cells[1]["cell_type"] == "code" and cells[1]["metadata"]["tags"] == ["setup"]
    assert _src(cells[1]) == config.colab_setup_source() and cells[1]["outputs"] == []
    nbformat.validate(nbformat.read(path, as_version=4))


def test_a_readme_that_lost_its_badges_is_an_error(copy, capsys):
    readme = copy / "README.md"
    readme.write_text(launch._BINDER_RE.sub("", readme.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(ValueError, match="no Colab or no Binder badge"):
        launch.update(copy, check=True)
    assert main(["badges", "--root", str(copy)]) == 2
    assert "Binder" in capsys.readouterr().err


# --- the set-up cell itself -------------------------------------------------------------------------------

def _run_setup_cell(monkeypatch, *, colab: bool, installed: set[str] | None = None, gpu: str | None = None):
    """Execute the set-up cell as a kernel would; record the commands it runs instead of running them."""
    import importlib.metadata as md
    import shutil as shutil_mod

    calls: list[list[str]] = []

    def fake_run(cmd, **kwargs):
        calls.append(list(cmd))
        return subprocess.CompletedProcess(cmd, 0, stdout=gpu or "", stderr="")

    if colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    monkeypatch.setattr(subprocess, "run", fake_run)
    monkeypatch.setattr(shutil_mod, "which", lambda name: "/usr/bin/nvidia-smi" if gpu and name == "nvidia-smi" else None)
    if installed is not None:
        real = list(md.distributions())
        keep = [d for d in real if d.metadata["Name"].lower().replace("_", "-") in installed]
        monkeypatch.setattr(md, "distributions", lambda: iter(keep))
    exec(compile(config.colab_setup_source(), "<set-up cell>", "exec"), {})
    return calls


def test_set_up_cell_outside_colab_does_nothing(monkeypatch, capsys):
    assert _run_setup_cell(monkeypatch, colab=False) == []
    assert capsys.readouterr().out == ""
    assert "%" not in config.colab_setup_source()  # plain Python: no magics, nothing from the course imported
    assert "mgc_helpers" not in config.colab_setup_source().replace("mgc-helpers", "")


def test_set_up_cell_on_a_fresh_colab_installs_without_upgrading_colab(monkeypatch, capsys):
    # what a Colab runtime has: TensorFlow, Keras, numpy, ipywidgets, librosa ... but not mir_eval nor the course
    colab = {"numpy", "scipy", "pandas", "librosa", "soundfile", "matplotlib", "seaborn", "scikit-learn",
             "ipywidgets", "ipython", "pooch", "joblib", "tqdm", "tensorflow", "keras"}
    calls = _run_setup_cell(monkeypatch, colab=True, installed=colab)
    pip = [sys.executable, "-m", "pip", "install", "-q"]
    assert calls == [pip + ["--no-deps", f"mgc-helpers @ {config.pip_install_spec()}"], pip + ["mir_eval"]]
    assert "No GPU" in capsys.readouterr().out and "Runtime → Change runtime type → GPU" in config.colab_setup_source()


def test_set_up_cell_rerun_on_colab_with_a_gpu_installs_nothing(monkeypatch, capsys):
    calls = _run_setup_cell(monkeypatch, colab=True, gpu="GPU 0: Tesla T4 (UUID: GPU-1234)\n")
    assert calls == [["nvidia-smi", "-L"]]  # everything is installed in this environment already
    out = capsys.readouterr().out
    assert out.strip() == "Course package ready. GPU: GPU 0: Tesla T4"
