"""A self-contained HTML report of a stored experiment.

Figures are embedded (base64 PNG with alt text), so the file opens in a browser with no server
and no other files. The report states the scenarios in plain language with their sources, the
assumptions (parameters without a direct source) and limitations, the date, the code version,
the git revision and the seeds.
"""

from __future__ import annotations

import base64
import html
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from experiments.defaults import few_replicates_warning
from experiments.registry import Experiment
from experiments.store import ResultsStore
from experiments.words import interval, number, upper_end
from sim.parameters import parameter_table

if TYPE_CHECKING:
    import pandas as pd

LIMITATIONS = (
    "All evidence comes from assisted, mostly female, mostly South-Eastern European survivors "
    "(IOM-2010); no study gives dates of trafficking, only of assistance.",
    "Hazards and several effect sizes are declared assumptions (see Assumptions above); "
    "magnitudes are "
    "illustrative and the direction of effects is the more robust finding.",
    "The cohort is synthetic: no real person's data is used.",
    "Age is known at exit, not at recruitment; return-route subgroups are defined after exit.",
    "Residence permits are costed only through the support and monitoring they bring.",
    "The sources do not say whether traffickers' recruiting capacity is ever exhausted; the "
    "model's capacity is an assumption, so it makes no claim that protecting one group "
    "displaces recruitment onto others.",
)

CSS = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em;
       color: #1a1a1a; line-height: 1.5; }
