"""Why `auto` chose each channel's model: the chosen model and the runner-up with their
median fold WAPEs, the folds and the rule that decided, on fold tables with known answers."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from staffcast.forecast.api import MODELS
from staffcast.forecast.choice import CHOICE_COLUMNS, choice_reasons, mark_choice


def folds(table: dict[str, list[float]], channel: str = "voice") -> pd.DataFrame:
    return pd.DataFrame([{"channel": channel, "model": model, "fold": fold, "wape": wape}
                         for model, values in table.items() for fold, wape in enumerate(values)])


NAIVE = {"snaive_week": [0.080] * 6}
CASES = [
    ({**NAIVE, "mean_3w": [0.060] * 6, "profile": [0.053] * 6, "waves": [0.050] * 6},
     "waves 0.050 vs runner-up profile 0.053 (median WAPE over 6 folds): structural, lowest median WAPE of the "
     "structural models; every baseline higher (best mean_3w 0.060)"),
    ({**NAIVE, "mean_3w": [0.051] * 6, "profile": [0.054] * 6, "waves": [0.052] * 6},
     "waves 0.052 vs runner-up mean_3w 0.051 (median WAPE over 6 folds): structural, lowest median WAPE of the "
     "structural models; the best baseline mean_3w only 2% lower (a baseline must be 5% lower and lower in 4 of "
     "6 folds)"),
    ({**NAIVE, "mean_3w": [0.030, 0.030, 0.030, 0.060, 0.060, 0.060], "profile": [0.060] * 6, "waves": [0.052] * 6},
     "waves 0.052 vs runner-up mean_3w 0.045 (median WAPE over 6 folds): structural, lowest median WAPE of the "
     "structural models; the best baseline mean_3w 13% lower but lower in only 3 of 6 folds (a baseline must be "
     "5% lower and lower in 4 of 6 folds)"),
    ({**NAIVE, "mean_3w": [0.040] * 6, "profile": [0.060] * 6, "waves": [0.052] * 6},
     "mean_3w 0.040 vs runner-up waves 0.052 (median WAPE over 6 folds): mean_3w clearly and consistently better "
     "than the structural waves: median WAPE 23% lower, lower in 6 of 6 folds"),
    ({"profile": [0.1000] * 3, "waves": [0.0995] * 3},
     "profile 0.100 vs runner-up waves 0.100 (median WAPE over 3 folds): structural, within 1% of waves: the "
     "simpler model"),
    ({"snaive_week": [0.15, 0.15], "mean_3w": [0.10, 0.30]},
     "snaive_week 0.150 vs runner-up mean_3w 0.200 (median WAPE over 2 folds): lowest median WAPE"),
    ({"waves": [0.1]}, "waves 0.100 (median WAPE over 1 fold): the only model backtested"),
]


@pytest.mark.parametrize("table, reason", CASES)
def test_the_reason_names_the_rule_and_both_median_errors(table, reason):
    why = choice_reasons(folds(table), list(MODELS))
    assert list(why.columns) == CHOICE_COLUMNS and len(why) == 1
    row = why.iloc[0]
    assert row["reason"] == reason
    assert row["reason"] == f"{row['model']} {row['wape']:.3f}" + (
        f" vs runner-up {row['runner_up']} {row['runner_up_wape']:.3f}" if row["runner_up"] else "") + \
        f" (median WAPE over {row['folds']} fold{'s' if row['folds'] > 1 else ''}): {row['rule']}"
    medians = folds(table).groupby("model")["wape"].median()
    assert row["wape"] == pytest.approx(medians[row["model"]])
    rest = medians.drop(row["model"])
    assert (row["runner_up_wape"] == pytest.approx(rest.min())) if len(rest) else math.isnan(row["runner_up_wape"])


def test_the_event_aware_tie_break_is_named():
    tie = folds({"profile": [0.0995] * 3, "waves": [0.1000] * 3})
    row = choice_reasons(tie, list(MODELS), prefer={"voice": "waves"}).iloc[0]
    assert row["model"] == "waves" and row["runner_up"] == "profile"
    assert row["rule"] == "structural, within 1% of profile: the event-aware model, as the horizon holds a listed event"


def test_the_backtest_rows_carry_the_choice():
    metrics = pd.concat([folds(CASES[0][0]), folds(CASES[3][0], channel="chat")], ignore_index=True)
    marked = mark_choice(metrics, choice_reasons(metrics, list(MODELS)))
    chosen = marked[marked["chosen"]].groupby("channel")["model"].unique()
    assert chosen.map(list).to_dict() == {"chat": ["mean_3w"], "voice": ["waves"]}
    assert (marked.groupby("channel")["choice_reason"].nunique() == 1).all()
    assert marked.loc[marked["channel"] == "voice", "choice_reason"].iloc[0] == CASES[0][1]
