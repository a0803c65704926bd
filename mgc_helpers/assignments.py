"""Student copies of the course notebooks: every solution replaced by a stub, outputs cleared.

Used with every notebook's exercises (instructors: ``docs/INSTRUCTORS.md``; ``make student`` or
``python -m mgc_helpers student``). The markup is nbgrader's: in a code cell, the lines from
``### BEGIN SOLUTION`` to ``### END SOLUTION`` become ``# YOUR CODE HERE`` and
``raise NotImplementedError()``, indented like the ``BEGIN`` marker, so a function header written
above the markers stays; in a markdown cell the region becomes ``YOUR ANSWER HERE``. Regions between
``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS`` are removed as nbgrader removes them. The
check cells that follow an exercise are kept as they are, and tagged ``raises-exception``
(:func:`answer_cells`): an unsolved exercise still fails its check with the check's message, and
"Run all" goes on past it (JupyterLab, Notebook 7, VS Code and nbclient send such a cell with
``stop_on_error=False``) to the end of the notebook, whose other cells never need an answer. As in nbgrader, a marker is any line that
contains ``BEGIN SOLUTION`` / ``END SOLUTION``; unlike nbgrader, a stray ``END`` marker is an error too.

Why not nbgrader's own ``generate_assignment``? nbgrader 0.9 installs cleanly, but

- its ``ClearSolutions`` step refuses solution regions in cells that do not carry nbgrader's cell
  metadata (``enforce_metadata``), and ours carry none: the notebooks stay plain notebooks that run the
  same on Colab, Binder and JupyterLab;
- it needs its course layout (``source/<assignment>/``), a gradebook database (SQLAlchemy, Alembic) and
  Jupyter server extensions (``notebook`` 7), far more than the ~60 lines of the transformation;
- the course's tests and ``make student`` must run in the course's light environment (no TensorFlow,
  no nbgrader); this module needs only the standard library and nbformat.

The output is what nbgrader would write for the solution regions, so instructors who grade with
nbgrader can still use the instructor notebooks as nbgrader sources (see ``docs/INSTRUCTORS.md``).

Graded copies: :func:`graded_notebook` turns an instructor notebook into an nbgrader source, with
nbgrader's cell metadata (schema 3) and, after each auto-checked exercise, an "autograder tests"
cell (:func:`hidden_test_cells`): the visible check again, then a ``### BEGIN HIDDEN TESTS`` region
that calls :func:`mgc_helpers.checks.grading.grade` on hidden inputs with the course's and the
library's own functions blocked, so that a one-line wrapper around them scores nothing.
"""
from __future__ import annotations

import copy
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "BEGIN_SOLUTION",
    "END_SOLUTION",
    "CODE_STUB",
    "TEXT_STUB",
    "SolutionMarkupError",
    "Exercise",
    "StudentCopy",
    "clear_solutions",
    "exercises",
    "answer_cells",
    "RAISES_EXCEPTION",
    "student_notebook",
    "write_student_copies",
    "hidden_test_cells",
    "graded_notebook",
]

#: Part of a line that opens a solution region (nbgrader's delimiter).
BEGIN_SOLUTION = "BEGIN SOLUTION"
#: Part of a line that closes a solution region.
END_SOLUTION = "END SOLUTION"
#: Part of a line that opens a region removed from student copies altogether (nbgrader's hidden tests).
BEGIN_HIDDEN = "BEGIN HIDDEN TESTS"
#: Part of a line that closes a hidden-tests region.
END_HIDDEN = "END HIDDEN TESTS"
#: What replaces a solution region in a code cell (nbgrader's Python stub).
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
#: What replaces a solution region in a markdown cell.
TEXT_STUB = "YOUR ANSWER HERE"

#: The "Open in Colab" badge of a notebook's title cell (it opens the instructor version on GitHub).
_COLAB_BADGE = re.compile(r"^\[!\[Open In Colab\]\([^)]*\)\]\(https://colab\.research\.google\.com/[^)]*\)[ \t]*\n?\n?",
                          re.M)
