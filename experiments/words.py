"""How an estimate prints: one place, so the command line and the report print it alike.

A value is rounded as the number it holds rounds (``format``, which rounds the exact binary
value correctly: 4.635 is stored as 4.63499..., so it prints 4.63), and a value that rounds
to zero prints as zero, never "-0". Nothing here imports anything heavy, so the command line
can use it before it has loaded pandas.
"""

from __future__ import annotations

#: What an undefined estimate (NaN) prints as by default.
UNDEFINED = "n/a"

#: What an interval's infinite upper end prints as (:func:`experiments.costs.ratio_of_means`).
NO_UPPER_BOUND = "no upper bound"


def number(value: float, digits: int = 1, sign: bool = False, grouped: bool = False) -> str:
    """``value`` with ``digits`` decimals (``sign``: always a sign; ``grouped``: ``1,250``).

    >>> number(4.635, 2), number(-0.0004, 0), number(-0.04, 1, sign=True)
    ('4.63', '0', '+0.0')
    >>> number(-1.26, 1, sign=True), number(1250.5, 0, grouped=True), number(float("inf"), 0)
    ('-1.3', '1,250', 'inf')
    """
    spec = f"{'+' if sign else ''}{',' if grouped else ''}.{digits}f"
    text = format(float(value), spec)
    return format(0.0, spec) if text.lstrip("+-").strip("0.,") == "" else text


def upper_end(value: float, digits: int = 1, sign: bool = False, grouped: bool = False) -> str:
    """An interval's upper end (:func:`number`), or :data:`NO_UPPER_BOUND` where it is ``inf``.

    >>> upper_end(3096.2, 0, grouped=True), upper_end(float("inf"), 0)
    ('3,096', 'no upper bound')
    """
    return NO_UPPER_BOUND if value == float("inf") else number(value, digits, sign, grouped)


def interval(
    estimate: float,
    lower: float,
    upper: float,
    scale: float = 1.0,
    digits: int = 1,
    sign: bool = False,
    grouped: bool = False,
    undefined: str = UNDEFINED,
) -> str:
    """``estimate (lower to upper)``, each times ``scale`` (:func:`number`); ``undefined`` if NaN.

    An infinite upper end reads :data:`NO_UPPER_BOUND`.

    >>> interval(0.04635, 0.01, -0.00001, scale=100, digits=2)
    '4.63 (1.00 to 0.00)'
    >>> interval(float("nan"), 0.0, 1.0, undefined="not observed")
    'not observed'
    >>> interval(1250.0, 980.4, float("inf"), digits=0, grouped=True)
    '1,250 (980 to no upper bound)'
    """
    if estimate != estimate:
        return undefined
    middle, low = (number(v * scale, digits, sign, grouped) for v in (estimate, lower))
    return f"{middle} ({low} to {upper_end(upper * scale, digits, sign, grouped)})"
