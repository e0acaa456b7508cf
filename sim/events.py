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
    """Collects events month by month."""

    def __init__(self, episode: NDArray[np.int16]) -> None:
        """Create an empty log.

        Args:
            episode: The model's live episode column; its value is copied into every event.
        """
        self._episode = episode
        self._chunks: list[dict[str, NDArray]] = []

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
        n = len(who)
        if n == 0:
            return

        def col(value: ArrayLike | None, fill: int, name: str) -> NDArray:
            if value is None:
                return np.full(n, fill, dtype=_DTYPES[name])
            return np.broadcast_to(np.asarray(value).astype(_DTYPES[name]), (n,)).copy()

        self._chunks.append(
            {
                "month": np.full(n, month, dtype=np.int16),
                "survivor": np.asarray(who, dtype=np.int32),
                "event": np.full(n, event, dtype=np.int8),
                "cause": col(cause, 0, "cause"),
                "episode": self._episode[who].astype(np.int16),
                "international": col(international, -1, "international"),
                "trafficker": col(trafficker, -1, "trafficker"),
                "package": col(package, 0, "package"),
                "purpose": col(purpose, -1, "purpose"),
            }
        )

    def to_frame(self) -> pd.DataFrame:
        """The log as a DataFrame with categorical ``event`` and ``cause`` names."""
        if self._chunks:
            data = {c: np.concatenate([ch[c] for ch in self._chunks]) for c in COLUMNS}
        else:
            data = {c: np.empty(0, dtype=_DTYPES[c]) for c in COLUMNS}
        return frame(data)


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
