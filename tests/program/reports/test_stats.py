"""The report's statistics against published worked examples and against scipy/statsmodels."""

import math
import random

import numpy as np
import pytest
from scipy import stats as scipy_stats
from statsmodels.duration.survfunc import SurvfuncRight
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from program.reports.stats import (
    kaplan_meier,
    mean_difference,
    mean_interval,
    newcombe_difference,
    restricted_mean,
    restricted_mean_difference,
    wilson_interval,
)

# Newcombe (1998a), "Two-sided confidence intervals for the single proportion", Table I,
# method 3 (Wilson score interval without continuity correction).
WILSON_PUBLISHED = [
    ((81, 263), (0.2553, 0.3662)),
    ((15, 148), (0.0624, 0.1605)),
    ((0, 20), (0.0000, 0.1611)),
    ((1, 29), (0.0061, 0.1718)),
    ((29, 29), (0.8830, 1.0000)),
]

# Newcombe (1998b), "Interval estimation for the difference between independent proportions",
# Table II, method 10 (hybrid score interval).
NEWCOMBE_PUBLISHED = [
    ((56, 70, 48, 80), (0.0524, 0.3339)),
    ((9, 10, 3, 10), (0.1705, 0.8090)),
    ((5, 56, 0, 29), (-0.0381, 0.1926)),
    ((0, 10, 0, 20), (-0.1611, 0.2775)),
    ((0, 10, 0, 10), (-0.2775, 0.2775)),
    ((10, 10, 0, 20), (0.6791, 1.0000)),
    ((10, 10, 0, 10), (0.6075, 1.0000)),
]


@pytest.mark.parametrize(("counts", "published"), WILSON_PUBLISHED)
def test_the_wilson_interval_matches_newcombes_worked_examples(counts, published):
    low, high = wilson_interval(*counts)
    assert (round(low, 4), round(high, 4)) == published


def test_the_wilson_interval_matches_statsmodels_for_many_counts():
    rng = random.Random(6)
    for _ in range(200):
        n = rng.randint(1, 2000)
        count = rng.randint(0, n)
        expected = proportion_confint(count, n, alpha=0.05, method="wilson")
        assert wilson_interval(count, n) == pytest.approx(expected, abs=1e-12)


def test_the_wilson_interval_is_empty_for_nobody_and_refuses_impossible_counts():
    assert wilson_interval(0, 0) is None
    with pytest.raises(ValueError, match="outside"):
        wilson_interval(5, 4)


@pytest.mark.parametrize(("counts", "published"), NEWCOMBE_PUBLISHED)
def test_the_newcombe_difference_matches_the_published_examples(counts, published):
    estimate = newcombe_difference(*counts)
    assert estimate.value == pytest.approx(counts[0] / counts[1] - counts[2] / counts[3])
    assert (round(estimate.low, 4), round(estimate.high, 4)) == published


def test_the_newcombe_difference_matches_statsmodels_for_many_counts():
    rng = random.Random(7)
    for _ in range(200):
        n_a, n_b = rng.randint(1, 900), rng.randint(1, 900)
        a, b = rng.randint(0, n_a), rng.randint(0, n_b)
        expected = confint_proportions_2indep(a, n_a, b, n_b, method="newcomb", compare="diff")
        estimate = newcombe_difference(a, n_a, b, n_b)
        assert [estimate.low, estimate.high] == pytest.approx(list(expected), abs=1e-12)


def test_a_difference_with_an_empty_group_has_no_estimate():
    assert newcombe_difference(3, 10, 0, 0).ci95 is None


def _sums(values):
    return len(values), float(sum(values)), float(sum(v * v for v in values))


def test_the_mean_interval_matches_scipys_t_interval():
    rng = np.random.default_rng(3)
    for size in (2, 3, 10, 57, 400):
        values = rng.integers(-4, 5, size).astype(float)
        estimate = mean_interval(*_sums(values))
        expected = scipy_stats.t.interval(0.95, size - 1, loc=values.mean(),
                                          scale=scipy_stats.sem(values))
        assert estimate.value == pytest.approx(values.mean())
        assert [estimate.low, estimate.high] == pytest.approx(list(expected), abs=1e-9)


