"""Uplift curves of events: the learned shape of what an event does to a channel's day.

The uplift of a day (share over its no-event baseline, 0.5 = +50%) is

    uplift = A * (size / size_ref) ** b * h[phase] * (w if weekend else 1)

- `size_ref` is the geometric mean size of the kind's past events, so an event without a
  size gets the kind's mean uplift `A * h[phase]`;
- `b` is the power-law elasticity to size (0 when sizes are absent or all equal);
- `phase` is the day within the event: the day before it (`pre`), its first and second
  days (`day0`, `day1`, ramp-up), later days (`hold`, the plateau) and the days after its
  end (`post0`..`post3`, decay); `h = 1` on the reference phase (see below);
- `w` damps (or amplifies) the effect on Saturdays and Sundays.

Two fits, both robust non-linear least squares (scipy) with one pseudo-observation pulling
`h` towards PRIOR_SHAPE:

- `fit_pooled_uplifts` (multi-day events: waves, releases) fits every channel the kind
  touches at once, in logs (`log(actual / baseline)`, so a day's noise weighs the same on
  a quiet and a busy day): one amplitude per channel, one shape, elasticity and weekend
  factor shared by the channels. Who is affected and when (the ramp, the plateau, the
  decay, the weekend lull) is a property of the event, how much of it lands on each channel
  is the channel's; pooling triples the days behind the shape and elasticity. Reference
  phase: `hold` (else the latest ramp phase seen), so `A` is the plateau uplift.
- `fit_uplift` (one channel; holidays and hours-long events): in shares, as closed days
  (-100%) have no log; reference phase `day0`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

POST_DAYS = 4
PHASES = ("pre", "day0", "day1", "hold") + tuple(f"post{k}" for k in range(POST_DAYS))
# Prior shape (one pseudo-event pulls h towards it): nothing before, flat during, decay after.
PRIOR_SHAPE = np.array([0.0, 1.0, 1.0, 1.0, 0.4, 0.15, 0.05, 0.0])
LOG_FLOOR = -0.95  # uplift shares are clipped here before taking logs (a day at 5% of its baseline)
ROBUST_SCALE = 0.1  # residuals beyond ~10% (log or share) count linearly, not squared (soft L1)


@dataclass(frozen=True)
class Uplift:
    """Learned effect of one event kind on one channel (see the module docstring)."""

    kind: str
    channel: str
    amplitude: float  # A: uplift share on the reference phase at size_ref on a weekday (0.5 = +50%)
    size_ref: float  # geometric mean past size (NaN when the kind has no sizes)
    elasticity: float  # b
    shape: tuple[float, ...]  # h per PHASES (1 on the reference phase)
    weekend: float  # w
    events: int  # past events it was learned from

    def at(self, size: float, phase: int, weekend: bool) -> float:
        """Uplift share for an event of `size` (NaN: mean size) on a day of `phase`."""
        scale = 1.0
        if np.isfinite(size) and np.isfinite(self.size_ref) and size > 0:
            scale = (size / self.size_ref) ** self.elasticity
        return self.amplitude * scale * self.shape[phase] * (self.weekend if weekend else 1.0)


def _log_size(sizes: np.ndarray, size_ref: float) -> np.ndarray:
    """log(size / size_ref); 0 for events without a size (or a kind without sizes)."""
    if not np.isfinite(size_ref):
        return np.zeros(len(sizes))
    return np.log(np.where(np.isfinite(sizes) & (sizes > 0), sizes, size_ref) / size_ref)


def _free_weekend(phase: np.ndarray, weekend: np.ndarray) -> bool:
    inside = (phase >= 1) & (phase <= 3)
    return bool((weekend & inside).any() and (~weekend & inside).any())


def fit_uplift(kind: str, channel: str, points: pd.DataFrame, size_ref: float) -> Uplift:
    """Fit one kind's uplift on one channel from points (event, size, phase, weekend, uplift),
    in shares, reference phase day0."""
    phase = points["phase"].to_numpy()
    weekend = points["weekend"].to_numpy(dtype=bool)
    u = points["uplift"].to_numpy(dtype=float)
    log_size = _log_size(points["size"].to_numpy(dtype=float), size_ref)
    free_b = np.ptp(log_size) > 1e-6 if len(log_size) else False
    free_w = _free_weekend(phase, weekend)
    day0 = (phase == 1) & ~weekend
    amp0 = float(np.mean(u[day0])) if day0.any() else float(np.mean(u[phase == 1]))
    amp0 = amp0 if abs(amp0) > 1e-3 else 1e-3
    h0 = PRIOR_SHAPE.copy()
    if kind.endswith("(hours)"):
        h0[2] = PRIOR_SHAPE[4]  # the window after an hours-long event decays like a day after
    present = np.array([np.any(phase == p) for p in range(len(PHASES))])
    free_h = present & (np.arange(len(PHASES)) != 1)

    def unpack(x):
        amp, b, w = x[0], x[1] if free_b else 0.0, x[2] if free_w else 1.0
        h = np.array(h0)
        h[np.flatnonzero(free_h)] = x[3:]
        return amp, b, w, h

    def residuals(x):
        amp, b, w, h = unpack(x)
        pred = amp * np.exp(b * log_size) * h[phase] * np.where(weekend, w, 1.0)
        prior = amp * (h - h0)[free_h]
        return np.concatenate([pred - u, prior])

    x0 = np.concatenate([[amp0, 0.0, 1.0], h0[free_h]])
    lower = np.concatenate([[-1.0, -1.0, 0.0], np.full(len(x0) - 3, -5.0)])
    upper = np.concatenate([[20.0, 2.0, 2.0], np.full(len(x0) - 3, 5.0)])
    fit = least_squares(residuals, np.clip(x0, lower + 1e-9, upper - 1e-9), bounds=(lower, upper),
                        loss="soft_l1", f_scale=ROBUST_SCALE)
    amp, b, w, h = unpack(fit.x)
    return Uplift(kind, channel, float(amp), float(size_ref), float(b), tuple(float(v) for v in h), float(w),
                  int(points["event"].nunique()))


def reference_phase(phase: np.ndarray) -> int:
    """The phase whose h is 1: hold when seen, else the latest ramp phase seen."""
    seen = set(np.unique(phase).tolist())
    return next((p for p in (3, 2, 1) if p in seen), 1)


def fit_pooled_uplifts(kind: str, points: pd.DataFrame, size_ref: float) -> dict[str, Uplift]:
    """Fit one multi-day kind on all its channels at once from points (event, channel,
    size, phase, weekend, uplift): per-channel amplitude, shared shape, elasticity and
    weekend factor, in logs. Returns channel -> Uplift (channels with no day inside an event
    are left out)."""
    inside = (points["phase"] >= 1) & (points["phase"] <= 3)
    channels = sorted(points.loc[inside, "channel"].unique())
    points = points[points["channel"].isin(channels)]
    if not channels:
        return {}
    col = points["channel"].map({c: i for i, c in enumerate(channels)}).to_numpy()
    phase = points["phase"].to_numpy()
    weekend = points["weekend"].to_numpy(dtype=bool)
    target = np.log1p(np.maximum(points["uplift"].to_numpy(dtype=float), LOG_FLOOR))
    log_size = _log_size(points["size"].to_numpy(dtype=float), size_ref)
    free_b = np.ptp(log_size) > 1e-6 if len(log_size) else False
    free_w = _free_weekend(phase, weekend)
    ref = reference_phase(phase[(phase >= 1) & (phase <= 3)])
    present = np.array([np.any(phase == p) for p in range(len(PHASES))])
    free_h = present & (np.arange(len(PHASES)) != ref)
    h0 = PRIOR_SHAPE / PRIOR_SHAPE[ref]
    k = len(channels)

    def unpack(x):
        amp, b, w = x[:k], x[k] if free_b else 0.0, x[k + 1] if free_w else 1.0
        h = np.array(h0)
        h[np.flatnonzero(free_h)] = x[k + 2:]
        return amp, b, w, h

    def residuals(x):
        amp, b, w, h = unpack(x)
        pred = amp[col] * np.exp(b * log_size) * h[phase] * np.where(weekend, w, 1.0)
        prior = np.mean(np.abs(amp)) * (h - h0)[free_h]
        return np.concatenate([np.log1p(np.maximum(pred, LOG_FLOOR)) - target, prior])

    on_ref = phase == ref
    amp0 = [float(np.mean(np.expm1(target[on_ref & (col == i)]))) if np.any(on_ref & (col == i)) else 0.1
            for i in range(k)]
    amp0 = [a if abs(a) > 1e-3 else 1e-3 for a in amp0]
    x0 = np.concatenate([amp0, [0.5, 1.0], h0[free_h]])
    lower = np.concatenate([np.full(k, -1.0), [-1.0, 0.0], np.full(int(free_h.sum()), -5.0)])
    upper = np.concatenate([np.full(k, 20.0), [2.0, 2.0], np.full(int(free_h.sum()), 5.0)])
    fit = least_squares(residuals, np.clip(x0, lower + 1e-9, upper - 1e-9), bounds=(lower, upper),
                        loss="soft_l1", f_scale=ROBUST_SCALE)
    amp, b, w, h = unpack(fit.x)
    shape = tuple(float(v) for v in h)
    return {c: Uplift(kind, c, float(amp[i]), float(size_ref), float(b), shape, float(w),
                      int(points.loc[col == i, "event"].nunique())) for i, c in enumerate(channels)}
