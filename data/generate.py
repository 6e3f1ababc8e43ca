"""Generate the staffcast sample data: a fictional business-email help desk.

Run ``python data/generate.py``: it rewrites ``history.parquet``, ``events.csv``,
``agents.csv`` and ``planning.toml`` in this folder, byte for byte the same every time
(one ``numpy.random.default_rng(SEED)``, drawn in a fixed order).

It models *reality*, not a forecaster: expected volume per channel and 30-minute interval
= daily level (growth, season, weekday, holidays) x intraday profile x (1 + uplift of the
waves, releases and outages active then); a day-level lognormal noise shared by the day's
intervals and a gamma-Poisson (negative binomial) draw give the volume; the AHT is the mean
of ``volume`` gamma handle times around an hour-of-day profile raised by active waves.

Workforce sizing (roster week 2026-12-07..13, expected volume from this model, Erlang C
per interval at the planning.toml targets with occupancy <= 0.85, staff = agents / 0.70;
deferred channels by workload smoothed over the response window):
* normal week: voice Mon 2,185 / Tue-Thu ~2,000 / Fri 1,810 / weekend ~900 calls, peak
  129 calls/30 min at 366 s -> 46 staff; chat ~1,300/day, peak 63 at 516 s (2 at once,
  +25 % slower) -> 20 staff; email ~1,300/day -> 19; social ~280/day -> 3. Peak 85 staff
  at once, 5,030 staffed hours a week.
* with the Northwind migration (30,000 mailboxes, Tue-Fri): voice +45 % (Wed 2,940 calls,
  peak 178 at 413 s -> 69 staff), email +40 %, chat +20 %: peak 119 staff at once, 6,280
  staffed hours (170 of them at night, outside every shift).
* supply: 170 agents = ~145 full-timers (36-45 h with the 1 h breaks, so <= 40 h on the
  floor) + ~25 part-timers (16-20 min, 24-30 max) = ~6,380 productive hours: the
  migration week fits with little slack, so a good roster meets the targets most of the
  week and the wave's peaks (Wed-Fri 09:00-16:00) stay tight. (With 140 agents the
  migration week was ~15 % short and the low-importance deferred channels starved.)
"""

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 20261207
TZ = "Asia/Shanghai"
START = pd.Timestamp("2024-12-09", tz=TZ)  # Monday, first history interval
END = pd.Timestamp("2026-12-07", tz=TZ)  # exclusive: history ends Sun 2026-12-06 23:30
GROWTH_PER_YEAR = 0.15
SEASON_AMPLITUDE = 0.03  # busier in December/January, quieter in July
DAY_NOISE_SHARED, DAY_NOISE_CHANNEL = 0.04, 0.05  # lognormal sigmas, per day
INTERVAL_SHAPE = 30.0  # gamma-Poisson shape: variance = mu + mu^2 / 30
WEEKEND_WAVE_DAMPING = 0.5  # fewer users work at weekends, so waves hit less

# daily: Tue-level contacts/day at mid-history; dow: Mon..Sun multipliers; peaks:
# (hour, sd hours, height) of the weekday intraday profile; holiday: day level on a
# public holiday relative to a Tuesday; aht: (base s, extra share at 08:00, CV).
CHANNELS = {
    "voice": {"daily": 1700, "hours": (8, 22), "floor": 0.10, "holiday": 0.40,
              "dow": (1.09, 1.02, 1.0, 0.98, 0.90, 0.48, 0.42), "aht": (330.0, 0.25, 0.8),
              "peaks": [(10.5, 1.5, 1.0), (15.0, 1.8, 0.85), (20.0, 1.5, 0.25)]},
    "chat": {"daily": 1080, "hours": (0, 24), "floor": 0.03, "holiday": 0.45,
             "dow": (1.08, 1.02, 1.0, 0.98, 0.92, 0.58, 0.52), "aht": (490.0, 0.12, 0.7),
             "peaks": [(10.5, 1.8, 1.0), (15.0, 2.0, 0.9), (20.5, 1.8, 0.55)]},
    "email": {"daily": 1100, "hours": (0, 24), "floor": 0.05, "holiday": 0.35,
              "dow": (1.15, 1.03, 1.0, 0.98, 0.92, 0.45, 0.40), "aht": (350.0, 0.06, 0.9),
              "peaks": [(10.0, 2.0, 1.0), (15.0, 2.5, 0.9), (21.0, 2.0, 0.3)]},
    "social": {"daily": 240, "hours": (0, 24), "floor": 0.08, "holiday": 0.70,
               "dow": (1.0, 1.0, 1.0, 1.0, 1.0, 0.9, 0.85), "aht": (235.0, 0.05, 0.8),
               "peaks": [(12.0, 3.0, 0.8), (20.5, 2.0, 1.0)]},
}
SPRING_FESTIVAL_EXTRA = 0.8  # Spring Festival is quieter still than other holidays
REBOUND = {"Spring Festival": (1.30, 1.12), "National Day": (1.15,)}  # days after

