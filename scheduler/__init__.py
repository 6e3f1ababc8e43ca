"""The staffing and rostering engine: inputs (agents, frames), staffing (queueing maths and
requirements), simulation, roster (model, search, results) and outputs (calendars,
workbook, plots).
"""
