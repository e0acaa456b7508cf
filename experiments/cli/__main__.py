"""``python -m experiments.cli``: the same program as ``retraffic``."""

from experiments.cli import main

if __name__ == "__main__":
    main()
