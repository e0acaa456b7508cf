"""``retraffic dashboard``: the dashboard in the browser, on this machine only."""

from __future__ import annotations

import socket
import subprocess
import sys
from typing import Annotated

import typer

from experiments.cli.base import InputError, app, console, user_errors

_Port = Annotated[int, typer.Option(help="Port on 127.0.0.1.", min=1, max=65535)]


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether ``port`` on ``host`` can be listened on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


@app.command("dashboard")
def dashboard_cmd(port: _Port = 8765) -> None:
    """Start the dashboard (Explore a cohort live, Compare stored results) on 127.0.0.1."""
    with user_errors():
        try:
            import solara  # noqa: F401
        except ImportError:
            raise InputError(
                "the dashboard needs Solara: pip install -e '.[dashboard]' (or '.[test]')."
            ) from None
        if not port_free(port):
            raise InputError(
                f"--port: port {port} on 127.0.0.1 is in use (another dashboard?); give a free "
                "one, e.g. --port 8766."
            )
    console.print(f"Dashboard on http://127.0.0.1:{port}/ (Ctrl-C stops it).", soft_wrap=True)
    command = [
        sys.executable, "-m", "solara", "run", "experiments.dashboard.app",
        "--host", "127.0.0.1", "--port", str(port), "--production", "--no-open",
        "--no-check-version",  # it would ask PyPI at every start
    ]  # fmt: skip
    server = subprocess.Popen(command)
    try:
        code = server.wait()
    except KeyboardInterrupt:
        server.terminate()
        server.wait(timeout=30)
        console.print("dashboard stopped.")
        raise typer.Exit(130) from None
    if code:
        raise typer.Exit(1)
