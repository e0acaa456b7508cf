"""``retraffic scenarios`` and ``retraffic compare``: policy scenarios and their comparison."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from experiments.cli.base import (
    InputError,
    PosteriorOption,
    UncertaintyOption,
    app,
    console,
    notice,
    runs_progress,
    user_errors,
)
from experiments.defaults import MAX_REPLICATES, REPLICATES, SEED
from sim.inputs import output_folder
from sim.parameters import Params, parameter_table

scenarios_app = typer.Typer(help="List, show and validate scenario files.", no_args_is_help=True)
app.add_typer(scenarios_app, name="scenarios")


@scenarios_app.command("list")
def scenarios_list() -> None:
    """List the shipped scenarios with their titles."""
    from scenarios.loader import available, load

    table = Table(title="Shipped scenarios (scenarios/*.toml)")
    table.add_column("name", no_wrap=True)
    table.add_column("title")
    table.add_column("levers changed", justify="right")
    for name in available():
        scenario = load(name)
        table.add_row(name, scenario.title, str(len(scenario.overrides)))
    console.print(table)


@scenarios_app.command("show")
def scenarios_show(
    name_or_path: Annotated[str, typer.Argument(help="A shipped scenario name or a .toml path.")],
    all_params: Annotated[
        bool, typer.Option("--all", help="Also list every unchanged parameter.")
    ] = False,
) -> None:
    """Show a scenario: description, source, and its parameters against the baseline."""
    from scenarios.loader import load

    with user_errors():
        scenario = load(name_or_path)
    params = scenario.params()
    console.print(Text.assemble((scenario.name, "bold"), f": {scenario.title}"))
    console.print(scenario.description)
    console.print(f"Source: {scenario.source}")
    if scenario.extends:
        console.print(f"Extends: {scenario.extends}")
    diff = Params().diff(params)
    table = Table(title="Changed from the baseline defaults")
    for col in ("parameter", "baseline", "scenario", "why this size"):
        table.add_column(col, overflow="fold")
    for name, (old, new) in diff.items():
        table.add_row(name, str(old), str(new), scenario.sources.get(name, "(no source given)"))
    console.print(table if diff else "No parameter differs from the baseline.")
    if all_params:
        full = Table(title="All parameters")
        for col in ("parameter", "value", "unit", "source"):
            full.add_column(col, overflow="fold")
        for row in parameter_table(params):
            full.add_row(row["name"], str(row["value"]), row["unit"], row["source"])
        console.print(full)


@app.command("compare")
def compare_cmd(
    scenario_names: Annotated[
        list[str], typer.Argument(help="Scenario names or .toml paths; the first is the reference.")
    ],
    replicates: Annotated[
        int, typer.Option(help="Replicates per scenario.", min=1, max=MAX_REPLICATES)
    ] = REPLICATES,
    seed: Annotated[
        int, typer.Option(help="Experiment seed (replicate k shares its seed).", min=0)
    ] = SEED,
    survivors: Annotated[
        int | None, typer.Option(help="Cohort size [default: cohort.n_survivors].")
    ] = None,
    months: Annotated[
        int | None, typer.Option(help="Months [default: run.horizon_months].")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(help="Local worker processes [default: all cores].", min=1)
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler address, e.g. tcp://host:8786.")
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(help="Results folder [default: results/compare-<scenarios>-<hash>]."),
    ] = None,
    posterior: PosteriorOption = "default",
    uncertainty: UncertaintyOption = "all",
) -> None:
    """Compare scenarios against the first: re-trafficking, differences, cases averted, cost."""
    from experiments.compare import comparison

    with user_errors():
        if len(scenario_names) < 2:
            raise InputError("compare needs at least two scenarios (the first is the reference).")
        if output is not None:
            output_folder(output, "--output")
        with runs_progress(replicates * len(scenario_names)) as on_progress:
            result = comparison(
                scenario_names,
                replicates=replicates,
                seed=seed,
                survivors=survivors,
                months=months,
                workers=workers,
                scheduler=scheduler,
                output=output,
                posterior=None if posterior == "none" else posterior,
                uncertainty=uncertainty,
                on_progress=on_progress,
                on_notice=notice,
            )
    from experiments.cli.tables import print_comparison

    print_comparison(result)
