"""``python -m experiments.cli``: the same program as ``retraffic``, under the same guard."""

from experiments.entry import main

if __name__ == "__main__":
    main()