# Official 2025/2026 PRC public holidays: name -> (first, last day off) per year.
HOLIDAYS = {
    "New Year's Day": [("2025-01-01", "2025-01-01"), ("2026-01-01", "2026-01-03")],
    "Spring Festival": [("2025-01-28", "2025-02-04"), ("2026-02-15", "2026-02-23")],
    "Qingming Festival": [("2025-04-04", "2025-04-06"), ("2026-04-04", "2026-04-06")],
    "Labour Day": [("2025-05-01", "2025-05-05"), ("2026-05-01", "2026-05-05")],
    "Dragon Boat Festival": [("2025-05-31", "2025-06-02"), ("2026-06-19", "2026-06-21")],
    "National Day and Mid-Autumn Festival": [("2025-10-01", "2025-10-08")],
    "Mid-Autumn Festival": [("2026-09-25", "2026-09-27")],
    "National Day": [("2026-10-01", "2026-10-07")],
}

# vol / aht: peak uplift (voice, chat, email, social) at size ref, scaled by (size / ref)
# ** 0.8 / ** 0.3; channels: those materially hit; sizes: (lo, hi) for past waves.
KINDS = {
    "migration": {"ref": 50_000, "sizes": (1_000, 50_000), "channels": "voice;email;chat",
                  "vol": (0.7, 0.3, 0.6, 0.1), "aht": (0.15, 0.06, 0.08, 0.0)},
    "onboarding": {"ref": 20_000, "sizes": (500, 20_000), "channels": "chat;voice;email",
                   "vol": (0.8, 1.1, 0.3, 0.1), "aht": (0.10, 0.12, 0.05, 0.0)},
    "release": {"ref": None, "sizes": None, "channels": "*",
                "vol": (0.25, 0.30, 0.20, 0.35), "aht": (0.05, 0.05, 0.05, 0.05)},
    "outage": {"ref": None, "sizes": None, "channels": "voice;chat",  # "is it down?"
               "vol": (2.0, 1.6, 0.0, 0.0), "aht": (-0.15, -0.10, 0.0, 0.0)},
}
PAST_WAVES = {"onboarding": 13, "migration": 11, "release": 3, "outage": 1}
COMPANIES = [
    "Acme Corp", "Borealis Freight", "Cinnabar Health", "Dunmore Legal", "Evergreen Schools",
    "Falcon Retail", "Golden Lotus Hotels", "Harbor Bank", "Ironbridge Engineering",
    "Jade River Logistics", "Keystone Insurance", "Lumen Media", "Meridian Pharma",
    "Orchid Cosmetics", "Pioneer Automotive", "Quanta Semiconductors", "Redwood Realty",
    "Summit Telecom", "Tianfu Foods", "Umbra Games", "Vistula Energy", "Westlake University",
    "Yangtze Shipping", "Zenith Airlines"]
RELEASES = ["Webmail 5.0 release", "Mobile app 3.2 release",
            "Admin console redesign release"]
EVENT_COLUMNS = ["name", "kind", "start", "end", "channels", "size"]
FUTURE = [  # (name, kind, start, end exclusive, size): inside the forecast horizon
    ("Northwind Traders mailbox migration", "migration", "2026-12-08", "2026-12-12",
     30_000),
    ("Blue Peak Cloud onboarding", "onboarding", "2026-12-14", "2026-12-18", 12_000),
]

