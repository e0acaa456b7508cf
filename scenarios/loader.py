"""Load and validate scenario files: named policy scenarios as overrides of the baseline.

A scenario file is TOML::

    title = "Longer monitoring"
    description = "Plain-language description of the policy."
    source = "IOM-2010 §5.5 (...)"
    extends = "baseline"            # optional: start from another scenario's overrides

    [overrides]                     # dotted parameter names, validated against Params
    "policy.monitoring_months" = 36

    [sources]                       # where each lever's size comes from
    "policy.monitoring_months" = "IOM-2010 §5.3: monitoring lasted up to three years"

Shipped scenarios live beside this module; a user passes a path to their own file. Every error
is one sentence naming the file, the field (and its line where it can be found) and the
allowed values.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.inputs import KeyLines, is_file, read_text
from sim.parameters import ParameterError, Params

SHIPPED = Path(__file__).resolve().parent
KEYS = ("title", "description", "source", "extends", "overrides", "sources")


class ScenarioError(ParameterError):
    """A scenario file that cannot be used, explained in one sentence."""


@dataclass(frozen=True)
class Scenario:
    """A named policy scenario, with its ``extends`` chain resolved."""

    name: str
    title: str
    description: str
    source: str
    path: Path
    extends: str | None = None
    #: Overrides of this scenario and its ancestors (dotted name -> value), children winning.
    overrides: dict[str, Any] = field(default_factory=dict)
    #: Where each override's size comes from.
    sources: dict[str, str] = field(default_factory=dict)

    def params(self, base: Params | None = None) -> Params:
        """The scenario's parameters: ``base`` (defaults when None) with the overrides."""
        return (base or Params()).with_overrides(self.overrides)


def available() -> list[str]:
    """Names of the shipped scenarios, sorted."""
    return sorted(p.stem for p in SHIPPED.glob("*.toml"))


def load(name_or_path: str | Path) -> Scenario:
    """Load a shipped scenario by name, or a scenario file by path, and validate it."""
    return _load(name_or_path, chain=())


def _resolve(name_or_path: str | Path) -> Path:
    text = str(name_or_path)
    if text.endswith(".toml") or "/" in text or is_file(text):
        if not is_file(text):
            raise ScenarioError(f"scenario file {text!r} does not exist or is not a file.")
        return Path(text).resolve()
    path = SHIPPED / f"{text}.toml"
    if not is_file(path):
        raise ScenarioError(
            f"no scenario named {text!r}; shipped scenarios: {', '.join(available())} "
            "(or give a path to a .toml file)."
        )
    return path


def _load(name_or_path: str | Path, chain: tuple[Path, ...]) -> Scenario:
    path = _resolve(name_or_path)
    if path in chain:
        cycle = " -> ".join(p.stem for p in (*chain, path))
        raise ScenarioError(f"{path.name}: 'extends' forms a cycle ({cycle}).")
    text = read_text(path, "scenario file")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(f"{path.name}: not valid TOML ({err}).") from None
    lines = KeyLines(text)

    def where(*names: str) -> str:
        return lines.where(path.name, *names)

    _check_fields(path, data, where)

    parent: Scenario | None = None
    if "extends" in data:
        try:
            parent = _load(_sibling(path, data["extends"]), (*chain, path))
        except ScenarioError as err:
            if "cycle" in str(err) or str(err).startswith(path.name):
                raise
            raise ScenarioError(
                f"{where('extends')}: extends = {data['extends']!r}, which cannot be loaded: {err}"
            ) from None

    own = _flatten(data.get("overrides", {}))
    overrides = {**(parent.overrides if parent else {}), **own}
    try:
        Params().with_overrides(overrides)
    except ParameterError as err:
        at = where("overrides", err.parameter) if err.parameter else path.name
        raise ScenarioError(f"{at}: {err}", err.parameter) from None
    sources = {**(parent.sources if parent else {}), **_flatten(data.get("sources", {}))}
    for name in sources:
        if name not in overrides:
            raise ScenarioError(
                f"{where('sources', name)}: the sources table names {name}, which this scenario "
                "does not override."
            )
    return Scenario(
        name=path.stem,
        title=data["title"].strip(),
        description=" ".join(data["description"].split()),
        source=data["source"].strip(),
        path=path,
        extends=data.get("extends"),
        overrides=overrides,
        sources={k: str(v) for k, v in sources.items()},
    )


def _check_fields(path: Path, data: dict[str, Any], where: Callable[..., str]) -> None:
    """The file's own fields: known names, text where text is due, tables where tables are."""
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise ScenarioError(
            f"{where(unknown[0])}: unknown field {unknown[0]!r}; allowed: {', '.join(KEYS)}."
        )
    for key in ("title", "description", "source", "extends"):
        if key in data and not isinstance(data[key], str):
            raise ScenarioError(f"{where(key)}: {key} must be a string (got {data[key]!r}).")
    for key in ("title", "description", "source"):
        if not str(data.get(key, "")).strip():
            raise ScenarioError(f"{path.name}: {key} is required and must not be empty.")
    for key in ("overrides", "sources"):
        if key in data and not isinstance(data[key], Mapping):
            raise ScenarioError(f"{where(key)}: [{key}] must be a table of dotted names.")


def _sibling(path: Path, name: str) -> str | Path:
    """``extends`` names a scenario beside the file, or a shipped one."""
    beside = path.parent / f"{name}.toml"
    return beside if beside.is_file() else name


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"policy": {"x": 1}}`` and ``{"policy.x": 1}`` both become ``{"policy.x": 1}``."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(_flatten(value, f"{name}."))
        else:
            out[name] = value
    return out
