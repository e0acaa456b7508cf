"""What users give the program: the error for bad input, and reading their files.

Every loader (parameters, scenarios, targets, priors, posteriors) reads a user's file through
:func:`read_text` and reports a problem as an :class:`InputError`: one sentence naming the
file, field or argument and what is allowed. Anything else that goes wrong is a bug, and the
command line says so (``experiments.cli.base``).

:class:`KeyLines` finds the line on which a TOML key is set, so an error about a value can
name the line it is on.
"""

from __future__ import annotations

import os
import re
from pathlib import Path


class InputError(ValueError):
    """Bad input from a user (an argument, a file, a path), explained in one sentence."""


def read_text(path: str | Path, what: str = "file") -> str:
    """The text of a user's file, read as UTF-8.

    Args:
        path: The file.
        what: What the file is, for messages (``"--params"``, ``"scenario file"``).

    Raises:
        InputError: The file is missing, a folder, unreadable or not UTF-8 text.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{what}: {str(path)!r} does not exist.") from None
    except IsADirectoryError:
        raise InputError(f"{what}: {str(path)!r} is a folder, not a file.") from None
    except PermissionError:
        raise InputError(f"{what}: {str(path)!r} cannot be read (permission denied).") from None
    except OSError as err:
        raise InputError(f"{what}: {str(path)!r} cannot be read ({err.strerror}).") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise InputError(
            f"{what}: {path.name} is not UTF-8 text (byte 0x{data[err.start]:02x} on line "
            f"{line}); save it as UTF-8."
        ) from None
    return text.removeprefix("\ufeff")


def is_file(path: str | Path) -> bool:
    """Whether ``path`` names a file; False, not an error, for names no file can have."""
    try:
        return Path(path).is_file()
    except (OSError, ValueError):  # a name too long, or with a NUL byte
        return False


#: A table header (``[policy]``, ``[[target]]``) or a ``key = value`` line.
_HEADER = re.compile(r"^\s*\[\[?\s*(?P<name>[^\]]*?)\s*\]\]?\s*(#.*)?$")
_NAME = r"""(?:"[^"]*"|'[^']*'|[A-Za-z0-9_\-]+)"""
_KEY = re.compile(rf"^\s*(?P<key>{_NAME}(?:\s*\.\s*{_NAME})*)\s*=")
_PART = re.compile(r""""([^"]*)"|'([^']*)'|([A-Za-z0-9_\-]+)""")


class KeyLines:
    r"""The line of each key set in a TOML document, by its full path of names.

    ``KeyLines(text).line("overrides", "policy.monitoring_months")`` is the line setting
    ``"policy.monitoring_months"`` in the ``[overrides]`` table, whether written as a quoted
    dotted key there, as ``[overrides.policy]`` with ``monitoring_months = ...``, or as
    ``overrides.policy.monitoring_months = ...``. Lines inside multi-line strings are skipped.

    Example:
        >>> doc = 'title = "t"\ndescription = \'\'\'\nx = 1\n\'\'\'\n[overrides]\n"a.b" = 2\n'
        >>> lines = KeyLines(doc)
        >>> lines.line("overrides", "a.b"), lines.line("x"), lines.line("description")
        (6, None, 2)
        >>> KeyLines('[overrides.policy]\nmonitoring_months = 3\n').line(
        ...     "overrides", "policy.monitoring_months")
        2
    """

    def __init__(self, text: str) -> None:
        self._lines: dict[tuple[str, ...], int] = {}
        table: tuple[str, ...] = ()
        quote: str | None = None
        for number, line in enumerate(text.splitlines(), start=1):
            if quote is not None:  # inside a multi-line string: does it end here?
                if line.count(quote) % 2 == 1:
                    quote = None
                continue
            header = _HEADER.match(line)
            if header:
                table = _split(header["name"])
                self._lines.setdefault(table, number)
                continue
            key = _KEY.match(line)
            if key:
                self._lines.setdefault((*table, *_split(key["key"])), number)
                rest = line[key.end() :]
                for mark in ('"""', "'''"):
                    if rest.count(mark) % 2 == 1:
                        quote = mark
                        break

    def line(self, *names: str) -> int | None:
        """The line setting the key at ``names`` (dotted names are split), or None."""
        path = tuple(part for name in names for part in _split(name))
        return self._lines.get(path)

    def where(self, file: str, *names: str) -> str:
        """``"file, line N"``, or just ``"file"`` when the key is not set on any line."""
        number = self.line(*names)
        return f"{file}, line {number}" if number is not None else file


def _split(dotted: str) -> tuple[str, ...]:
    """``'a."b.c".d'`` -> ``("a", "b", "c", "d")``.

    Dots inside quotes split too: the loaders read ``"policy.x" = 1`` in ``[overrides]`` and
    ``x = 1`` in ``[overrides.policy]`` as the same dotted parameter name.
    """
    parts = (next(p for p in m.groups() if p is not None) for m in _PART.finditer(dotted))
    return tuple(name.strip() for part in parts for name in part.split("."))


def whole_number(value: object, name: str, low: int = 0, high: int | None = None) -> int:
    """``value`` as an ``int`` when it is a whole number from ``low`` to ``high``.

    Accepts Python and numpy integers (not ``True``/``False``, nor floats, nor None).

    Raises:
        InputError: Naming the argument ``name`` and the values it accepts.
    """
    import numpy as np

    ok = isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)
    number = int(value) if ok else None  # type: ignore[call-overload]
    if number is None or number < low or (high is not None and number > high):
        allowed = f"from {low:,} to {high:,}" if high is not None else f"of at least {low:,}"
        raise InputError(f"{name} must be a whole number {allowed} (got {value!r}).")
    return number


#: The largest seed: seeds are stored as 64-bit signed integers.
SEED_MAX = 2**63 - 1


def seed_number(value: object, name: str = "seed") -> int:
    """A seed: a whole number from 0 to :data:`SEED_MAX` (the same seed, the same result)."""
    return whole_number(value, name, 0, SEED_MAX)


def output_file(path: str | Path, what: str) -> Path:
    """A file the program may write (or replace), checked before any work starts.

    It must be named, sit in an existing folder, and be a regular file if it exists already:
    a folder, a symlink or a device is never replaced.
    """
    if str(path).strip() == "":
        raise InputError(f"{what} must name a file (got an empty name).")
    path = Path(path)
    if path.is_symlink() or (path.exists() and not path.is_file()):
        kind = "a folder" if path.is_dir() else "not a regular file"
        raise InputError(
            f"{what}: {str(path)!r} is {kind}; give the name of a new or regular file."
        )
    if not path.parent.is_dir():
        raise InputError(f"{what}: folder {str(path.parent)!r} does not exist.")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise InputError(f"{what}: folder {str(path.parent)!r} is not writable.")
    return path


def output_folder(path: str | Path, what: str) -> Path:
    """A folder the program may create or write into, checked before any work starts.

    Nothing is created here: a bad call leaves no trace.
    """
    if str(path).strip() == "":
        raise InputError(f"{what} must name a folder (got an empty name).")
    path = Path(path)
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        if existing == path:
            raise InputError(f"{what}: {str(path)!r} is a file, not a folder.")
        raise InputError(
            f"{what}: cannot create folder {str(path)!r}: {str(existing)!r} is not a folder."
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        raise InputError(f"{what}: folder {str(existing)!r} is not writable.")
    return path
