"""Named experiments: each runs small, draws its figures, reports, and reuses stored runs."""

import html
import json
import re

import matplotlib.image as mpimg
import pytest
from typer.testing import CliRunner

from experiments import report
from experiments.cli import app
from experiments.experiment import run_experiment
from experiments.figures import DPI, SIZE
from experiments.registry import REGISTRY, get

SMALL = {"replicates": 2, "survivors": 250, "months": 61, "workers": 1}
runner = CliRunner()


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    root = tmp_path_factory.mktemp("results")
    return root, {name: run_experiment(name, results=root, **SMALL) for name in REGISTRY}


def test_required_experiments_are_registered():
    assert {
        "policy-comparison",
        "monitoring-dose",
        "who-benefits",
        "pathways",
        "evidence-fit",
    } <= set(REGISTRY)


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_experiment_produces_its_figures(results, name):
    _, done = results
    result = done[name]
    assert [f.name for f in result.figures] == list(get(name).figures)
    for fig in result.figures:
        image = mpimg.imread(fig.png)
        assert image.shape[:2] == (SIZE[1] * DPI, SIZE[0] * DPI)
        assert image[..., :3].std() > 0.01, "figure is blank"
        assert fig.svg.stat().st_size > 5000
        assert fig.title and fig.caption and fig.alt
    index = json.loads((result.store.root / "figures" / "figures.json").read_text())
    assert [row["name"] for row in index] == list(get(name).figures)


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_report_embeds_every_figure_and_caption(results, name):
    _, done = results
    result = done[name]
    path = report.write(result.experiment, result.store)
    text = path.read_text()
    for fig in result.figures:
        assert f'<figure id="{fig.name}">' in text
        assert html.escape(fig.caption) in text
        assert html.escape(fig.alt) in text
    sources = re.findall(r'(?:src|href)="([^"]*)"', text)
    assert sources and all(s.startswith("data:image/png;base64,") for s in sources), (
        "every reference is embedded: the report needs no other file"
    )
    assert "Limitations" in text and "Assumptions" in text and "git revision" in text
    scenarios = result.experiment.scenarios
    if len(scenarios) > 1:
        assert "<h3>Decisions</h3>" in text
        decisions = text[text.index("<h3>Decisions</h3>") :].split("</ul>")[0]
        assert decisions.count("plausible worlds") == len(scenarios) - 1


def test_rerunning_reuses_stored_results(results):
    root, done = results
    again = run_experiment("pathways", results=root, **SMALL)
    assert again.ran == 0 and again.reused == done["pathways"].ran + done["pathways"].reused


def test_cli_lists_experiments_and_rejects_unknown(tmp_path):
    listed = runner.invoke(app, ["experiment", "list"])
    assert listed.exit_code == 0 and "monitoring-dose" in listed.output
    unknown = runner.invoke(app, ["experiment", "run", "nope", "--results", str(tmp_path)])
    assert unknown.exit_code == 2 and "no experiment named 'nope'" in unknown.output
    missing = runner.invoke(app, ["report", "pathways", "--results", str(tmp_path)])
    assert (
        missing.exit_code == 2 and "run 'retraffic experiment run pathways' first" in missing.output
    )


def test_cli_runs_and_reports(tmp_path):
    args = [
        "experiment",
        "run",
        "evidence-fit",
        "--replicates",
        "2",
        "--survivors",
        "200",
        "--months",
        "61",
        "--workers",
        "1",
        "--results",
        str(tmp_path),
    ]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    out = runner.invoke(app, ["report", "evidence-fit", "--results", str(tmp_path)])
    assert out.exit_code == 0
    assert (tmp_path / "evidence-fit" / "report.html").is_file()
    # --output puts the experiment in a folder of its own; the report reads it with --input
    own = tmp_path / "mine"
    again = runner.invoke(app, [*args, "--output", str(own)])
    assert again.exit_code == 0, again.output
    assert f"retraffic report evidence-fit --input {own}" in " ".join(again.output.split())
    assert (own / "summary.csv").is_file() and (own / "figures" / "evidence.png").is_file()
    assert not (tmp_path / "evidence-fit" / "mine").exists()
    out = runner.invoke(app, ["report", "evidence-fit", "--input", str(own)])
    assert out.exit_code == 0, out.output
    assert (own / "report.html").is_file()
    bad = runner.invoke(app, [*args, "--output", str(own / "summary.csv")])
    assert bad.exit_code == 2 and "--output" in bad.output


