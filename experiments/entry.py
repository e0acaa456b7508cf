"""The ``retraffic`` console script: the command line, imported under a Ctrl-C guard.

Importing the command line takes a moment (typer, rich); Ctrl-C then would print Python's
traceback. Every later moment is handled by the command line's error boundary
(:func:`experiments.cli.base.boundary`).
"""

import sys


def main() -> None:
    """Console-script entry point."""
    try:
        from experiments.cli import main as command_line
    except KeyboardInterrupt:
        sys.stderr.write("interrupted.\n")
        raise SystemExit(130) from None
    command_line()
