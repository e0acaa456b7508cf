"""Policy comparison: scenarios x replicates on an executor, stored, then summarised.

Uncertainty: each replicate is a whole synthetic cohort with its own seed (and, once a
calibrated posterior is used, its own parameter draw), so the spread across replicates is the
range within which a cohort's outcome falls. Intervals are the 2.5th and 97.5th percentiles
across replicates. Differences from the reference scenario are paired by replicate: replicate
``k`` of every scenario shares its seed, so the paired difference removes the noise both share.
"""

from __future__ import annotations

import hashlib
import json
import platform
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import sim
from calibration.posterior import draw_for, fingerprint, read_posterior
from calibration.posterior import resolve as resolve_posterior
from experiments.executors import execute
from experiments.outputs import DIFFERENCE, MAIN_MONTHS, OBSERVED, RETRAFFICKED
from experiments.store import ResultsStore, git_revision
from experiments.tasks import Task, replicate_seed, run_task
from scenarios.loader import Scenario, load
from sim.outcomes import HEADLINE_MONTHS
from sim.parameters import Params


@dataclass
class Comparison:
    """A finished comparison: its scenarios, store, and summary tables."""

    scenarios: list[Scenario]
    store: ResultsStore
    reference: str
    summary: pd.DataFrame
    subgroups: pd.DataFrame
    ran: int
    reused: int