def test_hazard_title_is_computed_from_the_table():
    import pandas as pd

    from experiments.figures import hazard_title

    months = list(range(30))
    falling = pd.DataFrame({"months_since_arrival": months, "hazard": [0.02] * 2 + [0.001] * 28})
    assert "highest just after arriving home: 20.0 per 1,000" in hazard_title(falling)
    assert "against 1.0 in month 24" in hazard_title(falling)
    flat = falling.assign(hazard=0.001)
    assert "does not fall" in hazard_title(flat)


def test_hazard_since_arrival_counts_spells_by_hand():
    from sim.events import frame
    from sim.outcomes import hazard_since_arrival
    from sim.states import Event

    class R:
        months = 10
        events = frame(
            {
                "month": [0, 3, 2, 6],
                "survivor": [0, 0, 1, 1],
                "event": [
                    Event.ARRIVED_HOME,
                    Event.RETRAFFICKED,
                    Event.ARRIVED_HOME,
                    Event.ARRIVED_HOME,
                ],
                "episode": [1, 2, 1, 1],
            }
        )

    table = hazard_since_arrival(R(), months=5).set_index("months_since_arrival")
    # Spells: survivor 0 re-trafficked 3 months after arrival; survivor 1 censored after 4
    # months (next arrival), then followed 4 more months to the horizon.
    assert table.loc[3, "retrafficked"] == 1 and table.loc[3, "at_risk"] == 3
    assert table.loc[0, "at_risk"] == 3 and table.loc[4, "at_risk"] == 0


@pytest.mark.slow
def test_readme_numbers_are_what_the_code_computes(tmp_path):
    from experiments import readme

    text = readme.README.read_text(encoding="utf-8")
    computed = readme.block(readme.main_job(tmp_path, workers=2), readme.defaults_runs())
    assert readme.current_block(text) == computed, "run: python -m experiments.readme"


def test_readme_block_replacement_keeps_the_rest():
    from experiments import readme

    text = f"a\n{readme.START}\nold\n{readme.END}\nb"
    assert readme.replace_block(text, "new") == f"a\n{readme.START}\nnew\n{readme.END}\nb"
    assert readme.current_block(readme.replace_block(text, "x\ny")) == "x\ny"


def test_the_pathways_title_names_the_largest_pathway_at_baseline(results):
    """Issue 13: the title ranked pathways by their total over every scenario."""
    import pandas as pd

    from experiments.figures.evidence import main_pathway

    _, done = results
    result = done["pathways"]
    store, names = result.store, [s.name for s in result.experiment.loaded()]
    table = store.load("pathways", names).merge(
        store.load("headline", names)[["scenario", "replicate", "survivors"]]
    )
    table["per_1000"] = table["events"] / table["survivors"] * 1000
    wide = table.pivot_table(
        index=["scenario", "replicate"], columns="pathway", values="per_1000", fill_value=0.0
    )
    baseline = wide.groupby("scenario").mean().loc[names[0]]
    title = next(f.title for f in result.figures if f.name == "pathways")
    largest = str(baseline.idxmax()).lower().replace("_", " ")
    assert title.startswith(f"At baseline, {largest} is the main pathway"), (title, baseline)
    # and the rule itself ranks within the one scenario
    assert main_pathway(pd.Series({"A": 1.0, "B": 3.0})) == "B"


def test_the_evidence_figure_has_a_panel_for_every_target_and_counts_by_the_fit_rule(results):
    import numpy as np

    from calibration.checks import reproduced
    from calibration.spec import load_targets
    from experiments.figures.evidence import evidence_table, evidence_title

    _, done = results
    result = done["evidence-fit"]
    names = [s.name for s in result.experiment.loaded()]
    observed = result.store.load("observed", names)
    table = evidence_table(observed[observed["scenario"] == names[0]], load_targets())
    assert list(table["target"] + " " + table["statistic"]) == [t.key for t in load_targets()]
    for row in table.itertuples():
        assert row.reproduced == reproduced(row.data, row.model_lower, row.model_upper)
        assert np.isnan(row.model) or row.model_lower <= row.model <= row.model_upper
    title = next(f.title for f in result.figures if f.name == "evidence")
    assert title == evidence_title(table)
    assert f"reproduce {int(table['reproduced'].sum())} of {len(table)} " in title


def _summary(results, name):
    """An experiment's result, scenario names and comparison summary (experiments.compare)."""
    from experiments.compare import summarise

    result = results[1][name]
    names = [s.name for s in result.experiment.loaded()]
    return result, names, summarise(result.store.load("headline", names), names[0], order=names)


