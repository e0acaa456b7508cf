"""Defaults of every experiment (command line, Python and named experiments).

Kept in a module that imports nothing, so the command line shows them without loading the model.
"""

#: Replicates per scenario unless asked otherwise.
REPLICATES = 20
#: The experiment seed unless asked otherwise; replicate seeds derive from it.
SEED = 1