# Agents: skill mix -> head count; part-timer share; hourly cost.
SKILL_MIX = {"voice": 46, "chat": 26, "voice;chat": 40, "email;social": 38,
             "voice;chat;email;social": 20}
PART_TIME_SHARE = 0.15
FIRST_NAMES = [
    "Wei", "Fang", "Jun", "Li", "Mei", "Hao", "Xin", "Yan", "Priya", "Arjun", "Aisha", "Omar",
    "Sofia", "Mateo", "Lucia", "Kenji", "Yuki", "Min-jun", "Ji-woo", "Thu", "Linh", "Anna",
    "Lukas", "Chloe", "Noah", "Amara", "Kwame", "Fatima", "Ivan", "Olga", "Tariq", "Leila",
    "Diego", "Camila", "Rahul", "Siti", "Budi", "Tomas"]
LAST_NAMES = [
    "Zhang", "Wang", "Chen", "Liu", "Huang", "Zhao", "Wu", "Zhou", "Sun", "Ma", "Lin", "Guo",
    "He", "Sharma", "Khan", "Haddad", "Garcia", "Rossi", "Tanaka", "Kim", "Tran", "Novak",
    "Muller", "Martin", "Okafor", "Mensah", "Petrov", "Silva", "Rahman", "Santos", "Hansen",
    "Kowalski", "Yilmaz", "Ahmed", "Wiryawan"]
UNAVAILABLE = ["2026-12-08;Sat", "Sun", "2026-12-09", "Mon;Tue", "2026-12-11;2026-12-12",
               "Fri", "2026-12-10", "Sat;Sun"]  # dates in the roster week or weekdays


def intraday_profiles(cfg: dict) -> np.ndarray:
    """Share of a day's volume per 30-min slot; rows Mon-Thu, Friday, weekend/holiday."""
    hour = np.arange(48) / 2 + 0.25
    lo, hi = cfg["hours"]
    profiles = []
    for kind in ("weekday", "friday", "weekend"):
        widen = 1.4 if kind == "weekend" else 1.0
        weight = np.full(48, cfg["floor"] * (1.5 if kind == "weekend" else 1.0))
        for centre, sd, height in cfg["peaks"]:
            height = height**0.5 if kind == "weekend" else height
            z = (hour - centre - (widen - 1)) / (sd * widen)  # weekend: later, wider
            weight += height * np.exp(-0.5 * z**2)
        if kind == "friday":  # people leave early on Friday afternoons
            weight *= 1 - 0.35 / (1 + np.exp(-(hour - 15.0) / 1.2))
        weight[(hour < lo) | (hour > hi)] = 0.0
        profiles.append(weight / weight.sum())
    return np.array(profiles)


def holiday_table() -> pd.DataFrame:
    """One row per holiday day: name, date (local midnight) and day-after rebounds."""
    rows = []
    for name, first, last in [(n, a, b) for n, spans in HOLIDAYS.items() for a, b in spans]:
        days = pd.date_range(first, last, freq="D", tz=TZ)
        rows += [(name, d, "holiday") for d in days]
        key = next((k for k in REBOUND if name.startswith(k)), None)
        rows += [(name, days[-1] + pd.Timedelta(days=i + 1), f"rebound{i}")
                 for i in range(len(REBOUND.get(key, ())))]
    return pd.DataFrame(rows, columns=["name", "date", "what"])


def day_level(ch: str, stamps: pd.DatetimeIndex, holidays: pd.DataFrame) -> np.ndarray:
    """Expected contacts per interval before events and noise."""
    cfg = CHANNELS[ch]
    days = stamps.normalize()
    years = (days - START).days.to_numpy() / 365.25
    phase = 2 * np.pi * (days.day_of_year.to_numpy() - 5) / 365.25
    season = 1 + SEASON_AMPLITUDE * np.cos(phase)
    level = cfg["daily"] * (1 + GROWTH_PER_YEAR) ** (years - 1) * season
    dow = days.day_of_week.to_numpy()
    factor = np.asarray(cfg["dow"])[dow]
    daytype = np.where(dow >= 5, 2, np.where(dow == 4, 1, 0))
    for row in holidays.itertuples():
        hit = np.asarray(days == row.date)
        if row.what == "holiday":
            extra = SPRING_FESTIVAL_EXTRA if row.name == "Spring Festival" else 1.0
            factor = np.where(hit, cfg["holiday"] * extra, factor)
            daytype = np.where(hit, 2, daytype)
        else:
            key = next(k for k in REBOUND if row.name.startswith(k))
            factor = np.where(hit, factor * REBOUND[key][int(row.what[-1])], factor)
    slot = stamps.hour.to_numpy() * 2 + stamps.minute.to_numpy() // 30
    return level * factor * intraday_profiles(cfg)[daytype, slot]


