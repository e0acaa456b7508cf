"""``retraffic run`` and ``retraffic params``: one cohort, and the parameter list."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

import sim
from calibration.spec import load_targets
from experiments.cli.base import InputError, app, console, load_params, progress, user_errors
from experiments.outputs import OBSERVED_BY_COLUMN
from sim import observation, outcomes
from sim.parameters import Params, parameter_table
from sim.statistics import by_key


@app.command()
def run(
    months: Annotated[
        int | None, typer.Option(help="Months to simulate [default: run.horizon_months].")
    ] = None,
    survivors: Annotated[
        int | None, typer.Option(help="Cohort size [default: cohort.n_survivors].")
    ] = None,
    seed: Annotated[
        int, typer.Option(help="Seed; the same seed gives the same result.", min=0)
    ] = 1,
    params_file: Annotated[
        Path | None, typer.Option("--params", help="TOML parameter file.")
    ] = None,
    settings: Annotated[
        list[str] | None, typer.Option("--set", help="Override NAME=VALUE (repeatable).")
    ] = None,
    events: Annotated[
        Path | None, typer.Option(help="Write the event log to this Parquet file.")
    ] = None,
) -> None:
    """Run one cohort and print true and observed re-trafficking."""
    with user_errors():
        params = load_params(
            params_file, settings, {"run.horizon_months": months, "cohort.n_survivors": survivors}
        )
        if events is not None and not events.parent.exists():
            raise InputError(f"--events: folder {str(events.parent)!r} does not exist.")
    with progress("Simulating", params.run.horizon_months) as on_progress:
        result = sim.run(params, seed=seed, progress=on_progress)
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
    import pandas as pd

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
        console.print(table)


def print_summary(result: sim.Result) -> None:
    """The short summary table of one run."""
    true = outcomes.incidence_at(result)
    seen = observation.observed_incidence(result)
    stats = by_key(observation.observed_statistics(result))
    reported = {t.key: t for t in load_targets()}
    interval = reported[OBSERVED_BY_COLUMN["observed_months_first_to_second"].statistic.key]
    cases = reported[OBSERVED_BY_COLUMN["observed_cases_per_assisted"].statistic.key]
    twice = OBSERVED_BY_COLUMN["twice_assisted"].statistic.key
    table = Table(
        title=f"{len(result.people):,} survivors, {result.months} months, seed {result.seed}"
    )
    table.add_column("re-trafficked within")
    table.add_column("true", justify="right")
    table.add_column("observed in a case database", justify="right")
    for m in outcomes.HEADLINE_MONTHS:
        table.add_row(f"{m} months of exit", _pct(true[m]), _pct(seen[m]))
    console.print(table)
    intervals = outcomes.assistance_intervals(result)["months"]
    console.print(
        f"Mean months from first to second assistance: observed "
        f"{stats[interval.key]:.1f} (n={int(stats[twice])}), true "
        f"{intervals.mean():.1f} (n={len(intervals)}); target {interval.value:g} "
        f"({interval.source})."
    )
    console.print(
        f"Recorded re-trafficking cases per assisted: {stats[cases.key]:.2%} "
        f"(target {cases.value:.2%}, {cases.source})."
    )
    causes = outcomes.pathways(result)
    table = Table(title="Re-trafficking by pathway")
    for col in ("pathway", "events", "first re-trafficking"):
        table.add_column(col, justify="left" if col == "pathway" else "right")
    for row in causes.itertuples():
        table.add_row(str(row.pathway).lower().replace("_", " "), f"{row.all:,}", f"{row.first:,}")
    console.print(table)


def _pct(x: float) -> str:
    return "n/a" if x != x else f"{x:.1%}"


def _write_parquet(frame: Any, path: Path) -> None:
    """Write atomically: a half-written file never replaces a good one."""
    tmp = path.with_name(f".{path.name}.tmp")
    frame.to_parquet(tmp, index=False)
    tmp.replace(path)
