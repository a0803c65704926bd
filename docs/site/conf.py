"""Sphinx configuration of the course's website (issue 20); built by ``make book`` through ``build.py``.

Sphinx with myst-nb (the executed notebooks and the markdown pages) and autodoc + numpydoc (the API
reference from the package's numpydoc docstrings). The notebooks are never executed here: ``build.py``
hands Sphinx the copies nbval executed (``nb_execution_mode = "off"``) after checking them.
"""
from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

import mgc_helpers  # noqa: E402

project = "Music Genre Classification with Deep Learning"
author = "the course's authors"
copyright = "the course's authors, MIT licence"
release = version = mgc_helpers.__version__

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
]
templates_path = [str(Path(__file__).parent / "_templates")]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
suppress_warnings = ["myst.header", "misc.highlighting_failure"]

# ------------------------------------------------------------------ notebooks (myst-nb)
nb_execution_mode = "off"          # build.py gives executed, checked copies: nothing runs twice
nb_merge_streams = True
nb_ipywidgets_js = {}              # no widget JavaScript from a CDN: widget outputs are notes (build.py)
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

# ------------------------------------------------------------------ API (autodoc + numpydoc)
autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"members": True, "undoc-members": False, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "none"          # the numpydoc sections give the types
numpydoc_show_class_members = False
numpydoc_validation_checks: set[str] = set()

# ------------------------------------------------------------------ HTML
html_theme = "sphinx_book_theme"
html_title = "Music Genre Classification with Deep Learning"
html_theme_options = {
    "repository_url": "https://github.com/mgc-course/music-genre-classification",
    "repository_branch": "main",
    "use_repository_button": True,
    "show_toc_level": 2,
}
html_static_path: list[str] = []


def _skip_foreign_members(app, what, name, obj, skip, options):
    """Leave out members a class inherits from another library (scikit-learn's ``set_*_request``)."""
    module = getattr(obj, "__module__", None) or ""
    if what == "class" and module and not module.startswith("mgc_helpers"):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_foreign_members)
