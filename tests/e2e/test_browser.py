"""The course in a real browser: JupyterLab in headless Chromium, driven by Playwright.

Each test starts JupyterLab on 127.0.0.1 (random port, token) with this venv's Python as kernel,
opens a copy of a notebook, runs every cell from Lab's *Run* menu, waits for the kernel to finish,
and then uses the notebook's widgets as a student would: notebook 01's STFT explorer (a new window
type and a longer window redraw the spectrogram and its Δt/Δf line), notebook 10's genre app
(pick a clip, *Predict*, read the predicted genre; then upload a real GTZAN clip and read the zero-shot
tagger's genre and the tags behind it). Screenshots land in ``test-output/e2e/``.
Run with ``make e2e`` (part of ``make test``); the fixtures are in ``conftest.py``.
"""
from __future__ import annotations

import re
import sys
import time
import warnings
from pathlib import Path

import psutil
import pytest

from labserver import Lab
from widget_steps import (SHARED_CLIP, app_classifies_an_upload, app_predicts_another_clip, explorer_reacts,
                          shot, stft_explorer, wait_for_new_picture)

pytestmark = pytest.mark.e2e

#: Seconds a whole notebook may take in the browser (nbval: ≤ 90 s; the browser and Lab share the cores).
RUN_TIMEOUT_S = 400
#: Seconds for the kernel to start (TensorFlow-free import, but 2 busy cores).
KERNEL_TIMEOUT_S = 120
APP_NOTEBOOK = "10_compare_and_predict.ipynb"
#: True in the page while the notebook's kernel is idle (Lab's status bar: "Python 3 (ipykernel) | Idle").
KERNEL_IDLE = "document.querySelector('#jp-main-statusbar').innerText.includes('| Idle')"
NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


# --------------------------------------------------------------------------- helpers
def _open_notebook(page, lab: Lab, name: str) -> None:
    page.goto(lab.url(f"lab/tree/{name}"), timeout=120_000)
    page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(timeout=120_000)
    # The status bar names the kernel and its state once the notebook's kernel has started.
    page.locator("#jp-main-statusbar").get_by_text(re.compile(r"Python 3 \(ipykernel\) \| Idle")).wait_for(
        timeout=KERNEL_TIMEOUT_S * 1000)


def _kernel_python(lab: Lab) -> list[str]:
    """The command lines of the kernels the Lab server started."""
    return [
        child.cmdline() for child in psutil.Process(lab.proc.pid).children(recursive=True)
        if "ipykernel_launcher" in " ".join(child.cmdline())
    ]


def _run_all(page) -> float:
    """Run → Run All Cells, then wait until no cell is running or queued; returns the seconds taken."""
    start = time.time()
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    # Queued and running cells show "[*]:"; the first prompt turns "[*]" at once.
    page.wait_for_function(
        """() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
                  .some(p => p.textContent.includes('*'))""", timeout=30_000)
    page.wait_for_function(
        """() => ![...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
                  .some(p => p.textContent.includes('*'))""", timeout=RUN_TIMEOUT_S * 1000, polling=500)
    page.locator("#jp-main-statusbar").get_by_text(re.compile(r"\| Idle")).wait_for(timeout=60_000)
    return time.time() - start


def _assert_all_cells_ran(page) -> None:
    """Every code cell has an execution number (after an error, Lab leaves the later cells unrun)."""
    prompts = page.locator(".jp-CodeCell .jp-InputPrompt").all_inner_texts()
    unrun = [i for i, text in enumerate(prompts) if not re.search(r"\[\d+\]", text)]
    if unrun:
        stderr = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        last = stderr.last.inner_text()[-3000:] if stderr.count() else "(no stderr output)"
        pytest.fail(f"{len(unrun)} of {len(prompts)} code cells did not run (first: code cell {unrun[0]}); "
                    f"last stderr output:\n{last}", pytrace=False)


# --------------------------------------------------------------------------- notebook 01
def test_notebook_01_stft_explorer_renders_and_reacts(browser, lab_for, shots_dir):
    name = "01_audio_basics_fourier.ipynb"
    with lab_for(name) as lab:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        _open_notebook(page, lab, name)
        kernels = _kernel_python(lab)
        assert kernels and all(cmd[0] == sys.executable for cmd in kernels), kernels
        seconds = _run_all(page)
        print(f"notebook 01 ran in the browser in {seconds:.0f} s")
        _assert_all_cells_ran(page)
        assert page.locator(".jp-OutputArea-output img").count() >= 5, "expected the notebook's figures"

        # The explorer: an ipywidgets VBox with the n_fft and hop sliders and the window dropdown.
        explorer = stft_explorer(page)
        assert explorer.count() == 1, "the STFT explorer did not render as a widget"
        explorer.scroll_into_view_if_needed()
        shot(page, shots_dir / "01_run_all.png")
        explorer_reacts(explorer, picture=".widget-output img", handle=".noUi-handle", kernel_idle=KERNEL_IDLE,
                        shots_dir=shots_dir, prefix="01")
        page.close()


# --------------------------------------------------------------------------- notebook 10
def test_notebook_10_genre_app_predicts(browser, lab_for, shots_dir):
    if not (NOTEBOOKS / APP_NOTEBOOK).exists():
        pytest.skip(f"notebooks/{APP_NOTEBOOK} does not exist yet")
    with lab_for(APP_NOTEBOOK) as lab:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        _open_notebook(page, lab, APP_NOTEBOOK)
        seconds = _run_all(page)
        print(f"notebook 10 ran in the browser in {seconds:.0f} s")
        _assert_all_cells_ran(page)

        app = page.locator(".mgc-genre-app")
        assert app.count() == 1, "the genre app (.mgc-genre-app) did not render"
        app.scroll_into_view_if_needed()
        shot(page, shots_dir / "10_run_all.png")
        shot(app, shots_dir / "10_app_before.png")
        result = app.locator(".mgc-app-result")
        plot = result.locator("img")
        plot_before = plot.first.get_attribute("src") if plot.count() else None
        clip, text = app_predicts_another_clip(app)
        # The new clip's figure (spectrogram, probabilities, segment votes) replaces any earlier one.
        wait_for_new_picture(result, "img", [plot_before], kernel_idle=KERNEL_IDLE)
        print(f"clip {clip!r}: {text.strip()[:200]}")
        shot(app, shots_dir / "10_app_prediction.png")

        # A real recording uploaded: the app switches to the zero-shot tagger (no training) and names its tags.
        if not SHARED_CLIP.exists():  # students have no ../shared: the clip part above was still tested
            warnings.warn(f"upload not tested: {SHARED_CLIP} is not beside this checkout (only developers and CI "
                          "have it)")
            page.close()
            return
        text = app_classifies_an_upload(app, SHARED_CLIP, sent=lambda app: app.page.wait_for_timeout(1000))
        print(f"upload {SHARED_CLIP.name}: {text.strip()[:300]}")
        shot(app, shots_dir / "10_app_upload_zero_shot.png")
        page.close()
