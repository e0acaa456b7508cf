"""Defaults of every experiment (command line, Python and named experiments).

Kept in a module that imports nothing, so the command line shows them without loading the model.
"""

#: Replicates per scenario unless asked otherwise.
REPLICATES = 20
#: The experiment seed unless asked otherwise; replicate seeds derive from it.
SEED = 1
#: The most replicates per scenario one call accepts: 10,000 default runs take about a day per
#: scenario on 2 cores, and each replicate is listed in the manifest.
MAX_REPLICATES = 10_000


def few_replicates_warning(replicates: int) -> str | None:
    """The warning a result on fewer than :data:`REPLICATES` replicates carries (or None).

    >>> few_replicates_warning(20) is None
    True
    >>> few_replicates_warning(2)[:40]
    'only 2 replicates per scenario: interval'
    """
    if replicates >= REPLICATES:
        return None
    return (
        f"only {replicates} replicate{'s' if replicates != 1 else ''} per scenario: "
        "intervals and probabilities rest on few plausible worlds and are rough; "
        f"use --replicates {REPLICATES} or more before acting on them."
    )
