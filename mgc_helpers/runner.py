"""Run the course's notebooks with their parameters overridden: executed copies, wall time, peak memory.

A maintainer's tool (issue 15; nothing in the package imports it). Each notebook is
executed in a fresh kernel with its ``parameters`` cell overridden by papermill's
parameter injection (``DATASET="gtzan"``, ``PROFILE="cpu"``, any other parameter);
the executed copy is written to an output folder (default ``<cache root>/runs``,
ignored by git) and the run is measured: wall time (kernel start included) and the
peak resident memory of the kernel's process tree (its joblib workers too).

>>> results = run_notebooks(["03", "05"], parameters={"DATASET": "gtzan"})  # doctest: +SKIP
>>> print(markdown_table(results))                                         # doctest: +SKIP

Command line::

    python -m mgc_helpers.runner 03 05 --dataset gtzan [--data-dir DIR] [--out DIR] [-p NAME=VALUE ...]

prints a Markdown table and exits 1 when a notebook fails (the failing cell is named),
2 for bad arguments. It also keeps the generated rehearsal archives
(:mod:`mgc_helpers.datasets.rehearsal`) in ``<cache root>/rehearsal`` so that a second
run does not write them again (:func:`rehearsal_mirror`).
"""
from __future__ import annotations

import argparse
import ast
import hashlib
import inspect
import json
import os
import shutil
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from . import config

__all__ = [
    "PeakRSS",
    "RunResult",
    "notebook_dir",
    "find_notebooks",
    "notebook_parameters",
    "run_notebook",
    "run_notebooks",
    "markdown_table",
    "split_lists_folder",
    "rehearsal_folder",
    "rehearsal_mirror",
    "main",
]

#: Environment every kernel gets unless the caller's environment already sets it.
KERNEL_ENV = {"TF_CPP_MIN_LOG_LEVEL": "2", "MPLBACKEND": "Agg"}


# =========================================================================== memory
class PeakRSS:
    """Peak resident memory of a process and all its children, sampled in a thread.

    Used by :func:`run_notebook` and ``benchmarks/bench_notebooks.py``.

    Parameters
    ----------
    get_pid : callable
        Returns the process id to watch, or ``None`` while it does not exist yet.
    interval : float
        Seconds between samples (50 ms: short-lived peaks can be missed).

    Attributes
    ----------
    peak : int
        Largest sum of RSS over the tree seen so far, in bytes.
    """

    def __init__(self, get_pid: Callable[[], int | None], interval: float = 0.05) -> None:
        self.get_pid, self.interval, self.peak = get_pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self, proc: "Any") -> int:
        """RSS of ``proc`` (a :class:`psutil.Process`) and its children now, in bytes."""
        import psutil

        total = proc.memory_info().rss
        for child in proc.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                pass
        return total

    def _run(self) -> None:
        import psutil

        pid = None
        while pid is None and not self._stop.is_set():  # the process may start after the thread
            pid = self.get_pid()
            if pid is None:
                time.sleep(self.interval)
        try:
            proc = psutil.Process(pid)
        except (psutil.Error, TypeError, ValueError):
            return
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, self.sample(proc))
            except psutil.Error:
                return
            self._stop.wait(self.interval)

    def __enter__(self) -> "PeakRSS":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


