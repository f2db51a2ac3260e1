"""Small pure statistics for the outcome report: counts in, estimates with 95% intervals out.

The database does the counting (see program/reports.py); these functions only do arithmetic on
the totals, so each one is tested against published worked examples and against scipy/statsmodels
(in the tests only).

- `wilson_interval`: the Wilson score interval for one proportion (Wilson 1927; Newcombe 1998a,
  method 3). Unlike the textbook "p +/- 1.96 SE" it stays inside [0, 1] and behaves for 0/n.
- `newcombe_difference`: the difference of two independent proportions with Newcombe's hybrid
  score interval (Newcombe 1998b, method 10), built from the two Wilson intervals.
- `mean_interval` and `mean_difference`: a mean from (n, sum, sum of squares) with a t interval,
  and the difference of two means with Welch's t interval (unequal variances).
- `kaplan_meier`: the Kaplan-Meier survival curve from (time, events, censored) rows, its median
  and the Brookmeyer-Crowley 95% interval for the median, inverting the pointwise test on the
  log(-log S) scale with Greenwood's variance (the method SAS PROC LIFETEST and statsmodels'
  `SurvfuncRight.quantile_ci(method="cloglog")` use). The interval's ends are event times; an
  upper end that the data never reach is None ("not reached").
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import NormalDist

Z95 = NormalDist().inv_cdf(0.975)  # 1.959963984540054, as scipy.stats.norm.ppf(0.975)


def _t975(df: float) -> float:
    """The 0.975 quantile of Student's t with df degrees of freedom (df may be fractional).

    scipy.special (what scipy.stats.t.ppf calls) is imported here, on the first interval, not
    when the URLs load: scipy.stats alone takes seconds to import, on every worker's start.
    """
    from scipy.special import stdtrit

    return float(stdtrit(df, 0.975))


@dataclass(frozen=True)
class Estimate:
    value: float | None
    low: float | None
    high: float | None

    @property
    def ci95(self) -> list[float] | None:
        if self.low is None and self.high is None:
            return None
        return [self.low, self.high]


def wilson_interval(count: int, n: int, *, z: float = Z95) -> tuple[float, float] | None:
    """95% Wilson score interval for count/n; None when n is 0."""
    if n <= 0:
        return None
    if not 0 <= count <= n:
        raise ValueError(f"count {count} is outside 0..{n}")
    p = count / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    # Clamp the rounding noise at the ends (0/n and n/n give exactly 0 and 1).
    return max(0.0, centre - half), min(1.0, centre + half)


def proportion(count: int, n: int) -> Estimate:
    interval = wilson_interval(count, n)
    if interval is None:
        return Estimate(None, None, None)
    return Estimate(count / n, *interval)


def newcombe_difference(count_a: int, n_a: int, count_b: int, n_b: int, *,
                        z: float = Z95) -> Estimate:
    """p_a - p_b with Newcombe's hybrid score interval (method 10); empty when an n is 0."""
    a, b = wilson_interval(count_a, n_a, z=z), wilson_interval(count_b, n_b, z=z)
    if a is None or b is None:
        return Estimate(None, None, None)
    p_a, p_b = count_a / n_a, count_b / n_b
    (l_a, u_a), (l_b, u_b) = a, b
    difference = p_a - p_b
    low = difference - math.sqrt((p_a - l_a) ** 2 + (u_b - p_b) ** 2)
    high = difference + math.sqrt((u_a - p_a) ** 2 + (p_b - l_b) ** 2)
    return Estimate(difference, low, high)


def _variance(n: int, total: float, total_squares: float) -> float:
    mean = total / n
    # Sum of squares minus n * mean^2 can dip below zero by rounding when all values are equal.
    return max(0.0, (total_squares - n * mean * mean) / (n - 1))


def mean_interval(n: int, total: float, total_squares: float) -> Estimate:
    """Mean of n values from their sum and sum of squares, with a t-based 95% interval.

    One value has a mean but no interval; none has neither.
    """
    if n <= 0:
        return Estimate(None, None, None)
    mean = total / n
    if n == 1:
        return Estimate(mean, None, None)
    half = _t975(n - 1) * math.sqrt(_variance(n, total, total_squares) / n)
    return Estimate(mean, mean - half, mean + half)


