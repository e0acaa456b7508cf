"""Shared pieces of the ``retraffic`` command line: the app, consoles, errors, progress.

Bad input (a flag, a parameter, a file) is reported in one sentence on stderr with exit code 2
and no traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from sim.parameters import ParameterError, Params

app = typer.Typer(
    name="retraffic",
    help="Simulate survivors of trafficking after exit and compare reintegration policies.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
errors = Console(stderr=True, soft_wrap=True)


class InputError(Exception):
    """Bad user input that is not a parameter (a file, a flag combination)."""


@contextmanager
def user_errors() -> Iterator[None]:
    """Report bad input in one sentence and exit with code 2."""
    try:
        yield
    except (ParameterError, InputError) as err:
        errors.print(f"[bold red]error:[/] {err}", highlight=False)
        raise typer.Exit(2) from None


def parse_settings(settings: list[str] | None) -> dict[str, Any]:
    """Turn ``--set name=value`` items into dotted overrides (values parsed as TOML)."""
    import tomllib

    out: dict[str, Any] = {}
    for item in settings or []:
        name, sep, raw = item.partition("=")
        if not sep or not name.strip():
            raise InputError(
                f"--set takes NAME=VALUE, e.g. policy.monitoring_months=36 (got {item!r})."
            )
        try:
            value = tomllib.loads(f"v = {raw.strip()}")["v"]
        except tomllib.TOMLDecodeError:
            value = raw.strip()
        out[name.strip()] = value
    return out


def load_params(
    params_file: Path | None, settings: list[str] | None, extra: dict[str, Any]
) -> Params:
    """Defaults, then a parameter file, then ``--set`` items, then explicit flags."""
    if params_file is not None:
        if not params_file.is_file():
            raise InputError(f"--params: no such file {str(params_file)!r}.")
        params = Params.from_file(params_file)
    else:
        params = Params()
    overrides = parse_settings(settings)
    overrides.update({k: v for k, v in extra.items() if v is not None})
    return params.with_overrides(overrides)


def fmt_interval(
    estimate: float,
    lower: float,
    upper: float,
    scale: float = 1.0,
    digits: int = 1,
    sign: bool = False,
) -> str:
    """``estimate (lower to upper)``, scaled; ``n/a`` when undefined."""
    if estimate != estimate:
        return "n/a"
    spec = f"{'+' if sign else ''}.{digits}f"
    # Adding 0.0 turns -0.0 into 0.0, so a zero never prints with a sign it does not have.
    values = [format(round(v * scale, digits) + 0.0, spec) for v in (estimate, lower, upper)]
    return f"{values[0]} ({values[1]} to {values[2]})"


@contextmanager
def progress(label: str, total: int) -> Iterator[Callable[[int, int], None]]:
    """A progress bar (rate and time left) on stderr; yields ``update(done, total)``."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=errors,
        transient=True,
        disable=not errors.is_terminal,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done, total: bar.update(task, completed=done, total=total)


@contextmanager
def runs_progress(total: int, mismatch_hint: str = "") -> Iterator[Callable[[int, int], None]]:
    """Progress of many runs, with the ways a batch of runs can stop turned into messages.

    An interruption keeps what finished and exits with 130; a results folder holding runs made
    with other settings, a bad value or an unreachable scheduler is bad input (exit 2).
    """
    from experiments.store import StoreMismatch

    try:
        with progress("Runs", total) as on_progress:
            yield on_progress
    except StoreMismatch as err:
        raise InputError(f"{err}{mismatch_hint}") from None
    except (ValueError, ConnectionError) as err:
        raise InputError(str(err)) from None
    except KeyboardInterrupt:
        errors.print("interrupted: finished runs are saved; run the same command to resume.")
        raise typer.Exit(130) from None
