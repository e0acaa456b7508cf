"""Running experiments: every scenario x replicate on an executor, stored with a manifest.

Each replicate is a whole synthetic cohort with its own seed (and, with a calibrated
posterior, its own parameter draw, the same in every scenario). Replicate ``k`` of every
scenario shares its seed, so paired differences remove the noise both share. Summaries of the
stored runs are :mod:`experiments.compare`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import platform
import warnings
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import sim
from calibration.posterior import (
    UNCERTAINTY,
    draw_for,
    fingerprint,
    prior_draw_for,
    read_posterior,
    trustworthy,
)
from calibration.posterior import resolve as resolve_posterior
from calibration.spec import load_priors
from experiments.defaults import MAX_REPLICATES, REPLICATES, SEED
from experiments.store import ResultsStore, git_revision, settings_hash
from experiments.tasks import Task, replicate_seed, run_and_save
from scenarios.loader import Scenario, load
from sim.executors import backend, execute, refuse_in_a_starting_worker
from sim.inputs import InputError, output_folder, seed_number, whole_number
from sim.parameters import Params


def run_scenarios(
    scenarios: Sequence[str | Path | Scenario],
    *,
    replicates: int = REPLICATES,
    seed: int = SEED,
    survivors: int | None = None,
    months: int | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    output: str | Path | None = None,
    experiment: str = "compare",
    base: Params | None = None,
    posterior: str | Path | None = "default",
    uncertainty: str = "all",
    on_progress: Callable[[int, int], None] | None = None,
    on_notice: Callable[[str], None] | None = None,
) -> tuple[list[Scenario], ResultsStore, int, int]:
    """Run (or reuse) every scenario x replicate and store the results.

    Replicate ``k`` draws the uncertain parameters for its seed, the same in every scenario,
    as ``uncertainty`` says (see :class:`_Plan`; the posterior is the shipped ``default``
    unless ``None``/``"none"``). The manifest lists what was drawn and from what.

    Stored runs are verified before reuse (:meth:`ResultsStore.verify`); a damaged or
    mismatched one is run again, with a one-line notice through ``on_notice`` (a Python
    warning when None). One process at a time writes to a results folder: another waits.

    Returns:
        The loaded scenarios, the store, and how many runs were run and reused.
    """
    refuse_in_a_starting_worker()
    loaded = load_scenarios(scenarios)
    names = [s.name for s in loaded]
    replicates, seed, workers = _counts(replicates, seed, workers, base)
    plan = _Plan(
        loaded, _sized(base, survivors, months), resolve_posterior(posterior), seed, uncertainty
    )
    if output is None:
        output = Path("results") / f"{experiment}-{'_vs_'.join(names)}-{plan.digest()}"
    store = ResultsStore(output_folder(output, "output"))
    notice = on_notice or _warn
    plan.warn(notice)
    with store.lock(on_wait=notice):
        store.check_compatible(plan.settings)
        store.clean_partial()
        manifest = _manifest(experiment, plan, store, replicates)
        store.write_manifest(manifest)
        tasks = _to_do(store, plan, replicates, notice)
        total = replicates * len(loaded)
        done = reused = total - len(tasks)
        if on_progress:
            on_progress(done, total)
        for _ in _run_into(store, tasks, workers, scheduler):
            done += 1
            if on_progress:
                on_progress(done, total)
        manifest["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
        store.write_manifest(manifest)
    return loaded, store, len(tasks), reused


def _counts(
    replicates: int, seed: int, workers: int | None, base: Params | None
) -> tuple[int, int, int | None]:
    """The call's counts, checked (bad ones are bad input naming the argument)."""
    if base is not None and not isinstance(base, Params):
        raise InputError(f"base must be a sim.Params (got {type(base).__name__}).")
    workers = whole_number(workers, "workers", 1) if workers is not None else None
    return whole_number(replicates, "replicates", 1, MAX_REPLICATES), seed_number(seed), workers