# =========================================================================== notebooks
@dataclass
class RunResult:
    """One executed notebook.

    Used by :func:`run_notebook` and ``benchmarks/bench_rehearsal.py``.

    Attributes
    ----------
    notebook : str
        File name of the notebook.
    parameters : dict
        What was injected.
    output : str
        The executed copy (outputs up to the failing cell when it failed).
    wall_s : float
        Seconds from kernel start to the end of the last cell run.
    peak_rss_mb : float
        Peak RSS of the kernel's process tree, MiB.
    error : str or None
        ``"cell N (first line): Error: message"``; ``None`` when every cell ran.
    failed_cell : int or None
        Index of the failing cell in the *stored* notebook (the injected cell not counted).
    cell_seconds : dict
        ``{cell index: seconds}`` of every code cell run (stored notebook's indices).
    undeclared : list of str
        Injected names the notebook's ``parameters`` cell does not declare.
    """

    notebook: str
    parameters: dict[str, Any]
    output: str
    wall_s: float
    peak_rss_mb: float
    error: str | None = None
    failed_cell: int | None = None
    cell_seconds: dict[int, float] = field(default_factory=dict)
    undeclared: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether every cell ran."""
        return self.error is None

    def slowest(self, n: int = 3) -> list[tuple[int, float]]:
        """The ``n`` slowest cells as ``(index, seconds)``."""
        return sorted(self.cell_seconds.items(), key=lambda kv: -kv[1])[:n]


def notebook_dir() -> Path:
    """The repository's ``notebooks/`` folder (the tool runs from a checkout)."""
    root = config.repo_root()
    if root is None:
        raise FileNotFoundError("the runner works in a checkout of the course (no notebooks/ folder beside the package)")
    return root / "notebooks"


def find_notebooks(select: Sequence[str] = (), *, folder: str | os.PathLike | None = None) -> list[Path]:
    """The notebooks named by ``select`` (numbers such as ``"03"``, names, or paths); all of them when empty.

    Used by :func:`main` and the rehearsal benchmark.

    Raises
    ------
    ValueError
        A selection that matches no notebook (or several).
    """
    base = Path(folder) if folder is not None else notebook_dir()
    every = sorted(base.glob("[0-9][0-9]_*.ipynb"))
    if not select:
        return every
    out = []
    for s in select:
        path = Path(s)
        if path.suffix == ".ipynb" and path.is_file():
            out.append(path)
            continue
        s = f"{int(s):02d}" if s.isdigit() else s
        hits = [p for p in every if p.name.startswith(s)]
        if len(hits) != 1:
            names = ", ".join(p.name[:2] for p in every)
            raise ValueError(f"{s!r} names {'no' if not hits else 'more than one'} notebook (choose from {names})")
        out.append(hits[0])
    return out


