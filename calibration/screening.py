"""What the targets can inform: a prior-predictive screening of every uncertain parameter.

Every parameter with a prior (``calibration/priors.toml``, fitted or not) is drawn from its
prior, independently, for each of ``draws`` simulations of the fit's IOM-like cohort
(:func:`calibration.fit.base_overrides`); each simulation records every target's observed
statistic. A parameter *moves* a statistic when their Spearman rank correlation over the
draws is at least :data:`MIN_RHO` in size and significant after a Bonferroni correction over
all parameter x statistic pairs (:data:`ALPHA` family-wise). Parameters that move a fitted
target are candidates for the fit; the rest cannot be learned from the targets and are varied
over their priors, never silently fixed.

Draws come from :func:`calibration.posterior.prior_draw_for`, as a comparison's do: one that
breaks a constraint between parameters is drawn again from the same seeded stream, so the
screening is reproducible with its seed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from calibration.fit import NOBODY_QUALIFIED, FitSettings, Simulator, base_overrides
from calibration.posterior import prior_draw_for
from calibration.spec import Prior, Target, load_priors, load_targets
from sim.executors import execute
from sim.parameters import Params

#: Smallest rank correlation, in size, that counts as moving a statistic.
MIN_RHO = 0.1
#: Family-wise error rate of the significance test (Bonferroni over all pairs).
ALPHA = 0.01


@dataclass(frozen=True)
class Draw:
    """One prior draw to simulate."""

    index: int
    values: dict[str, Any]
    seed: int
    settings: FitSettings
    targets: tuple[Target, ...]


def _simulate(draw: Draw) -> tuple[int, dict[str, float]]:
    stats = Simulator(list(draw.targets), base_overrides(draw.settings)).statistics(
        draw.values, draw.seed
    )
    return draw.index, {k: (np.nan if v == NOBODY_QUALIFIED else v) for k, v in stats.items()}


def prior_draws(priors: list[Prior], n: int, seed: int) -> pd.DataFrame:
    """``n`` valid joint draws from the priors, reproducible with ``seed``."""
    seeds = np.random.SeedSequence(seed).generate_state(n, np.uint64) >> np.uint64(1)
    rows = [prior_draw_for(priors, int(s), Params(), {}) for s in seeds]
    return pd.DataFrame(rows, columns=[p.parameter for p in priors])


def screen(
    draws: int = 2000,
    settings: FitSettings | None = None,
    seed: int = 1,
    workers: int | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Simulate prior draws and rank-correlate every parameter with every target statistic.

    Returns:
        ``screening``: one row per parameter x statistic: ``parameter``, ``target``,
        ``statistic``, ``fit`` (the target is fitted), ``rho``, ``p_value``, ``n`` (draws
        where the statistic could be computed) and ``moves``; ``samples``: the draws with the
        simulated statistics; and facts about the run (draws, seed, cohort).
    """
    from calibration.fit import SETTINGS

    settings = settings or SETTINGS["full"]
    priors, targets = load_priors(runs_only=True), load_targets()
    values = prior_draws(priors, draws, seed)
    jobs = [
        Draw(
            k,
            row,
            int(np.random.SeedSequence([seed, k]).generate_state(1)[0] >> 1),
            settings,
            tuple(targets),
        )
        for k, row in enumerate(values.to_dict("records"))
    ]
    results: dict[int, dict[str, float]] = {}
    for _, (k, stats) in execute(_simulate, jobs, workers=workers):
        results[k] = stats
        if on_progress is not None:
            on_progress(len(results), len(jobs))
    stats = pd.DataFrame([results[k] for k in range(len(jobs))])
    table = _correlations(values, stats, priors, targets)
    facts = {
        "draws": draws,
        "seed": seed,
        "survivors": settings.survivors,
        "months": settings.months,
        "min_rho": MIN_RHO,
        "alpha": ALPHA,
    }
    samples = pd.concat([values, stats.add_prefix("stat: ")], axis=1)
    return table, samples, facts


