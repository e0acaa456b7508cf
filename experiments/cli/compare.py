"""``retraffic scenarios`` and ``retraffic compare``: policy scenarios and their comparison."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from calibration.spec import load_targets
from experiments.cli.base import (
    InputError,
    app,
    console,
    fmt_interval,
    runs_progress,
    user_errors,
)
from experiments.outputs import DIFFERENCE, MAIN_MONTHS, OBSERVED_BY_COLUMN, RETRAFFICKED
from experiments.runs import REPLICATES, SEED
from sim.outcomes import HEADLINE_MONTHS
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
    console.print(f"[bold]{scenario.name}[/]: {scenario.title}")
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
    replicates: Annotated[int, typer.Option(help="Replicates per scenario.", min=1)] = REPLICATES,
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
        Path | None,
        typer.Option(help="Results folder [default: results/compare-<scenarios>-<hash>]."),
    ] = None,
    posterior: Annotated[
        str,
        typer.Option(
            help="Calibrated posterior: 'default', a name or .parquet path, or 'none' "
            "to run at the parameter defaults."
        ),
    ] = "default",
) -> None:
    """Compare scenarios against the first: re-trafficking, differences, cases averted, cost."""
    from experiments.compare import comparison

    with user_errors():
        if len(scenario_names) < 2:
            raise InputError("compare needs at least two scenarios (the first is the reference).")
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
                on_progress=on_progress,
            )
    print_comparison(result)


def print_comparison(result: Any) -> None:
    """The comparison tables: true outcomes, effects and cost, observed statistics, subgroups."""
    summary = result.summary.set_index(["scenario", "measure"])
    names = [s.name for s in result.scenarios]

    def cell(
        name: str, measure: str, scale: float = 1.0, digits: int = 1, sign: bool = False
    ) -> str:
        row = summary.loc[(name, measure)]
        return fmt_interval(row["estimate"], row["lower"], row["upper"], scale, digits, sign)

    _print_true(names, cell)
    _print_effects(names, result.reference, summary, cell)
    _print_observed(names, cell)
    _print_subgroups(names, result.reference, result.subgroups)
    console.print(
        f"Results: {result.store.root} ({result.ran} runs made, {result.reused} reused)",
        soft_wrap=True,
    )


Cell = Callable[..., str]


def _print_true(names: list[str], cell: Cell) -> None:
    months = ", ".join(str(m) for m in HEADLINE_MONTHS)
    table = Table(title=f"True re-trafficking within {months} months of exit, % (95% interval)")
    table.add_column("scenario")
    for m in HEADLINE_MONTHS:
        table.add_column(f"{m} months", justify="right")
    for name in names:
        table.add_row(name, *(cell(name, RETRAFFICKED[m].column, 100) for m in HEADLINE_MONTHS))
    console.print(table)


def _print_effects(names: list[str], ref: str, summary: Any, cell: Cell) -> None:
    table = Table(title=f"Effect against {ref}, paired by replicate (95% interval)")
    table.add_column("scenario")
    table.add_column(f"change at {MAIN_MONTHS} months, points", justify="right")
    table.add_column("cases averted per 1,000 survivors", justify="right")
    table.add_column("service-months per survivor", justify="right")
    table.add_column("averted per 1,000 extra service-months", justify="right")
    base_cost = summary.loc[(ref, "service_months_per_survivor"), "estimate"]
    for name in names:
        extra = summary.loc[(name, "service_months_per_survivor"), "estimate"] - base_cost
        if name == ref:
            ratio = "-"
        elif extra <= 0:
            ratio = "no extra service-months"
        else:
            ratio = cell(name, "averted_per_1000_service_months")
        table.add_row(
            name,
            cell(name, DIFFERENCE[MAIN_MONTHS].column, 100, sign=True),
            cell(name, "cases_averted_per_1000", digits=0),
            cell(name, "service_months_per_survivor"),
            ratio,
        )
    console.print(table)


def _print_observed(names: list[str], cell: Cell) -> None:
    reported = {t.key: t.value for t in load_targets()}
    cases = OBSERVED_BY_COLUMN["observed_cases_per_assisted"]
    interval = OBSERVED_BY_COLUMN["observed_months_first_to_second"]
    table = Table(title="What a case database would record (observation layer), (95% interval)")
    table.add_column("scenario")
    table.add_column(
        f"recorded cases per assisted, % ({cases.statistic.target}: "
        f"{reported[cases.statistic.key] * 100:.2f})",
        justify="right",
    )
    table.add_column(
        f"months first to second assistance ({interval.statistic.target}: "
        f"{reported[interval.statistic.key]:.0f})",
        justify="right",
    )
    for name in names:
        table.add_row(name, cell(name, cases.column, 100, digits=2), cell(name, interval.column))
    console.print(table)


def _print_subgroups(names: list[str], ref: str, subgroups: Any) -> None:
    table = Table(
        title=f"Who benefits: change against {ref} in re-trafficking within {MAIN_MONTHS} months, "
        "points (95% interval)"
    )
    table.add_column("subgroup")
    table.add_column(f"survivors ({ref})", justify="right")
    others = [n for n in names if n != ref]
    for name in others:
        table.add_column(name, justify="right")
    for group, frame in subgroups.groupby("subgroup", sort=False):
        rows = frame.set_index("scenario")
        cells = [
            fmt_interval(
                rows.loc[n, "difference"],
                rows.loc[n, "difference_lower"],
                rows.loc[n, "difference_upper"],
                100,
                sign=True,
            )
            for n in others
        ]
        table.add_row(str(group), f"{rows.loc[ref, 'survivors']:,.0f}", *cells)
    console.print(table)
    console.print(
        "Route subgroups (deported, assisted return) are defined after exit, so a policy that "
        "changes routes also changes who is in them.",
        soft_wrap=True,
    )
