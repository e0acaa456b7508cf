"""Fit the uncertain parameters to the targets with ABC-SMC (pyabc).

The simulator runs the model on an IOM-like cohort (survivors arriving over ten years), turns
its event log into what a case database records (:mod:`sim.observation`), and returns the
fitted statistics. The distance is the Euclidean distance of the statistics standardised by
each target's standard error. pyabc keeps its history in SQLite under
``results/calibration/<name>/history.db``.

Reproducibility: with one worker (``SingleCoreSampler``) a seed fixes the whole fit. pyabc's
multicore sampler reseeds its worker processes from the operating system, so parallel fits
are not bit-reproducible; runs that use a posterior are, because they read the saved file.
"""

from __future__ import annotations

import logging
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import sim
from calibration.posterior import (
    POSTERIOR_DIR,
    effective_sample_size,
    trustworthy,
    write_posterior,
)
from calibration.spec import Prior, Target, load_priors, load_targets
from sim.executors import backend
from sim.observation import observed_statistics
from sim.statistics import BY_KEY, by_key

#: Value given to a fitted statistic a run cannot compute because nobody qualifies (no
#: twice-assisted person at all in a small cohort), so that the particle is rejected. A
#: statistic the model does not declare is an error instead (see :meth:`Simulator.statistics`).
NOBODY_QUALIFIED = 1e6


@dataclass(frozen=True)
class FitSettings:
    """How big and how long a fit is."""

    survivors: int
    months: int
    population: int
    generations: int
    min_epsilon: float = 0.0
    max_simulations: int = 1_000_000


SETTINGS = {
    # minutes on 2 cores: a small cohort and a few small generations (tests, demos)
    "quick": FitSettings(survivors=2000, months=120, population=40, generations=3),
    # the shipped posterior: the IOM-sized cohort
    "full": FitSettings(survivors=14000, months=120, population=150, generations=4),
}


def key(parameter: str) -> str:
    """pyabc-safe name of a dotted parameter."""
    return parameter.replace(".", "__")


@dataclass
class Simulator:
    """The model as pyabc sees it: parameters in, observed statistics out. Picklable.

    pyabc samples every parameter on the unit interval (its prior quantile); the simulator maps
    quantiles to values with each prior's ``ppf``. Working on one common scale keeps pyabc's
    Gaussian transition kernel well conditioned when priors span orders of magnitude.
    """

    targets: list[Target]
    base: dict[str, Any] = field(default_factory=dict)
    priors: list[Prior] = field(default_factory=list)

    def values(self, quantiles: dict[str, float]) -> dict[str, float]:
        """Parameter values (dotted names) of pyabc's unit-interval particle."""
        return {p.parameter: p.ppf(float(quantiles[key(p.parameter)])) for p in self.priors}

    def __call__(self, pars: dict[str, float]) -> dict[str, float]:
        """Simulate one cohort for a unit-interval particle; its seed comes from pyabc's RNG."""
        # pyabc seeds and reseeds the legacy global RNG in its samplers, so the simulation seed
        # is drawn from it; the model itself then owns its randomness through that seed.
        seed = int(np.random.randint(0, 2**31 - 1))  # noqa: NPY002
        return self.statistics(self.values(pars), seed)

    def statistics(self, overrides: dict[str, float], seed: int) -> dict[str, float]:
        """The fitted statistics of one run.

        A statistic nobody qualifies for in this run is :data:`NOBODY_QUALIFIED`.

        Raises:
            KeyError: A target names a statistic the model does not declare (a bug: targets
                are checked when the file loads, :func:`calibration.spec.load_targets`).
        """
        unknown = [t.key for t in self.targets if t.key not in BY_KEY]
        if unknown:
            raise KeyError(f"bug: targets name undeclared statistics: {', '.join(unknown)}.")
        params = sim.Params().with_overrides({**self.base, **overrides})
        stats = observed_statistics(sim.run(params, seed=seed))
        values = by_key(stats)
        return {
            t.key: float(values[t.key]) if np.isfinite(values[t.key]) else NOBODY_QUALIFIED
            for t in self.targets
        }


def pyabc_prior(priors: list[Prior]) -> Any:
    """The pyabc Distribution: each parameter's prior quantile, uniform on (0, 1)."""
    import pyabc

    return pyabc.Distribution(**{key(p.parameter): pyabc.RV("uniform", 0.0, 1.0) for p in priors})


def base_overrides(settings: FitSettings) -> dict[str, Any]:
    """The cohort the fit simulates: IOM-like inflow over the window."""
    return {
        "cohort.n_survivors": settings.survivors,
        "run.horizon_months": settings.months,
        "cohort.entry": "inflow",
        "cohort.inflow_months": settings.months,
    }