def test_the_curves_title_names_the_policy_lowest_at_the_last_month_shown(results):
    from experiments.figures.policy import curve_bands

    _, done = results
    result = done["policy-comparison"]
    names = [s.name for s in result.experiment.loaded()]
    band = curve_bands(result.store, names)
    end = band[band["months_since_exit"] == band["months_since_exit"].max()]
    ends = end.set_index("scenario")["mean"]
    best = ends.drop(names[0]).idxmin()
    title = next(f.title for f in result.figures if f.name == "curves")
    assert title.startswith(best.replace("_", " ").capitalize() + " keeps the most"), title
    assert f"{ends[best]:.0%} against {ends[names[0]]:.0%}" in title


def test_the_at_24_60_title_gives_the_largest_paired_change_and_its_interval(results):
    from experiments.outputs import DIFFERENCE

    result, names, table = _summary(results, "policy-comparison")
    change = table[table["measure"] == DIFFERENCE[60].column].set_index("scenario").drop(names[0])
    best = change["estimate"].idxmin()
    row = change.loc[best]
    title = next(f.title for f in result.figures if f.name == "at_24_60")
    assert f"{best.replace('_', ' ')} changes that by {row['estimate'] * 100:+.1f} points" in title
    assert f"interval {row['lower'] * 100:+.1f} to {row['upper'] * 100:+.1f}" in title


def test_the_at_24_60_title_reads_two_years_when_the_runs_are_shorter_than_five():
    """Runs of 24 months titled 'Within five years, nan% ...' and 'changes that by +nan'."""
    import pandas as pd

    from experiments.figures.policy import at_24_60_title
    from experiments.outputs import DIFFERENCE, RETRAFFICKED

    nan = float("nan")
    rows = {
        ("baseline", RETRAFFICKED[24].column): (0.08, 0.07, 0.09),
        ("baseline", RETRAFFICKED[60].column): (nan, nan, nan),
        ("residency", RETRAFFICKED[24].column): (0.07, 0.06, 0.08),
        ("residency", RETRAFFICKED[60].column): (nan, nan, nan),
        ("residency", DIFFERENCE[24].column): (-0.012, -0.02, -0.004),
        ("residency", DIFFERENCE[60].column): (nan, nan, nan),
    }
    table = pd.DataFrame(
        rows.values(), index=pd.MultiIndex.from_tuples(rows), columns=["estimate", "lower", "upper"]
    )
    labels = {"baseline": "baseline", "residency": "residency"}
    title = at_24_60_title(table, ["baseline", "residency"], labels)
    assert title == (
        "Within two years, 8% are re-trafficked at baseline; residency changes that by -1.2 "
        "points (paired 95% interval -2.0 to -0.4)"
    )
    unreached = table.copy()
    unreached["estimate"] = nan
    title = at_24_60_title(unreached, ["baseline", "residency"], labels)
    assert "nan" not in title and "too short" in title


def test_key_numbers_beyond_the_runs_horizon_say_so_instead_of_nan(results):
    """Runs shorter than five years printed 'nan (nan to nan)' in the report's key numbers."""
    from experiments.outputs import RETRAFFICKED

    result, names, _ = _summary(results, "policy-comparison")
    head = result.store.load("headline", names)
    head[RETRAFFICKED[60].column] = float("nan")
    text = "".join(report._key_numbers(names, head))
    assert "nan" not in text
    assert text.count("not observed (the runs are shorter)") == 2 * len(names) - 1


def test_the_report_opens_with_key_numbers_and_lists_the_values_runs_used(results):
    """Issue 13: key numbers in words, values used (not defaults), no paths, revision, warning."""
    from experiments.compare import summarise
    from experiments.outputs import MAIN_MONTHS, PARAMETER_PREFIX, RETRAFFICKED

    root, done = results
    result = done["policy-comparison"]
    text = report.build(result.experiment, result.store)
    assert text.index("<h2>Key numbers</h2>") < text.index("<h2>Findings</h2>")
    names = [s.name for s in result.experiment.loaded()]
    head = result.store.load("headline", names)
    table = summarise(head, names[0], order=names).set_index(["scenario", "measure"])
    for name in names:
        row = table.loc[(name, RETRAFFICKED[MAIN_MONTHS].column)]
        numbers = (
            f"{row['estimate'] * 100:.1f} ({row['lower'] * 100:.1f} to {row['upper'] * 100:.1f})"
        )
        assert f"<td>{name}</td><td>{numbers}</td>" in text
    # a parameter every replicate drew shows the mean of what the runs used, not its default
    drawn = [c for c in head.columns if c.startswith(PARAMETER_PREFIX)]
    assert drawn
    column = drawn[0]
    used = head.loc[head["scenario"] == names[0], column].astype(float)
    assert (
        f"<code>{column.removeprefix(PARAMETER_PREFIX)}</code></td><td>{used.mean():.3g} (" in text
    )
    assert str(root) not in text and "/work/" not in text and "/tmp/" not in text
    revision = re.search(r"git revision <code>([^<]*)</code>", text)
    assert revision and revision[1] not in ("", "?")
    assert "<strong>Warning.</strong> only 2 replicates per scenario" in text  # SMALL has 2
    assert "listed below" not in text