def plan_events(rng: np.random.Generator, holidays: pd.DataFrame) -> pd.DataFrame:
    """Past waves spread over the history (clear of holidays) plus the future waves."""
    kinds = rng.permutation([k for k, n in PAST_WAVES.items() for _ in range(n)])
    companies = list(rng.permutation(COMPANIES))
    sizes = {}
    for kind, n in PAST_WAVES.items():  # stratified log-uniform sizes, shuffled
        if KINDS[kind]["sizes"]:
            lo, hi = np.log(KINDS[kind]["sizes"])
            q = (np.arange(n) + rng.uniform(0, 1, n)) / n
            sizes[kind] = list(rng.permutation(np.round(np.exp(lo + q * (hi - lo)), -2)))
    releases = iter(RELEASES)
    off = set(holidays["date"])
    spacing = (END - START).days // (len(kinds) + 1)
    rows = []
    for i, kind in enumerate(kinds):
        start = START + pd.Timedelta(days=14 + i * spacing + int(rng.integers(0, 8)))
        days = int(rng.integers(2, 6)) if kind == "migration" else int(rng.integers(3, 6))
        while any(start + pd.Timedelta(days=d) in off for d in range(-2, days + 6)):
            start += pd.Timedelta(days=1)
        if kind == "outage":  # a weekday, a few daytime hours
            skip = 7 - start.day_of_week if start.day_of_week >= 5 else 0
            start += pd.Timedelta(days=skip, hours=10 + int(rng.integers(0, 4)))
            end = start + pd.Timedelta(hours=int(rng.integers(3, 5)))
            name, size = "Mail delivery outage", np.nan
        elif kind == "release":
            end, name, size = start + pd.Timedelta(days=2), next(releases), np.nan
        else:
            label = "mailbox migration" if kind == "migration" else "onboarding"
            name, size = f"{companies.pop()} {label}", sizes[kind].pop()
            end = start + pd.Timedelta(days=days)
        rows.append((name, kind, start, end, KINDS[kind]["channels"], size))
    for name, kind, start, end, size in FUTURE:
        rows.append((name, kind, pd.Timestamp(start, tz=TZ), pd.Timestamp(end, tz=TZ),
                     KINDS[kind]["channels"], float(size)))
    events = pd.DataFrame(rows, columns=EVENT_COLUMNS)
    n = len(events)  # hidden response parameters, one draw per event
    future = (events["start"] >= END).to_numpy()  # future response: exactly typical
    events["noise"] = np.where(future, 1.0, rng.uniform(0.8, 1.2, n))
    outage = (events["kind"] == "outage").to_numpy()
    events["ramp_days"] = np.where(outage, 0.02, rng.uniform(1.0, 2.0, n))
    events["decay_days"] = np.where(outage, 0.25, rng.uniform(2.0, 5.0, n))
    return events.sort_values("start", kind="stable").reset_index(drop=True)


def response_shape(stamps: pd.DatetimeIndex, ev) -> np.ndarray:
    """0..1 response to an event: ramps up, holds, decays exponentially after end."""
    t = (stamps - ev.start).total_seconds().to_numpy() / 86400
    dur = (ev.end - ev.start).total_seconds() / 86400
    held = np.minimum(1.0, (np.clip(t, 0, dur) + 0.1) / ev.ramp_days)
    decay = np.exp(-3 * np.clip(t - dur, 0, None) / ev.decay_days)
    shape = np.where((t >= 0) & (t < dur + ev.decay_days), held * decay, 0.0)
    weekend = np.asarray(stamps.day_of_week >= 5)
    return shape * np.where(weekend & (ev.kind != "outage"), WEEKEND_WAVE_DAMPING, 1.0)


