"""The model's ODD description, ``docs/ODD.md``: ``python -m experiments.odd`` writes it.

ODD is the Overview, Design concepts and Details protocol for describing agent-based models
(Grimm et al. 2006, updated 2020). Where the code holds a fact, the page is generated from it:
the schedule from :meth:`sim.model.ReintegrationModel.step`, each process's description from its
docstring, the state variables from the column store (:class:`sim.people.People`) and the
state vocabulary (:mod:`sim.states`), the mechanisms from :mod:`sim.mechanisms`, the parameters
from the parameter model, the patterns from ``calibration/targets.toml`` and the observation
rules from :mod:`sim.statistics`. The rest (purpose, design concepts) is written here. A test
checks the page is current.
"""

from __future__ import annotations

import inspect
import re
from collections import Counter
from enum import IntEnum
from pathlib import Path

from calibration.spec import load_targets
from sim import processes, states
from sim.mechanisms import MECHANISMS
from sim.model import ReintegrationModel
from sim.parameters import parameter_table
from sim.people import People
from sim.services import Authority, Services
from sim.statistics import STATISTICS
from sim.survivors import Survivors
from sim.traffickers import Traffickers

PAGE = Path(__file__).resolve().parents[1] / "docs" / "ODD.md"

PURPOSE = """\
The model asks what happens to survivors of human trafficking after they exit exploitation,
and which reintegration policies keep them from being trafficked again: longer monitoring,
residence in the destination country, safe and legal migration, and the others in
`scenarios/`. It is built for policy analysts comparing scenarios, for researchers examining
parameters, priors, targets and sensitivity, and for advocates presenting the results. Every
cohort is synthetic; no real person's data is used.

The model is calibrated to, and checked against, the patterns the two sources report (IOM-2010,
the IOM Human Trafficking Database; IASC-2021, the UK Independent Anti-Slavery Commissioner's
review). Each is a statistic of what a case database records, computed from the model through
an observation layer, not from what truly happens (which no database sees):"""

DESIGN_CONCEPTS = """\
- **Basic principles.** Re-trafficking is a hazard in the community that returns to the
  conditions that made people vulnerable (poverty, debt, unemployment, family rejection,
  threats) and that assistance, support and monitoring lower; exits, returns and re-migration
  move people between places with different risks (EVIDENCE.md, mechanisms below).
- **Emergence.** Re-trafficking curves, the interval between first and second assistance, the
  share twice assisted and the pathways of re-trafficking emerge from the individual processes
  and from the traffickers' limited capacity; none is imposed.
- **Adaptation and objectives.** Survivors do not optimise: they decline or leave assistance
  as their trust falls, and migrate again at rates raised by unemployment and debt.
  Traffickers recruit up to their capacity, preferring their former victims and people in
  their region.
- **Learning and prediction.** None: no agent learns or forecasts.
- **Sensing.** Traffickers see whether a survivor is reachable (region, place, former victim);
  services see who waits for a place.
- **Interaction.** Traffickers and survivors interact through recruitment and threats;
  survivors compete for funding-limited service places; colluding officers hand intercepted
  survivors back to traffickers with contacts.
- **Stochasticity.** Every random draw comes from counter-based random numbers keyed by the
  seed, the survivor and the month (`sim.randomness`): the same seed gives the same run, bit for
  bit, with any number of workers, and replicate k of every scenario shares its random numbers
  (common random numbers), so policy effects are paired.
- **Collectives.** Traffickers belong to regions; services hold places in destinations and at
  home.
- **Observation.** An event log records what happens; an observation layer (`sim.observation`)
  turns it into what a case database would record (re-assistance recorded or not, disclosure of
  re-trafficking), and the statistics below are computed from that record."""


def _summary(obj: object) -> str:
    """The first paragraph of an object's docstring, on one line."""
    doc = inspect.getdoc(obj) or ""
    return " ".join(doc.split("\n\n")[0].split())


def schedule() -> list[tuple[str, str, str]]:
    """The month's processes in the order :meth:`ReintegrationModel.step` runs them.

    Each is (name, the step's comment, the process's own summary).
    """
    source = inspect.getsource(ReintegrationModel.step)
    found = re.findall(r"processes\.(\w+)\(self\)\s*#\s*(.*)", source)
    return [(name, comment.strip(), _summary(getattr(processes, name))) for name, comment in found]


def enum_members(kind: type[IntEnum]) -> list[tuple[str, str]]:
    """Each member of an enum of :mod:`sim.states` with the comment beside it in the code."""
    source = inspect.getsource(kind)
    comments = dict(re.findall(r"^\s+([A-Z_]+) = \d+\s*(?:#\s*(.*))?$", source, re.MULTILINE))
    return [(m.name, comments.get(m.name, "")) for m in kind]


def state_variables() -> list[tuple[str, str, str, str]]:
    """Every column of the survivors' store: name, numpy type, kind (static or not), meaning."""
    source = inspect.getsource(People)
    rows, kind = [], ""
    for line in source.splitlines():
        comment = re.match(r"\s+# (.*)", line)
        field = re.match(r"\s+(\w+): NDArray\[np\.(\w+)\](?:\s+#: (.*))?$", line)
        if comment:
            kind = comment[1]
        elif field:
            rows.append((f"`{field[1]}`", field[2], kind, field[3] or ""))
    return rows


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(c.replace("|", "/") for c in row) + " |" for row in rows]
    return lines


def _patterns() -> list[str]:
    rows = [
        (t.key.split(" ", 1)[0], t.key.split(" ", 1)[1], f"{t.value:g}", t.source)
        for t in load_targets()
    ]
    return _table(("target", "statistic", "reported", "source"), rows)


