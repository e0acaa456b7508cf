"""The event log: every transition, with the month, the survivor, the event and its cause.

Events are appended as whole arrays each month and joined into one tidy DataFrame at the end.
Columns: ``month``, ``survivor`` (row in the cohort), ``event``, ``cause``, ``episode`` (the
survivor's episode count when it happened), ``international`` (1/0 for the episode the event
concerns, -1 when not applicable), ``trafficker`` (-1 when none), ``package`` (bitmask of
:class:`sim.states.Package` for ``ASSISTANCE_STARTED``, else 0) and ``purpose``
(:class:`sim.states.Purpose` of the new episode for ``RETRAFFICKED``, else -1).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from sim.states import Cause, Event

COLUMNS = (
    "month",
    "survivor",
    "event",
    "cause",
    "episode",
    "international",
    "trafficker",
    "package",
    "purpose",
)
_DTYPES = {
    "month": np.int16,
    "survivor": np.int32,
    "event": np.int8,
    "cause": np.int8,
    "episode": np.int16,
    "international": np.int8,
    "trafficker": np.int32,
    "package": np.int16,
    "purpose": np.int8,
}
#: Value of each optional column when an event does not set it.
_FILL = {"cause": 0, "international": -1, "trafficker": -1, "package": 0, "purpose": -1}


class EventLog:
    """Collects events month by month, in typed chunks.

    Each call of :meth:`record` is a chunk: its survivors and episodes as small typed arrays,
    its month and event, and of the other columns only those it gave (one value for all, or
    an array). They are expanded into whole columns once, in :meth:`columns`. So recording
    costs little more than the copy of the survivors' rows, however many columns the log has.
    """

    def __init__(self, episode: NDArray[np.int16]) -> None:
        """Create an empty log.

        Args:
            episode: The model's live episode column; its value is copied into every event.
        """
        self._episode = episode
        self._who: list[NDArray[np.int32]] = []
        self._episodes: list[NDArray[np.int16]] = []
        self._months: list[int] = []
        self._events: list[int] = []
        #: Per optional column: (chunk number, the value given) for the chunks that gave one.
        self._given: dict[str, list[tuple[int, ArrayLike]]] = {c: [] for c in _FILL}

    def record(
        self,
        month: int,
        who: NDArray[np.intp],
        event: Event,
        cause: Cause | NDArray[np.int8],
        *,
        international: ArrayLike | None = None,
        trafficker: ArrayLike | None = None,
        package: ArrayLike | None = None,
        purpose: ArrayLike | None = None,
    ) -> None:
        """Append one event for each survivor in ``who``."""
        if len(who) == 0:
            return
        chunk, given = len(self._who), self._given
        self._who.append(np.asarray(who, dtype=np.int32))
        self._episodes.append(self._episode[who])
        self._months.append(month)
        self._events.append(int(event))
        given["cause"].append((chunk, cause))
        if international is not None:
            given["international"].append((chunk, international))
        if trafficker is not None:
            given["trafficker"].append((chunk, trafficker))
        if package is not None:
            given["package"].append((chunk, package))
        if purpose is not None:
            given["purpose"].append((chunk, purpose))

    def columns(self) -> dict[str, NDArray]:
        """Every column of the log as one typed array."""
        if not self._who:
            return {c: np.empty(0, dtype=_DTYPES[c]) for c in COLUMNS}
        sizes = np.array([len(w) for w in self._who])
        data = {
            "survivor": np.concatenate(self._who),
            "episode": np.concatenate(self._episodes).astype(_DTYPES["episode"]),
            "month": np.repeat(np.array(self._months, dtype=_DTYPES["month"]), sizes),
            "event": np.repeat(np.array(self._events, dtype=_DTYPES["event"]), sizes),
        }
        for name, given in self._given.items():
            data[name] = _expand(given, sizes, name)
        return {c: data[c] for c in COLUMNS}

    def to_frame(self) -> pd.DataFrame:
        """The log as a DataFrame with categorical ``event`` and ``cause`` names."""
        return frame(self.columns())


def _expand(given: list[tuple[int, ArrayLike]], sizes: NDArray[np.intp], name: str) -> NDArray:
    """One column from the chunks' given values; the column's fill where none was given.

    Numbers are repeated over their chunks' rows; the arrays are then written in one
    assignment, as they are the rows of the chunks that gave one, in order.
    """
    dtype = _DTYPES[name]
    per_chunk = np.full(len(sizes), _FILL[name], dtype=dtype)
    is_array = np.zeros(len(sizes), dtype=bool)
    arrays = []
    for chunk, value in given:
        if isinstance(value, np.ndarray):
            is_array[chunk] = True
            arrays.append(value)
        else:
            per_chunk[chunk] = value
    out = np.repeat(per_chunk, sizes)
    if arrays:
        out[np.repeat(is_array, sizes)] = np.concatenate(arrays)
    return out


def frame(data: Mapping[str, ArrayLike]) -> pd.DataFrame:
    """Build an event-log DataFrame from integer codes (also used to hand-build test logs).

    ``month``, ``survivor``, ``event`` and ``episode`` are required; other columns take their
    not-applicable value when missing.
    """
    n = len(np.asarray(data["month"]))
    codes = {
        c: (np.asarray(data[c]) if c in data else np.full(n, _FILL[c])).astype(
            _DTYPES[c], copy=False
        )
        for c in COLUMNS
    }
    columns: dict[str, Any] = dict(codes)
    columns["event"] = pd.Categorical.from_codes(codes["event"], categories=_EVENT_NAMES)
    columns["cause"] = pd.Categorical.from_codes(codes["cause"], categories=_CAUSE_NAMES)
    return pd.DataFrame(columns)


_EVENT_NAMES = pd.Index([e.name for e in Event])
_CAUSE_NAMES = pd.Index([c.name for c in Cause])
