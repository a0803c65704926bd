"""The website's build (issue 20): docs/site/build.py's checks and rewrites, and the nbval plugin that
writes the executed copies the site reads (one execution for the notebook check and the site).

The browser test of the built site is tests/e2e/test_site_browser.py.
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SITE = REPO / "docs" / "site"


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


build = _load("mgc_site_build", SITE / "build.py")


def _nb(cells: list[dict], **metadata) -> dict:
    return {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 4}


def _code(source: str, outputs=(), count=None) -> dict:
    return {"cell_type": "code", "source": source, "metadata": {}, "outputs": list(outputs),
            "execution_count": count}


def _md(source: str) -> dict:
    return {"cell_type": "markdown", "source": source, "metadata": {}}


def _write(path: Path, nb: dict) -> Path:
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


@pytest.fixture()
def pair(tmp_path):
    """A stored notebook and a good executed copy of it."""
    stored = _write(tmp_path / "01_x.ipynb", _nb([_md("# t"), _code("x = 1"), _code("x")]))
    (tmp_path / "run").mkdir()
    good = _nb([_md("# t"), _code("x = 1", count=1),
                _code("x", [{"output_type": "execute_result", "data": {"text/plain": "1"}, "metadata": {},
                             "execution_count": 2}], count=2)],
               mgc_executed={"by": "nbval", "failed": []})
    return stored, tmp_path / "run" / "01_x.ipynb", good


# --------------------------------------------------------------------------- check_copy
def test_check_copy_accepts_a_good_copy(pair):
    stored, executed, good = pair
    nb = build.check_copy(stored, _write(executed, good))
    assert nb["cells"][2]["outputs"][0]["data"]["text/plain"] == "1"


def test_check_copy_refuses_missing_stale_failed_and_unrun(pair):
    stored, executed, good = pair
    with pytest.raises(build.SiteError, match="no executed copy"):
        build.check_copy(stored, executed)
    stale = json.loads(json.dumps(good))
    stale["cells"][1]["source"] = "x = 2"
    with pytest.raises(build.SiteError, match="stale"):
        build.check_copy(stored, _write(executed, stale))
    failed = json.loads(json.dumps(good))
    failed["metadata"]["mgc_executed"]["failed"] = [1]
    with pytest.raises(build.SiteError, match=r"code cell\(s\) \[1\] failed"):
        build.check_copy(stored, _write(executed, failed))
    error = json.loads(json.dumps(good))
    error["cells"][2]["outputs"] = [{"output_type": "error", "ename": "NameError", "evalue": "x", "traceback": []}]
    with pytest.raises(build.SiteError, match="NameError: x"):
        build.check_copy(stored, _write(executed, error))
    unrun = json.loads(json.dumps(good))
    unrun["cells"][1]["execution_count"] = None
    with pytest.raises(build.SiteError, match="code cell 0 did not run"):
        build.check_copy(stored, _write(executed, unrun))
    foreign = json.loads(json.dumps(good))
    del foreign["metadata"]["mgc_executed"]
    with pytest.raises(build.SiteError, match="not written by nbval_executed"):
        build.check_copy(stored, _write(executed, foreign))


# --------------------------------------------------------------------------- page rewrites
COLAB = ("[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
         "(https://colab.research.google.com/github/org/course/blob/main/notebooks/01_ab.ipynb)")


def test_binder_badge_beside_colab_badge():
    text = build.add_binder_badge(f"# 01\n\n{COLAB}\n\nWelcome")
    assert text.startswith(f"# 01\n\n{COLAB} [![Binder](https://mybinder.org/badge_logo.svg)]"
                           "(https://mybinder.org/v2/gh/org/course/main?labpath=notebooks%2F01_ab.ipynb)")
    assert text.endswith("\n\nWelcome")
    assert build.add_binder_badge(text) == text  # once only
    assert build.add_binder_badge("no badge here") == "no badge here"


def test_widget_outputs_become_a_note_other_outputs_stay():
    widget = {"output_type": "display_data", "metadata": {},
              "data": {"text/plain": ["VBox(children=(HBox(...),))"],
                       build.WIDGET_MIME: {"model_id": "abc", "version_major": 2, "version_minor": 0}}}
    figure = {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBORw0KGgo="}}
    nb = _nb([_md(COLAB), _code("w", [widget, figure], count=1)], widgets={"state": {}})
    page, n = build.site_notebook(nb)
    assert n == 1 and "widgets" not in page["metadata"]
    note, kept = page["cells"][1]["outputs"]
    assert build.WIDGET_MIME not in note["data"] and "<code>VBox</code>" in note["data"]["text/html"]
    assert "Colab or Binder" in note["data"]["text/html"]
    assert kept == figure
    assert "mybinder.org/v2/gh/org/course/main" in page["cells"][0]["source"]
    assert nb["cells"][1]["outputs"][0] is widget  # the executed copy itself is not changed


def _widget(label="VBox(children=(HBox(...),))"):
    return {"output_type": "display_data", "metadata": {},
            "data": {"text/plain": [label], build.WIDGET_MIME: {"model_id": "m", "version_major": 2,
                                                                "version_minor": 0}}}


PNG = {"output_type": "display_data", "metadata": {}, "data": {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}}


def test_widget_note_points_at_the_static_picture_where_the_cell_has_one():
    """Issue 20: an explorer draws its first setting as a plain figure, then the widget: the page keeps the figure
    and says it is a static view; a widget with no picture gets a note that nothing of it can be shown."""
    nb = _nb([_code("explorer", [PNG, _widget()], count=1), _code("app", [_widget("App(...)")], count=2),
              _code("later", [_widget("Tab(...)"), PNG], count=3)])
    page, n = build.site_notebook(nb)
    assert n == 3
    (fig, above), (alone,), (below, fig2) = (c["outputs"] for c in page["cells"])
    assert fig == PNG and fig2 == PNG
    assert "The picture above is a static view of its first setting" in above["data"]["text/html"]
    assert "static view above" in above["data"]["text/plain"]
    assert "The picture below is a static view" in below["data"]["text/html"]
    assert "<code>App</code>" in alone["data"]["text/html"] and "Nothing of it can be shown" in alone["data"]["text/html"]
    assert "static view" not in alone["data"]["text/plain"]
    assert all(build.WIDGET_MIME not in o["data"] for c in page["cells"] for o in c["outputs"])
    with pytest.raises(ValueError, match="picture must be"):
        build.widget_note(_widget(), picture="left")


def test_assemble_writes_every_page_from_a_tiny_executed_notebook(tmp_path):
    """The site's sources from one stored notebook and its executed copy (no Sphinx, no notebook run): the
    README as landing page with every document in its table of contents, the instructor's kit as pages with
    their links pointing into the site, and the notebook page with its figure kept and its widget as a note."""
    stored = tmp_path / "nbs"
    stored.mkdir()
    _write(stored / "01_tiny.ipynb", _nb([_md(f"# Tiny\n\n{COLAB}"), _code("explore()")]))
    run = tmp_path / "run"
    run.mkdir()
    _write(run / "01_tiny.ipynb", _nb([_md(f"# Tiny\n\n{COLAB}"), _code("explore()", [PNG, _widget()], count=1)],
                                      mgc_executed={"by": "nbval", "failed": []}, widgets={"state": {}}))
    info = build.assemble(run, tmp_path / "src", notebooks=stored, api=False)
    assert info == {"notebooks": ["01_tiny.ipynb"], "widgets": 1}
    src = tmp_path / "src"
    for page in build.DOCUMENTS.values():
        assert (src / page).is_file(), page
    assert not (src / "api.rst").exists()
    index = (src / "index.md").read_text(encoding="utf-8")
    toc = index[index.index("```{toctree}"):]
    for name in ("notebooks/01_tiny", "instructors", "syllabus", "rubrics", "project", "reading", "api"):
        assert f"\n{name}\n" in toc, name
    assert "](instructors.md" in index  # the README's link to the guide points at its page
    guide = (src / "instructors.md").read_text(encoding="utf-8")
    for page in ("syllabus.md", "rubrics.md", "project.md", "reading.md"):
        assert f"]({page}" in guide, page  # the guide links every document of the kit, inside the site
    page = json.loads((src / "notebooks" / "01_tiny.ipynb").read_text(encoding="utf-8"))
    fig, note = page["cells"][1]["outputs"]
    assert fig == PNG and "static view of its first setting" in note["data"]["text/html"]
    assert "mybinder.org" in page["cells"][0]["source"] and "widgets" not in page["metadata"]


def test_the_documents_exist_and_their_relative_links_resolve():
    """Every page of the kit is in the repository, and each relative link in it names a file or folder that
    exists, and a heading that exists when it names one, so the links work on GitHub as well as on the site."""
    for origin in build.DOCUMENTS:
        path = REPO / origin
        assert path.is_file(), origin
        for m in build.LINK_RE.finditer(path.read_text(encoding="utf-8")):
            target = m["target"]
            if re.match(r"[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
                continue
            file, _, anchor = target.partition("#")
            assert (path.parent / file).exists(), f"{origin}: broken link {target}"
            if anchor and file.endswith(".md"):
                assert anchor in _anchors(path.parent / file), f"{origin}: no heading #{anchor} in {file}"


def _anchors(path: Path) -> set[str]:
    """GitHub's (and myst's) anchors of a markdown file's headings: lower case, punctuation dropped, spaces -> '-'."""
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    heads = re.findall(r"^#{1,6}\s+(.+?)\s*$", text, flags=re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in heads}


