"""Calibration: targets, priors, fitting and sensitivity analysis."""