h1 { font-size: 2em; } h2 { border-bottom: 2px solid #ddd; padding-bottom: .2em; margin-top: 2em; }
figure { margin: 2em 0; } figure img { width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: .95em; color: #333; margin-top: .5em; }
table { border-collapse: collapse; font-size: .9em; width: 100%; }
th, td { border: 1px solid #ddd; padding: .3em .5em; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } .meta { color: #555; font-size: .9em; }
"""


def build(experiment: Experiment, store: ResultsStore) -> str:
    """The report as one HTML string."""
    manifest = store.read_manifest() or {}
    index_path = store.root / "figures" / "figures.json"
    figures = json.loads(index_path.read_text(encoding="utf-8"))
    names = [s.name for s in experiment.loaded()]
    headline = store.load("headline", names)  # once: every section reads it
    parts = [
        *_header(experiment, manifest),
        *_key_numbers(names, headline),
        "<h2>Findings</h2>",
        *_decisions(names, headline),
        *_money(names, headline),
        *_figures(figures, store.root / "figures"),
        *_scenarios(manifest),
        *_assumptions(names, headline, manifest),
        "<h2>Limitations</h2>",
        "<ul>",
        *(f"<li>{_e(item)}</li>" for item in LIMITATIONS),
        "</ul>",
        '<p class="meta">Sources: IOM-2010, <em>The Causes and Consequences of '
        "Re-trafficking: Evidence from the IOM Human Trafficking Database</em> (IOM, "
        "Geneva); IASC-2021, <em>Re-trafficking: The current state of play</em> (UK "
        "Independent Anti-Slavery Commissioner and University of Nottingham Rights "
        "Lab).</p>",
        "</body></html>",
    ]
    return "\n".join(parts)


def _decisions(names: list[str], headline: pd.DataFrame) -> list[str]:
    """Each policy's decision figures and what would change them, in plain words."""
    from experiments.compare import decisions, flips
    from experiments.outputs import MAIN_MONTHS

    if len(names) < 2 or headline.empty:
        return []
    reference = names[0]
    decided = decisions(headline, reference, order=names).set_index("scenario")
    flipped = flips(headline, reference, order=names).set_index("scenario")
    items = []
    for name in names[1:]:
        d, f = decided.loc[name], flipped.loc[name]
        text = (
            f"{name} lowers {MAIN_MONTHS}-month re-trafficking against {reference} in "
            f"{d['p_lowers']:.0%} of {int(d['replicates'])} plausible worlds (Monte Carlo error "
            f"{d['p_lowers_mc_error']:.0%}) and is the best of the {len(names)} compared in "
            f"{d['p_best']:.0%}; it averts {d['averted_per_1000']:.0f} cases per 1,000 survivors "
            f"(95% of worlds: {d['averted_lower']:.0f} to {d['averted_upper']:.0f})."
        )
        if f["parameter"]:
            text += (
                f" What would change this: with {f['parameter']} at most {f['threshold']:.3g} it "
                f"lowers re-trafficking in {f['p_lowers_below']:.0%} of {int(f['worlds_below'])} "
                f"worlds, above it in {f['p_lowers_above']:.0%} of {int(f['worlds_above'])} (a "
                "lead from a one-split decision tree, not a finding)."
            )
        items.append(f"<li>{_e(text)}</li>")
    return ["<h3>Decisions</h3>", "<ul>", *items, "</ul>"]


def _money(names: list[str], headline: pd.DataFrame) -> list[str]:
    """What each policy costs and what a case it averts costs, in plain words."""
    from experiments.costs import CURRENCY, cost_effectiveness

    if len(names) < 2 or headline.empty:
        return []
    reference = names[0]
    rows = cost_effectiveness(headline, reference, order=names).set_index("scenario")
    items = []
    for name in names[1:]:
        r = rows.loc[name]
        extra, lower, upper = (
            number(r[k], 0, sign=True, grouped=True)
            for k in ("extra_cost_per_survivor", "extra_cost_lower", "extra_cost_upper")
        )
        text = f"{name} costs {extra} per survivor against {reference} (95% of worlds: "
        text += f"{lower} to {upper})"
        if r["cost_per_case_averted"] == r["cost_per_case_averted"]:  # not NaN
            per_case, low = (
                number(r[k], 0, grouped=True) for k in ("cost_per_case_averted", "icer_lower")
            )
            high = upper_end(r["icer_upper"], 0, grouped=True)
            text += f"; a case averted costs about {per_case} (bootstrap 95%: {low} to {high})"
        else:
            text += "; it averts no case on average, so no cost per case averted"
        if r["dominated_by"]:
            text += f"; {r['dominated_by']} dominates it (costs no more, averts no fewer)"
        items.append(f"<li>{_e(text + '.')}</li>")
    return [
        f"<h3>Costs in {_e(CURRENCY)}</h3>",
        "<p>Unit costs are assumptions (no report gives one), each drawn per replicate from a "
        "wide prior; service-months in the key numbers are the unit-free measure.</p>",
        "<ul>",
        *items,
        "</ul>",
    ]


def _e(text: object) -> str:
    return html.escape(str(text))


def _header(experiment: Experiment, manifest: dict) -> list[str]:
    """Title, description, provenance (dates, version, revision, seeds) and notes."""
    version = manifest.get("versions", {}).get("retrafficking-sim", "?")
    replicates = manifest.get("replicates", "?")
    few = few_replicates_warning(replicates) if isinstance(replicates, int) else None
    return [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_e(experiment.title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{_e(experiment.title)}</h1>",
        f"<p>{_e(experiment.description)}</p>",
        '<p class="meta">',
        f"Experiment <code>{_e(experiment.name)}</code>; report written "
        f"{datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}; runs started "
        f"{_e(manifest.get('started', '?'))}, finished {_e(manifest.get('finished', '?'))};"
        f" retrafficking-sim {_e(version)}"
        f", git revision <code>{_e(str(manifest.get('git_revision') or 'unknown')[:12])}</code>; "
        f"experiment seed {_e(manifest.get('settings', {}).get('seed', '?'))}, "
        f"{_e(replicates)} replicates per scenario; calibrated parameters: "
        f"{_e(Path(str(manifest.get('posterior') or 'none')).name)}.</p>",
        *([f"<p><strong>Warning.</strong> {_e(few)}</p>"] if few else []),
        *(f"<p><strong>Note.</strong> {_e(note)}</p>" for note in experiment.notes),
    ]


def _figures(figures: list[dict], folder: Path) -> list[str]:
    """Every figure embedded as base64 PNG with its alt text, title and caption."""
    parts = []
    for fig in figures:
        data = base64.b64encode((folder / fig["png"]).read_bytes()).decode()
        parts += [
            f'<figure id="{_e(fig["name"])}">',
            f'<img src="data:image/png;base64,{data}" alt="{_e(fig["alt"])}">',
            f"<figcaption><strong>{_e(fig['title'])}.</strong> {_e(fig['caption'])}</figcaption>",
            "</figure>",
        ]
    return parts


def _scenarios(manifest: dict) -> list[str]:
    """The scenarios in plain language, with their sources and the size of each lever."""
    parts = [
        "<h2>Scenarios</h2>",
        "<table><tr><th>scenario</th><th>what it means</th>"
        "<th>source</th><th>levers changed (and why this size)</th></tr>",
    ]
    for name, info in manifest.get("scenario_files", {}).items():
        levers = (
            "<br>".join(
                f"<code>{_e(k)}</code> = {_e(v)} ({_e(info.get('sources', {}).get(k, ''))})"
                for k, v in info.get("overrides", {}).items()
            )
            or "none (baseline practice)"
        )
        parts.append(
            f"<tr><td>{_e(name)}<br><em>{_e(info.get('title', ''))}</em></td>"
            f"<td>{_e(info.get('description', ''))}</td><td>{_e(info.get('source', ''))}"
            f"</td><td>{levers}</td></tr>"
        )
    return [*parts, "</table>"]


def _assumptions(names: list[str], head: pd.DataFrame, manifest: dict) -> list[str]:
    """Every parameter without a direct source, at the values the runs used."""
    from experiments.outputs import PARAMETER_PREFIX

    runs = head[head["scenario"] == names[0]]
    drawn = manifest.get("drawn_per_replicate", {})
    parts = [
        "<h2>Assumptions</h2>",
        "<p>Parameters without a direct source, at the values the runs of "
        f"<code>{_e(names[0])}</code> used (scenario levers are listed above): the mean and "
        "the middle 95% over the replicates where each replicate drew its own value, else the "
        "one value every run used.</p>",
        "<table><tr><th>parameter</th><th>value the runs used</th><th>drawn from</th>"
        "<th>unit</th><th>source</th></tr>",
    ]
    for row in parameter_table():
        if not row["uncertain"]:
            continue
        column = PARAMETER_PREFIX + row["name"]
        if column in runs and len(runs):
            values = runs[column].astype(float)
            used = (
                f"{values.mean():.3g} ({values.quantile(0.025):.3g} to "
                f"{values.quantile(0.975):.3g})"
            )
        else:
            used = str(row["default"])
        how = drawn.get(row["name"], "fixed at this value in every run")
        parts.append(
            f"<tr><td><code>{_e(row['name'])}</code></td><td>{_e(used)}</td><td>{_e(how)}</td>"
            f"<td>{_e(row['unit'])}</td><td>{_e(row['source'])}</td></tr>"
        )
    return [*parts, "</table>"]


#: What a key number beyond the runs' horizon reads (the 60-month level of a 24-month run).
NOT_OBSERVED = "not observed (the runs are shorter)"


def _key_numbers(names: list[str], head: pd.DataFrame) -> list[str]:
    """The headline numbers of every scenario, in words, at the top of the report."""
    from experiments.compare import summarise
    from experiments.outputs import DIFFERENCE, MAIN_MONTHS, RETRAFFICKED

    if head.empty:
        return []
    table = summarise(head, names[0], order=names).set_index(["scenario", "measure"])

    def cell(name: str, measure: str, scale: float, digits: int, sign: bool = False) -> str:
        row = table.loc[(name, measure)]
        values = (row["estimate"], row["lower"], row["upper"])
        return interval(*values, scale, digits, sign, undefined=NOT_OBSERVED)

    compared, change = len(names) > 1, DIFFERENCE[MAIN_MONTHS].column
    header = [
        "scenario",
        f"re-trafficked within {MAIN_MONTHS} months (% of survivors)",
        *(
            [
                f"change against {names[0]} (percentage points)",
                "re-trafficking cases averted per 1,000 survivors",
            ]
            if compared
            else []
        ),
        "service-months per survivor",
    ]
    rows = []
    for name in names:
        cells = [name, cell(name, RETRAFFICKED[MAIN_MONTHS].column, 100, 1)]
        if compared:
            reference = name == names[0]
            cells += [
                "reference" if reference else cell(name, change, 100, 1, sign=True),
                "reference" if reference else cell(name, "cases_averted_per_1000", 1, 0),
            ]
        cells.append(cell(name, "service_months_per_survivor", 1, 2))
        rows.append("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in cells) + "</tr>")
    return [
        "<h2>Key numbers</h2>",
        "<p>Each figure is the mean over the replicate cohorts, with the middle 95% of the "
        "replicates in brackets (the one kind of interval in this table); changes and cases "
        "averted are paired: replicate k of every scenario shares its random numbers and its "
        "draw of every uncertain parameter.</p>",
        "<table><tr>" + "".join(f"<th>{_e(h)}</th>" for h in header) + "</tr>",
        *rows,
        "</table>",
    ]


def write(experiment: Experiment, store: ResultsStore, path: Path | None = None) -> Path:
    """Write the report (default ``<store>/report.html``) atomically; returns its path."""
    path = path or store.root / "report.html"
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(build(experiment, store), encoding="utf-8")
    tmp.replace(path)
    return path
