"""Discrete-event simulation of the queues interval by interval, with backlog carried over."""
