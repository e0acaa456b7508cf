"""Key outputs of one fixed small run, saved so unintended changes show.

After an intended change to the model, regenerate the saved file and commit it with the change:

    python -m tests.baseline.key_outputs --update
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import sim
from sim import observation, outcomes

SAVED = Path(__file__).with_name("key_outputs.json")
PARAMS = {"cohort.n_survivors": 2000, "run.horizon_months": 60}
SEED = 7


def compute() -> dict:
    """The key outputs of the baseline run."""
    result = sim.run(sim.Params().with_overrides(PARAMS), seed=SEED)
    stats = observation.observed_statistics(result)
    return {
        "incidence": {str(k): v for k, v in outcomes.incidence_at(result).items()},
        "events": {
            str(k): int(v) for k, v in result.events["event"].value_counts().sort_index().items()
        },
        "observed": {
            f"{r.target} {r.statistic}": r.value for r in stats.itertuples() if r.value == r.value
        },
    }


def main() -> None:
    """Print, or with --update save, the key outputs."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--update", action="store_true", help="overwrite the saved baseline")
    args = parser.parse_args()
    data = compute()
    if args.update:
        SAVED.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
        print(f"wrote {SAVED}")
    else:
        print(json.dumps(data, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
