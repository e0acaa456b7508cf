"""Scenarios: one TOML file per named policy scenario, and their loader."""

#: The three policies the mission asks about (longer monitoring, residency options, safe and
#: legal migration), compared in the main job, the sensitivity analysis and the experiments.
HEADLINE_POLICIES = ("longer_monitoring", "residency", "safe_migration")
