"""The ``retraffic`` console script: the command line under a Ctrl-C guard.

Importing the command line and building its commands (typer, rich) takes a moment; Ctrl-C
then, before a command's error boundary (:func:`experiments.cli.base.boundary`) is in place,
would print Python's traceback. The boundary handles every moment of a command itself; this
guard covers the moments before and after it.
"""

import signal
import sys


def main() -> None:
    """Console-script entry point."""
    try:
        from experiments.cli import main as command_line

        command_line()
    except KeyboardInterrupt:
        sys.stderr.write("interrupted.\n")
        raise SystemExit(130) from None
    finally:
        exiting()


def exiting() -> None:
    """From here the process only exits: Ctrl-C has nothing left to interrupt, and is ignored.

    The command has printed its last line (or its interruption). A Ctrl-C during the
    interpreter's clean-up would otherwise interrupt that clean-up and print "Exception
    ignored ... KeyboardInterrupt" after the last line.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