def load_scenarios(scenarios: Sequence[str | Path | Scenario]) -> list[Scenario]:
    """The scenarios of a call, loaded; a single name (not a list) or a repeat is bad input."""
    if isinstance(scenarios, str | Path | Scenario) or not isinstance(scenarios, Sequence):
        raise InputError(
            "scenarios must be a list of scenario names or paths, e.g. ['baseline', "
            f"'residency'] (got {scenarios!r})."
        )
    loaded = [s if isinstance(s, Scenario) else load(s) for s in scenarios]
    names = [s.name for s in loaded]
    if len(set(names)) != len(names):
        raise InputError(f"scenario names must be distinct (got {', '.join(names)}).")
    return loaded


def _to_do(
    store: ResultsStore, plan: _Plan, replicates: int, notice: Callable[[str], None]
) -> list[Task]:
    """The runs to make: those not stored, or stored but damaged or made otherwise.

    A stored run that cannot be reused is removed, with a notice saying why.
    """
    tasks = []
    for k in range(replicates):
        for scenario in plan.scenarios:
            task = plan.task(scenario, k)
            problem = store.verify(task.scenario, k, task.settings)
            if problem is None:
                continue
            if problem != "missing":
                notice(f"run {k} of {task.scenario} is not reusable ({problem}); redoing it.")
                store.remove(task.scenario, k)
            tasks.append(task)
    return tasks


def _warn(message: str) -> None:
    """The default notice: a Python warning (the command line prints notices itself)."""
    warnings.warn(message, stacklevel=3)


def _run_into(
    store: ResultsStore, tasks: list[Task], workers: int | None, scheduler: str | None
) -> Iterator[Task]:
    """Run the tasks and store each run, yielding each task once its run is stored.

    Whoever runs a task writes it into the store when it can see the store's folder, so
    storing is as parallel as running: local workers and this process always, Dask workers
    when they share this file system (they find a token this call writes into the folder).
    Otherwise a worker sends the tables back and they are stored here.
    """
    kind = backend(workers, scheduler)[0]
    token = store.shared_token() if kind == "dask" else None
    jobs = [(task, str(store.root.resolve()), token) for task in tasks]
    try:
        for (task, _, _), tables in execute(run_and_save, jobs, workers, scheduler):
            if tables is not None:
                store.save(task.scenario, task.replicate, tables, task.settings)
            yield task
    finally:
        if token is not None:
            store.drop_token(token)


def _sized(base: Params | None, survivors: int | None, months: int | None) -> Params:
    size: dict[str, Any] = {}
    if survivors is not None:
        size["cohort.n_survivors"] = whole_number(survivors, "survivors", 1)
    if months is not None:
        size["run.horizon_months"] = whole_number(months, "months", 1)
    return (base or Params()).with_overrides(size)