def _entities() -> list[str]:
    actors = (Survivors, Traffickers, Services, Authority)
    lines = [f"- **{a.__name__}** (`{a.__module__}`): {_summary(a)}" for a in actors]
    lines += [
        "",
        "Survivors' state variables, one numpy column each (`sim.people.People`); the Mesa "
        "`Survivor` agents are views onto a row:",
        "",
        *_table(("variable", "type", "kind", "meaning"), state_variables()),
        "",
        "Where a survivor is at the end of each month (`sim.states.State`):",
        "",
        *_table(("state", "meaning"), enum_members(states.State)),
        "",
        "Places (`sim.states.Place`): "
        + ", ".join(n.lower() for n, _ in enum_members(states.Place))
        + ".",
    ]
    return lines


def _scales() -> list[str]:
    rows = {r["name"]: r for r in parameter_table()}
    horizon, regions = rows["run.horizon_months"], rows["cohort.n_regions"]
    return [
        f"One time step is one month; a run lasts `run.horizon_months` = {horizon['default']} "
        f"{horizon['unit']} by default ({horizon['range']}). Space is not continuous: survivors "
        f"live in a destination or in their origin country, in one of `cohort.n_regions` = "
        f"{regions['default']} origin regions where traffickers operate. The default cohort is "
        f"`cohort.n_survivors` = {rows['cohort.n_survivors']['default']:,} survivors, first "
        "exiting over the inflow window.",
    ]


def _parameters() -> list[str]:
    table = parameter_table()
    groups = Counter(r["name"].split(".", 1)[0] for r in table)
    uncertain = Counter(r["name"].split(".", 1)[0] for r in table if r["uncertain"])
    rows = [(f"`{g}`", str(n), str(uncertain[g])) for g, n in groups.items()]
    return [
        f"{len(table)} parameters, each with a unit, a valid range, a default and a source (a "
        "section of IOM-2010 or IASC-2021, or 'assumption: why'); every one is listed in "
        "[parameters.md](parameters.md). Those marked uncertain are calibrated or drawn from "
        "their priors in every comparison (`calibration/priors.toml`).",
        "",
        *_table(("group", "parameters", "uncertain"), rows),
    ]


def _submodels() -> list[str]:
    lines = []
    for k, (name, _, _) in enumerate(schedule(), start=1):
        function = getattr(processes, name)
        doc = " ".join((inspect.getdoc(function) or "").split())
        lines += [f"### 7.{k} `{name}` (`{function.__module__}`)", "", doc, ""]
    lines += [
        "### Mechanisms",
        "",
        "Each mechanism of EVIDENCE.md changes risk through one process, with its own "
        "parameters (`sim.mechanisms`, also in [mechanisms.md](mechanisms.md)):",
        "",
        *_table(
            ("mechanism", "process", "parameters", "source"),
            [
                (
                    f"{m.number}. {m.name}",
                    f"`{m.process}`",
                    ", ".join(f"`{p}`" for p in m.parameters),
                    m.source,
                )
                for m in MECHANISMS
            ],
        ),
    ]
    return lines


def _observation() -> list[str]:
    rows = [(s.target, s.name, s.unit, s.definition) for s in STATISTICS]
    return [
        "What a case database records (`sim.statistics`, read from the observation layer's "
        "record, never from the true events):",
        "",
        *_table(("target", "statistic", "unit", "definition"), rows),
    ]


def _initialisation() -> list[str]:
    cohort = [
        (f"`{r['name']}`", str(r["default"]), r["unit"], r["source"])
        for r in parameter_table()
        if r["name"].startswith("cohort.")
    ]
    return [
        _summary(__import__("sim.cohort", fromlist=["_"])),
        "",
        "Survivors start before their first exit (state `PENDING`) and exit over the inflow "
        "window; traffickers and service places are created from the parameters below and the "
        "policy levers.",
        "",
        *_table(("parameter", "default", "unit", "source"), cohort),
    ]


def render() -> str:
    """The whole page."""
    steps = [f"{k}. `{n}`: {c}." for k, (n, c, _) in enumerate(schedule(), start=1)]
    parts = [
        "# ODD description of retrafficking-sim",
        "",
        "Overview, Design concepts and Details (Grimm et al. 2006; 2020 update). Generated by "
        "`python -m experiments.odd` from the code where the code holds the facts; a test "
        "checks it is current, so edit `experiments/odd.py` or the code, not this page.",
        "",
        "## 1. Purpose and patterns",
        "",
        PURPOSE,
        "",
        *_patterns(),
        "",
        "## 2. Entities, state variables and scales",
        "",
        *_entities(),
        "",
        *_scales(),
        "",
        "## 3. Process overview and scheduling",
        "",
        "Each month, every actor starts the month (traffickers removed or replaced, service "
        "places counted), then these processes run in this order, each vectorised over all "
        "survivors (`sim.model.ReintegrationModel.step`); the month's counts are then collected:",
        "",
        *steps,
        "",
        "## 4. Design concepts",
        "",
        DESIGN_CONCEPTS,
        "",
        *_observation(),
        "",
        "## 5. Initialisation",
        "",
        *_initialisation(),
        "",
        "## 6. Input data",
        "",
        "None: the model reads no time series. Scenario files (`scenarios/*.toml`) set policy "
        "levers; a posterior (`calibration/posterior/`) supplies calibrated values.",
        "",
        *_parameters(),
        "",
        "## 7. Submodels",
        "",
        *_submodels(),
    ]
    return "\n".join(parts) + "\n"


def main() -> None:
    """Write ``docs/ODD.md``."""
    PAGE.write_text(render(), encoding="utf-8")
    print(f"{PAGE}: written")


if __name__ == "__main__":
    main()
