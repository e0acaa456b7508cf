"""The results store: each run's outcome tables as Parquet under ``results/<experiment>/``.

Layout::

    results/<experiment>/manifest.json            settings, scenarios with resolved parameters,
                                                  seeds, versions, git revision, times
    results/<experiment>/runs/<scenario>/r0007/    one finished run: <table>.parquet files

A run is written into a temporary folder and renamed into place in one step, so a run folder
either holds all its tables or does not exist: an interrupted experiment loses nothing that
finished, and the next call skips what is there.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.tasks import TABLES


class StoreMismatch(ValueError):
    """The folder holds runs made with different settings."""


class ResultsStore:
    """One experiment's folder of runs."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    # --- manifest ------------------------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        """Where the manifest lives."""
        return self.root / "manifest.json"

    def read_manifest(self) -> dict[str, Any] | None:
        """The manifest, or None for a new store."""
        if not self.manifest_path.is_file():
            return None
        return json.loads(self.manifest_path.read_text(encoding="utf-8"))

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        """Write the manifest atomically."""
        self.root.mkdir(parents=True, exist_ok=True)
        _atomic_write(self.manifest_path, json.dumps(manifest, indent=2, default=str) + "\n")

    def check_compatible(self, settings: dict[str, Any]) -> None:
        """Refuse to mix runs made with different settings in one folder."""
        old = self.read_manifest()
        if old is None:
            return
        for key, value in settings.items():
            if json.loads(json.dumps(old.get("settings", {}).get(key), default=str)) != json.loads(
                json.dumps(value, default=str)
            ):
                raise StoreMismatch(
                    f"{self.root} holds runs made with a different {key}; use another --output "
                    "folder or delete this one."
                )

    # --- runs ----------------------------------------------------------------------------------
    def run_dir(self, scenario: str, replicate: int) -> Path:
        """The folder of one run."""
        return self.root / "runs" / scenario / f"r{replicate:04d}"

    def clean_partial(self) -> int:
        """Remove half-written run folders left by a killed process; returns how many."""
        stale = list(self.root.glob("runs/*/.r*"))
        for folder in stale:
            shutil.rmtree(folder, ignore_errors=True)
        return len(stale)

    def finished(self) -> list[tuple[str, int]]:
        """Every stored run as (scenario, replicate), sorted."""
        return sorted(
            (d.parent.name, int(d.name[1:])) for d in self.root.glob("runs/*/r*") if d.is_dir()
        )

    def has(self, scenario: str, replicate: int) -> bool:
        """Whether a run finished and was stored."""
        return self.run_dir(scenario, replicate).is_dir()

    def save(self, scenario: str, replicate: int, tables: dict[str, pd.DataFrame]) -> None:
        """Store one run's tables atomically (all or nothing)."""
        final = self.run_dir(scenario, replicate)
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=final.parent))
        try:
            for name, frame in tables.items():
                frame.to_parquet(tmp / f"{name}.parquet", index=False)
            os.replace(tmp, final)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)

    def shared_token(self) -> str:
        """Write a new random token into the folder and return it.

        A process that reads it back sees this folder (shares this file system), so it may
        store runs itself.
        """
        token = uuid.uuid4().hex
        self.root.mkdir(parents=True, exist_ok=True)
        self._token_path(token).write_text(token, encoding="utf-8")
        return token

    def has_token(self, token: str) -> bool:
        """Whether this process sees the token written by :meth:`shared_token`."""
        try:
            return self._token_path(token).read_text(encoding="utf-8") == token
        except OSError:
            return False

    def drop_token(self, token: str) -> None:
        """Remove a token written by :meth:`shared_token`."""
        self._token_path(token).unlink(missing_ok=True)

    def _token_path(self, token: str) -> Path:
        return self.root / f".token-{token}"

    def load(self, table: str, scenarios: list[str] | None = None) -> pd.DataFrame:
        """One table across all stored runs, sorted by scenario and replicate."""
        if table not in TABLES:
            raise ValueError(f"table must be one of {', '.join(TABLES)} (got {table!r}).")
        files = sorted(self.root.glob(f"runs/*/r*/{table}.parquet"))
        if scenarios is not None:
            files = [f for f in files if f.parent.parent.name in scenarios]
        if not files:
            return pd.DataFrame()
        frame = _read_all(files)
        return frame.sort_values(["scenario", "replicate"], kind="stable").reset_index(drop=True)


def _read_all(files: list[Path]) -> pd.DataFrame:
    """Many runs' copies of one table, read in one multi-threaded pass by pyarrow.

    Runs whose columns differ only by a type promotion (a column all missing in one run)
    are read with one schema that holds them all.
    """
    import pyarrow as pa
    import pyarrow.dataset as ds

    paths = [str(f) for f in files]
    fragments = ds.dataset(paths, format="parquet").get_fragments()
    schema = pa.unify_schemas([f.physical_schema for f in fragments], promote_options="permissive")
    return ds.dataset(paths, format="parquet", schema=schema).to_table().to_pandas()


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def git_revision() -> str:
    """The git revision of the code, or 'unknown' outside a checkout."""
    here = Path(__file__).resolve().parent
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=here,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() if out.returncode == 0 else "unknown"