_CHECK_CALL = re.compile(r"\bmgc\.checks\.(check_\w+)\s*\(")
_DEF = re.compile(r"^\s*def\s+(\w+)\s*\(", re.M)

#: Code cells after an exercise that are searched for its check (as tests/test_notebooks.py does).
CHECK_WINDOW = 2
#: The cell tag with which Jupyter's front ends and nbclient run on after the cell fails ("Run all" does not stop).
RAISES_EXCEPTION = "raises-exception"


class SolutionMarkupError(ValueError):
    """The solution markers of a cell are unbalanced (nested, or a ``BEGIN`` without its ``END``)."""


@dataclass(frozen=True)
class Exercise:
    """One exercise of a notebook: the cell with a solution region and the check that follows it."""

    cell: int
    """Index of the exercise cell in the notebook."""
    names: tuple[str, ...]
    """Functions the student writes (``def`` lines of the cell)."""
    checks: tuple[str, ...]
    """``mgc.checks`` functions called by the next code cells (empty: not auto-checked)."""


@dataclass
class StudentCopy:
    """What :func:`write_student_copies` did to one notebook."""

    source: Path
    dest: Path
    n_solutions: int
    """Solution regions replaced by stubs."""
    exercises: list[Exercise] = field(default_factory=list)

    @property
    def n_checked(self) -> int:
        """Exercises followed by an automatic check."""
        return sum(1 for e in self.exercises if e.checks)


def _source(cell: Any) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def clear_solutions(source: str, *, cell_type: str = "code") -> tuple[str, int]:
    """Replace every solution region of one cell's source by the stub.

    Parameters
    ----------
    source : str
        The cell's source.
    cell_type : {"code", "markdown", "raw"}, keyword-only
        Code cells get :data:`CODE_STUB`, the others :data:`TEXT_STUB`.

    Returns
    -------
    new_source : str
        The source with each region (marker lines included) replaced by the stub, indented like
        the line of its ``BEGIN`` marker; hidden-test regions are removed.
    n_regions : int
        Number of solution regions replaced.

    Raises
    ------
    SolutionMarkupError
        Nested regions, an ``END`` marker without a ``BEGIN``, or a ``BEGIN`` without its ``END``.

    Examples
    --------
    >>> print(clear_solutions("def f(x):\\n    ### BEGIN SOLUTION\\n    return 2 * x\\n    ### END SOLUTION")[0])
    def f(x):
        # YOUR CODE HERE
        raise NotImplementedError()
    """
    stub = (CODE_STUB if cell_type == "code" else TEXT_STUB).split("\n")
    out: list[str] = []
    region: str | None = None  # "solution", "hidden" or None
    opened_at = 0
    n = 0
    lines = source.split("\n")
    for number, line in enumerate(lines, start=1):
        begins = BEGIN_SOLUTION in line or BEGIN_HIDDEN in line
        ends = END_SOLUTION in line or END_HIDDEN in line
        if begins:
            if region is not None:
                raise SolutionMarkupError(f"line {number}: a new region begins inside the {region} region opened "
                                          f"on line {opened_at} (regions cannot be nested):\n{line}")
            region, opened_at = ("solution" if BEGIN_SOLUTION in line else "hidden"), number
            if region == "solution":
                n += 1
                indent = re.match(r"\s*", line).group(0)
                out.extend(indent + s for s in stub)
        elif ends:
            kind = "solution" if END_SOLUTION in line else "hidden"
            if region != kind:
                raise SolutionMarkupError(f"line {number}: an END marker without its BEGIN "
                                          f"({'END SOLUTION' if kind == 'solution' else 'END HIDDEN TESTS'}):\n{line}")
            region = None
        elif region is None:
            out.append(line)
    if region is not None:
        marker = "### END SOLUTION" if region == "solution" else "### END HIDDEN TESTS"
        raise SolutionMarkupError(f"the {region} region opened on line {opened_at} is never closed: "
                                  f"add a line `{marker}` after it.")
    return "\n".join(out), n


