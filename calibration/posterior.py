"""Posterior files: weighted parameter draws, their summary, and sampling one per replicate.

A posterior is a Parquet file with one column per calibrated parameter (dotted names), a
``weight`` column summing to 1, and the fit's metadata (seed, simulations, final epsilon,
targets) in the file's key-value metadata. ``calibration/posterior/default.parquet`` ships with
the package; comparisons use it unless told ``--posterior none``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.inputs import is_file
from sim.parameters import ParameterError, Params

if TYPE_CHECKING:
    from calibration.spec import Prior

POSTERIOR_DIR = Path(__file__).resolve().parent / "posterior"
DEFAULT = POSTERIOR_DIR / "default.parquet"


def write_posterior(draws: pd.DataFrame, path: Path, meta: dict[str, Any]) -> None:
    """Write draws and metadata atomically."""
    table = pa.Table.from_pandas(draws, preserve_index=False)
    table = table.replace_schema_metadata(
        {**(table.schema.metadata or {}), b"retrafficking": json.dumps(meta).encode()}
    )
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp)
    tmp.replace(path)


def resolve(posterior: str | Path | None) -> Path | None:
    """``None``/``"none"`` -> no posterior; ``"default"`` or a name -> shipped file; else a path."""
    if posterior is None or str(posterior) == "none":
        return None
    text = str(posterior)
    if text == "default" and not DEFAULT.is_file():
        return None  # no shipped posterior in this checkout: run at the parameter defaults
    if text.endswith(".parquet") or "/" in text:
        path = Path(text)
    else:
        path = POSTERIOR_DIR / f"{text}.parquet"
    if not is_file(path):
        raise ParameterError(
            f"--posterior: no posterior file {str(path)!r} (use 'none' to run at the defaults)."
        )
    return path


def read_posterior(path: Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Draws (with ``weight``) and metadata, checked: any problem names the file and row.

    Every column but ``weight`` must be a parameter, every row a valid set of values, and the
    weights finite, not negative and not all zero.
    """
    import pyarrow as pa

    try:
        table = pq.read_table(path)
        meta = json.loads((table.schema.metadata or {}).get(b"retrafficking", b"{}"))
    except (pa.ArrowException, OSError, ValueError) as err:
        reason = " ".join(str(err).split())
        raise ParameterError(
            f"posterior {path}: not a readable posterior file ({reason})."
        ) from None
    if not isinstance(meta, dict):
        raise ParameterError(f"posterior {path}: its metadata is not a table of fields.")
    draws = table.to_pandas()
    if "weight" not in draws.columns or len(draws) == 0:
        raise ParameterError(f"posterior {path}: a posterior needs draws and a 'weight' column.")
    try:
        numbers = draws.astype(float)
    except (TypeError, ValueError):
        raise ParameterError(f"posterior {path}: every column must hold numbers.") from None
    weights = numbers["weight"].to_numpy()
    if not (np.isfinite(weights).all() and (weights >= 0).all() and weights.sum() > 0):
        raise ParameterError(
            f"posterior {path}: weights must be finite numbers of at least 0, not all 0."
        )
    names = [c for c in draws.columns if c != "weight"]
    for row, values in enumerate(numbers[names].itertuples(index=False)):
        try:
            Params().with_overrides(dict(zip(names, values, strict=True)))
        except ParameterError as err:
            raise ParameterError(f"posterior {path}, row {row}: {err}", err.parameter) from None
    return draws, meta


def fingerprint(path: Path | None) -> str:
    """Content hash of a posterior file ('none' without one), for results manifests."""
    if path is None:
        return "none"
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


#: The smallest effective sample size worth shipping, as a share of the population: below it a
#: few particles carry most of the weight, and intervals drawn from them are not trustworthy.
MIN_ESS_SHARE = 0.5


