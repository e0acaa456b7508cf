"""Draw the figures the docs show from the model itself: ``python -m experiments.docs_figures``.

``docs/figures/hazard_since_arrival.png``: the monthly re-trafficking hazard by months since
arriving home, from one default run (14,000 survivors, 120 months, seed 1, no posterior).
"""

from __future__ import annotations

from pathlib import Path

import sim
from experiments.figures import hazard_since_arrival
from sim.outcomes import hazard_since_arrival as hazard_table

DOCS = Path(__file__).resolve().parents[1] / "docs" / "figures"


def main(out: Path = DOCS, seed: int = 1) -> None:
    """Run the default cohort once and draw the hazard figure into ``out``."""
    result = sim.run(seed=seed)
    note = f"One run at the parameter defaults: {len(result.people):,} survivors, seed {seed}."
    figure = hazard_since_arrival(hazard_table(result), out, note)
    print(f"{figure.png}: {figure.title}")


if __name__ == "__main__":
    main()