def run_scenarios(
    scenarios: Sequence[str | Path | Scenario],
    *,
    replicates: int = 20,
    seed: int = 1,
    survivors: int | None = None,
    months: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    output: str | Path | None = None,
    experiment: str = "compare",
    base: Params | None = None,
    posterior: str | Path | None = "default",
    on_progress: Callable[[int, int], None] | None = None,
) -> tuple[list[Scenario], ResultsStore, int, int]:
    """Run (or reuse) every scenario x replicate and store the results.

    With a posterior (the shipped ``default`` unless ``None``/``"none"``), replicate ``k``
    uses one weighted draw of the calibrated parameters, the same draw in every scenario;
    the scenario's own overrides apply on top, so a policy lever always wins over a draw.

    Returns:
        The loaded scenarios, the store, and how many runs were run and reused.
    """
    loaded = [s if isinstance(s, Scenario) else load(s) for s in scenarios]
    names = [s.name for s in loaded]
    if len(set(names)) != len(names):
        raise ValueError(f"scenario names must be distinct (got {', '.join(names)}).")
    if replicates < 1:
        raise ValueError(f"--replicates must be at least 1 (got {replicates}).")
    size: dict[str, Any] = {}
    if survivors is not None:
        size["cohort.n_survivors"] = survivors
    if months is not None:
        size["run.horizon_months"] = months
    base = (base or Params()).with_overrides(size)
    params = {s.name: s.params(base) for s in loaded}
    posterior_path = resolve_posterior(posterior)
    draws = read_posterior(posterior_path)[0] if posterior_path is not None else None

    def replicate_params(scenario: Scenario, replicate: int) -> tuple[int, Params]:
        if draws is None:
            return -1, params[scenario.name]
        index, values = draw_for(draws, replicate_seed(seed, replicate))
        return index, scenario.params(base.with_overrides(values))

    settings = {
        "seed": seed,
        "scenarios": {n: p.to_flat() for n, p in params.items()},
        "posterior": fingerprint(posterior_path),
    }
    if output is None:
        digest = hashlib.sha1(json.dumps(settings, sort_keys=True, default=str).encode())
        output = Path("results") / f"{experiment}-{'_vs_'.join(names)}-{digest.hexdigest()[:8]}"
    store = ResultsStore(output)
    store.check_compatible(settings)
    store.clean_partial()
    started = datetime.now(UTC).isoformat(timespec="seconds")
    old = store.read_manifest() or {}
    manifest = {
        "experiment": experiment,
        "settings": settings,
        "replicates": max(replicates, old.get("replicates", 0)),
        "replicate_seeds": {str(k): replicate_seed(seed, k) for k in range(replicates)},
        "scenario_files": {
            s.name: {
                "title": s.title,
                "description": s.description,
                "source": s.source,
                "overrides": s.overrides,
                "sources": s.sources,
            }
            for s in loaded
        },
        "versions": {
            "retrafficking-sim": sim.__version__,
            "python": platform.python_version(),
            "numpy": np.__version__,
            "pandas": pd.__version__,
            "mesa": _version("mesa"),
        },
        "posterior": str(posterior_path) if posterior_path else "none",
        "git_revision": git_revision(),
        "started": old.get("started", started),
        "last_started": started,
        "finished": None,
    }
    store.write_manifest(manifest)

    tasks = []
    for k in range(replicates):
        for s in loaded:
            if not store.has(s.name, k):
                draw, replicate_params_k = replicate_params(s, k)
                tasks.append(Task(s.name, k, replicate_seed(seed, k), replicate_params_k, draw))
    total = replicates * len(loaded)
    reused = total - len(tasks)
    done = reused
    if on_progress:
        on_progress(done, total)
    for task, tables in execute(run_task, tasks, workers=workers, scheduler=scheduler):
        store.save(task.scenario, task.replicate, tables)
        done += 1
        if on_progress:
            on_progress(done, total)
    manifest["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    store.write_manifest(manifest)
    return loaded, store, len(tasks), reused


def compare(
    scenarios: Sequence[str | Path],
    *,
    replicates: int = 20,
    seed: int = 1,
    survivors: int | None = None,
    months: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    output: str | Path | None = None,
    posterior: str | Path | None = "default",
    on_progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Compare scenarios against the first one; returns the tidy summary table.

    Example: ``compare(["baseline", "residency"], replicates=10)``. See
    :func:`comparison` for the full result (subgroups, store) and the arguments.
    """
    return comparison(
        scenarios,
        replicates=replicates,
        seed=seed,
        survivors=survivors,
        months=months,
        workers=workers,
        scheduler=scheduler,
        output=output,
        posterior=posterior,
        on_progress=on_progress,
    ).summary


def comparison(scenarios: Sequence[str | Path | Scenario], **kwargs: Any) -> Comparison:
    """Run or reuse the runs, then summarise them against the first scenario."""
    loaded, store, ran, reused = run_scenarios(scenarios, **kwargs)
    names = [s.name for s in loaded]
    replicates = kwargs.get("replicates", 20)
    headline = store.load("headline", names)
    headline = headline[headline["replicate"] < replicates]
    subgroups = store.load("subgroups", names)
    subgroups = subgroups[subgroups["replicate"] < replicates]
    return Comparison(
        scenarios=loaded,
        store=store,
        reference=names[0],
        summary=summarise(headline, names[0], order=names, seed=kwargs.get("seed", 1)),
        subgroups=summarise_subgroups(subgroups, names[0], order=names),
        ran=ran,
        reused=reused,
    )


def _interval(values: np.ndarray) -> tuple[float, float, float]:
    values = values[~np.isnan(values)]
    if len(values) == 0:
        return (np.nan, np.nan, np.nan)
    lo, hi = np.percentile(values, [2.5, 97.5])
    return float(values.mean()), float(lo), float(hi)


def paired(headline: pd.DataFrame, column: str, reference: str) -> pd.DataFrame:
    """Per scenario and replicate: ``column`` minus the reference scenario's same replicate."""
    wide = headline.pivot(index="replicate", columns="scenario", values=column)
    diff = wide.sub(wide[reference], axis=0)
    return diff.reset_index().melt(id_vars="replicate", var_name="scenario", value_name="diff")


def summarise(
    headline: pd.DataFrame, reference: str, order: Sequence[str] | None = None, seed: int = 1
) -> pd.DataFrame:
    """The comparison table in long form.

    Columns: ``scenario``, ``measure``, ``estimate`` (mean over replicates), ``lower`` and
    ``upper`` (2.5th and 97.5th percentiles), ``unit``.
    """
    order = list(order or sorted(headline["scenario"].unique()))
    h = headline.copy()
    h["cases_per_1000"] = h["retrafficking_events"] / h["survivors"] * 1000
    h["service_months_per_survivor"] = h["service_months_total"] / h["survivors"]
    rows: list[dict[str, Any]] = []

    def add(scenario: str, measure: str, values: np.ndarray, unit: str) -> None:
        est, lo, hi = _interval(np.asarray(values, dtype=float))
        rows.append(
            {
                "scenario": scenario,
                "measure": measure,
                "estimate": est,
                "lower": lo,
                "upper": hi,
                "unit": unit,
            }
        )

    diffs = {m: paired(h, RETRAFFICKED[m].column, reference) for m in HEADLINE_MONTHS}
    cases = paired(h, "cases_per_1000", reference)
    cost = paired(h, "service_months_total", reference)
    rng = np.random.default_rng(seed)
    for scenario in order:
        mine = h[h["scenario"] == scenario]
        for m in HEADLINE_MONTHS:
            out = RETRAFFICKED[m]
            add(scenario, out.column, mine[out.column], out.unit)
        for m in HEADLINE_MONTHS:
            d, out = diffs[m], DIFFERENCE[m]
            add(scenario, out.column, d.loc[d["scenario"] == scenario, "diff"], out.unit)
        c = cases.loc[cases["scenario"] == scenario, "diff"].to_numpy()
        add(scenario, "cases_per_1000", mine["cases_per_1000"], "re-trafficking events per 1,000")
        add(scenario, "cases_averted_per_1000", -c, "events per 1,000 survivors")
        add(scenario, "service_months_per_survivor", mine["service_months_per_survivor"], "months")
        extra = cost.loc[cost["scenario"] == scenario, "diff"].to_numpy()
        averted_total = -c * mine["survivors"].to_numpy() / 1000
        rows.append(
            {
                "scenario": scenario,
                "measure": "averted_per_1000_service_months",
                **_ratio_interval(averted_total, extra, rng),
                "unit": "events averted per 1,000 extra service-months",
            }
        )
        for o in OBSERVED:
            add(scenario, o.column, mine[o.column], f"{o.statistic.unit} ({o.statistic.target})")
    return pd.DataFrame(rows)


def _ratio_interval(
    num: np.ndarray, den: np.ndarray, rng: np.random.Generator, draws: int = 2000
) -> dict[str, float]:
    """Ratio of means x 1000 with a bootstrap interval over replicates; NaN without extra cost."""
    if len(den) == 0 or den.mean() <= 0:
        return {"estimate": np.nan, "lower": np.nan, "upper": np.nan}
    pick = rng.integers(0, len(den), size=(draws, len(den)))
    nums, dens = num[pick].mean(axis=1), den[pick].mean(axis=1)
    ok = dens > 0
    ratios = nums[ok] / dens[ok] * 1000
    lo, hi = np.percentile(ratios, [2.5, 97.5]) if ok.any() else (np.nan, np.nan)
    return {
        "estimate": float(num.mean() / den.mean() * 1000),
        "lower": float(lo),
        "upper": float(hi),
    }


def summarise_subgroups(
    subgroups: pd.DataFrame, reference: str, order: Sequence[str] | None = None
) -> pd.DataFrame:
    """Re-trafficking within :data:`MAIN_MONTHS` by subgroup, and the paired difference."""
    order = list(order or sorted(subgroups["scenario"].unique()))
    rows = []
    for group, frame in subgroups.groupby("subgroup", sort=False):
        column = RETRAFFICKED[MAIN_MONTHS].column
        wide = frame.pivot(index="replicate", columns="scenario", values=column)
        size = frame.pivot(index="replicate", columns="scenario", values="survivors")
        for scenario in order:
            est, lo, hi = _interval(wide[scenario].to_numpy())
            d_est, d_lo, d_hi = _interval((wide[scenario] - wide[reference]).to_numpy())
            rows.append(
                {
                    "subgroup": group,
                    "scenario": scenario,
                    "survivors": float(size[scenario].mean()),
                    column: est,
                    "lower": lo,
                    "upper": hi,
                    "difference": d_est,
                    "difference_lower": d_lo,
                    "difference_upper": d_hi,
                }
            )
    return pd.DataFrame(rows)


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"