def _correlations(
    values: pd.DataFrame, stats: pd.DataFrame, priors: list[Prior], targets: list[Target]
) -> pd.DataFrame:
    """Spearman correlation of every parameter with every statistic, and whether it moves it."""
    from scipy.stats import spearmanr

    pairs = len(priors) * len(targets)
    rows = []
    for prior in priors:
        x = values[prior.parameter].to_numpy(dtype=float)
        for target in targets:
            y = stats[target.key].to_numpy(dtype=float)
            keep = np.isfinite(y)
            if keep.sum() > 2 and np.ptp(y[keep]) > 0:
                rho, p = spearmanr(x[keep], y[keep])
            else:
                rho, p = np.nan, np.nan
            rows.append(
                {
                    "parameter": prior.parameter,
                    "target": target.id,
                    "statistic": target.statistic,
                    "fit": target.fit,
                    "rho": float(rho),
                    "p_value": float(p),
                    "n": int(keep.sum()),
                    "moves": bool(abs(rho) >= MIN_RHO and p < ALPHA / pairs),
                }
            )
    return pd.DataFrame(rows)


def by_parameter(screening: pd.DataFrame) -> pd.DataFrame:
    """One row per parameter: which fitted and which checked statistics it moves."""
    rows = []
    for name, group in screening.groupby("parameter", sort=False):
        moved = group[group["moves"]]
        strongest = group.loc[group["rho"].abs().idxmax()] if group["rho"].notna().any() else None
        rows.append(
            {
                "parameter": name,
                "moves_fitted": ", ".join(
                    f"{r.target} {r.statistic}" for r in moved[moved["fit"]].itertuples()
                ),
                "moves_checked": ", ".join(
                    f"{r.target} {r.statistic}" for r in moved[~moved["fit"]].itertuples()
                ),
                "strongest_rho": float(strongest["rho"]) if strongest is not None else np.nan,
                "informed": bool(moved["fit"].any()),
            }
        )
    return pd.DataFrame(rows)


def markdown(screening: pd.DataFrame, facts: dict[str, Any]) -> str:
    """``docs/screening.md``: the screening's findings, every number computed from its table."""
    summary = by_parameter(screening)
    informed = summary[summary["informed"]]
    checked_only = summary[~summary["informed"] & (summary["moves_checked"] != "")]
    silent = summary[~summary["informed"] & (summary["moves_checked"] == "")]
    fitted = {p.parameter for p in load_priors() if p.calibrate}
    lines = [
        "# What the targets can inform: prior-predictive screening",
        "",
        f"Written by `python -m calibration.screening {facts.get('name', 'default')}` from "
        f"`retraffic screen`: {facts['draws']:,} independent draws of every uncertain parameter "
        f"from its prior, each simulated on the fit's cohort ({facts['survivors']:,} survivors "
        f"over {facts['months']} months, seed {facts['seed']}). A parameter *moves* a statistic "
        f"when |Spearman rho| >= {facts['min_rho']} and the correlation is significant after a "
        f"Bonferroni correction over all {len(screening):,} parameter x statistic pairs "
        f"(family-wise {facts['alpha']}).",
        "",
        f"- **{len(informed)} of {len(summary)}** uncertain parameters move at least one fitted "
        f"target; {len(informed[informed['parameter'].isin(fitted)])} of them are fitted now "
        f"(`calibrate = true` in `calibration/priors.toml`), of {len(fitted)} fitted in all.",
        f"- **{len(checked_only)}** move only checked (unfitted) targets.",
        f"- **{len(silent)}** move no target: the targets cannot inform them, so answers must "
        "vary them over their priors.",
        "",
        "| parameter | fitted now | fitted targets moved | checked targets moved | strongest rho |",
        "|---|---|---|---|---|",
    ]
    for row in pd.concat([informed, checked_only]).itertuples():
        lines.append(
            f"| `{row.parameter}` | {'yes' if row.parameter in fitted else 'no'} | "
            f"{row.moves_fitted or '-'} | {row.moves_checked or '-'} | {row.strongest_rho:+.2f} |"
        )
    lines += [
        "",
        "Parameters that move no target: " + ", ".join(f"`{p}`" for p in silent["parameter"]) + ".",
    ]
    return "\n".join(lines) + "\n"


def main(name: str = "default") -> None:
    """Write ``docs/screening.md`` from ``results/calibration/<name>/`` (``retraffic screen``)."""
    import json
    from pathlib import Path

    folder = Path("results") / "calibration" / name
    table = pd.read_csv(folder / "screening.csv")
    facts = {**json.loads((folder / "screening.json").read_text(encoding="utf-8")), "name": name}
    docs = Path(__file__).resolve().parents[1] / "docs" / "screening.md"
    docs.write_text(markdown(table, facts), encoding="utf-8")
    print(docs)


if __name__ == "__main__":
    import sys

    main(*sys.argv[1:2])