def test_links_point_into_the_site_or_to_github():
    pages = {"README.md": "index.md", "docs/INSTRUCTORS.md": "instructors.md",
             "notebooks/01_a.ipynb": "notebooks/01_a.ipynb"}
    text = ("[nb](notebooks/01_a.ipynb) [guide](docs/INSTRUCTORS.md#grading) [data](data/README.md) "
            "[web](https://example.org/x) [here](#top) ![img](https://img.shields.io/a.svg)")
    out = build.rewrite_links(text, origin="README.md", pages=pages)
    assert "[nb](notebooks/01_a.ipynb)" in out and "[guide](instructors.md#grading)" in out
    assert f"[data](https://github.com/{build.GITHUB}/blob/main/data/README.md)" in out
    assert "[web](https://example.org/x)" in out and "[here](#top)" in out and "![img](https://img" in out
    guide = build.rewrite_links("[readme](../README.md) [nb](../notebooks/01_a.ipynb) [t](../tests)",
                                origin="docs/INSTRUCTORS.md", pages=pages)
    assert guide == (f"[readme](index.md) [nb](notebooks/01_a.ipynb) "
                     f"[t](https://github.com/{build.GITHUB}/tree/main/tests)")


def test_assemble_refuses_a_missing_copy(tmp_path):
    with pytest.raises(build.SiteError, match="no executed copy"):
        build.assemble(tmp_path / "nothing", tmp_path / "src", select=["01"])
    with pytest.raises(build.SiteError, match="no notebook selected"):
        build.assemble(tmp_path / "nothing", tmp_path / "src", select=["99"])


