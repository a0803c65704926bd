"""Student copies (``make student``): solutions become stubs, nothing of them survives, the rest still runs."""
from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from mgc_helpers import assignments as asg
from mgc_helpers.__main__ import main

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
IDS = [nb.name[:2] for nb in NOTEBOOKS]
STUB = ["# YOUR CODE HERE", "raise NotImplementedError()"]


# --------------------------------------------------------------------------- the transformation, on small inputs
def test_indented_solution_keeps_the_signature_and_the_marker_indent():
    src = ('def f(x):\n    """Twice x."""\n    ### BEGIN SOLUTION\n    y = 2 * x\n    return y\n    ### END SOLUTION\n'
           '\n\nprint(f(3))')
    out, n = asg.clear_solutions(src)
    assert n == 1
    assert out == ('def f(x):\n    """Twice x."""\n    # YOUR CODE HERE\n    raise NotImplementedError()\n'
                   '\n\nprint(f(3))')
    ast.parse(out)


def test_several_regions_in_one_cell_and_at_top_level():
    src = ("import numpy as np\n### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION\n"
           "def g():\n        ### BEGIN SOLUTION\n        return 1\n        ### END SOLUTION\n"
           "class C:\n    def m(self):\n        ### BEGIN SOLUTION\n        return 2\n        ### END SOLUTION")
    out, n = asg.clear_solutions(src)
    assert n == 3
    assert out.splitlines() == ["import numpy as np", *STUB, "def g():", *("        " + s for s in STUB),
                                "class C:", "    def m(self):", *("        " + s for s in STUB)]
    ast.parse(out)
    assert "42" not in out and "return 1" not in out and "return 2" not in out


def test_marker_lines_may_carry_more_text_like_nbgrader():
    out, n = asg.clear_solutions("x = 1\n    ### BEGIN SOLUTION (about 3 lines)\n    y = 2\n    ### END SOLUTION -- done")
    assert n == 1 and out == "x = 1\n    # YOUR CODE HERE\n    raise NotImplementedError()"


def test_markdown_solution_becomes_your_answer_here():
    src = "**Question.** Why?\n\n### BEGIN SOLUTION\nBecause of leakage.\n### END SOLUTION\n\nMore text."
    out, n = asg.clear_solutions(src, cell_type="markdown")
    assert n == 1 and out == "**Question.** Why?\n\nYOUR ANSWER HERE\n\nMore text."


def test_hidden_tests_are_removed_without_a_stub():
    src = "check(f)\n### BEGIN HIDDEN TESTS\nassert f(2) == 4\n### END HIDDEN TESTS\nprint('ok')"
    out, n = asg.clear_solutions(src)
    assert n == 0 and out == "check(f)\nprint('ok')"


def test_cells_without_markers_are_unchanged():
    src = "# a comment that mentions solutions\nx = [1, 2]\n"
    assert asg.clear_solutions(src) == (src, 0)


@pytest.mark.parametrize("src, message", [
    ("def f():\n    ### BEGIN SOLUTION\n    return 1\n", r"opened on line 2 is never closed.*### END SOLUTION"),
    ("### BEGIN SOLUTION\na = 1\n### BEGIN SOLUTION\nb = 2\n### END SOLUTION", r"line 3.*cannot be nested"),
    ("a = 1\n### END SOLUTION", r"line 2: an END marker without its BEGIN"),
    ("### BEGIN SOLUTION\na = 1\n### END HIDDEN TESTS", r"line 3: an END marker without its BEGIN"),
    ("### BEGIN HIDDEN TESTS\nassert True\n", r"hidden region opened on line 1 is never closed"),
])
def test_unbalanced_markers_are_a_clear_error(src, message):
    with pytest.raises(asg.SolutionMarkupError, match=message):
        asg.clear_solutions(src)


