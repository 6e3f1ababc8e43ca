"""Queueing maths and the requirements frame: Erlang C and A, chat concurrency, deferred
backlogs, shrinkage.
"""
