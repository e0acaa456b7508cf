"""Docs stay true: the generated parameter reference and the paths ARCHITECTURE.md names."""

import re
from pathlib import Path

from sim.parameters import markdown_reference

ROOT = Path(__file__).resolve().parents[1]


def test_parameter_reference_is_generated_from_the_fields():
    saved = (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8")
    assert saved == markdown_reference(), (
        "regenerate: python -m sim.parameters > docs/parameters.md"
    )


def test_every_path_in_architecture_exists():
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    paths = set(
        re.findall(
            r"`((?:sim|scenarios|calibration|experiments|tests|benchmarks|docs)"
            r"/[\w./-]*)`",
            text,
        )
    )
    assert paths, "ARCHITECTURE.md names no paths"
    missing = sorted(p for p in paths if not (ROOT / p).exists())
    assert not missing, f"ARCHITECTURE.md names paths that do not exist: {missing}"


def test_readme_opens_with_two_setup_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:bash|sh)\n(.*?)```", text, flags=re.S)
    first = blocks[0].strip().splitlines()
    assert len(first) == 2, first
    assert "retraffic" in first[0] and "pytest" in first[1]


def test_the_readme_counts_of_priors_are_the_priors_file():
    import re

    from calibration.spec import load_priors

    priors = load_priors()
    fitted = sum(p.calibrate for p in priors)
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"every parameter marked uncertain ({len(priors)})" in text
    assert f"{fitted} are fitted; the other {len(priors) - fitted} (`calibrate = false`)" in text
    moving = len(load_priors(runs_only=True))
    assert f"{len(priors) - moving} of them unit costs" in text
    assert re.search(rf"varies all {moving} uncertain parameters that change a run", text)


def test_the_screening_page_states_counts_its_own_table_holds():
    import re

    from calibration.spec import load_priors

    text = (ROOT / "docs" / "screening.md").read_text(encoding="utf-8")
    informed, total = map(int, re.search(r"\*\*(\d+) of (\d+)\*\* uncertain", text).groups())
    checked = int(re.search(r"\*\*(\d+)\*\* move only checked", text)[1])
    silent = int(re.search(r"\*\*(\d+)\*\* move no target", text)[1])
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert total == len(load_priors(runs_only=True)) == informed + checked + silent
    assert len(rows) == informed + checked
    listed = text[text.index("Parameters that move no target") :]
    assert listed.count("`") == 2 * silent


def test_the_readme_names_as_uninformed_only_parameters_the_screening_found_so():
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sentence = readme[readme.index("most uncertain\n  parameters move no target") :]
    sentence = sentence[: sentence.index("which is")]
    named = re.findall(r"`([a-z_]+\.[a-z_0-9]+)`", sentence)
    page = (ROOT / "docs" / "screening.md").read_text(encoding="utf-8")
    silent = page[page.index("Parameters that move no target") :]
    assert len(named) == 3 and all(f"`{name}`" in silent for name in named)


def test_exactly_the_parameters_the_screening_finds_moving_a_fitted_target_are_fitted():
    """Issue 12: every parameter that moves a target is fitted; the rest are varied."""
    from calibration.spec import load_priors

    text = (ROOT / "docs" / "screening.md").read_text(encoding="utf-8")
    rows = [line.strip("|").split(" | ") for line in text.splitlines() if line.startswith("| `")]
    moving = {cells[0].strip(" `") for cells in rows if cells[2].strip() != "-"}
    column = {cells[0].strip(" `"): cells[1].strip() == "yes" for cells in rows}
    fitted = {p.parameter for p in load_priors() if p.calibrate}
    assert fitted == moving
    assert {name for name, yes in column.items() if yes} == fitted & set(column)


def test_the_readme_states_the_shipped_fit_as_its_files_say():
    """The fit block is computed from the posterior and its check files (no simulation)."""
    from experiments import readme

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    current = readme.current_block(text, readme.FIT_START, readme.FIT_END)
    assert current == readme.fit_block(), "run: python -m experiments.readme --fit-only"


def test_the_readme_explains_every_target_the_shipped_fit_misses():
    """Issue 12: for any target not reproduced, the README says why."""
    import pandas as pd

    from calibration.posterior import DEFAULT

    check = pd.read_csv(DEFAULT.with_suffix(".predictive_check.csv"))
    missed = check[~check["reproduced"].astype(bool)]
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    why = text[text.index("<!-- fit:end -->") : text.index("The main job (the first command")]
    for row in missed.itertuples():
        assert f"**{row.target} {row.statistic}**" in why, (row.target, row.statistic)


def test_the_odd_description_is_current_and_complete():
    """Issue 14: docs/ODD.md is generated from the code (python -m experiments.odd)."""
    from dataclasses import fields

    from experiments import odd
    from sim.people import People
    from sim.statistics import STATISTICS

    page = odd.PAGE.read_text(encoding="utf-8")
    assert page == odd.render(), "docs/ODD.md is stale: run python -m experiments.odd"
    for heading in (
        "## 1. Purpose and patterns",
        "## 2. Entities, state variables and scales",
        "## 3. Process overview and scheduling",
        "## 4. Design concepts",
        "## 5. Initialisation",
        "## 6. Input data",
        "## 7. Submodels",
    ):
        assert heading in page
    steps = [name for name, _, _ in odd.schedule()]
    assert len(steps) == 13 and steps[0] == "arrive" and steps[-1] == "count_down"
    for column in fields(People):
        row = next(r for r in odd.state_variables() if r[0] == f"`{column.name}`")
        assert row[3], f"People.{column.name} has no meaning (a '#: ...' comment)"
    for statistic in STATISTICS:
        assert statistic.definition in page


def test_the_readme_figure_caption_states_the_experiment_as_registered():
    from experiments.registry import get
    from sim import Params

    experiment = get("policy-comparison")
    survivors = experiment.survivors or Params().cohort.n_survivors
    text = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    caption = text[text.index("(docs/figures/averted.png)") :][:600]
    assert f"{experiment.replicates} replicate cohorts of {survivors:,}" in caption
    assert "averted" in experiment.figures and (ROOT / "docs" / "figures" / "averted.png").is_file()
