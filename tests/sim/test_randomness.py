"""Random streams by name: common random numbers across levers (after Starsim's
``tests/test_randomness.py``)."""

import os
import subprocess
import sys

import numpy as np
import pytest

import sim
from sim.model import ReintegrationModel
from sim.parameters import Params, PolicyParams
from sim.parameters.fields import bounds
from sim.randomness import Streams, counter_uniforms, site_key, splitmix64

SMALL = {"cohort.n_survivors": 400, "run.horizon_months": 36}


ALL = np.arange(10)


def test_a_sites_draws_depend_only_on_the_seed_its_name_and_the_month():
    alone = Streams(7).uniforms("journey", 5, n=10, k=2)[:, ALL]
    busy = Streams(7)
    for month in range(5):
        busy.uniforms("journey", month, n=10, k=2)[:, ALL]
        busy.uniforms("a new site", month, n=10)[0, ALL]
    busy.uniforms("retrafficking", 5, n=10)[0, ALL]
    np.testing.assert_array_equal(busy.uniforms("journey", 5, n=10, k=2)[:, ALL], alone)
    assert not np.array_equal(Streams(8).uniforms("journey", 5, n=10, k=2)[:, ALL], alone)
    assert not np.array_equal(Streams(7).uniforms("journey", 6, n=10, k=2)[:, ALL], alone)
    assert not np.array_equal(Streams(7).uniforms("pressure", 5, n=10, k=2)[:, ALL], alone)
    assert not np.array_equal(alone[0], alone[1])


def test_a_survivors_draw_does_not_depend_on_who_else_is_drawn():
    u = Streams(7).uniforms("journey", 5, n=10, k=3)
    whole = u[:, ALL]
    np.testing.assert_array_equal(u[1, np.array([7, 2])], whole[1, [7, 2]])
    np.testing.assert_array_equal(u[:, np.array([4])], whole[:, [4]])
    np.testing.assert_array_equal(u[2][np.array([9, 0])], whole[2, [9, 0]])
    np.testing.assert_array_equal(u[0, ALL % 2 == 0], whole[0, ::2])
    np.testing.assert_array_equal(np.asarray(u[2]), whole[2])
    assert u[0, np.empty(0, np.intp)].shape == (0,)
    assert u[:, np.empty(0, np.intp)].shape == (3, 0)


def _reference(key: int, counters: np.ndarray) -> np.ndarray:
    """Uniforms from the numpy form of SplitMix64 (output c + 1, top 53 bits, times 2**-53)."""
    top = splitmix64(key, counters.astype(np.uint64) + np.uint64(1)) >> np.uint64(11)
    return top.astype(np.float64) * 2.0**-53


def test_the_compiled_draws_are_the_bits_of_the_numpy_splitmix64():
    # The model draws with sim.randomness's compiled kernel; every number must be the one the
    # readable numpy form gives, for any key, any counter dtype, one survivor or many, and
    # through every way of indexing Draws and Row.
    from sim.randomness import counter_uniforms

    rng = np.random.default_rng(11)
    keys = [0, 2**64 - 1, 2**63, *(int(k) for k in rng.integers(0, 2**63, size=20))]
    far = np.array([0, 1, 2**62, 2**64 - 2, 2**64 - 1], dtype=np.uint64)
    for key in keys:
        for dtype in (np.int32, np.int64, np.uint32, np.uint64):
            for n in (0, 1, 11, 12, 500):
                who = rng.choice(600, size=n, replace=False).astype(dtype)
                np.testing.assert_array_equal(counter_uniforms([key], who)[0], _reference(key, who))
        np.testing.assert_array_equal(counter_uniforms([key], far)[0], _reference(key, far))
    both = counter_uniforms(keys[:2], far)
    np.testing.assert_array_equal(both, [_reference(k, far) for k in keys[:2]])
    rows = Streams(5).uniforms("journey", 3, n=600, k=3)
    whole = np.array([_reference(key, np.arange(600)) for key in rows.keys])
    who = rng.choice(600, size=40, replace=False)
    np.testing.assert_array_equal(rows[:, who], whole[:, who])
    np.testing.assert_array_equal(rows[1:, who], whole[1:, who])
    np.testing.assert_array_equal(rows[2, who], whole[2, who])
    np.testing.assert_array_equal(rows[2][who], whole[2, who])
    np.testing.assert_array_equal(np.asarray(rows[0]), whole[0])
    np.testing.assert_array_equal(rows[:, who.tolist()], whole[:, who])


