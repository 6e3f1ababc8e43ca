"""The intraday re-plan: the rest of today's roster re-optimised at minimum disruption."""