def _title(result, name):
    return next(f.title for f in result.figures if f.name == name)


def test_the_averted_title_names_the_policy_averting_most(results):

    result, names, table = _summary(results, "policy-comparison")
    averted = table[table["measure"] == "cases_averted_per_1000"].set_index("scenario")
    best = averted["estimate"].drop(names[0]).idxmax()
    title = _title(result, "averted")
    assert title.startswith(best.replace("_", " ").capitalize() + " averts the most"), title
    assert f"about {averted.loc[best, 'estimate']:.0f} cases" in title


def test_the_cost_plane_title_names_the_cheapest_undominated_policy_per_case_averted(results):
    from experiments.costs import cost_effectiveness

    result = results[1]["policy-comparison"]
    names = [s.name for s in result.experiment.loaded()]
    table = cost_effectiveness(result.store.load("headline", names), names[0], order=names)
    policies = table.iloc[1:]
    open_ = policies[(policies["dominated_by"] == "") & policies["cost_per_case_averted"].notna()]
    title = _title(result, "cost_plane")
    saving = open_[open_["extra_cost_per_survivor"] <= 0]
    if len(saving):
        assert title.endswith("averts cases at no extra cost in priced services"), title
    elif len(open_):
        best = open_.loc[open_["cost_per_case_averted"].idxmin()]
        label = best["scenario"].replace("_", " ").capitalize()
        assert title.startswith(f"{label} costs least per case averted"), title
        assert f"about {best['cost_per_case_averted']:,.0f} EUR" in title
    else:
        assert title == "No policy averts re-trafficking on average"


def test_the_report_says_what_each_policy_costs(results):
    from experiments.costs import cost_effectiveness

    result = results[1]["policy-comparison"]
    names = [s.name for s in result.experiment.loaded()]
    rows = cost_effectiveness(result.store.load("headline", names), names[0], order=names)
    text = report.build(result.experiment, result.store)
    assert "<h3>Costs in EUR (2024 prices)</h3>" in text
    for row in rows.iloc[1:].itertuples():
        assert f"{row.scenario} costs {row.extra_cost_per_survivor:+,.0f} per survivor" in text


def test_the_dose_title_gives_the_risk_at_no_and_at_most_monitoring(results):
    from experiments.outputs import RETRAFFICKED

    result, names, table = _summary(results, "monitoring-dose")
    risk = table[table["measure"] == RETRAFFICKED[60].column].set_index("scenario")["estimate"]
    from experiments.figures.policy import dose_title

    months = [
        int(s.overrides.get("policy.monitoring_months", 0)) for s in result.experiment.loaded()
    ]
    title = _title(result, "dose")
    assert title == dose_title([risk[n] * 100 for n in names], months)
    lowers = risk[names[-1]] < risk[names[0]]
    assert title.startswith("Monitoring lowers" if lowers else "Monitoring does not lower")
    assert f"{risk[names[0]] * 100:.1f}%" in title and f"{risk[names[-1]] * 100:.1f}%" in title


def test_the_subgroups_title_names_the_largest_benefit(results):
    from experiments.compare import summarise_subgroups

    _, done = results
    result = done["who-benefits"]
    names = [s.name for s in result.experiment.loaded()]
    table = summarise_subgroups(result.store.load("subgroups", names), names[0], order=names)
    best = table[table["scenario"] != names[0]].sort_values("difference").iloc[0]
    title = _title(result, "subgroups")
    assert f"{best['scenario'].replace('_', ' ')} for {best['subgroup']}" in title, title
    assert f"({best['difference'] * 100:+.1f} points)" in title
