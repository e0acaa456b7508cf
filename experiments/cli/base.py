"""Shared pieces of the ``retraffic`` command line: the app, consoles, errors, progress.

Every command runs inside one error boundary (:func:`boundary`):

- bad input (a flag, a parameter, a file, a path, a permission, a results folder made with
  other settings, an unreachable scheduler) is an :class:`~sim.inputs.InputError`: one
  sentence on stderr, exit code 2, no traceback;
- a file-system error on a user's path (a full disk, a read-only folder) likewise;
- Ctrl-C or SIGTERM stops the work (finished runs are kept), exit 130 or 143;
- anything else is a bug: exit 1, a short message saying so, and the traceback written to a
  log file the message names.

Nothing a user typed is read as rich markup: both consoles print text as it is.
"""

from __future__ import annotations

import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import click
import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

from experiments.entry import Terminated
from sim.inputs import InputError
from sim.parameters import Params

__all__ = ["InputError", "app", "boundary", "console", "errors"]

console = Console(markup=False, highlight=False)
errors = Console(stderr=True, soft_wrap=True, markup=False, highlight=False)


#: Options several commands share, declared once.
WorkersOption = Annotated[
    int | None, typer.Option(help="Local worker processes.", min=1, show_default="all cores")
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(help="Dask scheduler address, e.g. tcp://host:8786.", show_default="none: local"),
]


def show(table: Table) -> None:
    """Print a table whole at any terminal width: never a name cut short.

    The first column (the scenario, parameter or target the row is about) never wraps, and
    every other column keeps its words whole. When the table cannot fit the terminal even so,
    each row is printed as a block of its own under the table's title, one line per column
    (column name, then value).
    """
    table.columns[0].no_wrap = True
    if not _cuts(table):
        console.print(table)
        return
    if table.title:
        console.print(Text(str(table.title), style="bold"))
    headers = [str(c.header) for c in table.columns]
    for cells in zip(*(c.cells for c in table.columns), strict=True):
        block = Table(show_header=False, box=None, padding=(0, 1))
        block.add_column(style="dim", ratio=1)
        block.add_column(ratio=1)
        for header, cell in zip(headers, cells, strict=True):
            block.add_row(header, cell)
        console.print(block)
        console.print()


def _cuts(table: Table) -> bool:
    """Whether ``table`` printed at the terminal's width would cut a word short ("…").

    Rich's own measure can say a table fits and then shorten a long header word by one
    character, so the table is laid out and its text searched.
    """
    if console.measure(table, options=console.options.update_width(10_000)).minimum > (
        console.width
    ):
        return True
    lines = console.render_lines(table, console.options, pad=False)
    return any("\u2026" in segment.text for line in lines for segment in line)


#: Where the package's own files are: an OSError on one of them is a bug, not bad input.
PACKAGE = Path(__file__).resolve().parents[2]


def _flow() -> tuple[type[BaseException], ...]:
    """The exceptions typer and click use to end a command (exits, usage errors): not bugs.

    Newer typer carries its own copy of click (``typer._click``), older typer uses click.
    """
    kinds: list[type[BaseException]] = [typer.Exit, typer.Abort]
    for module in ("click.exceptions", "typer._click.exceptions"):
        try:
            found = __import__(module, fromlist=["ClickException"])
        except ImportError:
            continue
        names = ("ClickException", "Exit", "Abort")
        kinds += [getattr(found, name) for name in names if hasattr(found, name)]
    return tuple(kinds)


_FLOW = _flow()


def _terminated(signum: int, frame: Any) -> None:
    raise Terminated()


def notice(message: str) -> None:
    """Print a one-line notice on stderr (a run being redone, a lock being waited for)."""
    errors.print(Text.assemble(("notice: ", "yellow"), message))


def fail(message: str) -> None:
    """Print one error sentence on stderr (as plain text, on one line) and exit with code 2."""
    errors.print(Text.assemble(("error: ", "bold red"), " ".join(message.split())))
    raise typer.Exit(2)


