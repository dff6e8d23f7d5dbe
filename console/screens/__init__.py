"""Screens: one per file; they hold the DataLayer, run the poll workers and compose widgets."""
