"""``retraffic run`` and ``retraffic params``: one cohort, and the parameter list."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

import sim
from experiments.cli.base import InputError, app, console, load_params, progress, show, user_errors
from sim.inputs import output_file
from sim.parameters import Params, parameter_table


@app.command()
def run(
    months: Annotated[
        int | None, typer.Option(help="Months to simulate.", show_default="run.horizon_months")
    ] = None,
    survivors: Annotated[
        int | None, typer.Option(help="Cohort size.", show_default="cohort.n_survivors")
    ] = None,
    seed: Annotated[
        int, typer.Option(help="Seed; the same seed gives the same result.", min=0)
    ] = 1,
    params_file: Annotated[
        Path | None,
        typer.Option("--params", help="TOML parameter file.", show_default="the defaults"),
    ] = None,
    settings: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override NAME=VALUE (repeatable).", show_default="none"),
    ] = None,
    events: Annotated[
        Path | None,
        typer.Option(help="Write the event log to this Parquet file.", show_default="not written"),
    ] = None,
) -> None:
    """Run one cohort and print true and observed re-trafficking."""
    with user_errors():
        params = load_params(
            params_file, settings, {"run.horizon_months": months, "cohort.n_survivors": survivors}
        )
        if events is not None:
            output_file(events, "--events")
    with progress("Simulating", params.run.horizon_months) as on_progress:
        result = sim.run(params, seed=seed, progress=on_progress)
    from experiments.cli.tables import print_summary

    print_summary(result)
    if events is not None:
        _write_parquet(result.events, events)
        console.print(f"Event log: {events} ({len(result.events):,} events)")


@app.command("params")
def list_params(
    uncertain: Annotated[
        bool, typer.Option(help="Only parameters without a direct source.")
    ] = False,
    output: Annotated[
        str, typer.Option("--format", help="table, csv, markdown (the docs' reference) or toml.")
    ] = "table",
) -> None:
    """List every parameter with its unit, valid range, default and source."""
    from sim.parameters import markdown_reference

    with user_errors():
        if output not in ("table", "csv", "markdown", "toml"):
            raise InputError(
                f"--format must be one of table, csv, markdown, toml (got {output!r})."
            )
    rows = [r for r in parameter_table() if r["uncertain"] or not uncertain]
    if output == "markdown":
        print(markdown_reference(), end="")
    elif output == "toml":
        print(Params().to_toml(), end="")
    elif output == "csv":
        import pandas as pd

        print(pd.DataFrame(rows).drop(columns="value").to_csv(index=False), end="")
    else:
        table = Table(title="Parameters (* = uncertain: calibrated or varied)")
        for col in ("name", "default", "unit", "valid", "source"):
            table.add_column(col, overflow="fold")
        for row in rows:
            star = " *" if row["uncertain"] else ""
            table.add_row(
                row["name"] + star, str(row["default"]), row["unit"], row["range"], row["source"]
            )
        show(table)


def _write_parquet(frame: Any, path: Path) -> None:
    """Write atomically: a half-written file never replaces a good one."""
    tmp = path.with_name(f".{path.name}.tmp")
    frame.to_parquet(tmp, index=False)
    tmp.replace(path)