@dataclass
class FitResult:
    """What a fit produced."""

    name: str
    posterior: pd.DataFrame
    posterior_path: Path
    history_path: Path
    simulations: int
    final_epsilon: float
    generations: int
    seconds: float
    #: Kish's effective sample size of the final generation's weights.
    effective_sample_size: float = float("nan")
    #: Whether ``--install`` copied it into ``calibration/posterior/`` (never below
    #: :data:`calibration.posterior.MIN_ESS_SHARE` of the population).
    installed: bool = False


def calibrate(
    name: str = "default",
    *,
    mode: str = "quick",
    settings: FitSettings | None = None,
    seed: int = 1,
    workers: int | None = None,
    scheduler: str | None = None,
    observed: dict[str, float] | None = None,
    results_dir: Path = Path("results/calibration"),
    install: bool = False,
    on_generation: Callable[[str], None] | None = None,
) -> FitResult:
    """Run ABC-SMC and write the posterior.

    Args:
        name: Name of the fit; files go to ``results/calibration/<name>/``.
        mode: ``"quick"`` or ``"full"`` (see :data:`SETTINGS`), unless ``settings`` is given.
        settings: Explicit fit size.
        seed: Seed of pyabc's sampling and of every simulation seed it draws.
        workers: Local processes (1 = single-core, reproducible); default all cores.
        scheduler: Dask scheduler address for pyabc's ``DaskDistributedSampler``.
        observed: Statistics to fit instead of the targets' values (recovery tests).
        results_dir: Where fits are written.
        install: Also copy the posterior to ``calibration/posterior/<name>.parquet`` so runs
            can use it by name; refused (``FitResult.installed`` False) when its effective
            sample size is below half the population.
        on_generation: Receives one line per generation (epsilon, acceptance rate, time).
    """
    fit = settings or SETTINGS[mode]
    targets = [t for t in load_targets() if t.fit]
    priors = load_priors(calibrated_only=True)
    folder = results_dir / name
    folder.mkdir(parents=True, exist_ok=True)
    history_path = _fresh_history(folder)
    simulator = Simulator(targets, base_overrides(fit), priors)
    sampler, client = _sampler(workers, scheduler)
    try:
        history, seconds = _run_abc(
            simulator, fit, sampler, seed, history_path, observed, on_generation
        )
    finally:
        if client is not None:
            client.close()
    posterior = _posterior(history, simulator)
    meta = _meta(name, mode if settings is None else "custom", seed, fit, history, seconds)
    meta.update(sampler=type(sampler).__name__, effective_sample_size=_ess(posterior))
    path = folder / "posterior.parquet"
    write_posterior(posterior, path, meta)
    installed = install and _install(posterior, path, name)
    return FitResult(
        name, posterior, path, history_path, meta["simulations"], meta["final_epsilon"],
        meta["generations"], seconds, meta["effective_sample_size"], installed=installed,
    )  # fmt: skip


def _ess(posterior: pd.DataFrame) -> float:
    return round(effective_sample_size(posterior["weight"]), 2)


def _install(posterior: pd.DataFrame, path: Path, name: str) -> bool:
    """Copy a trustworthy posterior to ``calibration/posterior/<name>.parquet``; whether it was."""
    if not trustworthy(posterior)[0]:
        return False
    POSTERIOR_DIR.mkdir(exist_ok=True)
    shutil.copy(path, POSTERIOR_DIR / f"{name}.parquet")
    return True


def _meta(
    name: str, mode: str, seed: int, fit: FitSettings, history: Any, seconds: float
) -> dict[str, Any]:
    """What the posterior file records about the fit that made it."""
    return {
        "name": name,
        "mode": mode,
        "seed": seed,
        "simulations": int(history.total_nr_simulations),
        "final_epsilon": float(history.get_all_populations()["epsilon"].iloc[-1]),
        "generations": int(history.max_t + 1),
        "seconds": round(seconds, 1),
        "survivors": fit.survivors,
        "months": fit.months,
        "population": fit.population,
        "targets": [t.key for t in load_targets() if t.fit],
        "date": datetime.now(UTC).isoformat(),
        "sim_version": sim.__version__,
    }


def _fresh_history(folder: Path) -> Path:
    """The fit's SQLite history path; an earlier history there is kept under a timestamp."""
    history_path = folder / "history.db"
    if history_path.exists():
        stamp = datetime.fromtimestamp(history_path.stat().st_mtime, UTC).strftime("%Y%m%dT%H%M%S")
        shutil.move(history_path, folder / f"history-{stamp}.db")
    return history_path


