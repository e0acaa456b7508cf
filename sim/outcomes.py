"""True outcome statistics of a run, as tidy DataFrames.

"True" means computed from the full event log, not from what a database would record (that is
:mod:`sim.observation`). Time is measured from each survivor's first exit (their entry into the
cohort); with a cohort arriving over time, follow-up differs between survivors, so cumulative
incidence uses the Kaplan-Meier estimator with censoring at the end of the horizon.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sim.simulation import Result

#: Months after exit at which headline re-trafficking shares are reported.
HEADLINE_MONTHS = (12, 24, 60)


def time_to_retrafficking(result: Result) -> pd.DataFrame:
    """Per survivor: months from first exit to first re-trafficking, or to censoring.

    Returns:
        Columns ``survivor``, ``months`` and ``retrafficked`` (False = censored at the
        horizon, or never entered).
    """
    people = result.people
    entered = people["episode"].to_numpy() > 0
    first = people["first_retraffic_month"].to_numpy()
    entry = people["entry_month"].to_numpy()
    event = first >= 0
    months = np.where(event, first - entry, result.months - entry)
    frame = pd.DataFrame(
        {"survivor": people.index.to_numpy(), "months": months, "retrafficked": event}
    )
    return frame[entered].reset_index(drop=True)


def kaplan_meier(
    months: NDArray[np.integer], event: NDArray[np.bool_], horizon: int
) -> NDArray[np.float64]:
    """Cumulative incidence ``P(T < t)`` for t = 0..horizon from discrete event times.

    ``months`` is the event month since exit (an event at 0 happened in the exit month) or the
    follow-up length for censored people (observed for months 0..months-1).
    """
    months = np.asarray(months)
    event = np.asarray(event, dtype=bool)
    deaths = np.bincount(months[event], minlength=horizon + 1)[: horizon + 1]
    risk = at_risk(months, event, horizon)
    hazard = np.where(risk > 0, deaths / np.maximum(risk, 1), 0.0)
    survival = np.cumprod(1.0 - hazard)
    return np.concatenate([[0.0], 1.0 - survival[:-1]])


def at_risk(
    months: NDArray[np.integer], event: NDArray[np.bool_], horizon: int
) -> NDArray[np.int64]:
    """How many are followed in each month 0..horizon since exit.

    Someone re-trafficked in month ``m`` is at risk in months 0..m; someone censored after
    ``f`` months of follow-up is observed in months 0..f-1.
    """
    stop = np.where(np.asarray(event, dtype=bool), np.asarray(months) + 1, months)
    leave = np.bincount(np.minimum(stop, horizon + 1), minlength=horizon + 2)
    return (len(stop) - np.cumsum(leave))[: horizon + 1]


def incidence_curve(result: Result) -> pd.DataFrame:
    """True cumulative re-trafficking incidence by months since first exit.

    Returns:
        Columns ``months_since_exit`` (0..horizon), ``incidence`` (the share re-trafficked,
        including hand-backs at exit, within that many months of exit) and ``at_risk`` (how
        many survivors were still followed in the month before: the estimate's support).
    """
    t = time_to_retrafficking(result)
    horizon = result.months
    months, event = t["months"].to_numpy(), t["retrafficked"].to_numpy()
    curve = kaplan_meier(months, event, horizon)
    risk = at_risk(months, event, horizon)
    return pd.DataFrame(
        {
            "months_since_exit": np.arange(horizon + 1),
            "incidence": curve,
            "at_risk": np.concatenate([[len(months)], risk[:-1]]),
        }
    )


def incidence_at(result: Result, months: Iterable[int] = HEADLINE_MONTHS) -> dict[int, float]:
    """True share re-trafficked within each number of months after exit (NaN past horizon)."""
    curve = incidence_curve(result)["incidence"].to_numpy()
    return {m: float(curve[m]) if m < len(curve) else float("nan") for m in months}


def assistance_intervals(result: Result) -> pd.DataFrame:
    """True months between each survivor's first and second assistance (twice-assisted)."""
    ev = result.events
    starts = ev.loc[ev["event"] == "ASSISTANCE_STARTED", ["survivor", "month"]]
    starts = starts.sort_values(["survivor", "month"], kind="stable")
    rank = starts.groupby("survivor").cumcount()
    first = starts[rank == 0].set_index("survivor")["month"]
    second = starts[rank == 1].set_index("survivor")["month"]
    months = (second - first.reindex(second.index)).astype(int)
    return pd.DataFrame({"survivor": months.index, "months": months.to_numpy()})


def breakdown(
    result: Result, groups: Mapping[str, NDArray[np.bool_]], months: int = HEADLINE_MONTHS[-1]
) -> pd.DataFrame:
    """True re-trafficking within ``months`` of exit (Kaplan-Meier) for each group of people.

    Args:
        result: A run.
        groups: Name -> mask over ``result.people`` (every survivor, in row order).
        months: Window after exit (capped at the horizon).

    Returns:
        Columns ``group``, ``survivors`` (in the cohort by the horizon) and ``incidence``
        (NaN for an empty group).
    """
    t = time_to_retrafficking(result)
    rows = t["survivor"].to_numpy()
    window = min(months, result.months)
    out = []
    for name, mask in groups.items():
        sel = np.asarray(mask)[rows]
        curve = kaplan_meier(t["months"].to_numpy()[sel], t["retrafficked"].to_numpy()[sel], window)
        incidence = float(curve[window]) if sel.any() else float("nan")
        out.append({"group": name, "survivors": int(sel.sum()), "incidence": incidence})
    return pd.DataFrame(out)


def pathways(result: Result) -> pd.DataFrame:
    """Re-trafficking events by pathway (cause), all episodes and first re-trafficking only."""
    ev = result.events[result.events["event"] == "RETRAFFICKED"]
    first = ev.drop_duplicates("survivor")
    table = (
        pd.DataFrame(
            {
                "all": ev["cause"].value_counts(),
                "first": first["cause"].value_counts(),
            }
        )
        .fillna(0)
        .astype(int)
    )
    table = table[table["all"] > 0].sort_values("all", ascending=False)
    return table.rename_axis("pathway").reset_index()


def service_months(result: Result) -> dict[str, int]:
    """Months of service delivered (a cost proxy): destination assistance, support, monitoring.

    Each is a survivor-month in that service; ``total`` is their unweighted sum.
    """
    m = result.monthly
    out = {
        "assistance": int(m["dest_assistance"].sum()),
        "support": int(m["in_support"].sum()),
        "monitoring": int(m["monitored"].sum()),
    }
    out["total"] = sum(out.values())
    return out


def costs(result: Result) -> dict[str, float]:
    """What a run's services and channels cost, in :data:`sim.parameters.costs.CURRENCY`.

    Service-months (:func:`service_months`) times their monthly cost, residence permits
    granted and renewed, and migrations by a safe channel, each times its unit cost
    (``result.params.costs``); ``total`` is their sum.
    """
    unit = result.params.costs
    months = service_months(result)
    ev = result.events
    safe = (ev["event"] == "REMIGRATED") & (ev["cause"] == "SAFE_MIGRATION")
    out = {
        "assistance": months["assistance"] * unit.assistance_per_month,
        "support": months["support"] * unit.support_per_month,
        "monitoring": months["monitoring"] * unit.monitoring_per_month,
        "permits": int((ev["event"] == "RESIDENCY_GRANTED").sum()) * unit.permit,
        "renewals": int((ev["event"] == "RESIDENCY_RENEWED").sum()) * unit.permit_renewal,
        "safe_migration": int(safe.sum()) * unit.safe_migration_placement,
    }
    out["total"] = sum(out.values())
    return {k: float(v) for k, v in out.items()}


def hazard_since_arrival(result: Result, months: int = 60) -> pd.DataFrame:
    """True monthly re-trafficking hazard by months since arriving home.

    Every ``ARRIVED_HOME`` starts a spell that ends at the survivor's next re-trafficking
    (an event, by any pathway) or is censored at their next arrival home or the horizon.

    Returns:
        Columns ``months_since_arrival`` (0..months-1), ``at_risk``, ``retrafficked`` and
        ``hazard`` (re-trafficked / at risk in that month).
    """
    ev = result.events
    arrivals = ev.loc[ev["event"] == "ARRIVED_HOME", ["survivor", "month"]].reset_index(drop=True)
    nxt_rt = _next_after(arrivals, ev.loc[ev["event"] == "RETRAFFICKED", ["survivor", "month"]])
    nxt_home = _next_after(arrivals, arrivals)
    start = arrivals["month"].to_numpy()
    stop = np.minimum(nxt_home, result.months)
    event = nxt_rt < stop
    length = np.where(event, nxt_rt - start, stop - start)
    curve = at_risk(length, event, months)[:months]
    deaths = np.bincount(length[event], minlength=months + 1)[:months]
    return pd.DataFrame(
        {
            "months_since_arrival": np.arange(months),
            "at_risk": curve,
            "retrafficked": deaths,
            "hazard": np.where(curve > 0, deaths / np.maximum(curve, 1), np.nan),
        }
    )


def _next_after(spells: pd.DataFrame, events: pd.DataFrame) -> NDArray[np.int64]:
    """For each (survivor, month) in ``spells``, the month of their next event strictly after."""
    big = np.iinfo(np.int64).max // 2
    out = np.full(len(spells), big, dtype=np.int64)
    by = events.groupby("survivor")["month"].apply(lambda s: np.sort(s.to_numpy()))
    for k, (who, month) in enumerate(zip(spells["survivor"], spells["month"], strict=True)):
        times = by.get(who)
        if times is not None:
            j = np.searchsorted(times, month, side="right")
            if j < len(times):
                out[k] = times[j]
    return out