def test_the_mean_interval_of_a_published_example():
    # Student's sleep data (Cushny & Peebles, as used by Student 1908): the paired differences
    # have mean 1.58 and the textbook 95% interval 0.700 to 2.460.
    differences = [1.2, 2.4, 1.3, 1.3, 0.0, 1.0, 1.8, 0.8, 4.6, 1.4]
    estimate = mean_interval(*_sums(differences))
    assert estimate.value == pytest.approx(1.58)
    assert (round(estimate.low, 3), round(estimate.high, 3)) == (0.700, 2.460)


def test_one_value_has_a_mean_but_no_interval_and_equal_values_a_zero_width_one():
    assert mean_interval(1, 2.0, 4.0).ci95 is None
    assert mean_interval(0, 0.0, 0.0).value is None
    assert mean_interval(*_sums([2.0] * 6)).ci95 == [2.0, 2.0]


def test_the_difference_of_means_matches_welchs_t_interval_in_scipy():
    rng = np.random.default_rng(4)
    a = rng.integers(-2, 5, 80).astype(float)
    b = rng.integers(-3, 3, 45).astype(float)
    estimate = mean_difference(_sums(a), _sums(b))
    expected = scipy_stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert estimate.value == pytest.approx(a.mean() - b.mean())
    assert [estimate.low, estimate.high] == pytest.approx([expected.low, expected.high])


# Freireich et al. (1963), 6-MP arm, remission times in weeks (+ = censored); Klein &
# Moeschberger (2003) Table 4.1A gives S(t) and Greenwood standard errors, median 23.
SIX_MP = [(6, 1), (6, 1), (6, 1), (6, 0), (7, 1), (9, 0), (10, 1), (10, 0), (11, 0), (13, 1),
          (16, 1), (17, 0), (19, 0), (20, 0), (22, 1), (23, 1), (25, 0), (32, 0), (32, 0),
          (34, 0), (35, 0)]


def test_kaplan_meier_reproduces_the_six_mp_textbook_table():
    km = kaplan_meier([(t, e, 1 - e) for t, e in SIX_MP])
    table = [(s.time, s.at_risk, s.events, round(s.survival, 3),
              round(s.survival * math.sqrt(s.greenwood), 3)) for s in km.steps]
    assert table == [(6, 21, 3, 0.857, 0.076), (7, 17, 1, 0.807, 0.087),
                     (10, 15, 1, 0.753, 0.096), (13, 12, 1, 0.690, 0.107),
                     (16, 11, 1, 0.627, 0.114), (22, 7, 1, 0.538, 0.128),
                     (23, 6, 1, 0.448, 0.135)]
    assert (km.n, km.events) == (21, 9)
    assert km.median.value == 23
    # The log-log Brookmeyer-Crowley interval never reaches its upper end in these data.
    assert (km.median.low, km.median.high) == (13, None)


def test_kaplan_meier_median_and_interval_match_statsmodels_on_random_data():
    rng = np.random.default_rng(5)
    for _ in range(30):
        size = int(rng.integers(20, 400))
        times = rng.integers(1, 60, size).astype(float)
        events = (rng.random(size) < rng.uniform(0.3, 0.95)).astype(float)
        km = kaplan_meier([(t, int(e), 1 - int(e)) for t, e in zip(times, events, strict=True)])
        reference = SurvfuncRight(times, events)
        probs = [s.survival for s in km.steps]
        assert probs == pytest.approx(list(reference.surv_prob))
        if any(abs(p - 0.5) < 1e-12 for p in probs):
            continue  # statsmodels uses S < 0.5 strictly; we use S <= 0.5 (Klein & Moeschberger)
        expected_median = reference.quantile(0.5)
        assert km.median.value == (None if np.isnan(expected_median) else expected_median)
        low, high = reference.quantile_ci(0.5, method="cloglog")
        assert km.median.low == (None if np.isnan(low) else low)
        assert km.median.high == (None if np.isnan(high) or np.isinf(high) else high)


