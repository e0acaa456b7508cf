"""The building blocks of every parameter: a sourced, ranged field and its error message.

Every number in the model is declared with :func:`param`, which records its unit, its valid
range, its default and its ``source`` (a section of IOM-2010 or IASC-2021, or
``"assumption: <reason>"``). Validation errors are turned into one plain sentence that names
the dotted parameter and the range it accepts (:func:`explain`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, Self, get_args

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic.fields import FieldInfo

from sim.inputs import InputError


class ParameterError(InputError):
    """A parameter value or name that the model cannot accept, explained in one sentence.

    Attributes:
        parameter: The dotted name at fault, when there is one (files use it to name the line).
    """

    def __init__(self, message: str, parameter: str | None = None) -> None:
        super().__init__(message)
        self.parameter = parameter


class Group(BaseModel):
    """Base of every parameter group: frozen, strict, and closed to unknown names.

    Strict, except that numbers keep their value across kinds: a numpy integer or a whole
    float (``3.0``, as prior draws and posterior files hold them) is accepted for a whole-number
    parameter, and a numpy float or bool for a number or a switch. A copy is validated too.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, validate_default=True)

    @model_validator(mode="before")
    @classmethod
    def _plain_numbers(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        fields = cls.model_fields
        return {k: plain(v, fields[k].annotation) if k in fields else v for k, v in data.items()}

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy with ``update`` applied, validated (pydantic's own copy skips validation)."""
        values = {**self.model_dump(), **(update or {})}
        try:
            return self.model_validate(values)
        except ValidationError as err:
            raise explain(err, type(self), _GROUP_NAMES.get(type(self), "")) from None


#: A group class's name in ``Params`` (``CohortParams`` -> ``"cohort"``), set by ``Params``.
_GROUP_NAMES: dict[type[Group], str] = {}


def plain(value: Any, annotation: Any) -> Any:
    """A numpy number as the Python number of the parameter's kind; anything else as given.

    A whole float (``3.0``) becomes ``3`` for a whole-number parameter; validation accepts or
    rejects what results.
    """
    if isinstance(value, np.bool_):
        return bool(value)
    if annotation is int and not isinstance(value, bool):
        if isinstance(value, np.integer):
            return int(value)
        if isinstance(value, float | np.floating) and float(value).is_integer():
            return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def param(
    default: Any,
    *,
    unit: str,
    source: str,
    description: str,
    ge: float | None = None,
    le: float | None = None,
    uncertain: bool = False,
) -> Any:
    """Declare one model parameter.

    Args:
        default: The default value (baseline practice where the sources describe it).
        unit: The unit, e.g. ``"months"``, ``"probability per month"``, ``"hazard ratio"``.
        source: ``"IOM-2010 §5.3"``, ``'IASC-2021 "Enablers of re-trafficking"'`` or
            ``"assumption: <reason>"`` (places listed in ``docs/sources.toml``).
        description: One sentence saying what the parameter means in the model.
        ge: Smallest valid value (inclusive), if bounded below.
        le: Largest valid value (inclusive), if bounded above.
        uncertain: True when no source fixes the value, so calibration or sensitivity
            analysis should vary it. Always true for an ``"assumption: ..."``: a number the
            reports do not give is uncertain by definition.

    Returns:
        A pydantic ``FieldInfo`` carrying the metadata.
    """
    if not (source.startswith(("IOM-2010", "IASC-2021")) or source.startswith("assumption: ")):
        raise ValueError(
            f"source must cite IOM-2010, IASC-2021 or 'assumption: why', got {source!r}"
        )
    uncertain = uncertain or source.startswith("assumption: ")
    return Field(
        default,
        ge=ge,
        le=le,
        description=description,
        json_schema_extra={"unit": unit, "source": source, "uncertain": uncertain},
    )


def bounds(info: FieldInfo) -> tuple[float | None, float | None]:
    """Return the inclusive (lower, upper) bounds declared on a field."""
    lower = upper = None
    for item in info.metadata:
        lower = getattr(item, "ge", lower) if getattr(item, "ge", None) is not None else lower
        upper = getattr(item, "le", upper) if getattr(item, "le", None) is not None else upper
    return lower, upper


def extra(info: FieldInfo) -> dict[str, Any]:
    """Return the unit/source/uncertain metadata declared with :func:`param`."""
    data = info.json_schema_extra
    return dict(data) if isinstance(data, dict) else {}


def allowed(info: FieldInfo) -> str:
    """Describe in words the values a field accepts, e.g. ``"a number from 0 to 1"``."""
    annotation = info.annotation
    if annotation is bool:
        return "true or false"
    if getattr(annotation, "__origin__", None) is Literal:
        return "one of " + ", ".join(repr(v) for v in get_args(annotation))
    kind = "a whole number" if annotation is int else "a number"
    lower, upper = bounds(info)
    if lower is not None and upper is not None:
        return f"{kind} from {_num(lower)} to {_num(upper)}"
    if lower is not None:
        return f"{kind} of at least {_num(lower)}"
    if upper is not None:
        return f"{kind} of at most {_num(upper)}"
    return kind


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def explain(error: ValidationError, group: type[Group], prefix: str) -> ParameterError:
    """Turn the first pydantic error on ``group`` into one sentence naming field and range."""
    first = error.errors()[0]
    loc = [str(part) for part in first["loc"]]
    name = loc[0] if loc else ""
    dotted = f"{prefix}.{name}" if prefix else name
    if first["type"] == "value_error" and "error" in first.get("ctx", {}):
        return ParameterError(str(first["ctx"]["error"]), dotted)
    if first["type"] == "extra_forbidden":
        return unknown_name(dotted, [f"{prefix}.{f}" for f in group.model_fields])
    if name in group.model_fields:
        info = group.model_fields[name]
        got = first.get("input")
        return ParameterError(f"{dotted} must be {allowed(info)} (got {got!r}).", dotted)
    return ParameterError(f"{prefix or 'parameters'}: {first['msg']}.")


def unknown_name(name: str, valid: list[str]) -> ParameterError:
    """An error for a parameter name that does not exist, suggesting the closest names."""
    import difflib

    close = difflib.get_close_matches(name, valid, n=3, cutoff=0.6)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    return ParameterError(
        f"{name} is not a parameter.{hint} Run 'retraffic params' to list all valid names.", name
    )