def mean_difference(a: tuple[int, float, float], b: tuple[int, float, float]) -> Estimate:
    """mean_a - mean_b with Welch's t interval; a and b are (n, sum, sum of squares)."""
    (n_a, sum_a, sq_a), (n_b, sum_b, sq_b) = a, b
    if n_a < 2 or n_b < 2:
        return Estimate(None, None, None)
    difference = sum_a / n_a - sum_b / n_b
    va, vb = _variance(n_a, sum_a, sq_a) / n_a, _variance(n_b, sum_b, sq_b) / n_b
    se = math.sqrt(va + vb)
    if se == 0:
        return Estimate(difference, difference, difference)
    df = (va + vb) ** 2 / (va ** 2 / (n_a - 1) + vb ** 2 / (n_b - 1))
    half = _t975(df) * se
    return Estimate(difference, difference - half, difference + half)


@dataclass(frozen=True)
class SurvivalStep:
    time: float
    at_risk: int
    events: int
    survival: float
    greenwood: float  # sum of d / (n (n - d)) up to and including this time


@dataclass(frozen=True)
class KaplanMeier:
    steps: list[SurvivalStep]  # one per time with at least one event
    n: int
    events: int
    median: Estimate
    last_time: float | None = None  # the longest follow-up, event or censored


def kaplan_meier(rows: Iterable[tuple[float, int, int]], *, z: float = Z95) -> KaplanMeier:
    """Kaplan-Meier from rows of (time, events, censored), in any order, times may repeat.

    Censored observations at a time are still at risk for events at that same time (the usual
    convention). The median is the first event time where S(t) <= 0.5.
    """
    by_time: dict[float, list[int]] = {}
    for time, events, censored in rows:
        cell = by_time.setdefault(time, [0, 0])
        cell[0] += events
        cell[1] += censored
    n = sum(d + c for d, c in by_time.values())
    at_risk, survival, greenwood, steps = n, 1.0, 0.0, []
    for time in sorted(by_time):
        events, censored = by_time[time]
        if events:
            survival *= 1 - events / at_risk
            if at_risk > events:
                greenwood += events / (at_risk * (at_risk - events))
            else:
                greenwood = math.inf
            steps.append(SurvivalStep(time, at_risk, events, survival, greenwood))
        at_risk -= events + censored
    total_events = sum(d for d, _ in by_time.values())
    return KaplanMeier(steps=steps, n=n, events=total_events, median=_median(steps, z),
                       last_time=max(by_time, default=None))


def restricted_mean(km: KaplanMeier, tau: float, *, z: float = Z95) -> Estimate:
    """The restricted mean time to the event: the area under the Kaplan-Meier curve up to tau.

    It is the mean of min(time to the event, tau), so it exists whenever the curve does up to
    tau: None when nobody was followed up that long and the curve has not reached 0 by the
    last follow-up. The 95% interval is mean +/- z sqrt(Var), with the Greenwood-type variance
    sum over event times t_i <= tau of A_i^2 d_i / (n_i (n_i - d_i)), A_i being the area under
    the curve from t_i to tau (Klein and Moeschberger 2003, section 4.5).
    """
    if km.n == 0:
        return Estimate(None, None, None)
    inside = [step for step in km.steps if step.time <= tau]
    reached_zero = bool(inside) and inside[-1].survival == 0
    if (km.last_time is None or km.last_time < tau) and not reached_zero:
        return Estimate(None, None, None)
    # Area pieces between consecutive event times (the curve is a step function).
    times = [0.0] + [step.time for step in inside] + [tau]
    levels = [1.0] + [step.survival for step in inside]
    pieces = [(times[i + 1] - times[i]) * levels[i] for i in range(len(levels))]
    area = sum(pieces)
    variance, after = 0.0, area
    for index, step in enumerate(inside):
        after -= pieces[index]  # the area from this event time to tau
        if step.at_risk > step.events:
            variance += after * after * step.events / (step.at_risk * (step.at_risk - step.events))
    half = z * math.sqrt(variance)
    return Estimate(area, area - half, area + half)