def exercises(nb: Any) -> list[Exercise]:
    """List a notebook's exercises and the checks that follow them.

    An exercise is a code cell with a solution region; its checks are the ``mgc.checks.check_*``
    calls in the next :data:`CHECK_WINDOW` code cells (the rule of ``tests/test_notebooks.py``).

    Parameters
    ----------
    nb : NotebookNode or dict
        An instructor notebook (format 4).

    Returns
    -------
    list of Exercise
    """
    cells = nb["cells"]
    code = [i for i, c in enumerate(cells) if c["cell_type"] == "code"]
    found = []
    for pos, i in enumerate(code):
        src = _source(cells[i])
        if BEGIN_SOLUTION not in src:
            continue
        checks: list[str] = []
        for j in code[pos + 1: pos + 1 + CHECK_WINDOW]:
            nxt = _source(cells[j])
            if BEGIN_SOLUTION in nxt:
                break  # the next exercise
            checks += [m for m in _CHECK_CALL.findall(nxt) if m not in checks]
        found.append(Exercise(cell=i, names=tuple(_DEF.findall(src)), checks=tuple(checks)))
    return found


def answer_cells(nb: Any) -> list[int]:
    """The code cells that fail while an exercise is unsolved: its checks and every use of the student's function.

    Used for the student copies of every notebook (:func:`student_notebook` tags them
    :data:`RAISES_EXCEPTION`). A cell after an exercise cell counts when it calls one of the
    exercise's checks (``mgc.checks.check_*(…)``, up to its last check cell within
    :data:`CHECK_WINDOW`) or calls a function the exercise defines (``my_alias(``) anywhere later.
    The other cells must not need an answer (tests/test_assignments.py checks it for notebooks 03 and 04).

    Parameters
    ----------
    nb : NotebookNode or dict
        An instructor notebook (format 4), or its graded copy.

    Returns
    -------
    list of int
        Indices of those cells, in order.
    """
    cells = nb["cells"]
    found: set[int] = set()
    for e in exercises(nb):
        calls = [re.compile(rf"(?<![\w.]){re.escape(name)}\s*\(") for name in e.names]
        last_check = _check_cell(nb, e)
        for j in range(e.cell + 1, len(cells)):
            src = _source(cells[j])
            if cells[j]["cell_type"] != "code" or BEGIN_SOLUTION in src:
                continue
            if any(p.search(src) for p in calls) or (j <= last_check and _CHECK_CALL.search(src)):
                found.add(j)
    return sorted(found)


def _tag(cell: Any, tag: str) -> None:
    tags = list(cell.metadata.get("tags", []))
    if tag not in tags:
        cell.metadata["tags"] = tags + [tag]


def student_notebook(nb: Any, *, keep_badge: bool = False) -> Any:
    """The student version of an instructor notebook (the input is not modified).

    Parameters
    ----------
    nb : NotebookNode or dict
        An instructor notebook (format 4), e.g. from ``nbformat.read(path, as_version=4)``.
    keep_badge : bool, keyword-only
        Keep the "Open in Colab" badge of the title cell. It is removed by default because it
        opens the instructor version (with the solutions) from GitHub.

    Returns
    -------
    NotebookNode
        A copy in which every solution region is a stub (see :func:`clear_solutions`), every code
        cell has no outputs and no execution count, and execution timings are gone from the cell
        metadata; tags (``setup``, ``parameters``), cell ids and the notebook metadata are kept. The cells
        that need an exercise's answer (:func:`answer_cells`) are tagged :data:`RAISES_EXCEPTION`, so that
        "Run all" reaches the end of the notebook with the exercises unsolved.

    Raises
    ------
    SolutionMarkupError
        A cell's markers are unbalanced; the message names the cell.
    """
    import nbformat

    new = nbformat.from_dict(copy.deepcopy(dict(nb)))
    for index in answer_cells(nb):
        _tag(new.cells[index], RAISES_EXCEPTION)
    for index, cell in enumerate(new.cells):
        try:
            source, _ = clear_solutions(_source(cell), cell_type=cell.cell_type)
        except SolutionMarkupError as exc:
            raise SolutionMarkupError(f"cell {index} ({cell.cell_type}): {exc}") from None
        if not keep_badge and index == 0 and cell.cell_type == "markdown":
            source = _COLAB_BADGE.sub("", source)
        cell.source = source
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
        cell.metadata.pop("nbgrader", None)  # nbgrader would rewrite it; never ship grading ids to students
        if cell.cell_type != "code":
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
    new.metadata.pop("widgets", None)  # saved widget state belongs to outputs
    new.metadata.pop("celltoolbar", None)
    return new