def test_draws_work_where_numba_finds_nowhere_to_cache_them():
    # A read-only install with no home folder leaves Numba no cache folder; it refuses to
    # cache and the module compiles its draws in each process instead of failing to import.
    # NUMBA_CACHE_LOCATOR_CLASSES offers Numba only a locator that finds nothing outside
    # IPython, as such a machine would.
    code = (
        "import numpy as np\n"
        "from sim.randomness import Streams, _uniforms\n"
        "u = Streams(5).uniforms('journey', 3, n=10, k=2)\n"
        "print(repr(u[:, np.arange(10)].tolist()), _uniforms._cache.__class__.__name__)\n"
    )
    env = {**os.environ, "NUMBA_CACHE_LOCATOR_CLASSES": "IPythonCacheLocator"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    numbers, cache = out.stdout.strip().rsplit(" ", 1)
    here = Streams(5).uniforms("journey", 3, n=10, k=2)[:, np.arange(10)]
    assert numbers == repr(here.tolist())
    assert cache == "NullCache"


def test_draws_outside_the_cohort_are_a_bug():
    u = Streams(7).uniforms("journey", 5, n=10)
    many = np.resize(np.arange(10), 40)
    longer = np.ones(11, dtype=bool)  # a mask with a row beyond the cohort
    for bad in (np.array([10]), np.array([-1]), np.append(many, 10), np.append(many, -1), longer):
        with pytest.raises(IndexError, match="bug: survivor rows outside"):
            u[0, bad]
        with pytest.raises(IndexError, match="bug: survivor rows outside"):
            u[:, bad]
        with pytest.raises(IndexError, match="bug: survivor rows outside"):
            u[0][bad]
    with pytest.raises(IndexError, match="bug: draws are indexed"):
        u[0, np.array([0.5])]


def test_splitmix64_gives_the_reference_outputs():
    # Vigna's splitmix64.c seeded with 1234567 (the vectors Rosetta Code and many ports
    # check) and with 0; keys broadcast against counters.
    first = [
        6457827717110365317,
        3203168211198807973,
        9817491932198370423,
        4593380528125082431,
        16408922859458223821,
    ]
    assert splitmix64(1234567, np.arange(1, 6)).tolist() == first
    assert int(splitmix64(0, [1])[0]) == 0xE220A8397B1DCDAF
    both = splitmix64(np.array([[0], [1234567]], dtype=np.uint64), np.arange(1, 3))
    assert both[1].tolist() == first[:2] and both.shape == (2, 2)


def test_monthly_keys_refuse_negative_counters():
    with pytest.raises(ValueError, match="must not be negative"):
        Streams(1).key("journey", -1)


def test_an_items_set_up_numbers_do_not_depend_on_the_others():
    s = Streams(3)
    all_five = s.numbers("trafficker.attributes", np.arange(5), k=2)
    np.testing.assert_array_equal(s.numbers("trafficker.attributes", [3, 4], k=2), all_five[:, 3:])


def test_site_keys_are_stable_across_processes():
    # Python's own hash() of a string is salted per process; a site's key must not be.
    code = "from sim.randomness import site_key; print(site_key('journey'))"
    keys = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": salt},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for salt in ("1", "2")
    }
    assert keys == {str(site_key("journey"))}
    assert site_key("journey") != site_key("journey.recruitment")
    assert 0 <= site_key("x") < 2**63


def test_a_site_asked_twice_in_a_month_gives_the_same_draws_and_a_new_shape_is_a_bug():
    s = Streams(1)
    assert s.uniforms("a", 0, 5, 2) is s.uniforms("a", 0, 5, 2)
    with pytest.raises(RuntimeError, match="bug: stream 'a'"):
        s.uniforms("a", 0, 5, 3)


def test_a_growing_list_keeps_its_draws():
    s = Streams(3)
    np.testing.assert_array_equal(
        s.per_item("trafficker.removal", 4, 10)[:6], s.per_item("trafficker.removal", 4, 6)
    )


def _traced(params: Params) -> dict:
    model = ReintegrationModel(params, seed=11)
    model.streams = Streams(11, trace=True)
    for _ in range(params.run.horizon_months):
        model.step()
    assert model.streams.trace is not None
    return model.streams.trace


def _switched(lever: str) -> object:
    """Another valid value of a policy lever."""
    value = getattr(PolicyParams(), lever)
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 6
    _, high = bounds(PolicyParams.model_fields[lever])
    return value / 2 if value and high is not None and value * 2 > high else (value or 0.1) * 2


