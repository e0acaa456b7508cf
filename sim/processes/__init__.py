"""The monthly processes, each a vectorised function of the model, in the order they run."""

from sim.processes.assistance import allocate_support, assistance, drop_out
from sim.processes.destination import destination
from sim.processes.exits import arrive, exploitation, identification
from sim.processes.journey import journey
from sim.processes.migration import remigration
from sim.processes.pressure import pressure
from sim.processes.reintegration import count_down, reintegration
from sim.processes.retrafficking import retrafficking

__all__ = [
    "allocate_support",
    "arrive",
    "assistance",
    "count_down",
    "destination",
    "drop_out",
    "exploitation",
    "identification",
    "journey",
    "pressure",
    "reintegration",
    "remigration",
    "retrafficking",
]
