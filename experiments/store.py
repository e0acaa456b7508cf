"""The results store: each run's outcome tables as Arrow files under ``results/<experiment>/``.

Layout::

    results/<experiment>/manifest.json            a summary: settings, scenarios with resolved
                                                  parameters, seeds, versions, revision, times
    results/<experiment>/.lock                    held by the one process writing here
    results/<experiment>/runs/<scenario>/r0007/    one finished run: <table>.arrow files and
                                                  run.json (its settings' hash, the tables'
                                                  SHA-256 checksums)

A run is written into a temporary folder and renamed into place in one step, so a run folder
either holds all its tables or does not exist. Each run folder is its own record: on reuse a
run is *verified* (its settings' hash and every table's checksum), and a damaged or mismatched
one is run again, with a notice. The manifest only summarises; a folder without one still
knows what each run is. One writer at a time holds the folder's lock (``filelock``); a second
identical comparison waits for the first and then reuses its runs.

Tables are Arrow IPC files (Feather version 2, which ``pandas.read_feather`` and Polars'
``read_ipc`` read), uncompressed. A run's tables are small, and a comparison reads one of them
from every run: Parquet's cost is per column of each file, and :meth:`ResultsStore.load` of the
one-row, 128-column headline of 64 runs took 0.16 s as Parquet and 0.05 s as Arrow here.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.tasks import TABLES
from sim.executors import alive
from sim.inputs import InputError

#: Each run folder's record of what made it and what it holds.
RECORD = "run.json"
#: How a table's file is named: ``headline.arrow``.
SUFFIX = ".arrow"


class StoreMismatch(InputError):
    """The folder holds runs made with different settings."""


class StoreDamaged(InputError):
    """A stored run's tables are missing or do not match their checksums."""


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
        """The manifest, or None for a new store (or one whose manifest cannot be read)."""
        try:
            manifest = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return manifest if isinstance(manifest, dict) else None

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        """Write the manifest atomically."""
        self.root.mkdir(parents=True, exist_ok=True)
        _atomic_write(self.manifest_path, json.dumps(manifest, indent=2, default=str) + "\n")

    def check_compatible(self, settings: dict[str, Any]) -> None:
        """Refuse to mix runs made with different settings in one folder.

        The manifest says what the folder's runs were made with; when it names other
        settings, the message says which one differs first.
        """
        old = self.read_manifest()
        if old is None:
            return
        there = _plain(old.get("settings", {}))
        for key, value in _plain(settings).items():
            if there.get(key) != value:
                raise StoreMismatch(
                    f"{self.root} holds runs made with other settings "
                    f"({_difference(key, there.get(key), value)}); use another --output "
                    "folder or delete this one."
                )

    @contextmanager
    def lock(self, on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
        """Hold the folder's write lock, waiting (with a notice) while another process has it."""
        from filelock import FileLock, Timeout

        self.root.mkdir(parents=True, exist_ok=True)
        lock = FileLock(self.root / ".lock")
        try:
            lock.acquire(timeout=0)
        except Timeout:
            if on_wait is not None:
                on_wait(f"another process is writing to {self.root}; waiting for it to finish.")
            lock.acquire()
        try:
            yield
        finally:
            lock.release()

    # --- runs ----------------------------------------------------------------------------------
    def run_dir(self, scenario: str, replicate: int) -> Path:
        """The folder of one run."""
        return self.root / "runs" / scenario / f"r{replicate:04d}"

    def clean_partial(self) -> int:
        """Remove this machine's half-written run folders whose writer has died; how many.

        Temporary folders carry their writer's host and process id: another live process's
        work in progress, or another machine's, is never touched.
        """
        removed = 0
        for folder in self.root.glob("runs/*/.r*.tmp-*"):
            owner = _owner(folder.name)
            if owner is not None and owner[0] == _HOST and not alive(owner[1]):
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
        return removed

    def finished(self) -> list[tuple[str, int]]:
        """Every stored run as (scenario, replicate), sorted (not verified: see :meth:`verify`)."""
        return sorted(
            (d.parent.name, int(d.name[1:]))
            for d in self.root.glob("runs/*/r[0-9]*")
            if d.is_dir() and d.name[1:].isdigit()
        )

    def has(self, scenario: str, replicate: int) -> bool:
        """Whether a run folder exists (not verified: see :meth:`verify`)."""
        return self.run_dir(scenario, replicate).is_dir()

    def verify(self, scenario: str, replicate: int, settings: str) -> str | None:
        """Why a stored run cannot be reused, or ``None`` when it can.

        It can when its record names ``settings`` (a run's settings hash) and every table
        matches its checksum; a run never stored gives ``"missing"``.
        """
        folder = self.run_dir(scenario, replicate)
        if not folder.is_dir():
            return "missing"
        record = _record(folder)
        if record is None:
            return f"its {RECORD} is missing or unreadable"
        if record.get("settings") != settings:
            return "it was made with other settings"
        sums = record.get("tables", {})
        for table in TABLES:
            if table not in sums:
                return f"its {RECORD} lists no {table} table"
            if _checksum(folder / f"{table}{SUFFIX}") != sums[table]:
                return f"{table}{SUFFIX} is missing or does not match its checksum"
        return None

    def save(
        self,
        scenario: str,
        replicate: int,
        tables: dict[str, pd.DataFrame],
        settings: str = "",
    ) -> None:
        """Store one run's tables and its record atomically (all or nothing).

        A folder already there (a damaged run being redone) is replaced.
        """
        final = self.run_dir(scenario, replicate)
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(
            tempfile.mkdtemp(prefix=f".{final.name}.tmp-{_HOST}-{os.getpid()}-", dir=final.parent)
        )
        try:
            sums = {}
            for name, frame in tables.items():
                path = tmp / f"{name}{SUFFIX}"
                _write(frame, path)
                sums[name] = _checksum(path)
            record = {"settings": settings, "tables": sums}
            (tmp / RECORD).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
            if final.exists():
                old = Path(
                    tempfile.mkdtemp(
                        prefix=f".{final.name}.tmp-{_HOST}-{os.getpid()}-", dir=final.parent
                    )
                )
                os.replace(final, old / "run")
                shutil.rmtree(old, ignore_errors=True)
            os.replace(tmp, final)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)

    def remove(self, scenario: str, replicate: int) -> None:
        """Remove a stored run (a damaged or mismatched one about to be redone)."""
        shutil.rmtree(self.run_dir(scenario, replicate), ignore_errors=True)

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
        """One table across all stored runs, sorted by scenario and replicate.

        Each run's file is checked against its recorded checksum first.

        Raises:
            StoreDamaged: A run's file is missing or damaged, naming the run and the remedy.
        """
        if table not in TABLES:
            raise ValueError(f"table must be one of {', '.join(TABLES)} (got {table!r}).")
        runs = [
            self.run_dir(s, k) for s, k in self.finished() if scenarios is None or s in scenarios
        ]
        if not runs:
            return pd.DataFrame()
        for folder in runs:
            record = _record(folder)
            sums = record.get("tables", {}) if record else {}
            if _checksum(folder / f"{table}{SUFFIX}") != sums.get(table, ""):
                raise StoreDamaged(
                    f"{folder}: {table}{SUFFIX} is missing or damaged; run the same comparison "
                    "or experiment again to redo that run."
                )
        frame = _read_all([folder / f"{table}{SUFFIX}" for folder in runs])
        return frame.sort_values(["scenario", "replicate"], kind="stable").reset_index(drop=True)


