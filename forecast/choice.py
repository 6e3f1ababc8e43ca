"""The automatic model choice from backtest metrics, and why, per channel.

Models are scored by their median WAPE over folds (one odd fold, a day nobody put in the
calendar, cannot swing it). The structural models (STRUCTURAL) are preferred: the best of
them (within TIE_TOLERANCE the simpler, unless `prefer` names the other, e.g. the
event-aware model when the horizon holds a known event the backtest windows did not) is
kept unless a baseline is clearly better (median WAPE CLEAR_MARGIN lower) and consistently
better (lower in CONSISTENT_SHARE of the folds). Without a structural model the lowest
median wins, ties to the simplest (earliest in `order`).

Each channel's choice comes with its runner-up (the next lowest median WAPE), both median
WAPEs, the fold count and the rule that decided, in words, e.g.
"waves 0.052 vs runner-up mean_3w 0.051 (median WAPE over 6 folds): structural kept, the
best baseline mean_3w only 2% lower (a baseline must be 5% lower and lower in 4 of 6 folds)".
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

TIE_TOLERANCE = 0.01  # models within 1% (relative) of the best median WAPE tie; the simplest wins
STRUCTURAL = ("profile", "waves")  # preferred: a baseline must beat the best of them clearly and consistently
CLEAR_MARGIN = 0.05  # a baseline's median WAPE at least 5% below the best structural model's ...
CONSISTENT_SHARE = 2 / 3  # ... and lower in at least two folds out of three
CHOICE_COLUMNS = ["channel", "model", "wape", "runner_up", "runner_up_wape", "folds", "rule", "reason"]


def _lower(a: float, b: float) -> str:
    """How much lower a is than b, as a percentage of b."""
    return f"{1 - a / b:.0%}" if b > 0 else "0%"


def _choose(table: pd.DataFrame, rank: Mapping[str, int], want: str | None) -> tuple[str, str]:
    """(model, rule) for one channel's fold x model WAPE table."""
    median = table.median()
    folds = len(table)

    def tied(pool: list[str]) -> tuple[str, list[str]]:
        close = [m for m in pool if median[m] <= median[pool].min() * (1 + TIE_TOLERANCE) + 1e-12]
        return (want if want in close else min(close, key=rank.get)), close

    def tie_rule(best: str, close: list[str], pool: list[str]) -> str:
        low = min(pool, key=lambda m: (median[m], rank[m]))
        if best == low:
            return "lowest median WAPE"
        if best == want:
            return f"within {TIE_TOLERANCE:.0%} of {low}: the event-aware model, as the horizon holds a listed event"
        return f"within {TIE_TOLERANCE:.0%} of {low}: the simpler model"

    structural = [m for m in median.index if m in STRUCTURAL]
    if not structural:
        best, close = tied(list(median.index))
        return best, tie_rule(best, close, list(median.index))
    best, close = tied(structural)
    baselines = [m for m in median.index if m not in STRUCTURAL]
    wins = {m: int((table[m] < table[best]).sum()) for m in baselines}
    clear = [m for m in baselines if median[m] <= (1 - CLEAR_MARGIN) * median[best]
             and wins[m] / folds >= CONSISTENT_SHARE]
    if clear:
        rival = min(clear, key=lambda m: median[m])
        return rival, (f"{rival} clearly and consistently better than the structural {best}: median WAPE "
                       f"{_lower(median[rival], median[best])} lower, lower in {wins[rival]} of {folds} folds")
    rule = tie_rule(best, close, structural)
    if rule == "lowest median WAPE" and len(structural) > 1:
        rule = "lowest median WAPE of the structural models"
    rule = f"structural, {rule}"
    if not baselines:
        return best, rule
    top = min(baselines, key=lambda m: (median[m], rank[m]))
    need = math.ceil(CONSISTENT_SHARE * folds - 1e-9)
    terms = f"(a baseline must be {CLEAR_MARGIN:.0%} lower and lower in {need} of {folds} folds)"
    if median[top] >= median[best]:
        return best, f"{rule}; every baseline higher (best {top} {median[top]:.3f})"
    if median[top] > (1 - CLEAR_MARGIN) * median[best]:
        return best, f"{rule}; the best baseline {top} only {_lower(median[top], median[best])} lower {terms}"
    return best, (f"{rule}; the best baseline {top} {_lower(median[top], median[best])} lower but lower in "
                  f"only {wins[top]} of {folds} folds {terms}")


def choice_reasons(metrics: pd.DataFrame, order: list[str],
                   prefer: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Per channel the model `auto` uses and why (CHOICE_COLUMNS): the model and its median
    WAPE over folds, the runner-up (the other model with the lowest median; empty when one
    model was backtested) and its median WAPE, the folds, the rule that decided and the
    whole reason in one line (module docstring)."""
    prefer = prefer or {}
    rank = {m: order.index(m) if m in order else len(order) for m in metrics["model"].unique()}
    rows = []
    for channel, part in metrics.groupby("channel", sort=True):
        part = part if "fold" in part else part.assign(fold=0)
        table = part.pivot_table(index="fold", columns="model", values="wape", aggfunc="mean", dropna=False)
        table = table.dropna(axis=1, how="all")
        if table.empty:
            continue
        folds = len(table)
        if table.shape[1] == 1:
            model, rule = str(table.columns[0]), "the only model backtested"
        else:
            model, rule = _choose(table, rank, prefer.get(str(channel)))
        median = table.median()
        others = sorted((m for m in median.index if m != model), key=lambda m: (median[m], rank[m]))
        runner = others[0] if others else ""
        runner_wape = float(median[runner]) if runner else math.nan
        versus = f" vs runner-up {runner} {runner_wape:.3f}" if runner else ""
        rows.append({"channel": str(channel), "model": model, "wape": float(median[model]), "runner_up": runner,
                     "runner_up_wape": runner_wape, "folds": folds, "rule": rule,
                     "reason": f"{model} {median[model]:.3f}{versus} (median WAPE over {folds} "
                     f"fold{'s' if folds > 1 else ''}): {rule}"})
    return pd.DataFrame(rows, columns=CHOICE_COLUMNS)


def choose_models(metrics: pd.DataFrame, order: list[str],
                  prefer: Mapping[str, str] | None = None) -> dict[str, str]:
    """Per channel, the model `auto` uses (see `choice_reasons`)."""
    reasons = choice_reasons(metrics, order, prefer)
    return dict(zip(reasons["channel"], reasons["model"], strict=True))


def mark_choice(metrics: pd.DataFrame, choices: pd.DataFrame) -> pd.DataFrame:
    """The backtest `metrics` with `chosen` (true on the rows of the model `auto` uses for
    the channel) and `choice_reason` (that choice's reason, on every row of the channel)."""
    model = dict(zip(choices["channel"], choices["model"], strict=True))
    reason = dict(zip(choices["channel"], choices["reason"], strict=True))
    channel = metrics["channel"].astype(str)
    return metrics.assign(chosen=(metrics["model"] == channel.map(model)).to_numpy(),
                          choice_reason=channel.map(reason).fillna("").to_numpy())
