"""Tables for analysts: a comparison as CSV files and one spreadsheet workbook.

``write_tables(comparison, folder)`` writes, beside the stored runs:

- ``summary.csv``: one row per scenario and measure (true re-trafficking, cases, service-months,
  what a case database records), with the 2.5th and 97.5th percentiles across replicates;
- ``effects.csv``: one row per scenario and measure against the reference, paired by
  replicate, with the same kind of range of the paired differences;
- ``decisions.csv``: one row per scenario: the probabilities a decision rests on and the mean
  cases averted, each with its Monte Carlo standard error (no interval);
- ``cost.csv``: one row per scenario: extra service-months and cases averted per 1,000 extra
  service-months with a bootstrap interval of that ratio, or the service-months it saves;
- ``money.csv``: one row per scenario: cost per survivor, extra cost per survivor and cases
  averted (ranges across replicates), the cost per case averted (bootstrap interval), and the
  scenario that dominates it, if any (:mod:`experiments.costs`);
- ``subgroups.csv``: one row per subgroup and scenario, with ranges across replicates;
- ``comparison.xlsx``: the six tables as sheets and a ``columns`` sheet explaining every
  column of every sheet (openpyxl).

Each table holds one kind of interval, named in its column headers. Every column is declared
once in :data:`COLUMNS`, which the ``columns`` sheet prints.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from experiments.costs import CURRENCY
from experiments.outputs import DIFFERENCE, MAIN_MONTHS, OBSERVED, RETRAFFICKED
from sim.outcomes import HEADLINE_MONTHS

if TYPE_CHECKING:
    from experiments.compare import Comparison

#: The workbook's file name, beside the CSV files.
WORKBOOK = "comparison.xlsx"
LOW, HIGH = "low_2.5pct_of_replicates", "high_97.5pct_of_replicates"
BOOT_LOW, BOOT_HIGH = "bootstrap_low_95pct", "bootstrap_high_95pct"

#: What each measure of ``summary.csv`` and ``effects.csv`` is, in words.
MEASURES: dict[str, str] = {
    **{o.column: o.label for o in RETRAFFICKED.values()},
    **{o.column: o.label + " against the reference" for o in DIFFERENCE.values()},
    "cases_per_1000": "re-trafficking events per 1,000 survivors over the run",
    "cases_averted_per_1000": "re-trafficking events averted per 1,000 survivors",
    "service_months_per_survivor": (
        "months of destination assistance, reintegration support and monitoring per survivor"
    ),
    "extra_service_months_per_survivor": (
        "service-months per survivor above the reference (negative: months saved)"
    ),
    **{
        o.column: f"{o.statistic.target}: {o.statistic.name} (what a case database records)"
        for o in OBSERVED
    },
}
LEVELS = [
    *(RETRAFFICKED[m].column for m in HEADLINE_MONTHS),
    "cases_per_1000",
    "service_months_per_survivor",
    *(o.column for o in OBSERVED),
]
EFFECTS = [
    *(DIFFERENCE[m].column for m in HEADLINE_MONTHS),
    "cases_averted_per_1000",
    "extra_service_months_per_survivor",
]

#: Every column of every table, explained once: ``{sheet: {column: meaning}}``.
COLUMNS: dict[str, dict[str, str]] = {
    "summary": {
        "scenario": "the scenario (scenarios/*.toml or a file)",
        "measure": "what is measured (see 'description')",
        "description": "the measure in words",
        "unit": "the unit of estimate and range",
        "estimate": "mean over replicates",
        LOW: "2.5th percentile across replicates: 95% of plausible worlds lie above",
        HIGH: "97.5th percentile across replicates: 95% of plausible worlds lie below",
        "replicates": "replicates (plausible worlds) the row rests on",
    },
    "effects": {
        "scenario": "the scenario compared with the reference",
        "reference": "the scenario every other is compared with",
        "measure": "what is measured (see 'description')",
        "description": "the measure in words",
        "unit": "the unit of estimate and range",
        "estimate": "mean over replicates of the paired difference (replicate k against k)",
        LOW: "2.5th percentile of the paired difference across replicates",
        HIGH: "97.5th percentile of the paired difference across replicates",
        "replicates": "replicates (plausible worlds) the row rests on",
    },
    "decisions": {
        "scenario": "the scenario",
        "reference": "the scenario every other is compared with",
        "replicates": "replicates (plausible worlds) the figures rest on",
        "p_lowers": (
            f"share of worlds where the scenario's true re-trafficking within {MAIN_MONTHS} "
            "months is below the reference's"
        ),
        "p_lowers_mc_error": "Monte Carlo standard error of p_lowers (fewer replicates, larger)",
        "p_best": "share of worlds where the scenario is the lowest of those compared",
        "p_best_mc_error": "Monte Carlo standard error of p_best",
        "averted_per_1000": "mean re-trafficking events averted per 1,000 survivors",
        "averted_mc_error": "Monte Carlo standard error of averted_per_1000",
    },
    "cost": {
        "scenario": "the scenario",
        "reference": "the scenario every other is compared with",
        "extra_service_months_per_survivor": (
            "mean service-months per survivor above the reference (negative: months saved)"
        ),
        "averted_per_1000_extra_service_months": (
            "events averted per 1,000 extra service-months (ratio of means); empty when the "
            "scenario uses no extra service-months"
        ),
        BOOT_LOW: "2.5th percentile of the ratio over bootstrap resamples of the replicates",
        BOOT_HIGH: (
            "97.5th percentile of the ratio over bootstrap resamples of the replicates; inf "
            "(no upper bound) when over 2.5% of resamples use no extra service-months"
        ),
        "in_words": "the cost side in words ('saves 1.2 service-months per survivor')",
    },
    "money": {
        "scenario": "the scenario",
        "reference": "the scenario every other is compared with",
        "currency": "the currency and price year of every amount in the row",
        "cost_per_survivor": "mean cost of services and channels per survivor over the run",
        "cost_lower": "2.5th percentile of cost_per_survivor across replicates",
        "cost_upper": "97.5th percentile of cost_per_survivor across replicates",
        "extra_cost_per_survivor": "mean cost per survivor above the reference, paired",
        "extra_cost_lower": "2.5th percentile of the paired extra cost across replicates",
        "extra_cost_upper": "97.5th percentile of the paired extra cost across replicates",
        "averted_per_1000": "mean re-trafficking events averted per 1,000 survivors, paired",
        "averted_lower": "2.5th percentile of events averted per 1,000 across replicates",
        "averted_upper": "97.5th percentile of events averted per 1,000 across replicates",
        "cost_per_case_averted": (
            "mean extra cost over mean events averted (incremental cost-effectiveness ratio); "
            "empty when the scenario averts no event on average"
        ),
        "icer_lower": "2.5th percentile of the ratio over bootstrap resamples of the replicates",
        "icer_upper": (
            "97.5th percentile of the ratio over bootstrap resamples of the replicates; inf "
            "(no upper bound) when over 2.5% of resamples avert no case"
        ),
        "dominated_by": (
            "a scenario that costs no more and averts no fewer events, and is better in one "
            "(empty: none)"
        ),
    },
    "subgroups": {
        "subgroup": "who (at first exit, or the route home after it)",
        "scenario": "the scenario",
        "survivors": "mean number of survivors in the subgroup per replicate",
        "retrafficked": f"true re-trafficking within {MAIN_MONTHS} months of exit (share)",
        f"retrafficked_{LOW}": "2.5th percentile across replicates",
        f"retrafficked_{HIGH}": "97.5th percentile across replicates",
        "difference": "change against the reference, paired by replicate (share)",
        f"difference_{LOW}": "2.5th percentile of the paired difference across replicates",
        f"difference_{HIGH}": "97.5th percentile of the paired difference across replicates",
    },
}


def tables(result: Comparison) -> dict[str, pd.DataFrame]:
    """The six analyst tables of a comparison, columns as :data:`COLUMNS` declares."""
    summary = result.summary.rename(columns={"lower": LOW, "upper": HIGH})
    summary["description"] = summary["measure"].map(MEASURES)
    replicates = int(result.decisions["replicates"].iloc[0]) if len(result.decisions) else 0
    summary["replicates"] = replicates
    summary["reference"] = result.reference
    levels = summary[summary["measure"].isin(LEVELS)]
    effects = summary[summary["measure"].isin(EFFECTS)]
    out = {
        "summary": levels,
        "effects": effects[effects["scenario"] != result.reference],
        "decisions": result.decisions.assign(reference=result.reference),
        "cost": _cost(result.summary, result.reference),
        "money": result.costs.assign(reference=result.reference, currency=CURRENCY),
        "subgroups": _subgroups(result.subgroups),
    }
    return {name: frame[list(COLUMNS[name])].reset_index(drop=True) for name, frame in out.items()}


def _cost(summary: pd.DataFrame, reference: str) -> pd.DataFrame:
    by = summary.set_index(["scenario", "measure"])
    rows = []
    for name in summary["scenario"].unique():
        extra = float(by.loc[(name, "extra_service_months_per_survivor"), "estimate"])
        ratio = by.loc[(name, "averted_per_1000_service_months")]
        words = "reference" if name == reference else cost_in_words(extra)
        rows.append(
            {
                "scenario": name,
                "reference": reference,
                "extra_service_months_per_survivor": extra,
                "averted_per_1000_extra_service_months": ratio["estimate"] if extra > 0 else np.nan,
                BOOT_LOW: ratio["lower"] if extra > 0 else np.nan,
                BOOT_HIGH: ratio["upper"] if extra > 0 else np.nan,
                "in_words": words,
            }
        )
    return pd.DataFrame(rows)


def cost_in_words(extra: float) -> str:
    """Extra service-months per survivor against the reference, in words.

    >>> cost_in_words(-1.234)
    'saves 1.23 service-months per survivor'
    >>> cost_in_words(0.0), cost_in_words(0.5)
    ('no extra service-months', 'costs 0.50 more service-months per survivor')
    """
    if extra < 0:
        return f"saves {-extra:.2f} service-months per survivor"
    if extra == 0:
        return "no extra service-months"
    return f"costs {extra:.2f} more service-months per survivor"


def _subgroups(subgroups: pd.DataFrame) -> pd.DataFrame:
    column = RETRAFFICKED[MAIN_MONTHS].column
    return subgroups.rename(
        columns={
            column: "retrafficked",
            "lower": f"retrafficked_{LOW}",
            "upper": f"retrafficked_{HIGH}",
            "difference_lower": f"difference_{LOW}",
            "difference_upper": f"difference_{HIGH}",
        }
    )


def columns_sheet() -> pd.DataFrame:
    """The ``columns`` sheet: every column of every table, in words."""
    return pd.DataFrame(
        [
            {"sheet": sheet, "column": column, "meaning": meaning}
            for sheet, columns in COLUMNS.items()
            for column, meaning in columns.items()
        ]
    )


def write_tables(result: Comparison, folder: Path) -> dict[str, Path]:
    """Write the CSV files and ``comparison.xlsx`` into ``folder``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    frames = tables(result)
    paths = {}
    for name, frame in frames.items():
        paths[name] = folder / f"{name}.csv"
        _atomic(paths[name], lambda tmp, f=frame: f.to_csv(tmp, index=False))
    paths["workbook"] = folder / WORKBOOK
    _atomic(paths["workbook"], lambda tmp: _workbook(frames, tmp))
    return paths


def _workbook(frames: dict[str, pd.DataFrame], path: Path) -> None:
    with pd.ExcelWriter(path, engine="openpyxl") as book:
        for name, frame in frames.items():
            frame.to_excel(book, sheet_name=name, index=False)
        columns_sheet().to_excel(book, sheet_name="columns", index=False)


def _atomic(path: Path, write: Callable[[Path], object]) -> None:
    """Write through a temporary file beside ``path``, so a reader never sees half a table."""
    tmp = path.with_name(f".{path.name}.tmp{path.suffix}")
    write(tmp)
    tmp.replace(path)
