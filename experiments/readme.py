"""The README's numbers, computed: the main job, residency under short permits, the defaults.

``python -m experiments.readme`` runs what the README reports (about two minutes on 2 cores)
and rewrites the block between ``<!-- numbers:start -->`` and ``<!-- numbers:end -->``;
``--check`` only says whether the README is current. A slow test does the same check, so a
README number cannot drift from what the code computes.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import Any

import pandas as pd

import sim
from calibration.spec import load_targets
from experiments.compare import Comparison, comparison, decisions, flips
from experiments.costs import CURRENCY, cost_effectiveness
from experiments.defaults import REPLICATES
from experiments.outputs import DIFFERENCE, MAIN_MONTHS, OBSERVED_BY_COLUMN, RETRAFFICKED
from experiments.runs import model_fingerprint
from experiments.words import number, upper_end
from scenarios import HEADLINE_POLICIES
from scenarios.loader import Scenario, load
from sim.observation import observed_statistics
from sim.outcomes import incidence_at
from sim.statistics import by_key

README = Path(__file__).resolve().parents[1] / "README.md"
START, END = "<!-- numbers:start -->", "<!-- numbers:end -->"
#: The block stating the shipped fit, from its files alone (no simulation).
FIT_START, FIT_END = "<!-- fit:start -->", "<!-- fit:end -->"
#: Seeds of the runs at the parameter defaults.
DEFAULT_SEEDS = (1, 2, 3, 4, 5)
#: The residency scenario with the default (short, not always renewed) permit terms.
SHORT_PERMITS = "residency_default_permits"
#: The observed interval between first and second assistance (T1).
INTERVAL = OBSERVED_BY_COLUMN["observed_months_first_to_second"].statistic.key


def short_permits() -> Scenario:
    """``residency`` without its stable-status override: the default permit terms."""
    residency = load("residency")
    overrides = {
        k: v for k, v in residency.overrides.items() if k != "policy.residency_renewal_share"
    }
    return dataclasses.replace(residency, name=SHORT_PERMITS, overrides=overrides)


def main_job(output: Path, workers: int | None = None) -> Comparison:
    """The README's first command (shipped posterior, defaults), plus short-permit residency."""
    scenarios: list[str | Scenario] = ["baseline", *HEADLINE_POLICIES, short_permits()]
    return comparison(scenarios, output=output, workers=workers)


def defaults_runs() -> pd.DataFrame:
    """One row per seed at the parameter defaults: T1, true re-trafficking, capacity use."""
    rows = []
    for seed in DEFAULT_SEEDS:
        result = sim.run(sim.Params(), seed=seed)
        stats = by_key(observed_statistics(result))
        rows.append(
            {
                "seed": seed,
                "t1": float(stats[INTERVAL]),
                "true_60m": incidence_at(result, (MAIN_MONTHS,))[MAIN_MONTHS],
                "attempts": int(result.monthly["recruitment_attempts"].sum()),
                "full": int(result.monthly["recruitment_full"].sum()),
            }
        )
    return pd.DataFrame(rows)


def _pct(row: pd.Series, scale: float = 100, sign: bool = False) -> str:
    f = "{:+.1f}" if sign else "{:.1f}"
    est, lo, hi = (f.format(row[c] * scale) for c in ("estimate", "lower", "upper"))
    return f"{est}{'' if sign else '%'} ({lo} to {hi})"