def _sampler(workers: int | None, scheduler: str | None) -> tuple[Any, Any]:
    """Pyabc's sampler for the chosen backend (:func:`sim.executors.backend`), and any client."""
    from pyabc.sampler import (
        DaskDistributedSampler,
        MulticoreEvalParallelSampler,
        SingleCoreSampler,
    )

    kind, n = backend(workers, scheduler)
    if kind == "dask":
        from sim.executors import connect

        client = connect(scheduler)
        return DaskDistributedSampler(dask_client=client), client
    if kind == "serial":
        return SingleCoreSampler(), None
    return MulticoreEvalParallelSampler(n_procs=n), None


def _run_abc(
    simulator: Simulator,
    fit: FitSettings,
    sampler: Any,
    seed: int,
    history_path: Path,
    observed: dict[str, float] | None,
    on_generation: Callable[[str], None] | None,
) -> tuple[Any, float]:
    """Run ABC-SMC; returns pyabc's history and the seconds it took."""
    import pyabc

    abc = pyabc.ABCSMC(
        simulator,
        pyabc_prior(simulator.priors),
        pyabc.PNormDistance(p=2, fixed_weights={t.key: 1.0 / t.se for t in simulator.targets}),
        population_size=fit.population,
        sampler=sampler,
    )
    data = observed or {t.key: t.value for t in simulator.targets}
    np.random.seed(seed)  # noqa: NPY002 - pyabc samples from the legacy global RNG
    abc.new(f"sqlite:///{history_path.resolve()}", data)
    handler = _GenerationLog(on_generation, fit.generations, fit.population)
    logger = logging.getLogger("ABC")
    own_handlers = logger.handlers[:]  # pyabc's own stderr handler: replaced while we run
    for h in own_handlers:
        logger.removeHandler(h)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    start = time.perf_counter()
    try:
        history = abc.run(
            minimum_epsilon=fit.min_epsilon,
            max_nr_populations=fit.generations,
            max_total_nr_simulations=fit.max_simulations,
        )
    finally:
        logger.removeHandler(handler)
        for h in own_handlers:
            logger.addHandler(h)
    return history, time.perf_counter() - start


def _posterior(history: Any, simulator: Simulator) -> pd.DataFrame:
    """The final generation's particles as parameter values with normalised weights."""
    frame, w = history.get_distribution(m=0, t=history.max_t)
    posterior = pd.DataFrame([simulator.values(row) for row in frame.to_dict("records")])
    posterior = posterior[[p.parameter for p in simulator.priors]]
    posterior["weight"] = w / w.sum()
    return posterior


class _GenerationLog(logging.Handler):
    """Turns pyabc's per-generation log lines into one progress line per generation.

    ``generation 2 of at most 4: epsilon 39.9, acceptance rate 39% (40 of 102), effective
    sample size 6.0 of 40, 68 s so far, at most about 30 s left``. Lines of another form (a
    pyabc version that words them differently, the stopping reason) pass through as they are.
    """

    _EPSILON = re.compile(r"^t: (\d+), eps: ([-+\d.e]+)")
    _ACCEPTED = re.compile(r"^Accepted: (\d+) / (\d+) = ([-+\d.e]+), ESS: ([-+\d.e]+)")

    def __init__(
        self, sink: Callable[[str], None] | None, generations: int = 0, population: int = 0
    ) -> None:
        super().__init__(level=logging.INFO)
        self.sink = sink
        self.generations, self.population = generations, population
        self.start = time.perf_counter()
        self.epsilon: dict[int, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        if self.sink is None:
            return
        message = record.getMessage()
        epsilon, accepted = self._EPSILON.match(message), self._ACCEPTED.match(message)
        if epsilon:
            self.epsilon[int(epsilon[1])] = float(epsilon[2].rstrip("."))
        elif accepted and self.epsilon:
            self.sink(self.line(max(self.epsilon), accepted))
        elif message.startswith(("Stop", "Calibration")) or (accepted and not self.epsilon):
            self.sink(f"[{time.perf_counter() - self.start:7.1f} s] {message}")

    def line(self, t: int, accepted: re.Match[str]) -> str:
        """The progress line of generation ``t`` (0-based) once its particles are accepted."""
        elapsed = time.perf_counter() - self.start
        done, total = t + 1, self.generations
        left = elapsed / done * (total - done) if total else float("nan")
        rate = float(accepted[3])
        return (
            f"generation {done} of at most {total}: epsilon {self.epsilon[t]:.3g}, acceptance "
            f"rate {rate:.0%} ({accepted[1]} of {accepted[2]}), effective sample size "
            f"{float(accepted[4].rstrip('.')):.1f} of {self.population}, {elapsed:.0f} s so "
            f"far, at most about {left:.0f} s left"
        )
