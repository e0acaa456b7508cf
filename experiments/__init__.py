"""Experiments: many runs on an executor, the results store, figures, report and CLI."""
