"""``retraffic calibrate`` and ``retraffic sensitivity``: fitting and examining the priors."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from experiments.cli.base import (
    InputError,
    Terminated,
    app,
    console,
    errors,
    notice,
    progress,
    show,
    user_errors,
)
from experiments.words import interval
from sim.inputs import output_folder

#: The options of ``retraffic calibrate``, declared once here so the command reads short.
_List = Annotated[bool, typer.Option("--list", help="List the targets and priors, and stop.")]
_Quick = Annotated[
    bool, typer.Option("--quick/--full", help="Quick fit (minutes) or the full one.")
]
_Name = Annotated[str, typer.Option(help="Name of the fit (results/calibration/NAME).")]
_Seed = Annotated[int, typer.Option(help="Seed of the fit.", min=0)]
_Workers = Annotated[
    int | None,
    typer.Option(help="Local processes; 1 is reproducible.", min=1, show_default="all cores"),
]
_Scheduler = Annotated[
    str | None, typer.Option(help="Dask scheduler address.", show_default="none: local")
]
_Population = Annotated[
    int | None,
    typer.Option(help="Particles per generation.", min=4, show_default="quick 40, full 500"),
]
_Generations = Annotated[
    int | None,
    typer.Option(help="Most ABC-SMC generations.", min=1, show_default="quick 3, full 30"),
]
_Survivors = Annotated[
    int | None,
    typer.Option(help="Cohort size simulated.", min=100, show_default="quick 2000, full 14000"),
]
_Minutes = Annotated[
    float | None,
    typer.Option(
        help="Stop after a generation ends past this many minutes.", min=1, show_default="no limit"
    ),
]
_Draws = Annotated[int, typer.Option(help="Posterior draws in the predictive check.", min=2)]
_Install = Annotated[
    bool, typer.Option(help="Copy the posterior into calibration/posterior/NAME.parquet.")
]
_Resume = Annotated[
    bool,
    typer.Option(help="Continue the fit NAME from its last finished generation (same settings)."),
]

_Close = Annotated[
    bool,
    typer.Option(
        help="Add only the closing generation to the fit NAME (at its last tolerance, to "
        "even out the weights) and check it."
    ),
]


@app.command("calibrate")
def calibrate_cmd(
    list_priors: _List = False,
    quick: _Quick = True,
    name: _Name = "",
    seed: _Seed = 1,
    workers: _Workers = None,
    scheduler: _Scheduler = None,
    population: _Population = None,
    generations: _Generations = None,
    survivors: _Survivors = None,
    max_minutes: _Minutes = None,
    check_draws: _Draws = 30,
    install: _Install = False,
    resume: _Resume = False,
    close: _Close = False,
) -> None:
    """Fit the uncertain parameters to the reported rates (ABC-SMC) and check the fit."""
    from dataclasses import replace

    from calibration.fit import SETTINGS, calibrate
    from calibration.spec import load_priors, load_targets

    with user_errors():
        targets, priors = load_targets(), load_priors()
    if list_priors:
        _print_spec(targets, priors)
        return
    priors = [p for p in priors if p.calibrate]
    mode = "quick" if quick else "full"
    name = name or mode
    chosen = {
        "population": population,
        "generations": generations,
        "survivors": survivors,
        "max_minutes": max_minutes,
    }
    settings = replace(SETTINGS[mode], **{k: v for k, v in chosen.items() if v is not None})
    console.print(
        f"ABC-SMC '{name}': {len(priors)} parameters, {sum(t.fit for t in targets)} targets, "
        f"{settings.population} particles x {settings.generations} generations, "
        f"{settings.survivors:,} survivors per simulation.",
        soft_wrap=True,
    )
    with _resumable(name):
        fit = calibrate(
            name,
            mode=mode,
            settings=settings,
            seed=seed,
            workers=workers,
            scheduler=scheduler,
            install=install,
            on_generation=lambda line: errors.print(line, highlight=False),
            resume=resume,
            close=close,
        )
    _check(name, fit, settings, priors, check_draws, seed, workers, install)
    if install and not fit.installed:
        _refuse_install(name, fit)


@contextmanager
def _resumable(name: str) -> Iterator[None]:
    """An interrupted fit says, in one line, where it is kept and how to continue it."""
    try:
        yield
    except KeyboardInterrupt as err:
        stopped = "terminated" if isinstance(err, Terminated) else "interrupted"
        errors.print(
            f"{stopped}: finished generations are saved in results/calibration/{name}/"
            "history.db; add --resume to the same command to continue.",
            soft_wrap=True,
        )
        raise typer.Exit(143 if isinstance(err, Terminated) else 130) from None


def _refuse_install(name: str, fit: Any) -> None:
    """Say why ``--install`` did not install the fit (exit 2): its effective sample size."""
    from calibration.posterior import trustworthy

    raise InputError(
        f"--install refused: posterior '{name}' has an {trustworthy(fit.posterior)[1]}. "
        "Run a longer fit (more --generations or a larger --population)."
    )


def _check(
    name: str,
    fit: Any,
    settings: Any,
    priors: list[Any],
    draws: int,
    seed: int,
    workers: int | None,
    install: bool,
) -> None:
    """Summarise, check and draw a finished fit, and say where its files are."""
    from calibration import checks
    from experiments.figures.calibration import draw_fit

    _print_posterior(name, fit, checks.write_fit_summary(fit, priors))
    console.print("Posterior predictive check...", soft_wrap=True)
    folder = fit.posterior_path.parent
    check = checks.predictive_check(
        fit.posterior_path, settings, draws=draws, seed=seed, workers=workers
    )
    check.to_csv(folder / "predictive_check.csv", index=False)
    draw_fit(check, fit.posterior_path, priors)
    if fit.installed:  # the README states the shipped fit from these (experiments.readme)
        from calibration.posterior import POSTERIOR_DIR

        for table in ("summary", "predictive_check"):
            shutil.copy(folder / f"{table}.csv", POSTERIOR_DIR / f"{name}.{table}.csv")
    _print_check(check)
    console.print(
        f"Files: {folder} (posterior.parquet, summary.csv, correlations.csv, "
        "predictive_check.csv/.png/.svg, marginals.png/.svg, history.db)"
        + (f"; installed as calibration/posterior/{name}.parquet" if fit.installed else ""),
        soft_wrap=True,
    )


def _print_posterior(name: str, fit: Any, summary: Any) -> None:
    from calibration.posterior import trustworthy

    ok, ess = trustworthy(fit.posterior)
    table = Table(
        title=f"Posterior '{name}': {fit.simulations:,} simulations, final epsilon "
        f"{fit.final_epsilon:.3g}, {ess.split(',')[0]}, {fit.seconds / 60:.1f} min"
    )
    for col in ("parameter", "mean", "5%", "95%", "identified"):
        table.add_column(col, justify="left" if col == "parameter" else "right")
    for row in summary.itertuples():
        table.add_row(
            row.parameter,
            f"{row.mean:.4g}",
            f"{row.q05:.4g}",
            f"{row.q95:.4g}",
            "withheld" if row.withheld else "yes" if row.identified else "no",
        )
    show(table)
    if not ok:
        notice(f"posterior '{name}': {ess}; 'identified' is withheld.")


@app.command("sensitivity")
def sensitivity_cmd(
    method: Annotated[str, typer.Option(help="morris (screening) or sobol.")] = "morris",
    samples: Annotated[
        int, typer.Option(help="Morris trajectories, or Sobol base samples (power of 2).", min=2)
    ] = 8,
    survivors: Annotated[int, typer.Option(help="Cohort size per simulation.", min=100)] = 3000,
    months: Annotated[int, typer.Option(help="Months per simulation (at least 60).", min=60)] = 72,
    seed: Annotated[int, typer.Option(help="Seed of the design and the runs.", min=0)] = 1,
    workers: Annotated[
        int | None, typer.Option(help="Local processes.", min=1, show_default="all cores")
    ] = None,
    output: Annotated[Path, typer.Option(help="Folder for the table and figure.")] = Path(
        "results/sensitivity"
    ),
) -> None:
    """Global sensitivity (SALib) of 5-year re-trafficking and policy effects to the priors."""
    from calibration import sensitivity
    from calibration.spec import load_priors
    from experiments.figures.calibration import sensitivity_figure

    with user_errors():
        if method not in ("morris", "sobol"):
            raise InputError(f"--method must be morris or sobol (got {method!r}).")
        if method == "sobol" and samples & (samples - 1):
            raise InputError(f"--samples must be a power of 2 for sobol (got {samples}).")
    dims = len(load_priors(runs_only=True))
    total = samples * (dims + 1 if method == "morris" else dims + 2)
    with progress("Samples", total) as on_progress:
        table = sensitivity.analyse(
            method,
            samples=samples,
            survivors=survivors,
            months=months,
            seed=seed,
            workers=workers,
            on_progress=on_progress,
        )
    output.mkdir(parents=True, exist_ok=True)
    table.to_csv(output / f"{method}.csv", index=False)
    sensitivity_figure(table, output / method)
    main = "mu_star" if method == "morris" else "ST"
    wide = table[table["index"] == main].pivot(index="parameter", columns="output", values="value")
    wide = wide.sort_values(sensitivity.BASELINE_OUTPUT, ascending=False)
    view = Table(title=f"Sensitivity ({method}: {'mu*' if main == 'mu_star' else 'total index'})")
    view.add_column("parameter")
    for col in wide.columns:
        view.add_column(col.replace("effect_", "effect: "), justify="right")
    for name, row in wide.iterrows():
        view.add_row(str(name), *(f"{v:.3g}" for v in row))
    console.print(view)
    console.print(
        f"Files: {output / (method + '.csv')}, {output / method}.png/.svg", soft_wrap=True
    )


def _print_spec(targets: list[Any], priors: list[Any]) -> None:
    table = Table(title="Calibration targets (calibration/targets.toml)")
    for col in ("target", "statistic", "value", "se", "n", "fit", "source"):
        table.add_column(col, overflow="fold")
    for t in targets:
        table.add_row(
            t.id,
            t.statistic,
            f"{t.value:g}",
            f"{t.se:g}",
            str(t.n),
            "fit" if t.fit else "check",
            t.source,
        )
    show(table)
    table = Table(title="Priors (calibration/priors.toml)")
    for col in ("parameter", "distribution", "lower", "upper", "use", "reason"):
        table.add_column(col, overflow="fold")
    for p in priors:
        use = "fit + sensitivity" if p.calibrate else "sensitivity"
        table.add_row(p.parameter, p.distribution, f"{p.lower:g}", f"{p.upper:g}", use, p.reason)
    show(table)


def _print_check(check: Any) -> None:
    table = Table(
        title="Posterior predictive check: reported value (95% interval) against the model's "
        "90% predictive interval; reproduced = reported value inside it"
    )
    for col in ("target", "statistic", "reported", "model", "p", "reproduced"):
        table.add_column(col, overflow="fold")
    for r in check.itertuples():
        table.add_row(
            r.target + ("" if r.fit else " (check)"),
            r.statistic,
            interval(r.data, r.data_lower, r.data_upper, digits=3),
            interval(r.simulated, r.sim_lower, r.sim_upper, digits=3),
            f"{r.p_value:.2f}",
            "yes" if r.reproduced else "NO",
        )
    show(table)
    console.print(
        f"{int(check['reproduced'].sum())} of {len(check)} targets reproduced.", soft_wrap=True
    )


@app.command("screen")
def screen_cmd(
    draws: Annotated[int, typer.Option(help="Prior draws simulated.", min=20)] = 2000,
    survivors: Annotated[
        int | None, typer.Option(help="Cohort size.", min=100, show_default="the full fit's, 14000")
    ] = None,
    name: Annotated[str, typer.Option(help="Folder name (results/calibration/NAME).")] = "default",
    seed: Annotated[int, typer.Option(help="Seed of the draws and runs.", min=0)] = 1,
    workers: Annotated[
        int | None, typer.Option(help="Local processes.", min=1, show_default="all cores")
    ] = None,
) -> None:
    """Which uncertain parameters move which targets: a prior-predictive screening."""
    import json
    from dataclasses import replace

    from calibration import screening
    from calibration.fit import SETTINGS

    settings = (
        SETTINGS["full"] if survivors is None else replace(SETTINGS["full"], survivors=survivors)
    )
    folder = output_folder(Path("results") / "calibration" / name, "--name")
    with progress("Prior draws", draws) as on_progress:
        table, samples, facts = screening.screen(
            draws, settings, seed=seed, workers=workers, on_progress=on_progress
        )
    folder.mkdir(parents=True, exist_ok=True)
    table.to_csv(folder / "screening.csv", index=False)
    summary = screening.by_parameter(table)
    summary.to_csv(folder / "screening_by_parameter.csv", index=False)
    samples.to_parquet(folder / "screening_samples.parquet", index=False)
    (folder / "screening.json").write_text(json.dumps(facts, indent=2) + "\n", encoding="utf-8")
    view = Table(
        title=f"Parameters that move a fitted target (|rank correlation| >= {facts['min_rho']}, "
        f"Bonferroni p < {facts['alpha']}; {draws:,} prior draws, {settings.survivors:,} survivors)"
    )
    for col in ("parameter", "fitted targets moved", "checked targets moved", "strongest rho"):
        view.add_column(col, overflow="fold")
    for row in summary[summary["informed"]].itertuples():
        view.add_row(
            row.parameter, row.moves_fitted, row.moves_checked, f"{row.strongest_rho:+.2f}"
        )
    console.print(view)
    console.print(
        f"{int(summary['informed'].sum())} of {len(summary)} uncertain parameters move a fitted "
        f"target; the other {int((~summary['informed']).sum())} cannot be learned from the "
        f"targets and must be varied over their priors. Files: {folder}/screening.csv, "
        "screening_by_parameter.csv, screening_samples.parquet, screening.json",
        soft_wrap=True,
    )
