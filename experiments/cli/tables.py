"""The tables ``retraffic run`` and ``retraffic compare`` print.

Imported only when a command prints them, so the command line's help and listings load no
model, pandas or scipy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.table import Table

import sim
from calibration.spec import load_targets
from experiments.cli.base import console, show
from experiments.exports import COLUMNS, WORKBOOK, cost_in_words
from experiments.outputs import DIFFERENCE, MAIN_MONTHS, OBSERVED_BY_COLUMN, RETRAFFICKED
from experiments.words import interval
from sim import observation, outcomes
from sim.outcomes import HEADLINE_MONTHS
from sim.statistics import by_key


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
    show(table)
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
    show(table)


def print_comparison(result: Any) -> None:
    """The comparison tables: true outcomes, effects and cost, observed statistics, subgroups."""
    summary = result.summary.set_index(["scenario", "measure"])
    names = [s.name for s in result.scenarios]

    def cell(
        name: str, measure: str, scale: float = 1.0, digits: int = 1, sign: bool = False
    ) -> str:
        row = summary.loc[(name, measure)]
        return interval(row["estimate"], row["lower"], row["upper"], scale, digits, sign)

    _print_true(names, cell)
    _print_effects(names, result.reference, summary, cell)
    _print_decisions(result.decisions, result.reference, result.store.read_manifest() or {})
    _print_flips(result.flips, result.reference)
    _print_money(result.costs, result.reference)
    _print_observed(names, cell)
    _print_subgroups(names, result.reference, result.subgroups)
    console.print(
        f"Results: {result.store.root} ({result.ran} runs made, {result.reused} reused)",
        soft_wrap=True,
    )
    print_tables_written(result.store.root)


def print_tables_written(folder: Any) -> None:
    """Say where the analyst tables are (:func:`experiments.exports.write_tables`)."""
    names = ", ".join(f"{name}.csv" for name in COLUMNS)
    console.print(
        f"Tables for analysts in {folder}: {names} and {WORKBOOK} (with a 'columns' sheet "
        "explaining every column).",
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
    show(table)


#: What a replicate's world varies, by ``--uncertainty``.
WORLDS = {
    "all": "each its own cohort and draw of every uncertain parameter",
    "posterior": "each its own cohort and draw of the fitted parameters",
    "none": "each its own cohort, every parameter at its default",
}


def _print_decisions(decisions: Any, ref: str, manifest: dict[str, Any]) -> None:
    if decisions.empty:
        return
    worlds = int(decisions["replicates"].iloc[0])
    varied = WORLDS.get(str(manifest.get("uncertainty")), "each its own cohort")
    table = Table(
        title=f"Decisions over {worlds} replicates ({varied}); +- is the Monte Carlo error"
    )
    table.add_column("scenario")
    table.add_column(f"P(lowers {MAIN_MONTHS}-month re-trafficking vs {ref})", justify="right")
    table.add_column(f"P(best of the {len(decisions)})", justify="right")
    table.add_column("cases averted per 1,000 (95% of worlds)", justify="right")
    for row in decisions.itertuples():
        averted = interval(row.averted_per_1000, row.averted_lower, row.averted_upper, digits=0)
        table.add_row(
            row.scenario,
            "-" if row.scenario == ref else f"{row.p_lowers:.0%} +- {row.p_lowers_mc_error:.0%}",
            f"{row.p_best:.0%} +- {row.p_best_mc_error:.0%}",
            "-" if row.scenario == ref else f"{averted} +- {row.averted_mc_error:.0f}",
        )
    show(table)


def _print_flips(flips: Any, ref: str) -> None:
    if flips.empty:
        return
    table = Table(
        title=f"What would change the answer: the parameter that best splits the worlds where "
        f"a policy lowers {MAIN_MONTHS}-month re-trafficking against {ref} from those where it "
        "does not (a one-split decision tree over the replicates' draws)"
    )
    for col in ("scenario", "lowers it in", "parameter", "when at most the threshold", "above"):
        table.add_column(col, overflow="fold")
    for row in flips.itertuples():
        lowers = f"{row.p_lowers:.0%} of {row.worlds} worlds"
        if not row.parameter:
            why = "none: no world flips" if row.p_lowers in (0, 1) else "no parameter recorded"
            table.add_row(row.scenario, lowers, why, "", "")
            continue
        table.add_row(
            row.scenario,
            lowers,
            row.parameter,
            f"<= {row.threshold:.3g}: lowers it in {row.p_lowers_below:.0%} of "
            f"{int(row.worlds_below)}",
            f"> {row.threshold:.3g}: {row.p_lowers_above:.0%} of {int(row.worlds_above)}",
        )
    show(table)
    console.print(
        f"Each split rests on {int(flips['worlds'].iloc[0])} worlds: a lead to examine, not a "
        "finding; more replicates (--replicates) sharpen it.",
        soft_wrap=True,
    )


def _print_effects(names: list[str], ref: str, summary: Any, cell: Cell) -> None:
    table = Table(title=f"Effect against {ref}, paired by replicate (95% interval)")
    table.add_column("scenario")
    table.add_column(f"change at {MAIN_MONTHS} months, points", justify="right")
    table.add_column("cases averted per 1,000 survivors", justify="right")
    table.add_column("service-months per survivor", justify="right")
    table.add_column("averted per 1,000 extra service-months", justify="right")
    for name in names:
        extra = summary.loc[(name, "extra_service_months_per_survivor"), "estimate"]
        if name == ref:
            table.add_row(
                name, "reference", "reference", cell(name, "service_months_per_survivor"), "-"
            )
            continue
        ratio = cell(name, "averted_per_1000_service_months") if extra > 0 else cost_in_words(extra)
        table.add_row(
            name,
            cell(name, DIFFERENCE[MAIN_MONTHS].column, 100, sign=True),
            cell(name, "cases_averted_per_1000", digits=0),
            cell(name, "service_months_per_survivor"),
            ratio,
        )
    show(table)


def _print_money(costs: Any, ref: str) -> None:
    """Cost per survivor, extra cost, cost per case averted and dominance, in money."""
    from experiments.costs import CURRENCY

    if costs is None or not len(costs):
        return
    table = Table(title=f"Costs in {CURRENCY} against {ref} (95% interval)")
    for column in ("scenario", "per survivor", "extra per survivor", "per case averted"):
        table.add_column(column, justify="left" if column == "scenario" else "right")
    table.add_column("dominated by")
    for row in costs.itertuples():
        per_case = (
            interval(
                row.cost_per_case_averted, row.icer_lower, row.icer_upper, digits=0, grouped=True
            )
            if row.cost_per_case_averted == row.cost_per_case_averted  # not NaN
            else ("reference" if row.scenario == ref else "averts none")
        )
        table.add_row(
            row.scenario,
            interval(
                row.cost_per_survivor, row.cost_lower, row.cost_upper, digits=0, grouped=True
            ),
            "reference"
            if row.scenario == ref
            else interval(
                row.extra_cost_per_survivor, row.extra_cost_lower, row.extra_cost_upper,
                digits=0, sign=True, grouped=True,
            ),
            per_case,
            row.dominated_by or "-",
        )  # fmt: skip
    show(table)
    console.print(
        "Unit costs are assumptions (no report gives them; `retraffic params` lists each "
        "with its range), drawn per replicate; service-months above are the unit-free measure.",
        soft_wrap=True,
    )


def _print_observed(names: list[str], cell: Cell) -> None:
    reported = {t.key: t.value for t in load_targets()}
    cases = OBSERVED_BY_COLUMN["observed_cases_per_assisted"]
    interval = OBSERVED_BY_COLUMN["observed_months_first_to_second"]
    table = Table(title="What a case database would record (observation layer), (95% interval)")
    table.add_column("scenario")
    table.add_column(
        f"recorded cases per assisted, % (reported {reported[cases.statistic.key] * 100:.2f}%, "
        f"target {cases.statistic.target})",
        justify="right",
    )
    table.add_column(
        f"months from first to second assistance (reported "
        f"{reported[interval.statistic.key]:.0f} months, target {interval.statistic.target})",
        justify="right",
    )
    for name in names:
        table.add_row(name, cell(name, cases.column, 100, digits=2), cell(name, interval.column))
    show(table)


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
            interval(
                rows.loc[n, "difference"],
                rows.loc[n, "difference_lower"],
                rows.loc[n, "difference_upper"],
                100,
                sign=True,
            )
            for n in others
        ]
        table.add_row(str(group), f"{rows.loc[ref, 'survivors']:,.0f}", *cells)
    show(table)
    console.print(
        "Route subgroups (deported, assisted return) are defined after exit, so a policy that "
        "changes routes also changes who is in them.",
        soft_wrap=True,
    )


def _pct(x: float) -> str:
    return "n/a" if x != x else f"{x:.1%}"
