"""Shared helpers: small parameter sets and hand-built tiny models."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from sim import Params
from sim.model import ReintegrationModel
from sim.states import State


def small(n: int = 2000, months: int = 60, **overrides: Any) -> Params:
    """Default parameters on a smaller cohort, plus dotted overrides (``__`` for ``.``)."""
    flat = {k.replace("__", "."): v for k, v in overrides.items()}
    flat.setdefault("cohort.n_survivors", n)
    flat.setdefault("run.horizon_months", months)
    return Params().with_overrides(flat)


def tiny(
    n: int = 3, month: int = 5, state: State = State.AT_HOME, **overrides: Any
) -> ReintegrationModel:
    """A model of ``n`` survivors all in ``state``, exited at month 0, clock set to ``month``.

    Use it to run one process by hand: set columns on ``model.people``, call the process.
    """
    flat = {k.replace("__", "."): v for k, v in overrides.items()}
    flat.setdefault("cohort.n_survivors", n)
    flat.setdefault("cohort.entry", "at_once")
    flat.setdefault("traffickers.per_1000_survivors", 1000.0)  # one trafficker per survivor
    flat.setdefault("traffickers.share_reach_destination", 1.0)
    flat.setdefault("policy.destination_places_per_1000", 1000.0)  # a place for everyone
    flat.setdefault("policy.support_places_per_1000", 1000.0)
    model = ReintegrationModel(Params().with_overrides(flat), seed=0)
    p = model.people
    p.episode[:] = 1
    p.exit_month[:] = 0
    p.move(np.arange(n), state, 0)
    model.month = month
    model.start_month()
    return model


@pytest.fixture
def tiny_model():
    return tiny
