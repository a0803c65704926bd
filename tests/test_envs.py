"""The environments students really have (issue 19): a Colab-like one, and every lower bound at once.

``make envs-check`` (run by ``.ci/run`` after ``make test``; see the Makefile) builds each environment in a
fresh virtual environment, as tests/test_binder.py builds Binder's, and runs there the unit tests that need no
browser (less those in :data:`NOT_IN_EITHER` and :data:`NOT_IN`, each with its reason) and notebooks 01, 05 and
10 under nbval, without ``TF_CPP_MIN_LOG_LEVEL``, checking what they print on stderr for TensorFlow/CUDA start-up
noise (``test_quiet_tf.noisy_lines``):

``colab``
    Python 3.12 (found on ``PATH``, through pyenv or uv, or given as ``$MGC_PYTHON_3_12``; never skipped: without
    one the test fails and says how to get one) with the versions of ``envs/colab.txt``, a dated list of what
    Google Colab ships. The course is then installed the way a student's Colab installs it: the set-up cell of
    notebook 01 runs unchanged with its Colab branch forced (a module ``google.colab`` is placed in
    ``sys.modules``); git is told (``GIT_CONFIG_GLOBAL``: ``url.<local copy>.insteadOf``) to fetch the course's
    GitHub address from a git copy of this checkout, so the cell's own ``pip install --no-deps mgc-helpers @
    git+https://github.com/...`` and its install of what Colab lacks run as they are. The test checks that none
    of Colab's packages changed version.
``oldest``
    Python 3.10 with every lower bound of ``requirements.txt`` at once: each ``name>=X`` becomes ``name==X.*``
    (the oldest minor release that the bound admits, at its newest patch).

The unit tests run from this checkout (``python -m pytest`` puts it first on ``sys.path``): they test the
environment's libraries with the checkout's source, which is what the installed copy holds.

The environments live in ``.cache/envs/<name>`` so that the browser test of ipywidgets 7
(tests/e2e/test_ipywidgets7.py) can start the Colab-like front end from the same packages; they are rebuilt
whenever their list, requirements.txt or the Python changes (a key in ``.cache/envs/<name>/.key``), and the course
is reinstalled into them on every run. A failure names the environment and the packages it involves, with their
versions in that environment.
"""
from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from test_binder import _copy_of_the_repository  # the files git would commit, as Binder's check copies them
from test_quiet_tf import noisy_lines

pytestmark = pytest.mark.envs

REPO = Path(__file__).resolve().parents[1]
ENVS_DIR = REPO / ".cache" / "envs"
COLAB_LIST = REPO / "envs" / "colab.txt"
NOTEBOOKS = ("01_audio_basics_fourier.ipynb", "05_cnn.ipynb", "10_compare_and_predict.ipynb")
#: Unit tests of the course's maintainers' and instructors' tools, left out in both environments, each with its
#: reason: students never run them, and `make unit` runs them with the versions of `make test`.
NOT_IN_EITHER = {
    "tests/test_rehearsal.py": "writes the GTZAN/FMA rehearsal archives, a maintainer's tool (make test's rehearsal "
                               "chain runs it at real size)",
    "tests/test_nbgrader_tools.py": "nbgrader, an instructor's tool from requirements-grading.txt, which neither "
                                    "environment installs",
    "tests/test_site.py": "the website's builder, from requirements-book.txt (make book)",
}
#: Unit tests left out in one environment, each with its reason (everything else runs in both).
NOT_IN = {"colab": {"tests/test_lab.py": "starts `make lab`'s JupyterLab, which Colab does not have (its front end "
                                         "is covered by tests/e2e/test_ipywidgets7.py)"}}
#: The website's nbval plugin, which keeps what nbval ran (here: to read the notebooks' stderr).
NBVAL_EXECUTED = REPO / "docs" / "site" / "_ext"
SHARED_MUSIC = REPO.parent / "shared" / "real_audio" / "cc_music"
# Variables of the developer's shell or of `make` that would point an environment at this checkout's own venv.
_LEAKY = ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "JUPYTER_PATH", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR",
          "COV_CORE_SOURCE", "COV_CORE_CONFIG", "COV_CORE_DATAFILE", "COVERAGE_PROCESS_START", "PIP_REQUIRE_VIRTUALENV")
