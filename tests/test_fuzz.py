"""Fuzzing the error boundary: malformed input is bad input (exit 2), never a traceback.

Every loader (scenario, parameters, targets, priors, posterior) is fed byte-mutated copies of
the shipped files and generated TOML; the command line is fed generated flags and files. A
loader may accept what it is given or raise :class:`sim.inputs.InputError`; the command line
may succeed or exit 2 with one sentence. Anything else (another exception, exit 1, a
traceback) fails. Each check runs a fast sample in the default suite and many more examples
in the slow suite (2,000 and more in all).
"""

import tempfile
from pathlib import Path

import pandas as pd
import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from calibration.posterior import DEFAULT, read_posterior
from calibration.spec import PRIORS, TARGETS, load_priors, load_targets
from experiments.cli import app
from scenarios.loader import SHIPPED, load
from sim.inputs import InputError
from sim.parameters import Params, names

runner = CliRunner()
FAST, MANY = 15, 400


def fuzz(examples):
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def both(strategy, check):
    """A fast test and a slow many-example test of ``check`` over ``strategy``."""

    @fuzz(FAST)
    @given(strategy)
    def sample(value):
        check(value)

    @pytest.mark.slow
    @fuzz(MANY)
    @given(strategy)
    def many(value):
        check(value)

    return sample, many


# --- what is generated -------------------------------------------------------------------------
def mutated(original: bytes) -> st.SearchStrategy[bytes]:
    """``original`` with a few bytes replaced, inserted or deleted, or cut short."""
    edit = st.tuples(
        st.sampled_from(["replace", "insert", "delete", "cut"]),
        st.integers(0, max(len(original) - 1, 0)),
        st.binary(min_size=1, max_size=8),
    )

    def apply(edits):
        data = bytearray(original)
        for kind, at, payload in edits:
            at = min(at, len(data))
            if kind == "replace":
                data[at : at + len(payload)] = payload
            elif kind == "insert":
                data[at:at] = payload
            elif kind == "delete":
                del data[at : at + len(payload)]
            else:
                del data[at:]
        return bytes(data)

    return st.lists(edit, min_size=1, max_size=4).map(apply)


SCALARS = (
    st.none().filter(lambda _: False)  # TOML has no null
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
)
KEYS = st.sampled_from(
    [
        *list(names())[:12],
        "title",
        "description",
        "source",
        "extends",
        "overrides",
        "sources",
        "target",
        "prior",
        "id",
        "statistic",
        "value",
        "n",
        "se",
        "parameter",
        "lower",
        "upper",
        "[/x]",
        "policy",
        "cohort",
        "",
    ]
)
TOML_VALUES = st.recursive(
    SCALARS | st.lists(SCALARS, max_size=3),
    lambda inner: (
        st.dictionaries(KEYS, inner, max_size=4)
        | st.lists(st.dictionaries(KEYS, inner, max_size=4), max_size=2)
    ),
    max_leaves=12,
)
GENERATED_TOML = st.dictionaries(KEYS, TOML_VALUES, max_size=6).map(
    lambda doc: tomli_w.dumps(doc).encode()
)


def files(original: Path) -> st.SearchStrategy[bytes]:
    return mutated(original.read_bytes()) | GENERATED_TOML


# --- loaders -----------------------------------------------------------------------------------
def loads_or_rejects(loader, data: bytes, suffix: str = ".toml"):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        try:
            loader(path)
        except InputError as err:
            assert str(err).strip(), "an empty error message"
            assert "\n" not in str(err).strip(), "an error of more than one line"


test_scenario_files, test_scenario_files_many = both(
    files(SHIPPED / "residency.toml"), lambda data: loads_or_rejects(load, data)
)
test_parameter_files, test_parameter_files_many = both(
    mutated(Params().to_toml().encode()) | GENERATED_TOML,
    lambda data: loads_or_rejects(Params.from_file, data),
)
test_target_files, test_target_files_many = both(
    files(TARGETS), lambda data: loads_or_rejects(load_targets, data)
)
test_prior_files, test_prior_files_many = both(
    files(PRIORS), lambda data: loads_or_rejects(load_priors, data)
)
test_posterior_bytes, test_posterior_bytes_many = both(
    mutated(DEFAULT.read_bytes()), lambda data: loads_or_rejects(read_posterior, data, ".parquet")
)

POSTERIOR_TABLES = st.integers(1, 4).flatmap(
    lambda rows: st.dictionaries(
        st.sampled_from(
            [
                "weight",
                "survivor.hr_monitored",
                "cohort.n_survivors",
                "nothing",
                "policy.safe_migration",
            ]
        ),
        st.lists(st.floats() | st.integers(-5, 5).map(float), min_size=rows, max_size=rows),
        min_size=1,
        max_size=3,
    )
)


def _posterior_table(columns):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.parquet"
        pd.DataFrame(columns).to_parquet(path, index=False)
        loads_or_rejects(read_posterior, path.read_bytes(), ".parquet")


test_posterior_tables, test_posterior_tables_many = both(POSTERIOR_TABLES, _posterior_table)


# --- the command line --------------------------------------------------------------------------
def exits_cleanly(args):
    result = runner.invoke(app, args)
    assert result.exit_code in (0, 2), (args, result.exit_code, result.output)
    assert "Traceback" not in result.output, (args, result.output)
    if result.exit_code == 2:
        assert result.output.strip(), args


def _cli_with_file(case):
    command, data = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "input.toml"
        path.write_bytes(data)
        if command == "show":
            exits_cleanly(["scenarios", "show", str(path)])
        else:
            exits_cleanly(["run", "--params", str(path), "--months", "1", "--survivors", "5"])


test_cli_files, test_cli_files_many = both(
    st.tuples(st.just("show"), files(SHIPPED / "residency.toml"))
    | st.tuples(st.just("run"), mutated(Params().to_toml().encode()) | GENERATED_TOML),
    _cli_with_file,
)

TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30
)
SET = st.tuples(st.sampled_from([*names(), "[/x]", "policy", ""]) | TEXT, TEXT).map(
    lambda pair: f"{pair[0]}={pair[1]}"
)
FLAGS = st.lists(
    st.sampled_from(["--seed", "--months", "--survivors", "--set", "--params", "--events"]).flatmap(
        lambda flag: st.tuples(
            st.just(flag),
            SET if flag == "--set" else (st.integers(-3, 4).map(str) | TEXT),
        )
    ),
    max_size=4,
)


def _cli_run_flags(flags):
    args = ["run", "--months", "1", "--survivors", "5"]
    for flag, value in flags:
        if flag in ("--months", "--survivors") and value.lstrip("-").isdigit() and int(value) > 3:
            value = "3"  # keep the runs that are accepted small
        if flag == "--events":
            value = str(Path(tempfile.gettempdir()) / "retraffic-fuzz" / value)
        args += [flag, value]
    exits_cleanly(args)


test_cli_run_flags, test_cli_run_flags_many = both(FLAGS, _cli_run_flags)

OTHER_COMMANDS = st.one_of(
    st.tuples(st.just("scenarios"), st.just("show"), TEXT),
    st.tuples(st.just("params"), st.just("--format"), TEXT),
    st.tuples(st.just("report"), TEXT, st.just("--results"), TEXT),
    st.tuples(st.just("experiment"), st.just("run"), TEXT),
    st.tuples(st.just("sensitivity"), st.just("--method"), TEXT),
).map(list)
test_cli_commands, test_cli_commands_many = both(OTHER_COMMANDS, exits_cleanly)