_HOST = socket.gethostname().replace("-", "_")


def _owner(name: str) -> tuple[str, int] | None:
    """(host, pid) of a temporary folder named ``.r0007.tmp-<host>-<pid>-<random>``."""
    parts = name.split(".tmp-", 1)[-1].split("-")
    if len(parts) < 3 or not parts[1].isdigit():
        return None
    return parts[0], int(parts[1])


def _checksum(path: Path) -> str:
    """SHA-256 of a file's bytes ('' when it cannot be read)."""
    try:
        with path.open("rb") as file:
            return hashlib.file_digest(file, "sha256").hexdigest()
    except OSError:
        return ""


def _record(folder: Path) -> dict[str, Any] | None:
    """A run folder's record, or None when it is missing or unreadable."""
    try:
        record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def settings_hash(settings: dict[str, Any]) -> str:
    """A stable hash of a JSON-able settings dictionary."""
    text = json.dumps(_plain(settings), sort_keys=True).encode()
    return hashlib.sha256(text).hexdigest()[:32]


def _plain(value: Any) -> Any:
    """``value`` as plain JSON types (how it reads back from a manifest)."""
    return json.loads(json.dumps(value, default=str))


def _difference(key: str, there: Any, here: Any) -> str:
    """The first thing that differs between two values of one setting, in words."""
    if key == "model":
        return "other model code"
    if key == "posterior":
        return "another posterior"
    if key == "scenarios" and isinstance(there, dict) and isinstance(here, dict):
        if list(there) != list(here):
            return f"scenarios {', '.join(there)} there, {', '.join(here)} now"
        for name, params in here.items():
            old = there[name] if isinstance(there[name], dict) else {}
            for parameter, value in params.items():
                if old.get(parameter) != value:
                    return f"{parameter} = {old.get(parameter)!r} there, {value!r} now"
    return f"{key} = {there!r} there, {here!r} now"


def _read_all(files: list[Path]) -> pd.DataFrame:
    """Many runs' copies of one table, read in one multi-threaded pass by pyarrow.

    Runs whose columns differ only by a type promotion (a column all missing in one run)
    are read with one schema that holds them all.
    """
    import pyarrow as pa
    import pyarrow.dataset as ds

    paths = [str(f) for f in files]
    fragments = ds.dataset(paths, format="ipc").get_fragments()
    schema = pa.unify_schemas([f.physical_schema for f in fragments], promote_options="permissive")
    return ds.dataset(paths, format="ipc", schema=schema).to_table().to_pandas()


def _write(frame: pd.DataFrame, path: Path) -> None:
    """One table as an uncompressed Arrow IPC file, its pandas types kept in the schema."""
    import pyarrow as pa
    import pyarrow.feather as feather

    feather.write_feather(
        pa.Table.from_pandas(frame, preserve_index=False), path, compression="uncompressed"
    )


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def git_revision() -> str:
    """The git revision of the code: of the checkout it runs from, or recorded when installed.

    A checkout (an editable install) is asked directly; an installed copy reads the revision
    ``setup.py`` recorded when the wheel was built from a checkout; otherwise 'unknown'.
    """
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
        out = None
    if out is not None and out.returncode == 0 and (here.parent / ".git").exists():
        return out.stdout.strip()
    recorded = here.parent / "sim" / "_revision.txt"
    try:
        return recorded.read_text(encoding="utf-8").strip() or "unknown"
    except OSError:
        return "unknown"
