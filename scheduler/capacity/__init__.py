"""Capacity planning: the weekly FTE requirement, supply of cohorts and the hiring-plan MIP."""
