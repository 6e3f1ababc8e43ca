"""Forecasting contact volume and handle time per channel and interval: models, backtests,
calibrated bands.
"""
