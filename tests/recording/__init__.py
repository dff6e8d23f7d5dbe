"""Tests of the incident flight recorder (issue 14, item 1)."""
