"""Named-agent weekly rosters with OR-Tools CP-SAT: the model, the search that solves it
and the results read from a solution.
"""
