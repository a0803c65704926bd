"""The package stays light, installable, and its repository files follow the house rules."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import mgc_helpers

REPO = Path(__file__).resolve().parents[1]
LIGHT_MODULES = ["app", "assignments", "audio", "cache", "checks", "classical", "config", "datasets", "ensemble", "evaluation", "features", "fourier", "launch", "leaderboard", "models", "plots", "segmentation", "toy", "widgets"]


def _imported_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"],
        capture_output=True, text=True, check=True, cwd=REPO,
    ).stdout
    return set(out.split())


def test_import_does_not_import_tensorflow_or_keras():
    modules = _imported_after("import mgc_helpers")
    assert "mgc_helpers" in modules
    assert not {"tensorflow", "keras", "librosa", "matplotlib"} & modules


@pytest.mark.parametrize("name", LIGHT_MODULES)
def test_foundation_modules_never_import_tensorflow(name):
    modules = _imported_after(f"import mgc_helpers.{name}")
    assert f"mgc_helpers.{name}" in modules
    assert "tensorflow" not in modules and "keras" not in modules


def test_lazy_submodule_access_and_dir():
    assert mgc_helpers.config.SAMPLE_RATE == 22050
    assert set(LIGHT_MODULES) <= set(dir(mgc_helpers))
    with pytest.raises(AttributeError, match="no attribute"):
        mgc_helpers.not_a_module  # noqa: B018


def test_version_is_shared_with_pyproject():
    # Python 3.11's tomllib; the oldest-versions environment (3.10) skips this one check of the project's metadata
    tomllib = pytest.importorskip("tomllib", reason="tomllib is in Python 3.11+; make unit runs this check")
    meta = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert meta["project"]["name"] == "mgc-helpers"
    assert meta["tool"]["setuptools"]["dynamic"]["version"]["attr"] == "mgc_helpers.__version__"
    assert re.fullmatch(r"\d+\.\d+\.\d+", mgc_helpers.__version__)


def test_requirements_are_lower_bounds_only():
    lines = [l.split("#")[0].strip() for l in (REPO / "requirements.txt").read_text().splitlines()]
    reqs = [l for l in lines if l]
    assert {"librosa", "tensorflow", "keras", "nbval", "jupyterlab", "pooch", "joblib"} <= {
        re.split(r"[<>=!~\[ ]", r)[0].lower() for r in reqs
    }
    for req in reqs:
        assert "==" not in req and "<" not in req and "~=" not in req, f"{req!r} pins an upper bound"


def test_readme_opens_with_the_two_commands():
    readme = (REPO / "README.md").read_text()
    first_code = readme.index("```")
    block = readme[first_code: readme.index("```", first_code + 3)]
    assert "make lab" in block and "make test" in block
    assert readme.index("make lab") < readme.index("colab-badge") < readme.index("01_audio_basics_fourier")


def test_ci_calls_make_test():
    script = (REPO / ".ci" / "run").read_text()
    assert "make test" in script


def test_generated_data_is_ignored_by_git():
    ignored = subprocess.run(
        ["git", "check-ignore", "data/toy/genres/blues/blues.00000.wav", ".venv/x", ".cache/x"],
        capture_output=True, text=True, cwd=REPO,
    ).stdout.split()
    assert ignored == ["data/toy/genres/blues/blues.00000.wav", ".venv/x", ".cache/x"]
    assert (REPO / "data" / "README.md").is_file()


def test_binder_files_exist_and_postbuild_generates_toy_data():
    assert (REPO / "binder" / "runtime.txt").read_text().startswith("python-3.")
    assert "../requirements.txt" in (REPO / "binder" / "requirements.txt").read_text()
    post = (REPO / "binder" / "postBuild").read_text()
    assert "mgc_helpers toy" in post and "mgc_helpers warm" in post