def _tiny_notebook() -> nbformat.NotebookNode:
    v4 = nbformat.v4
    nb = v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                                   "widgets": {"application/vnd.jupyter.widget-state+json": {"state": {}}}})
    title = v4.new_markdown_cell(
        "# 99 · Tiny\n\n[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
        "(https://colab.research.google.com/github/o/r/blob/main/notebooks/99_tiny.ipynb)\n\nWelcome.")
    params = v4.new_code_cell('DATASET = "toy"', metadata={"tags": ["parameters"]})
    exercise = v4.new_code_cell("def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
                                execution_count=3, metadata={"execution": {"iopub.status.busy": "2024-01-01"}})
    exercise.outputs = [v4.new_output("stream", name="stdout", text="secret output 6\n")]
    check = v4.new_code_cell("mgc.checks.check_double(double)\nprint(double(3))")
    answer = v4.new_markdown_cell("Explain.\n\n### BEGIN SOLUTION\nThe hidden prose answer.\n### END SOLUTION")
    second = v4.new_code_cell("def halve(x):\n    ### BEGIN SOLUTION\n    return x / 2\n    ### END SOLUTION")
    unchecked = v4.new_code_cell("print(halve(4))")
    nb.cells = [title, params, exercise, check, answer, second, unchecked]
    return nb


def test_student_notebook_clears_solutions_outputs_and_timings_and_keeps_the_rest():
    nb = _tiny_notebook()
    before = json.dumps(nb, sort_keys=True)
    student = asg.student_notebook(nb)
    assert json.dumps(nb, sort_keys=True) == before, "the instructor notebook was modified"
    nbformat.validate(student)
    text = json.dumps(student)
    for secret in ("2 * x", "x / 2", "secret output", "hidden prose answer", "colab.research.google.com"):
        assert secret not in text
    cells = student.cells
    assert [c.id for c in cells] == [c.id for c in nb.cells]
    assert cells[0].source == "# 99 · Tiny\n\nWelcome."
    assert cells[1].metadata["tags"] == ["parameters"] and cells[1].source == 'DATASET = "toy"'
    assert cells[2].source.splitlines() == ["def double(x):", *("    " + s for s in STUB)]
    assert cells[2].outputs == [] and cells[2].execution_count is None and "execution" not in cells[2].metadata
    assert cells[3].source == nb.cells[3].source, "the check cell must be kept as it is"
    assert cells[4].source == "Explain.\n\nYOUR ANSWER HERE"
    assert "widgets" not in student.metadata and student.metadata["kernelspec"]["name"] == "python3"
    assert "colab.research.google.com" in asg.student_notebook(nb, keep_badge=True).cells[0].source


def test_markup_errors_name_the_cell():
    nb = _tiny_notebook()
    nb.cells[5].source = "def halve(x):\n    ### BEGIN SOLUTION\n    return x / 2"
    with pytest.raises(asg.SolutionMarkupError, match=r"cell 5 \(code\).*never closed"):
        asg.student_notebook(nb)


def test_exercises_pairs_each_solution_with_the_checks_that_follow():
    found = asg.exercises(_tiny_notebook())
    assert found == [asg.Exercise(cell=2, names=("double",), checks=("check_double",)),
                     asg.Exercise(cell=5, names=("halve",), checks=())]


def test_write_student_copies_and_the_cli(tmp_path, capsys):
    src, dest = tmp_path / "nb", tmp_path / "student"
    src.mkdir()
    nbformat.write(_tiny_notebook(), src / "99_tiny.ipynb")
    (src / "notes.ipynb").write_text("not a course notebook, not matched")
    dest.mkdir()
    (dest / "mine.txt").write_text("kept")
    report = asg.write_student_copies(src, dest)
    assert [(r.dest.name, r.n_solutions, r.n_checked, len(r.exercises)) for r in report] == [("99_tiny.ipynb", 3, 1, 2)]
    assert sorted(p.name for p in dest.iterdir()) == ["99_tiny.ipynb", "mine.txt"]
    nbformat.validate(nbformat.read(dest / "99_tiny.ipynb", as_version=4))

    assert main(["student", "--src", str(src), "--dest", str(tmp_path / "cli")]) == 0
    out = capsys.readouterr().out
    assert "99_tiny.ipynb" in out and "3 solution(s) cleared, 1 auto-checked exercise(s): check_double" in out
    assert (tmp_path / "cli" / "99_tiny.ipynb").is_file()

    assert main(["student", "--src", str(tmp_path / "empty"), "--dest", str(tmp_path / "x")]) == 1
    assert "no notebook matching" in capsys.readouterr().err
    broken = _tiny_notebook()
    broken.cells[2].source = "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x"
    nbformat.write(broken, src / "98_broken.ipynb")
    assert main(["student", "--src", str(src), "--dest", str(tmp_path / "y")]) == 1
    assert "98_broken.ipynb: cell 2 (code)" in capsys.readouterr().err
    assert not (tmp_path / "y" / "98_broken.ipynb").exists()


