"""The fit's use of pyabc: distance, proposal, sampler, progress lines, running and resuming.

Used by :func:`calibration.fit.calibrate`, which owns the model side (the simulator, the
settings, the posterior file).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from calibration.proposals import BetaProposal, ClosingProposal, beta_shapes
from calibration.spec import Prior, SpecError
from sim.executors import backend
from sim.interrupts import forks_leave_interrupts

if TYPE_CHECKING:
    from calibration.fit import FitSettings

__all__ = [
    "BetaProposal",
    "ClosingProposal",
    "GenerationLog",
    "beta_shapes",
    "distance",
    "key",
    "pyabc_prior",
    "run_abc",
]


def key(parameter: str) -> str:
    """pyabc-safe name of a dotted parameter."""
    return parameter.replace(".", "__")


def pyabc_prior(priors: list[Prior]) -> Any:
    """The pyabc Distribution: each parameter's prior quantile, uniform on (0, 1)."""
    import pyabc

    return pyabc.Distribution(**{key(p.parameter): pyabc.RV("uniform", 0.0, 1.0) for p in priors})


def distance(scale_log: Path | None = None) -> Any:
    """The fit's distance: Euclidean, each statistic scaled adaptively (Prangle 2017).

    Each generation, pyabc rescales every statistic by the median absolute deviation of its
    simulated values in that generation (``pyabc.distance.mad``), so no statistic dominates
    because of its unit or because the prior makes it vary widely, and the weights follow the
    posterior as it narrows. Fixed weights of one over each target's standard error were used
    before; they let the two statistics with the smallest standard errors (T2 and T7 of all
    assisted) decide the fit while the others, T1 among them, were left far off.
    A statistic nobody qualifies for (:data:`calibration.fit.NOBODY_QUALIFIED`) is an outlier
    the median absolute deviation is robust to. Weights are bounded at 100 times the smallest, which
    Prangle's convergence argument needs and which keeps a statistic that barely varies in one
    generation from taking over. Each generation's weights go to ``scale_log`` (JSON).
    """
    import pyabc

    return pyabc.AdaptivePNormDistance(
        p=2,
        scale_function=pyabc.distance.mad,
        max_scale_weight_ratio=100,
        scale_log_file=None if scale_log is None else str(scale_log),
    )


