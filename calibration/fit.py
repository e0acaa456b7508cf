"""Fit the uncertain parameters to the targets with ABC-SMC (pyabc).

The simulator runs the model on an IOM-like cohort (survivors arriving over ten years), turns
its event log into what a case database records (:mod:`sim.observation`), and returns the
fitted statistics. The distance scales each statistic adaptively and each generation proposes
from one beta distribution per parameter fitted to the last one's particles
(:mod:`calibration.proposals`); a full fit that ends with uneven weights adds a closing
generation at its last tolerance (:func:`calibration.abc.close`). pyabc keeps its history in
SQLite under ``results/calibration/<name>/history.db``; a stopped fit continues from it
(``resume``).

Reproducibility: with one worker (``SingleCoreSampler``) a seed fixes the whole fit. pyabc's
multicore sampler reseeds its worker processes from the operating system, so parallel fits
are not bit-reproducible; runs that use a posterior are, because they read the saved file.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import sim
from calibration.abc import key, run_abc
from calibration.posterior import (
    POSTERIOR_DIR,
    effective_sample_size,
    trustworthy,
    write_posterior,
)
from calibration.spec import Prior, SpecError, Target, load_priors, load_targets
from sim.observation import observed_statistics
from sim.parameters import ParameterError
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
    #: The fit stops after the generation that brings the simulations to this many (None: no
    #: budget).
    max_simulations: int | None = None
    #: The fit stops when a generation accepts fewer than this share of its simulations: the
    #: generation that would fall below it is abandoned once it has simulated
    #: ``population / min_acceptance_rate`` particles, and the one before it is the posterior.
    min_acceptance_rate: float = 0.0
    #: The fit stops after the first generation that ends past this many minutes (0: no limit).
    max_minutes: float = 0.0
    #: When the narrowing generations end with an effective sample size below
    #: :data:`calibration.posterior.MIN_ESS_SHARE` of the population, add the closing
    #: generation (:func:`calibration.abc.close`), which becomes the posterior.
    close: bool = False


SETTINGS = {
    # minutes on 2 cores: a small cohort and a few small generations (tests, demos)
    "quick": FitSettings(survivors=2000, months=120, population=40, generations=3),
    # the shipped posterior: the IOM-sized cohort, 500 particles, until the acceptance rate
    # stalls below 10% or 10,000 simulations are done (issue 12's floor for a fit worth
    # shipping); a generation at a 10% acceptance rate is 5,000 simulations.
    "full": FitSettings(
        survivors=14000,
        months=120,
        population=500,
        generations=30,
        max_simulations=10_000,
        min_acceptance_rate=0.1,
        close=True,
    ),
}


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
        try:
            params = sim.Params().with_overrides({**self.base, **overrides})
        except ParameterError:
            # A particle that breaks a constraint between parameters (two shares summing above
            # 1) is rejected: the prior is the product of the marginal priors truncated to valid
            # parameter sets, as a comparison's prior draws are (prior_draw_for).
            return {t.key: NOBODY_QUALIFIED for t in self.targets}
        stats = observed_statistics(sim.run(params, seed=seed))
        values = by_key(stats)
        return {
            t.key: float(values[t.key]) if np.isfinite(values[t.key]) else NOBODY_QUALIFIED
            for t in self.targets
        }


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
    priors: list[Prior] | None = None,
    targets: list[Target] | None = None,
    results_dir: Path = Path("results/calibration"),
    install: bool = False,
    on_generation: Callable[[str], None] | None = None,
    resume: bool = False,
    close: bool = False,
) -> FitResult:
    """Run ABC-SMC and write the posterior.

    Args:
        name: Name of the fit; files go to ``<results_dir>/<name>/``.
        mode: ``"quick"`` or ``"full"`` (:data:`SETTINGS`).
        settings: Explicit fit size instead.
        seed: Seed of pyabc's sampling and of every simulation seed it draws.
        workers: Local processes (1 = single-core, reproducible); default all cores.
        scheduler: Dask scheduler address for pyabc's ``DaskDistributedSampler``.
        observed: Statistics to fit instead of the targets' values (recovery, coverage).
        priors: The parameters to fit (default: ``calibrate = true``); others stay at defaults.
        targets: The targets to fit (default: ``fit = true`` in the targets file).
        results_dir: Where fits are written.
        install: Also copy the posterior to ``calibration/posterior/<name>.parquet``, unless
            its effective sample size is below half the population (``installed`` False).
        on_generation: Receives one progress line per generation.
        resume: Continue the fit in ``<results_dir>/<name>/history.db`` (:class:`SpecError`
            without one); ``generations`` and the budget count what it already did.
        close: Add only the closing generation (:func:`calibration.abc.close`) to that fit.
    """
    fit = settings or SETTINGS[mode]
    targets = targets or [t for t in load_targets() if t.fit]
    priors = priors or load_priors(calibrated_only=True)
    history_path = _history(results_dir / name, resume or close)
    simulator = Simulator(targets, base_overrides(fit), priors)
    run = (simulator, fit, (workers, scheduler), seed, history_path, observed, on_generation)
    history, seconds, sampler = run_abc(*run, resume, closing=close)
    posterior = _posterior(history, simulator)
    closed = close or (fit.close and not trustworthy(posterior)[0])
    if closed and not close:  # the narrowing generations ended with uneven weights
        history, more, sampler = run_abc(*run, closing=True)
        posterior, seconds = _posterior(history, simulator), seconds + more
    meta = _meta(name, mode if settings is None else "custom", seed, fit, history, seconds)
    meta.update(fitted=[p.parameter for p in priors], targets=[t.key for t in targets])
    meta.update(sampler=sampler, effective_sample_size=_ess(posterior), resumed=resume)
    meta.update(closed=closed, distance=_DISTANCE + (_CLOSED if closed else ""))
    path = history_path.with_name("posterior.parquet")
    write_posterior(posterior, path, meta)
    return FitResult(
        name, posterior, path, history_path, meta["simulations"], meta["final_epsilon"],
        meta["generations"], seconds, meta["effective_sample_size"],
        installed=install and _install(posterior, path, name),
    )  # fmt: skip


#: How the posterior file describes the fit's distance (and its closing generation).
_DISTANCE = "Euclidean, adaptive median-absolute-deviation scales (pyabc)"
_CLOSED = "; closing generation at the last tolerance and weights, fixed"


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
        "max_generations": fit.generations,
        "max_simulations": fit.max_simulations,
        "min_acceptance_rate": fit.min_acceptance_rate,
        "distance": _DISTANCE,
        "date": datetime.now(UTC).isoformat(),
        "sim_version": sim.__version__,
    }


def _history(folder: Path, resume: bool) -> Path:
    """The fit's SQLite history: the one to continue, or a fresh one (the old one kept)."""
    folder.mkdir(parents=True, exist_ok=True)
    if not resume:
        return _fresh_history(folder)
    history_path = folder / "history.db"
    if not history_path.is_file():
        raise SpecError(
            f"--resume: no fit to continue in {history_path} (run it without --resume first)."
        )
    return history_path


def _fresh_history(folder: Path) -> Path:
    """The fit's SQLite history path; an earlier history there is kept under a timestamp."""
    history_path = folder / "history.db"
    if history_path.exists():
        stamp = datetime.fromtimestamp(history_path.stat().st_mtime, UTC).strftime("%Y%m%dT%H%M%S")
        shutil.move(history_path, folder / f"history-{stamp}.db")
    return history_path


def _posterior(history: Any, simulator: Simulator) -> pd.DataFrame:
    """The final generation's particles as parameter values with normalised weights."""
    frame, w = history.get_distribution(m=0, t=history.max_t)
    posterior = pd.DataFrame([simulator.values(row) for row in frame.to_dict("records")])
    posterior = posterior[[p.parameter for p in simulator.priors]]
    posterior["weight"] = w / w.sum()
    return posterior
