"""What a solved roster says: named breaks and channels, the roster and coverage frames,
the shortfall report and the independent checker.
"""