def test_main_reports_the_reason_and_fails(tmp_path, capsys):
    assert build.main(["--executed", str(tmp_path / "none"), "--out", str(tmp_path / "b"), "--only", "01"]) == 1
    assert "make book: 01_" in capsys.readouterr().err


# --------------------------------------------------------------------------- the nbval plugin
def test_nbval_plugin_writes_what_nbval_ran(tmp_path):
    """One nbval run: the check fails on the broken cell, and the copy holds every output and the failure."""
    pytest.importorskip("nbval")
    nb = _nb([_md("# demo"), _code("x = 6 * 7\nprint('printed', x)"), _code("x"), _code("1 / 0"),
              _code("'after'")], kernelspec={"name": "python3", "display_name": "Python 3", "language": "python"})
    _write(tmp_path / "demo.ipynb", nb)
    env = {**os.environ, "PYTHONPATH": str(SITE / "_ext")}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax", "--nbval-current-env",
         "-p", "nbval_executed", "--executed-to", str(tmp_path / "run"), "demo.ipynb"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stdout + proc.stderr  # nbval's check is unchanged: the error fails it
    assert "1 failed, 3 passed" in proc.stdout, proc.stdout
    out = json.loads((tmp_path / "run" / "demo.ipynb").read_text(encoding="utf-8"))
    code = [c for c in out["cells"] if c["cell_type"] == "code"]
    assert [c["execution_count"] for c in code] == [1, 2, 3, 4]
    assert code[0]["outputs"][0]["name"] == "stdout" and "".join(code[0]["outputs"][0]["text"]) == "printed 42\n"
    assert "".join(code[1]["outputs"][0]["data"]["text/plain"]) == "42" and code[1]["outputs"][0]["execution_count"] == 2
    assert code[2]["outputs"][0]["output_type"] == "error" and code[2]["outputs"][0]["ename"] == "ZeroDivisionError"
    assert "".join(code[3]["outputs"][0]["data"]["text/plain"]) == "'after'"
    assert out["metadata"]["mgc_executed"] == {"by": "nbval", "failed": [2]}
    with pytest.raises(build.SiteError, match=r"\[2\] failed"):
        build.check_copy(tmp_path / "demo.ipynb", tmp_path / "run" / "demo.ipynb")


def test_warnings_about_the_pages_fail_docstring_warnings_do_not(tmp_path):
    src = tmp_path / "src"
    lines = [f"{src}/notebooks/01_a.ipynb:12: WARNING: skipping unknown output mime type: x [mystnb.unknown_mime_type]",
             f"{src}/index.md:3: WARNING: cross-reference target not found: 'x' [myst.xref_missing]",
             f"{REPO}/mgc_helpers/training.py:docstring of mgc_helpers.training.f:10: ERROR: Unexpected indentation."]
    assert build.page_warnings(lines, src) == lines[:2]


def test_api_page_lists_every_module_of_the_package():
    names = build.modules()
    assert "mgc_helpers" in names and "mgc_helpers.audio" in names and "mgc_helpers.datasets.gtzan" in names
    assert not any(part.startswith("_") for n in names for part in n.split("."))  # __main__, _tensorflow
    page = build.api_page()
    assert ":recursive:" in page and "\n   mgc_helpers.audio\n" in page
