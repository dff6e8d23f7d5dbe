"""The slow-query digest, one capability: a MySQL/MariaDB slow log grouped by fingerprint and
ranked by total time (pt-query-digest's classes), from a file, from one instance's slow log or
from the whole fleet's at once. `opsconsole digest`, the instance view's Slow log tab and the
fleet's slow-query screen all call it.

Why two modules: `file` digests a slow log file with no event loop, no data layer and no data
models (`opsconsole digest FILE` is benchmarked against pt-query-digest, and start-up is most of
a small digest); `logs` reads the instances' slow logs through the data layer. This package's
`__init__` imports nothing, so importing `file` stays light.
"""
