"""The ``retraffic`` console script: the command line under a Ctrl-C guard.

Importing the command line and building its commands (typer, rich) takes a moment; Ctrl-C
then, before a command's error boundary (:func:`experiments.cli.base.boundary`) is in place,
would print Python's traceback. The boundary handles every moment of a command itself; this
guard covers the moments before and after it, and the moments Python cannot raise in.
"""

import os
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

#: Seconds after a swallowed interruption until it is delivered again (the hook has returned).
REDELIVERY_SECONDS = 0.05


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread so it stops work the way Ctrl-C does."""


def main() -> None:
    """Console-script entry point."""
    sys.unraisablehook = redeliver_interrupts(sys.unraisablehook)
    try:
        from experiments.cli import main as command_line

        command_line()
    except KeyboardInterrupt:
        sys.stderr.write("interrupted.\n")
        raise SystemExit(130) from None
    finally:
        exiting()


def redeliver_interrupts(previous: Callable[[Any], object]) -> Callable[[Any], None]:
    """An unraisable-exception hook that delivers a swallowed Ctrl-C or SIGTERM again.

    A signal that arrives while Python runs code it cannot raise from (a weak reference's
    callback, a finaliser, often during garbage collection) is printed as "Exception ignored
    ... KeyboardInterrupt" and the command carries on as if nothing had been pressed. This
    hook sends the same signal again from a timer thread, so it reaches the main thread
    :data:`REDELIVERY_SECONDS` later in ordinary code, where the command stops as it should.
    Anything else goes to ``previous``.
    """

    def hook(unraisable: Any) -> None:
        error = getattr(unraisable, "exc_value", None)
        if not isinstance(error, KeyboardInterrupt):
            previous(unraisable)
            return
        number = signal.SIGTERM if isinstance(error, Terminated) else signal.SIGINT
        # a moment later: sent at once, it would land in this hook, which cannot raise either
        later = threading.Timer(REDELIVERY_SECONDS, os.kill, args=(os.getpid(), number))
        later.daemon = True
        later.start()

    return hook


def exiting() -> None:
    """From here the process only exits: Ctrl-C has nothing left to interrupt, and is ignored.

    The command has printed its last line (or its interruption). A Ctrl-C during the
    interpreter's clean-up would otherwise interrupt that clean-up and print "Exception
    ignored ... KeyboardInterrupt" after the last line.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
