"""The saved baseline: key outputs of a fixed run must not change unintentionally."""

import json

import pytest

from tests.baseline.key_outputs import SAVED, compute


def test_key_outputs_match_saved_baseline():
    saved = json.loads(SAVED.read_text())
    now = compute()
    assert now["events"] == saved["events"], (
        "event counts changed: if intended, run python -m tests.baseline.key_outputs --update"
    )
    for group in ("incidence", "observed"):
        assert now[group].keys() == saved[group].keys()
        for key, value in saved[group].items():
            assert now[group][key] == pytest.approx(value, rel=1e-9, abs=1e-12), key
