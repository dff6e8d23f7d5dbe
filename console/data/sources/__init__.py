"""The server sources behind the DataLayer: MySQL/MariaDB, PostgreSQL, Redis, Prometheus,
Alertmanager, one module each.

Why a package of their own: only `console.data` (the facade, the query runner, the audit and
the evidence gatherer) may hold a source; screens get read-only protocols (`console.data.reads`).
Docstring only: importing the package loads no driver.
"""
