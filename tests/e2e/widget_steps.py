"""What a student does with the course's widgets in a browser, shared by both front ends' tests.

tests/e2e/test_browser.py drives them in JupyterLab 4 (ipywidgets 8) and tests/e2e/test_ipywidgets7.py in the
Colab-like environment's classic Notebook (ipywidgets 7). The steps and what they check are the same; what
differs between the two widget libraries is passed in: the CSS selector of a picture inside an Output widget,
of the slider's handle, and how to tell that an uploaded file has reached the kernel.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

import pytest

#: A real GTZAN clip for the upload (../shared, beside the checkout; never in the repository).
SHARED_CLIP = Path(__file__).resolve().parents[3] / "shared" / "real_audio" / "gtzan_samples" / "jazz.00000.wav"
#: A prediction has been written: the app's result names a genre or says why it could not.
_ANSWERED = ("([el, before]) => el.innerText !== before && /Predicted genre:|Could not/.test(el.innerText)")


def shot(target, path: Path) -> None:
    """A screenshot of a page or an element, its path printed for the test report."""
    target.screenshot(path=str(path))
    print(f"screenshot: {path}")


def wait_for_new_picture(container, selector: str, seen: list[str | None], *, kernel_idle: str,
                         timeout_ms: int = 60_000) -> str:
    """Wait until the first picture ``selector`` inside ``container`` is a new one and has settled; return its src.

    Settled: none of the pictures in ``seen``, unchanged for a second, and the kernel idle (``kernel_idle`` is a
    JavaScript expression of the front end that is true then). A widget's redraw can pass through other pictures
    first (ipywidgets 7 re-sends the old one while it clears its Output), and a slow redraw of an earlier
    change can arrive after a later one: the first changed ``src`` is not necessarily the answer to this change.
    """
    predicate = f"""([el, seen]) => {{
        const img = el.querySelector({selector!r}), src = img ? img.src : null, now = Date.now();
        const last = window.__mgcPicture || {{}};
        if (src !== last.src) {{ window.__mgcPicture = {{src: src, since: now}}; return false; }}
        return !!src && src.startsWith('data:image/png') && !seen.includes(src) && now - last.since >= 1000
               && ({kernel_idle});
    }}"""
    container.page.evaluate("() => { window.__mgcPicture = {}; }")
    container.page.wait_for_function(predicate, arg=[container.element_handle(), seen], timeout=timeout_ms,
                                     polling=200)
    return container.evaluate(f"el => el.querySelector({selector!r}).src")


# --------------------------------------------------------------------------- notebook 01: the STFT explorer
def stft_explorer(page):
    """Notebook 01's explorer: the VBox with the ``hop / n_fft`` slider and the ``window`` dropdown."""
    return (page.locator(".widget-vbox")
            .filter(has=page.locator(".widget-label", has_text=re.compile(r"^hop / n_fft$")))
            .filter(has=page.locator(".widget-dropdown", has_text="window")))


def explorer_reacts(explorer, *, picture: str, handle: str, kernel_idle: str, shots_dir: Path, prefix: str) -> None:
    """A new window type redraws the spectrogram; one step of the n_fft slider changes it and its Δf line.

    ``picture`` selects the explorer's spectrogram, ``handle`` the slider's handle (both depend on the widget
    library), ``kernel_idle`` is as in :func:`wait_for_new_picture`; screenshots
    ``<prefix>_stft_explorer_before/after.png`` go to ``shots_dir``.
    """
    page = explorer.page
    image, info = explorer.locator(picture), explorer.locator(".widget-html")
    try:
        image.first.wait_for(timeout=60_000)
    except Exception:
        pytest.fail(f"the explorer's picture did not appear: {explorer.inner_html()[:3000]}", pytrace=False)
    assert "n_fft = 2048" in info.inner_text() and "Δf = sr / n_fft" in info.inner_text(), info.inner_text()
    shot(explorer, shots_dir / f"{prefix}_stft_explorer_before.png")
    before = image.first.get_attribute("src")
    assert before and before.startswith("data:image/png"), (before or "")[:80]

    explorer.locator(".widget-dropdown select").select_option("blackman")
    after_window = wait_for_new_picture(explorer, picture, [before], kernel_idle=kernel_idle)
    n_fft = explorer.locator(".widget-hslider").filter(
        has=page.locator(".widget-label", has_text=re.compile(r"^n_fft$")))
    n_fft.locator(handle).first.focus()  # the keyboard on the slider's handle, one step
    page.keyboard.press("ArrowRight")
    page.wait_for_function("el => el.innerText.includes('n_fft = 4096')", arg=info.element_handle(),
                           timeout=60_000)
    wait_for_new_picture(explorer, picture, [before, after_window], kernel_idle=kernel_idle)
    assert "Δf = sr / n_fft = 5.4 Hz" in info.inner_text()  # 22050 / 4096
    shot(explorer, shots_dir / f"{prefix}_stft_explorer_after.png")


# --------------------------------------------------------------------------- notebook 10: the genre app
def app_predicts_another_clip(app) -> tuple[str, str]:
    """Pick another clip than the one selected (a prediction made while the notebook ran names that one), press
    *Predict* and wait for the answer; returns ``(clip, answer)`` and checks that a genre was predicted."""
    clip = app.locator(".mgc-app-clip")
    select = clip if clip.evaluate("el => el.tagName") == "SELECT" else clip.locator("select")
    options = select.locator("option").all_inner_texts()
    assert len(options) >= 2, options
    index = 1 if select.evaluate("el => el.selectedIndex") != 1 else 2 % len(options)
    select.select_option(index=index)
    text = _predict(app, timeout_ms=180_000)
    assert re.search(r"Predicted genre:\s*\w+", text), f"the app answered: {text[:500]}"
    return options[index], text


def app_classifies_an_upload(app, song: Path, *, sent: Callable[[object], None]) -> str:
    """Upload ``song`` through the app's file button, press *Predict*: the zero-shot tagger (no training) must
    answer with a genre and the tags behind it. ``sent(app)`` waits until the file's bytes reached the kernel."""
    with app.page.expect_file_chooser(timeout=30_000) as chooser:  # ipywidgets' FileUpload opens the file dialog
        app.locator(".mgc-app-upload").first.click()
    chooser.value.set_files(str(song))
    sent(app)
    text = _predict(app, timeout_ms=240_000)
    assert re.search(r"Predicted genre:\s*\w+", text), f"the app answered the upload with: {text[:500]}"
    assert "<- tags" in text, f"the upload was not classified by the zero-shot tagger: {text[:500]}"
    return text


def _predict(app, *, timeout_ms: int) -> str:
    result = app.locator(".mgc-app-result")
    before = result.inner_text()
    app.locator(".mgc-app-predict").click()
    app.page.wait_for_function(_ANSWERED, arg=[result.element_handle(), before], timeout=timeout_ms, polling=500)
    return result.inner_text()
