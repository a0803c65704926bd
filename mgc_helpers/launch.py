"""Launch badges and set-up cells, regenerated from the one repository URL in :mod:`mgc_helpers.config`.

Every notebook opens with an "Open in Colab" badge in its first (markdown) cell and the standard set-up cell
(:func:`mgc_helpers.config.colab_setup_source`, tagged ``setup``) as its second; the README shows a Colab and
a Binder badge. If the repository moves (edit ``GITHUB_REPOSITORY`` or ``GITHUB_BRANCH`` in ``config.py``)
or the set-up cell changes, one command brings everything in line::

    python -m mgc_helpers badges          # rewrite what is stale, list what changed
    python -m mgc_helpers badges --check  # change nothing; exit 1 and list the stale files

Notebooks are read and written as plain JSON in nbformat's own layout, so an up-to-date file is left
byte for byte as it is. Light: imports neither TensorFlow nor nbformat. Used by the maintainers of the
course (README, "Maintaining the course"); the badges themselves are what every notebook starts with.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from . import config

COLAB_BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
BINDER_BADGE_IMAGE = "https://mybinder.org/badge_logo.svg"
#: Tag of the set-up cell in every notebook.
SETUP_TAG = "setup"

_COLAB_RE = re.compile(r"\[!\[Open In Colab\]\([^)\s]*\)\]\([^)\s]*\)")
_BINDER_RE = re.compile(r"\[!\[Binder\]\([^)\s]*\)\]\([^)\s]*\)")


def colab_badge(notebook: str) -> str:
    """Markdown of the "Open in Colab" badge of ``notebooks/<notebook>``."""
    return f"[![Open In Colab]({COLAB_BADGE_IMAGE})]({config.colab_url(notebook)})"


def binder_badge(notebook: str | None = None) -> str:
    """Markdown of the Binder badge (opening ``notebooks/<notebook>`` in JupyterLab when given)."""
    return f"[![Binder]({BINDER_BADGE_IMAGE})]({config.binder_url(notebook)})"


def notebooks(root: Path | str) -> list[Path]:
    """The course notebooks under ``<root>/notebooks`` (``NN_name.ipynb``), sorted."""
    return sorted(Path(root, "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _lines(text: str) -> list[str]:
    """A cell source as nbformat stores it: a list of lines, each but the last with its newline."""
    return text.splitlines(keepends=True)


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _dumps(nb: dict) -> str:
    """JSON text in nbformat's layout (``nbformat.writes``), so unchanged notebooks stay byte-identical."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False, separators=(",", ": ")) + "\n"


def notebook_text(text: str, name: str) -> str:
    """``text`` (a notebook's JSON) with its Colab badge and set-up cell made current.

    The badge replaces any "Open In Colab" badge in the first markdown cell, or goes in a paragraph of its
    own after the title line when there is none. The set-up cell is the cell tagged ``setup`` (inserted as
    the second cell if there is none); its source becomes :func:`mgc_helpers.config.colab_setup_source`.
    """
    nb = json.loads(text)
    cells = nb["cells"]
    badge = colab_badge(name)
    first = next((c for c in cells if c["cell_type"] == "markdown"), None)
    if first is None:
        first = {"cell_type": "markdown", "id": "title", "metadata": {}, "source": []}
        cells.insert(0, first)
    src = _source(first)
    if _COLAB_RE.search(src):
        src = _COLAB_RE.sub(lambda _: badge, src)
    elif src.strip():
        title, _, rest = src.partition("\n")
        src = f"{title}\n\n{badge}\n" + (f"\n{rest.lstrip()}" if rest.strip() else "")
    else:
        src = f"{badge}\n"
    first["source"] = _lines(src)
    setup = [c for c in cells if SETUP_TAG in c.get("metadata", {}).get("tags", [])]
    if not setup:
        cell = {"cell_type": "code", "execution_count": None, "id": "setup",
                "metadata": {"tags": [SETUP_TAG]}, "outputs": [], "source": []}
        cells.insert(cells.index(first) + 1, cell)
        setup = [cell]
    for cell in setup:
        cell["source"] = _lines(config.colab_setup_source())
    return _dumps(nb)


def readme_text(text: str, first_notebook: str) -> str:
    """README ``text`` with its Colab and Binder badges pointing at ``first_notebook`` in the current repository."""
    text = _COLAB_RE.sub(lambda _: colab_badge(first_notebook), text)
    return _BINDER_RE.sub(lambda _: binder_badge(first_notebook), text)


def update(root: Path | str | None = None, *, check: bool = False) -> list[Path]:
    """Bring the badges and set-up cells of every notebook and of the README in line with ``config``.

    Parameters
    ----------
    root
        Repository folder (default: the checkout that holds this package).
    check
        Write nothing, only report.

    Returns
    -------
    list of Path
        The files that were stale (and, unless ``check``, have been rewritten). Running it twice
        returns ``[]`` the second time.

    Raises
    ------
    ValueError
        If the README has lost its Colab or Binder badge (the script rewrites badges, it does not
        guess where a missing one belongs).
    """
    root = Path(root) if root is not None else config.repo_root()
    if root is None:
        raise FileNotFoundError("no repository checkout found: pass its folder (--root)")
    paths = notebooks(root)
    stale: list[Path] = []
    for path in paths:
        old = path.read_text(encoding="utf-8")
        new = notebook_text(old, path.name)
        if new != old:
            stale.append(path)
            if not check:
                path.write_text(new, encoding="utf-8")
    readme = root / "README.md"
    if readme.is_file() and paths:
        old = readme.read_text(encoding="utf-8")
        new = readme_text(old, paths[0].name)
        if _COLAB_RE.search(old) is None or _BINDER_RE.search(old) is None:
            raise ValueError(f"{readme}: no Colab or no Binder badge to update; put these lines back by hand:\n"
                             f"{colab_badge(paths[0].name)}\n{binder_badge(paths[0].name)}")
        if new != old:
            stale.append(readme)
            if not check:
                readme.write_text(new, encoding="utf-8")
    return stale