def test_kaplan_meier_with_no_events_has_no_median():
    km = kaplan_meier([(10, 0, 5), (20, 0, 3)])
    assert (km.median.value, km.median.ci95, km.n) == (None, None, 8)


def _statsmodels_restricted_mean(times, events, tau):
    """Area under statsmodels' Kaplan-Meier curve up to tau, and the Greenwood-type variance."""
    curve = SurvfuncRight(np.array(times, float), np.array(events, float))
    keep = curve.surv_times <= tau
    knots = np.concatenate([[0.0], curve.surv_times[keep], [tau]])
    heights = np.concatenate([[1.0], curve.surv_prob[keep]])
    area_pieces = np.diff(knots) * heights
    variance = 0.0
    for i, (n, d) in enumerate(zip(curve.n_risk[keep], curve.n_events[keep], strict=True)):
        if n > d:
            variance += area_pieces[i + 1:].sum() ** 2 * d / (n * (n - d))
    return area_pieces.sum(), variance


def test_without_censoring_the_restricted_mean_is_the_mean_of_the_capped_times():
    rng = random.Random(3)
    times = [rng.randrange(1, 500) for _ in range(200)]
    tau = 365
    km = kaplan_meier([(t, 1, 0) for t in times])
    capped = np.minimum(times, tau)
    estimate = restricted_mean(km, tau)
    assert estimate.value == pytest.approx(capped.mean())
    # Uncensored, the Greenwood-type variance is the plug-in variance of the capped times / n.
    half = (estimate.high - estimate.low) / 2
    assert half == pytest.approx(1.959964 * math.sqrt(capped.var() / len(times)), rel=1e-6)


def test_the_restricted_mean_with_censoring_matches_statsmodels_kaplan_meier():
    rng = random.Random(8)
    rows = [(rng.randrange(1, 700), rng.random() < 0.4) for _ in range(300)]
    tau = 365
    km = kaplan_meier([(t, int(e), int(not e)) for t, e in rows])
    area, variance = _statsmodels_restricted_mean([t for t, _ in rows], [e for _, e in rows], tau)
    estimate = restricted_mean(km, tau)
    assert estimate.value == pytest.approx(area)
    assert estimate.ci95 == pytest.approx([area - 1.959964 * math.sqrt(variance),
                                           area + 1.959964 * math.sqrt(variance)], rel=1e-6)


def test_the_restricted_mean_says_when_nobody_was_followed_long_enough():
    short = kaplan_meier([(100, 1, 0), (200, 0, 1), (300, 0, 3)])
    assert restricted_mean(short, 365).value is None
    # Nobody promoted, everyone followed for the whole window: the mean is the window itself.
    none_promoted = restricted_mean(kaplan_meier([(365, 0, 10), (400, 0, 5)]), 365)
    assert (none_promoted.value, none_promoted.ci95) == (365, [365, 365])
    # Everyone promoted early: the curve reached 0, so the mean exists however short follow-up.
    early = restricted_mean(kaplan_meier([(10, 2, 0), (20, 2, 0)]), 365)
    assert early.value == pytest.approx(15)


def test_a_restricted_mean_difference_adds_the_two_variances():
    a = kaplan_meier([(t, 1, 0) for t in (30, 60, 90, 400, 500)])
    b = kaplan_meier([(t, 1, 0) for t in (100, 200, 300, 400, 500, 600)])
    mean_a, mean_b = restricted_mean(a, 365), restricted_mean(b, 365)
    difference = restricted_mean_difference(a, b, 365)
    assert difference.value == pytest.approx(mean_a.value - mean_b.value)
    half = math.hypot((mean_a.high - mean_a.low) / 2, (mean_b.high - mean_b.low) / 2)
    assert difference.ci95 == pytest.approx([difference.value - half, difference.value + half])
