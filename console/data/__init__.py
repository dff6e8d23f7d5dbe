"""The one async data-access layer.

Import from `console.data.layer` and `console.data.models` explicitly: importing this package
loads no driver, so widgets that import models never pull asyncmy, asyncpg, redis or httpx.
"""
