"""The vocabulary of the model: survivor states, event types, causes, routes and categories.

Codes are small integers stored in numpy columns; the names are what users see in the event
log and tables. Adding a member at the end of an enum never changes earlier codes.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class Code(IntEnum):
    """A small integer code with a name, used as a numpy scalar in the monthly processes.

    numpy asks each operand's type for ``__array_ufunc__`` and ``__array_function__``; an
    enum's type answers a missing name by raising inside ``EnumType.__getattr__``, which
    cost a twentieth of a run. Naming ndarray's own methods tells numpy, cheaply, that codes
    override nothing, so they compute as the integers they are.
    """

    __array_ufunc__ = np.ndarray.__array_ufunc__
    __array_function__ = np.ndarray.__array_function__


class State(Code):
    """Where a survivor is at the end of a month (exactly one each month)."""

    PENDING = 0  # not yet exited (cohort arriving over time)
    EXPLOITED = 1  # in a trafficking situation
    EXITED = 2  # transient within a month: exited, not yet routed by identification
    DEST_ASSISTANCE = 3  # assisted in the destination country (shelter, care) before return
    IN_DESTINATION = 4  # living in the destination: with residency, or irregularly
    EN_ROUTE = 5  # on the way home (assisted return, deportation, self-return)
    AT_HOME = 6  # living in the origin country
    MIGRANT = 7  # migrated again (safe or irregular channel) and not trafficked


#: States in which survivors live in the community and face re-trafficking hazards.
COMMUNITY = (State.IN_DESTINATION, State.AT_HOME, State.MIGRANT)


class Event(Code):
    """What happened to a survivor in a month."""

    EXITED = 0
    REFERRED = 1
    DEPORTED = 2
    ASSISTANCE_DECLINED = 3
    ASSISTANCE_UNAVAILABLE = 4
    ASSISTANCE_STARTED = 5
    ASSISTANCE_LEFT = 6
    ASSISTANCE_ENDED = 7
    RESIDENCY_GRANTED = 8
    RETURN_STARTED = 9
    ARRIVED_HOME = 10
    SUPPORT_WAITING = 11
    SUPPORT_STARTED = 12
    SUPPORT_MISSED = 13
    SUPPORT_ENDED = 14
    MONITORING_STARTED = 15
    MONITORING_DECLINED = 16
    MONITORING_ENDED = 17
    EMPLOYED = 18
    JOB_LOST = 19
    THREATENED = 20
    REMIGRATED = 21
    RETRAFFICKED = 22
    SUPPORT_LEFT = 23  # cut contact with (went missing from) reintegration support
    RESIDENCY_RENEWED = 24
    RESIDENCY_EXPIRED = 25
    HOMELESS = 26
    REHOUSED = 27


class Cause(Code):
    """Why an event happened (the pathway, route or reason)."""

    NONE = 0
    ESCAPE = 1
    INTERCEPTION = 2
    LAW_ENFORCEMENT = 3
    NGO = 4
    NO_REFERRAL = 5
    DISTRUST = 6
    NO_CAPACITY = 7
    COMPLETED = 8
    ASSISTED_RETURN = 9
    DEPORTATION = 10
    SELF_RETURN = 11
    RESIDENCY = 12
    HANDED_BACK = 13
    EN_ROUTE = 14
    FORMER_TRAFFICKER = 15
    INTERNAL_RECRUITMENT = 16
    IN_DESTINATION = 17
    IRREGULAR_MIGRATION = 18
    SAFE_MIGRATION = 19
    TRAFFICKER_REMOVED = 20
    RETRAFFICKED = 21
    REMIGRATED = 22
    DESTINATION_SERVICE = 23  # support or monitoring by a provider in the destination
    ORIGIN_SERVICE = 24  # support or monitoring by a provider in the country of origin
    ECONOMIC = 25
    STATUS = 26
    JOB_SEARCH = 27
    JOB_PLACEMENT = 28
    HOUSING = 29
    REFERRED_ON_RETURN = 30  # referred to assistance on arrival home (IOM-2010 §5.1)


#: Causes of re-trafficking: the pathways reported by the ``pathways`` outputs.
PATHWAYS = (
    Cause.HANDED_BACK,
    Cause.EN_ROUTE,
    Cause.FORMER_TRAFFICKER,
    Cause.INTERNAL_RECRUITMENT,
    Cause.IN_DESTINATION,
    Cause.IRREGULAR_MIGRATION,
    Cause.SAFE_MIGRATION,
)


class Route(Code):
    """How a survivor left the destination after an international episode."""

    NONE = 0  # not (yet) returned: internal episode, or stayed in the destination irregularly
    ASSISTED = 1  # assisted voluntary return with risk assessment
    DEPORTED = 2
    SELF = 3
    RESIDENCY = 4  # stayed with a residence permit


class Place(Code):
    """Where a service operates."""

    ORIGIN = 0
    DESTINATION = 1


class Support(Code):
    """What protection a survivor had when re-trafficked (``status_at_retraffic``)."""

    NONE = 0
    MONITORED = 1
    SUPPORTED = 2
    WAITING = 3
    IN_ASSISTANCE = 4


class Purpose(Code):
    """Purpose of exploitation."""

    SEXUAL = 0
    LABOUR = 1
    CRIMINALITY = 2


class Family(Code):
    """The family's stance on the survivor's return."""

    SUPPORTIVE = 0
    REJECTING = 1
    COMPLICIT = 2


class Econ(Code):
    """Economic situation: before trafficking (cohort) or now (employment and debt)."""

    POOR = 0
    GETTING_BY = 1
    SECURE = 2


class Package(Code):
    """Bits of the assistance package bitmask recorded with ``ASSISTANCE_STARTED``."""

    SHELTER = 1
    MEDICAL = 2
    FINANCIAL = 4
    VOCATIONAL = 8
    LEGAL = 16
    JOB_PLACEMENT = 32
