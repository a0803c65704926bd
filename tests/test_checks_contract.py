"""The contract of every exercise check, driven by ONE table (:data:`EXERCISES`).

For every check of ``mgc_helpers.checks``:

- the unfinished answer (the student copy's stub, a missing ``return``, ``...``) is rejected with
  the "not written yet" message;
- every wrong answer of the table is rejected, and the message reveals none of the values the
  reference gives on the input the check reports (values that are also in that input, or that the
  wrong answer itself returned, may of course be shown);
- the reference is accepted.

The reference solutions are the notebooks' own (``### BEGIN SOLUTION`` regions of the exercise
cells, read from ``notebooks/*.ipynb``) and the stubs are what the student copies hold in their
place (``assignments.clear_solutions``), so the table holds no second copy of any solution and the
package ships none: ``mgc_helpers`` is what the students import, and a table of solutions in it
would hand them every answer (``mgc.checks.EXERCISES[...].reference``). The three generic checks
(``check_function``, ``check_value``, ``check_shape``), which no notebook calls, carry their own
small reference here.

The structure tests below keep the table, the package layout and the notebooks in step: every
public check is in the table and in ``checks.__all__``, each lives in the module of the notebook
that calls it, in the notebook's order, every ``checks.<name>`` of a notebook resolves, and nothing
in the package imports the checks.
"""
from __future__ import annotations

import ast
import copy
import functools
import importlib
import inspect
import json
import math
import pkgutil
import re
import subprocess
import sys
import traceback
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest

import mgc_helpers
from mgc_helpers import assignments as asg
from mgc_helpers import checks
from mgc_helpers.checks import ExerciseError

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = {p.name[:2]: p for p in sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))}
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
#: A NumPy repr in a message (``np.str_('a')``, ``np.float64(3.0)``, ``array([1, 2])``): messages print plain values.
_NUMPY_REPR = re.compile(r"\b(?:np|numpy)\.(?:str_|bytes_|bool_?|u?int\d*|float\d*|complex\d*|longdouble)\(|\barray\(")
#: Names the checks used to print instead of the student's (the references' names).
_REFERENCE_NAMES = {"dft", "hz_to_mel", "alias_frequency", "n_frames"}


@dataclass(frozen=True)
class Exercise:
    """One row of the table: an exercise, its check, and answers the check must judge."""

    notebook: str | None
    """Two-digit number of the notebook whose exercise cell it is (``None``: a generic check)."""
    answer: str
    """Name of what the student writes (the function defined in the exercise cell)."""
    check: Callable[[Any], None]
    """``check(answer)``: the call the notebook's check cell makes (a generic check: with its arguments bound)."""
    wrong: tuple[Any, ...]
    """Wrong answers; each must be rejected without the message revealing the reference's values."""
    reference: Any = None
    """A right answer; ``None``: the notebook's own solution."""
    stub: Any = None
    """The unfinished answer; ``None``: the student copy's stub of the notebook's solution."""
    value: bool = False
    """The answer is a value (``check_value``/``check_shape``), not a function."""

    @property
    def check_name(self) -> str:
        """Name of the ``mgc_helpers.checks`` function the row exercises."""
        return getattr(self.check, "func", self.check).__name__

    @property
    def id(self) -> str:
        return f"{self.notebook or 'generic'}:{self.answer}"


# --------------------------------------------------------------------------- the notebooks' solutions and stubs
def _exercise_source(notebook: str, name: str) -> str:
    nb = json.loads(NOTEBOOKS[notebook].read_text())
    for e in asg.exercises(nb):
        if name in e.names:
            src = nb["cells"][e.cell]["source"]
            return "".join(src) if isinstance(src, list) else src
    raise LookupError(f"notebook {notebook} has no exercise cell defining {name}()")


@functools.cache
def _define(notebook: str, name: str, *, student: bool) -> Callable[..., Any]:
    """The function ``name`` of a notebook's exercise cell (its imports and defs only, not its prints)."""
    src = _exercise_source(notebook, name)
    if student:
        src, n = asg.clear_solutions(src)
        assert n, f"{notebook}:{name} has no solution region"
    tree = ast.parse(src)
    tree.body = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef))]
    namespace: dict[str, Any] = {"np": np, "mgc": mgc_helpers}
    exec(compile(tree, f"<notebook {notebook}: {name}>", "exec"), namespace)  # noqa: S102
    return namespace[name]


