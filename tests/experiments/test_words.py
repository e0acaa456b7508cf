"""How an estimate prints: the same text for the same value, in the command line and report."""

import numpy as np

from experiments.words import interval, number


def test_a_value_prints_as_the_number_it_holds_rounds_whatever_its_type():
    # 4.635 is stored as 4.63499...: correctly rounded it prints 4.63. numpy's round() scales
    # by 10**digits first and gave 4.64, so the command line (which rounded that way) and the
    # report (which formatted) printed the same estimate differently.
    assert format(4.635, ".20f").startswith("4.63499")
    assert str(round(np.float64(4.635), 2)) == "4.64"
    assert number(np.float64(4.635), 2) == number(4.635, 2) == "4.63"
    halves = np.float64(0.04635), np.float64(0.012345), np.float64(0.0)
    assert interval(*halves, scale=100, digits=2) == "4.63 (1.23 to 0.00)"


def test_zero_never_carries_a_sign_it_does_not_have_and_an_infinite_upper_end_reads_as_none():
    assert number(np.float64(-0.0004), 0) == "0"
    assert number(-0.04, 1, sign=True) == "+0.0"
    assert number(-1234.6, 0, sign=True, grouped=True) == "-1,235"
    assert interval(1.0, -0.0001, float("inf"), digits=2) == "1.00 (0.00 to no upper bound)"
    assert interval(float("nan"), 0.0, 1.0) == "n/a"
