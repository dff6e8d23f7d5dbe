"""Widgets: views of data-layer models; they never import a driver or the DataLayer."""
