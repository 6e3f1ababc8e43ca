"""Central 80% prediction intervals, calibrated on held-out (backtest) residuals.

Contacts per interval scatter around the forecast `p` with variance close to
`p + phi * p**2` (Poisson noise plus a day-level multiplicative error). `calibrate`
estimates `phi` by the method of moments from held-out pairs, standardises the residuals
with that variance and keeps their empirical 10% and 90% quantiles with the split-conformal
finite-sample correction; `apply` turns any forecast into `volume_lo`/`volume_hi`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

NOMINAL = 0.80


@dataclass(frozen=True)
class Calibration:
    """Standardised-residual quantiles (`z_lo`, `z_hi`) and overdispersion `phi` (1/contacts)."""

    phi: float
    z_lo: float
    z_hi: float
    n: int

    def bounds(self, volume: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(lo, hi) contacts per interval for forecasts `volume` (contacts), clipped at 0."""
        volume = np.asarray(volume, dtype=float)
        sd = np.sqrt(np.maximum(volume + self.phi * volume**2, 1.0))
        return np.clip(volume + self.z_lo * sd, 0.0, None), np.clip(volume + self.z_hi * sd, 0.0, None)


# Without held-out residuals: a Poisson band (phi = 0) at the normal 10%/90% quantiles.
POISSON = Calibration(0.0, -1.2816, 1.2816, 0)


def calibrate(actual: np.ndarray, predicted: np.ndarray, nominal: float = NOMINAL) -> Calibration:
    """Fit a Calibration from held-out `actual` and `predicted` contacts per interval."""
    y = np.asarray(actual, dtype=float)
    p = np.clip(np.asarray(predicted, dtype=float), 0.0, None)
    keep = np.isfinite(y) & np.isfinite(p)
    y, p = y[keep], p[keep]
    if len(y) < 10 or p.sum() <= 0:
        return POISSON
    phi = max(0.0, float(np.sum((y - p) ** 2 - p) / max(np.sum(p**2), 1e-12)))
    z = (y - p) / np.sqrt(np.maximum(p + phi * p**2, 1.0))
    n = len(z)
    tail = (1 - nominal) / 2
    lo_rank = max(1, math.floor(tail * (n + 1)))  # conformal ranks: widen slightly for small n
    hi_rank = min(n, math.ceil((1 - tail) * (n + 1)))
    z_sorted = np.sort(z)
    return Calibration(phi, float(z_sorted[lo_rank - 1]), float(z_sorted[hi_rank - 1]), n)