_NO_NETWORK = {key: "http://127.0.0.1:9" for key in
               ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY")}
_NO_NETWORK.update(no_proxy="localhost,127.0.0.1", NO_PROXY="localhost,127.0.0.1")


class EnvironmentUnavailable(RuntimeError):
    """An environment cannot be built on this machine (no such Python, or pip cannot install its list)."""


# ---------------------------------------------------------------------------------------------------------------
# What each environment is
# ---------------------------------------------------------------------------------------------------------------
def colab_pins() -> tuple[str, list[str]]:
    """``(python_version, ["name==version", ...])`` from envs/colab.txt."""
    python, pins = None, []
    for line in COLAB_LIST.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line.startswith("python_version:"):
            python = line.split(":", 1)[1].strip()
        elif line:
            assert re.fullmatch(r"[A-Za-z0-9_.\-]+==[0-9][\w.]*", line), f"envs/colab.txt: not name==version: {line}"
            pins.append(line)
    assert python, "envs/colab.txt names no python_version"
    return python, pins


def lower_bounds() -> list[str]:
    """Every line ``name>=X`` of requirements.txt as ``name==X.*`` (fails on a line of another shape)."""
    pins = []
    for raw in (REPO / "requirements.txt").read_text().splitlines():
        line = raw.split("#")[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+(?:\[[\w,]+\])?)>=([0-9][\w.]*)", line)
        assert match, f"requirements.txt: {raw!r} is not a plain lower bound (name>=version)"
        pins.append(f"{match[1]}=={match[2]}.*")
    return pins


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name.split("[")[0]).lower()


# ---------------------------------------------------------------------------------------------------------------
# Finding a Python
# ---------------------------------------------------------------------------------------------------------------
def _version_of(python: str) -> str | None:
    try:
        out = subprocess.run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                             capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def find_python(version: str) -> str:
    """A Python ``version`` interpreter: ``$MGC_PYTHON_<v>``, ``PATH``, pyenv's versions, or uv's; else a clear error."""
    variable = "MGC_PYTHON_" + version.replace(".", "_")
    candidates = [os.environ[variable]] if os.environ.get(variable) else []
    candidates.append(shutil.which(f"python{version}") or "")
    pyenv_roots = [os.environ.get("PYENV_ROOT", "")]
    if shutil.which("pyenv"):
        root = subprocess.run(["pyenv", "root"], capture_output=True, text=True).stdout.strip()
        pyenv_roots.append(root)
    pyenv_roots.append(str(Path.home() / ".pyenv"))
    for root in filter(None, pyenv_roots):
        candidates += sorted(glob.glob(os.path.join(root, "versions", f"{version}.*", "bin", f"python{version}")),
                             reverse=True)
    if shutil.which("uv"):
        found = subprocess.run(["uv", "python", "find", version], capture_output=True, text=True)
        candidates.append(found.stdout.strip() if found.returncode == 0 else "")
    for python in filter(None, candidates):
        if _version_of(python) == version:
            return python
    raise EnvironmentUnavailable(
        f"no Python {version} on this machine (looked at ${variable}, python{version} on PATH, pyenv's versions "
        f"and uv's). Install one, e.g. `pyenv install {version}` or `uv python install {version}`, or set "
        f"{variable}=/path/to/python{version}.")


# ---------------------------------------------------------------------------------------------------------------
# Building an environment
# ---------------------------------------------------------------------------------------------------------------
def _clean_env(venv: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _LEAKY}
    path = [p for p in env.get("PATH", "").split(os.pathsep) if p and not p.startswith(str(REPO / ".venv"))]
    env["PATH"] = os.pathsep.join([str(venv / "bin"), *path])
    env["PIP_NO_INPUT"] = "1"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def _run(cmd: list[str], *, what: str, cwd: Path, env: dict, timeout: float = 1800) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise AssertionError(f"{what} failed ({proc.returncode}): {' '.join(map(str, cmd))}\n"
                             f"{proc.stdout[-5000:]}\n{proc.stderr[-5000:]}")
    return proc


def installed_versions(venv: Path) -> dict[str, str]:
    """``{canonical name: version}`` of every distribution in ``venv``."""
    # -I and cwd=venv: not this checkout's own mgc_helpers.egg-info, which "" on sys.path would show from the repo
    out = subprocess.run([str(venv / "bin" / "python"), "-I", "-c",
                          "import importlib.metadata as md, json; "
                          "print(json.dumps({d.metadata['Name']: d.version for d in md.distributions()}))"],
                         capture_output=True, text=True, check=True, cwd=venv).stdout
    return {_canonical(k): v for k, v in json.loads(out).items()}


def _pip_failure(name: str, proc: subprocess.CompletedProcess) -> str:
    text = proc.stdout[-4000:] + proc.stderr[-6000:]
    lines = [ln for ln in text.splitlines() if not ln.startswith("WARNING: Location")]
    culprits = sorted(set(re.findall(r"(?:requires|No matching distribution found for|conflict(?:ing)? "
                                     r"(?:with|dependencies)|depends on) ([A-Za-z0-9_.\-]+)", text)))
    return (f"environment {name!r}: pip could not install its list"
            + (f" (packages named: {', '.join(culprits)})" if culprits else "") + ":\n" + "\n".join(lines[-60:]))