def expected(ch: str, stamps: pd.DatetimeIndex, holidays, events):
    """Expected volume and mean AHT (s) per interval: baseline times event uplifts."""
    vol_mult, aht_mult, k = np.ones(len(stamps)), np.ones(len(stamps)), list(CHANNELS).index(ch)
    for ev in events.itertuples():
        spec = KINDS[ev.kind]
        scale = ev.size / spec["ref"] if spec["ref"] else 1.0
        shape = response_shape(stamps, ev)
        vol_mult += spec["vol"][k] * scale**0.8 * ev.noise * shape
        aht_mult += spec["aht"][k] * scale**0.3 * shape
    base, morning, _ = CHANNELS[ch]["aht"]
    hour = stamps.hour.to_numpy() + stamps.minute.to_numpy() / 60
    aht = base * (1 + morning * np.exp(-np.clip(hour - 8, 0, None) / 3)) * aht_mult
    return day_level(ch, stamps, holidays) * vol_mult, aht


def simulate_history(rng: np.random.Generator, holidays, events) -> pd.DataFrame:
    """Draw the interval-level history frame for all channels."""
    n_days = (END - START).days
    shared = rng.normal(0, DAY_NOISE_SHARED, n_days)
    every = pd.date_range(START, END, freq="30min", inclusive="left")
    frames = []
    for ch in CHANNELS:
        lo, hi = CHANNELS[ch]["hours"]  # rows only while the channel is open
        stamps = every[(every.hour >= lo) & (every.hour < hi)]
        mu, aht = expected(ch, stamps, holidays, events)
        day = (stamps.normalize() - START).days.to_numpy()
        noise = np.exp(shared + rng.normal(0, DAY_NOISE_CHANNEL, n_days) - 0.5 * (
            DAY_NOISE_SHARED**2 + DAY_NOISE_CHANNEL**2))[day]
        lam = mu * noise * rng.gamma(INTERVAL_SHAPE, 1 / INTERVAL_SHAPE, len(stamps))
        volume = rng.poisson(lam)
        cv2 = CHANNELS[ch]["aht"][2] ** 2  # mean of n gamma handle times
        shape = np.maximum(volume, 1) / cv2
        mean_aht = np.where(volume > 0, rng.gamma(shape, aht / shape), np.nan)
        frames.append(pd.DataFrame({
            "channel": ch, "interval_start": stamps.astype(f"datetime64[ns, {TZ}]"),
            "volume": volume.astype("int64"), "aht_seconds": np.round(mean_aht, 1)}))
    return pd.concat(frames, ignore_index=True)


