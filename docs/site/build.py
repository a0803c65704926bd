"""Build the course's website (issue 20): README, the ten executed notebooks, the instructors' guide, the API.

``make book`` first runs the notebooks under nbval with ``docs/site/_ext/nbval_executed.py``, which writes
the executed copies nbval made (one execution: the notebook check and the site share it); then this script

1. checks every copy: present, made from the notebook as it is now (same code cells), no cell failed, no
   error output, every code cell ran; otherwise it stops with the reason (the site never shows a stale or
   broken notebook, and never fails silently);
2. assembles the Sphinx sources in ``<out>/src``: the README as the landing page (links to notebooks and the
   guide point into the site, other repository files to GitHub), the instructor's kit (``docs/INSTRUCTORS.md``,
   ``syllabus.md``, ``rubrics.md``, ``project.md``, ``reading.md``: :data:`DOCUMENTS`), the copies (a
   Binder badge added beside each Colab badge; each widget output replaced by a note to run the notebook, as
   nbval keeps no widget state; the static first picture the explorers draw before their widget stays, and
   the note points at it), and ``api.rst`` (autosummary + numpydoc over ``mgc_helpers``);
3. runs Sphinx (myst-nb reads the stored outputs, ``nb_execution_mode = "off"``) into ``<out>/html``.

Usage::

    python docs/site/build.py --executed build/book/executed --out build/book [--only 01 02 09]

Exit status 1 with the reason when a copy is missing, stale or failed, or Sphinx fails.
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import re
import shutil
import sys
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
NOTEBOOKS = REPO / "notebooks"
#: Where the course lives on GitHub (the Colab badges point there).
GITHUB = "mgc-course/music-genre-classification"
BRANCH = "main"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
COLAB_RE = re.compile(r"(\[!\[Open In Colab\]\([^)]*\)\]\(https://colab\.research\.google\.com/github/"
                      r"(?P<repo>[^/]+/[^/]+)/blob/(?P<branch>[^/]+)/(?P<path>[^)\s]+)\))")
LINK_RE = re.compile(r"(?<!!)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)\)")


class SiteError(RuntimeError):
    """The site cannot be built honestly (a copy is missing, stale or failed)."""


# --------------------------------------------------------------------------- executed copies
def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _skipped(cell: dict) -> bool:
    tags = cell.get("metadata", {}).get("tags", [])
    return "nbval-skip" in tags or "skip" in tags or _source(cell).lstrip().startswith("# NBVAL_SKIP")


def check_copy(stored: Path, executed: Path) -> dict:
    """The executed copy of ``stored``, checked; raises :class:`SiteError` with the reason.

    Returns
    -------
    dict
        The executed notebook (JSON).
    """
    if not executed.is_file():
        raise SiteError(f"{stored.name}: no executed copy in {executed.parent} (make book runs the notebooks first)")
    nb = json.loads(executed.read_text(encoding="utf-8"))
    now = [_source(c) for c in json.loads(stored.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    ran = [_source(c) for c in nb["cells"] if c["cell_type"] == "code"]
    if now != ran:
        raise SiteError(f"{stored.name}: the executed copy {executed} is stale (its code cells differ from the "
                        "notebook's); run make book again")
    failed = nb.get("metadata", {}).get("mgc_executed", {}).get("failed")
    if failed is None:
        raise SiteError(f"{executed}: not written by nbval_executed (no mgc_executed metadata)")
    if failed:
        raise SiteError(f"{stored.name}: code cell(s) {failed} failed under nbval; the site shows no broken notebook")
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    for number, cell in enumerate(code):
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if errors:
            raise SiteError(f"{stored.name}: code cell {number} has an error output "
                            f"({errors[0].get('ename')}: {errors[0].get('evalue')})")
        if cell.get("execution_count") is None and not _skipped(cell):
            raise SiteError(f"{stored.name}: code cell {number} did not run")
    return nb


def binder_url(repo: str, branch: str, path: str) -> str:
    """The Binder link that opens ``path`` in JupyterLab."""
    return f"https://mybinder.org/v2/gh/{repo}/{branch}?labpath={quote(path, safe='')}"


def add_binder_badge(text: str) -> str:
    """A Binder badge beside each Colab badge in a markdown cell (unchanged when one is there already)."""
    if "mybinder.org" in text:
        return text

    def badge(m: re.Match) -> str:
        url = binder_url(m["repo"], m["branch"], m["path"])
        return f"{m[1]} [![Binder](https://mybinder.org/badge_logo.svg)]({url})"

    return COLAB_RE.sub(badge, text)


IMAGE_MIMES = ("image/png", "image/jpeg", "image/svg+xml")


def _has_picture(output: dict) -> bool:
    return any(mime in output.get("data", {}) for mime in IMAGE_MIMES)


def widget_note(output: dict, *, picture: str | None = None) -> dict:
    """A static note in place of a widget's output (nbval keeps no widget state, so none can be rendered).

    ``picture`` says where the cell's own static picture of the widget is (``"above"`` or ``"below"``:
    the explorers draw their first setting as a plain figure before the widget, and that figure stays on
    the page); ``None`` when the cell has none.
    """
    label = output.get("data", {}).get("text/plain", "")
    label = label if isinstance(label, str) else "".join(label)
    kind = re.match(r"[A-Za-z_]\w*", label.strip())
    name = kind.group(0) if kind else "widget"
    if picture in ("above", "below"):
        seen = (f"The picture {picture} is a static view of its first setting; to change the settings, open the "
                "notebook")
    elif picture is None:
        seen = "Nothing of it can be shown on this page; to use it, open the notebook"
    else:
        raise ValueError(f"picture must be 'above', 'below' or None, got {picture!r}")
    html = ('<div class="admonition note mgc-widget-note"><p class="admonition-title">Interactive widget</p>'
            f"<p>This cell shows an interactive widget (<code>{name}</code>) that needs a running kernel. {seen} "
            "in Colab or Binder (badges at the top) or run it locally with <code>make lab</code>.</p></div>")
    plain = (f"[interactive widget {name}: " + (f"static view {picture}; " if picture else "")
             + "run the notebook to use it]")
    return {"output_type": "display_data", "metadata": {}, "data": {"text/html": html, "text/plain": plain}}


def site_notebook(nb: dict) -> tuple[dict, int]:
    """The page's version of an executed notebook: Binder badges, widget notes. Returns it and the widget count.

    Every widget output becomes a note (:func:`widget_note`); a static picture the same cell drew (the
    explorers' first view) is kept and the note points at it. Figures, sound and text stay as they are.
    """
    nb = copy.deepcopy(nb)
    widgets = 0
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = add_binder_badge(_source(cell))
        outputs = cell.get("outputs", [])
        for i, out in enumerate(outputs):
            if WIDGET_MIME in out.get("data", {}):
                before = any(_has_picture(o) for o in outputs[:i])
                after = any(_has_picture(o) for o in outputs[i + 1:])
                outputs[i] = widget_note(out, picture="above" if before else "below" if after else None)
                widgets += 1
    nb.setdefault("metadata", {}).pop("widgets", None)
    return nb, widgets


# --------------------------------------------------------------------------- markdown pages
def rewrite_links(text: str, *, origin: str, pages: dict[str, str]) -> str:
    """Links of a repository markdown file (at ``origin``, relative to the root) made to work on the site.

    A link to a file that is a page of the site (``pages``: repository path -> page source) points at that
    page; any other relative link points at the file on GitHub; absolute URLs and anchors stay.
    """
    base = Path(origin).parent

    def fix(m: re.Match) -> str:
        target = m["target"]
        if re.match(r"[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            return m[0]
        path, _, anchor = target.partition("#")
        repo_path = os.path.normpath(base / path).replace(os.sep, "/")
        if repo_path in pages:
            rel = os.path.relpath(pages[repo_path], Path(pages[origin]).parent).replace(os.sep, "/")
            return f"[{m['text']}]({rel}{'#' + anchor if anchor else ''})"
        kind = "tree" if (REPO / repo_path).is_dir() else "blob"
        url = f"https://github.com/{GITHUB}/{kind}/{BRANCH}/{repo_path}{'#' + anchor if anchor else ''}"
        return f"[{m['text']}]({url})"

    return LINK_RE.sub(fix, text)


TOCTREE = """

```{{toctree}}
:hidden:
:caption: Notebooks

{notebooks}
```

```{{toctree}}
:hidden:
:caption: Teaching and reference

instructors
syllabus
rubrics
project
reading
api
```
"""


#: The repository's markdown documents that are pages of the site: repository path -> page source.
DOCUMENTS = {
    "README.md": "index.md",
    "docs/INSTRUCTORS.md": "instructors.md",
    "docs/syllabus.md": "syllabus.md",
    "docs/rubrics.md": "rubrics.md",
    "docs/project.md": "project.md",
    "docs/reading.md": "reading.md",
}


def assemble(executed: Path, src: Path, *, select: list[str] | None = None, notebooks: Path | None = None,
             api: bool = True) -> dict:
    """Write the Sphinx sources into ``src``; returns ``{"notebooks": [...], "widgets": n}``.

    ``notebooks`` is the folder of stored notebooks (default the course's ``notebooks/``); ``api=False``
    leaves out the API page (tests of the pages alone).
    """
    stored = sorted((NOTEBOOKS if notebooks is None else Path(notebooks)).glob("[0-9][0-9]_*.ipynb"))
    if select:
        stored = [p for p in stored if any(p.name.startswith(s.zfill(2)) or p.name == s for s in select)]
    if not stored:
        raise SiteError(f"no notebook selected by {select}")
    if src.exists():
        shutil.rmtree(src)
    (src / "notebooks").mkdir(parents=True)
    pages = dict(DOCUMENTS)
    pages.update({f"notebooks/{p.name}": f"notebooks/{p.name}" for p in stored})
    widgets = 0
    for path in stored:
        nb, n = site_notebook(check_copy(path, executed / path.name))
        widgets += n
        (src / "notebooks" / path.name).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n",
                                                   encoding="utf-8")
    names = "\n".join(f"notebooks/{p.stem}" for p in stored)
    for origin, page in DOCUMENTS.items():
        path = REPO / origin
        if not path.is_file():
            raise SiteError(f"{origin} is missing: the site needs every page of {sorted(DOCUMENTS)}")
        text = rewrite_links(path.read_text(encoding="utf-8"), origin=origin, pages=pages)
        if page == "index.md":
            text += TOCTREE.format(notebooks=names)
        (src / page).write_text(text, encoding="utf-8")
    if api:
        (src / "api.rst").write_text(api_page(), encoding="utf-8")
    return {"notebooks": [p.name for p in stored], "widgets": widgets}


def modules(package: str = "mgc_helpers") -> list[str]:
    """Every public module of the package (``__main__`` and ``_private`` ones aside), sorted: the API page
    lists them all (the recursive autosummary generates a page for each of these, no others)."""
    import importlib
    import pkgutil

    sys.path.insert(0, str(REPO))
    root = importlib.import_module(package)
    found = [package] + [m.name for m in pkgutil.walk_packages(root.__path__, prefix=f"{package}.")]
    return sorted(name for name in found if not any(part.startswith("_") for part in name.split(".")))


def api_page() -> str:
    """``docs/site/api.rst`` (the recursive autosummary that generates a page per module) and a table of every
    module with its first docstring line."""
    table = "\n".join(f"   {name}" for name in modules())
    return ((HERE / "api.rst").read_text(encoding="utf-8").rstrip("\n")
            + f"\n\nEvery module\n------------\n\n.. autosummary::\n\n{table}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--executed", required=True, help="folder of the executed copies (nbval_executed)")
    parser.add_argument("--out", required=True, help="build folder: <out>/src (sources), <out>/html (the site)")
    parser.add_argument("--only", nargs="*", help="notebook numbers (a partial site, for development)")
    args = parser.parse_args(argv)
    out = Path(args.out)
    try:
        info = assemble(Path(args.executed), out / "src", select=args.only)
    except SiteError as exc:
        print(f"make book: {exc}", file=sys.stderr)
        return 1
    print(f"site sources: {len(info['notebooks'])} executed notebooks, {info['widgets']} widget output(s) "
          "shown as a note to run the notebook")
    from sphinx.cmd.build import build_main

    html, log = out / "html", out / "warnings.txt"
    status = build_main(["-b", "html", "-q", "-c", str(HERE), "-d", str(out / "doctrees"), "-w", str(log),
                         str(out / "src"), str(html)])
    if status:
        print(f"make book: Sphinx failed (exit {status})", file=sys.stderr)
        return 1
    warnings = [line for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
    fatal = page_warnings(warnings, out / "src")
    if fatal:
        print("make book: the pages of the course have problems (a figure, output or link lost):\n  "
              + "\n  ".join(fatal), file=sys.stderr)
        return 1
    print(f"site: {html / 'index.html'} ({len(warnings)} warning line(s) from docstrings, see {log})")
    return 0


def page_warnings(lines: list[str], src: Path) -> list[str]:
    """The warnings about the course's own pages (notebooks, README, guide): these fail the build.

    Warnings about docstrings (the API reference) are listed in the log, not fatal.
    """
    pages = [str((src / name).resolve()) for name in ("notebooks", *DOCUMENTS.values())]
    return [line for line in lines if any(line.startswith(page) for page in pages)]


if __name__ == "__main__":
    raise SystemExit(main())
