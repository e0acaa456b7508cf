"""Packaging glue: record the git revision of the checkout a wheel is built from.

Everything else is declared in ``pyproject.toml``. ``pip install .`` builds from the checkout,
so this writes ``sim/_revision.txt`` (``git rev-parse HEAD``, with ``+dirty`` when files
differ from it) into the build; ``experiments.store.git_revision`` reads it after
installation. Built outside a checkout, the file says ``unknown``.
"""

import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


def revision() -> str:
    """The checkout's git revision, or 'unknown'."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=HERE, capture_output=True, text=True, check=True
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=HERE,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head}+dirty" if status else head


class BuildWithRevision(build_py):
    """``build_py`` that also writes the revision file into the built package."""

    def run(self) -> None:
        """Build the package as usual, then write the revision file beside its modules."""
        super().run()
        target = Path(self.build_lib) / "sim" / "_revision.txt"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(revision() + "\n", encoding="utf-8")


setup(cmdclass={"build_py": BuildWithRevision})