@pytest.mark.parametrize("lever", list(PolicyParams.model_fields))
def test_switching_a_lever_leaves_every_draw_unchanged(lever):
    base = Params().with_overrides(SMALL)
    changed = base.with_overrides({f"policy.{lever}": _switched(lever)})
    a, b = _traced(base), _traced(changed)
    shared = a.keys() & b.keys()
    assert len(shared) > 0.9 * len(a)
    assert all(a[key] == b[key] for key in shared)


def test_switching_a_later_lever_leaves_first_exits_and_identification_unchanged():
    # Monitoring acts only after return: every first exit, and how each was routed, is the
    # same event for the same person in the same month.
    base = Params().with_overrides(SMALL)
    longer = base.with_overrides({"policy.monitoring_months": 48})
    first = ["EXITED", "REFERRED", "DEPORTED", "ASSISTANCE_STARTED"]

    def first_episode(params):
        events = sim.run(params, seed=5).events
        rows = events[(events.episode == 1) & events.event.isin(first)]
        return rows[["month", "survivor", "event", "cause"]].reset_index(drop=True)

    a, b = first_episode(base), first_episode(longer)
    assert len(a) > 300
    np.testing.assert_array_equal(a.to_numpy(), b.to_numpy())


def _uniform_p(x: np.ndarray) -> float:
    """Chi-square p-value of 100 equal bins against uniform."""
    from scipy import stats

    counts = np.bincount((x * 100).astype(int), minlength=100)
    return float(stats.chisquare(counts).pvalue)


def _independent_p(x: np.ndarray, y: np.ndarray) -> float:
    """Chi-square p-value of a 20 x 20 grid of pairs against independent uniforms."""
    from scipy import stats

    cells = (x * 20).astype(int) * 20 + (y * 20).astype(int)
    return float(stats.chisquare(np.bincount(cells, minlength=400)).pvalue)


@pytest.mark.slow
def test_draws_are_uniform_and_independent_across_sites_months_rows_and_survivors():
    from scipy import stats

    n = 1_000_000
    everyone = np.arange(n)
    s = Streams(2026)
    u = s.uniforms("journey", 5, n, k=2)
    x = u[0, everyone]
    assert stats.kstest(x, "uniform").pvalue > 1e-3
    assert _uniform_p(x) > 1e-3
    pairs = {
        "another site": s.uniforms("retrafficking", 5, n)[0, everyone],
        "the next month": Streams(2026).uniforms("journey", 6, n, k=2)[0, everyone],
        "another row": u[1, everyone],
        "another seed": Streams(2027).uniforms("journey", 5, n, k=2)[0, everyone],
    }
    for name, y in pairs.items():
        assert _uniform_p(y) > 1e-3, name
        assert _independent_p(x, y) > 1e-3, name
        assert abs(np.corrcoef(x, y)[0, 1]) < 5 / np.sqrt(n), name
    # Neighbouring survivors in one row, and items of the set-up streams.
    assert _independent_p(x[:-1:2], x[1::2]) > 1e-3
    items = s.numbers("trafficker.attributes", everyone, k=2)
    assert _uniform_p(items[0]) > 1e-3 and _independent_p(items[0], items[1]) > 1e-3


@pytest.mark.slow
def test_the_independence_check_rejects_a_counter_without_splitmix64s_mixing():
    # The check has power: the raw counter sequence (key + c * gamma, unmixed) is uniform
    # enough but neighbouring numbers are tied together, and the check says so.
    c = np.arange(1, 1_000_001, dtype=np.uint64)
    raw = ((c * np.uint64(0x9E3779B97F4A7C15) + np.uint64(12345)) >> np.uint64(11)).astype(
        float
    ) * 2.0**-53
    assert _independent_p(raw[:-1:2], raw[1::2]) < 1e-10


def test_monthly_draws_use_the_keys_of_key_made_a_block_of_months_at_once():
    # Streams._key_table computes Streams.key for many months and rows in numpy; the draws
    # must read exactly those keys, on both sides of a block's end and for another row count.
    streams = Streams(2**63 + 11)
    for site, k in (("journey", 1), ("admission.package", 6), ("journey", 3)):
        for month in (0, 1, 126, 127, 128, 255, 256, 599):
            draws = streams.uniforms(site, month, n=5, k=k)
            assert draws.keys == tuple(streams.key(site, month, r) for r in range(k))
            expected = counter_uniforms(draws.keys, np.arange(5))
            np.testing.assert_array_equal(draws[:, np.arange(5)], expected)
    with pytest.raises(ValueError, match="must not be negative"):
        streams.uniforms("journey", -1, n=5)
