"""Tables for analysts: the CSV files and the workbook a comparison writes (issue 13)."""

import pandas as pd
import pytest

from experiments.compare import comparison
from experiments.exports import COLUMNS, EFFECTS, HIGH, LEVELS, LOW

SCENARIOS = ["baseline", "residency", "safe_migration"]


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    out = tmp_path_factory.mktemp("exports") / "cmp"
    result = comparison(SCENARIOS, replicates=3, survivors=300, months=24, workers=1, output=out)
    return result, out


def test_every_table_is_written_with_its_declared_columns(compared):
    _, out = compared
    for name, columns in COLUMNS.items():
        frame = pd.read_csv(out / f"{name}.csv")
        assert list(frame.columns) == list(columns), name


def test_one_row_per_scenario_and_measure(compared):
    result, out = compared
    summary = pd.read_csv(out / "summary.csv")
    assert len(summary) == len(SCENARIOS) * len(LEVELS)
    assert not summary.duplicated(["scenario", "measure"]).any()
    assert set(summary["measure"]) == set(LEVELS)
    assert summary["description"].notna().all() and (summary["replicates"] == 3).all()
    effects = pd.read_csv(out / "effects.csv")
    assert len(effects) == (len(SCENARIOS) - 1) * len(EFFECTS)
    assert (
        set(effects["scenario"]) == set(SCENARIOS[1:])
        and (effects["reference"] == "baseline").all()
    )
    for name in ("decisions", "cost"):
        frame = pd.read_csv(out / f"{name}.csv")
        assert list(frame["scenario"]) == SCENARIOS, name
    subgroups = pd.read_csv(out / "subgroups.csv")
    assert not subgroups.duplicated(["subgroup", "scenario"]).any()
    # the CSV holds what the comparison computed
    mine = result.summary.set_index(["scenario", "measure"])
    row = summary.set_index(["scenario", "measure"]).loc[("residency", "retrafficked_12m")]
    assert row["estimate"] == pytest.approx(mine.loc[("residency", "retrafficked_12m"), "estimate"])
    assert row[LOW] <= row["estimate"] <= row[HIGH]


def test_the_cost_side_is_said_in_words(compared):
    _, out = compared
    cost = pd.read_csv(out / "cost.csv").set_index("scenario")
    assert cost.loc["baseline", "in_words"] == "reference"
    for name in SCENARIOS[1:]:
        extra = cost.loc[name, "extra_service_months_per_survivor"]
        words = cost.loc[name, "in_words"]
        if extra < 0:
            assert words == f"saves {-extra:.2f} service-months per survivor"
            assert pd.isna(cost.loc[name, "averted_per_1000_extra_service_months"])
        elif extra > 0:
            assert words.startswith("costs ")


def test_the_workbook_holds_every_table_and_explains_every_column(compared):
    _, out = compared
    sheets = pd.read_excel(out / "comparison.xlsx", sheet_name=None, engine="openpyxl")
    assert set(sheets) == {*COLUMNS, "columns"}
    explained = sheets["columns"]
    for name, columns in COLUMNS.items():
        assert list(sheets[name].columns) == list(columns)
        listed = explained[explained["sheet"] == name]
        assert list(listed["column"]) == list(columns)
        assert listed["meaning"].str.len().gt(10).all()
    csv = pd.read_csv(out / "summary.csv")
    pd.testing.assert_frame_equal(sheets["summary"], csv, check_dtype=False)


def test_a_reference_not_compared_is_refused_before_any_run(tmp_path):
    with pytest.raises(ValueError, match="reference: 'combined' is not one of the scenarios"):
        comparison(
            SCENARIOS,
            reference="combined",
            replicates=1,
            survivors=50,
            months=6,
            workers=1,
            output=tmp_path / "never",
        )
    assert not (tmp_path / "never").exists()