def build(name: str, python_version: str, pins: list[str]) -> tuple[Path, dict[str, str], dict[str, float]]:
    """The environment ``.cache/envs/<name>`` with ``pins`` installed (reused while its key is unchanged)."""
    python = find_python(python_version)
    venv = ENVS_DIR / name
    key = hashlib.sha256("\n".join([sys.implementation.name, python_version, _version_of(python) or "",
                                    subprocess.run([python, "-VV"], capture_output=True, text=True).stdout,
                                    *pins]).encode()).hexdigest()
    stamp = venv / ".key"
    env = _clean_env(venv)
    times: dict[str, float] = {}
    if not (stamp.is_file() and stamp.read_text() == key and (venv / "bin" / "python").exists()):
        shutil.rmtree(venv, ignore_errors=True)
        ENVS_DIR.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        subprocess.run([python, "-m", "venv", str(venv)], check=True)
        listed = venv / "pins.txt"
        listed.write_text("\n".join(pins) + "\n")
        proc = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-compile",
                               "-r", str(listed)],
                              cwd=REPO, env=env, capture_output=True, text=True, timeout=3600)
        if proc.returncode != 0:
            shutil.rmtree(venv, ignore_errors=True)
            raise EnvironmentUnavailable(_pip_failure(name, proc))
        (venv / "base.json").write_text(json.dumps(installed_versions(venv), indent=1, sort_keys=True))
        stamp.write_text(key)
        times["packages"] = time.perf_counter() - t0
    return venv, env, times


def git_copy_of_the_repository(dest: Path) -> Path:
    """A git repository at ``dest`` whose branch ``config.GITHUB_BRANCH`` holds this checkout's files as they are
    now (tracked and new, not ignored ones), for ``pip install git+...`` to clone."""
    from mgc_helpers import config

    _copy_of_the_repository(dest)
    git = ["git", "-C", str(dest), "-c", "user.name=envs-check", "-c", "user.email=envs-check@localhost"]
    subprocess.run(git + ["init", "-q", "-b", config.GITHUB_BRANCH], check=True)
    subprocess.run(git + ["add", "-A"], check=True)
    subprocess.run(git + ["commit", "-q", "-m", "copy for envs-check"], check=True)
    return dest


def setup_cell_source() -> str:
    """The set-up cell of notebook 01 (tagged ``setup``), as a student's Colab runs it."""
    nb = nbformat.read(REPO / "notebooks" / NOTEBOOKS[0], as_version=4)
    cells = [c for c in nb.cells if "setup" in c.metadata.get("tags", [])]
    assert len(cells) == 1, "notebook 01 has no single cell tagged 'setup'"
    return cells[0].source


def install_course_as_colab_does(venv: Path, env: dict, work: Path) -> str:
    """Run the set-up cell with its Colab branch forced; the course's GitHub address is served from a local copy."""
    from mgc_helpers import config

    copy = git_copy_of_the_repository(work / "github-copy")
    gitconfig = work / "gitconfig"
    gitconfig.write_text(f'[url "file://{copy}"]\n\tinsteadOf = https://github.com/{config.GITHUB_REPOSITORY}.git\n'
                         '[protocol "file"]\n\tallow = always\n')
    cell = work / "setup_cell.py"
    cell.write_text("import sys, types\n"
                    "sys.modules['google.colab'] = types.ModuleType('google.colab')  # what Colab's runtime has\n"
                    + setup_cell_source())
    proc = _run([str(venv / "bin" / "python"), str(cell)], what="the set-up cell (Colab branch)", cwd=work,
                env={**env, "GIT_CONFIG_GLOBAL": str(gitconfig), "GIT_CONFIG_NOSYSTEM": "1"})
    return proc.stdout


def _involved_packages(text: str, versions: dict[str, str]) -> str:
    """``name version`` of the installed packages whose files a traceback in ``text`` passes through."""
    names = sorted({_canonical(m) for m in re.findall(r"site-packages/([A-Za-z0-9_]+)", text)}
                   - {"mgc-helpers", "pytest", "pluggy", "nbval", "nbclient", "jupyter-client"})
    found = [f"{n} {versions[n]}" for n in names if n in versions]
    return ", ".join(found) if found else "(no installed package in the tracebacks: the course's own code)"


