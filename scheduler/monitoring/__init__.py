"""Monitoring: the service customers actually got, and why it differed from plan."""