def write_student_copies(src: str | Path = "notebooks", dest: str | Path = "student", *,
                         pattern: str = "[0-9][0-9]_*.ipynb", keep_badge: bool = False) -> list[StudentCopy]:
    """Write the student copy of every notebook of ``src`` into ``dest``.

    Parameters
    ----------
    src : str or Path
        Folder of the instructor notebooks (default ``notebooks``, relative to the current folder).
    dest : str or Path
        Folder for the student copies (created; files of the same name are overwritten, nothing
        else in it is touched). ``student/`` is git-ignored.
    pattern : str, keyword-only
        Which notebooks of ``src`` (a glob; default: the numbered course notebooks).
    keep_badge : bool, keyword-only
        See :func:`student_notebook`.

    Returns
    -------
    list of StudentCopy
        One entry per notebook, with its number of solution regions and exercises.

    Raises
    ------
    FileNotFoundError
        ``src`` has no notebook matching ``pattern``.
    SolutionMarkupError
        A notebook's markers are unbalanced (nothing is written for it; the message names it).
    """
    import nbformat

    src, dest = Path(src), Path(dest)
    paths = sorted(src.glob(pattern))
    if not paths:
        raise FileNotFoundError(f"no notebook matching {pattern!r} in {src.resolve()}")
    dest.mkdir(parents=True, exist_ok=True)
    report = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        try:
            student = student_notebook(nb, keep_badge=keep_badge)
        except SolutionMarkupError as exc:
            raise SolutionMarkupError(f"{path}: {exc}") from None
        nbformat.validate(student)
        n = sum(clear_solutions(_source(c), cell_type=c["cell_type"])[1] for c in nb.cells)
        target = dest / path.name
        tmp = target.with_name(f".{target.name}.tmp")
        nbformat.write(student, tmp)
        tmp.replace(target)
        report.append(StudentCopy(source=path, dest=target, n_solutions=n, exercises=exercises(nb)))
    return report


#: Points of one auto-checked exercise's autograder tests cell, and of one open question.
POINTS = 1
#: The version of nbgrader's cell metadata written by :func:`graded_notebook`.
NBGRADER_SCHEMA = 3


def _check_cell(nb: Any, exercise: Exercise) -> int:
    """Index of the last code cell (within :data:`CHECK_WINDOW`) that calls one of the exercise's checks."""
    cells = nb["cells"]
    code = [i for i, c in enumerate(cells) if c["cell_type"] == "code"]
    last = exercise.cell
    for j in code[code.index(exercise.cell) + 1: code.index(exercise.cell) + 1 + CHECK_WINDOW]:
        if any(f"mgc.checks.{c}(" in _source(cells[j]) for c in exercise.checks):
            last = j
    return last


def _nbgrader(*, grade_id: str, solution: bool, grade: bool, locked: bool) -> dict[str, Any]:
    meta: dict[str, Any] = {"grade": grade, "grade_id": grade_id, "locked": locked,
                            "schema_version": NBGRADER_SCHEMA, "solution": solution, "task": False}
    if grade:
        meta["points"] = POINTS
    return meta