# ---------------------------------------------------------------------------------------------------------------
# The environments, built once per test module
# ---------------------------------------------------------------------------------------------------------------
def _environment(name: str, tmp_path_factory) -> dict:
    work = tmp_path_factory.mktemp(name)
    if name == "colab":
        python_version, pins = colab_pins()
    else:
        python_version, pins = "3.10", lower_bounds()
    t0 = time.perf_counter()
    venv, env, times = build(name, python_version, pins)
    env = {**env, "MGC_DATA_DIR": str(work / "data"), "MGC_CACHE_DIR": str(work / "cache"),
           "NUMBA_CACHE_DIR": str(work / "cache" / "numba"), "MPLCONFIGDIR": str(work / "cache" / "matplotlib"),
           "KERAS_HOME": str(work / "cache" / "keras"), "LIBROSA_DATA_DIR": str(work / "cache" / "librosa_data"),
           "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2"), "MGC_PROFILE": "cpu"}
    t1 = time.perf_counter()
    # back to the packages of the list alone: what an earlier run added (the course, what the set-up cell installs,
    # the test tools) goes, so that every run installs the course from scratch, as a fresh Colab runtime does
    base = json.loads((venv / "base.json").read_text())
    extra = sorted(set(installed_versions(venv)) - set(base))
    if extra:
        _run([str(venv / "bin" / "python"), "-m", "pip", "uninstall", "-y", "-q", *extra],
             what=f"environment {name!r}: removing what an earlier run installed", cwd=work, env=env)
    before = installed_versions(venv)
    assert before == base, f"environment {name!r}: its packages moved since it was built: rebuild it (rm -rf {venv})"
    if name == "colab":
        printed = install_course_as_colab_does(venv, env, work)
        # what the tests need beside Colab's packages, without moving any of them
        constraints = work / "colab-constraints.txt"
        constraints.write_text("\n".join(pins) + "\n")
        _run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "-c", str(constraints),
              "nbval>=0.11", "papermill>=2.5"], what=f"environment {name!r}: the test tools", cwd=work, env=env)
    else:
        printed = _run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-deps", str(REPO)],
                       what=f"environment {name!r}: installing the course", cwd=work, env=env).stdout
    times["course"] = time.perf_counter() - t1
    versions = installed_versions(venv)
    if SHARED_MUSIC.is_dir():  # librosa's example recordings from ../shared's byte-identical copies, as make setup does
        _run([str(venv / "bin" / "python"), "-m", "mgc_helpers", "examples", "--from", str(SHARED_MUSIC)],
             what=f"environment {name!r}: placing librosa's examples", cwd=work, env=env)
    # the pretrained tagger's weights, fetched from the package index by the environment's own course (the unit
    # tests and notebooks below run offline; this checkout's `make test` fetches its copy at the same time)
    fetch = "from mgc_helpers.models import musicnn; musicnn.fetch_weights(quiet=True)"
    _run([str(venv / "bin" / "python"), "-c", fetch],
         what=f"environment {name!r}: fetching the musicnn weights", cwd=work, env=env)
    return dict(name=name, venv=venv, env=env, work=work, pins=pins, before=before, versions=versions,
                printed=printed, times=times, started=t0)


@pytest.fixture(scope="module", params=["colab", "oldest"])
def environment(request, tmp_path_factory):
    try:
        info = _environment(request.param, tmp_path_factory)
    except EnvironmentUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)
    yield info
    timings = ENVS_DIR / "timings.json"
    record = json.loads(timings.read_text()) if timings.is_file() else {}
    record[info["name"]] = {**{k: round(v, 1) for k, v in info["times"].items()},
                            "total": round(time.perf_counter() - info["started"], 1)}
    timings.write_text(json.dumps(record, indent=2))


def _versions_line(info: dict, names=("numpy", "scipy", "tensorflow", "keras", "librosa", "scikit-learn",
                                      "pandas", "ipywidgets", "ipython", "matplotlib")) -> str:
    return ", ".join(f"{n} {info['versions'].get(n, '-')}" for n in names)


def test_the_environment_has_its_versions(environment):
    info = environment
    for pin in info["pins"]:
        name, wanted = pin.split("==")
        got = info["versions"].get(_canonical(name))
        assert got is not None, f"environment {info['name']!r}: {name} is not installed"
        if wanted.endswith(".*"):
            assert got == wanted[:-2] or got.startswith(wanted[:-1]), \
                f"environment {info['name']!r}: {name} {got} is not the lower bound {wanted}"
        else:
            assert got == wanted, f"environment {info['name']!r}: {name} {got}, its list says {wanted}"
    assert "mgc-helpers" in info["versions"], f"environment {info['name']!r}: the course was not installed"
    print(f"\nenvironment {info['name']}: {_versions_line(info)}")


