"""``retraffic scenarios`` and ``retraffic compare``: policy scenarios and their comparison."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from experiments.cli.base import (
    InputError,
    PosteriorOption,
    SchedulerOption,
    UncertaintyOption,
    WorkersOption,
    app,
    console,
    few_replicates,
    notice,
    runs_progress,
    show,
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
    table.add_column("levers set", justify="right")
    for name in available():
        scenario = load(name)
        table.add_row(name, scenario.title, str(len(scenario.overrides)))
    show(table)


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
    base = Params().to_flat()
    mine = params.to_flat()
    table = Table(title="Levers the scenario sets, against the baseline defaults")
    for col in ("parameter", "baseline", "scenario", "why this size"):
        table.add_column(col, overflow="fold")
    for name in scenario.overrides:
        value = str(mine[name]) + (" (the baseline's too)" if mine[name] == base[name] else "")
        table.add_row(name, str(base[name]), value, scenario.sources.get(name, "(no source given)"))
    show(table) if scenario.overrides else console.print("The scenario sets no lever.")
    if all_params:
        full = Table(title="All parameters")
        for col in ("parameter", "value", "unit", "source"):
            full.add_column(col, overflow="fold")
        for row in parameter_table(params):
            full.add_row(row["name"], str(row["value"]), row["unit"], row["source"])
        show(full)


_Scenarios = Annotated[
    list[str], typer.Argument(help="Scenario names or .toml paths; the first is the reference.")
]
_Replicates = Annotated[
    int, typer.Option(help="Replicates per scenario.", min=1, max=MAX_REPLICATES)
]
_Seed = Annotated[int, typer.Option(help="Experiment seed (replicate k shares its seed).", min=0)]
_Survivors = Annotated[
    int | None, typer.Option(help="Cohort size.", show_default="cohort.n_survivors")
]
_Months = Annotated[
    int | None, typer.Option(help="Months simulated.", show_default="run.horizon_months")
]
_Output = Annotated[
    str | None,
    typer.Option(help="Results folder.", show_default="results/compare-<scenarios>-<hash>"),
]
_Reference = Annotated[
    str | None,
    typer.Option(help="The scenario the others are compared with.", show_default="the first"),
]


@app.command("compare")
def compare_cmd(
    scenario_names: _Scenarios,
    replicates: _Replicates = REPLICATES,
    seed: _Seed = SEED,
    survivors: _Survivors = None,
    months: _Months = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    output: _Output = None,
    posterior: PosteriorOption = "default",
    uncertainty: UncertaintyOption = "all",
    reference: _Reference = None,
) -> None:
    """Compare scenarios against a reference: re-trafficking, differences, cases averted, cost."""
    from experiments.compare import comparison
    from scenarios.loader import load

    with user_errors():
        if len(scenario_names) < 2:
            raise InputError("compare needs at least two scenarios (the first is the reference).")
        if reference is not None:
            names = [load(n).name for n in scenario_names]
            if reference not in names:
                raise InputError(
                    f"--reference: {reference!r} is not one of the scenarios compared "
                    f"({', '.join(names)})."
                )
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
                reference=reference,
            )
    from experiments.cli.tables import print_comparison

    print_comparison(result)
    few_replicates(replicates)