def block(result: Comparison, defaults: pd.DataFrame) -> str:
    """The README block, every number from ``result`` and ``defaults``."""
    table = result.summary.set_index(["scenario", "measure"])
    retrafficked, change = RETRAFFICKED[MAIN_MONTHS].column, DIFFERENCE[MAIN_MONTHS].column
    policies = ["baseline", *HEADLINE_POLICIES]
    head = result.store.load("headline", policies).query(f"replicate < {REPLICATES}")
    decided = decisions(head, "baseline", order=policies).set_index("scenario")
    lines = [
        f"| scenario | re-trafficked within {MAIN_MONTHS} months | change vs baseline (points) "
        f"| cases averted per 1,000 | P(lowers it) | P(best of {len(decided)}) |",
        "|---|---|---|---|---|---|",
    ]
    for name in decided.index:
        row = decided.loc[name]
        best = f"{row['p_best']:.0%} ± {row['p_best_mc_error']:.0%}"
        if name == "baseline":
            lines.append(f"| baseline | {_pct(table.loc[(name, retrafficked)])} | | | | {best} |")
            continue
        averted = table.loc[(name, "cases_averted_per_1000")]
        lines.append(
            f"| {name} | {_pct(table.loc[(name, retrafficked)])} | "
            f"{_pct(table.loc[(name, change)], sign=True)} | {averted['estimate']:.0f} "
            f"({averted['lower']:.0f} to {averted['upper']:.0f}) | "
            f"{row['p_lowers']:.0%} ± {row['p_lowers_mc_error']:.0%} | {best} |"
        )
    lines += [
        "",
        f"P(lowers it): the share of the {int(decided['replicates'].iloc[0])} replicates "
        "(plausible worlds, each its own cohort and draw of every uncertain parameter) in which "
        "the policy "
        f"lowers {MAIN_MONTHS}-month re-trafficking against baseline; P(best): the share in which "
        "it is the lowest of the scenarios compared; ± is the Monte Carlo error.",
        "",
        _flip_sentence(flips(head, "baseline", order=policies)),
        "",
        _cost_sentence(cost_effectiveness(head, "baseline", order=policies)),
    ]
    short = table.loc[(SHORT_PERMITS, change)]
    policy = sim.Params().policy
    verb = "raised" if short["estimate"] > 0 else "lowered"
    t1 = defaults["t1"]
    reported = next(t for t in load_targets() if t.key == INTERVAL)
    true = defaults["true_60m"] * 100
    seed1 = defaults.iloc[0]
    lines += [
        "",
        f"With {_permit_terms(result, policy)} instead of stable status, residency "
        f"{verb} {MAIN_MONTHS}-month re-trafficking by {abs(short['estimate']) * 100:.1f} points "
        f"({short['lower'] * 100:+.1f} to {short['upper'] * 100:+.1f}) in the same job.",
        "",
        f"At the parameter defaults (`--uncertainty none`, {sim.Params().cohort.n_survivors:,} "
        f"survivors, {sim.Params().run.horizon_months} months), seeds "
        f"{DEFAULT_SEEDS[0]}-{DEFAULT_SEEDS[-1]} give an observed mean of {t1.mean():.1f} months "
        f"between first and second assistance ({', '.join(f'{v:.1f}' for v in t1)}; reported "
        f"{reported.value:g}, {reported.source}) and true {MAIN_MONTHS}-month re-trafficking of "
        f"{true.min():.1f}-{true.max():.1f}%. In seed {int(seed1['seed'])}, "
        f"{int(seed1['full'])} of {int(seed1['attempts']):,} attempts to re-traffic someone "
        "failed only because every trafficker who could have taken them was at capacity.",
    ]
    return "\n".join(lines)


def _cost_sentence(table: pd.DataFrame) -> str:
    """What each headline policy costs, in words, from :func:`cost_effectiveness`."""
    parts = []
    for row in table.iloc[1:].itertuples():
        text = f"{row.scenario} {number(row.extra_cost_per_survivor, 0, sign=True, grouped=True)}"
        text += " per survivor"
        if row.cost_per_case_averted == row.cost_per_case_averted:  # not NaN
            text += (
                f", about {number(row.cost_per_case_averted, 0, grouped=True)} per case averted "
                f"({number(row.icer_lower, 0, grouped=True)} to "
                f"{upper_end(row.icer_upper, 0, grouped=True)})"
            )
        else:
            text += ", averting no case on average"
        if row.dominated_by:
            text += f", dominated by {row.dominated_by}"
        parts.append(text)
    return (
        f"Costs against baseline, in {CURRENCY} at assumed unit costs (no report gives one; "
        f"each replicate draws its own): {'; '.join(parts)}."
    )


def _flip_sentence(table: pd.DataFrame) -> str:
    """What would change each headline answer, in words, from :func:`flips`."""
    parts = []
    for row in table.itertuples():
        if not row.parameter:
            parts.append(
                f"{row.scenario} lowers it in {row.p_lowers:.0%} of the {row.worlds} worlds"
            )
            continue
        parts.append(
            f"{row.scenario} lowers it in {row.p_lowers_below:.0%} of the "
            f"{int(row.worlds_below)} worlds with `{row.parameter}` at most {row.threshold:.3g} "
            f"and in {row.p_lowers_above:.0%} of the {int(row.worlds_above)} above it"
        )
    return (
        "What would change the answer (the parameter that best splits each policy's worlds, "
        f"a one-split decision tree over the replicates' draws; with {table['worlds'].iloc[0]} "
        "worlds a lead, not a finding): " + "; ".join(parts) + "."
    )


def _permit_terms(result: Comparison, policy: Any) -> str:
    """How the short-permit variant's permit terms were set in the job, from its manifest."""
    drawn = (result.store.read_manifest() or {}).get("drawn_per_replicate", {})
    terms = ("policy.residency_permit_months", "policy.residency_renewal_share")
    if all(name in drawn for name in terms):
        return (
            "the permit terms drawn like every other uncertain parameter ("
            + "; ".join(f"`{name}` from its {drawn[name]}" for name in terms)
            + ")"
        )
    return (
        f"the default permit terms ({policy.residency_permit_months} months, renewed with "
        f"probability {policy.residency_renewal_share:g})"
    )


