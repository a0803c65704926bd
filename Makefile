# Two commands: `make lab` (set up and open the course) and `make test` (set up and run every test).
# Everything lands inside the repository: .venv/ for packages, .cache/ for caches, data/ for datasets.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
STAMP  := $(VENV)/.installed
CACHE  := $(CURDIR)/.cache

# Caches stay inside the repository's ignored .cache/ folder (see README, "Where things go").
export MGC_CACHE_DIR   ?= $(CACHE)
export NUMBA_CACHE_DIR ?= $(CACHE)/numba
export MPLCONFIGDIR    ?= $(CACHE)/matplotlib
export KERAS_HOME      ?= $(CACHE)/keras
export TF_CPP_MIN_LOG_LEVEL ?= 2
# librosa's example recordings (real music in notebooks 01, 02, 05, 08, 09): pooch keeps them here. Offline
# checkouts beside ../shared get them from its byte-identical copies (matched by hash); elsewhere the notebooks
# fetch them on first use, or say they are offline and move on.
export LIBROSA_DATA_DIR ?= $(CACHE)/librosa_data
SHARED_MUSIC ?= $(CURDIR)/../shared/real_audio/cc_music
export PIP_DISABLE_PIP_VERSION_CHECK := 1

LAB_FLAGS := --notebook-dir=notebooks
ifeq ($(shell id -u 2>/dev/null),0)
LAB_FLAGS += --allow-root
endif

.PHONY: help setup lab lab-check binder-check e2e test unit notebooks bench rehearsal rehearsal-ci \
        student toy warm clean clean-cache envs-check

help:
	@echo "make lab        set everything up and open the course in JupyterLab (toy dataset, offline)"
	@echo "make test       set everything up and run all tests (unit tests, every notebook with nbval into the website, Binder,"
	@echo "                browser, the GTZAN/FMA rehearsal chain with notebooks 03 and 05 on GTZAN's real size)"
	@echo "make envs-check the Colab-like and oldest-versions environments: unit tests, notebooks 01/05/10, ipywidgets 7 (CI)"
	@echo "make unit       unit tests of mgc_helpers with coverage only"
	@echo "make notebooks  run every notebook end to end (pytest --nbval-lax)"
	@echo "make book       the course's website in build/book/html: every notebook run once (nbval), README, guide, API"
	@echo "make lab-check  start JupyterLab headless and check that it answers on localhost"
	@echo "make binder-check  build the Binder environment in a fresh venv (as repo2docker) and run notebook 01 in it"
	@echo "make e2e        browser test: JupyterLab in headless Chromium (Playwright) runs notebooks 01 and 10, uses their widgets"
	@echo "make bench      time every notebook (wall time, peak RSS) -> benchmarks/results/"
	@echo "make rehearsal  GTZAN / FMA rehearsals at real size (generated music): download, features, every notebook -> benchmarks/results/rehearsal.md"
	@echo "make student    student copies of the notebooks (solutions -> stubs) in student/"
	@echo "make clean      remove .venv, caches and generated data"

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --editable .
	touch $@

# Compile librosa's numba functions once (~20 s on a fresh install) so notebooks start fast.
$(CACHE)/.warm: $(STAMP)
	$(PY) -m mgc_helpers warm
	@mkdir -p $(CACHE) && touch $@

warm: $(CACHE)/.warm

# Generate the offline toy dataset if it is missing (a few seconds); place local copies of librosa's examples.
toy: $(STAMP)
	$(PY) -m mgc_helpers toy
	@if [ -d "$(SHARED_MUSIC)" ]; then $(PY) -m mgc_helpers examples --from "$(SHARED_MUSIC)" >/dev/null; fi

setup: $(STAMP) warm toy

lab: setup
	$(BIN)/jupyter lab $(LAB_FLAGS)

lab-check: setup
	$(PY) -m pytest -q tests/test_lab.py

# nbgrader for tests/test_nbgrader_tools.py (its own generate_assignment and autograde on notebook 01's graded copy):
# requirements-grading.txt, kept out of requirements.txt and Binder (a gradebook database, server extensions).
GRADING_STAMP := $(VENV)/.installed-grading

$(GRADING_STAMP): $(STAMP) requirements-grading.txt
	$(PY) -m pip install --quiet -r requirements-grading.txt
	touch $@

unit: setup $(GRADING_STAMP)
	MGC_GRADING_REQUIRED=1 $(PY) -m pytest tests -m "not binder and not e2e and not rehearsal and not envs" --cov=mgc_helpers --cov-report=term-missing --cov-fail-under=85

notebooks: setup
	$(PY) -m pytest --nbval-lax --nbval-current-env -p no:cacheprovider notebooks

# Issue 20: the website (Sphinx + myst-nb + numpydoc from requirements-book.txt, kept out of requirements.txt and
# Binder). The notebooks run once, under the same nbval check as `make notebooks`; docs/site/_ext/nbval_executed.py
# keeps nbval's outputs as executed copies in build/book/executed, which docs/site/build.py checks (fresh, no failed
# cell, no error output) and builds into build/book/html. BOOK_NOTEBOOKS="01 02 09" builds a partial site. The
# notebooks run without TF_CPP_MIN_LOG_LEVEL, as a student's Jupyter has it (tests/e2e/test_executed_stderr.py).
BOOK_STAMP := $(VENV)/.installed-book
BOOK_DIR   := build/book
BOOK_NBS    = $(if $(BOOK_NOTEBOOKS),$(foreach n,$(BOOK_NOTEBOOKS),$(wildcard notebooks/$(n)_*.ipynb)),notebooks)

