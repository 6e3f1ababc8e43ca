"""Roster exports a planner opens: calendars, the Excel workbook and the plots."""