@pytest.mark.parametrize("environment", ["colab"], indirect=True)
def test_colab_set_up_cell_installs_the_course_and_moves_nothing(environment):
    info = environment
    assert "Course package ready" in info["printed"], info["printed"]
    moved = {n: (info["before"][n], v) for n, v in info["versions"].items()
             if n in info["before"] and info["before"][n] != v}
    assert not moved, f"environment 'colab': the set-up cell or the test tools changed Colab's packages: {moved}"
    added = sorted(set(info["versions"]) - set(info["before"]))
    assert "mgc-helpers" in added and "mir-eval" in added, added
    # the course came from the git address the cell names (through the local copy), not from this checkout
    direct = subprocess.run([str(info["venv"] / "bin" / "python"), "-I", "-c",
                             "import importlib.metadata as md; print(md.distribution('mgc-helpers')"
                             ".read_text('direct_url.json'))"], capture_output=True, text=True, check=True,
                            cwd=info["venv"]).stdout
    assert '"vcs": "git"' in direct.replace("'", '"') or '"vcs_info"' in direct, direct


def test_unit_tests_pass(environment):
    info = environment
    venv, env = info["venv"], info["env"]
    t0 = time.perf_counter()
    left_out = {**NOT_IN_EITHER, **NOT_IN.get(info["name"], {})}
    proc = subprocess.run([str(venv / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfEs",
                           "--tb=short", "--durations=15", *[f"--ignore={path}" for path in left_out],
                           "-m", "not binder and not e2e and not rehearsal and not envs", "tests"],
                          cwd=REPO, env={**env, **_NO_NETWORK}, capture_output=True, text=True, timeout=3000)
    info["times"]["unit tests"] = time.perf_counter() - t0
    summary = proc.stdout[proc.stdout.rfind("short test summary info"):][-6000:]   # every FAILED/ERROR line
    tail = summary + "\n...\n" + proc.stdout[-6000:]
    assert proc.returncode == 0, (f"environment {info['name']!r} ({_versions_line(info)}): unit tests failed; "
                                  f"packages involved: {_involved_packages(proc.stdout, info['versions'])}\n{tail}"
                                  f"\n{proc.stderr[-3000:]}")
    # a skip for a missing course requirement is a failure; optional references (statsmodels) may be absent
    required = {_canonical(pin.split("==")[0]) for pin in lower_bounds()}
    skipped = re.findall(r"SKIPPED \[\d+\] (\S+): (.*)", proc.stdout)
    missing = [f"{where}: {why}" for where, why in skipped
               if (m := re.search(r"could not import '([\w.]+)'|No module named '([\w.]+)'", why))
               and {"sklearn": "scikit-learn"}.get(top := (m[1] or m[2]).split(".")[0], _canonical(top)) in required]
    assert not missing, f"environment {info['name']!r}: tests skipped for a missing package:\n" + "\n".join(missing)
    # the slowest tests, each skip with its reason, and the summary line
    print(f"\nenvironment {info['name']}:\n" + proc.stdout[max(0, proc.stdout.find("slowest 15 durations")):].strip())


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_notebook_runs(environment, notebook):
    info = environment
    t0 = time.perf_counter()
    executed = info["work"] / "executed"
    # without TF_CPP_MIN_LOG_LEVEL, as a student's Jupyter or Colab runs it: what it prints on stderr is checked below
    env = {k: v for k, v in {**info["env"], **_NO_NETWORK}.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    env["PYTHONPATH"] = str(NBVAL_EXECUTED)
    proc = subprocess.run([str(info["venv"] / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "--nbval-lax", "--nbval-current-env", "-p", "nbval_executed", f"--executed-to={executed}",
                           f"notebooks/{notebook}"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    info["times"][f"notebook {notebook[:2]}"] = time.perf_counter() - t0
    assert proc.returncode == 0, (f"environment {info['name']!r} ({_versions_line(info)}): notebook {notebook} "
                                  f"failed; packages involved: {_involved_packages(proc.stdout, info['versions'])}"
                                  f"\n{proc.stdout[-12000:]}")
    noisy = noisy_lines(json.loads((executed / notebook).read_text(encoding="utf-8")))
    assert not noisy, (f"environment {info['name']!r} ({_versions_line(info)}): notebook {notebook} printed "
                       "TensorFlow/CUDA start-up noise or Keras' structure warning on stderr:\n"
                       + "\n".join(f"cell {cell}: " + " | ".join(line[:160] for line in lines)
                                   for cell, lines in noisy.items()))
