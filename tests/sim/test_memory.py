"""Memory stays flat over many runs in one process (calibrations run thousands)."""

import subprocess
import sys
import textwrap

CHILD = textwrap.dedent(
    """
    import gc, resource
    import sim

    small = sim.Params().with_overrides({"cohort.n_survivors": 300, "run.horizon_months": 24})

    def peak_mib():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    for seed in range(5):  # warm up: imports, caches, the allocator's first arenas
        sim.run(small, seed=seed)
    gc.collect()
    before = peak_mib()
    for seed in range(200):
        sim.run(small, seed=seed)
    print(peak_mib() - before)
    """
)


def test_two_hundred_small_runs_in_one_process_grow_peak_memory_by_less_than_50_mib():
    # A fresh process, so the peak is this loop's and not the test session's.
    out = subprocess.run(
        [sys.executable, "-c", CHILD], capture_output=True, text=True, check=True, timeout=600
    )
    growth = float(out.stdout.strip().splitlines()[-1])
    assert growth < 50, f"peak memory grew {growth:.0f} MiB over 200 runs"