@contextmanager
def boundary() -> Iterator[None]:
    """The command line's one error boundary (see the module's description)."""
    main = threading.current_thread() is threading.main_thread()  # only it may set handlers
    previous = signal.getsignal(signal.SIGTERM)
    if main:
        signal.signal(signal.SIGTERM, _terminated)
    try:
        yield
    except _FLOW:
        raise
    except InputError as err:
        fail(str(err))
    except OSError as err:
        if err.filename is None or Path(str(err.filename)).resolve().is_relative_to(PACKAGE):
            _bug(err)
        fail(f"cannot use {str(err.filename)!r}: {err.strerror or err}.")
    except Terminated:
        errors.print("terminated.")
        raise typer.Exit(143) from None
    except KeyboardInterrupt:
        errors.print("interrupted.")
        raise typer.Exit(130) from None
    except Exception as err:
        _bug(err)
    finally:
        if main:
            signal.signal(signal.SIGTERM, previous)


def _bug(err: BaseException) -> None:
    """Report an internal error: exit 1, saying it is a bug, the traceback in a log file."""
    text = "".join(traceback.format_exception(err))
    stamp = time.strftime("%Y%m%d-%H%M%S")
    log = Path(tempfile.gettempdir()) / f"retraffic-bug-{stamp}-{id(err):x}.log"
    command = " ".join(["retraffic", *sys.argv[1:]])
    try:
        log.write_text(f"{command}\n\n{text}", encoding="utf-8")
        where = f"the details are in {log}"
    except OSError:
        errors.print(text)
        where = "the details are above"
    errors.print(
        Text.assemble(
            ("bug: ", "bold red"),
            f"retraffic stopped on an internal error ({type(err).__name__}: {err}). This is a "
            f"bug in retrafficking-sim, not a problem with your input; {where}. Please "
            "report it with that file.",
        )
    )
    raise typer.Exit(1)


class _Bounded(TyperGroup):
    """The app's command group: every command runs inside :func:`boundary`."""

    def invoke(self, ctx: click.Context) -> Any:
        with boundary():
            return super().invoke(ctx)


app = typer.Typer(
    name="retraffic",
    help="Simulate survivors of trafficking after exit and compare reintegration policies.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=_Bounded,
)


#: ``--posterior``, as ``compare`` and ``experiment run`` take it.
PosteriorOption = Annotated[
    str,
    typer.Option(
        help="Calibrated posterior of the fitted parameters: 'default', a name or .parquet "
        "path, or 'none' (no posterior)."
    ),
]
#: ``--uncertainty``, as ``compare`` and ``experiment run`` take it.
UncertaintyOption = Annotated[
    str,
    typer.Option(
        help="What each replicate draws: all (fitted parameters from the posterior, every other "
        "uncertain one from its prior), posterior (fitted ones only) or none (parameter "
        "defaults)."
    ),
]


def few_replicates(replicates: int) -> None:
    """Warn, as a notice, when a comparison rests on fewer replicates than the default."""
    from experiments.defaults import few_replicates_warning

    warning = few_replicates_warning(replicates)
    if warning:
        notice(warning)


@contextmanager
def user_errors() -> Iterator[None]:
    """Report bad input in one sentence and exit with code 2 (the boundary does so too)."""
    try:
        yield
    except InputError as err:
        fail(str(err))


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
        params = Params.from_file(params_file, "--params")
    else:
        params = Params()
    overrides = parse_settings(settings)
    overrides.update({k: v for k, v in extra.items() if v is not None})
    return params.with_overrides(overrides)


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

    An interruption (Ctrl-C, SIGTERM) keeps what finished and exits with 130 (143); a results
    folder holding runs made with other settings is bad input (exit 2), with ``mismatch_hint``.
    """
    from experiments.store import StoreMismatch

    try:
        with progress("Runs", total) as on_progress:
            yield on_progress
    except StoreMismatch as err:
        raise InputError(f"{err}{mismatch_hint}") from None
    except KeyboardInterrupt as err:
        what = "terminated" if isinstance(err, Terminated) else "interrupted"
        errors.print(f"{what}: finished runs are saved; run the same command to resume.")
        raise typer.Exit(143 if isinstance(err, Terminated) else 130) from None
