"""The local lab: real MariaDB, PostgreSQL, Redis, exporters, Prometheus, Alertmanager and moto.

Plain processes on 127.0.0.1, started, seeded and stopped by `console.lab.manager`; the tests and
the demo run against them. Never imported by the TUI.
"""
