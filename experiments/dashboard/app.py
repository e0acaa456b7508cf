"""The dashboard's pages (Solara): *Explore* a cohort live, *Compare* stored results.

Run with ``retraffic dashboard`` (or ``solara run experiments.dashboard.app``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import solara
import solara.lab

from experiments.dashboard.live import MONTHS, SURVIVORS, Lever, LiveRun, levers

LEVERS = levers()
#: Months simulated between two redraws of the live figures.
REDRAW_EVERY = 3

values = solara.reactive({lever.name: lever.default for lever in LEVERS})
snapshot: solara.Reactive[dict[str, Any] | None] = solara.reactive(None)
folder = solara.reactive("results")


@solara.lab.task
def simulate(overrides: dict[str, Any]) -> None:
    """Run one cohort month by month, publishing what happened every few months."""
    live = LiveRun(overrides)
    while not live.done:
        if not simulate.is_current():  # the levers changed: a newer run replaces this one
            return
        live.step()
        if live.done or live.month % REDRAW_EVERY == 0:
            snapshot.set({"month": live.month, **live.snapshot()})


def _set(name: str, value: Any) -> None:
    values.set({**values.value, name: value})
    simulate(values.value)


def _text(html: str, **attributes: str) -> None:
    """A line of text (plain HTML: Solara's Markdown would load KaTeX from a CDN)."""
    solara.HTML(tag="div", unsafe_innerHTML=html, attributes=attributes)


@solara.component
def Control(lever: Lever) -> None:
    """One lever, labelled in words with its unit; its range and source show on hover."""
    value = values.value[lever.name]
    with solara.Tooltip(lever.hover):
        with solara.Div(classes=["lever", f"lever-{lever.name.split('.')[1]}"]):
            if lever.kind == "flag":
                solara.Switch(
                    label=f"{lever.label} ({lever.unit})",
                    value=bool(value),
                    on_value=lambda v: _set(lever.name, v),
                )
                return
            shown = f"{value:.3g}" if lever.kind == "float" else str(value)
            _text(f"{lever.label} <b>{shown}</b> {lever.unit}", style="margin-top: 0.8em")
            if lever.kind == "int":
                solara.SliderInt(
                    "",
                    value=int(value),
                    min=int(lever.lower),
                    max=int(lever.upper),
                    on_value=lambda v: _set(lever.name, int(v)),
                )
            else:
                solara.SliderFloat(
                    "", value=float(value), min=lever.lower, max=lever.upper,
                    step=lever.step, on_value=lambda v: _set(lever.name, float(v)),
                )  # fmt: skip


def _curve_figure(curve: pd.DataFrame) -> Any:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 3.5), layout="constrained")
    ax = fig.subplots()
    ax.plot(curve["month"], curve["share"] * 100, color="#0173b2", linewidth=2.5)
    ax.set_xlim(0, MONTHS)
    ax.set_xlabel("months since the cohort exited trafficking")
    ax.set_ylabel("re-trafficked at least once (%)")
    ax.grid(alpha=0.3)
    return fig


@solara.component
def Explore() -> None:
    """Levers on the left; the cohort's curve, states and pathways building up on the right."""
    solara.use_effect(lambda: simulate(values.value) if snapshot.value is None else None, [])
    with solara.Columns([1, 2]):
        with solara.Column():
            _text(
                f"<b>Policy levers.</b> A cohort of {SURVIVORS:,} synthetic survivors runs for "
                f"{MONTHS} months each time a lever moves (same seed: what changes is the "
                "lever). Hover over a lever for its range and source."
            )
            solara.Button("Run again", on_click=lambda: simulate(values.value))
            for lever in LEVERS:
                Control(lever)
        with solara.Column():
            _results(snapshot.value)


def _results(now: dict[str, Any] | None) -> None:
    if now is None:
        solara.Text("Starting the cohort...")
        return
    curve = now["curve"]
    share = float(curve["share"].iloc[-1]) if len(curve) else 0.0
    _text(
        f"Month {now['month']} of {MONTHS}: {share:.1%} re-trafficked at least once so far.",
        id="live-status",
    )
    solara.FigureMatplotlib(_curve_figure(curve), dependencies=[now["month"], share], format="png")
    with solara.Columns([1, 1]):
        with solara.Column():
            _text("<b>Where survivors are now</b>")
            solara.DataFrame(now["states"], items_per_page=10)
        with solara.Column():
            _text("<b>Pathways of re-trafficking so far</b>")
            solara.DataFrame(now["pathways"], items_per_page=10)


def stored_results(root: Path) -> list[Path]:
    """Folders under ``root`` (itself included) that hold a comparison's ``summary.csv``."""
    if not root.is_dir():
        return []
    found = [p.parent for p in sorted(root.glob("**/summary.csv")) if "runs" not in p.parts]
    return found


@solara.component
def Compare() -> None:
    """Pick a stored results folder: its tables, figures and CSV files to download."""
    chosen = solara.use_reactive("")
    solara.InputText("Results folder", value=folder)
    found = stored_results(Path(folder.value))
    if not found:
        solara.Warning(
            f"No comparison results under {folder.value!r}: run `retraffic compare ...` or "
            "`retraffic experiment run ...` first, or give the folder they wrote."
        )
        return
    names = [str(p) for p in found]
    solara.Select("Comparison", values=names, value=chosen.value or names[0], on_value=chosen.set)
    _comparison(Path(chosen.value or names[0]))


def _comparison(path: Path) -> None:
    for table, title in (
        ("decisions", "Decisions: probabilities and cases averted"),
        ("effects", "Effects against the reference"),
        ("money", "Costs in money"),
    ):
        csv = path / f"{table}.csv"
        if csv.is_file():
            _text(f"<b>{title}</b> ({csv.name})")
            solara.DataFrame(pd.read_csv(csv), items_per_page=20)
    with solara.Row():
        for csv in sorted(path.glob("*.csv")):
            solara.FileDownload(csv.read_bytes(), filename=csv.name, label=f"Download {csv.name}")
    for png in sorted((path / "figures").glob("*.png")):
        solara.Image(str(png), width="100%")


@solara.component
def Page() -> None:
    """The dashboard: Explore and Compare."""
    solara.Title("retrafficking-sim dashboard")
    with solara.lab.Tabs():
        with solara.lab.Tab("Explore"):
            Explore()
        with solara.lab.Tab("Compare"):
            Compare()
