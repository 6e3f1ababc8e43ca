"""Supply arithmetic of the hiring plan: what a cohort is worth in each week of the horizon.

A cohort (today's agents, or a class of new hires) shrinks by `attrition_per_week` each
week. A class starting in week tau is on payroll from week tau; at age k = t - tau weeks
its productivity is 0 while k < training_weeks, then `ramp[k - training_weeks]`, then 1.
All figures are expected values (fractional heads and FTE).
"""

from __future__ import annotations

import numpy as np

from staffcast.capacity_config import CapacityConfig


def productivity_by_age(capacity: CapacityConfig, weeks: int) -> np.ndarray:
    """Productivity (share of a full FTE, 0..1) of a hire at age 0..weeks-1 weeks."""
    age = np.arange(weeks)
    ramp = np.asarray(capacity.ramp, dtype=float)
    k = age - capacity.training_weeks
    out = np.ones(weeks)
    out[k < 0] = 0.0
    in_ramp = (k >= 0) & (k < len(ramp))
    out[in_ramp] = ramp[k[in_ramp]]
    return out


def cohort_matrices(capacity: CapacityConfig, weeks: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(heads, productive, training), each (weeks x weeks): entry [t, tau] is what one hire of
    a class starting in week tau adds in week t (heads on payroll, productive FTE, heads
    still in training); zero for t < tau."""
    t = np.arange(weeks)[:, None]
    tau = np.arange(weeks)[None, :]
    age = t - tau
    alive = np.where(age >= 0, (1.0 - capacity.attrition_per_week) ** np.clip(age, 0, None), 0.0)
    productivity = productivity_by_age(capacity, weeks)[np.clip(age, 0, None)]
    training = (age >= 0) & (age < capacity.training_weeks)
    return alive, alive * productivity, alive * training


def existing_heads(capacity: CapacityConfig, heads_today: float, weeks: int) -> np.ndarray:
    """Expected heads of today's agents in weeks 0..weeks-1 (all fully productive)."""
    return heads_today * (1.0 - capacity.attrition_per_week) ** np.arange(weeks)


def supply(capacity: CapacityConfig, heads_today: float, hires: np.ndarray) -> dict[str, np.ndarray]:
    """Heads, productive FTE and heads in training per week for class sizes `hires`
    (one per week, 0 where no class starts)."""
    hires = np.asarray(hires, dtype=float)
    heads, productive, training = cohort_matrices(capacity, len(hires))
    today = existing_heads(capacity, heads_today, len(hires))
    return {"heads": today + heads @ hires, "productive_fte": today + productive @ hires,
            "in_training": training @ hires}
