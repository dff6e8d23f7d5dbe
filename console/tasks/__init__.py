"""Headless tasks: one module per verb, each with the verb's parser and its run.

Each module defines `HELP` (one line), `configure(parser)` (its arguments) and
`run(args, load_settings) -> int` (exit status: 0 fine, 1 failed or findings, 2 usage or config
error). Imports at module level stay light (argparse, typing): the CLI imports every task to
build its parser, so drivers, the data layer and Textual are imported inside `run` only.
"""
