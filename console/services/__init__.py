"""Capabilities: one module per capability (investigation, fleet slow-query digest, Redis TTL
audit, health report, AWS cost, query and plan, ...). Each is async functions that take the data
layer and return typed results or `Reading`s; the CLI verb (console/cli/) and the screen
(console/screens/) both call the service, and neither builds readings, masks or analyses.

Layer: above the data layer and the core (models, safety, analysis, config, formatting), below
the UI. No Textual here.
"""
