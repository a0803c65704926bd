"""Hidden grading tests: an exercise's answer on inputs the visible check never uses, without the library.

For instructors who grade (``docs/INSTRUCTORS.md``; the cells are written by
:func:`mgc_helpers.assignments.hidden_test_cells`). A visible check (``check_dft`` …) is a
self-check: its inputs are fixed and a one-line wrapper around the course's own function
(``mgc.fourier.dft``) or the library's (``np.fft.fft``) passes it. :func:`grade` is what a
graded copy's hidden test cell calls instead:

- the inputs are drawn from a seed that only the instructor's notebook holds, so they differ
  from the visible check's and cannot be memorised;
- the expected outputs are computed first; then the functions the exercise asks the student
  to write themselves (:data:`GRADERS`' ``forbidden``) are replaced, wherever they are bound
  (their modules, any module that re-exports them, the student's own globals), by a function
  that raises :class:`GradingError`, and the student's function runs on every input;
- everything is restored afterwards, whatever happened.

A failure raises :class:`GradingError` (an ``AssertionError``, as nbgrader's autograder expects)
naming the student's function and what failed, never the expected values.
"""
from __future__ import annotations

import contextlib
import copy
import importlib
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .engine import _name, _show
from .nb01_audio_basics import _alias_reference, _n_frames_reference
from .nb04_ffnn import _dense_params_reference
from .nb05_cnn import _conv_length_reference
from .nb06_lstm_gru import _rnn_params
from .nb08_transfer import _centroid_reference, _name_tag_map_reference, _top_tags_reference
from .nb10_compare import _ensemble_reference, _fixed_broken_reference, _wilson_reference

__all__ = ["GradingError", "Grader", "GRADERS", "grade"]

_Rng = np.random.Generator


class GradingError(AssertionError):
    """A hidden grading test failed: the answer is wrong on a hidden input, or it calls a forbidden function."""


@dataclass(frozen=True)
class Grader:
    """How :func:`grade` tests the answers checked by one visible check."""

    cases: Callable[[_Rng], list[tuple[Any, ...]]]
    """Draw the hidden inputs (positional arguments) from a random generator."""
    reference: Callable[..., Any]
    """The right output for one input (computed before anything is blocked)."""
    forbidden: tuple[str, ...] = ()
    """Dotted names of the functions the student must not call (the course's and the library's own)."""
    same: Callable[[Any, Any], bool] | None = None
    """``same(got, expected)``; default: :func:`_same`."""


def _same(got: Any, expected: Any) -> bool:
    """Equal answers: dicts and lists of labels compared as text, numbers with a tolerance."""
    if hasattr(got, "to_dict"):
        got = got.to_dict()
    if isinstance(expected, dict):
        return isinstance(got, dict) and {str(k): str(_plain_value(v)) for k, v in got.items()} == {
            str(k): str(_plain_value(v)) for k, v in expected.items()}
    if isinstance(expected, list) and expected and isinstance(expected[0], str):
        return [str(g) for g in np.asarray(got, dtype=object).ravel()] == expected
    try:
        g = np.asarray(got, dtype=float if not np.iscomplexobj(got) else complex)
    except (TypeError, ValueError):
        return False
    e = np.asarray(expected)
    if e.ndim == 0 and g.size == 1:
        g = g.reshape(())
    if e.dtype.kind in "US":
        return False
    return g.shape == e.shape and bool(np.allclose(g, e, rtol=1e-5, atol=1e-6))


def _plain_value(v: Any) -> Any:
    v = v.item() if isinstance(v, np.generic) else v
    return int(v) if isinstance(v, float) and v.is_integer() else v


def _labels_same(got: Any, expected: Any) -> bool:
    return np.asarray(got).shape == np.asarray(expected).shape and \
        np.array_equal(np.asarray(got).astype(str), np.asarray(expected).astype(str))


def _inner_same(got: Any, expected: Any) -> bool:
    """Deltas: compared away from the edges (any edge handling is fine), as the visible check does."""
    try:
        g = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    return g.shape == expected.shape and bool(np.allclose(g[:, 4:-4], expected[:, 4:-4], rtol=1e-5, atol=1e-6))


# --------------------------------------------------------------------------- the hidden inputs, per check
def _alias_cases(rng: _Rng) -> list[tuple[Any, ...]]:
    out = []
    for _ in range(8):
        sr = float(rng.choice([8000.0, 16000.0, 22050.0, 44100.0, 48000.0]))
        out.append((float(np.round(rng.uniform(0.0, 6.0 * sr), 1)), sr))
    return out