def notebook_parameters(path: str | os.PathLike) -> dict[str, Any]:
    """The names and default values of a notebook's tagged ``parameters`` cell.

    Used by :func:`run_notebook` (to name injected parameters a notebook does not
    declare) and the rehearsal tests (to extract the features a notebook will use).
    Read with :mod:`ast` (papermill's own inspection drops lines such as
    ``HOP = 1024  # 3 s = 65 frames at 22,050 Hz``).

    Returns
    -------
    dict
        ``{name: value}`` in the cell's order; a value that is not a Python literal is
        kept as its source text. Empty when no cell is tagged ``parameters``.
    """
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    cell = next((c for c in nb.get("cells", []) if "parameters" in c.get("metadata", {}).get("tags", [])), None)
    if cell is None:
        return {}
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    out: dict[str, Any] = {}
    for node in ast.parse(source).body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        for target in targets:
            if isinstance(target, ast.Name) and node.value is not None:
                try:
                    out[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    out[target.id] = ast.get_source_segment(source, node.value)
    return out


def _first_line(source: str) -> str:
    line = next((ln.strip() for ln in source.splitlines() if ln.strip() and not ln.strip().startswith("#")), "")
    return line if len(line) <= 70 else line[:67] + "..."


def _error_text(exc: BaseException) -> str:
    name, value = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    if name:
        return f"{name}: {value}"
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"


def _write_atomic(nb: Any, path: Path) -> None:
    import nbformat

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    nbformat.write(nb, str(tmp))
    os.replace(tmp, path)


def _output_name(path: Path, parameters: Mapping[str, Any]) -> str:
    tag = parameters.get("DATASET")
    return f"{path.stem}-{tag}.ipynb" if isinstance(tag, str) and tag else path.name


def _kernel_env(*, data_dir: str | os.PathLike | None, cache_dir: str | os.PathLike | None, progress: bool,
                env: Mapping[str, str] | None) -> dict[str, str]:
    out = dict(os.environ)
    for key, value in KERNEL_ENV.items():
        out.setdefault(key, value)
    if not progress:
        out["TQDM_DISABLE"] = "1"  # tqdm >= 4.66: no progress bars in the executed copies or CI logs
    if data_dir is not None:
        out["MGC_DATA_DIR"] = str(Path(data_dir).expanduser().resolve())
    if cache_dir is not None:
        out["MGC_CACHE_DIR"] = str(Path(cache_dir).expanduser().resolve())
    out.update(env or {})
    return out


def _kernel_pid(km: Any) -> int:
    """The process id of a started kernel: in its provisioner (jupyter_client >= 7) or ``km.kernel`` (6, Colab's)."""
    provisioner = getattr(km, "provisioner", None)
    process = getattr(provisioner, "process", None) if provisioner is not None else getattr(km, "kernel", None)
    if process is None or getattr(process, "pid", None) is None:
        raise RuntimeError("the notebook's kernel has no process id (it did not start?)")
    return int(process.pid)


def run_notebook(
    path: str | os.PathLike,
    *,
    parameters: Mapping[str, Any] | None = None,
    out: str | os.PathLike | None = None,
    data_dir: str | os.PathLike | None = None,
    cache_dir: str | os.PathLike | None = None,
    env: Mapping[str, str] | None = None,
    timeout: int = 3600,
    kernel_name: str = "python3",
    progress: bool = False,
    say: Callable[[str], None] | None = None,
) -> RunResult:
    """Execute one notebook with its parameters overridden; measure it; write the executed copy.

    Used by :func:`main`, the rehearsal tests and ``benchmarks/bench_rehearsal.py``
    (notebooks 01-10 at GTZAN / FMA size, issue 15).

    Parameters
    ----------
    path : path-like
        The notebook (run from its own folder, as Jupyter does).
    parameters : mapping, optional, keyword-only
        Values injected after the tagged ``parameters`` cell (papermill's
        ``injected-parameters`` cell), for example ``{"DATASET": "gtzan"}``.
    out : path-like, optional, keyword-only
        Folder of the executed copies (default ``<cache root>/runs``); the copy is
        named ``<stem>-<DATASET>.ipynb``.
    data_dir, cache_dir : path-like, optional, keyword-only
        ``MGC_DATA_DIR`` / ``MGC_CACHE_DIR`` of the kernel (default: inherited).
    env : mapping, optional, keyword-only
        More environment variables for the kernel.
    timeout : int, keyword-only
        Seconds one cell may run.
    kernel_name : str, keyword-only
        Jupyter kernel.
    progress : bool, keyword-only
        Keep tqdm bars in the notebook and report each cell through ``say``;
        default quiet (``TQDM_DISABLE=1`` in the kernel).
    say : callable, optional, keyword-only
        Receives one line per cell when ``progress`` (default :func:`print` to stderr).

    Returns
    -------
    RunResult
        ``error`` names the failing cell; the run stops at the first failure.
    """
    from nbclient import NotebookClient
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    path = Path(path).resolve()
    parameters = dict(parameters or {})
    declared = notebook_parameters(path)
    nb = load_notebook_node(str(path))  # papermill's reader: every cell gets its ``tags`` list
    if parameters:
        nb = parameterize_notebook(nb, parameters, kernel_name=kernel_name, language="python")
    injected = [i for i, c in enumerate(nb.cells) if "injected-parameters" in c.metadata.get("tags", [])]
    shift = (lambda i: i - 1 if i > injected[0] else i) if injected else (lambda i: i)
    target = Path(out) if out is not None else config.cache_root() / "runs"
    target = target / _output_name(path, parameters)
    say = say or (lambda msg: print(msg, file=sys.stderr, flush=True))
    client = NotebookClient(nb, timeout=timeout, kernel_name=kernel_name,
                            resources={"metadata": {"path": str(path.parent)}})
    result = RunResult(path.name, parameters, str(target), 0.0, 0.0,
                       undeclared=sorted(set(parameters) - set(declared)))
    t0 = time.perf_counter()
    # Cell by cell inside one kernel: NotebookClient.execute() stalled for minutes after a
    # notebook in this harness (kernel clean-up); nbval and this loop do not.
    with client.setup_kernel(env=_kernel_env(data_dir=data_dir, cache_dir=cache_dir, progress=progress, env=env)):
        pid = _kernel_pid(client.km)
        with PeakRSS(lambda: pid) as mem:
            code = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
            for n, (index, cell) in enumerate(code, 1):
                start = time.perf_counter()
                if progress:
                    say(f"{path.name}: cell {shift(index)} ({n}/{len(code)}) {_first_line(cell.source)}")
                try:
                    client.execute_cell(cell, index)
                except Exception as exc:  # the first failure ends the run; the copy shows it
                    result.failed_cell = shift(index)
                    result.error = f"cell {shift(index)} ({_first_line(cell.source)}): {_error_text(exc)}"
                    break
                finally:
                    result.cell_seconds[shift(index)] = round(time.perf_counter() - start, 2)
    result.wall_s = round(time.perf_counter() - t0, 1)
    result.peak_rss_mb = round(mem.peak / 2**20)
    nb.metadata.setdefault("mgc_run", {}).update(
        {k: v for k, v in asdict(result).items() if k in ("parameters", "wall_s", "peak_rss_mb", "error")})
    _write_atomic(nb, target)
    return result


def run_notebooks(select: Sequence[str] = (), **options: Any) -> list[RunResult]:
    """:func:`run_notebook` for each notebook :func:`find_notebooks` selects, in order (failures do not stop it).

    Used by :func:`main` and ``benchmarks/bench_rehearsal.py``.
    """
    return [run_notebook(p, **options) for p in find_notebooks(select)]


def markdown_table(results: Sequence[RunResult], *, budget_s: float | None = None,
                   budget_mb: float | None = None) -> str:
    """A Markdown table of runs: notebook, parameters, wall time, peak RSS, status (budgets met or missed).

    Used by :func:`main` and ``benchmarks/bench_rehearsal.py``.
    """
    rows = ["| notebook | parameters | wall (s) | peak RSS (MB) | status |", "|---|---|--:|--:|---|"]
    for r in results:
        params = ", ".join(f"{k}={v!r}" for k, v in r.parameters.items()) or "(defaults)"
        missed = [what for what, over in (("time", budget_s is not None and r.wall_s > budget_s),
                                          ("memory", budget_mb is not None and r.peak_rss_mb > budget_mb)) if over]
        status = f"FAILED: {r.error}" if r.error else (f"missed ({', '.join(missed)})" if missed else
                                                      ("met" if budget_s or budget_mb else "ok"))
        status = status.replace("|", "\\|")
        rows.append(f"| {r.notebook} | {params} | {r.wall_s:.1f} | {r.peak_rss_mb:.0f} | {status} |")
    return "\n".join(rows)


# =========================================================================== rehearsal archives
def split_lists_folder(*, data_root: str | os.PathLike | None = None) -> Path:
    """Where the real GTZAN split lists (``{train,valid,test}_filtered.txt``) are on this machine.

    Used by :func:`rehearsal_mirror`: ``../shared/gtzan_splits`` (developers and CI),
    else ``<data root>/gtzan/splits`` (after ``python -m mgc_helpers download gtzan_splits``).
    """
    candidates = []
    root = config.repo_root()
    if root is not None:
        candidates.append(root.parent / "shared" / "gtzan_splits")
    candidates.append(Path(data_root) / "gtzan" / "splits" if data_root is not None
                      else config.data_root() / "gtzan" / "splits")
    for folder in candidates:
        if (folder / "train_filtered.txt").is_file():
            return folder
    raise FileNotFoundError("no GTZAN split lists in " + " or ".join(str(c) for c in candidates)
                            + ": run `python -m mgc_helpers download gtzan_splits` first")


def _writer_source(module: Any, writer: str) -> str:
    """The code behind ``module.writer``: its definition and every module-level name it reaches, docstrings left out.

    Editing the FMA writer (or a docstring) does not change the GTZAN key, so the 1.3-GB
    archive is not written again for nothing.
    """
    tree = ast.parse(inspect.getsource(module))
    defs: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            defs[node.name] = node
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                if isinstance(target, ast.Name):
                    defs[target.id] = node
    seen, todo = set(), [writer]
    while todo:
        name = todo.pop()
        if name in seen or name not in defs:
            continue
        seen.add(name)
        todo.extend(n.id for n in ast.walk(defs[name]) if isinstance(n, ast.Name))
    parts = []
    for name in sorted(seen):
        node = defs[name]
        body = getattr(node, "body", None)
        if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
            node = type(node)(**{**{f: getattr(node, f) for f in node._fields}, "body": body[1:] or [ast.Pass()]})
        parts.append(ast.dump(node))
    return "\n".join(parts)


def _rehearsal_key(kind: str, params: Mapping[str, Any]) -> str:
    """Hash of what decides a rehearsal's bytes: the writer's parameters and its version (else its code)."""
    from .datasets import rehearsal

    version = getattr(rehearsal, "VERSION", None)
    if version is None:  # no version number: the writer's code decides
        version = hashlib.sha256(_writer_source(rehearsal, f"write_{kind}").encode("utf-8")).hexdigest()
    text = json.dumps({"kind": kind, "version": str(version), **params}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def rehearsal_folder(kind: str = "gtzan", *, root: str | os.PathLike | None = None, **params: Any) -> Path:
    """Where :func:`rehearsal_mirror` keeps the archives of these parameters (written or not).

    Used by :func:`rehearsal_mirror` and ``benchmarks/bench_rehearsal.py`` (is it cached?).
    """
    if kind not in ("gtzan", "fma"):
        raise ValueError(f"kind must be 'gtzan' or 'fma', got {kind!r}")
    key_params = dict(params)
    if kind == "gtzan":
        lists = Path(params.get("split_lists") or split_lists_folder())
        key_params["split_lists"] = hashlib.sha256(b"".join(
            (lists / f"{p}_filtered.txt").read_bytes() for p in ("train", "valid", "test"))).hexdigest()
    base = Path(root) if root is not None else config.cache_root() / "rehearsal"
    return base / f"{kind}-{_rehearsal_key(kind, key_params)}"


def rehearsal_mirror(
    kind: str = "gtzan",
    *,
    root: str | os.PathLike | None = None,
    n_jobs: int = 2,
    say: Callable[[str], None] = print,
    **params: Any,
) -> Path:
    """A folder of rehearsal archives with its manifest, written once and kept (keyed by parameters and version).

    Used by the rehearsal tests and ``benchmarks/bench_rehearsal.py`` (issue 15): the
    full GTZAN rehearsal is 1.3 GB and takes many minutes to write, so it is reused
    as long as :mod:`~mgc_helpers.datasets.rehearsal` (its ``VERSION``, else the
    code the writer runs, docstrings aside) and the parameters are the same (the
    music synthesiser's code is not in the key: the manifest's hash still verifies
    whatever archive is served). Serve the folder with
    :func:`~mgc_helpers.datasets.rehearsal.serve`.

    Parameters
    ----------
    kind : {"gtzan", "fma"}
        :func:`~mgc_helpers.datasets.rehearsal.write_gtzan` or
        :func:`~mgc_helpers.datasets.rehearsal.write_fma`.
    root : path-like, optional, keyword-only
        Where the folders are kept (default ``<cache root>/rehearsal``).
    n_jobs : int, keyword-only
        Workers of the writer (not part of the key).
    say : callable, keyword-only
        Told when an archive is written and how long it took.
    **params
        The writer's keywords (``per_genre``, ``seconds``, ``fmt``, ``seed``, ``medium``).
        GTZAN's ``split_lists`` defaults to :func:`split_lists_folder`; the lists'
        content is part of the key.

    Returns
    -------
    pathlib.Path
        The folder holding the archives and ``rehearsal.json``.
    """
    from .datasets import rehearsal

    writers = {"gtzan": rehearsal.write_gtzan, "fma": rehearsal.write_fma}
    if kind == "gtzan":
        params["split_lists"] = Path(params.get("split_lists") or split_lists_folder())
    folder = rehearsal_folder(kind, root=root, **params)
    base = folder.parent
    if (folder / rehearsal.MANIFEST).is_file():
        return folder
    tmp = base / f".{folder.name}.{os.getpid()}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    t0 = time.perf_counter()
    try:
        writers[kind](tmp, n_jobs=n_jobs, **params)
        (tmp / "parameters.json").write_text(json.dumps(params, indent=1, sort_keys=True, default=str) + "\n")
        try:
            os.replace(tmp, folder)
        except OSError:  # another process finished first: keep its folder
            if not (folder / rehearsal.MANIFEST).is_file():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    say(f"rehearsal {kind} written in {time.perf_counter() - t0:.0f} s: {folder}")
    return folder


# =========================================================================== command line
def _parameter(text: str) -> tuple[str, Any]:
    name, sep, value = text.partition("=")
    if not sep or not name.isidentifier():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    try:
        return name, ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return name, value  # a bare word is a string


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m mgc_helpers.runner 03 05 --dataset gtzan``: run notebooks, print a table; 1 if one failed.

    Used by ``make rehearsal`` and maintainers (issue 15).
    """
    parser = argparse.ArgumentParser(prog="python -m mgc_helpers.runner", description=__doc__.splitlines()[0])
    parser.add_argument("select", nargs="*", help="notebook numbers or names (default: all)")
    parser.add_argument("--dataset", help='injected as DATASET ("toy", "gtzan", "fma_small", ...)')
    parser.add_argument("--profile", help='injected as PROFILE ("auto", "cpu", "gpu")')
    parser.add_argument("-p", "--parameter", action="append", type=_parameter, default=[], metavar="NAME=VALUE",
                        help="any other parameter (a Python literal, or a bare string)")
    parser.add_argument("--data-dir", help="MGC_DATA_DIR of the kernels")
    parser.add_argument("--cache-dir", help="MGC_CACHE_DIR of the kernels")
    parser.add_argument("--out", help="folder of the executed copies (default <cache root>/runs)")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds one cell may run")
    parser.add_argument("--progress", action="store_true", help="report every cell, keep progress bars")
    parser.add_argument("--json", help="also write the results to this JSON file")
    args = parser.parse_args(argv)
    try:
        notebooks = find_notebooks(args.select)
    except (ValueError, FileNotFoundError) as exc:
        parser.error(str(exc))
    if args.data_dir and not Path(args.data_dir).expanduser().is_dir():
        parser.error(f"--data-dir {args.data_dir!r} is not a folder")
    parameters = dict(args.parameter)
    for name, value in (("DATASET", args.dataset), ("PROFILE", args.profile)):
        if value is not None:
            parameters[name] = value
    results = []
    for path in notebooks:
        r = run_notebook(path, parameters=parameters, out=args.out, data_dir=args.data_dir, cache_dir=args.cache_dir,
                         timeout=args.timeout, progress=args.progress)
        results.append(r)
        if r.undeclared:
            print(f"note: {r.notebook} has no parameter {', '.join(r.undeclared)} (injected anyway)", file=sys.stderr)
    print(markdown_table(results))
    for r in results:
        if r.error:
            print(f"\n{r.notebook} failed at {r.error}\n  executed copy: {r.output}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps([asdict(r) for r in results], indent=1, default=str) + "\n")
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
