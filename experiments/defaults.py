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
