"""Run a named experiment through the runner and store, then draw its figures."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from experiments.compare import summarised
from experiments.defaults import SEED
from experiments.exports import write_tables
from experiments.figures import Figure, draw, figure_index
from experiments.registry import Experiment, get
from experiments.runs import run_scenarios
from experiments.store import ResultsStore


@dataclass
class ExperimentResult:
    """A finished experiment: its store, figures, and how many runs were made or reused."""

    experiment: Experiment
    store: ResultsStore
    figures: list[Figure]
    ran: int
    reused: int


def run_experiment(
    name: str,
    *,
    replicates: int | None = None,
    seed: int = SEED,
    survivors: int | None = None,
    months: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    posterior: str | Path | None = "default",
    uncertainty: str = "all",
    results: Path = Path("results"),
    output: Path | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    on_notice: Callable[[str], None] | None = None,
) -> ExperimentResult:
    """Run (reusing stored runs) and draw the figures of experiment ``name``.

    Results go to ``output`` (default ``<results>/<name>/``): the runs, ``manifest.json``,
    the tables (:mod:`experiments.exports`), and ``figures/`` with every figure as PNG and
    SVG plus ``figures.json`` (titles, captions, alt text).
    """
    experiment = get(name)
    scenarios = experiment.loaded()
    replicates = replicates or experiment.replicates
    _, store, ran, reused = run_scenarios(
        scenarios,
        replicates=replicates,
        seed=seed,
        survivors=survivors or experiment.survivors,
        months=months or experiment.months,
        workers=workers,
        scheduler=scheduler,
        output=Path(output) if output is not None else Path(results) / name,
        experiment=name,
        posterior=posterior,
        uncertainty=uncertainty,
        on_progress=on_progress,
        on_notice=on_notice,
    )
    figures = draw_figures(experiment, store)
    write_tables(summarised(scenarios, store, replicates, seed), store.root)
    return ExperimentResult(experiment, store, figures, ran, reused)


def draw_figures(experiment: Experiment, store: ResultsStore) -> list[Figure]:
    """Draw the experiment's figures from its store and index them in ``figures.json``."""
    out = store.root / "figures"
    figures = draw(experiment.figures, store, experiment.loaded(), out)
    index = figure_index(figures).to_dict("records")
    (out / "figures.json").write_text(json.dumps(index, indent=2) + "\n", encoding="utf-8")
    return figures