def fit_block(posterior: Path | None = None) -> str:
    """The README's statement of the shipped fit, from its posterior file and check files.

    ``calibration/posterior/<name>.parquet`` (its metadata), ``<name>.summary.csv``
    (identified parameters) and ``<name>.predictive_check.csv`` (reproduced targets).
    """
    from calibration.posterior import DEFAULT, read_posterior, trustworthy

    posterior = posterior or DEFAULT
    draws, meta = read_posterior(posterior)
    summary = pd.read_csv(posterior.with_suffix(".summary.csv"))
    check = pd.read_csv(posterior.with_suffix(".predictive_check.csv"))
    ok, ess = trustworthy(draws)
    fitted = check[check["fit"]]
    missed = check[~check["reproduced"].astype(bool)]

    def named(frame: pd.DataFrame) -> str:
        return "; ".join(
            f"{r.target} {r.statistic} (reported {r.data:.3g}, model 90% range "
            f"{r.sim_lower:.3g} to {r.sim_upper:.3g})"
            for r in frame.itertuples()
        )

    identified = summary[summary["identified"].astype(bool) & ok]["parameter"]
    lines = [
        f"The shipped posterior (`calibration/posterior/{posterior.name}`): ABC-SMC "
        f"({meta.get('sampler', 'pyabc')}, seed {meta['seed']}) on {meta['survivors']:,} "
        f"survivors over {meta['months']} months: {meta['simulations']:,} simulations, "
        f"{meta['population']} particles a generation, {meta['generations']} generations, "
        f"final epsilon {meta['final_epsilon']:.3g}"
        + (
            " (the last a closing generation at the tolerance and distance weights of the "
            "one before it)"
            if meta.get("closed")
            else ""
        )
        + f"; {ess}. It fits "
        f"{len(meta.get('fitted', summary))} parameters to {int(check['fit'].sum())} target "
        f"statistics; {len(identified)} {'is' if len(identified) == 1 else 'are'} identified "
        "(posterior 90% interval under 0.7 of the prior's)"
        + (f": {', '.join(f'`{p}`' for p in identified)}." if len(identified) else ".")
        + (
            ""
            if ok
            else " Identification is withheld: the fit is below the effective sample size it needs."
        ),
        "",
        "Its predictive check"
        + (f" ({int(check['draws'].max())} posterior draws)" if "draws" in check else "")
        + f" reproduces "
        f"{int(check['reproduced'].sum())} of {len(check)} target statistics "
        f"({int(fitted['reproduced'].sum())} of the {len(fitted)} fitted, "
        f"{int((~check['fit'] & check['reproduced']).sum())} of the {int((~check['fit']).sum())} "
        "checked only)" + (f"; it misses {named(missed)}." if len(missed) else "."),
    ]
    return "\n".join(lines)


def replace_block(text: str, new: str, start: str = START, end: str = END) -> str:
    """``text`` with the block between the markers replaced by ``new``.

    The numbers' markers unless others are given (the benchmarks write their own block).
    """
    head, sep, rest = text.partition(start)
    _, sep2, tail = rest.partition(end)
    if not (sep and sep2):
        raise ValueError(f"README.md has no {start} ... {end} block.")
    return f"{head}{start}\n{new}\n{end}{tail}"


def current_block(text: str, start: str = START, end: str = END) -> str:
    """The block now in ``text`` between ``start`` and ``end``."""
    return text.partition(start)[2].partition(end)[0].strip("\n")


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or with ``--check``, check) the README's numbers; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="Only check the README.")
    parser.add_argument(
        "--output", type=Path, help="results folder [default: results/readme-<model hash>]"
    )
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument(
        "--fit-only", action="store_true", help="Only the shipped fit's block (no simulation)."
    )
    args = parser.parse_args(argv)
    fit = fit_block()
    if args.fit_only:
        new, blocks = "", [(fit, FIT_START, FIT_END)]
    else:
        output = args.output or Path("results") / f"readme-{model_fingerprint()}"
        new = block(main_job(output, args.workers), defaults_runs())
        blocks = [(new, START, END), (fit, FIT_START, FIT_END)]
    # read after the runs: an edit made to the README while they ran is kept
    text = README.read_text(encoding="utf-8")
    if args.check:
        stale = [b for b, start, end in blocks if current_block(text, start, end) != b]
        print("README numbers are current." if not stale else "README numbers are stale:")
        print("\n\n".join(stale))
        return 0 if not stale else 1
    for b, start, end in blocks:
        text = replace_block(text, b, start, end)
    README.write_text(text, encoding="utf-8")
    print("\n\n".join(b for b, _, _ in blocks))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
