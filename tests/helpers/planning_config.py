"""The planning config the tests share: three channels (Erlang A voice, chat at
concurrency 2, deferred email), shifts and rules. Tests change one key of it at a time."""

BASE = """\
[planning]
timezone = "Asia/Shanghai"
interval_minutes = 30
week_start = "2026-12-07"

[[channel]]
name = "voice"
kind = "queue"
service_level = 0.80
answer_seconds = 20
max_occupancy = 0.85
shrinkage = 0.30
patience_seconds = 180
open_hours = "08:00-22:00"

[[channel]]
name = "chat"
service_level = 0.8
answer_seconds = 60
shrinkage = 0.3
concurrency = 2

[[channel]]
name = "email"
kind = "deferred"
response_hours = 4
shrinkage = 0.30

[shifts]
lengths_hours = [8, 9]
start_times = "07:00-14:00/30min"
break_minutes = 60

[rules]
max_days_per_week = 5
min_rest_hours = 11
"""
