"""Every parameter of the model, typed, ranged and sourced, grouped by concern.

``Params`` bundles one group per concern. It round-trips to TOML (one table per group) and to
a flat dict of dotted names (``"policy.monitoring_months"``), which scenarios and calibration
use. Any unknown name or out-of-range value raises :class:`ParameterError` with one sentence
naming the field and the values it accepts.

Example:
    >>> from sim.parameters import Params
    >>> p = Params().with_overrides({"policy.monitoring_months": 36})
    >>> p.policy.monitoring_months
    36
    >>> Params().with_overrides({"policy.monitoring_months": -1})
    Traceback (most recent call last):
    ...
    sim.parameters.fields.ParameterError: policy.monitoring_months must be a whole number ...
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import BaseModel, ConfigDict, ValidationError

from sim.inputs import KeyLines, read_text
from sim.parameters.actors import ServiceParams, TraffickerParams
from sim.parameters.cohort import CohortParams, RunParams
from sim.parameters.costs import CostParams
from sim.parameters.fields import (
    _GROUP_NAMES,
    Group,
    ParameterError,
    allowed,
    explain,
    extra,
    unknown_name,
)
from sim.parameters.observation import ObservationParams
from sim.parameters.policy import PolicyParams
from sim.parameters.survivor import SurvivorParams

__all__ = [
    "GROUPS",
    "CohortParams",
    "CostParams",
    "ObservationParams",
    "ParameterError",
    "Params",
    "PolicyParams",
    "RunParams",
    "ServiceParams",
    "SurvivorParams",
    "TraffickerParams",
    "markdown_reference",
    "parameter_table",
]

#: The parameter groups, in the order they are listed and written.
GROUPS: dict[str, type[Group]] = {
    "run": RunParams,
    "cohort": CohortParams,
    "survivor": SurvivorParams,
    "traffickers": TraffickerParams,
    "services": ServiceParams,
    "policy": PolicyParams,
    "observation": ObservationParams,
    "costs": CostParams,
}


_GROUP_NAMES.update({cls: name for name, cls in GROUPS.items()})


class Params(BaseModel):
    """All parameters of one model run."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    run: RunParams = RunParams()
    cohort: CohortParams = CohortParams()
    survivor: SurvivorParams = SurvivorParams()
    traffickers: TraffickerParams = TraffickerParams()
    services: ServiceParams = ServiceParams()
    policy: PolicyParams = PolicyParams()
    observation: ObservationParams = ObservationParams()
    costs: CostParams = CostParams()

    # --- construction ---------------------------------------------------------------------
    @classmethod
    def from_nested(cls, data: Mapping[str, Any]) -> Params:
        """Build from ``{"group": {"field": value}}``; missing fields take their defaults."""
        groups: dict[str, Group] = {}
        for name, values in data.items():
            if name not in GROUPS:
                raise unknown_name(name, list(GROUPS))
            if not isinstance(values, Mapping):
                raise ParameterError(
                    f"{name} must be a table of parameters (got {values!r}).", name
                )
            groups[name] = _validate_group(name, dict(values))
        return cls.model_validate(groups)

    @classmethod
    def from_flat(cls, flat: Mapping[str, Any]) -> Params:
        """Build from dotted names, e.g. ``{"policy.monitoring_months": 36}``."""
        return Params().with_overrides(flat)

    @classmethod
    def from_toml(cls, text: str) -> Params:
        """Parse a TOML document with one table per group."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as err:
            raise ParameterError(f"not valid TOML ({err}).") from None
        return cls.from_nested(data)

    @classmethod
    def from_file(cls, path: str | Path, what: str = "parameters file") -> Params:
        """Read a TOML parameter file written by :meth:`to_toml`.

        An error names the file, and the line of the parameter at fault where it is set.
        """
        path = Path(path)
        text = read_text(path, what)
        try:
            return cls.from_toml(text)
        except ParameterError as err:
            names = err.parameter.split(".") if err.parameter else ()
            where = KeyLines(text).where(path.name, *names)
            raise ParameterError(f"{what}: {where}: {err}", err.parameter) from None

    def with_overrides(self, overrides: Mapping[str, Any]) -> Params:
        """Return a copy with dotted-name overrides applied and validated."""
        if not isinstance(overrides, Mapping):
            raise ParameterError(
                "overrides must be a mapping of dotted parameter names to values, e.g. "
                f"{{'policy.monitoring_months': 36}} (got {overrides!r})."
            )
        nested = self.to_nested()
        for dotted, value in overrides.items():
            group, _, field = str(dotted).partition(".")
            if group not in GROUPS or field not in GROUPS[group].model_fields:
                raise unknown_name(str(dotted), list(names()))
            nested[group][field] = value
        return Params.from_nested(nested)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Params:
        """A copy with whole groups replaced by ``update``, validated like any other Params."""
        nested: dict[str, Any] = self.to_nested()
        for name, value in (update or {}).items():
            if name not in GROUPS:
                raise unknown_name(str(name), list(GROUPS))
            nested[name] = value.model_dump() if isinstance(value, BaseModel) else value
        return Params.from_nested(nested)

    # --- export -----------------------------------------------------------------------------
    def to_nested(self) -> dict[str, dict[str, Any]]:
        """``{"group": {"field": value}}`` for every parameter."""
        return {name: getattr(self, name).model_dump() for name in GROUPS}

    def to_flat(self) -> dict[str, Any]:
        """``{"group.field": value}`` for every parameter."""
        return {f"{g}.{f}": v for g, values in self.to_nested().items() for f, v in values.items()}

    def to_toml(self) -> str:
        """A TOML document that :meth:`from_toml` reads back to an equal ``Params``."""
        return tomli_w.dumps(self.to_nested())

    def diff(self, other: Params) -> dict[str, tuple[Any, Any]]:
        """Dotted names whose values differ: ``{name: (self value, other value)}``."""
        mine, theirs = self.to_flat(), other.to_flat()
        return {k: (mine[k], theirs[k]) for k in mine if mine[k] != theirs[k]}


def _validate_group(name: str, values: dict[str, Any]) -> Group:
    cls = GROUPS[name]
    try:
        return cls.model_validate(values)
    except ValidationError as err:
        raise explain(err, cls, name) from None


def names() -> Iterator[str]:
    """Every dotted parameter name."""
    for group, cls in GROUPS.items():
        for field in cls.model_fields:
            yield f"{group}.{field}"


def parameter_table(params: Params | None = None) -> list[dict[str, Any]]:
    """One record per parameter: name, value, default, unit, range, source, description.

    Args:
        params: Values to report beside the defaults; defaults alone when None.

    Returns:
        Records in declaration order, ready for ``pandas.DataFrame``.
    """
    values = (params or Params()).to_flat()
    rows = []
    for group, cls in GROUPS.items():
        for field, info in cls.model_fields.items():
            meta = extra(info)
            rows.append(
                {
                    "name": f"{group}.{field}",
                    "value": values[f"{group}.{field}"],
                    "default": info.default,
                    "unit": meta.get("unit", ""),
                    "range": allowed(info),
                    "uncertain": bool(meta.get("uncertain", False)),
                    "source": meta.get("source", ""),
                    "description": info.description or "",
                }
            )
    return rows


def markdown_reference() -> str:
    """The parameter reference for the docs, generated from the fields (never by hand)."""
    lines = [
        "# Parameter reference",
        "",
        "Generated by `python -m sim.parameters > docs/parameters.md`; do not edit by hand.",
        "Uncertain parameters (marked *) have no direct source and are calibrated or varied in",
        "sensitivity analysis.",
        "",
    ]
    rows = parameter_table()
    for group, cls in GROUPS.items():
        lines += [f"## `{group}`", "", (cls.__doc__ or "").strip().splitlines()[0], ""]
        lines += [
            "| name | default | unit | valid | source | meaning |",
            "|---|---|---|---|---|---|",
        ]
        for row in rows:
            if row["name"].split(".")[0] != group:
                continue
            star = " *" if row["uncertain"] else ""
            cells = [
                f"`{row['name']}`{star}",
                f"`{row['default']}`",
                row["unit"],
                row["range"],
                row["source"],
                row["description"],
            ]
            lines.append("| " + " | ".join(str(c).replace("|", "/") for c in cells) + " |")
        lines.append("")
    return "\n".join(lines)