class GenerationLog(logging.Handler):
    """Turns pyabc's per-generation log lines into one progress line per generation.

    ``generation 2 of at most 30: epsilon 39.9, acceptance rate 39% (500 of 1282), effective
    sample size 431.0 of 500, 2,282 of at most about 10,000 simulations, 1370 s so far, about
    4640 s left``. Time left is the sooner of the generation limit and the simulation budget at
    the pace so far (the generation that crosses the budget is finished, so "about").
    Lines of another form (a pyabc version that words them differently, the stopping reason)
    pass through as they are.
    """

    _EPSILON = re.compile(r"^t: (\d+), eps: ([-+\d.e]+)")
    _ACCEPTED = re.compile(r"^Accepted: (\d+) / (\d+) = ([-+\d.e]+), ESS: ([-+\d.e]+)")

    def __init__(
        self,
        sink: Callable[[str], None] | None,
        generations: int = 0,
        population: int = 0,
        max_simulations: float = float("inf"),
    ) -> None:
        super().__init__(level=logging.INFO)
        self.sink = sink
        self.generations, self.population = generations, population
        self.max_simulations = max_simulations
        self.simulations = 0
        self.start = time.perf_counter()
        self.epsilon: dict[int, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        """Turn one pyabc log record into a progress line, if it is one."""
        if self.sink is None:
            return
        message = record.getMessage()
        epsilon, accepted = self._EPSILON.match(message), self._ACCEPTED.match(message)
        if epsilon:
            self.epsilon[int(epsilon[1])] = float(epsilon[2].rstrip("."))
        elif accepted and self.epsilon:
            self.simulations += int(accepted[2])
            self.sink(self.line(max(self.epsilon), accepted))
        elif message.startswith(("Stop", "Calibration")) or (accepted and not self.epsilon):
            if message.startswith("Calibration"):
                # the prior sample the adaptive distance starts from: one population of
                # simulations, which pyabc counts towards the budget (and the file records)
                self.simulations += self.population
            self.sink(f"[{time.perf_counter() - self.start:7.1f} s] {message}")

    def line(self, t: int, accepted: re.Match[str]) -> str:
        """The progress line of generation ``t`` (0-based) once its particles are accepted."""
        elapsed = time.perf_counter() - self.start
        done, total = t + 1, self.generations
        left = elapsed / done * (total - done) if total else float("nan")
        budget = ""
        if np.isfinite(self.max_simulations):
            pace = elapsed / max(self.simulations, 1)
            left = min(left, max(self.max_simulations - self.simulations, 0) * pace)
            budget = (
                f"{self.simulations:,} of at most about {self.max_simulations:,.0f} simulations, "
            )
        rate = float(accepted[3])
        return (
            f"generation {done} of at most {total}: epsilon {self.epsilon[t]:.3g}, acceptance "
            f"rate {rate:.0%} ({accepted[1]} of {accepted[2]}), effective sample size "
            f"{float(accepted[4].rstrip('.')):.1f} of {self.population}, {budget}"
            f"{elapsed:.0f} s so far, about {left:.0f} s left"
        )


def _sampler(workers: int | None, scheduler: str | None) -> tuple[Any, Any]:
    """Pyabc's sampler for the chosen backend (:func:`sim.executors.backend`), and any client."""
    from pyabc.sampler import (
        DaskDistributedSampler,
        MulticoreEvalParallelSampler,
        SingleCoreSampler,
    )

    kind, n = backend(workers, scheduler)
    if kind == "dask":
        from sim.cluster import connect

        client = connect(scheduler)
        return DaskDistributedSampler(dask_client=client), client
    if kind == "serial":
        return SingleCoreSampler(), None
    return MulticoreEvalParallelSampler(n_procs=n), None


def run_abc(
    simulator: Any,
    fit: FitSettings,
    where: tuple[int | None, str | None],
    seed: int,
    history_path: Path,
    observed: dict[str, float] | None,
    on_generation: Callable[[str], None] | None,
    resume: bool = False,
    closing: bool = False,
) -> tuple[Any, float, str]:
    """Run (or continue) ABC-SMC on ``where`` (workers, scheduler), or close it.

    With ``closing``, only the closing generation (:func:`close`) is added to the fit in
    ``history_path``.

    Returns:
        pyabc's history, the seconds this call took, and the sampler's name.
    """
    sampler, client = _sampler(*where)
    try:
        with forks_leave_interrupts():  # the multicore sampler forks workers each generation
            if closing:
                history, seconds = close(simulator, fit, sampler, seed, history_path, on_generation)
            else:
                history, seconds = _abc(
                    simulator, fit, sampler, seed, history_path, observed, on_generation, resume
                )
    finally:
        if client is not None:
            client.close()
    return history, seconds, type(sampler).__name__


def _abc(
    simulator: Any,
    fit: FitSettings,
    sampler: Any,
    seed: int,
    history_path: Path,
    observed: dict[str, float] | None,
    on_generation: Callable[[str], None] | None,
    resume: bool,
) -> tuple[Any, float]:
    """The ABC-SMC run itself, with progress lines through ``on_generation``."""
    import pyabc

    abc = pyabc.ABCSMC(
        simulator,
        pyabc_prior(simulator.priors),
        distance(history_path.with_name("scale_weights.json")),
        transitions=BetaProposal(),
        population_size=fit.population,
        sampler=sampler,
    )
    data = observed or {t.key: t.value for t in simulator.targets}
    np.random.seed(seed)  # noqa: NPY002 - pyabc samples from the legacy global RNG
    database = f"sqlite:///{history_path.resolve()}"
    done = 0
    if resume:
        abc.load(database, abc_id=_last_run(history_path))
        done = int(abc.history.max_t + 1)
        if done >= fit.generations:
            raise SpecError(
                f"--resume: {history_path} already has {done} generations, the most these "
                "settings allow; give more --generations to continue."
            )
    else:
        abc.new(database, data)
    handler = GenerationLog(
        on_generation, fit.generations, fit.population, fit.max_simulations or np.inf
    )
    handler.simulations = int(abc.history.total_nr_simulations) if resume else 0
    return _logged(
        abc,
        handler,
        minimum_epsilon=fit.min_epsilon,
        max_nr_populations=fit.generations - done,
        max_total_nr_simulations=fit.max_simulations or np.inf,
        min_acceptance_rate=fit.min_acceptance_rate,
        max_walltime=timedelta(minutes=fit.max_minutes) if fit.max_minutes else None,
    )


def _logged(abc: Any, handler: GenerationLog, **run: Any) -> tuple[Any, float]:
    """``abc.run(**run)`` with pyabc's log lines turned into progress lines by ``handler``."""
    logger = logging.getLogger("ABC")
    own_handlers = logger.handlers[:]  # pyabc's own stderr handler: replaced while we run
    for h in own_handlers:
        logger.removeHandler(h)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    start = time.perf_counter()
    try:
        history = abc.run(**run)
    finally:
        logger.removeHandler(handler)
        for h in own_handlers:
            logger.addHandler(h)
    return history, time.perf_counter() - start


#: The lowest acceptance rate a closing generation may reach before it is abandoned (then
#: after ``population / CLOSING_MIN_ACCEPTANCE`` simulations, and the fit stays as it was).
CLOSING_MIN_ACCEPTANCE = 0.02


def close(
    simulator: Any,
    fit: FitSettings,
    sampler: Any,
    seed: int,
    history_path: Path,
    on_generation: Callable[[str], None] | None,
) -> tuple[Any, float]:
    """Add the closing generation to the fit in ``history_path``: spread its weights evenly.

    Each narrowing generation of ABC-SMC lowers the tolerance and proposes from the one
    before; with independent proposals over many parameters the importance weights grow
    uneven, and the effective sample size falls. The closing generation targets the same
    ABC posterior as the fit's last generation (its tolerance, and the distance with that
    generation's scale weights, fixed) and proposes from :class:`ClosingProposal`, half
    prior: a valid ABC-SMC generation (the weights are prior over proposal density) whose
    weights are even, at the price of a lower acceptance rate. It becomes the posterior.
    """
    import json

    import pyabc

    run = _last_run(history_path)
    last = pyabc.History(f"sqlite:///{history_path.resolve()}", _id=run)
    t = int(last.max_t)
    epsilon = float(last.get_all_populations()["epsilon"].iloc[-1])
    scales = history_path.with_name("scale_weights.json")
    try:
        weights = json.loads(scales.read_text(encoding="utf-8"))[str(t)]
    except (OSError, KeyError, ValueError):
        raise SpecError(
            f"--close: {scales} has no distance weights of generation {t + 1}, which the "
            "closing generation reuses; it is written beside history.db by the fit."
        ) from None
    abc = pyabc.ABCSMC(
        simulator,
        pyabc_prior(simulator.priors),
        pyabc.PNormDistance(p=2, fixed_weights=weights),
        transitions=ClosingProposal(),
        eps=pyabc.ConstantEpsilon(epsilon),
        population_size=fit.population,
        sampler=sampler,
    )
    np.random.seed(seed + t + 1)  # noqa: NPY002 - pyabc samples from the legacy global RNG
    abc.load(f"sqlite:///{history_path.resolve()}", abc_id=run)
    handler = GenerationLog(on_generation, t + 2, fit.population)
    handler.simulations = int(last.total_nr_simulations)
    history, seconds = _logged(
        abc, handler, max_nr_populations=1, min_acceptance_rate=CLOSING_MIN_ACCEPTANCE
    )
    if history.max_t > t:  # the weights it used, for a later closing of this one
        log = json.loads(scales.read_text(encoding="utf-8"))
        log[str(history.max_t)] = weights
        scales.write_text(json.dumps(log), encoding="utf-8")
    return history, seconds


def _last_run(history_path: Path) -> int:
    """The id of the newest ABC-SMC run in a pyabc history database."""
    import sqlite3

    with sqlite3.connect(f"file:{history_path}?mode=ro", uri=True) as db:
        (run,) = db.execute("SELECT MAX(id) FROM abc_smc").fetchone()
    if run is None:
        raise SpecError(f"--resume: {history_path} holds no fit to continue.")
    return int(run)
