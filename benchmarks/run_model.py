"""Benchmark: wall time and peak memory of a default run, and of ten times the survivors.

Run on demand (not part of the test suite):

    python benchmarks/run_model.py            # 14,000 and 140,000 survivors, 120 months
    python benchmarks/run_model.py --sizes 14000 --repeat 3

Each size runs in a fresh subprocess so peak memory (max resident set size) is its own. The
subprocess first imports the model and makes a small run (500 survivors, 12 months): that is
the start-up column, what a fresh command pays once; the seconds column is the run itself, as
every run after the first costs (a comparison's workers, a calibration). Runs by size show
where the time goes: what does not grow with the survivors is the monthly Python work.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CHILD = """
import json, resource, sys, time
begin = time.perf_counter()
import sim
sim.run(sim.Params().with_overrides({"cohort.n_survivors": 500, "run.horizon_months": 12}))
startup = time.perf_counter() - begin
n, seed = int(sys.argv[1]), int(sys.argv[2])
params = sim.Params().with_overrides({"cohort.n_survivors": n})
start = time.perf_counter()
result = sim.run(params, seed=seed)
seconds = time.perf_counter() - start
peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"survivors": n, "startup": startup, "seconds": seconds,
                  "peak_mib": peak_mib, "events": len(result.events)}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[14_000, 140_000])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    print(f"{'survivors':>10} {'start-up':>9} {'seconds':>8} {'peak MiB':>9} {'events':>10}")
    for n in args.sizes:
        for rep in range(args.repeat):
            out = subprocess.run(
                [sys.executable, "-c", CHILD, str(n), str(rep + 1)],
                check=True,
                capture_output=True,
                text=True,
            )
            row = json.loads(out.stdout.strip().splitlines()[-1])
            print(
                f"{row['survivors']:>10,} {row['startup']:>9.2f} {row['seconds']:>8.2f} "
                f"{row['peak_mib']:>9.0f} "
                f"{row['events']:>10,}"
            )


if __name__ == "__main__":
    main()
