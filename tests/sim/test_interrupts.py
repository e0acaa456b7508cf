"""Workers a library forks leave Ctrl-C to the process that forked them, from the fork on."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: Forks one child and prints what it saw. The hook registered before sim.interrupts is
#: imported runs first in the child, so its Ctrl-C arrives in the moment between the fork and
#: our hook: where a library's worker runs the library's code before ours.
_FORK = """
import contextlib, os, signal, sys
early = sys.argv[1] == "early"
def ctrl_c_at_once():
    if early:
        os.kill(os.getpid(), signal.SIGINT)
os.register_at_fork(after_in_child=ctrl_c_at_once)
from sim.interrupts import forks_leave_interrupts
guarded = sys.argv[2] == "guarded"
read, write = os.pipe()
with forks_leave_interrupts() if guarded else contextlib.nullcontext():
    pid = os.fork()
if pid == 0:
    try:
        ignored = signal.getsignal(signal.SIGINT) is signal.SIG_IGN
        term = signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
        blocked = signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, set())
        os.write(write, f"ignored={ignored} term={term} blocked={blocked}".encode())
    except KeyboardInterrupt:
        os.write(write, b"interrupted")
    os._exit(0)
os.close(write)
_, status = os.waitpid(pid, 0)
print(os.read(read, 200).decode(), "parent-blocked=%s" % (
    signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, set())))
"""


def _fork(early: str, guarded: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", _FORK, early, guarded],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def test_a_ctrl_c_just_after_a_fork_reaches_no_forked_worker():
    out = _fork("early", "guarded")
    assert out.stdout.split() == [
        "ignored=True",
        "term=True",
        "blocked=False",
        "parent-blocked=False",
    ], out.stdout + out.stderr
    assert "KeyboardInterrupt" not in out.stderr, out.stderr


def test_without_the_guard_that_ctrl_c_interrupts_the_new_worker():
    """The check above can fail: unguarded, the same Ctrl-C interrupts the child."""
    out = _fork("early", "unguarded")
    assert "KeyboardInterrupt" in out.stderr or out.stdout.startswith("interrupted"), (
        out.stdout + out.stderr
    )


def test_outside_the_guard_a_fork_keeps_its_parents_handlers():
    out = _fork("late", "unguarded")
    assert out.stdout.split()[:3] == ["ignored=False", "term=True", "blocked=False"], (
        out.stdout + out.stderr
    )