class _Plan:
    """What each run of an experiment uses: scenario parameters, drawn parameters, seeds.

    With ``uncertainty="all"`` replicate ``k`` draws the fitted parameters jointly from the
    posterior (when there is one) and every other uncertain parameter from its prior; with
    ``"posterior"`` only the fitted ones; with ``"none"`` nothing. Draws depend on the
    replicate's seed alone, so every scenario gets the same ones, and the scenario's own
    overrides apply on top (a policy lever always wins over a draw).
    """

    def __init__(
        self,
        scenarios: list[Scenario],
        base: Params,
        posterior: Path | None,
        seed: int,
        uncertainty: str = "all",
    ) -> None:
        if uncertainty not in UNCERTAINTY:
            raise InputError(
                f"uncertainty must be one of {', '.join(UNCERTAINTY)} (got {uncertainty!r})."
            )
        if uncertainty == "none":
            posterior = None
        self.scenarios, self.base, self.posterior, self.seed = scenarios, base, posterior, seed
        self.uncertainty = uncertainty
        self.params = {s.name: s.params(base) for s in scenarios}
        self._draws_by_seed: dict[int, tuple[int, Params | None]] = {}
        self.draws = read_posterior(posterior)[0] if posterior is not None else None
        fitted = set(self.draws.columns.drop("weight")) if self.draws is not None else set()
        self.priors = (
            [p for p in load_priors() if p.parameter not in fitted] if uncertainty == "all" else []
        )
        self.settings = {
            "model": model_fingerprint(),
            "seed": seed,
            "scenarios": {n: p.to_flat() for n, p in self.params.items()},
            "uncertainty": uncertainty,
            "posterior": fingerprint(posterior),
        }

    def warn(self, notice: Callable[[str], None]) -> None:
        """A notice when the posterior's draws are too lopsided to trust."""
        if self.draws is not None and self.posterior is not None:
            ok, ess = trustworthy(self.draws)
            if not ok:
                notice(f"posterior {self.posterior.name}: {ess}.")

    def drawn(self) -> dict[str, str]:
        """Each parameter drawn per replicate, and what it is drawn from."""
        out = {}
        if self.draws is not None and self.posterior is not None:
            for name in self.draws.columns.drop("weight"):
                out[name] = f"posterior {self.posterior.name} (jointly, by weight)"
        for p in self.priors:
            out[p.parameter] = f"prior {p.distribution}({p.lower:g}, {p.upper:g})"
        return out

    def digest(self) -> str:
        """A short hash of the settings, for the default results folder name."""
        text = json.dumps(self.settings, sort_keys=True, default=str).encode()
        return hashlib.sha1(text).hexdigest()[:8]

    def task(self, scenario: Scenario, replicate: int) -> Task:
        """Replicate ``replicate`` of ``scenario``: its seed and (drawn) parameters."""
        seed = replicate_seed(self.seed, replicate)
        index, drawn = self._drawn(seed)
        params = scenario.params(drawn) if drawn is not None else self.params[scenario.name]
        made_by = {
            "model": self.settings["model"],
            "posterior": self.settings["posterior"],
            "scenario": scenario.name,
            "replicate": replicate,
            "seed": seed,
            "draw": index,
            "params": params.to_flat(),
        }
        return Task(scenario.name, replicate, seed, params, index, settings_hash(made_by))

    def _drawn(self, seed: int) -> tuple[int, Params | None]:
        """The posterior row and the base parameters with the draws of a replicate's ``seed``.

        The same for every scenario, so drawn once per replicate (None: nothing is drawn).
        """
        if seed not in self._draws_by_seed:
            index, values = draw_for(self.draws, seed) if self.draws is not None else (-1, {})
            if self.priors:
                values = {**prior_draw_for(self.priors, seed, self.base, values), **values}
            drawn = self.base.with_overrides(values) if values else None
            self._draws_by_seed[seed] = (index, drawn)
        return self._draws_by_seed[seed]


@functools.cache
def model_fingerprint() -> str:
    """A hash of the model's code (every file of ``sim/``).

    Part of every experiment's settings: runs made by other model code are never reused or
    mixed with new ones, and the default results folder changes with the code.
    """
    root = Path(sim.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _manifest(experiment: str, plan: _Plan, store: ResultsStore, replicates: int) -> dict:
    """The manifest: settings, seeds, scenario files, versions, revision and times."""
    started = datetime.now(UTC).isoformat(timespec="seconds")
    old = store.read_manifest() or {}
    return {
        "experiment": experiment,
        "settings": plan.settings,
        "replicates": max(replicates, old.get("replicates", 0)),
        "replicate_seeds": {str(k): replicate_seed(plan.seed, k) for k in range(replicates)},
        "scenario_files": {
            s.name: {
                "title": s.title,
                "description": s.description,
                "source": s.source,
                "overrides": s.overrides,
                "sources": s.sources,
            }
            for s in plan.scenarios
        },
        "versions": {
            "retrafficking-sim": sim.__version__,
            "python": platform.python_version(),
            "numpy": np.__version__,
            "pandas": pd.__version__,
            "mesa": _version("mesa"),
        },
        "posterior": str(plan.posterior) if plan.posterior else "none",
        "uncertainty": plan.uncertainty,
        "drawn_per_replicate": plan.drawn(),
        "posterior_effective_sample_size": (
            trustworthy(plan.draws)[1] if plan.draws is not None else "no posterior"
        ),
        "git_revision": git_revision(),
        "started": old.get("started", started),
        "last_started": started,
        "finished": None,
    }


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"
