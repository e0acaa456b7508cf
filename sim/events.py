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

    Each call of :meth:`record` keeps its survivors and episodes as small typed arrays and its
    other columns as they were given (one value for all, or an array); they are expanded into
    whole columns once, in :meth:`to_frame`. So recording costs little more than the copy of
    the survivors' rows, however many columns the log has.
    """

    def __init__(self, episode: NDArray[np.int16]) -> None:
        """Create an empty log.

        Args:
            episode: The model's live episode column; its value is copied into every event.
        """
        self._episode = episode
        self._who: list[NDArray[np.int32]] = []
        self._episodes: list[NDArray[np.int16]] = []
        self._given: dict[str, list[ArrayLike | None]] = {c: [] for c in _GIVEN}

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
        given = self._given
        self._who.append(np.asarray(who, dtype=np.int32))
        self._episodes.append(self._episode[who])
        given["month"].append(month)
        given["event"].append(int(event))
        given["cause"].append(cause)
        given["international"].append(international)
        given["trafficker"].append(trafficker)
        given["package"].append(package)
        given["purpose"].append(purpose)

    def columns(self) -> dict[str, NDArray]:
        """Every column of the log as one typed array."""
        if not self._who:
            return {c: np.empty(0, dtype=_DTYPES[c]) for c in COLUMNS}
        sizes = np.array([len(w) for w in self._who])
        data = {
            "survivor": np.concatenate(self._who),
            "episode": np.concatenate(self._episodes).astype(_DTYPES["episode"]),
        }
        for name, values in self._given.items():
            data[name] = _expand(values, sizes, name)
        return {c: data[c] for c in COLUMNS}

    def to_frame(self) -> pd.DataFrame:
        """The log as a DataFrame with categorical ``event`` and ``cause`` names."""
        return frame(self.columns())


#: Columns given to :meth:`EventLog.record` as one value or an array per survivor.
_GIVEN = ("month", "event", "cause", "international", "trafficker", "package", "purpose")


def _expand(values: list[ArrayLike | None], sizes: NDArray[np.intp], name: str) -> NDArray:
    """One column from each record's value (None: not applicable; a number; an array)."""
    dtype = _DTYPES[name]
    fill = _FILL.get(name, 0)
    arrays = [isinstance(v, np.ndarray) for v in values]
    scalar = [fill if v is None or a else v for v, a in zip(values, arrays, strict=True)]
    out = np.repeat(np.array(scalar, dtype=dtype), sizes)
    ends = np.cumsum(sizes)
    for i in np.flatnonzero(arrays):
        out[ends[i] - sizes[i] : ends[i]] = values[i]
    return out


def frame(data: Mapping[str, ArrayLike]) -> pd.DataFrame:
    """Build an event-log DataFrame from integer codes (also used to hand-build test logs).

    ``month``, ``survivor``, ``event`` and ``episode`` are required; other columns take their
    not-applicable value when missing.
    """
    n = len(np.asarray(data["month"]))
    df = pd.DataFrame(
        {
            c: (np.asarray(data[c]) if c in data else np.full(n, _FILL[c])).astype(_DTYPES[c])
            for c in COLUMNS
        }
    )
    df["event"] = pd.Categorical.from_codes(
        df["event"].to_numpy(), categories=pd.Index([e.name for e in Event])
    )
    df["cause"] = pd.Categorical.from_codes(
        df["cause"].to_numpy(), categories=pd.Index([c.name for c in Cause])
    )
    return df
