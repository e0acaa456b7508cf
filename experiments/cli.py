"""``retraffic``: the command-line program. Thin: it parses, calls the library, and prints.

Bad input (a flag, a parameter, a file) is reported in one sentence on stderr with exit code 2
and no traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

import sim
from sim import observation, outcomes
from sim.parameters import ParameterError, Params, parameter_table

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
    with _progress("Simulating", params.run.horizon_months) as advance:
        result = sim.run(params, seed=seed, progress=lambda done, total: advance())
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
    replicates: Annotated[int, typer.Option(help="Replicates per scenario.", min=1)] = 20,
    seed: Annotated[
        int, typer.Option(help="Experiment seed (replicate k shares its seed).", min=0)
    ] = 1,
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
    from experiments.store import StoreMismatch

    with user_errors():
        if len(scenario_names) < 2:
            raise InputError("compare needs at least two scenarios (the first is the reference).")
        try:
            with _progress("Runs", replicates * len(scenario_names)) as advance:
                state = {"done": 0}

                def on_progress(done: int, total: int) -> None:
                    advance(done - state["done"])
                    state["done"] = done

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
        except (StoreMismatch, ValueError, ConnectionError) as err:
            raise InputError(str(err)) from None
        except KeyboardInterrupt:
            errors.print("interrupted: finished runs are saved; run the same command to resume.")
            raise typer.Exit(130) from None
    print_comparison(result)


def print_comparison(result: Any) -> None:
    """The comparison tables: true outcomes, effects and cost, observed statistics, subgroups."""
    summary = result.summary.set_index(["scenario", "measure"])
    names = [s.name for s in result.scenarios]
    ref = result.reference

    def cell(
        name: str, measure: str, scale: float = 1.0, digits: int = 1, sign: bool = False
    ) -> str:
        row = summary.loc[(name, measure)]
        return fmt_interval(row["estimate"], row["lower"], row["upper"], scale, digits, sign)

    table = Table(title="True re-trafficking within 12, 24, 60 months of exit, % (95% interval)")
    table.add_column("scenario")
    for m in (12, 24, 60):
        table.add_column(f"{m} months", justify="right")
    for name in names:
        table.add_row(name, *(cell(name, f"retrafficked_{m}m", 100) for m in (12, 24, 60)))
    console.print(table)

    table = Table(title=f"Effect against {ref}, paired by replicate (95% interval)")
    table.add_column("scenario")
    table.add_column("change at 60 months, points", justify="right")
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
            cell(name, "difference_60m", 100, sign=True),
            cell(name, "cases_averted_per_1000", digits=0),
            cell(name, "service_months_per_survivor"),
            ratio,
        )
    console.print(table)

    table = Table(title="What a case database would record (observation layer), (95% interval)")
    table.add_column("scenario")
    table.add_column("recorded cases per assisted, % (T2: 0.56)", justify="right")
    table.add_column("months first to second assistance (T1: 20)", justify="right")
    for name in names:
        table.add_row(
            name,
            cell(name, "observed_cases_per_assisted", 100, digits=2),
            cell(name, "observed_months_first_to_second"),
        )
    console.print(table)

    table = Table(
        title=f"Who benefits: change against {ref} in re-trafficking within 60 months, "
        "points (95% interval)"
    )
    table.add_column("subgroup")
    table.add_column(f"survivors ({ref})", justify="right")
    others = [n for n in names if n != ref]
    for name in others:
        table.add_column(name, justify="right")
    for group, frame in result.subgroups.groupby("subgroup", sort=False):
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
    console.print(
        f"Results: {result.store.root} ({result.ran} runs made, {result.reused} reused)",
        soft_wrap=True,
    )


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


@app.command("calibrate")
def calibrate_cmd(
    list_priors: Annotated[
        bool, typer.Option("--list", help="List the targets and priors, and stop.")
    ] = False,
    quick: Annotated[
        bool, typer.Option("--quick/--full", help="Quick fit (minutes) or the full one.")
    ] = True,
    name: Annotated[str, typer.Option(help="Name of the fit (results/calibration/NAME).")] = "",
    seed: Annotated[int, typer.Option(help="Seed of the fit.", min=0)] = 1,
    workers: Annotated[
        int | None, typer.Option(help="Local processes; 1 is reproducible.", min=1)
    ] = None,
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address.")] = None,
    population: Annotated[int | None, typer.Option(help="Particles per generation.", min=4)] = None,
    generations: Annotated[int | None, typer.Option(help="ABC-SMC generations.", min=1)] = None,
    survivors: Annotated[int | None, typer.Option(help="Cohort size simulated.", min=100)] = None,
    check_draws: Annotated[
        int, typer.Option(help="Posterior draws in the predictive check.", min=2)
    ] = 30,
    install: Annotated[
        bool, typer.Option(help="Copy the posterior into calibration/posterior/NAME.parquet.")
    ] = False,
) -> None:
    """Fit the uncertain parameters to the reported rates (ABC-SMC) and check the fit."""
    from dataclasses import replace

    from calibration import checks, posterior
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
    settings = SETTINGS[mode]
    settings = replace(
        settings,
        population=population or settings.population,
        generations=generations or settings.generations,
        survivors=survivors or settings.survivors,
    )
    console.print(
        f"ABC-SMC '{name}': {len(priors)} parameters, {sum(t.fit for t in targets)} targets, "
        f"{settings.population} particles x {settings.generations} generations, "
        f"{settings.survivors:,} survivors per simulation.",
        soft_wrap=True,
    )
    with user_errors():
        try:
            fit = calibrate(
                name,
                mode=mode,
                settings=settings,
                seed=seed,
                workers=workers,
                scheduler=scheduler,
                install=install,
                on_generation=lambda line: errors.print(line, highlight=False),
            )
        except OSError as err:
            raise InputError(f"cannot reach the Dask scheduler at {scheduler} ({err}).") from None
    folder = fit.posterior_path.parent
    summary = posterior.summary(fit.posterior)
    ident = checks.identifiability(fit.posterior, priors).set_index("parameter")
    summary["identified"] = summary["parameter"].map(ident["identified"])
    summary.to_csv(folder / "summary.csv", index=False)
    posterior.correlations(fit.posterior).to_csv(folder / "correlations.csv")
    table = Table(
        title=f"Posterior '{name}': {fit.simulations:,} simulations, final epsilon "
        f"{fit.final_epsilon:.3g}, {fit.seconds / 60:.1f} min"
    )
    for col in ("parameter", "mean", "5%", "95%", "identified"):
        table.add_column(col, justify="left" if col == "parameter" else "right")
    for row in summary.itertuples():
        table.add_row(
            row.parameter,
            f"{row.mean:.4g}",
            f"{row.q05:.4g}",
            f"{row.q95:.4g}",
            "yes" if row.identified else "no",
        )
    console.print(table)
    console.print("Posterior predictive check...", soft_wrap=True)
    check = checks.predictive_check(
        fit.posterior_path, settings, draws=check_draws, seed=seed, workers=workers
    )
    check.to_csv(folder / "predictive_check.csv", index=False)
    checks.predictive_figure(check, folder / "predictive_check")
    checks.marginals_figure(fit.posterior_path, folder / "marginals", priors)
    _print_check(check)
    console.print(
        f"Files: {folder} (posterior.parquet, summary.csv, correlations.csv, "
        "predictive_check.csv/.png/.svg, marginals.png/.svg, history.db)"
        + (f"; installed as calibration/posterior/{name}.parquet" if install else ""),
        soft_wrap=True,
    )


@app.command("sensitivity")
def sensitivity_cmd(
    method: Annotated[str, typer.Option(help="morris (screening) or sobol.")] = "morris",
    samples: Annotated[
        int, typer.Option(help="Morris trajectories, or Sobol base samples (power of 2).", min=2)
    ] = 8,
    survivors: Annotated[int, typer.Option(help="Cohort size per simulation.", min=100)] = 3000,
    months: Annotated[int, typer.Option(help="Months per simulation (at least 60).", min=60)] = 72,
    seed: Annotated[int, typer.Option(help="Seed of the design and the runs.", min=0)] = 1,
    workers: Annotated[int | None, typer.Option(help="Local processes.", min=1)] = None,
    output: Annotated[Path, typer.Option(help="Folder for the table and figure.")] = Path(
        "results/sensitivity"
    ),
) -> None:
    """Global sensitivity (SALib) of 5-year re-trafficking and policy effects to the priors."""
    from calibration import sensitivity
    from calibration.spec import load_priors

    with user_errors():
        if method not in ("morris", "sobol"):
            raise InputError(f"--method must be morris or sobol (got {method!r}).")
        if method == "sobol" and samples & (samples - 1):
            raise InputError(f"--samples must be a power of 2 for sobol (got {samples}).")
    dims = len(load_priors())
    total = samples * (dims + 1 if method == "morris" else dims + 2)
    with _progress("Samples", total) as advance:
        state = {"done": 0}

        def on_progress(done: int, _total: int) -> None:
            advance(done - state["done"])
            state["done"] = done

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
    sensitivity.figure(table, output / method)
    main = "mu_star" if method == "morris" else "ST"
    wide = table[table["index"] == main].pivot(index="parameter", columns="output", values="value")
    wide = wide.sort_values("retrafficked_60m", ascending=False)
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
    console.print(table)


@experiment_app.command("run")
def experiment_run(
    name: Annotated[str, typer.Argument(help="Experiment name (see 'experiment list').")],
    replicates: Annotated[int | None, typer.Option(help="Replicates per scenario.", min=1)] = None,
    seed: Annotated[int, typer.Option(help="Experiment seed.", min=0)] = 1,
    survivors: Annotated[int | None, typer.Option(help="Cohort size.", min=1)] = None,
    months: Annotated[int | None, typer.Option(help="Months simulated.", min=1)] = None,
    workers: Annotated[int | None, typer.Option(help="Local worker processes.", min=1)] = None,
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address.")] = None,
    posterior: Annotated[
        str, typer.Option(help="'default', a posterior name or path, or 'none'.")
    ] = "default",
    results: Annotated[Path, typer.Option(help="Folder holding experiment results.")] = Path(
        "results"
    ),
) -> None:
    """Run an experiment (reusing stored runs) and draw its figures."""
    from experiments.experiment import run_experiment
    from experiments.registry import REGISTRY
    from experiments.store import StoreMismatch

    with user_errors():
        if name not in REGISTRY:
            raise InputError(f"no experiment named {name!r}; known: {', '.join(REGISTRY)}.")
        exp = REGISTRY[name]
        total = (replicates or exp.replicates) * len(exp.scenarios)
        try:
            with _progress("Runs", total) as advance:
                state = {"done": 0}

                def on_progress(done: int, _total: int) -> None:
                    advance(done - state["done"])
                    state["done"] = done

                result = run_experiment(
                    name,
                    replicates=replicates,
                    seed=seed,
                    survivors=survivors,
                    months=months,
                    workers=workers,
                    scheduler=scheduler,
                    posterior=None if posterior == "none" else posterior,
                    results=results,
                    on_progress=on_progress,
                )
        except StoreMismatch as err:
            raise InputError(f"{err} (or pass --results to use another folder)") from None
        except (ValueError, ConnectionError) as err:
            raise InputError(str(err)) from None
        except KeyboardInterrupt:
            errors.print("interrupted: finished runs are saved; run the same command to resume.")
            raise typer.Exit(130) from None
    for fig in result.figures:
        console.print(f"[bold]{fig.title}[/]\n  {fig.png} (+ .svg)", soft_wrap=True)
    console.print(
        f"{result.ran} runs made, {result.reused} reused. Report: retraffic report {name}",
        soft_wrap=True,
    )


@app.command("report")
def report_cmd(
    name: Annotated[str, typer.Argument(help="Experiment name.")],
    results: Annotated[Path, typer.Option(help="Folder holding experiment results.")] = Path(
        "results"
    ),
    output: Annotated[
        Path | None, typer.Option(help="HTML file [default: results/NAME/report.html].")
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
        store = ResultsStore(results / name)
        if store.read_manifest() is None or not store.finished():
            raise InputError(
                f"no stored results for {name!r} in {results / name}; run "
                f"'retraffic experiment run {name}' first."
            )
    exp = REGISTRY[name]
    if not (store.root / "figures" / "figures.json").is_file():
        draw_figures(exp, store)
    path = report.write(exp, store, output)
    console.print(f"Report: {path}", soft_wrap=True)


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
    console.print(table)
    table = Table(title="Priors (calibration/priors.toml)")
    for col in ("parameter", "distribution", "lower", "upper", "use", "reason"):
        table.add_column(col, overflow="fold")
    for p in priors:
        use = "fit + sensitivity" if p.calibrate else "sensitivity"
        table.add_row(p.parameter, p.distribution, f"{p.lower:g}", f"{p.upper:g}", use, p.reason)
    console.print(table)


def _print_check(check: Any) -> None:
    table = Table(title="Posterior predictive check: reported (95% interval) vs model (90% range)")
    for col in ("target", "statistic", "reported", "model", "inside"):
        table.add_column(col, overflow="fold")
    for r in check.itertuples():
        table.add_row(
            r.target + ("" if r.fit else " (check)"),
            r.statistic,
            fmt_interval(r.data, r.data_lower, r.data_upper, digits=3),
            fmt_interval(r.simulated, r.sim_lower, r.sim_upper, digits=3),
            "yes" if r.inside else "NO",
        )
    console.print(table)


def print_summary(result: sim.Result) -> None:
    """The short summary table of one run."""
    true = outcomes.incidence_at(result)
    seen = observation.observed_incidence(result)
    stats = observation.observed_statistics(result).set_index(["target", "statistic"])["value"]
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
        f"{stats[('T1', 'mean months first to second assistance')]:.1f} "
        f"(n={int(stats[('T2', 'twice-assisted cases')])}), true {intervals.mean():.1f} "
        f"(n={len(intervals)}); target 20 (IOM-2010 §5.1)."
    )
    console.print(
        f"Recorded re-trafficking cases per assisted: "
        f"{stats[('T2', 'recorded re-trafficking cases per assisted')]:.2%} (target 0.56%)."
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


@contextmanager
def _progress(label: str, total: int) -> Iterator[Any]:
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
        yield lambda n=1: bar.advance(task, n)


def _write_parquet(frame: Any, path: Path) -> None:
    """Write atomically: a half-written file never replaces a good one."""
    tmp = path.with_name(f".{path.name}.tmp")
    frame.to_parquet(tmp, index=False)
    tmp.replace(path)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    sys.exit(main())
