"""The course's website in a real browser: every page of the built site, served on 127.0.0.1 (issue 20).

``make book`` builds the site into ``build/book/html`` (``MGC_SITE_DIR`` overrides it). This test serves it
with Python's HTTP server, opens every page in headless Chromium (Playwright, the fixtures of
``conftest.py``; requests that leave 127.0.0.1 are refused, as on a closed network), and checks that each
page loads, shows no error output, traceback or docutils system message, that every figure of an executed
notebook is on its page as a loaded image (as many as the notebook's image outputs), that the audio players
are kept, that the Colab and Binder badges are on every notebook page, and that every internal link
resolves (the page exists and, for ``#anchor`` links, so does the anchor). Screenshots of the landing page,
notebooks 01 and 09 and the API reference go to ``test-output/e2e/``.

Without a built site the test is skipped with the reason; with ``MGC_SITE_REQUIRED=1`` (``make test``,
after ``make book``) it fails instead.
"""
from __future__ import annotations

import json
import os
import re
import threading
from functools import partial
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote, urljoin, urlsplit

import pytest

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("MGC_SITE_DIR", REPO / "build" / "book" / "html"))
SOURCES = SITE.parent / "src"
#: Pages to photograph (path inside the site -> screenshot name).
SHOTS = {"index.html": "site_index", "notebooks/01_audio_basics_fourier.html": "site_01",
         "notebooks/09_spectral_clustering_segmentation.html": "site_09", "api.html": "site_api"}
#: What an error looks like on a page: myst-nb's error outputs, docutils' system messages, a Python traceback.
ERROR_SELECTOR = ".output.error, .output.traceback, div.system-message, .problematic"
TRACEBACK_RE = re.compile(r"Traceback \(most recent call last\)|-{20,}\n\w+Error\b")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # no request log in the test output
        pass


@pytest.fixture(scope="module")
def site_url() -> Iterator[str]:
    """The built site on ``http://127.0.0.1:<port>/``."""
    if not (SITE / "index.html").is_file():
        message = f"no built site in {SITE}: run `make book` first"
        if os.environ.get("MGC_SITE_REQUIRED", "").strip() not in ("", "0"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(SITE)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


def _pages() -> list[str]:
    """Every HTML page of the site (the highlighted module sources of ``_modules/`` are checked as links)."""
    return sorted(p.relative_to(SITE).as_posix() for p in SITE.rglob("*.html")
                  if not p.relative_to(SITE).parts[0].startswith(("_", ".")))


def _image_outputs(name: str) -> int:
    """How many image outputs the site's copy of notebook ``name`` holds (the figures its page must show)."""
    nb = json.loads((SOURCES / "notebooks" / name).read_text(encoding="utf-8"))
    return sum(1 for cell in nb["cells"] for out in cell.get("outputs", [])
               if any(mime.startswith("image/") for mime in out.get("data", {})))


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs) -> None:
        for key, value in attrs:
            if key in ("id", "name") and value:
                self.ids.add(value)


def _ids(path: Path) -> set[str]:
    parser = _Ids()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return parser.ids


def _local_only(route) -> None:
    if urlsplit(route.request.url).hostname == "127.0.0.1":
        route.continue_()
    else:
        route.abort()  # a closed network: CDN scripts and badge images are not fetched


def test_site_pages_figures_badges_and_links(browser, site_url, shots_dir):
    pages = _pages()
    notebooks = [p for p in pages if p.startswith("notebooks/")]
    expected = {"index.html", "instructors.html", "syllabus.html", "rubrics.html", "project.html", "reading.html",
                "api.html"}
    assert expected <= set(pages), sorted(expected - set(pages))
    assert notebooks, "no notebook page in the site"
    assert any(p.startswith("api/mgc_helpers.") for p in pages), "no page of the API reference"

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.route("**/*", _local_only)
    page = context.new_page()
    problems: list[str] = []
    links: dict[str, str] = {}  # internal link (absolute URL) -> the page it was found on
    for rel in pages:
        response = page.goto(urljoin(site_url, rel), wait_until="load", timeout=120_000)
        if response is None or response.status != 200:
            problems.append(f"{rel}: HTTP {response.status if response else 'no response'}")
            continue
        if not page.locator("main, article, [role=main]").count():
            problems.append(f"{rel}: no main content")
        errors = page.locator(ERROR_SELECTOR)
        if errors.count():
            problems.append(f"{rel}: {errors.count()} error element(s), first: {errors.first.inner_text()[:300]!r}")
        text = page.locator("body").inner_text()
        if TRACEBACK_RE.search(text):
            problems.append(f"{rel}: shows a traceback: {TRACEBACK_RE.search(text).group(0)!r}")
        # Every image served by the site itself has loaded (external badges are refused offline).
        broken = page.evaluate("""() => [...document.images]
            .filter(img => img.src.startsWith(location.origin) || img.src.startsWith('data:'))
            .filter(img => !(img.complete && img.naturalWidth > 0)).map(img => img.src.slice(0, 80))""")
        if broken:
            problems.append(f"{rel}: {len(broken)} image(s) did not load: {broken[:3]}")
        if rel in notebooks:
            name = Path(rel).with_suffix(".ipynb").name
            figures = page.locator(".cell_output img").count()
            expected = _image_outputs(name)
            if figures != expected:
                problems.append(f"{rel}: {figures} figure(s) on the page, the executed notebook has {expected}")
            for badge in ("https://colab.research.google.com/github/", "https://mybinder.org/v2/gh/"):
                if not page.locator(f"a[href^='{badge}'] img").count():
                    problems.append(f"{rel}: no {badge.split('/')[2]} badge")
        for href in page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)"):
            if href.startswith(site_url):
                links.setdefault(href, rel)
        if rel in SHOTS:
            page.screenshot(path=str(shots_dir / f"{SHOTS[rel]}.png"))
            if rel in notebooks:
                first = page.locator(".cell_output img").first
                if first.count():
                    first.scroll_into_view_if_needed()
                    page.screenshot(path=str(shots_dir / f"{SHOTS[rel]}_figure.png"))

    # Notebook 01 lets the student listen: its audio players are on the page.
    if "notebooks/01_audio_basics_fourier.html" in pages:
        page.goto(urljoin(site_url, "notebooks/01_audio_basics_fourier.html"), wait_until="load")
        players = page.locator(".cell_output audio")
        assert players.count() >= 1, "notebook 01's audio players are missing"
        assert players.first.evaluate("a => (a.src || a.querySelector('source').src).startsWith('data:audio')")
    context.close()

    # Internal links: the target file exists in the site and, for #anchors, the anchor is on it.
    ids: dict[Path, set[str]] = {}
    for href, found_on in sorted(links.items()):
        parts = urlsplit(href)
        path = SITE / unquote(parts.path.lstrip("/"))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            problems.append(f"{found_on}: link to a missing page {parts.path}")
        elif parts.fragment and path.suffix == ".html":
            anchors = ids.setdefault(path, _ids(path))
            if unquote(parts.fragment) not in anchors:
                problems.append(f"{found_on}: link to a missing anchor {parts.path}#{parts.fragment}")
    print(f"site: {len(pages)} pages ({len(notebooks)} notebooks), {len(links)} internal links checked")
    assert not problems, f"{len(problems)} problem(s) on the site:\n" + "\n".join(problems[:40])
