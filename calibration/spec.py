"""Calibration targets and priors: typed, validated, loaded from TOML.

``calibration/targets.toml`` holds T1-T10 of EVIDENCE.md with their values, sample sizes,
standard errors and sources; ``calibration/priors.toml`` the prior of every parameter
calibration varies, with its reason. Bad files stop with one sentence naming the file, entry
and field.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.inputs import InputError, read_text
from sim.parameters import GROUPS, ParameterError
from sim.parameters.fields import bounds
from sim.statistics import BY_KEY, STATISTICS

HERE = Path(__file__).resolve().parent
TARGETS = HERE / "targets.toml"
PRIORS = HERE / "priors.toml"
#: The parameter group of unit costs, which price a run and change nothing in it.
COSTS = "costs"


class SpecError(ParameterError):
    """A targets or priors file that cannot be used."""


@dataclass(frozen=True)
class Target:
    """One observed statistic the sources report."""

    id: str
    statistic: str
    value: float
    n: int
    se: float
    se_note: str
    fit: bool
    source: str
    definition: str

    @property
    def key(self) -> str:
        """``"T1 mean months first to second assistance"``: the summary-statistic name."""
        return f"{self.id} {self.statistic}"


@dataclass(frozen=True)
class Prior:
    """The prior of one calibrated parameter."""

    parameter: str
    distribution: str
    lower: float
    upper: float
    reason: str
    #: Fitted by ABC (True) or only varied in sensitivity analysis (False): the targets cannot
    #: inform every parameter, and ABC-SMC degrades with many weakly identified dimensions.
    calibrate: bool = True
    #: The parameter is a whole number: values are rounded to the nearest one.
    integer: bool = False

    @property
    def changes_runs(self) -> bool:
        """Whether the parameter changes what a run simulates (a unit cost only prices it)."""
        return not self.parameter.startswith(f"{COSTS}.")

    def ppf(self, q: float) -> float | int:
        """The value at quantile ``q`` in (0, 1) (rounded for a whole-number parameter)."""
        if self.distribution == "uniform":
            value = self.lower + q * (self.upper - self.lower)
        else:
            value = math.exp(
                math.log(self.lower) + q * (math.log(self.upper) - math.log(self.lower))
            )
        return round(value) if self.integer else value


_TARGET_FIELDS = {
    "id": str,
    "statistic": str,
    "value": float,
    "n": int,
    "se": float,
    "se_note": str,
    "fit": bool,
    "source": str,
    "definition": str,
}
_PRIOR_FIELDS = {
    "parameter": str,
    "distribution": str,
    "lower": float,
    "upper": float,
    "reason": str,
    "calibrate": bool,
}
_OPTIONAL = {"calibrate": True}


def _entries(path: Path, table: str) -> list[dict[str, Any]]:
    try:
        text = read_text(path, f"{table}s file")
    except InputError as err:
        raise SpecError(str(err)) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise SpecError(f"{path.name}: not valid TOML ({err}).") from None
    unknown = sorted(set(data) - {table})
    if unknown:
        raise SpecError(f"{path.name}: unknown table {unknown[0]!r}; expected [[{table}]] entries.")
    entries = data.get(table, [])
    if not entries:
        raise SpecError(f"{path.name}: no [[{table}]] entries.")
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise SpecError(f"{path.name}: {table} must be a list of [[{table}]] tables.")
    return entries


def _typed(
    path: Path, number: int, entry: dict[str, Any], fields: dict[str, type]
) -> dict[str, Any]:
    where = f"{path.name}, entry {number}"
    for key in entry:
        if key not in fields:
            raise SpecError(f"{where}: unknown field {key!r}; allowed: {', '.join(fields)}.")
    out = {}
    for key, kind in fields.items():
        if key not in entry and key in _OPTIONAL:
            out[key] = _OPTIONAL[key]
            continue
        if key not in entry:
            raise SpecError(f"{where}: field {key!r} is missing.")
        value = entry[key]
        ok = isinstance(value, kind) and not (kind is not bool and isinstance(value, bool))
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value, ok = float(value), True
        if not ok:
            raise SpecError(f"{where}: {key} must be a {kind.__name__} (got {value!r}).")
        out[key] = value
    return out


def load_targets(path: Path = TARGETS) -> list[Target]:
    """Read and validate the targets file."""
    targets = []
    for number, entry in enumerate(_entries(path, "target"), start=1):
        values = _typed(path, number, entry, _TARGET_FIELDS)
        where = f"{path.name}, entry {number} ({values['id']})"
        if not values["id"].startswith("T"):
            raise SpecError(f"{where}: id must be T1 to T10 (got {values['id']!r}).")
        if values["n"] < 1:
            raise SpecError(f"{where}: n must be a whole number of at least 1 (got {values['n']}).")
        if not values["se"] > 0:
            raise SpecError(f"{where}: se must be a number above 0 (got {values['se']}).")
        if not values["source"].startswith(("IOM-2010", "IASC-2021")):
            raise SpecError(
                f"{where}: source must cite IOM-2010 or IASC-2021 (got {values['source']!r})."
            )
        targets.append(Target(**values))
    keys = [t.key for t in targets]
    for number, target in enumerate(targets, start=1):
        if target.key not in BY_KEY:
            known = [s.name for s in STATISTICS if s.target == target.id] or list(BY_KEY)
            raise SpecError(
                f"{path.name}, entry {number} ({target.id}): statistic {target.statistic!r} is "
                f"not an observed statistic of {target.id}; known: "
                + "; ".join(repr(k) for k in known)
                + " (sim.statistics.STATISTICS)."
            )
    if len(set(keys)) != len(keys):
        raise SpecError(f"{path.name}: a statistic is listed twice.")
    return targets


def load_priors(
    path: Path = PRIORS, calibrated_only: bool = False, runs_only: bool = False
) -> list[Prior]:
    """Read and validate the priors file.

    Args:
        path: The priors file.
        calibrated_only: Only the ABC-fitted priors.
        runs_only: Only the priors of parameters that change a run (not the unit costs,
            which the screening and the sensitivity analysis of outcomes leave out).
    """
    priors = []
    for number, entry in enumerate(_entries(path, "prior"), start=1):
        values = _typed(path, number, entry, _PRIOR_FIELDS)
        name = values["parameter"]
        where = f"{path.name}, entry {number} ({name})"
        group, _, field = name.partition(".")
        if group not in GROUPS or field not in GROUPS[group].model_fields:
            raise SpecError(f"{where}: {name} is not a parameter (see 'retraffic params').")
        info = GROUPS[group].model_fields[field]
        if info.annotation not in (float, int):
            raise SpecError(f"{where}: only numeric parameters can have a prior.")
        if values["distribution"] not in ("uniform", "loguniform"):
            raise SpecError(
                f"{where}: distribution must be 'uniform' or 'loguniform' "
                f"(got {values['distribution']!r})."
            )
        lo, hi = bounds(info)
        if not values["lower"] < values["upper"]:
            raise SpecError(f"{where}: lower must be below upper.")
        if (lo is not None and values["lower"] < lo) or (hi is not None and values["upper"] > hi):
            raise SpecError(
                f"{where}: lower and upper must lie within {name}'s valid range {lo:g} to {hi:g}."
            )
        whole = info.annotation is int
        if whole and not (
            float(values["lower"]).is_integer() and float(values["upper"]).is_integer()
        ):
            raise SpecError(f"{where}: lower and upper must be whole numbers, as {name} is.")
        if values["distribution"] == "loguniform" and values["lower"] <= 0:
            raise SpecError(f"{where}: a loguniform prior needs lower above 0.")
        if not values["reason"].strip():
            raise SpecError(f"{where}: reason must say why the range is what it is.")
        prior = Prior(**values, integer=whole)
        if prior.calibrate and not prior.changes_runs:
            raise SpecError(
                f"{where}: a unit cost changes no run, so it cannot be fitted: "
                "add calibrate = false."
            )
        priors.append(prior)
    names = [p.parameter for p in priors]
    if len(set(names)) != len(names):
        raise SpecError(f"{path.name}: a parameter has two priors.")
    if runs_only:
        priors = [p for p in priors if p.changes_runs]
    return [p for p in priors if p.calibrate] if calibrated_only else priors
