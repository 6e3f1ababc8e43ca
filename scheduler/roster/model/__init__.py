"""The roster model: the instance (time grid, shift candidates, demand), the CP-SAT model
built top-down, its hard and soft rules and its coverage part.
"""