$(BOOK_STAMP): $(STAMP) requirements-book.txt
	$(PY) -m pip install --quiet -r requirements-book.txt
	touch $@

.PHONY: book
book: setup $(BOOK_STAMP)
	rm -rf $(BOOK_DIR)/executed
	env -u TF_CPP_MIN_LOG_LEVEL TQDM_DISABLE=1 PYTHONPATH=$(CURDIR)/docs/site/_ext \
	  $(PY) -m pytest --nbval-lax --nbval-current-env -p no:cacheprovider -p nbval_executed --executed-to=$(BOOK_DIR)/executed $(BOOK_NBS)
	$(PY) docs/site/build.py --executed $(BOOK_DIR)/executed --out $(BOOK_DIR) $(if $(BOOK_NOTEBOOKS),--only $(BOOK_NOTEBOOKS))

# About 11 min on 2 busy cores (pip installs TensorFlow into a fresh venv, postBuild compiles librosa's numba cache);
# needs the package registry, nothing else from the network.
binder-check: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider -m binder tests/test_binder.py

# Browser test (tests/e2e): Debian's chromium, since Playwright cannot download browsers here (as root it is
# installed with apt, ~1 min), and the playwright package from requirements-e2e.txt. About 2-4 min; screenshots
# in test-output/e2e/. MGC_CHROMIUM=/path/to/chromium uses another Chromium.
CHROMIUM  ?= $(or $(MGC_CHROMIUM),/usr/bin/chromium)
E2E_STAMP := $(VENV)/.installed-e2e

$(E2E_STAMP): $(STAMP) requirements-e2e.txt
	$(PY) -m pip install --quiet -r requirements-e2e.txt
	touch $@

$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then SUDO=; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO=none; fi; \
	if [ "$@" = /usr/bin/chromium ] && [ "$$SUDO" != none ] && command -v apt-get >/dev/null; then \
	  set -x; \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium \
	  || { $$SUDO apt-get update -q \
	       && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium; }; \
	else \
	  echo "make e2e needs Chromium at $@: install Debian's package as root (apt-get install chromium)," \
	       "or point MGC_CHROMIUM at a Chromium/Chrome binary." >&2; exit 1; \
	fi

e2e: setup $(E2E_STAMP) $(CHROMIUM)
	MGC_CHROMIUM=$(CHROMIUM) MGC_E2E_REQUIRED=1 $(PY) -m pytest -p no:cacheprovider -m e2e tests/e2e

# make test: the unit tests, every notebook once (nbval, into the website), then the Binder check side by side with
# the rehearsal chain (the Binder check mostly waits on the package registry; the rehearsal keeps two cores busy:
# issue 15's GTZAN archive at real size, its download and split, features of the 929 usable clips, notebooks 03 and
# 05 on GTZAN, FMA small download and load_tracks), then the browser tests. About 34 min on these 2 cores.
# make envs-check is not in it: beside the other tests it took make test to 48 min on a clean clone (2026-12-03;
# see .ci/run), so CI runs it after make test.
test: export MGC_SITE_REQUIRED := 1
test: setup
	$(MAKE) unit book
	$(MAKE) -j2 --output-sync=target binder-check rehearsal-ci
	$(MAKE) e2e

# Issue 19: the Colab-like (envs/colab.txt, Python 3.12) and the oldest-versions (every lower bound of
# requirements.txt, Python 3.10) environments, each with the unit tests (less the maintainers' and instructors'
# tools: NOT_IN_EITHER in tests/test_envs.py) and notebooks 01, 05, 10 (tests/test_envs.py; ~3 min each to build,
# reused from .cache/envs/ while their lists are unchanged), then ipywidgets 7 in the classic Notebook. About 18-33
# min; .ci/run runs it after `make test`. -rP prints what each passing test printed (each environment's versions,
# its unit-test summary with its slowest tests, the app's answers under ipywidgets 7) into the log.
envs-check: setup $(E2E_STAMP) $(CHROMIUM)
	MGC_CHROMIUM=$(CHROMIUM) MGC_E2E_REQUIRED=1 $(PY) -m pytest -p no:cacheprovider -v -rP --durations=0 -m envs \
	  tests/test_envs.py tests/e2e/test_ipywidgets7.py
	@cat .cache/envs/timings.json

REHEARSAL_TESTS := $(PY) -m pytest -p no:cacheprovider -m rehearsal tests/test_rehearsal_runs.py

rehearsal-ci: setup
	$(REHEARSAL_TESTS)
	@cat test-output/rehearsal/timings.json

bench: setup
	$(PY) benchmarks/bench_notebooks.py

# Issue 15: the rehearsal chain (tests/test_rehearsal_runs.py: download, split, features, notebooks 03 and 05 on
# GTZAN, FMA small), then every notebook on the rehearsals with wall time and peak RSS. The first run writes the
# archives into .cache/rehearsal/ (GTZAN 1.2 GB, ~6.5 min); later runs reuse them.
rehearsal: setup
	$(REHEARSAL_TESTS)
	$(PY) benchmarks/bench_rehearsal.py

# Student copies: every ### BEGIN/END SOLUTION region becomes a stub (docs/INSTRUCTORS.md).
student: $(STAMP)
	$(PY) -m mgc_helpers student

clean-cache:
	rm -rf $(CACHE)

clean: clean-cache
	rm -rf $(VENV) data/toy student
