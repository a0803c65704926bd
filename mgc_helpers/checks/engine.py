"""The machinery of the exercise checks: calling an answer, comparing it, saying what is wrong.

Taught from notebook 01 on: after writing an exercise's answer, the next cell
calls a check. A check prints one friendly line when the answer is right, or
raises :class:`ExerciseError` saying *what* is wrong and giving a hint. The
feedback never shows the expected answer (the point is to find it yourself);
it does recognise common mistakes (wrong shape, wrong sign of the exponent,
a missing ``1/N``, ``np.log`` instead of ``np.log10``, an unfinished answer...).

This module holds what every check shares (:class:`ExerciseError`, the call
wrapper that turns an unfinished or crashing answer into feedback, the numeric
comparison, the shape diagnosis) and the three generic checks
:func:`check_function`, :func:`check_value` and :func:`check_shape`. Each
notebook's own checks live in ``checks/nbNN_<notebook>.py``; their references are
computed there, independently of the student's code, with NumPy, SciPy and librosa.
"""
from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import numpy as np

__all__ = ["ExerciseError", "NOT_WRITTEN", "check_function", "check_value", "check_shape"]

_Check = TypeVar("_Check", bound=Callable[..., None])
_PACKAGE_DIR = Path(__file__).resolve().parent

#: What every check says about an answer that is not written yet (a stub, ``...``, a missing ``return``).
NOT_WRITTEN = "you have not written your answer yet"


class ExerciseError(AssertionError):
    """An exercise answer is not right yet; the message says what is wrong and gives a hint.

    Taught in notebook 01. Read the message, fix your code, and run the check again.
    """


def feedback(check: _Check) -> _Check:
    """Decorate a public check so that a failure shows the student's code and the message, not the check.

    The :class:`ExerciseError` is raised again from this wrapper with its traceback cut (the
    check's frames, where the reference is computed, are dropped) and without the context of any
    exception the check handled; a crash of the student's function stays attached as the cause,
    with the student's frames only. ``__tracebackhide__`` hides the wrapper itself from pytest and
    from IPython's tracebacks where they can.
    """

    @functools.wraps(check)
    def run(*args: Any, **kwargs: Any) -> None:
        __tracebackhide__ = True
        try:
            return check(*args, **kwargs)
        except ExerciseError as exc:
            error = _for_the_student(exc)
        raise error  # the message below says what to change in your answer

    return run  # type: ignore[return-value]


def _for_the_student(error: ExerciseError) -> ExerciseError:
    """``error`` without the check's frames and context; a crash of the student's code stays as its cause."""
    cause = error.__cause__
    if cause is not None:
        frames = _student_frames(cause.__traceback__)
        # a cause raised before any of the student's code ran (calling it with a keyword it lacks) has no frame left:
        # the message already names it, and IPython 8.0 cannot format a chained exception without a traceback
        error.__cause__ = cause.with_traceback(frames) if frames is not None else None
    error.__suppress_context__ = True
    return error.with_traceback(None)


def _student_frames(tb: TracebackType | None) -> TracebackType | None:
    """The traceback without its leading frames inside the checks package (the student's frames remain)."""
    while tb is not None and Path(tb.tb_frame.f_code.co_filename).resolve().parent == _PACKAGE_DIR:
        tb = tb.tb_next
    return tb


def _name(fn: Any, default: str) -> str:
    """The name of the student's function (``my_dft``), or ``default`` for a lambda or another callable."""
    name = getattr(fn, "__name__", None)
    return name if isinstance(name, str) and name.isidentifier() else default


def _plain(value: Any) -> Any:
    """``value`` with NumPy scalars (``np.str_('a')``, ``np.float64(3.0)``) and small arrays as Python values."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist() if value.size <= 10 else value
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    return value


def _show(value: Any) -> str:
    """How a message prints a value: ``'a'``, ``3.0``, ``[1, 2]``; a large array by its shape."""
    value = _plain(value)
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return repr(value)


def _ok(message: str) -> None:
    print(f"✅ Correct — {message}")


def _fail(what: str, hint: str = "") -> ExerciseError:
    text = f"❌ {what}"
    if hint:
        text += f"\n💡 Hint: {hint}"
    return ExerciseError(text)


def _describe(args: Sequence[Any], names: Sequence[str] | None = None) -> str:
    """Short text for the inputs of a failing call (inputs are never the answer)."""
    parts = []
    for i, a in enumerate(args):
        if isinstance(a, np.ndarray):
            text = f"an array of shape {a.shape}"
        else:
            text = _show(a)
        parts.append(f"{names[i]}={text}" if names else text)
    return ", ".join(parts)


def _call(fn: Callable[..., Any], args: Sequence[Any], *, name: str, kwargs: dict[str, Any] | None = None) -> Any:
    """Call the student's function, turning unfinished answers and crashes into feedback."""
    if not callable(fn):
        raise _fail(f"`{name}` should be a function, but it is a {type(fn).__name__}.",
                    "pass the function itself, without calling it: check(my_function), not check(my_function()).")
    safe_args = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    try:
        out = fn(*safe_args, **(kwargs or {}))
    except NotImplementedError:
        raise _fail(f"`{name}` raises NotImplementedError: {NOT_WRITTEN}.",
                    "replace the `raise NotImplementedError` line with your code.") from None
    except Exception as exc:
        raise _fail(f"`{name}` crashed with {type(exc).__name__}: {exc}",
                    "run your function by hand on a small input and read the traceback above.") from exc
    if out is None:
        raise _fail(f"`{name}` returned None: {NOT_WRITTEN} (or forgot the `return` statement).")
    return out