def reference_of(ex: Exercise) -> Any:
    return ex.reference if ex.reference is not None else _define(ex.notebook, ex.answer, student=False)


def stubs_of(ex: Exercise) -> list[Any]:
    if ex.value:
        return [ex.stub, None, ...]
    stub = ex.stub if ex.stub is not None else _define(ex.notebook, ex.answer, student=True)

    def forgot_return(*args, **kwargs):
        _ = args, kwargs

    return [stub, forgot_return]


# --------------------------------------------------------------------------- wrong answers used below
def _dft(x):
    n = len(x)
    k = np.arange(n)
    return np.exp(-2j * np.pi * np.outer(k, k) / n) @ x


def _n_frames(n, n_fft, hop, center):
    return 1 + n // hop if center else 1 + (n - n_fft) // hop


def _deltas(X, n_side=4):
    T = X.shape[-1]
    P = np.pad(X, ((0, 0), (n_side, n_side)), mode="edge")
    num = sum(n * (P[:, n_side + n: n_side + n + T] - P[:, n_side - n: n_side - n + T]) for n in range(1, n_side + 1))
    return num / (2 * sum(n * n for n in range(1, n_side + 1)))


def _dct(S, **kw):
    import scipy.fft

    return scipy.fft.dct(S, **kw)


def _n_components(ratios, target):
    return int(np.searchsorted(np.cumsum(ratios), target - 1e-12) + 1)


def _first_seen_vote(t, p):
    return {k: Counter([q for s, q in zip(t, p) if s == k]).most_common(1)[0][0] for k in t}


def _segment_majority(ids, proba):
    return {t: int(np.bincount(np.argmax(proba[ids == t], axis=1)).argmax()) for t in np.unique(ids)}


def _rnn(kind, d, u):
    return (4 if kind == "lstm" else 3) * (u * (d + u) + u)


def _top_k(T, names, k):
    return [names[i] for i in np.argsort(-np.asarray(T).mean(axis=0), kind="stable")[:k]]


def _squash(text):
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _euclid_centroid(X, y, Z):
    classes = np.unique(y)
    C = np.stack([X[y == c].mean(axis=0) for c in classes])
    return classes[np.argmin(((Z[:, None] - C[None]) ** 2).sum(-1), axis=1)]


def _majority_ensemble(P, c):
    votes = np.argmax(np.stack(P), axis=2)
    return [c[int(np.bincount(v, minlength=len(c)).argmax())] for v in votes.T]