def restricted_mean_difference(a: KaplanMeier, b: KaplanMeier, tau: float, *,
                               z: float = Z95) -> Estimate:
    """Restricted mean of a minus b, with the normal interval of independent groups."""
    mean_a, mean_b = restricted_mean(a, tau, z=z), restricted_mean(b, tau, z=z)
    if mean_a.value is None or mean_b.value is None:
        return Estimate(None, None, None)
    half_a, half_b = (mean_a.high - mean_a.value) / z, (mean_b.high - mean_b.value) / z
    difference, half = mean_a.value - mean_b.value, z * math.hypot(half_a, half_b)
    return Estimate(difference, difference - half, difference + half)


def _median(steps: list[SurvivalStep], z: float) -> Estimate:
    value = next((step.time for step in steps if step.survival <= 0.5), None)
    # Brookmeyer-Crowley: the event times whose pointwise test of S(t) = 0.5 is not rejected,
    # on the log(-log) scale: |g(S) - g(0.5)| / (g'(S) * se(S)) <= z, g(x) = log(-log x),
    # se(S) = S * sqrt(Greenwood) so g'(S) * se(S) = sqrt(Greenwood) / |log S|.
    accepted = []
    target = math.log(-math.log(0.5))
    for index, step in enumerate(steps):
        if not 0 < step.survival < 1 or step.greenwood in (0, math.inf):
            continue
        spread = math.sqrt(step.greenwood) / abs(math.log(step.survival))
        if abs(math.log(-math.log(step.survival)) - target) <= z * spread:
            accepted.append(index)
    if not accepted:
        return Estimate(value, None, None)
    low = steps[accepted[0]].time
    last = accepted[-1]
    high = steps[last + 1].time if last + 1 < len(steps) else None
    return Estimate(value, low, high)


@dataclass(frozen=True)
class Standardised:
    """Group b standardised to group a's make-up over the strata both groups have members in."""

    a_rate: float | None
    b_rate: float | None
    difference: Estimate
    n_a_matched: int
    n_a_unmatched: int
    n_b_used: int


def standardised_difference(strata: Iterable[tuple[int, int, int, int]], *,
                            z: float = Z95) -> Standardised:
    """Direct standardisation to group a from rows of (n_a, count_a, n_b, count_b), one a stratum.

    Over the strata s where both groups have someone: w_s = n_a,s / sum n_a,s;
    a_rate = sum w_s p_a,s; b_rate = sum w_s p_b,s; the difference's 95% interval is
    difference +/- z sqrt(sum w_s^2 (p_a,s (1 - p_a,s) / n_a,s + p_b,s (1 - p_b,s) / n_b,s)).
    Members of a in strata without any member of b are counted in n_a_unmatched and left out.
    """
    matched, unmatched = [], 0
    for n_a, count_a, n_b, count_b in strata:
        if n_a and n_b:
            matched.append((n_a, count_a / n_a, n_b, count_b / n_b))
        else:
            unmatched += n_a
    n_a_matched = sum(n_a for n_a, _, _, _ in matched)
    n_b_used = sum(n_b for _, _, n_b, _ in matched)
    if not n_a_matched:
        return Standardised(None, None, Estimate(None, None, None), 0, unmatched, 0)
    a_rate = b_rate = variance = 0.0
    for n_a, p_a, n_b, p_b in matched:
        weight = n_a / n_a_matched
        a_rate += weight * p_a
        b_rate += weight * p_b
        variance += weight * weight * (p_a * (1 - p_a) / n_a + p_b * (1 - p_b) / n_b)
    difference, half = a_rate - b_rate, z * math.sqrt(variance)
    return Standardised(a_rate, b_rate, Estimate(difference, difference - half, difference + half),
                        n_a_matched, unmatched, n_b_used)
