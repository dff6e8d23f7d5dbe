"""Headless verbs: each returns its output as values; console/cli.py prints them."""