def effective_sample_size(weights: np.ndarray | pd.Series) -> float:
    """Kish's effective sample size of weighted draws: ``1 / sum(w**2)`` of normalised weights.

    >>> round(effective_sample_size(np.ones(40)), 6), effective_sample_size([1.0, 0.0, 0.0])
    (40.0, 1.0)
    """
    w = np.asarray(weights, dtype=float)
    w = w / w.sum()
    return float(1.0 / np.sum(w**2))


def trustworthy(draws: pd.DataFrame) -> tuple[bool, str]:
    """Whether a posterior's effective sample size is at least half its draws, and a sentence.

    The sentence states the effective sample size against the draws either way.
    """
    ess, n = effective_sample_size(draws["weight"]), len(draws)
    ok = ess >= MIN_ESS_SHARE * n
    sentence = f"effective sample size {ess:.1f} of {n} draws"
    if not ok:
        sentence += (
            f", below the {MIN_ESS_SHARE:.0%} a fit needs: a few draws carry most of the weight, "
            "so intervals drawn from it understate what is not known"
        )
    return ok, sentence


#: What a comparison draws for each replicate: ``all`` (fitted parameters jointly from the
#: posterior, every other uncertain parameter from its prior), ``posterior`` (fitted ones only,
#: the rest at their defaults) or ``none`` (every parameter at its default).
UNCERTAINTY = ("all", "posterior", "none")


def prior_draw_for(
    priors: list[Prior], seed: int, base: Params, fixed: dict[str, Any]
) -> dict[str, Any]:
    """A joint draw of ``priors`` for a replicate with ``seed``, valid together with ``fixed``.

    Each prior is drawn independently on its quantile scale. A draw that breaks a constraint
    between parameters (two shares summing above 1) with ``base`` and ``fixed`` applied is
    drawn again from the same seeded stream, so the draw depends only on the seed.
    """
    rng = np.random.default_rng([seed, 0xA11])
    for _ in range(1000):
        quantiles = rng.random(len(priors))
        values = {p.parameter: p.ppf(float(q)) for p, q in zip(priors, quantiles, strict=True)}
        try:
            base.with_overrides({**values, **fixed})
        except ParameterError:
            continue
        return values
    raise RuntimeError("bug: the priors almost never give a valid parameter set.")


def draw_for(draws: pd.DataFrame, seed: int) -> tuple[int, dict[str, float]]:
    """The draw a replicate with ``seed`` uses (weighted choice), as overrides."""
    rng = np.random.default_rng([seed, 0x9057])
    weights = draws["weight"].to_numpy(dtype=float)
    index = int(rng.choice(len(draws), p=weights / weights.sum()))
    row = draws.drop(columns="weight").iloc[index]
    return index, {k: float(v) for k, v in row.items()}


def summary(draws: pd.DataFrame) -> pd.DataFrame:
    """Weighted mean, 5% and 95% quantiles of every parameter."""
    w = draws["weight"].to_numpy(dtype=float)
    w = w / w.sum()
    rows = []
    for name in draws.columns.drop("weight"):
        x = draws[name].to_numpy(dtype=float)
        order = np.argsort(x)
        cdf = np.cumsum(w[order])
        q05, q95 = (float(x[order][np.searchsorted(cdf, q)]) for q in (0.05, 0.95))
        rows.append({"parameter": name, "mean": float(np.sum(w * x)), "q05": q05, "q95": q95})
    return pd.DataFrame(rows)


def correlations(draws: pd.DataFrame) -> pd.DataFrame:
    """Weighted correlation matrix of the parameters."""
    x = draws.drop(columns="weight").to_numpy(dtype=float)
    w = draws["weight"].to_numpy(dtype=float)
    cov = np.cov(x, rowvar=False, aweights=w)
    sd = np.sqrt(np.diag(cov))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = cov / np.outer(sd, sd)
    names = list(draws.columns.drop("weight"))
    return pd.DataFrame(corr, index=names, columns=names)
