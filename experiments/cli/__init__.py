"""``retraffic``: the command-line program. Thin: it parses, calls the library, and prints.

Each module registers its subcommands on the shared app: ``run`` (one cohort, parameters),
``compare`` (scenarios, comparison), ``calibrate`` (fit, sensitivity), ``experiment``
(named experiments, report) and ``dashboard`` (the browser).
"""

# Importing a module registers its commands; this order is the order `retraffic --help` lists.
from experiments.cli import run  # noqa: I001, F401
from experiments.cli import compare, experiment, calibrate, dashboard  # noqa: F401
from experiments.cli.base import app


def main() -> None:
    """Console-script entry point."""
    app()


__all__ = ["app", "main"]
