"""Exceptions raised by clientflags.

Every error a user can trigger derives from :class:`ClientflagsError` and from
the builtin that fits (``TypeError``, ``ValueError``...), so callers may catch
either. Messages say what was expected, what arrived and how to fix it.
"""

from __future__ import annotations

__all__ = [
    "ClientflagsError",
    "InvalidInputError",
    "InvalidTypeError",
    "ModelLoadError",
    "UnknownLabelError",
]


class ClientflagsError(Exception):
    """Base class of every error raised on purpose by clientflags."""


class InvalidTypeError(ClientflagsError, TypeError):
    """An argument has the wrong type (e.g. bytes where a str is expected)."""


class InvalidInputError(ClientflagsError, ValueError):
    """An argument has the right type but an unusable value (missing column, empty text...)."""


class UnknownLabelError(InvalidInputError):
    """A label id is not part of the taxonomy."""


class ModelLoadError(ClientflagsError, RuntimeError):
    """A model file is missing, is not a clientflags model, or does not fit this installation."""