def events_frame(holidays: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """events.csv rows: holidays then waves, dates as ISO text, end exclusive."""
    hol = [(name, "holiday", pd.Timestamp(a), pd.Timestamp(b) + pd.Timedelta(days=1), "*",
            pd.NA) for name, spans in HOLIDAYS.items() for a, b in spans]
    waves = list(events[EVENT_COLUMNS].itertuples(index=False, name=None))
    out = pd.DataFrame(hol + waves, columns=EVENT_COLUMNS)
    for col in ("start", "end"):  # dates, or local "YYYY-MM-DD HH:MM" when not midnight
        out[col] = [t.strftime("%Y-%m-%d" if t == t.normalize() else "%Y-%m-%d %H:%M")
                    for t in out[col]]
    out["size"] = pd.array(out["size"], dtype="Int64")
    return out.sort_values("start", kind="stable")


def agents_frame(rng: np.random.Generator) -> pd.DataFrame:
    """170 agents with mixed skills, part-timers and a few unavailabilities."""
    skills = rng.permutation([s for s, n in SKILL_MIX.items() for _ in range(n)])
    n = len(skills)
    names = rng.permutation([f"{f} {s}" for f in FIRST_NAMES for s in LAST_NAMES])[:n]
    part = rng.permutation(np.arange(n) < round(PART_TIME_SHARE * n))
    min_h = np.where(part, rng.integers(8, 11, n) * 2, 36)
    max_h = np.where(part, rng.integers(12, 16, n) * 2, 45)
    unavailable = np.full(n, "", dtype=object)
    unavailable[rng.choice(n, len(UNAVAILABLE), replace=False)] = UNAVAILABLE
    n_skills = np.array([s.count(";") + 1 for s in skills])
    cost = rng.uniform(28, 33, n) + 2.0 * (n_skills - 1)  # multi-skilled earn more
    cost = np.minimum(40.0, np.round(cost * 2) / 2)
    return pd.DataFrame({
        "agent_id": [f"A{i + 1:03d}" for i in range(n)], "name": names, "channels": skills,
        "min_hours_week": min_h, "max_hours_week": max_h, "unavailable": unavailable,
        "cost_per_hour": cost})


PLANNING_TOML = """\
# Planning config of the staffcast sample (fictional). Timezone: IANA name of every
# timestamp; interval length in minutes; week_start: Monday of the rostered week.
[planning]
timezone = "Asia/Shanghai"
interval_minutes = 30
week_start = "2026-12-07"

# queue channels: service_level = share answered within answer_seconds; occupancy,
# shrinkage and concurrency_slowdown (per extra chat) are shares; concurrency = chats at
# once; patience_seconds feeds Erlang A; importance is a relative weight.
[[channel]]
name = "voice"
kind = "queue"
service_level = 0.80
answer_seconds = 20
max_occupancy = 0.85
shrinkage = 0.30
patience_seconds = 180
open_hours = "08:00-22:00"
importance = 1.0

[[channel]]
name = "chat"
kind = "queue"
service_level = 0.80
answer_seconds = 60
max_occupancy = 0.85
shrinkage = 0.30
concurrency = 2
concurrency_slowdown = 0.25
open_hours = "00:00-24:00"
importance = 0.8

# deferred channels: every contact answered within response_hours (hours)
[[channel]]
name = "email"
kind = "deferred"
response_hours = 4
shrinkage = 0.30
open_hours = "08:00-22:00"
importance = 0.5

[[channel]]
name = "social"
kind = "deferred"
response_hours = 2
shrinkage = 0.30
open_hours = "08:00-22:00"
importance = 0.6

[shifts]  # lengths in hours incl. the break; starts (local) as ranges HH:MM-HH:MM/step or HH:MM
lengths_hours = [8, 9]
start_times = ["07:00-14:00/30min", "23:00"]  # day shifts, and a night shift for 24/7 chat
break_minutes = 60
break_not_first_hours = 2  # no break in the first / last 2 hours of a shift
break_not_last_hours = 2

[rules]  # per agent: working days per week; hours of rest between shifts
max_days_per_week = 5
min_rest_hours = 11

[weights]  # relative objective weights: coverage per staff-interval short/over, cost per
# currency unit, then soft rules (days off together, stable starts, fair hours)
under_coverage = 100.0
short_interval = 10.0  # a queue interval below plan at all, in missing agents' worth
over_coverage = 1.0
cost = 0.05
consecutive_days_off = 5.0
start_stability = 2.0
fairness = 5.0

[solver]  # CP-SAT wall-clock limit in seconds, worker threads, random seed
time_limit_seconds = 60
workers = 2
seed = 7

# staffcast capacity: hiring plan per skill group. Shares per week; weeks from now;
# ramp = productivity in the weeks after training; costs in currency units. method: the
# interval staffing of the 26-week requirement (sipp: seconds; isa simulates every week).
[capacity]
attrition_per_week = 0.005
lead_weeks = 4
training_weeks = 3
ramp = [0.5, 0.75, 0.9]
class_size = [5, 20]
cost_per_hire = 3000
cost_per_fte_week = 900
overtime_max_share = 0.10
overtime_cost_factor = 1.5
shortfall_cost_per_fte_week = 5000
productive_hours_per_fte_week = 32
method = "sipp"
"""


def main(out_dir: Path) -> None:
    """Write every sample file into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    holidays = holiday_table()
    events = plan_events(rng, holidays)
    history = simulate_history(rng, holidays, events)
    history.to_parquet(out_dir / "history.parquet", compression="zstd", index=False)
    events_frame(holidays, events).to_csv(out_dir / "events.csv", index=False)
    agents_frame(rng).to_csv(out_dir / "agents.csv", index=False)
    (out_dir / "planning.toml").write_text(PLANNING_TOML, encoding="utf-8")


if __name__ == "__main__":
    main(Path(__file__).parent)
