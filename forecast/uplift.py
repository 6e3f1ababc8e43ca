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

Two fits, both robust non-linear least squares (scipy, soft L1 loss):

- `fit_pooled_uplifts` (multi-day events: waves, releases) fits every multi-day kind on
  all its channels at once, in logs (`log(actual / baseline)`, so a day's noise weighs the
  same on a quiet and a busy day). Per kind and channel an amplitude; per kind one shape,
  elasticity and weekend factor shared by its channels (who is affected and when - the
  ramp, the plateau, the decay, the weekend lull - is a property of the event, how much of
  it lands on each channel is the channel's; pooling triples the days behind them), each
  pulled towards the ones shared by all kinds with the weight of SHRINK days, so a kind
  seen once or twice borrows the others' timing. The reference phase is `hold` (else the
  latest ramp phase seen), so `A` is the plateau uplift, and the ramp days (`day0`,
  `day1`) reach at most the plateau: with a dozen past events one noisy plateau day
  otherwise tilts the learned ramp above the plateau.
- `fit_uplift` (one channel; holidays and hours-long events): in shares, as closed days
  (-100%) have no log; reference phase `day0`; one pseudo-event pulls `h` towards
  PRIOR_SHAPE.
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
ROBUST_SCALE = 0.1  # share fits: residuals beyond 10 points count linearly, not squared (soft L1)
LOG_ROBUST_SCALE = 0.2  # log fits: beyond ~3 typical day-noise sigmas (6-7% a day) counts linearly
SHRINK = 4.0  # days' weight pulling a kind's shape, elasticity and weekend factor towards all kinds'


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


class _Layout:
    """Positions of the parameters of a joint fit in the flat vector least_squares moves."""

    def __init__(self) -> None:
        self.size = 0

    def take(self, n: int) -> slice:
        out = slice(self.size, self.size + n)
        self.size += n
        return out


