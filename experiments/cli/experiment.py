"""``retraffic experiment`` and ``retraffic report``: named experiments and their report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

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
from experiments.defaults import MAX_REPLICATES, SEED
from sim.inputs import output_file, output_folder

experiment_app = typer.Typer(help="Named experiments: list and run them.", no_args_is_help=True)
app.add_typer(experiment_app, name="experiment")


@experiment_app.command("list")
def experiment_list() -> None:
    """List the named experiments."""
    from experiments.registry import REGISTRY

    table = Table(title="Named experiments (experiments/registry.py)")
    table.add_column("name", no_wrap=True)
    table.add_column("question")
    table.add_column("scenarios", justify="right")
    table.add_column("figures")
    for exp in REGISTRY.values():
        table.add_row(exp.name, exp.title, str(len(exp.scenarios)), ", ".join(exp.figures))
    show(table)


@experiment_app.command("run")
def experiment_run(
    name: Annotated[str, typer.Argument(help="Experiment name (see 'experiment list').")],
    replicates: Annotated[
        int | None,
        typer.Option(
            help="Replicates per scenario.",
            min=1,
            max=MAX_REPLICATES,
            show_default="the experiment's",
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Experiment seed.", min=0)] = SEED,
    survivors: Annotated[
        int | None, typer.Option(help="Cohort size.", min=1, show_default="the experiment's")
    ] = None,
    months: Annotated[
        int | None, typer.Option(help="Months simulated.", min=1, show_default="the experiment's")
    ] = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    posterior: PosteriorOption = "default",
    uncertainty: UncertaintyOption = "all",
    results: Annotated[str, typer.Option(help="Folder holding experiment results.")] = "results",
    output: Annotated[
        str | None,
        typer.Option(help="This experiment's folder.", show_default="RESULTS/NAME"),
    ] = None,
) -> None:
    """Run an experiment (reusing stored runs) and draw its figures."""
    from experiments.experiment import run_experiment
    from experiments.registry import REGISTRY

    with user_errors():
        if name not in REGISTRY:
            raise InputError(f"no experiment named {name!r}; known: {', '.join(REGISTRY)}.")
        exp = REGISTRY[name]
        folder = output_folder(results, "--results")
        own = None if output is None else output_folder(output, "--output")
        total = (replicates or exp.replicates) * len(exp.scenarios)
        with runs_progress(total, " (or pass --results to use another folder)") as on_progress:
            result = run_experiment(
                name,
                replicates=replicates,
                seed=seed,
                survivors=survivors,
                months=months,
                workers=workers,
                scheduler=scheduler,
                posterior=None if posterior == "none" else posterior,
                uncertainty=uncertainty,
                results=folder,
                output=own,
                on_progress=on_progress,
                on_notice=notice,
            )
    _print_result(result, "" if own is None else f" --input {own}")
    few_replicates(replicates or exp.replicates)


def _print_result(result: Any, where: str) -> None:
    """The figures' titles and files, the runs made, the report command and the tables."""
    from experiments.cli.tables import print_tables_written

    for fig in result.figures:
        console.print(Text.assemble((fig.title, "bold"), f"\n  {fig.png} (+ .svg)"), soft_wrap=True)
    console.print(
        f"{result.ran} runs made, {result.reused} reused. Report: retraffic report "
        f"{result.experiment.name}{where}",
        soft_wrap=True,
    )
    print_tables_written(result.store.root)


@app.command("report")
def report_cmd(
    name: Annotated[str, typer.Argument(help="Experiment name.")],
    results: Annotated[str, typer.Option(help="Folder holding experiment results.")] = "results",
    output: Annotated[
        Path | None, typer.Option(help="HTML file.", show_default="the folder's report.html")
    ] = None,
    input_folder: Annotated[
        Path | None,
        typer.Option(
            "--input", help="The experiment's folder (its --output).", show_default="RESULTS/NAME"
        ),
    ] = None,
) -> None:
    """Write a self-contained HTML report of a stored experiment."""
    from experiments import report
    from experiments.experiment import draw_figures
    from experiments.registry import REGISTRY
    from experiments.store import ResultsStore

    with user_errors():
        if name not in REGISTRY:
            raise InputError(f"no experiment named {name!r}; known: {', '.join(REGISTRY)}.")
        if not results.strip():
            raise InputError("--results must name a folder (got an empty name).")
        if output is not None:
            output_file(output, "--output")
        store = ResultsStore(input_folder if input_folder is not None else Path(results) / name)
        if store.read_manifest() is None or not store.finished():
            raise InputError(
                f"no stored results for {name!r} in {store.root}; run "
                f"'retraffic experiment run {name}' first."
            )
    exp = REGISTRY[name]
    if not (store.root / "figures" / "figures.json").is_file():
        draw_figures(exp, store)
    path = report.write(exp, store, output)
    console.print(f"Report: {path}", soft_wrap=True)