def hidden_test_cells(nb: Any, *, seed: int | None = None) -> list[tuple[int, Any]]:
    """The nbgrader "autograder tests" cells of a notebook's auto-checked exercises.

    Used for graded copies of every notebook (instructors: ``docs/INSTRUCTORS.md``). Each cell
    runs the exercise's visible check, then, between ``### BEGIN HIDDEN TESTS`` and
    ``### END HIDDEN TESTS`` (removed from student copies, by nbgrader and by
    :func:`clear_solutions`), :func:`mgc_helpers.checks.grading.grade` on inputs drawn from
    ``seed``, which differ from the visible check's, with the course's and the library's own
    functions blocked.

    Parameters
    ----------
    nb : NotebookNode or dict
        An instructor notebook (format 4).
    seed : int, optional, keyword-only
        Seed of the hidden inputs (default: a fresh random one; it lives only in the graded
        source, never in the student copy).

    Returns
    -------
    list of (int, NotebookNode)
        ``(index, cell)``: insert ``cell`` after the notebook's cell ``index`` (the exercise's
        check cell). Each cell carries nbgrader metadata (``grade``, ``locked``, ``points``,
        ``grade_id`` = ``test_<function>``).
    """
    import nbformat

    seed = secrets.randbelow(2 ** 31) if seed is None else int(seed)
    found = []
    for e in exercises(nb):
        if not e.checks or not e.names:
            continue
        name = e.names[0]
        visible = "\n".join(f"mgc.checks.{check}({name})" for check in e.checks)
        hidden = "\n".join(f'grade("{check}", {name}, seed={seed})' for check in e.checks)
        source = (f"# Autograder tests of `{name}`: the visible check, then hidden tests (graded copies only).\n"
                  f"{visible}\n### BEGIN HIDDEN TESTS\nfrom mgc_helpers.checks.grading import grade\n\n"
                  f"{hidden}\n### END HIDDEN TESTS")
        cell = nbformat.v4.new_code_cell(source, metadata={"nbgrader": _nbgrader(
            grade_id=f"test_{name}", solution=False, grade=True, locked=True)})
        found.append((_check_cell(nb, e), cell))
    return found


def graded_notebook(nb: Any, *, seed: int | None = None) -> Any:
    """An nbgrader source of an instructor notebook: nbgrader metadata and hidden tests (the input is not modified).

    Used for graded copies of every notebook (instructors: ``docs/INSTRUCTORS.md``).

    Parameters
    ----------
    nb : NotebookNode or dict
        An instructor notebook (format 4).
    seed : int, optional, keyword-only
        See :func:`hidden_test_cells`.

    Returns
    -------
    NotebookNode
        A copy in which every code cell with a solution region is an nbgrader "autograded answer"
        (``solution``), every markdown one a "manually graded answer" (``solution`` and ``grade``),
        and each auto-checked exercise is followed by its autograder tests cell. Outputs are cleared. The
        cells that need an answer (:func:`answer_cells`, the test cells included) are tagged
        :data:`RAISES_EXCEPTION`, as in :func:`student_notebook`.

    Raises
    ------
    SolutionMarkupError
        A cell's markers are unbalanced; the message names the cell.
    """
    import nbformat

    new = nbformat.from_dict(copy.deepcopy(dict(nb)))
    for index, cell in enumerate(new.cells):
        try:
            _, n = clear_solutions(_source(cell), cell_type=cell.cell_type)
        except SolutionMarkupError as exc:
            raise SolutionMarkupError(f"cell {index} ({cell.cell_type}): {exc}") from None
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        if n and cell.cell_type == "code":
            names = _DEF.findall(_source(cell))
            cell.metadata["nbgrader"] = _nbgrader(grade_id=names[0] if names else f"answer_cell{index}",
                                                  solution=True, grade=False, locked=False)
        elif n:
            cell.metadata["nbgrader"] = _nbgrader(grade_id=f"answer_cell{index}", solution=True, grade=True,
                                                  locked=False)
    for index, cell in sorted(hidden_test_cells(nb, seed=seed), key=lambda pair: pair[0], reverse=True):
        new.cells.insert(index + 1, cell)
    for index in answer_cells(new):  # nbgrader's release keeps tags: its "Run all" goes on past them too
        _tag(new.cells[index], RAISES_EXCEPTION)
    return new