def fit_pooled_uplifts(points: pd.DataFrame, size_refs: dict[str, float]) -> dict[tuple[str, str], Uplift]:
    """Fit every multi-day kind on all its channels at once from points (kind, event,
    channel, size, phase, weekend, uplift), in logs. Per kind and channel an amplitude; per
    kind a shape, elasticity and weekend factor, each pulled towards the one shared by all
    kinds with the weight of SHRINK days (so a kind seen a few times borrows the timing the
    others show, one seen often keeps its own). Returns (kind, channel) -> Uplift; channels
    with no day inside an event of the kind are left out."""
    inside = (points["phase"] >= 1) & (points["phase"] <= 3)
    keep = points.set_index(["kind", "channel"]).index.isin(
        points.loc[inside, ["kind", "channel"]].drop_duplicates().set_index(["kind", "channel"]).index)
    points = points[keep].reset_index(drop=True)
    if points.empty:
        return {}
    kinds = sorted(points["kind"].unique())
    pairs = sorted(points[["kind", "channel"]].drop_duplicates().itertuples(index=False, name=None))
    pair_of = {pc: i for i, pc in enumerate(pairs)}
    pair = np.array([pair_of[(k, c)] for k, c in zip(points["kind"], points["channel"], strict=True)])
    kind_of_pair = np.array([kinds.index(k) for k, _ in pairs])
    g = kind_of_pair[pair]
    phase = points["phase"].to_numpy()
    weekend = points["weekend"].to_numpy(dtype=bool)
    target = np.log1p(np.maximum(points["uplift"].to_numpy(dtype=float), LOG_FLOOR))
    log_size = np.zeros(len(points))
    for i, kind in enumerate(kinds):
        log_size[g == i] = _log_size(points.loc[g == i, "size"].to_numpy(dtype=float), size_refs[kind])
    n_ph, hold = len(PHASES), PHASES.index("hold")
    ref = [reference_phase(phase[(g == i) & (phase >= 1) & (phase <= 3)]) for i in range(len(kinds))]
    seen = [np.array([np.any((g == i) & (phase == p)) for p in range(n_ph)]) & (np.arange(n_ph) != ref[i])
            for i in range(len(kinds))]
    free_b = np.array([np.ptp(log_size[g == i]) > 1e-6 for i in range(len(kinds))], dtype=bool)
    free_w = np.array([_free_weekend(phase[g == i], weekend[g == i]) for i in range(len(kinds))], dtype=bool)
    layout = _Layout()
    amp_at, b_at, w_at = layout.take(len(pairs)), layout.take(sum(free_b)), layout.take(sum(free_w))
    h_at = [layout.take(int(s.sum())) for s in seen]
    bbar_at, wbar_at, hbar_at = layout.take(int(any(free_b))), layout.take(int(any(free_w))), layout.take(n_ph - 1)
    not_hold = np.arange(n_ph) != hold
    prior = PRIOR_SHAPE / PRIOR_SHAPE[hold]

    def unpack(x):
        b, w = np.zeros(len(kinds)), np.full(len(kinds), x[wbar_at].sum() if free_w.any() else 1.0)
        b[free_b], w[free_w] = x[b_at], x[w_at]  # a kind never seen at a weekend takes the shared factor
        hbar = np.ones(n_ph)
        hbar[not_hold] = x[hbar_at]
        h = np.empty((len(kinds), n_ph))
        for i, r in enumerate(ref):  # a kind's unseen phases follow the shared shape
            h[i] = hbar / hbar[r] if abs(hbar[r]) > 1e-6 else hbar
            h[i, r] = 1.0
            h[i, seen[i]] = x[h_at[i]]
        return x[amp_at], b, w, h, x[bbar_at].sum(), x[wbar_at].sum(), hbar

    def residuals(x):
        amp, b, w, h, bbar, wbar, hbar = unpack(x)
        pred = amp[pair] * np.exp(b[g] * log_size) * h[g, phase] * np.where(weekend, w[g], 1.0)
        out = [np.log1p(np.maximum(pred, LOG_FLOOR)) - target]
        for i, r in enumerate(ref):  # each kind pulled towards the shared timing and elasticity
            scale = np.sqrt(SHRINK) * np.mean(np.abs(amp[kind_of_pair == i]))
            shared = hbar / hbar[r] if abs(hbar[r]) > 1e-6 else hbar
            out.append(scale * (h[i] - shared)[seen[i]])
            out.append(scale * np.array([b[i] - bbar, w[i] - wbar])[[free_b[i], free_w[i]]])
        out.append(np.mean(np.abs(amp)) * (hbar - prior)[not_hold])  # one pseudo-day pulls the shared shape
        return np.concatenate(out)

    x0 = np.zeros(layout.size)
    on_ref = phase == np.asarray(ref)[g]
    x0[amp_at] = [max(abs(float(np.mean(np.expm1(target[on_ref & (pair == i)])))), 1e-3)
                  if np.any(on_ref & (pair == i)) else 0.1 for i in range(len(pairs))]
    x0[b_at], x0[w_at], x0[bbar_at], x0[wbar_at], x0[hbar_at] = 0.5, 1.0, 0.5, 1.0, prior[not_hold]
    for i, r in enumerate(ref):
        x0[h_at[i]] = (prior / prior[r])[seen[i]]
    lower, upper = np.full(layout.size, -5.0), np.full(layout.size, 5.0)
    lower[amp_at], upper[amp_at] = -1.0, 20.0
    lower[b_at], upper[b_at], lower[bbar_at], upper[bbar_at] = -1.0, 2.0, -1.0, 2.0
    lower[w_at], upper[w_at], lower[wbar_at], upper[wbar_at] = 0.0, 2.0, 0.0, 2.0
    for i, r in enumerate(ref):  # ramp-up: the first days reach at most the plateau
        ramp = np.flatnonzero(seen[i])
        upper[np.arange(h_at[i].start, h_at[i].stop)[(ramp >= 1) & (ramp < r)]] = 1.0
    upper[np.arange(hbar_at.start, hbar_at.stop)[[PHASES.index("day0"), PHASES.index("day1")]]] = 1.0
    fit = least_squares(residuals, np.clip(x0, lower + 1e-9, upper - 1e-9), bounds=(lower, upper),
                        loss="soft_l1", f_scale=LOG_ROBUST_SCALE)
    amp, b, w, h, *_ = unpack(fit.x)
    out = {}
    for (kind, channel), i in pair_of.items():
        k = kinds.index(kind)
        events = int(points.loc[pair == i, "event"].nunique())
        out[(kind, channel)] = Uplift(kind, channel, float(amp[i]), float(size_refs[kind]), float(b[k]),
                                      tuple(float(v) for v in h[k]), float(w[k]), events)
    return out
