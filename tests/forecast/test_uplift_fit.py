"""The pooled uplift fit recovers a known uplift curve from noisy past days."""

from __future__ import annotations

import numpy as np
import pandas as pd

from staffcast.forecast.uplift import PHASES, fit_pooled_uplifts

# Known response: plateau uplift A[channel] * (size / 10,000) ** 0.8, ramp 45% then 90% of
# the plateau, decay after the end, half the effect at weekends.
AMPLITUDE = {"voice": 0.40, "email": 0.30, "chat": 0.15}
ELASTICITY, WEEKEND, REF = 0.8, 0.5, 10_000.0
SHAPE = np.array([0.0, 0.45, 0.9, 1.0, 0.6, 0.25, 0.1, 0.04])


def _points(rng: np.random.Generator, kind: str, events: int, sizes: np.ndarray, amplitude: dict[str, float],
            days: int, noise: float = 0.06, monday: bool = False) -> pd.DataFrame:
    """One row per channel and influenced day of `events` past events starting on random
    weekdays (or Mondays); observed uplift = truth x lognormal day noise (sd `noise`)."""
    rows = []
    for e in range(events):
        start = 0 if monday else int(rng.integers(0, 7))
        phases = [0, 1, 2] + [3] * (days - 2) + [4, 5, 6, 7]
        for k, phase in enumerate(phases):
            weekend = (start + k - 1) % 7 >= 5
            for channel, amp in amplitude.items():
                scale = (sizes[e] / REF) ** ELASTICITY if np.isfinite(sizes[e]) else 1.0
                truth = amp * scale * SHAPE[phase] * (WEEKEND if weekend else 1.0)
                observed = (1 + truth) * np.exp(rng.normal(0, noise)) - 1
                rows.append({"kind": kind, "event": f"{kind}{e}", "channel": channel, "size": sizes[e],
                             "phase": phase, "weekend": weekend, "uplift": observed})
    return pd.DataFrame(rows)


def test_pooled_fit_recovers_curve_per_channel():
    rng = np.random.default_rng(3)
    sizes = np.exp(rng.uniform(np.log(1000), np.log(50_000), 12))
    points = _points(rng, "migration", 12, sizes, AMPLITUDE, days=4)
    ref = float(np.exp(np.log(sizes).mean()))
    fitted = fit_pooled_uplifts(points, {"migration": ref})
    assert set(fitted) == {("migration", c) for c in AMPLITUDE}
    hold = PHASES.index("hold")
    for channel, amp in AMPLITUDE.items():
        uplift = fitted[("migration", channel)]
        for size in (2000.0, 8000.0, 30_000.0):  # sizes it never saw
            truth = amp * (size / REF) ** ELASTICITY
            assert abs(uplift.at(size, hold, weekend=False) - truth) / truth < 0.15, (channel, size)
        assert abs(uplift.elasticity - ELASTICITY) < 0.1
        assert abs(uplift.weekend - WEEKEND) < 0.1
        # Ramp and decay relative to the plateau (shared by the channels).
        assert abs(uplift.shape[PHASES.index("day0")] - 0.45) < 0.1
        assert abs(uplift.shape[PHASES.index("day1")] - 0.9) < 0.1
        assert abs(uplift.shape[PHASES.index("post0")] - 0.6) < 0.1
        assert abs(uplift.shape[PHASES.index("pre")]) < 0.1


def test_a_kind_seen_once_borrows_the_timing_of_the_others():
    """One past three-day release (Monday to Wednesday, quiet days): its amplitude is its
    own, its weekend factor and decay come close to those the twelve migrations show."""
    rng = np.random.default_rng(5)
    sizes = np.exp(rng.uniform(np.log(1000), np.log(50_000), 12))
    release_amp = {"voice": 0.25, "email": 0.20, "chat": 0.30}
    points = pd.concat([_points(rng, "migration", 12, sizes, AMPLITUDE, days=4),
                        _points(rng, "release", 1, np.full(1, np.nan), release_amp, days=3, noise=0.02, monday=True)],
                       ignore_index=True)
    fitted = fit_pooled_uplifts(points, {"migration": float(np.exp(np.log(sizes).mean())), "release": np.nan})
    release = fitted[("release", "voice")]
    assert release.elasticity == 0.0 and release.events == 1
    assert abs(release.at(np.nan, PHASES.index("hold"), weekend=False) - 0.25) < 0.05
    migration = fitted[("migration", "voice")]
    assert abs(release.weekend - migration.weekend) < 0.1  # it never saw a weekend: borrowed
    assert abs(release.shape[PHASES.index("post1")] - SHAPE[PHASES.index("post1")]) < 0.1