def test_make_student_target_calls_the_cli():
    out = subprocess.run(["make", "-n", "student"], cwd=REPO, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "-m mgc_helpers student" in out.stdout
    assert "student/" in (REPO / ".gitignore").read_text().split()


# --------------------------------------------------------------------------- every course notebook
def _solution_lines(nb) -> set[str]:
    """Stripped lines inside solution regions that appear nowhere else in the instructor notebook."""
    inside, outside = set(), set()
    for cell in nb.cells:
        region = False
        for line in cell.source.split("\n"):
            if asg.BEGIN_SOLUTION in line:
                region = True
            elif asg.END_SOLUTION in line:
                region = False
            else:
                (inside if region else outside).add(line.strip())
    return {line for line in inside - outside if len(line) > 3}


@pytest.fixture(scope="module")
def copies(tmp_path_factory) -> dict[str, Path]:
    dest = tmp_path_factory.mktemp("student")
    report = asg.write_student_copies(REPO / "notebooks", dest)
    assert [r.source for r in report] == NOTEBOOKS
    return {r.source.name: r.dest for r in report}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_solution_text_survives_in_the_student_copy(path, copies):
    nb = nbformat.read(path, as_version=4)
    secrets = _solution_lines(nb)
    assert secrets, f"{path.name}: no solution lines found"
    raw = copies[path.name].read_text()
    student = nbformat.reads(raw, as_version=4)
    text = "\n".join(c.source for c in student.cells)
    leaked = sorted(s for s in secrets if s in text or json.dumps(s)[1:-1] in raw)
    assert not leaked, f"{path.name}: solution lines left in the student copy: {leaked}"
    assert "BEGIN SOLUTION" not in raw and "END SOLUTION" not in raw


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_student_copy_is_a_valid_notebook_with_stubs_and_the_same_checks(path, copies):
    from IPython.core.inputtransformer2 import TransformerManager

    nb = nbformat.read(path, as_version=4)
    student = nbformat.read(copies[path.name], as_version=4)
    nbformat.validate(student)
    assert len(student.cells) == len(nb.cells)
    found = asg.exercises(nb)
    exercise_cells = {e.cell for e in found}
    answer_cells = set(asg.answer_cells(nb))
    n_regions = sum(c.source.count(asg.BEGIN_SOLUTION) for c in nb.cells)
    assert sum(c.source.count(STUB[1]) for c in student.cells) == n_regions
    for i, (mine, theirs) in enumerate(zip(nb.cells, student.cells)):
        assert theirs.cell_type == mine.cell_type and theirs.get("id") == mine.get("id")
        extra = [asg.RAISES_EXCEPTION] if i in answer_cells else []  # "Run all" goes on past them
        assert theirs.metadata.get("tags", []) == mine.metadata.get("tags", []) + extra
        if theirs.cell_type == "code":
            assert theirs.outputs == [] and theirs.execution_count is None
            ast.parse(TransformerManager().transform_cell(theirs.source))  # %pip in the set-up cell is fine
        if i in exercise_cells:
            for name in asg.exercises(nb)[[e.cell for e in found].index(i)].names:
                assert re.search(rf"^\s*def {name}\(", theirs.source, re.M), f"{path.name}: {name}'s header is gone"
        elif i > 0:  # the title cell loses its badge; every other non-exercise cell is kept as it is
            assert theirs.source == mine.source, f"{path.name}: cell {i} changed"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_notebook_has_at_least_two_auto_checked_exercises(path):
    found = asg.exercises(nbformat.read(path, as_version=4))
    checked = [e for e in found if e.checks]
    assert len(checked) >= 2, f"{path.name}: {len(checked)} auto-checked exercises"
    assert all(e.names for e in found), f"{path.name}: an exercise without a function to write"
    import mgc_helpers.checks as checks

    for e in checked:
        for name in e.checks:
            assert callable(getattr(checks, name, None)), f"{path.name}: mgc.checks.{name} does not exist"


# --------------------------------------------------------------------------- "Run all" reaches the end
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_check_cell_and_use_of_an_answer_is_tagged_raises_exception_in_the_student_copy(path, copies):
    nb = nbformat.read(path, as_version=4)
    student = nbformat.read(copies[path.name], as_version=4)
    tagged = [i for i, c in enumerate(student.cells) if asg.RAISES_EXCEPTION in c.metadata.get("tags", [])]
    assert tagged == asg.answer_cells(nb)
    assert not any(asg.RAISES_EXCEPTION in c.metadata.get("tags", []) for c in nb.cells), \
        "instructor copies run without errors (nbval): no raises-exception tag there"
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    for e in asg.exercises(nb):
        assert e.cell not in tagged  # defining the stub raises nothing
        for j in code[code.index(e.cell) + 1: code.index(e.cell) + 1 + asg.CHECK_WINDOW]:
            if any(f"mgc.checks.{check}(" in nb.cells[j].source for check in e.checks):
                assert j in tagged, f"{path.name}: the check cell {j} of {e.names} would stop Run all"
        for j in code:
            if j > e.cell and any(re.search(rf"(?<![\w.]){n}\(", nb.cells[j].source) for n in e.names):
                assert j in tagged or asg.BEGIN_SOLUTION in nb.cells[j].source, \
                    f"{path.name}: cell {j} calls {e.names} untagged"


def test_answer_cells_finds_checks_and_later_calls_only():
    cells = [nbformat.v4.new_code_cell(s) for s in (
        "x = 1",
        "def f(a):\n    ### BEGIN SOLUTION\n    return a\n    ### END SOLUTION",
        "mgc.checks.check_f(f)",
        "print(x)",
        "y = f(2)   # a use of the answer",
        "obj.f(3); g = lambda: 0",       # another object's method f: not the answer
        "mgc.checks.check_other(x)",  # outside the check window of f, and no call of f
    )]
    nb = nbformat.v4.new_notebook(cells=cells)
    assert asg.answer_cells(nb) == [2, 4]
    student = asg.student_notebook(nb)
    assert [c.metadata.get("tags") for c in student.cells] == [None, None, ["raises-exception"], None,
                                                              ["raises-exception"], None, None]
    cells[2].metadata["tags"] = ["keep"]
    assert asg.student_notebook(nb).cells[2].metadata["tags"] == ["keep", "raises-exception"]
    assert nb.cells[2].metadata["tags"] == ["keep"]  # the input is not modified


def _top_level_names(source: str) -> tuple[set[str], set[str]]:
    """(names a cell binds at top level, names it reads) — the read ones include those read inside functions."""
    from IPython.core.inputtransformer2 import TransformerManager

    tree = ast.parse(TransformerManager().transform_cell(source))
    bound, read = set(), set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (bound if isinstance(node.ctx, ast.Store) else read).add(node.id)
    return bound, read


@pytest.mark.parametrize("name", ["03_classical_baselines_pca.ipynb", "04_ffnn.ipynb"])
def test_no_cell_after_an_exercise_needs_its_answer(name, copies):
    """Notebooks 03 and 04 (too slow to execute here): Run all of the student copy reaches the last cell.

    The cells that fail while an exercise is unsolved are tagged (the test above); a later untagged
    cell must read no name that only those cells, or the exercise, bind.
    """
    student = nbformat.read(copies[name], as_version=4)
    code = [i for i, c in enumerate(student.cells) if c.cell_type == "code"]
    failing = {i for i in code if asg.RAISES_EXCEPTION in student.cells[i].metadata.get("tags", [])}
    exercise_names = {n for e in asg.exercises(nbformat.read(REPO / "notebooks" / name, as_version=4))
                      for n in e.names}
    assert failing and exercise_names
    unsafe, safe, problems = set(exercise_names), set(), []
    for i in code:
        bound, read = _top_level_names(student.cells[i].source)
        if i in failing:
            unsafe |= bound - safe
            continue
        needs = (read & unsafe) - bound
        if needs:
            problems.append((i, sorted(needs)))
        safe |= bound
        unsafe -= bound
    assert not problems, f"{name}: untagged cells read names that only unsolved exercises bind: {problems}"


# --------------------------------------------------------------------------- the student copies run
def _run_cells(path: Path) -> list[tuple[int, str, str]]:
    """Execute a notebook cell by cell in a kernel of this Python (errors allowed): (cell, ename, evalue)."""
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from nbclient import NotebookClient

    class ThisPython(KernelSpecManager):  # like nbval's --nbval-current-env
        def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
            return KernelSpec(argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                              display_name="this python", language="python")

    nb = nbformat.read(path, as_version=4)
    # as "Run all": a failing cell stops the run (CellExecutionError) unless it is tagged raises-exception
    client = NotebookClient(nb, timeout=120, allow_errors=False, resources={"metadata": {"path": str(path.parent)}})
    client.km = KernelManager(kernel_name="this-python", kernel_spec_manager=ThisPython())
    with client.setup_kernel():  # cell by cell, as benchmarks/bench_notebooks.py does
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
    last = max(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    assert nb.cells[last].execution_count is not None, "the run did not reach the last cell"
    return [(i, o.ename, o.evalue) for i, c in enumerate(nb.cells) for o in c.get("outputs", [])
            if o.output_type == "error"]


# Light notebooks (< 30 s each on 2 cores); notebook 03 (~50 s) was run by hand, see docs/INSTRUCTORS.md.
@pytest.mark.parametrize("name", ["01_audio_basics_fourier.ipynb", "09_spectral_clustering_segmentation.ipynb"])
def test_student_copy_runs_except_for_the_exercises_and_their_checks(name, copies):
    nb = nbformat.read(REPO / "notebooks" / name, as_version=4)
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    allowed: dict[int, set[str]] = {}
    for e in asg.exercises(nb):
        allowed[e.cell] = {"NotImplementedError"}
        for j in code[code.index(e.cell) + 1: code.index(e.cell) + 1 + asg.CHECK_WINDOW]:
            if any(f"mgc.checks.{c}(" in nb.cells[j].source for c in e.checks):
                allowed[j] = {"ExerciseError", "NameError"}
    errors = _run_cells(copies[name])
    unexpected = [(i, ename, evalue.splitlines()[0] if evalue else "") for i, ename, evalue in errors
                  if ename not in allowed.get(i, set())]
    assert not unexpected, f"{name}: cells that fail without the exercises' answers: {unexpected}"
    failing_checks = {i for i, ename, evalue in errors if ename == "ExerciseError"}
    assert failing_checks and all("NotImplementedError" in evalue for i, ename, evalue in errors if i in failing_checks)
    n_checked = sum(1 for e in asg.exercises(nb) if e.checks)
    assert len(failing_checks) == n_checked, "every check should tell the student the answer is missing"


# --------------------------------------------------------------------------- graded copies: nbgrader metadata and hidden tests
# These tests check nbgrader's cell format and run the hidden tests themselves; nbgrader's own generate_assignment and
# autograde run on notebook 01's graded copy in tests/test_nbgrader_tools.py (nbgrader: requirements-grading.txt).
_GRADE_ID = re.compile(r"^[a-zA-Z0-9_\-]+$")


def _exercise_namespace(nb, exercise) -> dict:
    """A kernel-like namespace holding the exercise cell's solution (its imports and defs only)."""
    import numpy as np

    import mgc_helpers

    tree = ast.parse(nb.cells[exercise.cell].source)
    tree.body = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom, ast.FunctionDef))]
    namespace = {"np": np, "mgc": mgc_helpers}
    exec(compile(tree, f"<exercise cell {exercise.cell}>", "exec"), namespace)  # noqa: S102
    return namespace


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_graded_notebook_has_nbgrader_metadata_and_one_hidden_test_per_checked_exercise(path):
    nb = nbformat.read(path, as_version=4)
    before = json.dumps(nb, sort_keys=True)
    graded = asg.graded_notebook(nb, seed=123)
    assert json.dumps(nb, sort_keys=True) == before, "the instructor notebook was modified"
    nbformat.validate(graded)
    checked = [e for e in asg.exercises(nb) if e.checks]
    tests = [c for c in graded.cells if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"]
    assert len(tests) == len(checked) == len(asg.hidden_test_cells(nb, seed=1))
    ids = [c.metadata.nbgrader["grade_id"] for c in graded.cells if "nbgrader" in c.metadata]
    assert len(ids) == len(set(ids)) and all(_GRADE_ID.match(i) for i in ids)
    for e in checked:  # the answer cell, then its check cell, then its autograder tests cell
        answer = graded.cells.index(next(c for c in graded.cells if c.get("id") == nb.cells[e.cell].get("id")))
        assert graded.cells[answer].metadata.nbgrader == {
            "grade": False, "grade_id": e.names[0], "locked": False, "schema_version": 3, "solution": True,
            "task": False}
        test = next(c for c in tests if c.metadata.nbgrader["grade_id"] == f"test_{e.names[0]}")
        assert test.metadata.nbgrader == {"grade": True, "grade_id": f"test_{e.names[0]}", "locked": True,
                                          "points": asg.POINTS, "schema_version": 3, "solution": False, "task": False}
        position = graded.cells.index(test)
        assert answer < position and any(f"mgc.checks.{c}(" in graded.cells[position - 1].source for c in e.checks)
        lines = test.source.splitlines()
        assert lines.index("### BEGIN HIDDEN TESTS") < lines.index("### END HIDDEN TESTS")
        assert f'grade("{e.checks[0]}", {e.names[0]}, seed=123)' in test.source
    for cell in graded.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    # the student copy of a graded source keeps the visible checks and loses the hidden tests and the seed
    student = asg.student_notebook(graded)
    text = "\n".join(c.source for c in student.cells)
    assert "HIDDEN TESTS" not in text and "seed=123" not in text and "grading import grade" not in text
    assert all("nbgrader" not in c.metadata for c in student.cells)


def test_every_check_of_the_notebooks_has_a_hidden_grader():
    from mgc_helpers.checks.grading import GRADERS

    used = {c for path in NOTEBOOKS for e in asg.exercises(nbformat.read(path, as_version=4)) for c in e.checks}
    assert used and used == set(GRADERS), f"without a grader: {used - set(GRADERS)}; unused: {set(GRADERS) - used}"


def _checked_exercises():
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for e in asg.exercises(nb):
            if e.checks:
                yield pytest.param(path, e, id=f"{path.name[:2]}:{e.names[0]}")


def _hidden_cell(nb, exercise, *, seed):
    return next(c for i, c in asg.hidden_test_cells(nb, seed=seed) if c.metadata.nbgrader["grade_id"]
                == f"test_{exercise.names[0]}")


@pytest.mark.parametrize("path, exercise", list(_checked_exercises()))
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_hidden_tests_accept_the_solution_and_reject_memorised_visible_answers(path, exercise, capsys):
    import pickle

    from mgc_helpers.checks import grading

    nb = nbformat.read(path, as_version=4)
    namespace = _exercise_namespace(nb, exercise)
    name = exercise.names[0]
    cell = _hidden_cell(nb, exercise, seed=2024)
    exec(cell.source, dict(namespace))  # noqa: S102  the notebook's own solution passes the whole cell
    assert "✅ hidden tests passed" in capsys.readouterr().out

    solution = namespace[name]
    seen: dict[bytes, object] = {}

    def record(*args, **kwargs):
        key = pickle.dumps((args, sorted(kwargs.items())))
        try:
            out = solution(*args, **kwargs)
        except Exception as error:  # an input the answer must refuse (e.g. n = 0): refused again
            seen[key] = error
            raise
        seen[key] = out
        return out

    record.__name__ = name
    getattr(namespace["mgc"].checks, exercise.checks[0])(record)  # the visible check's own inputs

    def memorised(*args, **kwargs):  # right on every input of the visible check, and nothing else
        out = seen.get(pickle.dumps((args, sorted(kwargs.items()))))
        if isinstance(out, Exception):
            raise out
        return out

    memorised.__name__ = name
    getattr(namespace["mgc"].checks, exercise.checks[0])(memorised)  # passes the visible check...
    capsys.readouterr()
    with pytest.raises(grading.GradingError, match=rf"`{name}` is wrong on hidden input 1 of"):  # ...not the hidden one
        exec(cell.source, {**namespace, name: memorised})  # noqa: S102


#: One-line wrappers around the course's or the library's own function, which pass the visible checks.
WRAPPERS = {
    "check_alias_frequency": ["lambda freq, sr: mgc.fourier.alias_frequency(freq, sr=sr)"],
    "check_dft": ["lambda x: np.fft.fft(x)", "lambda x: mgc.fourier.dft(x)"],
    "check_n_frames": ["lambda n, n_fft, hop, center: mgc.fourier.n_frames(n, n_fft=n_fft, hop_length=hop, center=center)"],
    "check_hz_to_mel": ["lambda f: __import__('librosa').hz_to_mel(f, htk=True)",
                        "lambda f: mgc.features.hz_to_mel(f, htk=True)"],
    "check_mfcc_from_logmel": ["lambda S_db, n_mfcc: __import__('librosa').feature.mfcc(S=S_db, n_mfcc=n_mfcc)"],
    "check_deltas": ["lambda X: __import__('librosa').feature.delta(X, width=9)", "lambda X: mgc.features.deltas(X)"],
    "check_n_components": ["lambda r, t: mgc.classical.n_components_for_variance(r, t)"],
    "check_majority_vote": ["lambda ids, preds: mgc.evaluation.majority_vote(ids, preds)"],
    "check_soft_vote": ["lambda ids, p: mgc.evaluation.mean_probability(ids, p, classes=list(range(p.shape[1])))"],
    "check_sem_formula": ["lambda r, s: mgc.segmentation.sem_from_autocorrelation(r, s)"],
    "check_adjacency": ["lambda S: mgc.segmentation.adjacency(mgc.segmentation.symmetrize(S))"],
    "check_eigengap_k": ["lambda lam, k_max: mgc.segmentation.eigengap_k(lam, k_min=2, k_max=k_max)"],
    "check_wilson_interval": [
        "lambda k, n, *, z=1.96: (lambda i: (i.low, i.high))(mgc.evaluation.accuracy_interval(k, n, "
        "confidence=2 * __import__('statistics').NormalDist().cdf(z) - 1))",
        "lambda k, n, *, z=1.96: (lambda i: (i.low, i.high))(__import__('scipy.stats').stats.binomtest(k, n)"
        ".proportion_ci(confidence_level=2 * __import__('statistics').NormalDist().cdf(z) - 1, method='wilson'))"],
}


@pytest.mark.parametrize("path, exercise", [p for p in _checked_exercises() if p.values[1].checks[0] in WRAPPERS])
def test_hidden_tests_reject_a_one_line_wrapper_around_the_courses_function(path, exercise, capsys):
    from mgc_helpers.checks import grading

    nb = nbformat.read(path, as_version=4)
    namespace = _exercise_namespace(nb, exercise)
    name = exercise.names[0]
    cell = _hidden_cell(nb, exercise, seed=7)
    for source in WRAPPERS[exercise.checks[0]]:
        wrapper = eval(source, dict(namespace))  # noqa: S307
        wrapper.__name__ = name
        getattr(namespace["mgc"].checks, exercise.checks[0])(wrapper)  # the visible check cannot tell
        assert "✅ Correct" in capsys.readouterr().out
        with pytest.raises(grading.GradingError, match=rf"`{name}` calls [\w.]+: the exercise asks you to write it"):
            exec(cell.source, {**namespace, name: wrapper})  # noqa: S102
    # blocking is undone afterwards, whatever happened
    import numpy as np

    import mgc_helpers

    assert np.fft.fft.__name__ == "fft" and mgc_helpers.fourier.dft.__name__ == "dft"
    assert mgc_helpers.segmentation.eigengap_k.__name__ == "eigengap_k"


def test_grade_blocks_a_function_imported_under_another_name_and_restores_it():
    import numpy as np

    from mgc_helpers.checks import grading

    cell = "from numpy.fft import fft as my_fft_alias\n\ndef my_dft(x):\n    return my_fft_alias(x)\n"
    namespace: dict = {}
    exec(cell, namespace)  # noqa: S102  a notebook cell: the alias is a global of the student's function
    with pytest.raises(grading.GradingError, match=r"`my_dft` calls numpy.fft.fft"):
        grading.grade("check_dft", namespace["my_dft"], seed=3)
    assert namespace["my_fft_alias"] is np.fft.fft

    from numpy.fft import fft as local_alias

    def my_dft(x):  # the alias in a closure
        return local_alias(x)

    with pytest.raises(grading.GradingError, match=r"`my_dft` calls numpy.fft.fft"):
        grading.grade("check_dft", my_dft, seed=3)
    assert my_dft.__closure__[0].cell_contents is np.fft.fft
    with pytest.raises(grading.GradingError, match="should be a function"):
        grading.grade("check_dft", 42, seed=3)
    with pytest.raises(grading.GradingError, match="crashed on hidden input 1"):
        grading.grade("check_dft", lambda x: x.undefined, seed=3)
