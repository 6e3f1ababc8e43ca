"""How the roster model is solved: starting rosters (greedy, LP-guided), LNS, reshuffles,
the final CP-SAT run, the LP bound and the time budget.
"""
