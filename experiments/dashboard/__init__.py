"""The dashboard in the browser (``retraffic dashboard``), built with Solara.

- :mod:`experiments.dashboard.live`: what the pages show, without a browser: the policy levers
  read from the parameter model, and a cohort that runs month by month;
- :mod:`experiments.dashboard.app`: the Solara pages, *Explore* and *Compare*.
"""
