"""Scenarios: one TOML file per named policy scenario, and their loader."""
