"""One simulation run of an experiment, and the small outcome tables it keeps.

A task is (scenario, replicate, seed, parameters). It runs anywhere (this process, a process
pool, a Dask worker) and returns the same tables bit for bit, because everything random comes
from its seed. Replicate ``k`` of every scenario gets the same seed (common random numbers), so
scenario differences are not swamped by noise. Workers run :func:`run_and_save`, which stores
the run itself wherever it can see the results folder; this module is what a process pool's
workers import before their first task.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

import sim
from experiments.outputs import MAIN_MONTHS, OBSERVED, PARAMETER_PREFIX, RETRAFFICKED
from sim import observation, outcomes
from sim.people import AGE_OF_MAJORITY
from sim.states import Route
from sim.statistics import by_key

#: What a run imports on first use (the cohort's truncated normal, the store and its Arrow
#: writer): a process pool's worker server imports them with this module
#: (:func:`sim.executors.preloaded`), so no worker spends its first task importing them.
WORKER_IMPORTS = ("scipy.stats", "experiments.store", "pyarrow.feather")
#: Then it imports these, which warm it (:mod:`experiments.warm`: a tiny run loads the
#: compiled loops), so no worker spends its first task on that either.
WORKER_WARMUP = ("experiments.warm",)

#: Tables each run stores, in the order written.
TABLES = ("headline", "curve", "subgroups", "pathways", "observed")


@dataclass(frozen=True)
class Task:
    """One run: which scenario, which replicate, its seed and resolved parameters."""

    scenario: str
    replicate: int
    seed: int
    params: sim.Params
    #: Row of the posterior this run's calibrated parameters come from (-1: defaults).
    draw: int = -1
    #: Hash of everything that makes this run what it is (model code, scenario, replicate,
    #: seed, parameters, posterior), recorded in its folder so a reused run is verified.
    settings: str = ""


@functools.cache
def uncertain_names() -> tuple[str, ...]:
    """Every uncertain parameter (marked so where it is declared), in declaration order."""
    from sim.parameters import parameter_table

    return tuple(row["name"] for row in parameter_table() if row["uncertain"])


def replicate_seed(seed: int, replicate: int) -> int:
    """The seed of replicate ``replicate`` under the experiment seed (same for all scenarios)."""
    return int(np.random.SeedSequence([seed, replicate]).generate_state(1, np.uint64)[0] >> 1)


def subgroup_masks(people: pd.DataFrame) -> dict[str, np.ndarray]:
    """Who is in each reported subgroup.

    Age is at first exit (the sources give age at assistance, not at recruitment), so "minor"
    means under 18 at first exit. Return-route groups depend on what happened after exit, which
    policies change: compare them with that in mind.
    """
    age = people["age_at_entry"].to_numpy()
    route = people["first_route"].to_numpy()
    intl = people["international_first"].to_numpy()
    return {
        "all": np.ones(len(people), dtype=bool),
        "minor at first exit": age < AGE_OF_MAJORITY,
        "aged 15-25 at first exit": (age >= 15) & (age <= 25),
        "international first episode": intl,
        "internal first episode": ~intl,
        "deported on first return": route == Route.DEPORTED,
        "assisted return": route == Route.ASSISTED,
    }


def run_task(task: Task) -> dict[str, pd.DataFrame]:
    """Run one task and return its outcome tables (each with scenario and replicate columns)."""
    result = sim.run(task.params, seed=task.seed)
    tables = summarise(result)
    tables["headline"].insert(0, "draw", task.draw)
    used = task.params.to_flat()
    values = {f"{PARAMETER_PREFIX}{name}": float(used[name]) for name in uncertain_names()}
    tables["headline"] = pd.concat([tables["headline"], pd.DataFrame([values])], axis=1)
    for frame in tables.values():
        frame.insert(0, "replicate", task.replicate)
        frame.insert(0, "scenario", task.scenario)
    return tables


def run_and_save(job: tuple[Task, str, str | None]) -> dict[str, pd.DataFrame] | None:
    """Run one task and store it in the results folder ``job[1]``, or return its tables.

    It stores them when this process sees that folder (the folder holds token ``job[2]``, or
    no token is given) and returns them for the caller to store otherwise.
    """
    from experiments.store import ResultsStore  # the store imports this module

    task, root, token = job
    tables = run_task(task)
    store = ResultsStore(root)
    if token is not None and not store.has_token(token):
        return tables
    store.save(task.scenario, task.replicate, tables, task.settings)
    return None


def summarise(result: sim.Result) -> dict[str, pd.DataFrame]:
    """The outcome tables an experiment keeps of one run."""
    people = result.people
    n = len(people)
    incidence = outcomes.incidence_at(result)
    services = outcomes.service_months(result)
    spent = outcomes.costs(result)
    stats = observation.observed_statistics(result)
    lookup = by_key(stats)
    events = result.events
    headline = pd.DataFrame(
        [
            {
                "seed": result.seed,
                "survivors": n,
                "months": result.months,
                **{RETRAFFICKED[m].column: v for m, v in incidence.items()},
                "retrafficking_events": int((events["event"] == "RETRAFFICKED").sum()),
                "people_retrafficked": int((people["first_retraffic_month"] >= 0).sum()),
                **{f"service_months_{k}": v for k, v in services.items()},
                **{f"cost_{k}": v for k, v in spent.items()},
                **{o.column: lookup[o.statistic.key] for o in OBSERVED},
            }
        ]
    )

    by_group = outcomes.breakdown(result, subgroup_masks(people), MAIN_MONTHS)
    subgroups = by_group.rename(
        columns={"group": "subgroup", "incidence": RETRAFFICKED[MAIN_MONTHS].column}
    )
    pathways = outcomes.pathways(result).rename(columns={"all": "events", "first": "first"})
    pathways["pathway"] = pathways["pathway"].astype(str)
    return {
        "headline": headline,
        "curve": outcomes.incidence_curve(result),
        "subgroups": subgroups,
        "pathways": pathways,
        "observed": stats,
    }
