"""The base of the model's actors: parts that own their parameters, state, streams and results.

As Starsim's modules do (``starsim/modules.py``, and ``loop.py`` building the step from
them), each actor keeps everything about itself in one class: the parameters it reads, its
state (columns or counters), the names of the random streams it draws from, its monthly
counts and its result tables. The model creates the actors, calls :meth:`Actor.start_month`
on each at the start of every month, and collects their counts and tables; the survivors'
processes call the actors' methods (``model.traffickers.recruit``, ``model.services.destination
.take``) rather than reaching into their state.

Adding an agent type is one new actor class; see ARCHITECTURE.md "Adding an agent type".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar

import mesa
import pandas as pd

if TYPE_CHECKING:
    from sim.model import ReintegrationModel

A = TypeVar("A", bound=mesa.Agent)


class Actor:
    """One kind of actor in the model.

    Subclasses set :attr:`name` and override what they need. Draw random numbers only through
    ``model.streams`` with site names starting with :attr:`name` (``"traffickers.removal"``),
    so every actor's draws are its own.
    """

    #: The actor's name: prefix of its stream names and of its result tables.
    name: ClassVar[str] = "actor"

    def __init__(self, model: ReintegrationModel) -> None:
        self.model = model

    def start_month(self) -> None:
        """Called at the start of every month, before the survivors' processes."""

    def counts(self) -> dict[str, int]:
        """This month's counts for the model's monthly table (name -> value)."""
        return {}

    def results(self) -> dict[str, pd.DataFrame]:
        """Tables for :class:`sim.simulation.Result` (table name -> table) at the end of a run."""
        return {}

    def materialise(self) -> None:
        """Create any Mesa agents this actor defers (see :class:`RowActor`)."""


class RowActor(Actor, Generic[A]):
    """An actor whose rows are each viewed by a Mesa agent, created when first asked for.

    A run's processes act on columns and never need the agent objects, so creating
    thousands of them (and registering each with the model) is deferred until something
    asks: ``model.agents``, ``model.agents_by_type``, ``actor.agents``, ``actor[row]``. Then
    every row's agent is created at once, in row order, and registered with the model as
    usual; rows added later (new traffickers) get theirs on the next request.

    Args:
        model: The model.
        make: Creates the agent of one row (the agent class, called as ``make(model, row)``).
    """

    def __init__(
        self, model: ReintegrationModel, make: Callable[[ReintegrationModel, int], A]
    ) -> None:
        super().__init__(model)
        self._make = make
        self._made: list[A] = []

    def __len__(self) -> int:
        """Number of rows (each subclass says what a row is)."""
        raise NotImplementedError

    @property
    def agents(self) -> list[A]:
        """Every row's Mesa agent, in row order (created on first request)."""
        self.materialise()
        return self._made

    def __getitem__(self, row: int) -> A:
        return self.agents[int(row)]

    def materialise(self) -> None:
        """Create the agents of rows nobody has asked for yet."""
        self._made.extend(self._make(self.model, row) for row in range(len(self._made), len(self)))
