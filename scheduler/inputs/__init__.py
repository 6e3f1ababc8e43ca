"""Reading the files the scheduler takes: the agents file and the forecast, requirements
and coverage frames.
"""