def _n_frames_cases(rng: _Rng) -> list[tuple[Any, ...]]:
    out = []
    for _ in range(8):
        n_fft = int(rng.choice([256, 512, 1024, 2048, 4096]))
        hop = int(rng.choice([n_fft // 4, n_fft // 2, 300, 441]))
        out.append((int(rng.integers(n_fft, 120_000)), n_fft, hop, bool(rng.integers(2))))
    return out


def _mel_reference(f: Any) -> Any:
    return 2595.0 * np.log10(1.0 + np.asarray(f, dtype=float) / 700.0)


def _mfcc_reference(S_db: np.ndarray, n_mfcc: int) -> np.ndarray:
    import scipy.fft

    return scipy.fft.dct(S_db, type=2, norm="ortho", axis=0)[:n_mfcc]


def _mfcc_cases(rng: _Rng) -> list[tuple[Any, ...]]:
    out = []
    for _ in range(3):
        n_mels = int(rng.integers(16, 100))
        out.append((rng.uniform(-90.0, 5.0, (n_mels, int(rng.integers(2, 25)))), int(rng.integers(5, n_mels))))
    return out


def _deltas_reference(X: np.ndarray) -> np.ndarray:
    import librosa

    return librosa.feature.delta(X, width=9, order=1, axis=-1)


def _ratios_cases(rng: _Rng) -> list[tuple[Any, ...]]:
    out = []
    for _ in range(5):
        r = np.sort(rng.dirichlet(np.full(int(rng.integers(3, 80)), rng.uniform(0.3, 2.0))))[::-1]
        out.append((r, float(np.round(rng.uniform(0.3, 0.97), 3))))
    return out


def _n_components_reference(ratios: np.ndarray, target: float) -> int:
    from ..classical import n_components_for_variance

    return n_components_for_variance(ratios, target)


def _vote_cases(rng: _Rng) -> list[tuple[Any, ...]]:
    genres = np.array(["blues", "country", "disco", "hiphop", "reggae"])
    out = []
    for n_tracks in (int(rng.integers(3, 9)), int(rng.integers(10, 30))):
        ids = np.repeat([f"clip{i:03d}" for i in range(n_tracks)], int(rng.integers(3, 8)))
        order = rng.permutation(ids.size)
        out.append((ids[order].tolist(), rng.choice(genres, ids.size)[order].tolist()))
    return out


def _vote_reference(ids: Sequence[Any], preds: Sequence[Any]) -> dict[Any, Any]:
    from ..evaluation import majority_vote

    return majority_vote(ids, preds).to_dict()


def _sizes_cases(rng: _Rng) -> list[tuple[Any, ...]]:
    return [([int(v) for v in rng.integers(1, 700, int(rng.integers(2, 6)))],) for _ in range(5)]


def _l2_cases(rng: _Rng) -> list[tuple[Any, ...]]:
    return [([rng.normal(size=tuple(int(v) for v in rng.integers(1, 9, 2))) for _ in range(int(rng.integers(1, 4)))],
             float(rng.choice([1e-4, 3e-3, 0.02, 0.3]))) for _ in range(4)]


def _l2_reference(kernels: Sequence[np.ndarray], lam: float) -> float:
    return lam * sum(float(np.sum(np.square(k))) for k in kernels)


def _conv_length_cases(rng: _Rng) -> list[tuple[Any, ...]]:
    out = []
    for _ in range(8):
        k = int(rng.integers(1, 8))
        out.append((int(rng.integers(k, 3000)), k, int(rng.integers(1, 5)), str(rng.choice(["valid", "same"]))))
    return out


def _soft_vote_cases(rng: _Rng) -> list[tuple[Any, ...]]:
    ids = np.repeat([f"song{i}" for i in range(int(rng.integers(3, 12)))], int(rng.integers(2, 6)))
    order = rng.permutation(ids.size)
    return [(ids[order], rng.dirichlet(np.ones(int(rng.integers(3, 8))), size=ids.size))]


def _soft_vote_reference(ids: np.ndarray, proba: np.ndarray) -> dict[Any, int]:
    return {str(t): int(np.argmax(proba[ids == t].mean(axis=0))) for t in np.unique(ids)}


def _rnn_cases(rng: _Rng) -> list[tuple[Any, ...]]:
    return [(str(rng.choice(["lstm", "gru"])), int(rng.integers(1, 500)), int(rng.integers(1, 300))) for _ in range(6)]


def _skip_cases(rng: _Rng) -> list[tuple[Any, ...]]:
    out = []
    for _ in range(6):
        n = int(rng.integers(2, 10))
        out.append((np.tanh(rng.normal(size=n)), np.tanh(rng.normal(size=n)), float(np.round(rng.uniform(0.05, 0.95), 2)),
                    int(rng.integers(1, 12)), int(rng.integers(1, 8))))
    return out


def _skip_reference(h_gru: np.ndarray, h_skip: np.ndarray, alpha: float, t: int, k: int) -> np.ndarray:
    return (1 - alpha) * h_gru + alpha * h_skip if t > k else h_gru


def _conv_params_cases(rng: _Rng) -> list[tuple[Any, ...]]:
    return [tuple(int(v) for v in (rng.integers(1, 8), rng.integers(1, 8), rng.integers(1, 130), rng.integers(1, 260)))
            for _ in range(6)]


def _pooled_cases(rng: _Rng) -> list[tuple[Any, ...]]:
    return [(int(rng.integers(20, 3000)), [int(p) for p in rng.integers(2, 6, int(rng.integers(1, 5)))])
            for _ in range(6)]


def _pooled_reference(n: int, pools: Sequence[int]) -> int:
    for p in pools:
        n //= p
    return n


def _top_k_cases(rng: _Rng) -> list[tuple[Any, ...]]:
    names = [f"label_{c}" for c in "abcdefghijklmnopqrst"]
    return [(rng.random((int(rng.integers(1, 12)), len(names))), names, int(rng.integers(1, 8))) for _ in range(3)]


def _tag_map_cases(rng: _Rng) -> list[tuple[Any, ...]]:
    words = ["jazz", "Soul", "post-punk", "trip hop", "Afro beat", "ska"]
    out = []
    for _ in range(2):
        genres = list(rng.choice(words, 3, replace=False))
        names = [w.upper() if rng.random() < 0.5 else w for w in rng.choice(words, 4, replace=False)]
        names += [f"{w.replace(' ', '-')} {suffix}" for w, suffix in zip(rng.choice(words, 3), ("classics", "2000s", "x"))]
        out.append((genres, names))
    return out


def _centroid_cases(rng: _Rng) -> list[tuple[Any, ...]]:
    out = []
    for _ in range(2):
        n_classes, per_class, dim = int(rng.integers(2, 8)), int(rng.integers(1, 5)), int(rng.integers(3, 40))
        labels = np.array([f"style{c}" for c in range(n_classes)])
        centres = rng.normal(size=(n_classes, dim)) + 0.3
        y = np.repeat(labels, per_class)
        X = np.repeat(centres, per_class, axis=0) + rng.normal(scale=0.7, size=(y.size, dim))
        Z = centres[rng.integers(0, n_classes, 30)] * rng.uniform(0.1, 6.0, (30, 1)) + rng.normal(size=(30, dim))
        out.append((X, y, Z))
    return out


def _sem_cases(rng: _Rng) -> list[tuple[Any, ...]]:
    return [(np.concatenate([[rng.uniform(0.5, 4.0)], rng.normal(0.0, 0.4, int(rng.integers(2, 20)))]),
             float(rng.uniform(0.2, 3.0))) for _ in range(5)]


def _sem_reference(r_s: np.ndarray, sigma2_ref: float) -> Any:
    from ..segmentation import sem_from_autocorrelation

    return sem_from_autocorrelation(r_s, sigma2_ref)


def _adjacency_cases(rng: _Rng) -> list[tuple[Any, ...]]:
    return [(rng.uniform(0.0, 2.5, (n, n)),) for n in (int(rng.integers(3, 9)), int(rng.integers(9, 20)))]


def _adjacency_reference(S: np.ndarray) -> np.ndarray:
    from .. import segmentation as seg

    return seg.adjacency(seg.symmetrize(S))


def _eigengap_cases(rng: _Rng) -> list[tuple[Any, ...]]:
    return [(np.sort(rng.uniform(-1.0, 1.0, int(rng.integers(8, 30))))[::-1], int(rng.integers(3, 7))) for _ in range(5)]


def _eigengap_reference(eigenvalues: np.ndarray, k_max: int) -> int:
    from .. import segmentation as seg

    return seg.eigengap_k(eigenvalues, k_min=2, k_max=k_max)


def _ensemble_cases(rng: _Rng) -> list[tuple[Any, ...]]:
    classes = ["classical", "country", "hiphop", "reggae", "rock"]
    n_clips = int(rng.integers(3, 25))
    return [([rng.dirichlet(np.ones(5) * 0.6, size=n_clips) for _ in range(int(rng.integers(2, 6)))], classes)]


def _fixed_cases(rng: _Rng) -> list[tuple[Any, ...]]:
    genres = np.array(["classical", "country", "hiphop", "reggae", "rock"])
    out = []
    for n in (int(rng.integers(5, 30)), int(rng.integers(30, 200))):
        y = rng.choice(genres, n)
        out.append((y, np.where(rng.random(n) < 0.6, y, rng.choice(genres, n)),
                    np.where(rng.random(n) < 0.7, y, rng.choice(genres, n))))
    return out


def _wilson_cases(rng: _Rng) -> list[tuple[Any, ...]]:
    """Accuracies of test sets the visible check never uses (41 to 288 clips), then all wrong and all right."""
    out = []
    for _ in range(4):
        n = int(rng.integers(41, 289))
        out.append((int(rng.integers(1, n)), n))
    n = int(rng.integers(13, 40))
    return out + [(0, n), (n, n)]


_SEG = "mgc_helpers.segmentation.algorithm"

#: The hidden test of each visible check, by the check's name.
GRADERS: dict[str, Grader] = {
    "check_alias_frequency": Grader(_alias_cases, _alias_reference, ("mgc_helpers.fourier.alias_frequency",)),
    "check_dft": Grader(lambda rng: [(rng.standard_normal(int(n)),) for n in rng.integers(2, 160, 4)],
                        lambda x: np.fft.fft(x),
                        ("numpy.fft.fft", "numpy.fft.rfft", "numpy.fft.ifft", "scipy.fft.fft", "scipy.fft.rfft",
                         "mgc_helpers.fourier.dft", "mgc_helpers.fourier.dft_naive", "mgc_helpers.fourier.dft_matrix")),
    "check_n_frames": Grader(_n_frames_cases, _n_frames_reference,
                             ("mgc_helpers.fourier.n_frames", "mgc_helpers.fourier.stft", "mgc_helpers.fourier.frame",
                              "librosa.stft", "librosa.util.frame")),
    "check_hz_to_mel": Grader(lambda rng: [(float(f),) for f in np.round(rng.uniform(0, 20000, 5), 2)]
                              + [(rng.uniform(0, 16000, 9),)], _mel_reference,
                              ("librosa.hz_to_mel", "librosa.mel_frequencies", "mgc_helpers.features.hz_to_mel")),
    "check_mfcc_from_logmel": Grader(_mfcc_cases, _mfcc_reference,
                                     ("librosa.feature.mfcc", "mgc_helpers.features.mfcc")),
    "check_deltas": Grader(lambda rng: [(rng.standard_normal((int(rng.integers(2, 30)), int(rng.integers(12, 60)))),)
                                        for _ in range(3)], _deltas_reference,
                           ("librosa.feature.delta", "mgc_helpers.features.deltas"), same=_inner_same),
    "check_n_components": Grader(_ratios_cases, _n_components_reference,
                                 ("mgc_helpers.classical.n_components_for_variance",)),
    "check_majority_vote": Grader(_vote_cases, _vote_reference, ("mgc_helpers.evaluation.majority_vote",)),
    "check_dense_params": Grader(_sizes_cases, _dense_params_reference),
    "check_l2_penalty": Grader(_l2_cases, _l2_reference),
    "check_conv_output_length": Grader(_conv_length_cases, _conv_length_reference),
    "check_soft_vote": Grader(_soft_vote_cases, _soft_vote_reference,
                              ("mgc_helpers.evaluation.mean_probability", "mgc_helpers.evaluation.majority_vote")),
    "check_rnn_params": Grader(_rnn_cases, _rnn_params),
    "check_skip_gru_update": Grader(_skip_cases, _skip_reference),
    "check_conv_params": Grader(_conv_params_cases, lambda kh, kw, c, f: f * (kh * kw * c + 1)),
    "check_pooled_length": Grader(_pooled_cases, _pooled_reference),
    "check_top_k_tags": Grader(_top_k_cases, _top_tags_reference),
    "check_name_tag_map": Grader(_tag_map_cases, _name_tag_map_reference),
    "check_nearest_centroid": Grader(_centroid_cases, _centroid_reference, same=_labels_same),
    "check_sem_formula": Grader(_sem_cases, _sem_reference,
                                ("mgc_helpers.segmentation.sem_from_autocorrelation", f"{_SEG}.sem_from_autocorrelation")),
    "check_adjacency": Grader(_adjacency_cases, _adjacency_reference, (f"{_SEG}.adjacency", f"{_SEG}.symmetrize")),
    "check_eigengap_k": Grader(_eigengap_cases, _eigengap_reference, (f"{_SEG}.eigengap_k",)),
    "check_ensemble_vote": Grader(_ensemble_cases, _ensemble_reference),
    "check_fixed_and_broken": Grader(_fixed_cases, lambda y, a, b: list(_fixed_broken_reference(y, a, b))),
    "check_wilson_interval": Grader(_wilson_cases, lambda k, n: list(_wilson_reference(k, n)),
                                    ("mgc_helpers.evaluation.accuracy_interval", "scipy.stats.binomtest",
                                     "statsmodels.stats.proportion.proportion_confint")),
}


# --------------------------------------------------------------------------- blocking and grading
def _resolve(dotted: str) -> Any:
    module, _, attr = dotted.rpartition(".")
    try:
        return getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError):
        return None  # a library that is not installed cannot be called either


@contextlib.contextmanager
def _blocked(dotted_names: Sequence[str], fn: Callable[..., Any], *, name: str) -> Iterator[None]:
    """Replace each named function wherever it is bound (modules, ``fn``'s globals and closure) by one that raises."""
    targets = {id(obj): (dotted, obj) for dotted in dotted_names if (obj := _resolve(dotted)) is not None}
    prefixes = ("mgc_helpers", "numpy", "scipy", "librosa", "sklearn", "pandas", "statsmodels")
    spaces = [vars(m) for key, m in list(sys.modules.items()) if m is not None and key.split(".")[0] in prefixes]
    spaces += [fn.__globals__] if isinstance(getattr(fn, "__globals__", None), dict) else []
    patched: list[tuple[dict[str, Any], str, Any]] = []
    cells = [c for c in (getattr(fn, "__closure__", None) or ()) if _cell_value(c) is not None]
    swapped: list[tuple[Any, Any]] = []

    def blocker(dotted: str) -> Callable[..., Any]:
        def forbidden(*args: Any, **kwargs: Any) -> Any:
            raise GradingError(f"`{name}` calls {dotted}: the exercise asks you to write it yourself.")
        return forbidden

    try:
        for space in spaces:
            for key, value in list(space.items()):
                hit = targets.get(id(value))
                if hit is not None and hit[1] is value:
                    patched.append((space, key, value))
                    space[key] = blocker(hit[0])
        for cell in cells:
            hit = targets.get(id(cell.cell_contents))
            if hit is not None and hit[1] is cell.cell_contents:
                swapped.append((cell, cell.cell_contents))
                cell.cell_contents = blocker(hit[0])
        yield
    finally:
        for space, key, value in reversed(patched):
            space[key] = value
        for cell, value in reversed(swapped):
            cell.cell_contents = value


def _cell_value(cell: Any) -> Any:
    try:
        return cell.cell_contents
    except ValueError:  # an empty cell
        return None


def grade(check: str, fn: Callable[..., Any], *, seed: int) -> None:
    """Grade ``fn`` as the exercise of ``check``: hidden inputs from ``seed``, the library blocked.

    Used by the graded copies of every notebook: their hidden test cells call it (see
    :func:`mgc_helpers.assignments.hidden_test_cells`).

    Parameters
    ----------
    check : str
        Name of the exercise's visible check (a key of :data:`GRADERS`, e.g. ``"check_dft"``).
    fn : callable
        The student's function.
    seed : int, keyword-only
        Seed of the hidden inputs (kept in the instructor's notebook only).

    Raises
    ------
    GradingError
        ``fn`` is not a function, crashes, calls a forbidden function, or is wrong on a hidden input.
    KeyError
        ``check`` has no hidden test.
    """
    grader = GRADERS[check]
    name = _name(fn, "the answer")
    if not callable(fn):
        raise GradingError(f"`{name}` should be a function, but it is a {type(fn).__name__}.")
    cases = grader.cases(np.random.default_rng(seed))
    expected = [grader.reference(*copy.deepcopy(case)) for case in cases]
    same = grader.same or _same
    with _blocked(grader.forbidden, fn, name=name):
        for number, (case, want) in enumerate(zip(cases, expected), start=1):
            try:
                got = fn(*copy.deepcopy(case))
            except GradingError:
                raise
            except Exception as exc:
                raise GradingError(f"`{name}` crashed on hidden input {number} of {len(cases)} "
                                   f"with {type(exc).__name__}: {exc}") from None
            if got is None or not same(got, want):
                raise GradingError(f"`{name}` is wrong on hidden input {number} of {len(cases)} "
                                   f"(it returned {_show(got)[:80]}).")
    without = f" without calling {', '.join(grader.forbidden)}" if grader.forbidden else ""
    print(f"✅ hidden tests passed: `{name}` is right on {len(cases)} hidden input(s){without}.")