def _one_side_padded(n, n_fft, hop, center):
    """Frames after padding n_fft // 2 zeros on one side only when center=True."""
    return 1 + (n + n_fft // 2 - n_fft) // hop if center else 1 + (n - n_fft) // hop


def _l2(kernels, lam):
    return lam * sum(float((k ** 2).sum()) for k in kernels)


def _centroid_positions(X, y, Z):
    """The right nearest centroids, as positions in np.unique(y) instead of labels."""
    classes = np.unique(y)
    C = np.stack([X[y == c].mean(axis=0) for c in classes])
    C = C / np.linalg.norm(C, axis=1, keepdims=True)
    return np.argmax((Z / np.linalg.norm(Z, axis=1, keepdims=True)) @ C.T, axis=1)


def _eigengap(lam, k_max):
    lam = np.asarray(lam, dtype=float)
    return int(np.argmax(lam[1:k_max] - lam[2:k_max + 1])) + 2


def _wilson(k, n, *, z=1.96, shift=True, widen=True, divide=True):
    """Wilson's interval, or one of its z² terms forgotten (``shift``: z²/2n, ``widen``: z²/4n², ``divide``: 1 + z²/n)."""
    p = k / n
    centre = p + (z * z / (2 * n) if shift else 0.0)
    half = z * np.sqrt(p * (1 - p) / n + (z * z / (4 * n * n) if widen else 0.0))
    d = 1 + z * z / n if divide else 1.0
    return (centre - half) / d, (centre + half) / d


def _wald(k, n, *, z=1.96):
    p = k / n
    half = z * np.sqrt(p * (1 - p) / n)
    return p - half, p + half


def _not_written(*args, **kwargs):
    raise NotImplementedError()


def _power(x, p=1.0):
    return np.asarray(x, dtype=float) ** p


_POWER_INPUTS = [(np.arange(5.0), 2.0), {"x": np.ones(3), "p": 3.0}, np.linspace(0, 1, 4)]


# --------------------------------------------------------------------------- THE table
EXERCISES: list[Exercise] = [
    # notebook 01 (audio basics, Fourier)
    Exercise("01", "my_alias", checks.check_alias_frequency, (
        lambda f, sr: f % sr,
        lambda f, sr: f - sr if f > sr / 2 else f,
        lambda f, sr: sr - f if sr / 2 < f < sr else f % sr,
        lambda f, sr: sr - f % sr if f > sr / 2 else f + 1.0,
    )),
    Exercise("01", "my_dft", checks.check_dft, (
        lambda x: np.conj(_dft(x)), lambda x: _dft(x) / len(x), lambda x: np.abs(_dft(x)),
        lambda x: _dft(x).real, lambda x: np.fft.rfft(x), lambda x: np.roll(_dft(x), 1), lambda x: ["a"] * len(x),
    )),
    Exercise("01", "my_n_frames", checks.check_n_frames, (
        lambda n, f, h, c: _n_frames(n, f, h, not c), lambda n, f, h, c: _n_frames(n, f, h, c) - 1,
        lambda n, f, h, c: 1 + (n - f) / h if not c else 1 + n / h, lambda n, f, h, c: 2 * _n_frames(n, f, h, c),
        _one_side_padded, lambda n, f, h, c: np.float64(_n_frames(n, f, h, c) + 0.5),
    )),
    # notebook 02 (mel, MFCC, deltas)
    Exercise("02", "hz_to_mel_htk", checks.check_hz_to_mel, (
        lambda f: 2595.0 * np.log(1.0 + np.asarray(f) / 700.0),
        lambda f: 2595.0 * math.log10(1.0 + f / 700.0),
        lambda f: __import__("librosa").hz_to_mel(f),
        lambda f: 2595.0 * np.log10(1.0 + np.asarray(f) / 1000.0),
    )),
    Exercise("02", "mfcc_from_logmel", checks.check_mfcc_from_logmel, (
        lambda S, n: _dct(S, type=2, axis=0)[:n], lambda S, n: _dct(S, type=2, norm="ortho", axis=0),
        lambda S, n: _dct(S, type=2, norm="ortho", axis=1)[:n], lambda S, n: _dct(S, type=3, norm="ortho", axis=0)[:n],
        lambda S, n: _dct(S, type=2, norm="ortho", axis=0)[:n].T, lambda S, n: _dct(S ** 2, type=2, norm="ortho", axis=0)[:n],
    )),
    Exercise("02", "deltas", checks.check_deltas, (
        lambda X: -_deltas(X), lambda X: _deltas(X) * 60.0, lambda X: np.gradient(X, axis=-1),
        lambda X: np.diff(X, axis=-1), lambda X: _deltas(X, n_side=2), lambda X: _deltas(X.T).T, lambda X: _deltas(X) + 0.5,
    )),
    # notebook 03 (classical baselines, PCA)
    Exercise("03", "n_components", checks.check_n_components, (
        lambda r, t: _n_components(r, t) - 1, lambda r, t: int(np.argmax(np.cumsum(r) > t)) + 2, lambda r, t: 0.5,
        lambda r, t: np.float64(0.5),
    )),
    Exercise("03", "my_majority_vote", checks.check_majority_vote, (
        _first_seen_vote, lambda t, p: {k: p[0] for k in t}, lambda t, p: {"?": p[0]}, lambda t, p: list(p),
    )),
    # notebook 04 (feed-forward networks)
    Exercise("04", "dense_params", checks.check_dense_params, (
        lambda s: sum(a * b for a, b in zip(s[:-1], s[1:])), lambda s: sum((a + 1) * b for a, b in zip(s[:-2], s[1:-1])),
        lambda s: 7, lambda s: np.float64(12.5),
    )),
    Exercise("04", "l2_penalty", checks.check_l2_penalty, (
        lambda ks, lam: lam * np.sqrt(sum(float((k ** 2).sum()) for k in ks)),
        lambda ks, lam: lam * sum(float(np.abs(k).sum()) for k in ks), lambda ks, lam: sum(float((k ** 2).sum()) for k in ks),
        lambda ks, lam: lam * len(ks), lambda ks, lam: _l2(ks, lam) / 2, lambda ks, lam: 2 * _l2(ks, lam),
    )),
    # notebook 05 (CNN)
    Exercise("05", "conv_output_length", checks.check_conv_output_length, (
        lambda n, k, s, p: n // s if p == "same" else (n - k) // s + 1, lambda n, k, s, p: (n - k) // s,
        lambda n, k, s, p: n,
    )),
    Exercise("05", "soft_vote", checks.check_soft_vote, (
        _segment_majority, lambda ids, p: {t: 0 for t in np.unique(ids)}, lambda ids, p: {"zz": 0}, lambda ids, p: [0],
    )),
    # notebook 06 (LSTM, GRU)
    Exercise("06", "my_rnn_params", checks.check_rnn_params, (
        lambda kind, d, u: _rnn(kind, d, u) - (4 if kind == "lstm" else 3) * u,
        lambda kind, d, u: _rnn(kind, d, u) + (3 * u if kind == "gru" else 0),
        lambda kind, d, u: (4 if kind == "lstm" else 3) * (u * d + u), lambda kind, d, u: _rnn("lstm", d, u),
        lambda kind, d, u: 7, lambda kind, d, u: 12.5, lambda kind, d, u: True,
    )),
    Exercise("06", "my_skip_update", checks.check_skip_gru_update, (
        lambda h, s, a, t, k: (1 - a) * h + a * s, lambda h, s, a, t, k: h,
        lambda h, s, a, t, k: a * h + (1 - a) * s if t > k else h, lambda h, s, a, t, k: h + a * s if t > k else h,
        lambda h, s, a, t, k: 0.5 * h if t > k else h, lambda h, s, a, t, k: h[:2],
    )),
    # notebook 07 (CRNN)
    Exercise("07", "my_conv_params", checks.check_conv_params, (
        lambda kh, kw, c, f: f * kh * kw * c, lambda kh, kw, c, f: f * (kh * kw + 1),
        lambda kh, kw, c, f: c * (kh * kw * f + 1), lambda kh, kw, c, f: kh + kw + c + f,
    )),
    Exercise("07", "my_pooled_length", checks.check_pooled_length, (
        lambda n, pools: functools.reduce(lambda a, p: -(-a // p), pools, n), lambda n, pools: n - sum(pools),
    )),
    # notebook 08 (transfer learning)
    Exercise("08", "top_k_tags", checks.check_top_k_tags, (
        lambda T, n, k: sorted(_top_k(T, n, k)), lambda T, n, k: _top_k(np.asarray(T).max(axis=0, keepdims=True), n, k),
        lambda T, n, k: _top_k(T, n, k + 1), lambda T, n, k: list(n[:k])[::-1] if k > 1 else ["x"], lambda T, n, k: 3,
    )),
    Exercise("08", "name_tag_map", checks.check_name_tag_map, (
        lambda g, n: {x: [t for t in n if x in t] for x in g},
        lambda g, n: {x: [t for t in n if x.lower() in t.lower()] for x in g},
        lambda g, n: {x: [t for t in n if t.lower() == x.lower()] for x in g},
        lambda g, n: {x: v for x in g if (v := [t for t in n if _squash(x) in _squash(t)])},
        lambda g, n: {x: [t for t in n[::-1] if _squash(x) in _squash(t)] for x in g},
        lambda g, n: {x: list(n) for x in g}, lambda g, n: list(g),
    )),
    Exercise("08", "nearest_centroid", checks.check_nearest_centroid, (
        _euclid_centroid, lambda X, y, Z: np.repeat(y[:1], len(Z)), lambda X, y, Z: y, _centroid_positions,
        lambda X, y, Z: np.zeros(len(Z), dtype=int),
    )),
    # notebook 09 (spectral clustering segmentation)
    Exercise("09", "my_sem", checks.check_sem_formula, (
        lambda r, s: (s / r[0] - 1) ** 2 + np.sum((np.asarray(r[1:]) / r[0]) ** 2),
        lambda r, s: (s / r[0] - 1) ** 2,
    )),
    Exercise("09", "my_adjacency", checks.check_adjacency, (
        lambda S: (lambda A: (np.fill_diagonal(A, 0.0), A)[1])(np.exp(-S ** 2)),
        lambda S: np.exp(-((S + S.T) / 2) ** 2), lambda S: np.exp(-(S + S.T) / 2),
    )),
    Exercise("09", "my_eigengap_k", checks.check_eigengap_k, (
        lambda lam, k_max: _eigengap(lam, k_max) - 1, lambda lam, k_max: k_max,
    )),
    # notebook 10 (compare and predict)
    Exercise("10", "ensemble_vote", checks.check_ensemble_vote, (
        lambda P, c: [c[i] for i in np.argmax(np.max(P, axis=0), axis=1)], _majority_ensemble,
        lambda P, c: [c[i] for i in np.argmax(np.mean(P, axis=1), axis=1)],
        lambda P, c: list(np.argmax(np.mean(P, axis=0), axis=1)), lambda P, c: [c[-1]] * len(P[0]), lambda P, c: 3,
    )),
    Exercise("10", "fixed_and_broken", checks.check_fixed_and_broken, (
        lambda y, a, b: (int(np.sum((a == y) & (b != y))), int(np.sum((a != y) & (b == y)))),
        lambda y, a, b: (int(np.sum(b == y)), int(np.sum(a == y))), lambda y, a, b: (0, 0), lambda y, a, b: 1,
        lambda y, a, b: np.int64(1),
    )),
    Exercise("10", "wilson_interval", checks.check_wilson_interval, (
        _wald, lambda k, n, *, z=1.96: _wilson(k, n, z=z, shift=False),
        lambda k, n, *, z=1.96: _wilson(k, n, z=z, widen=False), lambda k, n, *, z=1.96: _wilson(k, n, z=z, divide=False),
        lambda k, n, *, z=1.96: tuple(100 * v for v in _wilson(k, n, z=z)),
        lambda k, n, *, z=1.96: _wilson(k, n, z=z)[::-1], lambda k, n, *, z=1.96: _wilson(k, n),
        lambda k, n, *, z=1.96: np.float64(k / n), lambda k, n, *, z=1.96: (*_wilson(k, n, z=z), k / n),
        lambda k, n: _wilson(k, n),
    )),
    # the generic checks (taught in notebook 01; no notebook's exercise calls them today)
    Exercise(None, "power", functools.partial(checks.check_function, reference_fn=_power, inputs=_POWER_INPUTS,
                                              name="power"), (
        lambda x, p=1.0: np.asarray(x) * p, lambda x, p=1.0: float(np.sum(x)), lambda x, p=1.0: np.log(np.asarray(x) - x),
    ), reference=lambda x, p=1.0: np.power(x, p), stub=_not_written),
    Exercise(None, "n_samples", functools.partial(checks.check_value, expected=30 * 22050, name="n_samples"),
             (600000, 700000, "a lot", np.array([661500, 1])), reference=661500, stub=..., value=True),
    Exercise(None, "S", functools.partial(checks.check_shape, expected_shape=(1025, 44), name="S"),
             (np.zeros((1025, 40)), np.zeros((2050, 22)), np.zeros(1025 * 44), np.zeros((1, 1025, 44))),
             reference=np.zeros((1025, 44)), stub=..., value=True),
]
IDS = [ex.id for ex in EXERCISES]


# --------------------------------------------------------------------------- what a message may not show
class _Spy:
    """Calls the wrong answer, and the reference on a copy of the same input; keeps the last of each."""

    def __init__(self, wrong: Callable[..., Any], reference: Callable[..., Any]) -> None:
        self.wrong, self.reference = wrong, reference
        self.last: tuple[Any, Any, Any] | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.last = (copy.deepcopy((args, kwargs)), self.reference(*copy.deepcopy(args), **copy.deepcopy(kwargs)), None)
        out = self.wrong(*args, **kwargs)
        self.last = (self.last[0], self.last[1], out)
        return out


def _leaves(obj: Any) -> tuple[list[float], list[str]]:
    """Every number (real and imaginary parts, magnitudes, shapes, lengths) and string inside ``obj``."""
    numbers: list[float] = []
    strings: list[str] = []

    def walk(o: Any) -> None:
        if o is None or o is Ellipsis:
            return
        if isinstance(o, str):
            strings.append(o)
        elif isinstance(o, dict):
            numbers.append(len(o))
            for k, v in o.items():
                walk(k)
                walk(v)
        elif hasattr(o, "to_dict"):
            walk(o.to_dict())
        elif isinstance(o, (list, tuple)):
            numbers.append(len(o))
            for v in o:
                walk(v)
        else:
            arr = np.asarray(o)
            numbers.extend(arr.shape)
            if arr.dtype.kind in "US":
                strings.extend(map(str, arr.ravel()))
            elif arr.dtype.kind in "biufc":
                flat = arr.ravel()
                if np.iscomplexobj(flat):
                    numbers.extend(np.concatenate([flat.real, flat.imag, np.abs(flat)]).tolist())
                else:
                    numbers.extend(flat.astype(float).tolist())
            elif arr.dtype == object:
                for v in arr.ravel():
                    walk(v)

    walk(obj)
    return numbers, strings


def _assert_reveals_nothing(message: str, secret: Any, *, shown: Any) -> None:
    """``message`` shows no number or string of ``secret`` except those also in ``shown``."""
    secret_numbers, secret_strings = _leaves(secret)
    shown_numbers, shown_strings = _leaves(shown)
    allowed = np.array([0.0, 1.0, *shown_numbers], dtype=float)
    hidden = np.array([v for v in secret_numbers if np.isfinite(v)
                       and not np.any(np.isclose(v, allowed, rtol=1e-9, atol=1e-12))], dtype=float)
    for token in _NUMBER.findall(message):
        x = float(token)
        assert not np.any(np.isclose(x, hidden, rtol=1e-3, atol=1e-9)), \
            f"{token} (a value of the expected answer) is in the message:\n{message}"
    for s in set(secret_strings) - set(shown_strings):
        assert not re.search(rf"(?<!\w){re.escape(s)}(?!\w)", message), \
            f"{s!r} (part of the expected answer) is in the message:\n{message}"


def test_the_leak_detector_finds_leaks():
    """The rule of :func:`_assert_reveals_nothing` itself: it must catch a value or a name of the answer."""
    for leak in ("it should be 80.", "expected 8.0e+01", "the answer is 80.0001"):
        with pytest.raises(AssertionError, match="value of the expected answer"):
            _assert_reveals_nothing(leak, 80, shown=[(2, 2, 1, 16), 64])
    with pytest.raises(AssertionError, match="part of the expected answer"):
        _assert_reveals_nothing("track 'a' should be jazz", {"a": "jazz"}, shown=[["a"], {"a": "rock"}])
    with pytest.raises(AssertionError, match="value of the expected answer"):
        _assert_reveals_nothing("bin 1 is -2.1575+1.9344j", np.array([1.5, -2.1575 + 1.9344j]), shown=[(8,)])
    _assert_reveals_nothing("For 16 filters of 2x2 on 1 input channel(s), you returned 64.", 80,
                            shown=[(2, 2, 1, 16), 64])
    _assert_reveals_nothing("For freq=440 Hz it returned 440.", 440.0, shown=[(440.0, 22050.0), 880.0])


def _rejected(ex: Exercise, answer: Any) -> str:
    with pytest.raises(ExerciseError) as info:
        ex.check(answer)
    return str(info.value)


# --------------------------------------------------------------------------- the contract, for every check
@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_the_unfinished_answer_is_not_written_yet(ex):
    for stub in stubs_of(ex):
        message = _rejected(ex, stub)
        assert checks.NOT_WRITTEN in message, message
        assert message.startswith("❌")


@pytest.mark.parametrize("ex", [ex for ex in EXERCISES if not ex.value], ids=[ex.id for ex in EXERCISES if not ex.value])
def test_a_non_function_and_a_crash_are_explained(ex):
    assert "should be a function" in _rejected(ex, 42)
    crash = _rejected(ex, lambda *args, **kwargs: undefined_name)  # noqa: F821
    assert "crashed with NameError" in crash and "Hint" in crash


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the wrong answers' log(0) and 0/0
def test_wrong_answers_are_rejected_without_the_answer(ex):
    assert ex.wrong, f"{ex.id}: the table needs at least one wrong answer"
    reference = reference_of(ex)
    for wrong in ex.wrong:
        if ex.value:
            message = _rejected(ex, wrong)
            secret = np.shape(reference) if isinstance(reference, np.ndarray) else reference
            shown = np.shape(wrong) if isinstance(wrong, np.ndarray) else wrong
        else:
            spy = _Spy(wrong, reference)
            message = _rejected(ex, spy)
            assert spy.last is not None, f"{ex.id}: the check never called the answer"
            (args, kwargs), secret, got = spy.last
            shown = [args, kwargs, got]
        assert checks.NOT_WRITTEN not in message, f"a wrong answer is not an unfinished one:\n{message}"
        assert message.startswith("❌"), message
        assert not _NUMPY_REPR.search(message), f"a NumPy repr in the message (print plain values):\n{message}"
        _assert_reveals_nothing(message, secret, shown=shown)


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
def test_the_reference_is_accepted(ex, capsys):
    ex.check(reference_of(ex))
    out = capsys.readouterr().out
    assert out.startswith("✅ Correct —"), out


def _renamed(fn: Callable[..., Any], name: str) -> Callable[..., Any]:
    """``fn`` as a student's function called ``name``."""
    def student(*args, **kwargs):
        return fn(*args, **kwargs)

    student.__name__ = student.__qualname__ = name
    return student


_NOTEBOOK_ROWS = [ex for ex in EXERCISES if ex.notebook]


@pytest.mark.parametrize("ex", _NOTEBOOK_ROWS, ids=[ex.id for ex in _NOTEBOOK_ROWS])
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_messages_name_the_students_function_not_the_reference(ex, capsys):
    mine = f"mine_{ex.answer}"
    forbidden = (_REFERENCE_NAMES | {ex.answer}) - {mine}
    crash = lambda *args, **kwargs: undefined_name  # noqa: E731, F821
    for answer in [*stubs_of(ex), crash, *ex.wrong]:
        message = _rejected(ex, _renamed(answer, mine))
        named = set(re.findall(r"`([^`]+)`", message))
        assert not named & forbidden, f"the message names {named & forbidden}, not `{mine}`:\n{message}"
        if answer in (*stubs_of(ex), crash):
            assert f"`{mine}`" in message, message
    ex.check(_renamed(reference_of(ex), mine))
    out = capsys.readouterr().out
    assert not set(re.findall(r"`([^`]+)`", out)) & forbidden, out


def _calling_lines(*functions: Callable[..., Any]) -> set[str]:
    """The stripped source lines of ``functions`` (and of what they nest) that call something."""
    lines: set[str] = set()
    for fn in functions:
        source, _ = inspect.getsourcelines(fn)
        tree = ast.parse(inspect.cleandoc("".join(source)) if source[0].startswith(" ") else "".join(source))
        called = {node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call)}
        lines |= {source[n - 1].strip() for n in called if len(source[n - 1].strip()) > 6}
    return lines


def _check_internals(ex: Exercise) -> set[str]:
    """Lines of the check, of its module and of the engine that call the reference or the student (not the wrapper)."""
    from mgc_helpers.checks import engine

    check = inspect.unwrap(getattr(ex.check, "func", ex.check))
    module = sys.modules[check.__module__]
    helpers = [obj for obj in [*vars(module).values(), *vars(engine).values()]
               if inspect.isfunction(obj) and obj.__module__ in (module.__name__, engine.__name__)
               and obj.__name__ != "feedback"]
    wrapper = [engine.feedback] if hasattr(engine, "feedback") else []
    return _calling_lines(check, *{inspect.unwrap(h) for h in helpers}) - _calling_lines(*wrapper)


def _formatted(error: BaseException) -> list[str]:
    """``error`` as Python prints it and as IPython (the notebooks) prints it, with context lines."""
    texts = ["".join(traceback.format_exception(error))]
    ultratb = pytest.importorskip("IPython.core.ultratb")
    for mode in ("Context", "Verbose"):
        try:  # IPython >= 9 names colour themes; 7 and 8 (Colab ships 7.34) name colour schemes
            formatter = ultratb.AutoFormattedTB(mode=mode, theme_name="nocolor")
        except TypeError:
            formatter = ultratb.AutoFormattedTB(mode=mode, color_scheme="NoColor")
        texts.append(formatter.text(type(error), error, error.__traceback__))
    return texts


@pytest.mark.parametrize("ex", EXERCISES, ids=IDS)
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_a_failed_checks_traceback_hides_the_checks_internals(ex):
    internals = _check_internals(ex)
    assert any("reference" in line or "expected" in line or "_call(" in line for line in internals), internals
    crash = lambda *args, **kwargs: undefined_name  # noqa: E731, F821
    for answer in [ex.wrong[0], ex.wrong[-1], *([] if ex.value else [crash])]:
        try:
            ex.check(answer)
        except ExerciseError as error:
            failure = error
        else:
            pytest.fail(f"{ex.id}: a wrong answer was accepted")
        assert failure.__context__ is None or failure.__suppress_context__
        for text in _formatted(failure):
            shown = sorted(line for line in internals if line in text)
            assert not shown, f"{ex.id}: the traceback shows the check's own code {shown}:\n{text}"
            assert str(failure).splitlines()[0] in text
            if answer is crash:
                assert "undefined_name" in text, "the student's crash must stay visible"


# --------------------------------------------------------------------------- the table, the package and the notebooks agree
def _submodules() -> list[Any]:
    return [importlib.import_module(f"{checks.__name__}.{m.name}") for m in pkgutil.iter_modules(checks.__path__)]


def _defined_checks() -> dict[str, Any]:
    """Every public ``check_*`` function defined in a submodule of ``checks``, by name."""
    found = {}
    for module in _submodules():
        for name, obj in vars(module).items():
            if name.startswith("check_") and callable(obj) and obj.__module__ == module.__name__:
                assert name not in found, f"{name} is defined twice"
                found[name] = obj
    return found


def _notebook_code(path: Path) -> str:
    nb = json.loads(path.read_text())
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")


def test_every_check_is_in_the_table():
    rows = Counter(ex.check_name for ex in EXERCISES)
    defined = _defined_checks()
    assert set(rows) == set(defined), f"checks without a row: {set(defined) - set(rows)}; rows without a check: " \
                                      f"{set(rows) - set(defined)}"
    assert all(n == 1 for n in rows.values()), f"a check has two rows: {rows}"
    for ex in EXERCISES:
        assert getattr(ex.check, "func", ex.check) is defined[ex.check_name]
        assert (ex.notebook is None) == (defined[ex.check_name].__module__ == "mgc_helpers.checks.engine")


def test_every_check_is_in_all_and_all_resolves():
    assert set(_defined_checks()) <= set(checks.__all__)
    assert len(checks.__all__) == len(set(checks.__all__))
    for name in checks.__all__:
        assert getattr(checks, name) is not None
    for name, fn in _defined_checks().items():
        assert getattr(checks, name) is fn


@pytest.mark.parametrize("number", sorted(NOTEBOOKS))
def test_every_checks_name_of_a_notebook_resolves(number):
    used = set(re.findall(r"\bchecks\.(\w+)", _notebook_code(NOTEBOOKS[number])))
    assert used, f"notebook {number} calls no check"
    missing = [name for name in sorted(used) if not hasattr(checks, name) or name not in checks.__all__]
    assert not missing, f"notebook {number} uses checks.{missing}, which checks does not export"


@pytest.mark.parametrize("number", sorted(NOTEBOOKS))
def test_each_notebooks_checks_live_in_its_module_in_its_order_and_in_the_table(number):
    nb = json.loads(NOTEBOOKS[number].read_text())
    called = []  # in the order of the notebook's exercises
    for e in asg.exercises(nb):
        called += [c for c in e.checks if c not in called]
    modules = [m for m in _submodules() if m.__name__.rsplit(".", 1)[1].startswith(f"nb{number}_")]
    assert len(modules) == 1, f"notebook {number} needs exactly one module checks/nb{number}_<name>.py"
    module = modules[0]
    defined = sorted((inspect.unwrap(obj).__code__.co_firstlineno, name) for name, obj in _defined_checks().items()
                     if obj.__module__ == module.__name__)
    assert [name for _, name in defined] == called, f"{module.__name__} should hold {called}, in this order"
    assert list(module.__all__) == [n for n in module.__all__ if not n.startswith("check_")] + called
    rows = [(ex.answer, ex.check_name) for ex in EXERCISES if ex.notebook == number]
    pairs = [(name, c) for e in asg.exercises(nb) for name in e.names for c in e.checks]
    assert sorted(rows) == sorted(pairs), "the table's rows are not the notebook's auto-checked exercises"


def test_nothing_in_the_package_imports_the_checks():
    package = REPO / "mgc_helpers"
    offenders = []
    for path in package.rglob("*.py"):
        if path.is_relative_to(package / "checks"):
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                target = ("." * node.level) + (node.module or "")
                names = [a.name for a in node.names]
                if "checks" in (node.module or "").split(".") or (node.module in (None, "mgc_helpers") and "checks" in names):
                    offenders.append(f"{path.relative_to(REPO)}: from {target} import {', '.join(names)}")
            elif isinstance(node, ast.Import):
                offenders += [f"{path.relative_to(REPO)}: import {a.name}" for a in node.names
                              if a.name.startswith("mgc_helpers.checks")]
    assert not offenders, offenders


def test_importing_the_checks_stays_light():
    code = "import sys, mgc_helpers.checks as c; c.check_dft; print(' '.join(sorted(sys.modules)))"
    modules = set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                 cwd=REPO).stdout.split())
    assert "mgc_helpers.checks.nb10_compare" in modules
    assert not {"tensorflow", "keras", "librosa", "sklearn", "matplotlib", "scipy"} & modules
