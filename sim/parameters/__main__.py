"""Print the generated parameter reference: ``python -m sim.parameters > docs/parameters.md``."""

from sim.parameters import markdown_reference

print(markdown_reference(), end="")