def _numeric(value: Any, *, name: str) -> np.ndarray:
    try:
        arr = np.asarray(value)
        if arr.dtype == object or arr.dtype.kind not in "biufc":
            raise TypeError
    except (TypeError, ValueError):
        raise _fail(f"`{name}` should give numbers, but it gave a {type(value).__name__}.") from None
    return arr


def _close(got: np.ndarray, expected: np.ndarray, rtol: float, atol: float) -> bool:
    return got.shape == expected.shape and bool(np.allclose(got, expected, rtol=rtol, atol=atol))


def _shape_problem(got_shape: tuple[int, ...], expected_shape: tuple[int, ...]) -> str:
    """Say how a shape is wrong without stating the expected shape."""
    if len(got_shape) != len(expected_shape):
        return f"has shape {got_shape}: the number of dimensions is not right"
    if got_shape == expected_shape[::-1]:
        return f"has shape {got_shape}: it looks transposed (the axes are in the wrong order)"
    if math.prod(got_shape) == math.prod(expected_shape):
        return f"has shape {got_shape}: the right number of values, but arranged in a different shape"
    return f"has shape {got_shape}, which is not the expected shape"


def _compare(
    got: Any,
    expected: np.ndarray,
    *,
    name: str,
    where: str,
    rtol: float,
    atol: float,
    hint: str,
    mistakes: Sequence[tuple[Callable[[np.ndarray], bool], str]] = (),
) -> None:
    """Raise a helpful :class:`ExerciseError` unless ``got`` matches ``expected``.

    ``mistakes`` are ``(test(got) -> bool, explanation)`` pairs for common errors.
    """
    got = _numeric(got, name=name)
    expected = np.asarray(expected)
    if expected.ndim == 0 and got.size == 1:
        got = got.reshape(())  # a 1-element array for a single number is fine
    if got.shape != expected.shape:
        raise _fail(f"For {where}, the result of `{name}` {_shape_problem(got.shape, expected.shape)}.",
                    hint)
    if not np.all(np.isfinite(got)):
        raise _fail(f"For {where}, the result of `{name}` contains NaN or infinite values.",
                    "look for a division by zero or the logarithm of zero.")
    if _close(got, expected, rtol, atol):
        return
    for test, explanation in mistakes:
        with np.errstate(all="ignore"):
            matched = bool(test(got))
        if matched:
            raise _fail(f"For {where}, the result of `{name}` is not right: {explanation}", hint)
    if got.size > 1:
        wrong = ~np.isclose(got, expected, rtol=rtol, atol=atol)
        what = f"{int(wrong.sum())} of its {got.size} values are wrong"
    else:
        what = f"it returned {_show(got.item())}, which is not right"
    raise _fail(f"For {where}, the result of `{name}` is not right: {what}.", hint)


def _scale_of(got: np.ndarray, expected: np.ndarray, rtol: float = 1e-4) -> float | None:
    """The factor ``c`` when ``got ≈ c * expected`` (c ≠ 1), else ``None``."""
    e = expected.astype(complex).ravel()
    g = got.astype(complex).ravel()
    denom = np.vdot(e, e).real
    if denom == 0 or g.shape != e.shape:
        return None
    c = np.vdot(e, g) / denom
    if abs(c.imag) > 1e-6 * abs(c) or abs(c) < 1e-12 or np.isclose(c.real, 1.0, rtol=1e-3):
        return None
    scale = np.sqrt(max(np.vdot(g, g).real, np.vdot(c * e, c * e).real)) + 1e-300
    return float(c.real) if np.linalg.norm(g - c * e) <= rtol * scale else None


