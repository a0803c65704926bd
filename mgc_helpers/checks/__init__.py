"""Automatic feedback for the notebooks' exercises (see :mod:`mgc_helpers.checks.engine`)."""
from __future__ import annotations

from . import engine as _engine
from .engine import *  # noqa: F401,F403

__all__ = list(_engine.__all__)


def __getattr__(name: str):
    return getattr(_engine, name)