# --------------------------------------------------------------------------- generic checks
@feedback
def check_function(
    student_fn: Callable[..., Any],
    reference_fn: Callable[..., Any],
    inputs: Iterable[Any],
    *,
    name: str | None = None,
    rtol: float = 1e-5,
    atol: float = 1e-6,
    hint: str = "",
) -> None:
    """Check that a student's function gives the reference function's outputs.

    Taught in notebook 01 (used by all notebooks' exercises).

    Parameters
    ----------
    student_fn : callable
        The student's function.
    reference_fn : callable
        A correct implementation (its outputs are never shown).
    inputs : iterable
        Test inputs: a tuple is unpacked as positional arguments, a dict as keyword
        arguments, anything else is passed as the single argument.
    name : str, optional
        Name shown in the feedback (default: the name of ``student_fn``, e.g. ``"my_stft"``).
    rtol, atol : float, optional
        Tolerances of ``numpy.allclose``.
    hint : str, optional
        Extra advice shown when an output is wrong.

    Raises
    ------
    ExerciseError
        The function is missing, unfinished, crashes, or an output differs.
    """
    name = name or _name(student_fn, "your function")
    count = 0
    for item in inputs:
        if isinstance(item, dict):
            args, kwargs = (), dict(item)
            where = "the input " + ", ".join(f"{k}={_describe([v])}" for k, v in kwargs.items())
        else:
            args, kwargs = (item if isinstance(item, tuple) else (item,)), {}
            where = f"the input ({_describe(args)})"
        got = _call(student_fn, args, name=name, kwargs=kwargs)
        expected = np.asarray(reference_fn(*args, **kwargs))
        _compare(got, expected, name=name, where=where, rtol=rtol, atol=atol, hint=hint)
        count += 1
    _ok(f"`{name}` gives the right result on all {count} test inputs.")


@feedback
def check_value(
    answer: Any, expected: Any, *, name: str, rtol: float = 1e-6, atol: float = 0.0, hint: str = ""
) -> None:
    """Check a numeric, array or text answer without revealing the expected one.

    Taught in notebook 01 (e.g. "how many samples are in 30 s at 22050 Hz?").

    Parameters
    ----------
    answer : Any
        The student's answer (``...`` or ``None`` means "not answered yet").
    expected : Any
        The right answer (number, array, or string compared case-insensitively).
    name : str
        Name of the answer shown in the feedback.
    rtol, atol : float, optional
        Tolerances for numbers.
    hint : str, optional
        Advice shown when the answer is wrong.

    Raises
    ------
    ExerciseError
    """
    if answer is None or answer is Ellipsis:
        raise _fail(f"`{name}` is still empty: {NOT_WRITTEN}.", hint)
    if isinstance(expected, str):
        if not isinstance(answer, str) or answer.strip().lower() != expected.strip().lower():
            raise _fail(f"`{name}` is not right.", hint)
        _ok(f"`{name}` is right.")
        return
    got = _numeric(answer, name=name)
    exp = np.asarray(expected)
    if got.shape != exp.shape:
        raise _fail(f"`{name}` {_shape_problem(got.shape, exp.shape)}.", hint)
    if _close(got, exp, rtol, atol):
        _ok(f"`{name}` is right.")
        return
    if got.size == 1 and np.isrealobj(got) and np.isrealobj(exp):
        direction = "too large" if got.item() > exp.item() else "too small"
        raise _fail(f"`{name}` = {_show(got.item())} is not right: it is {direction}.", hint)
    wrong = int((~np.isclose(got, exp, rtol=rtol, atol=atol)).sum())
    raise _fail(f"`{name}` is not right: {wrong} of its {got.size} values are wrong.", hint)


@feedback
def check_shape(array: Any, expected_shape: Sequence[int | None], *, name: str, hint: str = "") -> None:
    """Check an array's shape (``None`` in ``expected_shape`` accepts any length).

    Taught in notebook 01 (e.g. the shape of a spectrogram or of a batch of segments).

    Parameters
    ----------
    array : array-like
        The student's array (``None``/``...`` means "not answered yet").
    expected_shape : sequence of int or None
        The right shape.
    name : str
        Name shown in the feedback.
    hint : str, optional
        Advice shown when the shape is wrong.

    Raises
    ------
    ExerciseError
    """
    if array is None or array is Ellipsis:
        raise _fail(f"`{name}` is still empty: {NOT_WRITTEN}.", hint)
    got = tuple(np.shape(array))
    want = tuple(expected_shape)
    if len(got) == len(want) and all(w is None or g == w for g, w in zip(got, want)):
        _ok(f"`{name}` has the right shape {got}.")
        return
    concrete = tuple(g if w is None else w for g, w in zip(got, want)) if len(got) == len(want) else want
    raise _fail(f"`{name}` {_shape_problem(got, tuple(int(c or 0) for c in concrete))}.", hint)


def _int_answer(got: Any, *, name: str) -> int:
    """The student's whole-number answer as an ``int`` (``12.0`` is fine; ``True``, ``12.5`` or text are not)."""
    if got is None or got is Ellipsis:
        raise _fail(f"`{name}` returned nothing: {NOT_WRITTEN}.")
    if isinstance(got, bool) or not isinstance(got, (int, np.integer)) and not (
            isinstance(got, (float, np.floating)) and float(got).is_integer()):
        raise _fail(f"`{name}` should return a whole number, got {type(_plain(got)).__name__} {_show(got)}.")
    return int(got)
